"""Safe YAML reading: YAML text to plain data with positions, under limits.

The text is composed into nodes (which keep their positions), then built by hand so
that aliases, tags, repeated keys and depth are all under control:

- only the plain tags are accepted (``!!python/object`` and the like are refused);
- aliases may repeat at most :data:`MAX_ALIAS_VALUES` values (which stops "billion
  laughs" files), and an alias may not contain itself;
- a key given twice in one mapping is a problem, not silently the last one;
- keys are always text, and values follow YAML 1.2 where YAML 1.1 (which PyYAML
  implements) surprises people: an unquoted ``10:00`` is the text ``"10:00"`` (not
  the sexagesimal number 600), and only ``true`` and ``false`` are booleans (``yes``,
  ``no``, ``on`` and ``off`` are text).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from touchpoints._errors import Problem
from touchpoints._files.positions import Document, FieldPath, Position, location
from touchpoints._files.reading import MAX_DEPTH, stop, too_deep
from touchpoints._model import shown

__all__ = ["MAX_ALIAS_VALUES", "load_yaml"]

MAX_ALIAS_VALUES: Final = 100_000
"""How many values YAML aliases (``*name``) may repeat in one file."""

_TAG: Final = "tag:yaml.org,2002:"
_SCALAR_TAGS: Final = frozenset(
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_CONSTRUCTOR: Final = yaml.constructor.SafeConstructor()


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _TooMany(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """A safe loader whose composer stops at :data:`MAX_DEPTH` levels of nesting, and
    after ``max_values`` values when that is given."""

    def __init__(self, stream: str, max_values: int | None = None) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._max_values = max_values

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        self._values += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            if self._max_values is not None and self._values > self._max_values:
                raise _TooMany(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _mark(mark: yaml.Mark) -> Position:
    return mark.line + 1, mark.column + 1


def _compose(text: str, max_values: int | None) -> Node | None:
    loader: _Loader | None = None
    try:
        loader = _Loader(text, max_values)  # this already checks for control characters
        return loader.get_single_node()
    except _TooDeep as error:
        raise stop(too_deep(), _mark(error.mark)) from None
    except _TooMany as error:
        raise stop(
            f"the file holds more than {max_values:,} values, far more than a plan needs; "
            "is this the right file?",
            _mark(error.mark),
        ) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise stop(
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
        raise stop(
            f"this is not valid YAML: {problem}{hint}",
            _mark(mark) if mark is not None else None,
        ) from None
    except RecursionError:
        raise stop(too_deep()) from None
    finally:
        if loader is not None:
            loader.dispose()


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


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
            raise stop(
                "an alias (*name) refers to a value that contains it, which would never "
                "end; write the value out instead",
                _mark(node.start_mark),
            )
        if depth > MAX_DEPTH:
            raise stop(too_deep(), _mark(node.start_mark))
        repeat = repeat or id(node) in self.built
        self.built.add(id(node))
        if repeat:
            self.repeated += 1
            if self.repeated > MAX_ALIAS_VALUES:
                raise stop(
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
                message = f"{shown(node.value)} is not a real date; write dates like '2026-01-15'"
            else:
                message = f"the number {shown(node.value)} has too many digits"
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


def load_yaml(text: str, *, max_values: int | None = None) -> Document:
    """YAML text to plain data, with the position of every value and key.

    ``max_values`` stops reading early a file of more values than that.

    Problems that leave the rest readable (a repeated key, a refused tag) are kept in
    the document's ``problems``; the others raise.

    Raises:
        DocumentError: the text is not valid YAML, or breaks a limit.

    >>> document = load_yaml("plan: welcome\\ncontact_time: 10:00\\nactive: yes\\n")
    >>> document.data
    {'plan': 'welcome', 'contact_time': '10:00', 'active': 'yes'}
    >>> document.locate(("contact_time",))
    (2, 15)
    >>> for _, problem in load_yaml("a: 1\\na: 2\\n").problems:
    ...     print(problem)
    line 2, column 1, a: the key 'a' is given twice in this mapping (first on line 1);
    give each key once
    """
    return _Builder().build_document(_compose(text, max_values))
