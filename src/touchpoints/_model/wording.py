"""How problem messages name a place in the data and quote and describe a value."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

__all__ = ["FieldPath", "described", "is_huge", "location", "shown"]

FieldPath = tuple[str | int, ...]
"""A value's place in the data: keys and list indexes, from the top (``("touchpoints", 2)``)."""


def location(path: FieldPath) -> str:
    """A field path as text: ``touchpoints[2].every``.

    >>> location(("touchpoints", 2, "every"))
    'touchpoints[2].every'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def shown(text: str) -> str:
    """Text from the data, quoted for a message and cut short when it is long.

    >>> shown("0 days"), shown("x" * 100)[-6:]
    ("'0 days'", "x...'")
    """
    return repr(text if len(text) <= 60 else text[:57] + "...")


def is_huge(value: object) -> bool:
    """Whether ``value`` is a whole number too long to quote (more than about 60 digits;
    Python refuses to print one of more than 4,300).

    >>> is_huge(10**20), is_huge(16**5000)
    (False, True)
    """
    return isinstance(value, int) and value.bit_length() > 200


def described(value: object) -> str:
    """How a value from the data is described in a message.

    >>> described("yes"), described(True), described(3), described(None)
    ("the text 'yes'", 'true (a yes/no value)', 'the number 3', 'nothing (an empty value)')
    >>> described(16**5000)
    'a whole number of about 6,021 digits'
    """
    if isinstance(value, str):
        return f"the text {shown(value)}" if value else "empty text"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if is_huge(value):
        assert isinstance(value, int)
        return f"a whole number of about {value.bit_length() * 30103 // 100000 + 1:,} digits"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping of keys and values"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    return f"a value of type {type(value).__name__}"
