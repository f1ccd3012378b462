"""Problems placed in a file: the model layer's issues (field paths and messages, see
:mod:`touchpoints._model.refusals`) with the line and column of each problem.

A problem is placed at its value, at its key for an unknown key, and at the enclosing
mapping for a missing key. Problems found while reading (a repeated key) replace the
validation problems at or below their path.
"""

from __future__ import annotations

from pydantic import ValidationError

from touchpoints._errors import Problem
from touchpoints._files.positions import Document, FieldPath, location
from touchpoints._model import Frozen, Issue, issues_from, short

__all__ = [
    "problems_from",
    "sort_problems",
    "to_problems",
    "with_reading_problems",
]


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
        problems.append(Problem(location(full), short(issue.message), line, column))
    return problems


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
    root: type[Frozen],
    document: Document | None = None,
    prefix: FieldPath = (),
) -> list[Problem]:
    """Turn pydantic's errors into :class:`~touchpoints.Problem` values.

    Problems at or below a path where reading already found one (a repeated key)
    are left out, and the reading problems are put in.

    >>> from pydantic import ValidationError
    >>> from touchpoints._model import Subject, validated
    >>> try:
    ...     validated(Subject, {"id": "c-1", "timezone": 7})
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
