"""Pydantic's error details in words an operations person can act on: one message for
each kind of error, naming what was found and what is expected."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from typing import Final, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from touchpoints._model.base import (
    ANCHOR_NAME_PATTERN,
    CHANNEL_PATTERN,
    KNOWN_CHANNELS,
    SLUG_PATTERN,
    TAG_PATTERN,
)
from touchpoints._model.plan import Plan
from touchpoints._model.subject import Subject
from touchpoints._model.wording import FieldPath, described, is_huge, shown

__all__ = ["message_for", "unknown_key_message"]

_PATTERNS: Final = {
    SLUG_PATTERN: (
        "is not a valid id: use lowercase letters, digits, '.', '_' and '-', starting "
        "and ending with a letter or digit, at most 64 characters (like 'check-up')"
    ),
    ANCHOR_NAME_PATTERN: (
        "is not a valid anchor name: use letters, digits and '_', starting with a "
        "letter (like 'purchase' or 'contract_end')"
    ),
    CHANNEL_PATTERN: (
        f"is not a valid channel: use {', '.join(KNOWN_CHANNELS)}, or another "
        "lowercase word of at most 32 characters"
    ),
    TAG_PATTERN: "is not a valid tag: a tag cannot contain ',', ';', '\\' or line breaks",
}
_RULE_HINT: Final = "a touch point, with keys such as id, title, channel and at"
_CUSTOM_KINDS: Final = frozenset(
    {"timezone", "timing", "rrule", "duration", "contact_time", "anchors", "subject"}
)


def _fields_at(root: type[BaseModel], path: FieldPath) -> list[str] | None:
    """The keys a mapping at ``path`` may have, when it is a model's mapping."""
    model: type[BaseModel] | None = root
    skip_key = False  # the next part is a key of a mapping of models
    for part in path:
        if isinstance(part, int):
            continue
        if skip_key:
            skip_key = False
            continue
        if model is None:
            return None
        fields = {info.alias or name: info for name, info in model.model_fields.items()}
        if part not in fields:
            return None
        model, skip_key = _nested_model(fields[part].annotation)
    if model is None:
        return None
    return sorted(info.alias or name for name, info in model.model_fields.items())


def _nested_model(annotation: object) -> tuple[type[BaseModel] | None, bool]:
    """The model inside a field's type, and whether it is the value of a mapping."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    arguments = get_args(annotation)
    if get_origin(annotation) in (dict, Mapping) and len(arguments) == 2:
        return _nested_model(arguments[1])[0], True
    for argument in arguments:
        model, in_mapping = _nested_model(argument)
        if model is not None:
            return model, in_mapping
    return None, False


def unknown_key_message(key: str, valid: list[str] | None) -> str:
    """The message for an unknown key, suggesting the closest valid one.

    >>> unknown_key_message("evry", ["at", "every", "until"])
    "unknown key 'evry'; did you mean 'every'?"
    >>> unknown_key_message("colour", ["at", "every"])
    "unknown key 'colour'; the keys allowed here are: at, every"
    """
    if not valid:
        return f"unknown key {key!r}"
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    if not close:
        close = [name for name in valid if name.lower() == key.lower().strip()]
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}; the keys allowed here are: {', '.join(valid)}"


def message_for(detail: ErrorDetails, path: FieldPath, root: type[BaseModel]) -> str:
    """The message for one of pydantic's errors at ``path`` in a ``root`` model.

    >>> detail = {"type": "int_type", "loc": ("touchpoints", 0, "count"),
    ...           "msg": "Input should be a valid integer", "input": "ten"}
    >>> message_for(detail, ("touchpoints", 0, "count"), Plan)
    "expected a whole number, found the text 'ten'"
    """
    kind = detail["type"]
    value = detail.get("input")
    ctx = detail.get("ctx") or {}
    message = str(detail["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    found = described(value)
    if kind in {"duration", "duration_type", "expression", "expression_type"}:
        return _duration_message(kind, message, value, path)
    if kind in _CUSTOM_KINDS:
        return message
    if root is Subject and len(path) == 2 and path[0] == "attributes" and kind != "missing":
        return f"an attribute is text, a number, true or false, or empty; found {found}"
    if kind == "string_type":
        quotable = isinstance(value, int | float | date) and not isinstance(value, bool)
        quotable = quotable and not is_huge(value)
        hint = f" (put it in quotes if you mean text: '{value}')" if quotable else ""
        return f"expected text, found {found}{hint}"
    if path and path[-1] == "priority" and kind != "missing":
        return (
            "a priority is a number from 1 (highest) to 9 (lowest), or one of the words "
            f"highest, high, normal, low, lowest; found {found}"
        )
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"expected a whole number, found {found}"
    if kind in {"float_type", "float_parsing"}:
        return f"expected a number, found {found}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"expected true or false, found {found}"
    if kind in {"tuple_type", "list_type"}:
        return f"expected a list, found {found}; write a list like [first, second]"
    if kind in {"dict_type", "mapping_type", "model_type", "model_attributes_type"}:
        what = _RULE_HINT if ctx.get("class_name") == "Rule" else "keys and values"
        return f"expected a mapping ({what}), found {found}"
    if kind == "string_pattern_mismatch":
        explanation = _PATTERNS.get(str(ctx.get("pattern")), "does not have the expected form")
        return f"{shown(str(value))} {explanation}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters are allowed"
    if kind == "too_short":
        if path == ("touchpoints",) and root is Plan:
            return "a plan needs at least one touch point"
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"has too many items: at most {ctx.get('max_length')} are allowed"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return _bound_message(ctx, found)
    if kind.startswith("time_"):
        return f"expected a time of day like '10:00' or '14:30', found {found}"
    if kind.startswith(("date_", "datetime_")):
        return f"expected a date like '2026-01-15', found {found}"
    if kind == "missing":
        return f"the required key {path[-1]!r} is missing"
    if kind == "extra_forbidden":
        return unknown_key_message(str(path[-1]), _fields_at(root, path[:-1]))
    if kind in {"literal_error", "enum"}:
        return f"expected {ctx.get('expected')}, found {found}"
    if message.startswith("Input should be "):  # any other of pydantic's own messages
        return f"expected {message.removeprefix('Input should be ')}, found {found}"
    return message


def _bound_message(ctx: Mapping[str, object], found: str) -> str:
    words = {"ge": "at least", "gt": "more than", "le": "at most", "lt": "less than"}
    name = next((name for name in words if name in ctx), None)
    if name is None:
        return f"is out of range, found {found}"
    bound = ctx[name]
    if isinstance(bound, float) and bound.is_integer():
        bound = int(bound)
    return f"must be {words[name]} {bound}, found {found}"


def _duration_message(kind: str, message: str, value: object, path: FieldPath) -> str:
    is_interval = bool(path) and path[-1] == "every"
    if kind.endswith("_type"):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        number = number and not is_huge(value)
        if number and kind == "duration_type":
            return f"found the number {value}, but a duration needs a unit, such as '{value} days'"
        if number:
            return (
                f"found the number {value}, but a date is an anchor name, optionally plus "
                f"or minus a duration, such as 'purchase + {value} days'"
            )
        return f"{message}; found {described(value)}"
    if isinstance(value, str) and value.strip().startswith("-") and kind == "duration":
        if is_interval:
            return f"the interval must be longer than zero, such as '90 days'; found {shown(value)}"
        return f"a duration cannot be negative; found {shown(value)}"
    if kind == "expression" and isinstance(value, str) and not message.startswith(repr(value)):
        return f"{shown(value)} is not a valid date expression: {message}"
    return message
