"""A strategy for RFC 5545 RRULE values, bounded in how dense a series may be."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from math import ceil
from typing import Final

from hypothesis import strategies as st

from touchpoints._model import WEEKDAY_CODES

_PERIOD_DAYS: Final = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}


@lru_cache(maxsize=256)
@st.composite
def _rrules(draw: st.DrawFn, min_days: Fraction | None) -> str:
    """RFC 5545 RRULE values. With ``min_days``, at most one occurrence per period
    and periods at least that long, so a series is never denser than that."""
    frequencies = tuple(
        f for f in _PERIOD_DAYS if min_days is None or _PERIOD_DAYS[f] * 200 >= min_days
    )
    frequency = draw(st.sampled_from(frequencies))
    lowest = 1 if min_days is None else max(1, ceil(min_days / _PERIOD_DAYS[frequency]))
    interval = draw(st.integers(lowest, lowest + 12))
    parts = [f"FREQ={frequency}"]
    if interval != 1 or draw(st.booleans()):
        parts.append(f"INTERVAL={interval}")
    weekday = st.sampled_from(WEEKDAY_CODES)
    if frequency == "WEEKLY" and draw(st.booleans()):
        if min_days is None:
            days = draw(st.lists(weekday, min_size=1, max_size=7, unique=True))
        else:
            days = [draw(weekday)]
        parts.append(f"BYDAY={','.join(days)}")
    elif frequency in ("MONTHLY", "YEARLY"):
        if frequency == "YEARLY" and draw(st.booleans()):
            parts.append(f"BYMONTH={draw(st.integers(1, 12))}")
        choice = draw(st.sampled_from(("none", "nth-weekday", "monthday")))
        if choice == "nth-weekday":
            nth = draw(st.sampled_from((1, 2, 3, 4, -1)))
            parts.append(f"BYDAY={nth}{draw(weekday)}")
        elif choice == "monthday":
            top = 31 if frequency == "MONTHLY" else 28  # every year has days 1-28
            parts.append(f"BYMONTHDAY={draw(st.sampled_from((-1, *range(1, top + 1))))}")
    if draw(st.booleans()):
        parts.append(f"WKST={draw(weekday)}")
    return ";".join(parts)
