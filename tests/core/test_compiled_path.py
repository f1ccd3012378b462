"""The compiled path gives exactly the generic engine's results.

``schedule`` and ``schedule_many`` take the compiled path for the plans and subjects
it covers and the generic engine for the rest; here the generic engine is run on its
own (``_Engine``) as the reference, over generated plans and subjects, DST days in
awkward zones, month ends and business days. Equal means the same touch points in
the same order, with the same due instants and UTC offsets, adjustments and ids, and
the same omissions, window and conflicts.
"""

from __future__ import annotations

import copy
import pickle
from calendar import monthrange
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.plans import AFTER_SALES

from touchpoints import (
    Plan,
    Schedule,
    ScheduleError,
    Subject,
    schedule,
    schedule_many,
)
from touchpoints._core.compiled import compiled
from touchpoints._core.engine import _Engine
from touchpoints.testing import plans, subjects, timezones

FEATURES = ("calendar", "fatigue", "term", "stop", "channels", "conditions")


def generic(
    plan: Plan,
    subject: Subject,
    start: date | None = None,
    end: date | None = None,
    limit: int = 10_000,
) -> Schedule:
    """The generic engine alone: the reference the compiled path must match."""
    return _Engine(plan, start=start, end=end, limit=limit).schedule(subject)


def exactly(result: Schedule) -> list[Any]:
    """Everything a schedule says, with each due time's offset and zone spelled out
    (aware datetimes in one zone compare by wall clock alone, ignoring the offset)."""
    rows: list[Any] = [result.plan_id, result.subject_id, result.start, result.end]
    rows += [result.omitted, result.conflicts]
    for tp in result:
        due = tp.due.isoformat(), getattr(tp.due, "tzinfo", None)
        rows.append((tp, due, tp.id, tp.adjustments))
    return rows


def outcome(run: Any) -> Any:
    """What a call gives: its result, or the type and words of its error."""
    try:
        return exactly(run())
    except ScheduleError as error:
        return type(error), str(error)


def same(
    plan: Plan,
    subject: Subject,
    start: date | None = None,
    end: date | None = None,
    limit: int = 10_000,
) -> None:
    fast = outcome(lambda: schedule(plan, subject, start=start, end=end, limit=limit))
    assert fast == outcome(lambda: generic(plan, subject, start, end, limit))


@st.composite
def date_windows(draw: st.DrawFn) -> tuple[date | None, date | None]:
    """A window of dates, either bound possibly left open."""
    start = draw(st.none() | st.dates(date(1990, 1, 1), date(2060, 1, 1)))
    end = draw(st.none() | st.dates(start or date(1990, 1, 1), date(2070, 1, 1)))
    return start, end


class TestGeneratedPlans:
    @given(plans(features=FEATURES), st.data())
    def test_schedule_matches_the_generic_engine(self, plan: Plan, data: st.DataObject) -> None:
        subject = data.draw(subjects(plan, history=data.draw(st.booleans())))
        start, end = data.draw(date_windows())
        same(plan, subject, start, end)

    @given(plans(features=("calendar", "channels")), st.data())
    def test_compiled_plans_match_with_rolls_and_windows(
        self, plan: Plan, data: st.DataObject
    ) -> None:
        subject = data.draw(subjects(plan, timezones=st.none() | timezones()))
        start, end = data.draw(date_windows())
        same(plan, subject, start, end)

    @given(plans(features=FEATURES), st.data())
    def test_schedule_many_matches_subject_by_subject(
        self, plan: Plan, data: st.DataObject
    ) -> None:
        people = data.draw(st.lists(subjects(plan), max_size=6))
        start, end = data.draw(date_windows())
        expected: list[Any] = []
        skipped: list[str] = []
        for person in people:
            try:
                reference = generic(plan, person, start, end)
            except ScheduleError:
                skipped.append(person.id)
                continue
            expected += [(tp, tp.due.isoformat(), tp.id) for tp in reference]
            expected += [(person.id, omission) for omission in reference.omitted]
        got: list[Any] = []
        errors: list[str] = []
        stream = schedule_many(
            plan,
            people,
            start=start,
            end=end,
            on_omitted=lambda subject_id, omission: got.append((subject_id, omission)),
            on_error=lambda subject, error: errors.append(subject.id),
        )
        for tp in stream:
            got.append((tp, tp.due.isoformat(), tp.id))
        # Omissions are reported before the subject's touch points: compare as sets
        # per kind, and the touch points in order.
        assert [row for row in got if len(row) == 3] == [row for row in expected if len(row) == 3]
        assert sorted(map(repr, (r for r in got if len(r) == 2))) == sorted(
            map(repr, (r for r in expected if len(r) == 2))
        )
        assert errors == skipped

    @given(plans(), st.data())
    def test_the_limit_is_the_generic_engines(self, plan: Plan, data: st.DataObject) -> None:
        subject = data.draw(subjects(plan))
        same(plan, subject, limit=data.draw(st.integers(1, 12)))


