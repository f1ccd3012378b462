"""VTIMEZONE generation: a zone and a date range in, the ``VTIMEZONE`` component out.

It knows nothing of touch points. It reads the zone's transitions from the tz database
(:mod:`zoneinfo`) and writes them as observances that use ``RRULE`` wherever the zone
follows a yearly pattern (Outlook reads only ``RRULE``, never ``RDATE``), open-ended
when the rule is still in force at the end of the range. The first observance is the
one in force at the start of the range's first year; when that began before 1970 (and
the range starts later), it is written as starting on 1 January 1970, as is customary.

>>> print(vtimezone_text("Europe/Berlin", date(2026, 1, 1), date(2026, 12, 31)), end="")
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:20251026T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZNAME:CET
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20260329T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZNAME:CEST
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Final, NamedTuple, TypeAlias
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vRecur

from touchpoints._ical.content_lines import format_datetime
from touchpoints._model import WEEKDAY_CODES, zone_for

__all__ = [
    "EARLIEST_YEAR",
    "Observance",
    "observances",
    "span_years",
    "vtimezone",
    "vtimezone_text",
]


class Observance(NamedTuple):
    """One ``STANDARD`` or ``DAYLIGHT`` sub-component: its onset, offsets, name and,
    when it repeats yearly, its ``RRULE`` value."""

    daylight: bool
    start: datetime  # local wall-clock time in offset_from, naive
    offset_from: timedelta
    offset_to: timedelta
    name: str
    rrule: str | None


_EPOCH: Final = datetime(1970, 1, 1)
_STEP: Final = 4 * 86_400  # no zone has two transitions within four days


def _state(zone: ZoneInfo, seconds: int) -> tuple[timedelta, timedelta, str]:
    moment = datetime.fromtimestamp(seconds, zone)
    return moment.utcoffset() or timedelta(0), moment.dst() or timedelta(0), moment.tzname() or ""


def _seconds(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds())


def _transition_at(zone: ZoneInfo, low: int, high: int) -> int:
    """The first second in (low, high] whose state differs from low's."""
    before = _state(zone, low)
    while high - low > 1:
        middle = (low + high) // 2
        if _state(zone, middle) == before:
            low = middle
        else:
            high = middle
    return high


_ZoneState: TypeAlias = tuple[timedelta, timedelta, str]
_Transition: TypeAlias = tuple[int, _ZoneState, _ZoneState]


def _transitions(key: str, first_year: int, last_year: int) -> list[_Transition]:
    """The zone's transitions from the one in force on 1 January of ``first_year``
    to the end of ``last_year + 1``: (UTC seconds, state before, state after)."""
    zone = zone_for(key)
    begin = _seconds(datetime(first_year, 1, 1))
    finish = _seconds(datetime(min(last_year + 2, 9999), 1, 1))
    found: list[_Transition] = []
    start_state = _state(zone, begin)
    # Only the state in force matters before 1970 (see _compute_observances), so
    # look back no further than that when the range starts later.
    floor = _seconds(datetime(1970 if first_year >= 1970 else 1800, 1, 1))
    month = 30 * 86_400
    probe = begin
    while probe > floor and _state(zone, probe - month) == start_state:
        probe -= month
    if probe > floor:
        at = _transition_at(zone, probe - month, probe)
        found.append((at, _state(zone, at - 1), _state(zone, at)))
    moment = begin
    current = start_state
    while moment < finish:
        step = min(moment + _STEP, finish)
        if _state(zone, step) != current:
            at = _transition_at(zone, moment, step)
            found.append((at, _state(zone, at - 1), _state(zone, at)))
            current = _state(zone, at)
            moment = at
        else:
            moment = step
    return found


