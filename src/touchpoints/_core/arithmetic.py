"""Date arithmetic: anchors resolved to dates, offsets and steps added, closed days
rolled over, and wall-clock values placed in a zone.

Every function here is pure; none knows about rules' series or a subject's history.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from touchpoints._errors import ScheduleError
from touchpoints._model import (
    Adjustment,
    AnchorExpression,
    Duration,
    OpenDays,
    Plan,
    Wall,
    day_of,
    day_start,
    localize,
    to_local_date,
)

__all__ = [
    "UTC",
    "Anchors",
    "MissingAnchor",
    "check_window",
    "instant",
    "moved_to",
    "place",
    "roll",
    "roll_day",
    "shifter",
    "skipped_day",
    "widen",
    "window_bound",
]

UTC: Final = ZoneInfo("UTC")


class MissingAnchor(Exception):
    """Raised inside the engine when a subject lacks an anchor a rule needs."""

    def __init__(self, anchor: str) -> None:
        self.anchor = anchor


class Anchors:
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
                raise MissingAnchor(name)
            base = self(derivation.anchor)
            try:
                value = shifter(derivation, None, self._days)(base, 0)
            except OverflowError:
                raise ScheduleError(
                    f"anchor {name!r} ({derivation}) falls outside the years 1 to 9999 "
                    f"for subject {self._subject_id!r}"
                ) from None
        self._resolved[name] = value
        return value


def moved_to(on: date, time_of_day: time | None, zone: ZoneInfo) -> Wall:
    """The wall-clock value of a date or datetime the host moved a touch point to."""
    if time_of_day is None:
        return to_local_date(on, zone)
    if isinstance(on, datetime):
        return on.astimezone(zone).replace(tzinfo=None) if on.tzinfo else on
    return datetime.combine(on, time_of_day)


def place(wall: Wall, zone: ZoneInfo) -> date:
    """A wall-clock value in ``zone``; dates (all-day) stay dates."""
    return localize(wall, zone) if isinstance(wall, datetime) else wall


def widen(bound: date | None, by: timedelta) -> date | None:
    """``bound`` moved by ``by``, staying at the edge of the calendar if it would leave it."""
    if bound is None or not by:
        return bound
    try:
        return bound + by
    except OverflowError:
        return bound


def roll(wall: Wall, days: OpenDays) -> tuple[Wall, tuple[Adjustment, ...]]:
    """Move a wall-clock value off a closed day, keeping its time of day."""
    rolled, moves = roll_day(day_of(wall), days)
    if not moves:
        return wall, ()
    moved = datetime.combine(rolled, wall.time()) if isinstance(wall, datetime) else rolled
    return moved, moves


def roll_day(day: date, days: OpenDays) -> tuple[date, tuple[Adjustment, ...]]:
    """Move a day off a closed day: the day it lands on, and the adjustment saying
    why (none when it stays).

    >>> from touchpoints._model import BusinessCalendar
    >>> bavaria = OpenDays.resolve([BusinessCalendar(holidays="DE-BY")])
    >>> moved, (why,) = roll_day(date(2026, 4, 5), bavaria)  # Easter Sunday
    >>> print(why)
    Sun 2026-04-05 -> Tue 2026-04-07: weekend on Sun 2026-04-05; holiday: Easter Monday on Mon 2026-04-06
    >>> roll_day(date(2026, 4, 7), bavaria)
    (datetime.date(2026, 4, 7), ())
    """  # noqa: E501 - doctest output is one line
    rolled, reason, passed = days.roll_passing(day)
    if reason is None:
        return day, ()
    # Positional arguments, read quicker: rolls are hot.
    return rolled, (Adjustment(day, rolled, reason, passed, "rolled"),)


def skipped_day(wall: datetime, due: datetime, zone: ZoneInfo) -> Adjustment:
    """The move of a wall-clock time that a gap in ``zone`` pushed onto the next day:
    ``wall`` is the time the rule gave, ``due`` where it lands.

    >>> apia = ZoneInfo("Pacific/Apia")
    >>> wall = datetime(2011, 12, 30, 10)
    >>> print(skipped_day(wall, localize(wall, apia), apia))
    Fri 2011-12-30 -> Sat 2011-12-31: Pacific/Apia skipped 10:00 on that day
    """
    reason = f"{zone.key} skipped {wall:%H:%M} on that day"
    return Adjustment(wall.date(), due.date(), reason, kind="clock")


def instant(bound: date) -> datetime:
    if isinstance(bound, datetime):
        return bound
    return datetime.combine(bound, time(), UTC)


def shifter(
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
    calendar = shifter(
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


def window_bound(
    bound: date | None, zone: ZoneInfo, *, all_day: bool, exact: bool, is_end: bool = False
) -> date | None:
    """A window bound in the terms walls are compared in: a date for all-day plans,
    an instant when ``exact``, else a wall-clock midnight."""
    if bound is None:
        return None
    if not isinstance(bound, datetime):
        if all_day:
            return bound
        midnight = datetime.combine(bound, time())
        if bound == date.max:  # no horizon could be computed: no upper bound
            return midnight if not exact else midnight.replace(tzinfo=zone)
        return day_start(bound, zone) if exact else midnight
    if not all_day:
        return bound
    local = bound.astimezone(zone).date()
    # An all-day touch point is in the window when its day overlaps the window: the
    # end's own day only when the end comes after that day's first instant (which
    # is not always midnight: see day_start).
    if is_end and local < date.max and bound > day_start(local, zone).astimezone(UTC):
        return local + timedelta(days=1)
    return local


def check_window(start: date | None, end: date | None, as_of: date | None) -> None:
    """Refuse window bounds that are not dates or aware datetimes, or that end before
    they start.

    >>> check_window(date(2026, 2, 1), date(2026, 1, 1), None)
    Traceback (most recent call last):
    ...
    touchpoints.ScheduleError: the window ends (2026-01-01) before it starts (2026-02-01)
    """
    if start is None and end is None and as_of is None:
        return  # no window: most calls, so that is settled first
    for name, bound in (("start", start), ("end", end), ("as of", as_of)):
        if bound is not None and not isinstance(bound, date):
            raise ScheduleError(f"the window {name} must be a date or datetime, not {bound!r}")
        if isinstance(bound, datetime) and bound.utcoffset() is None:
            raise ScheduleError(
                f"the window {name} {bound.isoformat()} has no time zone; pass a date "
                "or a timezone-aware datetime"
            )
    if start is not None and end is not None and instant(end) < instant(start):
        raise ScheduleError(
            f"the window ends ({end.isoformat()}) before it starts ({start.isoformat()})"
        )
