"""Business-day rolls and offsets against numpy's business-day arithmetic.

``numpy.busday_offset`` is the oracle: a week mask from the calendar's workdays and a
holiday list made here from the ``holidays`` package (the same country or subdivision
the plan names) and the plan's closed dates. touchpoints' conventions map to numpy's:

- ``following``, ``preceding`` and ``modified_following`` are numpy's ``following``,
  ``preceding`` and ``modifiedfollowing`` rolls;
- ``nearest`` is the closer of numpy's following and preceding days, the following
  one on a tie;
- ``N business days`` after a day does not count the day itself: numpy's offset by N
  from the day rolled ``backward`` (``forward`` for N before it), so that a closed
  start day counts from the open day next to it on the near side.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

import holidays
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchpoints import Subject, parse_plan, schedule

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REGIONS = (None, "DE-BY", "US-CA", "GB", "FR", "JP")
NumpyRoll = Literal["following", "preceding", "modifiedfollowing", "forward", "backward"]
ROLLS: dict[str, NumpyRoll] = {
    "following": "following",
    "preceding": "preceding",
    "modified_following": "modifiedfollowing",
}


def closed_days(region: str | None, closed: list[date], around: date) -> list[date]:
    """The holidays of ``region`` for the years near ``around``, and ``closed``."""
    days = set(closed)
    if region is not None:
        country, _, subdivision = region.partition("-")
        years = range(around.year - 2, around.year + 4)
        days |= set(holidays.country_holidays(country, subdiv=subdivision or None, years=years))
    return sorted(days)


class Oracle:
    def __init__(self, calendar: dict[str, Any], around: date) -> None:
        workdays = calendar.get("workdays", WEEKDAYS[:5])
        self.weekmask = "".join("1" if day in workdays else "0" for day in WEEKDAYS)
        self.holidays = [
            np.datetime64(day)
            for day in closed_days(calendar.get("holidays"), calendar.get("closed", []), around)
        ]

    def offset(self, day: date, count: int, roll: NumpyRoll) -> date:
        result = np.busday_offset(
            np.datetime64(day), count, roll=roll, weekmask=self.weekmask, holidays=self.holidays
        )
        return date.fromisoformat(str(result))

    def roll(self, day: date, convention: str) -> date:
        if convention == "keep":
            return day
        if convention == "nearest":
            after, before = self.offset(day, 0, "following"), self.offset(day, 0, "preceding")
            return after if after - day <= day - before else before
        return self.offset(day, 0, ROLLS[convention])

    def add(self, day: date, count: int) -> date:
        return self.offset(day, count, "backward" if count >= 0 else "forward")


@st.composite
def calendars(draw: st.DrawFn, around: date) -> dict[str, Any]:
    calendar: dict[str, Any] = {}
    if draw(st.booleans()):
        calendar["workdays"] = draw(
            st.lists(st.sampled_from(WEEKDAYS), min_size=2, max_size=7, unique=True)
        )
    region = draw(st.sampled_from(REGIONS))
    if region is not None:
        calendar["holidays"] = region
    # Scattered closed days and one closure of up to two weeks near the day.
    near = st.integers(-40, 40).map(lambda n: around + timedelta(days=n))
    closed = set(draw(st.lists(near, max_size=8)))
    start, length = draw(near), draw(st.integers(0, 14))
    closed |= {start + timedelta(days=n) for n in range(length)}
    if closed:
        calendar["closed"] = sorted(closed)
    return calendar


def business_plan(calendar: dict[str, Any], rule: dict[str, Any]) -> Any:
    return parse_plan(
        {
            "plan": "oracle",
            "calendar": {
                **calendar,
                "closed": [day.isoformat() for day in calendar.get("closed", [])],
            },
            "touchpoints": [{"id": "r", "title": "Contact", "channel": "call", **rule}],
        }
    )


def dues(calendar: dict[str, Any], rule: dict[str, Any], purchase: date) -> list[date]:
    plan = business_plan(calendar, rule)
    return [tp.due for tp in schedule(plan, Subject(id="s", anchors={"purchase": purchase}))]


purchases = st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 12, 31))


@given(
    purchases,
    st.data(),
    st.sampled_from(["following", "preceding", "modified_following", "nearest", "keep"]),
    st.integers(0, 60),
)
def test_a_touch_point_on_a_closed_day_rolls_as_numpy_rolls(
    purchase: date, data: st.DataObject, roll: str, days: int
) -> None:
    calendar = {**data.draw(calendars(purchase + timedelta(days=days))), "roll": roll}
    oracle = Oracle(calendar, purchase)
    planned = purchase + timedelta(days=days)
    rule = {"at": f"purchase + {days} days" if days else "purchase"}
    assert dues(calendar, rule, purchase) == [oracle.roll(planned, roll)]


@given(purchases, st.data(), st.integers(1, 45), st.sampled_from(["+", "-"]))
def test_n_business_days_is_numpy_busday_offset(
    purchase: date, data: st.DataObject, count: int, sign: str
) -> None:
    calendar = data.draw(calendars(purchase))
    oracle = Oracle(calendar, purchase)
    rule = {"at": f"purchase {sign} {count} business days"}
    expected = oracle.add(purchase, count if sign == "+" else -count)
    assert dues(calendar, rule, purchase) == [expected]


@given(purchases, st.data(), st.integers(1, 10), st.integers(1, 20), st.integers(1, 8))
def test_every_n_business_days_counts_each_occurrence_from_the_anchor(
    purchase: date, data: st.DataObject, first: int, step: int, count: int
) -> None:
    calendar = data.draw(calendars(purchase))
    oracle = Oracle(calendar, purchase)
    rule = {
        "every": f"{step} business days",
        "starting": f"purchase + {first} business days",
        "count": count,
    }
    expected = [oracle.add(purchase, first + k * step) for k in range(count)]
    assert dues(calendar, rule, purchase) == expected


@pytest.mark.parametrize(
    ("roll", "expected"),
    [
        # Easter Monday 2026 (DE-BY), April 6: the open days around it are Thursday
        # April 2 (Good Friday is a holiday too) and Tuesday April 7.
        ("following", date(2026, 4, 7)),
        ("preceding", date(2026, 4, 2)),
        ("modified_following", date(2026, 4, 7)),
        ("nearest", date(2026, 4, 7)),
    ],
)
def test_easter_monday_in_bavaria(roll: str, expected: date) -> None:
    calendar = {"holidays": "DE-BY", "roll": roll}
    assert Oracle(calendar, date(2026, 4, 6)).roll(date(2026, 4, 6), roll) == expected
    assert dues(calendar, {"at": "purchase"}, date(2026, 4, 6)) == [expected]
