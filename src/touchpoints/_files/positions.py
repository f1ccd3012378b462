"""Where things are in a file: field paths, line/column positions, and the Document that
pairs data read from a file with the position of each of its values and keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from touchpoints._errors import Problem
from touchpoints._model import FieldPath, location

__all__ = ["Document", "FieldPath", "Position", "location"]

Position = tuple[int, int]
"""A 1-based line and column in a file."""


@dataclass
class Document:
    """Data read from a file, and where each value and key starts in it.

    >>> document = Document({"plan": "p"}, values={(): (1, 1), ("plan",): (1, 7)},
    ...                     keys={("plan",): (1, 1)})
    >>> document.locate(("plan",)), document.locate(("plan",), key=True)
    ((1, 7), (1, 1))
    >>> document.locate(("touchpoints", 0, "id"))  # not in the file: its closest parent
    (1, 1)
    """

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
