"""Touch point rows out: Arrow record batches, and ids computed in bulk.

The columns are ``subject_id``, ``rule_id`` and ``zone`` (dictionary-encoded text),
``occurrence`` (int64), ``due`` (a UTC timestamp for timed plans, the date for
all-day ones), ``local_date`` (the due date in the subject's zone) and, on request,
``id``: the touch point id, equal to ``TouchPoint.id``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from touchpoints import NAMESPACE, Plan, TouchPoint
from touchpoints.batch._days import NO_ROLL

__all__ = ["Rows", "make_ids", "schema"]

Int64s = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Column = Any
"""An Arrow array, typed loosely: pyarrow's stubs do not cover its subclasses' use here."""

_HEX: Final = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)
_DIGEST: Final = type(hashlib.sha1(usedforsecurity=False)).digest
# Where the 32 hex digits go among the 36 characters of a hyphenated uuid.
_DIGITS: Final = np.array([n for n in range(36) if n not in (8, 13, 18, 23)])


def schema(plan: Plan, ids: bool) -> pa.Schema:
    """The output schema for ``plan``.

    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase"}]})
    >>> schema(plan, ids=False).names
    ['subject_id', 'rule_id', 'occurrence', 'due', 'local_date', 'zone']
    """
    text = pa.dictionary(pa.int32(), pa.string())
    due = pa.date32() if plan.is_all_day else pa.timestamp("us", tz="UTC")
    fields = [
        pa.field("subject_id", text, nullable=False),
        pa.field("rule_id", text, nullable=False),
        pa.field("occurrence", pa.int64(), nullable=False),
        pa.field("due", due, nullable=False),
        pa.field("local_date", pa.date32(), nullable=False),
        pa.field("zone", text),
    ]
    if ids:
        fields.append(pa.field("id", pa.string(), nullable=False))
    return pa.schema(fields)


@dataclass(slots=True)
class Rows:
    """Touch point rows of one batch, as arrays: subject row, rule position,
    occurrence, due (microseconds since 1970 UTC, or days for all-day plans), local
    day, zone code (-1: none), term (None: all 1) and planned day: the closed day a
    roll off closed days started from, or ``NO_ROLL`` (None: no row rolled)."""

    subject: Int32s
    rule: Int32s
    occurrence: Int64s
    due: Int64s
    local_day: Int32s
    zone: Int32s
    term: Int64s | None = None
    planned: Int32s | None = None

    @classmethod
    def from_touch_points(
        cls, rows: Sequence[tuple[int, int, TouchPoint]], zone_codes: Int64s
    ) -> Rows:
        """Rows from the object path: (subject row, rule position, touch point)."""
        subject = np.array([row for row, _, _ in rows], dtype=np.int32)
        dues: list[int] = []
        local: list[int] = []
        for _, _, tp in rows:
            due = tp.due
            if isinstance(due, datetime):
                dues.append((due - _EPOCH) // _MICROSECOND)
                local.append(due.date().toordinal() - _EPOCH_ORDINAL)
            else:
                dues.append(due.toordinal() - _EPOCH_ORDINAL)
                local.append(dues[-1])
        terms = np.array([tp.term for _, _, tp in rows], dtype=np.int64)
        planned = np.array([_planned(tp) for _, _, tp in rows], dtype=np.int32)
        return cls(
            subject=subject,
            rule=np.array([index for _, index, _ in rows], dtype=np.int32),
            occurrence=np.array([tp.occurrence for _, _, tp in rows], dtype=np.int64),
            due=np.array(dues, dtype=np.int64),
            local_day=np.array(local, dtype=np.int32),
            zone=zone_codes[subject].astype(np.int32),
            term=terms if (terms != 1).any() else None,
            planned=planned if (planned != NO_ROLL).any() else None,
        )

    def _planned(self) -> Int32s:
        if self.planned is not None:
            return self.planned
        return np.full(self.subject.size, NO_ROLL, dtype=np.int32)

    def _terms(self) -> Int64s:
        if self.term is not None:
            return self.term
        return np.ones(self.subject.size, dtype=np.int64)

    @classmethod
    def merge(cls, first: Rows, second: Rows) -> Rows:
        """Both sets of rows in subject order, each subject's rows kept in order."""
        if second.subject.size == 0:
            return first
        if first.subject.size == 0:
            return second
        subject = np.concatenate([first.subject, second.subject])
        order = np.argsort(subject, kind="stable")
        terms = None
        if first.term is not None or second.term is not None:
            terms = np.concatenate([first._terms(), second._terms()])[order]
        planned = None
        if first.planned is not None or second.planned is not None:
            planned = np.concatenate([first._planned(), second._planned()])[order]
        return cls(
            subject=subject[order],
            rule=np.concatenate([first.rule, second.rule])[order],
            occurrence=np.concatenate([first.occurrence, second.occurrence])[order],
            due=np.concatenate([first.due, second.due])[order],
            local_day=np.concatenate([first.local_day, second.local_day])[order],
            zone=np.concatenate([first.zone, second.zone])[order],
            term=terms,
            planned=planned,
        )

    def to_batch(
        self,
        plan: Plan,
        subject_ids: Column,
        zone_keys: tuple[str, ...],
        ids: bool,
    ) -> pa.RecordBatch:
        """The rows as a record batch of :func:`schema`."""
        rule_ids = pa.array([rule.id for rule in plan.rules], type=pa.string())
        zones = pa.array(zone_keys, type=pa.string())
        zone_mask = self.zone < 0
        zone_indices: Column = (
            pa.array(np.where(zone_mask, 0, self.zone), mask=zone_mask)
            if zone_mask.any()
            else _fixed(pa.int32(), self.zone)
        )
        if plan.is_all_day:
            due = _fixed(pa.date32(), self.due.astype(np.int32))
        else:
            due = _fixed(pa.timestamp("us", tz="UTC"), self.due)
        columns = [
            pa.DictionaryArray.from_arrays(_fixed(pa.int32(), self.subject), subject_ids),
            pa.DictionaryArray.from_arrays(_fixed(pa.int32(), self.rule), rule_ids),
            _fixed(pa.int64(), self.occurrence),
            due,
            _fixed(pa.date32(), self.local_day),
            pa.DictionaryArray.from_arrays(zone_indices, zones),
        ]
        if ids:
            columns.append(self.ids(plan, subject_ids))
        return pa.RecordBatch.from_arrays(columns, schema=schema(plan, ids))

    def ids(self, plan: Plan, subject_ids: Column) -> Column:
        """The touch point ids of the rows, a million at a time."""
        chunks = []
        step = 1 << 20
        for first in range(0, max(self.subject.size, 1), step):
            part = slice(first, first + step)
            chunks.append(
                make_ids(
                    plan.id,
                    [rule.id for rule in plan.rules],
                    self.rule[part],
                    self.occurrence[part],
                    subject_ids,
                    self.subject[part],
                    None if self.term is None else self.term[part],
                )
            )
        return pa.concat_arrays(chunks) if len(chunks) > 1 else chunks[0]


