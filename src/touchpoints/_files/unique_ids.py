"""Finding repeated subject ids in a stream of millions, in little memory: each id is
kept as an 8-byte hash in an open-addressing table of 64-bit integers.

A table of ``n`` ids takes between 16 and 32 bytes per id (it doubles when half
full; while it doubles, the old table adds half as much again): at most 32 MB for a
million ids, where a Python set of the ids themselves takes over 100 MB. Two different
ids share a hash with a chance of about n² / 2⁶⁵ (one in 37 million for a million
ids); a caller that must be sure confirms a repeat by reading the ids again (as the
CSV reader does, to name both lines).
"""

from __future__ import annotations

import hashlib
from array import array
from typing import Final

__all__ = ["IdHashes"]

_EMPTY: Final = 0


class IdHashes:
    """The 8-byte hashes of the ids seen so far.

    >>> seen = IdHashes()
    >>> seen.add("c-1"), seen.add("c-2"), seen.add("c-1")
    (True, True, False)
    >>> len(seen)
    2
    """

    def __init__(self) -> None:
        self._table = array("Q", [_EMPTY]) * 1024
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, subject_id: str) -> bool:
        """Remember ``subject_id``; False if its hash was seen before (a repeat)."""
        key = _hash(subject_id)
        if self._insert(self._table, key):
            self._count += 1
            if self._count * 2 > len(self._table):
                self._grow()
            return True
        return False

    @staticmethod
    def _insert(table: array[int], key: int) -> bool:
        mask = len(table) - 1
        slot = key & mask
        while True:
            found = table[slot]
            if found == _EMPTY:
                table[slot] = key
                return True
            if found == key:
                return False
            slot = (slot + 1) & mask

    def _grow(self) -> None:
        table = array("Q", [_EMPTY]) * (2 * len(self._table))
        for key in self._table:
            if key != _EMPTY:
                self._insert(table, key)
        self._table = table


def _hash(subject_id: str) -> int:
    digest = hashlib.blake2b(subject_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1  # 0 marks an empty slot
