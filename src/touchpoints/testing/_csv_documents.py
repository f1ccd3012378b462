"""Raw subject documents: valid and near-valid subject CSV texts, for a host that
property-tests its own upload path."""

from __future__ import annotations

import csv
import io
from typing import Final, NamedTuple

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from touchpoints._model import Plan, Subject
from touchpoints.testing._arguments import _check_type
from touchpoints.testing._dates import anchor_dates
from touchpoints.testing._subjects import _required_anchors
from touchpoints.testing._zones import timezones

__all__ = ["CSV_MISTAKES", "CsvDocument", "subject_csv_documents"]

CSV_MISTAKES: Final = ("bad date", "bad zone", "missing id column", "repeated id", "extra cell")
"""The mistakes a near-valid subject CSV has, one each."""

_ATTRIBUTES: Final = ("name", "segment", "city", "note")
# Text with the characters a CSV writer must quote: both separators and the quote.
_CELL_TEXT: Final = st.text(st.sampled_from("abcxyzÄöüß019 ,;\"'-./"), min_size=1, max_size=12).map(
    str.strip
)
_BAD_DATES: Final = ("2026-02-30", "2026-13-01", "15.01.2026", "tomorrow", "20260115")
_BAD_ZONES: Final = ("Mars/Base", "Europe/Berln", "CET+1")


class CsvDocument(NamedTuple):
    """A subject CSV drawn by ``subject_csv_documents``.

    Attributes:
        text: the file's content.
        mistake: None, or which mistake it has: ``bad date``, ``bad zone``,
            ``missing id column``, ``repeated id`` or ``extra cell``.
        line: the line (from 1) a reader must name for the mistake; None when valid.
        anchors: the anchor columns, to pass as ``load_subjects(..., anchors=...)``.
        subjects: the subjects a reader must give for a valid document, in order.

    >>> doc = CsvDocument("id;purchase\\ncust-1;2026-01-01\\n", None, None, ("purchase",),
    ...                   (Subject(id="cust-1", anchors={"purchase": "2026-01-01"}),))
    >>> doc.subjects
    (Subject('cust-1', purchase 2026-01-01),)
    """

    text: str
    mistake: str | None
    line: int | None
    anchors: tuple[str, ...]
    subjects: tuple[Subject, ...]


def _ids() -> SearchStrategy[str]:
    readable = st.integers(1, 999).map(lambda n: f"cust-{n}")
    return st.one_of(readable, _CELL_TEXT.filter(bool))


@st.composite
def _row(
    draw: st.DrawFn, anchors: tuple[str, ...], required: set[str], attributes: tuple[str, ...]
) -> dict[str, str]:
    cells = {"timezone": draw(st.just("") | timezones())}
    for name in anchors:
        missing = name not in required and draw(st.integers(0, 3)) == 0
        cells[name] = "" if missing else draw(anchor_dates()).isoformat()
    for name in attributes:
        cells[name] = draw(st.just("") | _CELL_TEXT)
    return cells


def _subject(subject_id: str, cells: dict[str, str], anchors: tuple[str, ...]) -> Subject:
    """The subject a reader makes of one row: empty cells give no value."""
    return Subject.model_validate(
        {
            "id": subject_id,
            "timezone": cells["timezone"] or None,
            "anchors": {name: cells[name] for name in anchors if cells[name]},
            "attributes": {
                name: value
                for name, value in cells.items()
                if name != "timezone" and name not in anchors and value
            },
        }
    )


