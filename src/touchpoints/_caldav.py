"""Keep a CalDAV calendar in step with a schedule (the optional extra ``touchpoints[caldav]``).

The work is split the usual way here. :func:`plan_sync` decides, as a pure function of
the server's listing and the exported events, what to create, update and delete;
:func:`sync_caldav` is the thin shell that lists the calendar, asks :func:`plan_sync`
and sends the requests, using the `caldav <https://pypi.org/project/caldav/>`_ client.

Each touch point is one calendar object resource (one ``VCALENDAR`` holding one
``VEVENT``), and every event a sync writes carries four ``X-TOUCHPOINTS-SYNC-*``
properties: which sync set it belongs to (a hash of the plan id and the partition),
a hash of its subject, a fingerprint of its content, and a seal over those three and
the event's UID. An event counts as *ours* only when its seal checks out, so events
made by people or other programs, copies of our events under another UID, and
touchpoints events imported some other way are never changed or deleted. Deletion is
further limited to the sync's own scope: the same plan and partition and, when the
sync names its subjects, those subjects.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from touchpoints._engine import TouchPoint
from touchpoints._errors import DuplicateTouchPointError, ExportError, SyncError, SyncScopeError
from touchpoints._ical import to_ical

if TYPE_CHECKING:
    from caldav.davclient import DAVClient
    from caldav.lib.http_sync import AuthBase

__all__ = ["CalendarResource", "SyncPlan", "SyncReport", "plan_sync", "sync_caldav"]

log = logging.getLogger("touchpoints.caldav")

MARK_SET: Final = "X-TOUCHPOINTS-SYNC-SET"
MARK_SUBJECT: Final = "X-TOUCHPOINTS-SYNC-SUBJECT"
MARK_HASH: Final = "X-TOUCHPOINTS-SYNC-HASH"
MARK_SEAL: Final = "X-TOUCHPOINTS-SYNC-SEAL"
_MARKS: Final = frozenset({MARK_SET, MARK_SUBJECT, MARK_HASH, MARK_SEAL})
_COMPONENTS: Final = frozenset({"VEVENT", "VTODO", "VJOURNAL"})
_END_OF_COMPONENT: Final = re.compile(r"^END:(VEVENT|VTODO|VJOURNAL)\r?$", re.MULTILINE)
_LISTING_QUERY: Final = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
    "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
    '<C:filter><C:comp-filter name="VCALENDAR"/></C:filter>'
    "</C:calendar-query>"
)


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

    >>> plan = plan_sync([], [], plan="after-sales")
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
class SyncReport:
    """What a sync did, as event UIDs (each derived from its touch point's id).

    Attributes:
        created: UIDs of the events created.
        updated: UIDs of the events updated.
        deleted: UIDs of the events deleted.
        unchanged: UIDs of the events that were already up to date.
        conflicts: UIDs that belong to events touchpoints did not write, left alone.

    >>> print(SyncReport(created=("a", "b"), unchanged=("c",)))
    2 created, 0 updated, 0 deleted, 1 unchanged
    """

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.deleted)} deleted, {len(self.unchanged)} unchanged"
        )
        if self.conflicts:
            text += f", {len(self.conflicts)} left alone (their UID is taken by another event)"
        return text


@dataclass(frozen=True, slots=True)
class _Scope:
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
    plan: str,
    subjects: Collection[str] | None = None,
    partition: str = "",
) -> SyncPlan:
    """Decide how to bring a calendar in step: what to create, update and delete.

    This is the pure core of :func:`sync_caldav`, usable with any CalDAV client: list
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
            ``(tp, to_ical([tp], stamp=...))``.
        plan: the plan id; every touch point must come from this plan.
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

    >>> plan_sync([], [], plan="after-sales")
    SyncPlan(create=(), update=(), delete=(), unchanged=(), conflicts=())
    """
    scope = _Scope(plan, None if subjects is None else frozenset(subjects), partition)
    return _decide(remote, _outgoing(events, scope), scope)


def sync_caldav(
    calendar_url: str,
    touch_points: Iterable[TouchPoint],
    *,
    plan: str,
    stamp: datetime,
    subjects: Collection[str] | None = None,
    partition: str = "",
    render: Callable[[TouchPoint], bytes | str] | None = None,
    username: str | None = None,
    password: str | None = None,
    auth: AuthBase | None = None,
    timeout: int = 30,
    dry_run: bool = False,
) -> SyncReport:
    """Push a schedule to a CalDAV calendar: create, update and delete what changed.

    Each touch point becomes one resource, named after its UID. Running the same sync
    twice sends no change the second time. Events touchpoints did not write, and events
    of other plans, partitions or (with ``subjects``) subjects, are never changed or
    deleted; see :func:`plan_sync` for the rules. Credentials are handed to the HTTP
    client and appear in no log, message or report.

    When the server fails part-way, the sync stops, :class:`SyncError` tells what was
    done, and the calendar is left in a state from which running the sync again
    finishes the job.

    Args:
        calendar_url: the calendar collection's address. Credentials in it
            (``https://user:secret@host/...``) are used and then dropped from it.
        touch_points: the plan's schedule: every touch point the calendar should hold
            within the sync's scope.
        plan: the plan id.
        stamp: the DTSTAMP to export with, the time the schedule was last revised.
        subjects: the subject ids the sync is responsible for; None for all.
        partition: a label splitting one plan's events further (see
            :func:`plan_sync`).
        render: exports one touch point as a single-event calendar; by default
            ``to_ical([tp], stamp=stamp)``.
        username: the user name for the server.
        password: the password for the server.
        auth: an authentication object for ``niquests`` (or ``requests``) instead of
            ``username`` and ``password``.
        timeout: seconds to wait for each answer.
        dry_run: list the calendar and report what the sync would do, without
            changing anything.

    Returns:
        The UIDs created, updated, deleted, unchanged and left alone.

    Raises:
        SyncError: the server could not be reached or refused a request.
        SyncScopeError: a touch point is from another plan or subject.
        DuplicateTouchPointError: a touch point is given twice.
        ExportError: a touch point cannot be exported (see :func:`~touchpoints.to_ical`).
        ImportError: the ``caldav`` package is missing (install ``touchpoints[caldav]``).

    Nothing is sent when a touch point lies outside the sync's scope:

    >>> from datetime import date, timezone
    >>> from touchpoints import Plan, Subject, schedule
    >>> other = Plan.model_validate({"plan": "other", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase"}]})
    >>> tps = schedule(other, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> sync_caldav("https://cal.example.com/dav/team/visits/", tps, plan="after-sales",
    ...             stamp=datetime(2026, 1, 1, tzinfo=timezone.utc))
    Traceback (most recent call last):
    ...
    touchpoints._errors.SyncScopeError: Touch point ... cannot be pushed by this sync: its
    plan is 'other', but the sync is for plan 'after-sales'. ...
    """
    try:
        from caldav.davclient import DAVClient
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            "CalDAV sync needs the 'caldav' package: pip install 'touchpoints[caldav]'"
        ) from None
    scope = _Scope(plan, None if subjects is None else frozenset(subjects), partition)

    def export(tp: TouchPoint) -> bytes | str:
        scope.check(tp)  # before exporting, so that a stray touch point gets this error
        return to_ical([tp], stamp=stamp) if render is None else render(tp)

    outgoing = _outgoing(((tp, export(tp)) for tp in touch_points), scope)
    url, url_user, url_password = _split_credentials(calendar_url)
    if username is None and url_user is not None:
        username = url_user
        password = url_password if password is None else password
    secrets = tuple(s for s in (password,) if s)
    client = DAVClient(
        url=url,
        username=username,
        password=password,
        auth=auth,
        timeout=timeout,
        enable_rfc6764=False,
    )
    with client:
        remote = _list(client, url, secrets)
        decided = _decide(remote, outgoing, scope)
        if not dry_run:
            _apply(client, url, decided, secrets)
    report = SyncReport(
        created=tuple(_uid_of(r) for r in decided.create),
        updated=tuple(_uid_of(r) for r in decided.update),
        deleted=tuple(_uid_of(r) for r in decided.delete),
        unchanged=decided.unchanged,
        conflicts=decided.conflicts,
    )
    log.info("CalDAV sync%s of plan %r to %s: %s", " (dry run)" * dry_run, plan, url, report)
    return report


# -- the pure part ---------------------------------------------------------------------


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(("touchpoints-sync", *parts)).encode()).hexdigest()[:16]


def _lines(text: str) -> Iterator[tuple[str, str]]:
    """Unfolded content lines of an iCalendar text as (NAME, value) pairs."""
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    for line in unfolded.splitlines():
        head, _, value = line.partition(":")
        yield head.split(";", 1)[0].strip().upper(), value


def _scan(text: str) -> tuple[str | None, dict[str, str]]:
    """The UID and the sync marks of the first event (or to-do) in a calendar text."""
    uid: str | None = None
    marks: dict[str, str] = {}
    depth = 0
    for name, value in _lines(text):
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


def _fingerprint(text: str) -> str:
    kept = (f"{name}:{value}" for name, value in _lines(text) if name not in {"DTSTAMP"})
    return _digest("content", *kept)


def _seal(uid: str, set_key: str, subject_key: str, fingerprint: str) -> str:
    return _digest("seal", uid, set_key, subject_key, fingerprint)


def _outgoing(
    events: Iterable[tuple[TouchPoint, bytes | str]], scope: _Scope
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
                "be pushed; export each touch point with to_ical([tp], stamp=...)."
            )
        if uid in result:
            raise DuplicateTouchPointError(
                tp.id, "pushed", tp.subject_id, tp.rule_id, tp.occurrence
            )
        fingerprint = _fingerprint(text)
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


def _decide(
    remote: Iterable[CalendarResource], outgoing: dict[str, _Outgoing], scope: _Scope
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


def _uid_of(resource: CalendarResource) -> str:
    uid, _ = _scan(resource.data)
    return uid or unquote(resource.href.rsplit("/", 1)[-1].removesuffix(".ics"))


# -- the I/O shell -----------------------------------------------------------------------


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """The URL without user information (and ending in a slash), user and password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    clean = urlunsplit((parts.scheme, netloc, path, "", ""))
    user = None if parts.username is None else unquote(parts.username)
    password = None if parts.password is None else unquote(parts.password)
    return clean, user, password


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return " ".join(text.split())[:300]


def _reason(error: BaseException) -> str:
    """The most telling words for a failure: the operating system's reason, if any."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, OSError) and cause.strerror:
            return f"{cause.strerror} ({type(error).__name__})"
        cause = cause.__cause__ or cause.__context__
    return f"{type(error).__name__}: {error}"


def _failure(
    url: str,
    action: str,
    error: BaseException,
    secrets: tuple[str, ...],
    *,
    done: int = 0,
    pending: int = 0,
) -> SyncError:
    status = getattr(error, "status", None)
    detail = _scrub(_reason(error), secrets)
    return SyncError(
        url,
        action,
        status=status if isinstance(status, int) else None,
        detail=detail,
        done=done,
        pending=pending,
    )


def _list(client: DAVClient, url: str, secrets: tuple[str, ...]) -> list[CalendarResource]:
    from caldav.lib.error import DAVError

    try:
        response = client.report(url, _LISTING_QUERY, depth=1)
    except (DAVError, OSError, SyntaxError) as error:
        raise _failure(url, "listing the calendar", error, secrets) from error
    if response.status not in (200, 207):
        raise SyncError(
            url,
            "listing the calendar",
            status=response.status,
            detail=_scrub(str(response.reason or ""), secrets),
        )
    resources: list[CalendarResource] = []
    for result in response.parse_calendar_query():
        if result.status == 200 and result.calendar_data:
            resources.append(CalendarResource(result.href, result.calendar_data, result.etag))
    return resources


def _apply(client: DAVClient, url: str, plan: SyncPlan, secrets: tuple[str, ...]) -> None:
    from caldav.lib.error import DAVError

    steps: list[tuple[str, str, CalendarResource]] = [
        *(("PUT", "creating", r) for r in plan.create),
        *(("PUT", "updating", r) for r in plan.update),
        *(("DELETE", "deleting", r) for r in plan.delete),
    ]
    for done, (method, verb, resource) in enumerate(steps):
        target = urljoin(url, resource.href)
        action = f"{verb} event {_uid_of(resource)}"
        if method == "PUT":
            headers = {"Content-Type": "text/calendar; charset=utf-8"}
            if resource.etag is None:
                headers["If-None-Match"] = "*"
            else:
                headers["If-Match"] = resource.etag
        else:
            headers = {} if resource.etag is None else {"If-Match": resource.etag}
        pending = len(steps) - done
        try:
            if method == "PUT":
                response = client.put(target, resource.data, headers=headers)
            else:
                response = client.delete(target, headers=headers)
        except (DAVError, OSError, SyntaxError) as error:
            raise _failure(url, action, error, secrets, done=done, pending=pending) from error
        gone = method == "DELETE" and response.status == 404
        if not (200 <= response.status < 300 or gone):
            raise SyncError(
                url,
                action,
                status=response.status,
                detail=_scrub(str(response.reason or ""), secrets),
                done=done,
                pending=pending,
            )
        log.debug("%s %s", action, target)
