"""Resolving contact fatigue: placing one subject's touch points so spacing and caps hold.

When two touch points come too close, the one of lower priority (1 is the highest;
on a tie, the one whose rule id sorts later, then the later occurrence) gives way: it merges into
the other when both use the same channel (one visit covering both topics) and
``merge`` is on, and otherwise moves to the first later day on which every rule holds.
Touch points the subject's history fixes (done or rescheduled) never move. A touch
point that cannot be placed within ``max_shift`` stays where it was, and the conflict
is reported: nothing is dropped silently.

The resolution is a pure function of the touch points, in a fixed order: the same
input gives the same result, whatever order the rules were written in.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Final

from touchpoints._core.lifecycle import labeller
from touchpoints._core.outputs import Conflict, Omission, RuleOccurrence
from touchpoints._core.rows import Entry
from touchpoints._model import Adjustment, Fatigue, day_label, day_of

__all__ = ["FatigueRules", "merged_omission", "resolve_fatigue"]

_MAX_DISPLACEMENTS: Final = 20
_NUMBER: Final = attrgetter("number")


@dataclass(slots=True, eq=False)  # compared by identity: each is one touch point
class _Item:
    """A touch point being placed: its entry and its current day."""

    n: int
    entry: Entry
    day: date
    number: int  # the day's number (date.toordinal), which the rules compare
    channel: str
    order: tuple[int, int, int]  # rule position, term, occurrence
    # Who gives way: the higher rank, that is the lower priority, then the rule id
    # that sorts later, the later term and the later occurrence. Neither the order
    # of the plan's rules nor of anything else in the input matters.
    rank: tuple[int, str, int, int]
    fixed: bool
    moves: list[Adjustment]
    displaced: int = 0
    settled: bool = False  # in conflict: it stays where it is
    accepted: bool = False  # placed where it is, for now

    @property
    def stays(self) -> bool:
        """Whether nothing may push it: the history fixes it, or it is in conflict."""
        return self.fixed or self.settled

    @property
    def name(self) -> str:
        return f"{self.rule_id!r} #{self.order[2]}"

    @property
    def rule_id(self) -> str:
        return self.entry.rule.id

    def key(self) -> tuple[date, int, str, int, int, int]:
        """Processing order: by day, the stronger first."""
        return (self.day, *self.rank, self.n)


@dataclass(frozen=True, slots=True)
class FatigueRules:
    """A plan's fatigue rules in days, each with its words: what
    :func:`resolve_fatigue` reads, prepared once for any number of subjects.

    >>> from touchpoints import Plan
    >>> plan = Plan.model_validate({"plan": "p", "fatigue": {"spacing": "1 week"},
    ...     "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "purchase"}]})
    >>> FatigueRules.of(plan.fatigue).spacing
    7
    """

    merge: bool
    spacing: int  # 0: none
    spacing_text: str
    channels: dict[str, tuple[int, str]]  # a channel's own spacing in days, in words
    caps: tuple[tuple[str | None, int, int, str], ...]  # channel, most, days, words
    max_shift: int
    max_shift_text: str

    @classmethod
    def of(cls, rules: Fatigue) -> FatigueRules:
        spacing = rules.spacing
        caps = tuple(
            (
                cap.channel,
                cap.max,
                cap.per.as_timedelta().days,
                f"at most {cap.max} {f'{cap.channel} contacts' if cap.channel else 'contacts'} "
                f"in {cap.per}",
            )
            for cap in rules.caps
        )
        return cls(
            merge=rules.merge,
            spacing=0 if spacing is None else spacing.as_timedelta().days,
            spacing_text=f"spacing of {spacing}",
            channels={
                channel: (own.as_timedelta().days, f"spacing of {own} between {channel} contacts")
                for channel, own in rules.channels.items()
            },
            caps=caps,
            max_shift=rules.max_shift.as_timedelta().days,
            max_shift_text=str(rules.max_shift),
        )


def resolve_fatigue(
    entries: Sequence[Entry],
    prepared: FatigueRules,
    *,
    is_open: Callable[[int, date], bool],
) -> tuple[list[Entry], list[tuple[Entry, str, Entry]], list[Conflict]]:
    """Place ``entries`` so that the fatigue rules ``prepared`` hold.

    ``entries`` are the engine's rows, their ``due`` a wall-clock value, and
    ``prepared`` the plan's rules (``FatigueRules.of(plan.fatigue)``);
    ``is_open(rule position, day)`` says whether a rule may
    land on a day. Returns the placed entries, the merged ones (each with a note and
    the entry it was merged into), and the conflicts.
    """
    items = [_item(n, entry) for n, entry in enumerate(entries)]
    queue = [item.key() for item in items]
    heapq.heapify(queue)
    accepted: list[_Item] = []
    merged: list[tuple[Entry, str, Entry]] = []
    conflicts: list[Conflict] = []
    gone: set[int] = set()

    def accept(item: _Item) -> None:
        accepted.append(item)
        item.accepted = True  # the flag says what scanning ``accepted`` would

    into: dict[int, int] = {}  # merged touch point -> the one it merged into
    while queue:
        *_, n = heapq.heappop(queue)
        item = items[n]
        if n in gone or item.accepted:
            continue
        clash = _clash(item, item.day, accepted, prepared)
        if clash is None:
            accept(item)
            continue
        other, kind, rule_text = clash
        if other.stays or (other.rank <= item.rank and not item.fixed):
            loser, winner = item, other
        else:
            # The stronger newcomer pushes ``other`` aside, then is checked again
            # against everything else before it is placed.
            loser, winner = other, item
            accepted.remove(other)
            other.accepted = False
            heapq.heappush(queue, item.key())
        why = f"{rule_text} with {winner.name}"
        if prepared.merge and kind == "spacing" and loser.channel == winner.channel:
            into[loser.n] = winner.n
            gone.add(loser.n)
            continue
        if loser is other:
            loser.displaced += 1
        obstacles = accepted if loser is item else [*accepted, item]
        target = None if loser.fixed else _first_free_day(loser, obstacles, prepared, is_open)
        if target is None or loser.displaced > _MAX_DISPLACEMENTS:
            # It stays where it is, reported, and nothing pushes it again.
            reason = (
                f"{why}: no day within {prepared.max_shift_text} after {day_label(loser.day)} "
                "meets every rule"
            )
            if loser.fixed:
                reason = f"{why}: both are fixed by the history"
            conflicts.append(_conflict(loser, reason))
            loser.moves.append(
                Adjustment(loser.day, loser.day, f"conflict: {why}", kind="conflict")
            )
            loser.settled = True
            accept(loser)
            continue
        shift = (target - loser.day).days
        words = f"moved {shift} day{'s' if shift != 1 else ''}: {why}"
        loser.moves.append(Adjustment(loser.day, target, words, kind="fatigue"))
        loser.day = target
        loser.number = target.toordinal()
        heapq.heappush(queue, loser.key())
    for n, kept in into.items():
        # What merged into a touch point that merged on is covered by the last one.
        while kept in into:
            kept = into[kept]
        final, loser = items[kept], items[n]
        covers = f"also covers {loser.name}"
        final.moves.append(Adjustment(final.day, final.day, covers, kind="merged"))
        note = f"merged into {final.name} on {day_label(final.day)}"
        merged.append((loser.entry, note, final.entry))
    return [_placed(item) for item in accepted], merged, conflicts


def _item(n: int, entry: Entry) -> _Item:
    wall, index, term, occurrence, rule, moves, done = entry
    # A touch point without adjustments was not rescheduled; most have none.
    fixed = done is not None or (bool(moves) and any(m.kind == "rescheduled" for m in moves))
    day = day_of(wall)
    return _Item(
        n,
        entry,
        day,
        day.toordinal(),
        rule.channel,
        (index, term, occurrence),
        (rule.priority, rule.id, term, occurrence),
        fixed,
        list(moves),
    )


def merged_omission(entry: Entry, note: str, into: Entry) -> Omission:
    """The omission of ``entry``, which fatigue merged into ``into`` (``note`` says how,
    as :func:`resolve_fatigue` gives it)."""
    return Omission(
        entry.rule.id,
        reason=f"{labeller(entry.term)(entry.occurrence)} {note}",
        kind="merged",
        occurrences=(entry.occurrence,),
        term=entry.term,
        merged_into=RuleOccurrence(into.rule.id, into.occurrence, into.term),
    )


def _placed(item: _Item) -> Entry:
    wall, position, term, occurrence, rule, _, done = item.entry
    moved = datetime.combine(item.day, wall.time()) if isinstance(wall, datetime) else item.day
    return _new(Entry, (moved, position, term, occurrence, rule, tuple(item.moves), done))


_new: Final = tuple.__new__


def _clash(
    item: _Item, day: date, accepted: Sequence[_Item], rules: FatigueRules
) -> tuple[_Item, str, str] | None:
    """The first accepted touch point that ``item`` on ``day`` would be too close to:
    that touch point, the kind of rule (``spacing`` or ``cap``) and the rule in words.

    Where merging is on, a touch point of the same channel comes first, so that two
    of one channel merge rather than both give way to a third."""
    found: tuple[_Item, str, str] | None = None
    channel, apart, merge = item.channel, rules.spacing, rules.merge
    own_apart, own_text = rules.channels.get(channel, (0, ""))
    number = day.toordinal()
    for other in accepted:
        gap = other.number - number
        if gap < 0:
            gap = -gap  # abs() in line: this runs for every pair of touch points
        same = other.channel == channel
        if same and gap < own_apart:  # the channel's own spacing is named first
            clash = other, "spacing", own_text
        elif gap < apart:
            clash = other, "spacing", rules.spacing_text
        else:
            continue
        if not merge or same:
            return clash
        found = found or clash
    if found is not None:
        return found
    for cap_channel, most, per, text in rules.caps:
        if cap_channel is not None and cap_channel != channel:
            continue
        near = [
            other
            for other in accepted
            if (cap_channel is None or other.channel == cap_channel)
            and -per < other.number - number < per
        ]
        if len(near) < most:
            continue  # no window can hold more than all of them
        near.sort(key=_NUMBER)
        # A window of `per` days holding `day` holds the most others when it starts
        # on `day` itself or on one of the others' days before it; the earliest full
        # one is named (in order: a set iterates by the process's hash seed).
        for begin in sorted({number, *(other.number for other in near if other.number < number)}):
            inside = [o for o in near if 0 <= o.number - begin < per]
            if number - begin < per and len(inside) >= most:
                return inside[-1], "cap", text
    return None


def _first_free_day(
    item: _Item,
    accepted: Sequence[_Item],
    rules: FatigueRules,
    is_open: Callable[[int, date], bool],
) -> date | None:
    own = rules.channels.get(item.channel, (0, ""))[0]
    step = 1
    # No day after 9999-12-31 is free: a touch point that would need one stays, in conflict.
    last = min(rules.max_shift, (date.max - item.day).days)
    while step <= last:
        day = item.day + timedelta(days=step)
        if is_open(item.order[0], day):
            clash = _clash(item, day, accepted, rules)
            if clash is None:
                return day
            other, kind, _ = clash
            if kind == "spacing":
                # Every day before the neighbour's spacing ends clashes with it too:
                # go straight there.
                apart = max(rules.spacing, own) if other.channel == item.channel else rules.spacing
                step = max(step + 1, other.number - item.number + apart)
                continue
        step += 1
    return None


def _conflict(item: _Item, reason: str) -> Conflict:
    _, term, occurrence = item.order
    return Conflict(item.rule_id, occurrence, term, reason)
