"""Strategies for durations and anchor expressions: the words a rule's dates are
written in (``3 months 2 days``, ``purchase + 1 year``)."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from math import ceil, floor
from typing import Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from touchpoints._model import AnchorExpression, Duration
from touchpoints.testing._arguments import _as_duration, _check_type

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


def _days(parts: dict[str, int]) -> Fraction:
    return sum((_UNIT_DAYS[unit] * value for unit, value in parts.items()), Fraction(0))


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

    >>> from hypothesis import find, settings
    >>> steady = settings(max_examples=2_000, derandomize=True, database=None)
    >>> str(find(durations(min_value="1 week"), lambda d: True, settings=steady))
    '7 days'
    >>> short = durations(max_value="P2D", allow_time=True)
    >>> str(find(short, lambda d: d.hours > 0, settings=steady))
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
