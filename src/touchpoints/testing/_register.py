"""The Hypothesis entry point: once the package is installed, ``st.from_type(Plan)``,
``st.from_type(Subject)`` and ``st.builds`` of a host's records with such fields draw
valid values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

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

    st.register_type_strategy(Plan, _later("plans"))
    st.register_type_strategy(Subject, _later("subjects"))
    st.register_type_strategy(Rule, _later("rules"))
    st.register_type_strategy(Duration, _later("durations"))
    st.register_type_strategy(BusinessCalendar, _later("business_calendars"))


def _later(name: str) -> SearchStrategy[Any]:
    """The strategy ``touchpoints.testing.<name>()``, imported when first drawn from.

    The hook runs while Hypothesis is being imported, perhaps by ``touchpoints.testing``
    itself, so importing the kit here would be circular.
    """
    from hypothesis import strategies as st

    def build() -> SearchStrategy[Any]:
        import touchpoints.testing as kit

        strategy: SearchStrategy[Any] = getattr(kit, name)()
        return strategy

    return st.deferred(build)
