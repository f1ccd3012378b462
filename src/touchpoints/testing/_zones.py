"""The time-zone strategy: IANA zone names, the hard ones first."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Final

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

# Zones where wall-clock arithmetic is interesting: DST at odd hours or by odd
# amounts, offsets that are not whole hours, a skipped calendar day (Pacific/Apia,
# 2011-12-30), negative DST (Europe/Dublin), transitions at midnight.
_INTERESTING_ZONES: Final = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Apia",
    "America/Havana",
    "Africa/Casablanca",
    "Europe/Dublin",
    "Antarctica/Troll",
    "America/St_Johns",
    "Asia/Tehran",
    "Pacific/Kiritimati",
    "America/Sao_Paulo",
    "Europe/London",
    "Australia/Adelaide",
    "America/Los_Angeles",
    "Asia/Kolkata",
)


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    """The hard zones first, then every other zone the tzdata package lists, sorted.

    The names come from tzdata's own list, not from
    :func:`zoneinfo.available_timezones`, which adds whatever the system's zone
    directories hold: so the list, and what a seed draws, is the same on every
    machine with the same tzdata."""
    listing = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    names = {line.strip() for line in listing.splitlines() if line.strip()} - {"Factory"}
    return (*_INTERESTING_ZONES, *sorted(names - set(_INTERESTING_ZONES)))


def timezones() -> SearchStrategy[str]:
    """IANA time zone names, as plans and subjects take them.

    Zones where wall-clock arithmetic is hard come first, so they are drawn often
    and failures shrink to them: ``UTC``, DST zones such as ``Europe/Berlin``,
    half-hour DST (``Australia/Lord_Howe``), DST at midnight (``America/Santiago``),
    a quarter-hour offset (``Asia/Kathmandu``), a skipped day (``Pacific/Apia``).
    Every other zone of the IANA database in the ``tzdata`` package can come out
    too; zones the system has installed besides those never do, so the same seed
    draws the same zones on every machine.

    >>> from zoneinfo import ZoneInfo
    >>> from hypothesis import find, given, settings
    >>> steady = settings(max_examples=2_000, derandomize=True, database=None, deadline=None)
    >>> find(timezones(), lambda name: True, settings=steady)
    'UTC'
    >>> find(timezones(), lambda name: name == "Pacific/Apia", settings=steady)
    'Pacific/Apia'
    >>> @settings(steady, max_examples=50)
    ... @given(timezones())
    ... def test_every_zone_loads(name):
    ...     assert ZoneInfo(name).key == name
    >>> test_every_zone_loads()
    """
    names = _zone_names()
    return st.one_of(st.sampled_from(names[: len(_INTERESTING_ZONES)]), st.sampled_from(names))
