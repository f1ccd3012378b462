"""JSON reading: JSON text to plain data, with a repeated key as a problem and
positions found only when a problem needs them."""

from __future__ import annotations

import json
from typing import Any

from touchpoints._errors import Problem
from touchpoints._files.positions import Document, FieldPath, Position
from touchpoints._files.reading import DocumentError, check_depth, stop, too_deep
from touchpoints._files.yaml_reader import load_yaml

__all__ = ["load_json"]


def load_json(text: str, *, max_mappings: int | None = None) -> Document:
    """JSON text to plain data; a key given twice in one mapping is a problem.

    ``max_mappings`` stops reading early a file of more mappings than that (a list of
    millions of ``{}`` would otherwise take a minute to read).

    Raises:
        DocumentError: the text is not valid JSON, is nested too deep or holds more
            than ``max_mappings`` mappings.

    >>> document = load_json('{"plan": "welcome",\\n "touchpoints": []}')
    >>> document.data, document.locate(("touchpoints",))
    ({'plan': 'welcome', 'touchpoints': []}, (2, 17))
    """
    duplicates: list[str] = []
    mappings = 0

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal mappings
        mappings += 1
        if max_mappings is not None and mappings > max_mappings:
            raise _TooMany
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        raise stop(f"this is not valid JSON: {error.msg}", (error.lineno, error.colno)) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise stop("the file holds a number with too many digits") from None
    except RecursionError:
        raise stop(too_deep()) from None
    except _TooMany:
        raise stop(
            f"the file holds more than {max_mappings:,} mappings ({{...}}), far more than a "
            "plan needs; is this the right file?"
        ) from None
    check_depth(data)
    document = _LazyJsonDocument(data, text)
    if duplicates:
        # The positions of the repeated keys come from reading the text as YAML.
        try:
            found = load_yaml(text.replace("\t", " "))
        except DocumentError:
            found = Document(None)
        document.problems = [item for item in found.problems if "twice" in item[1].message]
        if not document.problems:
            document.problems = [
                ((), Problem("", f"the key {key!r} is given twice in one mapping"))
                for key in dict.fromkeys(duplicates)
            ]
    return document


class _TooMany(Exception):
    """Raised inside the JSON reader to stop it at the mapping limit."""


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
                    found = load_yaml(text.replace("\t", " "))
                except DocumentError:
                    pass
                else:
                    self.values, self.keys = found.values, found.keys
        return super().locate(path, key=key)
