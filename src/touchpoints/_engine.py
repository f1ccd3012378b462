"""The engine: a plan and a subject in, a sorted schedule of touch points out.

Everything here is a pure function of its arguments. :func:`schedule_many` keeps a
bounded cache for the length of one call: subjects with the same zone and anchor
dates share their computed due dates, and only the cheap per-subject part (ids and
tuples) is done for each.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain
from itertools import count as count_from
from typing import Final, NamedTuple, overload
from zoneinfo import ZoneInfo

from touchpoints._business import (
    MAX_ROLL_DAYS,
    Adjustment,
    BusinessCalendar,
    OpenDays,
    Weekday,
    day_label,
)
from touchpoints._calendar import Wall, day_of, localize, to_local_date, to_wall, zone_for
from touchpoints._conditions import failed_condition
from touchpoints._durations import AnchorExpression, Duration
from touchpoints._errors import MissingAnchorError, ScheduleError, TooManyTouchPointsError
from touchpoints._fatigue import Conflict, resolve_fatigue
from touchpoints._ids import touch_point_id
from touchpoints._models import HistoryEvent, Plan, Rule, Subject

__all__ = ["DEFAULT_LIMIT", "Omission", "Schedule", "TouchPoint", "schedule", "schedule_many"]

DEFAULT_LIMIT: Final = 10_000
"""The most touch points one subject may get before :class:`TooManyTouchPointsError`."""

_CACHE_SIZE: Final = 8_192
_UTC: Final = ZoneInfo("UTC")


class TouchPoint(NamedTuple):
    """One contact to make: the output of scheduling, made by the million.

    A touch point is an immutable tuple; the rule's fields (``title``, ``channel``
    and the rest) are read through from its :attr:`rule`, and :attr:`id` is derived
    from the four key fields when read.

    Attributes:
        plan_id: the plan it comes from.
        rule_id: the rule it comes from.
        subject_id: the subject it is for.
        occurrence: its number within the rule's series, from 1.
        due: when: a timezone-aware datetime, or a date when the plan is all-day.
        rule: the rule itself.
        adjustments: each move made to the planned date (a closed day rolled over,
            ...), in order; empty when it stands where its rule put it.
        done_on: when the subject's history says it was completed, else None.
        term: the contract term it belongs to, from 1 (see ``Plan.term``).

    >>> from datetime import date
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> tp = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))[0]
    >>> tp.rule_id, tp.occurrence, tp.due, tp.title, tp.channel
    ('call', 1, datetime.date(2026, 1, 15), 'Welcome call', 'call')
    """

    plan_id: str
    rule_id: str
    subject_id: str
    occurrence: int
    due: date
    rule: Rule
    adjustments: tuple[Adjustment, ...] = ()
    done_on: date | None = None
    term: int = 1

    @property
    def id(self) -> str:
        """A stable, opaque id: see :func:`touchpoints.touch_point_id`."""
        return touch_point_id(
            self.plan_id, self.subject_id, self.rule_id, self.occurrence, term=self.term
        )

    @property
    def is_all_day(self) -> bool:
        """True when :attr:`due` is a date rather than a datetime."""
        return type(self.due) is date

    @property
    def title(self) -> str:
        """The rule's title."""
        return self.rule.title

    @property
    def channel(self) -> str:
        """The rule's channel, such as ``call`` or ``visit``."""
        return self.rule.channel

    @property
    def description(self) -> str | None:
        """The rule's description."""
        return self.rule.description

    @property
    def owner(self) -> str | None:
        """Who makes the contact: the rule's owner or role."""
        return self.rule.owner

    @property
    def priority(self) -> int:
        """The rule's priority, 1 (highest) to 9 (lowest)."""
        return self.rule.priority

    @property
    def tags(self) -> tuple[str, ...]:
        """The rule's tags."""
        return self.rule.tags

    @property
    def duration(self) -> Duration | None:
        """How long the contact takes, when the rule says."""
        return self.rule.duration

    @property
    def anchor(self) -> str:
        """The anchor the touch point's date is counted from."""
        expression = self.rule.at or self.rule.starting
        assert expression is not None
        return expression.anchor

    @property
    def planned(self) -> date:
        """The local date the rule gave, before any adjustment."""
        if self.adjustments:
            return self.adjustments[0].before
        return day_of(self.due)

    def explain(self) -> str:
        """Where this touch point comes from and why it landed where it did.

        >>> from datetime import date
        >>> plan = Plan.model_validate({"plan": "p", "calendar": {"holidays": "DE-BY"},
        ...     "touchpoints": [{"id": "call", "title": "Call", "channel": "call",
        ...                      "at": "purchase + 2 weeks"}]})
        >>> tp = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 3, 23)}))[0]
        >>> print(tp.explain())
        call #1: purchase + 2 weeks = Mon 2026-04-06
          Mon 2026-04-06 -> Tue 2026-04-07: holiday: Easter Monday
        """
        rule = self.rule
        if rule.at is not None:
            origin = str(rule.at)
        elif rule.every is not None:
            origin = f"every {rule.every} from {rule.starting}"
        else:
            origin = f"{rule.rrule} from {rule.starting}"
        planned = self.planned
        lines = [f"{self.rule_id} #{self.occurrence}: {origin} = {day_label(planned)}"]
        lines += [f"  {adjustment}" for adjustment in self.adjustments]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Omission:
    """Touch points of a rule left out for a subject, and why; reported, never silent.

    Attributes:
        rule_id: the rule.
        anchor: the anchor the subject lacks, when that is the reason.
        reason: the reason in words, when it is another one (a condition not met,
            a stop anchor), phrased to follow the rule's name.

    >>> print(Omission("win-back", "churn"))
    rule 'win-back' left out: the subject has no 'churn' date
    >>> print(Omission("upsell", reason="left out: attribute 'segment' is missing"))
    rule 'upsell' left out: attribute 'segment' is missing
    """

    rule_id: str
    anchor: str | None = None
    reason: str | None = None

    def __str__(self) -> str:
        why = self.reason or f"left out: the subject has no {self.anchor!r} date"
        return f"rule {self.rule_id!r} {why}"


