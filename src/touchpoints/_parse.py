"""Plan files: text in, a validated :class:`~touchpoints.Plan` out.

Validation errors from pydantic become one :class:`~touchpoints.PlanError` that lists
every problem with its field path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from touchpoints._errors import PlanError, Problem
from touchpoints._models import Plan

__all__ = ["load_plan", "parse_plan"]


def _location(path: tuple[int | str, ...]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _problems(error: ValidationError) -> list[Problem]:
    problems = []
    details = error.errors(include_url=False)
    failed_items = {detail["loc"][:1] for detail in details if len(detail["loc"]) > 1}
    for detail in details:
        location = tuple(part for part in detail["loc"] if not str(part).startswith("function-"))
        if detail["type"] == "too_short" and location in failed_items:
            continue  # pydantic's echo of item errors reported on their own
        message = detail["msg"]
        if detail["type"] == "extra_forbidden":
            message = f"unknown key {location[-1]!r}"
        problems.append(Problem(_location(location), message))
    return problems


def parse_plan(data: Mapping[str, Any], *, source: str | None = None) -> Plan:
    """Validate plan data (as read from a file) into a :class:`~touchpoints.Plan`.

    Raises:
        PlanError: the data is not a valid plan; every problem is listed.

    >>> parse_plan({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "evry": "1 day"}]})
    Traceback (most recent call last):
    ...
    touchpoints._errors.PlanError: 1 problem with the plan:
      touchpoints[0].evry: unknown key 'evry'
    """
    try:
        return Plan.model_validate(data)
    except ValidationError as error:
        raise PlanError(_problems(error), source=source) from error


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan file (JSON).

    Raises:
        PlanError: the file cannot be read or is not a valid plan.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PlanError([Problem("", str(error))], source=str(path)) from error
    if not isinstance(data, dict):
        raise PlanError([Problem("", "a plan file holds a mapping of keys")], source=str(path))
    return parse_plan(data, source=str(path))
