"""One rule's touch points of one term, for one subject: its series through the
window, with the subject's history, closed-day rolls, stops and missed touch points
applied.

The engine's first stage calls :func:`rule_entries` for every rule and term; each
step of it is a named function here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from touchpoints._core.arithmetic import moved_to, place, roll, widen
from touchpoints._core.lifecycle import TERM_END, Events, Term, labeller, missed_outcome
from touchpoints._core.outputs import Omission
from touchpoints._core.rows import Entry
from touchpoints._core.series import occurrences
from touchpoints._core.usage import usage_occurrences
from touchpoints._errors import TooManyTouchPointsError
from touchpoints._model import (
    Adjustment,
    BusinessCalendar,
    HistoryEvent,
    MeterReading,
    OpenDays,
    Plan,
    Rule,
    Wall,
    day_label,
    day_of,
    to_local_date,
)

__all__ = ["Run", "rule_entries"]


@dataclass(slots=True)
class Run:
    """One subject's first stage in progress: its bounds, history and results."""

    subject_id: str
    zone: ZoneInfo
    exact: bool
    lower: date | None
    upper: date | None
    as_of: date | None
    given_as_of: date | None  # as the caller gave it, for the words of omissions
    limit: int
    stops: tuple[str, date] | None
    events: Events
    subject_calendar: BusinessCalendar | None
    entries: list[Entry] = field(default_factory=list)
    omitted: list[Omission] = field(default_factory=list)
    meters: Mapping[str, tuple[MeterReading, ...]] = field(default_factory=dict)


def rule_entries(
    run: Run,
    plan: Plan,
    index: int,
    rule: Rule,
    term: Term,
    days: OpenDays,
    rolls: bool,
    time_of_day: time | None,
) -> None:
    """Add the touch points of rule ``index`` in ``term`` to ``run``.

    ``days`` is the rule's business calendar for the subject, ``rolls`` whether touch
    points move off its closed days, ``time_of_day`` its contact time.
    """
    zone, exact, lower, upper = run.zone, run.exact, run.lower, run.upper
    label = labeller(term.number)
    ended = _ending(run, rule, term)
    stopped = False
    mine = run.events.get((rule.id, term.number), {})
    completed = _completions(mine, zone)
    rebase = completed if rule.after == "completion" else None
    # Occurrences up to the last one the history touches are all visited, as
    # history can move them anywhere.
    floor = max(mine, default=0)
    missed_policy = rule.missed or plan.missed
    missed: list[Entry] = []
    new = tuple.__new__
    seek, stop, horizon = _search_bounds(run, days.reach if rolls else 0)
    notes: dict[int, Adjustment] = {}  # what set each usage rule's touch point
    if rule.usage is None:
        walls = occurrences(rule, term.anchor, time_of_day, seek, days, rebase, horizon)
    else:
        meter, readings = plan.meters[rule.usage.meter], run.meters.get(rule.usage.meter, ())
        since = term.anchor(plan.term.starts) if plan.term and term.number > 1 else None
        walls = usage_occurrences(
            rule, meter, readings, run.subject_id, term.anchor, time_of_day, days, rebase,
            mine, zone, notes, since,
        )  # fmt: skip
    for occurrence, planned in walls:
        event = mine.get(occurrence)
        wall, moves = _moved(planned, event, time_of_day, zone, days if rolls else None)
        if notes:
            moves = (notes.pop(occurrence), *moves)
        point, planned_point = wall, planned
        if exact:
            point = place(wall, zone)
            planned_point = place(planned, zone) if moves else point
        if stop is not None and planned_point >= stop and occurrence > floor:
            # A time moved forward by a DST gap can pass the end while a later
            # wall-clock time still comes before it: go on until the wall-clock
            # time itself is past the end.
            if isinstance(stop, datetime) and exact and planned < _local(stop, zone):
                continue
            break
        if (upper is not None and point >= upper) or (lower is not None and point < lower):
            continue
        if event is not None and event.status in ("skipped", "cancelled"):
            run.omitted.append(_left_out(rule, event, label(occurrence), occurrence, term.number))
            continue
        if ended is not None and day_of(wall) > ended[1]:
            if event is not None and event.status == "rescheduled" and ended[0] == TERM_END:
                # Moved past its term by the history: it was due within the term, so
                # it is reported, not lost (a stop anchor is reported below).
                run.omitted.append(_past_term(rule, wall, ended[1], occurrence, term, label))
            # Dates only grow along a series (rolls keep their order), so
            # everything after this one is past the stop too.
            stopped = True
            if occurrence > floor:
                break
            continue
        # tuple.__new__ skips the named tuple's Python-level constructor: this runs
        # for every touch point.
        entry: Entry = new(
            Entry, (wall, index, term.number, occurrence, rule, moves, completed.get(occurrence))
        )
        overdue = event is None and run.as_of is not None and point < run.as_of
        if overdue and missed_policy != "catch_up":
            missed.append(entry)
            continue
        run.entries.append(entry)
        if len(run.entries) > run.limit:
            raise TooManyTouchPointsError(run.subject_id, rule.id, run.limit)
    if stopped and ended is not None:
        _report_stop(run, rule, ended)
    if missed:
        assert run.given_as_of is not None
        kept, omission = missed_outcome(
            rule.id, missed, missed_policy, run.given_as_of, zone, time_of_day, label
        )
        if kept is not None:
            run.entries.append(kept)
        if omission is not None:
            run.omitted.append(omission)


