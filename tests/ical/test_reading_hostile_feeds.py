"""from_ical on damaged and hostile feeds: CalendarReadError and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import touchpoints._ical.reader as reader
from touchpoints import CalendarReadError, ExportOptions, Rule, TouchPoint, from_ical, to_ical
from touchpoints._model import Adjustment

STAMP = datetime(2026, 1, 1, tzinfo=UTC)
RULE = Rule.model_validate(
    {
        "id": "service",
        "title": "Service visit",
        "channel": "visit",
        "every": "90 days",
        "starting": "purchase",
        "count": 4,
    }
)
TPS = [
    TouchPoint("p", "service", "c1", 1, date(2026, 4, 15), RULE),
    TouchPoint(
        "p",
        "service",
        "c1",
        2,
        datetime(2026, 7, 14, 10, tzinfo=ZoneInfo("Europe/Berlin")),
        RULE,
        (Adjustment(date(2026, 7, 12), date(2026, 7, 14), "weekend"),),
        date(2026, 7, 15),
    ),
    TouchPoint(
        "p",
        "service",
        "c1",
        3,
        datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/New_York")),
        RULE,
    ),
]
FEED = to_ical(TPS, options=ExportOptions(stamp=STAMP)).replace(b"\r\n ", b"")


def damaged(find: bytes, replace: bytes) -> bytes:
    assert find in FEED
    return FEED.replace(find, replace, 1)


def test_the_feed_reads_back() -> None:
    assert from_ical(FEED, subject_ids=["c1"]) == tuple(TPS)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            damaged(
                b"X-TOUCHPOINTS-PLAN:p\r\n", b"X-TOUCHPOINTS-PLAN:p\r\nX-TOUCHPOINTS-PLAN:q\r\n"
            ),
            "twice",
        ),
        (
            damaged(
                b"X-TOUCHPOINTS-OCCURRENCE:1\r\n",
                b"X-TOUCHPOINTS-OCCURRENCE:1\r\nX-TOUCHPOINTS-OCCURRENCE:1\r\n",
            ),
            "twice",
        ),
        (damaged(b"DTSTART;VALUE=DATE:20260415", b"DTSTART:notadate"), "DTSTART"),
        (damaged(b"DTSTART;VALUE=DATE:20260415", b"DTSTART;VALUE=DATE:20261345"), "DTSTART"),
        (
            damaged(
                b"DTSTART;TZID=Europe/Berlin:20260714T100000",
                b"DTSTART;TZID=Europe/Berlin:20260714T250000",
            ),
            "DTSTART",
        ),
        (
            damaged(b"X-TOUCHPOINTS-ADJUSTMENTS:", b"X-TOUCHPOINTS-ADJUSTMENTS:" + b"[" * 100_000),
            "adjustments",
        ),
        (
            damaged(b"X-TOUCHPOINTS-DONE:2026-07-15", b"X-TOUCHPOINTS-DONE:" + b"9" * 5000),
            "completion",
        ),
        (
            damaged(b"X-TOUCHPOINTS-OCCURRENCE:1", b"X-TOUCHPOINTS-OCCURRENCE:" + b"9" * 5000),
            "whole number",
        ),
        (damaged(b"DTSTART;TZID=Europe/Berlin", b"DTSTART;TZID=Mars/Olympus"), "Mars/Olympus"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nX-TOUCHPOINTS-PLAN:p\r\n", "not an iCalendar"),
        (b"\xff\xfe\x00", "not an iCalendar"),
    ],
    ids=[
        "plan-twice",
        "occurrence-twice",
        "not-a-date",
        "month-13",
        "hour-25",
        "deep-adjustments",
        "huge-done",
        "huge-occurrence",
        "unknown-zone",
        "truncated",
        "not-utf8",
    ],
)
def test_damage_is_a_calendar_read_error(data: bytes, message: str) -> None:
    with pytest.raises(CalendarReadError, match=message):
        from_ical(data, subject_ids=["c1"])


def test_a_feed_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_FEED_BYTES", len(FEED) - 1)
    with pytest.raises(CalendarReadError, match="larger than"):
        from_ical(FEED, subject_ids=["c1"])
    with pytest.raises(CalendarReadError, match="larger than"):
        from_ical(FEED.decode(), subject_ids=["c1"])


LINES = FEED.split(b"\r\n")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "twice", "cut", "bytes", "swap"]))
        if action == "drop":
            del lines[index]
        elif action == "twice":
            lines.insert(index, lines[index])
        elif action == "cut":
            lines[index] = lines[index][: draw(st.integers(0, max(len(lines[index]) - 1, 0)))]
        elif action == "bytes":
            lines[index] += draw(st.binary(max_size=12))
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
    return b"\r\n".join(lines)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(mutated())
def test_a_mutated_feed_reads_or_raises_calendar_read_error(data: bytes) -> None:
    try:
        result = from_ical(data, subject_ids=["c1"])
    except CalendarReadError:
        return
    assert all(isinstance(tp, TouchPoint) for tp in result)