@dataclass(frozen=True, slots=True)
class Schedule(Sequence[TouchPoint]):
    """A subject's touch points in order, with what was left out and the window used.

    Touch points are ordered by due time, then by the rule's position in the plan,
    then by occurrence number. Iterating, indexing and ``len`` work on the touch
    points.

    Attributes:
        plan_id: the plan scheduled.
        subject_id: the subject scheduled.
        touch_points: the touch points, in order.
        omitted: touch points left out, and why: optional rules whose anchors the
            subject lacks, conditions not met, stop anchors, history, merges.
        start: the window start used (inclusive), or None for no lower bound.
        end: the window end used (exclusive).
        conflicts: spacing or caps that could not be met (see ``Plan.fatigue``).

    >>> from datetime import date
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase + 1 month"},
    ...     {"id": "b", "title": "B", "channel": "email", "at": "churn", "optional": True}]})
    >>> result = schedule(plan, Subject(id="c1", anchors={"purchase": date(2024, 1, 31)}))
    >>> [tp.due for tp in result], [str(o) for o in result.omitted]
    ([datetime.date(2024, 2, 29)], ["rule 'b' left out: the subject has no 'churn' date"])
    """

    plan_id: str
    subject_id: str
    touch_points: tuple[TouchPoint, ...]
    omitted: tuple[Omission, ...] = ()
    start: date | None = None
    end: date | None = None
    conflicts: tuple[Conflict, ...] = ()

    @overload
    def __getitem__(self, index: int) -> TouchPoint: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[TouchPoint, ...]: ...
    def __getitem__(self, index: int | slice) -> TouchPoint | tuple[TouchPoint, ...]:
        return self.touch_points[index]

    def __len__(self) -> int:
        return len(self.touch_points)

    def __iter__(self) -> Iterator[TouchPoint]:
        return iter(self.touch_points)


def schedule(
    plan: Plan,
    subject: Subject,
    *,
    start: date | None = None,
    end: date | None = None,
    limit: int = DEFAULT_LIMIT,
    as_of: date | None = None,
) -> Schedule:
    """Schedule ``plan`` for one subject.

    Args:
        plan: the plan template.
        subject: the customer, asset or contract.
        start: the window's first moment (inclusive): a date (the start of that day
            in the subject's zone) or a timezone-aware datetime. None for no lower
            bound.
        end: the window's end (exclusive), likewise. None for the plan's horizon
            after ``start`` or, without one, after the subject's earliest anchor.
        limit: the most touch points the subject may get.
        as_of: "today" for the history: touch points due before it (a date: its
            start in the subject's zone, or an aware datetime) with no history event
            are missed, and the plan's ``missed`` policy applies. None: nothing is
            missed. The clock is never read.

    Raises:
        MissingAnchorError: a rule that is not optional needs an anchor the subject
            does not have.
        TooManyTouchPointsError: the subject would get more than ``limit``.
        ScheduleError: the window or time zone is unusable.

    >>> from datetime import date
    >>> plan = Plan.model_validate({
    ...     "plan": "p", "timezone": "Europe/Berlin", "contact_time": "10:00",
    ...     "touchpoints": [{"id": "s", "title": "Service", "channel": "visit",
    ...                      "every": "1 month", "starting": "purchase", "count": 3}]})
    >>> subject = Subject(id="c1", anchors={"purchase": date(2024, 1, 31)})
    >>> [tp.due.isoformat() for tp in schedule(plan, subject)]
    ['2024-01-31T10:00:00+01:00', '2024-02-29T10:00:00+01:00', '2024-03-31T10:00:00+02:00']
    """
    engine = _Engine(plan, start=start, end=end, limit=limit, as_of=as_of)
    return engine.schedule(subject)


def schedule_many(
    plan: Plan,
    subjects: Iterable[Subject],
    *,
    start: date | None = None,
    end: date | None = None,
    limit: int = DEFAULT_LIMIT,
    as_of: date | None = None,
    on_omitted: Callable[[str, Omission], object] | None = None,
    on_conflict: Callable[[str, Conflict], object] | None = None,
) -> Iterator[TouchPoint]:
    """Schedule ``plan`` for many subjects, streaming touch points.

    Subjects are read one at a time and never held together, so the input can be a
    generator over millions of rows. The output is each subject's schedule in turn,
    in input order. The arguments mean what they mean for :func:`schedule`;
    ``on_omitted(subject_id, omission)`` is called for every omission and
    ``on_conflict(subject_id, conflict)`` for every fatigue rule that could not be met.

    >>> from datetime import date
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"}]})
    >>> subjects = (Subject(id=f"c{n}", anchors={"purchase": date(2026, 1, n)}) for n in (1, 2))
    >>> [(tp.subject_id, tp.due.isoformat()) for tp in schedule_many(plan, subjects)]
    [('c1', '2026-01-15'), ('c2', '2026-01-16')]
    """
    engine = _Engine(plan, start=start, end=end, limit=limit, as_of=as_of)
    walls: dict[tuple[object, ...], _Walls] = {}
    dues: dict[tuple[object, ...], _Walls] = {}
    for subject in subjects:
        key = engine.key(subject)
        computed = dues.get(key)
        if computed is None:
            computed = engine.compute(subject.id, key, walls)
            _remember(dues, key, computed)
        if on_omitted is not None:
            for omission in computed.omitted:
                on_omitted(subject.id, omission)
        if on_conflict is not None:
            for conflict in computed.conflicts:
                on_conflict(subject.id, conflict)
        yield from engine.touch_points(subject.id, computed)


