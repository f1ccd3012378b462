"""The team's load: touch points counted per week (or month) and channel, as they stream.

Pure counting: the touch points go by once and only the counts are kept, one per
period and channel, so a million subjects take the memory of a few thousand numbers.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from touchpoints._core import TouchPoint
from touchpoints._model import Rule, day_of

__all__ = ["UNASSIGNED", "Load", "LoadCounter", "Per", "count_load", "period_of"]

Per = Literal["week", "month"]

UNASSIGNED = "unassigned"
"""How a touch point without an owner is filtered and listed."""


def period_of(day: date, per: Per) -> date:
    """The first day of the period holding ``day``: its week's Monday, or the first of
    its month.

    >>> period_of(date(2026, 1, 15), "week"), period_of(date(2026, 1, 15), "month")
    (datetime.date(2026, 1, 12), datetime.date(2026, 1, 1))
    """
    if per == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


@dataclass(slots=True)
class Load:
    """Touch points per period and channel.

    Attributes:
        per: ``week`` (periods start on Mondays) or ``month``.
        counts: the number of touch points by period start, then by channel.
        owners: the owners counted, or None for all.
    """

    per: Per
    counts: dict[date, dict[str, int]] = field(default_factory=dict)
    owners: tuple[str, ...] | None = None

    @property
    def channels(self) -> list[str]:
        """Every channel counted, the busiest first (then by name)."""
        totals: dict[str, int] = {}
        for by_channel in self.counts.values():
            for channel, n in by_channel.items():
                totals[channel] = totals.get(channel, 0) + n
        return sorted(totals, key=lambda channel: (-totals[channel], channel))

    def periods(self) -> list[date]:
        """Every period from the first to the last counted, empty ones included."""
        if not self.counts:
            return []
        first, last = min(self.counts), max(self.counts)
        periods, day = [], first
        while day <= last:
            periods.append(day)
            day = period_of(day + timedelta(days=7 if self.per == "week" else 31), self.per)
        return periods

    def total(self, period: date) -> int:
        """How many touch points the period has."""
        return sum(self.counts.get(period, {}).values())

    def busiest(self, n: int = 5) -> list[tuple[date, int]]:
        """The ``n`` busiest periods, the busiest first (the earlier on a tie).

        >>> load = Load("week", {date(2026, 1, 5): {"call": 3}, date(2026, 1, 12): {"call": 5}})
        >>> load.busiest(1)
        [(datetime.date(2026, 1, 12), 5)]
        """
        ranked = sorted(self.counts, key=lambda period: (-self.total(period), period))
        return [(period, self.total(period)) for period in ranked[:n]]

    def csv_rows(self) -> list[list[str]]:
        """The table for spreadsheets: a header, then one row per period."""
        channels = self.channels
        rows = [["period_start", "total", *channels]]
        for period in self.periods():
            by_channel = self.counts.get(period, {})
            counts = [str(by_channel.get(channel, 0)) for channel in channels]
            rows.append([period.isoformat(), str(self.total(period)), *counts])
        return rows

    def to_json(self) -> str:
        """The counts as JSON: the periods with their totals, and the busiest ones."""
        data = {
            "per": self.per,
            "owners": list(self.owners) if self.owners is not None else None,
            "channels": self.channels,
            "periods": [
                {
                    "start": period.isoformat(),
                    "total": self.total(period),
                    "by_channel": dict(sorted(self.counts.get(period, {}).items())),
                }
                for period in self.periods()
            ],
            "busiest": [
                {"start": period.isoformat(), "total": total} for period, total in self.busiest()
            ],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class LoadCounter:
    """Counts touch points into a :class:`Load`, batch after batch, for all the owners
    counted together and for each one alone.

    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase"},
    ...     {"id": "visit", "title": "Visit", "channel": "visit", "at": "purchase",
    ...      "owner": "Field"}]})
    >>> counter = LoadCounter("month")
    >>> for n in (1, 2):
    ...     counter.add(schedule(plan, Subject(id=f"c{n}", anchors={"purchase": date(2026, n, 1)})))
    >>> counter.load().counts[date(2026, 1, 1)]
    {'call': 1, 'visit': 1}
    >>> counter.owners(), counter.load("Field").counts[date(2026, 2, 1)]
    (['Field', 'unassigned'], {'visit': 1})
    """

    __slots__ = ("_counts", "_periods", "_rules", "_wanted", "per")

    def __init__(self, per: Per = "week", owners: Collection[str] | None = None) -> None:
        self.per: Per = per
        self._wanted = frozenset(owners) if owners is not None else None
        # period start -> (owner, channel) -> count
        self._counts: dict[date, dict[tuple[str, str], int]] = {}
        self._rules: dict[str, tuple[str, str] | None] = {}  # None: filtered out
        self._periods: dict[date, dict[tuple[str, str], int]] = {}  # day -> its period's

    def _key(self, rule: Rule) -> tuple[str, str] | None:
        """The owner and channel ``rule`` counts under, or None when it is filtered out."""
        owner = rule.owner or UNASSIGNED
        key = (owner, rule.channel) if self._wanted is None or owner in self._wanted else None
        self._rules[rule.id] = key
        return key

    def _bucket(self, day: date) -> dict[tuple[str, str], int]:
        bucket = self._periods.get(day)
        if bucket is None:
            bucket = self._counts.setdefault(period_of(day, self.per), {})
            self._periods[day] = bucket
        return bucket

    def add(self, touch_points: Iterable[TouchPoint]) -> None:
        """Count ``touch_points``, reading each once."""
        rules, periods = self._rules, self._periods
        for tp in touch_points:
            try:
                key = rules[tp.rule_id]
            except KeyError:
                key = self._key(tp.rule)
            if key is None:
                continue
            day = day_of(tp.due)
            bucket = periods.get(day) or self._bucket(day)
            bucket[key] = bucket.get(key, 0) + 1

    def add_count(self, rule: Rule, day: date, count: int) -> None:
        """Count ``count`` touch points of ``rule`` on ``day`` (or any day of its
        period): the counts of a batch of touch points, added at once."""
        key = self._rules[rule.id] if rule.id in self._rules else self._key(rule)
        if key is not None and count:
            bucket = self._bucket(day)
            bucket[key] = bucket.get(key, 0) + count

    def owners(self) -> list[str]:
        """Every owner counted (``unassigned`` for none), by name."""
        return sorted({owner for by in self._counts.values() for owner, _ in by})

    def load(self, owner: str | None = None) -> Load:
        """What has been counted so far: of every owner counted, or of ``owner`` alone."""
        counts: dict[date, dict[str, int]] = {}
        for period, by in sorted(self._counts.items()):
            channels: dict[str, int] = {}
            for (who, channel), n in by.items():
                if owner is None or who == owner:
                    channels[channel] = channels.get(channel, 0) + n
            if channels:
                counts[period] = channels
        if owner is not None:
            return Load(self.per, counts, (owner,))
        owners = tuple(sorted(self._wanted)) if self._wanted is not None else None
        return Load(self.per, counts, owners)


def count_load(
    touch_points: Iterable[TouchPoint],
    *,
    per: Per = "week",
    owners: Collection[str] | None = None,
) -> Load:
    """Count ``touch_points`` per period and channel, reading each once.

    Args:
        touch_points: any number, such as the stream of :func:`touchpoints.schedule_many`.
        per: ``week`` or ``month``.
        owners: count only touch points of these owners (``unassigned`` for none).

    >>> from touchpoints import Plan, Subject, schedule_many
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"}]})
    >>> subjects = [Subject(id=f"c{n}", anchors={"purchase": date(2026, 1, n)})
    ...             for n in range(1, 11)]
    >>> load = count_load(schedule_many(plan, subjects))
    >>> {period.isoformat(): counts for period, counts in load.counts.items()}
    {'2026-01-12': {'call': 4}, '2026-01-19': {'call': 6}}
    """
    counter = LoadCounter(per, owners)
    counter.add(touch_points)
    return counter.load()
