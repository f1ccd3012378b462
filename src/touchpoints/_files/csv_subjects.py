"""CSV subject files, read row by row: the header names the columns (renamed by a
column mapping), each row is one subject, and the rows with problems are all reported
once the file is read (the first 50, and how many more).

The CSV rules themselves are described in :mod:`touchpoints._files.subjects`.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final

from pydantic import ValidationError

from touchpoints._errors import Problem, SubjectError
from touchpoints._files.columns import rename_header
from touchpoints._files.limits import MAX_PROBLEMS
from touchpoints._files.positions import FieldPath
from touchpoints._files.problems import problems_from
from touchpoints._files.reading import DocumentError, decode
from touchpoints._files.unique_ids import IdHashes
from touchpoints._model import Subject, validated

__all__ = ["MAX_LINE_BYTES", "csv_subjects"]

MAX_LINE_BYTES: Final = 1024 * 1024
"""The longest line accepted in a CSV subject file: 1 MiB."""

_ISO_DATE: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_FIXED_COLUMNS: Final = ("id", "timezone")
_METER_COLUMN: Final = re.compile(r"meters\.([A-Za-z][A-Za-z0-9_]{0,63})(\.on)?")
"""A meter's latest reading: ``meters.odometer`` (the value) and ``meters.odometer.on``."""


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

    def __init__(
        self,
        header: list[str],
        line: int,
        anchors: Collection[str],
        columns: Mapping[str, str] | None = None,
    ) -> None:
        self.names = [name.strip() for name in header]
        self.problems: list[Problem] = []
        if columns:
            self.problems += rename_header(self.names, columns, line)
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
        self.meters = self._meter_columns(line)
        self.attributes = [
            (i, n)
            for i, n in enumerate(self.names)
            if n not in anchors and n not in _FIXED_COLUMNS and not _METER_COLUMN.fullmatch(n)
        ]

    def _meter_columns(self, line: int) -> list[tuple[str, int, int]]:
        """Each meter's name and the indexes of its value and date columns."""
        values: dict[str, int] = {}
        days: dict[str, int] = {}
        for index, name in enumerate(self.names):
            found = _METER_COLUMN.fullmatch(name)
            if found:
                (days if found.group(2) else values)[found.group(1)] = index
        for meter in sorted(set(values) ^ set(days)):
            has, lacks = (
                (f"meters.{meter}", f"meters.{meter}.on")
                if meter in values
                else (f"meters.{meter}.on", f"meters.{meter}")
            )
            self.problems.append(
                Problem(
                    has,
                    f"the column {has!r} needs a column {lacks!r} beside it: a meter's "
                    "latest reading is its value and the day it was read",
                    line,
                )
            )
        return [(meter, values[meter], days[meter]) for meter in values if meter in days]

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
        meters: dict[str, list[dict[str, str]]] = {}
        for meter, value, day in self.meters:
            reading = {"value": cells[value].strip(), "on": cells[day].strip()}
            if any(reading.values()):
                meters[meter] = [{key: text for key, text in reading.items() if text}]
        return {
            "id": cells[self.id],
            "timezone": cells[self.timezone].strip() or None if self.timezone >= 0 else None,
            "anchors": {name: cells[i].strip() for i, name in self.anchors if cells[i].strip()},
            "attributes": {name: cells[i] for i, name in self.attributes if cells[i].strip()},
            **({"meters": meters} if meters else {}),
        }

    def column_of(self, path: FieldPath) -> tuple[str, int | None]:
        name = str(path[1]) if len(path) > 1 and path[0] in ("anchors", "attributes") else ""
        if len(path) > 1 and path[0] == "meters":
            rest = str(path[1])
            meter = re.split(r"[.\[]", rest, maxsplit=1)[0]
            name = f"meters.{meter}.on" if rest.endswith(".on") else f"meters.{meter}"
        name = name or (str(path[0]) if path else "")
        index = self.names.index(name) + 1 if name in self.names else None
        return name, index


def _delimiter(file: Path) -> str:
    """The header's delimiter: ``,``, ``;`` (Excel's in much of Europe) or a tab."""
    with file.open("rb") as stream:
        first = stream.readline(MAX_LINE_BYTES)
    try:
        header = decode(first)
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except (DocumentError, csv.Error):
        return ","  # one column, or unreadable: reading reports it


