"""Independent iCalendar readers for the export tests.

Each reader parses a feed with one implementation that touchpoints did not write
and returns what it sees: ``(kind, UID, start)`` per component, where start is a
``date`` for all-day values and an aware UTC ``datetime`` otherwise, converted by the
implementation itself. vobject and ical.js-like readers use the file's VTIMEZONE;
icalendar and ``ical`` look the zone up in the tz database; recurring-ical-events
expands events the way calendar front ends do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import icalendar
import pytest
import recurring_ical_events  # type: ignore[import-untyped]
import vobject  # type: ignore[import-untyped]
from ical.calendar_stream import IcsCalendarStream

Seen = list[tuple[str, str, date]]
Reader = Callable[[bytes], Seen]


def _normal(value: date) -> date:
    if isinstance(value, datetime):
        assert value.utcoffset() is not None, f"floating time {value!r}"
        return value.astimezone(UTC)
    return value


def read_icalendar(data: bytes) -> Seen:
    calendar = icalendar.Calendar.from_ical(data)
    assert not calendar.get_missing_tzids()
    seen: Seen = [("VEVENT", str(e.uid), _normal(e.start)) for e in calendar.events]
    seen += [("VTODO", str(t.uid), _normal(t.decoded("DUE"))) for t in calendar.todos]
    return seen


def read_recurring_ical_events(data: bytes) -> Seen:
    calendar = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between((1900, 1, 1), (2200, 1, 1))
    return [("VEVENT", str(e["UID"]), _normal(e.start)) for e in events]


def read_vobject(data: bytes) -> Seen:
    """vobject, with every local time converted by the file's own VTIMEZONE.

    vobject falls back to pytz for a TZID it knows, and keeps the first VTIMEZONE it
    ever saw for a TZID in a global map; either would hide what the file says, so
    the local times are put back into the file's zones here.
    """
    getattr(vobject.icalendar, "__tzidMap").clear()
    calendar = vobject.readOne(data.decode(), validate=True)
    zones = {t.tzid.value: t.gettzinfo() for t in calendar.contents.get("vtimezone", [])}
    seen: Seen = []
    for name in ("vevent", "vtodo"):
        for component in calendar.contents.get(name, []):
            when = component.dtstart if name == "vevent" else component.due
            value = when.value
            (tzid,) = when.params.get("X-VOBJ-ORIGINAL-TZID", [None])
            if tzid is not None:
                value = value.replace(tzinfo=zones[tzid])
            seen.append((name.upper(), component.uid.value, _normal(value)))
    return seen


def read_ical(data: bytes) -> Seen:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode())
    seen: Seen = []
    for event in calendar.events:
        assert event.dtstart is not None
        seen.append(("VEVENT", event.uid or "", _normal(event.dtstart)))
    seen += [("VTODO", t.uid or "", _normal(due)) for t in calendar.todos if (due := t.due)]
    return seen


READERS: dict[str, Reader] = {
    "icalendar": read_icalendar,
    "recurring-ical-events": read_recurring_ical_events,
    "vobject": read_vobject,
    "ical": read_ical,
}


@pytest.fixture(scope="session")
def readers() -> dict[str, Reader]:
    """The independent readers, by name."""
    return READERS
