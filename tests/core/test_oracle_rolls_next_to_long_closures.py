"""Rolls next to a closure longer than 31 days, against numpy.busday_offset."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import numpy as np
import pytest

from touchpoints import Subject, parse_plan, schedule

CLOSED = [date(2026, 5, 1) + timedelta(days=n) for n in range(40)]  # May 1 to June 9


def numpy_roll(day: date, roll: Literal["following", "preceding"]) -> date:
    holidays = [np.datetime64(d) for d in CLOSED]
    return date.fromisoformat(
        str(np.busday_offset(np.datetime64(day), 0, roll=roll, holidays=holidays))
    )


def due(day: date, roll: str) -> date:
    plan = parse_plan(
        {
            "plan": "oracle",
            "calendar": {"closed": [d.isoformat() for d in CLOSED], "roll": roll},
            "touchpoints": [{"id": "r", "title": "Contact", "channel": "call", "at": "purchase"}],
        }
    )
    (tp,) = schedule(plan, Subject(id="s", anchors={"purchase": day}))
    return tp.due


def test_nearest_takes_the_near_side_when_the_far_side_is_far() -> None:
    # June 8 is closed; June 10 is two days on, April 30 is 39 days back.
    after = numpy_roll(date(2026, 6, 8), "following")
    before = numpy_roll(date(2026, 6, 8), "preceding")
    assert (after, before) == (date(2026, 6, 10), date(2026, 4, 30))
    assert due(date(2026, 6, 8), "nearest") == after


@pytest.mark.parametrize(
    ("day", "roll"), [(date(2026, 5, 1), "following"), (date(2026, 6, 8), "preceding")]
)
def test_a_roll_finds_the_open_day_past_a_long_closure(
    day: date, roll: Literal["following", "preceding"]
) -> None:
    assert due(day, roll) == numpy_roll(day, roll)
