"""The Hypothesis entry point: once the package is installed, ``st.from_type(Plan)``,
``st.from_type(Subject)`` and ``st.builds`` of a host's records with such fields draw
valid values."""

from __future__ import annotations

__all__ = ["_hypothesis_setup_hook"]


def _hypothesis_setup_hook() -> None:
    """Register the strategies for the package's types with Hypothesis.

    Hypothesis calls it when it is imported (the ``hypothesis`` entry point of the
    package); calling it again is harmless.

    >>> from hypothesis import Phase, find, settings, strategies as st
    >>> from touchpoints import Plan
    >>> _hypothesis_setup_hook()
    >>> steady = settings(max_examples=5, derandomize=True, database=None,
    ...                   phases=[Phase.generate])
    >>> isinstance(find(st.from_type(Plan), lambda plan: True, settings=steady), Plan)
    True
    """
    # Imported here: Hypothesis runs the hook while it is still being imported.
    from hypothesis import strategies as st

    from touchpoints._model import (
        BusinessCalendar,
        Duration,
        Plan,
        Rule,
        Subject,
    )
    from touchpoints.testing import business_calendars, durations, plans, rules, subjects

    st.register_type_strategy(Plan, st.deferred(plans))
    st.register_type_strategy(Subject, st.deferred(subjects))
    st.register_type_strategy(Rule, st.deferred(rules))
    st.register_type_strategy(Duration, st.deferred(durations))
    st.register_type_strategy(BusinessCalendar, st.deferred(business_calendars))
