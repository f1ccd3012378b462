"""The rules strategy: touch point templates of every timing kind."""

from __future__ import annotations

from collections.abc import Collection
from fractions import Fraction
from functools import lru_cache
from math import ceil
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from touchpoints._model import AnchorExpression, Duration, Rule
from touchpoints.testing._arguments import _as_duration, _check_type
from touchpoints.testing._durations import _ALL_UNITS, _durations, _expressions
from touchpoints.testing._fields import _channels, _slugs, _sometimes, _tag_lists, _texts
from touchpoints.testing._rrules import _rrules


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

    >>> from hypothesis import HealthCheck, given, settings
    >>> steady = settings(max_examples=20, derandomize=True, database=None, deadline=None,
    ...                   suppress_health_check=[HealthCheck.too_slow])
    >>> @steady
    ... @given(rules(kinds=("every",), min_interval="1 week"))
    ... def test_weekly_or_less_often(rule):
    ...     assert rule.every.approximate_days() >= 7
    >>> test_weekly_or_less_often()
    >>> @steady
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
