"""The reference path: the feed built with icalendar's own object API.

:func:`to_icalendar` gives an :class:`icalendar.Calendar` whose ``to_ical()`` is
byte for byte what the streaming writer writes, for hosts that want to post-process a
feed with icalendar. It is much slower than the streaming writer, and the tests use it
to check that writer against icalendar's serialiser.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event, Todo
from icalendar.prop import vText

from touchpoints._core import TouchPoint, each, require, require_mapping
from touchpoints._ical.fields import (
    all_day_length,
    category_list,
    description_text,
    extra_properties,
    rule_digest,
    rule_json,
    timed_length,
    written_start,
)
from touchpoints._ical.header import calendar_shell, text_value
from touchpoints._ical.options import ExportOptions, Resolved, resolve
from touchpoints._ical.revisions import Revision
from touchpoints._ical.vtimezone import vtimezone
from touchpoints._ical.writer import revised_state, zone_ranges

__all__ = ["build_calendar", "to_icalendar"]


def to_icalendar(
    touch_points: Iterable[TouchPoint],
    *,
    options: ExportOptions,
    state: Mapping[str, Revision] | None = None,
) -> Calendar:
    """The feed as an :class:`icalendar.Calendar`, built with icalendar's own API.

    ``calendar.to_ical()`` gives the same bytes as :func:`~touchpoints.to_ical` with the
    same options, and with ``state`` (the previous export's state) the same bytes as
    :func:`~touchpoints.update_ical` with that state: events carry the revisions it
    gives them, and cancelled entries are added. It returns no state; take that from
    :func:`~touchpoints.update_ical`. It is much slower than the streaming writer; use it
    to post-process a feed with icalendar.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import ExportOptions, Plan, Subject, schedule, to_ical
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> options = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
    >>> calendar = to_icalendar(tps, options=options)
    >>> [event.start for event in calendar.events]
    [datetime.date(2026, 1, 15)]
    >>> calendar.to_ical() == to_ical(tps, options=options)
    True
    """
    require(options, ExportOptions, "options")
    if state is not None:
        require_mapping(state, Revision, "state")
    return build_calendar(each(touch_points, TouchPoint, "each touch point"), options, state)


def build_calendar(
    touch_points: Iterable[TouchPoint],
    options: ExportOptions,
    state: Mapping[str, Revision] | None = None,
    *,
    timezones_last: bool = False,
) -> Calendar:
    """:func:`to_icalendar`, with the ``VTIMEZONE`` components after the events when
    ``timezones_last`` is true: then ``to_ical()`` equals what
    :func:`~touchpoints.write_ical` writes."""
    resolved = resolve(options)
    items = tuple(touch_points)
    revisions = revised_state(items, resolved, state) if state is not None else None
    calendar = calendar_shell(resolved)
    uids = {tp.id for tp in items}
    cancelled = (
        sorted((uid, r) for uid, r in revisions.items() if r.cancelled and uid not in uids)
        if revisions is not None
        else []
    )
    zones = zone_ranges(items, (r.start for _, r in cancelled))
    timezones = [vtimezone(key, first, last) for key, first, last in zones]
    if not timezones_last:
        for timezone in timezones:
            calendar.add_component(timezone)
    carried: set[str] = set()
    for tp in items:
        calendar.add_component(
            _reference_component(
                tp, resolved, revisions.get(tp.id) if revisions is not None else None, carried
            )
        )
    for uid, revision in cancelled:
        calendar.add_component(_reference_cancelled(uid, revision, resolved))
    if timezones_last:
        for timezone in timezones:
            calendar.add_component(timezone)
    return calendar


def _reference_start(value: date) -> tuple[date, str | None]:
    if type(value) is date:
        return value, None
    assert isinstance(value, datetime)
    return written_start(value)


def _reference_component(
    tp: TouchPoint, options: Resolved, revision: Revision | None, carried: set[str]
) -> Event | Todo:
    rule = tp.rule
    start, note = _reference_start(tp.due)
    description = description_text(tp, options) or None
    common: dict[str, object] = {
        "uid": tp.id,
        "stamp": revision.modified if revision is not None else options.stamp,
        "summary": rule.title,
        "description": description,
        "categories": category_list(rule),
        "priority": rule.priority,
    }
    if revision is not None:
        common["sequence"] = revision.sequence
        common["last_modified"] = revision.modified
    component: Event | Todo
    if options.component == "VEVENT":
        end: date | None = None
        if type(start) is date:
            end = start + timedelta(days=all_day_length(rule))
        component = Event.new(start=start, end=end, **common)  # type: ignore[arg-type]
        if type(start) is not date:
            component.DURATION = timed_length(rule)
    else:
        component = Todo.new(**common)  # type: ignore[arg-type]
        component.add("DUE", start)
    if description is not None:
        component["DESCRIPTION"] = text_value(description)
    component["SUMMARY"] = text_value(rule.title)
    component.add("X-TOUCHPOINTS-OCCURRENCE", vText(str(tp.occurrence)))
    for name, text in extra_properties(tp):
        component.add(name, text_value(text))
    if tp.term != 1:
        component.add("X-TOUCHPOINTS-TERM", vText(str(tp.term)))
    component.add("X-TOUCHPOINTS-PLAN", text_value(tp.plan_id))
    component.add("X-TOUCHPOINTS-RULE", text_value(rule.id))
    text = rule_json(rule)
    digest = rule_digest(text)
    if digest in carried:
        component.add("X-TOUCHPOINTS-RULE-DIGEST", vText(digest))
    else:
        carried.add(digest)
        component.add("X-TOUCHPOINTS-RULE-JSON", text_value(text))
    if note is not None:
        component.add("X-TOUCHPOINTS-TIMEZONE", vText(note))
    if options.alarm is not None:
        alarm = Alarm.new_display(description=rule.title, trigger=options.alarm)
        alarm["DESCRIPTION"] = text_value(rule.title)
        if options.component == "VTODO":
            alarm["TRIGGER"].params["RELATED"] = "END"
        component.add_component(alarm)
    return component


def _reference_cancelled(uid: str, revision: Revision, options: Resolved) -> Event | Todo:
    start, note = _reference_start(revision.start)
    common: dict[str, object] = {
        "uid": uid,
        "stamp": revision.modified,
        "sequence": revision.sequence,
        "last_modified": revision.modified,
        "status": "CANCELLED",
    }
    component: Event | Todo
    if options.component == "VEVENT":
        component = Event.new(start=start, **common)  # type: ignore[arg-type]
    else:
        component = Todo.new(**common)  # type: ignore[arg-type]
        component.add("DUE", start)
    component["SUMMARY"] = text_value(revision.summary)
    if note is not None:
        component.add("X-TOUCHPOINTS-TIMEZONE", vText(note))
    return component
