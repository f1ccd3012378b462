"""The object path inside the same call: plans and subjects the arrays leave to
``touchpoints.schedule_many`` give the same rows, and the engine's own errors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from touchpoints import (
    MissingAnchorError,
    Plan,
    ScheduleError,
    Subject,
    TooManyTouchPointsError,
    schedule,
)
from touchpoints.batch import fallback_reason, schedule_table

BASE = {
    "plan": "p",
    "timezone": "Europe/Berlin",
    "contact_time": "10:00",
    "touchpoints": [
        {"id": "check-up", "title": "Check-up", "channel": "call", "at": "purchase + 2 weeks"},
        {
            "id": "service",
            "title": "Service",
            "channel": "visit",
            "every": "90 days",
            "starting": "purchase + 90 days",
            "until": "purchase + 3 years",
        },
    ],
}


def plan_with(**changes: object) -> Plan:
    return Plan.model_validate({**BASE, **changes})


PEOPLE = [
    Subject(
        id="a",
        anchors={"purchase": date(2026, 1, 15), "churn": date(2027, 1, 1)},
        attributes={"segment": "premium"},
    ),
    Subject(
        id="b",
        timezone="America/New_York",
        anchors={"purchase": date(2025, 12, 31)},
        attributes={"segment": "basic"},
    ),
]


def table_of(plan: Plan) -> pa.Table:
    return pa.table(
        {
            "id": ["a", "b"],
            "timezone": [None, "America/New_York"],
            "purchase": [date(2026, 1, 15), date(2025, 12, 31)],
            "churn": [date(2027, 1, 1), None],
            "segment": ["premium", "basic"],
        }
    )


CASES = {
    "the plan has fatigue rules": plan_with(fatigue={"spacing": "30 days"}),
    "the plan runs in terms": plan_with(term={"starts": "purchase", "length": "1 year"}),
    "the plan has stop anchors": plan_with(stop=["churn"]),
    "rule 'q' is an rrule": plan_with(
        touchpoints=[
            *BASE["touchpoints"],
            {
                "id": "q",
                "title": "Q",
                "channel": "call",
                "rrule": "FREQ=MONTHLY;BYDAY=1MO",
                "starting": "purchase",
                "count": 6,
            },
        ]
    ),
    "rule 'up' has conditions": plan_with(
        touchpoints=[
            *BASE["touchpoints"],
            {
                "id": "up",
                "title": "Upsell",
                "channel": "email",
                "at": "purchase + 1 month",
                "when": {"segment": "premium"},
            },
        ]
    ),
}


@pytest.mark.parametrize("reason", sorted(CASES))
def test_features_left_to_the_object_path_give_the_same_rows(reason, reference, rows_of):
    plan = CASES[reason]
    assert fallback_reason(plan, None, None, None) == reason
    table = schedule_table(plan, table_of(plan), ids=True)
    assert rows_of(table) == reference(plan, PEOPLE)
    assert table.column("id").to_pylist() == [tp.id for s in PEOPLE for tp in schedule(plan, s)]


def test_a_condition_reads_its_attribute_column(reference, rows_of):
    plan = CASES["rule 'up' has conditions"]
    rules = [
        row["rule_id"]
        for row in schedule_table(plan, table_of(plan)).to_pylist()
        if row["subject_id"] == "b"
    ]
    assert "up" not in rules  # b is not premium
    assert rows_of(schedule_table(plan, table_of(plan))) == reference(plan, PEOPLE)


def test_as_of_and_datetime_windows_use_the_object_path(reference, rows_of):
    plan = plan_with(missed="skip")
    assert fallback_reason(plan, None, None, date(2026, 6, 1)) == "an 'as of' date is given"
    table = schedule_table(plan, table_of(plan), as_of=date(2026, 6, 1))
    assert rows_of(table) == reference(plan, PEOPLE, as_of=date(2026, 6, 1))
    start = datetime(2026, 3, 1, tzinfo=UTC)
    end = datetime(2027, 3, 1, tzinfo=UTC)
    assert fallback_reason(plan, start, end, None) == "a window bound is a datetime"
    table = schedule_table(plan, table_of(plan), start=start, end=end)
    assert rows_of(table) == reference(plan, PEOPLE, start=start, end=end)


def test_a_null_anchor_raises_the_engines_error():
    plan = plan_with()
    subjects = pa.table({"id": ["ok", "no-date"], "purchase": [date(2026, 1, 1), None]})
    with pytest.raises(MissingAnchorError) as raised:
        schedule_table(plan, subjects)
    assert str(raised.value) == str(MissingAnchorError("no-date", "check-up", "purchase"))


def test_a_null_anchor_of_an_optional_rule_leaves_the_rule_out(reference, to_table, rows_of):
    plan = plan_with(
        touchpoints=[
            *BASE["touchpoints"],
            {
                "id": "win-back",
                "title": "W",
                "channel": "call",
                "at": "churn + 30 days",
                "optional": True,
            },
        ]
    )
    table = schedule_table(plan, table_of(plan))
    assert rows_of(table) == reference(plan, PEOPLE)
    assert sum(r["rule_id"] == "win-back" for r in table.to_pylist()) == 1


def test_more_touch_points_than_the_limit_raise_the_engines_error():
    plan = plan_with()
    subjects = pa.table({"id": ["a"], "purchase": [date(2026, 1, 1)]})
    with pytest.raises(TooManyTouchPointsError, match="more than 5 touch"):
        schedule_table(plan, subjects, limit=5)
    assert schedule_table(plan, subjects, limit=13).num_rows == 13


def test_no_zone_for_a_timed_plan_raises_the_engines_error():
    plan = Plan.model_validate({**BASE, "timezone": None})
    with pytest.raises(ScheduleError, match="has no time zone"):
        schedule_table(plan, pa.table({"id": ["a"], "purchase": [date(2026, 1, 1)]}))


def test_a_bad_window_raises_before_any_subject_is_read():
    with pytest.raises(ScheduleError, match="before it starts"):
        schedule_table(plan_with(), object(), start=date(2026, 2, 1), end=date(2026, 1, 1))
    with pytest.raises(ScheduleError, match="limit must be"):
        schedule_table(plan_with(), object(), limit=0)


def test_dates_outside_the_calendar_go_through_the_engine():
    plan = plan_with(
        touchpoints=[{"id": "far", "title": "F", "channel": "call", "at": "purchase + 900 years"}]
    )
    with pytest.raises(ScheduleError, match="outside the years"):
        schedule_table(
            plan, pa.table({"id": ["a"], "purchase": [date(9500, 1, 1)]}), end=date(9999, 1, 1)
        )
