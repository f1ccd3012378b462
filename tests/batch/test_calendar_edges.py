"""DST days, month ends, leap days and business days: the columnar path against the
engine at every quarter hour of the hard days, and against hand-computed dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

from touchpoints import Plan, Subject
from touchpoints.batch import fallback_reason, schedule_table

TRANSITIONS = [
    ("Australia/Lord_Howe", date(2026, 4, 5)),
    ("Australia/Lord_Howe", date(2026, 10, 4)),
    ("America/Sao_Paulo", date(2018, 11, 4)),
    ("America/Sao_Paulo", date(2019, 2, 16)),
    ("America/Havana", date(2026, 3, 8)),
    ("America/Havana", date(2026, 11, 1)),
    ("Pacific/Apia", date(2011, 12, 29)),
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("Europe/Dublin", date(2026, 10, 25)),
    ("Antarctica/Troll", date(2026, 3, 29)),
]


def quarter_hours(zone: str, day: date) -> Plan:
    del zone
    return Plan.model_validate(
        {
            "plan": "dst",
            "contact_time": "00:00",
            "touchpoints": [
                {
                    "id": "q",
                    "title": "Q",
                    "channel": "call",
                    "every": "15 minutes",
                    "starting": "purchase - 1 day",
                    "count": 4 * 24 * 3,
                },
                {"id": "at", "title": "At", "channel": "call", "at": "purchase + 150 minutes"},
            ],
        }
    )


@pytest.mark.parametrize(("zone", "day"), TRANSITIONS)
def test_every_quarter_hour_of_a_dst_day(zone, day, reference, to_table, rows_of):
    plan = quarter_hours(zone, day)
    people = [Subject(id=f"{zone}-{day}", timezone=zone, anchors={"purchase": day})]
    table = schedule_table(plan, to_table(plan, people))
    assert fallback_reason(plan, None, None, None) is None
    assert rows_of(table) == reference(plan, people)
    assert table.num_rows == 4 * 24 * 3 + 1


def test_gap_and_fold_by_hand():
    plan = Plan.model_validate(
        {
            "plan": "p",
            "contact_time": "02:30",
            "touchpoints": [{"id": "r", "title": "R", "channel": "call", "at": "purchase"}],
        }
    )
    subjects = pa.table(
        {
            "id": ["gap", "fold"],
            "timezone": ["Europe/Berlin"] * 2,
            "purchase": [date(2026, 3, 29), date(2026, 10, 25)],
        }
    )
    due = schedule_table(plan, subjects).column("due").to_pylist()
    # 02:30 does not exist on March 29: 03:30 summer time (+02:00) is 01:30 UTC.
    # On October 25 it happens twice; the first is summer time, 00:30 UTC.
    assert due == [
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    ]


def test_the_skipped_day_of_apia():
    plan = Plan.model_validate(
        {
            "plan": "p",
            "contact_time": "10:00",
            "touchpoints": [{"id": "r", "title": "R", "channel": "call", "at": "purchase"}],
        }
    )
    subjects = pa.table(
        {"id": ["a"], "timezone": ["Pacific/Apia"], "purchase": [date(2011, 12, 30)]}
    )
    row = schedule_table(plan, subjects).to_pylist()[0]
    # 2011-12-30 did not exist in Apia: 10:00 moves forward by the 24-hour gap.
    expected = datetime(2011, 12, 31, 10, tzinfo=ZoneInfo("Pacific/Apia"))
    assert row["due"] == expected.astimezone(UTC)
    assert row["local_date"] == date(2011, 12, 31)


def test_month_ends_and_leap_days_clamp_without_drift():
    plan = Plan.model_validate(
        {
            "plan": "p",
            "touchpoints": [
                {
                    "id": "m",
                    "title": "M",
                    "channel": "call",
                    "every": "1 month",
                    "starting": "purchase",
                    "count": 5,
                },
                {
                    "id": "y",
                    "title": "Y",
                    "channel": "call",
                    "every": "1 year",
                    "starting": "purchase",
                    "count": 5,
                },
            ],
        }
    )
    subjects = pa.table({"id": ["a", "b"], "purchase": [date(2024, 1, 31), date(2024, 2, 29)]})
    rows = schedule_table(plan, subjects).to_pylist()
    monthly = [r["due"] for r in rows if r["subject_id"] == "a" and r["rule_id"] == "m"]
    yearly = [r["due"] for r in rows if r["subject_id"] == "b" and r["rule_id"] == "y"]
    assert monthly == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]
    assert yearly == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


@pytest.mark.parametrize(
    "roll",
    ["following", "preceding", "modified_following", "modified_preceding", "nearest", "keep"],
)
def test_every_roll_on_every_day_of_two_years(roll, reference, to_table, rows_of):
    plan = Plan.model_validate(
        {
            "plan": "p",
            "calendar": {"holidays": "DE-BY", "roll": roll, "closed": ["2026-12-24"]},
            "touchpoints": [
                {
                    "id": "d",
                    "title": "D",
                    "channel": "call",
                    "every": "1 day",
                    "starting": "purchase",
                    "count": 730,
                },
                {"id": "b", "title": "B", "channel": "call", "at": "purchase + 3 business days"},
            ],
        }
    )
    people = [
        Subject(id=f"s{n}", anchors={"purchase": date(2025, 1, 1) + timedelta(days=n)})
        for n in range(0, 60, 7)
    ]
    table = schedule_table(plan, to_table(plan, people))
    assert rows_of(table) == reference(plan, people)


def test_modified_preceding_stays_in_the_month():
    """Saturday 2026-08-01 would go back to Friday July 31, in another month, so it
    goes on to Monday August 3; Sunday 2026-07-26 goes back to Friday July 24."""
    plan = Plan.model_validate(
        {
            "plan": "p",
            "calendar": {"roll": "modified_preceding"},
            "touchpoints": [{"id": "call", "title": "Call", "channel": "call", "at": "purchase"}],
        }
    )
    subjects = pa.table({"id": ["c1", "c2"], "purchase": [date(2026, 8, 1), date(2026, 7, 26)]})
    rows = schedule_table(plan, subjects).to_pylist()
    assert [r["due"] for r in rows] == [date(2026, 8, 3), date(2026, 7, 24)]


def test_easter_monday_rolls_to_tuesday():
    plan = Plan.model_validate(
        {
            "plan": "p",
            "calendar": {"holidays": "DE-BY"},
            "touchpoints": [
                {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"},
                {
                    "id": "handover",
                    "title": "H",
                    "channel": "call",
                    "at": "purchase + 2 business days",
                },
            ],
        }
    )
    subjects = pa.table({"id": ["c1", "c2"], "purchase": [date(2026, 3, 23), date(2026, 4, 2)]})
    rows = schedule_table(plan, subjects).to_pylist()
    found = {(r["subject_id"], r["rule_id"]): r["due"] for r in rows}
    assert found[("c1", "call")] == date(2026, 4, 7)  # Easter Monday is closed in Bavaria
    # Thursday April 2 plus two business days skips Good Friday, the weekend, Easter Monday.
    assert found[("c2", "handover")] == date(2026, 4, 8)
