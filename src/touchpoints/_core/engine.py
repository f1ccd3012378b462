"""The orchestrator: a plan and a subject in, a sorted schedule of touch points out.

:func:`schedule` and :func:`schedule_many` prepare the plan once (:class:`_Engine`)
and run each subject through two stages: the first computes wall-clock values from
its anchor dates, history and terms, filters them to the window and resolves
fatigue; the second places them in the subject's zone. Everything is a pure function
of the arguments; :func:`schedule_many` keeps a bounded cache for the length of one
call, so subjects with equal keys share their computed due dates and only the cheap
per-subject part (ids and tuples) is done for each.

Before any of that, both try the plan's compiled form (see ``compiled``, and
``compiled_fatigue`` for a plan with contact fatigue), which
covers most plans and subjects at a fraction of the cost and gives the same result;
what it does not cover comes here, in the same call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import chain
from typing import Final
from zoneinfo import ZoneInfo

from touchpoints._core.arguments import require
from touchpoints._core.arithmetic import (
    UTC,
    Anchors,
    MissingAnchor,
    check_window,
    place,
    skipped_day,
    widen,
    window_bound,
)
from touchpoints._core.cache import Computed, remember
from touchpoints._core.compiled import Compiled, compiled
from touchpoints._core.compiled_fatigue import FatigueCompiled, compiled_fatigue
from touchpoints._core.entries import Run, rule_entries
from touchpoints._core.fatigue import FatigueRules, merged_omission, resolve_fatigue
from touchpoints._core.lifecycle import default_end, events_by_rule, stops, terms
from touchpoints._core.outputs import Conflict, Omission, Schedule, TouchPoint
from touchpoints._core.rows import Entry, StageKey, SubjectKey, order
from touchpoints._core.usage import check_readings
from touchpoints._errors import MissingAnchorError, ScheduleError, TooManyTouchPointsError
from touchpoints._model import (
    BusinessCalendar,
    OpenDays,
    Plan,
    Subject,
    Weekday,
    failed_condition,
    localize,
    to_local_date,
    zone_for,
)

__all__ = ["DEFAULT_LIMIT", "schedule", "schedule_many"]

DEFAULT_LIMIT: Final = 10_000
"""The most touch points one subject may get before :class:`TooManyTouchPointsError`."""


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
    require(plan, Plan, "plan")
    require(subject, Subject, "subject")
    fast = _compiled_for(plan, start, end, as_of)
    if fast is not None:
        check_arguments(start, end, limit, as_of)
        result = fast.run(subject, start, end, limit)
        if result is not None:
            points, window_end = result
            return Schedule(plan.id, subject.id, tuple(points), (), start, window_end)
    tired = _compiled_fatigue_for(plan, start, end, as_of)
    if tired is not None:
        check_arguments(start, end, limit, as_of)
        outcome = tired.run(subject, start, end, limit)
        if outcome is not None:
            points, window_end, omitted, conflicts = outcome
            return Schedule(
                plan.id, subject.id, tuple(points), omitted, start, window_end, conflicts
            )
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
    on_error: Callable[[Subject, ScheduleError], object] | None = None,
) -> Iterator[TouchPoint]:
    """Schedule ``plan`` for many subjects, streaming touch points.

    Subjects are read one at a time and never held together, so the input can be a
    generator over millions of rows. The output is each subject's schedule in turn,
    in input order. The arguments mean what they mean for :func:`schedule`;
    ``on_omitted(subject_id, omission)`` is called for every omission and
    ``on_conflict(subject_id, conflict)`` for every fatigue rule that could not be met.

    A subject that cannot be scheduled (a :class:`ScheduleError`, such as a missing
    anchor or too many touch points) stops the stream by default: the error is
    raised. With ``on_error``, ``on_error(subject, error)`` is called instead and the
    subject is skipped: none of its touch points are yielded, and the stream goes on
    with the next subject (the callback may raise to stop it). Errors that concern
    the whole call, such as an invalid ``limit``, are always raised.

    >>> from datetime import date
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"}]})
    >>> subjects = (Subject(id=f"c{n}", anchors={"purchase": date(2026, 1, n)}) for n in (1, 2))
    >>> [(tp.subject_id, tp.due.isoformat()) for tp in schedule_many(plan, subjects)]
    [('c1', '2026-01-15'), ('c2', '2026-01-16')]

    Skipping the subjects that cannot be scheduled, and saying why:

    >>> skipped = []
    >>> subjects = [Subject(id="c1", anchors={}),
    ...             Subject(id="c2", anchors={"purchase": date(2026, 1, 2)})]
    >>> [tp.subject_id for tp in schedule_many(
    ...     plan, subjects, on_error=lambda subject, error: skipped.append(subject.id))]
    ['c2']
    >>> skipped
    ['c1']
    """
    # Each subject's touch points, flattened in C: a generator's ``yield from`` costs
    # more per touch point than making one.
    return chain.from_iterable(
        _schedules(plan, subjects, start, end, limit, as_of, on_omitted, on_conflict, on_error)
    )


def _schedules(
    plan: Plan,
    subjects: Iterable[Subject],
    start: date | None,
    end: date | None,
    limit: int,
    as_of: date | None,
    on_omitted: Callable[[str, Omission], object] | None,
    on_conflict: Callable[[str, Conflict], object] | None,
    on_error: Callable[[Subject, ScheduleError], object] | None,
) -> Iterator[Iterable[TouchPoint]]:
    """:func:`schedule_many`'s work: each subject's touch points in turn, checking the
    arguments when the first is asked for."""
    require(plan, Plan, "plan")
    for name, callback in (
        ("on_omitted", on_omitted),
        ("on_conflict", on_conflict),
        ("on_error", on_error),
    ):
        if callback is not None and not callable(callback):
            raise TypeError(f"{name} must be a function or None, not {type(callback).__name__}")
    engine = _Engine(plan, start=start, end=end, limit=limit, as_of=as_of)
    fast = _compiled_for(plan, start, end, as_of)
    tired = _compiled_fatigue_for(plan, start, end, as_of)
    walls: dict[SubjectKey | StageKey, Computed] = {}
    dues: dict[SubjectKey, Computed] = {}

    def report(subject_id: str, omitted: Iterable[Omission], conflicts: Iterable[Conflict]) -> None:
        if on_omitted is not None:
            for omission in omitted:
                on_omitted(subject_id, omission)
        if on_conflict is not None:
            for conflict in conflicts:
                on_conflict(subject_id, conflict)

    for subject in subjects:
        require(subject, Subject, "each subject")
        if fast is not None:
            result = fast.run(subject, start, end, limit)
            if result is not None:
                yield result[0]  # the compiled path omits nothing
                continue
        if tired is not None:
            outcome = tired.run(subject, start, end, limit)
            if outcome is not None:
                report(subject.id, outcome.omitted, outcome.conflicts)
                yield outcome.touch_points
                continue
        try:
            key = engine.key(subject)
            computed = dues.get(key)
            if computed is None:
                computed = engine.compute(subject.id, key, walls)
                remember(dues, key, computed)
        except ScheduleError as error:
            if on_error is None:
                raise
            on_error(subject, error)
            continue
        report(subject.id, computed.omitted, computed.conflicts)
        yield engine.touch_points(subject.id, computed)


def _compiled_for(
    plan: Plan, start: date | None, end: date | None, as_of: date | None
) -> Compiled | None:
    """The plan's compiled form when the call's window is one it covers, else None: the
    generic engine does everything."""
    return compiled(plan) if _covered(start, end, as_of) else None


def _compiled_fatigue_for(
    plan: Plan, start: date | None, end: date | None, as_of: date | None
) -> FatigueCompiled | None:
    """Likewise the compiled form of a plan with fatigue (see ``compiled_fatigue``)."""
    if plan.fatigue is None or not _covered(start, end, as_of):
        return None
    return compiled_fatigue(plan)


def _covered(start: date | None, end: date | None, as_of: date | None) -> bool:
    """Whether the compiled paths cover a call's window: dates (or None), no ``as_of``."""
    return as_of is None and not isinstance(start, datetime) and not isinstance(end, datetime)


