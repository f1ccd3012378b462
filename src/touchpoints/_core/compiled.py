"""The compiled path: a plan turned once into arithmetic on day numbers.

:func:`compiled` compiles a plan the first time it is scheduled and keeps the result
with the plan (in its memo); :meth:`Compiled.run` schedules one subject with it, or
returns None when the subject needs the generic engine. The engine then runs the
generic path for that subject in the same call, so the compiled path never changes a
result: it only skips work.

What is compiled is a whitelist. A plan is compiled only when every field of the
plan, of its channel windows and of its rules is one this module knows, or has its
default value: rules with ``at`` or ``every`` whose offsets and steps are years,
months, weeks and days (no business days, no hours), business calendars and channel
windows of the plan and its rules, and no fatigue, terms, stop anchors or conditions.
Any other rule kind, or a field added to the model later, sends the plan to the
generic engine until this module learns it.

A subject takes the compiled path when it has no history, renewals or calendar of its
own, every anchor the plan reads resolves, and nothing leaves the years 1 to 9999
or exceeds the limit; the window must be dates (or None) and ``as_of`` None. Every
other case is the generic engine's, errors included.

Inside, a touch point is a day number (``date.toordinal``): its rule's offset added
to its anchor, ``n`` steps added for a series (calendar months clamped to the month's
end as dateutil's ``relativedelta`` does, in the same order). A timed touch point is
that day at its contact time in the subject's zone; the RFC 5545 gap rule (see
:func:`~touchpoints._model.localize`) is applied only where the contact time falls
in a gap, which two offset lookups tell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, time
from operator import itemgetter
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from touchpoints._core.arithmetic import UTC, skipped_day
from touchpoints._core.compiled_days import (
    LAST,
    CompiledRule,
    Outside,
    Planned,
    RollingDays,
    Shift,
    advance,
    planned_days,
    shift_of,
    step_of,
)
from touchpoints._core.outputs import TouchPoint
from touchpoints._errors import ScheduleError
from touchpoints._model import (
    Adjustment,
    ChannelWindow,
    Memo,
    OpenDays,
    Plan,
    Rule,
    Subject,
    localize,
    to_local_date,
    zone_for,
)

__all__ = ["Compiled", "compiled"]

_PLAN_FIELDS: Final = frozenset(
    {
        "id",
        "version",
        "name",
        "description",
        "timezone",
        "contact_time",
        "horizon",
        "anchors",
        "declared_subject_anchors",
        "business_calendar",
        "missed",  # read only with as_of, which the compiled path leaves to the engine
        "channels",
        "rules",
    }
)
"""The plan fields the compiled path understands; every other must have its default."""

_RULE_FIELDS: Final = frozenset(
    {
        "id",
        "title",
        "channel",
        "description",
        "owner",
        "priority",
        "tags",
        "duration",
        "customer",
        "after",  # read only with history, which the compiled path leaves to the engine
        "missed",  # read only with as_of
        "optional",  # read only when an anchor is missing
        "contact_time",
        "business_calendar",
        "at",
        "every",
        "starting",
        "until",
        "count",
    }
)
"""The rule fields the compiled path understands; every other must have its default."""

_WINDOW_FIELDS: Final = frozenset({"contact_time", "weekdays"})


def _only_known(model: BaseModel, known: frozenset[str]) -> bool:
    """True when every field of ``model`` outside ``known`` has its default value."""
    for name, info in type(model).model_fields.items():
        if name not in known and getattr(model, name) != info.get_default(
            call_default_factory=True
        ):
            return False
    return True


class Compiled:
    """A plan compiled for the subjects and windows the compiled path covers."""

    __slots__ = (
        "_derived",
        "_horizon",
        "_makers",
        "_order",
        "_plan",
        "_rules",
        "_times",
        "_zones",
    )

    def __init__(
        self,
        plan: Plan,
        rules: tuple[CompiledRule, ...],
        derived: Mapping[str, Shift],
        horizon: tuple[int, int],
    ) -> None:
        self._plan = plan
        self._rules = rules
        self._derived = dict(derived)
        names: dict[str, None] = dict.fromkeys(plan.subject_anchors())
        names.update(dict.fromkeys(plan.anchors))
        # Every anchor the plan reads, each after the one it is derived from, with its
        # derivation (None for a subject's own anchor): a subject's date wins over it.
        order: dict[str, Shift | None] = {}

        def visit(name: str) -> None:
            if name not in order:
                shift = self._derived.get(name)
                if shift is not None:
                    visit(shift[0])
                order[name] = shift

        for name in names:
            visit(name)
        self._order = tuple(order.items())
        self._horizon = horizon
        # The rules' distinct contact times, earliest first: a rule's rank is its
        # time's place here.
        self._times = tuple(sorted({rule.time for rule in rules if rule.time is not None}))
        # What making a rule's touch points reads, rule by rule.
        self._makers = tuple(
            (rule, rule.rule, rule.rule.id, rule.rank, rule.position) for rule in rules
        )
        # The zones met so far, one entry per zone name.
        self._zones: dict[str, _Zone] = {}

    def run(
        self, subject: Subject, start: date | None, end: date | None, limit: int
    ) -> tuple[list[TouchPoint], date] | None:
        """The subject's touch points, in order, and the window's end; None when the
        subject needs the generic engine.

        ``start`` and ``end`` are dates or None (never datetimes).
        """
        if subject.history or subject.renewals or subject.business_calendar is not None:
            return None
        zone_key = subject.timezone or self._plan.timezone
        if zone_key is None:
            if self._times:
                return None  # the engine says the subject needs a zone
            placing = _NO_ZONE
        else:
            placing = self._zones.get(zone_key) or self._zone(zone_key)
        try:
            values = self._anchors(subject, placing.zone)
            if values is None:
                return None
            lower, upper, window_end = self._window(values, start, end)
            made = self.made(placing, subject.id, limit, values, lower, upper)
        except Outside:
            return None
        return None if made is None else (made, window_end)

    def made(
        self,
        placing: _Zone,
        subject_id: str,
        limit: int,
        values: dict[str, int],
        lower: int | None,
        upper: int | None,
        planned: Mapping[int, list[Planned]] | None = None,
    ) -> list[TouchPoint] | None:
        """The touch points of the days each rule plans (or, where ``planned`` is
        given, of the days it holds for each rule's position, in the order of their
        occurrences), in order; None when there are more than ``limit``.

        Touch points are made rule by rule, each rule's in the order of its
        occurrences, then sorted by due time alone: the sort is stable, so touch
        points due at the same time stay in the order of the rule's position and
        then of the occurrence, as :class:`~touchpoints.Schedule` orders them. (All
        due times of one subject share its zone, where Python compares wall-clock
        times; the compiled path makes none in the second reading of a fold, so
        that is the order of their instants.)"""
        points: list[TouchPoint] = []
        append = points.append
        plan_id = self._plan.id
        fromordinal = date.fromordinal
        combine = datetime.combine
        new = tuple.__new__
        times = placing.times
        for compiled_rule, rule, rule_id, rank, position in self._makers:
            days: Iterable[Planned] | None
            if planned is None:
                days = planned_days(compiled_rule, values, lower, upper, limit - len(points))
                if days is None:
                    return None  # the engine raises TooManyTouchPointsError
            else:
                days = planned.get(position, ())
            if rank < 0:
                for n, day, moves in days:
                    point = (
                        plan_id,
                        rule_id,
                        subject_id,
                        n,
                        fromordinal(day),
                        rule,
                        moves,
                        None,
                        1,
                    )
                    append(new(TouchPoint, point))
                continue
            at = times[rank]
            dues, aware, folded, offset = at.dues, at.aware, at.folded, at.offset
            if len(dues) >= _DUES:
                dues.clear()
            for n, day, moves in days:
                due = dues.get(day)
                if due is None:
                    # A day met for the first time: the contact time there, unless it
                    # falls in a gap or a fold (its two readings differ).
                    local = fromordinal(day)
                    due = combine(local, aware)
                    if offset(combine(local, folded)) == offset(due):
                        dues[day] = due
                    else:
                        due, skipped = at.placed(day)
                        if skipped is not None:
                            moves = (*moves, skipped)
                point = (plan_id, rule_id, subject_id, n, due, rule, moves, None, 1)
                append(new(TouchPoint, point))
        points.sort(key=_DUE)
        return points

    def _zone(self, key: str) -> _Zone:
        zone = zone_for(key)
        placing = _Zone(zone, tuple(_Time(t, zone) for t in self._times))
        self._zones[key] = placing
        return placing

    def _anchors(self, subject: Subject, zone: ZoneInfo) -> dict[str, int] | None:
        """The day number of every anchor the plan reads, or None if one is missing."""
        given = subject.anchors
        values: dict[str, int] = {}
        for name, shift in self._order:
            raw = given.get(name)
            if raw is not None:
                if type(raw) is not date:
                    try:
                        raw = to_local_date(raw, zone)
                    except ScheduleError:
                        raise Outside from None
                values[name] = raw.toordinal()
                continue
            if shift is None:
                return None
            base = values.get(shift[0])
            if base is None:
                return None
            values[name] = advance(base, shift[1], shift[2])
        return values

    def _window(
        self, values: dict[str, int], start: date | None, end: date | None
    ) -> tuple[int | None, int | None, date]:
        """The window as day numbers (None: unbounded) and the end date it reports."""
        lower = None if start is None else start.toordinal()
        if end is not None:
            return lower, end.toordinal(), end
        # The plan's horizon after the start or the earliest anchor (see default_end).
        origin = lower if lower is not None else min(values.values())
        months, days = self._horizon
        try:
            last = advance(origin, months, days)
        except Outside:
            return lower, None, date.max
        return lower, None if last == LAST else last, date.fromordinal(last)


class _Time:
    """One contact time in one zone, and its due times by day number.

    :meth:`Compiled.run` reads :attr:`dues` and, for a day not there, combines the
    day with :attr:`aware`: that is the due time unless the zone reads the wall time
    differently with :attr:`folded` (a gap or a fold), when :meth:`placed` applies
    the RFC 5545 rule.
    """

    __slots__ = ("aware", "dues", "folded", "offset", "wall", "zone")

    def __init__(self, wall: time, zone: ZoneInfo) -> None:
        self.wall = wall
        self.zone = zone
        self.aware = wall.replace(tzinfo=zone)
        self.folded = wall.replace(fold=1)
        self.offset = zone.utcoffset
        # Due times of the days met so far where the time is neither in a gap nor in
        # a fold: once there are _DUES of them, the next rule to read them starts
        # again (clearing a dict is one step, safe if threads share the plan), so
        # there are never more than _DUES and one rule's touch points.
        self.dues: dict[int, datetime] = {}

    def placed(self, day: int) -> tuple[datetime, Adjustment | None]:
        """The due time on day number ``day``, where the contact time falls in a gap
        or a fold, and the adjustment that says so when a gap moved it to the next
        day."""
        zone = self.zone
        wall = datetime.combine(date.fromordinal(day), self.wall)
        placed = localize(wall, zone)
        if placed.day != wall.day:
            return placed, skipped_day(wall, placed, zone)
        return placed, None


class _Zone(NamedTuple):
    """A zone met by the compiled plan, and its contact times there."""

    zone: ZoneInfo
    times: tuple[_Time, ...]


_DUES: Final = 8_192
"""The most due times one contact time keeps per zone, before a rule's touch points
add theirs."""

_NO_ZONE: Final = _Zone(UTC, ())
"""Where an all-day plan's touch points are placed for a subject with no zone."""


