"""Raw documents: valid and near-valid plan texts (YAML, JSON, TOML), for a host that
property-tests its own upload path."""

from __future__ import annotations

import json
import re
from typing import Any, Final

import yaml
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from touchpoints._model import Plan
from touchpoints.testing._plans import plans

__all__ = ["MISTAKES", "plan_documents"]

MISTAKES: Final = ("misspelt key", "missing key", "duplicate id", "bad timing", "wrong type")
"""The mistakes a near-valid document has, one each."""

_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None)
        return "{" + ", ".join(items) + "}"
    return _toml_string(str(value))


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _toml(data: dict[str, Any], path: tuple[str, ...] = ()) -> list[str]:
    lines = [
        f"{_toml_key(key)} = {_toml_value(value)}"
        for key, value in data.items()
        if value is not None and not isinstance(value, dict) and not _is_tables(value)
    ]
    for key, value in data.items():
        where = (*path, _toml_key(key))
        if isinstance(value, dict):
            lines += ["", f"[{'.'.join(where)}]", *_toml(value, where)]
        elif _is_tables(value):
            for item in value:
                lines += ["", f"[[{'.'.join(where)}]]", *_toml(item, where)]
    return lines


def _text(data: dict[str, Any], format: str) -> str:
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2)
    if format == "toml":
        return "\n".join(_toml(data)) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _spoil(data: dict[str, Any], mistake: str) -> None:
    rule = data["touchpoints"][0]
    if mistake == "misspelt key":
        rule["tittle"] = rule.pop("title")
    elif mistake == "missing key":
        del rule["channel"]
    elif mistake == "duplicate id":
        data["touchpoints"].append(dict(rule))
    elif mistake == "bad timing":
        key = next(k for k in ("at", "every", "rrule") if k in rule)
        rule[key] = {"at": "purchase plus 2 days", "every": "0 days", "rrule": "FREQ=HOURLY"}[key]
    else:
        data["version"] = "three"


@st.composite
def _documents(
    draw: st.DrawFn, source: SearchStrategy[Plan], format: str, valid: bool
) -> tuple[str, str | None]:
    plan = draw(source)
    data = plan.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    mistake = None if valid else draw(st.sampled_from(MISTAKES))
    if mistake is not None:
        _spoil(data, mistake)
    return _text(data, format), mistake


def plan_documents(
    source: SearchStrategy[Plan] | None = None, *, format: str = "yaml", valid: bool = True
) -> SearchStrategy[tuple[str, str | None]]:
    """Plan files as text: a valid plan written out, or one with a single mistake.

    Each value is ``(text, mistake)``: the document, and None or which of
    ``MISTAKES`` it has. ``parse_plan_text(text, format=...)`` reads a valid one
    back as the plan it came from, and raises ``PlanError`` for every near-valid one.

    Args:
        source: the plans to write out; None for ``plans()``.
        format: ``"yaml"``, ``"json"`` or ``"toml"``.
        valid: False for near-valid documents.

    >>> from hypothesis import find, settings, strategies as st
    >>> from touchpoints import parse_plan_text
    >>> steady = settings(max_examples=50, derandomize=True, database=None)
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"}]})
    >>> text, mistake = find(plan_documents(st.just(plan), format="toml", valid=False),
    ...                      lambda document: document[1] == "bad timing", settings=steady)
    >>> print(text)
    plan = "p"
    <BLANKLINE>
    [[touchpoints]]
    id = "call"
    title = "Call"
    channel = "call"
    at = "purchase plus 2 days"
    <BLANKLINE>
    >>> parse_plan_text(text, format="toml")
    Traceback (most recent call last):
      ...
    touchpoints.PlanError: 1 problem with the plan:
      line 7, column 6, touchpoints[0].at: ...
    """
    if format not in ("yaml", "json", "toml"):
        raise InvalidArgument(f"format={format!r} must be 'yaml', 'json' or 'toml'")
    if not isinstance(valid, bool):
        raise InvalidArgument(f"valid={valid!r} must be a bool")
    if source is not None and not isinstance(source, SearchStrategy):
        raise InvalidArgument(f"source={source!r} must be a strategy, such as plans()")
    return _documents(source if source is not None else plans(), format, valid)
