"""Zones at +00 in 2000, read by every reader as written, and feeds reaching year 1.

vobject takes a VTIMEZONE that is +00 on 1 January 2000 and has no transition from
2000 to 2019 for UTC and uses its own (pytz) data instead; here vobject reads the
feed as it comes, its zone registry cleared as a fresh process has it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import icalendar
import pytest
import vobject  # type: ignore[import-untyped]

from touchpoints import ExportOptions, Plan, Subject, TouchPoint, schedule, to_ical

OPTIONS = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
ZERO_ZONES = [
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Antarctica/Troll",
    "Africa/Casablanca",
]


def monthly(zone: str, start: date, count: int, at: str = "10:00") -> tuple[TouchPoint, ...]:
    plan = Plan.model_validate(
        {
            "plan": "p",
            "timezone": zone,
            "contact_time": at,
            "touchpoints": [
                {
                    "id": "r",
                    "title": "Monthly",
                    "channel": "call",
                    "every": "1 month",
                    "starting": "purchase",
                    "count": count,
                }
            ],
        }
    )
    return tuple(schedule(plan, Subject(id="s", anchors={"purchase": start})))


def plain_vobject(data: bytes) -> list[datetime]:
    getattr(vobject.icalendar, "__tzidMap").clear()
    calendar = vobject.readOne(data.decode())
    return sorted(event.dtstart.value.astimezone(UTC) for event in calendar.vevent_list)


def expected(tps: tuple[TouchPoint, ...]) -> list[datetime]:
    return sorted(tp.due.astimezone(UTC) for tp in tps if isinstance(tp.due, datetime))


def test_casablanca_december_2026_reads_at_nine_utc_in_vobject() -> None:
    tps = monthly("Africa/Casablanca", date(2026, 12, 1), 1)
    # Morocco is at +01 outside Ramadan: 10:00 local is 09:00 UTC.
    assert plain_vobject(to_ical(tps, options=OPTIONS)) == [datetime(2026, 12, 1, 9, tzinfo=UTC)]


@pytest.mark.parametrize("zone", ZERO_ZONES)
@pytest.mark.parametrize("start", [date(2024, 1, 10), date(2031, 6, 3)])
def test_zero_offset_zones_read_right_in_vobject(zone: str, start: date) -> None:
    # 40 months: several summers and, in Casablanca, several Ramadan periods.
    tps = monthly(zone, start, 40)
    assert plain_vobject(to_ical(tps, options=OPTIONS)) == expected(tps)


@pytest.mark.parametrize("zone", ZERO_ZONES)
@pytest.mark.parametrize("reader", ["icalendar", "recurring-ical-events", "vobject", "ical"])
def test_zero_offset_zones_read_right_in_every_reader(
    zone: str, reader: str, readers: dict[str, Callable[[bytes], list[tuple[str, str, date]]]]
) -> None:
    tps = monthly(zone, date(2025, 1, 10), 40)
    seen = sorted(start for _, _, start in readers[reader](to_ical(tps, options=OPTIONS)))
    assert seen == expected(tps)


def test_a_subject_in_year_one_does_not_break_the_export() -> None:
    tps = monthly("America/New_York", date(1, 1, 15), 2)
    data = to_ical(tps, options=OPTIONS)
    calendar = icalendar.Calendar.from_ical(data)
    assert [event.start for event in calendar.events] == [tp.due for tp in tps]
    assert b"DTSTART;TZID=America/New_York:00010115T100000" in data
