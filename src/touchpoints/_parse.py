"""Plan files: text in, a validated :class:`~touchpoints.Plan` out.

This is the edge where untrusted files come in, so it reads defensively and reports
every problem at once, in words an operations person can act on:

- Formats by file extension: YAML (``.yaml``/``.yml``, safe loading only), TOML
  (``.toml``) and JSON (``.json``). Files must be UTF-8; a byte-order mark is allowed.
- Limits: files larger than :data:`MAX_FILE_BYTES` and data nested deeper than
  :data:`MAX_DEPTH` are refused; YAML aliases may repeat at most
  :data:`MAX_ALIAS_VALUES` values (which stops "billion laughs" files); YAML tags
  other than the plain ones (``!!python/object`` and the like) are refused; a key
  given twice in one mapping is an error, not silently the last one.
- YAML keys are always read as text. Values follow YAML 1.2 where YAML 1.1 (which
  PyYAML implements) surprises people: an unquoted ``10:00`` is the text ``"10:00"``
  (not the sexagesimal number 600), and only ``true`` and ``false`` are booleans
  (``yes``, ``no``, ``on`` and ``off`` are text).
- Positions: every problem names its field path (``touchpoints[2].every``). For YAML
  and JSON it also gives the 1-based line and column of the value (of the key, for
  an unknown key; of the enclosing mapping, for a missing key). For TOML, lines are
  found for keys written one per line under ``[table]`` and ``[[array]]`` headers;
  inside inline tables the line of the enclosing key is given.

Pydantic's ``ValidationError`` becomes a :class:`~touchpoints.PlanError` that keeps
it as ``__cause__``.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any, Final, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from touchpoints._errors import PlanError, Problem
from touchpoints._models import _ANCHOR_NAME, _SLUG, KNOWN_CHANNELS, Plan, Subject

__all__ = [
    "MAX_ALIAS_VALUES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "load_plan",
    "parse_plan",
    "parse_plan_text",
    "plan_json_schema",
]

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
"""The largest plan (or YAML/JSON subject) file read: 10 MiB."""
MAX_DEPTH: Final = 32
"""The deepest nesting of lists and mappings accepted in a file."""
MAX_ALIAS_VALUES: Final = 100_000
"""How many values YAML aliases (``*name``) may repeat in one file."""

Format = Literal["yaml", "json", "toml"]
FieldPath = tuple[str | int, ...]
Position = tuple[int, int]

_FORMATS: Final[Mapping[str, Format]] = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".toml": "toml",
}
_SCHEMA_URI: Final = "https://json-schema.org/draft/2020-12/schema"


# -- Reading files -------------------------------------------------------------------


class DocumentError(Exception):
    """Problems that stop a file from being read; the public functions wrap them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def _stop(message: str, position: Position | None = None) -> DocumentError:
    line, column = position if position is not None else (None, None)
    return DocumentError([Problem("", message, line, column)])


def read_text(path: Path, *, max_bytes: int, what: str) -> str:
    """The file's text, decoded as UTF-8 (with or without a byte-order mark).

    Raises:
        DocumentError: the file is missing, too large or not UTF-8.
    """
    try:
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        raise _stop(f"cannot read the file: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise _stop(
            f"the file is larger than {_size(max_bytes)}, the most a {what} file may be; "
            "check that this is the right file"
        )
    return decode(data)


def decode(data: bytes, first_offset: int = 0, first_line: int = 1) -> str:
    """UTF-8 bytes to text; a leading byte-order mark is dropped.

    Raises:
        DocumentError: a byte is not UTF-8; the message gives its offset and line.
    """
    skip = 3 if first_offset == 0 and data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + skip
        line_start = data.rfind(b"\n", 0, offset) + 1
        line = first_line + data.count(b"\n", 0, offset)
        column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
        raise _stop(
            f"the file is not UTF-8 text: byte 0x{data[offset]:02x} at byte offset "
            f"{first_offset + offset} cannot be read; save the file with the UTF-8 encoding",
            (line, column),
        ) from None


def _size(count: int) -> str:
    mib = count / (1024 * 1024)
    return f"{mib:g} MB" if mib >= 1 else f"{count:,} bytes"


