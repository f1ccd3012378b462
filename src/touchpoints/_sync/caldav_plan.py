"""The pure CalDAV sync decision: from the server's listing and the exported events, what
to create, update and delete.

Each touch point is one calendar object resource (one ``VCALENDAR`` holding one
``VEVENT``), and every event a sync writes carries four ``X-TOUCHPOINTS-SYNC-*``
properties: which sync set it belongs to (a hash of the plan id and the partition),
a hash of its subject, a hash of its content, and a seal over those three and
the event's UID. An event counts as *ours* only when its seal checks out, so events
made by people or other programs, copies of our events under another UID, and
touchpoints events imported some other way are never changed or deleted. Deletion is
further limited to the sync's own scope: the same plan and partition and, when the
sync names its subjects, those subjects.

Everything here is pure: values in, values out. The hashes are stored on servers, so
they must never change for the same content.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, unquote

from touchpoints._core import TouchPoint, each, require
from touchpoints._errors import DuplicateTouchPointError, ExportError, SyncScopeError
from touchpoints._ical import content_lines

__all__ = ["CalendarResource", "Scope", "SyncPlan", "decide", "outgoing", "plan_sync", "uid_of"]


MARK_SET: Final = "X-TOUCHPOINTS-SYNC-SET"
MARK_SUBJECT: Final = "X-TOUCHPOINTS-SYNC-SUBJECT"
MARK_HASH: Final = "X-TOUCHPOINTS-SYNC-HASH"
MARK_SEAL: Final = "X-TOUCHPOINTS-SYNC-SEAL"
_MARKS: Final = frozenset({MARK_SET, MARK_SUBJECT, MARK_HASH, MARK_SEAL})
_COMPONENTS: Final = frozenset({"VEVENT", "VTODO", "VJOURNAL"})
_END_OF_COMPONENT: Final = re.compile(r"^END:(VEVENT|VTODO|VJOURNAL)\r?$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class CalendarResource:
    """One calendar object resource: an event on a CalDAV server, or one to put there.

    Attributes:
        href: where it lives: the path the server lists it under, or, for one still
            to be created, a file name relative to the calendar.
        data: its iCalendar text.
        etag: the server's entity tag from the listing, when known; updates and
            deletions send it as ``If-Match``, so a change made on the server in the
            meantime is never overwritten.

    >>> CalendarResource("/team/visits/1.ics", "BEGIN:VCALENDAR...", etag='"7"').etag
    '"7"'
    """

    href: str
    data: str
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What a sync would do: the resources to create, update and delete.

    Attributes:
        create: new resources, each named after its UID.
        update: our resources whose content changed, with their new data.
        delete: our resources, in the sync's scope, whose touch point is gone.
        unchanged: UIDs of our resources that already match.
        conflicts: UIDs held by a resource touchpoints did not write; such a touch
            point is left out rather than overwrite someone else's event.

    >>> plan = plan_sync([], [], plan_id="after-sales")
    >>> bool(plan), len(plan)
    (False, 0)
    """

    create: tuple[CalendarResource, ...] = ()
    update: tuple[CalendarResource, ...] = ()
    delete: tuple[CalendarResource, ...] = ()
    unchanged: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.create or self.update or self.delete)

    def __len__(self) -> int:
        """The number of requests the plan needs: creations, updates and deletions."""
        return len(self.create) + len(self.update) + len(self.delete)


@dataclass(frozen=True, slots=True)
class Scope:
    plan: str
    subjects: frozenset[str] | None
    partition: str

    @property
    def set_key(self) -> str:
        return _digest("set", self.plan, self.partition)

    def subject_key(self, subject_id: str) -> str:
        return _digest("subject", self.plan, subject_id)

    def check(self, tp: TouchPoint) -> None:
        if tp.plan_id != self.plan:
            raise SyncScopeError(
                tp.id, f"its plan is {tp.plan_id!r}, but the sync is for plan {self.plan!r}"
            )
        if self.subjects is not None and tp.subject_id not in self.subjects:
            raise SyncScopeError(
                tp.id, f"its subject {tp.subject_id!r} is not among the sync's subjects"
            )

    def covering(self) -> Callable[[_Found], bool]:
        """A test of whether a resource of ours lies in this scope, so it may be deleted."""
        set_key = self.set_key
        if self.subjects is None:
            return lambda found: found.set_key == set_key
        subject_keys = {self.subject_key(subject) for subject in self.subjects}
        return lambda found: found.set_key == set_key and found.subject_key in subject_keys