def _ending(run: Run, rule: Rule, term: Term) -> tuple[str, date] | None:
    """What ends the rule's series in this term, and when: the earliest stop anchor
    (unless the rule counts from it) or the term's last day."""
    ended = None if run.stops is None or run.stops[0] in rule.anchors() else run.stops
    if term.last is not None and (ended is None or term.last < ended[1]):
        ended = (TERM_END, term.last)
    return ended


def _completions(mine: dict[int, HistoryEvent], zone: ZoneInfo) -> dict[int, date]:
    """The local completion date of every completed occurrence."""
    return {
        k: to_local_date(e.on, zone)
        for k, e in mine.items()
        if e.status == "completed" and e.on is not None
    }


def _search_bounds(run: Run, reach: int) -> tuple[Wall | None, date | None, Wall | None]:
    """Where to start looking for the rule's touch points, where to stop, and how far
    to search an rrule (the window's bounds, widened for rolls and zone offsets)."""
    zone, lower = run.zone, run.lower
    # A roll moves a touch point by at most ``reach`` days (see OpenDays.reach), so
    # look that much beyond the window for touch points that may roll into it.
    slack = timedelta(days=reach)
    seek = lower
    if run.exact and isinstance(lower, datetime):
        # Gap shifts move times forward by hours at most: a day of slack is safe.
        seek = _local(lower, zone) - timedelta(days=1)
    seek, stop = widen(seek, -slack), widen(run.upper, slack)
    # An rrule is searched no further than the window's end (in wall-clock time, a
    # day later for zone offsets), so one that rarely or never matches costs little.
    horizon = stop
    if isinstance(stop, datetime) and stop.tzinfo is not None:
        horizon = widen(_local(stop, zone), timedelta(days=1))
    return seek, stop, horizon


def _local(instant: datetime, zone: ZoneInfo) -> datetime:
    """An aware datetime as a wall-clock value in ``zone``."""
    return instant.astimezone(zone).replace(tzinfo=None)


def _moved(
    planned: Wall,
    event: HistoryEvent | None,
    time_of_day: time | None,
    zone: ZoneInfo,
    days: OpenDays | None,
) -> tuple[Wall, tuple[Adjustment, ...]]:
    """Where a planned touch point lands: where the history rescheduled it, else off
    a closed day of ``days`` (None: it does not roll), else where it was planned."""
    if event is not None and event.status == "rescheduled":
        assert event.on is not None
        wall = moved_to(event.on, time_of_day, zone)
        return wall, (Adjustment(day_of(planned), day_of(wall), "rescheduled", kind="rescheduled"),)
    if days is not None:
        return roll(planned, days)
    return planned, ()


def _left_out(rule: Rule, event: HistoryEvent, name: str, occurrence: int, term: int) -> Omission:
    """The omission of a touch point the history skipped or cancelled."""
    when = f" on {day_label(day_of(event.on))}" if event.on else ""
    reason = f"{name} left out: {event.status}{when}"
    return Omission(rule.id, reason=reason, kind="history", occurrences=(occurrence,), term=term)


def _past_term(
    rule: Rule, wall: Wall, last: date, occurrence: int, term: Term, label: Callable[[int], str]
) -> Omission:
    """The omission of a touch point the history rescheduled past its term's end."""
    reason = (
        f"{label(occurrence)} left out: rescheduled to {day_label(day_of(wall))}, after the "
        f"term ends on {day_label(last)}"
    )
    return Omission(
        rule.id, reason=reason, kind="stopped", occurrences=(occurrence,), term=term.number
    )


def _report_stop(run: Run, rule: Rule, ended: tuple[str, date]) -> None:
    """Say, once per rule, that a stop anchor cut its series short."""
    if ended[0] == TERM_END:
        return
    reason = f"has no touch points after {ended[0]} on {day_label(ended[1])}"
    if reason not in {o.reason for o in run.omitted if o.rule_id == rule.id}:
        run.omitted.append(Omission(rule.id, reason=reason, kind="stopped"))
