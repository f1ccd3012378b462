"""Usage rules: a subject's meter readings projected to the days a rule's thresholds
are reached, and "whichever comes first" against the rule's time series.

The projection is one deterministic rule, computed in exact fractions:

- The **rate** is the use per day between the earliest reading on or after the
  latest reading's day minus the meter's ``rate_over`` (1 year unless set) and the
  latest reading. With fewer than two readings on different days in that span, it is
  the meter's ``expected`` rate; with no reading at all, the meter reads 0 on its
  ``starts`` anchor.
- A **threshold** the readings have already passed is reached on the first day the
  straight line between the two readings around it reaches it (the first reading's
  day when even that one is past it). A threshold above the latest reading is reached
  ``ceil((threshold - latest) / rate)`` days after the latest reading: the first day
  the meter is expected to show it. With a rate of 0 it is never reached.
- The thresholds of occurrence ``n`` are ``n × every`` (in a contract term after the
  first: the reading on the term's first day plus ``n × every``), or, after the
  latest completed occurrence ``k`` before ``n``, its reading plus ``(n - k) × every``. A
  completion's reading is the one its history event records, else the meter's
  reading on its day (read off the line above, or projected past the latest one).
- With ``every`` as well, occurrence ``n`` is due on the earlier of the two: the
  time series' occurrence ``n`` and the day its threshold is reached (the time
  series' on a tie).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from fractions import Fraction
from itertools import count as count_from
from math import ceil
from zoneinfo import ZoneInfo

from touchpoints._core.arithmetic import shifter
from touchpoints._core.series import occurrences
from touchpoints._errors import MeterError
from touchpoints._model import (
    Adjustment,
    HistoryEvent,
    Meter,
    MeterReading,
    OpenDays,
    Rule,
    Wall,
    day_of,
    exact,
    reading_text,
    to_local_date,
    to_wall,
)

__all__ = ["Projection", "check_readings", "project", "usage_occurrences", "usage_walls"]

Point = tuple[date, Fraction]


def _number(value: Fraction) -> str:
    """A reading as people write it: ``15,000``, ``14,250.5``."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{float(value):,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Projection:
    """A meter's readings (day and value, sorted) and its rate per day.

    ``measured`` is False when the rate is the meter's expected one.

    >>> line = Projection(((date(2026, 1, 10), Fraction(0)), (date(2026, 7, 10),
    ...                   Fraction(9000))), Fraction(9000, 181), True)
    >>> line.day_reaching(Fraction(15000)), line.day_reaching(Fraction(4500))
    (datetime.date(2026, 11, 8), datetime.date(2026, 4, 11))
    """

    points: tuple[Point, ...]
    rate: Fraction
    measured: bool

    def day_reaching(self, threshold: Fraction) -> date | None:
        """The first day the meter shows ``threshold``, or None if it never does."""
        points = self.points
        last_day, last = points[-1]
        if threshold <= last:
            index = bisect_left([value for _, value in points], threshold)
            if index == 0:
                return points[0][0]
            (day0, value0), (day1, value1) = points[index - 1], points[index]
            if day0 == day1:  # two readings on one day: a step
                return day1
            slope = (value1 - value0) / (day1 - day0).days
            return day0 + timedelta(days=ceil((threshold - value0) / slope))
        if self.rate <= 0:
            return None
        try:
            return last_day + timedelta(days=ceil((threshold - last) / self.rate))
        except OverflowError:
            return None

    def reading_on(self, day: date) -> Fraction:
        """What the meter shows on ``day``: a reading, the line between two, or the
        projection past the latest one (the first reading before the first)."""
        points = self.points
        if day <= points[0][0]:
            return points[0][1]
        last_day, last = points[-1]
        if day >= last_day:
            return last + self.rate * (day - last_day).days
        index = bisect_right([d for d, _ in points], day)  # after readings on ``day``
        (day0, value0), (day1, value1) = points[index - 1], points[index]
        if day0 == day:
            return value0  # the day's (highest) reading
        return value0 + (value1 - value0) * (day - day0).days / (day1 - day0).days

    def words(self, meter: Meter, threshold: Fraction, day: date | None) -> str:
        """When ``threshold`` is reached, in words, such as
        ``15,000 km expected on 2026-11-08 at 49.7 km/day``."""
        amount = f"{_number(threshold)} {meter.unit}"
        if day is None:
            return f"{amount} not expected: the readings show no use"
        if threshold <= self.points[-1][1]:
            return f"{amount} reached by {day.isoformat()}, by the readings"
        rate = f"{float(self.rate):,.1f} {meter.unit}/day"
        if not self.measured:
            rate = f"the expected {rate} ({meter.expected})"
        return f"{amount} expected on {day.isoformat()} at {rate}"


