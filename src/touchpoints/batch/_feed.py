"""Touch point rows to an iCalendar feed, without a Python object per touch point.

Each rule's component text around the parts that vary is formatted once
(``touchpoints._ical.RowFeed``), each distinct start once, each distinct roll off a
closed day once (the rule and the day it was planned on: the engine words why that day
was closed and where it went), and Arrow joins the components from the columns, a
chunk of rows at a time. What the columns do not carry is written from the engine's
touch points, in its place, so the feed has the bytes ``write_ical`` gives: plans the
columns do not describe fully (fatigue, terms, templates), and each subject with a due
time that a gap in its zone may have pushed onto the next day (Pacific/Apia skipped
2011-12-30), which the feed notes too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, NamedTuple, TypedDict
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from touchpoints import Plan, schedule_many
from touchpoints._ical import RowFeed, RulePieces
from touchpoints._model import Adjustment, OpenDays
from touchpoints.batch._compile import Compiled
from touchpoints.batch._days import NO_ROLL
from touchpoints.batch._rows import Rows, make_ids
from touchpoints.batch._table import SubjectsBatch
from touchpoints.batch._zones import ZoneTables, year_of_seconds

__all__ = ["Window", "columns_write", "needs_touch_points"]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY: Final = date(1970, 1, 1)
_DAY: Final = 86_400
_CHUNK: Final = 8_192  # rows joined into one write
_STARTS_KEPT: Final = 1 << 19  # distinct timed starts kept across batches
# A timed start's key: seconds since 1970 made positive (years 1 to 9999), times
# the zone span, plus the zone's number in the call (there are some 600 IANA zones).
_SECONDS_SHIFT: Final = 1 << 36
_ZONE_SPAN: Final = 1 << 16
_ROLLS_KEPT: Final = 1 << 16  # distinct (rule, planned day) texts kept across batches
_DAY_SPAN: Final = 1 << 32  # a planned day's key: its day minus NO_ROLL, below this

Int64s = npt.NDArray[np.int64]
Column = Any
"""An Arrow array, typed loosely: pyarrow's stubs do not cover its use here."""


def needs_touch_points(compiled: Compiled | None, feed: RowFeed) -> bool:
    """True when every component is written from a touch point: the columnar path
    does not compute the plan, or a template renders the text (templates read the
    touch point's fields and the subject's attributes)."""
    return compiled is None or feed.templated


def columns_write(
    feed: RowFeed,
    compiled: Compiled,
    computed: Iterator[tuple[SubjectsBatch, Rows, tuple[str, ...]]],
    window: Window,
) -> None:
    """Write every batch's rows to ``feed``, in order; ``window`` is the ``start``,
    ``end``, ``limit`` and ``as_of`` the rows were computed with."""
    plan = compiled.plan
    rule_ids = [rule.id for rule in plan.rules]
    times = [spec.time_of_day for spec in compiled.rules]
    texts = _Texts.of(feed, plan)
    starts = _Starts()
    rolls = _Rolls(compiled)
    for subjects, rows, zones in computed:
        size = int(rows.subject.size)
        if size == 0:
            continue
        whens, notes, where, suspects = _whens(feed, plan, rows, zones, times, starts)
        uids = make_ids(
            plan.id, rule_ids, rows.rule, rows.occurrence, subjects.ids, rows.subject, rows.term
        )
        afters, after_where = rolls.afters(feed, rows, texts.after_uids)
        batch = _Batch(rows, whens, notes, where, uids, afters, after_where)
        start = 0
        for subject in suspects:
            first = int(np.searchsorted(rows.subject, subject, side="left"))
            stop = int(np.searchsorted(rows.subject, subject, side="right"))
            texts.write(feed, batch, start, first)
            (person,) = subjects.subjects([subject])
            feed.touch_points(schedule_many(plan, [person], **window))
            start = stop
        texts.write(feed, batch, start, size)


class Window(TypedDict):
    """What ``schedule_many`` takes besides the plan and the subjects."""

    start: date | None
    end: date | None
    limit: int
    as_of: date | None


class _Batch(NamedTuple):
    rows: Rows
    whens: Column  # distinct start texts
    notes: Column  # distinct zone notes
    where: npt.NDArray[np.int64]  # each row's distinct start
    uids: Column
    afters: Column  # distinct texts after the uid (with a roll's adjustment, if any)
    after_where: npt.NDArray[np.int64]  # each row's text after the uid


