"""Reading exported feeds back into touch points."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from touchpoints import (
    CalendarReadError,
    ExportOptions,
    Rule,
    TouchPoint,
    from_ical,
    to_ical,
    update_ical,
)
from touchpoints._model import Adjustment

STAMP = datetime(2026, 1, 1, tzinfo=UTC)
RULE = Rule.model_validate(
    {
        "id": "service",
        "title": "Service; visit, \\N with \\n backslashes\r\nand line breaks",
        "channel": "visit",
        "description": "Notes: a,b;c\\d",
        "owner": "field team",
        "priority": 2,
        "tags": ("a", "b"),
        "duration": "45 minutes",
        "every": "90 days",
        "starting": "purchase + 90 days",
        "count": 4,
    }
)
NEW_YORK = ZoneInfo("America/New_York")


def tp(due: date, occurrence: int = 1, subject: str = "cust-42") -> TouchPoint:
    return TouchPoint("after-sales", "service", subject, occurrence, due, RULE)


class TestRoundTrip:
    @pytest.mark.parametrize(
        "due",
        [
            date(2026, 4, 15),
            datetime(2026, 4, 15, 10, tzinfo=ZoneInfo("Europe/Berlin")),
            datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK),  # ambiguous: written in UTC
            datetime(2026, 4, 15, 10, tzinfo=ZoneInfo("UTC")),
            datetime(2026, 4, 15, 10, tzinfo=ZoneInfo("Africa/Abidjan")),  # UTC-like
            datetime(2044, 7, 1, 8, 15, tzinfo=ZoneInfo("Australia/Lord_Howe")),
        ],
    )
    @pytest.mark.parametrize("component", ["VEVENT", "VTODO"])
    def test_every_field_comes_back(self, due: date, component: Any) -> None:
        original = tp(due)
        (back,) = from_ical(
            to_ical(
                [original],
                options=ExportOptions(
                    stamp=STAMP, component=component, alarm=timedelta(minutes=-5)
                ),
            ),
            subject_ids=["someone-else", "cust-42"],
        )
        assert back == original
        assert back.rule == RULE
        assert getattr(back.due, "tzinfo", None) == getattr(due, "tzinfo", None)
        assert type(back.due) is type(due)

    def test_adjustments_and_completion_come_back(self) -> None:
        original = tp(date(2026, 4, 16))._replace(
            adjustments=(Adjustment(date(2026, 4, 15), date(2026, 4, 16), "holiday: x, y; z"),),
            done_on=date(2026, 4, 17),
        )
        (back,) = from_ical(
            to_ical([original], options=ExportOptions(stamp=STAMP)), subject_ids=["cust-42"]
        )
        assert back == original
        assert back.adjustments == original.adjustments
        assert back.done_on == date(2026, 4, 17)

    def test_later_contract_terms_come_back(self) -> None:
        originals = [tp(date(2026, 4, 15)), tp(date(2029, 4, 15))._replace(term=2)]
        assert originals[0].id != originals[1].id
        data = to_ical(originals, options=ExportOptions(stamp=STAMP))
        assert data.count(b"X-TOUCHPOINTS-TERM:2") == 1
        assert from_ical(data, subject_ids=["cust-42"]) == tuple(originals)

    def test_subjects_are_told_apart_by_uid(self) -> None:
        originals = [
            tp(date(2026, 4, 15), subject="a"),
            tp(date(2026, 4, 15), subject="b"),
            tp(date(2026, 7, 14), 2, subject="a"),
        ]
        back = from_ical(
            to_ical(originals, options=ExportOptions(stamp=STAMP)), subject_ids=["b", "a", "c"]
        )
        assert back == tuple(originals)

    def test_str_input(self) -> None:
        data = to_ical([tp(date(2026, 4, 15))], options=ExportOptions(stamp=STAMP)).decode()
        assert from_ical(data, subject_ids=["cust-42"]) == (tp(date(2026, 4, 15)),)


class TestWhatIsSkipped:
    def test_events_touchpoints_did_not_write(self) -> None:
        data = to_ical([tp(date(2026, 4, 15))], options=ExportOptions(stamp=STAMP))
        foreign = (
            b"BEGIN:VEVENT\r\nUID:someone-elses\r\nDTSTAMP:20260101T000000Z\r\n"
            b"DTSTART;VALUE=DATE:20260101\r\nSUMMARY:Lunch\r\nEND:VEVENT\r\n"
        )
        data = data.replace(b"END:VCALENDAR", foreign + b"END:VCALENDAR")
        assert from_ical(data, subject_ids=["cust-42"]) == (tp(date(2026, 4, 15)),)

    def test_cancelled_touch_points(self) -> None:
        first = update_ical(
            [tp(date(2026, 4, 15)), tp(date(2026, 7, 14), 2)],
            {},
            options=ExportOptions(stamp=STAMP),
        )
        later = update_ical(
            [tp(date(2026, 4, 15))],
            first.state,
            options=ExportOptions(stamp=STAMP, removed="cancel"),
        )
        assert b"STATUS:CANCELLED" in later.data
        assert from_ical(later.data, subject_ids=["cust-42"]) == (tp(date(2026, 4, 15)),)


class TestErrors:
    def test_unknown_subject(self) -> None:
        data = to_ical([tp(date(2026, 4, 15))], options=ExportOptions(stamp=STAMP))
        with pytest.raises(CalendarReadError, match="none of the 1 subject ids"):
            from_ical(data, subject_ids=["cust-43"])

    def test_not_icalendar(self) -> None:
        with pytest.raises(CalendarReadError, match="not an iCalendar"):
            from_ical(b"hello", subject_ids=[])

    @pytest.mark.parametrize(
        ("find", "replace", "message"),
        [
            (b"X-TOUCHPOINTS-OCCURRENCE:1", b"X-TOUCHPOINTS-OCCURRENCE:one", "whole number"),
            (b"X-TOUCHPOINTS-OCCURRENCE:1", b"X-TOUCHPOINTS-OCCURRENCE:0", "1 or more"),
            (b'{"id":"service"', b'{"id":"other"', "names rule 'service'"),
            (b'"channel":"visit"', b'"channel":"Visit!"', "rule that is not valid"),
            (b"X-TOUCHPOINTS-RULE:service\r\n", b"", "no X-TOUCHPOINTS-RULE"),
        ],
    )
    def test_damaged_components(self, find: bytes, replace: bytes, message: str) -> None:
        data = to_ical([tp(date(2026, 4, 15))], options=ExportOptions(stamp=STAMP)).replace(
            b"\r\n ", b""
        )
        assert find in data
        with pytest.raises(CalendarReadError, match=message):
            from_ical(data.replace(find, replace), subject_ids=["cust-42"])
