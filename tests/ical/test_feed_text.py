"""What text may reach a feed: no control characters, and line breaks only at CRLF."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from touchpoints import ExportOptions, Plan, Subject, from_ical, schedule, to_ical, to_icalendar
from touchpoints._ical import content_lines

OPTIONS = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
# RFC 5545 section 3.3.11: CONTROL = %x00-08 / %x0A-1F / %x7F; HTAB (%x09) is allowed.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def plan_titled(title: str, description: str | None = None) -> Plan:
    rule = {"id": "call", "title": title, "channel": "call", "at": "purchase"}
    if description is not None:
        rule["description"] = description
    return Plan.model_validate({"plan": "p", "touchpoints": [rule]})


def feed(title: str, description: str | None = None) -> bytes:
    subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    return to_ical(schedule(plan_titled(title, description), subject), options=OPTIONS)


def controls_besides_line_ends(data: bytes) -> list[str]:
    text = data.decode()
    assert text.endswith("\r\n")
    return [match.group() for line in text.split("\r\n") for match in CONTROL.finditer(line)]


def test_control_characters_never_reach_the_feed() -> None:
    data = feed("Call\x0cnow\x00\x07\x1b[31m", "Bell\x07 and\ttab")
    assert controls_besides_line_ends(data) == []
    assert b"SUMMARY:Callnow[31m\r\n" in data
    assert b"DESCRIPTION:Bell and\ttab\r\n" in data


def test_the_object_builder_drops_the_same_characters() -> None:
    subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    tps = schedule(plan_titled("A\x0bB\x7fC"), subject)
    assert to_icalendar(tps, options=OPTIONS).to_ical() == to_ical(tps, options=OPTIONS)


@given(st.text(min_size=1, max_size=40).filter(str.strip), st.text(max_size=40))
def test_no_text_puts_a_control_character_in_the_feed(title: str, description: str) -> None:
    assert (
        controls_besides_line_ends(feed(title, description if description.strip() else None)) == []
    )


def test_content_lines_break_only_at_line_ends() -> None:
    text = "BEGIN:VEVENT\r\nDESCRIPTION:Notes\u2028End: call back\x0cx\x1c\r\nUID:a\nEND:VEVENT\r\n"
    assert list(content_lines(text)) == [
        ("BEGIN", "VEVENT"),
        ("DESCRIPTION", "Notes\u2028End: call back\x0cx\x1c"),
        ("UID", "a"),
        ("END", "VEVENT"),
    ]


def test_unicode_line_separators_survive_the_round_trip() -> None:
    text = "Notes\u2028End: call back\u2029\u0085 done"
    subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    tps = schedule(plan_titled("Call", text), subject)
    (back,) = from_ical(to_ical(tps, options=OPTIONS), subject_ids=["c1"])
    assert back.rule.description == text