def format_of(path: Path, allowed: Mapping[str, str]) -> str:
    """The file format its extension names.

    Raises:
        DocumentError: the extension is not one of ``allowed``.
    """
    suffix = path.suffix.lower()
    if suffix not in allowed:
        names = ", ".join(sorted(allowed))
        found = f"'{path.suffix}'" if path.suffix else "no extension"
        raise _stop(
            f"cannot tell the file's format from {found}; give it one of these extensions: {names}"
        )
    return allowed[suffix]


# -- Documents with positions ----------------------------------------------------------


@dataclass
class Document:
    """Data read from a file, and where each value and key starts in it."""

    data: object
    values: dict[FieldPath, Position] = field(default_factory=dict)
    keys: dict[FieldPath, Position] = field(default_factory=dict)
    problems: list[tuple[FieldPath, Problem]] = field(default_factory=list)
    """Problems found while reading that do not stop validation (a repeated key)."""

    def locate(self, path: FieldPath, *, key: bool = False) -> Position | None:
        """The position of ``path`` (of its key when ``key``), or of its closest parent."""
        if key and path in self.keys:
            return self.keys[path]
        while True:
            if path in self.values:
                return self.values[path]
            if not path:
                return None
            path = path[:-1]


def load_document(text: str, format: str) -> Document:
    """Parse text in ``format`` into plain data with positions.

    Raises:
        DocumentError: the text is not valid in its format, or breaks a limit.
    """
    if format == "yaml":
        return _Builder().build_document(_compose(text))
    if format == "json":
        return _load_json(text)
    if format == "toml":
        return _load_toml(text)
    raise ValueError(f"format must be 'yaml', 'json' or 'toml', not {format!r}")


# YAML: composed into nodes (which keep their positions), then built by hand so that
# aliases, tags, duplicate keys and depth are all under control.