class _Texts(NamedTuple):
    """The rules' component text around the varying parts, as Arrow arrays by rule."""

    pieces: list[RulePieces]
    heads: Column
    middles: Column
    after_uids: Column
    names: Column  # every rule's later names, then every rule's first names
    tails: Column

    @classmethod
    def of(cls, feed: RowFeed, plan: Plan) -> _Texts:
        pieces = feed.pieces(plan.id, plan.rules, not plan.is_all_day)
        return cls(
            pieces,
            pa.array([p.head for p in pieces], type=pa.string()),
            pa.array([p.middle for p in pieces], type=pa.string()),
            pa.array([p.after_uid for p in pieces], type=pa.string()),
            pa.array(
                [p.later_names for p in pieces] + [p.first_names for p in pieces],
                type=pa.string(),
            ),
            pa.array([p.tail for p in pieces], type=pa.string()),
        )

    def write(self, feed: RowFeed, batch: _Batch, start: int, stop: int) -> None:
        """Join and write the components of rows ``start`` to ``stop``, a chunk at a
        time (memory stays with the chunk, not the batch)."""
        compute: Any = pc  # the stubs' overloads do not cover joining taken arrays
        for first in range(start, stop, _CHUNK):
            last = min(first + _CHUNK, stop)
            rule = batch.rows.rule[first:last]
            names = rule.astype(np.int32)
            for number in np.unique(rule).tolist():
                if feed.carry(self.pieces[number]):
                    names[int(np.argmax(rule == number))] += len(self.pieces)
            rules = pa.array(rule, type=pa.int32())
            starts = pa.array(batch.where[first:last], type=pa.int64())
            joined = compute.binary_join_element_wise(
                self.heads.take(rules),
                batch.whens.take(starts),
                self.middles.take(rules),
                batch.uids.slice(first, last - first),
                batch.afters.take(pa.array(batch.after_where[first:last], type=pa.int64())),
                pa.array(batch.rows.occurrence[first:last]).cast(pa.string()),
                self.names.take(pa.array(names, type=pa.int32())),
                batch.notes.take(starts),
                self.tails.take(rules),
                "",
            )
            ends = np.frombuffer(joined.buffers()[1], dtype=np.int32)
            low, high = ends[joined.offset], ends[joined.offset + len(joined)]
            data = joined.buffers()[2].slice(int(low), int(high - low)).to_pybytes()
            feed.write_components(data, last - first)


def _whens(
    feed: RowFeed,
    plan: Plan,
    rows: Rows,
    zones: tuple[str, ...],
    times: list[int],
    starts: _Starts,
) -> tuple[Column, Column, npt.NDArray[np.int64], list[int]]:
    """The distinct start texts and zone notes of the rows, which one each row has,
    and the subjects (row numbers in the batch, in order) with a due time a gap may
    have pushed onto a later day, for the object path.

    Only the distinct values become Python values: (due, rule) for all-day plans,
    whose end follows the rule's length, and (due, zone) for timed ones.
    """
    rules = plan.rules
    if plan.is_all_day:
        keys = np.stack([rows.due, rows.rule.astype(np.int64)], axis=1)
        distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
        whens = [
            feed.when(rules[rule], plan.id, _EPOCH_DAY + timedelta(days=day))[0]
            for day, rule in distinct.tolist()
        ]
        return (
            pa.array(whens, type=pa.string()),
            pa.array([""] * len(whens), type=pa.string()),
            inverse.reshape(-1).astype(np.int64),
            [],
        )
    seconds = rows.due // 1_000_000  # a start is written to the second
    codes = rows.zone.astype(np.int64)
    suspects = _moved_subjects(rows, seconds, codes, zones, times)
    stable = np.array([starts.zone_number(key) for key in zones] or [0], dtype=np.int64)
    keys = (seconds + _SECONDS_SHIFT) * _ZONE_SPAN + stable[codes]
    distinct, inverse = np.unique(keys, return_inverse=True)
    texts, notes = starts.texts(feed, plan, distinct.tolist(), zones, stable)
    where = inverse.reshape(-1).astype(np.int64)
    return pa.array(texts, type=pa.string()), pa.array(notes, type=pa.string()), where, suspects


