"""Mapping a subject file's columns to what they mean, without editing the file: a
CRM's ``purchase_date`` column read as the ``purchase`` anchor.

A mapping pairs a name touchpoints knows (``id``, ``timezone``, an anchor, or an
attribute name) with the column of the file that holds it. It is given in the API as
a mapping, on the command line as ``NAME=COLUMN``, or in a small text file with one
``NAME = COLUMN`` per line (blank lines and lines starting with ``#`` are skipped).
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from pathlib import Path

from touchpoints._errors import Problem, SubjectError
from touchpoints._files.reading import DocumentError, read_text

__all__ = ["load_column_map", "parse_column", "rename_header"]

_MAX_MAP_BYTES = 64 * 1024


def parse_column(text: str) -> tuple[str, str]:
    """``NAME=COLUMN`` (as given to ``--column``) as the pair ``(NAME, COLUMN)``.

    Raises:
        ValueError: the text is not ``NAME=COLUMN``; the message says so.

    >>> parse_column("purchase=purchase_date")
    ('purchase', 'purchase_date')
    >>> parse_column("purchase")
    Traceback (most recent call last):
    ...
    ValueError: 'purchase' is not NAME=COLUMN, such as purchase=purchase_date
    """
    name, equals, column = text.partition("=")
    if not equals or not name.strip() or not column.strip():
        raise ValueError(f"{text!r} is not NAME=COLUMN, such as purchase=purchase_date")
    return name.strip(), column.strip()


def load_column_map(path: str | PathLike[str]) -> dict[str, str]:
    """Read a column mapping file: one ``NAME = COLUMN`` per line.

    Raises:
        SubjectError: the file cannot be read, or a line is not ``NAME = COLUMN`` or
            repeats a name; every such line is listed.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "crm.columns"
    >>> _ = path.write_text("# our CRM\\nid = customer_no\\npurchase = purchase_date\\n")
    >>> load_column_map(path)
    {'id': 'customer_no', 'purchase': 'purchase_date'}
    """
    source = str(path)
    try:
        text = read_text(Path(path), max_bytes=_MAX_MAP_BYTES, what="column mapping")
    except DocumentError as error:
        raise SubjectError(error.problems, source=source) from None
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            name, column = parse_column(line)
        except ValueError as error:
            problems.append(Problem("", str(error), number))
            continue
        if name in mapping:
            problems.append(Problem(name, f"{name!r} is mapped twice; map it once", number))
        mapping[name] = column
    if problems:
        raise SubjectError(problems, source=source)
    return mapping


def rename_header(names: list[str], columns: Mapping[str, str], line: int) -> list[Problem]:
    """Rename, in place, the header's columns that ``columns`` maps to a name; the
    problems of mapped columns the header lacks (or that two names share).

    >>> names = ["customer_no", "purchase_date"]
    >>> rename_header(names, {"id": "customer_no", "purchase": "purchase_date"}, 1), names
    ([], ['id', 'purchase'])
    """
    problems: list[Problem] = []
    targets: dict[str, str] = {}
    for name, column in columns.items():
        if column in targets:
            problems.append(
                Problem(name, f"the column {column!r} is mapped twice ({targets[column]!r})", line)
            )
        targets[column] = name
    for column, name in targets.items():
        if column not in names:
            found = ", ".join(names)
            problems.append(
                Problem(
                    name,
                    f"{name!r} is mapped to the column {column!r}, which the header lacks "
                    f"(the file's columns are: {found})",
                    line,
                )
            )
    renamed = [targets.get(name, name) for name in names]
    names[:] = renamed
    return problems
