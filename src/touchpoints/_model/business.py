"""Business days: working weekdays, public holidays, closed dates and roll conventions.

A :class:`BusinessCalendar` says which days are open for contacts and what to do with
a touch point that falls on a closed day. It can be set on a plan, on a rule and on a
subject; for each setting the most specific wins (rule, then subject, then plan), and
closed dates add up. :class:`OpenDays` is the resolved, runtime form.

Public holidays come from the ``holidays`` package, in English names whatever the
machine's locale, so schedules are the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Final, Literal, NamedTuple, get_args

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from touchpoints._errors import ScheduleError
from touchpoints._model.base import DAY_NAMES, WEEKDAYS, Frozen, Weekday

if TYPE_CHECKING:
    from holidays import HolidayBase

__all__ = [
    "ADJUSTMENT_KINDS",
    "Adjustment",
    "AdjustmentKind",
    "BusinessCalendar",
    "MergedCalendar",
    "OpenDays",
    "Roll",
    "Weekday",
    "Weekdays",
    "day_label",
    "kind_from_words",
    "merge_calendars",
]

Roll = Literal[
    "following", "preceding", "modified_following", "modified_preceding", "nearest", "keep"
]
"""What happens to a touch point that falls on a closed day:

- ``following``: the next open day;
- ``preceding``: the previous open day;
- ``modified_following``: the next open day, unless that is in the next month: then
  the previous open day (it never leaves the month);
- ``modified_preceding``: the previous open day, unless that is in the previous
  month: then the next open day (it never leaves the month either);
- ``nearest``: the closer of the two; the following one on a tie;
- ``keep``: stays where it is (and says so in its adjustments).
"""

AdjustmentKind = Literal[
    "rolled", "clock", "rescheduled", "missed", "usage", "fatigue", "merged", "conflict", "other"
]  # fmt: skip
"""What made an :class:`Adjustment`, as a word code can compare (its ``reason`` is for
people, and may be reworded):

- ``rolled``: off a closed day (weekend, holiday, closed date), or kept on one by the
  ``keep`` roll; :attr:`Adjustment.closed` names the days passed over;
- ``clock``: a gap in the zone's clock (a daylight saving change) pushed it on;
- ``rescheduled``: the subject's history rescheduled it;
- ``missed``: it was missed and is due again (the ``collapse`` policy);
- ``usage``: what set a usage rule's touch point: the meter's projected reading, or
  the time limit that came first;
- ``fatigue``: a contact fatigue rule moved it away from another touch point;
- ``merged``: it also covers touch points that contact fatigue merged into it;
- ``conflict``: contact fatigue could not place it, so it stayed (see
  :attr:`Schedule.conflicts <touchpoints.Schedule.conflicts>`);
- ``other``: anything else, such as an adjustment made by hand without a kind.

The last four are the team's business: they name other rules, some of them internal.
"""

ADJUSTMENT_KINDS: Final[tuple[AdjustmentKind, ...]] = get_args(AdjustmentKind)
"""Every :data:`AdjustmentKind`, in the order above.

