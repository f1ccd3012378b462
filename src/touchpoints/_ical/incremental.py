"""Re-exports kept in a state file: unchanged subjects copied, changed ones scheduled again.

:class:`IcalState` is the SQLite export state (:mod:`touchpoints._ical.store`); its
:meth:`~IcalState.write` writes the whole feed, the same bytes :func:`write_ical` gives
with the same state held in memory, but reads the state one subject at a time and
schedules only the subjects whose inputs changed since the last run. A subject's inputs
are everything its components are made from: the plan (all of it), the subject (its
anchors, attributes, history, time zone), the export options that shape a component
and the version of touchpoints; a fingerprint of them is kept with the subject's
components as written, beside the windows they hold for
(:mod:`touchpoints._core.validity`). The components name their rule by digest, and the
first one of each rule in the feed gets the rule's JSON when it is copied out, so a
copied subject's bytes are the bytes the subject would be written with.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Final

from touchpoints._core import (
    DEFAULT_LIMIT,
    TouchPoint,
    Validity,
    horizon_end,
    require,
    schedule,
    validity,
)
from touchpoints._errors import ExportError
from touchpoints._ical.fields import ids_of
from touchpoints._ical.options import ExportOptions, resolve, utc
from touchpoints._ical.revisions import Revision, revise
from touchpoints._ical.store import StateFile, StoredSubject
from touchpoints._ical.writer import BinaryWriter, Writer, ZoneRange, zone_ranges
from touchpoints._model import Plan, Subject

__all__ = ["IcalState", "IcalStateWrite", "Scheduler"]

Scheduler = Callable[[Subject], Iterable[TouchPoint] | None]
"""A subject's touch points, or None when the subject is not scheduled this time."""

_FLUSH_BYTES: Final = 1 << 18
_SEEN_BATCH: Final = 4_096
_MARK: Final = b"\r\nX-TOUCHPOINTS-RULE-DIGEST:"


@dataclasses.dataclass(frozen=True, slots=True)
class IcalStateWrite:
    """What :meth:`IcalState.write` wrote.

    Attributes:
        count: the number of components (events or to-dos), cancelled ones included.
        scheduled: the subjects scheduled (their inputs were new or changed).
        reused: the subjects whose inputs had not changed, copied from the state.

    >>> IcalStateWrite(0, 0, 0).reused
    0
    """

    count: int
    scheduled: int
    reused: int


class IcalState:
    """The export state in an SQLite file, for re-exports that skip unchanged subjects.

    Open it with :meth:`open` (a new file name starts an empty state; a JSON state
    from :func:`dump_ical_state` is read and replaced by an SQLite file at
    :meth:`commit`), write one feed with :meth:`write`, and :meth:`commit`: until then
    the file keeps the previous state, and leaving the ``with`` block without
    committing forgets the changes. The file's schema is on the iCalendar page of the
    docs.

    >>> import io, os, tempfile
    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import ExportOptions, IcalState, Plan, Subject
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase"}]})
    >>> subjects = [Subject(id=f"c{n}", anchors={"purchase": date(2026, 1, n)})
    ...             for n in range(1, 4)]
    >>> path = os.path.join(tempfile.mkdtemp(), "state.db")
    >>> options = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
    >>> with IcalState.open(path) as state:
    ...     first = state.write(plan, subjects, io.BytesIO(), options=options)
    ...     state.commit()
    >>> first
    IcalStateWrite(count=3, scheduled=3, reused=0)
    >>> subjects[0] = Subject(id="c1", anchors={"purchase": date(2026, 1, 9)})
    >>> with IcalState.open(path) as state:
    ...     again = state.write(plan, subjects, io.BytesIO(), options=options)
    ...     state.commit()
    >>> again
    IcalStateWrite(count=3, scheduled=1, reused=2)
    >>> with IcalState.open(path) as state:  # only c1's event was revised
    ...     sorted(r.sequence for _, r in state.revisions())
    [0, 0, 1]
    """

    def __init__(self, file: StateFile) -> None:
        self._file = file

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> IcalState:
        """Open (or start) the state kept in the file at ``path``.

        Raises:
            ExportError: the file is not a state file of touchpoints (naming it).
        """
        return cls(StateFile(path))

    def __enter__(self) -> IcalState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> str:
        """The state file's path."""
        return self._file.path

    def revisions(self) -> Iterator[tuple[str, Revision]]:
        """Every revision in the state, by ``UID``, read as a stream."""
        with self._file.guard():
            yield from self._file.revisions()

    def commit(self) -> None:
        """Keep what :meth:`write` changed, replacing the previous state."""
        self._file.commit()

    def close(self) -> None:
        """Close the file, forgetting changes not committed."""
        self._file.close()

    def write(
        self,
        plan: Plan,
        subjects: Iterable[Subject],
        stream: BinaryWriter,
        *,
        options: ExportOptions,
        start: date | None = None,
        end: date | None = None,
        limit: int = DEFAULT_LIMIT,
        scheduler: Scheduler | None = None,
        variant: str = "",
    ) -> IcalStateWrite:
        """Write the feed for ``subjects`` to ``stream``, updating the state.

        The bytes are those of :func:`write_ical` given every subject's touch points
        and this state, in memory: a subject whose inputs did not change is copied
        from the state, the others are scheduled and their components revised. A
        window of dates may move between runs: a subject is copied while the new
        window takes in the same touch points (none left behind, none come in), so a
        window that starts on the day of each run schedules only the subjects one of
        whose touch points crossed its bounds. Touch
        points kept in the state whose subject is not given (or not scheduled) this
        time are dropped, or written as cancelled with ``removed="cancel"``.

        Args:
            plan: the plan.
            subjects: the subjects, each once, read as they come.
            stream: where to write, opened in binary mode.
            options: how to export; templates take each subject's own attributes, so
                ``attributes`` must be None.
            start, end, limit: the window, as :func:`schedule` takes it.
            scheduler: how a subject's touch points are made, by default
                ``schedule(plan, subject, start=start, end=end, limit=limit)``; it may
                return None for a subject it leaves out. Its touch points must be
                those of :func:`schedule` in the window (or some of them), changed in
                anything but their dates. One that depends on more than the plan, the
                subject and the window names that in ``variant``.
            variant: text that changes when the scheduler's output would, for the
                inputs' fingerprint.

        Raises:
            ExportError: ``options`` give ``attributes``, or the file cannot be read
                or written.
        """
        require(plan, Plan, "plan")
        require(options, ExportOptions, "options")
        require(variant, str, "variant")
        if options.attributes is not None:
            raise ExportError(
                "an export with an IcalState gives templates each subject's own "
                "attributes; leave the options' attributes unset"
            )
        window = _Window(plan, start, end, limit)
        if scheduler is None:
            scheduler = window.schedule
        run = _run_digest(plan, options, window.inputs(), variant)
        with self._file.guard():
            return _Run(self._file, options, run, window).write(subjects, stream, scheduler)


