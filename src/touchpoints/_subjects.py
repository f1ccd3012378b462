"""Subject files: customers, assets or contracts read from CSV, YAML or JSON.

- **CSV** (``.csv``) is read row by row, so a file of any length takes little
  memory. The first row names the columns: ``id`` (required), ``timezone``
  (optional), one column per anchor, and any other columns, which become
  attributes (as text). An empty cell means "no value": no anchor, no time zone, no
  attribute. Blank rows are skipped; a byte-order mark is allowed; cells may be
  quoted as usual (``"Müller, Anna"``, ``"the ""Pro"" plan"``). The file is checked as it
  is read, and the first row with problems raises a :class:`~touchpoints.SubjectError`
  naming the line, the column (counted in cells, from 1) and every problem of that
  row.
- **YAML and JSON** (``.yaml``, ``.yml``, ``.json``) hold a list of subjects, or one
  mapping for a single subject, each with the keys ``id``, ``timezone``,
  ``anchors`` and ``attributes``. These files are read whole (at most
  :data:`~touchpoints._parse.MAX_FILE_BYTES`; use CSV for more), and every problem
  in the file is reported at once, with its line and column.

Which CSV columns are anchors: with ``anchors=`` given (normally a plan's subject
anchors and derived anchors, see :func:`plan_anchor_names`), exactly the columns of
those names. Without it, every column other than ``id`` and ``timezone`` that has at
least one value, all of whose values look like ISO dates (``2026-01-15``, optionally
followed by a time such as ``T09:30``), is an anchor; this needs one extra pass over
the file.

The anchors a subject may give: with ``anchors=`` given, a subject in a YAML or JSON
file that names any other anchor is an error ("the plan has no anchor 'purchse'; did
you mean 'purchase'?"), and so is a CSV header that lacks one of those anchors but
has a column whose name is a near miss of it. Anchors the plan needs but a subject
lacks are not an error here: scheduling reports them (or skips optional rules).
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import IO, Any, Final

from pydantic import ValidationError

from touchpoints._errors import Problem, SubjectError
from touchpoints._models import Plan, Subject
from touchpoints._parse import (
    MAX_FILE_BYTES,
    Document,
    DocumentError,
    FieldPath,
    decode,
    format_of,
    load_document,
    location,
    problems_from,
    read_text,
    sort_problems,
)

__all__ = ["MAX_LINE_BYTES", "load_subjects", "plan_anchor_names"]

MAX_LINE_BYTES: Final = 1024 * 1024
"""The longest line accepted in a CSV subject file: 1 MiB."""

_FORMATS: Final = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}
_ISO_DATE: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_FIXED_COLUMNS: Final = ("id", "timezone")


def plan_anchor_names(plan: Plan) -> tuple[str, ...]:
    """The anchor names a subject of ``plan`` may give: the anchors the plan needs
    from subjects, then the ones it derives (a subject may override those).

    >>> from touchpoints import Plan
    >>> plan = Plan.model_validate({
    ...     "plan": "p", "anchors": {"renewal": "purchase + 3 years"},
    ...     "touchpoints": [{"id": "r", "title": "Renewal", "channel": "call",
    ...                      "at": "renewal"}]})
    >>> plan_anchor_names(plan)
    ('purchase', 'renewal')
    """
    return (*plan.subject_anchors(), *plan.anchors)


def unknown_anchor_message(name: str, known: Collection[str]) -> str:
    """The message for an anchor name the plan never uses, with the closest one.

    >>> print(unknown_anchor_message("purchse", ["purchase", "renewal"]))
    the plan has no anchor 'purchse'; did you mean 'purchase'? (its anchors are:
    purchase, renewal)
    """
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    names = ", ".join(known) if known else "none"
    return f"the plan has no anchor {name!r}{hint} (its anchors are: {names})"


def load_subjects(
    path: str | PathLike[str],
    *,
    anchors: Collection[str] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> Iterator[Subject]:
    """Read subjects from a CSV, YAML or JSON file.

    A CSV file is read row by row, in little memory however long it is. Its first row
    names the columns: ``id`` (required), ``timezone`` (optional), one column per
    anchor, and any others, which become text attributes. An empty cell means no
    value (no anchor, zone or attribute); blank rows are skipped. The first row with
    problems raises, naming its line and column (counted in cells, from 1).

    A YAML or JSON file holds a list of subjects, or one mapping for a single subject,
    each with ``id``, ``timezone``, ``anchors`` and ``attributes``. It is read whole
    (10 MB at most: use CSV for more), and every problem in it is reported at once.

    Anchors: with ``anchors`` given, a CSV file's anchor columns are the columns of
    those names, and a subject (in YAML or JSON) naming another anchor is an error
    that suggests the closest name, as is a CSV column that is a near miss of a
    missing anchor. Without it, any anchor is accepted, and a CSV column is an anchor
    when it has at least one value and all its values look like ISO dates
    (``2026-01-15``, optionally with a time such as ``T09:30``), which takes one more
    pass over the file.

    Args:
        path: a ``.csv``, ``.yaml``, ``.yml`` or ``.json`` file, in UTF-8.
        anchors: the anchor names the plan knows (see :func:`plan_anchor_names`);
            None to accept any, and to find a CSV file's anchor columns by their
            values.
        max_bytes: the largest YAML or JSON file read (CSV files stream).

    Returns:
        The subjects, in file order; a CSV file is read as they are taken.

    Raises:
        SubjectError: the file cannot be read or a subject is invalid; raised by
            this call for a YAML or JSON file, and while iterating for a CSV file.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "customers.csv").write_text(
    ...     "id,timezone,purchase,name\\n"
    ...     'c-1,Europe/Berlin,2026-01-15,"Müller, Anna"\\n'
    ...     "c-2,,,Bob\\n", encoding="utf-8")
    >>> for subject in load_subjects(folder / "customers.csv", anchors=["purchase"]):
    ...     print(subject.id, subject.timezone, dict(subject.anchors), dict(subject.attributes))
    c-1 Europe/Berlin {'purchase': datetime.date(2026, 1, 15)} {'name': 'Müller, Anna'}
    c-2 None {} {'name': 'Bob'}
    """
    file = Path(path)
    source = str(path)
    known = tuple(dict.fromkeys(anchors)) if anchors is not None else None
    try:
        format = format_of(file, _FORMATS)
    except DocumentError as error:
        raise SubjectError(error.problems, source=source) from None
    if format == "csv":
        return _csv_subjects(file, source, known)
    try:
        document = load_document(read_text(file, max_bytes=max_bytes, what="subject"), format)
    except DocumentError as error:
        raise SubjectError(error.problems, source=source) from None
    return iter(_document_subjects(document, source, known))


def _document_subjects(
    document: Document, source: str, known: tuple[str, ...] | None
) -> list[Subject]:
    data = document.data
    items: Sequence[object]
    prefix: FieldPath
    if isinstance(data, list):
        items, single = data, False
    elif isinstance(data, Mapping):
        items, single = [data], True
    else:
        raise SubjectError(
            [
                Problem(
                    "",
                    "a subject file holds a list of subjects, or one subject (a mapping "
                    "with id, timezone, anchors and attributes)",
                )
            ],
            source=source,
        )
    subjects: list[Subject] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        prefix = () if single else (index,)
        try:
            subject = Subject.model_validate(item)
        except ValidationError as error:
            problems += problems_from(error, root=Subject, document=document, prefix=prefix)
            continue
        subjects.append(subject)
        for name in subject.anchors:
            if known is not None and name not in known:
                where = (*prefix, "anchors", name)
                position = document.locate(where, key=True)
                line, column = position if position is not None else (None, None)
                problems.append(
                    Problem(location(where), unknown_anchor_message(name, known), line, column)
                )
    reading = [problem for _, problem in document.problems]
    if problems or reading:
        raise SubjectError(sort_problems(reading + problems), source=source)
    return subjects


# -- CSV ---------------------------------------------------------------------------


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


def _csv_subjects(file: Path, source: str, known: tuple[str, ...] | None) -> Iterator[Subject]:
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
