"""Columnar scheduling: a table of subjects in, Arrow record batches of touch points out.

Needs the ``batch`` extra (numpy and pyarrow)::

    pip install "touchpoints[batch]"

``import touchpoints`` never imports numpy or pyarrow; ``import touchpoints.batch``
does. The output equals :func:`touchpoints.schedule` row for row: subjects in input
order, each subject's touch points in the engine's order (due time, then the rule's
position in the plan, then the occurrence number).

>>> from datetime import date
>>> import pyarrow as pa
>>> from touchpoints import Plan
>>> from touchpoints.batch import schedule_table
>>> plan = Plan.model_validate({
...     "plan": "after-sales", "timezone": "Europe/Berlin", "contact_time": "10:00",
...     "touchpoints": [{"id": "check-up", "title": "Check-up call", "channel": "call",
...                      "at": "purchase + 2 weeks"}]})
>>> subjects = pa.table({"id": ["c1", "c2"], "timezone": ["America/New_York", None],
...                      "purchase": [date(2026, 1, 15), date(2026, 3, 1)]})
>>> table = schedule_table(plan, subjects)
>>> for row in table.to_pylist():
...     print(row["subject_id"], row["due"], row["local_date"], row["zone"])
c1 2026-01-29 15:00:00+00:00 2026-01-29 America/New_York
c2 2026-03-15 09:00:00+00:00 2026-03-15 Europe/Berlin
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

try:
    import numpy as np
    import numpy.typing as npt
    import pyarrow as pa
except ImportError as error:  # pragma: no cover - depends on the installation
    raise ImportError(
        "touchpoints.batch needs numpy and pyarrow; install them with "
        "pip install 'touchpoints[batch]'"
    ) from error

from touchpoints import DEFAULT_LIMIT, Plan, Subject, TouchPoint, schedule_many
from touchpoints.batch._cache import KeyCache
from touchpoints.batch._compile import Compiled, compile_plan, fallback_reason
from touchpoints.batch._keys import distinct_keys
from touchpoints.batch._rows import Rows, schema
from touchpoints.batch._table import SubjectsBatch, read_batches, read_subjects
from touchpoints.batch._vector import KeyRows, compute, day_number

if TYPE_CHECKING:  # the iCalendar code loads only when a feed is written
    from touchpoints._ical import BinaryWriter, ExportOptions, IcalWrite

Int64s = npt.NDArray[np.int64]

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "TABLE_BATCH_SIZE",
    "fallback_reason",
    "schedule_batches",
    "schedule_table",
    "write_ical_batches",
]

DEFAULT_BATCH_SIZE = 65_536
"""Subjects per record batch when streaming."""

TABLE_BATCH_SIZE = 1 << 20
"""Subjects computed together by :func:`schedule_table` (subjects with the same zone
and anchor dates are computed once per batch, and reused by later batches)."""


def schedule_batches(
    plan: Plan,
    subjects: object,
    *,
    start: date | None = None,
    end: date | None = None,
    limit: int = DEFAULT_LIMIT,
    as_of: date | None = None,
    ids: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[pa.RecordBatch]:
    """Schedule ``plan`` for a table of subjects, streaming one record batch per
    ``batch_size`` subjects.

    Args:
        plan: the plan template.
        subjects: a ``pyarrow.Table``, ``RecordBatch`` or ``RecordBatchReader``, an
            iterable of record batches, or a pandas or polars frame, with an ``id``
            column, an optional ``timezone`` column and one column per anchor
            (dates, ISO date text or timestamps); attributes that conditions read
            are columns too.
        start, end, limit, as_of: as for :func:`touchpoints.schedule`.
        ids: add the ``id`` column (the touch point ids); it costs most of the time.
        batch_size: the most subjects per output batch; memory grows with it, not
            with the number of subjects.

    Raises:
        touchpoints.SubjectError: the table lacks a column the plan needs, or a row
            has no id, an unknown time zone or an anchor that is not a date.
        touchpoints.ScheduleError: as :func:`touchpoints.schedule` raises it (for
            example :class:`touchpoints.MissingAnchorError` for a null anchor).

    >>> import pyarrow as pa
    >>> from datetime import date
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 1 month"}]})
    >>> subjects = pa.table({"id": ["a", "b", "c"],
    ...                      "purchase": [date(2024, 1, 31), date(2023, 1, 31), None]})
    >>> [batch.column("due").to_pylist() for batch in schedule_batches(
    ...     plan, subjects.slice(0, 2), batch_size=1)]
    [[datetime.date(2024, 2, 29)], [datetime.date(2023, 2, 28)]]
    """
    for subjects_batch, rows, zones in _computed(
        plan, subjects, start, end, limit, as_of, batch_size
    ):
        yield rows.to_batch(plan, subjects_batch.ids, zones, ids)


def _computed(
    plan: Plan,
    subjects: object,
    start: date | None,
    end: date | None,
    limit: int,
    as_of: date | None,
    batch_size: int,
) -> Iterator[tuple[SubjectsBatch, Rows, tuple[str, ...]]]:
    """Each batch of subjects, its touch point rows and the zones their codes name."""
    _check_window(plan, start, end, limit, as_of)
    reason = fallback_reason(plan, start, end, as_of)
    compiled = compile_plan(plan) if reason is None else None
    names = _anchor_names(plan)
    cache = KeyCache(names)
    offset = 0
    for batch in read_batches(subjects, batch_size):
        subjects_batch = read_subjects(batch, plan, names, offset)
        zones = subjects_batch.zone_keys
        if compiled is None:
            rows = _object_rows(
                plan, subjects_batch, None, start, end, limit, as_of, subjects_batch.zone_codes
            )
        elif cache.usable:
            rows = _cached_rows(compiled, subjects_batch, start, end, limit, cache)
            zones = tuple(cache.zone_names)
        else:
            rows = _columnar_rows(compiled, subjects_batch, start, end, limit)
        yield subjects_batch, rows, zones
        offset += subjects_batch.size


def _check_window(
    plan: Plan, start: date | None, end: date | None, limit: int, as_of: date | None
) -> None:
    """Raise as the engine does for a bad window or limit, before any subject is read."""
    for _ in schedule_many(plan, iter(()), start=start, end=end, limit=limit, as_of=as_of):
        pass  # pragma: no cover - no subjects, no touch points


def _anchor_names(plan: Plan) -> tuple[str, ...]:
    names = dict.fromkeys(plan.subject_anchors())
    names.update(dict.fromkeys(plan.anchors))
    return tuple(names)


def schedule_table(
    plan: Plan,
    subjects: object,
    *,
    start: date | None = None,
    end: date | None = None,
    limit: int = DEFAULT_LIMIT,
    as_of: date | None = None,
    ids: bool = False,
    batch_size: int = TABLE_BATCH_SIZE,
) -> pa.Table:
    """Schedule ``plan`` for a table of subjects: :func:`schedule_batches`, gathered
    into one ``pyarrow.Table``.

    >>> import pyarrow as pa
    >>> from datetime import date
    >>> from touchpoints import Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase"}]})
    >>> table = schedule_table(plan, pa.table({"id": ["a"], "purchase": [date(2026, 5, 4)]}),
    ...                        ids=True)
    >>> table.column("id")[0].as_py() == schedule(
    ...     plan, Subject(id="a", anchors={"purchase": date(2026, 5, 4)}))[0].id
    True
    """
    batches = list(
        schedule_batches(
            plan,
            subjects,
            start=start,
            end=end,
            limit=limit,
            as_of=as_of,
            ids=ids,
            batch_size=batch_size,
        )
    )
    return pa.Table.from_batches(batches, schema=schema(plan, ids))


def write_ical_batches(
    plan: Plan,
    subjects: object,
    stream: BinaryWriter,
    *,
    options: ExportOptions,
    start: date | None = None,
    end: date | None = None,
    limit: int = DEFAULT_LIMIT,
    as_of: date | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> IcalWrite:
    """Schedule ``plan`` for a table of subjects and write the iCalendar feed, in one
    pass: the bytes of :func:`touchpoints.write_ical` of
    :func:`touchpoints.schedule_many` for the same subjects and options.

    Each event is formatted from the batch path's columns, without a touch point
    object, and memory does not grow with the number of subjects; so is each roll off
    a closed day that the event notes (worded once per rule and day). What the
    columns do not carry runs through touch points inside the same call, with the
    same bytes: a plan with fatigue rules, terms, conditions or rrules, and each
    subject with a due time a gap in its zone may have pushed onto the next day
    (which the feed notes).

    Templates (``description_template``, ``summary_template``) are rendered from the
    touch point's fields and ``options.attributes``, as :func:`touchpoints.write_ical`
    renders them; the table's columns are not read for them.

    Args:
        plan: the plan template.
        subjects: the subjects table, as for :func:`schedule_batches`.
        stream: where to write, opened in binary mode.
        options: how to export (:class:`touchpoints.ExportOptions`).
        start, end, limit, as_of: as for :func:`touchpoints.schedule`.
        batch_size: the most subjects computed and written together.

    Returns:
        The number of events (or to-dos) written; the state is empty.

    Raises:
        touchpoints.SubjectError, touchpoints.ScheduleError: as
            :func:`schedule_batches` raises them.
        touchpoints.TemplateError: a template uses a field a subject does not have.

    >>> import io
    >>> from datetime import UTC, date, datetime
    >>> import pyarrow as pa
    >>> from touchpoints import ExportOptions, Subject, schedule_many, write_ical
    >>> plan = Plan.model_validate({
    ...     "plan": "p", "timezone": "Europe/Berlin", "contact_time": "10:00",
    ...     "touchpoints": [{"id": "call", "title": "Call", "channel": "call",
    ...                      "at": "purchase + 2 weeks"}]})
    >>> table = pa.table({"id": ["c1", "c2"], "timezone": [None, "Asia/Tokyo"],
    ...                   "purchase": [date(2026, 1, 15), date(2026, 3, 1)]})
    >>> options = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
    >>> out = io.BytesIO()
    >>> write_ical_batches(plan, table, out, options=options)
    IcalWrite(count=2, state={})
    >>> people = [Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}),
    ...           Subject(id="c2", timezone="Asia/Tokyo",
    ...                   anchors={"purchase": date(2026, 3, 1)})]
    >>> same = io.BytesIO()
    >>> _ = write_ical(schedule_many(plan, people), same, options=options)
    >>> out.getvalue() == same.getvalue()
    True
    """
    from touchpoints._ical import RowFeed  # the iCalendar code loads on first use
    from touchpoints.batch._feed import columns_write, needs_touch_points

    _check_window(plan, start, end, limit, as_of)
    reason = fallback_reason(plan, start, end, as_of)
    compiled = compile_plan(plan) if reason is None else None
    feed = RowFeed(stream, options)
    if needs_touch_points(compiled, feed):
        names = _anchor_names(plan)
        offset = 0
        for batch in read_batches(subjects, batch_size):
            subjects_batch = read_subjects(batch, plan, names, offset)
            feed.touch_points(
                schedule_many(
                    plan,
                    subjects_batch.subjects(),
                    start=start,
                    end=end,
                    limit=limit,
                    as_of=as_of,
                )
            )
            offset += subjects_batch.size
    else:
        assert compiled is not None
        columns_write(
            feed,
            compiled,
            _computed(plan, subjects, start, end, limit, as_of, batch_size),
            {"start": start, "end": end, "limit": limit, "as_of": as_of},
        )
    return feed.close()


def _columnar_rows(
    compiled: Compiled,
    subjects: SubjectsBatch,
    start: date | None,
    end: date | None,
    limit: int,
) -> Rows:
    names = tuple(subjects.anchors)
    inverse, representatives = distinct_keys(
        subjects.zone_codes, [subjects.anchors[name] for name in names]
    )
    given = {
        name: (days[representatives], present[representatives])
        for name, (days, present) in subjects.anchors.items()
    }
    keys = compute(
        compiled,
        subjects.zone_codes[representatives],
        subjects.zone_keys,
        given,
        None if start is None else day_number(start),
        None if end is None else day_number(end),
        limit,
    )
    rows = _gather(keys, keys.starts[inverse], keys.counts[inverse])
    problems = np.flatnonzero(keys.problem[inverse])
    if problems.size == 0:
        return rows
    left = _object_rows(
        compiled.plan, subjects, problems.tolist(), start, end, limit, None, subjects.zone_codes
    )
    return Rows.merge(rows, left)


def _gather(keys: KeyRows | KeyCache, starts: Int64s, counts: Int64s) -> Rows:
    """Each subject's rows, copied from its key's rows (``starts``, ``counts``)."""
    total = int(counts.sum())
    subject = np.repeat(np.arange(counts.size, dtype=np.int32), counts)
    source = np.arange(total, dtype=np.int64)
    source += np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return Rows(
        subject=subject,
        rule=keys.rule[source],
        occurrence=keys.occurrence[source],
        due=keys.due[source],
        local_day=keys.local_day[source],
        zone=keys.zone[source],
        planned=None if keys.planned is None else keys.planned[source],
    )


def _cached_rows(
    compiled: Compiled,
    subjects: SubjectsBatch,
    start: date | None,
    end: date | None,
    limit: int,
    cache: KeyCache,
) -> Rows:
    """As :func:`_columnar_rows`, computing only keys no earlier batch computed."""
    zone_map = cache.zone_codes(subjects.zone_keys)
    batch_zones = subjects.zone_codes
    zones = np.append(zone_map, -1)[batch_zones]  # code -1 (no zone) picks the -1
    anchors = [subjects.anchors.get(name) for name in cache.names]
    keys, first, inverse = np.unique(
        cache.encode(zones, anchors), return_index=True, return_inverse=True
    )
    _, found = cache.find(keys)
    if not found.all():
        missing = first[~found]
        given = {
            name: (days[missing], present[missing])
            for name, (days, present) in subjects.anchors.items()
        }
        computed = compute(
            compiled,
            batch_zones[missing],
            subjects.zone_keys,
            given,
            None if start is None else day_number(start),
            None if end is None else day_number(end),
            limit,
        )
        cache.add(keys[~found], computed, zone_map)
        position, found = cache.find(keys)
        if not found.all():  # the cache started again: keep only this batch's keys
            cache.clear()
            return _cached_rows(compiled, subjects, start, end, limit, cache)
    else:
        position = cache.find(keys)[0]
    where = position[inverse.reshape(-1)]
    rows = _gather(cache, cache.starts[where], cache.counts[where])
    problems = np.flatnonzero(cache.problem[where])
    if problems.size == 0:
        return rows
    left = _object_rows(compiled.plan, subjects, problems.tolist(), start, end, limit, None, zones)
    return Rows.merge(rows, left)


def _object_rows(
    plan: Plan,
    subjects: SubjectsBatch,
    rows: list[int] | None,
    start: date | None,
    end: date | None,
    limit: int,
    as_of: date | None,
    zone_codes: Int64s,
) -> Rows:
    """Rows through ``touchpoints.schedule_many``: what the arrays do not compute."""
    positions = {rule.id: index for index, rule in enumerate(plan.rules)}
    numbers = list(range(subjects.size)) if rows is None else rows
    current = [-1]

    def tracked() -> Iterator[Subject]:
        for number, subject in zip(numbers, subjects.subjects(rows), strict=True):
            current[0] = number
            yield subject

    found: list[tuple[int, int, TouchPoint]] = []
    for tp in schedule_many(
        plan,
        tracked(),
        start=start,
        end=end,
        limit=limit,
        as_of=as_of,
    ):
        found.append((current[0], positions[tp.rule_id], tp))
    return Rows.from_touch_points(found, zone_codes)
