"""``localize`` agrees with an independent reference built on the UTC round trip.

The reference places a wall time with ``fold=0``, converts to UTC and back: in a gap
that yields the wall time moved forward by the gap, anywhere else the time itself
(RFC 5545 section 3.3.5). ``localize`` computes the same from two ``utcoffset`` calls.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from touchpoints._model import localize

DST_ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",  # half-hour DST
    "America/Santiago",  # transitions at midnight
    "America/Havana",
    "Europe/Dublin",  # negative DST in tzdata
    "Africa/Casablanca",
    "Pacific/Apia",  # skipped a whole day in 2011
)


def reference(wall: datetime, zone: ZoneInfo) -> datetime:
    aware = wall.replace(tzinfo=zone)
    roundtrip = aware.astimezone(UTC).astimezone(zone)
    return roundtrip if roundtrip.replace(tzinfo=None) != wall else aware


@given(
    zone=st.sampled_from(DST_ZONES).map(ZoneInfo),
    wall=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31)),
)
def test_localize_matches_utc_round_trip(zone: ZoneInfo, wall: datetime) -> None:
    wall = wall.replace(second=0, microsecond=0)
    got, expected = localize(wall, zone), reference(wall, zone)
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()
    assert got.replace(tzinfo=None) == expected.replace(tzinfo=None)


def test_every_quarter_hour_around_transitions_matches() -> None:
    # Exhaustive over the days of the year where clocks change, in every listed zone.
    for name in DST_ZONES:
        zone = ZoneInfo(name)
        day = datetime(2024, 1, 1)
        while day.year == 2024:
            if zone.utcoffset(day) != zone.utcoffset(day + timedelta(days=1)):
                for quarter in range(4 * 48):
                    wall = day + timedelta(minutes=15 * quarter)
                    assert localize(wall, zone) == reference(wall, zone), (name, wall)
            day += timedelta(days=1)
