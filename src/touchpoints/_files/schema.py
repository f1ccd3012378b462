"""The JSON Schema of plan files, generated from the models and put right where
pydantic cannot know what the custom types accept.

The same schema ships in the package as ``touchpoints/schema/plan.schema.json`` (and
in the documentation as ``docs/plan.schema.json``); a test checks that both copies are
what :func:`plan_json_schema` generates.
"""

from __future__ import annotations

from typing import Any, Final

from touchpoints._model import Plan

__all__ = ["plan_json_schema"]

_SCHEMA_URI: Final = "https://json-schema.org/draft/2020-12/schema"


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of plan files, generated from the models.

    The same schema ships in the package as ``touchpoints/schema/plan.schema.json``
    for editors: with yaml-language-server, put
    ``# yaml-language-server: $schema=<path or URL of plan.schema.json>`` at the top of
    a plan file.

    >>> schema = plan_json_schema()
    >>> schema["required"], schema["properties"]["touchpoints"]["items"]
    (['plan', 'touchpoints'], {'$ref': '#/$defs/Rule'})
    """
    schema = Plan.model_json_schema(by_alias=True, mode="validation")
    _tidy_schema(schema)
    return {
        "$schema": _SCHEMA_URI,
        "title": "touchpoints plan",
        "description": (
            "A touchpoints plan template: the touch points (calls, e-mails, visits ...) to "
            "make for every customer, asset or contract it applies to."
        ),
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }


_PRIORITY_SCHEMA: Final = {
    "anyOf": [
        {"type": "integer", "minimum": 1, "maximum": 9},
        {"enum": ["highest", "high", "normal", "low", "lowest"]},
    ],
    "default": 5,
    "title": "Priority",
}


def _tidy_schema(schema: dict[str, Any]) -> None:
    """Put right what pydantic cannot know about the custom types (in place)."""
    for model in (schema, *schema.get("$defs", {}).values()):
        if isinstance(model.get("description"), str):  # no doctests in an editor's tooltip
            model["description"] = model["description"].split("\n\n>>>")[0].strip()
    properties = schema["properties"]
    properties["horizon"]["default"] = str(Plan.model_fields["horizon"].default)
    _local_times(schema)
    rule = schema["$defs"]["Rule"]
    rule["properties"]["priority"] = {
        **_PRIORITY_SCHEMA,
        "description": rule["properties"]["priority"].get("description", ""),
    }
    rule["oneOf"] = [{"required": [key]} for key in ("at", "every", "rrule")]


def _local_times(node: object) -> None:
    # JSON Schema's "time" format needs seconds and a UTC offset; a contact time has
    # neither ("10:00").
    if isinstance(node, dict):
        if node.get("format") == "time":
            del node["format"]
            node["pattern"] = r"^([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)
