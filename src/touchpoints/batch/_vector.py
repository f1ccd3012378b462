"""The columnar engine: the touch points of distinct subject keys, computed on arrays.

A key is what a subject's schedule depends on here: its zone and its anchor dates.
Each key's touch points are computed once, with the engine's rules (the no-drift
rule, month-end clamping, business days, rolls, the window and its slack, RFC 5545
gap and fold placement), and sorted as ``touchpoints.schedule`` sorts them. Keys the
arrays cannot settle (a missing anchor a rule needs, a date outside the years 1 to
9999, a roll that finds no open day, more touch points than the limit) are marked,
and their subjects go through the object path, which raises the engine's own error.
For plans that roll off closed days, each touch point also keeps the day it was
planned on when that day was closed (the roll's adjustment starts there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import numpy.typing as npt

from touchpoints.batch._compile import Compiled, Expression, RuleSpec
from touchpoints.batch._days import NO_ROLL, Closed, add_business, add_months, roll, span
from touchpoints.batch._zones import ZoneTables, year_of_seconds

__all__ = ["KeyRows", "compute"]

Int64s = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]

_DAY: Final = 86_400
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
MIN_DAY: Final = 1 - _EPOCH_ORDINAL
MAX_DAY: Final = date.max.toordinal() - _EPOCH_ORDINAL


def day_number(day: date) -> int:
    """Days from 1970-01-01 to ``day``."""
    return day.toordinal() - _EPOCH_ORDINAL


@dataclass(frozen=True, slots=True)
class KeyRows:
    """The sorted touch points of every key: ``starts[k]`` to ``starts[k] + counts[k]``
    are key ``k``'s rows; ``problem[k]`` marks keys left to the object path."""

    rule: Int32s  # the rule's position in the plan
    occurrence: Int64s
    due: Int64s  # microseconds since 1970 (UTC) for timed plans, else days since 1970
    local_day: Int32s
    zone: Int32s
    starts: Int64s
    counts: Int64s
    problem: Bools
    planned: Int32s | None = None  # the closed day a roll started from, else NO_ROLL


