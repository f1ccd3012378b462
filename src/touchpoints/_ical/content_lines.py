"""Content lines (RFC 5545 §3.1): escaping, folding and unfolding, and the value formats.

Folding and escaping follow icalendar 7.3, with two deliberate differences, both where
icalendar changes or endangers the text: icalendar turns a literal backslash followed by
``N`` into a line break (this module escapes the backslash), and in a run of backslashes
icalendar can fold between an escaping backslash and the one it escapes (this module
never folds inside an escape). Everywhere else the bytes are the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Final

__all__ = [
    "content_lines",
    "escape",
    "escape_value",
    "fold",
    "format_date",
    "format_datetime",
    "format_duration",
    "printable",
    "unescape",
    "unfold",
]

_FOLD: Final = re.compile(r"\r?\n[ \t]")
_LINE_END: Final = re.compile(r"\r?\n")
# RFC 5545 section 3.3.11: CONTROL = %x00-08 / %x0A-1F / %x7F may not appear in a
# value; HTAB may, and CR and LF are written as the escape \n.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    r"""The text without the control characters RFC 5545 forbids in a value (all of
    U+0000 to U+001F and U+007F except tab and the line breaks, which are escaped).

    >>> printable("Call\x0cnow\x07\tplease")
    'Callnow\tplease'
    """
    return _CONTROL.sub("", text)


def escape_value(text: str) -> str:
    r"""A TEXT value as a feed writes it: escaped, its forbidden control characters
    dropped.

    >>> escape_value("Call; then\nmail\x00")
    'Call\\; then\\nmail'
    """
    return escape(printable(text))


def escape(text: str) -> str:
    """A TEXT value escaped as RFC 5545 asks; :func:`unescape` gives the text back."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def unescape(text: str) -> str:
    r"""The text an escaped TEXT value stands for (``\n`` or ``\N`` is a line break).

    >>> print(unescape(r"a\\;b\nc\,d"))
    a\;b
    c,d
    """
    if "\\" not in text:
        return text
    return _ESCAPED.sub(_unescaped, text)


_ESCAPED: Final = re.compile(r"\\(.)", re.DOTALL)


def _unescaped(match: re.Match[str]) -> str:
    char = match.group(1)
    return "\n" if char in "nN" else char


def fold(line: str) -> str:
    """Fold a content line at 75 octets, with CRLF, as icalendar 7.3 does.

    Like icalendar, a fold never splits a UTF-8 character and never falls right
    after a backslash that escapes the next character (Google Calendar drops such
    events) or a ``^``. Unlike icalendar, which looks at the last character only, a
    backslash that is itself escaped (the second of two) stays, so a fold never
    falls inside an escape, even in a run of backslashes.
    """
    if len(line) < 75 and line.isascii():
        return line + "\r\n"
    if line.isascii():
        chunks: list[str] = []
        start = 0
        n = len(line)
        while n - start > 74:
            end = start + 74
            if line[end - 1] == "^" or (line[end - 1] == "\\" and _escapes(line, end - 1)):
                end -= 1
            chunks.append(line[start:end])
            start = end
        chunks.append(line[start:])
        return "\r\n ".join(chunks) + "\r\n"
    folded: list[str] = []
    current: list[str] = []
    count = 0
    run = 0  # backslashes in a row up to the last character
    for char in line:
        size = len(char.encode())
        if current and count + size >= 75:
            last = current[-1]
            if len(current) > 1 and (last == "^" or (last == "\\" and run % 2 == 1)):
                prefix = current.pop()
                folded.append("".join(current))
                current = [prefix]
                count = len(prefix.encode())
            else:
                folded.append("".join(current))
                current = []
                count = 0
        current.append(char)
        count += size
        run = run + 1 if char == "\\" else 0
    if current:
        folded.append("".join(current))
    return "\r\n ".join(folded) + "\r\n"


def _escapes(line: str, index: int) -> bool:
    """True when the backslash at ``index`` escapes the next character, that is, it
    ends an odd run of backslashes."""
    first = index
    while first > 0 and line[first - 1] == "\\":
        first -= 1
    return (index - first) % 2 == 0


def format_date(day: date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def format_datetime(moment: datetime) -> str:
    text = (
        f"{moment.year:04}{moment.month:02}{moment.day:02}"
        f"T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    )
    return text + "Z" if moment.tzinfo is UTC else text


def format_duration(td: timedelta) -> str:
    sign = ""
    if td.days < 0:
        sign = "-"
        td = -td
    timepart = ""
    if td.seconds:
        timepart = "T"
        hours, rest = divmod(td.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        if hours:
            timepart += f"{hours}H"
        if minutes or (hours and seconds):
            timepart += f"{minutes}M"
        if seconds:
            timepart += f"{seconds}S"
    if td.days == 0 and timepart:
        return f"{sign}P{timepart}"
    return f"{sign}P{td.days}D{timepart}"


def unfold(text: str) -> str:
    """The text with every folded content line joined again (a line break followed by
    a space or a tab is removed).

    >>> unfold("SUMMARY:Wel\\r\\n come\\r\\n")
    'SUMMARY:Welcome\\r\\n'
    """
    return _FOLD.sub("", text)


def content_lines(text: str) -> Iterator[tuple[str, str]]:
    """The unfolded content lines of an iCalendar text as (NAME, value) pairs: the
    name upper-cased and without its parameters, the value as written (still escaped).
    Lines end at CRLF (or, read leniently, a bare LF) and nowhere else: a value may
    hold U+2028 or a form feed, which :meth:`str.splitlines` would take for line ends.

    >>> list(content_lines("BEGIN:VEVENT\\r\\nDTSTART;VALUE=DATE:2026\\r\\n 0115\\r\\n"))
    [('BEGIN', 'VEVENT'), ('DTSTART', '20260115')]
    """
    for line in _LINE_END.split(unfold(text)):
        if not line:
            continue
        head, _, value = line.partition(":")
        yield head.split(";", 1)[0].strip().upper(), value