def _remember(
    cache: dict[tuple[object, ...], _Walls], key: tuple[object, ...], value: _Walls
) -> None:
    if len(cache) >= _CACHE_SIZE:
        del cache[next(iter(cache))]  # the oldest entry: dicts keep insertion order
    cache[key] = value


@dataclass(frozen=True, slots=True)
class _Walls:
    """What subjects with equal keys share: the sorted entries (see ``_Entry``), the
    omissions, the window used and the fatigue conflicts.

    At the first stage ``due`` holds wall-clock values; :meth:`_Engine.compute`
    places them in the subject's zone.
    """

    entries: tuple[_Entry, ...]
    omitted: tuple[Omission, ...]
    start: date | None
    end: date
    conflicts: tuple[Conflict, ...] = ()


_Entry = tuple[date, int, int, int, Rule, tuple[Adjustment, ...], date | None]
"""(due, rule position, term, occurrence, rule, adjustments, completion date)"""


class _MissingAnchor(Exception):
    def __init__(self, anchor: str) -> None:
        self.anchor = anchor


class _Engine:
    """A plan and window prepared once, applied to any number of subjects.

    Scheduling has two stages. The first depends only on the subject's anchor dates
    (and on its zone only when a window bound is a datetime): it computes wall-clock
    values, filters them to the window and applies the limit. The second places the
    wall-clock values in the subject's zone. :func:`schedule_many` caches both.
    """

    __slots__ = (
        "_all_day",
        "_as_of",
        "_attributes",
        "_calendars",
        "_end",
        "_limit",
        "_names",
        "_plan",
        "_rolls",
        "_start",
        "_times",
        "_weekdays",
        "_zoned_window",
    )

    def __init__(
        self,
        plan: Plan,
        *,
        start: date | None,
        end: date | None,
        limit: int,
        as_of: date | None = None,
    ) -> None:
        if type(limit) is not int or limit < 1:
            raise ScheduleError(f"limit must be a whole number of 1 or more, not {limit!r}")
        for name, bound in (("start", start), ("end", end), ("as of", as_of)):
            if bound is not None and not isinstance(bound, date):
                raise ScheduleError(f"the window {name} must be a date or datetime, not {bound!r}")
            if isinstance(bound, datetime) and bound.utcoffset() is None:
                raise ScheduleError(
                    f"the window {name} {bound.isoformat()} has no time zone; pass a date "
                    "or a timezone-aware datetime"
                )
        if start is not None and end is not None and _instant(end) < _instant(start):
            raise ScheduleError(
                f"the window ends ({end.isoformat()}) before it starts ({start.isoformat()})"
            )
        self._plan = plan
        self._all_day = plan.is_all_day
        self._start = start
        self._end = end
        self._limit = limit
        self._as_of = as_of
        self._zoned_window = any(isinstance(bound, datetime) for bound in (start, end, as_of))
        names: dict[str, None] = dict.fromkeys(plan.subject_anchors())
        names.update(dict.fromkeys(plan.anchors))
        self._names = tuple(names)
        windows = [plan.channels.get(rule.channel) for rule in plan.touchpoints]
        self._times = tuple(
            rule.contact_time
            or (window.contact_time if window is not None else None)
            or plan.contact_time
            for rule, window in zip(plan.touchpoints, windows, strict=True)
        )
        self._weekdays: tuple[tuple[Weekday, ...] | None, ...] = tuple(
            window.weekdays if window is not None else None for window in windows
        )
        # Touch points move off closed days only where some calendar or channel
        # window is set (a subject's own calendar turns it on for that subject).
        self._rolls = tuple(
            plan.calendar is not None or rule.calendar is not None or weekdays is not None
            for rule, weekdays in zip(plan.touchpoints, self._weekdays, strict=True)
        )
        self._calendars: dict[tuple[int, BusinessCalendar | None], OpenDays] = {}
        # Only the attributes some condition reads are part of a subject's key.
        self._attributes = tuple(sorted({name for rule in plan.touchpoints for name in rule.when}))

    def schedule(self, subject: Subject) -> Schedule:
        computed = self.compute(subject.id, self.key(subject), {})
        return Schedule(
            plan_id=self._plan.id,
            subject_id=subject.id,
            touch_points=tuple(self.touch_points(subject.id, computed)),
            omitted=computed.omitted,
            start=computed.start,
            end=computed.end,
            conflicts=computed.conflicts,
        )

    def key(self, subject: Subject) -> tuple[object, ...]:
        """What the subject's schedule depends on: its zone, its anchors' dates, and
        its calendar, history, renewals and the attributes conditions read, in that
        order."""
        zone_key = subject.timezone or self._plan.timezone
        anchors = subject.anchors
        values: list[object] = [zone_key]
        for name in self._names:
            value = anchors.get(name)
            if value is not None and type(value) is not date:
                value = to_local_date(value, self._zone(zone_key, subject.id))
            values.append(value)
        values.append(subject.calendar)
        values.append(subject.history)
        values.append(
            tuple(to_local_date(day, self._zone(zone_key, subject.id)) for day in subject.renewals)
            if subject.renewals
            else ()
        )
        attributes = subject.attributes
        values.append(
            tuple((name in attributes, attributes.get(name)) for name in self._attributes)
        )
        return tuple(values)

    def touch_points(self, subject_id: str, computed: _Walls) -> Iterator[TouchPoint]:
        plan_id = self._plan.id
        new = tuple.__new__
        for due, _, term, occurrence, rule, adjustments, done_on in computed.entries:
            yield new(
                TouchPoint,
                (plan_id, rule.id, subject_id, occurrence, due, rule, adjustments, done_on, term),
            )

    def compute(
        self,
        subject_id: str,
        key: tuple[object, ...],
        walls: dict[tuple[object, ...], _Walls],
    ) -> _Walls:
        """The subject's sorted entries, reusing ``walls`` computed for equal anchors."""
        zone = self._zone(key[0], subject_id)
        # The first stage depends on the zone only through datetime bounds and history
        # (a reschedule to an instant lands on a zone's wall clock).
        history = key[-3]
        walls_key = key if self._zoned_window or history else key[1:]
        stage = walls.get(walls_key)
        if stage is None:
            stage = self._first_stage(subject_id, zone, key[1:])
            _remember(walls, walls_key, stage)
        if self._all_day:
            return stage
        # A timed plan's walls are all datetimes (see _place): localize them directly.
        entries = [
            (localize(wall, zone), i, term, k, rule, moves, done)  # type: ignore[arg-type]
            for wall, i, term, k, rule, moves, done in stage.entries
        ]
        entries.sort(key=_order)
        return _Walls(tuple(entries), stage.omitted, stage.start, stage.end, stage.conflicts)

    def _zone(self, zone_key: object, subject_id: str) -> ZoneInfo:
        if zone_key is None:
            if self._all_day:
                return _UTC
            raise ScheduleError(
                f"Subject {subject_id!r} has no time zone and plan {self._plan.id!r} sets "
                "none, so its contact time cannot be placed: give the subject a "
                "'timezone' or the plan a 'timezone'"
            )
        assert isinstance(zone_key, str)
        return zone_for(zone_key)

    def _first_stage(self, subject_id: str, zone: ZoneInfo, values: tuple[object, ...]) -> _Walls:
        plan = self._plan
        *anchor_values, subject_calendar, history, renewals, attribute_values = values
        assert isinstance(history, tuple)
        assert isinstance(renewals, tuple)
        assert subject_calendar is None or isinstance(subject_calendar, BusinessCalendar)
        assert isinstance(attribute_values, tuple)
        attributes = {
            name: value
            for name, (present, value) in zip(self._attributes, attribute_values, strict=True)
            if present
        }
        given = {
            name: value
            for name, value in zip(self._names, anchor_values, strict=True)
            if isinstance(value, date)
        }
        derive_days = self._open_days(-1, subject_calendar)
        anchor = _Anchors(plan, given, derive_days, subject_id)
        terms = self._terms(anchor, renewals, subject_id, derive_days)
        start, end = self._window(anchor, terms)
        # With a datetime bound the window is a span of instants; otherwise it is a
        # span of local days, compared with the wall-clock value.
        exact = self._zoned_window and not self._all_day
        lower = self._bound(start, zone, exact=exact)
        upper = self._bound(end, zone, exact=exact, is_end=True)
        fatigue = plan.fatigue
        run = _Run(
            subject_id=subject_id,
            zone=zone,
            exact=exact,
            # Fatigue rules weigh touch points against their neighbours, so they are
            # resolved from the first touch point on and a margin past the window:
            # a touch point lands on the same day whatever window it is seen through.
            lower=lower if fatigue is None else None,
            upper=upper if fatigue is None else _widen(upper, fatigue.margin()),
            as_of=self._bound(self._as_of, zone, exact=exact),
            stops=self._stops(anchor),
            events=_events_by_rule(history),
            subject_calendar=subject_calendar,
        )
        known = {rule.id for rule in plan.touchpoints}
        for rule_id in sorted({rule_id for rule_id, _ in run.events} - known):
            reason = "has history but is not in the plan; its events are ignored"
            run.omitted.append(Omission(rule_id, reason=reason))
        for index, rule in enumerate(plan.touchpoints):
            if rule.when:
                failed = failed_condition(rule.when, attributes)
                if failed is not None:
                    run.omitted.append(Omission(rule.id, reason=f"left out: {failed}"))
                    continue
            for term, term_anchor, term_end in terms:
                try:
                    self._rule_entries(run, index, rule, term, term_anchor, term_end)
                except _MissingAnchor as error:
                    if not rule.optional:
                        raise MissingAnchorError(subject_id, rule.id, error.anchor) from None
                    run.omitted.append(Omission(rule.id, error.anchor))
                    break  # the same anchor is missing in every term
                except TooManyTouchPointsError:
                    raise  # also an OverflowError, but not a date out of range
                except OverflowError:
                    raise ScheduleError(
                        f"rule {rule.id!r} falls outside the years 1 to 9999 for subject "
                        f"{subject_id!r}"
                    ) from None
        conflicts: list[Conflict] = []
        if fatigue is not None:
            conflicts = self._resolve_fatigue(run, lower, upper, subject_calendar)
        run.entries.sort(key=_order)
        return _Walls(tuple(run.entries), tuple(run.omitted), start, end, tuple(conflicts))

    def _resolve_fatigue(
        self,
        run: _Run,
        lower: date | None,
        upper: date | None,
        subject_calendar: BusinessCalendar | None,
    ) -> list[Conflict]:
        assert self._plan.fatigue is not None

        def is_open(index: int, day: date) -> bool:
            if not (self._rolls[index] or subject_calendar is not None):
                return True
            return self._open_days(index, subject_calendar).closed_because(day) is None

        placed, merged, conflicts = resolve_fatigue(
            run.entries, self._plan.fatigue, is_open=is_open
        )
        run.entries = []
        for entry in placed:
            wall = entry[0]
            assert isinstance(wall, date)
            point = _place(wall, run.zone) if run.exact else wall
            if (upper is None or point < upper) and (lower is None or point >= lower):
                run.entries.append(entry)  # type: ignore[arg-type]
        for entry, note in merged:
            wall, term, occurrence, rule = entry[0], entry[2], entry[3], entry[4]
            assert isinstance(wall, date)
            assert isinstance(term, int)
            assert isinstance(rule, Rule)
            point = _place(wall, run.zone) if run.exact else wall
            if (upper is None or point < upper) and (lower is None or point >= lower):
                label = _labeller(term)(occurrence)  # type: ignore[arg-type]
                run.omitted.append(Omission(rule.id, reason=f"{label} {note}"))
        return conflicts

    def _rule_entries(
        self,
        run: _Run,
        index: int,
        rule: Rule,
        term: int,
        anchor: Callable[[str], date],
        term_end: date | None,
    ) -> None:
        """Add one rule's touch points of one term to ``run``."""
        zone, exact, lower, upper = run.zone, run.exact, run.lower, run.upper
        label = _labeller(term)
        ended = None if run.stops is None or run.stops[0] in rule.anchors() else run.stops
        if term_end is not None and (ended is None or term_end < ended[1]):
            ended = ("the end of the term", term_end)
        stopped = False
        days = self._open_days(index, run.subject_calendar)
        rolls = self._rolls[index] or run.subject_calendar is not None
        time_of_day = self._times[index]
        mine = run.events.get((rule.id, term), {})
        completed = {
            k: to_local_date(e.on, zone)
            for k, e in mine.items()
            if e.status == "completed" and e.on is not None
        }
        rebase = completed if rule.after == "completion" else None
        # Occurrences up to the last one the history touches are all visited, as
        # history can move them anywhere.
        floor = max(mine, default=0)
        missed_policy = rule.missed or self._plan.missed
        missed: list[_Entry] = []
        # A roll moves a touch point by at most MAX_ROLL_DAYS, so look that much
        # beyond the window for touch points that may roll into it.
        slack = timedelta(days=MAX_ROLL_DAYS if rolls else 0)
        seek = lower
        if exact and isinstance(lower, datetime):
            # Gap shifts move times forward by hours at most: a day of slack is safe.
            seek = lower.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
        seek, stop = _widen(seek, -slack), _widen(upper, slack)
        # An rrule is searched no further than the window's end (in wall-clock time, a
        # day later for zone offsets), so one that rarely or never matches costs little.
        horizon = stop
        if isinstance(stop, datetime) and stop.tzinfo is not None:
            horizon = _widen(stop.astimezone(zone).replace(tzinfo=None), timedelta(days=1))
        walls = _walls(rule, anchor, time_of_day, seek, days, rebase, horizon)
        for occurrence, planned in walls:
            event = mine.get(occurrence)
            moves: tuple[Adjustment, ...] = ()
            if event is not None and event.status == "rescheduled":
                assert event.on is not None
                wall = _moved_to(event.on, time_of_day, zone)
                moves = (Adjustment(day_of(planned), day_of(wall), "rescheduled"),)
            elif rolls:
                wall, moves = _roll(planned, days)
            else:
                wall = planned
            point, planned_point = wall, planned
            if exact:
                point = _place(wall, zone)
                planned_point = _place(planned, zone) if moves else point
            if stop is not None and planned_point >= stop and occurrence > floor:
                # A time moved forward by a DST gap can pass the end while a later
                # wall-clock time still comes before it: go on until the wall-clock
                # time itself is past the end.
                if exact and planned < stop.astimezone(zone).replace(tzinfo=None):  # type: ignore[attr-defined]
                    continue
                break
            if (upper is not None and point >= upper) or (lower is not None and point < lower):
                continue
            if event is not None and event.status in ("skipped", "cancelled"):
                when = f" on {day_label(day_of(event.on))}" if event.on else ""
                reason = f"{label(occurrence)} left out: {event.status}{when}"
                run.omitted.append(Omission(rule.id, reason=reason))
                continue
            if ended is not None and day_of(wall) > ended[1]:
                # Dates only grow along a series (rolls keep their order), so
                # everything after this one is past the stop too.
                stopped = True
                if occurrence > floor:
                    break
                continue
            entry = (wall, index, term, occurrence, rule, moves, completed.get(occurrence))
            overdue = event is None and run.as_of is not None and point < run.as_of
            if overdue and missed_policy != "catch_up":
                missed.append(entry)
                continue
            run.entries.append(entry)
            if len(run.entries) > self._limit:
                raise TooManyTouchPointsError(run.subject_id, rule.id, self._limit)
        if stopped and ended is not None and ended[0] != "the end of the term":
            reason = f"has no touch points after {ended[0]} on {day_label(ended[1])}"
            if reason not in {o.reason for o in run.omitted if o.rule_id == rule.id}:
                run.omitted.append(Omission(rule.id, reason=reason))
        if missed:
            assert self._as_of is not None
            numbers = ", ".join(label(entry[3]) for entry in missed)
            if missed_policy == "skip":
                reason = f"left out {numbers}: missed before {self._as_of.isoformat()}"
                run.omitted.append(Omission(rule.id, reason=reason))
            else:
                run.entries.append(self._collapse(missed, zone, time_of_day))
                if len(missed) > 1:
                    reason = f"collapsed missed {numbers} into {label(missed[-1][3])}"
                    run.omitted.append(Omission(rule.id, reason=reason))

    def _terms(
        self, anchor: _Anchors, renewals: tuple[date, ...], subject_id: str, days: OpenDays
    ) -> list[_Term]:
        """The subject's terms: number, anchor resolver, and last day (inclusive).

        Without a ``term`` in the plan there is one term with no end of its own.
        """
        spec = self._plan.term
        if spec is None:
            return [(1, anchor, None)]
        try:
            first = anchor(spec.starts)
        except _MissingAnchor:
            return [(1, anchor, None)]  # rules needing the anchor report it
        starts = [first, *sorted(day for day in set(renewals) if day > first)]
        terms: list[_Term] = []
        for number, begin in enumerate(starts, start=1):
            resolver: _Anchors = anchor
            if number > 1:
                resolver = _Anchors(
                    self._plan, {**anchor.given, spec.starts: begin}, days, subject_id
                )
            last: date | None = None
            if number < len(starts):
                last = starts[number]  # the renewal day belongs to both terms
            if spec.length is not None:
                try:
                    natural = begin + spec.length.as_relativedelta()
                except (OverflowError, ValueError):
                    natural = date.max
                last = natural if last is None else min(last, natural)
            terms.append((number, resolver, last))
        return terms

    def _collapse(self, missed: list[_Entry], zone: ZoneInfo, time_of_day: time | None) -> _Entry:
        """One touch point at ``as_of`` for all missed ones: the latest of them, moved."""
        assert self._as_of is not None
        wall, index, term, occurrence, rule, moves, done = missed[-1]
        target = _moved_to(self._as_of, time_of_day, zone)
        note = f"{len(missed)} missed, due again" if len(missed) > 1 else "missed, due again"
        moved = (*moves, Adjustment(day_of(wall), day_of(target), note))
        return target, index, term, occurrence, rule, moved, done

    def _stops(self, anchor: Callable[[str], date]) -> tuple[str, date] | None:
        """The earliest stop anchor the subject has, and its date."""
        found: list[tuple[date, str]] = []
        for name in self._plan.stop:
            try:
                found.append((anchor(name), name))
            except _MissingAnchor:
                continue
        if not found:
            return None
        day, name = min(found)
        return name, day

    def _open_days(self, index: int, subject_calendar: BusinessCalendar | None) -> OpenDays:
        """The business calendar of rule ``index`` (-1: of derived anchors) for a subject."""
        key = (index, subject_calendar)
        days = self._calendars.get(key)
        if days is None:
            plan = self._plan
            rule_calendar = plan.touchpoints[index].calendar if index >= 0 else None
            days = OpenDays.resolve((rule_calendar, subject_calendar, plan.calendar))
            if index >= 0:
                days = days.with_weekdays(self._weekdays[index])
            if len(self._calendars) >= _CACHE_SIZE:  # subjects' own calendars vary
                del self._calendars[next(iter(self._calendars))]
            self._calendars[key] = days
        return days

    def _window(
        self,
        anchor: _Anchors,
        terms: list[_Term],
    ) -> tuple[date | None, date]:
        """The window's start and end as given, the end defaulting to the horizon
        (and never before the day after the last term ends)."""
        if self._end is not None:
            return self._start, self._end
        term_end = terms[-1][2]
        after_terms = date.min
        if term_end is not None:
            after_terms = term_end if term_end == date.max else term_end + timedelta(days=1)
        if self._start is not None:
            origin = day_of(self._start)
        else:
            days = []
            for name in self._names:
                try:
                    days.append(anchor(name))
                except _MissingAnchor:
                    continue
            origin = min(days, default=date.min)
        try:
            last = origin + self._plan.horizon.as_relativedelta()
        except (OverflowError, ValueError):
            last = date.max
        return self._start, max(last, after_terms)

    def _bound(
        self, bound: date | None, zone: ZoneInfo, *, exact: bool, is_end: bool = False
    ) -> date | None:
        """A window bound in the terms walls are compared in: a date for all-day plans,
        an instant when ``exact``, else a wall-clock midnight."""
        if bound is None:
            return None
        if not isinstance(bound, datetime):
            if self._all_day:
                return bound
            midnight = datetime.combine(bound, time())
            if bound == date.max:  # no horizon could be computed: no upper bound
                return midnight if not exact else midnight.replace(tzinfo=zone)
            return localize(midnight, zone) if exact else midnight
        if not self._all_day:
            return bound
        local = bound.astimezone(zone)
        # An all-day touch point is in the window when its day overlaps the window.
        return local.date() + timedelta(days=1 if is_end and local.time() != time() else 0)


