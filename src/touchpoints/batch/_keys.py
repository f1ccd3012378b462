"""Distinct subject keys: subjects with the same zone and anchor dates share a schedule.

The columnar engine computes each distinct key once, as ``touchpoints.schedule_many``
shares computed dates between equal subjects, then gathers the rows for every subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["distinct_keys"]

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

_DENSE: Final = 1 << 22  # keys up to this many values are found without sorting


def distinct_keys(zones: Int64s, anchors: Sequence[tuple[Int64s, Bools]]) -> tuple[Int64s, Int64s]:
    """For each row, the number of its key; and for each key, its first row.

    >>> import numpy as np
    >>> zones = np.array([0, 1, 0, 0])
    >>> days = (np.array([5, 5, 5, 6]), np.array([True, True, True, True]))
    >>> inverse, first = distinct_keys(zones, [days])
    >>> inverse.tolist(), first.tolist()
    ([0, 2, 0, 1], [0, 3, 1])
    """
    size = zones.size
    parts = [zones + 1]
    widths = [int(zones.max()) + 2 if size else 1]
    for days, present in anchors:
        low = int(days[present].min()) if present.any() else 0
        high = int(days[present].max()) if present.any() else 0
        parts.append(np.where(present, days - low + 1, 0))
        widths.append(high - low + 2)
    total = 1
    for width in widths:
        total *= width
    if total < (1 << 62):
        combined = np.zeros(size, dtype=np.int64)
        for part, width in zip(parts, widths, strict=True):
            combined = combined * width + part
        if total <= _DENSE:
            first = np.full(total, size, dtype=np.int64)
            np.minimum.at(first, combined, np.arange(size, dtype=np.int64))
            seen = first < size
            number = np.cumsum(seen) - 1
            inverse: Int64s = number[combined]
            return inverse, first[seen]
        _, index, inverse = np.unique(combined, return_index=True, return_inverse=True)
        return inverse.astype(np.int64), index.astype(np.int64)
    stacked = np.stack(parts, axis=1)
    _, index, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), index.astype(np.int64)
