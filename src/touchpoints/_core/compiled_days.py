"""A compiled rule's days: day-number arithmetic, rolls off closed days, and the days
of one rule's touch points in a window.

A day is a day number (``date.toordinal``). An anchor expression compiles to
(anchor, months, days) and a series step to (months, days); :func:`advance` adds them
as dateutil's ``relativedelta`` does (calendar months first, the day clamped to the
month's end, then days). :func:`planned_days` finds one rule's touch points in a
window as the engine's ``rule_entries`` does, rolling each off closed days where the
rule has a calendar. A day that leaves the years 1 to 9999 raises :class:`Outside`,
which sends the subject to the generic engine. Used by :mod:`.compiled`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, time
from itertools import repeat
from typing import Final

from touchpoints._core.arithmetic import roll_day
from touchpoints._core.series import first_at_or_after
from touchpoints._model import Adjustment, AnchorExpression, Duration, OpenDays, Rule

__all__ = [
    "FIRST",
    "LAST",
    "CompiledRule",
    "Outside",
    "Planned",
    "RollingDays",
    "Shift",
    "advance",
    "month_length",
    "planned_days",
    "shift_of",
    "step_of",
]

_fromordinal: Final = date.fromordinal
_ROLLS: Final = 8_192
"""The most rolls one rule's calendar keeps."""

FIRST: Final = date.min.toordinal()
LAST: Final = date.max.toordinal()

Shift = tuple[str, int, int]
"""An anchor expression compiled: the anchor's name, signed months and signed days."""


class Outside(Exception):
    """A day number left the years 1 to 9999 (the generic engine says how)."""


def advance(day: int, months: int, days: int) -> int:
    """Day number ``day`` plus ``months`` calendar months (the day clamped to the end of
    the month), then plus ``days``: ``relativedelta(months=..., days=...)``'s order."""
    if months:
        value = _fromordinal(day)
        month = value.month - 1 + months  # from 0, in the value's year
        year = value.year + month // 12
        if not 1 <= year <= 9999:
            raise Outside
        month = month % 12 + 1
        mday = value.day
        if mday > 28:
            mday = min(mday, month_length(year, month))
        day = date(year, month, mday).toordinal()
    day += days
    if not FIRST <= day <= LAST:
        raise Outside
    return day


def month_length(year: int, month: int) -> int:
    """The number of days in ``month`` of ``year`` (``calendar.monthrange``'s second)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return _MONTH_LENGTHS[month]


_MONTH_LENGTHS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def shift_of(expression: AnchorExpression) -> Shift | None:
    """An anchor expression as (anchor, months, days), or None if it is not compiled."""
    offset = expression.offset
    if offset.business_days or offset.has_time:
        return None
    sign = expression.sign
    months = sign * (offset.years * 12 + offset.months)
    return expression.anchor, months, sign * (offset.weeks * 7 + offset.days)


def step_of(duration: Duration) -> tuple[int, int] | None:
    """A series' step as (months, days), or None if it is not compiled. A compiled
    step is never zero: without months, its days are more than zero."""
    if duration.business_days or duration.has_time or duration.is_zero:
        return None
    return duration.years * 12 + duration.months, duration.weeks * 7 + duration.days


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One rule compiled: where its days come from and how its touch points are made."""

    position: int
    rule: Rule
    start: Shift  # ``at``, or a series' ``starting``
    step: tuple[int, int] | None  # a series' months and days; None for ``at``
    until: Shift | None
    count: int | None
    time: time | None
    days: RollingDays | None  # the calendar its touch points roll on, None: they stay
    rank: int = -1  # its contact time's place among the plan's, earliest first


class RollingDays:
    """A rule's business calendar, with the rolls of the days met so far."""

    __slots__ = ("known", "open_days", "reach")

    def __init__(self, days: OpenDays) -> None:
        self.open_days = days
        self.reach = days.reach
        # The rolls worked out so far, by day number (read them with :meth:`roll`, or
        # straight from here where a method call is too dear): at most _ROLLS of them,
        # then it starts again (clearing is one step).
        self.known: dict[int, tuple[int, tuple[Adjustment, ...]]] = {}

    def roll(self, day: int) -> tuple[int, tuple[Adjustment, ...]]:
        """Day number ``day`` moved off a closed day, and the adjustment saying why."""
        known = self.known.get(day)
        if known is not None:
            return known
        moved, moves = roll_day(_fromordinal(day), self.open_days)
        result = (moved.toordinal(), moves) if moves else (day, ())
        rolls = self.known
        if len(rolls) >= _ROLLS:
            rolls.clear()
        rolls[day] = result
        return result


Planned = tuple[int, int, tuple[Adjustment, ...]]
"""A touch point's day found: occurrence, day number and the adjustments moving it there."""

_NONE: Final = ((0, 0, ()),)[:0]


