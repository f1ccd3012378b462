"""A day's first instant comes from the zone, not from 00:00 (checked from UTC to local).

A window end at the first instant of a day leaves that day's all-day touch points
out; an end one moment later takes them in. The oracle reads zoneinfo from UTC to
local time, minute by minute, for the first instant whose local date is the day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchpoints import Subject, parse_plan, schedule
from touchpoints._model import day_start

AWKWARD = (
    "America/Sao_Paulo",
    "America/Havana",
    "America/Santiago",
    "America/Asuncion",
    "Asia/Tehran",
    "Africa/Cairo",
    "Pacific/Apia",
    "America/Godthab",
    "Europe/Berlin",
    "Australia/Lord_Howe",
)


def first_instant_from_utc(day: date, zone: ZoneInfo) -> datetime:
    """The earliest UTC instant whose local date in ``zone`` is ``day`` or later."""
    moment = datetime.combine(day, datetime.min.time(), UTC) - timedelta(hours=15)
    step = timedelta(minutes=1)
    while moment.astimezone(zone).date() < day:
        moment += step
    # Transitions of the zones here fall on whole minutes; check the seconds anyway.
    back = moment - timedelta(seconds=1)
    while back.astimezone(zone).date() >= day:
        moment, back = back, back - timedelta(seconds=1)
    return moment


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/Sao_Paulo", date(2018, 11, 4)),
        ("America/Havana", date(2026, 11, 1)),
        ("America/Havana", date(2026, 3, 8)),
        ("Pacific/Apia", date(2011, 12, 30)),
        ("Pacific/Apia", date(2011, 12, 31)),
        ("Asia/Tehran", date(2022, 3, 22)),
    ],
)
def test_a_day_starts_at_its_first_instant(zone: str, day: date) -> None:
    tz = ZoneInfo(zone)
    # In UTC: an aware datetime in a fold never equals one of another zone (PEP 495).
    assert day_start(day, tz).astimezone(UTC) == first_instant_from_utc(day, tz)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(AWKWARD),
    st.dates(min_value=date(1975, 1, 1), max_value=date(2035, 12, 31)),
)
def test_day_start_is_the_first_instant_read_from_utc(zone: str, day: date) -> None:
    tz = ZoneInfo(zone)
    start = day_start(day, tz)
    assert start.astimezone(UTC) == first_instant_from_utc(day, tz)
    assert start.astimezone(tz).date() >= day


def all_day_dues(zone: str, purchase: date, end: datetime) -> list[date]:
    plan = parse_plan(
        {
            "plan": "p",
            "touchpoints": [{"id": "r", "title": "Contact", "channel": "call", "at": "purchase"}],
        }
    )
    subject = Subject(id="s", timezone=zone, anchors={"purchase": purchase})
    window = schedule(plan, subject, start=purchase - timedelta(days=3), end=end)
    return [tp.due for tp in window]


@pytest.mark.parametrize(
    ("zone", "day"),
    [("America/Sao_Paulo", date(2018, 11, 4)), ("America/Havana", date(2026, 11, 1))],
)
def test_an_aware_window_end_at_a_day_start_leaves_the_day_out(zone: str, day: date) -> None:
    tz = ZoneInfo(zone)
    first = first_instant_from_utc(day, tz)
    assert all_day_dues(zone, day, first) == []
    assert all_day_dues(zone, day, first + timedelta(seconds=1)) == [day]


def test_the_second_midnight_of_havana_is_inside_the_day() -> None:
    # Clocks fell back from 01:00 to 00:00 on 2026-11-01: the second midnight (at
    # -05:00) is an hour into the day, so a window ending then holds the day.
    second_midnight = datetime(2026, 11, 1, 5, tzinfo=UTC)
    local = second_midnight.astimezone(ZoneInfo("America/Havana"))
    assert (local.hour, local.minute, local.fold) == (0, 0, 1)
    assert all_day_dues("America/Havana", date(2026, 11, 1), second_midnight) == [date(2026, 11, 1)]


def test_sao_paulo_has_no_midnight_on_2018_11_04() -> None:
    # Clocks jumped from 00:00 to 01:00: the day starts at 01:00 (-02:00), 03:00 UTC.
    assert first_instant_from_utc(date(2018, 11, 4), ZoneInfo("America/Sao_Paulo")) == datetime(
        2018, 11, 4, 3, tzinfo=UTC
    )
