"""Contact fatigue: minimum spacing, frequency caps, merges and conflicts (#5).

2026-01-15 is a Thursday; purchase + 90 days is Wed 2026-04-15.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchpoints import Plan, PlanError, Schedule, Subject, schedule

PURCHASE = date(2026, 1, 15)


def at(rule_id: str, days: int, channel: str = "call", **fields: Any) -> dict[str, Any]:
    return {
        "id": rule_id,
        "title": rule_id.title(),
        "channel": channel,
        "at": f"purchase + {days} days",
        **fields,
    }


def run(*rules: dict[str, Any], **fatigue: Any) -> Schedule:
    plan = Plan.model_validate({"plan": "p", "fatigue": fatigue, "touchpoints": list(rules)})
    return schedule(plan, Subject(id="s", anchors={"purchase": PURCHASE}))


def day(offset: int) -> date:
    return PURCHASE + timedelta(days=offset)


class TestSpacing:
    def test_the_lower_priority_touch_point_moves_to_the_first_day_far_enough(self) -> None:
        result = run(
            at("visit", 90, "visit", priority="high"), at("mail", 88, "email"), spacing="7 days"
        )
        assert {tp.rule_id: tp.due for tp in result} == {"visit": day(90), "mail": day(97)}
        assert str(result[1].adjustments[-1]) == (
            "Mon 2026-04-13 -> Wed 2026-04-22: moved 9 days: spacing of 7 days with 'visit' #1"
        )

    def test_one_channel_merges_into_one_visit_covering_both(self) -> None:
        result = run(
            at("service", 90, "visit", priority=1), at("check", 92, "visit"), spacing="7 days"
        )
        assert [(tp.rule_id, tp.due) for tp in result] == [("service", day(90))]
        assert str(result[0].adjustments[-1]) == "Wed 2026-04-15: also covers 'check' #1"
        assert [str(o) for o in result.omitted] == [
            "rule 'check' #1 merged into 'service' #1 on Wed 2026-04-15"
        ]

    def test_without_merging_the_same_channel_moves_instead(self) -> None:
        result = run(
            at("service", 90, "visit", priority=1),
            at("check", 92, "visit"),
            spacing="7 days",
            merge=False,
        )
        assert [(tp.rule_id, tp.due) for tp in result] == [("service", day(90)), ("check", day(97))]

    def test_a_touch_point_moved_off_another_channel_waits_only_the_common_spacing(
        self,
    ) -> None:
        # Calls keep 30 days from calls; from the visit on day 90 the call on day 92
        # needs only the common 5 days: day 95.
        result = run(
            at("visit", 90, "visit", priority="high"),
            at("call", 92),
            spacing="5 days",
            channels={"call": "30 days"},
            merge=False,
        )
        assert {tp.rule_id: tp.due for tp in result} == {"visit": day(90), "call": day(95)}

    def test_channel_spacing_only_applies_within_the_channel(self) -> None:
        result = run(
            at("a", 0, "visit"),
            at("b", 10, "visit"),
            at("c", 10, "email"),
            channels={"visit": "30 days"},
            merge=False,
        )
        assert {tp.rule_id: tp.due for tp in result} == {"a": day(0), "b": day(30), "c": day(10)}

    def test_equal_priorities_give_way_by_rule_id_whatever_the_plan_order(self) -> None:
        forward = run(at("alpha", 5), at("beta", 5, "email"), spacing="3 days")
        backward = run(at("beta", 5, "email"), at("alpha", 5), spacing="3 days")
        expected = {"alpha": day(5), "beta": day(8)}
        assert {tp.rule_id: tp.due for tp in forward} == expected
        assert {tp.rule_id: tp.due for tp in backward} == expected


class TestCaps:
    def test_at_most_two_contacts_in_thirty_days(self) -> None:
        # Days 0, 5 and 10: the third waits until day 30, when day 0 leaves the window.
        result = run(
            at("a", 0), at("b", 5, "email"), at("c", 10, "sms"), caps=[{"max": 2, "per": "30 days"}]
        )
        assert {tp.rule_id: tp.due for tp in result} == {"a": day(0), "b": day(5), "c": day(30)}

    def test_a_channel_cap_counts_only_its_channel(self) -> None:
        result = run(
            at("a", 0, "email"),
            at("b", 1, "email"),
            at("c", 2, "call"),
            caps=[{"max": 1, "per": "7 days", "channel": "email"}],
        )
        assert {tp.rule_id: tp.due for tp in result} == {"a": day(0), "b": day(7), "c": day(2)}


class TestConflicts:
    def test_what_cannot_be_met_stays_and_is_reported(self) -> None:
        result = run(
            at("a", 0, priority=1),
            at("b", 1, "email"),
            spacing="30 days",
            max_shift="7 days",
        )
        assert {tp.rule_id: tp.due for tp in result} == {"a": day(0), "b": day(1)}
        assert [str(c) for c in result.conflicts] == [
            "rule 'b' #1: spacing of 30 days with 'a' #1: no day within 7 days after "
            "Fri 2026-01-16 meets every rule"
        ]

    @pytest.mark.parametrize(
        ("status", "on", "b_at", "expected"),
        [
            # "a" would give way by priority, but it is done: "b" waits 7 days after it.
            ("completed", "2026-01-15", 2, {"a": day(0), "b": day(7)}),
            # The customer agreed a new day for "a": "b" moves instead, to day 8 + 7.
            ("rescheduled", "2026-01-23", 10, {"a": day(8), "b": day(15)}),
        ],
    )
    def test_touch_points_the_history_fixes_never_move(
        self, status: str, on: str, b_at: int, expected: dict[str, date]
    ) -> None:
        plan = Plan.model_validate(
            {
                "plan": "p",
                "fatigue": {"spacing": "7 days"},
                "touchpoints": [at("a", 0, priority=9), at("b", b_at, "email", priority=1)],
            }
        )
        subject = Subject.model_validate(
            {
                "id": "s",
                "anchors": {"purchase": PURCHASE},
                "history": [{"rule": "a", "occurrence": 1, "status": status, "on": on}],
            }
        )
        assert {tp.rule_id: tp.due for tp in schedule(plan, subject)} == expected

    @pytest.mark.parametrize("value", ["2 hours", "1 month", "0 days"])
    def test_spacing_is_whole_days(self, value: str) -> None:
        with pytest.raises(PlanError, match="whole number of days"):
            run(at("a", 0), spacing=value)


class TestWindows:
    def test_a_touch_point_lands_on_the_same_day_through_any_window(self) -> None:
        plan = Plan.model_validate(
            {
                "plan": "p",
                "fatigue": {"spacing": "10 days"},
                "touchpoints": [
                    {
                        "id": "m",
                        "title": "M",
                        "channel": "call",
                        "every": "7 days",
                        "starting": "purchase",
                        "count": 20,
                    },
                ],
            }
        )
        subject = Subject(id="s", anchors={"purchase": PURCHASE})
        whole = {tp.id: tp.due for tp in schedule(plan, subject)}
        part = {tp.id: tp.due for tp in schedule(plan, subject, start=day(40), end=day(100))}
        assert part
        assert all(whole[key] == due for key, due in part.items())


rules_strategy = st.lists(
    st.tuples(
        st.integers(0, 60),
        st.sampled_from(["call", "email", "visit"]),
        st.integers(1, 9),
    ),
    min_size=1,
    max_size=8,
)


@given(rules=rules_strategy, spacing=st.integers(1, 10), cap=st.integers(1, 4))
def test_spacing_and_caps_hold_or_are_reported(
    rules: list[tuple[int, str, int]], spacing: int, cap: int
) -> None:
    specs = [
        at(f"r{n}", offset, channel, priority=priority)
        for n, (offset, channel, priority) in enumerate(rules)
    ]
    result = run(
        *specs,
        spacing=f"{spacing} days",
        caps=[{"max": cap, "per": "14 days"}],
        max_shift="90 days",
    )
    conflicted = {c.rule_id for c in result.conflicts}
    days = sorted((tp.due, tp.rule_id) for tp in result)
    for (first, a), (second, b) in pairwise(days):
        if a not in conflicted and b not in conflicted:
            assert (second - first).days >= spacing
    for start, _ in days:
        inside = [rule for due, rule in days if start <= due < start + timedelta(days=14)]
        if not conflicted.intersection(inside):
            assert len(inside) <= cap
    # Nothing is dropped silently: every rule is scheduled, merged or in conflict.
    merged = {o.rule_id for o in result.omitted}
    assert {tp.rule_id for tp in result} | merged == {spec["id"] for spec in specs}


@given(rules=rules_strategy, data=st.data())
def test_the_order_of_rules_does_not_matter(rules: list[tuple[int, str, int]], data: Any) -> None:
    specs = [
        at(f"r{n}", offset, channel, priority=priority)
        for n, (offset, channel, priority) in enumerate(rules)
    ]
    shuffled = data.draw(st.permutations(specs))
    one = run(*specs, spacing="5 days", caps=[{"max": 2, "per": "10 days"}])
    two = run(*shuffled, spacing="5 days", caps=[{"max": 2, "per": "10 days"}])
    assert {(tp.id, tp.due) for tp in one} == {(tp.id, tp.due) for tp in two}


def test_a_cap_names_the_same_neighbour_in_every_process() -> None:
    # At most one contact in 30 days; a touch point on 1 March has a neighbour on
    # 19 February and one on 26 March. Two 30-day windows hold 1 March and a
    # neighbour: the one from 19 February and the one from 1 March. The earlier window
    # is the one named, whatever order a set of dates comes in (which depends on the
    # process's hash seed), so the same input gives the same words in any process.
    script = """