@dataclass(frozen=True, slots=True)
class _Outgoing:
    uid: str
    data: str
    set_key: str
    subject_key: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class _Found:
    """A listed resource, with what a scan of its text tells."""

    resource: CalendarResource
    uid: str | None
    set_key: str | None
    subject_key: str | None
    fingerprint: str | None
    ours: bool

    def matches(self, event: _Outgoing) -> bool:
        return (
            self.fingerprint == event.fingerprint
            and self.set_key == event.set_key
            and self.subject_key == event.subject_key
        )


def plan_sync(
    remote: Iterable[CalendarResource],
    events: Iterable[tuple[TouchPoint, bytes | str]],
    *,
    plan_id: str,
    subjects: Collection[str] | None = None,
    partition: str = "",
) -> SyncPlan:
    """Decide how to bring a calendar in step: what to create, update and delete.

    This is the pure core of :func:`~touchpoints.sync_caldav`, usable with any CalDAV client: list
    the calendar, call this, then send a ``PUT`` for each resource to create (with
    ``If-None-Match: *``) or update (with ``If-Match``) and a ``DELETE`` for each to
    delete (with ``If-Match``).

    A sync owns the events it wrote for one plan and partition and, when ``subjects``
    is given, for those subjects only. It creates what is missing, updates its own
    events whose content changed (a different DTSTAMP alone is no change) and deletes
    its own events in scope whose touch point is gone. Everything else in the calendar
    is left alone.

    Args:
        remote: the calendar's resources as the server lists them.
        events: each touch point with its exported single-event calendar, such as
            ``(tp, to_ical([tp], options=ExportOptions(stamp=...)))``.
        plan_id: the plan id; every touch point must come from this plan.
        subjects: the subject ids the sync is responsible for; None for every subject
            of the plan. Events of other subjects are never deleted.
        partition: a label that splits one plan's events in one calendar further, such
            as ``"owner:alice"``; syncs with different labels never delete each other's
            events.

    Returns:
        The plan; its parts are sorted (by UID, deletions by href).

    Raises:
        SyncScopeError: a touch point is from another plan or subject.
        DuplicateTouchPointError: two events share a UID.
        ExportError: an exported calendar holds no complete event with a UID.

    >>> plan_sync([], [], plan_id="after-sales")
    SyncPlan(create=(), update=(), delete=(), unchanged=(), conflicts=())
    """
    require(plan_id, str, "plan_id")
    require(partition, str, "partition")
    if subjects is not None:
        subjects = frozenset(each(subjects, str, "each subject id"))
    scope = Scope(plan_id, subjects, partition)
    pairs = (_pair(item) for item in each(events, tuple, "each event"))
    return decide(
        each(remote, CalendarResource, "each remote resource"), outgoing(pairs, scope), scope
    )


def _pair(item: tuple[object, ...]) -> tuple[TouchPoint, bytes | str]:
    """An event as a (touch point, exported calendar) pair, or a TypeError."""
    if len(item) != 2:
        raise TypeError(f"each event must be a (touch point, calendar) pair, not {len(item)} items")
    tp, exported = item
    require(tp, TouchPoint, "each event's touch point")
    require(exported, (bytes, str), "each event's calendar")
    assert isinstance(tp, TouchPoint)
    assert isinstance(exported, bytes | str)
    return tp, exported


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(("touchpoints-sync", *parts)).encode()).hexdigest()[:16]


def _scan(text: str) -> tuple[str | None, dict[str, str]]:
    """The UID and the sync marks of the first event (or to-do) in a calendar text."""
    uid: str | None = None
    marks: dict[str, str] = {}
    depth = 0
    for name, value in content_lines(text):
        if name == "BEGIN":
            if depth or value.strip().upper() in _COMPONENTS:
                depth += 1
        elif name == "END" and depth:
            depth -= 1
            if not depth:
                break
        elif depth == 1:
            if name == "UID" and uid is None:
                uid = value
            elif name in _MARKS:
                marks[name] = value.strip()
    return uid, marks


_UNSHOWN: Final = frozenset({"DTSTAMP", "X-TOUCHPOINTS-RULE-JSON", "X-TOUCHPOINTS-RULE-DIGEST"})


