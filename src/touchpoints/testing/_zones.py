"""The time-zone strategy: IANA zone names, the hard ones first."""

from __future__ import annotations

from functools import lru_cache
from typing import Final
from zoneinfo import available_timezones

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
    skip = ("right/", "posix/")
    names = {
        name
        for name in available_timezones()
        if not name.startswith(skip) and name not in ("posixrules", "Factory", "localtime")
    }
    extra = sorted(names - set(_INTERESTING_ZONES))
    return (*_INTERESTING_ZONES, *extra)


def timezones() -> SearchStrategy[str]:
    """IANA time zone names, as plans and subjects take them.

    Zones where wall-clock arithmetic is hard come first, so they are drawn often
    and failures shrink to them: ``UTC``, DST zones such as ``Europe/Berlin``,
    half-hour DST (``Australia/Lord_Howe``), DST at midnight (``America/Santiago``),
    a quarter-hour offset (``Asia/Kathmandu``), a skipped day (``Pacific/Apia``).
    Every other zone the system knows can come out too.

    >>> from hypothesis import find
    >>> find(timezones(), lambda name: name.startswith("Australia/"))
    'Australia/Lord_Howe'
    """
    names = _zone_names()
    return st.one_of(st.sampled_from(names[: len(_INTERESTING_ZONES)]), st.sampled_from(names))
