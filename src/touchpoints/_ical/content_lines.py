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
    "fold",
    "format_date",
    "format_datetime",
    "format_duration",
    "unescape",
    "unfold",
]

_FOLD: Final = re.compile(r"\r?\n[ \t]")


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n:
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


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

    >>> list(content_lines("BEGIN:VEVENT\\r\\nDTSTART;VALUE=DATE:2026\\r\\n 0115\\r\\n"))
    [('BEGIN', 'VEVENT'), ('DTSTART', '20260115')]
    """
    for line in unfold(text).splitlines():
        head, _, value = line.partition(":")
        yield head.split(";", 1)[0].strip().upper(), value
