"""Pydantic's errors as problems in plain words, and the error a model raises with them.

Pydantic's error details become issues (a field path and a message), without its
echoes: the "too short" complaint beside a list whose items failed, and all but the
first complaint about a value that fits no member of a union. Pydantic runs a model's
own checks only when all its fields are valid, so for a plan the plan-wide checks
(repeated ids, 'until' before 'starting' ...) run again on the plan without its
invalid parts, and their problems are reported in the same run.

The models' entry points raise :func:`refusal`'s error; the file loaders use the same
issues and place each at its line and column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from touchpoints._errors import PlanError, Problem, SubjectError
from touchpoints._model.base import Frozen
from touchpoints._model.messages import message_for
from touchpoints._model.plan import Plan
from touchpoints._model.wording import FieldPath, location

__all__ = [
    "MAX_PROBLEMS",
    "Issue",
    "bounded",
    "clean_location",
    "issues_from",
    "model_issues",
    "refusal",
    "short",
    "validated",
]

MAX_PROBLEMS: Final = 50
"""The most problems one error lists; the rest are counted."""

_Model = TypeVar("_Model", bound=Frozen)

# Pydantic names the members of a union in the error location; these are dropped.
_UNION_TAGS: Final = frozenset({"str", "int", "float", "bool", "date", "datetime"})
_LONGEST: Final = 1000
# Placeholders that let the plan-wide checks run when a top-level value is invalid.
_PLACEHOLDERS: Final[Mapping[str, object]] = {"plan": "plan", "contact_time": "10:00"}
_INDEX: Final = re.compile(r"touchpoints\[(\d+)\]")


@dataclass(frozen=True)
class Issue:
    """One problem before it is placed in a file: its field path and message.

    ``at_key`` places it at the key rather than the value; ``union`` marks one of the
    errors pydantic gives for each member of a union (only the first is kept).

    >>> Issue(("touchpoints", 0, "evry"), "unknown key 'evry'", at_key=True).at_key
    True
    """

    path: FieldPath
    message: str
    at_key: bool = False
    union: bool = False


def validated(model: type[_Model], data: object) -> _Model:
    """``data`` validated into ``model`` as pydantic does, raising its ``ValidationError``
    (for the callers that place each problem themselves).

    >>> validated(Plan, {"plan": "p"})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Plan
    touchpoints
      Field required ...
    """
    return super(Frozen, model).model_validate(data)


def refusal(model: type[Frozen], error: ValidationError, data: object) -> PlanError | SubjectError:
    """The error a ``model`` raises for ``data``, which pydantic refused with ``error``:
    every problem (the first :data:`MAX_PROBLEMS` of them) with its field path.

    >>> from touchpoints._model import Subject
    >>> try:
    ...     validated(Subject, {"id": "c-1", "timezone": 7})
    ... except ValidationError as error:
    ...     print(refusal(Subject, error, {"id": "c-1", "timezone": 7}))
    1 problem with the subject:
      timezone: expected text, found the number 7 (put it in quotes if you mean text: '7')
    """
    problems = list(
        dict.fromkeys(
            Problem(location(issue.path), short(issue.message))
            for issue in model_issues(model, error, data)
        )
    )
    shown, omitted = bounded(problems)
    return model.refused_as(shown, omitted=omitted)


def model_issues(model: type[Frozen], error: ValidationError, data: object) -> list[Issue]:
    """The issues of ``data``, refused by pydantic with ``error``, for a ``model``: the
    fields' and, for a plan, those of the plan-wide checks.

    >>> try:
    ...     validated(Plan, {"plan": "p", "touchpoints": []})
    ... except ValidationError as error:
    ...     print(*(issue.message for issue in model_issues(Plan, error, {})))
    a plan needs at least one touch point
    """
    details = error.errors(include_url=False)
    issues = issues_from(details, model)
    if issubclass(model, Plan) and isinstance(data, Mapping):
        issues += _plan_wide_issues(data, details)
    return issues


def bounded(problems: Sequence[Problem]) -> tuple[list[Problem], int]:
    """The first :data:`MAX_PROBLEMS` problems, and how many more there are.

    >>> shown, more = bounded([Problem("", f"problem {n}") for n in range(120)])
    >>> len(shown), more, str(shown[-1])
    (50, 70, 'problem 49')
    """
    return list(problems[:MAX_PROBLEMS]), max(0, len(problems) - MAX_PROBLEMS)


def short(message: str) -> str:
    """A message cut to at most 1,000 characters: it quotes what it found, and a huge
    value must not make a huge message.

    >>> len(short("x" * 5000)), short("fine")
    (1000, 'fine')
    """
    return message if len(message) <= _LONGEST else message[: _LONGEST - 3] + "..."


def clean_location(loc: tuple[int | str, ...]) -> tuple[FieldPath, bool]:
    """Pydantic's error location as a field path of the data, and whether it named a
    member of a union (which is dropped, with pydantic's own validator steps).

    >>> clean_location(("touchpoints", 0, "function-after[check()]", "at"))
    (('touchpoints', 0, 'at'), False)
    >>> clean_location(("touchpoints", 0, "priority", "int"))
    (('touchpoints', 0, 'priority'), True)
    """
    parts = [
        part
        for part in loc
        if part != "[key]" and not str(part).startswith(("function-", "lax-", "strict-"))
    ]
    union = False
    while (
        len(parts) > 2
        and (parts[-1] in _UNION_TAGS or str(parts[-1]).startswith("constrained-"))
        and isinstance(parts[-2], str)
    ):
        parts.pop()
        union = True
    return tuple(parts), union


def issues_from(details: list[ErrorDetails], root: type[Frozen]) -> list[Issue]:
    """Pydantic's error details for a ``root`` model as issues, without the echoes.

    Left out: the "too short" echo of a list whose items failed, and all but the first
    error for a value that fits no member of a union. A model's own check that reports
    several problems (``ctx["problems"]``) gives one issue each.

    >>> detail = {"type": "missing", "loc": ("touchpoints",), "msg": "Field required",
    ...           "input": {}}
    >>> [(issue.path, issue.message) for issue in issues_from([detail], Plan)]
    [(('touchpoints',), "the required key 'touchpoints' is missing")]
    """
    issues: list[Issue] = []
    paths = [clean_location(detail["loc"])[0] for detail in details]
    failed_items = {path[:1] for path in paths if len(path) > 1}
    for detail in details:
        path, union = clean_location(detail["loc"])
        ctx = detail.get("ctx") or {}
        if detail["type"] == "too_short" and path in failed_items:
            continue  # pydantic's echo of item errors that are reported on their own
        if detail["type"] == "plan" and "problems" in ctx:
            issues.extend(Issue((*path, *where), text) for where, text in ctx["problems"])
            continue
        if "key" in ctx:
            path = (*path, str(ctx["key"]))
        at_key = detail["type"] == "extra_forbidden" or "[key]" in detail["loc"]
        issues.append(Issue(path, message_for(detail, path, root), at_key, union))
    # A value that fits no member of a union gets one error per member: keep the first.
    unions = {issue.path: issue for issue in reversed(issues) if issue.union}
    return [issue for issue in issues if not issue.union or unions[issue.path] is issue]


def _plan_wide_issues(data: Mapping[str, Any], details: list[ErrorDetails]) -> list[Issue]:
    """The plan-wide checks for a plan whose fields have problems, run again on the
    plan without its invalid touch points and values."""
    bad_rules: set[int] = set()
    bad_keys: set[str] = set()
    bad_anchors: set[str] = set()
    for detail in details:
        path, _ = clean_location(detail["loc"])
        if len(path) >= 2 and path[0] == "touchpoints" and isinstance(path[1], int):
            bad_rules.add(path[1])
        elif len(path) >= 2 and path[0] == "anchors":
            bad_anchors.add(str(path[1]))
        elif path:
            bad_keys.add(str(path[0]))
    if "touchpoints" in bad_keys or not isinstance(data.get("touchpoints"), list):
        return []
    rules = data["touchpoints"]
    kept = [index for index in range(len(rules)) if index not in bad_rules]
    if not kept:
        return []
    partial: dict[str, Any] = {key: value for key, value in data.items() if key not in bad_keys}
    partial.update({key: _PLACEHOLDERS[key] for key in bad_keys if key in _PLACEHOLDERS})
    partial["touchpoints"] = [rules[index] for index in kept]
    if isinstance(data.get("anchors"), Mapping) and "anchors" not in bad_keys:
        partial["anchors"] = {k: v for k, v in data["anchors"].items() if k not in bad_anchors}
    try:
        validated(Plan, partial)
    except ValidationError as error:
        issues = [i for i in issues_from(error.errors(include_url=False), Plan) if not i.union]

        def original(match: re.Match[str]) -> str:
            return f"touchpoints[{kept[int(match[1])]}]"

        return [
            Issue(_original_path(issue.path, kept), _INDEX.sub(original, issue.message))
            for issue in issues
        ]
    return []


def _original_path(path: FieldPath, kept: list[int]) -> FieldPath:
    if len(path) > 1 and path[0] == "touchpoints" and isinstance(path[1], int):
        return ("touchpoints", kept[path[1]], *path[2:])
    return path
