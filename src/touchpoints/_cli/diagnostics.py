"""Problems in the forms tools read: ``FILE:LINE:COLUMN: FIELD: MESSAGE`` (editors, CI
logs), JSON (scripts) and GitHub annotations (``::error file=...,line=...::...``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from touchpoints._cli.errors import format_problems
from touchpoints._errors import Problem

__all__ = ["FORMATS", "github_annotations", "problem_json"]

FORMATS: Final = ("text", "json", "github")
"""The ``--format`` choices of ``validate``."""


def problem_json(problem: Problem) -> dict[str, object]:
    """One problem as JSON-ready data.

    >>> problem_json(Problem("touchpoints[0].evry", "unknown key 'evry'", 9, 5))
    {'line': 9, 'column': 5, 'field': 'touchpoints[0].evry', 'message': "unknown key 'evry'"}
    """
    return {
        "line": problem.line,
        "column": problem.column,
        "field": problem.location or None,
        "message": problem.message,
    }


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(problems: Iterable[Problem], *, source: str | None) -> str:
    """Problems as GitHub Actions annotations, one per line.

    >>> print(github_annotations([Problem("plan", "the key 'plan' is missing", 1, 1)],
    ...                          source="plan.yaml"))
    ::error file=plan.yaml,line=1,col=1::plan: the key 'plan' is missing
    """
    lines = []
    for problem in problems:
        where = []
        if source:
            where.append(f"file={_escape_property(source)}")
        if problem.line is not None:
            where.append(f"line={problem.line}")
            if problem.column is not None:
                where.append(f"col={problem.column}")
        text = format_problems([Problem(problem.location, problem.message)])
        lines.append(
            f"::error {','.join(where)}::{_escape_data(text)}".replace("error ::", "error::")
        )
    return "\n".join(lines)
