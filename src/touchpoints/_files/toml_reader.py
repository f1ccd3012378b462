"""TOML reading: TOML text to plain data, with the lines of keys written one per line.

Lines are found for keys written one per line under ``[table]`` and ``[[array]]``
headers; inside inline tables the line of the enclosing key is given.
"""

from __future__ import annotations

import re
import tomllib
from typing import Final

from touchpoints._files.positions import Document, FieldPath
from touchpoints._files.reading import check_depth, stop, too_deep

__all__ = ["load_toml"]

_TOML_WHERE: Final = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_HEADER: Final = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY: Final = re.compile(
    r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"))*)\s*=\s*"
)


def load_toml(text: str) -> Document:
    """TOML text to plain data, with positions where keys are one per line.

    Raises:
        DocumentError: the text is not valid TOML, or is nested too deep.

    >>> document = load_toml('plan = "welcome"\\n[[touchpoints]]\\nid = "call"\\n')
    >>> document.data
    {'plan': 'welcome', 'touchpoints': [{'id': 'call'}]}
    >>> document.locate(("touchpoints", 0, "id"))
    (3, 6)
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = _TOML_WHERE.search(message)
        position = (int(where[1]), int(where[2])) if where else None
        if "(at end of document)" in message:
            position = (text.count("\n") + 1, len(text) - text.rfind("\n"))
        message = _TOML_WHERE.sub("", message).replace(" (at end of document)", "")
        raise stop(
            f"this is not valid TOML: {message[:1].lower()}{message[1:]}", position
        ) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise stop("the file holds a number with too many digits") from None
    except RecursionError:
        raise stop(too_deep()) from None
    check_depth(data)
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