def check_arguments(start: date | None, end: date | None, limit: int, as_of: date | None) -> None:
    """Refuse a limit that is not a whole number of 1 or more, and unusable window bounds."""
    if type(limit) is not int or limit < 1:
        raise ScheduleError(f"limit must be a whole number of 1 or more, not {limit!r}")
    check_window(start, end, as_of)


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
        "_fatigue",
        "_limit",
        "_meters",
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
        check_arguments(start, end, limit, as_of)
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
        windows = [plan.channels.get(rule.channel) for rule in plan.rules]
        self._times = tuple(
            rule.contact_time
            or (window.contact_time if window is not None else None)
            or plan.contact_time
            for rule, window in zip(plan.rules, windows, strict=True)
        )
        self._weekdays: tuple[tuple[Weekday, ...] | None, ...] = tuple(
            window.weekdays if window is not None else None for window in windows
        )
        # Touch points move off closed days only where some calendar or channel
        # window is set (a subject's own calendar turns it on for that subject).
        self._rolls = tuple(
            plan.business_calendar is not None
            or rule.business_calendar is not None
            or weekdays is not None
            for rule, weekdays in zip(plan.rules, self._weekdays, strict=True)
        )
        self._calendars: dict[
            tuple[BusinessCalendar | None, BusinessCalendar | None, tuple[Weekday, ...] | None],
            OpenDays,
        ] = {}
        self._fatigue = None if plan.fatigue is None else FatigueRules.of(plan.fatigue)
        # Only the attributes some condition reads are part of a subject's key.
        self._attributes = tuple(sorted({name for rule in plan.rules for name in rule.when}))
        # Likewise the meters some usage rule reads.
        self._meters = tuple(sorted({r.usage.meter for r in plan.rules if r.usage is not None}))

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

    def key(self, subject: Subject) -> SubjectKey:
        """What the subject's schedule depends on: its zone, its anchors' dates, and
        its calendar, history, renewals, the attributes conditions read and the
        readings of the meters usage rules read."""
        zone_key = subject.timezone or self._plan.timezone
        anchors = subject.anchors
        values: list[date | None] = []
        for name in self._names:
            value = anchors.get(name)
            if value is not None and type(value) is not date:
                value = to_local_date(value, self._zone(zone_key, subject.id))
            values.append(value)
        renewals = (
            tuple(to_local_date(day, self._zone(zone_key, subject.id)) for day in subject.renewals)
            if subject.renewals
            else ()
        )
        attributes = subject.attributes
        stage = StageKey(
            tuple(values),
            subject.business_calendar,
            subject.history,
            renewals,
            tuple((name in attributes, attributes.get(name)) for name in self._attributes),
            tuple((name, subject.meters.get(name, ())) for name in self._meters),
        )
        return SubjectKey(zone_key, stage)

    def touch_points(self, subject_id: str, computed: Computed) -> Iterator[TouchPoint]:
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
        key: SubjectKey,
        walls: dict[SubjectKey | StageKey, Computed],
    ) -> Computed:
        """The subject's sorted entries, reusing ``walls`` computed for equal anchors."""
        zone = self._zone(key.zone, subject_id)
        stage_key = key.stage
        # The first stage depends on the zone only through datetime bounds and history
        # (a reschedule to an instant lands on a zone's wall clock).
        walls_key = key if self._zoned_window or stage_key.history else stage_key
        stage = walls.get(walls_key)
        if stage is None:
            stage = self._first_stage(subject_id, zone, stage_key)
            remember(walls, walls_key, stage)
        if self._all_day:
            return stage
        # A timed plan's walls are all datetimes (see place): localize them directly.
        # Built with tuple.__new__, as TouchPoint is, since this runs for every entry.
        new = tuple.__new__
        entries = []
        for wall, i, term, k, rule, moves, done in stage.entries:
            due = localize(wall, zone)  # type: ignore[arg-type]
            if due.day != wall.day:  # a gap moved it to the next day (Apia, 2011-12-30)
                moves = (*moves, skipped_day(wall, due, zone))  # type: ignore[arg-type]
            entries.append(new(Entry, (due, i, term, k, rule, moves, done)))
        entries.sort(key=order)
        return Computed(tuple(entries), stage.omitted, stage.start, stage.end, stage.conflicts)

    def _zone(self, zone_key: str | None, subject_id: str) -> ZoneInfo:
        if zone_key is None:
            if self._all_day:
                return UTC
            raise ScheduleError(
                f"Subject {subject_id!r} has no time zone and plan {self._plan.id!r} sets "
                "none, so its contact time cannot be placed: give the subject a "
                "'timezone' or the plan a 'timezone'"
            )
        return zone_for(zone_key)

    def _first_stage(self, subject_id: str, zone: ZoneInfo, key: StageKey) -> Computed:
        plan = self._plan
        subject_calendar = key.business_calendar
        attributes = {
            name: value
            for name, (present, value) in zip(self._attributes, key.attributes, strict=True)
            if present
        }
        given = {
            name: value
            for name, value in zip(self._names, key.anchors, strict=True)
            if value is not None
        }
        derive_days = self._open_days(-1, subject_calendar)
        anchor = Anchors(plan, given, derive_days, subject_id)
        subject_terms = terms(plan, anchor, key.renewals, subject_id, derive_days)
        start, end = self._start, self._end
        if end is None:
            end = default_end(plan, start, self._names, anchor, subject_terms)
        # With a datetime bound the window is a span of instants; otherwise it is a
        # span of local days, compared with the wall-clock value.
        exact = self._zoned_window and not self._all_day
        lower = window_bound(start, zone, all_day=self._all_day, exact=exact)
        upper = window_bound(end, zone, all_day=self._all_day, exact=exact, is_end=True)
        if self._end is None and end == date.max:
            upper = None  # the horizon runs past the year 9999: nothing ends the window
        fatigue = plan.fatigue
        if key.meters and self._as_of is not None:
            check_readings(subject_id, dict(key.meters), to_local_date(self._as_of, zone))
        run = Run(
            subject_id=subject_id,
            zone=zone,
            exact=exact,
            # Fatigue rules weigh touch points against their neighbours, so they are
            # resolved from the first touch point on and a margin past the window:
            # a touch point lands on the same day whatever window it is seen through.
            lower=lower if fatigue is None else None,
            upper=upper if fatigue is None else widen(upper, fatigue.margin()),
            as_of=window_bound(self._as_of, zone, all_day=self._all_day, exact=exact),
            given_as_of=self._as_of,
            limit=self._limit,
            stops=stops(plan, anchor),
            events=events_by_rule(key.history),
            subject_calendar=subject_calendar,
            meters=dict(key.meters),
        )
        known = {rule.id for rule in plan.rules}
        for rule_id in sorted({rule_id for rule_id, _ in run.events} - known):
            reason = "has history but is not in the plan; its events are ignored"
            run.omitted.append(Omission(rule_id, reason=reason, kind="unknown_rule"))
        for index, rule in enumerate(plan.rules):
            if rule.when:
                failed = failed_condition(rule.when, attributes)
                if failed is not None:
                    reason = f"left out: {failed}"
                    run.omitted.append(Omission(rule.id, reason=reason, kind="condition"))
                    continue
            days = self._open_days(index, subject_calendar)
            rolls = self._rolls[index] or subject_calendar is not None
            for term in subject_terms:
                try:
                    rule_entries(run, plan, index, rule, term, days, rolls, self._times[index])
                except MissingAnchor as error:
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
        run.entries.sort(key=order)
        return Computed(tuple(run.entries), tuple(run.omitted), start, end, tuple(conflicts))

    def _resolve_fatigue(
        self,
        run: Run,
        lower: date | None,
        upper: date | None,
        subject_calendar: BusinessCalendar | None,
    ) -> list[Conflict]:
        assert self._fatigue is not None

        def is_open(index: int, day: date) -> bool:
            if not (self._rolls[index] or subject_calendar is not None):
                return True
            return self._open_days(index, subject_calendar).closed_because(day) is None

        placed, merged, conflicts = resolve_fatigue(run.entries, self._fatigue, is_open=is_open)

        def inside(wall: date) -> bool:
            point = place(wall, run.zone) if run.exact else wall
            return (upper is None or point < upper) and (lower is None or point >= lower)

        run.entries = [entry for entry in placed if inside(entry.due)]
        run.omitted += [
            merged_omission(entry, note, into) for entry, note, into in merged if inside(entry.due)
        ]
        return conflicts

    def _open_days(self, index: int, subject_calendar: BusinessCalendar | None) -> OpenDays:
        """The business calendar of rule ``index`` (-1: of derived anchors) for a subject,
        one for all the rules whose calendars and channel weekdays are the same (a
        calendar works out a year of days at a time)."""
        plan = self._plan
        rule_calendar = plan.rules[index].business_calendar if index >= 0 else None
        weekdays = self._weekdays[index] if index >= 0 else None
        key = (rule_calendar, subject_calendar, weekdays)
        days = self._calendars.get(key)
        if days is None:
            days = OpenDays.resolve((rule_calendar, subject_calendar, plan.business_calendar))
            days = days.with_weekdays(weekdays)
            remember(self._calendars, key, days)  # subjects' own calendars vary
        return days
