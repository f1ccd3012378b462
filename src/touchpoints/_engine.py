"""The engine: a plan and a subject in, a sorted schedule of touch points out.

Everything here is a pure function of its arguments. :func:`schedule_many` keeps a
bounded cache for the length of one call: subjects with the same zone and anchor
dates share their computed due dates, and only the cheap per-subject part (ids and
tuples) is done for each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import count as count_from
from typing import Final, NamedTuple, overload
from zoneinfo import ZoneInfo

from touchpoints._calendar import Wall, localize, to_local_date, to_wall, zone_for
from touchpoints._durations import AnchorExpression, Duration
from touchpoints._errors import MissingAnchorError, ScheduleError, TooManyTouchPointsError
from touchpoints._ids import touch_point_id
from touchpoints._models import Plan, Rule, Subject

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

    @property
    def id(self) -> str:
        """A stable, opaque id: see :func:`touchpoints.touch_point_id`."""
        return touch_point_id(self.plan_id, self.subject_id, self.rule_id, self.occurrence)

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


@dataclass(frozen=True, slots=True)
class Omission:
    """A rule left out for a subject, and why; reported, never silent.

    >>> print(Omission("win-back", "churn"))
    rule 'win-back' left out: the subject has no 'churn' date
    """

    rule_id: str
    anchor: str

    def __str__(self) -> str:
        return f"rule {self.rule_id!r} left out: the subject has no {self.anchor!r} date"


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
        omitted: optional rules left out because the subject lacks their anchors.
        start: the window start used (inclusive), or None for no lower bound.
        end: the window end used (exclusive).

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
    engine = _Engine(plan, start=start, end=end, limit=limit)
    return engine.schedule(subject)


def schedule_many(
    plan: Plan,
    subjects: Iterable[Subject],
    *,
    start: date | None = None,
    end: date | None = None,
    limit: int = DEFAULT_LIMIT,
    on_omitted: Callable[[str, Omission], object] | None = None,
) -> Iterator[TouchPoint]:
    """Schedule ``plan`` for many subjects, streaming touch points.

    Subjects are read one at a time and never held together, so the input can be a
    generator over millions of rows. The output is each subject's schedule in turn,
    in input order. The arguments mean what they mean for :func:`schedule`;
    ``on_omitted(subject_id, omission)`` is called for every optional rule left out.

    >>> from datetime import date
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"}]})
    >>> subjects = (Subject(id=f"c{n}", anchors={"purchase": date(2026, 1, n)}) for n in (1, 2))
    >>> [(tp.subject_id, tp.due.isoformat()) for tp in schedule_many(plan, subjects)]
    [('c1', '2026-01-15'), ('c2', '2026-01-16')]
    """
    engine = _Engine(plan, start=start, end=end, limit=limit)
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
        yield from engine.touch_points(subject.id, computed)


def _remember(
    cache: dict[tuple[object, ...], _Walls], key: tuple[object, ...], value: _Walls
) -> None:
    if len(cache) >= _CACHE_SIZE:
        del cache[next(iter(cache))]  # the oldest entry: dicts keep insertion order
    cache[key] = value


@dataclass(frozen=True, slots=True)
class _Walls:
    """What subjects with equal anchors (and zone) share: the sorted entries
    ``(due, rule position, occurrence, rule)``, the omissions and the window used.

    At the first stage ``due`` holds wall-clock values; :meth:`_Engine.compute`
    places them in the subject's zone.
    """

    entries: tuple[tuple[date, int, int, Rule], ...]
    omitted: tuple[Omission, ...]
    start: date | None
    end: date


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

    __slots__ = ("_all_day", "_end", "_limit", "_names", "_plan", "_start", "_zoned_window")

    def __init__(self, plan: Plan, *, start: date | None, end: date | None, limit: int) -> None:
        if type(limit) is not int or limit < 1:
            raise ScheduleError(f"limit must be a whole number of 1 or more, not {limit!r}")
        for name, bound in (("start", start), ("end", end)):
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
        self._zoned_window = isinstance(start, datetime) or isinstance(end, datetime)
        names: dict[str, None] = dict.fromkeys(plan.subject_anchors())
        names.update(dict.fromkeys(plan.anchors))
        self._names = tuple(names)

    def schedule(self, subject: Subject) -> Schedule:
        computed = self.compute(subject.id, self.key(subject), {})
        return Schedule(
            plan_id=self._plan.id,
            subject_id=subject.id,
            touch_points=tuple(self.touch_points(subject.id, computed)),
            omitted=computed.omitted,
            start=computed.start,
            end=computed.end,
        )

    def key(self, subject: Subject) -> tuple[object, ...]:
        """What the subject's schedule depends on: its zone and its anchors' dates."""
        zone_key = subject.timezone or self._plan.timezone
        anchors = subject.anchors
        values: list[object] = [zone_key]
        for name in self._names:
            value = anchors.get(name)
            if value is not None and type(value) is not date:
                value = to_local_date(value, self._zone(zone_key, subject.id))
            values.append(value)
        return tuple(values)

    def touch_points(self, subject_id: str, computed: _Walls) -> Iterator[TouchPoint]:
        plan_id = self._plan.id
        new = tuple.__new__
        for due, _, occurrence, rule in computed.entries:
            yield new(TouchPoint, (plan_id, rule.id, subject_id, occurrence, due, rule))

    def compute(
        self,
        subject_id: str,
        key: tuple[object, ...],
        walls: dict[tuple[object, ...], _Walls],
    ) -> _Walls:
        """The subject's sorted entries, reusing ``walls`` computed for equal anchors."""
        zone = self._zone(key[0], subject_id)
        walls_key = key if self._zoned_window else key[1:]
        stage = walls.get(walls_key)
        if stage is None:
            stage = self._first_stage(subject_id, zone, key[1:])
            _remember(walls, walls_key, stage)
        if self._all_day:
            return stage
        entries = [(localize(wall, zone), i, k, rule) for wall, i, k, rule in stage.entries]  # type: ignore[arg-type]
        entries.sort(key=_order)
        return _Walls(tuple(entries), stage.omitted, stage.start, stage.end)

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
        given = {
            name: value
            for name, value in zip(self._names, values, strict=True)
            if isinstance(value, date)
        }
        resolved: dict[str, date] = {}

        def anchor(name: str) -> date:
            if name in resolved:
                return resolved[name]
            value = given.get(name)
            if value is None:
                derivation = plan.anchors.get(name)
                if derivation is None:
                    raise _MissingAnchor(name)
                try:
                    value = anchor(derivation.anchor) + derivation.as_relativedelta()
                except (OverflowError, ValueError):
                    raise ScheduleError(
                        f"anchor {name!r} ({derivation}) falls outside the years 1 to 9999 "
                        f"for subject {subject_id!r}"
                    ) from None
            resolved[name] = value
            return value

        start, end = self._window(given, anchor)
        # With a datetime bound the window is a span of instants; otherwise it is a
        # span of local days, compared with the wall-clock value.
        exact = self._zoned_window and not self._all_day
        lower = self._bound(start, zone, exact=exact)
        upper = self._bound(end, zone, exact=exact, is_end=True)
        seek = lower
        if exact and isinstance(lower, datetime):
            # Gap shifts move times forward by hours at most: a day of slack is safe.
            seek = lower.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
        entries: list[tuple[date, int, int, Rule]] = []
        omitted: list[Omission] = []
        limit = self._limit
        for index, rule in enumerate(plan.touchpoints):
            try:
                for occurrence, wall in _walls(rule, anchor, plan.contact_time, seek):
                    point = localize(wall, zone) if exact else wall  # type: ignore[arg-type]
                    if upper is not None and point >= upper:
                        break
                    if lower is not None and point < lower:
                        continue
                    entries.append((wall, index, occurrence, rule))
                    if len(entries) > limit:
                        raise TooManyTouchPointsError(subject_id, rule.id, limit)
            except _MissingAnchor as missing:
                if not rule.optional:
                    raise MissingAnchorError(subject_id, rule.id, missing.anchor) from None
                omitted.append(Omission(rule.id, missing.anchor))
            except TooManyTouchPointsError:
                raise  # an OverflowError too, but not a date out of range
            except OverflowError:
                raise ScheduleError(
                    f"rule {rule.id!r} falls outside the years 1 to 9999 for subject {subject_id!r}"
                ) from None
        entries.sort(key=_order)
        return _Walls(tuple(entries), tuple(omitted), start, end)

    def _window(
        self, given: dict[str, date], anchor: Callable[[str], date]
    ) -> tuple[date | None, date]:
        """The window's start and end as given, the end defaulting to the horizon."""
        if self._end is not None:
            return self._start, self._end
        if self._start is not None:
            origin = self._start.date() if isinstance(self._start, datetime) else self._start
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
        return self._start, last

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


