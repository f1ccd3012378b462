"""Touch point rows to an iCalendar feed, without a Python object per touch point.

Each row's component is formatted from its columns and its rule's lines, which are
formatted once (``touchpoints._ical.RowFeed``). Only the distinct due times become
Python datetimes. What the columns do not carry is written from the engine's touch
points, in its place, so the feed has the bytes ``write_ical`` gives: plans the columns
do not describe fully (rolls off closed days, whose reasons the feed notes, fatigue,
terms), and each subject with a due time that a gap in its zone may have pushed onto
the next day (Pacific/Apia skipped 2011-12-30), which the feed notes too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, NamedTuple, TypedDict
from zoneinfo import ZoneInfo

import numpy as np

from touchpoints import Plan, schedule_many
from touchpoints._ical import RowFeed
from touchpoints.batch._compile import Compiled
from touchpoints.batch._rows import Rows, make_ids
from touchpoints.batch._table import SubjectsBatch

__all__ = ["Window", "columns_write", "needs_touch_points"]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY: Final = date(1970, 1, 1)
_ONE_DAY: Final = timedelta(days=1)


def needs_touch_points(compiled: Compiled | None) -> bool:
    """True when the plan's touch points can carry notes the columns lack: the
    columnar path does not compute the plan, or a rule rolls off closed days (the
    roll's reason and the closed days passed over are written in the feed)."""
    return compiled is None or any(spec.rolls for spec in compiled.rules)


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
    for subjects, rows, zones in computed:
        size = int(rows.subject.size)
        if size == 0:
            continue
        dues, suspects = _dues(plan, rows, zones, times)
        numbers = rows.rule.tolist()
        occurrences = rows.occurrence.tolist()
        uids = make_ids(
            plan.id, rule_ids, rows.rule, rows.occurrence, subjects.ids, rows.subject, rows.term
        ).to_pylist()
        subject_ids = None
        if feed.needs_subjects:
            subject_ids = subjects.ids.take(rows.subject).to_pylist()
        columns = _Columns(plan, numbers, occurrences, dues, uids, subject_ids)
        start = 0
        for subject in suspects:
            first = int(np.searchsorted(rows.subject, subject, side="left"))
            stop = int(np.searchsorted(rows.subject, subject, side="right"))
            columns.write(feed, start, first)
            (person,) = subjects.subjects([subject])
            feed.touch_points(schedule_many(plan, [person], **window))
            start = stop
        columns.write(feed, start, size)


class Window(TypedDict):
    """What ``schedule_many`` takes besides the plan and the subjects."""

    start: date | None
    end: date | None
    limit: int
    as_of: date | None


class _Columns(NamedTuple):
    plan: Plan
    numbers: list[int]
    occurrences: list[int]
    dues: list[date]
    uids: list[str]
    subject_ids: list[str] | None

    def write(self, feed: RowFeed, start: int, stop: int) -> None:
        """Write rows ``start`` to ``stop``."""
        if start >= stop:
            return
        whole = start == 0 and stop == len(self.numbers)
        part = slice(start, stop)
        subject_ids = self.subject_ids
        feed.rows(
            self.plan.id,
            self.plan.rules,
            self.numbers if whole else self.numbers[part],
            self.occurrences if whole else self.occurrences[part],
            self.dues if whole else self.dues[part],
            self.uids if whole else self.uids[part],
            None if subject_ids is None else subject_ids if whole else subject_ids[part],
        )


def _dues(
    plan: Plan, rows: Rows, zones: tuple[str, ...], times: list[int]
) -> tuple[list[date], list[int]]:
    """Each row's due as the engine gives it (a date, or an aware datetime in the
    subject's zone), and the subjects (row numbers in the batch, in order) with a
    due time a gap may have pushed onto a later day, for the object path.

    Only the distinct values are converted; the rows share them.
    """
    if plan.is_all_day:
        days, inverse = np.unique(rows.due, return_inverse=True)
        distinct_days = [_EPOCH_DAY + timedelta(days=day) for day in days.tolist()]
        return [distinct_days[i] for i in inverse.reshape(-1).tolist()], []
    keys = np.stack([rows.due, rows.zone.astype(np.int64), rows.rule.astype(np.int64)], axis=1)
    distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
    moments: list[date] = []
    moved = np.zeros(len(distinct), dtype=np.bool_)
    zone_infos = [ZoneInfo(key) for key in zones]
    for n, (due, code, rule) in enumerate(distinct.tolist()):
        zone = zone_infos[code]
        moment = (_EPOCH + timedelta(microseconds=due)).astimezone(zone)
        moments.append(moment)
        moved[n] = _from_an_earlier_day(moment, zone, times[rule])
    where = inverse.reshape(-1)
    dues = [moments[i] for i in where.tolist()]
    suspects = np.unique(rows.subject[moved[where]]).tolist()
    return dues, suspects


def _from_an_earlier_day(moment: datetime, zone: ZoneInfo, seconds: int) -> bool:
    """True when the contact time (``seconds`` after midnight) of a day before
    ``moment``'s lands on ``moment``: a gap in ``zone`` moved it forward (a time in a
    gap moves forward by the gap), onto a later day, and the feed notes the move.

    Apia skipped 2011-12-30 whole, so the 30th and the 31st at 10:00 both land on the
    31st at 10:00; only the engine knows which day a touch point was planned on.
    """
    contact = time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    day = moment.date()
    for back in (1, 2):
        wall = datetime.combine(day - back * _ONE_DAY, contact, zone)
        if wall.astimezone(UTC) == moment:
            return True
    return False