def _week_specs(day: date) -> set[int]:
    """The yearly rules a transition day fits: the n-th (1 to 4) or last (-1) such
    weekday of its month, or (as a negative number below -1) the first such weekday
    on or after day D of the month, encoded as -(D + 1)."""
    next_month = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    length = (next_month - date(day.year, day.month, 1)).days
    specs = {spec for spec in ((day.day - 1) // 7 + 1,) if spec <= 4}
    if (next_month - day).days <= 7:
        specs.add(-1)
    specs.update(
        -(first + 1) for first in range(max(day.day - 6, 1), day.day + 1) if first + 6 <= length
    )
    return specs


def _rule_text(head: datetime, spec: int) -> str:
    weekday = WEEKDAY_CODES[head.weekday()]
    if spec >= -1:
        return f"FREQ=YEARLY;BYMONTH={head.month};BYDAY={spec}{weekday}"
    first = -spec - 1
    days = ",".join(str(day) for day in range(first, first + 7))
    return f"FREQ=YEARLY;BYMONTH={head.month};BYDAY={weekday};BYMONTHDAY={days}"


def observances(key: str, first: date, last: date) -> tuple[Observance, ...]:
    """The observances of zone ``key`` for dates from ``first`` to ``last``, in the
    order they start.

    São Paulo's last two summers, before Brazil dropped daylight saving time in 2019:

    >>> for o in observances("America/Sao_Paulo", date(2018, 1, 1), date(2020, 1, 1)):
    ...     print(o.start, "daylight" if o.daylight else "standard", o.rrule)
    2017-10-15 00:00:00 daylight None
    2018-02-18 00:00:00 standard FREQ=YEARLY;BYMONTH=2;BYDAY=3SU;UNTIL=20190217T020000Z
    2018-11-04 00:00:00 daylight None
    """
    first_year, last_year = span_years(key, first, last)
    return _observances(key, first_year, last_year)


EARLIEST_YEAR: Final = 1800
"""No VTIMEZONE starts before this year: the tz database has nothing earlier than local
mean time, which holds from the first observance back to year 1."""

_VOBJECT_PROBE: Final = (2000, 2019)


def span_years(key: str, first: date, last: date) -> tuple[int, int]:
    """The years a ``VTIMEZONE`` for dates from ``first`` to ``last`` covers.

    The range's own years, clamped to :data:`EARLIEST_YEAR` to 9997 (year 1 has no
    transitions to write). A zone that is at +00 on 1 January 2000 starts no later
    than 2000: vobject (and so Radicale) takes a ``VTIMEZONE`` that is +00 then and
    changes nothing from 2000 to 2019 for UTC and replaces it with its own, older
    data, which puts London, Lisbon or Casablanca an hour or two off.

    >>> span_years("Europe/London", date(2026, 1, 1), date(2026, 12, 31))
    (2000, 2026)
    >>> span_years("America/New_York", date(1, 1, 15), date(2026, 12, 31))
    (1800, 2026)
    """
    first_year = min(max(first.year, EARLIEST_YEAR), 9997)
    last_year = min(max(last.year, first_year), 9997)
    low = _VOBJECT_PROBE[0]
    if first_year > low:
        moment = datetime(low, 1, 1, tzinfo=zone_for(key))
        if moment.utcoffset() == timedelta(0):
            first_year = low
    return first_year, last_year


@lru_cache(maxsize=256)
def _observances(key: str, first_year: int, last_year: int) -> tuple[Observance, ...]:
    """The observances of zone ``key`` for events from ``first_year`` to
    ``last_year``, merged into yearly rules where the zone follows one."""
    transitions = _transitions(key, first_year, last_year)
    begin = _seconds(datetime(first_year, 1, 1))
    in_force = bool(transitions) and transitions[0][0] <= begin
    if not in_force or (transitions[0][0] < 0 and first_year >= 1970):
        # What was in force before 1970 does not matter to the feed: start the first
        # observance on 1 January 1970 (or of the first year), as is customary.
        year = min(first_year, 1970)
        state = _state(zone_for(key), _seconds(datetime(year, 1, 1)))
        onset = _seconds(datetime(year, 1, 1)) - int(state[0].total_seconds())
        transitions = [(onset, state, state), *(t for t in transitions if t[0] > onset)]
    items: list[tuple[bool, datetime, timedelta, timedelta, str]] = []
    for at, (offset_from, dst_from, _), (offset_to, dst_to, name) in transitions:
        if dst_to > timedelta(0):
            daylight = True
        elif dst_to < timedelta(0):
            daylight = False
        else:
            daylight = dst_from < timedelta(0)
        local = _EPOCH + timedelta(seconds=at) + offset_from
        items.append((daylight, local, offset_from, offset_to, name or _offset_name(offset_to)))
    groups: dict[tuple[bool, timedelta, timedelta, str], list[datetime]] = {}
    for daylight, local, offset_from, offset_to, name in items:
        groups.setdefault((daylight, offset_from, offset_to, name), []).append(local)
    observances: list[Observance] = []
    for (daylight, offset_from, offset_to, name), starts in groups.items():
        for run, spec in _runs(starts):
            head = run[0]
            rrule = None
            if spec is not None:
                rrule = _rule_text(head, spec)
                if run[-1].year < last_year + 1:
                    # RFC 5545 compares UNTIL (UTC) with the onset in UTC; some
                    # readers (dateutil) compare it with the local onset. The later
                    # of the two includes the last onset for both, and the next
                    # year's onset is months away.
                    until = max(run[-1], run[-1] - offset_from)
                    rrule += f";UNTIL={format_datetime(until.replace(tzinfo=UTC))}"
            observances.append(Observance(daylight, head, offset_from, offset_to, name, rrule))
    observances.sort(key=lambda o: (o.start, o.daylight))
    return tuple(observances)


def _offset_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02}{minutes:02}"


def _runs(starts: list[datetime]) -> Iterator[tuple[list[datetime], int | None]]:
    """Split onsets into runs that follow one yearly rule (month, week, weekday, time)."""
    index = 0
    while index < len(starts):
        run = [starts[index]]
        specs = _week_specs(starts[index].date())
        nxt = index + 1
        while nxt < len(starts):
            candidate = starts[nxt]
            previous = run[-1]
            common = specs & _week_specs(candidate.date())
            if (
                candidate.year != previous.year + 1
                or candidate.month != previous.month
                or candidate.weekday() != previous.weekday()
                or candidate.time() != previous.time()
                or not common
            ):
                break
            run.append(candidate)
            specs = common
            nxt += 1
        if len(run) > 1:
            # Prefer what Outlook can read: the last or n-th weekday of the month.
            plain = [spec for spec in specs if spec >= -1]
            yield run, min(plain) if plain else max(specs)
        else:
            yield run, None
        index = nxt


def vtimezone(key: str, first: date, last: date) -> Timezone:
    """The ``VTIMEZONE`` of zone ``key`` for dates from ``first`` to ``last``, as an
    icalendar component."""
    timezone = Timezone()
    timezone.add("TZID", key)
    for observance in observances(key, first, last):
        sub = TimezoneDaylight() if observance.daylight else TimezoneStandard()
        sub.add("DTSTART", observance.start)
        sub.add("TZOFFSETFROM", observance.offset_from)
        sub.add("TZOFFSETTO", observance.offset_to)
        sub.add("TZNAME", observance.name)
        if observance.rrule is not None:
            sub.add("RRULE", vRecur.from_ical(observance.rrule))
        timezone.add_component(sub)
    return timezone


def vtimezone_text(key: str, first: date, last: date) -> str:
    """The ``VTIMEZONE`` of zone ``key`` for dates from ``first`` to ``last``, as
    content lines (CRLF line ends)."""
    text: str = vtimezone(key, first, last).to_ical().decode()
    return text