_TAG: Final = "tag:yaml.org,2002:"
_SCALAR_TAGS: Final = frozenset(
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_CONSTRUCTOR: Final = yaml.constructor.SafeConstructor()


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """A safe loader whose composer stops at :data:`MAX_DEPTH` levels of nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _mark(mark: yaml.Mark) -> Position:
    return mark.line + 1, mark.column + 1


def _too_deep() -> str:
    return f"the data is nested more than {MAX_DEPTH} levels deep; plans and subjects need a few"


def _compose(text: str) -> Node | None:
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # this already checks for control characters
        return loader.get_single_node()
    except _TooDeep as error:
        raise _stop(_too_deep(), _mark(error.mark)) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise _stop(
            f"the file contains the control character U+{error.character:04X}, which "
            "YAML does not allow; remove it",
            (line, column),
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "unexpected text"
        hint = ""
        if "<block end>" in problem or "<block mapping start>" in problem:
            problem = "the indentation is inconsistent"
            hint = "; the keys of one mapping must start in the same column"
        elif "mapping values are not allowed" in problem:
            hint = "; check the indentation, and put text containing ': ' in quotes"
        elif "found character '\\t'" in problem:
            hint = "; YAML indents with spaces, not tabs"
        elif "expected a single document" in (error.context or ""):
            problem = "the file holds more than one YAML document ('---')"
            hint = "; put one plan in each file"
        raise _stop(
            f"this is not valid YAML: {problem}{hint}",
            _mark(mark) if mark is not None else None,
        ) from None
    except RecursionError:
        raise _stop(_too_deep()) from None
    finally:
        if loader is not None:
            loader.dispose()


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _shown(text: str) -> str:
    """Text from a file, quoted for a message and cut short when it is long."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _found(value: object) -> str:
    """How a value read from a file is described in a message."""
    if isinstance(value, str):
        return f"the text {_shown(value)}" if value else "empty text"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping of keys and values"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    return f"a value of type {type(value).__name__}"


class _Builder:
    """Builds plain data from YAML nodes, recording positions and problems."""

    def __init__(self) -> None:
        self.document = Document(None)
        self.built: set[int] = set()
        self.open: set[int] = set()  # the nodes being built, from the root down
        self.repeated = 0

    def build_document(self, node: Node | None) -> Document:
        if node is not None:
            self.document.data = self.build(node, (), 0, repeat=False)
        return self.document

    def problem(self, path: FieldPath, message: str, mark: yaml.Mark) -> None:
        line, column = _mark(mark)
        self.document.problems.append((path, Problem(location(path), message, line, column)))

    def build(self, node: Node, path: FieldPath, depth: int, *, repeat: bool) -> object:
        if id(node) in self.open:
            raise _stop(
                "an alias (*name) refers to a value that contains it, which would never "
                "end; write the value out instead",
                _mark(node.start_mark),
            )
        if depth > MAX_DEPTH:
            raise _stop(_too_deep(), _mark(node.start_mark))
        repeat = repeat or id(node) in self.built
        self.built.add(id(node))
        if repeat:
            self.repeated += 1
            if self.repeated > MAX_ALIAS_VALUES:
                raise _stop(
                    f"the file's aliases (*name) repeat more than {MAX_ALIAS_VALUES:,} "
                    "values, far more than a plan or subject needs; write the values out instead"
                )
        self.document.values[path] = _mark(node.start_mark)
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        self.open.add(id(node))
        try:
            return self.collection(node, path, depth, repeat=repeat)
        finally:
            self.open.discard(id(node))

    def collection(self, node: Node, path: FieldPath, depth: int, *, repeat: bool) -> object:
        if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
            return [
                self.build(item, (*path, index), depth + 1, repeat=repeat)
                for index, item in enumerate(node.value)
            ]
        if isinstance(node, MappingNode) and node.tag == _TAG + "map":
            return self.mapping(node, path, depth, repeat=repeat)
        self.problem(path, self._tag_message(node.tag), node.start_mark)
        return None

    @staticmethod
    def _tag_message(tag: str) -> str:
        return (
            f"the YAML tag '{_tag_name(tag)}' is not allowed; use only plain text, "
            "numbers, true/false, dates, lists and mappings"
        )

    def scalar(self, node: ScalarNode, path: FieldPath) -> object:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            self.problem(path, self._tag_message(tag), node.start_mark)
            return None
        if (
            tag == _TAG + "str"
            or (tag in {_TAG + "int", _TAG + "float"} and ":" in node.value)
            or (tag == _TAG + "bool" and node.value.lower() not in ("true", "false"))
        ):
            return node.value  # YAML 1.1 reads 10:00 as 600 and "no" as false
        try:
            return _CONSTRUCTOR.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError):
            if tag == _TAG + "timestamp":
                message = f"{_shown(node.value)} is not a real date; write dates like '2026-01-15'"
            else:
                message = f"the number {_shown(node.value)} has too many digits"
            self.problem(path, message, node.start_mark)
            return node.value

    def mapping(
        self, node: MappingNode, path: FieldPath, depth: int, *, repeat: bool
    ) -> dict[str, object]:
        result: dict[str, object] = {}
        explicit: dict[str, yaml.Mark] = {}
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged.extend(self._merged_pairs(value_node))
                continue
            if not isinstance(key_node, ScalarNode):
                self.problem(path, "a key must be plain text", key_node.start_mark)
                continue
            key = str(key_node.value)
            if key in explicit:
                first = explicit[key].line + 1
                self.problem(
                    (*path, key),
                    f"the key {key!r} is given twice in this mapping (first on line "
                    f"{first}); give each key once",
                    key_node.start_mark,
                )
                continue
            explicit[key] = key_node.start_mark
            self.document.keys[(*path, key)] = _mark(key_node.start_mark)
            result[key] = self.build(value_node, (*path, key), depth + 1, repeat=repeat)
        for key_node, value_node in merged:
            key = str(key_node.value)
            if key not in result:
                self.document.keys[(*path, key)] = _mark(key_node.start_mark)
                result[key] = self.build(value_node, (*path, key), depth + 1, repeat=True)
        return result

    def _merged_pairs(self, node: Node) -> Iterator[tuple[Node, Node]]:
        # YAML merge keys ("<<: *defaults"): earlier mappings win over later ones.
        sources = node.value if isinstance(node, SequenceNode) else [node]
        for source in sources:
            if isinstance(source, MappingNode):
                yield from (
                    (key, value) for key, value in source.value if isinstance(key, ScalarNode)
                )
            else:
                self.problem((), "'<<' merges only mappings", source.start_mark)