@dataclass(slots=True)
class _Run:
    """One subject's first stage in progress: its bounds, history and results."""

    subject_id: str
    zone: ZoneInfo
    exact: bool
    lower: date | None
    upper: date | None
    as_of: date | None
    stops: tuple[str, date] | None
    events: dict[tuple[str, int], dict[int, HistoryEvent]]
    subject_calendar: BusinessCalendar | None
    entries: list[_Entry] = field(default_factory=list)
    omitted: list[Omission] = field(default_factory=list)


class _Anchors:
    """Resolves anchor names to dates for one subject (and term): the subject's own
    dates first, then the plan's derivations, each computed once."""

    __slots__ = ("_days", "_plan", "_resolved", "_subject_id", "given")

    def __init__(
        self, plan: Plan, given: Mapping[str, date], days: OpenDays, subject_id: str
    ) -> None:
        self._plan = plan
        self.given = dict(given)
        self._days = days
        self._subject_id = subject_id
        self._resolved: dict[str, date] = {}

    def __call__(self, name: str) -> date:
        value = self._resolved.get(name)
        if value is not None:
            return value
        value = self.given.get(name)
        if value is None:
            derivation = self._plan.anchors.get(name)
            if derivation is None:
                raise _MissingAnchor(name)
            base = self(derivation.anchor)
            try:
                value = _shifter(derivation, None, self._days)(base, 0)
            except OverflowError:
                raise ScheduleError(
                    f"anchor {name!r} ({derivation}) falls outside the years 1 to 9999 "
                    f"for subject {self._subject_id!r}"
                ) from None
        self._resolved[name] = value
        return value


