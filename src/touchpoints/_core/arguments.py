"""Type checks at the public functions' entry: a wrong argument is a TypeError that
names the type expected and how to make one, not an AttributeError from deep inside."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Final, TypeVar

__all__ = ["each", "require", "require_mapping"]

T = TypeVar("T")

_HOW: Final = {
    "Plan": "parse_plan(data) or load_plan(path)",
    "Subject": "Subject.model_validate(data) or Subject(id=..., anchors={...})",
    "Rule": "Rule.model_validate(data)",
    "TouchPoint": "schedule(plan, subject) or schedule_many(plan, subjects)",
    "ExportOptions": "ExportOptions(stamp=...)",
    "Revision": "update_ical(...).state or load_ical_state(text)",
    "CalendarResource": "CalendarResource(href=..., etag=..., data=...)",
}


def _names(expected: type | tuple[type, ...]) -> str:
    kinds = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(kind.__name__ for kind in kinds)


def require(value: object, expected: type | tuple[type, ...], name: str) -> None:
    """Raise TypeError unless ``value`` is an ``expected`` (a type or a tuple of types).

    >>> from touchpoints import Subject
    >>> require({"id": "c1"}, Subject, "subject")
    Traceback (most recent call last):
    ...
    TypeError: subject must be a Subject, not dict: make one with Subject.model_validate(data) or Subject(id=..., anchors={...})
    """  # noqa: E501 - doctest output is one line
    if not isinstance(value, expected):
        what = _names(expected)
        how = _HOW.get(what)
        tail = f": make one with {how}" if how else ""
        raise TypeError(f"{name} must be a {what}, not {type(value).__name__}{tail}")


def each(items: Iterable[T], expected: type[T], name: str) -> Iterator[T]:
    """``items``, checking each one as it is read (so that streams stay streams).

    >>> list(each([1, "2"], int, "each number"))
    Traceback (most recent call last):
    ...
    TypeError: each number must be a int, not str
    """
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise TypeError(
            f"{name.removeprefix('each ')}s must be an iterable of {expected.__name__}, "
            f"not {type(items).__name__}"
        )
    for item in items:
        require(item, expected, name)
        yield item


def require_mapping(value: object, expected: type, name: str) -> None:
    """Raise TypeError unless ``value`` maps text to ``expected`` values.

    >>> require_mapping({"a": 1}, str, "state")
    Traceback (most recent call last):
    ...
    TypeError: each value of state must be a str, not int
    """
    require(value, Mapping, name)
    assert isinstance(value, Mapping)
    for key, item in value.items():
        require(key, str, f"each key of {name}")
        require(item, expected, f"each value of {name}")