# --- DST days in awkward zones, month ends and business days ----------------------

AWKWARD_ZONES = (
    "Australia/Lord_Howe",  # a half-hour DST change at 02:00
    "America/Santiago",  # DST changes at midnight
    "Europe/Dublin",  # negative DST in the database: winter is the "daylight" time
    "America/Havana",  # midnight comes twice
    "Pacific/Apia",  # a whole day skipped (2011-12-30)
    "America/Sao_Paulo",  # midnight skipped
    "Europe/Berlin",
    "America/New_York",
)

# Days on or next to a clock change in the zones above (the day itself, a day
# before and a day after are drawn around them).
CHANGES = (
    date(2011, 12, 30),
    date(2018, 11, 4),
    date(2019, 4, 7),
    date(2019, 10, 6),
    date(2021, 3, 28),
    date(2021, 10, 31),
    date(2022, 4, 3),
    date(2022, 9, 11),
    date(2023, 3, 12),
    date(2023, 11, 5),
    date(2024, 3, 24),
    date(2024, 4, 7),
    date(2024, 9, 8),
    date(2024, 10, 6),
    date(2024, 11, 3),
    date(2026, 3, 8),
    date(2026, 3, 29),
)

TIMES = ("00:00", "00:30", "01:00", "01:30", "01:59", "02:00", "02:15", "02:30", "03:00", "23:30")
STARTS = ("purchase", "purchase - 3 days", "purchase + 1 month")
STEPS = ("1 day", "1 week", "1 month", "1 year", "13 days", "1 month 1 day")
CONVENTIONS = (
    "following",
    "preceding",
    "modified_following",
    "modified_preceding",
    "nearest",
    "keep",
)


@st.composite
def dst_plans(draw: st.DrawFn) -> Plan:
    contact_time = draw(st.sampled_from(TIMES))
    rules: list[dict[str, Any]] = [
        {
            "id": "series",
            "title": "Series",
            "channel": "call",
            "every": draw(st.sampled_from(STEPS)),
            "starting": draw(st.sampled_from(STARTS)),
            "count": draw(st.integers(1, 40)),
        },
        {"id": "once", "title": "Once", "channel": "email", "at": "purchase + 1 day"},
    ]
    if draw(st.booleans()):
        rules[1]["contact_time"] = draw(st.sampled_from(TIMES))
    data: dict[str, Any] = {
        "plan": "dst",
        "timezone": "Europe/Dublin",
        "contact_time": contact_time,
        "touchpoints": rules,
    }
    if draw(st.booleans()):
        data["calendar"] = {
            "holidays": draw(st.sampled_from(("DE-BY", "US", "CL"))),
            "roll": draw(st.sampled_from(("following", "preceding", "modified_following"))),
        }
    return Plan.model_validate(data)


class TestAwkwardDays:
    @given(
        dst_plans(),
        st.sampled_from(AWKWARD_ZONES),
        st.sampled_from(CHANGES),
        st.integers(-2, 2),
    )
    def test_dst_days(self, plan: Plan, zone: str, change: date, shift: int) -> None:
        purchase = change + timedelta(days=shift)
        subject = Subject(id="c-1", timezone=zone, anchors={"purchase": purchase})
        assert compiled(plan) is not None
        same(plan, subject)
        same(plan, subject, start=change, end=change + timedelta(days=400))

    @given(
        st.sampled_from(("1 month", "2 months", "1 year", "1 year 1 month")),
        # The 28th to the last day of a month, drawn directly (a filter on st.dates
        # throws away nine draws in ten and trips Hypothesis's filter health check).
        st.builds(
            lambda year, month, k: date(year, month, min(28 + k, monthrange(year, month)[1])),
            st.integers(2019, 2031),
            st.integers(1, 12),
            st.integers(0, 3),
        ),
        st.sampled_from(("purchase", "purchase + 1 month", "purchase - 1 year")),
    )
    def test_month_ends(self, step: str, purchase: date, starting: str) -> None:
        plan = Plan.model_validate(
            {
                "plan": "ends",
                "anchors": {"renewal": "purchase + 1 year 1 month"},
                "touchpoints": [
                    {"id": "s", "title": "S", "channel": "call", "every": step,
                     "starting": starting, "until": "renewal + 2 years"},
                    {"id": "r", "title": "R", "channel": "call", "at": "renewal - 1 month"},
                ],
            }
        )  # fmt: skip
        assert compiled(plan) is not None
        same(plan, Subject(id="c", anchors={"purchase": purchase}))

    @given(
        st.dates(date(2020, 1, 1), date(2027, 12, 31)),
        st.sampled_from(CONVENTIONS),
        st.sampled_from(("90 days", "1 week", "1 month")),
        st.none() | st.dates(date(2020, 1, 1), date(2028, 12, 31)),
    )
    def test_business_days(self, purchase: date, roll: str, step: str, start: date | None) -> None:
        plan = Plan.model_validate(
            {
                "plan": "work",
                "timezone": "Europe/Berlin",
                "contact_time": "09:00",
                "calendar": {"holidays": "DE-BY", "roll": roll, "closed": ["2024-12-27"]},
                "channels": {"visit": {"weekdays": ["tue", "thu"], "contact_time": "14:00"}},
                "touchpoints": [
                    {"id": "v", "title": "V", "channel": "visit", "every": step,
                     "starting": "purchase", "count": 20},
                    {"id": "c", "title": "C", "channel": "call", "at": "purchase + 2 weeks"},
                ],
            }
        )  # fmt: skip
        assert compiled(plan) is not None
        end = None if start is None else start + timedelta(days=200)
        same(plan, Subject(id="c", anchors={"purchase": purchase}), start, end)


