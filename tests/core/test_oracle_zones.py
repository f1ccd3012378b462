"""Due instants of timed touch points, read back with zoneinfo from UTC to local.

The oracle never turns a local time into an instant: it only reads instants in the
zone (``instant.astimezone(zone)``), which is the direction every implementation
agrees on. From such readings it finds the zone's transitions near a planned wall
time and says, by RFC 5545 section 3.3.5, which instant the touch point must have:

- a wall time that occurs once: that instant;
- one that occurs twice (a fold): the first;
- one that does not occur (a gap): the wall time read with the offset in force
  before the gap, so that it shows the time moved forward by the gap.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from touchpoints import Subject, parse_plan, schedule

ZONES = (
    "Australia/Lord_Howe",  # DST of 30 minutes
    "Pacific/Apia",  # skipped 2011-12-30
    "America/Sao_Paulo",  # DST at midnight, until 2019
    "America/Havana",  # DST at midnight
    "Africa/Casablanca",  # DST taken back for Ramadan
    "Pacific/Chatham",  # +12:45 / +13:45
    "Antarctica/Troll",  # +00 / +02
    "Europe/Dublin",  # negative DST in tzdata
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kathmandu",  # +05:45, once +05:30
)
FIRST_YEAR, LAST_YEAR = 1990, 2040


def local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The wall-clock time ``instant`` shows in ``zone``."""
    return instant.astimezone(zone).replace(tzinfo=None)


def offset(instant: datetime, zone: ZoneInfo) -> timedelta:
    value = instant.astimezone(zone).utcoffset()
    assert value is not None
    return value


@cache
def transitions(name: str) -> tuple[tuple[datetime, timedelta, timedelta], ...]:
    """Every (UTC instant, offset before, offset after) in the years tested, found by
    reading the zone at every UTC noon and bisecting each change to the second."""
    zone = ZoneInfo(name)
    found = []
    day = datetime(FIRST_YEAR, 1, 1, 12, tzinfo=UTC)
    last = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
    before = offset(day, zone)
    while day < last:
        after = offset(day + timedelta(days=1), zone)
        if after != before:
            low, high = day, day + timedelta(days=1)  # offset(low) == before
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if offset(middle, zone) == before:
                    low = middle
                else:
                    high = middle
            found.append((high, before, after))
        before = after
        day += timedelta(days=1)
    return tuple(found)


def expected_instant(wall: datetime, name: str) -> datetime:
    """The instant RFC 5545 gives ``wall`` in zone ``name``, from UTC readings only."""
    zone = ZoneInfo(name)
    near = [
        t for t in transitions(name) if abs(t[0] - wall.replace(tzinfo=UTC)) < timedelta(days=2)
    ]
    offsets = {offset(wall.replace(tzinfo=UTC), zone)} | {o for t in near for o in t[1:]}
    readings = sorted(
        instant for o in offsets if local(instant := (wall - o).replace(tzinfo=UTC), zone) == wall
    )
    if readings:
        return readings[0]  # the only one, or the first of a fold
    (gap,) = [
        (at, before)
        for at, before, after in near
        if at.replace(tzinfo=None) + before <= wall < at.replace(tzinfo=None) + after
    ]
    return (wall - gap[1]).replace(tzinfo=UTC)


def due_instants(
    name: str, purchase: date, contact_time: time, rule: dict[str, object]
) -> list[datetime]:
    plan = parse_plan(
        {
            "plan": "oracle",
            "contact_time": contact_time.strftime("%H:%M"),
            "touchpoints": [{"id": "r", "title": "Contact", "channel": "call", **rule}],
        }
    )
    result = schedule(plan, Subject(id="s", timezone=name, anchors={"purchase": purchase}))
    instants = [tp.due for tp in result]
    assert all(isinstance(due, datetime) and due.utcoffset() is not None for due in instants)
    return [due.astimezone(UTC) for due in instants if isinstance(due, datetime)]


