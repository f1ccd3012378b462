"""Helpers for the columnar batch tests: subjects to tables, and rows to compare.

The reference is ``touchpoints.schedule``, one subject at a time: its touch points
become ``(subject_id, rule_id, occurrence, due, local_date, zone)`` with ``due`` as
an aware UTC datetime (a date for all-day plans) and ``local_date`` the due date in
the subject's zone, converted by ``zoneinfo`` here, not by the code under test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import pytest

from touchpoints import Plan, Subject, schedule

Row = tuple[str, str, int, date, date, str | None]


def subjects_table(plan: Plan, subjects: Sequence[Subject]) -> pa.Table:
    """The subjects as a table: id, timezone and one date column per anchor."""
    names = dict.fromkeys(plan.subject_anchors())
    names.update(dict.fromkeys(plan.anchors))
    columns: dict[str, Any] = {
        "id": pa.array([s.id for s in subjects], type=pa.string()),
        "timezone": pa.array([s.timezone for s in subjects], type=pa.string()),
    }
    for name in names:
        values = [s.anchors.get(name) for s in subjects]
        assert all(v is None or type(v) is date for v in values), "dates only here"
        columns[name] = pa.array(values, type=pa.date32())
    return pa.table(columns)


def reference_rows(plan: Plan, subjects: Sequence[Subject], **options: object) -> list[Row]:
    rows: list[Row] = []
    for subject in subjects:
        zone = subject.timezone or plan.timezone
        for tp in schedule(plan, subject, **options):  # type: ignore[arg-type]
            due = tp.due
            if isinstance(due, datetime):
                rows.append(
                    (
                        tp.subject_id,
                        tp.rule_id,
                        tp.occurrence,
                        due.astimezone(UTC),
                        due.date(),
                        zone,
                    )
                )
            else:
                rows.append((tp.subject_id, tp.rule_id, tp.occurrence, due, due, zone))
    return rows


def table_rows(table: pa.Table) -> list[Row]:
    return [
        (r["subject_id"], r["rule_id"], r["occurrence"], r["due"], r["local_date"], r["zone"])
        for r in table.to_pylist()
    ]


@pytest.fixture(scope="session")
def to_table() -> Callable[[Plan, Sequence[Subject]], pa.Table]:
    return subjects_table


@pytest.fixture(scope="session")
def reference() -> Callable[..., list[Row]]:
    return reference_rows


@pytest.fixture(scope="session")
def rows_of() -> Callable[[pa.Table], list[Row]]:
    return table_rows
