"""The compiled path for plans with contact fatigue.

A plan whose only field the compiled path (``compiled``) does not cover is its
``fatigue`` is compiled without it; :meth:`FatigueCompiled.run` then finds a
subject's touch points with that compiled form, as the engine does for a fatigue
plan: from the first touch point on and up to the window's end widened by the
fatigue margin (:meth:`~touchpoints._model.Fatigue.margin`), so that a touch point
lands on the same day whatever window it is seen through. It then resolves fatigue
on them with the engine's own :func:`~touchpoints._core.fatigue.resolve_fatigue`
and keeps what falls inside the window, with the merges it reports.

Most subjects of a sensible plan meet no fatigue rule at all: no two touch points
closer than a spacing, no cap's span holding more than its maximum. Then resolution
changes nothing (every touch point is accepted where it is, with no omission or
conflict), so that is checked first, in one pass over the sorted days, and the
resolution itself runs only when some rule is met.

What a subject's touch points come to depends only on its anchors' days and the
window, not on its zone or id, so the days kept by rule, with the omissions and
conflicts, are kept (a bounded number of them) for the next subject with the same
days; only placing them in the subject's zone is done for each.

Subjects whose days differ are often alike all the same: the same touch points at
the same distances, only weeks or years apart. What resolution decides depends only on
those distances and on which days the calendars it asks about are open (see
:func:`~touchpoints._core.fatigue.decide`), so each resolution is kept (a bounded
number of them) with the calendar days it asked about and their answers. The next
subject with the same distances, whose calendars answer the same on the same days
moved by the same number of days, gets that resolution moved to its days; any other
is resolved anew, and its resolution is kept beside the others of those distances (a
few of them).

The compiled form is kept with the plan, in the memo the compiled path uses (which
holds the value ``compiled`` found for a plain plan). Subjects and windows the
compiled path does not cover (history, renewals, a calendar of their own, a missing
anchor, datetime bounds, ``as_of``) and any result near the ends of time go to the
generic engine, which gives the same result.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from operator import sub
from typing import Final, NamedTuple

from touchpoints._core import compiled as plain
from touchpoints._core import compiled_days as rule_days
from touchpoints._core.arithmetic import UTC
from touchpoints._core.fatigue import (
    FatigueRules,
    Resolution,
    adjustments,
    decide,
    merged_omission,
    remarks,
)
from touchpoints._core.outputs import Conflict, Omission, TouchPoint
from touchpoints._core.rows import Entry
from touchpoints._model import Adjustment, Fatigue, Memo, Plan, Rule, Subject

__all__ = ["FatigueCompiled", "Outcome", "compiled_fatigue"]


class Outcome(NamedTuple):
    """A subject scheduled on the compiled fatigue path: what a Schedule says besides
    its plan and subject."""

    touch_points: list[TouchPoint]
    end: date
    omitted: tuple[Omission, ...]
    conflicts: tuple[Conflict, ...]


_Found = tuple[int, int, int, int, tuple[Adjustment, ...], Rule]
"""A touch point found: day number, contact time rank, rule position, occurrence, the
adjustments moving it there and its rule."""

_Spans = tuple[tuple[str | None, int, int], ...]
"""Fatigue rules as spans: (channel or None for every one, most touch points, days).

A set of touch points meets none of them when, for each, no ``most + 1`` of the
channel's touch points lie within fewer than ``days`` days."""


def _spans(rules: Fatigue) -> _Spans:
    """The rules' spacings and caps, as spans (a spacing is a cap of one)."""
    spans: list[tuple[str | None, int, int]] = []
    if rules.spacing is not None:
        spans.append((None, 1, rules.spacing.as_timedelta().days))
    for channel, spacing in rules.channels.items():
        spans.append((channel, 1, spacing.as_timedelta().days))
    for cap in rules.caps:
        spans.append((cap.channel, cap.max, cap.per.as_timedelta().days))
    return tuple(spans)


_Resolved = tuple[tuple[_Found, ...], tuple[Omission, ...], tuple[Conflict, ...]]
"""A resolution: the touch points kept in the window, the omissions, the conflicts."""