class _Rolls:
    """The text after the uid for touch points a roll adjusted, by rule and planned
    day, formatted once per call (bounded: past :data:`_ROLLS_KEPT` it starts again)
    from the engine's own calendar of the rule, so the reason has the engine's words
    (the holiday's name, ``weekend``, ``no contacts on Mon``, a month-end note)."""

    __slots__ = ("compiled", "known", "open_days")

    def __init__(self, compiled: Compiled) -> None:
        self.compiled = compiled
        self.known: dict[int, str] = {}
        self.open_days: dict[int, OpenDays] = {}

    def afters(self, feed: RowFeed, rows: Rows, plain: Column) -> tuple[Column, Int64s]:
        """The distinct texts after the uid, and which one each row has: the rule's
        plain text (``plain``, by rule) for rows no roll adjusted."""
        where = rows.rule.astype(np.int64)
        if rows.planned is None:
            return plain, where
        rolled = np.flatnonzero(rows.planned != NO_ROLL)
        if rolled.size == 0:
            return plain, where
        keys = where[rolled] * _DAY_SPAN + (rows.planned[rolled].astype(np.int64) - NO_ROLL)
        distinct, inverse = np.unique(keys, return_inverse=True)
        if len(self.known) > _ROLLS_KEPT:
            self.known.clear()
        texts: list[str] = plain.to_pylist()
        for key in distinct.tolist():
            text = self.known.get(key)
            if text is None:
                rule, day = divmod(key, _DAY_SPAN)
                text = self.known[key] = self._text(feed, rule, day + NO_ROLL)
            texts.append(text)
        where[rolled] = len(plain) + inverse.reshape(-1)
        return pa.array(texts, type=pa.string()), where

    def _text(self, feed: RowFeed, index: int, day: int) -> str:
        plan = self.compiled.plan
        rule = plan.rules[index]
        days = self.open_days.get(index)
        if days is None:
            # As the engine resolves a rule's calendar (no subject calendars here).
            window = plan.channels.get(rule.channel)
            days = OpenDays.resolve((rule.business_calendar, None, plan.business_calendar))
            days = self.open_days[index] = days.with_weekdays(
                window.weekdays if window is not None else None
            )
        before = _EPOCH_DAY + timedelta(days=day)
        after, reason = days.roll(before)
        assert reason is not None, f"{before} is open for rule {rule.id!r}"
        moved = Adjustment(before, after, reason, kind="rolled")
        return feed.after_uid(rule, plan.id, not plan.is_all_day, [moved])


class _Starts:
    """The start texts and zone notes of the timed due times seen in the call, so
    that a due time shared by many batches is formatted once (bounded: past
    :data:`_STARTS_KEPT` it starts again)."""

    __slots__ = ("known", "zone_infos", "zone_numbers")

    def __init__(self) -> None:
        self.known: dict[int, tuple[str, str]] = {}
        self.zone_numbers: dict[str, int] = {}
        self.zone_infos: list[ZoneInfo] = []

    def zone_number(self, key: str) -> int:
        number = self.zone_numbers.get(key)
        if number is None:
            number = self.zone_numbers[key] = len(self.zone_infos)
            self.zone_infos.append(ZoneInfo(key))
        return number

    def texts(
        self,
        feed: RowFeed,
        plan: Plan,
        keys: list[int],
        zones: tuple[str, ...],
        stable: Int64s,
    ) -> tuple[list[str], list[str]]:
        if len(self.known) > _STARTS_KEPT:
            self.known.clear()
        known = self.known
        rule = plan.rules[0]  # a timed start is the same for every rule
        texts: list[str] = []
        notes: list[str] = []
        for key in keys:
            hit = known.get(key)
            if hit is None:
                seconds, number = divmod(key, _ZONE_SPAN)
                moment = (_EPOCH + timedelta(seconds=seconds - _SECONDS_SHIFT)).astimezone(
                    self.zone_infos[number]
                )
                hit = known[key] = feed.when(rule, plan.id, moment)
            texts.append(hit[0])
            notes.append(hit[1])
        return texts, notes


def _moved_subjects(
    rows: Rows, seconds: Int64s, codes: Int64s, zones: tuple[str, ...], times: list[int]
) -> list[int]:
    """The subjects (row numbers in the batch, in order) with a due time that a gap
    in their zone may have pushed onto a later day, which the feed notes and only the
    engine knows (Apia skipped 2011-12-30 whole, so the 30th and the 31st at 10:00 both
    land on the 31st at 10:00).

    A time in a gap moves forward by the gap, and no gap is longer than a day: a due
    time pushed past midnight is earlier in its day than the rule's contact time, or,
    pushed by a whole day, exactly at it after the offset grew by a day.
    """
    years = year_of_seconds(np.array([seconds.min(), seconds.max()], dtype=np.int64))
    tables = ZoneTables(zones, int(years[0]) - 1, int(years[1]) + 1)
    local = tables.local(codes, seconds)
    offset = local - seconds
    earlier = np.minimum(
        tables.local(codes, seconds - _DAY) - (seconds - _DAY),
        tables.local(codes, seconds - 2 * _DAY) - (seconds - 2 * _DAY),
    )
    contact = np.array(times, dtype=np.int64)[rows.rule]
    moved = (local % _DAY < contact) | (offset - earlier >= _DAY)
    if not moved.any():
        return []
    result: list[int] = np.unique(rows.subject[moved]).tolist()
    return result
