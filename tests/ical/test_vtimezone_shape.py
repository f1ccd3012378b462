"""The VTIMEZONE shape docs/ical.md promises, over every zone of the tzdata package."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from touchpoints._ical.vtimezone import vtimezone_text

# The tzdata package's own list, not the zones this machine happens to have.
ALL_ZONES = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
# Zones whose changes cannot be written as yearly rules (docs/ical.md): Egypt's summer
# ends at midnight after the last Thursday of October, which is 1 November in some
# years; Morocco follows Ramadan; Palestine sets its dates year by year.
IRREGULAR = frozenset(
    {"Africa/Cairo", "Egypt", "Africa/Casablanca", "Africa/El_Aaiun", "Asia/Gaza", "Asia/Hebron"}
)


def changes_in(key: str, year: int) -> bool:
    zone = ZoneInfo(key)
    start = datetime(year, 1, 1, tzinfo=UTC)
    offsets = {(start + timedelta(days=d)).astimezone(zone).utcoffset() for d in range(0, 366, 3)}
    return len(offsets) > 1


def test_the_zone_list_is_the_packages() -> None:
    assert len(ALL_ZONES) > 500
    assert "Africa/Cairo" in ALL_ZONES


def test_every_zone_with_yearly_rules_ends_in_one_open_standard_and_daylight() -> None:
    broken = []
    for key in ALL_ZONES:
        if key in IRREGULAR or not changes_in(key, 2044):
            continue
        text = vtimezone_text(key, date(2026, 1, 1), date(2045, 12, 31))
        (timezone,) = Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{text}END:VCALENDAR\r\n").timezones
        open_rules = sorted(
            o.name for o in timezone.subcomponents if "RRULE" in o and "UNTIL" not in o.get("RRULE")
        )
        later = [o for o in timezone.subcomponents if o.decoded("DTSTART").year > 2026]
        if open_rules != ["DAYLIGHT", "STANDARD"] or later:
            broken.append(key)
    assert broken == []


@pytest.mark.parametrize("key", sorted(IRREGULAR))
def test_the_irregular_zones_are_irregular(key: str) -> None:
    # Each listed exception really does change in 2044, and really lacks the shape.
    assert changes_in(key, 2044)
    text = vtimezone_text(key, date(2026, 1, 1), date(2045, 12, 31))
    assert text.count("BEGIN:STANDARD") + text.count("BEGIN:DAYLIGHT") > 2
    assert "RDATE" not in text
