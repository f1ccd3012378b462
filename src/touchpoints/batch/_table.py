"""Subjects tables in: Arrow tables, record batches, pandas and polars frames.

A subjects table has an ``id`` column (text), an optional ``timezone`` column (IANA
names; empty or null for the plan's zone), one column per anchor (dates, ISO date
text, or timestamps, which count as their local date in the subject's zone) and,
for plans with conditions, one column per attribute a condition reads. Problems
with the table raise :class:`touchpoints.SubjectError`, naming the column and row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from touchpoints import Plan, Problem, Subject, SubjectError
from touchpoints.batch._zones import ZoneTables, year_of_seconds

__all__ = ["SubjectsBatch", "read_batches"]

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Column = Any
"""An Arrow array: pyarrow's stubs do not know the methods of its runtime subclasses
(``dictionary_decode``, ``indices``), so columns are typed loosely."""

_DAY: Final = 86_400
_HELP: Final = (
    "a subjects table has an 'id' column, a 'timezone' column (optional), and one "
    "column of dates per anchor"
)


def _error(location: str, message: str) -> SubjectError:
    return SubjectError([Problem(location, message)])


def read_batches(subjects: object, batch_size: int) -> Iterator[pa.RecordBatch]:
    """Record batches of at most ``batch_size`` subjects from any supported input."""
    if type(batch_size) is not int or batch_size < 1:
        raise _error("", f"batch_size must be a whole number of 1 or more, not {batch_size!r}")
    for batch in _batches(subjects):
        for offset in range(0, max(batch.num_rows, 1), batch_size):
            part = batch.slice(offset, batch_size)
            if part.num_rows:
                yield part


def _batches(subjects: object) -> Iterable[pa.RecordBatch]:
    if isinstance(subjects, pa.Table):
        return subjects.combine_chunks().to_batches() or []
    if isinstance(subjects, pa.RecordBatch):
        return [subjects]
    if isinstance(subjects, pa.RecordBatchReader):
        return subjects
    module = type(subjects).__module__
    if module.startswith("pandas"):
        pandas_frame: Any = subjects
        return pa.Table.from_pandas(pandas_frame, preserve_index=False).to_batches()
    if module.startswith("polars"):
        frame: Any = subjects
        return list(frame.to_arrow().to_batches())
    if hasattr(subjects, "__arrow_c_stream__"):
        reader: Iterable[pa.RecordBatch] = pa.RecordBatchReader.from_stream(subjects)
        return reader
    if isinstance(subjects, Iterable) and not isinstance(subjects, str | bytes):
        return _checked(subjects)
    raise _error(
        "",
        f"the subjects must be an Arrow table, record batches, or a pandas or polars "
        f"frame, not {type(subjects).__name__}; {_HELP}",
    )


def _checked(items: Iterable[object]) -> Iterator[pa.RecordBatch]:
    for item in items:
        if isinstance(item, pa.Table):
            yield from item.to_batches()
        elif isinstance(item, pa.RecordBatch):
            yield item
        else:
            raise _error("", f"expected Arrow record batches, found a {type(item).__name__}")


@dataclass(slots=True)
class SubjectsBatch:
    """One batch of subjects, read and checked: ids, zones and anchor days."""

    batch: pa.RecordBatch
    ids: Column  # text
    zone_keys: tuple[str, ...]  # the distinct zones, by code
    zone_codes: Int64s  # -1: no zone
    anchors: dict[str, tuple[Int64s, Bools]]  # local days since 1970, and presence
    attribute_names: tuple[str, ...]

    @property
    def size(self) -> int:
        return int(self.batch.num_rows)

    def subjects(self, rows: Sequence[int] | None = None) -> Iterator[Subject]:
        """Rows (all by default) as :class:`touchpoints.Subject` values, in order,
        for the object path."""
        names = ["id", *self.anchors, *self.attribute_names]
        present = [name for name in names if name in self.batch.schema.names]
        table = self.batch.select(present)
        if rows is not None:
            table = table.take(pa.array(rows, type=pa.int64()))
        numbers = range(self.size) if rows is None else rows
        for row, record in zip(numbers, table.to_pylist(), strict=True):
            code = int(self.zone_codes[row])
            anchors: dict[str, date | datetime] = {}
            for name in self.anchors:
                value = record.get(name)
                if isinstance(value, str):
                    value = date.fromisoformat(value)
                if value is not None:
                    anchors[name] = value
            attributes = {name: record[name] for name in self.attribute_names}
            yield Subject(
                id=record["id"],
                timezone=self.zone_keys[code] if code >= 0 else None,
                anchors=anchors,
                attributes=attributes,
            )


def read_subjects(
    batch: pa.RecordBatch, plan: Plan, names: tuple[str, ...], offset: int
) -> SubjectsBatch:
    """Check one batch against the plan and read its ids, zones and anchor dates.

    ``names`` are the anchors to read; ``offset`` is the batch's first row number in
    the whole input, for messages.
    """
    columns = set(batch.schema.names)
    if "id" not in columns:
        raise _error("id", f"the subjects table has no 'id' column; {_HELP}")
    ids = _ids(batch.column("id"), offset)
    zone_keys, zone_codes = _zones(batch, plan, offset)
    required = _required(plan)
    anchors: dict[str, tuple[Int64s, Bools]] = {}
    tables: ZoneTables | None = None
    for name in names:
        if name not in columns:
            if name in required:
                raise _error(
                    name,
                    f"the subjects table has no {name!r} column, and the plan needs that "
                    f"anchor; add a column of dates called {name!r}",
                )
            continue
        column = batch.column(name)
        if pa.types.is_timestamp(column.type) and column.type.tz is not None:
            tables = tables or _tables(column, zone_keys)
        anchors[name] = _days(name, column, zone_codes, tables, offset)
    attribute_names = tuple(
        sorted({key for rule in plan.rules for key in rule.when if key in columns})
    )
    return SubjectsBatch(batch, ids, zone_keys, zone_codes, anchors, attribute_names)


def _required(plan: Plan) -> set[str]:
    uses = [name for rule in plan.rules if not rule.optional for name in rule.anchors()]
    if plan.term is not None:
        uses.append(plan.term.starts)
    return {plan.root_anchor(name)[0] for name in uses}


def _first(mask: Column) -> int:
    return int(np.flatnonzero(np.asarray(mask.to_numpy(zero_copy_only=False)))[0])


def _ids(column: Column, offset: int) -> Column:
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        raise _error(
            "id", f"the 'id' column must be text, not {column.type}; cast it to strings first"
        )
    if column.null_count:
        row = _first(column.is_null())
        raise _error(f"row {offset + row + 1}, id", "the subject has no id; give every row an id")
    compute: Any = pc  # the stubs' overloads do not cover arrays from record batches
    lengths = compute.utf8_length(column)
    bad = compute.or_(compute.equal(lengths, 0), compute.greater(lengths, 1_000))
    if compute.any(bad).as_py():
        row = _first(bad)
        raise _error(f"row {offset + row + 1}, id", "a subject id has 1 to 1,000 characters")
    return column.cast(pa.string())


def _zones(batch: pa.RecordBatch, plan: Plan, offset: int) -> tuple[tuple[str, ...], Int64s]:
    size = batch.num_rows
    default = plan.timezone
    if "timezone" not in batch.schema.names:
        only = (default,) if default is not None else ()
        return only, np.full(size, 0 if only else -1, dtype=np.int64)
    column: Column = batch.column("timezone")
    if pa.types.is_null(column.type):
        column = column.cast(pa.string())
    if not pa.types.is_dictionary(column.type):
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            raise _error("timezone", f"the 'timezone' column must be text, not {column.type}")
        column = column.dictionary_encode()
    names = [None if name in (None, "") else name for name in column.dictionary.to_pylist()]
    indices = column.indices.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    nulls = np.asarray(column.is_null().to_numpy(zero_copy_only=False))
    keys: list[str] = []
    code_of: dict[str | None, int] = {None: -1}
    if default is not None:
        keys.append(default)
        code_of[None] = 0
    mapping = np.empty(len(names), dtype=np.int64)
    for position, name in enumerate(names):
        if name not in code_of:
            problem = _zone_problem(name)
            if problem is not None:
                rows = np.flatnonzero((indices == position) & ~nulls)
                row = int(rows[0]) if rows.size else 0
                raise _error(f"row {offset + row + 1}, timezone", problem)
            assert name is not None
            code_of[name] = len(keys)
            keys.append(name)
        mapping[position] = code_of[name]
    codes = np.where(nulls, code_of[None], mapping[np.where(nulls, 0, indices)] if names else -1)
    return tuple(keys), codes.astype(np.int64)


def _zone_problem(name: str | None) -> str | None:
    try:
        Subject(id="zone", timezone=name)
    except SubjectError as error:
        return error.problems[0].message
    return None


def _seconds(column: Column) -> Int64s:
    """Seconds since 1970 (UTC, or wall clock when naive) of a timestamp column,
    rounded down; nulls read as 0."""
    unit = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[column.type.unit]
    values = column.cast(pa.int64()).fill_null(0).to_numpy().astype(np.int64)
    result: Int64s = values // unit
    return result


def _tables(column: Column, zone_keys: tuple[str, ...]) -> ZoneTables:
    seconds = _seconds(column)
    if seconds.size == 0:
        return ZoneTables((*zone_keys, "UTC"), 2000, 2000)
    years = year_of_seconds(np.array([seconds.min(), seconds.max()], dtype=np.int64))
    return ZoneTables((*zone_keys, "UTC"), int(years[0]) - 1, int(years[1]) + 1)


def _days(
    name: str, column: Column, codes: Int64s, tables: ZoneTables | None, offset: int
) -> tuple[Int64s, Bools]:
    """Local days since 1970 of an anchor column, and which rows have one."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.dictionary_decode()
        kind = column.type
    present = ~np.asarray(column.is_null().to_numpy(zero_copy_only=False))
    if pa.types.is_null(kind):
        return np.zeros(len(column), dtype=np.int64), present
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        try:
            column = column.cast(pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            row = next(n for n, text in enumerate(column.to_pylist()) if text and not _is_day(text))
            raise _error(
                f"row {offset + row + 1}, {name}",
                f"{column[row].as_py()!r} is not a date; write dates like '2026-01-15'",
            ) from None
        kind = column.type
    if pa.types.is_date(kind):
        days = column.cast(pa.date32()).cast(pa.int32()).fill_null(0)
        return days.to_numpy().astype(np.int64), present
    if pa.types.is_timestamp(kind):
        values = _seconds(column)
        if kind.tz is None:
            return values // _DAY, present  # a naive datetime counts as local
        assert tables is not None
        utc_code = len(tables.keys) - 1
        zone = np.where(codes >= 0, codes, utc_code)
        return tables.local(zone, values) // _DAY, present
    raise _error(
        name, f"the {name!r} column must hold dates, ISO date text or timestamps, not {kind}"
    )


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