def project(
    meter: Meter, readings: tuple[MeterReading, ...], origin: Callable[[], date]
) -> Projection:
    """The projection of one subject's meter (see the module docstring).

    ``readings`` are sorted (the model sorts them); ``origin`` gives the ``starts``
    anchor's date for a subject without readings.
    """
    points: tuple[Point, ...] = tuple((r.on, exact(r.value)) for r in readings)
    if not points:
        points = ((origin(), Fraction(0)),)
    last_day, last = points[-1]
    try:
        since = last_day - meter.rate_over.as_relativedelta()
    except (OverflowError, ValueError):
        since = date.min
    first_day, first = next((day, value) for day, value in points if day >= since)
    if first_day < last_day:
        return Projection(points, (last - first) / (last_day - first_day).days, True)
    return Projection(points, meter.expected_per_day(), False)


def check_readings(
    subject_id: str, meters: Mapping[str, tuple[MeterReading, ...]], as_of: date
) -> None:
    """Raise :class:`MeterError` for a reading after ``as_of`` (a local date)."""
    for name, readings in meters.items():
        if readings and readings[-1].on > as_of:
            late = readings[-1]
            raise MeterError(
                subject_id,
                name,
                f"the reading of {reading_text(late.value)} on {late.on.isoformat()} is after the "
                f"'as of' date {as_of.isoformat()}; readings are what was read up to "
                "'as of', so check its date or the 'as of' date",
            )


def usage_walls(
    rule: Rule,
    meter: Meter,
    line: Projection,
    anchor: Callable[[str], date],
    contact_time: time | None,
    days: OpenDays,
    rebase: Mapping[int, date] | None,
    events: Mapping[int, HistoryEvent],
    zone: ZoneInfo,
    since: date | None = None,
) -> Iterator[tuple[int, Wall, Adjustment]]:
    """Occurrence numbers, wall-clock values and the note saying what set each, of a
    usage rule, in order (see the module docstring).

    ``rebase`` floats the time series as for :func:`~touchpoints._core.series.occurrences`;
    ``events`` are the rule's deciding history events in this term; ``since`` is
    the first day of a term after the first (None in the first).
    """
    assert rule.usage is not None
    amount = exact(rule.usage.every)
    start = Fraction(0) if since is None else line.reading_on(since)
    resets: list[tuple[int, Fraction]] = []
    for k in sorted(events):
        event = events[k]
        if event.status == "completed" and event.on is not None:
            reading = event.reading
            value = (
                exact(reading)
                if reading is not None
                else line.reading_on(to_local_date(event.on, zone))
            )
            resets.append((k, value))
    done = [k for k, _ in resets]

    def threshold(n: int) -> Fraction:
        before = bisect_left(done, n) - 1  # the latest completion before n
        if before < 0:
            return start + n * amount
        k, value = resets[before]
        return value + (n - k) * amount

    times = None
    if rule.every is not None:
        times = occurrences(rule, anchor, contact_time, None, days, rebase)
    until = None
    if rule.until is not None:
        base = to_wall(anchor(rule.until.anchor), contact_time)
        until = shifter(rule.until, None, days)(base, 0)
    for n in count_from(1):
        if rule.count is not None and n > rule.count:
            return
        planned = next(times, None) if times is not None else None
        level = threshold(n)
        day = line.day_reaching(level)
        words = line.words(meter, level, day)
        reached = to_wall(day, contact_time) if day is not None else None
        if planned is not None and (reached is None or planned[1] <= reached):
            wall = planned[1]
            words = f"the time limit comes first; {words}"
            note = Adjustment(day_of(wall), day_of(wall), words, kind="usage")
        elif reached is not None:
            wall = reached
            before = day_of(planned[1]) if planned is not None else day_of(wall)
            note = Adjustment(before, day_of(wall), words, kind="usage")
        else:
            return
        if until is not None and wall > until:
            return
        yield n, wall, note


def usage_occurrences(
    rule: Rule,
    meter: Meter,
    readings: tuple[MeterReading, ...],
    subject_id: str,
    anchor: Callable[[str], date],
    contact_time: time | None,
    days: OpenDays,
    rebase: Mapping[int, date] | None,
    events: Mapping[int, HistoryEvent],
    zone: ZoneInfo,
    notes: dict[int, Adjustment],
    since: date | None = None,
) -> Iterator[tuple[int, Wall]]:
    """:func:`usage_walls` for one subject's readings, as the engine's series are:
    occurrence numbers and wall-clock values; each note goes into ``notes``.
    ``since`` is the first day of a contract term after the first.

    Raises:
        MeterError: the subject has no reading of the meter, and the meter has no
            ``starts`` anchor to count from.
    """
    assert rule.usage is not None
    starts = meter.starts
    if not readings and starts is None:
        raise MeterError(
            subject_id,
            rule.usage.meter,
            f"rule {rule.id!r} needs a reading of it, and there is none; give the subject "
            "a reading, such as {on: 2026-01-10, value: 0}, or give the plan's meter a "
            "'starts' anchor on which it reads 0",
        )
    line = project(meter, readings, lambda: anchor(starts or ""))
    for n, wall, note in usage_walls(
        rule, meter, line, anchor, contact_time, days, rebase, events, zone, since
    ):
        notes[n] = note
        yield n, wall
