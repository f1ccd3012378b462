"""Sphinx directives that generate reference pages from the code itself.

- ``plan-fields MODEL``: a table of a model's keys (name, type, default, description)
  rendered from its JSON Schema, so the plan-file reference cannot drift from the
  models. ``MODEL`` is ``Plan``, ``Rule`` or ``Subject``.
- ``cli-help [COMMAND]``: the ``--help`` text of the command line, from its argparse
  parser.

It also resolves references written against the private modules that public names
are defined in (``touchpoints._model.plan.Plan``) to the public names (``touchpoints.Plan``),
as type hints in signatures name the defining module.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import inspect
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

JsonSchema = Mapping[str, Any]

# Value types that have their own section in the plan-file reference.
_TYPE_LINKS = {"Duration": "durations", "Date expression": "date-expressions"}


def model_schema(name: str, *, root: str = "Plan") -> tuple[JsonSchema, JsonSchema]:
    """The JSON Schema of model ``name`` and the definitions it refers to; ``name`` is
    ``Plan``, ``Subject`` or a model nested in ``root`` (one of those two)."""
    from touchpoints import Subject
    from touchpoints._files import plan_json_schema

    if name == "Subject" or root == "Subject":
        schema = Subject.model_json_schema(by_alias=True)
    else:
        schema = plan_json_schema()
    defs = schema.get("$defs", {})
    if name in ("Plan", "Subject"):
        return schema, defs
    if name in defs:
        return defs[name], defs
    raise ValueError(f"no model {name!r} in {root}; use Plan, Subject or one of {', '.join(defs)}")


@functools.cache
def _value_type_titles() -> dict[str, str]:
    """The titles of the value types, by their schema's description.

    Schemas nested in ``patternProperties`` lose their titles, so the value types
    are recognised by the description their own JSON Schema gives them.
    """
    from touchpoints import AnchorExpression, Duration

    titles = {}
    for kind in (Duration, AnchorExpression):
        schema = kind.__get_pydantic_json_schema__(None, None)  # type: ignore[arg-type]
        titles[schema["description"]] = schema["title"]
    return titles


def type_text(schema: JsonSchema) -> str:
    """A schema's type in words, as Markdown."""
    if "$ref" in schema:
        target = schema["$ref"].rsplit("/", 1)[-1]
        return f"{{ref}}`{target.lower()} <{target.lower()}-keys>`"
    if "anyOf" in schema:
        parts = [type_text(part) for part in schema["anyOf"] if part.get("type") != "null"]
        return " or ".join(dict.fromkeys(parts))
    title = schema.get("title")
    if title not in _TYPE_LINKS:
        title = _value_type_titles().get(schema.get("description", ""))
    if title in _TYPE_LINKS:
        return f"{{ref}}`{title.lower()} <{_TYPE_LINKS[title]}>`"
    if "enum" in schema:
        return "one of " + ", ".join(f"`{value}`" for value in schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "time" or "time of day" in schema.get("description", ""):
            return "time of day"
        if schema.get("format") in ("date", "date-time"):
            return "date" if schema["format"] == "date" else "date and time"
        return "text"
    if kind == "integer":
        low = schema.get("minimum", schema.get("ge"))
        high = schema.get("maximum", schema.get("le"))
        if low is not None and high is not None:
            return f"whole number, {low:,} to {high:,}"
        if low is not None:
            return f"whole number, at least {low:,}"
        return "whole number"
    if kind == "number":
        return "number"
    if kind == "boolean":
        return "true or false"
    if kind == "array":
        return f"list of {type_text(schema.get('items', {}))}"
    if kind == "object":
        values = schema.get("additionalProperties")
        patterns = schema.get("patternProperties")
        if patterns:
            values = next(iter(patterns.values()))
        if isinstance(values, Mapping) and values:
            return f"mapping of names to {type_text(values)}"
        return "mapping"
    if kind == "null":
        return "null"
    return "any value"


def default_text(schema: JsonSchema, *, required: bool) -> str:
    """A key's default, or whether it is required, as Markdown."""
    if "default" not in schema:
        return "**required**" if required else "none"
    value = schema["default"]
    if value is None:
        return "none"
    if isinstance(value, Mapping) and set(value) <= {
        "years",
        "months",
        "weeks",
        "days",
        "hours",
        "minutes",
    }:
        from touchpoints import Duration

        return f"`{Duration(**value)}`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f"`{value}`"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def description_text(schema: JsonSchema) -> str:
    """A key's description and examples, as Markdown."""
    texts = [schema.get("description", "")]
    examples = schema.get("examples")
    for part in schema.get("anyOf", ()):
        if part.get("title") not in _TYPE_LINKS:
            texts.append(part.get("description", ""))
            examples = examples or part.get("examples")
    text = " ".join(dict.fromkeys(t.strip() for t in texts if t.strip()))
    if examples:
        text += " Examples: " + ", ".join(f"`{example}`" for example in examples) + "."
    return text.strip()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def field_table(name: str, *, root: str = "Plan") -> list[str]:
    """The Markdown table of model ``name``'s keys (see :func:`model_schema`)."""
    schema, _ = model_schema(name, root=root)
    required = set(schema.get("required", ()))
    lines = ["| Key | Type | Default | Description |", "| --- | --- | --- | --- |"]
    for key, field in schema.get("properties", {}).items():
        cells = (
            f"`{key}`",
            type_text(field),
            default_text(field, required=key in required),
            description_text(field),
        )
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return lines


class PlanFields(SphinxDirective):
    """``plan-fields MODEL``: the keys of a plan-file model, generated from its schema."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        container = nodes.container(classes=["plan-fields"])
        lines = field_table(self.arguments[0])
        self.state.nested_parse(StringList(lines, source="plan-fields"), 0, container)
        return [container]


def _words(name: str) -> str:
    """``BusinessCalendar`` as "Business calendar"."""
    words = re.findall(r"[A-Z][a-z0-9]*", name)
    return " ".join([words[0], *(word.lower() for word in words[1:])]) if words else name


def other_models(root: str, shown: Iterable[str] = ()) -> list[str]:
    """Sections for the models nested in ``root`` (``Plan`` or ``Subject``) that are not
    in ``shown``: a label, a title, the model's summary and its table of keys, as
    Markdown. A subject's models that plans share are left to the plan's sections."""
    _, defs = model_schema(root)
    skipped = set(shown) | {root}
    if root != "Plan":
        skipped |= set(model_schema("Plan")[1])
    lines: list[str] = []
    for name, schema in defs.items():
        if name in skipped:
            continue
        summary = schema.get("description", "").split("\n\n")[0].replace("\n", " ")
        lines += [f"({name.lower()}-keys)=", "", f"**{_words(name)}**", ""]
        lines += [summary, ""] if summary else []
        lines += [*field_table(name, root=root), ""]
    return lines


class PlanOtherModels(SphinxDirective):
    """``plan-other-models ROOT [SHOWN...]``: the models nested in ``ROOT`` (``Plan`` or
    ``Subject``) not shown elsewhere on the page."""

    required_arguments = 1
    optional_arguments = 20

    def run(self) -> list[nodes.Node]:
        container = nodes.container(classes=["plan-fields"])
        lines = other_models(self.arguments[0], self.arguments[1:])
        self.state.nested_parse(StringList(lines, source="plan-other-models"), 0, container)
        return [container]


@contextlib.contextmanager
def _columns(width: int) -> Iterator[None]:
    """Wrap argparse help to ``width`` columns: argparse reads ``COLUMNS``."""
    environment = os.environ  # noqa: TID251 - the docs build, not the library
    saved = environment.get("COLUMNS")
    environment["COLUMNS"] = str(width)
    try:
        yield
    finally:
        if saved is None:
            del environment["COLUMNS"]
        else:
            environment["COLUMNS"] = saved


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def cli_help(command: str | None = None, *, width: int = 88) -> str:
    """The ``--help`` text of ``touchpoints`` or of one of its commands."""
    from touchpoints._cli import build_parser

    with _columns(width):
        parser = build_parser()
        if command is not None:
            commands = _subcommands(parser)
            if command not in commands:
                raise ValueError(f"no command {command!r}; the commands are {', '.join(commands)}")
            parser = commands[command]
        with contextlib.redirect_stdout(io.StringIO()):
            return parser.format_help().rstrip()


def cli_commands() -> list[str]:
    """The names of the commands, in the order ``--help`` lists them."""
    from touchpoints._cli import build_parser

    return list(_subcommands(build_parser()))


class CliHelp(SphinxDirective):
    """``cli-help [COMMAND]``: the help text of the command line, from its parser."""

    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        command = self.arguments[0] if self.arguments else None
        text = cli_help(command)
        block = nodes.literal_block(text, text, language="text")
        return [block]


class CliCommands(SphinxDirective):
    """``cli-commands``: a section per command, with its summary and ``--help`` text.

    A command added to the parser appears here without editing the page.
    """

    def run(self) -> list[nodes.Node]:
        from touchpoints._cli import build_parser

        summaries: dict[str, str] = {}
        for action in build_parser()._actions:
            if isinstance(action, argparse._SubParsersAction):
                summaries = {choice.dest: choice.help or "" for choice in action._choices_actions}
        sections: list[nodes.Node] = []
        for name in cli_commands():
            title = f"touchpoints {name}"
            section = nodes.section(
                ids=[nodes.make_id(title)], names=[nodes.fully_normalize_name(title)]
            )
            section += nodes.title(title, "", nodes.literal(title, title))
            summary = summaries.get(name, "")
            if summary:
                section += nodes.paragraph(summary, summary[:1].upper() + summary[1:] + ".")
            text = cli_help(name)
            section += nodes.literal_block(text, text, language="text")
            self.state.document.note_implicit_target(section, section)
            sections.append(section)
        return sections


_PRIVATE_PATH = re.compile(
    r"touchpoints(?:\.[a-z_][a-z0-9_]*)*?\._[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*?"
    r"\.(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)"
)


def public_name(path: str) -> str | None:
    """The public name of a path through private modules, or None.

    The modules are the longest importable prefix; what follows is the name.

    >>> public_name("touchpoints._model.plan.Plan")
    'Plan'
    >>> public_name("touchpoints._core.engine.schedule")
    'schedule'
    >>> public_name("touchpoints._model.plan.Plan.rules")
    'Plan.rules'
    >>> public_name("touchpoints.Plan") is None
    True
    """
    if _PRIVATE_PATH.fullmatch(path) is None:
        return None
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
            return ".".join(parts[cut:])
    return None


def resolve_private_paths(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.Element | None:
    """Resolve ``touchpoints._module.Name`` to the documented ``touchpoints.Name``."""
    if node.get("refdomain") != "py":
        return None
    name = public_name(node.get("reftarget", ""))
    if name is None:
        return None
    domain = env.get_domain("py")
    target = f"touchpoints.{name}"
    builder = app.builder
    for role in ("class", "obj", "data", "func", "exc", "attr", "meth"):
        resolved = domain.resolve_xref(
            env, node.get("refdoc", ""), builder, role, target, node, contnode
        )
        if resolved is not None:
            return resolved
    return None


_LONE_COLON = re.compile(r"(?<!:):(?!:)")
_HIDDEN_COLON = "\N{RATIO}"  # looks like a colon; napoleon does not split on it


def hide_summary_colon(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Stop napoleon from reading a property's summary "X: Y" as type "X".

    Napoleon parses the first line of an attribute's or property's docstring as
    ``TYPE: DESCRIPTION``, so a summary such as "True when the length is fixed: no
    years or months" would lose its first half. Our properties carry their type in
    the annotation; the colon is hidden from napoleon and put back after it ran.
    """
    if what in ("property", "attribute") and lines:
        lines[0] = _LONE_COLON.sub(_HIDDEN_COLON, lines[0])


def restore_summary_colon(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Put back the colons :func:`hide_summary_colon` hid."""
    if what in ("property", "attribute"):
        lines[:] = [line.replace(_HIDDEN_COLON, ":") for line in lines]


def skip_named_tuple_fields(
    app: Sphinx, what: str, name: str, obj: object, skip: bool, options: object
) -> bool | None:
    """Leave out the generated "Alias for field number N" members of named tuples;
    their class documents the fields under "Attributes"."""
    if (getattr(obj, "__doc__", None) or "").startswith("Alias for field number"):
        return True
    return None


def public_constants() -> dict[str, str]:
    """The constants ``touchpoints`` exports, and the private modules defining them."""
    import touchpoints

    found = {}
    for name in touchpoints.__all__:
        value = getattr(touchpoints, name)
        if inspect.isclass(value) or inspect.isroutine(value) or inspect.ismodule(value):
            continue
        for module_name, module in sorted(sys.modules.items()):
            if (
                module_name.startswith("touchpoints._")
                and getattr(module, name, None) is value
                and ("", name) in ModuleAnalyzer.for_module(module_name).find_attr_docs()
            ):
                found[name] = module_name
                break
    return found


def fill_constant_docstrings(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Give a re-exported constant (``autodata:: touchpoints.DEFAULT_LIMIT``) the
    docstring written where it is defined, which autodoc does not look for."""
    short = name.removeprefix("touchpoints.")
    module_name = public_constants().get(short)
    if what != "data" or lines or module_name is None or name != f"touchpoints.{short}":
        return
    docs = ModuleAnalyzer.for_module(module_name).find_attr_docs()
    lines.extend(docs[("", short)])


def read_hints_where_defined(app: Sphinx) -> None:
    """Give public names back their defining module for the build.

    The package reports ``touchpoints`` as the module of its public names, but
    autodoc evaluates type hints in the namespace of ``__module__``, where the
    private aliases they use (``TimeZoneName``, ``Slug`` ...) are not defined.
    """
    import touchpoints

    for name in touchpoints.__all__:  # the package loads its names on first use
        getattr(touchpoints, name)
    for name, module in touchpoints._DEFINED_IN.items():
        getattr(touchpoints, name).__module__ = module


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", read_hints_where_defined)
    app.add_directive("plan-fields", PlanFields)
    app.add_directive("plan-other-models", PlanOtherModels)
    app.add_directive("cli-help", CliHelp)
    app.add_directive("cli-commands", CliCommands)
    app.connect("missing-reference", resolve_private_paths)
    # Around napoleon's own handler, which runs at the default priority of 500.
    app.connect("autodoc-process-docstring", hide_summary_colon, priority=400)
    app.connect("autodoc-process-docstring", restore_summary_colon, priority=600)
    app.connect("autodoc-skip-member", skip_named_tuple_fields)
    app.connect("autodoc-process-docstring", fill_constant_docstrings, priority=300)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