def _load_json(text: str) -> Document:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        raise _stop(f"this is not valid JSON: {error.msg}", (error.lineno, error.colno)) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise _stop("the file holds a number with too many digits") from None
    except RecursionError:
        raise _stop(_too_deep()) from None
    _check_depth(data)
    document = _LazyJsonDocument(data, text)
    if duplicates:
        # The positions of the repeated keys come from reading the text as YAML.
        try:
            found = _Builder().build_document(_compose(text.replace("\t", " ")))
        except DocumentError:
            found = Document(None)
        document.problems = [item for item in found.problems if "twice" in item[1].message]
        if not document.problems:
            document.problems = [
                ((), Problem("", f"the key {key!r} is given twice in one mapping"))
                for key in dict.fromkeys(duplicates)
            ]
    return document


class _LazyJsonDocument(Document):
    """A JSON document whose positions are found only when a problem needs them.

    Python's JSON reader does not keep positions, so the text is read a second time,
    as YAML (JSON is nearly a subset of it), when a problem is to be located. Files
    above 1 MB are not re-read, and their problems carry only the field path.
    """

    def __init__(self, data: object, text: str) -> None:
        super().__init__(data)
        self._text: str | None = text

    def locate(self, path: FieldPath, *, key: bool = False) -> Position | None:
        if self._text is not None:
            text, self._text = self._text, None
            if len(text) <= 1024 * 1024:
                try:
                    found = _Builder().build_document(_compose(text.replace("\t", " ")))
                except DocumentError:
                    pass
                else:
                    self.values, self.keys = found.values, found.keys
        return super().locate(path, key=key)


def _check_depth(data: object) -> None:
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _stop(_too_deep())
        if isinstance(value, Mapping):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


_TOML_WHERE: Final = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_HEADER: Final = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY: Final = re.compile(
    r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"))*)\s*=\s*"
)


def _load_toml(text: str) -> Document:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = _TOML_WHERE.search(message)
        position = (int(where[1]), int(where[2])) if where else None
        if "(at end of document)" in message:
            position = (text.count("\n") + 1, len(text) - text.rfind("\n"))
        message = _TOML_WHERE.sub("", message).replace(" (at end of document)", "")
        raise _stop(
            f"this is not valid TOML: {message[:1].lower()}{message[1:]}", position
        ) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise _stop("the file holds a number with too many digits") from None
    except RecursionError:
        raise _stop(_too_deep()) from None
    _check_depth(data)
    document = Document(data)
    _locate_toml(text, document)
    return document


def _toml_path(text: str) -> FieldPath:
    return tuple(part.strip().strip('"') for part in text.split("."))


def _locate_toml(text: str, document: Document) -> None:
    """Record the lines of keys written one per line (see the module docstring)."""
    table: FieldPath = ()
    counts: dict[FieldPath, int] = {}
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            in_string = line.count('"""') % 2 == 0 and line.count("'''") % 2 == 0
            continue
        header = _TOML_HEADER.match(line)
        if header:
            name = _toml_path(header[2])
            if header[1] == "[[":
                index = counts[name] = counts.get(name, -1) + 1
                table = (*name, index)
            else:
                table = name
            document.values.setdefault(table, (number, line.index("[") + 1))
            continue
        key = _TOML_KEY.match(line)
        if key:
            path = (*table, *_toml_path(key[1]))
            document.keys.setdefault(path, (number, len(line) - len(line.lstrip()) + 1))
            document.values.setdefault(path, (number, key.end() + 1))
            rest = line[key.end() :]
            in_string = rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1


# -- Validation errors to problems ------------------------------------------------------