def content_hash(text: str) -> str:
    """A hash of what an event shows: its content lines, all but ``DTSTAMP`` and the
    rule it carries for :func:`~touchpoints.from_ical`. A plan change that leaves an
    event as it was (a rule's ``count`` raised, say) then sends nothing for it, and an
    edit made in the calendar survives."""
    kept = (f"{name}:{value}" for name, value in content_lines(text) if name not in _UNSHOWN)
    return _digest("content", *kept)


def _seal(uid: str, set_key: str, subject_key: str, fingerprint: str) -> str:
    return _digest("seal", uid, set_key, subject_key, fingerprint)


def outgoing(
    events: Iterable[tuple[TouchPoint, bytes | str]], scope: Scope
) -> dict[str, _Outgoing]:
    result: dict[str, _Outgoing] = {}
    set_key = scope.set_key
    for tp, exported in events:
        scope.check(tp)
        text = exported.decode() if isinstance(exported, bytes) else exported
        uid, _ = _scan(text)
        if uid is None:
            raise ExportError(
                f"The export of touch point {tp.id} holds no event with a UID, so it cannot "
                "be pushed; export each touch point with to_ical([tp], options=...)."
            )
        if uid in result:
            raise DuplicateTouchPointError(
                tp.id, "pushed", tp.subject_id, tp.rule_id, tp.occurrence
            )
        fingerprint = content_hash(text)
        subject_key = scope.subject_key(tp.subject_id)
        marks = (
            f"{MARK_SET}:{set_key}\r\n"
            f"{MARK_SUBJECT}:{subject_key}\r\n"
            f"{MARK_HASH}:{fingerprint}\r\n"
            f"{MARK_SEAL}:{_seal(uid, set_key, subject_key, fingerprint)}\r\n"
        )
        end = _END_OF_COMPONENT.search(text)
        if end is None:
            raise ExportError(f"The export of touch point {tp.id} holds no complete event.")
        data = text[: end.start()] + marks + text[end.start() :]
        result[uid] = _Outgoing(uid, data, set_key, subject_key, fingerprint)
    return result


def _found(resource: CalendarResource) -> _Found:
    uid, marks = _scan(resource.data)
    set_key = marks.get(MARK_SET)
    subject_key = marks.get(MARK_SUBJECT)
    fingerprint = marks.get(MARK_HASH)
    ours = (
        uid is not None
        and set_key is not None
        and subject_key is not None
        and fingerprint is not None
        and marks.get(MARK_SEAL) == _seal(uid, set_key, subject_key, fingerprint)
    )
    return _Found(resource, uid, set_key, subject_key, fingerprint, ours)


def decide(
    remote: Iterable[CalendarResource], outgoing: dict[str, _Outgoing], scope: Scope
) -> SyncPlan:
    held: dict[str, list[_Found]] = {}
    for resource in sorted(remote, key=lambda r: r.href):
        found = _found(resource)
        if found.uid is not None:
            held.setdefault(found.uid, []).append(found)
    create: list[CalendarResource] = []
    update: list[CalendarResource] = []
    delete: list[CalendarResource] = []
    unchanged: list[str] = []
    conflicts: list[str] = []
    for uid in sorted(outgoing):
        event = outgoing[uid]
        mine = [found for found in held.get(uid, ()) if found.ours]
        if not mine:
            if uid in held:
                conflicts.append(uid)
            else:
                create.append(CalendarResource(quote(uid, safe="") + ".ics", event.data))
            continue
        target, *copies = mine
        if target.matches(event):
            unchanged.append(uid)
        else:
            update.append(CalendarResource(target.resource.href, event.data, target.resource.etag))
        delete.extend(copy.resource for copy in copies)
    covers = scope.covering()
    for uid, founds in held.items():
        if uid not in outgoing:
            delete.extend(found.resource for found in founds if found.ours and covers(found))
    return SyncPlan(
        create=tuple(create),
        update=tuple(update),
        delete=tuple(sorted(delete, key=lambda r: r.href)),
        unchanged=tuple(unchanged),
        conflicts=tuple(conflicts),
    )


def uid_of(resource: CalendarResource) -> str:
    uid, _ = _scan(resource.data)
    return uid or unquote(resource.href.rsplit("/", 1)[-1].removesuffix(".ics"))
