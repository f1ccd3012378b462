"""Plan and subject validation: every invalid input is rejected with a message that
says what is wrong and what would be valid."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from pydantic import ValidationError
from tests.plans import AFTER_SALES

from touchpoints import Plan, PlanError, Subject, SubjectError, TouchpointsError, parse_plan


def rule(**fields: Any) -> dict[str, Any]:
    return {"id": "a", "title": "A", "channel": "call", **fields}


def plan_data(*rules: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"plan": "p", "touchpoints": list(rules) or [rule(at="purchase")], **fields}


class TestValidPlans:
    def test_the_example_plan_validates_as_written(self) -> None:
        plan = Plan.model_validate(AFTER_SALES)
        assert (plan.id, plan.version, plan.timezone) == (
            "after-sales-standard",
            3,
            "Europe/Berlin",
        )
        assert plan.contact_time == time(10)
        assert [r.kind for r in plan.rules] == ["once", "every", "once", "once"]
        assert plan.subject_anchors() == ("purchase",)
        assert not plan.is_all_day

    def test_defaults(self) -> None:
        plan = Plan.model_validate(plan_data())
        assert (plan.version, plan.timezone, plan.contact_time, plan.is_all_day) == (
            1,
            None,
            None,
            True,
        )
        assert str(plan.horizon) == "5 years"
        only = plan.rules[0]
        assert (only.priority, only.tags, only.optional, only.description) == (5, (), False, None)

    def test_plans_are_frozen(self) -> None:
        plan = Plan.model_validate(AFTER_SALES)
        with pytest.raises(ValidationError, match="frozen"):
            plan.version = 4  # type: ignore[misc]

    @pytest.mark.parametrize(
        ("word", "number"), [("highest", 1), ("high", 3), ("normal", 5), ("low", 7), ("lowest", 9)]
    )
    def test_priority_words(self, word: str, number: int) -> None:
        plan = Plan.model_validate(plan_data(rule(at="purchase", priority=word)))
        assert plan.rules[0].priority == number

    def test_custom_channel_words(self) -> None:
        plan = Plan.model_validate(plan_data(rule(at="purchase", channel="whatsapp")))
        assert plan.rules[0].channel == "whatsapp"


def _rejects(data: dict[str, Any], *fragments: str) -> None:
    with pytest.raises(PlanError) as caught:
        Plan.model_validate(data)
    text = str(caught.value)
    for fragment in fragments:
        assert fragment in text, text


class TestPlanErrors:
    def test_duplicate_rule_ids(self) -> None:
        _rejects(plan_data(rule(at="purchase"), rule(at="purchase + 1 day")), "duplicate", "'a'")

    def test_derived_anchors_in_a_circle(self) -> None:
        data = plan_data(rule(at="a"), anchors={"a": "b + 1 day", "b": "a + 1 day"})
        _rejects(data, "circle", "a -> b -> a")

    def test_a_derived_anchor_referring_to_itself(self) -> None:
        _rejects(plan_data(rule(at="x"), anchors={"x": "x + 1 day"}), "circle", "x -> x")

    def test_derived_anchor_with_hours(self) -> None:
        data = plan_data(rule(at="x"), anchors={"x": "purchase + 2 hours"}, contact_time="10:00")
        _rejects(data, "anchor 'x' is a date", "hours or minutes")

    @pytest.mark.parametrize("every", ["0 days", "P0D", "0 weeks 0 days"])
    def test_zero_interval(self, every: str) -> None:
        _rejects(plan_data(rule(every=every, starting="purchase")), "longer than zero")

    def test_until_before_starting(self) -> None:
        data = plan_data(rule(every="1 week", starting="purchase + 1 year", until="purchase"))
        _rejects(data, "ends ('until: purchase') before it starts")

    def test_until_before_starting_through_a_derived_anchor(self) -> None:
        data = plan_data(
            rule(every="1 week", starting="purchase", until="notice"),
            anchors={"notice": "purchase - 1 month"},
        )
        _rejects(data, "before it starts")

    def test_until_may_equal_starting(self) -> None:
        data = plan_data(rule(every="1 week", starting="purchase", until="purchase"))
        assert Plan.model_validate(data).rules[0].until is not None

    def test_until_on_another_anchor_is_checked_per_subject(self) -> None:
        # Different subject anchors: nothing to compare until a subject is known.
        data = plan_data(rule(every="1 week", starting="purchase", until="cancelled"))
        assert Plan.model_validate(data).subject_anchors() == ("purchase", "cancelled")

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("FREQ=SOMETIMES", "needs FREQ=YEARLY, MONTHLY, WEEKLY or DAILY"),
            ("BYDAY=MO", "it has no FREQ"),
            ("FREQ=HOURLY", "it has FREQ=HOURLY"),
            ("FREQ=MONTHLY;BYDAY=22MO", "a number in its BY parts is out of range"),
            ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
            ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
            ("FREQ=WEEKLY;BYMONTHDAY=3", "cannot have BYMONTHDAY"),
            ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", "use FREQ=WEEKLY;INTERVAL=n"),
            ("FREQ=WEEKLY;BYDAY=1MO", "needs FREQ=MONTHLY or FREQ=YEARLY"),
            ("FREQ=MINUTELY", "never more frequent than daily"),
            ("FREQ=DAILY;COUNT=3", "use the rule's 'count' key instead"),
            ("FREQ=DAILY;UNTIL=20270101", "use the rule's 'until' key instead"),
            ("FREQ=DAILY;BYHOUR=9", "contact_time"),
            ("RRULE:FREQ=DAILY", "give only the rule's value"),
            ("FREQ=DAILY\nFREQ=WEEKLY", "give only the rule's value"),
        ],
    )
    def test_bad_rrule(self, text: str, fragment: str) -> None:
        _rejects(plan_data(rule(rrule=text, starting="purchase")), fragment)

    def test_hours_in_an_all_day_plan(self) -> None:
        _rejects(plan_data(rule(at="purchase + 2 hours")), "need a time of day", "contact_time")

    def test_minutes_in_an_all_day_interval(self) -> None:
        _rejects(plan_data(rule(every="90 minutes", starting="purchase")), "contact_time")

    @pytest.mark.parametrize(
        ("zone", "suggestion"),
        [("Europe/Berln", "'Europe/Berlin'"), ("europe/berlin", "'Europe/Berlin'")],
    )
    def test_unknown_time_zone_with_a_suggestion(self, zone: str, suggestion: str) -> None:
        _rejects(
            plan_data(timezone=zone), f"unknown time zone {zone!r}", f"did you mean {suggestion}"
        )

    def test_unknown_time_zone_without_a_close_name(self) -> None:
        _rejects(plan_data(timezone="Mars/Olympus_Mons_Base"), "unknown time zone", "IANA")

    def test_contact_time_with_an_offset(self) -> None:
        _rejects(plan_data(contact_time="10:00+01:00"), "leave out the offset")

    @pytest.mark.parametrize(
        ("timing", "fragment"),
        [
            ({}, "it has none"),
            ({"at": "purchase", "every": "1 day"}, "it has at and every"),
            ({"every": "1 day"}, "a series needs 'starting'"),
            ({"rrule": "FREQ=DAILY"}, "a series needs 'starting'"),
            ({"at": "purchase", "count": 2}, "'count' belongs to a series"),
            ({"at": "purchase", "until": "purchase"}, "'until' belongs to a series"),
        ],
    )
    def test_timing(self, timing: dict[str, Any], fragment: str) -> None:
        _rejects(plan_data(rule(**timing)), fragment)

    @pytest.mark.parametrize("count", [0, -1, 100_001])
    def test_count_out_of_range(self, count: int) -> None:
        _rejects(plan_data(rule(every="1 day", starting="purchase", count=count)), "count")

    def test_a_contact_duration_in_months(self) -> None:
        _rejects(
            plan_data(rule(at="purchase", duration="1 month")), "weeks, days, hours or minutes"
        )

    @pytest.mark.parametrize(
        ("fields", "fragment"),
        [
            ({"colour": "red"}, "colour"),
            ({"priority": 0}, "priority"),
            ({"priority": "urgent"}, "priority"),
            ({"tags": ["a,b"]}, "tags"),
            ({"channel": "Phone Call"}, "channel"),
            ({"id": "Check Up"}, "id"),
            ({"title": "   "}, "title"),
        ],
    )
    def test_rule_fields(self, fields: dict[str, Any], fragment: str) -> None:
        _rejects(plan_data(rule(at="purchase") | fields), fragment)

    @pytest.mark.parametrize(
        ("fields", "fragment"),
        [
            ({"plan": "After Sales"}, "plan"),
            ({"version": 0}, "version"),
            ({"version": True}, "version"),
            ({"version": 16**5000}, "version"),
            ({"touchpoints": []}, "touchpoints"),
            ({"colour": "red"}, "colour"),
            ({"anchors": {"2nd": "purchase"}}, "anchors"),
        ],
    )
    def test_plan_fields(self, fields: dict[str, Any], fragment: str) -> None:
        _rejects(plan_data() | fields, fragment)

    def test_parse_plan_wraps_problems_in_a_plan_error(self) -> None:
        data = plan_data(rule(every="0 days", starting="purchase"))
        with pytest.raises(PlanError) as caught:
            parse_plan(data)
        assert isinstance(caught.value, TouchpointsError)
        assert isinstance(caught.value, ValueError)
        assert any("longer than zero" in problem.message for problem in caught.value.problems)
        assert isinstance(caught.value.__cause__, ValidationError)


class TestSubjects:
    def test_a_valid_subject(self) -> None:
        own = Subject(
            id="cust-42",
            timezone="America/New_York",
            anchors={"purchase": date(2026, 1, 15), "delivery": datetime(2026, 1, 20, 9)},
            attributes={"segment": "gold", "seats": 5, "score": 0.5, "active": True, "x": None},
        )
        assert own.anchors["purchase"] == date(2026, 1, 15)
        assert own.attributes["seats"] == 5

    def test_iso_text_anchors_become_dates(self) -> None:
        own = Subject.model_validate({"id": "c", "anchors": {"purchase": "2026-01-15"}})
        assert own.anchors["purchase"] == date(2026, 1, 15)

    @pytest.mark.parametrize(
        ("fields", "fragment"),
        [
            ({"id": ""}, "id"),
            ({"timezone": "Europe/Berln"}, "did you mean 'Europe/Berlin'"),
            ({"anchors": {"2nd_purchase": date(2026, 1, 1)}}, "anchors"),
            ({"anchors": {"purchase": "soon"}}, "anchors.purchase"),
            ({"attributes": {"nested": {"a": 1}}}, "attributes"),
            ({"colour": "red"}, "colour"),
        ],
    )
    def test_invalid_subjects(self, fields: dict[str, Any], fragment: str) -> None:
        with pytest.raises(SubjectError) as caught:
            Subject.model_validate({"id": "c"} | fields)
        assert fragment in str(caught.value)

    def test_subjects_are_frozen(self) -> None:
        own = Subject(id="c")
        with pytest.raises(ValidationError, match="frozen"):
            own.id = "d"  # type: ignore[misc]
