"""Every roll convention against ``numpy.busday_offset``, next to closures of up to a year.

numpy is the oracle: a week mask from the workdays, and a holiday list made here from
the ``holidays`` package and the closed dates. ``nearest`` is the closer of numpy's
``following`` and ``preceding`` days (the following one on a tie); the others are
numpy's rolls of the same name, except where numpy's modified rolls compare only the
month of the year: after a closure of eleven months or more, numpy's
``modifiedpreceding`` keeps January 2019 for a day in January 2020. There the modified
rolls are taken from their definition over numpy's plain ``following`` and
``preceding`` days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

import holidays
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchpoints import Subject, parse_plan, schedule
from touchpoints._core.arithmetic import roll
from touchpoints._model import OpenDays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REGIONS = (None, "DE-BY", "US-CA", "GB", "JP")
NumpyRoll = Literal["following", "preceding", "modifiedfollowing", "modifiedpreceding"]
NUMPY: dict[str, NumpyRoll] = {
    "following": "following",
    "preceding": "preceding",
    "modified_following": "modifiedfollowing",
    "modified_preceding": "modifiedpreceding",
}


def numpy_roll(day: date, convention: str, workdays: tuple[str, ...], closed: list[date]) -> date:
    mask = "".join("1" if name in workdays else "0" for name in WEEKDAYS)
    stops = [np.datetime64(d) for d in closed]

    def offset(roll: NumpyRoll) -> date:
        moved = np.busday_offset(np.datetime64(day), 0, roll=roll, weekmask=mask, holidays=stops)
        return date.fromisoformat(str(moved))

    if convention == "keep":
        return day
    after, before = offset("following"), offset("preceding")
    if convention == "nearest":
        return after if after - day <= day - before else before
    if not convention.startswith("modified"):
        return offset(NUMPY[convention])
    first, second = (after, before) if convention == "modified_following" else (before, after)
    expected = first if (first.year, first.month) == (day.year, day.month) else second
    numpy_says = offset(NUMPY[convention])
    # numpy agrees, but where it takes the same month of another year for the same month.
    assert numpy_says == expected or (numpy_says.month, numpy_says.year) == (day.month, first.year)
    return expected


def public_holidays(region: str | None, around: date) -> set[date]:
    if region is None:
        return set()
    country, _, subdivision = region.partition("-")
    years = range(around.year - 2, around.year + 3)
    return set(holidays.country_holidays(country, subdiv=subdivision or None, years=years))


CONVENTIONS = ("following", "preceding", "modified_following", "modified_preceding", "nearest")


@st.composite
def calendars(draw: st.DrawFn) -> dict[str, Any]:
    around = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    length = draw(st.integers(1, 366))
    first = around - timedelta(days=draw(st.integers(0, length + 5)))
    closed = {first + timedelta(days=n) for n in range(length)}
    near = st.integers(-60, 60).map(lambda n: around + timedelta(days=n))
    closed |= set(draw(st.lists(near, max_size=5)))
    workdays = draw(
        st.one_of(
            st.just(WEEKDAYS[:5]),
            st.lists(st.sampled_from(WEEKDAYS), min_size=2, max_size=7, unique=True).map(tuple),
        )
    )
    return {
        "around": around,
        "closed": sorted(closed),
        "workdays": tuple(d for d in WEEKDAYS if d in workdays),
        "holidays": draw(st.sampled_from(REGIONS)),
        "roll": draw(st.sampled_from(CONVENTIONS)),
    }


def open_days(calendar: dict[str, Any]) -> OpenDays:
    return OpenDays(
        workdays=calendar["workdays"],
        holidays=calendar["holidays"],
        closed=calendar["closed"],
        roll=calendar["roll"],
    )


def closed_days(calendar: dict[str, Any]) -> list[date]:
    """The closed dates and the region's public holidays near the day: numpy's holidays."""
    return sorted(
        set(calendar["closed"]) | public_holidays(calendar["holidays"], calendar["around"])
    )


@settings(max_examples=150, deadline=None)
@given(calendars())
def test_every_roll_is_numpy_busday_offset_next_to_long_closures(calendar: dict[str, Any]) -> None:
    days, stops = open_days(calendar), closed_days(calendar)
    day = calendar["around"]
    expected = numpy_roll(day, calendar["roll"], calendar["workdays"], stops)
    assert days.roll(day)[0] == expected


@settings(max_examples=150, deadline=None)
@given(calendars())
def test_a_roll_names_every_closed_day_it_passes_over(calendar: dict[str, Any]) -> None:
    days, stops = open_days(calendar), closed_days(calendar)
    mask = "".join("1" if name in calendar["workdays"] else "0" for name in WEEKDAYS)
    day = calendar["around"]
    target = numpy_roll(day, calendar["roll"], calendar["workdays"], stops)
    moved, adjustments = roll(day, days)
    assert moved == target
    if target == day:
        assert adjustments == ()
        return
    # From the day towards its target, the target left out: numpy's closed days.
    step = timedelta(days=1 if target >= day else -1)
    between = [day + step * n for n in range(abs((target - day).days))]
    expected = [
        d
        for d in between
        if not np.is_busday(
            np.datetime64(d), weekmask=mask, holidays=[np.datetime64(s) for s in stops]
        )
    ]
    (adjustment,) = adjustments
    assert (adjustment.before, adjustment.after, adjustment.kind) == (day, target, "rolled")
    assert [passed for passed, _ in adjustment.closed] == expected == between
    assert all(why for _, why in adjustment.closed)


def due(closed: list[date], roll: str, purchase: date) -> date:
    plan = parse_plan(
        {
            "plan": "p",
            "calendar": {"closed": [d.isoformat() for d in closed], "roll": roll},
            "touchpoints": [{"id": "r", "title": "Contact", "channel": "call", "at": "purchase"}],
        }
    )
    (tp,) = schedule(plan, Subject(id="s", anchors={"purchase": purchase}))
    return tp.due


SUMMER = [date(2026, 7, 1) + timedelta(days=n) for n in range(40)]  # July 1 to August 9


@pytest.mark.parametrize(
    ("roll", "purchase", "expected"),
    [
        ("nearest", date(2026, 8, 9), date(2026, 8, 10)),
        ("nearest", date(2026, 7, 1), date(2026, 6, 30)),
        ("modified_following", date(2026, 7, 1), date(2026, 6, 30)),
        ("following", date(2026, 7, 1), date(2026, 8, 10)),
        ("preceding", date(2026, 8, 9), date(2026, 6, 30)),
        ("modified_preceding", date(2026, 8, 9), date(2026, 8, 10)),
    ],
)
def test_a_roll_next_to_a_forty_day_closure_finds_the_open_day(
    roll: str, purchase: date, expected: date
) -> None:
    assert numpy_roll(purchase, roll, WEEKDAYS[:5], SUMMER) == expected
    assert due(SUMMER, roll, purchase) == expected


def test_a_touch_point_rolled_from_far_before_the_window_is_in_it() -> None:
    plan = parse_plan(
        {
            "plan": "p",
            "calendar": {"closed": [d.isoformat() for d in SUMMER], "roll": "following"},
            "touchpoints": [{"id": "r", "title": "Contact", "channel": "call", "at": "purchase"}],
        }
    )
    subject = Subject(id="s", anchors={"purchase": date(2026, 7, 1)})
    window = schedule(plan, subject, start=date(2026, 8, 10), end=date(2026, 8, 11))
    assert [tp.due for tp in window] == [date(2026, 8, 10)]


def test_modified_preceding_stays_in_the_month() -> None:
    days = OpenDays(roll="modified_preceding")
    # Saturday 2026-08-01: Friday July 31 is in the month before, so Monday August 3.
    assert days.roll(date(2026, 8, 1)) == (date(2026, 8, 3), "weekend (month start)")
    # Saturday 2026-08-15: Friday August 14.
    assert days.roll(date(2026, 8, 15)) == (date(2026, 8, 14), "weekend")


def test_a_plan_with_modified_preceding_explains_its_roll() -> None:
    from touchpoints import explain_plan

    plan = parse_plan(
        {
            "plan": "p",
            "calendar": {"roll": "modified_preceding"},
            "touchpoints": [{"id": "r", "title": "Contact", "channel": "call", "at": "purchase"}],
        }
    )
    assert "move to the previous open day in the same month, else the next one" in explain_plan(
        plan
    )
