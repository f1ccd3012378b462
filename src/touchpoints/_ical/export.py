"""The public export functions: touch points to iCalendar feeds, with or without a state.

Every function takes the touch points and one :class:`ExportOptions`; those that follow
an earlier export also take its ``state`` (the revisions it returned) and return the
updated state. A state is never filled in place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Final

from touchpoints._core import TouchPoint, each, require, require_mapping
from touchpoints._errors import DuplicateTouchPointError, ExportError
from touchpoints._ical.fields import ids_of
from touchpoints._ical.options import DEFAULT_NAME, ExportOptions, resolve
from touchpoints._ical.revisions import IcalUpdate, IcalWrite, Revision
from touchpoints._ical.writer import BinaryWriter, Chunks, write_feed, zone_ranges

__all__ = [
    "RESOURCE_ZONE_SPAN",
    "check_unique",
    "to_ical",
    "to_ical_by_owner",
    "to_ical_resource",
    "update_ical",
    "write_ical",
]


def write_ical(
    touch_points: Iterable[TouchPoint],
    stream: BinaryWriter,
    *,
    options: ExportOptions,
    state: Mapping[str, Revision] | None = None,
) -> IcalWrite:
    """Write a feed for any number of touch points to a binary stream, in one pass.

    Memory does not grow with the number of touch points: each one is formatted and
    written as it comes (in batches), and only the time zones seen and their first
    and last dates are kept (and, with a ``state``, the new state). Because the zones
    are known only at the end, the ``VTIMEZONE`` components come after the events
    (RFC 5545 puts no order on a calendar's components, and every client we test with
    accepts it); :func:`to_ical` puts them first. The bytes equal what icalendar
    serialises for the same calendar.

    Touch points are written in the order given; pass each one once.

    Args:
        touch_points: the touch points, such as ``schedule_many(plan, subjects)``.
        stream: where to write, opened in binary mode.
        options: how to export (:class:`ExportOptions`).
        state: the state of the previous export, to update events in place, as
            :func:`update_ical` does; None to write no revisions.

    Returns:
        The number of components (events or to-dos) written, and the new state to
        keep (empty without ``state``).

    Raises:
        TemplateError: the description template uses a field a subject does not have.

    >>> import io
    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import ExportOptions, Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> out = io.BytesIO()
    >>> write_ical(tps, out, options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC)))
    IcalWrite(count=1, state={})
    >>> b"DTSTART;VALUE=DATE:20260115" in out.getvalue()
    True
    """
    _check(options, state)
    count, new_state = write_feed(
        each(touch_points, TouchPoint, "each touch point"),
        stream,
        resolve(options),
        state=state,
        zones_first=None,
    )
    return IcalWrite(count, new_state)


_ID_BATCH: Final = 4_096
"""Ids computed at a time by :func:`check_unique`: the names and digests of a batch
are scratch, so memory stays that of the ids themselves."""


def check_unique(touch_points: Sequence[TouchPoint]) -> list[str]:
    """The touch points' ids, in order (:func:`~touchpoints._ical.fields.ids_of`);
    raise :class:`DuplicateTouchPointError` when a touch point is given twice."""
    ids: list[str] = []
    for start in range(0, len(touch_points), _ID_BATCH):  # bounded scratch memory
        ids += ids_of(touch_points[start : start + _ID_BATCH])
    seen = set(ids)
    if len(seen) < len(ids):
        seen.clear()
        for uid, tp in zip(ids, touch_points, strict=True):
            if uid in seen:
                raise DuplicateTouchPointError(
                    uid, "exported", tp.subject_id, tp.rule_id, tp.occurrence
                )
            seen.add(uid)
    return ids


def to_ical(touch_points: Iterable[TouchPoint], *, options: ExportOptions) -> bytes:
    """The iCalendar feed (RFC 5545) for some touch points, as bytes.

    One ``VEVENT`` (or ``VTODO``) per touch point, in the order given, after the
    ``VTIMEZONE`` components. Identical input gives identical bytes. See
    :class:`ExportOptions` for the options and :func:`update_ical` for exports that
    update an earlier one in place.

    Raises:
        ExportError: a touch point is given twice.
        TemplateError: the description template uses a field a subject does not have.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import ExportOptions, Plan, Subject, schedule
    >>> plan = Plan.model_validate({
    ...     "plan": "p", "timezone": "Europe/Berlin", "contact_time": "10:00",
    ...     "touchpoints": [{"id": "call", "title": "Welcome call", "channel": "call",
    ...                      "at": "purchase + 2 weeks"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> options = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC), name="Calls")
    >>> feed = to_ical(tps, options=options)
    >>> print(feed.decode()[feed.index(b"BEGIN:VEVENT"):feed.index(b"CATEGORIES")])
    BEGIN:VEVENT
    SUMMARY:Welcome call
    DTSTART;TZID=Europe/Berlin:20260129T100000
    DURATION:PT30M
    DTSTAMP:20260101T000000Z
    UID:...
    """
    return update_ical(touch_points, None, options=options).data


def update_ical(
    touch_points: Iterable[TouchPoint],
    state: Mapping[str, Revision] | None,
    *,
    options: ExportOptions,
) -> IcalUpdate:
    """A feed that updates an earlier export in place, and the state to keep for the
    next one.

    ``state`` is what the previous export returned (``{}`` for the first export). The
    host stores the returned :attr:`IcalUpdate.state` (a small :class:`Revision` per
    ``UID``; :func:`dump_ical_state` makes text of it) and passes it back as ``state``
    next time. A touch point whose exported fields changed gets ``SEQUENCE`` one higher
    and ``LAST-MODIFIED`` (and ``DTSTAMP``) set to the options' ``stamp``; an unchanged
    one keeps its revision, so its bytes stay the same. Touch points in ``state`` that
    are gone are dropped, or kept as ``STATUS:CANCELLED`` with ``removed="cancel"`` in
    the options (they stay in the state, and cancelled, until an export with
    ``removed="drop"``). With ``state=None`` no ``SEQUENCE`` or ``LAST-MODIFIED`` is
    written and the returned state is empty.

    Raises:
        ExportError: a touch point is given twice.
        TemplateError: the description template uses a field a subject does not have.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import ExportOptions, Plan, Subject, schedule
    >>> def plan(title):
    ...     return Plan.model_validate({"plan": "p", "touchpoints": [
    ...         {"id": "call", "title": title, "channel": "call", "at": "purchase"}]})
    >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    >>> first = update_ical(schedule(plan("Call"), subject), {},
    ...                     options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC)))
    >>> second = update_ical(schedule(plan("Welcome call"), subject), first.state,
    ...                      options=ExportOptions(stamp=datetime(2026, 2, 1, tzinfo=UTC)))
    >>> [r.sequence for r in second.state.values()]
    [1]
    >>> b"LAST-MODIFIED:20260201T000000Z" in second.data
    True
    """
    _check(options, state)
    resolved = resolve(options)
    items = tuple(each(touch_points, TouchPoint, "each touch point"))
    ids = check_unique(items)
    extra: list[date] = []
    if state is not None and resolved.removed == "cancel":
        uids = set(ids)
        extra = [r.start for uid, r in state.items() if uid not in uids]
    out = Chunks()
    _, new_state = write_feed(
        items, out, resolved, state=state, zones_first=zone_ranges(items, extra), ids=ids
    )
    return IcalUpdate(b"".join(out.chunks), new_state)


def to_ical_by_owner(
    touch_points: Iterable[TouchPoint], *, options: ExportOptions
) -> dict[str | None, bytes]:
    """One feed per owner or role, for each person's or team's own calendar.

    Touch points are grouped by :attr:`TouchPoint.owner` (None for those without
    one); each feed is named ``"{name} – {owner}"`` (or ``"{name} – unassigned"``),
    which also gives each its own calendar ``UID``. The options are those of
    :func:`to_ical`, without ``calendar_uid``.

    Raises:
        ExportError: the options name a ``calendar_uid``, which the feeds cannot share,
            or a touch point is given twice.
        TemplateError: the description template uses a field a subject does not have.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import ExportOptions, Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase", "owner": "sales"},
    ...     {"id": "b", "title": "B", "channel": "visit", "at": "purchase",
    ...      "owner": "service"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> feeds = to_ical_by_owner(
    ...     tps, options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC)))
    >>> sorted(feeds)
    ['sales', 'service']
    >>> b"X-WR-CALNAME:Touch points \\xe2\\x80\\x93 sales" in feeds["sales"]
    True
    """
    _check(options, None)
    if options.calendar_uid is not None:
        raise ExportError(
            "to_ical_by_owner gives each owner's feed its own calendar UID; leave "
            f"calendar_uid unset (it is {options.calendar_uid!r})"
        )
    base = DEFAULT_NAME if options.name is None else options.name
    groups: dict[str | None, list[TouchPoint]] = {}
    for tp in each(touch_points, TouchPoint, "each touch point"):
        groups.setdefault(tp.rule.owner, []).append(tp)
    return {
        owner: to_ical(
            items,
            options=dataclasses.replace(
                options, name=f"{base} – {owner if owner is not None else 'unassigned'}"
            ),
        )
        for owner, items in sorted(
            groups.items(), key=lambda item: (item[0] is None, item[0] or "")
        )
    }


def _check(options: object, state: object) -> None:
    """TypeError for options or a state of the wrong type (see ``require``)."""
    require(options, ExportOptions, "options")
    if state is not None:
        require_mapping(state, Revision, "state")


RESOURCE_ZONE_SPAN: Final = (date(1970, 1, 1), date(2037, 12, 31))
"""The dates every ``VTIMEZONE`` of a CalDAV resource covers, widened only for a touch
point outside them: the same zone then gets the same ``VTIMEZONE`` in every resource,
whatever its date, because some servers (Radicale) keep the first one they parse for a
``TZID`` and use it for every resource."""


def to_ical_resource(touch_point: TouchPoint, *, options: ExportOptions) -> bytes:
    """One touch point as a calendar object resource: :func:`to_ical` of it alone, its
    ``VTIMEZONE`` covering :data:`RESOURCE_ZONE_SPAN` rather than its own date.

    >>> from datetime import datetime, UTC
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({
    ...     "plan": "p", "timezone": "America/Sao_Paulo", "contact_time": "10:00",
    ...     "touchpoints": [{"id": "call", "title": "Call", "channel": "call",
    ...                      "at": "purchase"}]})
    >>> (tp,) = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> data = to_ical_resource(tp, options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC)))
    >>> data.count(b"BEGIN:DAYLIGHT") > 10  # Brazil's summers up to 2019
    True
    """
    low, high = RESOURCE_ZONE_SPAN
    zones = [
        (key, min(first, low), max(last, high)) for key, first, last in zone_ranges([touch_point])
    ]
    out = Chunks()
    write_feed([touch_point], out, resolve(options), state=None, zones_first=zones)
    return b"".join(out.chunks)
