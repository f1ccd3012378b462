"""Scanning a feed: its top-level components, one at a time, as parsed content lines.

The feed comes in chunks (of bytes or of text) and is scanned as it comes, so memory
holds one chunk and one component, whatever the size of the feed. Lines are unfolded
(RFC 5545 §3.1: a line end followed by a space or a tab) before bytes are decoded, so a
UTF-8 character split by a fold comes back whole. The scan checks the structure
(``BEGIN`` and ``END`` pair up, every line has a name and a value, no carriage return
inside a line) and names the offending line by its number in the file, folds counted.
It hands out each ``VEVENT`` and ``VTODO`` of each ``VCALENDAR`` with those of its own
properties the caller asks for. Values stay as written (still escaped);
:mod:`touchpoints._ical.reader` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import accumulate
from typing import Final, NamedTuple

from touchpoints._errors import CalendarReadError

__all__ = ["MAX_COMPONENT_BYTES", "Component", "Line", "components", "parse_line"]

MAX_COMPONENT_BYTES: Final = 16 * 1024 * 1024
"""The longest component (or line) the scan holds: 16 MiB."""

# A line ends at CRLF, or read leniently a bare LF, unless a space or a tab follows.
_ENDS: Final = re.compile(rb"\r?\n(?![ \t])")
_FOLD: Final = re.compile(rb"\r?\n[ \t]")
_NAME: Final = re.compile(r"[A-Za-z0-9-]+")
# A line with one parameter whose value is not quoted, as parse_line reads it.
_ONE_PARAMETER: Final = re.compile(r"([A-Za-z0-9-]+);([A-Za-z0-9-]+)=([^;:\"]*):")
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


class Component(NamedTuple):
    """A ``VEVENT`` or ``VTODO``: its kind, the line its ``BEGIN`` is on, and the
    content lines asked for, in the order written."""

    kind: str
    line: int
    lines: list[Line]


def _not_icalendar(why: str) -> CalendarReadError:
    return CalendarReadError(f"the data is not an iCalendar file ({why})")


def _blocks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks cut again at line ends that no fold follows, so that each block
    holds whole (still folded) lines."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk if carry else chunk
        cut = _last_end(buffer)
        if cut < 0:
            if len(buffer) > MAX_COMPONENT_BYTES:
                raise _not_icalendar(
                    f"a line is longer than {MAX_COMPONENT_BYTES // (1024 * 1024)} MiB"
                )
            carry = buffer
            continue
        carry = buffer[cut + 1 :]
        yield buffer[: cut + 1]
    if carry:
        yield carry


def _last_end(buffer: bytes) -> int:
    """The index of the last line feed of ``buffer`` known to end a line: one that
    something other than a space or a tab follows."""
    end = buffer.rfind(b"\n")
    while end >= 0 and (end + 1 == len(buffer) or buffer[end + 1] in b" \t"):
        end = buffer.rfind(b"\n", 0, end)
    return end


def _lines(chunks: Iterable[bytes]) -> Iterator[tuple[Sequence[int], list[str]]]:
    """Block by block, the unfolded, decoded lines (empty ones too), with the number
    in the file (folds counted) of the line each starts on.

    A block whose lines all end in CRLF, as RFC 5545 asks, is split, unfolded and
    decoded in a few whole-block operations; other blocks, and any block with a
    fault, line by line, so that the fault is named by its line.
    """
    number = 0  # lines of the file before the block
    for block in _blocks(chunks):
        ends = block.count(b"\r\n")
        if ends == block.count(b"\n") == block.count(b"\r"):
            found = _crlf_lines(block, number)
            if found is not None:
                numbers, texts, number = found
                yield numbers, texts
                continue
        numbers, raws, number = _split(block, number)
        for first, raw in zip(numbers, raws, strict=True):
            if b"\r" in raw:
                raise _not_icalendar(f"line {first} holds a carriage return inside it")
            try:
                raw.decode()
            except UnicodeDecodeError:
                raise _not_icalendar(f"line {first} is not UTF-8") from None
        yield numbers, b"\n".join(raws).decode().split("\n")


def _crlf_lines(block: bytes, number: int) -> tuple[Sequence[int], list[str], int] | None:
    """The lines of a block whose every line ends in CRLF, or None when one is not
    UTF-8 (the caller then finds it)."""
    pieces = block.split(b"\r\n")
    if block.endswith(b"\r\n"):
        pieces.pop()  # the empty text after the last line end
    if b"\r\n " in block or b"\r\n\t" in block:
        numbers: list[int] = []
        parts: list[bytes] = []
        for offset, piece in enumerate(pieces, start=number + 1):
            if piece[:1] in (b" ", b"\t") and parts:
                parts.append(piece[1:])  # a fold: the line goes on
            else:
                numbers.append(offset)
                parts += (b"\r\n", piece)
        joined = b"".join(parts)[2:]
    else:
        numbers = range(number + 1, number + 1 + len(pieces))  # type: ignore[assignment]
        joined = block
    try:
        texts = joined.decode().split("\r\n")
    except UnicodeDecodeError:
        return None
    if block.endswith(b"\r\n") and joined is block:
        texts.pop()
    return numbers, texts, number + len(pieces)


def _split(block: bytes, number: int) -> tuple[Sequence[int], list[bytes], int]:
    """The unfolded lines of any block, with the numbers of their first lines."""
    raws = _ENDS.split(block)
    if block.endswith(b"\n"):
        raws.pop()  # the empty text after the last line end
    sizes = [raw.count(b"\n") + 1 for raw in raws]
    numbers = list(accumulate(sizes, initial=number + 1))[:-1]
    raws = [_FOLD.sub(b"", raw) if b"\n" in raw else raw for raw in raws]
    return numbers, raws, number + sum(sizes)


def components(chunks: Iterable[bytes], wanted: Collection[str]) -> Iterator[Component]:
    """Each ``VEVENT`` and ``VTODO`` of each calendar in ``chunks``: its kind, the line
    it begins on and its own content lines named in ``wanted`` (not those of a
    ``VALARM`` inside it), in the order written. Every other line is checked and
    passed over.

    Raises:
        CalendarReadError: the text is not iCalendar (no ``BEGIN:VCALENDAR``, a line
            without a value, ``BEGIN`` and ``END`` that do not pair up, a line that is
            not UTF-8 or holds a carriage return, a component over
            ``MAX_COMPONENT_BYTES``), naming the line.

    >>> text = "\\r\\n".join(
    ...     ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:a", "SUMMARY:x", "END:VEVENT",
    ...      "END:VCALENDAR", ""])
    >>> [(c.kind, c.line, [line.name for line in c.lines])
    ...  for c in components([text.encode()], {"UID"})]
    [('VEVENT', 2, ['UID'])]
    """
    stack: list[str] = []
    current: list[Line] | None = None  # the wanted lines of the open component
    begun = 0
    size = 0
    seen_calendar = False
    # What the name before a line's first colon reads as, for names without
    # parameters: the name upper-cased, or "" when it is not a name (bounded).
    names: dict[str, str] = {}
    for numbers, texts in _lines(chunks):
        for number, text in zip(numbers, texts, strict=True):
            if not text:
                continue
            colon = text.find(":")
            upper = names.get(text[:colon]) if colon > 0 else ""
            if upper is None:
                name = text[:colon]
                upper = (
                    name.upper()
                    if ";" not in name and '"' not in name and _NAME.fullmatch(name)
                    else ""
                )
                if len(names) < 1000:
                    names[name] = upper
            if upper:  # NAME:value, the way parse_line reads it
                line = None
                if upper in wanted or upper == "BEGIN" or upper == "END":
                    line = Line(upper, {}, text[colon + 1 :])
            else:
                simple = _ONE_PARAMETER.match(text)
                if simple is not None:
                    upper = simple.group(1).upper()
                    line = Line(
                        upper, {simple.group(2).upper(): simple.group(3)}, text[simple.end() :]
                    )
                else:
                    line = parse_line(text)
                    if line is None:
                        raise _not_icalendar(f"line {number} is not a content line")
                    upper = line.name
            if line is None or (upper != "BEGIN" and upper != "END"):
                if not stack:
                    raise _not_icalendar(f"line {number} is outside a VCALENDAR")
                if line is not None and current is not None and len(stack) == 2:
                    if upper not in wanted:
                        continue
                    size += len(line.value) + 100
                    if size > MAX_COMPONENT_BYTES:
                        raise _not_icalendar(
                            f"the component that begins on line {begun} holds more than "
                            f"{MAX_COMPONENT_BYTES // (1024 * 1024)} MiB of the lines read"
                        )
                    current.append(line)
                continue
            kind = line.value.strip().upper()
            if upper == "BEGIN":
                if not stack and kind != "VCALENDAR":
                    raise _not_icalendar(f"line {number} begins {kind} outside a VCALENDAR")
                seen_calendar = True
                stack.append(kind)
                if len(stack) == 2 and kind in _KINDS:
                    current, begun, size = [], number, 0
                continue
            if not stack or stack[-1] != kind:
                raise _not_icalendar(f"line {number} ends {kind}, which is not open")
            stack.pop()
            if len(stack) == 1 and current is not None:
                yield Component(kind, begun, current)
                current = None
    if stack:
        raise _not_icalendar(f"it ends inside {stack[-1]}")
    if not seen_calendar:
        raise _not_icalendar("it holds no VCALENDAR")
