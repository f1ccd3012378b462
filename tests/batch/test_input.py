"""Subjects tables in: formats, column types, and clear errors for bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from touchpoints import Plan, Subject, SubjectError, TouchpointsError, schedule
from touchpoints.batch import schedule_batches, schedule_table

PLAN = Plan.model_validate(
    {
        "plan": "p",
        "timezone": "Europe/Berlin",
        "contact_time": "10:00",
        "anchors": {"renewal": "purchase + 1 year"},
        "touchpoints": [
            {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"},
            {"id": "renew", "title": "Renew", "channel": "call", "at": "renewal - 30 days"},
        ],
    }
)
DAYS = [date(2026, 1, 15), date(2024, 2, 29)]


def expected() -> list[tuple[str, str, datetime]]:
    rows = []
    for n, day in enumerate(DAYS):
        for tp in schedule(PLAN, Subject(id=f"c{n}", anchors={"purchase": day})):
            assert isinstance(tp.due, datetime)
            rows.append((tp.subject_id, tp.rule_id, tp.due.astimezone(UTC)))
    return rows


def seen(table: pa.Table) -> list[tuple[str, str, datetime]]:
    return [(r["subject_id"], r["rule_id"], r["due"]) for r in table.to_pylist()]


@pytest.mark.parametrize(
    "make",
    [
        lambda: pa.table({"id": ["c0", "c1"], "purchase": DAYS}),
        lambda: pa.table({"id": ["c0", "c1"], "purchase": DAYS}).to_batches()[0],
        lambda: pa.table({"id": ["c0", "c1"], "purchase": DAYS}).to_reader(),
        lambda: iter(pa.table({"id": ["c0", "c1"], "purchase": DAYS}).to_batches(max_chunksize=1)),
        lambda: pd.DataFrame({"id": ["c0", "c1"], "purchase": pd.to_datetime(DAYS)}),
        lambda: pl.DataFrame({"id": ["c0", "c1"], "purchase": DAYS}),
        lambda: pa.table({"id": ["c0", "c1"], "purchase": ["2026-01-15", "2024-02-29"]}),
        lambda: pa.table(
            {
                "id": pa.array(["c0", "c1"]).dictionary_encode(),
                "timezone": pa.array([None, None], type=pa.string()),
                "purchase": pa.array(DAYS, type=pa.date64()),
            }
        ),
    ],
    ids=["table", "batch", "reader", "batches", "pandas", "polars", "text", "dictionary"],
)
def test_every_input_form_gives_the_same_rows(make):
    assert seen(schedule_table(PLAN, make())) == expected()


def test_timestamps_count_as_their_local_date():
    # 23:30 UTC on January 14 is already January 15 in Berlin; a naive timestamp is local.
    aware = pa.array([datetime(2026, 1, 14, 23, 30, tzinfo=UTC)], type=pa.timestamp("us", "UTC"))
    naive = pa.array([datetime(2026, 1, 14, 23, 30)], type=pa.timestamp("s"))
    first = schedule_table(PLAN, pa.table({"id": ["a"], "purchase": aware})).to_pylist()[0]
    second = schedule_table(PLAN, pa.table({"id": ["a"], "purchase": naive})).to_pylist()[0]
    assert first["local_date"] == date(2026, 1, 29)
    assert second["local_date"] == date(2026, 1, 28)
    tokyo = pa.table(
        {
            "id": ["a"],
            "timezone": ["Asia/Tokyo"],
            "purchase": pa.array(
                [datetime(2026, 1, 14, 16, tzinfo=UTC)], type=pa.timestamp("ms", "UTC")
            ),
        }
    )
    row = schedule_table(PLAN, tokyo).to_pylist()[0]  # 01:00 on the 15th in Tokyo
    reference = schedule(
        PLAN,
        Subject(
            id="a",
            timezone="Asia/Tokyo",
            anchors={"purchase": datetime(2026, 1, 14, 16, tzinfo=UTC)},
        ),
    )[0]
    assert isinstance(reference.due, datetime)
    assert row["due"] == reference.due.astimezone(UTC)
    assert row["local_date"] == date(2026, 1, 29) == reference.due.date()


def test_a_subjects_own_derived_anchor_wins():
    subjects = pa.table({"id": ["a", "b"], "purchase": DAYS, "renewal": [date(2030, 6, 30), None]})
    rows = schedule_table(PLAN, subjects).to_pylist()
    renew = {r["subject_id"]: r["local_date"] for r in rows if r["rule_id"] == "renew"}
    assert renew == {"a": date(2030, 5, 31), "b": date(2025, 1, 29)}


def problem(error: SubjectError) -> str:
    assert isinstance(error, TouchpointsError)
    return str(error.problems[0])


def test_a_missing_column_is_named():
    with pytest.raises(SubjectError) as raised:
        schedule_table(PLAN, pa.table({"id": ["a"], "bought": DAYS[:1]}))
    assert problem(raised.value).startswith("purchase: the subjects table has no 'purchase' column")
    with pytest.raises(SubjectError, match="no 'id' column"):
        schedule_table(PLAN, pa.table({"name": ["a"], "purchase": DAYS[:1]}))


def test_a_bad_zone_is_named_with_its_row_and_a_suggestion():
    subjects = pa.table(
        {"id": ["a", "b"], "timezone": ["Europe/Berlin", "europe/paris"], "purchase": DAYS}
    )
    with pytest.raises(SubjectError) as raised:
        schedule_table(PLAN, subjects)
    assert problem(raised.value) == (
        "row 2, timezone: unknown time zone 'europe/paris'; did you mean 'Europe/Paris'? "
        "(use an IANA time zone name such as 'Europe/Berlin' or 'America/New_York')"
    )


def test_bad_ids_and_dates_are_named():
    with pytest.raises(SubjectError, match="row 2, id: the subject has no id"):
        schedule_table(PLAN, pa.table({"id": ["a", None], "purchase": DAYS}))
    with pytest.raises(SubjectError, match="row 1, id: a subject id has 1 to 1,000"):
        schedule_table(PLAN, pa.table({"id": ["", "b"], "purchase": DAYS}))
    with pytest.raises(SubjectError, match="must be text"):
        schedule_table(PLAN, pa.table({"id": [1, 2], "purchase": DAYS}))
    with pytest.raises(SubjectError, match="row 2, purchase: 'soon' is not a date"):
        schedule_table(PLAN, pa.table({"id": ["a", "b"], "purchase": ["2026-01-01", "soon"]}))
    with pytest.raises(SubjectError, match="must hold dates"):
        schedule_table(PLAN, pa.table({"id": ["a"], "purchase": [3.5]}))
    with pytest.raises(SubjectError, match="or a pandas or polars frame, not str"):
        list(schedule_batches(PLAN, "not a table"))
    with pytest.raises(SubjectError, match="batch_size must be"):
        list(schedule_batches(PLAN, pa.table({"id": ["a"], "purchase": DAYS[:1]}), batch_size=0))


def test_import_touchpoints_does_not_import_numpy_or_pyarrow():
    import subprocess
    import sys

    code = "import sys, touchpoints; print('numpy' in sys.modules or 'pyarrow' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_zone_column_is_the_zone_used():
    subjects = pa.table({"id": ["a", "b"], "timezone": ["", "Asia/Kolkata"], "purchase": DAYS})
    zones = schedule_table(PLAN, subjects).column("zone").to_pylist()
    assert zones == ["Europe/Berlin"] * 2 + ["Asia/Kolkata"] * 2
    due = schedule_table(PLAN, subjects).to_pylist()[2]["due"]
    assert due == datetime(2024, 3, 14, 10, tzinfo=ZoneInfo("Asia/Kolkata"))
