"""A place on a frozen model for a value derived from it once and kept with it.

The engine compiles a plan the first time it schedules with it and keeps the result
here, with the plan, so that later calls share it; nothing is kept anywhere else.
"""

from __future__ import annotations

import weakref
from typing import Any

__all__ = ["Memo"]


class Memo:
    """One derived value of one model, never part of the model's value.

    Every memo equals every other, so a model's equality and hash ignore it; a copy or
    a pickle of a memo starts empty; and a memo reads back only for the model it was
    filled for (pydantic's ``model_copy`` hands a copy the same private values, and a
    copy with other fields must not see its original's compiled form).

    >>> class Owner:
    ...     pass
    >>> memo, first, second = Memo(), Owner(), Owner()
    >>> memo.put(first, "compiled")
    >>> memo.get(first), memo.get(second)
    ('compiled', None)
    >>> memo == Memo()
    True
    """

    __slots__ = ("_owner", "_value")

    def __init__(self) -> None:
        self._owner: weakref.ref[Any] | None = None
        self._value: object = None

    def get(self, owner: object) -> object:
        """The value kept for ``owner``, or None."""
        ref = self._owner
        if ref is not None and ref() is owner:
            return self._value
        return None

    def put(self, owner: object, value: object) -> None:
        """Keep ``value`` for ``owner`` (held weakly, so the memo keeps nothing alive)."""
        self._owner = weakref.ref(owner)
        self._value = value

    def is_for(self, owner: object) -> bool:
        """True when the memo is empty or was filled for ``owner``."""
        return self._owner is None or self._owner() is owner

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Memo)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "Memo()"

    def __reduce__(self) -> tuple[type[Memo], tuple[()]]:
        return Memo, ()

    def __copy__(self) -> Memo:
        return Memo()

    def __deepcopy__(self, memo: dict[int, object]) -> Memo:
        return Memo()