_DUE: Final = itemgetter(4)
"""A touch point's :attr:`~touchpoints.TouchPoint.due` (its fifth field), read in C."""


def compiled(plan: Plan) -> Compiled | None:
    """The plan's compiled form, made on first use and kept with the plan; None when
    the plan has something the compiled path does not cover."""
    private = plan.__pydantic_private__  # plan._compiled, without pydantic's __getattr__
    memo: Memo = private["_compiled"] if private else plan._compiled
    value = memo.get(plan)
    if value is None:
        if not memo.is_for(plan):
            memo = plan._compiled = Memo()  # a copy's memo, shared with its original
        value = _compile(plan) or False
        memo.put(plan, value)
    return value if isinstance(value, Compiled) else None


def _compile(plan: Plan) -> Compiled | None:
    if not _only_known(plan, _PLAN_FIELDS):
        return None
    horizon = step_of(plan.horizon)
    if horizon is None and not plan.horizon.is_zero:
        return None
    derived: dict[str, Shift] = {}
    for name, expression in plan.anchors.items():
        shift = shift_of(expression)
        if shift is None:
            return None
        derived[name] = shift
    rules: list[CompiledRule] = []
    # The rules' calendars, each made once: rules on the same calendar share what it
    # works out (which days are open, and the rolls).
    calendars: dict[tuple[object, ...], RollingDays] = {}
    for position, rule in enumerate(plan.rules):
        compiled_rule = _compile_rule(plan, position, rule, calendars)
        if compiled_rule is None:
            return None
        rules.append(compiled_rule)
    if {rule.time is None for rule in rules} != {plan.is_all_day}:
        return None
    times = sorted({rule.time for rule in rules if rule.time is not None})
    ranked = tuple(
        rule if rule.time is None else replace(rule, rank=times.index(rule.time)) for rule in rules
    )
    return Compiled(plan, ranked, derived, horizon or (0, 0))


