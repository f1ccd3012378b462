"""Bounds on the work a plan file may ask for: how many items a list or mapping may
hold, how many values a plan may have in all, how long a number may be, and how many
problems a report lists.

These checks run on the data as read from the file, before pydantic builds anything,
so a file under the size limit cannot cost minutes or gigabytes: a list of two million
items is refused by its length, not validated item by item.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from touchpoints._errors import Problem
from touchpoints._files.positions import Document, FieldPath, location
from touchpoints._model import MAX_PROBLEMS, bounded

__all__ = [
    "MAX_DIGITS",
    "MAX_ITEMS",
    "MAX_PROBLEMS",
    "MAX_VALUES",
    "bounded",
    "limit_problems",
]

MAX_ITEMS: Final = 10_000
"""The most items in one list, or keys in one mapping (such as ``anchors``), of a plan.

The largest list a plan needs is its closed dates (at most 10,000)."""
MAX_VALUES: Final = 200_000
"""The most values (texts, numbers, lists and mappings, counted together) in one plan."""
MAX_DIGITS: Final = 20
"""The most digits in a row in a plan's numbers and texts: every number a plan needs
(a version, a count, the days of a duration) has far fewer."""

_DIGITS: Final = re.compile(rf"\d{{{MAX_DIGITS + 1},}}")
_BIGGEST: Final = 10**MAX_DIGITS


def limit_problems(document: Document) -> list[Problem]:
    """The limits a plan's data breaks, each named with its field path and place; at
    most one per kind of limit and value, and none for data within every limit.

    Checked without recursion, and in time proportional to the data.

    >>> from touchpoints._files.yaml_reader import load_yaml
    >>> document = load_yaml("plan: p\\ntouchpoints: [" + "a, " * 10_000 + "a]\\n")
    >>> print(*limit_problems(document))
    line 2, column 14, touchpoints: this list has 10,001 items, more than the 10,000 a plan
    may have in one list; is this the right file?
    >>> print(*limit_problems(load_yaml("plan: p\\nversion: " + "9" * 21 + "\\n")))
    line 2, column 10, version: the number 999999999999999999999 has more than 20 digits;
    no value in a plan needs that many
    """
    problems: list[Problem] = []
    values = 0
    reported = {path for path, _ in document.problems}  # such as a number YAML cannot read
    stack: list[tuple[FieldPath, object]] = [((), document.data)]
    while stack:
        path, value = stack.pop()
        values += 1
        if path in reported:
            continue
        if values > MAX_VALUES:
            problems.append(
                _problem(
                    document,
                    (),
                    f"the plan holds more than {MAX_VALUES:,} values (texts, numbers, lists "
                    "and mappings); is this the right file?",
                )
            )
            break
        if isinstance(value, Mapping):
            if len(value) > MAX_ITEMS:
                problems.append(_too_many(document, path, len(value), "keys", "mapping"))
                continue
            stack.extend(((*path, str(key)), item) for key, item in value.items())
        elif isinstance(value, list | tuple):
            if len(value) > MAX_ITEMS:
                problems.append(_too_many(document, path, len(value), "items", "list"))
                continue
            stack.extend(((*path, index), item) for index, item in enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            if not -_BIGGEST < value < _BIGGEST:
                shown = _short(str(value) if value.bit_length() < 10_000 else "a huge number")
                problems.append(_long_number(document, path, f"the number {shown} has"))
        elif isinstance(value, str) and _DIGITS.search(value) is not None:
            found = f"the text {_short(value)!r} has a number with"
            problems.append(_long_number(document, path, found))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _problem(document: Document, path: FieldPath, message: str) -> Problem:
    position = document.locate(path)
    line, column = position if position is not None else (None, None)
    return Problem(location(path), message, line, column)


def _too_many(document: Document, path: FieldPath, count: int, what: str, kind: str) -> Problem:
    return _problem(
        document,
        path,
        f"this {kind} has {count:,} {what}, more than the {MAX_ITEMS:,} a plan may have in "
        f"one {kind}; is this the right file?",
    )


def _long_number(document: Document, path: FieldPath, found: str) -> Problem:
    return _problem(
        document,
        path,
        f"{found} more than {MAX_DIGITS} digits; no value in a plan needs that many",
    )


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
