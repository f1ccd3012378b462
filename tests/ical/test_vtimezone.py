"""The VTIMEZONE components: right offsets for every date in the feed, in the form
Outlook reads (RRULE observances, no RDATE).

The offsets are checked two ways. Whole feeds: the generated VTIMEZONE is read with
dateutil's independent RFC 5545 implementation (``dateutil.tz.tzical``) and compared
with the tz database (``zoneinfo``) every few hours across the range. The generator on
its own (:func:`touchpoints._ical.vtimezone.vtimezone_text`, a zone and a date range
in): every transition it states is expanded with dateutil's ``rrule`` and checked
against ``zoneinfo`` just before and at its instant, and the observance it puts in
force is checked against ``zoneinfo`` on a grid of instants across the range.
"""

from __future__ import annotations

import io
import itertools
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule, tz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar.timezone.tzid import get_equivalent_tzids

from touchpoints import ExportOptions, Rule, TouchPoint, to_ical
from touchpoints._ical.vtimezone import vtimezone_text
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


# --------------------------------------------------------------------------------------
# The generator on its own: every transition it states, checked against zoneinfo


class Stated(NamedTuple):
    """One transition a VTIMEZONE states: its instant, and the offsets and name of the
    observances before and after it."""

    instant: datetime  # aware, UTC
    offset_from: timedelta
    offset_to: timedelta
    name: str


