"""Properties of business-day adjustments (#5)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from touchpoints import Plan, Subject, schedule
from touchpoints._model import WEEKDAYS, BusinessCalendar, OpenDays
from touchpoints.testing import business_calendars

ROLLS = ("following", "preceding", "modified_following", "nearest", "keep")
REGIONS = (None, "DE-BY", "US-CA", "GB")

calendars = st.builds(
    dict,
    workdays=st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True),
    holidays=st.sampled_from(REGIONS),
    closed=st.lists(
        st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)), max_size=20
    ),
    roll=st.sampled_from(ROLLS),
).map(lambda fields: {key: value for key, value in fields.items() if value is not None})  # type: ignore[var-annotated]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    months = draw(st.integers(0, 3))
    days = draw(st.integers(0 if months else 1, 20))
    interval = " ".join(
        part
        for part in (f"{months} months" if months else "", f"{days} days" if days else "")
        if part
    )
    return Plan.model_validate(
        {
            "plan": "p",
            "calendar": draw(calendars),
            "touchpoints": [
                {"id": "once", "title": "Once", "channel": "call", "at": "purchase + 1 month"},
                {
                    "id": "series",
                    "title": "Series",
                    "channel": "visit",
                    "every": interval,
                    "starting": "purchase",
                    "count": 12,
                },
            ],
        }
    )


anchors = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


def open_days(plan: Plan) -> OpenDays:
    return OpenDays.resolve([plan.business_calendar])


@given(plan=plans(), purchase=anchors)
def test_no_touch_point_on_a_closed_day_unless_kept(plan: Plan, purchase: date) -> None:
    days = open_days(plan)
    for tp in schedule(plan, Subject(id="s", anchors={"purchase": purchase})):
        assert isinstance(tp.due, date)
        if plan.business_calendar is not None and plan.business_calendar.roll == "keep":
            assert tp.due == tp.planned
        else:
            assert days.closed_because(tp.due) is None, tp.explain()


@given(plan=plans(), purchase=anchors)
def test_modified_following_never_leaves_the_month(plan: Plan, purchase: date) -> None:
    calendar = (plan.business_calendar or BusinessCalendar()).model_dump(exclude_none=True)
    modified = Plan.model_validate(
        {**plan.model_dump(mode="json"), "calendar": {**calendar, "roll": "modified_following"}}
    )
    for tp in schedule(modified, Subject(id="s", anchors={"purchase": purchase})):
        assert (tp.due.year, tp.due.month) == (tp.planned.year, tp.planned.month), tp.explain()


@given(plan=plans(), purchase=anchors)
def test_the_planned_dates_do_not_drift(plan: Plan, purchase: date) -> None:
    series = plan.rules[1]
    assert series.every is not None
    for tp in schedule(plan, Subject(id="s", anchors={"purchase": purchase})):
        if tp.rule_id == "series":
            k = tp.occurrence - 1
            step = relativedelta(months=series.every.months * k, days=series.every.days * k)
            assert tp.planned == purchase + step


@given(plan=plans(), purchase=anchors, data=st.data())
def test_the_order_of_closed_dates_and_rules_does_not_matter(
    plan: Plan, purchase: date, data: st.DataObject
) -> None:
    fields: dict[str, Any] = plan.model_dump(mode="json")
    if fields.get("calendar"):
        closed = fields["calendar"]["closed"]
        fields["calendar"]["closed"] = data.draw(st.permutations(closed))
    fields["touchpoints"] = list(reversed(fields["touchpoints"]))
    shuffled = Plan.model_validate(fields)
    subject = Subject(id="s", anchors={"purchase": purchase})
    assert {(tp.id, tp.due) for tp in schedule(plan, subject)} == {
        (tp.id, tp.due) for tp in schedule(shuffled, subject)
    }


@given(calendar=business_calendars(), purchase=anchors)
def test_a_subjects_own_calendar_is_respected(calendar: BusinessCalendar, purchase: date) -> None:
    plan = Plan.model_validate(
        {
            "plan": "p",
            "touchpoints": [
                {
                    "id": "w",
                    "title": "W",
                    "channel": "call",
                    "every": "9 days",
                    "starting": "purchase",
                    "count": 10,
                },
            ],
        }
    )
    days = OpenDays.resolve([calendar])
    result = schedule(
        plan, Subject(id="s", anchors={"purchase": purchase}, business_calendar=calendar)
    )
    for tp in result:
        if calendar.roll != "keep":
            assert days.closed_because(tp.due) is None, tp.explain()


def test_business_calendars_rejects_an_unknown_region() -> None:
    with pytest.raises(InvalidArgument, match="XX"):
        business_calendars(regions=["XX"])


@given(
    calendar=calendars,
    days=st.lists(
        st.dates(min_value=date(2023, 6, 1), max_value=date(2028, 6, 30)), min_size=1, max_size=40
    ),
)
def test_closed_because_agrees_with_the_holidays_library_day_by_day(
    calendar: dict[str, Any], days: list[date]
) -> None:
    """The reasons worked out a year at a time are those a day-by-day reading gives:
    the weekday first, then the calendar's closed dates, then the ``holidays``
    library's own lookup of the day, in whatever order the days are asked about."""
    import holidays

    merged = BusinessCalendar.model_validate(calendar)
    open_days = OpenDays.resolve([merged])
    table = None
    if merged.holidays is not None:
        country, _, subdivision = merged.holidays.partition("-")
        table = holidays.country_holidays(country, subdiv=subdivision or None, language="en_US")
    workdays = {WEEKDAYS.index(day) for day in merged.workdays or WEEKDAYS[:5]}
    for day in days:
        if day.weekday() not in workdays:
            short = ("Mon", "Tue", "Wed", "Thu", "Fri")[day.weekday()] if day.weekday() < 5 else ""
            expected = "weekend" if day.weekday() >= 5 else f"no contacts on {short}"
        elif day in merged.closed:
            expected = "closed"
        elif table is not None and table.get(day) is not None:
            expected = f"holiday: {table.get(day)}"
        else:
            expected = None
        assert open_days.closed_because(day) == expected, day
