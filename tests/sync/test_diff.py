"""touchpoints.diff: expected values worked out by hand from the plans."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from touchpoints import (
    DuplicateTouchPointError,
    Plan,
    ScheduleDiff,
    Subject,
    TouchpointsError,
    diff,
    schedule,
    schedule_many,
)

PURCHASE = date(2026, 1, 1)
CUSTOMER = Subject(id="cust-42", anchors={"purchase": PURCHASE})


def make_plan(*rules: dict[str, Any], **top: Any) -> Plan:
    return Plan.model_validate({"plan": "after-sales", **top, "touchpoints": list(rules)})


def service(**changes: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": "service",
        "title": "Service visit",
        "channel": "visit",
        "every": "30 days",
        "starting": "purchase",
        "count": 4,
    }
    rule.update(changes)
    return {key: value for key, value in rule.items() if value is not None}


CHECK_UP = {
    "id": "check-up",
    "title": "Check-up call",
    "channel": "call",
    "at": "purchase + 2 weeks",
}


def dues(touch_points: Any) -> list[date]:
    return [tp.due for tp in touch_points]


class TestIntervalEdits:
    def test_a_longer_interval_moves_every_later_occurrence(self) -> None:
        # Every 30 days from 2026-01-01: Jan 1, Jan 31, Mar 2, Apr 1 (February has 28 days).
        # Every 45 days: Jan 1, Feb 15, Apr 1, May 16. Occurrence 1 stays on the anchor.
        old = schedule(make_plan(service()), CUSTOMER)
        new = schedule(make_plan(service(every="45 days")), CUSTOMER)
        assert dues(old) == [
            date(2026, 1, 1),
            date(2026, 1, 31),
            date(2026, 3, 2),
            date(2026, 4, 1),
        ]

        result = diff(old, new)

        assert result.added == ()
        assert result.removed == ()
        assert [(c.old.occurrence, c.old.due, c.new.due) for c in result.changed] == [
            (2, date(2026, 1, 31), date(2026, 2, 15)),
            (3, date(2026, 3, 2), date(2026, 4, 1)),
            (4, date(2026, 4, 1), date(2026, 5, 16)),
        ]
        assert all(c.fields == ("due",) for c in result.changed)
        assert all(c.old.id == c.new.id == c.id for c in result.changed)

    def test_a_shorter_interval_within_an_until_adds_occurrences(self) -> None:
        # Until purchase + 100 days = 2026-04-11, inclusive.
        # Every 30 days: Jan 1, Jan 31, Mar 2, Apr 1.
        # Every 20 days: Jan 1, Jan 21, Feb 10, Mar 2, Mar 22, Apr 11.
        until = {"count": None, "until": "purchase + 100 days"}
        old = schedule(make_plan(service(**until)), CUSTOMER)
        new = schedule(make_plan(service(every="20 days", **until)), CUSTOMER)

        result = diff(old, new)

        assert [(c.old.due, c.new.due) for c in result.changed] == [
            (date(2026, 1, 31), date(2026, 1, 21)),
            (date(2026, 3, 2), date(2026, 2, 10)),
            (date(2026, 4, 1), date(2026, 3, 2)),
        ]
        assert [(tp.occurrence, tp.due) for tp in result.added] == [
            (5, date(2026, 3, 22)),
            (6, date(2026, 4, 11)),
        ]
        assert result.removed == ()

    def test_a_longer_interval_within_an_until_removes_the_last_occurrences(self) -> None:
        # Every 30 days until Apr 11: Jan 1, Jan 31, Mar 2, Apr 1.
        # Every 60 days: Jan 1, Mar 2; occurrences 3 and 4 are gone.
        until = {"count": None, "until": "purchase + 100 days"}
        old = schedule(make_plan(service(**until)), CUSTOMER)
        new = schedule(make_plan(service(every="60 days", **until)), CUSTOMER)

        result = diff(old, new)

        assert [(c.old.occurrence, c.new.due) for c in result.changed] == [(2, date(2026, 3, 2))]
        assert [(tp.occurrence, tp.due) for tp in result.removed] == [
            (3, date(2026, 3, 2)),
            (4, date(2026, 4, 1)),
        ]
        assert result.added == ()

    def test_a_later_contact_time_changes_every_due_time(self) -> None:
        timed = {"timezone": "Europe/Berlin"}
        old = schedule(make_plan(service(), contact_time="10:00", **timed), CUSTOMER)
        new = schedule(make_plan(service(), contact_time="11:30", **timed), CUSTOMER)

        result = diff(old, new)

        assert len(result.changed) == 4
        berlin = ZoneInfo("Europe/Berlin")
        first = result.changed[0]
        assert first.old.due == datetime(2026, 1, 1, 10, 0, tzinfo=berlin)
        assert first.new.due == datetime(2026, 1, 1, 11, 30, tzinfo=berlin)
        assert {c.fields for c in result.changed} == {("due",)}


class TestFieldEdits:
    def test_a_title_edit_changes_the_title_of_every_occurrence_and_no_id(self) -> None:
        old = schedule(make_plan(service(), CHECK_UP), CUSTOMER)
        new = schedule(make_plan(service(title="Preventive service visit"), CHECK_UP), CUSTOMER)

        result = diff(old, new)

        assert result.added == ()
        assert result.removed == ()
        assert [c.new.occurrence for c in result.changed] == [1, 2, 3, 4]
        assert {c.fields for c in result.changed} == {("title",)}
        assert {c.new.title for c in result.changed} == {"Preventive service visit"}
        assert [tp.id for tp in old] == [tp.id for tp in new]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"channel": "call"}, "channel"),
            ({"description": "Bring the checklist"}, "description"),
            ({"owner": "service-team"}, "owner"),
            ({"priority": 1}, "priority"),
            ({"tags": ["vip"]}, "tags"),
            ({"duration": "2 hours"}, "duration"),
        ],
    )
    def test_each_field_is_named(self, change: dict[str, Any], field: str) -> None:
        old = schedule(make_plan(service()), CUSTOMER)
        new = schedule(make_plan(service(**change)), CUSTOMER)

        result = diff(old, new)

        assert len(result.changed) == 4
        assert {c.fields for c in result.changed} == {(field,)}

    def test_a_touch_point_done_since_is_a_change_of_done_on(self) -> None:
        old = schedule(make_plan(service(count=2)), CUSTOMER)
        new = [old[0]._replace(done_on=date(2026, 1, 2)), old[1]]

        result = diff(old, new)

        assert [(c.new.occurrence, c.fields) for c in result.changed] == [(1, ("done_on",))]

    def test_several_fields_come_in_a_fixed_order(self) -> None:
        old = schedule(make_plan(service()), CUSTOMER)
        new = schedule(
            make_plan(service(tags=["vip"], title="Visit", every="31 days", priority=2)), CUSTOMER
        )

        result = diff(old, new)

        assert result.changed[0].fields == ("title", "priority", "tags")
        assert result.changed[1].fields == ("due", "title", "priority", "tags")

    def test_a_version_bump_changes_nothing(self) -> None:
        old = schedule(make_plan(service(), CHECK_UP, version=3), CUSTOMER)
        new = schedule(make_plan(service(), CHECK_UP, version=4), CUSTOMER)

        result = diff(old, new)

        assert result == ScheduleDiff()
        assert not result
        assert len(result) == 0

    def test_an_edit_to_a_rule_field_no_touch_point_shows_changes_nothing(self) -> None:
        # Same occurrences, described differently: count 2 versus until purchase + 30 days.
        old = schedule(make_plan(service(count=2)), CUSTOMER)
        new = schedule(make_plan(service(count=None, until="purchase + 30 days")), CUSTOMER)

        assert not diff(old, new)

    def test_a_subject_moving_to_a_zone_with_the_same_offset_changes_the_due_zone(self) -> None:
        plan = make_plan(service(count=1), contact_time="10:00")
        berlin = Subject(id="c1", timezone="Europe/Berlin", anchors={"purchase": PURCHASE})
        paris = Subject(id="c1", timezone="Europe/Paris", anchors={"purchase": PURCHASE})
        old, new = schedule(plan, berlin), schedule(plan, paris)
        assert old[0].due == new[0].due  # the same instant...

        result = diff(old, new)

        assert [c.fields for c in result.changed] == [("due",)]  # ...but another zone

    def test_a_plan_turning_timed_changes_dates_into_date_times(self) -> None:
        old = schedule(make_plan(service(count=1)), CUSTOMER)
        new = schedule(make_plan(service(count=1), contact_time="00:00", timezone="UTC"), CUSTOMER)

        result = diff(old, new)

        assert [c.fields for c in result.changed] == [("due",)]


class TestAddedAndRemoved:
    def test_a_new_rule_is_added_and_a_dropped_rule_removed(self) -> None:
        old = schedule(make_plan(service(count=2)), CUSTOMER)
        new = schedule(make_plan(CHECK_UP), CUSTOMER)

        result = diff(old, new)

        assert [(tp.rule_id, tp.due) for tp in result.added] == [("check-up", date(2026, 1, 15))]
        assert [(tp.rule_id, tp.due) for tp in result.removed] == [
            ("service", date(2026, 1, 1)),
            ("service", date(2026, 1, 31)),
        ]
        assert result.changed == ()
        assert len(result) == 3

    def test_from_and_to_nothing(self) -> None:
        full = schedule(make_plan(service()), CUSTOMER)

        assert diff([], full).added == tuple(full)
        assert diff(full, []).removed == tuple(full)
        assert diff([], []) == ScheduleDiff()

    def test_ties_on_the_due_date_are_ordered_by_id(self) -> None:
        plan = make_plan(CHECK_UP)
        subjects = [Subject(id=f"c{n}", anchors={"purchase": PURCHASE}) for n in range(8)]

        removed = diff(schedule_many(plan, subjects), []).removed

        assert len({tp.due for tp in removed}) == 1
        assert [tp.id for tp in removed] == sorted(tp.id for tp in removed)

    def test_timed_and_all_day_touch_points_sort_together(self) -> None:
        # An all-day touch point counts from midnight UTC of its date.
        all_day = schedule(make_plan(CHECK_UP), CUSTOMER)  # 2026-01-15
        tokyo = Subject(id="t", timezone="Asia/Tokyo", anchors={"purchase": date(2026, 1, 15)})
        timed = schedule(
            Plan.model_validate(
                {"plan": "other", "contact_time": "08:00", "touchpoints": [dict(CHECK_UP)]}
            ),
            tokyo,
        )  # 2026-01-29 08:00 in Tokyo
        early = schedule(
            Plan.model_validate(
                {"plan": "early", "contact_time": "08:00", "touchpoints": [dict(CHECK_UP)]}
            ),
            Subject(id="t", timezone="Asia/Tokyo", anchors={"purchase": date(2026, 1, 1)}),
        )  # 2026-01-15 08:00 in Tokyo = 2026-01-14 23:00 UTC, before the all-day one

        added = diff([], [*timed, *all_day, *early]).added

        assert [tp.plan_id for tp in added] == ["early", "after-sales", "other"]


class TestInputs:
    def test_schedules_of_many_subjects_compare_per_touch_point(self) -> None:
        plan = make_plan(CHECK_UP)
        before = [Subject(id=f"c{n}", anchors={"purchase": PURCHASE}) for n in range(3)]
        after = [
            before[0],
            Subject(id="c1", anchors={"purchase": PURCHASE + timedelta(days=1)}),
            Subject(id="c3", anchors={"purchase": PURCHASE}),
        ]

        result = diff(schedule_many(plan, before), schedule_many(plan, after))

        assert [tp.subject_id for tp in result.added] == ["c3"]
        assert [(c.new.subject_id, c.new.due) for c in result.changed] == [
            ("c1", date(2026, 1, 16))
        ]
        assert [tp.subject_id for tp in result.removed] == ["c2"]

    @pytest.mark.parametrize("which", ["old", "new"])
    def test_a_touch_point_listed_twice_is_an_error(self, which: str) -> None:
        once = schedule(make_plan(CHECK_UP), CUSTOMER)
        twice = [*once, *once]
        args = (twice, once) if which == "old" else (once, twice)

        with pytest.raises(DuplicateTouchPointError) as caught:
            diff(*args)

        error = caught.value
        assert isinstance(error, TouchpointsError)
        assert isinstance(error, ValueError)
        assert (error.id, error.which, error.subject_id, error.rule_id) == (
            once[0].id,
            which,
            "cust-42",
            "check-up",
        )
        assert f"The {which} schedule lists touch point {once[0].id}" in str(error)

    def test_the_result_is_immutable(self) -> None:
        result = diff([], schedule(make_plan(CHECK_UP), CUSTOMER))

        with pytest.raises(dataclasses.FrozenInstanceError):
            result.added = ()  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.changed = ()  # type: ignore[misc]


class TestApply:
    def test_applying_a_diff_replays_adds_changes_and_removals(self) -> None:
        until = {"count": None, "until": "purchase + 100 days"}
        old = schedule(make_plan(service(**until), CHECK_UP), CUSTOMER)
        new = schedule(make_plan(service(every="20 days", **until), title_only()), CUSTOMER)

        replayed = diff(old, new).apply(old)

        assert {tp.id: (tp.due, tp.title) for tp in replayed} == {
            tp.id: (tp.due, tp.title) for tp in new
        }
        assert dues(replayed) == sorted(dues(new))

    def test_applying_a_diff_to_a_list_with_a_duplicate_is_an_error(self) -> None:
        once = schedule(make_plan(CHECK_UP), CUSTOMER)

        with pytest.raises(DuplicateTouchPointError):
            ScheduleDiff().apply([*once, *once])


def title_only() -> dict[str, Any]:
    return {**CHECK_UP, "title": "Check-up call (new script)"}
