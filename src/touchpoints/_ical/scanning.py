"""Scanning a feed: its top-level components, one at a time, as parsed content lines.

It checks the structure (``BEGIN`` and ``END`` pair up, every line has a name and a
value) and hands out each ``VEVENT`` and ``VTODO`` of each ``VCALENDAR`` with its own
properties, without building the whole calendar in memory. Values stay as written
(still escaped); :mod:`touchpoints._ical.reader` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final, NamedTuple

from touchpoints._errors import CalendarReadError
from touchpoints._ical.content_lines import unfold

__all__ = ["Line", "components", "parse_line"]

_LINE: Final = re.compile(r"[^\r\n]*(?:\r?\n|$)")
_NAME: Final = re.compile(r"[A-Za-z0-9-]+")
_KINDS: Final = frozenset({"VEVENT", "VTODO"})


class Line(NamedTuple):
    """One content line: its name (upper-cased), parameters and value as written."""

    name: str
    params: dict[str, str]
    value: str


def parse_line(text: str) -> Line | None:
    """The parts of a content line, or None when it is not one.

    >>> parse_line('DTSTART;TZID="Europe/Berlin":20260129T100000')
    Line(name='DTSTART', params={'TZID': 'Europe/Berlin'}, value='20260129T100000')
    >>> parse_line("no colon") is None
    True
    """
    colon = text.find(":")
    if colon > 0 and ";" not in text[:colon] and '"' not in text[:colon]:
        name = text[:colon]
        if _NAME.fullmatch(name):
            return Line(name.upper(), {}, text[colon + 1 :])
        return None
    match = _NAME.match(text)
    if match is None:
        return None
    name = match.group().upper()
    params: dict[str, str] = {}
    index = match.end()
    while index < len(text) and text[index] == ";":
        equals = text.find("=", index)
        if equals < 0:
            return None
        key = text[index + 1 : equals].upper()
        index = equals + 1
        if text.startswith('"', index):
            close = text.find('"', index + 1)
            if close < 0:
                return None
            value = text[index + 1 : close]
            index = close + 1
        else:
            ends = [p for p in (text.find(";", index), text.find(":", index)) if p >= 0]
            if not ends:
                return None
            value = text[index : min(ends)]
            index = min(ends)
        params[key] = value
    if index >= len(text) or text[index] != ":":
        return None
    return Line(name, params, text[index + 1 :])


def _not_icalendar(why: str) -> CalendarReadError:
    return CalendarReadError(f"the data is not an iCalendar file ({why})")


def components(text: str) -> Iterator[tuple[str, list[Line]]]:
    """Each ``VEVENT`` and ``VTODO`` of each calendar in ``text``: its name and its own
    content lines (not those of a ``VALARM`` inside it), in the order written.

    Raises:
        CalendarReadError: the text is not iCalendar (no ``BEGIN:VCALENDAR``, a line
            without a value, ``BEGIN`` and ``END`` that do not pair up).

    >>> text = "\\r\\n".join(
    ...     ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:a", "END:VEVENT", "END:VCALENDAR", ""])
    >>> [(name, [line.name for line in lines]) for name, lines in components(text)]
    [('VEVENT', ['UID'])]
    """
    stack: list[str] = []
    current: list[Line] | None = None
    seen_calendar = False
    for number, match in enumerate(_LINE.finditer(unfold(text)), start=1):
        raw = match.group().rstrip("\r\n")
        if not raw:
            continue
        line = parse_line(raw)
        if line is None:
            raise _not_icalendar(f"line {number} is not a content line")
        if line.name == "BEGIN":
            kind = line.value.strip().upper()
            if not stack and kind != "VCALENDAR":
                raise _not_icalendar(f"line {number} begins {kind} outside a VCALENDAR")
            seen_calendar = True
            stack.append(kind)
            if len(stack) == 2 and kind in _KINDS:
                current = []
            continue
        if line.name == "END":
            kind = line.value.strip().upper()
            if not stack or stack[-1] != kind:
                raise _not_icalendar(f"line {number} ends {kind}, which is not open")
            stack.pop()
            if len(stack) == 1 and current is not None:
                yield kind, current
                current = None
            continue
        if not stack:
            raise _not_icalendar(f"line {number} is outside a VCALENDAR")
        if current is not None and len(stack) == 2:
            current.append(line)
    if stack:
        raise _not_icalendar(f"it ends inside {stack[-1]}")
    if not seen_calendar:
        raise _not_icalendar("it holds no VCALENDAR")
