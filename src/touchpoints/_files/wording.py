"""How values read from a file are quoted and described in problem messages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

__all__ = ["described", "shown"]


def shown(text: str) -> str:
    """Text from a file, quoted for a message and cut short when it is long.

    >>> shown("0 days"), shown("x" * 100)[-6:]
    ("'0 days'", "x...'")
    """
    return repr(text if len(text) <= 60 else text[:57] + "...")


def described(value: object) -> str:
    """How a value read from a file is described in a message.

    >>> described("yes"), described(True), described(3), described(None)
    ("the text 'yes'", 'true (a yes/no value)', 'the number 3', 'nothing (an empty value)')
    """
    if isinstance(value, str):
        return f"the text {shown(value)}" if value else "empty text"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
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
