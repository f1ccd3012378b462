"""The engine's typed internal values: a touch point in the making, and a subject's key.

Both are named tuples: as cheap to build, unpack and hash as the plain tuples they
replace, with fields a reader and a type checker can name.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from touchpoints._model import (
    Adjustment,
    AttributeValue,
    BusinessCalendar,
    HistoryEvent,
    MeterReading,
    Rule,
)

__all__ = ["Entry", "StageKey", "SubjectKey", "order"]


class Entry(NamedTuple):
    """One touch point on its way through the engine, before it becomes a TouchPoint.

    ``due`` is a wall-clock value (a naive datetime, or a date for all-day plans)
    until the second stage places it in the subject's zone.

    >>> from touchpoints import Rule
    >>> rule = Rule.model_validate({"id": "a", "title": "A", "channel": "call",
    ...                             "at": "purchase"})
    >>> Entry(date(2026, 1, 5), 0, 1, 1, rule, (), None).occurrence
    1
    """

    due: date
    position: int  # the rule's position in the plan
    term: int
    occurrence: int
    rule: Rule
    adjustments: tuple[Adjustment, ...]
    done_on: date | None


def order(entry: Entry) -> tuple[date, int, int, int]:
    """The sort key of entries: due, then rule position, term and occurrence."""
    return entry[0], entry[1], entry[2], entry[3]


class StageKey(NamedTuple):
    """What a subject's first stage depends on, besides its zone.

    ``anchors`` holds the local date of every anchor the plan reads, in the order of
    ``_Engine``'s anchor names (None where the subject has none); ``attributes`` holds
    ``(present, value)`` for each attribute a condition reads, ``meters`` the
    readings of each meter a usage rule reads.
    """

    anchors: tuple[date | None, ...]
    business_calendar: BusinessCalendar | None
    history: tuple[HistoryEvent, ...]
    renewals: tuple[date, ...]
    attributes: tuple[tuple[bool, AttributeValue], ...]
    meters: tuple[tuple[str, tuple[MeterReading, ...]], ...] = ()


class SubjectKey(NamedTuple):
    """What a subject's schedule depends on: its zone name and its :class:`StageKey`.

    Subjects with equal keys get the same touch points, apart from their ids.
    """

    zone: str | None
    stage: StageKey
