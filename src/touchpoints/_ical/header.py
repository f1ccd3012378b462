"""The calendar's own properties (``VERSION``, ``PRODID``, names, ``UID``, refresh) and
TEXT values for icalendar, shared by the streaming writer and the object builder."""

from __future__ import annotations

from icalendar import Calendar
from icalendar.prop import vText

from touchpoints._ical.content_lines import escape_value, format_duration, printable
from touchpoints._ical.options import PRODID, Resolved

__all__ = ["calendar_shell", "text_value"]


def calendar_shell(options: Resolved) -> Calendar:
    """A calendar with the feed's own properties and no components yet."""
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    calendar.add("NAME", text_value(options.name))
    calendar.add("X-WR-CALNAME", text_value(options.name))
    calendar.add("UID", text_value(options.calendar_uid))
    calendar.add("REFRESH-INTERVAL", options.refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vText(format_duration(options.refresh)))
    return calendar


class _Raw(vText):
    """A TEXT value given already escaped."""

    def to_ical(self) -> bytes:
        return str(self).encode()


def text_value(text: str) -> vText:
    """A TEXT value for icalendar, escaped by icalendar itself except where it would
    change the text: icalendar reads a literal backslash and ``N`` as a line break."""
    text = printable(text)
    return _Raw(escape_value(text)) if "\\N" in text else vText(text)