def stated_transitions(text: str, horizon: datetime) -> list[Stated]:
    """Every onset of every observance up to ``horizon`` (naive local), read with
    icalendar and expanded with dateutil's rrule, sorted by instant.

    RFC 5545 compares ``UNTIL`` (in UTC) with the onset in UTC, so the rule is
    expanded without it and the onsets are cut there."""
    (timezone,) = Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{text}END:VCALENDAR\r\n").timezones
    found: list[Stated] = []
    for observance in timezone.subcomponents:
        start = observance.decoded("DTSTART")
        offset_from = observance.decoded("TZOFFSETFROM")
        offset_to = observance.decoded("TZOFFSETTO")
        name = str(observance.get("TZNAME"))
        onsets = [start]
        until: datetime | None = None
        if "RRULE" in observance:
            raw = observance["RRULE"].to_ical()
            recur = raw.decode() if isinstance(raw, bytes) else str(raw)
            parts = [part for part in recur.split(";") if not part.startswith("UNTIL=")]
            for part in recur.split(";"):
                if part.startswith("UNTIL="):
                    until = datetime.strptime(part[6:], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            onsets = list(
                rrule.rrulestr(";".join(parts), dtstart=start).between(start, horizon, inc=True)
            )
        for onset in onsets:
            instant = (onset - offset_from).replace(tzinfo=UTC)
            if until is not None and instant > until:
                break
            found.append(Stated(instant, offset_from, offset_to, name))
    found.sort(key=lambda t: t.instant)
    return found


def zoneinfo_at(zone: ZoneInfo, instant: datetime) -> tuple[timedelta | None, str | None]:
    local = instant.astimezone(zone)
    return local.utcoffset(), local.tzname()


def check_against_zoneinfo(key: str, first: date, last: date) -> int:
    """Check every stated transition from the first one in force at ``first`` to the
    end of ``last``'s year against zoneinfo, and the observance in force at a grid of
    instants across the range; the number of transitions checked."""
    zone = ZoneInfo(key)
    text = vtimezone_text(key, first, last)
    assert "RDATE" not in text
    horizon = datetime(last.year + 2, 1, 1)
    stated = stated_transitions(text, horizon)
    begin = datetime.combine(first, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
    in_force = [t for t in stated if t.instant <= begin]
    assert in_force, f"{key}: no observance in force on {first}"
    relevant = [in_force[-1], *(t for t in stated if begin < t.instant < end)]
    second = timedelta(seconds=1)
    for t in relevant[1:]:
        # Just before the transition the old observance holds, at it the new one.
        assert zoneinfo_at(zone, t.instant - second)[0] == t.offset_from, (key, t)
        assert zoneinfo_at(zone, t.instant) == (t.offset_to, t.name), (key, t)
        assert zoneinfo_at(zone, t.instant + timedelta(hours=1)) == (t.offset_to, t.name)
    # Between the stated transitions, nothing else happens.
    moment = begin
    index = 0
    while moment < end:
        while index + 1 < len(relevant) and relevant[index + 1].instant <= moment:
            index += 1
        force = relevant[index]
        assert zoneinfo_at(zone, moment) == (force.offset_to, force.name), (key, moment, force)
        moment += timedelta(hours=7, minutes=13)
    # And the transitions stated are all there are: zoneinfo, looked at once a day,
    # changes as often (no zone changes twice within a day).
    changes = 0
    moment = begin
    previous = zoneinfo_at(zone, moment)
    while moment < end:
        moment += timedelta(days=1)
        current = zoneinfo_at(zone, min(moment, end - second))  # the range ends before end
        changes += current != previous
        previous = current
    # (A transition may change only whether the time counts as daylight saving time,
    # such as Morocco's in 2018: zoneinfo's offset and name stay.)
    visible = sum(
        (later.offset_to, later.name) != (earlier.offset_to, earlier.name)
        for earlier, later in itertools.pairwise(relevant)
    )
    assert visible == changes, (key, relevant)
    return changes


@pytest.mark.parametrize(("first", "last"), RANGES)
@pytest.mark.parametrize("key", ZONES)
def test_stated_transitions_match_zoneinfo(key: str, first: date, last: date) -> None:
    changes = check_against_zoneinfo(key, first, last)
    if key in ("Europe/Berlin", "America/New_York", "Australia/Sydney"):
        assert changes >= 2 * (last.year - first.year)


def test_berlin_transitions_are_the_last_sundays_of_march_and_october() -> None:
    # Independent of zoneinfo: EU rules, 01:00 UTC on the last Sunday of March and
    # October.
    text = vtimezone_text("Europe/Berlin", date(2026, 1, 1), date(2027, 12, 31))
    instants = [t.instant for t in stated_transitions(text, datetime(2028, 1, 1))]
    assert [i for i in instants if i.year in (2026, 2027)] == [
        datetime(2026, 3, 29, 1, tzinfo=UTC),
        datetime(2026, 10, 25, 1, tzinfo=UTC),
        datetime(2027, 3, 28, 1, tzinfo=UTC),
        datetime(2027, 10, 31, 1, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("key", "first", "last"),
    [
        ("America/Sao_Paulo", date(2017, 1, 1), date(2021, 1, 1)),  # DST abolished in 2019
        ("Pacific/Apia", date(2011, 1, 1), date(2022, 1, 1)),  # skipped 30 December 2011
        ("Africa/Casablanca", date(2012, 1, 1), date(2020, 1, 1)),  # Ramadan breaks
        ("Europe/Moscow", date(2010, 1, 1), date(2016, 1, 1)),  # permanent offsets
        ("America/Godthab", date(2022, 1, 1), date(2025, 1, 1)),  # zone moved an hour
        ("Europe/Berlin", date(1960, 1, 1), date(1985, 1, 1)),  # before 1970
        ("Antarctica/Troll", date(2026, 1, 1), date(2028, 1, 1)),  # two-hour DST
    ],
)
def test_irregular_zones_match_zoneinfo(key: str, first: date, last: date) -> None:
    assert check_against_zoneinfo(key, first, last) > 0


def test_a_range_that_ends_the_midnight_before_a_transition_has_none() -> None:
    # Fortaleza's daylight time began at midnight on 2 November 1985, the instant
    # the range ending on 1 November stops: nothing changes inside it.
    assert check_against_zoneinfo("America/Fortaleza", date(1985, 3, 1), date(1985, 11, 1)) == 0


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(timezones(), st.integers(1971, 2095), st.integers(0, 6))
def test_any_zone_matches_zoneinfo(key: str, first_year: int, years: int) -> None:
    if key in UTC_KEYS:
        return
    check_against_zoneinfo(key, date(first_year, 3, 1), date(first_year + years, 11, 1))
