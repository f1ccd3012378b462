"""Type checks at the public functions' entry: a wrong argument is a TypeError that
names the type expected and how to make one, not an AttributeError from deep inside."""

from __future__ import annotations

from typing import Final

__all__ = ["require"]

_HOW: Final = {
    "Plan": "parse_plan(data) or load_plan(path)",
    "Subject": "Subject.model_validate(data) or Subject(id=..., anchors={...})",
    "Rule": "Rule.model_validate(data)",
    "TouchPoint": "schedule(plan, subject) or schedule_many(plan, subjects)",
}


def require(value: object, expected: type, name: str) -> None:
    """Raise TypeError unless ``value`` is an ``expected``.

    >>> from touchpoints import Subject
    >>> require({"id": "c1"}, Subject, "subject")
    Traceback (most recent call last):
    ...
    TypeError: subject must be a Subject, not dict: make one with Subject.model_validate(data) or Subject(id=..., anchors={...})
    """  # noqa: E501 - doctest output is one line
    if not isinstance(value, expected):
        what = expected.__name__
        how = _HOW.get(what)
        tail = f": make one with {how}" if how else ""
        raise TypeError(f"{name} must be a {what}, not {type(value).__name__}{tail}")