def _rows(file: Path, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV file with the line each starts on; blank rows are skipped."""
    with file.open("rb") as stream:
        lines = _Lines(stream)
        reader = csv.reader(iter(lines), delimiter=delimiter, strict=True)
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


def _anchor_columns(
    file: Path, delimiter: str, columns: Mapping[str, str] | None
) -> tuple[str, ...]:
    """The columns whose values all look like ISO dates (see the module docstring)."""
    rows = _rows(file, delimiter)
    header = next(rows, None)
    if header is None:
        return ()
    names = [name.strip() for name in header[1]]
    if columns:
        rename_header(names, columns, header[0])
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
        if is_date
        and has_value
        and name not in _FIXED_COLUMNS
        and not _METER_COLUMN.fullmatch(name)
    )


def csv_subjects(
    file: Path,
    source: str,
    known: tuple[str, ...] | None,
    *,
    columns: Mapping[str, str] | None = None,
    unique_ids: bool = False,
) -> Iterator[Subject]:
    """The subjects of a CSV file, read as they are taken.

    ``known`` names the anchor columns; None finds them by their values (one more
    pass over the file). ``columns`` maps names (``id``, ``timezone``, anchors,
    attributes) to the file's columns that hold them. The delimiter is the header's:
    ``,``, ``;`` or a tab. With ``unique_ids``, an id given twice is a problem naming
    both lines (see :class:`~touchpoints._files.unique_ids.IdHashes`).

    Raises:
        SubjectError: while iterating: at once for a header, line or encoding
            problem; after the last row for rows with problems, each named with its
            line and column (the first 50, and how many more). The good rows are
            yielded before.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_text("id,purchase\\nc-1,2026-01-15\\nc-2,soon\\n", encoding="utf-8")
    >>> subjects = csv_subjects(path, "c.csv", ("purchase",))
    >>> next(subjects).anchors["purchase"]
    datetime.date(2026, 1, 15)
    >>> next(subjects)
    Traceback (most recent call last):
    ...
    touchpoints.SubjectError: 1 problem with the subject in c.csv:
      line 3, column 2, purchase: ...
    """
    try:
        yield from _csv_rows(file, known, columns, unique_ids)
    except DocumentError as error:
        omitted = error.omitted if isinstance(error, _RowProblems) else 0
        raise SubjectError(error.problems, source=source, omitted=omitted) from error.__cause__
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
        raise SubjectError([Problem("", message)], source=source) from None


class _RowProblems(DocumentError):
    """The problems of a file's rows, the first :data:`MAX_PROBLEMS` of them."""

    def __init__(self, problems: list[Problem], omitted: int) -> None:
        super().__init__(problems)
        self.omitted = omitted


def _csv_rows(
    file: Path,
    known: tuple[str, ...] | None,
    mapping: Mapping[str, str] | None,
    unique_ids: bool,
) -> Iterable[Subject]:
    delimiter = _delimiter(file)
    anchors = known if known is not None else _anchor_columns(file, delimiter, mapping)
    rows = _rows(file, delimiter)
    first = next(rows, None)
    if first is None:
        raise DocumentError([Problem("", "the file is empty; the first row must name the columns")])
    line, header = first
    columns = _Columns(header, line, anchors, mapping)
    problems = columns.problems + (columns.near_misses(known, line) if known else [])
    if problems:
        raise DocumentError(problems)
    width = len(columns.names)
    seen = IdHashes() if unique_ids else None
    found: list[Problem] = []
    omitted = 0
    for line, cells in rows:
        row_problems = _row_problems(delimiter, line, cells, width)
        if not row_problems:
            try:
                subject = validated(Subject, columns.subject(cells))
            except ValidationError as error:
                for problem in problems_from(error, root=Subject):
                    path = tuple(problem.location.split(".", 1))
                    name, column = columns.column_of(path)
                    row_problems.append(Problem(name, problem.message, line, column))
            else:
                if seen is None or seen.add(subject.id):
                    yield subject
                    continue
                repeat = _first_line_of(file, delimiter, columns, subject.id, line)
                if repeat is None:  # two ids with one hash: not a repeat
                    yield subject
                    continue
                row_problems.append(
                    Problem(
                        "id",
                        f"the id {subject.id!r} is given twice: on line {repeat} and on "
                        f"line {line}; every subject needs its own id",
                        line,
                        columns.id + 1,
                    )
                )
        room = MAX_PROBLEMS - len(found)
        found += row_problems[: max(room, 0)]
        omitted += max(len(row_problems) - max(room, 0), 0)
    if found:
        raise _RowProblems(found, omitted)


_DELIMITER_NAMES: Final = {",": "comma", ";": "semicolon", "\t": "tab"}


def _row_problems(delimiter: str, line: int, cells: list[str], width: int) -> list[Problem]:
    if len(cells) == width:
        return []
    return [
        Problem(
            "",
            f"this row has {len(cells)} cells, but the header has {width} columns; check "
            f"for a missing or extra {_DELIMITER_NAMES[delimiter]}, or an unclosed quote",
            line,
        )
    ]


def _first_line_of(
    file: Path, delimiter: str, columns: _Columns, subject_id: str, before: int
) -> int | None:
    """The first line before ``before`` whose id is ``subject_id`` (read again)."""
    rows = _rows(file, delimiter)
    next(rows, None)
    for line, cells in rows:
        if line >= before:
            return None
        if len(cells) > columns.id and cells[columns.id] == subject_id:
            return line
    return None
