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
from datetime import UTC, date, datetime
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from touchpoints import NAMESPACE, Plan, TouchPoint

__all__ = ["Rows", "make_ids", "schema"]

Int64s = npt.NDArray[np.int64]

_HEX: Final = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
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
    occurrence, due (seconds since 1970 UTC, or days for all-day plans), local day,
    zone code and term."""

    subject: Int64s
    rule: Int64s
    occurrence: Int64s
    due: Int64s
    local_day: Int64s
    zone: Int64s
    term: Int64s | None = None

    @classmethod
    def from_touch_points(
        cls, rows: Sequence[tuple[int, int, TouchPoint]], zone_codes: Int64s
    ) -> Rows:
        """Rows from the object path: (subject row, rule position, touch point)."""
        subject = np.array([row for row, _, _ in rows], dtype=np.int64)
        dues: list[int] = []
        local: list[int] = []
        for _, _, tp in rows:
            due = tp.due
            if isinstance(due, datetime):
                dues.append(int((due - _EPOCH).total_seconds()))
                local.append(due.date().toordinal() - _EPOCH_ORDINAL)
            else:
                dues.append(due.toordinal() - _EPOCH_ORDINAL)
                local.append(dues[-1])
        terms = np.array([tp.term for _, _, tp in rows], dtype=np.int64)
        return cls(
            subject=subject,
            rule=np.array([index for _, index, _ in rows], dtype=np.int64),
            occurrence=np.array([tp.occurrence for _, _, tp in rows], dtype=np.int64),
            due=np.array(dues, dtype=np.int64),
            local_day=np.array(local, dtype=np.int64),
            zone=zone_codes[subject] if subject.size else np.zeros(0, dtype=np.int64),
            term=terms if (terms != 1).any() else None,
        )

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
            ones = np.ones(first.subject.size, dtype=np.int64)
            terms = np.concatenate(
                [
                    first.term if first.term is not None else ones,
                    second.term
                    if second.term is not None
                    else np.ones(second.subject.size, dtype=np.int64),
                ]
            )[order]
        return cls(
            subject=subject[order],
            rule=np.concatenate([first.rule, second.rule])[order],
            occurrence=np.concatenate([first.occurrence, second.occurrence])[order],
            due=np.concatenate([first.due, second.due])[order],
            local_day=np.concatenate([first.local_day, second.local_day])[order],
            zone=np.concatenate([first.zone, second.zone])[order],
            term=terms,
        )

    def to_batch(
        self,
        plan: Plan,
        subject_ids: pa.Array,
        zone_keys: tuple[str, ...],
        ids: bool,
    ) -> pa.RecordBatch:
        """The rows as a record batch of :func:`schema`."""
        size = self.subject.size
        rule_ids = pa.array([rule.id for rule in plan.touchpoints], type=pa.string())
        zones = pa.array(zone_keys, type=pa.string())
        zone_mask = self.zone < 0
        zone_indices = pa.array(
            np.where(zone_mask, 0, self.zone).astype(np.int32),
            mask=zone_mask if zone_mask.any() else None,
        )
        if plan.is_all_day:
            due = _fixed(pa.date32(), self.due.astype(np.int32))
        else:
            due = _fixed(pa.timestamp("us", tz="UTC"), self.due * 1_000_000)
        columns = [
            pa.DictionaryArray.from_arrays(pa.array(self.subject.astype(np.int32)), subject_ids),
            pa.DictionaryArray.from_arrays(pa.array(self.rule.astype(np.int32)), rule_ids),
            pa.array(self.occurrence),
            due,
            _fixed(pa.date32(), self.local_day.astype(np.int32)),
            pa.DictionaryArray.from_arrays(zone_indices, zones),
        ]
        if ids:
            columns.append(
                make_ids(
                    plan.id,
                    [rule.id for rule in plan.touchpoints],
                    self.rule,
                    self.occurrence,
                    subject_ids,
                    self.subject,
                    self.term,
                )
            )
        del size
        return pa.RecordBatch.from_arrays(columns, schema=schema(plan, ids))


def _fixed(kind: pa.DataType, values: npt.NDArray[np.int32] | Int64s) -> pa.Array:
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


def make_ids(
    plan_id: str,
    rule_ids: Sequence[str],
    rules: Int64s,
    occurrences: Int64s,
    subject_ids: pa.Array,
    subjects: Int64s,
    terms: Int64s | None = None,
) -> pa.Array:
    """Touch point ids (``touchpoints.touch_point_id``) for rows, as a text column.

    >>> from touchpoints import touch_point_id
    >>> import numpy as np
    >>> ids = make_ids("after-sales", ["service"], np.array([0]), np.array([3]),
    ...                pa.array(["cust-42"]), np.array([0]))
    >>> ids[0].as_py() == touch_point_id("after-sales", "cust-42", "service", 3)
    True
    """
    size = int(rules.size)
    head = NAMESPACE.bytes + plan_id.encode() + b"\n"
    rule_parts = [head + rule.encode() + b"\n" for rule in rule_ids]
    subject_parts = [b"\n" + text.encode() for text in subject_ids.to_pylist()]
    most = int(occurrences.max()) if size else 0
    numbers = [str(n).encode() for n in range(most + 1)] if most < 1_000_000 else None
    sha1 = hashlib.sha1
    rule_list, number_list, subject_list = rules.tolist(), occurrences.tolist(), subjects.tolist()
    if terms is not None:
        term_list = terms.tolist()
        for n in range(size):
            if term_list[n] != 1:  # later terms: "rule@term" (see touch_point_id)
                rule_id = rule_ids[rule_list[n]]
                rule_parts.append(head + f"{rule_id}@{term_list[n]}".encode() + b"\n")
                rule_list[n] = len(rule_parts) - 1
    if numbers is not None:
        digests = b"".join(
            [
                sha1(rule_parts[r] + numbers[k] + subject_parts[s]).digest()
                for r, k, s in zip(rule_list, number_list, subject_list, strict=True)
            ]
        )
    else:
        digests = b"".join(
            [
                sha1(rule_parts[r] + str(k).encode() + subject_parts[s]).digest()
                for r, k, s in zip(rule_list, number_list, subject_list, strict=True)
            ]
        )
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
        pa.string(), size, [None, pa.py_buffer(offsets), pa.py_buffer(text)]
    )
