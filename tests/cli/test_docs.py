"""The generated reference pages: the CLI help and the plan-file key tables.

The docs build itself (``sphinx-build -W`` in ``python3 dev.py test``) checks that
they render without warnings; these tests check what they say.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from touchpoints import Plan, Rule, Subject
from touchpoints._cli import COMMANDS

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def ext() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "touchpoints_docs", DOCS / "_ext" / "touchpoints_docs.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("touchpoints_docs", module)
    spec.loader.exec_module(module)
    return module


class TestCliReference:
    def test_every_command_is_listed(self, ext):
        page = (DOCS / "cli.md").read_text(encoding="utf-8")
        assert "\n```{cli-commands}\n```\n" in page  # a section per command, generated
        commands = ext.cli_commands()
        assert len(commands) == len(COMMANDS)
        assert commands[:4] == ["validate", "explain", "preview", "schema"]
        for name in commands:
            assert ext.cli_help(name).startswith(f"usage: touchpoints {name} ")

    def test_the_help_is_the_parsers(self, ext):
        text = ext.cli_help("preview")
        assert text.startswith("usage: touchpoints preview [-h] [--debug]")
        assert "--anchor NAME=DATE" in text
        assert max(len(line) for line in text.splitlines()) <= 88

    def test_an_unknown_command(self, ext):
        with pytest.raises(ValueError, match="no command 'expor'; the commands are validate"):
            ext.cli_help("expor")


class TestPlanReference:
    @pytest.mark.parametrize(
        ("model", "keys"),
        [
            (model, [field.alias or name for name, field in model.model_fields.items()])
            for model in (Plan, Rule, Subject)
        ],
    )
    def test_every_key_of_every_model_is_listed(self, ext, model, keys):
        table = ext.field_table(model.__name__)
        assert table[:2] == ["| Key | Type | Default | Description |", "| --- | --- | --- | --- |"]
        listed = [row.split(" | ")[0].removeprefix("| ").strip("`") for row in table[2:]]
        assert listed == keys

    def test_rows_of_the_plan(self, ext):
        rows = {row.split(" | ")[0].removeprefix("| "): row for row in ext.field_table("Plan")}
        assert rows["`plan`"].startswith(
            "| `plan` | text | **required** | The plan's stable identifier."
        )
        assert rows["`horizon`"].startswith(
            "| `horizon` | {ref}`duration <durations>` | `5 years` | "
        )
        assert rows["`touchpoints`"].startswith(
            "| `touchpoints` | list of {ref}`rule <rule-keys>` | **required** |"
        )
        assert rows["`anchors`"].startswith(
            "| `anchors` | mapping of names to {ref}`date expression <date-expressions>` | none |"
        )

    @pytest.mark.parametrize(
        ("schema", "words"),
        [
            ({"type": "integer", "minimum": 1, "maximum": 100_000}, "whole number, 1 to 100,000"),
            ({"type": "integer", "minimum": 1}, "whole number, at least 1"),
            ({"type": "integer"}, "whole number"),
            ({"type": "number"}, "number"),
            ({"type": "boolean"}, "true or false"),
            ({"type": "string", "format": "date"}, "date"),
            ({"type": "string", "format": "date-time"}, "date and time"),
            ({"type": "string", "format": "time"}, "time of day"),
            ({"type": "array", "items": {"type": "string"}}, "list of text"),
            (
                {"type": "object", "additionalProperties": {"type": "integer"}},
                "mapping of names to whole number",
            ),
            ({"type": "object"}, "mapping"),
            ({"enum": ["low", "high"]}, "one of `low`, `high`"),
            ({"anyOf": [{"type": "string"}, {"type": "null"}]}, "text"),
            ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, "text or whole number"),
            ({}, "any value"),
        ],
    )
    def test_types_in_words(self, ext, schema, words):
        assert ext.type_text(schema) == words

    @pytest.mark.parametrize(
        ("schema", "required", "words"),
        [
            ({}, True, "**required**"),
            ({}, False, "none"),
            ({"default": None}, False, "none"),
            ({"default": False}, False, "`false`"),
            ({"default": []}, False, "`[]`"),
            ({"default": 5}, False, "`5`"),
            ({"default": "5 years"}, False, "`5 years`"),
            ({"default": {"years": 1, "months": 6}}, False, "`1 year 6 months`"),
        ],
    )
    def test_defaults_in_words(self, ext, schema, required, words):
        assert ext.default_text(schema, required=required) == words

    def test_a_pipe_in_a_description_stays_in_its_cell(self, ext):
        assert ext._cell("a | b\nc") == "a \\| b c"


class TestApiReference:
    def test_every_public_constant_is_documented(self, ext):
        import inspect

        import touchpoints

        constants = [
            name
            for name in touchpoints.__all__
            if not (
                inspect.isclass(getattr(touchpoints, name))
                or inspect.isroutine(getattr(touchpoints, name))
            )
        ]
        page = (DOCS / "api.md").read_text(encoding="utf-8")
        documented = re.findall(r"^\.\. autodata:: touchpoints\.(\w+)$", page, flags=re.MULTILINE)
        assert sorted(documented) == sorted(constants)
        assert set(ext.public_constants()) == set(constants)  # each has a docstring

    @pytest.mark.parametrize("module_name", ["touchpoints", "touchpoints.testing"])
    def test_every_public_class_and_function_has_a_docstring(self, module_name):
        # autodoc leaves out members without a docstring, silently.
        import importlib
        import inspect

        module = importlib.import_module(module_name)
        undocumented = [
            name
            for name in module.__all__
            if (inspect.isclass(getattr(module, name)) or inspect.isroutine(getattr(module, name)))
            and not (getattr(module, name).__doc__ or "").strip()
        ]
        assert undocumented == []


class TestNestedModels:
    def test_every_nested_model_gets_one_section(self, ext):
        plan_defs = set(ext.model_schema("Plan")[1])
        subject_defs = set(ext.model_schema("Subject")[1])
        page = (DOCS / "plan-files.md").read_text(encoding="utf-8")
        labels = re.findall(r"^\((\w+)-keys\)=$", page, flags=re.MULTILINE)
        for lines in (ext.other_models("Plan", ["Plan", "Rule"]), ext.other_models("Subject")):
            labels += [m[1] for line in lines if (m := re.fullmatch(r"\((\w+)-keys\)=", line))]
        assert sorted(labels) == sorted(
            {"plan", "subject", *map(str.lower, plan_defs | subject_defs)}
        )

    def test_a_section_has_a_title_a_summary_and_a_table(self, ext):
        lines = ext.other_models("Plan", ["Plan", "Rule"])
        label = lines[0]
        assert re.fullmatch(r"\(\w+-keys\)=", label)
        assert lines[2].startswith("**")
        assert "| Key | Type | Default | Description |" in lines

    def test_an_unknown_model(self, ext):
        with pytest.raises(ValueError, match="no model 'Nope' in Plan"):
            ext.field_table("Nope")
