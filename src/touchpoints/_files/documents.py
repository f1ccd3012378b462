"""Text in a named format (YAML, JSON or TOML) to a Document: the one door to the readers."""

from __future__ import annotations

from touchpoints._files.json_reader import load_json
from touchpoints._files.positions import Document
from touchpoints._files.toml_reader import load_toml
from touchpoints._files.yaml_reader import load_yaml

__all__ = ["load_document"]


def load_document(text: str, format: str, *, max_values: int | None = None) -> Document:
    """Parse text in ``format`` (``"yaml"``, ``"json"`` or ``"toml"``) into plain data
    with positions; ``max_values`` stops reading early a YAML file of more values, or a
    JSON file of more mappings, than that (the slow parts of those readers).

    Raises:
        DocumentError: the text is not valid in its format, or breaks a limit.
        ValueError: ``format`` is not one of the three.

    >>> load_document('{"plan": "welcome"}', "json").data
    {'plan': 'welcome'}
    """
    if format == "yaml":
        return load_yaml(text, max_values=max_values)
    if format == "json":
        return load_json(text, max_mappings=max_values)
    if format == "toml":
        return load_toml(text)
    raise ValueError(f"format must be 'yaml', 'json' or 'toml', not {format!r}")
