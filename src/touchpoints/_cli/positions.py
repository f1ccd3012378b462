"""Where each subject of a subject file starts, and how much of the file has been read.

:class:`RowPositions` follows a CSV file in step with the subject reader: one record
per subject (blank rows skipped, as the reader skips them), so that a message can
name a subject's line and the progress line can show the share of the file read. A
YAML or JSON file is read whole, so it has neither.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from types import TracebackType
from typing import IO

__all__ = ["RowPositions", "csv_header"]


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def csv_header(path: str) -> list[str]:
    """The column names of a CSV file (its first row), or ``[]``.

    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = file.write_text("id,purchase_date\\nc1,2026-01-15\\n", encoding="utf-8")
    >>> csv_header(str(file))
    ['id', 'purchase_date']
    """
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as file:
            first = file.readline(1 << 20)
    except OSError:
        return []
    row = next(csv.reader([first], delimiter=_delimiter(first)), [])
    return [name.strip() for name in row]


class RowPositions:
    """The line each row of a CSV file starts on, and the bytes read, row by row.

    Given a subject's id, :meth:`next_line` passes over rows the subject reader
    refused (a row whose date cannot be read yields no subject), so that the lines
    after such a row stay right. ``id_column`` names the header's column of ids (the
    column a ``--column id=...`` mapping names).

    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = file.write_text('id,name\\nc1,"two\\nlines"\\n\\nc2,x\\n', encoding="utf-8")
    >>> with RowPositions(str(file)) as rows:
    ...     print(rows.next_line(), rows.next_line(), rows.next_line(), rows.fraction())
    2 5 None 1.0
    >>> with RowPositions(str(file)) as rows:  # the row of c1 was refused
    ...     print(rows.next_line("c2"))
    5
    """

    def __init__(self, path: str, id_column: str = "id") -> None:
        self.size = os.path.getsize(path)
        self.read = 0
        self._number = 0
        self._id = -1
        self._id_column = id_column
        self._file: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._records = self._starts()
        next(self._records, None)  # the header

    def _lines(self) -> Iterator[str]:
        for raw in self._file:
            self._number += 1
            self.read += len(raw)
            yield raw.decode("utf-8", errors="replace")

    def _starts(self) -> Iterator[tuple[int, str | None]]:
        lines = self._lines()
        first = next(lines, None)
        if first is None:
            return
        reader = csv.reader(_chain(first, lines), delimiter=_delimiter(first))
        start = 1
        try:
            for cells in reader:
                if start == 1:
                    names = [name.strip() for name in cells]
                    self._id = names.index(self._id_column) if self._id_column in names else -1
                if any(cell.strip() for cell in cells):
                    key = cells[self._id].strip() if 0 <= self._id < len(cells) else None
                    yield start, key
                start = self._number + 1
        except csv.Error:  # the subject reader reports it
            return

    def next_line(self, subject_id: str | None = None) -> int | None:
        """The line the next row starts on, or with ``subject_id`` the next row of that
        id (None after the last)."""
        for start, key in self._records:
            if subject_id is None or key is None or key == subject_id:
                return start
        return None

    def fraction(self) -> float:
        """The share of the file read so far, from 0 to 1."""
        return min(1.0, self.read / self.size) if self.size else 1.0

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> RowPositions:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest
