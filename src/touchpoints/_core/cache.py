"""The per-call cache: what subjects with equal keys share, bounded in size.

A cache lives for one call of ``schedule_many`` (or ``schedule``) and is dropped
with it; nothing is kept between calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, TypeVar

from touchpoints._core.outputs import Conflict, Omission
from touchpoints._core.rows import Entry

__all__ = ["CACHE_SIZE", "Computed", "remember"]

CACHE_SIZE: Final = 8_192
"""The most values one cache holds; the oldest goes first."""

_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


@dataclass(frozen=True, slots=True)
class Computed:
    """What subjects with equal keys share: the sorted entries, the omissions, the
    window used and the fatigue conflicts.

    After the first stage the entries' ``due`` holds wall-clock values; the second
    stage places them in the subject's zone.
    """

    entries: tuple[Entry, ...]
    omitted: tuple[Omission, ...]
    start: date | None
    end: date
    conflicts: tuple[Conflict, ...] = ()


def remember(cache: dict[_Key, _Value], key: _Key, value: _Value) -> None:
    """Store ``value`` under ``key``, first dropping the oldest value if ``cache`` is full.

    >>> cache = {}
    >>> remember(cache, "a", 1)
    >>> cache
    {'a': 1}
    """
    if len(cache) >= CACHE_SIZE:
        del cache[next(iter(cache))]  # the oldest entry: dicts keep insertion order
    cache[key] = value