def _compile_rule(
    plan: Plan, position: int, rule: Rule, calendars: dict[tuple[object, ...], RollingDays]
) -> CompiledRule | None:
    if not _only_known(rule, _RULE_FIELDS):
        return None
    window: ChannelWindow | None = plan.channels.get(rule.channel)
    if window is not None and not _only_known(window, _WINDOW_FIELDS):
        return None
    step = None
    if rule.at is not None:
        start = shift_of(rule.at)
    elif rule.every is not None and rule.starting is not None:
        start = shift_of(rule.starting)
        step = step_of(rule.every)
        if step is None:
            return None
    else:
        return None  # an rrule, or a kind this module does not know
    until = None
    if rule.until is not None:
        until = shift_of(rule.until)
        if until is None:
            return None
    if start is None:
        return None
    contact_time = (
        rule.contact_time
        or (window.contact_time if window is not None else None)
        or plan.contact_time
    )
    if contact_time is not None and (contact_time.tzinfo is not None or contact_time.fold):
        return None
    weekdays = window.weekdays if window is not None else None
    days = None
    if (
        plan.business_calendar is not None
        or rule.business_calendar is not None
        or weekdays is not None
    ):
        key = (rule.business_calendar, plan.business_calendar, weekdays)
        days = calendars.get(key)
        if days is None:
            open_days = OpenDays.resolve((rule.business_calendar, None, plan.business_calendar))
            days = calendars[key] = RollingDays(open_days.with_weekdays(weekdays))
    return CompiledRule(position, rule, start, step, until, rule.count, contact_time, days)
