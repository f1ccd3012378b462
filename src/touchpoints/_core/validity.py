"""How far a subject's schedule holds when its window moves.

A schedule for the window ``[start, end)`` is also the schedule for a later window
``[start', end')`` when no touch point leaves it and none comes in: ``start'`` no
later than the first touch point's day, ``end'`` after the last one's and no later
than the day of the next touch point past ``end``. The window filters touch points
and nothing else (fatigue is resolved from the first touch point on, whatever the
window), so such a window gives the same touch points, in every field. This is what
lets a nightly re-export, whose window starts on the day it runs, copy the subjects
whose schedule did not change.

Timed touch points are compared with the window by their wall-clock day, which a
time in a daylight-saving gap may have moved to the next day (Samoa's skipped
30 December 2011); such a touch point carries the ``clock`` adjustment that says so,
and its day here is the day before the move.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Final

from touchpoints._core.engine import schedule
from touchpoints._core.outputs import TouchPoint
from touchpoints._errors import ScheduleError
from touchpoints._model import Plan, Subject

__all__ = ["AHEAD", "Validity", "horizon_end", "validity", "window_end"]

AHEAD: Final = timedelta(days=366)
"""How far past a window's end the next touch point is looked for."""


@dataclasses.dataclass(frozen=True, slots=True)
class Validity:
    """The windows a schedule made for ``[start, end)`` is also the schedule for.

    Attributes:
        start: the window's first day, or None when it had none.
        end: its end (exclusive), as the schedule gives it.
        latest_start: the latest first day that keeps every touch point, or None
            (no touch points).
        earliest_end: the earliest end that keeps every touch point, or None.
        latest_end: the latest end that lets no other touch point in, or None when
            none ever can (the window runs to the end of the calendar).

    >>> v = Validity(date(2026, 1, 1), date(2027, 1, 1), date(2026, 3, 1),
    ...              date(2026, 9, 2), date(2027, 2, 1))
    >>> v.holds(date(2026, 2, 1), date(2027, 1, 31))
    True
    >>> v.holds(date(2026, 3, 2), date(2027, 1, 31))  # the first touch point is left out
    False
    >>> v.holds(date(2026, 2, 1), date(2027, 2, 2))  # the next one comes in
    False
    """

    start: date | None
    end: date
    latest_start: date | None
    earliest_end: date | None
    latest_end: date | None

    def holds(self, start: date | None, end: date) -> bool:
        """Whether the window ``[start, end)`` gives the same touch points."""
        if start is not None and (
            self.start is None
            or start < self.start
            or (self.latest_start is not None and start > self.latest_start)
        ):
            return False
        if start is None and self.start is not None:
            return False
        if self.earliest_end is not None and end < self.earliest_end:
            return False
        return self.latest_end is None or end <= self.latest_end


def horizon_end(plan: Plan, start: date, earlier_end: date) -> date:
    """The default end of a window starting ``start``, from ``earlier_end``, the default
    end of the same subject's window that started on an earlier (or the same) day.

    The default end is the plan's horizon after the start, but never before the day
    after the subject's last term ends; that day is independent of the start, and no
    later than ``earlier_end``, so the later of the two is the end.

    >>> plan = Plan.model_validate({"plan": "p", "horizon": "1 year", "touchpoints": [
    ...     {"id": "c", "title": "C", "channel": "call", "at": "purchase"}]})
    >>> horizon_end(plan, date(2026, 3, 1), date(2027, 2, 1))
    datetime.date(2027, 3, 1)
    >>> horizon_end(plan, date(2026, 3, 1), date(2029, 1, 1))  # a term ends later
    datetime.date(2029, 1, 1)
    """
    try:
        last = start + plan.horizon.as_relativedelta()
    except (OverflowError, ValueError):
        last = date.max
    return max(last, earlier_end)


def validity(
    plan: Plan,
    subject: Subject,
    touch_points: Sequence[TouchPoint],
    *,
    start: date | None,
    end: date | None,
    limit: int,
) -> Validity:
    """How far ``touch_points``, the subject's touch points for the window from
    ``start`` to ``end`` (None: the plan's horizon), hold.

    One more call schedules the subject from the window's end for :data:`AHEAD` to
    find the next touch point; when that call fails (too many touch points, a date
    past the calendar), the window's end may not move.

    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "c", "title": "C", "channel": "call", "every": "1 month",
    ...      "starting": "purchase"}]})
    >>> subject = Subject(id="s", anchors={"purchase": date(2026, 1, 10)})
    >>> window = {"start": date(2026, 1, 1), "end": date(2026, 4, 1)}
    >>> made = schedule(plan, subject, **window)
    >>> validity(plan, subject, made.touch_points, limit=100, **window)
    Validity(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 4, 1), \
latest_start=datetime.date(2026, 1, 10), earliest_end=datetime.date(2026, 3, 11), \
latest_end=datetime.date(2026, 4, 10))
    """
    if isinstance(start, datetime) or isinstance(end, datetime):
        raise ScheduleError("a schedule's validity is known for windows of dates only")
    if end is None:
        end = window_end(plan, subject, start, limit)
    days = [_wall_day(tp) for tp in touch_points]
    latest_start = min(days, default=None)
    earliest_end = None
    if days:
        last = max(days)
        earliest_end = last + timedelta(days=1) if last < date.max else date.max
    latest_end: date | None = None
    if end < date.max:
        ahead = end + AHEAD if end <= date.max - AHEAD else date.max
        try:
            later = schedule(plan, subject, start=end, end=ahead, limit=limit)
        except ScheduleError:
            latest_end = end
        else:
            latest_end = min((_wall_day(tp) for tp in later), default=ahead)
    return Validity(start, end, latest_start, earliest_end, latest_end)


def window_end(plan: Plan, subject: Subject, start: date | None, limit: int) -> date:
    """The end of the subject's default window from ``start``: the end
    :func:`schedule` gives it when none is given.

    >>> plan = Plan.model_validate({"plan": "p", "horizon": "2 years", "touchpoints": [
    ...     {"id": "c", "title": "C", "channel": "call", "at": "purchase"}]})
    >>> subject = Subject(id="s", anchors={"purchase": date(2026, 1, 10)})
    >>> window_end(plan, subject, date(2026, 2, 28), 100)
    datetime.date(2028, 2, 28)
    """
    if plan.term is None and start is not None:
        return horizon_end(plan, start, date.min)  # no term can end after the horizon
    made = schedule(plan, subject, start=start, limit=limit)
    assert isinstance(made.end, date)
    return made.end


def _wall_day(tp: TouchPoint) -> date:
    """The day the window compares a touch point by: its own in the subject's zone, or
    the day a gap moved its contact time from."""
    due = tp.due
    day = due.date() if isinstance(due, datetime) else due
    for adjustment in tp.adjustments:
        if adjustment.kind == "clock" and adjustment.after == day and adjustment.before < day:
            return adjustment.before
    return day