def _labeller(term: int) -> Callable[[int], str]:
    if term == 1:
        return lambda occurrence: f"#{occurrence}"
    return lambda occurrence: f"#{occurrence} of term {term}"


_Term = tuple[int, _Anchors, date | None]
"""A term: its number, its anchors, and its last day (inclusive; None: open)."""

_STATUS_RANK: Final = {"rescheduled": 0, "skipped": 1, "cancelled": 2, "completed": 3}


def _events_by_rule(
    history: tuple[HistoryEvent, ...],
) -> dict[tuple[str, int], dict[int, HistoryEvent]]:
    """The deciding event of every touch point with history, by (rule, term) and
    occurrence.

    Completed beats cancelled, skipped and rescheduled; among equals the latest date
    wins; so the order of the history list never matters.
    """

    def weight(event: HistoryEvent) -> tuple[int, datetime]:
        on = event.on
        moment = datetime.combine(date.min, time())
        if isinstance(on, datetime):
            moment = on.replace(tzinfo=None)
        elif on is not None:
            moment = datetime.combine(on, time())
        return _STATUS_RANK[event.status], moment

    result: dict[tuple[str, int], dict[int, HistoryEvent]] = {}
    for event in history:
        mine = result.setdefault((event.rule, event.term), {})
        current = mine.get(event.occurrence)
        if current is None or weight(event) > weight(current):
            mine[event.occurrence] = event
    return result