def _order(entry: tuple[date, int, int, Rule]) -> tuple[date, int, int]:
    return entry[0], entry[1], entry[2]


def _instant(bound: date) -> datetime:
    if isinstance(bound, datetime):
        return bound
    return datetime.combine(bound, time(), _UTC)


def _shifter(
    expression: AnchorExpression, step: Duration | None = None
) -> Callable[[Wall, int], Wall]:
    """``shift(base, times)``: base + signed offset + times x step, in one addition.

    Offsets and steps without years or months add as ``timedelta``, which is much
    faster than ``relativedelta`` and gives the same result for days, hours and minutes.
    """
    offset = expression.offset
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


def _walls(
    rule: Rule,
    anchor: Callable[[str], date],
    contact_time: time | None,
    lower: Wall | None,
) -> Iterator[tuple[int, Wall]]:
    """Occurrence numbers and local wall-clock values of one rule, lazily, in order.

    Every value is computed from its anchor in one step (the no-drift rule).
    ``lower`` lets a fixed-interval series skip ahead to the window.
    """

    def at(expression: AnchorExpression) -> Wall:
        base = to_wall(anchor(expression.anchor), contact_time)
        return _shifter(expression)(base, 0)

    if rule.at is not None:
        yield 1, at(rule.at)
        return
    assert rule.starting is not None
    until = at(rule.until) if rule.until is not None else None
    last = rule.count
    if rule.every is not None:
        base = to_wall(anchor(rule.starting.anchor), contact_time)
        shift = _shifter(rule.starting, rule.every)

        def nth(n: int) -> Wall:
            return shift(base, n - 1)

        first = 1 if lower is None else _first_at_or_after(nth, lower)
        for n in count_from(first):
            if last is not None and n > last:
                return
            try:
                wall = nth(n)
            except OverflowError:
                return
            if until is not None and wall > until:
                return
            yield n, wall
        return  # pragma: no cover - count_from never ends
    start = at(rule.starting)
    all_day = type(start) is date
    dtstart = datetime.combine(start, time()) if all_day else start
    assert isinstance(dtstart, datetime)
    moment: datetime
    for n, moment in enumerate(rule.recurrence(dtstart), start=1):
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
