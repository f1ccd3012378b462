"""Touch point ids: uuid5 under a fixed namespace of plan, rule, occurrence and
subject, and nothing else. This is a compatibility promise: these tests recompute
the recipe with the standard library, independently of the engine."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from touchpoints import NAMESPACE, Plan, Subject, schedule, schedule_many, touch_point_id

# The recipe, written out: uuid5(NAMESPACE_URL, "urn:touchpoints:touch-point") is the
# namespace, and the name is the four key fields joined by line breaks.
RECIPE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:touchpoints:touch-point")


def expected_id(plan_id: str, rule_id: str, occurrence: int, subject_id: str) -> str:
    return str(uuid.uuid5(RECIPE_NAMESPACE, f"{plan_id}\n{rule_id}\n{occurrence}\n{subject_id}"))


def plan(**changes: Any) -> Plan:
    rules = [
        {
            "id": "service",
            "title": changes.pop("title", "Service visit"),
            "channel": "visit",
            "description": changes.pop("description", "Bring the kit"),
            "every": "90 days",
            "starting": "purchase",
            "count": 3,
        },
        {"id": "check-up", "title": "Check-up", "channel": "call", "at": "purchase + 2 weeks"},
    ]
    return Plan.model_validate({"plan": "after-sales", "touchpoints": rules, **changes})


SUBJECT = Subject(id="cust-42", anchors={"purchase": date(2026, 1, 15)})


class TestRecipe:
    def test_namespace_is_pinned(self) -> None:
        assert NAMESPACE == RECIPE_NAMESPACE
        assert str(NAMESPACE) == "8506677a-bc85-5ca7-8584-2da69c9703e8"

    @pytest.mark.parametrize(
        ("plan_id", "subject_id", "rule_id", "occurrence"),
        [
            ("after-sales", "cust-42", "service", 3),
            ("p", "", "r", 1),
            ("p", "a\nb", "r", 10_000),
            ("p", "Zoë 😀 ; , \\", "r.x_y-z", 7),
        ],
    )
    def test_touch_point_id_is_uuid5_of_the_key(
        self, plan_id: str, subject_id: str, rule_id: str, occurrence: int
    ) -> None:
        value = touch_point_id(plan_id, subject_id, rule_id, occurrence)
        assert value == expected_id(plan_id, rule_id, occurrence, subject_id)
        assert uuid.UUID(value).version == 5

    def test_schedule_ids_follow_the_recipe(self) -> None:
        result = schedule(plan(), SUBJECT)
        assert [tp.id for tp in result] == [
            expected_id("after-sales", tp.rule_id, tp.occurrence, "cust-42") for tp in result
        ]
        assert {(tp.rule_id, tp.occurrence) for tp in result} == {
            ("service", 1),
            ("check-up", 1),
            ("service", 2),
            ("service", 3),
        }

    def test_the_id_reveals_no_subject_data(self) -> None:
        ids = [tp.id for tp in schedule(plan(), SUBJECT)]
        assert not any("cust" in value for value in ids)
        assert all(uuid.UUID(value).variant == uuid.RFC_4122 for value in ids)


class TestStability:
    @pytest.mark.parametrize(
        "changes",
        [
            {"title": "Preventive maintenance"},
            {"description": "Something else entirely"},
            {"version": 7},
            {"name": "Renamed plan"},
            {"contact_time": "15:00", "timezone": "Asia/Tokyo"},
        ],
    )
    def test_unchanged_by_edits_that_keep_the_key(self, changes: dict[str, Any]) -> None:
        before = {(tp.rule_id, tp.occurrence): tp.id for tp in schedule(plan(), SUBJECT)}
        after = {(tp.rule_id, tp.occurrence): tp.id for tp in schedule(plan(**changes), SUBJECT)}
        assert after == before

    def test_unchanged_when_dates_move(self) -> None:
        moved = Subject(id="cust-42", anchors={"purchase": date(2027, 5, 1)})
        before = [tp.id for tp in schedule(plan(), SUBJECT)]
        after = [tp.id for tp in schedule(plan(), moved)]
        assert sorted(after) == sorted(before)

    def test_changes_with_each_key_field(self) -> None:
        base = touch_point_id("p", "s", "r", 1)
        others = {
            touch_point_id("q", "s", "r", 1),
            touch_point_id("p", "t", "r", 1),
            touch_point_id("p", "s", "q", 1),
            touch_point_id("p", "s", "r", 2),
        }
        assert base not in others
        assert len(others) == 4

    def test_unique_across_subjects_and_occurrences(self) -> None:
        people = [Subject(id=f"c{n}", anchors={"purchase": date(2026, 1, 15)}) for n in range(20)]
        ids = [tp.id for tp in schedule_many(plan(), people)]
        assert len(ids) == 80
        assert len(set(ids)) == 80
