"""The per-call cache of computed keys: later batches reuse what earlier ones computed.

A key (zone and anchor dates) is encoded in one int64 the same way in every batch,
so a stream of small batches shares computed touch points as one large batch would,
as ``touchpoints.schedule_many`` shares them between subjects. The cache is bounded:
past its size it starts again empty, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from touchpoints.batch._vector import MAX_DAY, MIN_DAY, KeyRows

__all__ = ["KeyCache"]

Int64s = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]

_DAY_BITS: Final = 22  # every day from year 1 to 9999, plus "none"
_ZONE_BITS: Final = 12
assert MAX_DAY - MIN_DAY + 2 < 1 << _DAY_BITS


class KeyCache:
    """Computed rows by key, for one call; usable for plans with at most two anchors
    read from the table (the key then fits in 56 bits).

    >>> cache = KeyCache(("purchase",))
    >>> cache.usable, cache.zone_codes(("Europe/Berlin", "UTC")).tolist()
    (True, [0, 1])
    >>> cache.zone_codes(("UTC",)).tolist()
    [1]
    """

    def __init__(self, names: Sequence[str], max_rows: int = 1 << 21) -> None:
        self.names = tuple(names)
        self.usable = len(self.names) <= 2
        self.max_rows = max_rows
        self.zone_names: list[str] = []
        self._zone_of: dict[str, int] = {}
        self.clear()

    def clear(self) -> None:
        """Forget every computed key."""
        self.keys = np.zeros(0, dtype=np.int64)
        self.starts = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)
        self.problem = np.zeros(0, dtype=np.bool_)
        self.rule = np.zeros(0, dtype=np.int32)
        self.occurrence = np.zeros(0, dtype=np.int64)
        self.due = np.zeros(0, dtype=np.int64)
        self.local_day = np.zeros(0, dtype=np.int32)
        self.zone = np.zeros(0, dtype=np.int32)
        self.planned: Int32s | None = None  # set by the first rows that carry it

    def zone_codes(self, batch_zones: Sequence[str]) -> Int64s:
        """This call's codes for a batch's zones, by the batch's codes."""
        codes = []
        for name in batch_zones:
            code = self._zone_of.get(name)
            if code is None:
                code = self._zone_of[name] = len(self.zone_names)
                self.zone_names.append(name)
            codes.append(code)
        return np.array(codes, dtype=np.int64)

    def encode(self, zones: Int64s, anchors: Sequence[tuple[Int64s, Bools] | None]) -> Int64s:
        """The key of each subject: zone code (this call's; -1 for none) and anchor days."""
        if len(self.zone_names) >= (1 << _ZONE_BITS) - 1:
            self.usable = False
        key = zones + 1
        for anchor in anchors:
            key = key << _DAY_BITS
            if anchor is not None:
                days, present = anchor
                key = key + np.where(present, days - MIN_DAY + 1, 0)
        return key

    def find(self, keys: Int64s) -> tuple[npt.NDArray[np.intp], Bools]:
        """Where each of ``keys`` (sorted, distinct) is in the cache, and which are."""
        position = np.searchsorted(self.keys, keys)
        inside = position < self.keys.size
        found = np.zeros(keys.size, dtype=np.bool_)
        found[inside] = self.keys[position[inside]] == keys[inside]
        return position, found

    def add(self, keys: Int64s, rows: KeyRows, zone_map: Int64s) -> None:
        """Remember computed ``rows`` of ``keys`` (none of them cached yet); ``zone_map``
        turns the batch's zone codes in ``rows`` into this call's."""
        if self.rule.size + rows.rule.size > self.max_rows:
            self.clear()  # bounded: start again rather than grow
        base = self.rule.size
        self.rule = np.concatenate([self.rule, rows.rule])
        self.occurrence = np.concatenate([self.occurrence, rows.occurrence])
        self.due = np.concatenate([self.due, rows.due])
        self.local_day = np.concatenate([self.local_day, rows.local_day])
        zone = np.append(zone_map, -1)[rows.zone]  # code -1 (no zone) picks the -1
        self.zone = np.concatenate([self.zone, zone.astype(np.int32)])
        if rows.planned is not None:
            known = self.planned if self.planned is not None else np.zeros(0, dtype=np.int32)
            self.planned = np.concatenate([known, rows.planned])
        all_keys = np.concatenate([self.keys, keys])
        order = np.argsort(all_keys, kind="stable")
        self.keys = all_keys[order]
        self.starts = np.concatenate([self.starts, rows.starts + base])[order]
        self.counts = np.concatenate([self.counts, rows.counts])[order]
        self.problem = np.concatenate([self.problem, rows.problem])[order]
