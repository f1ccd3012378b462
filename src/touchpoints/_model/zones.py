"""Calendar policy: time zones, wall-clock times and the DST rules.

This is the one place that decides how a local date and time becomes an instant.
"""

from __future__ import annotations

import difflib
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from importlib import resources
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from touchpoints._errors import ScheduleError

__all__ = ["day_of", "day_start", "localize", "to_local_date", "to_wall", "zone_for"]

Wall = date | datetime
"""A local wall-clock value: a naive datetime for timed plans, a date for all-day ones."""

_ZONE_HELP: Final = "use an IANA time zone name such as 'Europe/Berlin' or 'America/New_York'"


def zone_for(key: str) -> ZoneInfo:
    """The IANA zone called ``key``, one of the names the ``tzdata`` package lists.

    Names that only the machine's zone directory knows (``localtime``,
    ``posixrules``) are refused: they mean something else on every machine.

    Raises:
        ValueError: no such zone; the message suggests the closest names.

    >>> zone_for("Europe/Berlin")
    zoneinfo.ZoneInfo(key='Europe/Berlin')
    >>> zone_for("localtime")
    Traceback (most recent call last):
    ...
    ValueError: unknown time zone 'localtime': it names the machine's own zone, which
    differs from machine to machine (use an IANA time zone name such as 'Europe/Berlin'
    or 'America/New_York')
    """
    if key in _zone_set():
        try:
            return ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    close = _close_zone_names(key)
    hint = f"; did you mean {' or '.join(repr(name) for name in close)}?" if close else ""
    if not close and key.strip().lower() in _MACHINE_ZONES:
        hint = ": it names the machine's own zone, which differs from machine to machine"
    raise ValueError(f"unknown time zone {key!r}{hint} ({_ZONE_HELP})")


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    """The zone names of the IANA database as the ``tzdata`` package lists them (not
    the system's zone directory, which differs from machine to machine), without the
    placeholder ``Factory``."""
    listing = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return tuple(
        sorted({line.strip() for line in listing.splitlines() if line.strip()} - {"Factory"})
    )


@lru_cache(maxsize=1)
def _zone_set() -> frozenset[str]:
    return frozenset(_zone_names())


_MACHINE_ZONES: Final = frozenset({"localtime", "posixrules", "factory"})


def _close_zone_names(key: str) -> list[str]:
    names = _zone_names()
    for prefix in ("posix/", "right/"):  # the system's copies of the same zones
        if key.startswith(prefix) and key[len(prefix) :] in _zone_set():
            return [key[len(prefix) :]]
    by_lower = {name.lower(): name for name in names}
    if key.lower() in by_lower:
        return [by_lower[key.lower()]]
    return difflib.get_close_matches(key, names, n=2, cutoff=0.6)


def day_of(value: date) -> date:
    """The calendar date of a date or of a (wall-clock) datetime, as it reads.

    >>> day_of(date(2026, 1, 15)), day_of(datetime(2026, 1, 15, 10))
    (datetime.date(2026, 1, 15), datetime.date(2026, 1, 15))
    """
    return value.date() if isinstance(value, datetime) else value


def to_wall(day: date, contact_time: time | None) -> Wall:
    """The wall-clock value for a date: the date itself, or the date at the contact time.

    >>> to_wall(date(2026, 1, 15), time(10))
    datetime.datetime(2026, 1, 15, 10, 0)
    """
    return day if contact_time is None else datetime.combine(day, contact_time)


def localize(wall: datetime, zone: ZoneInfo) -> datetime:
    """Attach ``zone`` to a naive wall-clock time, following RFC 5545 section 3.3.5.

    A time that falls in a gap (clocks jump forward) moves forward by the length of
    the gap; an ambiguous time (clocks fall back) takes its first occurrence.

    >>> berlin = zone_for("Europe/Berlin")
    >>> localize(datetime(2026, 3, 29, 2, 30), berlin).isoformat()  # in the gap
    '2026-03-29T03:30:00+02:00'
    >>> localize(datetime(2026, 10, 25, 2, 30), berlin).isoformat()  # ambiguous
    '2026-10-25T02:30:00+02:00'
    """
    before = zone.utcoffset(wall)
    after = zone.utcoffset(wall.replace(fold=1))
    if before is not None and after is not None and before < after:
        # In a gap, fold=0 reads the wall time with the offset from before the
        # transition and fold=1 with the one after; their difference is the gap.
        wall = wall + (after - before)
    return wall.replace(tzinfo=zone)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of ``day`` in ``zone``: the earliest instant whose local date
    is ``day`` (or, for a day the zone skipped, the first one after it).

    It is midnight, but where the zone skipped midnight (the day starts at the end of
    the gap) and where midnight came twice (the day starts at the first one).

    >>> day_start(date(2018, 11, 4), zone_for("America/Sao_Paulo")).isoformat()
    '2018-11-04T01:00:00-02:00'
    >>> day_start(date(2026, 11, 1), zone_for("America/Havana")).isoformat()
    '2026-11-01T00:00:00-04:00'
    >>> day_start(date(2011, 12, 30), zone_for("Pacific/Apia")).isoformat()
    '2011-12-31T00:00:00+14:00'
    """
    midnight = datetime.combine(day, time())
    first = zone.utcoffset(midnight)
    second = zone.utcoffset(midnight.replace(fold=1))
    assert first is not None
    assert second is not None
    if first >= second:  # midnight exists (once, or twice: then fold 0 is the first)
        return midnight.replace(tzinfo=zone)
    # Midnight is in a gap: the day starts at the transition, the one instant
    # between midnight read with the offset after the gap and with the one before.
    low = (midnight - second).replace(tzinfo=UTC)  # local time before midnight
    high = (midnight - first).replace(tzinfo=UTC)  # local time at or after midnight
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).replace(tzinfo=None) < midnight:
            low = middle
        else:
            high = middle
    return high.astimezone(zone)


def to_local_date(value: date, zone: ZoneInfo) -> date:
    """The local calendar date of an anchor value: a date as it is, a datetime as its
    date in ``zone`` (an aware one converted first, a naive one taken as local).

    Raises:
        ScheduleError: the date in ``zone`` is before the year 1 or after 9999.

    >>> from datetime import UTC
    >>> to_local_date(datetime(2026, 1, 15, 23, 30, tzinfo=UTC), zone_for("Europe/Berlin"))
    datetime.date(2026, 1, 16)
    """
    if type(value) is date:
        return value
    assert isinstance(value, datetime)
    if value.tzinfo is None:
        return value.date()
    try:
        return value.astimezone(zone).date()
    except OverflowError:
        pass
    # The conversion passes through UTC, which can leave the calendar near its ends
    # while the local date does not: convert two days further in, and back.
    shift = timedelta(days=2 if value.year == 1 else -2)
    try:
        return ((value + shift).astimezone(zone) - shift).date()
    except OverflowError:
        raise ScheduleError(
            f"{value.isoformat()} falls outside the years 1 to 9999 in {zone.key}; "
            "give a date within them"
        ) from None