def planned_days(
    compiled_rule: CompiledRule,
    values: dict[str, int],
    lower: int | None,
    upper: int | None,
    room: int,
) -> Iterable[Planned] | None:
    """One rule's touch points in the window, as the engine's ``rule_entries`` finds
    them; None when there are more than ``room``."""
    name, months, offset = compiled_rule.start
    if months:
        first = advance(values[name], months, offset)
    else:  # advance() without its months, in line: this runs for every rule
        first = values[name] + offset
        if not FIRST <= first <= LAST:
            raise Outside
    step = compiled_rule.step
    if compiled_rule.days is not None or (step is not None and step[0]):
        return rolled_days(compiled_rule, values, first, lower, upper, room)
    if step is None:  # ``at``, on its day
        if (upper is not None and first >= upper) or (lower is not None and first < lower):
            return _NONE
        return ((1, first, ()),) if room > 0 else None
    # A series of whole days on no calendar: its days in the window at once.
    n, found = _whole_days(compiled_rule, values, first, step[1], lower, upper)
    if len(found) > room:
        return None
    return zip(range(n, n + len(found)), found, repeat(()))


def rolled_days(
    compiled_rule: CompiledRule,
    values: dict[str, int],
    first: int,
    lower: int | None,
    upper: int | None,
    room: int,
) -> list[Planned] | None:
    """The touch points of one rule in the window, as the engine's ``rule_entries``
    finds them: the series searched from ``reach`` days before the window to ``reach``
    days after it, each day rolled, then kept if it falls inside; None when there are
    more than ``room``."""
    days = compiled_rule.days
    reach = days.reach if days is not None else 0
    # widen(): a bound that would leave the calendar stays where it is.
    seek = lower if lower is None or lower - reach < FIRST else lower - reach
    stop = upper if upper is None or upper + reach > LAST else upper + reach
    step = compiled_rule.step
    planned: Iterable[tuple[int, int]]
    if step is None:
        planned = ((1, first),)
    elif not step[0]:
        n, run = _whole_days(compiled_rule, values, first, step[1], seek, stop)
        planned = enumerate(run, n)
    else:
        name = compiled_rule.start[0]
        planned = series_days(compiled_rule, values, values[name], first, step, seek, stop)
    found: list[Planned] = []
    for occurrence, day in planned:
        if stop is not None and day >= stop:
            break
        moves: tuple[Adjustment, ...] = ()
        if days is not None:
            # The rolls met before, read here: a method call per touch point costs more.
            day, moves = days.known.get(day) or days.roll(day)
        if (upper is not None and day >= upper) or (lower is not None and day < lower):
            continue
        found.append((occurrence, day, moves))
        if len(found) > room:
            return None
    return found


def _whole_days(
    compiled_rule: CompiledRule,
    values: dict[str, int],
    first: int,
    days: int,
    lower: int | None,
    upper: int | None,
) -> tuple[int, range]:
    """A series ``days`` (> 0) apart from day number ``first``: the first occurrence
    number on or after ``lower``, and the days from it up to the last one before
    ``upper``, on or before its ``until`` and within its ``count``."""
    last = min(LAST if upper is None else upper - 1, _until_day(compiled_rule, values))
    if compiled_rule.count is not None:
        last = min(last, first + days * (compiled_rule.count - 1))
    n = 1 if lower is None or first >= lower else (lower - first + days - 1) // days + 1
    return n, range(first + days * (n - 1), last + 1, days)


def _until_day(compiled_rule: CompiledRule, values: dict[str, int]) -> int:
    """The day number of a series' ``until`` (the last day of time without one)."""
    if compiled_rule.until is None:
        return LAST
    name, months, days = compiled_rule.until
    return advance(values[name], months, days)  # never past LAST: it raises Outside


def series_days(
    compiled_rule: CompiledRule,
    values: dict[str, int],
    anchor: int,
    first: int,
    step: tuple[int, int],
    seek: int | None,
    stop: int | None,
) -> Iterator[tuple[int, int]]:
    """A series' occurrence numbers and planned day numbers, from the first one on or
    after ``seek`` up to the first one on or after ``stop``, its ``until`` or its
    ``count`` (``occurrences`` in the engine), for a step with calendar months (see
    :func:`_whole_days` for the others)."""
    months, days = step
    _, base_months, base_days = compiled_rule.start
    until = _until_day(compiled_rule, values)
    count = compiled_rule.count

    def nth(n: int) -> int:
        try:
            return advance(anchor, base_months + months * (n - 1), base_days + days * (n - 1))
        except Outside:
            raise OverflowError from None

    n = 1 if seek is None else first_at_or_after(nth, seek)  # type: ignore[arg-type]
    while count is None or n <= count:
        try:
            day = nth(n)
        except OverflowError:
            return
        if day > until:
            return
        yield n, day
        if stop is not None and day >= stop:
            return
        n += 1
