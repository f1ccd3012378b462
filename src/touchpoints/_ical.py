"""iCalendar export and import: touch points to RFC 5545 feeds and back.

The only module that imports :mod:`icalendar`. It has two ways to write a feed that
produce the same bytes:

- :func:`to_calendar` builds :class:`icalendar.Calendar` objects with icalendar's own
  API (``Event.new`` and friends), for hosts that want to post-process them;
- :func:`write_ical` (and :func:`to_ical` and :func:`update_ical` on top of it) is a
  streaming writer that formats, escapes and folds content lines itself, the way
  icalendar's serialiser does, about fifty times faster and in memory that does not
  grow with the number of touch points (``benchmarks/export.py``).

What a feed contains, and why
-----------------------------

- One ``VEVENT`` (or, with ``component="VTODO"``, one ``VTODO``) per touch point:
  expanded instances, no ``RRULE``, so no two recurrence engines can disagree.
- ``UID`` is the touch point's id (:func:`touchpoints.touch_point_id`), a UUID that
  stays the same when a plan is edited and reveals no customer data (RFC 7986 §5.3).
- ``DTSTAMP`` comes from the caller's ``stamp`` (never the clock), so identical
  input gives identical bytes.
- All-day touch points are ``VALUE=DATE`` with an exclusive ``DTEND`` (one day, or
  the rule's duration rounded up to whole days). Timed ones carry ``TZID`` and a
  ``DURATION`` (the rule's, 30 minutes by default). A due time that is ambiguous in its
  zone (the repeated hour when clocks go back) is written in UTC, because clients
  disagree about raw ambiguous local times; ``X-TOUCHPOINTS-TIMEZONE`` keeps the zone.
- Every zone used gets a ``VTIMEZONE`` covering all dates in the feed, written with
  ``RRULE``-based observances wherever the zone's rules follow a yearly pattern
  (Outlook reads only ``RRULE``, never ``RDATE``), open-ended when the rule is still
  in force at the end of the feed.
- ``X-TOUCHPOINTS-PLAN``, ``-RULE``, ``-OCCURRENCE`` and ``-RULE-JSON`` (the rule as
  compact JSON), and where they apply ``-ADJUSTMENTS``, ``-DONE`` and ``-TERM``, let
  :func:`from_ical` rebuild the touch points. The subject id is
  customer data and is never written: :func:`from_ical` recovers it from the ``UID``
  given the candidate subject ids.
- No ``METHOD`` (a feed is not a scheduling message), ``NAME`` and ``X-WR-CALNAME``,
  ``REFRESH-INTERVAL;VALUE=DURATION`` and ``X-PUBLISHED-TTL``, a calendar ``UID``
  derived from the calendar's name, and ``PRODID`` :data:`PRODID`.

Escaping (RFC 5545 §3.3.11) and folding (§3.1) follow icalendar 7.3, with two
deliberate differences, both where icalendar changes or endangers the text:
icalendar turns a literal backslash followed by ``N`` into a line break (this writer
escapes the backslash), and in a run of backslashes icalendar can fold between an
escaping backslash and the one it escapes (this writer never folds inside an
escape). Everywhere else the bytes are the same.
"""

from __future__ import annotations

import hashlib
import json
import string
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Final, Literal, NamedTuple, Protocol, TypeAlias
from zoneinfo import ZoneInfo

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    Todo,
)
from icalendar.cal.component import Component
from icalendar.prop import vRecur, vText
from icalendar.timezone.tzid import get_equivalent_tzids
from pydantic import ValidationError

from touchpoints._business import Adjustment
from touchpoints._calendar import zone_for
from touchpoints._engine import TouchPoint
from touchpoints._errors import (
    CalendarReadError,
    DuplicateTouchPointError,
    ExportError,
    TemplateError,
)
from touchpoints._ids import NAMESPACE, touch_point_id
from touchpoints._models import Rule

__all__ = [
    "PRODID",
    "Attributes",
    "IcalUpdate",
    "Revision",
    "dump_ical_state",
    "from_ical",
    "load_ical_state",
    "to_calendar",
    "to_ical",
    "to_ical_by_owner",
    "update_ical",
    "write_ical",
]

PRODID: Final = "-//touchpoints//touchpoints 0.1//EN"
"""The ``PRODID`` of every feed: product and major.minor version, nothing that changes
between runs."""

ComponentName: TypeAlias = Literal["VEVENT", "VTODO"]
Attributes: TypeAlias = (
    Mapping[str, Mapping[str, object]] | Callable[[str], Mapping[str, object] | None]
)
"""Subject attributes for description templates: a mapping from subject id to that
subject's attributes, or a function that returns them for a subject id (or None)."""


class BinaryWriter(Protocol):
    """Anything with ``write(bytes)``: a file opened with ``"wb"``, ``io.BytesIO``,
    ``sys.stdout.buffer``, a socket file."""

    def write(self, data: bytes, /) -> object: ...


DEFAULT_NAME: Final = "Touch points"
DEFAULT_DURATION: Final = timedelta(minutes=30)
DEFAULT_REFRESH: Final = timedelta(hours=12)

# Zones that are UTC for every date a feed can hold; icalendar writes their times
# in UTC, and so do we.
_UTC_KEYS: Final = frozenset(get_equivalent_tzids("UTC"))
_CALENDAR_NAMESPACE: Final = uuid.uuid5(NAMESPACE, "calendar")
_CACHE_LIMIT: Final = 4_096
_FLUSH_EVERY: Final = 512


class Revision(NamedTuple):
    """What the host keeps per exported touch point so that later exports update
    calendars in place.

    A state is a mapping from ``UID`` to revision. It is small: two numbers, a short
    fingerprint, the start and the title (the last two let a removed touch point be
    written as cancelled).

    Attributes:
        sequence: the ``SEQUENCE`` last written, from 0; it goes up by one whenever
            the exported event changes.
        fingerprint: a hash of every exported field except the stamps.
        modified: when the event last changed (``LAST-MODIFIED`` and ``DTSTAMP``),
            in UTC.
        start: the touch point's due date or datetime.
        summary: its title.
        cancelled: True once the touch point was removed and written as cancelled.

    >>> from datetime import date, datetime, UTC
    >>> Revision(0, "5f1c0e2a9b3d4c61", datetime(2026, 1, 1, tzinfo=UTC),
    ...          date(2026, 1, 29), "Check-up call").sequence
    0
    """

    sequence: int
    fingerprint: str
    modified: datetime
    start: date
    summary: str
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class IcalUpdate:
    """An export that follows an earlier one: the feed and the state to keep.

    Attributes:
        data: the iCalendar bytes.
        state: the revisions to store and pass as ``previous`` next time.

    >>> IcalUpdate(b"", {}).state
    {}
    """

    data: bytes
    state: dict[str, Revision]


# --------------------------------------------------------------------------------------
# Options


@dataclass(frozen=True, slots=True)
class _Options:
    stamp: datetime
    name: str
    calendar_uid: str
    component: ComponentName
    alarm: timedelta | None
    template: _Template | None
    attributes: Callable[[str], Mapping[str, object] | None] | None
    refresh: timedelta
    removed: Literal["drop", "cancel"]


def _options(
    *,
    stamp: datetime,
    name: str | None,
    calendar_uid: str | None,
    component: str,
    alarm: timedelta | None,
    description_template: str | None,
    attributes: Attributes | None,
    refresh: timedelta,
    removed: str = "drop",
) -> _Options:
    if not isinstance(stamp, datetime) or stamp.utcoffset() is None:
        raise ExportError(
            f"stamp must be a timezone-aware datetime, such as "
            f"datetime(2026, 1, 1, tzinfo=UTC), not {stamp!r}"
        )
    if component not in ("VEVENT", "VTODO"):
        raise ExportError(f"component must be 'VEVENT' or 'VTODO', not {component!r}")
    if removed not in ("drop", "cancel"):
        raise ExportError(f"removed must be 'drop' or 'cancel', not {removed!r}")
    if alarm is not None and not isinstance(alarm, timedelta):
        raise ExportError(
            f"alarm must be a timedelta such as timedelta(minutes=-15), not {alarm!r}"
        )
    if not isinstance(refresh, timedelta) or refresh <= timedelta(0):
        raise ExportError(f"refresh must be a positive timedelta, not {refresh!r}")
    name = DEFAULT_NAME if name is None else name
    if not isinstance(name, str) or not name.strip():
        raise ExportError(f"the calendar name must be a non-empty text, not {name!r}")
    lookup: Callable[[str], Mapping[str, object] | None] | None
    if attributes is None:
        lookup = None
    elif callable(attributes):
        lookup = attributes
    else:
        lookup = attributes.get
    return _Options(
        stamp=_utc(stamp),
        name=name,
        calendar_uid=calendar_uid or str(uuid.uuid5(_CALENDAR_NAMESPACE, name)),
        component=component,  # type: ignore[arg-type]
        alarm=alarm,
        template=None if description_template is None else _Template(description_template),
        attributes=lookup,
        refresh=refresh,
        removed=removed,  # type: ignore[arg-type]
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


# --------------------------------------------------------------------------------------
# Safe description templates


class _Template:
    """A ``{name}``-style template: fields only, no attribute access, indexing,
    conversions or format specs."""

    __slots__ = ("fields", "parts", "text")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TemplateError(text, f"a description template must be text, not {text!r}")
        parts: list[tuple[str, str | None]] = []
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as error:
            raise TemplateError(
                text,
                f"the description template {text!r} is malformed ({error}); write fields "
                "as {name} and a literal brace as {{ or }}",
            ) from None
        for literal, field, spec, conversion in parsed:
            if field is not None:
                if not field.isidentifier():
                    raise TemplateError(
                        text,
                        f"the description template field {{{field}}} is not allowed: use a "
                        "plain name such as {name}, without dots, brackets or numbers",
                    )
                if spec or conversion:
                    raise TemplateError(
                        text,
                        f"the description template field {{{field}"
                        f"{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
                        " is not allowed: write a plain {name} without '!' or ':'",
                    )
            parts.append((literal, field))
        self.text = text
        self.parts = tuple(parts)
        self.fields = tuple(field for _, field in parts if field is not None)

    def render(self, values: Mapping[str, object], subject_id: str) -> str:
        out: list[str] = []
        for literal, field in self.parts:
            out.append(literal)
            if field is None:
                continue
            if field not in values:
                known = ", ".join(sorted(values)) or "none"
                raise TemplateError(
                    self.text,
                    f"the description template uses {{{field}}}, but subject "
                    f"{subject_id!r} has no attribute {field!r} and it is not a touch "
                    f"point field; the fields available are: {known}",
                    field=field,
                )
            value = values[field]
            out.append("" if value is None else str(value))
        return "".join(out)


def _template_values(
    tp: TouchPoint, lookup: Callable[[str], Mapping[str, object] | None] | None
) -> dict[str, object]:
    values: dict[str, object] = {
        "title": tp.rule.title,
        "channel": tp.rule.channel,
        "description": tp.rule.description,
        "owner": tp.rule.owner,
        "priority": tp.rule.priority,
        "occurrence": tp.occurrence,
        "due": tp.due.isoformat(),
        "plan": tp.plan_id,
        "rule": tp.rule_id,
    }
    if lookup is not None:
        attributes = lookup(tp.subject_id)
        if attributes:
            values.update(attributes)
    return values


def _description(tp: TouchPoint, options: _Options) -> str | None:
    if options.template is None:
        return tp.rule.description
    return options.template.render(_template_values(tp, options.attributes), tp.subject_id)


# --------------------------------------------------------------------------------------
# Field values shared by both writers


def _timed_length(rule: Rule) -> timedelta:
    duration = rule.duration
    if duration is None:
        return DEFAULT_DURATION
    return timedelta(
        weeks=duration.weeks, days=duration.days, hours=duration.hours, minutes=duration.minutes
    )


def _all_day_length(rule: Rule) -> int:
    length = _timed_length(rule) if rule.duration is not None else timedelta(days=1)
    whole = length.days + (1 if length.seconds else 0)
    return max(whole, 1)


def _zone_key(moment: datetime) -> str | None:
    zone = moment.tzinfo
    return zone.key if isinstance(zone, ZoneInfo) else None


def _written_start(moment: datetime) -> tuple[datetime, str | None]:
    """The start as written, and the zone to note beside it when written in UTC.

    Local time with its zone, unless the local time is ambiguous or does not exist
    there (then UTC), or the zone is UTC or not an IANA zone.
    """
    key = _zone_key(moment)
    if key is None:
        return moment.astimezone(UTC).replace(microsecond=0), None
    if key in _UTC_KEYS or moment.replace(fold=1).utcoffset() != moment.replace(fold=0).utcoffset():
        return moment.astimezone(UTC).replace(microsecond=0), key
    return moment.replace(microsecond=0), None


def _rule_json(rule: Rule) -> str:
    return rule.model_dump_json(exclude_defaults=True)


def _extras(tp: TouchPoint) -> list[tuple[str, str]]:
    """The X- properties for what only some touch points have, in property order."""
    extras: list[tuple[str, str]] = []
    if tp.adjustments:
        rows = [[a.before.isoformat(), a.after.isoformat(), a.reason] for a in tp.adjustments]
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        extras.append(("X-TOUCHPOINTS-ADJUSTMENTS", text))
    if tp.done_on is not None:
        extras.append(("X-TOUCHPOINTS-DONE", tp.done_on.isoformat()))
    return extras


def _categories(rule: Rule) -> list[str]:
    return [rule.channel, *(tag for tag in rule.tags if tag != rule.channel)]


# --------------------------------------------------------------------------------------
# Content-line formatting, the way icalendar does it


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n:
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, with CRLF, as icalendar 7.3 does.

    Like icalendar, a fold never splits a UTF-8 character and never falls right
    after a backslash that escapes the next character (Google Calendar drops such
    events) or a ``^``. Unlike icalendar, which looks at the last character only, a
    backslash that is itself escaped (the second of two) stays, so a fold never
    falls inside an escape, even in a run of backslashes.
    """
    if len(line) < 75 and line.isascii():
        return line + "\r\n"
    if line.isascii():
        chunks: list[str] = []
        start = 0
        n = len(line)
        while n - start > 74:
            end = start + 74
            if line[end - 1] == "^" or (line[end - 1] == "\\" and _escapes(line, end - 1)):
                end -= 1
            chunks.append(line[start:end])
            start = end
        chunks.append(line[start:])
        return "\r\n ".join(chunks) + "\r\n"
    folded: list[str] = []
    current: list[str] = []
    count = 0
    run = 0  # backslashes in a row up to the last character
    for char in line:
        size = len(char.encode())
        if current and count + size >= 75:
            last = current[-1]
            if len(current) > 1 and (last == "^" or (last == "\\" and run % 2 == 1)):
                prefix = current.pop()
                folded.append("".join(current))
                current = [prefix]
                count = len(prefix.encode())
            else:
                folded.append("".join(current))
                current = []
                count = 0
        current.append(char)
        count += size
        run = run + 1 if char == "\\" else 0
    if current:
        folded.append("".join(current))
    return "\r\n ".join(folded) + "\r\n"


def _escapes(line: str, index: int) -> bool:
    """True when the backslash at ``index`` escapes the next character, that is, it
    ends an odd run of backslashes."""
    first = index
    while first > 0 and line[first - 1] == "\\":
        first -= 1
    return (index - first) % 2 == 0


def _format_date(day: date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def _format_datetime(moment: datetime) -> str:
    text = (
        f"{moment.year:04}{moment.month:02}{moment.day:02}"
        f"T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    )
    return text + "Z" if moment.tzinfo is UTC else text


def _format_duration(td: timedelta) -> str:
    sign = ""
    if td.days < 0:
        sign = "-"
        td = -td
    timepart = ""
    if td.seconds:
        timepart = "T"
        hours, rest = divmod(td.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        if hours:
            timepart += f"{hours}H"
        if minutes or (hours and seconds):
            timepart += f"{minutes}M"
        if seconds:
            timepart += f"{seconds}S"
    if td.days == 0 and timepart:
        return f"{sign}P{timepart}"
    return f"{sign}P{td.days}D{timepart}"


# --------------------------------------------------------------------------------------
# VTIMEZONE with RRULE observances


class _Observance(NamedTuple):
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
    weekday = _WEEKDAYS[head.weekday()]
    if spec >= -1:
        return f"FREQ=YEARLY;BYMONTH={head.month};BYDAY={spec}{weekday}"
    first = -spec - 1
    days = ",".join(str(day) for day in range(first, first + 7))
    return f"FREQ=YEARLY;BYMONTH={head.month};BYDAY={weekday};BYMONTHDAY={days}"


_WEEKDAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _vtimezone_observances(key: str, first: date, last: date) -> tuple[_Observance, ...]:
    return _observances(key, first.year, last.year)


@lru_cache(maxsize=256)
def _observances(key: str, first_year: int, last_year: int) -> tuple[_Observance, ...]:
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
    observances: list[_Observance] = []
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
                    rrule += f";UNTIL={_format_datetime(until.replace(tzinfo=UTC))}"
            observances.append(_Observance(daylight, head, offset_from, offset_to, name, rrule))
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


def _timezone_component(key: str, first: date, last: date) -> Timezone:
    timezone = Timezone()
    timezone.add("TZID", key)
    for observance in _vtimezone_observances(key, first, last):
        sub = TimezoneDaylight() if observance.daylight else TimezoneStandard()
        sub.add("DTSTART", observance.start)
        sub.add("TZOFFSETFROM", observance.offset_from)
        sub.add("TZOFFSETTO", observance.offset_to)
        sub.add("TZNAME", observance.name)
        if observance.rrule is not None:
            sub.add("RRULE", vRecur.from_ical(observance.rrule))
        timezone.add_component(sub)
    return timezone


# --------------------------------------------------------------------------------------
# The streaming writer


class _ZoneRange:
    __slots__ = ("first", "last")

    def __init__(self, day: date) -> None:
        self.first = day
        self.last = day

    def add(self, day: date) -> None:
        if day < self.first:
            self.first = day
        elif day > self.last:
            self.last = day


class _RuleParts(NamedTuple):
    rule: Rule
    plan_id: str
    summary: str  # folded SUMMARY line
    duration: str  # folded DURATION line (timed VEVENT)
    days: timedelta  # all-day length
    categories: str
    description: str  # folded DESCRIPTION line or ""
    priority: str
    plan_rule: str  # X-TOUCHPOINTS-PLAN, -RULE, -RULE-JSON lines
    alarm: str  # VALARM block or ""
    content: str  # what the fingerprint covers, besides the dynamic lines


class _Writer:
    """Renders touch points as content lines, the way icalendar serialises them."""

    def __init__(self, options: _Options) -> None:
        self.options = options
        self.stamp_line = f"DTSTAMP:{_format_datetime(options.stamp)}\r\n"
        self.rules: dict[tuple[int, str], _RuleParts] = {}
        self.zones: dict[str, _ZoneRange] = {}
        self.starts: tuple[dict[object, dict[datetime, tuple[str, str]]], ...] = ({}, {})
        self.days: dict[date, str] = {}
        self.last: _RuleParts | None = None
        self.event = options.component == "VEVENT"
        self.template = options.template

    def header(self) -> str:
        calendar = _calendar_shell(self.options)
        text: str = calendar.to_ical().decode()
        return text[: -len("END:VCALENDAR\r\n")]

    def parts(self, tp: TouchPoint) -> _RuleParts:
        key = (id(tp.rule), tp.plan_id)
        parts = self.rules.get(key)
        if parts is not None and parts.rule is tp.rule:
            return parts
        if len(self.rules) >= _CACHE_LIMIT:
            self.rules.clear()
        rule = tp.rule
        options = self.options
        summary = _fold(f"SUMMARY:{_escape(rule.title)}")
        categories = _fold("CATEGORIES:" + ",".join(_escape(c) for c in _categories(rule)))
        description = ""
        if options.template is None and rule.description is not None:
            description = _fold(f"DESCRIPTION:{_escape(rule.description)}")
        plan_rule = (
            _fold(f"X-TOUCHPOINTS-PLAN:{_escape(tp.plan_id)}")
            + _fold(f"X-TOUCHPOINTS-RULE:{_escape(rule.id)}")
            + _fold(f"X-TOUCHPOINTS-RULE-JSON:{_escape(_rule_json(rule))}")
        )
        alarm = ""
        if options.alarm is not None:
            related = ";RELATED=END" if options.component == "VTODO" else ""
            alarm = (
                "BEGIN:VALARM\r\nACTION:DISPLAY\r\n"
                + _fold(f"DESCRIPTION:{_escape(rule.title)}")
                + _fold(f"TRIGGER{related}:{_format_duration(options.alarm)}")
                + "END:VALARM\r\n"
            )
        duration = _fold(f"DURATION:{_format_duration(_timed_length(rule))}")
        priority = f"PRIORITY:{rule.priority}\r\n"
        parts = _RuleParts(
            rule=rule,
            plan_id=tp.plan_id,
            summary=summary,
            duration=duration,
            days=timedelta(days=_all_day_length(rule)),
            categories=categories,
            description=description,
            priority=priority,
            plan_rule=plan_rule,
            alarm=alarm,
            content=summary + duration + categories + description + priority + plan_rule + alarm,
        )
        self.rules[key] = parts
        return parts

    def track(self, start: date) -> None:
        if type(start) is date:
            return
        assert isinstance(start, datetime)
        key = _zone_key(start)
        if key is None or key in _UTC_KEYS:
            return
        day = start.date()
        zone_range = self.zones.get(key)
        if zone_range is None:
            self.zones[key] = _ZoneRange(day)
        else:
            zone_range.add(day)

    def start(self, due: datetime) -> tuple[str, str]:
        """The start line after its name and the zone note line, cached: many touch
        points share a due time. The cache is split by fold and zone, because aware
        datetimes in different zones compare equal when they are the same instant,
        and in one zone compare equal whatever their fold."""
        by_due = self.starts[due.fold].get(due.tzinfo)
        if by_due is None:
            by_due = self.starts[due.fold][due.tzinfo] = {}
        hit = by_due.get(due)
        if hit is not None:
            return hit
        written, zone_note = _written_start(due)
        if zone_note is not None:
            formatted = _format_datetime(written)
            entry = (f":{formatted}\r\n", f"X-TOUCHPOINTS-TIMEZONE:{zone_note}\r\n")
        else:
            entry = (f";TZID={_zone_key(due)}:{_format_datetime(written)}\r\n", "")
        self.track(due)
        if len(by_due) >= _CACHE_LIMIT:
            by_due.clear()
        by_due[due] = entry
        return entry

    def day(self, day: date) -> str:
        text = self.days.get(day)
        if text is None:
            if len(self.days) >= _CACHE_LIMIT:
                self.days.clear()
            text = self.days[day] = _format_date(day)
        return text

    def render(
        self, tp: TouchPoint, revise: Callable[[str, str, TouchPoint], Revision] | None
    ) -> str:
        """The component's text; ``revise(uid, content, tp)`` gives its revision."""
        parts = self.last
        if parts is None or parts.rule is not tp.rule or parts.plan_id != tp.plan_id:
            parts = self.last = self.parts(tp)
        due = tp.due
        event = self.event
        if type(due) is date:
            start_line = f";VALUE=DATE:{self.day(due)}\r\n"
            span = f"DTEND;VALUE=DATE:{self.day(due + parts.days)}\r\n" if event else ""
            note = ""
        else:
            assert isinstance(due, datetime)
            start_line, note = self.start(due)
            span = parts.duration if event else ""
        if self.template is None:
            description = parts.description
        else:
            text = _description(tp, self.options)
            description = _fold(f"DESCRIPTION:{_escape(text)}") if text else ""
        occurrence = f"X-TOUCHPOINTS-OCCURRENCE:{tp.occurrence}\r\n"
        if tp.adjustments or tp.done_on is not None:
            occurrence = (
                "".join(_fold(f"{name}:{_escape(text)}") for name, text in _extras(tp)) + occurrence
            )
        term = "" if tp.term == 1 else f"X-TOUCHPOINTS-TERM:{tp.term}\r\n"
        uid = tp.id
        if revise is None:
            stamp = self.stamp_line
            sequence = modified = ""
        else:
            content = f"{start_line}{span}{description}{occurrence}{term}{note}{parts.content}"
            revision = revise(uid, content, tp)
            formatted = _format_datetime(revision.modified)
            stamp = f"DTSTAMP:{formatted}\r\n"
            sequence = f"SEQUENCE:{revision.sequence}\r\n"
            modified = f"LAST-MODIFIED:{formatted}\r\n"
        if event:
            return (
                f"BEGIN:VEVENT\r\n{parts.summary}DTSTART{start_line}{span}{stamp}"
                f"UID:{uid}\r\n{sequence}{parts.categories}{description}{modified}"
                f"{parts.priority}{occurrence}{parts.plan_rule}{term}{note}{parts.alarm}"
                "END:VEVENT\r\n"
            )
        return (
            f"BEGIN:VTODO\r\n{parts.categories}{description}{stamp}DUE{start_line}"
            f"{modified}{parts.priority}{sequence}{parts.summary}UID:{uid}\r\n"
            f"{occurrence}{parts.plan_rule}{term}{note}{parts.alarm}END:VTODO\r\n"
        )

    def render_cancelled(self, uid: str, revision: Revision) -> str:
        start = revision.start
        note = ""
        if type(start) is date:
            start_line = f";VALUE=DATE:{_format_date(start)}\r\n"
        else:
            assert isinstance(start, datetime)
            written, zone_note = _written_start(start)
            if zone_note is not None:
                start_line = f":{_format_datetime(written)}\r\n"
                note = f"X-TOUCHPOINTS-TIMEZONE:{zone_note}\r\n"
            else:
                start_line = f";TZID={_zone_key(start)}:{_format_datetime(written)}\r\n"
            self.track(start)
        stamp = _format_datetime(revision.modified)
        summary = _fold(f"SUMMARY:{_escape(revision.summary)}")
        if self.options.component == "VEVENT":
            return (
                f"BEGIN:VEVENT\r\n{summary}DTSTART{start_line}DTSTAMP:{stamp}\r\n"
                f"UID:{uid}\r\nSEQUENCE:{revision.sequence}\r\nLAST-MODIFIED:{stamp}\r\n"
                f"STATUS:CANCELLED\r\n{note}END:VEVENT\r\n"
            )
        return (
            f"BEGIN:VTODO\r\nDTSTAMP:{stamp}\r\nDUE{start_line}LAST-MODIFIED:{stamp}\r\n"
            f"SEQUENCE:{revision.sequence}\r\nSTATUS:CANCELLED\r\n{summary}UID:{uid}\r\n"
            f"{note}END:VTODO\r\n"
        )

    def timezones(self) -> str:
        return "".join(
            _timezone_component(key, zone_range.first, zone_range.last).to_ical().decode()
            for key, zone_range in sorted(self.zones.items())
        )


def _fingerprint(content: str) -> str:
    return hashlib.blake2b(content.encode(), digest_size=8).hexdigest()


def _calendar_shell(options: _Options) -> Calendar:
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    calendar.add("NAME", _text(options.name))
    calendar.add("X-WR-CALNAME", _text(options.name))
    calendar.add("UID", _text(options.calendar_uid))
    calendar.add("REFRESH-INTERVAL", options.refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vText(_format_duration(options.refresh)))
    return calendar


def _revise(
    uid: str,
    content: str,
    tp: TouchPoint,
    previous: Mapping[str, Revision],
    stamp: datetime,
) -> Revision:
    fingerprint = _fingerprint(content)
    old = previous.get(uid)
    if old is None:
        return Revision(0, fingerprint, stamp, tp.due, tp.rule.title)
    if old.fingerprint == fingerprint and not old.cancelled:
        if old.start == tp.due and old.summary == tp.rule.title:
            return old
        return old._replace(start=tp.due, summary=tp.rule.title)
    return Revision(old.sequence + 1, fingerprint, stamp, tp.due, tp.rule.title)


def _write(
    touch_points: Iterable[TouchPoint],
    stream: BinaryWriter,
    options: _Options,
    *,
    previous: Mapping[str, Revision] | None,
    state: MutableMapping[str, Revision] | None,
    zones_first: Sequence[tuple[str, date, date]] | None,
) -> int:
    writer = _Writer(options)
    header = writer.header()
    if zones_first is not None:
        header += "".join(
            _timezone_component(key, first, last).to_ical().decode()
            for key, first, last in zones_first
        )
    stream.write(header.encode())
    revise: Callable[[str, str, TouchPoint], Revision] | None = None
    new_state: MutableMapping[str, Revision] = {} if state is None else state
    if previous is not None:
        known, stamp = previous, options.stamp

        def revise(uid: str, content: str, tp: TouchPoint) -> Revision:
            revision = _revise(uid, content, tp, known, stamp)
            new_state[uid] = revision
            return revision

    count = 0
    buffer: list[str] = []
    render = writer.render
    for tp in touch_points:
        buffer.append(render(tp, revise))
        count += 1
        if len(buffer) >= _FLUSH_EVERY:
            stream.write("".join(buffer).encode())
            buffer.clear()
    if previous is not None and options.removed == "cancel":
        for uid in sorted(previous):
            if uid in new_state:
                continue
            old = previous[uid]
            revision = (
                old
                if old.cancelled
                else Revision(
                    old.sequence + 1, old.fingerprint, options.stamp, old.start, old.summary, True
                )
            )
            new_state[uid] = revision
            buffer.append(writer.render_cancelled(uid, revision))
            count += 1
    if zones_first is None:
        buffer.append(writer.timezones())
    buffer.append("END:VCALENDAR\r\n")
    stream.write("".join(buffer).encode())
    return count


# --------------------------------------------------------------------------------------
# Public export functions


def write_ical(
    touch_points: Iterable[TouchPoint],
    stream: BinaryWriter,
    *,
    stamp: datetime,
    name: str | None = None,
    calendar_uid: str | None = None,
    component: ComponentName = "VEVENT",
    alarm: timedelta | None = None,
    description_template: str | None = None,
    attributes: Attributes | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
    previous: Mapping[str, Revision] | None = None,
    state: MutableMapping[str, Revision] | None = None,
    removed: Literal["drop", "cancel"] = "drop",
) -> int:
    """Write a feed for any number of touch points to a binary stream, in one pass.

    Memory does not grow with the number of touch points: each one is formatted and
    written as it comes (in batches), and only the time zones seen and their first
    and last dates are kept. Because those are known only at the end, the
    ``VTIMEZONE`` components come after the events (RFC 5545 puts no order on a
    calendar's components, and every client we test with accepts it); :func:`to_ical`
    puts them first. The bytes equal what icalendar serialises for the same calendar.

    Touch points are written in the order given; pass each one once.

    Args:
        touch_points: the touch points, such as ``schedule_many(plan, subjects)``.
        stream: where to write, opened in binary mode.
        stamp: the export time, written as ``DTSTAMP``: timezone-aware, never read
            from the clock.
        name: the calendar's name (``NAME`` and ``X-WR-CALNAME``).
        calendar_uid: the calendar's ``UID``; by default derived from ``name``.
        component: ``"VEVENT"`` for calendars, ``"VTODO"`` for task clients.
        alarm: add a display reminder this long after the start (negative for
            before), such as ``timedelta(minutes=-15)``; off by default.
        description_template: render ``DESCRIPTION`` from a template such as
            ``"Call {name} about {title}"``; fields are the subject's attributes and
            the touch point's ``title``, ``channel``, ``description``, ``owner``,
            ``priority``, ``occurrence``, ``due``, ``plan`` and ``rule`` (an attribute
            of the same name wins). Only plain ``{field}`` names are allowed.
        attributes: the subjects' attributes for the template, by subject id.
        refresh: how often subscribers should refresh (``REFRESH-INTERVAL``).
        previous: the state of the previous export, to update events in place.
        state: a mapping that receives the new state (required memory grows with it;
            pass a disk-backed mapping for huge feeds).
        removed: what to do with touch points in ``previous`` that are gone:
            ``"drop"`` them, or keep them as ``STATUS:CANCELLED`` (``"cancel"``).

    Returns:
        The number of components (events or to-dos) written.

    Raises:
        ExportError: an option is invalid.
        TemplateError: the description template is invalid or uses a field a
            subject does not have.

    >>> import io
    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> out = io.BytesIO()
    >>> write_ical(tps, out, stamp=datetime(2026, 1, 1, tzinfo=UTC))
    1
    >>> b"DTSTART;VALUE=DATE:20260115" in out.getvalue()
    True
    """
    options = _options(
        stamp=stamp,
        name=name,
        calendar_uid=calendar_uid,
        component=component,
        alarm=alarm,
        description_template=description_template,
        attributes=attributes,
        refresh=refresh,
        removed=removed,
    )
    return _write(touch_points, stream, options, previous=previous, state=state, zones_first=None)


class _Chunks:
    """A minimal binary stream that collects written chunks."""

    __slots__ = ("chunks",)

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(data)
        return len(data)


def _zone_ranges(
    touch_points: Sequence[TouchPoint], extra: Iterable[date] = ()
) -> list[tuple[str, date, date]]:
    ranges: dict[str, _ZoneRange] = {}
    for start in (*(tp.due for tp in touch_points), *extra):
        if type(start) is date:
            continue
        assert isinstance(start, datetime)
        key = _zone_key(start)
        if key is None or key in _UTC_KEYS:
            continue
        zone_range = ranges.get(key)
        if zone_range is None:
            ranges[key] = _ZoneRange(start.date())
        else:
            zone_range.add(start.date())
    return [(key, r.first, r.last) for key, r in sorted(ranges.items())]


def _check_unique(touch_points: Sequence[TouchPoint]) -> None:
    seen: set[str] = set()
    for tp in touch_points:
        uid = tp.id
        if uid in seen:
            raise DuplicateTouchPointError(
                uid, "exported", tp.subject_id, tp.rule_id, tp.occurrence
            )
        seen.add(uid)


def to_ical(
    touch_points: Iterable[TouchPoint],
    *,
    stamp: datetime,
    name: str | None = None,
    calendar_uid: str | None = None,
    component: ComponentName = "VEVENT",
    alarm: timedelta | None = None,
    description_template: str | None = None,
    attributes: Attributes | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
) -> bytes:
    """The iCalendar feed (RFC 5545) for some touch points, as bytes.

    One ``VEVENT`` (or ``VTODO``) per touch point, in the order given, after the
    ``VTIMEZONE`` components. Identical input gives identical bytes. See
    :func:`write_ical` for the options and :func:`update_ical` for exports that
    update an earlier one in place.

    Raises:
        ExportError: an option is invalid, or a touch point is given twice.
        TemplateError: the description template is invalid or uses a field a
            subject does not have.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({
    ...     "plan": "p", "timezone": "Europe/Berlin", "contact_time": "10:00",
    ...     "touchpoints": [{"id": "call", "title": "Welcome call", "channel": "call",
    ...                      "at": "purchase + 2 weeks"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> feed = to_ical(tps, stamp=datetime(2026, 1, 1, tzinfo=UTC), name="Calls")
    >>> print(feed.decode()[feed.index(b"BEGIN:VEVENT"):feed.index(b"CATEGORIES")])
    BEGIN:VEVENT
    SUMMARY:Welcome call
    DTSTART;TZID=Europe/Berlin:20260129T100000
    DURATION:PT30M
    DTSTAMP:20260101T000000Z
    UID:...
    """
    result = update_ical(
        touch_points,
        None,
        stamp=stamp,
        name=name,
        calendar_uid=calendar_uid,
        component=component,
        alarm=alarm,
        description_template=description_template,
        attributes=attributes,
        refresh=refresh,
    )
    return result.data


def update_ical(
    touch_points: Iterable[TouchPoint],
    previous: Mapping[str, Revision] | None,
    *,
    stamp: datetime,
    removed: Literal["drop", "cancel"] = "drop",
    name: str | None = None,
    calendar_uid: str | None = None,
    component: ComponentName = "VEVENT",
    alarm: timedelta | None = None,
    description_template: str | None = None,
    attributes: Attributes | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
) -> IcalUpdate:
    """A feed that updates an earlier export in place, and the state to keep for the
    next one.

    The host stores the returned :attr:`IcalUpdate.state` (a small
    :class:`Revision` per ``UID``; :func:`dump_ical_state` makes text of it) and passes it
    back as ``previous``. A touch point whose exported fields changed gets
    ``SEQUENCE`` one higher and ``LAST-MODIFIED`` (and ``DTSTAMP``) set to ``stamp``;
    an unchanged one keeps its revision, so its bytes stay the same. Touch points in
    ``previous`` that are gone are dropped, or kept as ``STATUS:CANCELLED`` with
    ``removed="cancel"`` (they stay in the state, and cancelled, until an export with
    ``removed="drop"``). With ``previous=None`` no ``SEQUENCE`` or ``LAST-MODIFIED``
    is written and the state is empty.

    The other options are those of :func:`write_ical`.

    Raises:
        ExportError: an option is invalid, or a touch point is given twice.
        TemplateError: the description template is invalid or uses a field a
            subject does not have.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import Plan, Subject, schedule
    >>> def plan(title):
    ...     return Plan.model_validate({"plan": "p", "touchpoints": [
    ...         {"id": "call", "title": title, "channel": "call", "at": "purchase"}]})
    >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    >>> first = update_ical(schedule(plan("Call"), subject), {},
    ...                     stamp=datetime(2026, 1, 1, tzinfo=UTC))
    >>> second = update_ical(schedule(plan("Welcome call"), subject), first.state,
    ...                      stamp=datetime(2026, 2, 1, tzinfo=UTC))
    >>> [r.sequence for r in second.state.values()]
    [1]
    >>> b"LAST-MODIFIED:20260201T000000Z" in second.data
    True
    """
    options = _options(
        stamp=stamp,
        name=name,
        calendar_uid=calendar_uid,
        component=component,
        alarm=alarm,
        description_template=description_template,
        attributes=attributes,
        refresh=refresh,
        removed=removed,
    )
    items = tuple(touch_points)
    _check_unique(items)
    extra: list[date] = []
    if previous is not None and removed == "cancel":
        uids = {tp.id for tp in items}
        extra = [r.start for uid, r in previous.items() if uid not in uids]
    state: dict[str, Revision] = {}
    out = _Chunks()
    _write(
        items,
        out,
        options,
        previous=previous,
        state=state if previous is not None else None,
        zones_first=_zone_ranges(items, extra),
    )
    return IcalUpdate(b"".join(out.chunks), state)


def to_ical_by_owner(
    touch_points: Iterable[TouchPoint],
    *,
    stamp: datetime,
    name: str | None = None,
    component: ComponentName = "VEVENT",
    alarm: timedelta | None = None,
    description_template: str | None = None,
    attributes: Attributes | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
) -> dict[str | None, bytes]:
    """One feed per owner or role, for each person's or team's own calendar.

    Touch points are grouped by :attr:`TouchPoint.owner` (None for those without
    one); each feed is named ``"{name} – {owner}"`` (or ``"{name} – unassigned"``),
    which also gives each its own calendar ``UID``. The options are those of
    :func:`to_ical`.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase", "owner": "sales"},
    ...     {"id": "b", "title": "B", "channel": "visit", "at": "purchase",
    ...      "owner": "service"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> feeds = to_ical_by_owner(tps, stamp=datetime(2026, 1, 1, tzinfo=UTC))
    >>> sorted(feeds)
    ['sales', 'service']
    >>> b"X-WR-CALNAME:Touch points \\xe2\\x80\\x93 sales" in feeds["sales"]
    True
    """
    base = DEFAULT_NAME if name is None else name
    groups: dict[str | None, list[TouchPoint]] = {}
    for tp in touch_points:
        groups.setdefault(tp.rule.owner, []).append(tp)
    return {
        owner: to_ical(
            items,
            stamp=stamp,
            name=f"{base} – {owner if owner is not None else 'unassigned'}",
            component=component,
            alarm=alarm,
            description_template=description_template,
            attributes=attributes,
            refresh=refresh,
        )
        for owner, items in sorted(
            groups.items(), key=lambda item: (item[0] is None, item[0] or "")
        )
    }


# --------------------------------------------------------------------------------------
# The reference path: icalendar's object API


def to_calendar(
    touch_points: Iterable[TouchPoint],
    *,
    stamp: datetime,
    name: str | None = None,
    calendar_uid: str | None = None,
    component: ComponentName = "VEVENT",
    alarm: timedelta | None = None,
    description_template: str | None = None,
    attributes: Attributes | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
    state: Mapping[str, Revision] | None = None,
    timezones_last: bool = False,
) -> Calendar:
    """The feed as an :class:`icalendar.Calendar`, built with icalendar's own API.

    ``calendar.to_ical()`` gives the same bytes as :func:`to_ical` with the same
    arguments (or as :func:`write_ical` with ``timezones_last=True``). With ``state``
    (the state an :func:`update_ical` returned), events carry those revisions and the
    cancelled entries are added, as :func:`update_ical` wrote them. It is much slower
    than the streaming writer; use it to post-process a feed with icalendar.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> calendar = to_calendar(tps, stamp=datetime(2026, 1, 1, tzinfo=UTC))
    >>> [event.start for event in calendar.events]
    [datetime.date(2026, 1, 15)]
    >>> calendar.to_ical() == to_ical(tps, stamp=datetime(2026, 1, 1, tzinfo=UTC))
    True
    """
    options = _options(
        stamp=stamp,
        name=name,
        calendar_uid=calendar_uid,
        component=component,
        alarm=alarm,
        description_template=description_template,
        attributes=attributes,
        refresh=refresh,
    )
    items = tuple(touch_points)
    calendar = _calendar_shell(options)
    uids = {tp.id for tp in items}
    cancelled = (
        sorted((uid, r) for uid, r in state.items() if r.cancelled and uid not in uids)
        if state is not None
        else []
    )
    zones = _zone_ranges(items, (r.start for _, r in cancelled))
    timezones = [_timezone_component(key, first, last) for key, first, last in zones]
    if not timezones_last:
        for timezone in timezones:
            calendar.add_component(timezone)
    for tp in items:
        calendar.add_component(
            _reference_component(tp, options, state.get(tp.id) if state is not None else None)
        )
    for uid, revision in cancelled:
        calendar.add_component(_reference_cancelled(uid, revision, options))
    if timezones_last:
        for timezone in timezones:
            calendar.add_component(timezone)
    return calendar


def _reference_start(value: date) -> tuple[date, str | None]:
    if type(value) is date:
        return value, None
    assert isinstance(value, datetime)
    return _written_start(value)


def _reference_component(
    tp: TouchPoint, options: _Options, revision: Revision | None
) -> Event | Todo:
    rule = tp.rule
    start, note = _reference_start(tp.due)
    description = _description(tp, options) or None
    common: dict[str, object] = {
        "uid": tp.id,
        "stamp": revision.modified if revision is not None else options.stamp,
        "summary": rule.title,
        "description": description,
        "categories": _categories(rule),
        "priority": rule.priority,
    }
    if revision is not None:
        common["sequence"] = revision.sequence
        common["last_modified"] = revision.modified
    component: Event | Todo
    if options.component == "VEVENT":
        end: date | None = None
        if type(start) is date:
            end = start + timedelta(days=_all_day_length(rule))
        component = Event.new(start=start, end=end, **common)  # type: ignore[arg-type]
        if type(start) is not date:
            component.DURATION = _timed_length(rule)
    else:
        component = Todo.new(**common)  # type: ignore[arg-type]
        component.add("DUE", start)
    if description is not None:
        component["DESCRIPTION"] = _text(description)
    component["SUMMARY"] = _text(rule.title)
    component.add("X-TOUCHPOINTS-OCCURRENCE", vText(str(tp.occurrence)))
    for name, text in _extras(tp):
        component.add(name, _text(text))
    if tp.term != 1:
        component.add("X-TOUCHPOINTS-TERM", vText(str(tp.term)))
    component.add("X-TOUCHPOINTS-PLAN", _text(tp.plan_id))
    component.add("X-TOUCHPOINTS-RULE", _text(rule.id))
    component.add("X-TOUCHPOINTS-RULE-JSON", _text(_rule_json(rule)))
    if note is not None:
        component.add("X-TOUCHPOINTS-TIMEZONE", vText(note))
    if options.alarm is not None:
        alarm = Alarm.new_display(description=rule.title, trigger=options.alarm)
        alarm["DESCRIPTION"] = _text(rule.title)
        if options.component == "VTODO":
            alarm["TRIGGER"].params["RELATED"] = "END"
        component.add_component(alarm)
    return component


def _reference_cancelled(uid: str, revision: Revision, options: _Options) -> Event | Todo:
    start, note = _reference_start(revision.start)
    common: dict[str, object] = {
        "uid": uid,
        "stamp": revision.modified,
        "sequence": revision.sequence,
        "last_modified": revision.modified,
        "status": "CANCELLED",
    }
    component: Event | Todo
    if options.component == "VEVENT":
        component = Event.new(start=start, **common)  # type: ignore[arg-type]
    else:
        component = Todo.new(**common)  # type: ignore[arg-type]
        component.add("DUE", start)
    component["SUMMARY"] = _text(revision.summary)
    if note is not None:
        component.add("X-TOUCHPOINTS-TIMEZONE", vText(note))
    return component


class _Raw(vText):
    """A TEXT value given already escaped."""

    def to_ical(self) -> bytes:
        return str(self).encode()


def _text(text: str) -> vText:
    """A TEXT value for icalendar, escaped by icalendar itself except where it would
    change the text: icalendar reads a literal backslash and ``N`` as a line break."""
    return _Raw(_escape(text)) if "\\N" in text else vText(text)


# --------------------------------------------------------------------------------------
# Reading back


def from_ical(data: bytes | str, *, subject_ids: Iterable[str]) -> tuple[TouchPoint, ...]:
    """Read touch points back from a feed that touchpoints wrote.

    Every field comes back intact: plan, rule (from ``X-TOUCHPOINTS-RULE-JSON``),
    occurrence and due (with its zone). The subject id is never written into a feed,
    so give the candidates: each touch point's subject is the one whose id gives its
    ``UID``. Components that touchpoints did not write (no ``X-TOUCHPOINTS-PLAN``)
    and cancelled ones are skipped. The order is the feed's.

    Args:
        data: the iCalendar text.
        subject_ids: the subject ids the feed may contain.

    Raises:
        CalendarReadError: the data is not iCalendar, a touchpoints component is
            damaged, or its subject is not among ``subject_ids``.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> from_ical(to_ical(tps, stamp=datetime(2026, 1, 1, tzinfo=UTC)),
    ...           subject_ids=["c1", "c2"]) == tuple(tps)
    True
    """
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except ValueError as error:
        raise CalendarReadError(f"the data is not an iCalendar file ({error})") from None
    candidates = tuple(dict.fromkeys(subject_ids))
    rules: dict[str, Rule] = {}
    pending: list[_Read] = []
    for calendar in calendars:
        for component in calendar.walk():
            if component.name not in ("VEVENT", "VTODO") or "X-TOUCHPOINTS-PLAN" not in component:
                continue
            if str(component.get("STATUS", "")).upper() == "CANCELLED":
                continue
            pending.append(_read_component(component, rules))
    keys = {(read.plan_id, read.rule_id, read.occurrence, read.term) for read in pending}
    owners: dict[str, str] = {}
    for subject_id in candidates:
        for plan_id, rule_id, occurrence, term in keys:
            uid = touch_point_id(plan_id, subject_id, rule_id, occurrence, term=term)
            owners.setdefault(uid, subject_id)
    result: list[TouchPoint] = []
    for uid, plan_id, rule_id, occurrence, due, rule, adjustments, done_on, term in pending:
        owner = owners.get(uid)
        if owner is None:
            raise CalendarReadError(
                f"the touch point with UID {uid} (plan {plan_id!r}, rule {rule_id!r}, "
                f"occurrence {occurrence}) belongs to none of the {len(candidates)} subject "
                "ids given; pass the ids of every subject the feed was made for"
            )
        result.append(
            TouchPoint(plan_id, rule_id, owner, occurrence, due, rule, adjustments, done_on, term)
        )
    return tuple(result)


def _raw(component: Component, name: str, uid: str) -> str:
    value = component.get(name)
    if value is None:
        raise CalendarReadError(f"the touch point with UID {uid} has no {name} property")
    raw = value.to_ical()
    return _unescape(raw.decode() if isinstance(raw, bytes) else str(raw))


class _Read(NamedTuple):
    uid: str
    plan_id: str
    rule_id: str
    occurrence: int
    due: date
    rule: Rule
    adjustments: tuple[Adjustment, ...]
    done_on: date | None
    term: int


def _read_number(component: Component, name: str, uid: str) -> int:
    text = _raw(component, name, uid)
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise CalendarReadError(
            f"the touch point with UID {uid} has {name} {text!r}, which is not a whole "
            "number of 1 or more"
        )
    return number


def _read_done(component: Component, uid: str) -> date | None:
    if "X-TOUCHPOINTS-DONE" not in component:
        return None
    text = _raw(component, "X-TOUCHPOINTS-DONE", uid)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CalendarReadError(
            f"the touch point with UID {uid} has a completion date {text!r} that is not "
            "a date like 2026-05-02"
        ) from None


def _read_adjustments(component: Component, uid: str) -> tuple[Adjustment, ...]:
    if "X-TOUCHPOINTS-ADJUSTMENTS" not in component:
        return ()
    text = _raw(component, "X-TOUCHPOINTS-ADJUSTMENTS", uid)
    try:
        return tuple(
            Adjustment(date.fromisoformat(before), date.fromisoformat(after), str(reason))
            for before, after, reason in json.loads(text)
        )
    except (ValueError, TypeError) as error:
        raise CalendarReadError(
            f"the touch point with UID {uid} has damaged adjustments ({error})"
        ) from None


def _read_component(component: Component, rules: dict[str, Rule]) -> _Read:
    uid = str(component.get("UID", ""))
    plan_id = _raw(component, "X-TOUCHPOINTS-PLAN", uid)
    rule_id = _raw(component, "X-TOUCHPOINTS-RULE", uid)
    text = _raw(component, "X-TOUCHPOINTS-RULE-JSON", uid)
    occurrence = _read_number(component, "X-TOUCHPOINTS-OCCURRENCE", uid)
    rule = rules.get(text)
    if rule is None:
        try:
            rule = Rule.model_validate_json(text)
        except ValidationError as error:
            raise CalendarReadError(
                f"the touch point with UID {uid} carries a rule that is not valid "
                f"({error.error_count()} problem(s), first: {error.errors()[0]['msg']})"
            ) from None
        rules[text] = rule
    if rule.id != rule_id:
        raise CalendarReadError(
            f"the touch point with UID {uid} names rule {rule_id!r} but carries rule {rule.id!r}"
        )
    name = "DTSTART" if component.name == "VEVENT" else "DUE"
    prop = component.get(name)
    if prop is None or not hasattr(prop, "dt"):
        raise CalendarReadError(f"the touch point with UID {uid} has no {name}")
    value = prop.dt
    due: date
    if isinstance(value, datetime):
        note = component.get("X-TOUCHPOINTS-TIMEZONE")
        tzid = prop.params.get("TZID")
        key = "UTC"
        if note is not None:
            key = _unescape(note.to_ical().decode())
        elif tzid is not None:
            key = str(tzid)
        try:
            zone = zone_for(key)
        except ValueError as error:
            raise CalendarReadError(f"the touch point with UID {uid}: {error}") from None
        if value.tzinfo is None:
            raise CalendarReadError(f"the touch point with UID {uid} has a floating {name}")
        if note is not None or tzid is None:
            due = value.astimezone(zone)
        else:
            due = value.replace(tzinfo=zone)
    elif isinstance(value, date):
        due = value
    else:
        raise CalendarReadError(f"the touch point with UID {uid} has an unusable {name}")
    return _Read(
        uid,
        plan_id,
        rule_id,
        occurrence,
        due,
        rule,
        _read_adjustments(component, uid),
        _read_done(component, uid),
        _read_number(component, "X-TOUCHPOINTS-TERM", uid)
        if "X-TOUCHPOINTS-TERM" in component
        else 1,
    )


# --------------------------------------------------------------------------------------
# State as text


def dump_ical_state(state: Mapping[str, Revision]) -> str:
    """The export state as JSON text, sorted by ``UID``, for the host to store.

    >>> from datetime import date, datetime, UTC
    >>> text = dump_ical_state({"u1": Revision(2, "ab", datetime(2026, 1, 1, tzinfo=UTC),
    ...                                   date(2026, 2, 1), "Call")})
    >>> load_ical_state(text)["u1"].sequence
    2
    """
    rows: dict[str, list[object]] = {}
    for uid in sorted(state):
        revision = state[uid]
        start = revision.start
        key = _zone_key(start) if isinstance(start, datetime) else None
        rows[uid] = [
            revision.sequence,
            revision.fingerprint,
            _utc(revision.modified).isoformat(),
            start.isoformat(),
            key,
            revision.summary,
            revision.cancelled,
        ]
    lines = (
        f"{json.dumps(uid, ensure_ascii=False)}:"
        f"{json.dumps(row, ensure_ascii=False, separators=(',', ':'))}"
        for uid, row in rows.items()
    )
    return "{\n" + ",\n".join(lines) + "\n}\n"


def load_ical_state(text: str) -> dict[str, Revision]:
    """Read the export state written by :func:`dump_ical_state`.

    Raises:
        CalendarReadError: the text is not such a state.

    >>> load_ical_state("{}")
    {}
    """
    try:
        rows = json.loads(text)
        state: dict[str, Revision] = {}
        for uid, (sequence, fingerprint, modified, start, key, summary, cancelled) in rows.items():
            begin: date
            if key is None and "T" not in start:
                begin = date.fromisoformat(start)
            else:
                moment = datetime.fromisoformat(start)
                begin = moment.astimezone(zone_for(key)) if key is not None else moment
            state[str(uid)] = Revision(
                int(sequence),
                str(fingerprint),
                datetime.fromisoformat(modified).astimezone(UTC),
                begin,
                str(summary),
                bool(cancelled),
            )
    except (ValueError, TypeError, AttributeError) as error:
        raise CalendarReadError(f"the export state is damaged ({error})") from None
    return state