def _planned(tp: TouchPoint) -> int:
    """The day a roll off closed days started from, or ``NO_ROLL``."""
    for adjustment in tp.adjustments:
        if adjustment.kind == "rolled":
            return adjustment.before.toordinal() - _EPOCH_ORDINAL
    return NO_ROLL


def _fixed(kind: pa.DataType, values: npt.NDArray[np.integer[Any]]) -> Column:
    """A fixed-width Arrow array over ``values``' memory, without a copy."""
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values.data)])


def make_ids(
    plan_id: str,
    rule_ids: Sequence[str],
    rules: npt.NDArray[np.integer[Any]],
    occurrences: Int64s,
    subject_ids: Column,
    subjects: npt.NDArray[np.integer[Any]],
    terms: Int64s | None = None,
) -> Column:
    """Touch point ids (``touchpoints.touch_point_id``) for rows, as a text column.

    The names are joined by Arrow and hashed in one pass over C-level iterators, so
    the only per-row cost is SHA-1 itself.

    >>> from touchpoints import touch_point_id
    >>> ids = make_ids("after-sales", ["service"], np.array([0]), np.array([3]),
    ...                pa.array(["cust-42"]), np.array([0]))
    >>> ids[0].as_py() == touch_point_id("after-sales", "cust-42", "service", 3)
    True
    """
    size = int(rules.size)
    if size == 0:
        return pa.array([], type=pa.string())
    head = NAMESPACE.bytes + plan_id.encode() + b"\n"
    # The name is "{plan}\n{rule}\n{occurrence}\n{subject}"; in later terms the rule
    # part is "{rule}@{term}" (see touch_point_id).
    term_list = terms if terms is not None else np.ones(size, dtype=np.int64)
    widths = (len(rule_ids), int(term_list.max()) + 1, int(occurrences.max()) + 1)
    combined = (rules.astype(np.int64) * widths[1] + term_list) * widths[2] + occurrences
    if widths[0] * widths[1] * widths[2] <= 1 << 22:
        seen = np.zeros(widths[0] * widths[1] * widths[2], dtype=np.bool_)
        seen[combined] = True
        distinct = np.flatnonzero(seen)
        code = (np.cumsum(seen) - 1)[combined]
    else:
        distinct, code = np.unique(combined, return_inverse=True)
    prefixes = []
    for value in distinct.tolist():
        rest, k = divmod(value, widths[2])
        r, t = divmod(rest, widths[1])
        rule_part = rule_ids[r] if t == 1 else f"{rule_ids[r]}@{t}"
        prefixes.append(head + rule_part.encode() + b"\n" + str(k).encode())
    prefix = pa.array(prefixes, type=pa.binary()).take(pa.array(code.reshape(-1)))
    subject = subject_ids.cast(pa.binary()).take(_fixed(pa.int32(), subjects.astype(np.int32)))
    compute: Any = pc  # the stubs' overloads do not cover joining taken arrays
    names = compute.binary_join_element_wise(prefix, subject, b"\n").to_pylist()
    sha1 = hashlib.sha1
    digests = b"".join(map(_DIGEST, map(sha1, names)))
    raw = np.frombuffer(digests, dtype=np.uint8).reshape(size, 20)[:, :16].copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x50  # version 5
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # the RFC 9562 variant
    digits = np.empty((size, 32), dtype=np.uint8)
    digits[:, 0::2] = _HEX[raw >> 4]
    digits[:, 1::2] = _HEX[raw & 0x0F]
    text = np.full((size, 36), ord("-"), dtype=np.uint8)
    text[:, _DIGITS] = digits
    offsets = np.arange(0, 36 * (size + 1), 36, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), size, [None, pa.py_buffer(offsets.data), pa.py_buffer(text.data)]
    )
