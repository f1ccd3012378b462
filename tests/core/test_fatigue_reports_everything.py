"""Fatigue drops nothing silently: every touch point is placed within the rules,
merged with a record of it, or listed in ``Schedule.conflicts``.

The rules are checked here from the schedule alone (every pair of touch points for
spacing, every window for caps), not from the resolution's own bookkeeping.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from touchpoints import Plan, Schedule, Subject, schedule

PURCHASE = date(2026, 1, 1)


def once(rule_id: str, channel: str, days: int = 0, priority: int = 5) -> dict[str, Any]:
    at = f"purchase + {days} days" if days else "purchase"
    return {"id": rule_id, "title": rule_id, "channel": channel, "at": at, "priority": priority}


def run(rules: list[dict[str, Any]], fatigue: dict[str, Any]) -> Schedule:
    plan = Plan.model_validate({"plan": "p", "fatigue": fatigue, "touchpoints": rules})
    return schedule(plan, Subject(id="s", anchors={"purchase": PURCHASE}))


def test_two_emails_merge_even_when_a_call_pushes_them() -> None:
    fatigue = {"spacing": "2 days", "max_shift": "1 day"}
    alone = run([once("e1", "email"), once("e2", "email")], fatigue)
    assert [tp.rule_id for tp in alone] == ["e1"]
    result = run([once("call", "call"), once("e1", "email"), once("e2", "email")], fatigue)
    # The e-mails merge with each other; the one left conflicts with the call.
    assert sorted(tp.rule_id for tp in result) == ["call", "e1"]
    assert [str(o) for o in result.omitted] == [
        "rule 'e2' #1 merged into 'e1' #1 on Thu 2026-01-01"
    ]
    assert [c.rule_id for c in result.conflicts] == ["e1"]


def test_calls_on_one_day_are_never_both_left_unreported() -> None:
    rules = [
        once("c1", "call", 1),
        once("c2", "call", 1),
        once("c3", "call"),
        once("c4", "call"),
    ]
    result = run(rules, {"spacing": "2 days", "merge": False, "max_shift": "1 day"})
    assert_rules_hold_or_are_reported(result, spacing=2, channels={}, caps=[])
    assert len(result) == 4


def assert_rules_hold_or_are_reported(
    result: Schedule,
    *,
    spacing: int | None,
    channels: dict[str, int],
    caps: list[tuple[int, int, str | None]],
) -> None:
    conflicted = {(c.rule_id, c.occurrence) for c in result.conflicts}
    points = [(tp.due, tp.channel, (tp.rule_id, tp.occurrence)) for tp in result]
    for (day_a, channel_a, a), (day_b, channel_b, b) in combinations(points, 2):
        gap = abs((day_a - day_b).days)
        too_close = spacing is not None and gap < spacing
        own = channels.get(channel_a) if channel_a == channel_b else None
        too_close = too_close or (own is not None and gap < own)
        if too_close:
            assert a in conflicted or b in conflicted, (a, b, gap)
    for most, per, channel in caps:
        counted = [p for p in points if channel is None or p[1] == channel]
        for start, _, _ in counted:
            inside = [key for day, _, key in counted if start <= day < start + timedelta(per)]
            if len(inside) > most:
                assert conflicted.intersection(inside), (start, inside)


CHANNELS = ("call", "email", "visit")


@st.composite
def fatigues(draw: st.DrawFn) -> dict[str, Any]:
    fatigue: dict[str, Any] = {
        "merge": draw(st.booleans()),
        "max_shift": f"{draw(st.integers(1, 20))} days",
    }
    if draw(st.booleans()):
        fatigue["spacing"] = f"{draw(st.integers(1, 7))} days"
    own = draw(st.dictionaries(st.sampled_from(CHANNELS), st.integers(1, 10), max_size=2))
    if own:
        fatigue["channels"] = {channel: f"{days} days" for channel, days in own.items()}
    caps = draw(
        st.lists(
            st.tuples(st.integers(1, 3), st.integers(2, 21), st.none() | st.sampled_from(CHANNELS)),
            max_size=2,
        )
    )
    fatigue["caps"] = [
        {"max": most, "per": f"{per} days", **({"channel": ch} if ch else {})}
        for most, per, ch in caps
    ]
    return fatigue


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.sampled_from(CHANNELS), st.integers(1, 3)),
        min_size=1,
        max_size=9,
    ),
    fatigues(),
)
def test_every_touch_point_is_placed_merged_or_in_conflict(
    specs: list[tuple[int, str, int]], fatigue: dict[str, Any]
) -> None:
    rules = [
        once(f"r{n}", channel, days, priority) for n, (days, channel, priority) in enumerate(specs)
    ]
    result = run(rules, fatigue)
    assert_rules_hold_or_are_reported(
        result,
        spacing=int(fatigue["spacing"].split()[0]) if "spacing" in fatigue else None,
        channels={ch: int(d.split()[0]) for ch, d in fatigue.get("channels", {}).items()},
        caps=[
            (cap["max"], int(cap["per"].split()[0]), cap.get("channel")) for cap in fatigue["caps"]
        ],
    )
    # Each rule is in the schedule once, or merged with a record naming where it went.
    placed = [tp.rule_id for tp in result]
    merged = {o.rule_id: o.reason or "" for o in result.omitted}
    assert sorted(placed + list(merged)) == sorted(rule["id"] for rule in rules)
    covers = " ".join(str(a) for tp in result for a in tp.adjustments)
    for rule_id, reason in merged.items():
        assert "merged into" in reason
        assert f"also covers '{rule_id}' #1" in covers
    # A conflict names a touch point that is in the schedule.
    assert {(c.rule_id, c.occurrence) for c in result.conflicts} <= {
        (tp.rule_id, tp.occurrence) for tp in result
    }