# --- what is compiled, and where it is kept -----------------------------------------


def after_sales(**changes: Any) -> Plan:
    return Plan.model_validate({**AFTER_SALES, **changes})


class TestWhatIsCompiled:
    def test_the_after_sales_plan_is_compiled(self) -> None:
        assert compiled(after_sales()) is not None

    @pytest.mark.parametrize(
        "changes",
        [
            {"fatigue": {"spacing": "10 days"}},
            {"stop": ["churn"]},
            {"term": {"starts": "purchase", "length": "1 year"}},
            {"touchpoints": [{"id": "r", "title": "R", "channel": "call",
                              "rrule": "FREQ=MONTHLY", "starting": "purchase"}]},
            {"touchpoints": [{"id": "b", "title": "B", "channel": "call",
                              "at": "purchase + 3 business days"}]},
            {"touchpoints": [{"id": "h", "title": "H", "channel": "call",
                              "at": "purchase + 3 hours"}]},
            {"touchpoints": [{"id": "w", "title": "W", "channel": "call", "at": "purchase",
                              "when": {"segment": "gold"}}]},
        ],
    )  # fmt: skip
    def test_what_the_compiled_path_does_not_cover_goes_the_generic_way(
        self, changes: dict[str, Any]
    ) -> None:
        plan = after_sales(**changes)
        assert compiled(plan) is None
        subject = Subject(id="c", anchors={"purchase": date(2024, 1, 31)})
        same(plan, subject)

    def test_subjects_it_does_not_cover_go_the_generic_way(self) -> None:
        plan = after_sales()
        for subject in (
            Subject(id="c", anchors={}),  # the engine's missing-anchor error
            Subject(id="c", anchors={"purchase": date(9999, 1, 1)}),  # past the year 9999
            Subject.model_validate(
                {"id": "c", "anchors": {"purchase": "2024-01-01"}, "calendar": {"holidays": "US"}}
            ),
            Subject.model_validate(
                {
                    "id": "c",
                    "anchors": {"purchase": "2024-01-01"},
                    "history": [{"rule": "service", "occurrence": 1, "status": "skipped"}],
                }
            ),
            Subject(id="c", anchors={"purchase": datetime(2024, 1, 1, 23, 30)}),
        ):
            same(plan, subject)
            same(plan, subject, limit=3)

    def test_the_compiled_form_is_kept_with_the_plan_and_never_changes_its_value(
        self,
    ) -> None:
        plan = after_sales()
        twin = after_sales()
        first = compiled(plan)
        assert first is not None
        assert compiled(plan) is first
        assert plan == twin
        restored = pickle.loads(pickle.dumps(plan))
        assert restored == plan
        assert compiled(restored) is not first
        assert copy.deepcopy(plan) == plan

    def test_a_copy_with_other_fields_is_compiled_for_itself(self) -> None:
        plan = after_sales()
        subject = Subject(id="c", anchors={"purchase": date(2024, 1, 31)})
        berlin = schedule(plan, subject)  # compiles the original
        tokyo = plan.model_copy(update={"timezone": "Asia/Tokyo"})
        assert compiled(tokyo) is not compiled(plan)
        due = schedule(tokyo, subject)[0].due
        assert isinstance(due, datetime)
        assert due.utcoffset() == timedelta(hours=9)
        assert schedule(plan, subject) == berlin
