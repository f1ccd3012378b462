"""CSV subject files, read row by row: the header names the columns, each row is one
subject, and the first row with problems raises.

The CSV rules themselves are described in :mod:`touchpoints._files.subjects`.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Final

from pydantic import ValidationError

from touchpoints._errors import Problem, SubjectError
from touchpoints._files.positions import FieldPath
from touchpoints._files.problems import problems_from
from touchpoints._files.reading import DocumentError, decode
from touchpoints._model import Subject

__all__ = ["MAX_LINE_BYTES", "csv_subjects"]

MAX_LINE_BYTES: Final = 1024 * 1024
"""The longest line accepted in a CSV subject file: 1 MiB."""

_ISO_DATE: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_FIXED_COLUMNS: Final = ("id", "timezone")


class _Lines:
    """A binary file's lines as text, checked for length and encoding."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.offset = 0
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        while True:
            data = self.stream.readline(MAX_LINE_BYTES + 1)
            if not data:
                return
            if len(data) > MAX_LINE_BYTES:
                raise DocumentError(
                    [
                        Problem(
                            "",
                            f"line {self.number + 1} is longer than {MAX_LINE_BYTES:,} "
                            "bytes; is this really a CSV file?",
                            self.number + 1,
                        )
                    ]
                )
            text = decode(data, self.offset, self.number + 1)
            self.offset += len(data)
            self.number += 1
            yield text


class _Columns:
    """What each column of a CSV file means."""

    def __init__(self, header: list[str], line: int, anchors: Collection[str]) -> None:
        self.names = [name.strip() for name in header]
        self.problems: list[Problem] = []
        seen: set[str] = set()
        for index, name in enumerate(self.names, start=1):
            if not name:
                self.problems.append(
                    Problem("", f"column {index} of the header has no name", line, index)
                )
            elif name in seen:
                self.problems.append(
                    Problem(name, f"the column {name!r} appears twice in the header", line, index)
                )
            seen.add(name)
        if "id" not in seen:
            found = ", ".join(repr(name) for name in self.names)
            self.problems.append(
                Problem(
                    "",
                    "the header has no 'id' column; the first row must name the columns, "
                    f"including 'id' (found {found})",
                    line,
                )
            )
        self.id = self.names.index("id") if "id" in seen else -1
        self.timezone = self.names.index("timezone") if "timezone" in seen else -1
        self.anchors = [(i, n) for i, n in enumerate(self.names) if n in anchors]
        self.attributes = [
            (i, n) for i, n in enumerate(self.names) if n not in anchors and n not in _FIXED_COLUMNS
        ]

    def near_misses(self, known: Collection[str], line: int) -> list[Problem]:
        missing = [name for name in known if name not in self.names]
        problems = []
        for index, name in self.attributes:
            close = difflib.get_close_matches(name, missing, n=1, cutoff=0.8)
            if close:
                message = (
                    f"the column {name!r} is not an anchor of the plan; did you mean "
                    f"{close[0]!r}? (its anchors are: {', '.join(known)})"
                )
                problems.append(Problem(name, message, line, index + 1))
        return problems

    def subject(self, cells: list[str]) -> dict[str, Any]:
        return {
            "id": cells[self.id],
            "timezone": cells[self.timezone].strip() or None if self.timezone >= 0 else None,
            "anchors": {name: cells[i].strip() for i, name in self.anchors if cells[i].strip()},
            "attributes": {name: cells[i] for i, name in self.attributes if cells[i].strip()},
        }

    def column_of(self, path: FieldPath) -> tuple[str, int | None]:
        name = str(path[1]) if len(path) > 1 and path[0] in ("anchors", "attributes") else ""
        name = name or (str(path[0]) if path else "")
        index = self.names.index(name) + 1 if name in self.names else None
        return name, index


def _rows(file: Path) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV file with the line each starts on; blank rows are skipped."""
    with file.open("rb") as stream:
        lines = _Lines(stream)
        reader = csv.reader(iter(lines), strict=True)
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise DocumentError(
                    [Problem("", f"this is not valid CSV: {error}", lines.number)]
                ) from None
            if any(cell.strip() for cell in cells):
                yield start, cells
            start = lines.number + 1


def _anchor_columns(file: Path) -> tuple[str, ...]:
    """The columns whose values all look like ISO dates (see the module docstring)."""
    rows = _rows(file)
    header = next(rows, None)
    if header is None:
        return ()
    names = [name.strip() for name in header[1]]
    dates = [True] * len(names)
    used = [False] * len(names)
    for _, cells in rows:
        for index, cell in enumerate(cells[: len(names)]):
            value = cell.strip()
            if value:
                used[index] = True
                dates[index] = dates[index] and _ISO_DATE.fullmatch(value) is not None
    return tuple(
        name
        for name, is_date, has_value in zip(names, dates, used, strict=True)
        if is_date and has_value and name not in _FIXED_COLUMNS
    )


def csv_subjects(file: Path, source: str, known: tuple[str, ...] | None) -> Iterator[Subject]:
    """The subjects of a CSV file, read as they are taken.

    ``known`` names the anchor columns; None finds them by their values (one more
    pass over the file).

    Raises:
        SubjectError: while iterating, for the first row with problems (or a header,
            line or encoding problem), naming its line and column.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_text("id,purchase\\nc-1,2026-01-15\\nc-2,soon\\n", encoding="utf-8")
    >>> subjects = csv_subjects(path, "c.csv", ("purchase",))
    >>> next(subjects).anchors["purchase"]
    datetime.date(2026, 1, 15)
    >>> next(subjects)
    Traceback (most recent call last):
    ...
    touchpoints._errors.SubjectError: 1 problem with the subject in c.csv:
      line 3, column 2, purchase: ...
    """
    try:
        yield from _csv_rows(file, source, known)
    except DocumentError as error:
        raise SubjectError(error.problems, source=source) from error.__cause__
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
        raise SubjectError([Problem("", message)], source=source) from None


def _csv_rows(file: Path, source: str, known: tuple[str, ...] | None) -> Iterable[Subject]:
    anchors = known if known is not None else _anchor_columns(file)
    rows = _rows(file)
    first = next(rows, None)
    if first is None:
        raise DocumentError([Problem("", "the file is empty; the first row must name the columns")])
    line, header = first
    columns = _Columns(header, line, anchors)
    problems = columns.problems + (columns.near_misses(known, line) if known else [])
    if problems:
        raise DocumentError(problems)
    width = len(columns.names)
    for line, cells in rows:
        if len(cells) != width:
            raise DocumentError(
                [
                    Problem(
                        "",
                        f"this row has {len(cells)} cells, but the header has {width} "
                        "columns; check for a missing or extra comma, or an unclosed quote",
                        line,
                    )
                ]
            )
        try:
            yield Subject.model_validate(columns.subject(cells))
        except ValidationError as error:
            row_problems = []
            for problem in problems_from(error, root=Subject):
                path = tuple(problem.location.split(".", 1))
                name, column = columns.column_of(path)
                row_problems.append(Problem(name, problem.message, line, column))
            raise DocumentError(row_problems) from error