class _Window:
    """An export's window: what of it is an input of every subject, and whether a
    subject's stored components hold for it.

    A window of dates moves: a subject's components stored for an earlier window are
    copied when the schedule for this one has the same touch points
    (:mod:`touchpoints._core.validity`), so that a window that starts on the day of
    the export does not make every night a full export. A window with an instant for
    a bound is an input as it is.
    """

    __slots__ = ("end", "horizon", "limit", "moving", "plan", "start")

    def __init__(self, plan: Plan, start: date | None, end: date | None, limit: int) -> None:
        self.plan, self.start, self.end, self.limit = plan, start, end, limit
        self.moving = not isinstance(start, datetime) and not isinstance(end, datetime)
        # The plan's horizon after the start, once for every subject: a subject's
        # default end is the later of it and the end its terms give (see holds).
        self.horizon = None
        if self.moving and start is not None and end is None:
            self.horizon = horizon_end(plan, start, date.min)

    def inputs(self) -> tuple[object, ...]:
        if self.moving:
            return (self.start is None, self.end is None, self.limit)
        return (self.start, self.end, self.limit)

    def schedule(self, subject: Subject) -> Iterable[TouchPoint]:
        """The default scheduler."""
        return schedule(self.plan, subject, start=self.start, end=self.end, limit=self.limit)

    def validity(self, subject: Subject, touch_points: Sequence[TouchPoint]) -> Validity | None:
        """The windows the subject's touch points hold for (None: this window only)."""
        if not self.moving:
            return None
        return validity(
            self.plan, subject, touch_points, start=self.start, end=self.end, limit=self.limit
        )

    def holds(self, stored: Validity | None) -> bool:
        """Whether stored components hold for this window."""
        if not self.moving:
            return True  # the window is in the inputs' fingerprint
        if stored is None:
            return False
        end = self.end
        if end is None:
            # horizon_end(plan, start, stored.end), the horizon computed once.
            end = stored.end if self.horizon is None else max(self.horizon, stored.end)
        return stored.holds(self.start, end)


