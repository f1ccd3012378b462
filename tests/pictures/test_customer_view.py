"""The customer's view of a schedule: only rules with a ``customer`` key, in its words,
with ids in their own namespace."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime

from touchpoints import (
    ADJUSTMENT_KINDS,
    Adjustment,
    ExportOptions,
    Plan,
    Subject,
    schedule,
    to_ical,
)
from touchpoints._pictures import CUSTOMER_NAMESPACE, for_customer

PURCHASE = date(2026, 3, 23)


def customer_plan(plan_data) -> Plan:
    rules = [dict(rule) for rule in plan_data["touchpoints"]]
    rules[0]["customer"] = True  # check-up: as it is
    rules[1]["customer"] = {"title": "Tell us how we did", "description": "Two minutes."}
    rules[2]["owner"] = "Field team"
    rules[2]["customer"] = {"title": "Your installation"}
    # training (merged) and anything without the key stay internal
    return Plan.model_validate({**plan_data, "touchpoints": rules})


def test_only_rules_with_the_key_are_kept_in_the_customers_words(plan_data) -> None:
    plan = customer_plan(plan_data)
    team = schedule(plan, Subject(id="cust-1", anchors={"purchase": PURCHASE}))
    view = for_customer(team)
    assert [(tp.rule_id, tp.title, tp.description, tp.owner) for tp in view] == [
        ("check-up", "Check-up call", None, None),
        ("survey", "Tell us how we did", "Two minutes.", None),
        ("install", "Your installation", None, None),
    ]
    assert view.omitted == ()
    assert view.conflicts == ()


def test_an_internal_rule_is_left_out(plan_data) -> None:
    plan = Plan.model_validate(plan_data)  # no rule has the key
    team = schedule(plan, Subject(id="cust-1", anchors={"purchase": PURCHASE}))
    assert len(team) == 3
    assert len(for_customer(team)) == 0


def test_holiday_rolls_stay_and_moves_for_the_team_go(plan_data) -> None:
    plan = customer_plan(plan_data)
    view = for_customer(schedule(plan, Subject(id="cust-1", anchors={"purchase": PURCHASE})))
    reasons = {tp.rule_id: [a.reason for a in tp.adjustments] for tp in view}
    assert reasons == {"check-up": ["holiday: Easter Monday"], "survey": [], "install": []}
    # The dates are the team's: the survey still comes on the day it was moved to.
    assert [tp.due for tp in view] == [date(2026, 4, 7), date(2026, 4, 10), date(2026, 6, 1)]


def test_ids_are_the_same_scheme_in_the_customer_namespace(plan_data) -> None:
    plan = customer_plan(plan_data)
    team = schedule(plan, Subject(id="cust-1", anchors={"purchase": PURCHASE}))
    view = for_customer(team)
    assert (
        uuid.uuid5(uuid.NAMESPACE_URL, "urn:touchpoints:customer-touch-point") == CUSTOMER_NAMESPACE
    )
    for tp in view:
        name = f"pictures\n{tp.rule_id}\n{tp.occurrence}\ncust-1"
        assert tp.id == str(uuid.uuid5(CUSTOMER_NAMESPACE, name))
    assert not {tp.id for tp in view} & {tp.id for tp in team}


def test_the_customer_feed_carries_only_the_customers_words_and_ids(plan_data) -> None:
    plan = customer_plan(plan_data)
    team = schedule(plan, Subject(id="cust-1", anchors={"purchase": PURCHASE}))
    view = for_customer(team)
    options = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
    feed = to_ical(view, options=options)
    text = feed.decode() if isinstance(feed, bytes) else feed
    for tp in view:
        assert f"UID:{tp.id}" in text
    for tp in team:
        assert tp.id not in text
    assert "Tell us how we did" in text
    assert "Survey e-mail" not in text
    assert "Field team" not in text
    assert "Training visit" not in text


def test_what_the_customer_sees_of_a_move_follows_its_kind_not_its_words(plan_data) -> None:
    # Swap the words: the roll off Easter Monday reads like a fatigue move, and the
    # fatigue move (which names the internal training rule's neighbour) reads like a roll.
    plan = customer_plan(plan_data)
    team = schedule(plan, Subject(id="cust-1", anchors={"purchase": PURCHASE}))
    swapped = {"rolled": "moved 1 day: spacing of 3 days with 'x' #1", "fatigue": "weekend"}
    reworded = [
        tp._replace(
            adjustments=tuple(
                dataclasses.replace(a, reason=swapped.get(a.kind, a.reason)) for a in tp.adjustments
            )
        )
        for tp in team
    ]
    view = for_customer(dataclasses.replace(team, touch_points=tuple(reworded)))
    shown = {tp.rule_id: [(a.kind, a.reason) for a in tp.adjustments] for tp in view}
    assert shown == {
        "check-up": [("rolled", "moved 1 day: spacing of 3 days with 'x' #1")],
        "survey": [],
        "install": [],
    }


def test_adjustments_of_the_teams_kinds_and_unknown_ones_are_left_out(plan_data) -> None:
    plan = customer_plan(plan_data)
    team = schedule(plan, Subject(id="cust-1", anchors={"purchase": PURCHASE}))
    day = date(2026, 4, 7)
    notes = tuple(
        Adjustment(day, day, f"note {n}", kind=kind) for n, kind in enumerate(ADJUSTMENT_KINDS)
    )
    first = team[0]._replace(adjustments=notes)
    view = for_customer(dataclasses.replace(team, touch_points=(first,)))
    assert [a.kind for a in view[0].adjustments] == [
        "rolled",
        "clock",
        "rescheduled",
        "missed",
        "usage",
    ]