def location(path: FieldPath) -> str:
    """A field path as text: ``touchpoints[2].every``.

    >>> location(("touchpoints", 2, "every"))
    'touchpoints[2].every'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


_PATTERNS: Final = {
    _SLUG: (
        "is not a valid id: use lowercase letters, digits, '.', '_' and '-', starting "
        "and ending with a letter or digit, at most 64 characters (like 'check-up')"
    ),
    _ANCHOR_NAME: (
        "is not a valid anchor name: use letters, digits and '_', starting with a "
        "letter (like 'purchase' or 'contract_end')"
    ),
    r"^[a-z][a-z0-9_-]{0,31}$": (
        f"is not a valid channel: use {', '.join(KNOWN_CHANNELS)}, or another "
        "lowercase word of at most 32 characters"
    ),
    r"^[^,;\\\r\n]+$": "is not a valid tag: a tag cannot contain ',', ';', '\\' or line breaks",
}
_RULE_HINT: Final = "a touch point, with keys such as id, title, channel and at"
# Pydantic names the members of a union in the error location; these are dropped.
_UNION_TAGS: Final = frozenset({"str", "int", "float", "bool", "date", "datetime"})
_CUSTOM_KINDS: Final = frozenset(
    {"timezone", "timing", "rrule", "duration", "contact_time", "anchors", "subject"}
)


@dataclass(frozen=True)
class _Issue:
    path: FieldPath
    message: str
    at_key: bool = False
    union: bool = False


def _clean(loc: tuple[int | str, ...]) -> tuple[FieldPath, bool]:
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


def _fields_at(root: type[BaseModel], path: FieldPath) -> list[str] | None:
    """The keys a mapping at ``path`` may have, when it is a model's mapping."""
    model: type[BaseModel] | None = root
    skip_key = False  # the next part is a key of a mapping of models
    for part in path:
        if isinstance(part, int):
            continue
        if skip_key:
            skip_key = False
            continue
        if model is None:
            return None
        fields = {info.alias or name: info for name, info in model.model_fields.items()}
        if part not in fields:
            return None
        model, skip_key = _nested_model(fields[part].annotation)
    if model is None:
        return None
    return sorted(info.alias or name for name, info in model.model_fields.items())


