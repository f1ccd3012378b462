"""Every adjustment the engine makes says what made it in ``kind``, and the kind survives
the JSON form and the feed; older JSON and feeds without it still read (#12).

The expected kinds come from what each scenario does (a holiday, a fatigue rule, the
history, a daylight saving gap, a meter), not from the words the engine writes.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from touchpoints import (
    ADJUSTMENT_KINDS,
    Adjustment,
    ExportOptions,
    HistoryEvent,
    Plan,
    Schedule,
    Subject,
    from_ical,
    schedule,
    to_ical,
)

OPTIONS = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
PURCHASE = date(2026, 3, 23)  # + 2 weeks is Easter Monday 2026-04-06

FATIGUE_PLAN = {
    "plan": "kinds",
    "calendar": {"holidays": "DE-BY"},
    "fatigue": {"spacing": "3 days", "merge": True},
    "touchpoints": [
        {"id": "check-up", "title": "Call", "channel": "call", "at": "purchase + 2 weeks",
         "priority": 1},
        {"id": "survey", "title": "Survey", "channel": "email", "at": "purchase + 15 days",
         "priority": 5},
        {"id": "install", "title": "Install", "channel": "visit", "at": "purchase + 70 days",
         "priority": 2},
        {"id": "training", "title": "Training", "channel": "visit",
         "at": "purchase + 71 days", "priority": 6},
    ],
}  # fmt: skip


def kinds(result: Schedule) -> dict[str, list[str]]:
    return {tp.rule_id: [a.kind for a in tp.adjustments] for tp in result}


def fatigue_schedule(**fields: Any) -> Schedule:
    plan = Plan.model_validate({**FATIGUE_PLAN, **fields})
    return schedule(plan, Subject(id="c", anchors={"purchase": PURCHASE}))


def test_a_holiday_roll_a_fatigue_move_and_a_merge() -> None:
    # The call rolls off Easter Monday; the survey, a day after it, moves for spacing;
    # training merges into the installation visit, which then also covers it.
    assert kinds(fatigue_schedule()) == {
        "check-up": ["rolled"],
        "survey": ["fatigue"],
        "install": ["merged"],
    }


def test_a_touch_point_fatigue_cannot_place_is_a_conflict() -> None:
    result = fatigue_schedule(fatigue={"spacing": "30 days", "max_shift": "2 days"})
    assert result.conflicts
    conflicted = {c.rule_id for c in result.conflicts}
    for tp in result:
        if tp.rule_id in conflicted:
            assert tp.adjustments[-1].kind == "conflict"
            assert tp.adjustments[-1].before == tp.adjustments[-1].after


def test_the_history_rescheduling_a_touch_point() -> None:
    history = (
        HistoryEvent(rule="survey", occurrence=1, status="rescheduled", on=date(2026, 5, 4)),
    )
    plan = Plan.model_validate({**FATIGUE_PLAN, "fatigue": None})
    result = schedule(plan, Subject(id="c", anchors={"purchase": PURCHASE}, history=history))
    assert kinds(result)["survey"] == ["rescheduled"]


def test_missed_touch_points_due_again() -> None:
    monthly = {"id": "m", "title": "Monthly", "channel": "call", "every": "1 month",
               "starting": "purchase", "count": 6}  # fmt: skip
    plan = Plan.model_validate({"plan": "p", "touchpoints": [monthly], "missed": "collapse"})
    result = schedule(
        plan, Subject(id="c", anchors={"purchase": date(2026, 1, 15)}), as_of=date(2026, 4, 1)
    )
    assert result[0].adjustments[-1].kind == "missed"


def test_a_daylight_saving_gap_that_pushes_a_time_to_the_next_day() -> None:
    # Apia skipped Fri 2011-12-30 altogether: 10:00 that day lands on the Saturday.
    plan = Plan.model_validate(
        {"plan": "p", "timezone": "Pacific/Apia", "contact_time": "10:00",
         "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "purchase"}]}
    )  # fmt: skip
    result = schedule(plan, Subject(id="c", anchors={"purchase": date(2011, 12, 30)}))
    assert [a.kind for a in result[0].adjustments] == ["clock"]


def test_the_notes_of_a_usage_rule() -> None:
    service = {"id": "service", "title": "Service", "channel": "visit", "every": "12 months",
               "starting": "delivery + 12 months",
               "usage": {"meter": "odometer", "every": 15000}}  # fmt: skip
    plan = Plan.model_validate(
        {"plan": "dealer", "touchpoints": [service],
         "meters": {"odometer": {"unit": "km", "expected": "1250 per month",
                                 "starts": "delivery"}}}
    )  # fmt: skip
    delivery = date(2026, 1, 10)
    for per_half_year in (9000, 3000):  # the meter first, then the time limit first
        car = Subject.model_validate(
            {"id": "car", "anchors": {"delivery": delivery},
             "meters": {"odometer": [{"on": delivery, "value": 0},
                                     {"on": date(2026, 7, 10), "value": per_half_year}]}}
        )  # fmt: skip
        result = schedule(plan, car, end=date(2030, 1, 1))
        assert result.touch_points
        assert {a.kind for tp in result for a in tp.adjustments} == {"usage"}


def test_an_adjustment_made_by_hand_is_other_and_kinds_are_compared() -> None:
    day = date(2026, 5, 4)
    assert Adjustment(day, day, "note").kind == "other"
    assert Adjustment(day, day, "x", kind="fatigue") != Adjustment(day, day, "x", kind="usage")
    assert ADJUSTMENT_KINDS[-1] == "other"
    assert len(set(ADJUSTMENT_KINDS)) == len(ADJUSTMENT_KINDS)


# The JSON form and the feed keep the kind.


def test_the_json_form_keeps_every_kind() -> None:
    result = fatigue_schedule()
    data = json.loads(json.dumps(result.to_json()))
    written = [a["kind"] for tp in data["touch_points"] for a in tp["adjustments"]]
    assert written == ["rolled", "fatigue", "merged"]
    back = Schedule.from_json(json.loads(json.dumps(result.to_json())))
    assert back == result
    assert kinds(back) == kinds(result)


def test_the_json_form_keeps_a_kind_whose_words_would_mislead() -> None:
    result = fatigue_schedule()
    data = json.loads(json.dumps(result.to_json()))
    data["touch_points"][0]["adjustments"][0]["reason"] = "moved 1 day: spacing"
    back = Schedule.from_json(data)
    assert back[0].adjustments[0].kind == "rolled"


def test_a_kind_that_is_not_one_is_refused_with_the_valid_ones() -> None:
    from touchpoints import JSONReadError

    data = json.loads(json.dumps(fatigue_schedule().to_json()))
    data["touch_points"][0]["adjustments"][0]["kind"] = "holiday"
    with pytest.raises(JSONReadError, match=r"'holiday'.*rolled"):
        Schedule.from_json(data)


def test_older_json_without_kinds_reads_them_from_what_it_recorded() -> None:
    # Written before adjustments had a kind: the kind follows from what older versions
    # recorded (the closed days of a roll, the fixed words of the other moves).
    result = fatigue_schedule()
    data = json.loads(json.dumps(result.to_json()))
    for tp in data["touch_points"]:
        for adjustment in tp["adjustments"]:
            del adjustment["kind"]
    assert kinds(Schedule.from_json(data)) == kinds(result)


def test_the_feed_keeps_every_kind() -> None:
    result = fatigue_schedule()
    back = from_ical(to_ical(result, options=OPTIONS), subject_ids=["c"])
    assert {tp.rule_id: [a.kind for a in tp.adjustments] for tp in back} == kinds(result)


def feed_rows(feed: bytes) -> list[list[str]]:
    """The rows of every X-TOUCHPOINTS-ADJUSTMENTS property of a feed."""
    rows: list[list[str]] = []
    for line in feed.replace(b"\r\n ", b"").split(b"\r\n"):
        name, _, value = line.decode().partition(":")
        if name == "X-TOUCHPOINTS-ADJUSTMENTS":
            rows += json.loads(value.replace("\\,", ",").replace("\\;", ";"))
    return rows


def test_the_feed_writes_what_older_versions_wrote_when_the_words_tell_the_kind() -> None:
    # [before, after, reason], as before adjustments had a kind: a feed of the same
    # schedule is the same, so an export does not revise every moved touch point.
    result = fatigue_schedule()
    rows = feed_rows(to_ical(result, options=OPTIONS))
    assert [len(row) for row in rows] == [3, 3, 3]
    assert [row[:2] for row in rows] == [
        ["2026-04-06", "2026-04-07"],
        ["2026-04-07", "2026-04-10"],
        ["2026-06-01", "2026-06-01"],
    ]


def test_the_feed_writes_a_kind_the_words_do_not_tell_and_reads_it_back() -> None:
    result = fatigue_schedule()
    swapped = {"rolled": "moved 1 day: spacing", "fatigue": "weekend", "merged": "anything"}
    reworded = tuple(
        tp._replace(
            adjustments=tuple(
                dataclasses.replace(a, reason=swapped[a.kind]) for a in tp.adjustments
            )
        )
        for tp in result
    )
    feed = to_ical(reworded, options=OPTIONS)
    assert [row[3] for row in feed_rows(feed)] == ["rolled", "fatigue", "merged"]
    back = from_ical(feed, subject_ids=["c"])
    assert [(a.kind, a.reason) for tp in back for a in tp.adjustments] == [
        ("rolled", "moved 1 day: spacing"),
        ("fatigue", "weekend"),
        ("merged", "anything"),
    ]


def test_a_feed_row_with_a_kind_that_is_not_one_is_damaged() -> None:
    from touchpoints import CalendarReadError

    feed = to_ical(fatigue_schedule(), options=OPTIONS).replace(b"\r\n ", b"")
    damaged = feed.replace(b'Easter Monday"]', b'Easter Monday","holiday"]')
    assert damaged != feed
    with pytest.raises(CalendarReadError, match="damaged adjustments"):
        from_ical(damaged, subject_ids=["c"])
