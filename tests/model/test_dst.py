"""Wall-clock times in the subject's zone, and what happens at DST changes.

RFC 5545 section 3.3.5: a local time in a spring-forward gap moves forward by the
length of the gap; an ambiguous local time (clocks fall back) is its first
occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from touchpoints import Plan, Subject, schedule


def due_at(zone: str, day: date, contact_time: str) -> datetime:
    plan = Plan.model_validate(
        {
            "plan": "p",
            "contact_time": contact_time,
            "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "purchase"}],
        }
    )
    (tp,) = schedule(plan, Subject(id="c", timezone=zone, anchors={"purchase": day}))
    assert isinstance(tp.due, datetime)
    return tp.due


class TestGaps:
    @pytest.mark.parametrize(
        ("zone", "day", "contact_time", "expected"),
        [
            # Clocks jump 02:00 -> 03:00: 02:30 moves on by the hour-long gap.
            ("Europe/Berlin", date(2026, 3, 29), "02:30", "2026-03-29T03:30:00+02:00"),
            ("America/New_York", date(2026, 3, 8), "02:30", "2026-03-08T03:30:00-04:00"),
            # Lord Howe Island's DST is half an hour: 02:00 -> 02:30.
            ("Australia/Lord_Howe", date(2026, 10, 4), "02:15", "2026-10-04T02:45:00+11:00"),
            # Chile changes at midnight: 00:00 -> 01:00 on the first Sunday of September.
            ("America/Santiago", date(2026, 9, 6), "00:30", "2026-09-06T01:30:00-03:00"),
            # Samoa skipped 2011-12-30 entirely when it crossed the date line.
            ("Pacific/Apia", date(2011, 12, 30), "10:00", "2011-12-31T10:00:00+14:00"),
        ],
    )
    def test_moves_forward_by_the_gap(
        self, zone: str, day: date, contact_time: str, expected: str
    ) -> None:
        assert due_at(zone, day, contact_time).isoformat() == expected

    @pytest.mark.parametrize(
        ("zone", "day", "contact_time", "expected"),
        [
            ("Europe/Berlin", date(2026, 3, 29), "01:59", "2026-03-29T01:59:00+01:00"),
            ("Europe/Berlin", date(2026, 3, 29), "03:00", "2026-03-29T03:00:00+02:00"),
            ("America/New_York", date(2026, 3, 8), "10:00", "2026-03-08T10:00:00-04:00"),
        ],
    )
    def test_times_around_the_gap_are_kept(
        self, zone: str, day: date, contact_time: str, expected: str
    ) -> None:
        assert due_at(zone, day, contact_time).isoformat() == expected

    def test_a_series_through_a_gap_keeps_its_wall_clock_time(self) -> None:
        plan = Plan.model_validate(
            {
                "plan": "p",
                "timezone": "Europe/Berlin",
                "contact_time": "02:30",
                "touchpoints": [
                    {
                        "id": "a",
                        "title": "A",
                        "channel": "call",
                        "every": "1 day",
                        "starting": "purchase",
                        "count": 4,
                    },
                ],
            }
        )
        result = schedule(plan, Subject(id="c", anchors={"purchase": date(2026, 3, 27)}))
        # Only the day of the change is shifted; the next day is at 02:30 again.
        assert [tp.due.isoformat() for tp in result] == [
            "2026-03-27T02:30:00+01:00",
            "2026-03-28T02:30:00+01:00",
            "2026-03-29T03:30:00+02:00",
            "2026-03-30T02:30:00+02:00",
        ]


class TestAmbiguous:
    @pytest.mark.parametrize(
        ("zone", "day", "contact_time", "expected"),
        [
            # 02:00-03:00 happens twice on 2026-10-25 in Berlin: first at +02:00.
            ("Europe/Berlin", date(2026, 10, 25), "02:30", "2026-10-25T02:30:00+02:00"),
            # 01:00-02:00 happens twice on 2026-11-01 in New York: first at -04:00.
            ("America/New_York", date(2026, 11, 1), "01:30", "2026-11-01T01:30:00-04:00"),
            # Lord Howe falls back half an hour, 02:00 -> 01:30, on 2026-04-05.
            ("Australia/Lord_Howe", date(2026, 4, 5), "01:45", "2026-04-05T01:45:00+11:00"),
        ],
    )
    def test_takes_the_first_occurrence(
        self, zone: str, day: date, contact_time: str, expected: str
    ) -> None:
        due = due_at(zone, day, contact_time)
        assert due.isoformat() == expected
        # It is the earlier of the two instants with that wall-clock time.
        later = due.replace(fold=1)
        assert due.astimezone(UTC) < later.astimezone(UTC)


class TestOffsets:
    @pytest.mark.parametrize(
        ("zone", "expected"),
        [
            ("Asia/Kathmandu", timedelta(hours=5, minutes=45)),
            ("Pacific/Chatham", timedelta(hours=12, minutes=45)),
            ("America/St_Johns", -timedelta(hours=3, minutes=30)),
            ("UTC", timedelta(0)),
        ],
    )
    def test_odd_offsets_keep_the_wall_clock_time(self, zone: str, expected: timedelta) -> None:
        due = due_at(zone, date(2026, 7, 1), "10:00")
        assert (due.hour, due.minute) == (10, 0)
        # Chatham is at +12:45 in (southern) winter; St. John's at -02:30 in summer.
        summer = {"Pacific/Chatham": timedelta(0), "America/St_Johns": timedelta(hours=1)}
        assert due.utcoffset() == expected + summer.get(zone, timedelta(0))