def _moved_to(on: date, time_of_day: time | None, zone: ZoneInfo) -> Wall:
    """The wall-clock value of a date or datetime the host moved a touch point to."""
    if time_of_day is None:
        return to_local_date(on, zone)
    if isinstance(on, datetime):
        return on.astimezone(zone).replace(tzinfo=None) if on.tzinfo else on
    return datetime.combine(on, time_of_day)


def _place(wall: Wall, zone: ZoneInfo) -> date:
    """A wall-clock value in ``zone``; dates (all-day) stay dates."""
    return localize(wall, zone) if isinstance(wall, datetime) else wall


def _widen(bound: date | None, by: timedelta) -> date | None:
    """``bound`` moved by ``by``, staying at the edge of the calendar if it would leave it."""
    if bound is None or not by:
        return bound
    try:
        return bound + by
    except OverflowError:
        return bound


def _roll(wall: Wall, days: OpenDays) -> tuple[Wall, tuple[Adjustment, ...]]:
    """Move a wall-clock value off a closed day, keeping its time of day."""
    day = day_of(wall)
    rolled, reason = days.roll(day)
    if reason is None:
        return wall, ()
    moved = datetime.combine(rolled, wall.time()) if isinstance(wall, datetime) else rolled
    return moved, (Adjustment(day, rolled, reason),)