class _Settled(NamedTuple):
    """What a subject's anchor days and window come to: how many touch points the
    rules planned (before resolution, for the limit), the days of those kept by rule
    position (each rule's in the order of its occurrences), the omissions and the
    conflicts."""

    planned: int
    by_rule: dict[int, list[rule_days.Planned]]
    omitted: tuple[Omission, ...]
    conflicts: tuple[Conflict, ...]


_SETTLED: Final = 4_096
"""The most anchor days and windows a compiled fatigue plan keeps what they come to."""

_Asked = tuple[tuple[int, int, bool], ...]
"""What a resolution asked of the calendars: rule position, day number, and whether
the rule's calendar is open that day."""


class _Decided(NamedTuple):
    """A resolution kept for the touch points at the same distances: the day it was
    decided from (the earliest touch point's), the resolution and what it asked of
    the calendars."""

    origin: int
    resolution: Resolution
    asked: _Asked


_DECIDED: Final = 4_096
"""The most distances between touch points a compiled fatigue plan keeps resolutions of."""

_VARIANTS: Final = 4
"""The most resolutions kept for the same distances (their calendars answered otherwise)."""


class FatigueCompiled:
    """A fatigue plan compiled for the subjects and windows the compiled path covers.

    >>> plan = Plan.model_validate({
    ...     "plan": "p", "fatigue": {"spacing": "10 days"}, "touchpoints": [
    ...         {"id": "a", "title": "A", "channel": "call", "at": "purchase"},
    ...         {"id": "b", "title": "B", "channel": "call", "at": "purchase + 3 days"}]})
    >>> outcome = compiled_fatigue(plan).run(
    ...     Subject(id="c", anchors={"purchase": date(2026, 1, 5)}), None, None, 100)
    >>> [(tp.rule_id, tp.due.isoformat()) for tp in outcome.touch_points]
    [('a', '2026-01-05')]
    >>> outcome.omitted[0].reason
    "#1 merged into 'a' #1 on Mon 2026-01-05"
    """

    __slots__ = (
        "_base",
        "_channels",
        "_days",
        "_decided",
        "_margin",
        "_prepared",
        "_settled",
        "_spans",
    )

    def __init__(self, base: plain.Compiled, rules: Fatigue) -> None:
        self._base = base
        self._prepared = FatigueRules.of(rules)
        self._margin = rules.margin().days
        self._spans = _spans(rules)
        # By rule position: its channel, and the open days it may move to (None:
        # every day).
        self._channels = tuple(rule.rule.channel for rule in base._rules)
        self._days = tuple(
            None if rule.days is None else rule.days.open_days for rule in base._rules
        )
        # What the anchor days and windows met so far come to, at most _SETTLED of
        # them (then it starts again).
        self._settled: dict[tuple[int | None, ...], _Settled] = {}
        # The resolutions of the distances between touch points met so far, at most
        # _DECIDED distances (then it starts again) and _VARIANTS resolutions each.
        self._decided: dict[tuple[tuple[int, int, int], ...], tuple[_Decided, ...]] = {}

    def run(
        self, subject: Subject, start: date | None, end: date | None, limit: int
    ) -> Outcome | None:
        """The subject's touch points in order, the window's end, the omissions and
        the conflicts; None when the subject needs the generic engine.

        ``start`` and ``end`` are dates or None (never datetimes).
        """
        if subject.history or subject.renewals or subject.business_calendar is not None:
            return None
        base = self._base
        zone_key = subject.timezone or base._plan.timezone
        if zone_key is None:
            if base._times:
                return None  # the engine says the subject needs a zone
            placing = plain._Zone(UTC, ())
        else:
            placing = base._zones.get(zone_key) or base._zone(zone_key)
        try:
            values = base._anchors(subject, placing.zone)
            if values is None:
                return None
            lower, upper, window_end = base._window(values, start, end)
            # What a subject's touch points become depends only on its anchors' days
            # and the window they give, not on its zone or id.
            key = (*values.values(), lower, upper)
            settled = self._settled.get(key)
            if settled is None:
                settled = self._settle(values, lower, upper, limit)
                if settled is None:
                    return None
                if len(self._settled) >= _SETTLED:
                    self._settled.clear()  # one step, safe if threads share the plan
                self._settled[key] = settled
        except rule_days.Outside:
            return None
        if settled.planned > limit:
            return None  # the engine raises TooManyTouchPointsError
        points = base.made(placing, subject.id, limit, values, lower, upper, settled.by_rule)
        assert points is not None  # no more than the rules planned, within the limit
        return Outcome(points, window_end, settled.omitted, settled.conflicts)

    def _settle(
        self, values: dict[str, int], lower: int | None, upper: int | None, limit: int
    ) -> _Settled | None:
        """The days of a subject's touch points by rule, with fatigue resolved (only
        where a rule is met) and the window applied; None when there are more than
        ``limit`` or resolution reaches the ends of time (the engine's to say)."""
        base = self._base
        # From the first touch point on, to the end widened as the engine's widen()
        # does (a bound that would leave the calendar stays where it is).
        reach = upper
        if upper is not None and upper + self._margin <= rule_days.LAST:
            reach = upper + self._margin
        # Each rule's days by its position, in the order of its occurrences (as made()
        # takes them): most subjects meet no fatigue rule, and their days stay so.
        by_rule: dict[int, list[rule_days.Planned]] = {}
        count = 0
        for compiled_rule in base._rules:
            planned = rule_days.planned_days(compiled_rule, values, None, reach, limit - count)
            if planned is None:
                return None  # the engine raises TooManyTouchPointsError
            days = planned if type(planned) is list else list(planned)
            by_rule[compiled_rule.position] = days
            count += len(days)
        omitted: tuple[Omission, ...] = ()
        conflicts: tuple[Conflict, ...] = ()
        if self._meets_a_rule(by_rule):
            # The engine's rows: by rule, then occurrence.
            found: list[_Found] = [
                (day, compiled_rule.rank, compiled_rule.position, n, moves, compiled_rule.rule)
                for compiled_rule in base._rules
                for n, day, moves in by_rule[compiled_rule.position]
            ]
            resolved = self._resolve(found, lower, upper)
            if resolved is None:
                return None
            kept, omitted, conflicts = resolved
            by_rule = {}
            for day, _, position, n, moves, _ in kept:
                by_rule.setdefault(position, []).append((n, day, moves))
            for planned in by_rule.values():
                planned.sort()  # in the order of their occurrences, as made() takes them
        elif lower is not None or upper is not None:
            for position, days in by_rule.items():
                by_rule[position] = [point for point in days if _inside(point[1], lower, upper)]
        return _Settled(count, by_rule, omitted, conflicts)

    def _meets_a_rule(self, by_rule: dict[int, list[rule_days.Planned]]) -> bool:
        """Whether some spacing or cap holds more touch points than it allows: only
        then can resolution change anything."""
        every: list[int] | None = None  # every touch point's day, sorted once
        channels = self._channels
        for channel, most, days in self._spans:
            if channel is None:
                if every is None:
                    every = sorted([point[1] for planned in by_rule.values() for point in planned])
                near = every
            else:
                near = sorted(
                    [
                        point[1]
                        for position, planned in by_rule.items()
                        if channels[position] == channel
                        for point in planned
                    ]
                )
            # The days from each touch point to the one ``most`` places after it.
            if min(map(sub, near[most:], near), default=days) < days:
                return True
        return False

    def _resolve(
        self, found: list[_Found], lower: int | None, upper: int | None
    ) -> _Resolved | None:
        """Resolve fatigue on ``found`` as the engine does (its rows in the engine's
        order: by rule, then occurrence), then apply the window."""
        origin = min([point[0] for point in found])
        distances = tuple([(point[0] - origin, point[2], point[3]) for point in found])
        known = self._decided.get(distances, ())
        entries: list[Entry] | None = None
        decided = next((kept for kept in known if self._holds(kept, origin)), None)
        if decided is not None:
            shift = origin - decided.origin
        else:
            entries = self._entries(found)
            asked: list[tuple[int, int, bool]] = []
            try:
                resolution = decide(entries, self._prepared, is_open=self._is_open(asked))
            except OverflowError:
                return None  # a touch point pushed past the year 9999: the engine's to say
            decided = _Decided(origin, resolution, tuple(asked))
            if not self._meets_the_end(resolution, 0):
                if len(self._decided) >= _DECIDED:
                    self._decided.clear()  # one step, safe if threads share the plan
                # The newest first, beside those whose calendars answered otherwise.
                self._decided[distances] = (decided, *known[: _VARIANTS - 1])
            shift = 0
        resolution = decided.resolution
        kept: list[_Found] = []
        for n, number, moves in resolution.placed:
            point = found[n]
            if moves:
                _, rank, position, occurrence, own, rule = point
                added = adjustments(moves, shift)
                point = (number + shift, rank, position, occurrence, (*own, *added), rule)
            if _inside(point[0], lower, upper):
                kept.append(point)
        if not resolution.merged and not resolution.conflicts:
            return tuple(kept), (), ()
        merged, conflicts = remarks(entries or self._entries(found), resolution, shift)
        omitted = tuple(
            merged_omission(entry, note, into)
            for entry, note, into in merged
            if _inside(entry.due.toordinal(), lower, upper)
        )
        return tuple(kept), omitted, tuple(conflicts)

    def _entries(self, found: list[_Found]) -> list[Entry]:
        """``found`` as the engine's rows, by rule and occurrence, each on its day
        (resolution reads days, not times of day)."""
        fromordinal, new = date.fromordinal, tuple.__new__
        return [
            new(Entry, (fromordinal(day), position, 1, occurrence, rule, moves, None))
            for day, _, position, occurrence, moves, rule in found
        ]

    def _holds(self, decided: _Decided, origin: int) -> bool:
        """Whether ``decided``, moved to start on day ``origin``, is what resolution
        decides there: the calendars it asked about answer the same on the moved days,
        and no step could reach the end of time."""
        shift = origin - decided.origin
        if self._meets_the_end(decided.resolution, shift):
            return False
        days, fromordinal = self._days, date.fromordinal
        for position, number, answer in decided.asked:
            calendar = days[position]
            assert calendar is not None  # only calendars are asked
            if (calendar.closed_because(fromordinal(number + shift)) is None) is not answer:
                return False
        return True

    def _meets_the_end(self, resolution: Resolution, shift: int) -> bool:
        """Whether ``resolution``, moved by ``shift`` days, could have looked for a free
        day past 9999-12-31: then the end of time, not the distances, shaped it."""
        return resolution.latest + shift + self._prepared.max_shift > rule_days.LAST

    def _is_open(self, asked: list[tuple[int, int, bool]]) -> Callable[[int, date], bool]:
        """``is_open`` for :func:`~touchpoints._core.fatigue.decide`, noting in
        ``asked`` every day it asks a rule's calendar about, with the answer."""
        days = self._days
        note = asked.append

        def is_open(position: int, day: date) -> bool:
            open_days = days[position]
            if open_days is None:
                return True  # every day, whatever the day
            answer = open_days.closed_because(day) is None
            note((position, day.toordinal(), answer))
            return answer

        return is_open


