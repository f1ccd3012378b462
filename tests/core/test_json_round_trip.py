"""Touch points, schedules and diffs convert to JSON-ready data and back, losslessly."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchpoints import (
    JSONReadError,
    Plan,
    Schedule,
    ScheduleDiff,
    Subject,
    TouchPoint,
    diff,
    schedule,
)
from touchpoints.testing import plans, subjects, windows


def _through_json(data: object) -> Any:
    return json.loads(json.dumps(data))


def _exact(tp: TouchPoint) -> tuple[object, ...]:
    """Everything about a touch point, with the due time's zone and each adjustment's
    closed days (which == does not compare)."""
    due = tp.due
    zone = (str(due.tzinfo), due.utcoffset(), due.fold) if isinstance(due, datetime) else None
    closed = tuple(adjustment.closed for adjustment in tp.adjustments)
    return (*tp, type(due), zone, closed)


PLAN = Plan.model_validate(
    {
        "plan": "after-sales",
        "timezone": "Europe/Berlin",
        "contact_time": "10:00",
        "calendar": {"holidays": "DE-BY"},
        "touchpoints": [
            {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"},
            {"id": "win", "title": "Win back", "channel": "email", "at": "churn", "optional": True},
        ],
    }
)
SUBJECT = Subject(id="c1", anchors={"purchase": date(2026, 5, 9)})


def test_a_touch_point_as_json() -> None:
    (tp,) = schedule(PLAN, SUBJECT)
    data = tp.to_json()
    assert data == _through_json(data)
    assert data["id"] == tp.id
    assert data["due"] == "2026-05-26T10:00:00+02:00"  # Sat 23 May -> after Pentecost Monday
    assert data["timezone"] == "Europe/Berlin"
    assert data["rule"]["id"] == "call"
    back = TouchPoint.from_json(_through_json(data))
    assert _exact(back) == _exact(tp)


def test_a_schedule_as_json_lists_each_rule_once() -> None:
    result = schedule(PLAN, SUBJECT)
    data = result.to_json()
    assert [rule["id"] for rule in data["rules"]] == ["call"]
    assert data["omitted"][0]["kind"] == "missing_anchor"
    assert data["omitted"][0]["text"] == str(result.omitted[0])
    assert Schedule.from_json(_through_json(data)) == result


def test_a_diff_as_json() -> None:
    other = Subject(id="c1", anchors={"purchase": date(2026, 6, 1)})
    change = diff(schedule(PLAN, SUBJECT), schedule(PLAN, other))
    data = _through_json(change.to_json())
    assert data["changed"][0]["fields"] == ["due", "adjustments"]
    assert ScheduleDiff.from_json(data) == change


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plan_id": "p"},
        {"plan_id": "p", "subject_id": "c", "rules": [], "touch_points": [{"rule": 0}]},
        {"plan_id": "p", "subject_id": "c", "rules": [{"id": "x"}], "touch_points": []},
        [],
        "text",
    ],
)
def test_damaged_data_is_a_json_read_error(data: Any) -> None:
    with pytest.raises((JSONReadError, TypeError)):
        Schedule.from_json(data)


def test_damaged_touch_point_data_is_a_json_read_error() -> None:
    (tp,) = schedule(PLAN, SUBJECT)
    data = tp.to_json()
    for key, value in [("due", "soon"), ("occurrence", "one"), ("timezone", "Mars/Base")]:
        with pytest.raises(JSONReadError, match=key):
            TouchPoint.from_json({**data, key: value})


@given(st.data())
def test_schedules_round_trip_through_json(data: st.DataObject) -> None:
    plan = data.draw(plans(max_rules=3))
    subject = data.draw(subjects(plan))
    start, end = data.draw(windows())
    result = schedule(plan, subject, start=start, end=end)
    back = Schedule.from_json(_through_json(result.to_json()))
    assert back == result
    assert [_exact(tp) for tp in back] == [_exact(tp) for tp in result]
    change = diff(result, result.touch_points[1:])
    assert ScheduleDiff.from_json(_through_json(change.to_json())) == change