def check_reading(instant: datetime, wall: datetime, name: str) -> None:
    """The planned wall time is what the instant shows, or later by a gap's length."""
    zone = ZoneInfo(name)
    shown = local(instant, zone)
    if shown != wall:
        gaps = [
            after - before
            for at, before, after in transitions(name)
            if at.replace(tzinfo=None) + before <= wall < at.replace(tzinfo=None) + after
        ]
        assert gaps == [shown - wall], (name, wall, shown)


@st.composite
def near_transitions(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone and a whole-minute wall time within a few hours of one of its changes."""
    name = draw(st.sampled_from([zone for zone in ZONES if transitions(zone)]))
    at, before, _ = draw(st.sampled_from(transitions(name)))
    minutes = draw(
        st.integers(-4 * 60, 4 * 60) | st.sampled_from([-60, -30, -1, 0, 1, 29, 30, 59, 60, 61, 90])
    )
    wall = at.replace(tzinfo=None) + before + timedelta(minutes=minutes)
    return name, wall.replace(second=0)


@given(near_transitions())
def test_a_single_touch_point_is_at_the_rfc_5545_instant(case: tuple[str, datetime]) -> None:
    name, wall = case
    (instant,) = due_instants(name, wall.date(), wall.time(), {"at": "purchase"})
    assert instant == expected_instant(wall, name)
    check_reading(instant, wall, name)


@given(near_transitions(), st.integers(1, 3))
def test_a_daily_series_across_a_change_reads_its_contact_time(
    case: tuple[str, datetime], back: int
) -> None:
    # A series that starts days before the change and walks through it.
    name, wall = case
    first = wall - timedelta(days=back)
    rule = {"every": "1 day", "starting": "purchase", "count": back + 2}
    instants = due_instants(name, first.date(), first.time(), rule)
    walls = [first + timedelta(days=k) for k in range(back + 2)]
    assert instants == [expected_instant(w, name) for w in walls]
    for instant, w in zip(instants, walls, strict=True):
        check_reading(instant, w, name)


@given(
    st.sampled_from(ZONES),
    st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31)),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_any_day_and_time_is_at_the_rfc_5545_instant(name: str, day: date, at: time) -> None:
    wall = datetime.combine(day, at)
    rule = {"every": "1 month", "starting": "purchase", "count": 3}
    instants = due_instants(name, day, at, rule)
    walls = [wall + relativedelta(months=k) for k in range(3)]
    assert instants == [expected_instant(w, name) for w in walls]


@pytest.mark.parametrize("name", ZONES)
def test_the_oracle_finds_changes_in_every_zone(name: str) -> None:
    # Each zone listed changed its clocks in the years tested (Kathmandu in 1986 only,
    # so it has none: it stands for a plain offset of 45 minutes).
    assert (len(transitions(name)) > 0) == (name != "Asia/Kathmandu")


@pytest.mark.parametrize(
    ("name", "wall", "utc"),
    [
        # Apia skipped 2011-12-30: 10:00 shows as 10:00 on the 31st (+14:00).
        ("Pacific/Apia", datetime(2011, 12, 30, 10), datetime(2011, 12, 30, 20)),
        # Lord Howe moves 02:00 to 02:30: 02:15 is read at +10:30 and shows 02:45.
        ("Australia/Lord_Howe", datetime(2026, 10, 4, 2, 15), datetime(2026, 10, 3, 15, 45)),
        # Dublin's 01:30 happens twice on 2026-10-25; the first is summer time (+01:00).
        ("Europe/Dublin", datetime(2026, 10, 25, 1, 30), datetime(2026, 10, 25, 0, 30)),
        # Berlin, as docs/concepts.md says: 02:30 becomes 03:30 summer time.
        ("Europe/Berlin", datetime(2026, 3, 29, 2, 30), datetime(2026, 3, 29, 1, 30)),
        # Troll jumps from +00 to +02 at 01:00 UTC: 01:30 is read at +00 and shows 03:30.
        ("Antarctica/Troll", datetime(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 1, 30)),
    ],
)
def test_hand_checked_instants(name: str, wall: datetime, utc: datetime) -> None:
    assert expected_instant(wall, name) == utc.replace(tzinfo=UTC)  # the oracle itself
    (instant,) = due_instants(name, wall.date(), wall.time(), {"at": "purchase"})
    assert instant == utc.replace(tzinfo=UTC)