def _inside(day: int, lower: int | None, upper: int | None) -> bool:
    """Whether day number ``day`` is in the window from ``lower`` to before ``upper``
    (None: unbounded)."""
    return (upper is None or day < upper) and (lower is None or day >= lower)


_UNCOVERED: Final = "uncovered"
"""Kept in the plan's memo when the fatigue plan is not compiled."""


def compiled_fatigue(plan: Plan) -> FatigueCompiled | None:
    """The compiled form of a plan with fatigue, made on first use and kept with the
    plan; None when the plan has no fatigue or something else the compiled path does
    not cover."""
    rules = plan.fatigue
    if rules is None:
        return None
    private = plan.__pydantic_private__
    memo: Memo = private["_compiled"] if private else plan._compiled
    value = memo.get(plan)
    if value is None or value is False:  # False: ``compiled`` refused it for its fatigue
        if not memo.is_for(plan):
            memo = plan._compiled = Memo()  # a copy's memo, shared with its original
        value = _compile(plan, rules) or _UNCOVERED
        memo.put(plan, value)
    return value if isinstance(value, FatigueCompiled) else None


def _compile(plan: Plan, rules: Fatigue) -> FatigueCompiled | None:
    # The same plan without fatigue, with its own memo so it keeps nothing of this one.
    unrested = plan.model_copy(update={"fatigue": None})
    unrested._compiled = Memo()
    base = plain._compile(unrested)
    return None if base is None else FatigueCompiled(base, rules)
