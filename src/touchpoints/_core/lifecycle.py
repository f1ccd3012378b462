"""A subject's lifecycle: its history, missed touch points, stop anchors and contract terms.

Pure functions from the plan and one subject's values to what the engine needs: the
deciding history event of every touch point, the terms and their anchors, the stop
that ends a rule's series, and what becomes of touch points missed before ``as_of``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo

from touchpoints._core.arithmetic import Anchors, MissingAnchor, moved_to
from touchpoints._core.outputs import Omission
from touchpoints._core.rows import Entry
from touchpoints._model import Adjustment, HistoryEvent, Missed, OpenDays, Plan, day_of

__all__ = [
    "TERM_END",
    "Events",
    "Term",
    "collapse",
    "default_end",
    "events_by_rule",
    "labeller",
    "missed_outcome",
    "stops",
    "terms",
]

TERM_END: Final = "the end of the term"
"""The name of the stop a term's last day makes (reported by no omission)."""

_STATUS_RANK: Final = {"rescheduled": 0, "skipped": 1, "cancelled": 2, "completed": 3}

Events = dict[tuple[str, int], dict[int, HistoryEvent]]
"""The deciding history event by (rule id, term) and occurrence."""


class Term(NamedTuple):
    """A contract term: its number, its anchors, and its last day (inclusive; None: open)."""

    number: int
    anchor: Anchors
    last: date | None


def labeller(term: int) -> Callable[[int], str]:
    """How occurrences of a term are named in omissions.

    >>> labeller(1)(3), labeller(2)(3)
    ('#3', '#3 of term 2')
    """
    if term == 1:
        return lambda occurrence: f"#{occurrence}"
    return lambda occurrence: f"#{occurrence} of term {term}"


def events_by_rule(history: tuple[HistoryEvent, ...]) -> Events:
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

    result: Events = {}
    for event in history:
        mine = result.setdefault((event.rule, event.term), {})
        current = mine.get(event.occurrence)
        if current is None or weight(event) > weight(current):
            mine[event.occurrence] = event
    return result


def terms(
    plan: Plan, anchor: Anchors, renewals: tuple[date, ...], subject_id: str, days: OpenDays
) -> list[Term]:
    """The subject's terms: number, anchor resolver, and last day (inclusive).

    Without a ``term`` in the plan there is one term with no end of its own.
    """
    spec = plan.term
    if spec is None:
        return [Term(1, anchor, None)]
    try:
        first = anchor(spec.starts)
    except MissingAnchor:
        return [Term(1, anchor, None)]  # rules needing the anchor report it
    starts = [first, *sorted(day for day in set(renewals) if day > first)]
    result: list[Term] = []
    for number, begin in enumerate(starts, start=1):
        resolver = anchor
        if number > 1:
            resolver = Anchors(plan, {**anchor.given, spec.starts: begin}, days, subject_id)
        last: date | None = None
        if number < len(starts):
            last = starts[number]  # the renewal day belongs to both terms
        if spec.length is not None:
            try:
                natural = begin + spec.length.as_relativedelta()
            except (OverflowError, ValueError):
                natural = date.max
            last = natural if last is None else min(last, natural)
        result.append(Term(number, resolver, last))
    return result


def stops(plan: Plan, anchor: Callable[[str], date]) -> tuple[str, date] | None:
    """The earliest stop anchor the subject has, and its date."""
    found: list[tuple[date, str]] = []
    for name in plan.stop:
        try:
            found.append((anchor(name), name))
        except MissingAnchor:
            continue
    if not found:
        return None
    day, name = min(found)
    return name, day


def collapse(missed: list[Entry], as_of: date, zone: ZoneInfo, time_of_day: time | None) -> Entry:
    """One touch point at ``as_of`` for all missed ones: the latest of them, moved."""
    last = missed[-1]
    target = moved_to(as_of, time_of_day, zone)
    note = f"{len(missed)} missed, due again" if len(missed) > 1 else "missed, due again"
    moved = (*last.adjustments, Adjustment(day_of(last.due), day_of(target), note, kind="missed"))
    return last._replace(due=target, adjustments=moved)


def missed_outcome(
    rule_id: str,
    missed: list[Entry],
    policy: Missed,
    as_of: date,
    zone: ZoneInfo,
    time_of_day: time | None,
    label: Callable[[int], str],
) -> tuple[Entry | None, Omission | None]:
    """What the ``missed`` policy makes of touch points missed before ``as_of``:
    the touch point to keep (``collapse``) and the omission to report."""
    numbers = ", ".join(label(entry.occurrence) for entry in missed)
    occurrences = tuple(entry.occurrence for entry in missed)
    term = missed[0].term
    if policy == "skip":
        reason = f"left out {numbers}: missed before {as_of.isoformat()}"
        omission = Omission(
            rule_id, reason=reason, kind="missed", occurrences=occurrences, term=term
        )
        return None, omission
    kept = collapse(missed, as_of, zone, time_of_day)
    if len(missed) > 1:
        reason = f"collapsed missed {numbers} into {label(missed[-1].occurrence)}"
        omission = Omission(
            rule_id, reason=reason, kind="collapsed", occurrences=occurrences, term=term
        )
        return kept, omission
    return kept, None


def default_end(
    plan: Plan, start: date | None, names: Sequence[str], anchor: Anchors, terms: list[Term]
) -> date:
    """The window's end when none is given: the plan's horizon after ``start`` or,
    without one, after the earliest of the subject's anchors among ``names``; never
    before the day after the last term ends."""
    term_end = terms[-1].last
    after_terms = date.min
    if term_end is not None:
        after_terms = term_end if term_end == date.max else term_end + timedelta(days=1)
    if start is not None:
        origin = day_of(start)
    else:
        days = []
        for name in names:
            try:
                days.append(anchor(name))
            except MissingAnchor:
                continue
        origin = min(days, default=date.min)
    try:
        last = origin + plan.horizon.as_relativedelta()
    except (OverflowError, ValueError):
        last = date.max
    return max(last, after_terms)
