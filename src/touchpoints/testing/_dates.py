"""Strategies for dates: anchor dates, and the windows ``schedule`` takes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from touchpoints.testing._arguments import _check_date
from touchpoints.testing._zones import timezones

_MIN_ANCHOR: Final = date(1970, 1, 1)
_MAX_ANCHOR: Final = date(2100, 12, 31)


def anchor_dates(
    *, min_value: date = _MIN_ANCHOR, max_value: date = _MAX_ANCHOR
) -> SearchStrategy[date]:
    """Anchor dates, such as a purchase date, between the bounds (inclusive).

    The defaults span 1970 to 2100, wide enough for leap days, month ends and
    every kind of DST history, narrow enough that five years of touch points fit.

    Raises:
        hypothesis.errors.InvalidArgument: a bound is not a date, or ``min_value``
            is after ``max_value``.

    >>> from datetime import date
    >>> from hypothesis import find, settings
    >>> steady = settings(max_examples=2_000, derandomize=True, database=None)
    >>> days = anchor_dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31))
    >>> find(days, lambda d: d.month == 2 and d.day > 28, settings=steady)
    datetime.date(2024, 2, 29)
    """
    low = _check_date(min_value, "min_value")
    high = _check_date(max_value, "max_value")
    if low > high:
        raise InvalidArgument(f"min_value={low} is after max_value={high}")
    return st.dates(min_value=low, max_value=high)


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

    >>> from datetime import date, datetime
    >>> from hypothesis import HealthCheck, find, given, settings
    >>> steady = settings(max_examples=2_000, derandomize=True, database=None, deadline=None,
    ...                   suppress_health_check=[HealthCheck.too_slow])
    >>> find(windows(min_value=date(2026, 1, 1)), lambda w: True, settings=steady)
    (datetime.date(2026, 1, 1), datetime.date(2026, 1, 1))
    >>> @settings(steady, max_examples=50)
    ... @given(windows())
    ... def test_ordered_and_aware(window):
    ...     start, end = window
    ...     assert type(start) is type(end) and start <= end
    ...     assert not isinstance(start, datetime) or start.tzinfo is not None
    >>> test_ordered_and_aware()
    """
    low = _check_date(min_value, "min_value")
    high = _check_date(max_value, "max_value")
    if low > high:
        raise InvalidArgument(f"min_value={low} is after max_value={high}")
    days = st.dates(min_value=low, max_value=high)
    moments = st.datetimes(
        min_value=datetime.combine(low, time()),
        max_value=datetime.combine(high, time()) + timedelta(days=1, microseconds=-1),
        timezones=timezones().map(ZoneInfo),
        allow_imaginary=False,
    )

    def ordered(pair: tuple[Any, Any]) -> tuple[Any, Any]:
        first, second = pair
        return (first, second) if first <= second else (second, first)

    return st.one_of(
        st.tuples(days, days).map(ordered),
        st.tuples(moments, moments).map(ordered),
    )
