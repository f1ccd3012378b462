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

It comes in two steps. :func:`decide` works on day numbers alone and says what
becomes of each touch point, by its place in the input, as a :class:`Resolution`;
:func:`render` turns that into rows, adjustments and words with dates.
:func:`resolve_fatigue` does both. What :func:`decide` finds depends only on the days'
distances, the rules, what ``is_open`` answers and, near the year 9999, how many days
are left (see :attr:`Resolution.latest`), so a caller that has seen the same distances
before, on days where ``is_open`` answers the same, may render the earlier resolution
moved by whole days (see :mod:`.compiled_fatigue`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Final, NamedTuple

from touchpoints._core.lifecycle import labeller
from touchpoints._core.outputs import Conflict, Omission, RuleOccurrence
from touchpoints._core.rows import Entry
from touchpoints._model import Adjustment, AdjustmentKind, Fatigue, day_label, day_of

__all__ = [
    "FatigueRules",
    "Move",
    "Resolution",
    "adjustments",
    "decide",
    "merged_omission",
    "remarks",
    "render",
    "resolve_fatigue",
]

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
    moves: list[Move]  # what resolution adds to the entry's own adjustments
    displaced: int = 0
    settled: bool = False  # in conflict: it stays where it is
    accepted: bool = False  # placed where it is, for now

    @property
    def stays(self) -> bool:
        """Whether nothing may push it: the history fixes it, or it is in conflict."""
        return self.fixed or self.settled

    @property
    def name(self) -> str:
        return _name(self.rule_id, self.order[2])

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


Move = tuple[int, int, str, AdjustmentKind]
"""An adjustment resolution makes, in day numbers: before, after, words and kind."""


class Resolution(NamedTuple):
    """What :func:`decide` found, by each touch point's place in its input, in day
    numbers (``date.toordinal``), with no date in any of its words.

    Attributes:
        placed: the touch points kept, in the order they were placed: each one's
            place, day number and the adjustments resolution adds to its own.
        merged: the touch points merged into another: each one's place, the place
            of the touch point covering it and that one's day number.
        conflicts: the touch points that met a rule where they are: each one's place
            and the reason, in words up to its day, its day number (None: the
            reason names no day) and the words after it.
        latest: the latest day number a touch point was on while they were placed
            (none looks for a free day more than ``max_shift`` days after its own).
    """

    placed: tuple[tuple[int, int, tuple[Move, ...]], ...]
    merged: tuple[tuple[int, int, int], ...]
    conflicts: tuple[tuple[int, str, int | None, str], ...]
    latest: int


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
    return render(entries, decide(entries, prepared, is_open=is_open))


def render(
    entries: Sequence[Entry], resolution: Resolution, shift: int = 0
) -> tuple[list[Entry], list[tuple[Entry, str, Entry]], list[Conflict]]:
    """The rows, merges and conflicts of ``resolution`` for ``entries``, as
    :func:`resolve_fatigue` returns them, with every day of the resolution moved
    by ``shift`` days: ``entries`` must lie that many days after the ones it was
    decided for, at the same distances.

    >>> from touchpoints import Rule
    >>> rule = Rule.model_validate({"id": "a", "title": "A", "channel": "call",
    ...                             "at": "purchase"})
    >>> entry = Entry(date(2026, 1, 12), 0, 1, 1, rule, (), None)
    >>> was, moved_to = date(2026, 1, 5).toordinal(), date(2026, 1, 6).toordinal()
    >>> move = (was, moved_to, "moved 1 day: spacing", "fatigue")
    >>> resolution = Resolution(((0, moved_to, (move,)),), merged=(), conflicts=(), latest=moved_to)
    >>> placed, _, _ = render([entry], resolution, shift=7)  # a week after 5 January
    >>> placed[0].due, str(placed[0].adjustments[0])
    (datetime.date(2026, 1, 13), 'Mon 2026-01-12 -> Tue 2026-01-13: moved 1 day: spacing')
    """
    fromordinal = date.fromordinal
    placed: list[Entry] = []
    for n, number, moves in resolution.placed:
        entry = entries[n]
        if not moves:
            placed.append(entry)  # on its own day, as it came
            continue
        day = fromordinal(number + shift)
        wall, position, term, occurrence, rule, own, done = entry
        due = datetime.combine(day, wall.time()) if isinstance(wall, datetime) else day
        added = adjustments(moves, shift)
        placed.append(_new(Entry, (due, position, term, occurrence, rule, (*own, *added), done)))
    return placed, *remarks(entries, resolution, shift)


def adjustments(moves: tuple[Move, ...], shift: int = 0) -> tuple[Adjustment, ...]:
    """The adjustments ``moves`` say, every day moved by ``shift`` days.

    >>> print(*adjustments(((1, 3, "moved 2 days: spacing", "fatigue"),), shift=7))
    Mon 0001-01-08 -> Wed 0001-01-10: moved 2 days: spacing
    """
    fromordinal = date.fromordinal
    return tuple(
        Adjustment(fromordinal(before + shift), fromordinal(after + shift), words, kind=kind)
        for before, after, words, kind in moves
    )


def remarks(
    entries: Sequence[Entry], resolution: Resolution, shift: int = 0
) -> tuple[list[tuple[Entry, str, Entry]], list[Conflict]]:
    """The merges (each entry merged, with a note and the entry it was merged into)
    and the conflicts of ``resolution`` for ``entries``, as :func:`render` gives them.

    Only the entries' rules, terms and occurrences are read, so their ``due`` may
    be the day alone.
    """
    merged = []
    for n, kept, number in resolution.merged:
        into = entries[kept]
        name = _name(into.rule.id, into.occurrence)
        merged.append((entries[n], f"merged into {name} on {_label(number + shift)}", into))
    conflicts = [
        Conflict(
            entries[n].rule.id,
            entries[n].occurrence,
            entries[n].term,
            head if number is None else f"{head}{_label(number + shift)}{tail}",
        )
        for n, head, number, tail in resolution.conflicts
    ]
    return merged, conflicts


def decide(
    entries: Sequence[Entry],
    prepared: FatigueRules,
    *,
    is_open: Callable[[int, date], bool],
) -> Resolution:
    """What becomes of ``entries`` under the fatigue rules ``prepared``, as
    :func:`resolve_fatigue` places them, by each one's place in ``entries``.

    >>> from touchpoints import Plan
    >>> plan = Plan.model_validate({"plan": "p", "fatigue": {"spacing": "3 days"},
    ...     "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "purchase"},
    ...                     {"id": "b", "title": "B", "channel": "email", "at": "purchase"}]})
    >>> a, b = plan.rules
    >>> entries = [Entry(date(1, 1, 1), 0, 1, 1, a, (), None),
    ...            Entry(date(1, 1, 2), 1, 1, 1, b, (), None)]
    >>> decide(entries, FatigueRules.of(plan.fatigue), is_open=lambda n, day: True).placed
    ((0, 1, ()), (1, 4, ((2, 4, "moved 2 days: spacing of 3 days with 'a' #1", 'fatigue'),)))
    """
    items = [_item(n, entry) for n, entry in enumerate(entries)]
    latest = max([item.number for item in items], default=0)
    queue = [item.key() for item in items]
    heapq.heapify(queue)
    accepted: list[_Item] = []
    conflicts: list[tuple[int, str, int | None, str]] = []
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
            if loser.fixed:
                conflicts.append((loser.n, f"{why}: both are fixed by the history", None, ""))
            else:
                head = f"{why}: no day within {prepared.max_shift_text} after "
                conflicts.append((loser.n, head, loser.number, " meets every rule"))
            loser.moves.append((loser.number, loser.number, f"conflict: {why}", "conflict"))
            loser.settled = True
            accept(loser)
            continue
        shift = (target - loser.day).days
        words = f"moved {shift} day{'s' if shift != 1 else ''}: {why}"
        number = target.toordinal()
        loser.moves.append((loser.number, number, words, "fatigue"))
        loser.day, loser.number = target, number
        latest = max(latest, number)
        heapq.heappush(queue, loser.key())
    merged: list[tuple[int, int, int]] = []
    for n, kept in into.items():
        # What merged into a touch point that merged on is covered by the last one.
        while kept in into:
            kept = into[kept]
        final = items[kept]
        final.moves.append((final.number, final.number, f"also covers {items[n].name}", "merged"))
        merged.append((n, kept, final.number))
    return Resolution(
        tuple((item.n, item.number, tuple(item.moves)) for item in accepted),
        tuple(merged),
        tuple(conflicts),
        latest,
    )


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
        [],
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


_new: Final = tuple.__new__


def _label(number: int) -> str:
    return day_label(date.fromordinal(number))


def _name(rule_id: str, occurrence: int) -> str:
    """How resolution's words name a touch point: ``'renewal' #1``."""
    return f"{rule_id!r} #{occurrence}"


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
