"""Day arithmetic on arrays: calendar months with month-end clamping, business days.

Days are counted from 1970-01-01 (numpy's ``datetime64[D]`` epoch). Adding months
clamps to the month's last day, as ``dateutil.relativedelta`` does; business days and
rolls off closed days use ``numpy.busday_offset`` on the closed days of the plan's
own :class:`touchpoints.BusinessCalendar` objects, merged the way the engine merges
them (the most specific setting wins, closed dates add up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from touchpoints import BusinessCalendar
from touchpoints._model import WEEKDAYS, merge_calendars

__all__ = ["NO_ROLL", "Closed", "add_months", "resolve"]

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

MAX_ROLL_DAYS: Final = 31
"""How far a roll looks each way for an open day (as the engine does)."""

NO_ROLL: Final = int(np.iinfo(np.int32).min)
"""The planned day recorded for a touch point that no roll adjusted."""


def add_months(days: Int64s, months: Int64s) -> Int64s:
    """``days`` plus ``months`` calendar months, clamped to the month's last day.

    >>> import numpy as np
    >>> days = np.array([date(2024, 1, 31).toordinal() - 719163] * 3, dtype=np.int64)
    >>> later = add_months(days, np.array([1, 13, 2], dtype=np.int64))
    >>> [str(d) for d in later.astype("datetime64[D]")]
    ['2024-02-29', '2025-02-28', '2024-03-31']
    """
    month = days.astype("datetime64[D]").astype("datetime64[M]")
    day_in_month = days - month.astype("datetime64[D]").astype(np.int64)
    target = month + months.astype("timedelta64[M]")
    first = target.astype("datetime64[D]").astype(np.int64)
    length = (target + np.timedelta64(1, "M")).astype("datetime64[D]").astype(np.int64) - first
    result: Int64s = first + np.minimum(day_in_month, length - 1)
    return result


@lru_cache(maxsize=4_096)
def _holidays(region: str, year: int) -> tuple[date, ...]:
    import holidays

    country, _, subdivision = region.partition("-")
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class Closed:
    """A resolved business calendar: working weekdays, closed dates, a holiday
    region and the roll convention; :meth:`calendar` gives numpy's form for a span."""

    weekmask: tuple[bool, ...]
    closed: frozenset[date]
    region: str | None
    roll: str

    def with_weekdays(self, weekdays: Sequence[str] | None) -> Closed:
        """The same calendar with a channel's weekdays as its working days."""
        if weekdays is None:
            return self
        mask = tuple(day in weekdays for day in WEEKDAYS)
        return Closed(mask, self.closed, self.region, self.roll)

    def calendar(self, first: int, last: int) -> np.busdaycalendar:
        """numpy's business-day calendar, exact for days ``first`` to ``last``."""
        low = (np.datetime64(int(first), "D")).astype(object).year
        high = (np.datetime64(int(last), "D")).astype(object).year
        holidays = set(self.closed)
        if self.region is not None:
            for year in range(max(low, 1), min(high, 9999) + 1):
                holidays.update(_holidays(self.region, year))
        marks = np.array(sorted(holidays), dtype="datetime64[D]")
        return np.busdaycalendar(weekmask=list(self.weekmask), holidays=marks)


def resolve(layers: Sequence[BusinessCalendar | None]) -> Closed:
    """Merge calendars as the engine does (:func:`~touchpoints._model.merge_calendars`).

    >>> resolve([BusinessCalendar(roll="preceding"), BusinessCalendar(holidays="DE")]).roll
    'preceding'
    """
    merged = merge_calendars(layers)
    mask = tuple(day in merged.workdays for day in WEEKDAYS)
    return Closed(mask, merged.closed, merged.region, merged.roll)


def span(days: Int64s, reach: int) -> tuple[int, int]:
    """The first and last day a calendar must cover for ``days`` moved by ``reach``."""
    if days.size == 0:
        return 0, 0
    return int(days.min()) - reach, int(days.max()) + reach


def add_business(days: Int64s, counts: Int64s, calendar: np.busdaycalendar) -> Int64s:
    """``days`` moved by ``counts`` open days (back when negative); the day itself
    does not count, and a closed day counts from the open day next to it."""
    as_days = days.astype("datetime64[D]")
    forward = np.busday_offset(
        as_days, np.maximum(counts, 0), roll="backward", busdaycal=calendar
    ).astype(np.int64)
    backward = np.busday_offset(
        as_days, np.minimum(counts, 0), roll="forward", busdaycal=calendar
    ).astype(np.int64)
    result: Int64s = np.where(counts > 0, forward, np.where(counts < 0, backward, days))
    return result


def roll(days: Int64s, closed: Closed, calendar: np.busdaycalendar) -> tuple[Int64s, Bools]:
    """Each day moved off a closed day by the calendar's convention, and which days
    the engine could not roll (no open day within 31 days where it looks)."""
    if closed.roll == "keep" or days.size == 0:
        return days, np.zeros(days.shape, dtype=np.bool_)
    as_days = days.astype("datetime64[D]")
    after = np.busday_offset(as_days, 0, roll="forward", busdaycal=calendar).astype(np.int64)
    before = np.busday_offset(as_days, 0, roll="backward", busdaycal=calendar).astype(np.int64)
    far_after = after - days > MAX_ROLL_DAYS
    far_before = days - before > MAX_ROLL_DAYS
    if closed.roll == "following":
        return after, far_after
    if closed.roll == "preceding":
        return before, far_before
    if closed.roll == "modified_following":
        after_month = after.astype("datetime64[D]").astype("datetime64[M]")
        same = after_month == as_days.astype("datetime64[M]")
        # The engine seeks forward first, so a failed forward search is an error
        # even where the result would have been the day before.
        return np.where(same, after, before), far_after | (~same & far_before)
    if closed.roll == "modified_preceding":
        before_month = before.astype("datetime64[D]").astype("datetime64[M]")
        same = before_month == as_days.astype("datetime64[M]")
        # The engine takes the day before unless it is in the previous month (or
        # there is none) and a day after exists.
        forward = far_before | (~same & ~far_after)
        return np.where(forward, after, before), far_before & far_after
    nearest = np.where(after - days <= days - before, after, before)
    return nearest, far_after | far_before