def _order(entry: _Entry) -> tuple[date, int, int, int]:
    return entry[0], entry[1], entry[2], entry[3]


def _instant(bound: date) -> datetime:
    if isinstance(bound, datetime):
        return bound
    return datetime.combine(bound, time(), _UTC)


def _shifter(
    expression: AnchorExpression, step: Duration | None, days: OpenDays
) -> Callable[[Wall, int], Wall]:
    """``shift(base, times)``: base + signed offset + times x step, in one addition.

    Offsets and steps without years or months add as ``timedelta``, which is much
    faster than ``relativedelta`` and gives the same result for days, hours and minutes.
    Business days are counted on ``days`` after the calendar part is added.
    """
    offset = expression.offset
    business = expression.sign * offset.business_days
    stride_business = step.business_days if step is not None else 0
    if business or stride_business:
        return _business_shifter(expression, step, days, business, stride_business)
    if offset.is_exact and (step is None or step.is_exact):
        fixed = offset.as_timedelta() * expression.sign
        stride = step.as_timedelta() if step is not None else timedelta()

        def shift_exact(base: Wall, times: int) -> Wall:
            try:
                return base + (fixed + stride * times)
            except (OverflowError, ValueError) as error:
                raise OverflowError(str(error)) from None

        return shift_exact

    def shift_calendar(base: Wall, times: int) -> Wall:
        try:
            result: Wall = base + expression.as_relativedelta(step, times)
        except (OverflowError, ValueError) as error:
            raise OverflowError(str(error)) from None
        return result

    return shift_calendar


