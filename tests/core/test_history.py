"""What actually happened: completions, skips, reschedules and missed touch points (#5).

Dates: 2026-01-15 is a Thursday. 90 days after it is 2026-04-15; a month after each
15th is the next 15th.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchpoints import (
    Plan,
    PlanError,
    ScheduleError,
    Subject,
    SubjectError,
    schedule,
    schedule_many,
)

PURCHASE = date(2026, 1, 15)


def make_plan(*rules: dict[str, Any], **fields: Any) -> Plan:
    return Plan.model_validate({"plan": "p", "touchpoints": list(rules), **fields})


MONTHLY = {
    "id": "m",
    "title": "Monthly",
    "channel": "call",
    "every": "1 month",
    "starting": "purchase",
    "count": 6,
}
FLOATING = {
    "id": "svc",
    "title": "Service",
    "channel": "visit",
    "every": "90 days",
    "starting": "purchase + 90 days",
    "after": "completion",
    "count": 5,
}


def event(rule: str, occurrence: int, status: str, on: str | None = None) -> dict[str, Any]:
    return {"rule": rule, "occurrence": occurrence, "status": status, "on": on}


def subject(*history: dict[str, Any]) -> Subject:
    return Subject.model_validate(
        {"id": "s", "anchors": {"purchase": PURCHASE}, "history": history}
    )


class TestFixedSeries:
    def test_a_completed_touch_point_is_marked_done_and_stays_on_the_grid(self) -> None:
        result = schedule(make_plan(MONTHLY), subject(event("m", 2, "completed", "2026-02-20")))
        second = result[1]
        assert (second.occurrence, second.due, second.done_on) == (
            2,
            date(2026, 2, 15),
            date(2026, 2, 20),
        )
        assert result[2].due == date(2026, 3, 15)  # the grid does not move

    def test_a_rescheduled_touch_point_keeps_its_id_and_moves_alone(self) -> None:
        plan = make_plan(MONTHLY)
        before = schedule(plan, subject())
        after = schedule(plan, subject(event("m", 3, "rescheduled", "2026-03-20")))
        assert [tp.id for tp in before] == [tp.id for tp in after]
        moved = {tp.occurrence: tp.due for tp in after}
        assert moved == {
            1: date(2026, 1, 15),
            2: date(2026, 2, 15),
            3: date(2026, 3, 20),
            4: date(2026, 4, 15),
            5: date(2026, 5, 15),
            6: date(2026, 6, 15),
        }
        assert str(after[2].adjustments[0]) == "Sun 2026-03-15 -> Fri 2026-03-20: rescheduled"

    def test_rescheduling_to_a_date_keeps_the_time_of_day(self) -> None:
        plan = make_plan(MONTHLY, contact_time="10:00", timezone="Europe/Berlin")
        result = schedule(plan, subject(event("m", 1, "rescheduled", "2026-01-20")))
        assert result[0].due == datetime(2026, 1, 20, 10, tzinfo=ZoneInfo("Europe/Berlin"))

    def test_rescheduling_to_an_instant_lands_on_that_instant(self) -> None:
        plan = make_plan(MONTHLY, contact_time="10:00", timezone="Europe/Berlin")
        result = schedule(plan, subject(event("m", 1, "rescheduled", "2026-01-20T08:30:00Z")))
        assert result[0].due == datetime(2026, 1, 20, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))

    @pytest.mark.parametrize("status", ["skipped", "cancelled"])
    def test_skipped_and_cancelled_are_left_out_and_reported(self, status: str) -> None:
        result = schedule(make_plan(MONTHLY), subject(event("m", 2, status)))
        assert [tp.occurrence for tp in result] == [1, 3, 4, 5, 6]
        assert [str(omission) for omission in result.omitted] == [f"rule 'm' #2 left out: {status}"]

    def test_completed_beats_rescheduled_in_any_order(self) -> None:
        events = [
            event("m", 2, "rescheduled", "2026-02-18"),
            event("m", 2, "completed", "2026-02-18"),
        ]
        for history in (events, events[::-1]):
            second = schedule(make_plan(MONTHLY), subject(*history))[1]
            assert second.done_on == date(2026, 2, 18)
            assert second.due == date(2026, 2, 15)

    def test_history_of_a_rule_the_plan_no_longer_has_is_reported(self) -> None:
        result = schedule(make_plan(MONTHLY), subject(event("old", 1, "completed", "2026-01-01")))
        assert len(result) == 6
        assert [str(omission) for omission in result.omitted] == [
            "rule 'old' has history but is not in the plan; its events are ignored"
        ]

    def test_an_event_needs_its_date(self) -> None:
        with pytest.raises(SubjectError, match="needs 'on'"):
            subject(event("m", 1, "completed"))


class TestFloatingSeries:
    def test_a_completion_that_comes_late_twice(self) -> None:
        # #1 is planned at purchase + 90 days = 2026-04-15 and done late on 05-05, so
        # #2 = 05-05 + 90 days = 08-03. #2 is done late again on 08-20, so #3 =
        # 08-20 + 90 days = 11-18, #4 = 11-18 + 90 days = 2027-02-16, #5 = 2027-05-17.
        result = schedule(
            make_plan(FLOATING),
            subject(
                event("svc", 1, "completed", "2026-05-05"),
                event("svc", 2, "completed", "2026-08-20"),
            ),
        )
        assert [(tp.due, tp.done_on) for tp in result] == [
            (date(2026, 4, 15), date(2026, 5, 5)),
            (date(2026, 8, 3), date(2026, 8, 20)),
            (date(2026, 11, 18), None),
            (date(2027, 2, 16), None),
            (date(2027, 5, 17), None),
        ]

    def test_without_completions_a_floating_series_is_on_its_grid(self) -> None:
        fixed = schedule(make_plan({**FLOATING, "after": "schedule"}), subject())
        floating = schedule(make_plan(FLOATING), subject())
        assert [tp.due for tp in floating] == [tp.due for tp in fixed]

    def test_after_completion_needs_an_every_series(self) -> None:
        with pytest.raises(PlanError, match="has no 'every'"):
            make_plan(
                {
                    "id": "a",
                    "title": "A",
                    "channel": "call",
                    "at": "purchase",
                    "after": "completion",
                }
            )


class TestMissed:
    AS_OF = date(2026, 4, 1)  # #1 to #3 (Jan 15, Feb 15, Mar 15) are before it

    def run(self, policy: str, *history: dict[str, Any]) -> Any:
        return schedule(make_plan(MONTHLY, missed=policy), subject(*history), as_of=self.AS_OF)

    def test_catch_up_keeps_them_overdue(self) -> None:
        assert [tp.due for tp in self.run("catch_up")][:3] == [
            date(2026, 1, 15),
            date(2026, 2, 15),
            date(2026, 3, 15),
        ]

    def test_skip_leaves_them_out_and_says_so(self) -> None:
        result = self.run("skip", event("m", 1, "completed", "2026-01-15"))
        assert [tp.occurrence for tp in result] == [1, 4, 5, 6]  # #1 has history
        assert [str(omission) for omission in result.omitted] == [
            "rule 'm' left out #2, #3: missed before 2026-04-01"
        ]

    def test_collapse_makes_one_touch_point_of_them_at_as_of(self) -> None:
        result = self.run("collapse")
        assert [(tp.occurrence, tp.due) for tp in result] == [
            (3, date(2026, 4, 1)),
            (4, date(2026, 4, 15)),
            (5, date(2026, 5, 15)),
            (6, date(2026, 6, 15)),
        ]
        assert str(result[0].adjustments[-1]) == (
            "Sun 2026-03-15 -> Wed 2026-04-01: 3 missed, due again"
        )
        assert [str(omission) for omission in result.omitted] == [
            "rule 'm' collapsed missed #1, #2, #3 into #3"
        ]

    def test_a_rule_can_override_the_plans_policy(self) -> None:
        plan = make_plan({**MONTHLY, "missed": "skip"}, missed="collapse")
        result = schedule(plan, subject(), as_of=self.AS_OF)
        assert [tp.occurrence for tp in result] == [4, 5, 6]

    def test_as_of_must_not_be_a_naive_datetime(self) -> None:
        with pytest.raises(ScheduleError, match="as of"):
            schedule(make_plan(MONTHLY), subject(), as_of=datetime(2026, 4, 1))


statuses = st.sampled_from(["completed", "skipped", "rescheduled", "cancelled"])
histories = st.lists(
    st.builds(
        lambda occurrence, status, days: event(
            "svc", occurrence, status, (PURCHASE + timedelta(days=days)).isoformat()
        ),
        st.integers(1, 5),
        statuses,
        st.integers(60, 600),
    ),
    max_size=6,
)


@given(history=histories, data=st.data())
def test_the_order_of_history_events_does_not_matter(history: list[Any], data: Any) -> None:
    shuffled = data.draw(st.permutations(history))
    plan = make_plan(FLOATING)
    assert list(schedule(plan, subject(*history))) == list(schedule(plan, subject(*shuffled)))


@given(history=histories)
def test_nothing_is_due_before_a_completion_it_depends_on(history: list[Any]) -> None:
    result = schedule(make_plan(FLOATING), subject(*history))
    done = {tp.occurrence: tp.done_on for tp in result if tp.done_on is not None}
    for tp in result:
        earlier = [k for k in done if k < tp.occurrence]
        rescheduled = any(adjustment.reason == "rescheduled" for adjustment in tp.adjustments)
        if earlier and not rescheduled:
            assert tp.due > done[max(earlier)]


@given(history=histories)
def test_history_never_changes_an_id(history: list[Any]) -> None:
    plan = make_plan(FLOATING)
    plain = {tp.occurrence: tp.id for tp in schedule(plan, subject())}
    for tp in schedule(plan, subject(*history)):
        assert plain[tp.occurrence] == tp.id


def test_schedule_many_places_a_rescheduled_instant_in_each_subjects_zone() -> None:
    # Two subjects with equal anchors and history but different zones share nothing
    # once an event names an instant: 08:30 UTC is 09:30 in Berlin, 03:30 in New York.
    plan = make_plan(MONTHLY, contact_time="10:00", timezone="UTC")
    history = [event("m", 1, "rescheduled", "2026-01-20T08:30:00Z")]
    subjects = [
        Subject.model_validate(
            {"id": zone, "timezone": zone, "anchors": {"purchase": PURCHASE}, "history": history}
        )
        for zone in ("Europe/Berlin", "America/New_York")
    ]
    firsts = {tp.subject_id: tp.due for tp in schedule_many(plan, subjects) if tp.occurrence == 1}
    assert firsts == {
        "Europe/Berlin": datetime(2026, 1, 20, 9, 30, tzinfo=ZoneInfo("Europe/Berlin")),
        "America/New_York": datetime(2026, 1, 20, 3, 30, tzinfo=ZoneInfo("America/New_York")),
    }