>>> ADJUSTMENT_KINDS[:3]
('rolled', 'clock', 'rescheduled')
"""

MAX_ROLL_DAYS: Final = 31
"""How far weekends and public holidays alone can push a roll: a roll looks this many
days each way, plus the length of the longest closure (a run of closed days that
holds one of the calendar's ``closed`` dates), before giving up."""


def _check_region(value: str) -> str:
    country, _, subdivision = value.partition("-")
    try:
        _holidays(country, subdivision or None)
    except ValueError as error:
        raise PydanticCustomError("holidays", str(error)) from None
    return value


def _holidays(country: str, subdivision: str | None) -> HolidayBase:
    import holidays

    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValueError(
            f"no holiday calendar for country {country!r}; use an ISO 3166 code such "
            "as 'DE', 'US' or 'GB', optionally with a subdivision such as 'DE-BY'"
        )
    if subdivision is not None and subdivision not in supported[country]:
        choices = ", ".join(supported[country][:12])
        raise ValueError(
            f"{country} has no subdivision {subdivision!r}; valid ones include {choices}"
        )
    return holidays.country_holidays(country, subdiv=subdivision, language="en_US")


def _unique_days(days: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
    if not days:
        raise PydanticCustomError("weekdays", "give at least one weekday, such as 'mon'")
    return tuple(day for day in WEEKDAYS if day in days)


Weekdays = Annotated[tuple[Weekday, ...], AfterValidator(_unique_days)]
Region = Annotated[
    str,
    Field(pattern=r"^[A-Z]{2,3}(-[A-Za-z0-9]{1,10})?$", examples=["DE-BY", "US-CA", "GB"]),
    AfterValidator(_check_region),
]


class BusinessCalendar(Frozen):
    """Which days are open for contacts, and how closed days are handled.

    Every field is optional so that a rule or subject can override only what it
    needs; the plan's calendar fills in the rest (and, without one, Monday to Friday
    with no holidays and the ``following`` roll).

    >>> calendar = BusinessCalendar(holidays="DE-BY", roll="modified_following")
    >>> calendar.workdays is None, calendar.holidays
    (True, 'DE-BY')
    """

    workdays: Weekdays | None = Field(
        default=None, description="Working weekdays; Monday to Friday if not given."
    )
    holidays: Region | None = Field(
        default=None,
        description="Public holidays of a country or subdivision, such as 'DE-BY' or 'US-CA'.",
    )
    closed: tuple[date, ...] = Field(
        default=(), max_length=10_000, description="Further closed dates, such as company holidays."
    )
    roll: Roll | None = Field(
        default=None,
        description=(
            "What to do with a touch point on a closed day: following, preceding, "
            "modified_following, modified_preceding, nearest or keep."
        ),
    )


@dataclass(frozen=True, slots=True, init=False)
class Adjustment:
    """One move of a touch point, and why.

    Attributes:
        before: the day it was on.
        after: the day it moved to (the same day when it stayed).
        reason: why, in words: for a roll, why ``before`` was closed.
        closed: for a roll, every closed day it passed over and why each was closed,
            in the order passed (see ``OpenDays.roll_passing``); empty otherwise.
            Not compared: it follows from ``before``, ``after`` and the calendar.
        kind: what made it, as an :data:`AdjustmentKind` (``other`` when not given).

    When the days passed over were closed for more than one reason, the text names
    each reason with its days:

    >>> print(Adjustment(date(2026, 5, 2), date(2026, 5, 4), "weekend"))
    Sat 2026-05-02 -> Mon 2026-05-04: weekend
    >>> print(Adjustment(date(2026, 5, 2), date(2026, 5, 2), "kept on a closed day (weekend)"))
    Sat 2026-05-02: kept on a closed day (weekend)
    >>> print(Adjustment(date(2026, 5, 23), date(2026, 5, 26), "weekend", closed=(
    ...     (date(2026, 5, 23), "weekend"), (date(2026, 5, 24), "weekend"),
    ...     (date(2026, 5, 25), "holiday: Pentecost Monday"))))
    Sat 2026-05-23 -> Tue 2026-05-26: weekend on Sat 2026-05-23, Sun 2026-05-24; holiday: Pentecost Monday on Mon 2026-05-25

    Code tells the kinds apart by ``kind``, never by the words:

    >>> Adjustment(date(2026, 5, 4), date(2026, 5, 7), "moved 3 days", kind="fatigue").kind
    'fatigue'
    >>> Adjustment(date(2026, 5, 2), date(2026, 5, 4), "weekend").kind
    'other'
    """  # noqa: E501 - doctest output is one line

    before: date
    after: date
    reason: str
    closed: tuple[tuple[date, str], ...] = field(default=(), compare=False)
    kind: AdjustmentKind = "other"

    def __init__(
        self,
        before: date,
        after: date,
        reason: str,
        closed: tuple[tuple[date, str], ...] = (),
        kind: AdjustmentKind = "other",
    ) -> None:
        # The fields' slots, set as a frozen dataclass's own __init__ sets them but
        # without its object.__setattr__ call each: rolls make one per closed day.
        _BEFORE(self, before)
        _AFTER(self, after)
        _REASON(self, reason)
        _CLOSED(self, closed)
        _KIND(self, kind)

    @property
    def story(self) -> str:
        """The reason, or, when the days passed over were closed for several reasons,
        each reason with its days."""
        by_reason: dict[str, list[date]] = {}
        for day, why in self.closed:
            by_reason.setdefault(why, []).append(day)
        if len(by_reason) <= 1:
            return self.reason
        story = "; ".join(
            f"{why} on {', '.join(day_label(day) for day in days)}"
            for why, days in by_reason.items()
        )
        return f"{story} (month end)" if self.reason.endswith(" (month end)") else story

    def __str__(self) -> str:
        if self.before == self.after:
            return f"{day_label(self.before)}: {self.reason}"
        return f"{day_label(self.before)} -> {day_label(self.after)}: {self.story}"


_BEFORE, _AFTER, _REASON, _CLOSED, _KIND = (
    vars(Adjustment)[name].__set__ for name in ("before", "after", "reason", "closed", "kind")
)


_ROLL_WORDS: Final = re.compile(
    r"(?:kept on a closed day \()?(?:weekend|closed|holiday: .+|no contacts on [A-Z][a-z]{2})"
    r"\)?(?: \(month (?:end|start)\))?"
)
_OLDER_WORDS: Final[tuple[tuple[re.Pattern[str], AdjustmentKind], ...]] = (
    (re.compile(r"moved \d+ days?: .+"), "fatigue"),
    (re.compile(r"also covers .+"), "merged"),
    (re.compile(r"conflict: .+"), "conflict"),
    (re.compile(r"rescheduled"), "rescheduled"),
    (re.compile(r"(?:\d+ )?missed, due again"), "missed"),
    (re.compile(r"\S+ skipped \d\d:\d\d on that day"), "clock"),
    (re.compile(r"the time limit comes first; .+"), "usage"),
    (re.compile(r"\S+ \S+ (?:expected on|reached by|not expected: ).+"), "usage"),
    (_ROLL_WORDS, "rolled"),
)  # fmt: skip


def kind_from_words(reason: str, closed: Sequence[tuple[date, str]] = ()) -> AdjustmentKind:
    """The kind of an adjustment recorded before adjustments had one (a schedule's JSON
    form or a feed written by an older version), from what it recorded: a roll's closed
    days, else the fixed words older versions wrote for each kind; ``other`` for words
    it does not know. Only for reading such records: code reads :attr:`Adjustment.kind`.

    >>> kind_from_words("holiday: Easter Monday"), kind_from_words("moved 3 days: spacing")
    ('rolled', 'fatigue')
    >>> kind_from_words("moved by hand")
    'other'
    """
    if closed:
        return "rolled"
    for pattern, kind in _OLDER_WORDS:
        if pattern.fullmatch(reason):
            return kind
    return "other"


def day_label(day: date) -> str:
    """A day as people read it in explanations, the same in every locale.

    >>> day_label(date(2026, 5, 2))
    'Sat 2026-05-02'
    """
    return f"{DAY_NAMES[day.weekday()]} {day.isoformat()}"


class MergedCalendar(NamedTuple):
    """Business calendars merged into one setting of each kind."""

    workdays: tuple[Weekday, ...]
    region: str | None
    closed: frozenset[date]
    roll: Roll


def merge_calendars(layers: Iterable[BusinessCalendar | None]) -> MergedCalendar:
    """Merge calendars, most specific first: the first setting given wins, and closed
    dates add up (without any, Monday to Friday and the ``following`` roll).

    >>> merged = merge_calendars(
    ...     [BusinessCalendar(roll="preceding"), None, BusinessCalendar(holidays="DE")])
    >>> merged.roll, merged.region, merged.workdays
    ('preceding', 'DE', ('mon', 'tue', 'wed', 'thu', 'fri'))
    """
    workdays: Sequence[Weekday] | None = None
    region: str | None = None
    roll: Roll | None = None
    closed: set[date] = set()
    for layer in layers:
        if layer is None:
            continue
        workdays = workdays if workdays is not None else layer.workdays
        region = region if region is not None else layer.holidays
        roll = roll if roll is not None else layer.roll
        closed.update(layer.closed)
    return MergedCalendar(
        tuple(workdays) if workdays is not None else WEEKDAYS[:5],
        region,
        frozenset(closed),
        roll or "following",
    )


def _weekday_reasons(workdays: Sequence[Weekday]) -> tuple[str | None, ...]:
    """Why each weekday, Monday first, is closed: None for a working day.

    >>> _weekday_reasons(["mon", "tue", "wed", "thu"])
    (None, None, None, None, 'no contacts on Fri', 'weekend', 'weekend')
    """
    return tuple(
        None if day in workdays else "weekend" if n >= 5 else f"no contacts on {DAY_NAMES[n]}"
        for n, day in enumerate(WEEKDAYS)
    )


class _Year(NamedTuple):
    """Why each day of one year is closed (None: open), from its first day number."""

    first: int
    reasons: tuple[str | None, ...]


_FIRST_DAY: Final = date.min.toordinal()
_LAST_DAY: Final = date.max.toordinal()
_NO_DAYS: Final[tuple[str | None, ...]] = ()
_NOT_FOUND: Final[tuple[None, tuple[tuple[date, str], ...]]] = (None, ())


class OpenDays:
    """A resolved business calendar: answers "is this day open?" and rolls days.

    Whether each day is open, and why not, is worked out a year at a time when a day
    of that year is first asked about, and kept on the object (which the compiled
    form of a plan holds; the engine makes one per call).

    >>> days = OpenDays.resolve([BusinessCalendar(holidays="DE-BY")])
    >>> days.roll(date(2026, 4, 6))  # Easter Monday
    (datetime.date(2026, 4, 7), 'holiday: Easter Monday')
    >>> days.add(date(2026, 4, 2), 2)  # Thursday + 2 business days skips Good Friday
    datetime.date(2026, 4, 8)
    """

    __slots__ = (
        "_closed",
        "_closed_by_year",
        "_holidays",
        "_reach",
        "_roll",
        "_weekdays",
        "_years",
    )

    def __init__(
        self,
        *,
        workdays: Sequence[Weekday] = WEEKDAYS[:5],
        holidays: str | None = None,
        closed: Iterable[date] = (),
        roll: Roll = "following",
    ) -> None:
        self._weekdays = _weekday_reasons(workdays)
        self._closed = frozenset(closed)
        self._closed_by_year: dict[int, list[date]] = {}
        for day in self._closed:
            self._closed_by_year.setdefault(day.year, []).append(day)
        self._roll: Roll = roll
        self._holidays: HolidayBase | None = None
        self._reach: int | None = None
        self._years: dict[int, _Year] = {}
        if holidays is not None:
            country, _, subdivision = holidays.partition("-")
            self._holidays = _holidays(country, subdivision or None)

    @classmethod
    def resolve(cls, layers: Iterable[BusinessCalendar | None]) -> OpenDays:
        """Merge calendars, most specific first (see :func:`merge_calendars`)."""
        merged = merge_calendars(layers)
        return cls(
            workdays=merged.workdays,
            holidays=merged.region,
            closed=merged.closed,
            roll=merged.roll,
        )

    def with_weekdays(self, weekdays: Sequence[Weekday] | None) -> OpenDays:
        """The same calendar with other working weekdays (for a channel's window)."""
        if weekdays is None:
            return self
        copy = object.__new__(OpenDays)
        copy._weekdays = _weekday_reasons(weekdays)
        copy._closed, copy._closed_by_year = self._closed, self._closed_by_year
        copy._roll, copy._holidays = self._roll, self._holidays
        copy._reach = None
        copy._years = {}
        return copy

    @property
    def reach(self) -> int:
        """The most days a roll can move a touch point on this calendar.

        >>> OpenDays().reach
        31
        >>> from datetime import timedelta
        >>> summer = [date(2026, 7, 1) + timedelta(days=n) for n in range(40)]
        >>> OpenDays(closed=summer).reach  # July 1 (a Wednesday) to Sunday August 9
        71
        """
        if self._reach is None:
            self._reach = MAX_ROLL_DAYS + self._longest_closure()
        return self._reach

    def _longest_closure(self) -> int:
        """The length of the longest run of closed days holding a ``closed`` date."""
        longest = 0
        covered = date.min
        one = timedelta(days=1)
        for day in sorted(self._closed):
            if day <= covered:
                continue
            first = last = day
            try:
                while self.closed_because(first - one) is not None:
                    first -= one
            except OverflowError:
                pass
            try:
                while self.closed_because(last + one) is not None:
                    last += one
            except OverflowError:
                pass
            covered = last
            longest = max(longest, (last - first).days + 1)
        return longest

    def closed_because(self, day: date) -> str | None:
        """Why ``day`` is closed, or None when it is open.

        >>> days = OpenDays.resolve([BusinessCalendar(holidays="DE-BY", closed=[date(2026, 5, 4)])])
        >>> [days.closed_because(date(2026, 5, n)) for n in (1, 2, 4, 5)]
        ['holiday: Labor Day', 'weekend', 'closed', None]
        """
        year = self._years.get(day.year) or self._year(day.year)
        return year.reasons[day.toordinal() - year.first]

    def _year(self, number: int) -> _Year:
        """Why each day of year ``number`` is closed (None: open), kept for the next
        day asked about: the weekday first, then the calendar's closed dates, then
        its holidays."""
        first = date(number, 1, 1).toordinal()
        length = (date(number + 1, 1, 1).toordinal() if number < 9999 else _LAST_DAY + 1) - first
        by_weekday = self._weekdays
        # Day number 1 (1 January of the year 1) was a Monday, weekday 0: the year is
        # the weekdays' cycle from the first day's.
        start = (first - 1) % 7
        reasons = list((by_weekday * 54)[start : start + length])
        table = self._holidays
        if table is not None:
            table.get(date(number, 1, 1))  # the library fills in the year's holidays
            for day, name in dict.items(table):  # a dict of dates to names
                if day.year == number and reasons[day.toordinal() - first] is None:
                    reasons[day.toordinal() - first] = f"holiday: {name}"
        for day in self._closed_by_year.get(number, ()):
            if by_weekday[day.weekday()] is None:
                reasons[day.toordinal() - first] = "closed"
        year = self._years[number] = _Year(first, tuple(reasons))
        return year

    def roll(self, day: date) -> tuple[date, str | None]:
        """The day a touch point on ``day`` moves to, and why (None when it stays).

        >>> days = OpenDays(roll="modified_preceding")
        >>> days.roll(date(2026, 8, 1))  # a Saturday: Friday is in July
        (datetime.date(2026, 8, 3), 'weekend (month start)')
        """
        moved, reason, _ = self.roll_passing(day)
        return moved, reason

    def roll_passing(self, day: date) -> tuple[date, str | None, tuple[tuple[date, str], ...]]:
        """:meth:`roll`, with every closed day the roll passes over and why it is
        closed: from ``day`` itself towards the day it moves to, which is left out
        (none when it stays).

        >>> days = OpenDays.resolve([BusinessCalendar(holidays="DE-BY")])
        >>> moved, reason, passed = days.roll_passing(date(2026, 5, 23))
        >>> moved, reason
        (datetime.date(2026, 5, 26), 'weekend')
        >>> [(d.isoformat(), why) for d, why in passed]
        [('2026-05-23', 'weekend'), ('2026-05-24', 'weekend'), ('2026-05-25', 'holiday: Pentecost Monday')]
        """  # noqa: E501 - doctest output is one line
        reason = self.closed_because(day)
        if reason is None:
            return day, None, ()
        convention = self._roll
        if convention == "keep":
            return day, f"kept on a closed day ({reason})", ()
        # Every day from ``day`` to the first open one is closed: the seek that finds
        # it has passed over them all.
        after, later = self._seek(day, reason, 1) if convention != "preceding" else _NOT_FOUND
        before, earlier = self._seek(day, reason, -1) if convention != "following" else _NOT_FOUND
        month = (day.year, day.month)
        if convention == "modified_following" and after is not None:
            if (after.year, after.month) != month and before is not None:
                return before, f"{reason} (month end)", earlier
        elif convention == "modified_preceding" and before is not None:
            if (before.year, before.month) != month and after is not None:
                return after, f"{reason} (month start)", later
            return before, reason, earlier
        elif convention == "nearest" and after is not None and before is not None:
            if after - day <= day - before:
                return after, reason, later
            return before, reason, earlier
        if after is not None:
            return after, reason, later
        if before is not None:
            return before, reason, earlier
        direction = {"following": "after", "preceding": "before"}.get(convention, "around")
        raise ScheduleError(
            f"no open day within {self.reach} days {direction} {day_label(day)} "
            f"({reason}); check the calendar's workdays and closed dates"
        )

    def add(self, day: date, business_days: int) -> date:
        """``day`` moved by ``business_days`` open days (back for a negative count);
        the day itself does not count."""
        step = 1 if business_days >= 0 else -1
        remaining = abs(business_days)
        while remaining:
            day += timedelta(days=step)
            if self.closed_because(day) is None:
                remaining -= 1
        return day

    def _seek(
        self, day: date, reason: str, step: int
    ) -> tuple[date | None, tuple[tuple[date, str], ...]]:
        """The first open day from ``day`` (closed for ``reason``) in the direction of
        ``step``, or None when there is none within :attr:`reach` days (or before the
        ends of time); with the closed days passed over, ``day`` first."""
        passed = [(day, reason)]
        number = day.toordinal()
        first, reasons = number, _NO_DAYS  # no year yet: the first step fetches one
        for _ in range(self.reach):
            number += step
            if not first <= number < first + len(reasons):  # into another year
                if not _FIRST_DAY <= number <= _LAST_DAY:
                    break
                year = date.fromordinal(number).year
                first, reasons = self._years.get(year) or self._year(year)
            why = reasons[number - first]
            if why is None:
                return date.fromordinal(number), tuple(passed)
            passed.append((date.fromordinal(number), why))
        return None, ()