def _business_shifter(
    expression: AnchorExpression,
    step: Duration | None,
    days: OpenDays,
    business: int,
    stride: int,
) -> Callable[[Wall, int], Wall]:
    calendar_offset = Duration() if expression.offset.business_days else expression.offset
    calendar_step = None if step is None or step.business_days else step
    calendar = _shifter(
        AnchorExpression(expression.anchor, calendar_offset, expression.sign), calendar_step, days
    )
    last: list[tuple[Wall, int, date]] = []  # the previous call, to count on from it

    def shift(base: Wall, times: int) -> Wall:
        moved = calendar(base, times)
        day = day_of(moved)
        total = business + stride * times
        # Counting on from an earlier result gives the same day as counting from the
        # anchor, as long as both counts go forward: a series costs one pass.
        if last and last[0][0] == moved and 0 <= last[0][1] <= total:
            result = days.add(last[0][2], total - last[0][1])
        else:
            result = days.add(day, total)
        last[:] = [(moved, total, result)]
        if isinstance(moved, datetime):
            return datetime.combine(result, moved.time())
        return result

    return shift


def _walls(
    rule: Rule,
    anchor: Callable[[str], date],
    contact_time: time | None,
    lower: Wall | None,
    days: OpenDays,
    rebase: Mapping[int, date] | None = None,
    horizon: Wall | None = None,
) -> Iterator[tuple[int, Wall]]:
    """Occurrence numbers and local wall-clock values of one rule, lazily, in order.

    Every value is computed from its anchor in one step (the no-drift rule).
    ``lower`` lets a fixed-interval series skip ahead to the window. ``rebase``, the
    completion dates by occurrence, floats an ``every`` series: occurrence ``n`` is
    ``n - c`` intervals after the completion of ``c``, the latest completed occurrence
    before it, and on the fixed grid while none is. ``horizon`` bounds the search of
    an rrule.
    """

    def at(expression: AnchorExpression) -> Wall:
        base = to_wall(anchor(expression.anchor), contact_time)
        return _shifter(expression, None, days)(base, 0)

    if rule.at is not None:
        yield 1, at(rule.at)
        return
    assert rule.starting is not None
    until = at(rule.until) if rule.until is not None else None
    last = rule.count
    if rule.every is not None:
        base = to_wall(anchor(rule.starting.anchor), contact_time)
        shift = _shifter(rule.starting, rule.every, days)

        def nth(n: int) -> Wall:
            return shift(base, n - 1)

        grid = 0  # occurrences 1..grid are all visited, whatever the window
        numbers: Iterable[int]
        if not rebase:
            numbers = count_from(1 if lower is None else _first_at_or_after(nth, lower))
        else:
            done = sorted(rebase)
            grid = done[-1]
            step = _shifter(AnchorExpression(rule.starting.anchor), rule.every, days)
            restarts = {k: to_wall(rebase[k], contact_time) for k in done}

            def floating(n: int) -> Wall:
                before = bisect_left(done, n) - 1  # the latest completion before n
                if before < 0:
                    return shift(base, n - 1)
                k = done[before]
                return step(restarts[k], n - k)

            def after_grid(j: int) -> Wall:
                return floating(grid + j)

            first = 1 if lower is None else _first_at_or_after(after_grid, lower)
            numbers = chain(range(1, grid + 1), (grid + j for j in count_from(first)))
            nth = floating

        for n in numbers:
            if last is not None and n > last:
                return
            try:
                wall = nth(n)
            except OverflowError:
                if n <= grid:
                    continue
                return
            if until is not None and wall > until:
                if n <= grid:
                    continue
                return
            yield n, wall
        return
    start = at(rule.starting)
    all_day = type(start) is date
    dtstart = datetime.combine(start, time()) if all_day else start
    assert isinstance(dtstart, datetime)
    recurrence = rule.recurrence(dtstart)
    if horizon is not None:
        bound = horizon if isinstance(horizon, datetime) else datetime.combine(horizon, time())
        recurrence = recurrence.replace(until=bound)
    moment: datetime
    for n, moment in enumerate(recurrence, start=1):
        if last is not None and n > last:
            return
        wall = moment.date() if all_day else moment
        if until is not None and wall > until:
            return
        yield n, wall


def _first_at_or_after(nth: Callable[[int], Wall], lower: Wall) -> int:
    """The smallest n >= 1 with nth(n) >= lower, for a strictly increasing nth.

    Gallops then bisects, so a window far after the series start costs a few dozen
    steps instead of one per skipped occurrence.
    """

    def before(n: int) -> bool:
        try:
            return nth(n) < lower
        except OverflowError:
            return False

    if not before(1):
        return 1
    low, high = 1, 2
    while before(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if before(middle):
            low = middle
        else:
            high = middle
    return high
