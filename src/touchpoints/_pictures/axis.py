"""The time axis of the pictures: days to horizontal positions, and the ticks to label."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["TimeAxis", "month_start", "next_month"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_start(day: date) -> date:
    """The first day of the month of ``day``.

    >>> month_start(date(2026, 2, 17))
    datetime.date(2026, 2, 1)
    """
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after the month of ``day``.

    >>> next_month(date(2026, 12, 17))
    datetime.date(2027, 1, 1)
    """
    if day.month == 12:
        return date(day.year + 1, 1, 1)
    return date(day.year, day.month + 1, 1)


@dataclass(frozen=True, slots=True)
class TimeAxis:
    """A linear scale from the days ``start`` to ``end`` onto ``left`` to ``right``.

    >>> axis = TimeAxis.around([date(2026, 1, 15), date(2026, 3, 2)], left=0, right=90)
    >>> axis.start, axis.end
    (datetime.date(2026, 1, 1), datetime.date(2026, 4, 1))
    >>> axis.x(date(2026, 1, 1)), axis.x(date(2026, 4, 1))
    (0.0, 90.0)
    >>> [label for _, label in axis.ticks()]
    ['Jan 2026', 'Feb', 'Mar', 'Apr']
    """

    start: date
    end: date
    left: float
    right: float

    @classmethod
    def around(cls, days: Iterable[date], *, left: float, right: float) -> TimeAxis:
        """The axis over whole months that holds every day of ``days`` (at least one)."""
        ordered = sorted(days)
        if not ordered:
            raise ValueError("an axis needs at least one day")
        return cls(month_start(ordered[0]), next_month(ordered[-1]), left, right)

    def x(self, day: date) -> float:
        """The horizontal position of ``day``, rounded to a tenth."""
        span = (self.end - self.start).days or 1
        share = (day - self.start).days / span
        return round(self.left + share * (self.right - self.left), 1)

    def ticks(self) -> list[tuple[date, str]]:
        """The days to mark on the axis, with their labels: every month for up to two
        years, every quarter for up to six, else every year; a year is named on its
        first tick and on January."""
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        step = 1 if months <= 24 else 3 if months <= 72 else 12
        ticks: list[tuple[date, str]] = []
        day = self.start
        while day <= self.end:
            if (day.month - 1) % step == 0 or step == 1:
                named = not ticks or day.month == 1
                label = _MONTHS[day.month - 1] + (f" {day.year}" if named else "")
                if step == 12:
                    label = str(day.year)
                ticks.append((day, label))
            day = next_month(day)
        return ticks
