"""The CalDAV server exchange: list the calendar, ask :func:`plan_sync`, send the requests.

This is the thin shell around the pure decision in :mod:`touchpoints._sync.caldav_plan`,
using the `caldav <https://pypi.org/project/caldav/>`_ client (the optional extra
``touchpoints[caldav]``).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeVar
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from touchpoints._core import TouchPoint
from touchpoints._errors import SyncError
from touchpoints._ical import ExportOptions, to_ical_resource
from touchpoints._sync.caldav_plan import (
    CalendarResource,
    Scope,
    SyncPlan,
    decide,
    outgoing,
    uid_of,
)

if TYPE_CHECKING:
    from caldav.davclient import DAVClient
    from caldav.lib.http_sync import AuthBase

__all__ = ["SyncReport", "sync_caldav"]


log = logging.getLogger("touchpoints.caldav")

_LISTING_QUERY: Final = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
    "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
    '<C:filter><C:comp-filter name="VCALENDAR"/></C:filter>'
    "</C:calendar-query>"
)


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


def sync_caldav(
    calendar_url: str,
    touch_points: Iterable[TouchPoint],
    *,
    plan_id: str,
    options: ExportOptions,
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
    deleted; see :func:`~touchpoints.plan_sync` for the rules. Credentials are handed to the HTTP
    client and appear in no log, message or report.

    When the server fails part-way, the sync stops, :class:`SyncError` tells what was
    done, and the calendar is left in a state from which running the sync again
    finishes the job.

    Args:
        calendar_url: the calendar collection's address. Credentials in it
            (``https://user:secret@host/...``) are used and then dropped from it.
        touch_points: the plan's schedule: every touch point the calendar should hold
            within the sync's scope.
        plan_id: the plan id.
        options: how to export each touch point (:class:`~touchpoints.ExportOptions`);
            its ``stamp`` is the DTSTAMP, the time the schedule was last revised.
        subjects: the subject ids the sync is responsible for; None for all.
        partition: a label splitting one plan's events further (see
            :func:`~touchpoints.plan_sync`).
        render: exports one touch point as a single-event calendar; by default
            ``to_ical([tp], options=options)``, with every ``VTIMEZONE`` covering
            1970 to 2037 (or wider), so that a zone reads the same in every resource.
        username: the user name for the server.
        password: the password for the server.
        auth: an authentication object for ``niquests`` (or ``requests``) instead of
            ``username`` and ``password``.
        timeout: seconds each answer may take, from sending the request to its last
            byte (a server that trickles its answer is cut off, too).
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

    >>> from datetime import date, datetime, timezone
    >>> from touchpoints import ExportOptions, Plan, Subject, schedule
    >>> other = Plan.model_validate({"plan": "other", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase"}]})
    >>> tps = schedule(other, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> sync_caldav("https://cal.example.com/dav/team/visits/", tps, plan_id="after-sales",
    ...             options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    Traceback (most recent call last):
    ...
    touchpoints.SyncScopeError: Touch point ... cannot be pushed by this sync: its
    plan is 'other', but the sync is for plan 'after-sales'. ...
    """
    try:
        from caldav.davclient import DAVClient
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            "CalDAV sync needs the 'caldav' package: pip install 'touchpoints[caldav]'"
        ) from None
    scope = Scope(plan_id, None if subjects is None else frozenset(subjects), partition)

    def export(tp: TouchPoint) -> bytes | str:
        scope.check(tp)  # before exporting, so that a stray touch point gets this error
        return to_ical_resource(tp, options=options) if render is None else render(tp)

    events = outgoing(((tp, export(tp)) for tp in touch_points), scope)
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
        remote = _list(client, url, secrets, timeout)
        decided = decide(remote, events, scope)
        if not dry_run:
            _apply(client, url, decided, secrets, timeout)
    report = SyncReport(
        created=tuple(uid_of(r) for r in decided.create),
        updated=tuple(uid_of(r) for r in decided.update),
        deleted=tuple(uid_of(r) for r in decided.delete),
        unchanged=decided.unchanged,
        conflicts=decided.conflicts,
    )
    log.info("CalDAV sync%s of plan %r to %s: %s", " (dry run)" * dry_run, plan_id, url, report)
    return report


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


_T = TypeVar("_T")


def _within(seconds: float, call: Callable[[], _T]) -> _T:
    """What ``call()`` returns, or TimeoutError when it takes more than ``seconds``.

    The HTTP client's own timeout holds for each read, so a server sending a byte now
    and then could hold a request for ever; here the whole answer has a deadline. A
    request cut off goes on in the background until the client is closed, which the
    sync does at once, as it stops at the first failure.
    """
    outcome: list[_T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    worker = threading.Thread(target=run, name="touchpoints-caldav", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError(f"no complete answer within {seconds:g} seconds")
    if failure:
        raise failure[0]
    return outcome[0]


def _list(
    client: DAVClient, url: str, secrets: tuple[str, ...], timeout: float
) -> list[CalendarResource]:
    from caldav.lib.error import DAVError

    try:
        response = _within(timeout, lambda: client.report(url, _LISTING_QUERY, depth=1))
    except (DAVError, OSError, SyntaxError) as error:
        raise _failure(url, "listing the calendar", error, secrets) from error
    if response.status not in (200, 207):
        raise SyncError(
            url,
            "listing the calendar",
            status=response.status,
            detail=_scrub(str(response.reason or ""), secrets),
        )
    tree = getattr(response, "tree", None)
    if tree is None or getattr(tree, "tag", None) != "{DAV:}multistatus":
        # A login page, a proxy's error page or an empty answer is not an empty
        # calendar: taking it for one would plan to create every event again.
        kind = str(response.headers.get("Content-Type") or "no content type")
        raise SyncError(
            url,
            "listing the calendar",
            status=response.status,
            detail=_scrub(
                f"the server's answer is not a CalDAV listing ({kind}); check the "
                "calendar's address and the credentials",
                secrets,
            ),
        )
    resources: list[CalendarResource] = []
    for result in response.parse_calendar_query():
        if result.status == 200 and result.calendar_data:
            resources.append(CalendarResource(result.href, result.calendar_data, result.etag))
    return resources


def _apply(
    client: DAVClient, url: str, changes: SyncPlan, secrets: tuple[str, ...], timeout: float
) -> None:
    from caldav.lib.error import DAVError

    steps: list[tuple[str, str, CalendarResource]] = [
        *(("PUT", "creating", r) for r in changes.create),
        *(("PUT", "updating", r) for r in changes.update),
        *(("DELETE", "deleting", r) for r in changes.delete),
    ]
    for done, (method, verb, resource) in enumerate(steps):
        target = urljoin(url, resource.href)
        action = f"{verb} event {uid_of(resource)}"
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
                request = functools.partial(client.put, target, resource.data, headers=headers)
            else:
                request = functools.partial(client.delete, target, headers=headers)
            response = _within(timeout, request)
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
