"""Collection rules for the whole repository (tests, docs and the package's doctests)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run each docstring example once, where its name is defined.

    Public names report ``touchpoints`` as their module, so doctest also finds their
    examples in the package's ``__init__.py``, where the names they use are not
    defined; only the package's own docstring is tested there.
    """
    again = [
        item
        for item in items
        if item.nodeid.startswith("src/touchpoints/__init__.py::") and item.name != "touchpoints"
    ]
    if again:
        config.hook.pytest_deselected(items=again)
        items[:] = [item for item in items if item not in again]
