"""A rule's JSON is written once per feed; later events of the rule name it by digest."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest

from touchpoints import (
    CalendarReadError,
    ExportOptions,
    Plan,
    Subject,
    from_ical,
    schedule_many,
    to_ical,
    write_ical,
)

OPTIONS = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
PLAN = Plan.model_validate(
    {
        "plan": "after-sales",
        "timezone": "Europe/Berlin",
        "contact_time": "10:00",
        "touchpoints": [
            {"id": "call", "title": "Check-up", "channel": "call", "at": "purchase + 2 weeks"},
            {
                "id": "visit",
                "title": "Service visit",
                "channel": "visit",
                "description": "Bring the checklist; ask about noises, leaks and error codes.",
                "every": "90 days",
                "starting": "purchase + 90 days",
                "count": 4,
            },
        ],
    }
)
SUBJECTS = [Subject(id=f"c{n}", anchors={"purchase": date(2026, 1, 15)}) for n in range(50)]
TPS = list(schedule_many(PLAN, SUBJECTS))
IDS = [s.id for s in SUBJECTS]


def test_each_rule_is_carried_once_and_named_by_every_other_event() -> None:
    data = to_ical(TPS, options=OPTIONS)
    assert data.count(b"X-TOUCHPOINTS-RULE-JSON:") == 2
    assert data.count(b"X-TOUCHPOINTS-RULE-DIGEST:") == len(TPS) - 2
    assert from_ical(data, subject_ids=IDS) == tuple(TPS)


def test_the_streaming_writer_carries_each_rule_once_too() -> None:
    out = io.BytesIO()
    write_ical(TPS, out, options=OPTIONS)
    assert out.getvalue().count(b"X-TOUCHPOINTS-RULE-JSON:") == 2
    assert from_ical(out.getvalue(), subject_ids=IDS) == tuple(TPS)


def events(data: bytes) -> list[bytes]:
    return re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, re.S)


def test_each_later_event_saves_its_rules_json_less_the_digest() -> None:
    alone = [events(to_ical([tp], options=OPTIONS))[0] for tp in TPS]
    together = events(to_ical(TPS, options=OPTIONS))
    carried: set[bytes] = set()
    saved = 0
    for event in alone:
        (rule,) = re.findall(rb"X-TOUCHPOINTS-RULE-JSON:.*?\r\n(?! )", event, re.S)
        if rule in carried:
            saved += len(rule) - len(b"X-TOUCHPOINTS-RULE-DIGEST:0123456789abcdef\r\n")
        carried.add(rule)
    assert sum(map(len, together)) == sum(map(len, alone)) - saved
    assert sum(map(len, together)) < 0.75 * sum(map(len, alone))


def test_events_may_come_before_the_one_carrying_their_rule() -> None:
    data = to_ical(TPS[:6], options=OPTIONS).decode()
    events = re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, re.S)
    head = data[: data.index("BEGIN:VEVENT")]
    reordered = head + "".join(reversed(events)) + "END:VCALENDAR\r\n"
    assert sorted(from_ical(reordered, subject_ids=IDS)) == sorted(TPS[:6])


def test_a_part_of_a_feed_without_the_carrying_event_is_refused() -> None:
    data = to_ical(TPS[:6], options=OPTIONS).decode()
    first = data.index("BEGIN:VEVENT")
    second = data.index("BEGIN:VEVENT", first + 1)
    with pytest.raises(CalendarReadError, match="no event of the feed carries"):
        from_ical(data[:first] + data[second:], subject_ids=IDS)
