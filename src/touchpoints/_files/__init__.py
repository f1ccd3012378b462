"""Plan and subject files in: the plan API, the plan's JSON Schema, subject files, and
the limits on what is read.

Inside the package, each module has one job (in dependency order): ``positions``
(field paths and where values are), ``wording`` (how found values are described),
``reading`` (safe text: size, format, UTF-8, depth), ``yaml_reader``,
``json_reader`` and ``toml_reader`` (text to data with positions), ``documents``
(the one door to the three), ``messages`` (pydantic's errors in plain words),
``problems`` (errors to located problems), ``plans`` (the plan API), ``schema``
(the JSON Schema), ``limits`` (the bounds on a plan's work and on reports),
``columns`` (column mappings), ``unique_ids`` (repeated ids in little memory),
``csv_subjects`` and ``subjects`` (subject files).

>>> from touchpoints._files import parse_plan_text
>>> parse_plan_text('{"plan": "p", "touchpoints": [{"id": "a", "title": "A", '
...                 '"channel": "call", "at": "purchase"}]}', format="json").id
'p'
"""

from __future__ import annotations

from touchpoints._files.columns import load_column_map, parse_column
from touchpoints._files.csv_subjects import MAX_LINE_BYTES
from touchpoints._files.limits import MAX_DIGITS, MAX_ITEMS, MAX_PROBLEMS, MAX_VALUES
from touchpoints._files.plans import load_plan, parse_plan, parse_plan_text
from touchpoints._files.reading import MAX_DEPTH, MAX_FILE_BYTES
from touchpoints._files.schema import plan_json_schema
from touchpoints._files.subjects import load_subjects, plan_anchor_names, unknown_anchor_message
from touchpoints._files.unique_ids import IdHashes
from touchpoints._files.yaml_reader import MAX_ALIAS_VALUES

__all__ = [
    "MAX_ALIAS_VALUES",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_FILE_BYTES",
    "MAX_ITEMS",
    "MAX_LINE_BYTES",
    "MAX_PROBLEMS",
    "MAX_VALUES",
    "IdHashes",
    "load_column_map",
    "load_plan",
    "load_subjects",
    "parse_column",
    "parse_plan",
    "parse_plan_text",
    "plan_anchor_names",
    "plan_json_schema",
    "unknown_anchor_message",
]
