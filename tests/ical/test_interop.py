"""Four independent implementations read every export the same way as the schedule.

For each feed, icalendar, recurring-ical-events, vobject and ``ical`` must all find
exactly the schedule's UIDs at exactly the schedule's instants (dates for all-day
touch points). vobject converts local times with the file's own VTIMEZONE, so it
checks those; the others use the tz database.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from touchpoints import ExportOptions, Plan, Subject, TouchPoint, schedule, to_ical, write_ical

STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def expected(touch_points: list[TouchPoint], kind: str = "VEVENT") -> list[tuple[str, str, date]]:
    return sorted(
        (kind, tp.id, tp.due.astimezone(UTC) if isinstance(tp.due, datetime) else tp.due)
        for tp in touch_points
    )


def plan(contact_time: str | None, *rules: dict[str, Any]) -> Plan:
    return Plan.model_validate(
        {
            "plan": "p",
            "timezone": "Europe/Berlin",
            "contact_time": contact_time,
            "touchpoints": list(rules),
        }
    )


SERVICE = {
    "id": "service",
    "title": "Service",
    "channel": "visit",
    "every": "90 days",
    "starting": "purchase",
    "count": 16,
}
ONCE = {"id": "once", "title": "Call", "channel": "call", "at": "purchase"}
MONTHLY = {
    "id": "monthly",
    "title": "Monthly",
    "channel": "email",
    "every": "1 month",
    "starting": "purchase",
    "count": 30,
}


def feed_cases() -> list[Any]:
    def tps(p: Plan, *subjects: tuple[str | None, date]) -> list[TouchPoint]:
        return [
            tp
            for n, (zone, day) in enumerate(subjects)
            for tp in schedule(
                p, Subject(id=f"s{n}-{day}", timezone=zone, anchors={"purchase": day})
            )
        ]

    return [
        pytest.param(tps(plan("10:00", SERVICE), (None, date(2026, 1, 15))), id="berlin"),
        pytest.param(
            tps(plan("09:00", SERVICE, MONTHLY), ("Europe/Berlin", date(2039, 6, 1))),
            id="far-future-2040s",
        ),
        pytest.param(
            # 01:30 on 2026-11-01 happens twice in New York; 02:30 on 2026-03-08 does
            # not exist at all.
            tps(plan("01:30", ONCE), ("America/New_York", date(2026, 11, 1)))
            + tps(plan("02:30", ONCE), ("America/New_York", date(2026, 3, 8))),
            id="dst-fold-and-gap",
        ),
        pytest.param(
            tps(
                plan("02:00", MONTHLY),
                ("Europe/Berlin", date(2026, 1, 25)),
                ("America/New_York", date(2026, 1, 1)),
                ("Australia/Sydney", date(2026, 1, 5)),
            ),
            id="monthly-around-every-transition",
        ),
        pytest.param(
            tps(
                plan("02:15", MONTHLY),
                ("Australia/Lord_Howe", date(2026, 1, 4)),
                ("America/Santiago", date(2026, 1, 6)),
                ("Asia/Kathmandu", date(2026, 1, 6)),
                ("Asia/Tokyo", date(2026, 1, 6)),
            ),
            id="unusual-zones",
        ),
        pytest.param(
            tps(plan(None, SERVICE, MONTHLY), (None, date(2024, 2, 29)), (None, date(2041, 1, 31))),
            id="all-day",
        ),
    ]


@pytest.mark.parametrize("touch_points", feed_cases())
@pytest.mark.parametrize("reader", ["icalendar", "recurring-ical-events", "vobject", "ical"])
def test_every_reader_sees_the_schedule(
    touch_points: list[TouchPoint], reader: str, readers: dict[str, Any]
) -> None:
    data = to_ical(touch_points, options=ExportOptions(stamp=STAMP, alarm=timedelta(minutes=-10)))
    assert sorted(readers[reader](data)) == expected(touch_points)


@pytest.mark.parametrize("touch_points", feed_cases())
@pytest.mark.parametrize("reader", ["icalendar", "vobject", "ical"])
def test_every_reader_sees_the_to_dos(
    touch_points: list[TouchPoint], reader: str, readers: dict[str, Any]
) -> None:
    data = to_ical(
        touch_points,
        options=ExportOptions(stamp=STAMP, component="VTODO", alarm=timedelta(minutes=-10)),
    )
    assert sorted(readers[reader](data)) == expected(touch_points, "VTODO")


@pytest.mark.parametrize("reader", ["icalendar", "recurring-ical-events", "vobject", "ical"])
def test_ambiguous_time_is_its_first_occurrence_everywhere(
    reader: str, readers: dict[str, Any]
) -> None:
    (tp,) = schedule(
        plan("01:30", ONCE),
        Subject(id="c", timezone="America/New_York", anchors={"purchase": date(2026, 11, 1)}),
    )
    ((_, _, start),) = readers[reader](to_ical([tp], options=ExportOptions(stamp=STAMP)))
    # RFC 5545 3.3.5: the first 01:30 of the day, still on EDT (UTC-4).
    assert start == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize("touch_points", feed_cases())
@pytest.mark.parametrize("reader", ["icalendar", "recurring-ical-events", "vobject", "ical"])
def test_streamed_feed_with_time_zones_last_reads_the_same(
    touch_points: list[TouchPoint], reader: str, readers: dict[str, Any]
) -> None:
    out = io.BytesIO()
    write_ical(touch_points, out, options=ExportOptions(stamp=STAMP))
    if b"BEGIN:VTIMEZONE" in out.getvalue():
        assert out.getvalue().index(b"BEGIN:VEVENT") < out.getvalue().index(b"BEGIN:VTIMEZONE")
    assert sorted(readers[reader](out.getvalue())) == expected(touch_points)


@pytest.mark.parametrize("reader", ["icalendar", "recurring-ical-events", "vobject", "ical"])
def test_an_empty_feed_is_read_as_empty(reader: str, readers: dict[str, Any]) -> None:
    # RFC 5545 asks for at least one component; a subject with no touch points still
    # gets a feed, and every reader takes it as an empty calendar.
    assert readers[reader](to_ical([], options=ExportOptions(stamp=STAMP))) == []
