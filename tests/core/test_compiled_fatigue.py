"""The compiled path for plans with contact fatigue gives the generic engine's results.

A fatigue plan is compiled without its fatigue; its touch points are found from the
first on, to the window's end widened by the fatigue margin, and resolved by the
engine's own fatigue resolution. Here the generic engine (``_Engine``) alone is the
reference, over generated plans with fatigue rules (crowded ones, so that touch
points move, merge and conflict), DST days in awkward zones, month ends, business
days and windows that start in the middle of a series. Equal means the same touch
points in the same order, with the same due instants and offsets, adjustments and
ids, and the same omissions, window and conflicts, or the same error.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.core.test_compiled_path import AWKWARD_ZONES, CHANGES, generic, same

from touchpoints import (
    Conflict,
    Omission,
    Plan,
    ScheduleError,
    Subject,
    schedule,
    schedule_many,
)
from touchpoints._core.compiled import compiled
from touchpoints._core.compiled_fatigue import compiled_fatigue
from touchpoints.testing import plans, subjects, timezones

CHANNELS = ("call", "email", "visit")
TIMES = ("00:00", "00:30", "01:30", "02:00", "02:30", "03:00", "10:00", "23:30")


def days(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: f"{n} days") | st.just(f"{max(1, low // 7)} weeks")


@st.composite
def fatigue_rules(draw: st.DrawFn, channels: tuple[str, ...] = CHANNELS) -> dict[str, Any]:
    """Fatigue rules of every kind: spacing, channel spacing, caps of all contacts or
    of one channel, merging or not, a short or long ``max_shift``."""
    cap = st.fixed_dictionaries(
        {"max": st.integers(1, 4), "per": days(7, 120)},
        optional={"channel": st.sampled_from(channels)},
    )
    rules = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "spacing": days(1, 30),
                "channels": st.dictionaries(st.sampled_from(channels), days(1, 40), max_size=2),
                "caps": st.lists(cap, max_size=2),
                "merge": st.booleans(),
                "max_shift": days(1, 60),
            },
        )
    )
    if not rules.get("spacing") and not rules.get("channels") and not rules.get("caps"):
        rules["spacing"] = "7 days"
    return rules


def with_fatigue(plan: Plan, rules: dict[str, Any]) -> Plan:
    data = plan.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return Plan.model_validate({**data, "fatigue": rules})


@st.composite
def crowded_plans(draw: st.DrawFn, *, timed: bool | None = None) -> Plan:
    """Plans whose touch points come close together: short series and single touch
    points of a few channels and priorities, with fatigue rules, sometimes a business
    calendar and channel windows."""
    is_timed = draw(st.booleans()) if timed is None else timed
    rules: list[dict[str, Any]] = []
    for n in range(draw(st.integers(2, 4))):
        rule: dict[str, Any] = {
            "id": f"r{n}",
            "title": f"R{n}",
            "channel": draw(st.sampled_from(CHANNELS)),
            "priority": draw(st.integers(1, 5)),
        }
        begin = draw(st.sampled_from(("purchase", "purchase + 3 days", "purchase - 2 days")))
        if draw(st.booleans()):
            offset = draw(st.integers(-2, 40))
            rule["at"] = f"purchase {'-' if offset < 0 else '+'} {abs(offset)} days"
        else:
            every = draw(st.sampled_from(("1 day", "3 days", "1 week", "10 days", "1 month")))
            rule.update(every=every, starting=begin, count=draw(st.integers(1, 12)))
        if is_timed and draw(st.booleans()):
            rule["contact_time"] = draw(st.sampled_from(TIMES))
        rules.append(rule)
    data: dict[str, Any] = {
        "plan": "crowded",
        "timezone": "Europe/Dublin",
        "touchpoints": rules,
        "fatigue": draw(fatigue_rules()),
    }
    if is_timed:
        data["contact_time"] = draw(st.sampled_from(TIMES))
    if draw(st.booleans()):
        data["calendar"] = {
            "holidays": draw(st.sampled_from(("DE-BY", "US", "CL"))),
            "roll": draw(st.sampled_from(("following", "preceding", "modified_following"))),
        }
    if draw(st.booleans()):
        weekdays = draw(
            st.lists(st.sampled_from(("mon", "tue", "wed", "thu", "fri")), min_size=1, unique=True)
        )
        data["channels"] = {draw(st.sampled_from(CHANNELS)): {"weekdays": weekdays}}
    return Plan.model_validate(data)


def takes_the_compiled_path(
    plan: Plan, subject: Subject, start: date | None, end: date | None
) -> None:
    fast = compiled_fatigue(plan)
    assert fast is not None
    assert fast.run(subject, start, end, 10_000) is not None


class TestGeneratedPlans:
    @given(plans(features=("calendar", "channels")), st.data())
    def test_generated_plans_with_fatigue_match_the_generic_engine(
        self, plan: Plan, data: st.DataObject
    ) -> None:
        channels = tuple(sorted({rule.channel for rule in plan.rules}))
        tired = with_fatigue(plan, data.draw(fatigue_rules(channels)))
        subject = data.draw(subjects(tired, timezones=st.none() | timezones()))
        start = data.draw(st.none() | st.dates(date(1990, 1, 1), date(2060, 1, 1)))
        end = data.draw(st.none() | st.dates(start or date(1990, 1, 1), date(2070, 1, 1)))
        same(tired, subject, start, end)

    @given(crowded_plans(), st.dates(date(2000, 1, 1), date(2040, 12, 31)), st.data())
    def test_crowded_plans_match_in_windows_that_start_mid_series(
        self, plan: Plan, purchase: date, data: st.DataObject
    ) -> None:
        subject = Subject(id="c-1", timezone="Europe/Berlin", anchors={"purchase": purchase})
        start = data.draw(st.none() | st.integers(-5, 60).map(lambda n: purchase + timedelta(n)))
        end = data.draw(
            st.none() | st.integers(1, 120).map(lambda n: (start or purchase) + timedelta(n))
        )
        takes_the_compiled_path(plan, subject, start, end)
        same(plan, subject, start, end)

    @given(
        crowded_plans(),
        st.dates(date(2000, 1, 1), date(2040, 12, 31)),
        st.lists(st.sampled_from(AWKWARD_ZONES), min_size=2, max_size=4),
        st.lists(st.tuples(st.integers(-5, 60), st.integers(1, 90)), min_size=2, max_size=4),
    )
    def test_one_plan_serves_subjects_and_windows_in_turn(
        self, plan: Plan, purchase: date, zones: list[str], windows: list[tuple[int, int]]
    ) -> None:
        # Resolutions are kept with the plan: what one subject or window found must
        # not leak into another's.
        for n, zone in enumerate(zones):
            subject = Subject(id=f"c-{n}", timezone=zone, anchors={"purchase": purchase})
            same(plan, subject)
            for begin, length in windows:
                start = purchase + timedelta(days=begin)
                same(plan, subject, start, start + timedelta(days=length))

    @given(crowded_plans(), st.dates(date(2000, 1, 1), date(2040, 12, 31)), st.data())
    def test_the_limit_counts_what_resolution_weighs(
        self, plan: Plan, purchase: date, data: st.DataObject
    ) -> None:
        subject = Subject(id="c-1", timezone="Asia/Tokyo", anchors={"purchase": purchase})
        start = purchase + timedelta(days=data.draw(st.integers(0, 40)))
        same(plan, subject, start=start, limit=data.draw(st.integers(1, 30)))

    @given(crowded_plans(), st.dates(date(2000, 1, 1), date(2040, 12, 31)), st.data())
    def test_what_a_roomier_limit_kept_does_not_pass_a_tighter_one(
        self, plan: Plan, purchase: date, data: st.DataObject
    ) -> None:
        """What the plan keeps for a subject's days was found under one limit; a
        later call with a lower limit on the same days is still held to its own."""
        first = Subject(id="c-1", timezone="Asia/Tokyo", anchors={"purchase": purchase})
        same(plan, first, limit=10_000)
        second = Subject(id="c-2", timezone="Europe/Berlin", anchors={"purchase": purchase})
        same(plan, second, limit=data.draw(st.integers(1, 30)))

    @given(crowded_plans(), st.data())
    def test_schedule_many_reports_what_schedule_reports(
        self, plan: Plan, data: st.DataObject
    ) -> None:
        people = [
            Subject(id=f"c-{n}", timezone=zone, anchors={"purchase": day})
            for n, (zone, day) in enumerate(
                data.draw(
                    st.lists(
                        st.tuples(
                            st.sampled_from(AWKWARD_ZONES),
                            st.dates(date(2010, 1, 1), date(2030, 12, 31)),
                        ),
                        max_size=5,
                    )
                )
            )
        ]
        limit = data.draw(st.sampled_from((5, 10_000)))
        expected: list[Any] = []
        skipped: list[str] = []
        for person in people:
            try:
                reference = generic(plan, person, limit=limit)
            except ScheduleError:
                skipped.append(person.id)
                continue
            expected += [(person.id, omission) for omission in reference.omitted]
            expected += [(person.id, conflict) for conflict in reference.conflicts]
            expected += [(tp, tp.due.isoformat(), tp.id) for tp in reference]
        got: list[Any] = []
        errors: list[str] = []
        stream = schedule_many(
            plan,
            people,
            limit=limit,
            on_omitted=lambda subject_id, omission: got.append((subject_id, omission)),
            on_conflict=lambda subject_id, conflict: got.append((subject_id, conflict)),
            on_error=lambda subject, error: errors.append(subject.id),
        )
        for tp in stream:  # the callbacks run as the stream is read, before each subject
            got.append((tp, tp.due.isoformat(), tp.id))
        assert got == expected
        assert errors == skipped


class TestAwkwardDays:
    @given(
        crowded_plans(timed=True),
        st.sampled_from(AWKWARD_ZONES),
        st.sampled_from(CHANGES),
        st.integers(-20, 2),
    )
    def test_dst_days(self, plan: Plan, zone: str, change: date, shift: int) -> None:
        purchase = change + timedelta(days=shift)
        subject = Subject(id="c-1", timezone=zone, anchors={"purchase": purchase})
        takes_the_compiled_path(plan, subject, None, None)
        same(plan, subject)
        same(plan, subject, start=change, end=change + timedelta(days=60))

    @given(
        st.sampled_from(("1 month", "2 months", "1 year 1 month")),
        st.dates(date(2019, 1, 1), date(2031, 12, 31)).filter(lambda d: d.day >= 28),
        fatigue_rules(("call",)),
        st.none() | st.integers(0, 400),
    )
    def test_month_ends(
        self, step: str, purchase: date, rules: dict[str, Any], start: int | None
    ) -> None:
        plan = Plan.model_validate(
            {
                "plan": "ends",
                "anchors": {"renewal": "purchase + 1 year 1 month"},
                "fatigue": rules,
                "touchpoints": [
                    {"id": "s", "title": "S", "channel": "call", "every": step,
                     "starting": "purchase", "until": "renewal + 1 year"},
                    {"id": "r", "title": "R", "channel": "call", "at": "renewal - 1 month"},
                    {"id": "e", "title": "E", "channel": "call", "at": "purchase + 1 month"},
                ],
            }
        )  # fmt: skip
        subject = Subject(id="c", anchors={"purchase": purchase})
        begin = None if start is None else purchase + timedelta(days=start)
        takes_the_compiled_path(plan, subject, begin, None)
        same(plan, subject, start=begin)

    @given(
        st.dates(date(2020, 1, 1), date(2027, 12, 31)),
        st.sampled_from(("following", "preceding", "modified_following", "modified_preceding")),
        st.sampled_from(("1 week", "10 days", "1 month")),
        fatigue_rules(("visit", "call")),
        st.none() | st.integers(0, 200),
    )
    def test_business_days(
        self, purchase: date, roll: str, step: str, rules: dict[str, Any], start: int | None
    ) -> None:
        plan = Plan.model_validate(
            {
                "plan": "work",
                "timezone": "Europe/Berlin",
                "contact_time": "09:00",
                "calendar": {"holidays": "DE-BY", "roll": roll, "closed": ["2024-12-27"]},
                "channels": {"visit": {"weekdays": ["tue", "thu"], "contact_time": "14:00"}},
                "fatigue": rules,
                "touchpoints": [
                    {"id": "v", "title": "V", "channel": "visit", "every": step,
                     "starting": "purchase", "count": 20},
                    {"id": "c", "title": "C", "channel": "call", "at": "purchase + 2 weeks"},
                    {"id": "d", "title": "D", "channel": "call", "at": "purchase + 3 weeks"},
                ],
            }
        )  # fmt: skip
        subject = Subject(id="c", anchors={"purchase": purchase})
        begin = None if start is None else purchase + timedelta(days=start)
        end = None if begin is None else begin + timedelta(days=90)
        takes_the_compiled_path(plan, subject, begin, end)
        same(plan, subject, begin, end)


class TestResolutionsKeptByDistance:
    """A resolution is kept for the distances between touch points and served, moved,
    to a later subject at the same distances whose calendars answer the same."""

    @given(
        crowded_plans(),
        st.dates(date(2000, 1, 1), date(2040, 12, 31)),
        st.lists(st.integers(-300, 300), min_size=2, max_size=6),
        st.sampled_from(AWKWARD_ZONES),
    )
    def test_subjects_weeks_apart_match_the_generic_engine(
        self, plan: Plan, purchase: date, weeks: list[int], zone: str
    ) -> None:
        # Whole weeks apart, most subjects' touch points lie at the same distances
        # (and on the same weekdays), so later ones meet what earlier ones decided,
        # on days where holidays and closed dates fall elsewhere.
        for n, week in enumerate(weeks):
            day = purchase + timedelta(weeks=week)
            subject = Subject(id=f"c-{n}", timezone=zone, anchors={"purchase": day})
            takes_the_compiled_path(plan, subject, None, None)
            same(plan, subject)

    @pytest.mark.parametrize("order", [(0, 1), (1, 0)])
    def test_a_holiday_where_an_earlier_subject_had_none_is_respected(
        self, order: tuple[int, int]
    ) -> None:
        # The mail, a day after the call, must wait 3 days after it, on an open day.
        # Bought on Monday 27 April 2026, it waits until Thursday 30 April. Bought
        # two weeks later, on Monday 11 May, its Thursday is Ascension Day, a
        # Bavarian holiday, so it waits until Friday 15 May: the same distances, but
        # not the same answer from the calendar.
        plan = Plan.model_validate(
            {
                "plan": "p",
                "calendar": {"holidays": "DE-BY", "roll": "following"},
                "fatigue": {"spacing": "3 days", "merge": False},
                "touchpoints": [
                    {"id": "call", "title": "Call", "channel": "call", "priority": 1,
                     "at": "purchase"},
                    {"id": "mail", "title": "Mail", "channel": "email", "priority": 2,
                     "at": "purchase + 1 day"},
                ],
            }
        )  # fmt: skip
        people = [
            Subject(id="april", anchors={"purchase": date(2026, 4, 27)}),
            Subject(id="may", anchors={"purchase": date(2026, 5, 11)}),
        ]
        expected = {
            "april": [("call", date(2026, 4, 27)), ("mail", date(2026, 4, 30))],
            "may": [("call", date(2026, 5, 11)), ("mail", date(2026, 5, 15))],
        }
        for n in order:
            subject = people[n]
            made = schedule(plan, subject)
            assert [(tp.rule_id, tp.due) for tp in made] == expected[subject.id]
            same(plan, subject)


# --- worked examples: what resolution does, seen through a window ---------------------

PURCHASE = date(2026, 1, 5)  # a Monday


def two_rules(**fatigue: Any) -> Plan:
    """A call on the purchase day and an email three days later."""
    return Plan.model_validate(
        {
            "plan": "p",
            "timezone": "Europe/Berlin",
            "contact_time": "10:00",
            "fatigue": fatigue,
            "touchpoints": [
                {"id": "call", "title": "Call", "channel": "call", "at": "purchase"},
                {"id": "mail", "title": "Mail", "channel": "email", "at": "purchase + 3 days"},
            ],
        }
    )


class TestWorkedExamples:
    subject = Subject(id="c", anchors={"purchase": PURCHASE})

    def test_a_touch_point_before_the_window_still_pushes_one_into_it(self) -> None:
        # The call (Jan 5) comes first; the mail (Jan 8) must wait 10 days after it:
        # Jan 15. Seen from Jan 10 on, the call is outside and the mail is moved.
        plan = two_rules(spacing="10 days")
        result = schedule(plan, self.subject, start=date(2026, 1, 10), end=date(2026, 2, 1))
        assert [(tp.rule_id, tp.due.isoformat()) for tp in result] == [
            ("mail", "2026-01-15T10:00:00+01:00")
        ]
        assert [a.kind for a in result[0].adjustments] == ["fatigue"]
        assert (result[0].adjustments[0].before, result[0].adjustments[0].after) == (
            date(2026, 1, 8),
            date(2026, 1, 15),
        )
        same(plan, self.subject, date(2026, 1, 10), date(2026, 2, 1))

    def test_a_merge_is_reported_only_inside_the_window(self) -> None:
        plan = Plan.model_validate(
            {
                "plan": "p",
                "fatigue": {"spacing": "10 days"},
                "touchpoints": [
                    {"id": "a", "title": "A", "channel": "call", "at": "purchase"},
                    {"id": "b", "title": "B", "channel": "call", "at": "purchase + 3 days"},
                ],
            }
        )
        whole = schedule(plan, self.subject)
        assert [tp.rule_id for tp in whole] == ["a"]
        assert [(o.rule_id, o.kind, o.merged_into) for o in whole.omitted] == [
            ("b", "merged", ("a", 1, 1))
        ]
        later = schedule(plan, self.subject, start=date(2026, 1, 9))
        assert list(later) == []
        assert later.omitted == ()
        same(plan, self.subject)
        same(plan, self.subject, start=date(2026, 1, 9))

    def test_a_conflict_is_reported_by_schedule_and_schedule_many(self) -> None:
        # The mail may move at most 2 days (to Jan 10), still within 10 days of the
        # call: it stays on Jan 8, in conflict.
        plan = two_rules(spacing="10 days", max_shift="2 days")
        result = schedule(plan, self.subject)
        assert [(tp.rule_id, tp.due.day) for tp in result] == [("call", 5), ("mail", 8)]
        assert [(c.rule_id, c.occurrence) for c in result.conflicts] == [("mail", 1)]
        seen: list[Conflict | Omission] = []
        stream = schedule_many(
            plan, [self.subject], on_conflict=lambda _, conflict: seen.append(conflict)
        )
        assert [tp.rule_id for tp in stream] == ["call", "mail"]
        assert seen == list(result.conflicts)
        same(plan, self.subject)


class TestWhatIsCompiled:
    def test_a_fatigue_plan_is_compiled_with_the_plan_and_kept_there(self) -> None:
        plan = two_rules(spacing="10 days")
        assert compiled(plan) is None  # the plain compiled path does not take fatigue
        first = compiled_fatigue(plan)
        assert first is not None
        assert compiled_fatigue(plan) is first
        assert compiled(plan) is None
        assert plan == two_rules(spacing="10 days")

    def test_a_copy_with_other_fields_is_compiled_for_itself(self) -> None:
        plan = two_rules(spacing="10 days")
        subject = Subject(id="c", anchors={"purchase": PURCHASE})
        berlin = schedule(plan, subject)
        tokyo = plan.model_copy(update={"timezone": "Asia/Tokyo"})
        assert compiled_fatigue(tokyo) is not compiled_fatigue(plan)
        due = schedule(tokyo, subject)[0].due
        assert isinstance(due, datetime)
        assert due.utcoffset() == timedelta(hours=9)
        assert schedule(plan, subject) == berlin

    @pytest.mark.parametrize(
        "changes",
        [
            {"stop": ["churn"]},
            {"touchpoints": [{"id": "b", "title": "B", "channel": "call",
                              "at": "purchase + 3 business days"}]},
        ],
    )  # fmt: skip
    def test_what_the_compiled_path_does_not_cover_goes_the_generic_way(
        self, changes: dict[str, Any]
    ) -> None:
        data = two_rules(spacing="10 days").model_dump(mode="json", by_alias=True)
        plan = Plan.model_validate({**data, **changes})
        assert compiled_fatigue(plan) is None
        same(plan, Subject(id="c", anchors={"purchase": PURCHASE}))

    def test_subjects_and_windows_it_does_not_cover_go_the_generic_way(self) -> None:
        plan = two_rules(spacing="10 days")
        fast = compiled_fatigue(plan)
        assert fast is not None
        history = Subject.model_validate(
            {
                "id": "c",
                "anchors": {"purchase": "2026-01-05"},
                "history": [{"rule": "call", "occurrence": 1, "status": "completed",
                             "on": "2026-01-06"}],
            }
        )  # fmt: skip
        for subject in (Subject(id="c", anchors={}), history):
            assert fast.run(subject, None, None, 100) is None
            same(plan, subject)
        subject = Subject(id="c", anchors={"purchase": PURCHASE})
        assert fast.run(subject, None, None, 1) is None  # over the limit: the engine says so
        same(plan, subject, limit=1)
