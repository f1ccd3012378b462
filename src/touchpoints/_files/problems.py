"""Pydantic's ``ValidationError`` to :class:`~touchpoints.Problem` values that name the
field path and, where the file says, the line and column of each problem.

A problem is placed at its value, at its key for an unknown key, and at the enclosing
mapping for a missing key. Problems found while reading (a repeated key) replace the
validation problems at or below their path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from touchpoints._errors import Problem
from touchpoints._files.messages import message_for
from touchpoints._files.positions import Document, FieldPath, location

__all__ = [
    "Issue",
    "clean_location",
    "issues_from",
    "problems_from",
    "sort_problems",
    "to_problems",
    "with_reading_problems",
]

# Pydantic names the members of a union in the error location; these are dropped.
_UNION_TAGS: Final = frozenset({"str", "int", "float", "bool", "date", "datetime"})


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


def clean_location(loc: tuple[int | str, ...]) -> tuple[FieldPath, bool]:
    """Pydantic's error location as a field path of the file, and whether it named a
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


def issues_from(details: list[ErrorDetails], root: type[BaseModel]) -> list[Issue]:
    """Pydantic's error details for a ``root`` model as issues, without the echoes.

    Left out: the "too short" echo of a list whose items failed, and all but the first
    error for a value that fits no member of a union. A model's own check that reports
    several problems (``ctx["problems"]``) gives one issue each.

    >>> from touchpoints import Plan
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


def to_problems(
    issues: list[Issue], document: Document | None, prefix: FieldPath = ()
) -> list[Problem]:
    """Issues as problems, placed in ``document`` (when given) below ``prefix``.

    >>> from touchpoints._files.yaml_reader import load_yaml
    >>> document = load_yaml("plan: p\\ntouchpoints:\\n  - {id: a, evry: 1 day}\\n")
    >>> [str(p) for p in to_problems([Issue(("evry",), "unknown key 'evry'", True)],
    ...                              document, ("touchpoints", 0))]
    ["line 3, column 13, touchpoints[0].evry: unknown key 'evry'"]
    """
    problems: list[Problem] = []
    for issue in dict.fromkeys(issues):
        full = (*prefix, *issue.path)
        position = None
        if document is not None:
            where = full[:-1] if issue.message.startswith("the required key") else full
            position = document.locate(where, key=issue.at_key)
        line, column = position if position is not None else (None, None)
        message = issue.message if len(issue.message) <= _LONGEST else _cut(issue.message)
        problems.append(Problem(location(full), message, line, column))
    return problems


_LONGEST: Final = 1000


def _cut(message: str) -> str:
    # A message quotes what it found; a huge value must not make a huge message.
    return message[: _LONGEST - 3] + "..."


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in the order of the file's lines, each once; those without a line come
    last, in their order.

    >>> [str(p) for p in sort_problems([Problem("b", "no line"), Problem("a", "x", 4, 2),
    ...                                 Problem("c", "y", 1, 9)])]
    ['line 1, column 9, c: y', 'line 4, column 2, a: x', 'b: no line']
    """
    unique = list(dict.fromkeys(problems))
    order = {id(problem): index for index, problem in enumerate(unique)}
    return sorted(unique, key=lambda p: (p.line is None, p.line or 0, p.column or 0, order[id(p)]))


def problems_from(
    error: ValidationError,
    *,
    root: type[BaseModel],
    document: Document | None = None,
    prefix: FieldPath = (),
) -> list[Problem]:
    """Turn pydantic's errors into :class:`~touchpoints.Problem` values.

    Problems at or below a path where reading already found one (a repeated key)
    are left out, and the reading problems are put in.

    >>> from pydantic import ValidationError
    >>> from touchpoints import Subject
    >>> try:
    ...     Subject.model_validate({"id": "c-1", "timezone": 7})
    ... except ValidationError as error:
    ...     print(*problems_from(error, root=Subject, prefix=(3,)))
    [3].timezone: expected text, found the number 7 (put it in quotes if you mean text: '7')
    """
    issues = issues_from(error.errors(include_url=False), root)
    return with_reading_problems(to_problems(issues, document, prefix), document, prefix)


def with_reading_problems(
    problems: list[Problem], document: Document | None, prefix: FieldPath = ()
) -> list[Problem]:
    """The document's reading problems, then those of ``problems`` not at or below the
    path of one of them (a value given twice is reported as that, not also as invalid).

    >>> from touchpoints._files.yaml_reader import load_yaml
    >>> document = load_yaml("plan: p\\nplan: q\\n")
    >>> problems = [Problem("plan", "invalid"), Problem("name", "too long")]
    >>> for problem in with_reading_problems(problems, document):
    ...     print(problem)
    line 2, column 1, plan: the key 'plan' is given twice in this mapping (first on line 1);
    give each key once
    name: too long
    """
    if document is None or not document.problems:
        return problems
    reading = [problem for path, problem in document.problems]
    covered = {location(path) for path, _ in document.problems}
    kept = [
        problem
        for problem in problems
        if not any(
            problem.location == where or problem.location.startswith((f"{where}.", f"{where}["))
            for where in covered
        )
    ]
    return reading + kept
