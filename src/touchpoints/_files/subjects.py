"""Subject files: customers, assets or contracts read from CSV, YAML or JSON, and the
anchor names a plan lets them give.

- **CSV** (``.csv``) is read row by row, so a file of any length takes little memory.
  The first row names the columns: ``id`` (required), ``timezone`` (optional), one
  column per anchor, ``meters.NAME`` and ``meters.NAME.on`` for the latest reading of
  meter ``NAME`` (its value and day), and any other columns, which become attributes (as
  text). An empty cell means "no value": no anchor, no time zone, no attribute. Blank
  rows are skipped; a byte-order mark is allowed; cells may be quoted as usual
  (``"Müller, Anna"``, ``"the ""Pro"" plan"``). The delimiter is the header's: ``,``,
  ``;`` (Excel's default in much of Europe) or a tab, found with :class:`csv.Sniffer`. A
  column mapping reads columns of other names (a CRM's ``purchase_date`` as the
  ``purchase`` anchor). The file is checked as it is read: good rows are yielded, and
  after the last row a :class:`~touchpoints.SubjectError` lists every row with problems,
  naming the line, the column (counted in cells, from 1), the value and what is valid
  (the first 50 problems, and how many more).
- **YAML and JSON** (``.yaml``, ``.yml``, ``.json``) hold a list of subjects, or one
  mapping for a single subject, each with the keys ``id``, ``timezone``, ``anchors``,
  ``attributes`` and the rest of :class:`~touchpoints.Subject`'s (such as ``meters``,
  every reading of each meter). These files are read whole (at most
  :data:`~touchpoints._files.reading.MAX_FILE_BYTES`; use CSV for more), and every
  problem in the file is reported at once, with its line and column.

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

import difflib
from collections.abc import Collection, Iterator, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from touchpoints._core import require
from touchpoints._errors import Problem, SubjectError
from touchpoints._files.csv_subjects import csv_subjects
from touchpoints._files.documents import load_document
from touchpoints._files.limits import bounded
from touchpoints._files.positions import Document, FieldPath, location
from touchpoints._files.problems import problems_from, sort_problems
from touchpoints._files.reading import MAX_FILE_BYTES, DocumentError, format_of, read_text
from touchpoints._model import Plan, Subject, validated

__all__ = ["load_subjects", "plan_anchor_names", "unknown_anchor_message"]

_FORMATS: Final = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}


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
    require(plan, Plan, "plan")
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
    columns: Mapping[str, str] | None = None,
    unique_ids: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
) -> Iterator[Subject]:
    """Read subjects from a CSV, YAML or JSON file.

    A CSV file is read row by row, in little memory however long it is. Its first row
    names the columns: ``id`` (required), ``timezone`` (optional), one column per
    anchor, and any others, which become text attributes. An empty cell means no
    value (no anchor, zone or attribute); blank rows are skipped. The delimiter may
    be ``,``, ``;`` or a tab. Rows with problems are reported together once the
    file is read, each with its line and column (counted in cells, from 1).

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
        columns: for a CSV file, the column that holds each name: ``{"purchase":
            "purchase_date", "id": "customer_no"}`` reads the file's
            ``purchase_date`` column as the ``purchase`` anchor (see
            ``load_column_map`` for a file of them).
        unique_ids: refuse an id given twice, naming both lines; a CSV file is
            checked in about 32 bytes per subject (8-byte hashes of the ids).
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
        return csv_subjects(file, source, known, columns=columns, unique_ids=unique_ids)
    try:
        document = load_document(read_text(file, max_bytes=max_bytes, what="subject"), format)
    except DocumentError as error:
        raise SubjectError(error.problems, source=source) from None
    subjects = _document_subjects(document, source, known)
    if unique_ids:
        _check_unique(subjects, document, source)
    return iter(subjects)


def _check_unique(subjects: list[Subject], document: Document, source: str) -> None:
    first: dict[str, int] = {}
    problems: list[Problem] = []
    single = not isinstance(document.data, list)
    for index, subject in enumerate(subjects):
        if subject.id not in first:
            first[subject.id] = index
            continue
        where: FieldPath = ("id",) if single else (index, "id")
        position = document.locate(where)
        line, column = position if position is not None else (None, None)
        problems.append(
            Problem(
                location(where),
                f"the id {subject.id!r} is given twice: by subject [{first[subject.id]}] and "
                f"by subject [{index}]; every subject needs its own id",
                line,
                column,
            )
        )
    if problems:
        shown, omitted = bounded(problems)
        raise SubjectError(shown, source=source, omitted=omitted)


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
            subject = validated(Subject, item)
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
        shown, omitted = bounded(sort_problems(reading + problems))
        raise SubjectError(shown, source=source, omitted=omitted)
    return subjects
