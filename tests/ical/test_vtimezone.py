"""The VTIMEZONE components: right offsets for every date in the feed, in the form
Outlook reads (RRULE observances, no RDATE).

The offsets are checked by reading the generated VTIMEZONE with dateutil's
independent RFC 5545 implementation (``dateutil.tz.tzical``) and comparing it with
the tz database (``zoneinfo``) at every few hours across the range.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar.timezone.tzid import get_equivalent_tzids

from touchpoints import ExportOptions, Rule, TouchPoint, to_ical
from touchpoints.testing import timezones

ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "Europe/Dublin",  # negative DST in the tz database
    "America/New_York",
    "America/Santiago",  # changes at midnight, southern hemisphere
    "America/Sao_Paulo",  # abolished DST in 2019
    "Australia/Sydney",
    "Australia/Lord_Howe",  # half-hour DST
    "Asia/Tokyo",  # no DST
    "Asia/Kathmandu",  # quarter-hour offset
    "Asia/Jerusalem",  # Friday before the last Sunday
    "Africa/Cairo",  # DST resumed in 2023, at midnight
    "Pacific/Apia",  # skipped a day in 2011, dropped DST in 2021
]
UTC_KEYS = frozenset(get_equivalent_tzids("UTC"))  # written in UTC, no VTIMEZONE
RANGES = [
    (date(2009, 6, 1), date(2013, 6, 1)),
    (date(2025, 1, 1), date(2031, 12, 31)),
    (date(2039, 3, 1), date(2042, 3, 1)),
]
RULE = Rule.model_validate({"id": "r", "title": "R", "channel": "call", "at": "purchase"})


def feed(key: str, first: date, last: date) -> str:
    zone = ZoneInfo(key)
    tps = [
        TouchPoint(
            "p",
            "r",
            "s",
            n,
            datetime.combine(day, datetime.min.time(), zone).replace(hour=12),
            RULE,
        )
        for n, day in enumerate((first, last), start=1)
    ]
    return to_ical(tps, options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))).decode()


def vtimezone(text: str) -> str:
    start = text.index("BEGIN:VTIMEZONE")
    end = text.index("END:VTIMEZONE") + len("END:VTIMEZONE\r\n")
    return text[start:end]


def unambiguous(wall: datetime, zone: ZoneInfo) -> bool:
    aware = wall.replace(tzinfo=zone)
    exists = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall
    return exists and aware.utcoffset() == aware.replace(fold=1).utcoffset()


@pytest.mark.parametrize(("first", "last"), RANGES)
@pytest.mark.parametrize("key", ZONES)
def test_offsets_match_the_tz_database(key: str, first: date, last: date) -> None:
    zone = ZoneInfo(key)
    text = vtimezone(feed(key, first, last))
    from_file = tz.tzical(io.StringIO(text)).get(key)
    wall = datetime.combine(first, datetime.min.time())
    checked = 0
    while wall.date() <= last:
        if unambiguous(wall, zone):
            assert (
                wall.replace(tzinfo=from_file).utcoffset() == wall.replace(tzinfo=zone).utcoffset()
            ), (key, wall)
            checked += 1
        wall += timedelta(hours=5, minutes=7)
    assert checked > 1000


@pytest.mark.parametrize("key", ZONES)
def test_observances_use_rrule_never_rdate(key: str) -> None:
    text = vtimezone(feed(key, date(2026, 1, 1), date(2030, 1, 1)))
    assert "RDATE" not in text
    (timezone,) = Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{text}END:VCALENDAR\r\n").timezones
    observances = timezone.subcomponents
    assert observances
    # A zone with DST in force gets exactly one open-ended STANDARD and DAYLIGHT
    # rule, which is what Outlook expects.
    open_rules = [o for o in observances if "RRULE" in o and "UNTIL" not in o.get("RRULE")]
    if any(o.name == "DAYLIGHT" for o in observances if o.decoded("DTSTART").year >= 2027):
        assert sorted(o.name for o in open_rules) == ["DAYLIGHT", "STANDARD"]
        assert len(observances) == 2


def test_zone_without_dst_is_one_standard_observance() -> None:
    text = vtimezone(feed("Asia/Tokyo", date(2026, 1, 1), date(2030, 1, 1)))
    assert text.count("BEGIN:STANDARD") == 1
    assert "BEGIN:DAYLIGHT" not in text
    # What was in force before 1970 does not matter to the feed.
    assert "DTSTART:19700101T000000" in text
    assert "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900" in text


def test_rule_change_inside_the_range_closes_the_old_rule() -> None:
    # The United States moved DST to March-November in 2007.
    text = vtimezone(feed("America/New_York", date(2005, 6, 1), date(2009, 6, 1)))
    assert "RRULE:FREQ=YEARLY;UNTIL=20060402T070000Z;BYDAY=1SU;BYMONTH=4" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in text


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(timezones(), st.integers(1971, 2095), st.integers(0, 6))
def test_any_zone_any_years(key: str, first_year: int, years: int) -> None:
    zone = ZoneInfo(key)
    first, last = date(first_year, 3, 1), date(first_year + years, 11, 1)
    text = vtimezone(feed(key, first, last)) if key not in UTC_KEYS else None
    if text is None:
        return
    assert "RDATE" not in text
    from_file = tz.tzical(io.StringIO(text)).get(key)
    wall = datetime.combine(first, datetime.min.time())
    while wall.date() <= last:
        if unambiguous(wall, zone):
            assert (
                wall.replace(tzinfo=from_file).utcoffset() == wall.replace(tzinfo=zone).utcoffset()
            ), (key, wall)
        wall += timedelta(hours=17, minutes=31)
