"""UTC offsets of time zones as arrays: wall-clock seconds to instants, vectorised.

A zone's offsets are found once per (zone, year) from ``zoneinfo`` and kept as
transition tables; placing a wall-clock time is then a binary search. The placement
is the one RFC 5545 (section 3.3.5) gives and ``touchpoints.schedule`` uses: a time
in a gap moves forward by the gap, a time in a fold takes its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

__all__ = ["EPOCH", "ZoneTables", "year_of_seconds"]

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_DAY: Final = 86_400
# Seconds from 0001-01-01 to 1970-01-01: walls are shifted by this to be positive,
# and each zone gets its own band of _BAND seconds in the combined search table.
_SHIFT: Final = 62_135_596_800
_BAND: Final = 1 << 39

Int64s = npt.NDArray[np.int64]


def year_of_seconds(seconds: Int64s) -> Int64s:
    """The calendar year of seconds since 1970 (UTC or wall clock)."""
    days = (seconds // _DAY).astype("datetime64[D]")
    return days.astype("datetime64[Y]").astype(np.int64) + 1970


def _offset(zone: ZoneInfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


@lru_cache(maxsize=8_192)
def _year(key: str, year: int) -> tuple[int, tuple[tuple[int, int], ...]]:
    """The offset at the start of ``year`` (UTC) and the year's transitions, as
    (first second of the new offset since 1970, new offset in seconds)."""
    zone = ZoneInfo(key)
    start = datetime(year, 1, 1, tzinfo=UTC)
    days = (datetime(year + 1, 1, 1, tzinfo=UTC) - start).days if year < 9999 else 365
    try:
        first = _offset(zone, start)
    except OverflowError:  # pragma: no cover - the first instant of year 1
        first = _offset(zone, start + timedelta(days=1))
    transitions: list[tuple[int, int]] = []
    previous, low = first, start
    for day in range(1, days + 1):
        moment = start + timedelta(days=day)
        try:
            current = _offset(zone, moment)
        except OverflowError:  # pragma: no cover - the last day of year 9999
            break
        if current != previous:
            # Bisect to the second: the first instant with the new offset.
            a, b = 0, int((moment - low).total_seconds())
            while b - a > 1:
                middle = (a + b) // 2
                if _offset(zone, low + timedelta(seconds=middle)) == previous:
                    a = middle
                else:
                    b = middle
            instant = low + timedelta(seconds=b)
            transitions.append((int((instant - EPOCH).total_seconds()), current))
            previous = current
        low = moment
    return first, tuple(transitions)


class ZoneTables:
    """Transition tables for some zones over some years, searchable for all at once.

    >>> import numpy as np
    >>> tables = ZoneTables(("Europe/Berlin",), 2026, 2026)
    >>> wall = np.array([1774751400], dtype=np.int64)  # 2026-03-29 02:30 wall clock
    >>> utc, local = tables.place(np.zeros(1, dtype=np.int64), wall)
    >>> int(utc[0] - wall[0]) // 3600, int(local[0] - wall[0]) // 3600  # -1 h, +1 h
    (-1, 1)
    """

    def __init__(self, keys: tuple[str, ...], first_year: int, last_year: int) -> None:
        self.keys = keys
        first_year, last_year = max(first_year, 1), min(last_year, 9999)
        utc_edges: list[int] = []
        fold0_edges: list[int] = []
        fold1_edges: list[int] = []
        offsets: list[int] = []
        for code, key in enumerate(keys):
            base = code * _BAND
            start_offset, _ = _year(key, first_year)
            # A band starts with the offset in force before the first transition.
            utc_edges.append(base)
            fold0_edges.append(base)
            fold1_edges.append(base)
            offsets.append(start_offset)
            before = start_offset
            for year in range(first_year, last_year + 1):
                for instant, after in _year(key, year)[1]:
                    edge = instant + _SHIFT + base
                    utc_edges.append(edge)
                    # fold=0 reads the old offset through a gap and through a fold;
                    # fold=1 reads the new one through both.
                    fold0_edges.append(edge + max(before, after))
                    fold1_edges.append(edge + min(before, after))
                    offsets.append(after)
                    before = after
        self._utc = np.array(utc_edges, dtype=np.int64)
        self._fold0 = np.array(fold0_edges, dtype=np.int64)
        self._fold1 = np.array(fold1_edges, dtype=np.int64)
        self._offsets = np.array(offsets, dtype=np.int64)

    def _lookup(self, edges: Int64s, codes: Int64s, seconds: Int64s) -> Int64s:
        position = np.searchsorted(edges, codes * _BAND + (seconds + _SHIFT), side="right") - 1
        result: Int64s = self._offsets[position]
        return result

    def place(self, codes: Int64s, walls: Int64s) -> tuple[Int64s, Int64s]:
        """The instant (seconds since 1970, UTC) and the local wall-clock seconds of
        each wall-clock time in zone ``codes``: gaps move forward, folds take the first.
        """
        before = self._lookup(self._fold0, codes, walls)
        after = self._lookup(self._fold1, codes, walls)
        utc = walls - before
        local = walls + np.maximum(after - before, 0)
        return utc, local

    def local(self, codes: Int64s, instants: Int64s) -> Int64s:
        """The local wall-clock seconds of instants (seconds since 1970, UTC)."""
        return instants + self._lookup(self._utc, codes, instants)
