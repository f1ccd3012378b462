"""The public strategies in ``touchpoints.testing``: what they promise host
applications, and how they reject bad arguments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, get_args
from zoneinfo import ZoneInfo

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from touchpoints import Duration, Plan, Rule, Subject, schedule
from touchpoints._model import Roll
from touchpoints.testing import (
    anchor_dates,
    business_calendars,
    durations,
    plans,
    rules,
    subjects,
    timezones,
    windows,
)

# Finding an example is enough to show that it can come out; shrinking it (the
# slow part of find) is not needed.
QUICK = settings(phases=[Phase.generate], database=None, max_examples=1_000)


class TestDurations:
    @given(durations(min_value="1 month", max_value="1 year 6 months"))
    def test_within_bounds(self, duration: Duration) -> None:
        assert Duration(months=1).approximate_days() <= duration.approximate_days()
        assert duration.approximate_days() <= Duration(years=1, months=6).approximate_days()
        assert not duration.has_time

    @given(durations(max_value="P2D", allow_time=True))
    def test_allow_time(self, duration: Duration) -> None:
        assert duration.approximate_days() <= 2

    @given(durations())
    def test_any_duration_round_trips_through_its_text(self, duration: Duration) -> None:
        assert Duration.parse(str(duration)) == duration
        assert Duration.parse(duration.to_iso()) == duration

    @given(durations(min_value=Duration(months=1), max_value=Duration(months=1)))
    def test_a_one_point_range(self, duration: Duration) -> None:
        assert duration.approximate_days() == Duration(months=1).approximate_days()

    @pytest.mark.parametrize("unit", ["years", "months", "weeks", "days", "hours", "minutes"])
    def test_can_reach_every_unit(self, unit: str) -> None:
        found = find(durations(allow_time=True), lambda d: getattr(d, unit) > 0)
        assert getattr(found, unit) == 1

    @pytest.mark.parametrize(
        ("kwargs", "fragment"),
        [
            ({"min_value": "2 hours"}, "allow_time=True"),
            ({"max_value": Duration(minutes=5)}, "allow_time=True"),
            ({"min_value": "1 year", "max_value": "1 month"}, "longer than max_value"),
            ({"min_value": "soon"}, "is not a duration"),
            ({"min_value": 5}, "must be a Duration or str"),
            ({"allow_time": "yes"}, "allow_time='yes' must be a bool"),
            ({"max_value": "10 business days"}, "business days"),
        ],
    )
    def test_rejects_bad_arguments(self, kwargs: dict[str, Any], fragment: str) -> None:
        with pytest.raises(InvalidArgument, match=fragment):
            durations(**kwargs)


class TestAnchorDatesAndZones:
    @given(anchor_dates())
    def test_default_range(self, day: date) -> None:
        assert date(1970, 1, 1) <= day <= date(2100, 12, 31)
        assert type(day) is date

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"min_value": datetime(2020, 1, 1)},
            {"max_value": "2020-01-01"},
            {"min_value": date(2021, 1, 1), "max_value": date(2020, 1, 1)},
        ],
    )
    def test_rejects_bad_arguments(self, kwargs: dict[str, Any]) -> None:
        with pytest.raises(InvalidArgument):
            anchor_dates(**kwargs)

    @given(timezones())
    def test_zones_load(self, name: str) -> None:
        assert ZoneInfo(name).key == name

    @pytest.mark.parametrize(
        "name", ["UTC", "Australia/Lord_Howe", "America/Santiago", "Asia/Kathmandu", "Pacific/Apia"]
    )
    def test_odd_zones_come_out(self, name: str) -> None:
        assert find(timezones(), lambda zone: zone == name) == name


class TestRules:
    @given(rules(min_interval="1 week", max_count=10))
    def test_bounded_rules(self, rule: Rule) -> None:
        assert isinstance(rule, Rule)
        if rule.every is not None:
            assert rule.every.approximate_days() >= 7
        if rule.kind != "once":
            assert rule.count is not None
            assert rule.count <= 10

    @given(rules(anchors=("start", "end"), all_day=True, kinds=("every",)))
    def test_options(self, rule: Rule) -> None:
        assert rule.kind == "every"
        assert set(rule.anchors()) <= {"start", "end"}
        assert not any(duration.has_time for duration in rule.durations())

    @given(rules())
    def test_every_rule_fits_a_timed_plan(self, rule: Rule) -> None:
        plan = Plan.model_validate(
            {"plan": "p", "contact_time": "10:00", "touchpoints": [rule.model_dump(mode="json")]}
        )
        assert plan.rules[0] == rule

    @pytest.mark.parametrize("piece", [",", ";", "\\", "\n", "😀"])
    def test_awkward_text_comes_out(self, piece: str) -> None:
        assert piece in find(rules(), lambda r: piece in r.title, settings=QUICK).title

    def test_long_lines_come_out(self) -> None:
        assert len(find(rules(), lambda r: len(r.title) > 75, settings=QUICK).title) > 75

    @pytest.mark.parametrize(
        ("kwargs", "fragment"),
        [
            ({"anchors": ()}, "non-empty"),
            ({"anchors": "purchase"}, "non-empty"),
            ({"anchors": ("2nd",)}, "not an anchor name"),
            ({"kinds": ("sometimes",)}, "'once', 'every' and 'rrule'"),
            ({"min_interval": "0 days"}, "longer than zero"),
            ({"max_count": 0}, "from 1 to 100,000"),
            ({"ids": "check-up"}, "must be a strategy"),
            ({"all_day": None}, "must be a bool"),
        ],
    )
    def test_rejects_bad_arguments(self, kwargs: dict[str, Any], fragment: str) -> None:
        with pytest.raises(InvalidArgument, match=fragment):
            rules(**kwargs)


class TestPlansAndSubjects:
    @given(plans(all_day=True, min_rules=2, max_rules=3))
    def test_plan_options(self, plan: Plan) -> None:
        assert plan.is_all_day
        assert 2 <= len(plan.rules) <= 3

    @given(plans(anchors=("delivery", "purchase")), st.data())
    def test_subjects_have_every_anchor_the_plan_needs(
        self, plan: Plan, data: st.DataObject
    ) -> None:
        subject = data.draw(subjects(plan))
        required = {
            plan.root_anchor(name)[0]
            for rule in plan.rules
            if not rule.optional
            for name in rule.anchors()
        }
        assert required <= set(subject.anchors)
        assert set(plan.subject_anchors()) <= {"delivery", "purchase"}
        if not plan.is_all_day:
            assert subject.timezone or plan.timezone
        result = schedule(plan, subject)  # never a missing anchor or zone
        assert len(result) <= 60 * len(plan.rules)

    def test_omissions_come_out(self) -> None:
        plan = Plan.model_validate(
            {
                "plan": "p",
                "touchpoints": [
                    {"id": "a", "title": "A", "channel": "call", "at": "purchase"},
                    {"id": "w", "title": "W", "channel": "call", "at": "churn", "optional": True},
                ],
            }
        )
        subject = find(subjects(plan), lambda s: "churn" not in s.anchors)
        assert [str(o) for o in schedule(plan, subject).omitted] == [
            "rule 'w' left out: the subject has no 'churn' date"
        ]
        assert "churn" in find(subjects(plan), lambda s: "churn" in s.anchors).anchors

    def test_derived_anchors_come_out(self) -> None:
        plan = find(plans(), lambda p: len(p.anchors) == 2, settings=QUICK)
        assert set(plan.anchors).isdisjoint(plan.subject_anchors())

    def test_subject_values_for_derived_anchors_come_out(self) -> None:
        plan = Plan.model_validate(
            {
                "plan": "p",
                "anchors": {"renewal": "purchase + 3 years"},
                "touchpoints": [{"id": "r", "title": "R", "channel": "call", "at": "renewal"}],
            }
        )
        found = find(subjects(plan), lambda s: "renewal" in s.anchors)
        assert "purchase" in found.anchors

    @given(subjects(timezones=st.just("Asia/Tokyo"), allow_datetimes=False))
    def test_subject_options(self, subject: Subject) -> None:
        assert subject.timezone == "Asia/Tokyo"
        assert all(type(value) is date for value in subject.anchors.values())
        assert "purchase" in subject.anchors

    @pytest.mark.parametrize(
        ("strategy", "kwargs", "fragment"),
        [
            (plans, {"min_rules": 0}, "from 1 to 1,000"),
            (plans, {"min_rules": 3, "max_rules": 2}, "more than max_rules"),
            (plans, {"anchors": ("a", "a")}, "non-empty collection"),
            (plans, {"all_day": 1}, "must be a bool"),
            (subjects, {"plan": {"plan": "p"}}, "must be a Plan"),
            (subjects, {"ids": "c1"}, "must be a strategy"),
            (subjects, {"timezones": "UTC"}, "must be a strategy"),
            (subjects, {"min_value": date(2030, 1, 1), "max_value": date(2020, 1, 1)}, "after"),
        ],
    )
    def test_rejects_bad_arguments(
        self, strategy: Any, kwargs: dict[str, Any], fragment: str
    ) -> None:
        with pytest.raises(InvalidArgument, match=fragment):
            strategy(**kwargs)


class TestWindows:
    @given(windows(min_value=date(2020, 1, 1), max_value=date(2021, 12, 31)))
    def test_ordered_and_in_range(self, window: tuple[date, date]) -> None:
        start, end = window
        assert type(start) is type(end)
        assert start <= end
        if isinstance(start, datetime):
            assert start.tzinfo is not None
            assert isinstance(end, datetime)
            assert end.tzinfo is not None
        else:
            assert date(2020, 1, 1) <= start <= end <= date(2021, 12, 31)

    @given(plans(), st.data())
    def test_windows_are_accepted_by_schedule(self, plan: Plan, data: st.DataObject) -> None:
        start, end = data.draw(windows())
        schedule(plan, data.draw(subjects(plan)), start=start, end=end)

    def test_rejects_bad_arguments(self) -> None:
        with pytest.raises(InvalidArgument, match="after"):
            windows(min_value=date(2030, 1, 1), max_value=date(2020, 1, 1))
        with pytest.raises(InvalidArgument, match="must be a date"):
            windows(min_value=datetime(2020, 1, 1))


class TestBusinessCalendars:
    @pytest.mark.parametrize("roll", get_args(Roll))
    def test_every_roll_convention_comes_out(self, roll: str) -> None:
        found = find(business_calendars(), lambda c: c.roll == roll, settings=QUICK)
        assert found.roll == roll


class TestSurface:
    def test_public_names(self) -> None:
        import touchpoints.testing

        assert touchpoints.testing.__all__ == [
            "CsvDocument",
            "Edit",
            "LifecycleMachine",
            "anchor_dates",
            "business_calendars",
            "checks",
            "durations",
            "plan_documents",
            "plan_edits",
            "plans",
            "rules",
            "subject_csv_documents",
            "subjects",
            "timezones",
            "windows",
        ]
        for name in touchpoints.testing.__all__:
            assert ">>>" in (getattr(touchpoints.testing, name).__doc__ or ""), name