@st.composite
def _documents(draw: st.DrawFn, plan: Plan | None, valid: bool) -> CsvDocument:
    anchors = plan.subject_anchors() if plan is not None else ("purchase",)
    required = _required_anchors(plan) if plan is not None else set(anchors)
    attributes = tuple(draw(st.lists(st.sampled_from(_ATTRIBUTES), max_size=2, unique=True)))
    ids = draw(st.lists(_ids(), min_size=1, max_size=5, unique=True))
    rows = [draw(_row(anchors, required, attributes)) for _ in ids]
    with_zone = draw(st.booleans()) or any(row["timezone"] for row in rows)
    header = ["id", *(("timezone",) if with_zone else ()), *anchors, *attributes]
    header = draw(st.permutations(header))
    table = [
        [subject_id if name == "id" else row[name] for name in header]
        for subject_id, row in zip(ids, rows, strict=True)
    ]
    mistake = None if valid else draw(st.sampled_from(CSV_MISTAKES))
    line: int | None = None
    if mistake is not None:
        header, table, line = _spoil(draw, mistake, header, table, anchors)
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=draw(st.sampled_from((",", ";"))),
        quoting=draw(st.sampled_from((csv.QUOTE_MINIMAL, csv.QUOTE_ALL))),
        lineterminator=draw(st.sampled_from(("\n", "\r\n"))),
    )
    writer.writerow(header)
    writer.writerows(table)
    subjects: tuple[Subject, ...] = ()
    if mistake is None:
        subjects = tuple(_subject(i, row, anchors) for i, row in zip(ids, rows, strict=True))
    return CsvDocument(buffer.getvalue(), mistake, line, anchors, subjects)


def _spoil(
    draw: st.DrawFn,
    mistake: str,
    header: list[str],
    table: list[list[str]],
    anchors: tuple[str, ...],
) -> tuple[list[str], list[list[str]], int]:
    """The header and rows with ``mistake`` made, and the line it is on."""
    row = draw(st.integers(0, len(table) - 1))
    if mistake == "missing id column":
        at = header.index("id")
        return header[:at] + header[at + 1 :], [r[:at] + r[at + 1 :] for r in table], 1
    if mistake == "repeated id":
        if len(table) == 1:
            table = [*table, list(table[0])]
        row = max(row, 1)
        first = draw(st.integers(0, row - 1))
        table[row][header.index("id")] = table[first][header.index("id")]
    elif mistake == "extra cell":
        table[row] = [*table[row], "x"]
    elif mistake == "bad date":
        column = header.index(draw(st.sampled_from(anchors)))
        table[row][column] = draw(st.sampled_from(_BAD_DATES))
    else:
        if "timezone" not in header:
            header = [*header, "timezone"]
            table = [[*r, ""] for r in table]
        table[row][header.index("timezone")] = draw(st.sampled_from(_BAD_ZONES))
    return header, table, row + 2


def subject_csv_documents(
    plan: Plan | None = None, *, valid: bool = True
) -> SearchStrategy[CsvDocument]:
    """Subject CSV files as text: valid ones, or ones with a single mistake.

    A document has a header naming ``id``, sometimes ``timezone``, every anchor the
    plan's subjects give, and up to two attributes, in any order; one to five rows;
    ``,`` or ``;`` between cells, quotes where a cell needs them (or everywhere),
    and ``\\n`` or ``\\r\\n`` line ends. Cells hold both separators and quotes; empty
    cells give no value. A near-valid one has one mistake: a date
    that is not one, an unknown zone, no ``id`` column, an id given twice, or a row
    with one cell too many.

    ``load_subjects(path, anchors=doc.anchors, unique_ids=True)`` reads a valid one as
    ``doc.subjects``, and raises ``SubjectError`` with a problem on ``doc.line`` for
    a near-valid one.

    Args:
        plan: the plan whose anchors the columns are; None for a ``purchase`` column.
        valid: False for near-valid documents.

    Raises:
        hypothesis.errors.InvalidArgument: an option has the wrong type.

    >>> from hypothesis import find, settings
    >>> steady = settings(max_examples=200, derandomize=True, database=None)
    >>> doc = find(subject_csv_documents(valid=False),
    ...            lambda doc: doc.mistake == "repeated id", settings=steady)
    >>> print(doc.text, end="")
    id,purchase
    cust-1,2000-01-01
    cust-1,2000-01-01
    >>> doc.line
    3
    """
    if plan is not None:
        _check_type(Plan, plan, "plan")
    if not isinstance(valid, bool):
        raise InvalidArgument(f"valid={valid!r} must be a bool")
    return _documents(plan, valid)
