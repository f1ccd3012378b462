"""Hypothesis strategies for property-testing plans, subjects and schedules.

Host applications use these to check their own plans and the code around
:func:`touchpoints.schedule`: that every subject gets a schedule, that exports round
trip, that nothing raises. They need the optional extra::

    pip install "touchpoints[testing]"

The strategies follow Hypothesis's own conventions: plural names, keyword-only
options, bounds called ``min_value`` and ``max_value``, a clear
:class:`hypothesis.errors.InvalidArgument` for bad arguments, and, with the default
arguments, any valid value can come out. They are built from Hypothesis's public
strategies, so failing examples shrink to small, readable ones.

>>> from hypothesis import given, settings
>>> from hypothesis.strategies import data
>>> from touchpoints import schedule
>>> @settings(max_examples=25)
... @given(plans(), data())
... def test_every_subject_gets_a_sorted_schedule(plan, data):
...     subject = data.draw(subjects(plan))
...     dues = [tp.due for tp in schedule(plan, subject)]
...     assert dues == sorted(dues)
>>> test_every_subject_gets_a_sorted_schedule()
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from functools import cache, lru_cache
from math import ceil, floor
from typing import Any, Final
from zoneinfo import ZoneInfo, available_timezones

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
    from hypothesis.strategies import SearchStrategy
except ImportError as error:  # pragma: no cover - depends on the installation
    raise ImportError(
        "touchpoints.testing needs Hypothesis; install it with pip install 'touchpoints[testing]'"
    ) from error

from touchpoints._business import WEEKDAYS, BusinessCalendar
from touchpoints._durations import AnchorExpression, Duration
from touchpoints._models import KNOWN_CHANNELS, Plan, Rule, Subject

__all__ = [
    "anchor_dates",
    "business_calendars",
    "durations",
    "plans",
    "rules",
    "subjects",
    "timezones",
    "windows",
]

# Exact lengths in days, as Duration.approximate_days counts them (365.25 and 30.4375
# are exact binary fractions; hours and minutes are not, so use Fraction throughout).
_UNIT_DAYS: Final = {
    "years": Fraction(1461, 4),
    "months": Fraction(487, 16),
    "weeks": Fraction(7),
    "days": Fraction(1),
    "hours": Fraction(1, 24),
    "minutes": Fraction(1, 1440),
}
_DATE_UNITS: Final = ("years", "months", "weeks", "days")
_ALL_UNITS: Final = (*_DATE_UNITS, "hours", "minutes")
_MAX_DAYS: Final = Fraction(366_000)  # the longest Duration allows
_MIN_ANCHOR: Final = date(1970, 1, 1)
_MAX_ANCHOR: Final = date(2100, 12, 31)

# Zones where wall-clock arithmetic is interesting: DST at odd hours or by odd
# amounts, offsets that are not whole hours, a skipped calendar day (Pacific/Apia,
# 2011-12-30), negative DST (Europe/Dublin), transitions at midnight.
_INTERESTING_ZONES: Final = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Apia",
    "America/Havana",
    "Africa/Casablanca",
    "Europe/Dublin",
    "Antarctica/Troll",
    "America/St_Johns",
    "Asia/Tehran",
    "Pacific/Kiritimati",
    "America/Sao_Paulo",
    "Europe/London",
    "Australia/Adelaide",
    "America/Los_Angeles",
    "Asia/Kolkata",
)

_AWKWARD_PIECES: Final = (
    ",",
    ";",
    "\\",
    "\n",
    "\r\n",
    ":",
    '"',
    "\t",
    "\\n",
    "\\;",
    "😀",
    "👩\u200d👩\u200d👧",
    "é",
    "日本語",
    "\u200b",
    "BEGIN:VEVENT",
)


# Ready-made awkward values: cheap to draw, and what failing examples shrink to.
_AWKWARD_TEXTS: Final = (
    "Check-up call",
    "Call, then email; then visit",
    "Back\\slash and a trailing \\",
    "Line one\nLine two\r\nLine three",
    "Größe prüfen 😀 👩\u200d👩\u200d👧",
    "日本語のタイトル",
    'Quote "this": colon',
    "Escaped-looking \\n and \\; text",
    "BEGIN:VEVENT\nEND:VCALENDAR",
    "x" * 200,
    "é" * 80,
    "😀" * 40,
    "a,b;c\\" * 30,
)


def _check_type(expected: type | tuple[type, ...], value: object, name: str) -> None:
    if not isinstance(value, expected):
        wanted = (
            expected.__name__
            if isinstance(expected, type)
            else " or ".join(t.__name__ for t in expected)
        )
        raise InvalidArgument(f"{name}={value!r} must be a {wanted}, not {type(value).__name__}")


def _check_date(value: object, name: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidArgument(f"{name}={value!r} must be a date (not a datetime)")
    return value


def _days(parts: dict[str, int]) -> Fraction:
    return sum((_UNIT_DAYS[unit] * value for unit, value in parts.items()), Fraction(0))


def _as_duration(value: object, name: str) -> Duration:
    if isinstance(value, str):
        try:
            return Duration.parse(value)
        except ValueError as error:
            raise InvalidArgument(f"{name}={value!r} is not a duration: {error}") from None
    _check_type((Duration, str), value, name)
    assert isinstance(value, Duration)
    return value


@lru_cache(maxsize=1024)
def _unit_values(most: int) -> SearchStrategy[int]:
    # Zero often (most durations use one or two units), small numbers often, and
    # anything up to the bound.
    if most <= 12:
        return st.one_of(st.just(0), st.integers(0, most))
    return st.one_of(st.just(0), st.integers(0, 12), st.integers(0, most))


# Which units a duration uses: the common shapes first (so examples are readable
# and cheap to draw), then every unit, so that any duration can come out.
_DATE_SHAPES: Final = (
    ("days",),
    ("weeks",),
    ("months",),
    ("years",),
    ("years", "months"),
    ("months", "days"),
    ("weeks", "days"),
    _DATE_UNITS,
)
_TIME_SHAPES: Final = (
    ("hours",),
    ("minutes",),
    ("hours", "minutes"),
    ("days", "hours"),
    _ALL_UNITS,
)


@st.composite
def _bounded_durations(
    draw: st.DrawFn, low: Duration, high: Fraction, units: tuple[str, ...]
) -> Duration:
    """Draw the units of one shape, each from the largest down within what is left
    of ``high``, then top up with days (and minutes, when allowed) to reach ``low``.
    Every duration in range can come out, and each part shrinks towards zero."""
    low_days = _days({unit: getattr(low, unit) for unit in _ALL_UNITS})
    shapes = _DATE_SHAPES + (_TIME_SHAPES if "minutes" in units else ())
    shape = draw(st.sampled_from(shapes))
    parts: dict[str, int] = dict.fromkeys(units, 0)
    left = high
    for unit in (unit for unit in units if unit in shape):
        # The strategy depends only on the bounds, so it is built once; what is left
        # of the budget then caps the value.
        value = min(
            draw(_unit_values(int(high // _UNIT_DAYS[unit]))), int(left // _UNIT_DAYS[unit])
        )
        parts[unit] = value
        left -= value * _UNIT_DAYS[unit]
    short = low_days - _days(parts)
    if short > 0:
        parts["days"] += floor(short)
        rest = short - floor(short)
        if rest and "minutes" in units:
            parts["minutes"] += ceil(rest * 1440)
        elif rest:
            parts["days"] += 1
        if _days(parts) > high:
            return low  # only when the range is narrower than a day or a minute
    return Duration(**parts)


def durations(
    *,
    min_value: Duration | str | None = None,
    max_value: Duration | str | None = None,
    allow_time: bool = False,
) -> SearchStrategy[Duration]:
    """Durations, such as ``3 months 2 days``, with lengths between the bounds.

    Lengths compare by :meth:`~touchpoints.Duration.approximate_days` (a month counts 30.4375
    days), because calendar durations have no exact order.

    Args:
        min_value: the shortest length (a :class:`~touchpoints.Duration` or its
            text); None for zero.
        max_value: the longest length; None for the longest a duration can be
            (about 1,000 years).
        allow_time: also draw hours and minutes, which only timed plans accept.

    Returns:
        A strategy for :class:`~touchpoints.Duration` values.

    Raises:
        hypothesis.errors.InvalidArgument: a bound is not a duration, has hours or
            minutes without ``allow_time``, or ``min_value`` is longer than
            ``max_value``.

    >>> from hypothesis import find
    >>> str(find(durations(min_value="1 week"), lambda d: True))
    '7 days'
    >>> str(find(durations(max_value="P2D", allow_time=True), lambda d: d.hours > 0))
    '1 hour'
    >>> durations(min_value="2 hours")
    Traceback (most recent call last):
    ...
    hypothesis.errors.InvalidArgument: min_value=2 hours has hours or minutes; ...
    """
    _check_type(bool, allow_time, "allow_time")
    low = Duration() if min_value is None else _as_duration(min_value, "min_value")
    high = None if max_value is None else _as_duration(max_value, "max_value")
    for name, bound in (("min_value", low), ("max_value", high)):
        if bound is not None and bound.business_days:
            raise InvalidArgument(
                f"{name}={bound} counts business days, whose length depends on the "
                "calendar; give the bound in days, weeks, months or years"
            )
        if bound is not None and bound.has_time and not allow_time:
            raise InvalidArgument(
                f"{name}={bound} has hours or minutes; pass allow_time=True to allow them"
            )
    low_days = _days({unit: getattr(low, unit) for unit in _ALL_UNITS})
    high_days = (
        _MAX_DAYS if high is None else _days({unit: getattr(high, unit) for unit in _ALL_UNITS})
    )
    if low_days > high_days:
        raise InvalidArgument(
            f"min_value={low} is longer than max_value={high}; swap them or widen the range"
        )
    units = _ALL_UNITS if allow_time else _DATE_UNITS
    return _bounded_durations(low, high_days, units)


# Strategies are immutable and reusable; building them once keeps drawing fast.
@lru_cache(maxsize=256)
def _durations(
    *,
    min_value: Duration | str | None = None,
    max_value: Duration | str | None = None,
    allow_time: bool = False,
) -> SearchStrategy[Duration]:
    return durations(min_value=min_value, max_value=max_value, allow_time=allow_time)


def anchor_dates(
    *, min_value: date = _MIN_ANCHOR, max_value: date = _MAX_ANCHOR
) -> SearchStrategy[date]:
    """Anchor dates, such as a purchase date, between the bounds (inclusive).

    The defaults span 1970 to 2100, wide enough for leap days, month ends and
    every kind of DST history, narrow enough that five years of touch points fit.

    Raises:
        hypothesis.errors.InvalidArgument: a bound is not a date, or ``min_value``
            is after ``max_value``.

    >>> from hypothesis import find
    >>> days = anchor_dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31))
    >>> find(days, lambda d: d.month == 2 and d.day > 28)
    datetime.date(2024, 2, 29)
    """
    low = _check_date(min_value, "min_value")
    high = _check_date(max_value, "max_value")
    if low > high:
        raise InvalidArgument(f"min_value={low} is after max_value={high}")
    return st.dates(min_value=low, max_value=high)


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    skip = ("right/", "posix/")
    names = {
        name
        for name in available_timezones()
        if not name.startswith(skip) and name not in ("posixrules", "Factory", "localtime")
    }
    extra = sorted(names - set(_INTERESTING_ZONES))
    return (*_INTERESTING_ZONES, *extra)


def timezones() -> SearchStrategy[str]:
    """IANA time zone names, as plans and subjects take them.

    Zones where wall-clock arithmetic is hard come first, so they are drawn often
    and failures shrink to them: ``UTC``, DST zones such as ``Europe/Berlin``,
    half-hour DST (``Australia/Lord_Howe``), DST at midnight (``America/Santiago``),
    a quarter-hour offset (``Asia/Kathmandu``), a skipped day (``Pacific/Apia``).
    Every other zone the system knows can come out too.

    >>> from hypothesis import find
    >>> find(timezones(), lambda name: name.startswith("Australia/"))
    'Australia/Lord_Howe'
    """
    names = _zone_names()
    return st.one_of(st.sampled_from(names[: len(_INTERESTING_ZONES)]), st.sampled_from(names))


@cache
def _texts(*, max_size: int) -> SearchStrategy[str]:
    """Text a spreadsheet user might type, and worse: separators that iCalendar
    escapes, line breaks, emoji, zero-width characters and lines longer than 75
    octets. Values come out stripped and non-blank, as the models keep them."""
    characters = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from(",;\\\n\r\t:\"'")
    pieces = st.sampled_from(_AWKWARD_PIECES) | st.text(characters, min_size=1, max_size=8)
    joined = st.lists(pieces, min_size=1, max_size=3).map("".join)
    long_lines = st.builds(
        lambda unit, times: unit * times,
        st.sampled_from(("a", "é", "😀", "日本", "a,b;c\\")),
        st.integers(40, 120),
    )
    drawn = st.one_of(joined, long_lines)
    return (
        st.one_of(st.sampled_from(_AWKWARD_TEXTS), drawn, drawn)
        .map(lambda text: text.strip()[:max_size].strip())
        .filter(bool)
    )


@cache
def _slugs() -> SearchStrategy[str]:
    common = st.sampled_from(("check-up", "service", "renewal", "a", "0", "x.y_z-1"))
    return common | st.from_regex(r"[a-z0-9](?:[a-z0-9._-]{0,20}[a-z0-9])?", fullmatch=True)


@cache
def _anchor_names() -> SearchStrategy[str]:
    common = st.sampled_from(("renewal", "notice", "contract_end", "A", "x1"))
    return common | st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,15}", fullmatch=True)


@lru_cache(maxsize=256)
def _expressions(
    anchors: tuple[str, ...], *, allow_time: bool, max_offset: Duration
) -> SearchStrategy[AnchorExpression]:
    # "purchase - 0 days" is written "purchase", as parsing the printed form gives.
    return st.builds(
        lambda anchor, offset, sign: AnchorExpression(
            anchor, offset, 1 if offset.is_zero else sign
        ),
        st.sampled_from(tuple(anchors)),
        _durations(max_value=max_offset, allow_time=allow_time),
        st.sampled_from((1, -1)),
    )


_WEEKDAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_PERIOD_DAYS: Final = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}


@lru_cache(maxsize=256)
@st.composite
def _rrules(draw: st.DrawFn, min_days: Fraction | None) -> str:
    """RFC 5545 RRULE values. With ``min_days``, at most one occurrence per period
    and periods at least that long, so a series is never denser than that."""
    frequencies = tuple(
        f for f in _PERIOD_DAYS if min_days is None or _PERIOD_DAYS[f] * 200 >= min_days
    )
    frequency = draw(st.sampled_from(frequencies))
    lowest = 1 if min_days is None else max(1, ceil(min_days / _PERIOD_DAYS[frequency]))
    interval = draw(st.integers(lowest, lowest + 12))
    parts = [f"FREQ={frequency}"]
    if interval != 1 or draw(st.booleans()):
        parts.append(f"INTERVAL={interval}")
    weekday = st.sampled_from(_WEEKDAYS)
    if frequency == "WEEKLY" and draw(st.booleans()):
        if min_days is None:
            days = draw(st.lists(weekday, min_size=1, max_size=7, unique=True))
        else:
            days = [draw(weekday)]
        parts.append(f"BYDAY={','.join(days)}")
    elif frequency in ("MONTHLY", "YEARLY"):
        if frequency == "YEARLY" and draw(st.booleans()):
            parts.append(f"BYMONTH={draw(st.integers(1, 12))}")
        choice = draw(st.sampled_from(("none", "nth-weekday", "monthday")))
        if choice == "nth-weekday":
            nth = draw(st.sampled_from((1, 2, 3, 4, -1)))
            parts.append(f"BYDAY={nth}{draw(weekday)}")
        elif choice == "monthday":
            top = 31 if frequency == "MONTHLY" else 28  # every year has days 1-28
            parts.append(f"BYMONTHDAY={draw(st.sampled_from((-1, *range(1, top + 1))))}")
    if draw(st.booleans()):
        parts.append(f"WKST={draw(weekday)}")
    return ";".join(parts)


@cache
def _sometimes() -> SearchStrategy[bool]:
    # True about a quarter of the time: optional parts are there often enough to
    # be tested, and absent often enough to keep examples small.
    return st.integers(0, 3).map(lambda n: n == 3)


@cache
def _channels() -> SearchStrategy[str]:
    return st.sampled_from(KNOWN_CHANNELS) | st.from_regex(r"[a-z][a-z0-9_-]{0,31}", fullmatch=True)


@cache
def _tag_lists() -> SearchStrategy[list[str]]:
    tag = st.text(
        st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=",;\\"),
        min_size=1,
        max_size=12,
    ).filter(lambda t: t.strip() == t)
    return st.lists(tag, max_size=3, unique=True)


@st.composite
def _rule_data(
    draw: st.DrawFn,
    ids: SearchStrategy[str],
    anchors: tuple[str, ...],
    all_day: bool,
    kinds: tuple[str, ...],
    min_interval: Duration | None,
    max_count: int | None,
    optional: bool | None,
) -> Rule:
    allow_time = not all_day
    fields: dict[str, Any] = {
        "id": draw(ids),
        "title": draw(_texts(max_size=500)),
        "channel": draw(_channels()),
    }
    if draw(_sometimes()):
        fields["description"] = draw(_texts(max_size=10_000))
    if draw(_sometimes()):
        fields["owner"] = draw(_texts(max_size=200))
    fields["priority"] = draw(st.integers(1, 9))
    if draw(_sometimes()):
        fields["tags"] = tuple(draw(_tag_lists()))
    if draw(_sometimes()):
        fields["duration"] = draw(
            _durations(min_value=Duration(minutes=1), max_value="1 week", allow_time=True)
        )
    fields["optional"] = draw(st.booleans()) if optional is None else optional
    kind = draw(st.sampled_from(kinds))
    offsets = Duration(years=3)
    if kind == "once":
        fields["at"] = draw(_expressions(anchors, allow_time=allow_time, max_offset=offsets))
        return Rule.model_validate(fields)
    starting = draw(_expressions(anchors, allow_time=allow_time, max_offset=offsets))
    fields["starting"] = starting
    smallest = Duration(minutes=1) if allow_time else Duration(days=1)
    if kind == "every":
        low = min_interval if min_interval is not None else smallest
        if low.has_time and not allow_time:
            low = Duration(days=max(1, ceil(low.approximate_days())))
        high = max(low, Duration(years=2), key=Duration.approximate_days)
        fields["every"] = draw(_durations(min_value=low, max_value=high, allow_time=allow_time))
    else:
        min_days = (
            None
            if min_interval is None
            else Fraction(min_interval.approximate_days()).limit_denominator(1440)
        )
        fields["rrule"] = draw(_rrules(min_days))
    if draw(st.booleans()):
        # Never before the start: the same anchor, the start's offset and then some.
        extra = draw(_durations(max_value="4 years", allow_time=allow_time))
        if starting.sign > 0:
            offset = Duration(
                **{
                    unit: getattr(starting.offset, unit) + getattr(extra, unit)
                    for unit in _ALL_UNITS
                }
            )
            fields["until"] = AnchorExpression(starting.anchor, offset, 1)
        else:
            fields["until"] = AnchorExpression(starting.anchor, extra, 1)
    if max_count is not None:
        fields["count"] = draw(st.integers(1, max_count))
    elif draw(st.booleans()):
        fields["count"] = draw(st.integers(1, 100_000))
    return Rule.model_validate(fields)


def rules(
    *,
    ids: SearchStrategy[str] | None = None,
    anchors: Collection[str] = ("purchase",),
    all_day: bool = False,
    kinds: Collection[str] = ("once", "every", "rrule"),
    min_interval: Duration | str | None = None,
    max_count: int | None = None,
    optional: bool | None = None,
) -> SearchStrategy[Rule]:
    """Rules (touch point templates) of every timing kind.

    Titles, descriptions and owners hold awkward text: commas, semicolons,
    backslashes, line breaks, emoji and long lines. A series' ``until`` is never
    before its ``starting``, so every rule drawn fits a valid plan.

    Args:
        ids: a strategy for rule ids; None for any short slug.
        anchors: the anchor names the rule's dates may refer to.
        all_day: draw rules for an all-day plan (no hours or minutes in offsets).
        kinds: which timings to draw: ``"once"`` (``at``), ``"every"``,
            ``"rrule"``.
        min_interval: the shortest ``every`` interval, and the shortest period of an
            ``rrule`` (which then has at most one occurrence per period). None
            allows anything down to a day (all-day) or a minute (timed).
        max_count: when given, every series has a ``count`` of at most this, so
            rules stay small whatever the window.
        optional: force the ``optional`` flag; None draws both.

    Returns:
        A strategy for valid :class:`~touchpoints.Rule` values.

    Raises:
        hypothesis.errors.InvalidArgument: an option has the wrong type or value.

    >>> from hypothesis import find
    >>> str(find(rules(kinds=("every",), min_interval="1 week"), lambda r: True).every)
    '7 days'
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(rules(kinds=("rrule",), max_count=3))
    ... def test_small_series(rule):
    ...     assert rule.rrule.startswith("FREQ=") and 1 <= rule.count <= 3
    >>> test_small_series()
    """
    _check_type(bool, all_day, "all_day")
    if optional is not None:
        _check_type(bool, optional, "optional")
    if ids is None:
        ids = _slugs()
    elif not isinstance(ids, SearchStrategy):
        raise InvalidArgument(f"ids={ids!r} must be a strategy, such as st.just('check-up')")
    names = tuple(anchors) if not isinstance(anchors, str) else ()
    if not names:
        raise InvalidArgument(f"anchors={anchors!r} must be a non-empty collection of names")
    for name in names:
        try:
            AnchorExpression(name)
        except (ValueError, TypeError) as error:
            raise InvalidArgument(f"anchors contains {name!r}: {error}") from None
    timings = tuple(kinds) if not isinstance(kinds, str) else ()
    if not timings or any(kind not in ("once", "every", "rrule") for kind in timings):
        raise InvalidArgument(
            f"kinds={kinds!r} must be a non-empty collection of 'once', 'every' and 'rrule'"
        )
    interval = None if min_interval is None else _as_duration(min_interval, "min_interval")
    if interval is not None and interval.is_zero:
        raise InvalidArgument("min_interval must be longer than zero")
    if max_count is not None and (type(max_count) is not int or not 1 <= max_count <= 100_000):
        raise InvalidArgument(f"max_count={max_count!r} must be a whole number from 1 to 100,000")
    return _rule_data(ids, names, all_day, timings, interval, max_count, optional)


@lru_cache(maxsize=256)
def _rules(
    *, anchors: tuple[str, ...], all_day: bool, min_interval: Duration, max_count: int
) -> SearchStrategy[Rule]:
    return rules(anchors=anchors, all_day=all_day, min_interval=min_interval, max_count=max_count)


def _rule_id(rule: Rule) -> str:
    return rule.id


@lru_cache(maxsize=256)
def _rule_lists(
    names: tuple[str, ...], all_day: bool, min_rules: int, max_rules: int
) -> SearchStrategy[list[Rule]]:
    bounded = _rules(anchors=names, all_day=all_day, min_interval=Duration(weeks=1), max_count=60)
    return st.lists(bounded, min_size=min_rules, max_size=max_rules, unique_by=_rule_id)


@st.composite
def _plan_data(
    draw: st.DrawFn,
    all_day: bool | None,
    min_rules: int,
    max_rules: int,
    subject_anchors: tuple[str, ...],
) -> Plan:
    is_all_day = draw(st.booleans()) if all_day is None else all_day
    # Derived anchors build on earlier ones only, so they never form a circle.
    names = list(subject_anchors)
    derived: dict[str, AnchorExpression] = {}
    for _ in range(draw(st.integers(0, 2))):
        new_name = draw(_anchor_names())
        if new_name in names:
            continue
        derived[new_name] = draw(
            _expressions(tuple(names), allow_time=False, max_offset=Duration(years=5))
        )
        names.append(new_name)
    rule_list = draw(_rule_lists(tuple(names), is_all_day, min_rules, max_rules))
    fields: dict[str, Any] = {
        "plan": draw(_slugs()),
        "version": draw(st.integers(1, 1_000)),
        "anchors": derived,
        "touchpoints": tuple(rule_list),
    }
    if draw(st.booleans()):
        fields["name"] = draw(_texts(max_size=500))
    if draw(st.booleans()):
        fields["timezone"] = draw(timezones())
    if not is_all_day:
        fields["contact_time"] = time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    if draw(st.booleans()):
        fields["horizon"] = draw(_durations(min_value="1 day", max_value="5 years"))
    return Plan.model_validate(fields)


def plans(
    *,
    all_day: bool | None = None,
    min_rules: int = 1,
    max_rules: int = 6,
    anchors: Collection[str] = ("purchase",),
) -> SearchStrategy[Plan]:
    """Valid plan templates, with derived anchors and rules of every kind.

    Schedules stay small: ``every`` intervals are at least a week, an ``rrule``
    has at most one occurrence a week, series have a ``count`` of at most 60,
    and the horizon is at most five years. Contact times are whole minutes.

    Args:
        all_day: True for all-day plans only, False for timed plans only, None for
            both.
        min_rules: the fewest rules in a plan (at least 1).
        max_rules: the most rules in a plan.
        anchors: the names of the anchors subjects supply; the plan may derive up
            to two more from them.

    Returns:
        A strategy for :class:`~touchpoints.Plan` values.

    Raises:
        hypothesis.errors.InvalidArgument: an option has the wrong type or value.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(plans(all_day=False, max_rules=2, anchors=("purchase", "delivery")))
    ... def test_timed_plans(plan):
    ...     assert not plan.is_all_day and len(plan.touchpoints) <= 2
    ...     assert set(plan.subject_anchors()) <= {"purchase", "delivery"}
    >>> test_timed_plans()
    """
    if all_day is not None:
        _check_type(bool, all_day, "all_day")
    for name, value in (("min_rules", min_rules), ("max_rules", max_rules)):
        if type(value) is not int or not 1 <= value <= 1_000:
            raise InvalidArgument(f"{name}={value!r} must be a whole number from 1 to 1,000")
    if min_rules > max_rules:
        raise InvalidArgument(f"min_rules={min_rules} is more than max_rules={max_rules}")
    names = tuple(anchors) if not isinstance(anchors, str) else ()
    if not names or len(set(names)) != len(names):
        raise InvalidArgument(f"anchors={anchors!r} must be a non-empty collection of names")
    for name in names:
        try:
            AnchorExpression(name)
        except (ValueError, TypeError) as error:
            raise InvalidArgument(f"anchors contains {name!r}: {error}") from None
    return _plan_data(all_day, min_rules, max_rules, names)


def _anchor_values(
    days: SearchStrategy[date], allow_datetimes: bool
) -> SearchStrategy[date | datetime]:
    if not allow_datetimes:
        return days
    moments = st.builds(
        lambda day, at, zone: datetime.combine(day, at, zone),
        days,
        st.times(),
        st.none() | timezones().map(ZoneInfo),
    )
    return st.one_of(days, moments)


def _required_anchors(plan: Plan) -> set[str]:
    """The subject anchors without which scheduling fails: those that rules which
    are not optional depend on, directly or through derived anchors."""
    uses = [name for rule in plan.touchpoints if not rule.optional for name in rule.anchors()]
    term = getattr(plan, "term", None)
    if term is not None:
        uses.append(term.starts)
    return {plan.root_anchor(name)[0] for name in uses}


@cache
def _attribute_maps() -> SearchStrategy[dict[str, str | int | float | bool | None]]:
    scalar = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | _texts(max_size=100)
    )
    return st.dictionaries(_texts(max_size=200), scalar, min_size=1, max_size=3)


@st.composite
def _subject_data(
    draw: st.DrawFn,
    plan: Plan | None,
    ids: SearchStrategy[str],
    days: SearchStrategy[date],
    zones: SearchStrategy[str | None],
    allow_datetimes: bool,
) -> Subject:
    values = _anchor_values(days, allow_datetimes)
    needed = plan.subject_anchors() if plan is not None else ("purchase",)
    required = _required_anchors(plan) if plan is not None else set(needed)
    # Anchors only optional rules (or stop anchors) use are sometimes missing, so
    # that omissions are exercised too.
    anchors: dict[str, date | datetime] = {
        name: draw(values) for name in needed if name in required or not draw(_sometimes())
    }
    if plan is not None:
        for name in plan.anchors:
            if draw(_sometimes()):  # a subject's own date wins
                anchors[name] = draw(values)
    if draw(_sometimes()):
        anchors[draw(_anchor_names())] = draw(values)  # an anchor no rule uses
    zone = draw(zones)
    if zone is None and plan is not None and plan.timezone is None and not plan.is_all_day:
        zone = draw(timezones())  # a timed plan needs a zone from one of the two
    attributes = draw(_attribute_maps()) if draw(_sometimes()) else {}
    return Subject(id=draw(ids), timezone=zone, anchors=anchors, attributes=attributes)


def subjects(
    plan: Plan | None = None,
    *,
    ids: SearchStrategy[str] | None = None,
    min_value: date = _MIN_ANCHOR,
    max_value: date = _MAX_ANCHOR,
    timezones: SearchStrategy[str | None] | None = None,
    allow_datetimes: bool = True,
) -> SearchStrategy[Subject]:
    """Subjects with every anchor ``plan`` needs, so scheduling never fails for a
    missing anchor.

    Anchors that only optional rules use are sometimes left out, so that omissions
    come out too. Sometimes a subject also gives a derived anchor (its own date wins
    over the plan's derivation) or an anchor no rule uses. A subject of a timed plan
    without a zone always gets a zone of its own.

    Args:
        plan: the plan the subjects are for; None for subjects with a ``purchase``
            anchor.
        ids: a strategy for subject ids; None for awkward text.
        min_value: the earliest anchor date.
        max_value: the latest anchor date.
        timezones: a strategy for the subject's zone (None in it for no zone); None
            for any zone or none.
        allow_datetimes: also draw anchors as datetimes, naive or aware, which
            count as their local date.

    Returns:
        A strategy for :class:`~touchpoints.Subject` values.

    Raises:
        hypothesis.errors.InvalidArgument: an option has the wrong type or value.

    >>> from hypothesis import find
    >>> plan = Plan.model_validate({"plan": "p", "anchors": {"renewal": "purchase + 3 years"},
    ...     "touchpoints": [{"id": "r", "title": "Renewal", "channel": "call", "at": "renewal"}]})
    >>> sorted(find(subjects(plan), lambda s: len(s.anchors) > 1).anchors)
    ['purchase', 'renewal']
    """
    if plan is not None:
        _check_type(Plan, plan, "plan")
    _check_type(bool, allow_datetimes, "allow_datetimes")
    if ids is None:
        ids = st.one_of(_slugs(), _texts(max_size=1_000))
    elif not isinstance(ids, SearchStrategy):
        raise InvalidArgument(f"ids={ids!r} must be a strategy, such as st.just('cust-42')")
    if timezones is None:
        zones: SearchStrategy[str | None] = st.none() | _timezones_strategy()
    elif isinstance(timezones, SearchStrategy):
        zones = timezones
    else:
        raise InvalidArgument(f"timezones={timezones!r} must be a strategy")
    days = anchor_dates(min_value=min_value, max_value=max_value)
    return _subject_data(plan, ids, days, zones, allow_datetimes)


_timezones_strategy = timezones


def windows(
    *, min_value: date = _MIN_ANCHOR, max_value: date = date(2110, 12, 31)
) -> SearchStrategy[tuple[date, date]]:
    """Windows ``(start, end)`` to pass as ``schedule(..., start=start, end=end)``.

    A window is a pair of dates, or a pair of timezone-aware datetimes (in any
    zone), with ``start <= end``; their local dates lie between the bounds. An
    empty window (``start == end``) can come out too.

    Raises:
        hypothesis.errors.InvalidArgument: a bound is not a date, or ``min_value``
            is after ``max_value``.

    >>> from hypothesis import find
    >>> find(windows(min_value=date(2026, 1, 1)), lambda w: True)
    (datetime.date(2026, 1, 1), datetime.date(2026, 1, 1))
    >>> start, end = find(windows(), lambda w: isinstance(w[0], datetime))
    >>> start <= end and start.tzinfo is not None
    True
    """
    low = _check_date(min_value, "min_value")
    high = _check_date(max_value, "max_value")
    if low > high:
        raise InvalidArgument(f"min_value={low} is after max_value={high}")
    days = st.dates(min_value=low, max_value=high)
    moments = st.datetimes(
        min_value=datetime.combine(low, time()),
        max_value=datetime.combine(high, time()) + timedelta(days=1, microseconds=-1),
        timezones=_timezones_strategy().map(ZoneInfo),
        allow_imaginary=False,
    )

    def ordered(pair: tuple[Any, Any]) -> tuple[Any, Any]:
        first, second = pair
        return (first, second) if first <= second else (second, first)

    return st.one_of(
        st.tuples(days, days).map(ordered),
        st.tuples(moments, moments).map(ordered),
    )


_REGIONS: Final = ("DE", "DE-BY", "US", "US-CA", "GB", "FR", "JP", "AU-NSW")


def business_calendars(
    *, regions: Collection[str | None] = (None, *_REGIONS)
) -> SearchStrategy[BusinessCalendar]:
    """Business calendars: working weekdays, a holiday region from ``regions`` (None
    for no public holidays), a few closed dates, and any roll convention.

    Put one on a plan, a rule or a subject to exercise business-day rolls:

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(business_calendars(regions=["DE-BY"]))
    ... def test_the_region_is_used(calendar):
    ...     assert calendar.holidays == "DE-BY"
    >>> test_the_region_is_used()
    """
    _check_type((list, tuple, set, frozenset), regions, "regions")
    if not regions:
        raise InvalidArgument("regions must not be empty; give None for no holidays")
    for region in regions:
        if region is not None:
            try:
                BusinessCalendar(holidays=region)
            except ValueError as error:
                raise InvalidArgument(f"regions has {region!r}: {error}") from None
    return st.builds(
        BusinessCalendar,
        workdays=st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True).map(
            tuple
        ),
        holidays=st.sampled_from(sorted(regions, key=lambda region: region or "")),
        closed=st.lists(
            st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)), max_size=10
        ).map(tuple),
        roll=st.sampled_from(("following", "preceding", "modified_following", "nearest", "keep")),
    )