def _run_digest(
    plan: Plan, options: ExportOptions, window: tuple[object, ...], variant: str
) -> bytes:
    """What every subject's inputs share, hashed: the plan, the window, the options that
    shape a component, the variant and the version of touchpoints."""
    try:
        version = importlib.metadata.version("touchpoints")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        version = "unknown"
    alarm = options.alarm
    text = json.dumps(
        [
            version,
            plan.model_dump_json(),
            [str(value) for value in window],
            options.component,
            None if alarm is None else alarm.total_seconds(),
            options.description_template,
            options.summary_template,
            variant,
        ]
    )
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class _Run:
    """One export through a state file."""

    def __init__(
        self, file: StateFile, options: ExportOptions, run: bytes, window: _Window
    ) -> None:
        self.file = file
        self.window = window
        self.current: dict[str, Mapping[str, object]] = {}
        resolved = resolve(options)
        self.options = dataclasses.replace(resolved, attributes=self.current.get)
        self.writer = Writer(self.options, references=True)
        self.run = run
        self.lines = file.rule_lines()
        # Digests whose JSON line is not yet in the feed, and that line.
        self.pending = {d.encode(): line.encode() for d, line in self.lines.items()}

    def write(
        self, subjects: Iterable[Subject], stream: BinaryWriter, scheduler: Scheduler
    ) -> IcalStateWrite:
        writer, file, window = self.writer, self.file, self.window
        file.unfinished = True
        stream.write(writer.header().encode())
        count = scheduled = reused = size = 0
        buffer: list[bytes] = []
        seen: list[str] = []
        for subject in subjects:
            require(subject, Subject, "each subject")
            key = subject.id
            inputs = hashlib.blake2b(
                self.run + subject.model_dump_json().encode(), digest_size=16
            ).hexdigest()
            stored = None if file.empty else file.subject(key)
            if stored is not None and stored.inputs == inputs and window.holds(stored.validity):
                data = zlib.decompress(stored.components)
                count += stored.number
                self.add_zones(stored.zones)
                reused += 1
            else:
                made = self.schedule(subject, inputs, scheduler)
                if made is None:
                    continue
                data, n = made
                count += n
                scheduled += 1
            seen.append(key)
            if len(seen) >= _SEEN_BATCH:
                file.seen(seen)
                seen.clear()
            if self.pending:
                data = self.carry(data)
            buffer.append(data)
            size += len(data)
            if size >= _FLUSH_BYTES:
                stream.write(b"".join(buffer))
                buffer.clear()
                size = 0
        file.seen(seen)
        options = self.options
        cancel = options.removed == "cancel"
        file.remove_unseen(cancel=cancel, stamp=utc(options.stamp).isoformat())
        tail: list[str] = []
        if cancel:
            for uid, revision in file.cancelled():
                tail.append(writer.render_cancelled(uid, revision))
                count += 1
        tail.append(writer.timezones())
        tail.append("END:VCALENDAR\r\n")
        buffer.append("".join(tail).encode())
        stream.write(b"".join(buffer))
        file.unfinished = False
        return IcalStateWrite(count, scheduled, reused)

    def schedule(
        self, subject: Subject, inputs: str, scheduler: Scheduler
    ) -> tuple[bytes, int] | None:
        """Schedule a changed subject, revise and store its components; their bytes (each
        rule named by digest) and number, or None when the scheduler leaves it out."""
        made = scheduler(subject)
        if made is None:
            return None
        touch_points = tuple(made)
        file, stamp = self.file, self.options.stamp
        key = subject.id
        ids = ids_of(touch_points)
        previous = file.revisions_of(key, ids)
        new: dict[str, Revision] = {}

        def revised(uid: str, content: str, tp: TouchPoint) -> Revision:
            revision = revise(uid, content, tp, previous, stamp)
            new[uid] = revision
            return revision

        self.current.clear()
        self.current[key] = subject.attributes
        render = self.writer.render
        data = "".join(map(render, touch_points, [revised] * len(ids), ids)).encode()
        if self.options.removed == "cancel":
            for uid, old in previous.items():
                if uid not in new:
                    new[uid] = (
                        old
                        if old.cancelled
                        else old._replace(sequence=old.sequence + 1, modified=stamp, cancelled=True)
                    )
        zones = "".join(
            f"{zone} {first.isoformat()} {last.isoformat()}\n"
            for zone, first, last in zone_ranges(touch_points)
        )
        holds = self.window.validity(subject, touch_points)
        stored = StoredSubject(inputs, zlib.compress(data, 1), len(touch_points), zones, holds)
        file.put_subject(key, stored, new.items())
        lines = self.writer.json_lines  # the rules met since the last subject
        if lines:
            fresh = [(d, line) for d, line in lines.items() if d not in self.lines]
            file.put_rule_lines(fresh)
            for digest, line in fresh:
                self.lines[digest] = line
                self.pending[digest.encode()] = line.encode()
            lines.clear()
        return data, len(touch_points)

    def carry(self, data: bytes) -> bytes:
        """Give the first component of each rule in the feed its rule's JSON line."""
        for digest in [d for d in self.pending if _MARK + d in data]:
            mark = _MARK + digest + b"\r\n"
            at = data.find(mark)
            if at >= 0:
                data = data[: at + 2] + self.pending.pop(digest) + data[at + len(mark) :]
        return data

    def add_zones(self, text: str) -> None:
        zones = self.writer.zones
        for row in text.splitlines():
            zone, first, last = row.split(" ")
            low, high = date.fromisoformat(first), date.fromisoformat(last)
            zone_range = zones.get(zone)
            if zone_range is None:
                zone_range = zones[zone] = ZoneRange(low)
            zone_range.add(low)
            zone_range.add(high)