class _Calendars:
    """numpy business-day calendars, one per resolved calendar and span, per call."""

    def __init__(self) -> None:
        self._made: dict[tuple[Closed, int, int], np.busdaycalendar] = {}

    def get(self, closed: Closed, days: Int64s, reach: int) -> np.busdaycalendar:
        first, last = span(days, reach)
        # Whole years, so that nearby spans share a calendar.
        first, last = (first // 366 - 1) * 366, (last // 366 + 2) * 366
        key = (closed, first, last)
        made = self._made.get(key)
        if made is None:
            made = closed.calendar(max(first, MIN_DAY), min(last, MAX_DAY))
            self._made[key] = made
        return made


def _shift(
    days: Int64s,
    time_of_day: int,
    months: Int64s | int,
    seconds: Int64s | int,
    business: Int64s | int,
    closed: Closed,
    calendars: _Calendars,
) -> Int64s:
    """Wall-clock seconds of ``days`` at ``time_of_day`` plus calendar months (clamped),
    fixed seconds and then business days, in one addition (the no-drift rule)."""
    if np.any(months):
        days = add_months(days, np.broadcast_to(np.asarray(months, dtype=np.int64), days.shape))
    walls: Int64s = days * _DAY + (time_of_day + np.asarray(seconds, dtype=np.int64))
    if np.any(business):
        counts = np.broadcast_to(np.asarray(business, dtype=np.int64), days.shape)
        moved = walls // _DAY
        reach = int(np.abs(counts).max()) * 8 + 400 if counts.size else 0
        result = add_business(moved, counts, calendars.get(closed, moved, reach))
        walls = walls + (result - moved) * _DAY
    return walls


def _in_range(walls: Int64s) -> Bools:
    result: Bools = (walls >= MIN_DAY * _DAY) & (walls < (MAX_DAY + 1) * _DAY)
    return result


class _Anchors:
    """Anchor dates per key: the subject's own first, then the plan's derivations."""

    def __init__(
        self,
        compiled: Compiled,
        given: dict[str, tuple[Int64s, Bools]],
        size: int,
        calendars: _Calendars,
    ) -> None:
        self._compiled = compiled
        self._given = given
        self._size = size
        self._calendars = calendars
        self._resolved: dict[str, tuple[Int64s, Bools]] = {}
        self.broken = np.zeros(size, dtype=np.bool_)  # a derivation left the calendar

    def __call__(self, name: str) -> tuple[Int64s, Bools]:
        found = self._resolved.get(name)
        if found is not None:
            return found
        days, present = self._given.get(
            name, (np.zeros(self._size, dtype=np.int64), np.zeros(self._size, dtype=np.bool_))
        )
        derivation = self._compiled.derived.get(name)
        if derivation is not None and not present.all():
            base, base_present = self(derivation.anchor)
            walls = _shift(
                base,
                0,
                derivation.months,
                derivation.seconds,
                derivation.business,
                self._compiled.derive_closed,
                self._calendars,
            )
            fill = ~present & base_present
            self.broken |= fill & ~_in_range(walls)
            days = np.where(present, days, walls // _DAY)
            present = present | base_present
        self._resolved[name] = (days, present)
        return days, present


def _window(
    compiled: Compiled,
    anchors: _Anchors,
    size: int,
    start: int | None,
    end: int | None,
) -> tuple[Int64s | None, Int64s, Bools]:
    """The window per key in wall-clock seconds (lower, upper) and the keys whose
    horizon leaves the calendar."""
    lower = None if start is None else np.full(size, start * _DAY, dtype=np.int64)
    if end is not None:
        return lower, np.full(size, end * _DAY, dtype=np.int64), np.zeros(size, dtype=np.bool_)
    if start is not None:
        origin = np.full(size, start, dtype=np.int64)
    else:
        origin = np.full(size, MIN_DAY, dtype=np.int64)
        seen = np.zeros(size, dtype=np.bool_)
        for name in compiled.names:
            days, present = anchors(name)
            origin = np.where(present & (~seen | (days < origin)), days, origin)
            seen |= present
    months, seconds = compiled.horizon
    last = add_months(origin, np.full(size, months, dtype=np.int64)) + seconds // _DAY
    broken = (last > MAX_DAY) | (last < MIN_DAY)
    return lower, last * _DAY, broken


def _rule_rows(
    spec: RuleSpec,
    anchors: _Anchors,
    lower: Int64s | None,
    upper: Int64s,
    limit: int,
    calendars: _Calendars,
    problem: Bools,
) -> tuple[Int64s, Int64s, Int64s, Int64s]:
    """One rule's (key, occurrence, wall-clock seconds, planned day) rows, in key and
    occurrence order; marks ``problem`` for keys the arrays cannot settle. The planned
    day is the closed day a roll adjusted (moved, or kept by the ``keep`` roll), else
    :data:`NO_ROLL`."""
    size = upper.size
    names = [spec.first.anchor] + ([spec.until.anchor] if spec.until is not None else [])
    present = np.ones(size, dtype=np.bool_)
    for name in names:
        present &= anchors(name)[1]
    if not spec.rule.optional:
        problem |= ~present  # the object path raises MissingAnchorError
    keys = np.flatnonzero(present & ~problem)

    def at(
        expression: Expression, where: Int64s, extra: tuple[Int64s, Int64s, Int64s] | None
    ) -> Int64s:
        days = anchors(expression.anchor)[0][where]
        if extra is None:
            return _shift(
                days,
                spec.time_of_day,
                expression.months,
                expression.seconds,
                expression.business,
                spec.closed,
                calendars,
            )
        return _shift(
            days,
            spec.time_of_day,
            expression.months + extra[0],
            expression.seconds + extra[1],
            expression.business + extra[2],
            spec.closed,
            calendars,
        )

    until = None
    if spec.until is not None:
        until = at(spec.until, keys, None)
        bad = ~_in_range(until)
        problem[keys[bad]] = True
    slack = 31 * _DAY if spec.rolls else 0
    stop = upper[keys] + slack
    seek = None if lower is None else lower[keys] - slack
    if spec.step is None:
        walls = at(spec.first, keys, None)
        numbers = np.ones(keys.size, dtype=np.int64)
        rows = keys
    else:
        step_months, step_seconds, step_business = spec.step
        zero = np.zeros(keys.size, dtype=np.int64)
        first = at(spec.first, keys, (zero, zero, zero))
        pad = 3 * _DAY + (7 * abs(spec.first.business) + 31) * _DAY * bool(spec.first.business)
        shortest = step_months * 28 * _DAY + step_seconds + step_business * _DAY
        longest = step_months * 31 * _DAY + step_seconds
        low = np.ones(keys.size, dtype=np.int64)
        if seek is not None and not step_business:
            low += np.maximum(0, (seek - first - pad) // longest)
        high = 1 + (stop - 1 - first + pad) // shortest
        if until is not None:
            high = np.minimum(high, 1 + (until - first + pad) // shortest)
        if spec.count is not None:
            high = np.minimum(high, spec.count)
        counts = np.maximum(high - low + 1, 0)
        too_many = counts > 4 * limit + 1_000
        problem[keys[too_many]] = True
        counts[too_many] = 0
        rows = np.repeat(keys, counts)
        offsets = np.repeat(low - np.cumsum(counts) + counts, counts)
        numbers = np.arange(rows.size, dtype=np.int64) + offsets
        times = numbers - 1
        walls = at(
            spec.first,
            rows,
            (times * step_months, times * step_seconds, times * step_business),
        )
        if until is not None:
            keep = walls <= np.repeat(until, counts)
            rows, numbers, walls = rows[keep], numbers[keep], walls[keep]
            counts = np.bincount(np.searchsorted(keys, rows), minlength=keys.size)
    fine = _in_range(walls)
    if not fine.all():
        problem[rows[~fine]] = True
        walls = np.where(fine, walls, 0)
    planned = np.full(walls.shape, NO_ROLL, dtype=np.int64)
    if spec.rolls:
        days = walls // _DAY
        calendar = calendars.get(spec.closed, days, 2 * 31)
        rolled, failed = roll(days, spec.closed, calendar)
        problem[rows[failed]] = True
        walls = walls + (rolled - days) * _DAY
        closed = ~np.is_busday(days.astype("datetime64[D]"), busdaycal=calendar)
        planned = np.where(closed, days, planned)
    keep = walls < upper[rows]
    if lower is not None:
        keep &= walls >= lower[rows]
    keep &= ~problem[rows]
    return rows[keep], numbers[keep], walls[keep], planned[keep]


def compute(
    compiled: Compiled,
    zone_codes: Int64s,
    zone_keys: tuple[str, ...],
    given: dict[str, tuple[Int64s, Bools]],
    start: int | None,
    end: int | None,
    limit: int,
) -> KeyRows:
    """The sorted touch points of each key (zone code and anchor days per key)."""
    size = zone_codes.size
    calendars = _Calendars()
    anchors = _Anchors(compiled, given, size, calendars)
    lower, upper, problem = _window(compiled, anchors, size, start, end)
    problem = problem | anchors.broken
    parts_key, parts_rule, parts_number, parts_wall, parts_planned = [], [], [], [], []
    for spec in compiled.rules:
        rows, numbers, walls, planned = _rule_rows(
            spec, anchors, lower, upper, limit, calendars, problem
        )
        parts_key.append(rows)
        parts_rule.append(np.full(rows.size, spec.index, dtype=np.int64))
        parts_number.append(numbers)
        parts_wall.append(walls)
        parts_planned.append(planned)
    problem |= anchors.broken
    key = np.concatenate(parts_key)
    rule = np.concatenate(parts_rule)
    number = np.concatenate(parts_number)
    wall = np.concatenate(parts_wall)
    moved = np.concatenate(parts_planned)
    if not compiled.plan.is_all_day:
        problem |= zone_codes < 0  # no zone: the object path raises ScheduleError
    keep = ~problem[key]
    key, rule, number, wall, moved = key[keep], rule[keep], number[keep], wall[keep], moved[keep]
    timed = not compiled.plan.is_all_day
    if not timed or key.size == 0:
        due = wall // _DAY if not timed else wall
        local = due
    else:
        years = year_of_seconds(np.array([wall.min(), wall.max()], dtype=np.int64))
        zones = ZoneTables(zone_keys, int(years[0]) - 1, int(years[1]) + 1)
        due, local = zones.place(zone_codes[key], wall)
    order = _order(key, local)
    key, rule, number, due, local = key[order], rule[order], number[order], due[order], local[order]
    moved = moved[order]
    counts = np.bincount(key, minlength=size).astype(np.int64)
    over = counts > limit
    if over.any():  # the object path raises TooManyTouchPointsError
        problem |= over
        keep = ~over[key]
        key, rule, number, due, local = key[keep], rule[keep], number[keep], due[keep], local[keep]
        moved = moved[keep]
        counts[over] = 0
    starts = np.cumsum(counts) - counts
    local_day = (local // _DAY if timed else local).astype(np.int32)
    if timed:
        due = due * 1_000_000
    zone = zone_codes[key].astype(np.int32)
    rolled: Int32s | None = None
    if any(spec.rolls for spec in compiled.rules):
        rolled = moved.astype(np.int32)
    return KeyRows(
        rule.astype(np.int32), number, due, local_day, zone, starts, counts, problem, rolled
    )


def _order(key: Int64s, local: Int64s) -> npt.NDArray[np.intp]:
    """A stable order by key, then local due time: rows arrive in rule and then
    occurrence order, so ties keep the engine's order (rule position, occurrence)."""
    if key.size == 0:
        return np.zeros(0, dtype=np.intp)
    low = int(local.min())
    width = int(local.max()) - low + 1
    if (int(key.max()) + 1) * width < (1 << 62):
        return np.argsort(key * width + (local - low), kind="stable")
    return np.lexsort((local, key))
