"""Collection rules for the whole repository: each docstring example of the package runs
once, in the module that defines its name."""

from __future__ import annotations

import doctest
from typing import Any

import touchpoints

# Load every public name now, so that each reports ``touchpoints`` as its module
# before the doctests are collected, whatever the order of collection.
for _name in touchpoints.__all__:
    getattr(touchpoints, _name)

_from_module = doctest.DocTestFinder._from_module  # type: ignore[attr-defined]


def _defined_in_module(finder: doctest.DocTestFinder, module: Any, obj: object) -> bool:
    """Doctest's test of where an object comes from, told where public names live.

    A public name reports ``touchpoints`` as its module; its examples (and those of
    its methods) belong to the module that defines it, and run there.
    """
    name = getattr(obj, "__name__", None)
    if module is not None and getattr(obj, "__module__", None) == touchpoints.__name__:
        home = touchpoints._DEFINED_IN.get(name or "")
        if home is not None:
            return bool(home == module.__name__)
    return bool(_from_module(finder, module, obj))


doctest.DocTestFinder._from_module = _defined_in_module  # type: ignore[attr-defined]