def _nested_model(annotation: object) -> tuple[type[BaseModel] | None, bool]:
    """The model inside a field's type, and whether it is the value of a mapping."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    arguments = get_args(annotation)
    if get_origin(annotation) in (dict, Mapping) and len(arguments) == 2:
        return _nested_model(arguments[1])[0], True
    for argument in arguments:
        model, in_mapping = _nested_model(argument)
        if model is not None:
            return model, in_mapping
    return None, False


def unknown_key_message(key: str, valid: list[str] | None) -> str:
    """The message for an unknown key, suggesting the closest valid one.

    >>> unknown_key_message("evry", ["at", "every", "until"])
    "unknown key 'evry'; did you mean 'every'?"
    >>> unknown_key_message("colour", ["at", "every"])
    "unknown key 'colour'; the keys allowed here are: at, every"
    """
    if not valid:
        return f"unknown key {key!r}"
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    if not close:
        close = [name for name in valid if name.lower() == key.lower().strip()]
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}; the keys allowed here are: {', '.join(valid)}"


def _message(detail: ErrorDetails, path: FieldPath, root: type[BaseModel]) -> str:
    kind = detail["type"]
    value = detail.get("input")
    ctx = detail.get("ctx") or {}
    message = str(detail["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    found = _found(value)
    if kind in {"duration", "duration_type", "expression", "expression_type"}:
        return _duration_message(kind, message, value, path)
    if kind in _CUSTOM_KINDS:
        return message
    if root is Subject and len(path) == 2 and path[0] == "attributes" and kind != "missing":
        return f"an attribute is text, a number, true or false, or empty; found {found}"
    if kind == "string_type":
        quotable = isinstance(value, int | float | date) and not isinstance(value, bool)
        hint = f" (put it in quotes if you mean text: '{value}')" if quotable else ""
        return f"expected text, found {found}{hint}"
    if path and path[-1] == "priority" and kind != "missing":
        return (
            "a priority is a number from 1 (highest) to 9 (lowest), or one of the words "
            f"highest, high, normal, low, lowest; found {found}"
        )
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"expected a whole number, found {found}"
    if kind in {"float_type", "float_parsing"}:
        return f"expected a number, found {found}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"expected true or false, found {found}"
    if kind in {"tuple_type", "list_type"}:
        return f"expected a list, found {found}; write a list like [first, second]"
    if kind in {"dict_type", "mapping_type", "model_type", "model_attributes_type"}:
        what = _RULE_HINT if ctx.get("class_name") == "Rule" else "keys and values"
        return f"expected a mapping ({what}), found {found}"
    if kind == "string_pattern_mismatch":
        explanation = _PATTERNS.get(str(ctx.get("pattern")), "does not have the expected form")
        return f"{_shown(str(value))} {explanation}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters are allowed"
    if kind == "too_short":
        if path == ("touchpoints",) and root is Plan:
            return "a plan needs at least one touch point"
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"has too many items: at most {ctx.get('max_length')} are allowed"
    if kind in {"greater_than_equal", "greater_than"}:
        bound = ctx.get("ge", ctx.get("gt"))
        return f"must be at least {bound}, found {found}"
    if kind in {"less_than_equal", "less_than"}:
        bound = ctx.get("le", ctx.get("lt"))
        return f"must be at most {bound}, found {found}"
    if kind.startswith("time_"):
        return f"expected a time of day like '10:00' or '14:30', found {found}"
    if kind.startswith(("date_", "datetime_")):
        return f"expected a date like '2026-01-15', found {found}"
    if kind == "missing":
        return f"the required key {path[-1]!r} is missing"
    if kind == "extra_forbidden":
        return unknown_key_message(str(path[-1]), _fields_at(root, path[:-1]))
    if kind in {"literal_error", "enum"}:
        return f"expected {ctx.get('expected')}, found {found}"
    if message.startswith("Input should be "):  # any other of pydantic's own messages
        return f"expected {message.removeprefix('Input should be ')}, found {found}"
    return message


def _duration_message(kind: str, message: str, value: object, path: FieldPath) -> str:
    is_interval = bool(path) and path[-1] == "every"
    if kind.endswith("_type"):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and kind == "duration_type":
            return f"found the number {value}, but a duration needs a unit, such as '{value} days'"
        if number:
            return (
                f"found the number {value}, but a date is an anchor name, optionally plus "
                f"or minus a duration, such as 'purchase + {value} days'"
            )
        return f"{message}; found {_found(value)}"
    if isinstance(value, str) and value.strip().startswith("-") and kind == "duration":
        if is_interval:
            return (
                f"the interval must be longer than zero, such as '90 days'; found {_shown(value)}"
            )
        return f"a duration cannot be negative; found {_shown(value)}"
    if kind == "expression" and isinstance(value, str) and not message.startswith(repr(value)):
        return f"{_shown(value)} is not a valid date expression: {message}"
    return message


def _issues(details: list[ErrorDetails], root: type[BaseModel]) -> list[_Issue]:
    issues: list[_Issue] = []
    failed_items = {_clean(d["loc"])[0][:1] for d in details if len(_clean(d["loc"])[0]) > 1}
    for detail in details:
        path, union = _clean(detail["loc"])
        ctx = detail.get("ctx") or {}
        if detail["type"] == "too_short" and path in failed_items:
            continue  # pydantic's echo of item errors that are reported on their own
        if detail["type"] == "plan" and "problems" in ctx:
            issues.extend(_Issue((*path, *where), text) for where, text in ctx["problems"])
            continue
        if "key" in ctx:
            path = (*path, str(ctx["key"]))
        at_key = detail["type"] == "extra_forbidden" or "[key]" in detail["loc"]
        issues.append(_Issue(path, _message(detail, path, root), at_key, union))
    # A value that fits no member of a union gets one error per member: keep the first.
    unions = {issue.path: issue for issue in reversed(issues) if issue.union}
    return [issue for issue in issues if not issue.union or unions[issue.path] is issue]


def _to_problems(
    issues: list[_Issue], document: Document | None, prefix: FieldPath = ()
) -> list[Problem]:
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
    """Problems in the order of the file's lines; those without a line keep their order."""
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
    """
    issues = _issues(error.errors(include_url=False), root)
    return _with_reading_problems(_to_problems(issues, document, prefix), document, prefix)


def _with_reading_problems(
    problems: list[Problem], document: Document | None, prefix: FieldPath = ()
) -> list[Problem]:
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


# Placeholders that let the plan-wide checks run when a top-level value is invalid.
_PLACEHOLDERS: Final[Mapping[str, object]] = {"plan": "plan", "contact_time": "10:00"}
_INDEX: Final = re.compile(r"touchpoints\[(\d+)\]")


def _plan_wide_problems(data: Mapping[str, Any], details: list[ErrorDetails]) -> list[_Issue]:
    """The plan-wide checks (duplicate ids, 'until' before 'starting' ...) for a plan
    whose fields have problems, so that those are reported in the same run.

    Pydantic runs a model's own checks only when all its fields are valid, so they
    run again on the plan without its invalid touch points and values.
    """
    bad_rules: set[int] = set()
    bad_keys: set[str] = set()
    bad_anchors: set[str] = set()
    for detail in details:
        path, _ = _clean(detail["loc"])
        if len(path) >= 2 and path[0] == "touchpoints" and isinstance(path[1], int):
            bad_rules.add(path[1])
        elif len(path) >= 2 and path[0] == "anchors":
            bad_anchors.add(str(path[1]))
        elif path:
            bad_keys.add(str(path[0]))
    if "touchpoints" in bad_keys or not isinstance(data.get("touchpoints"), list):
        return []
    rules = data["touchpoints"]
    kept = [index for index in range(len(rules)) if index not in bad_rules]
    if not kept:
        return []
    partial: dict[str, Any] = {key: value for key, value in data.items() if key not in bad_keys}
    partial.update({key: _PLACEHOLDERS[key] for key in bad_keys if key in _PLACEHOLDERS})
    partial["touchpoints"] = [rules[index] for index in kept]
    if isinstance(data.get("anchors"), Mapping) and "anchors" not in bad_keys:
        partial["anchors"] = {k: v for k, v in data["anchors"].items() if k not in bad_anchors}
    try:
        Plan.model_validate(partial)
    except ValidationError as error:
        issues = [i for i in _issues(error.errors(include_url=False), Plan) if not i.union]

        def original(match: re.Match[str]) -> str:
            return f"touchpoints[{kept[int(match[1])]}]"

        return [
            _Issue(_original_path(issue.path, kept), _INDEX.sub(original, issue.message))
            for issue in issues
        ]
    return []


def _original_path(path: FieldPath, kept: list[int]) -> FieldPath:
    if len(path) > 1 and path[0] == "touchpoints" and isinstance(path[1], int):
        return ("touchpoints", kept[path[1]], *path[2:])
    return path


# -- Public functions -----------------------------------------------------------------


def _validate_plan(document: Document, source: str | None) -> Plan:
    data = document.data
    if document.problems and not isinstance(data, Mapping):
        problems = [problem for _, problem in document.problems]
        raise PlanError(sort_problems(problems), source=source)
    if data is None:
        raise PlanError(
            [Problem("", "the plan is empty; it needs at least 'plan' and 'touchpoints'")],
            source=source,
        )
    if not isinstance(data, Mapping):
        position = document.locate(())
        line, column = position if position is not None else (None, None)
        raise PlanError(
            [
                Problem(
                    "",
                    "a plan is a mapping of keys (plan, name, touchpoints ...), "
                    f"found {_found(data)}",
                    line,
                    column,
                )
            ],
            source=source,
        )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        details = error.errors(include_url=False)
        issues = _issues(details, Plan) + _plan_wide_problems(data, details)
        problems = _with_reading_problems(_to_problems(issues, document), document)
        raise PlanError(sort_problems(problems), source=source) from error
    if document.problems:
        problems = [problem for _, problem in document.problems]
        raise PlanError(sort_problems(problems), source=source)
    return plan


def parse_plan(data: Mapping[str, Any], *, source: str | None = None) -> Plan:
    """Validate plan data (as read from a file) into a :class:`~touchpoints.Plan`.

    Args:
        data: the plan as plain data: mappings, lists, text and numbers.
        source: where the data came from, for the error message.

    Raises:
        PlanError: the data is not a valid plan; every problem is listed.

    >>> parse_plan({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "evry": "1 day"}]})
    Traceback (most recent call last):
    ...
    touchpoints._errors.PlanError: 1 problem with the plan:
      touchpoints[0].evry: unknown key 'evry'; did you mean 'every'?
    """
    return _validate_plan(Document(data), source)


def parse_plan_text(text: str, *, format: str, source: str | None = None) -> Plan:
    """Parse and validate a plan written as YAML, JSON or TOML text.

    Args:
        text: the plan file's content.
        format: ``"yaml"`` (or ``"yml"``), ``"json"`` or ``"toml"``, in any case.
        source: where the text came from, for the error message.

    Raises:
        PlanError: the text is not a valid plan; every problem is listed with its
            line and column.
        ValueError: ``format`` is not one of the three.

    >>> plan = parse_plan_text('''
    ... plan: welcome
    ... contact_time: 10:00
    ... touchpoints:
    ...   - {id: call, title: Welcome call, channel: call, at: purchase + 3 days}
    ... ''', format="yaml")
    >>> plan.id, str(plan.contact_time), str(plan.touchpoints[0].at)
    ('welcome', '10:00:00', 'purchase + 3 days')
    >>> parse_plan_text('plan: welcome\\ntouchpoints:\\n  - {id: call, title: Hi, channel: call,'
    ...                 ' every: 0 days, starting: purchase}\\n', format="yaml", source="w.yaml")
    Traceback (most recent call last):
    ...
    touchpoints._errors.PlanError: 1 problem with the plan in w.yaml:
      line 3, column 49, touchpoints[0].every: the interval must be longer than zero,
      such as '90 days'; found '0 days'
    """
    name = {"yml": "yaml"}.get(format.lower(), format.lower())
    if name not in ("yaml", "json", "toml"):
        raise ValueError(f"format must be 'yaml', 'json' or 'toml', not {format!r}")
    try:
        document = load_document(text, name)
    except DocumentError as error:
        raise PlanError(error.problems, source=source) from None
    return _validate_plan(document, source)


def load_plan(path: str | PathLike[str], *, max_bytes: int = MAX_FILE_BYTES) -> Plan:
    """Read and validate a plan file: YAML, TOML or JSON, chosen by its extension.

    Every problem in the file is reported at once, each with its field path (such as
    ``touchpoints[2].every``). YAML and JSON problems also give the 1-based line and
    column of the value (of the key, for an unknown key; of the enclosing mapping,
    for a missing key); TOML problems give them for keys written one per line under
    ``[table]`` and ``[[array]]`` headers, and otherwise the line of the enclosing
    key. JSON files over 1 MB get field paths only.

    YAML is read safely and with limits: aliases may repeat at most 100,000 values,
    tags such as ``!!python/object`` are refused, a key given twice is an error,
    keys are text, an unquoted ``10:00`` is text, and only ``true`` and ``false``
    are booleans. In every format, data may be nested at most 32 levels deep.

    Args:
        path: a ``.yaml``, ``.yml``, ``.toml`` or ``.json`` file, in UTF-8 (a
            byte-order mark is allowed).
        max_bytes: refuse larger files (10 MB by default).

    Raises:
        PlanError: the file cannot be read or is not a valid plan; every problem is
            listed with its line and column.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "plan.toml").write_text('''
    ... plan = "welcome"
    ... [[touchpoints]]
    ... id = "call"
    ... title = "Welcome call"
    ... channel = "call"
    ... every = "0 days"
    ... starting = "purchase + 3 days"
    ... ''', encoding="utf-8") and None
    >>> load_plan(folder / "plan.toml")
    Traceback (most recent call last):
    ...
    touchpoints._errors.PlanError: 1 problem with the plan in .../plan.toml:
      line 7, column 9, touchpoints[0].every: the interval must be longer than zero,
      such as '90 days'; found '0 days'
    """
    file = Path(path)
    source = str(path)
    try:
        format = format_of(file, _FORMATS)
        text = read_text(file, max_bytes=max_bytes, what="plan")
        document = load_document(text, format)
    except DocumentError as error:
        raise PlanError(error.problems, source=source) from None
    return _validate_plan(document, source)


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