import datetime as dt
from touchpoints._core.fatigue import _clash, _Item, FatigueRules
rules = FatigueRules(merge=False, spacing=0, spacing_text="", channels={},
                     caps=((None, 1, 30, "at most 1 contacts in 30 days"),), max_shift=60,
                     max_shift_text="60 days")
def item(n, day):
    return _Item(n=n, entry=None, day=day, number=day.toordinal(), channel="call",
                 order=(0, 1, n), rank=(1, "a", 1, n), fixed=False, moves=[])
day = dt.date(2026, 3, 1)
accepted = [item(1, dt.date(2026, 2, 19)), item(2, dt.date(2026, 3, 26))]
found = _clash(item(3, day), day, accepted, rules)
print(found[0].day, found[1])
"""
    seen = set()
    for seed in range(12):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        seen.add(out.stdout.strip())
    assert seen == {"2026-02-19 cap"}


@pytest.mark.parametrize(
    ("fatigue", "early"),
    [
        ({"spacing": "30 days", "merge": False}, date(2026, 2, 4)),
        # 52 weeks is further than max_shift (60 days): b stays in 2026 too.
        ({"caps": [{"max": 1, "per": "52 weeks"}], "merge": False}, date(2026, 1, 6)),
    ],
)
def test_no_day_past_the_calendar_is_free_so_the_touch_point_stays_in_conflict(
    fatigue: dict[str, Any], early: date
) -> None:
    # b would have to move 30 days (or 52 weeks) past 21 December 9999: no such day
    # exists, so it stays on its day and the conflict says so, as when max_shift is
    # reached; it used to raise Python's OverflowError. A subject bought in 2026,
    # scheduled first with the same plan, has its touch points at the same distances:
    # what was decided for it must not be served near the end of time.
    plan = Plan.model_validate(
        {
            "plan": "p",
            "fatigue": fatigue,
            "touchpoints": [
                {"id": "a", "title": "A", "channel": "call", "at": "purchase"},
                {"id": "b", "title": "B", "channel": "email", "at": "purchase + 1 day"},
            ],
        }
    )
    before = schedule(plan, Subject(id="s1", anchors={"purchase": date(2026, 1, 5)}))
    assert [(tp.rule_id, tp.due) for tp in before] == [("a", date(2026, 1, 5)), ("b", early)]
    made = schedule(plan, Subject(id="s", anchors={"purchase": date(9999, 12, 20)}))
    assert [(tp.rule_id, tp.due) for tp in made] == [
        ("a", date(9999, 12, 20)),
        ("b", date(9999, 12, 21)),
    ]
    assert [(c.rule_id, c.occurrence) for c in made.conflicts] == [("b", 1)]
    assert "'a' #1" in made.conflicts[0].reason
