"""The business-calendars strategy: working weekdays, holiday regions, closed dates
and roll conventions."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Final, get_args

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from touchpoints._model import WEEKDAYS, BusinessCalendar, Roll
from touchpoints.testing._arguments import _check_type

_REGIONS: Final = ("DE", "DE-BY", "US", "US-CA", "GB", "FR", "JP", "AU-NSW")


def business_calendars(
    *, regions: Collection[str | None] = (None, *_REGIONS)
) -> SearchStrategy[BusinessCalendar]:
    """Business calendars: working weekdays, a holiday region from ``regions`` (None
    for no public holidays), a few closed dates, and any roll convention.

    Put one on a plan, a rule or a subject to exercise business-day rolls:

    >>> from hypothesis import HealthCheck, given, settings
    >>> steady = settings(max_examples=10, derandomize=True, database=None, deadline=None,
    ...                   suppress_health_check=[HealthCheck.too_slow])
    >>> @steady
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
        roll=st.sampled_from(get_args(Roll)),
    )
