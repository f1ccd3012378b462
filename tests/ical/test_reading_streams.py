"""iter_ical: feeds read from a stream, a touch point at a time, equal to what was written.

The stream is read in chunks whose size is drawn, so that chunk ends fall inside line
ends, folds, escapes and UTF-8 characters; the folds themselves are moved to every
octet, including inside a character (RFC 5545 §3.1 asks readers to restore those).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpoints import (
    CalendarReadError,
    ExportOptions,
    Plan,
    Subject,
    TouchPoint,
    from_ical,
    iter_ical,
    schedule,
    to_ical,
    write_ical,
)
from touchpoints.testing import plans, subjects

STAMP = datetime(2026, 1, 1, 12, tzinfo=UTC)
SOME = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
PLAN = Plan.model_validate(
    {
        "plan": "after-sales",
        "timezone": "Europe/Berlin",
        "contact_time": "10:00",
        "touchpoints": [
            {
                "id": "check-up",
                "title": "Grüße; Anruf, \\ danach\nPost 🚗 — ünd ẞ",
                "channel": "call",
                "at": "purchase + 2 weeks",
                "contact_time": "23:30",
            },
            {
                "id": "service",
                "title": "Service",
                "channel": "visit",
                "every": "90 days",
                "starting": "purchase",
                "count": 3,
            },
        ],
    }
)
PEOPLE = [
    Subject(id=f"c{k}", anchors={"purchase": date(2026, 1, 5 + k)}, timezone="America/New_York")
    for k in range(4)
]
TPS = [tp for person in PEOPLE for tp in schedule(PLAN, person)]
IDS = [person.id for person in PEOPLE]
FEED = to_ical(TPS, options=ExportOptions(stamp=STAMP))


class Chunked(io.BytesIO):
    """A binary stream that hands out at most ``size`` bytes a read and counts them."""

    def __init__(self, data: bytes, size: int) -> None:
        super().__init__(data)
        self.size, self.given = size, 0

    def read(self, n: int | None = -1) -> bytes:
        step = self.size if n is None or n < 0 else min(n, self.size)
        chunk = super().read(step)
        self.given += len(chunk)
        return chunk


def refold(data: bytes, width: int) -> bytes:
    """The feed with every long line folded again at ``width`` octets, wherever that
    falls (inside a UTF-8 character or an escape too), with CRLF and a space or tab."""
    lines = data.replace(b"\r\n ", b"").split(b"\r\n")
    out = []
    for number, line in enumerate(lines):
        pieces = [line[i : i + width] for i in range(0, len(line), width)] or [b""]
        out.append((b"\r\n" + b" \t"[number % 2 : number % 2 + 1]).join(pieces))
    return b"\r\n".join(out)


def test_a_feed_reads_back_from_a_stream() -> None:
    assert list(iter_ical(io.BytesIO(FEED), subject_ids=IDS)) == TPS
    assert list(iter_ical(FEED, subject_ids=IDS)) == TPS
    assert list(iter_ical(FEED.decode(), subject_ids=IDS)) == TPS
    assert list(iter_ical(io.StringIO(FEED.decode()), subject_ids=IDS)) == TPS


@pytest.mark.parametrize("width", [1, 2, 3, 5, 74])
def test_folds_inside_utf8_characters_and_escapes_are_restored(width: int) -> None:
    folded = refold(FEED, width)
    if width < 5:
        assert re.search(rb"\r\n[ \t][\x80-\xbf]", folded), "a fold splits a UTF-8 character"
    assert from_ical(folded, subject_ids=IDS) == tuple(TPS)
    assert list(iter_ical(Chunked(folded, 7), subject_ids=IDS)) == TPS


@pytest.mark.parametrize("size", [1, 2, 3, 64, 1000])
def test_any_chunk_size_reads_the_same(size: int) -> None:
    assert list(iter_ical(Chunked(FEED, size), subject_ids=IDS)) == TPS


def test_touch_points_come_before_the_stream_ends() -> None:
    big = FEED.replace(b"END:VCALENDAR\r\n", b"") + b"".join(
        re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", FEED, re.S)[2:] * 3000
    )
    stream = Chunked(big + b"END:VCALENDAR\r\n", 1 << 30)
    first = next(iter_ical(stream, subject_ids=IDS))
    assert first == TPS[0]
    assert stream.given < len(big) // 10, "the reader read far ahead of the first touch point"


def test_a_damaged_line_is_named_by_its_line_in_the_file() -> None:
    lines = FEED.split(b"\r\n")
    number = max(n for n, line in enumerate(lines, 1) if line.startswith(b"X-TOUCHPOINTS-RULE:"))
    lines[number - 1] = b"this is not a content line"
    assert any(line.startswith(b" ") for line in lines[:number]), "folded lines come before"
    with pytest.raises(CalendarReadError, match=rf"line {number} is not a content line"):
        from_ical(b"\r\n".join(lines), subject_ids=IDS)


def test_a_damaged_event_is_named_by_its_line_in_the_file() -> None:
    lines = FEED.split(b"\r\n")
    number = next(n for n, line in enumerate(lines, 1) if line == b"BEGIN:VEVENT")
    damaged = b"\r\n".join(lines).replace(
        b"X-TOUCHPOINTS-OCCURRENCE:1", b"X-TOUCHPOINTS-OCCURRENCE:x", 1
    )
    with pytest.raises(CalendarReadError, match=rf"^line {number}: .*whole number"):
        list(iter_ical(damaged, subject_ids=IDS))


def test_a_carriage_return_inside_a_line_is_an_error_not_a_lost_line() -> None:
    damaged = FEED.replace(b"\r\nX-TOUCHPOINTS-PLAN:", b"\rX-TOUCHPOINTS-PLAN:", 1)
    number = FEED[: FEED.index(b"\r\nX-TOUCHPOINTS-PLAN:")].count(b"\n") + 1
    with pytest.raises(CalendarReadError, match=rf"line {number} .*carriage return"):
        from_ical(damaged, subject_ids=IDS)


def test_invalid_utf8_is_named_by_its_line() -> None:
    lines = FEED.split(b"\r\n")
    number = next(n for n, line in enumerate(lines, 1) if line.startswith(b"SUMMARY:"))
    lines[number - 1] = b"SUMMARY:\xff"
    with pytest.raises(CalendarReadError, match=rf"not UTF-8.*line {number}|line {number}.*UTF-8"):
        list(iter_ical(io.BytesIO(b"\r\n".join(lines)), subject_ids=IDS))


def test_a_rule_carried_by_a_later_event_keeps_the_feed_order() -> None:
    events = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", FEED, re.S)
    head = FEED[: FEED.index(events[0])]
    tail = FEED[FEED.index(events[-1]) + len(events[-1]) :]
    reordered = head + b"".join(events[1:] + events[:1]) + tail
    expected = [*TPS[1:], TPS[0]]
    assert from_ical(reordered, subject_ids=IDS) == tuple(expected)
    assert list(iter_ical(Chunked(reordered, 100), subject_ids=IDS)) == expected


def test_subject_ids_in_another_order_than_the_feed() -> None:
    assert list(iter_ical(FEED, subject_ids=IDS[::-1])) == TPS
    assert list(iter_ical(FEED, subject_ids=[IDS[2], IDS[0], IDS[3], IDS[1]])) == TPS


def test_arguments_are_checked_before_reading() -> None:
    with pytest.raises(TypeError, match="data must be"):
        iter_ical(42, subject_ids=IDS)  # type: ignore[arg-type]


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[TouchPoint], list[str], bytes]:
    plan = draw(plans(max_rules=3))
    people = draw(st.lists(subjects(plan), min_size=1, max_size=3, unique_by=lambda s: s.id))
    touch_points = [tp for person in people for tp in schedule(plan, person)]
    options = ExportOptions(stamp=STAMP, component=draw(st.sampled_from(["VEVENT", "VTODO"])))
    if draw(st.booleans()):
        sink = io.BytesIO()
        write_ical(touch_points, sink, options=options)  # zones after the events
        data = sink.getvalue()
    else:
        data = to_ical(touch_points, options=options)
    width = draw(st.none() | st.integers(1, 80))
    return touch_points, [person.id for person in people], refold(data, width) if width else data


@SOME
@given(cases(), st.integers(1, 300))
def test_export_then_read_back_gives_the_touch_points(case: Any, size: int) -> None:
    touch_points, ids, data = case
    assert list(iter_ical(Chunked(data, size), subject_ids=ids)) == touch_points
    assert from_ical(data, subject_ids=ids) == tuple(touch_points)


UNKNOWN = [
    b'X-OTHER;X-PARAM="a:b;c":value: with; colons, \\n and escapes',
    b"x-lower-case;param=one;other=two:ignored",
    b"COMMENT:" + "déjà vu ".encode() * 30,
    b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nUID:not-the-event\r\nTRIGGER:-PT15M\r\nEND:VALARM",
]


@pytest.mark.parametrize("extra", UNKNOWN, ids=["quoted", "lower", "long", "alarm"])
def test_properties_touchpoints_does_not_write_are_passed_over(extra: bytes) -> None:
    folded = refold(FEED.replace(b"\r\nEND:VEVENT", b"\r\n" + extra + b"\r\nEND:VEVENT"), 60)
    assert folded.count(extra[:12]) == FEED.count(b"END:VEVENT")
    assert list(iter_ical(Chunked(folded, 333), subject_ids=IDS)) == TPS


def test_property_names_are_read_in_any_case() -> None:
    lowered = re.sub(
        rb"^(UID|DTSTART|X-TOUCHPOINTS-[A-Z-]+)([;:])",
        lambda match: match.group(1).lower() + match.group(2),
        FEED,
        flags=re.M,
    )
    assert lowered != FEED
    assert list(iter_ical(lowered, subject_ids=IDS)) == TPS


def test_a_parameter_with_a_quoted_value_is_read_as_written() -> None:
    quoted = FEED.replace(b"DTSTART;TZID=America/New_York:", b'DTSTART;TZID="America/New_York":')
    assert quoted != FEED
    assert list(iter_ical(quoted, subject_ids=IDS)) == TPS
