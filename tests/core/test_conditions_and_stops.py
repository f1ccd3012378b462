"""Rules that apply to some subjects only, and anchors that end a plan (#5)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchpoints import Plan, PlanError, Subject, schedule, schedule_many


def rule(rule_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": rule_id, "title": rule_id.title(), "channel": "call", **fields}


def make_plan(*rules: dict[str, Any], **fields: Any) -> Plan:
    return Plan.model_validate({"plan": "p", "touchpoints": list(rules), **fields})


PURCHASE = date(2026, 1, 15)


def rule_ids(plan: Plan, **subject: Any) -> list[str]:
    anchors = subject.pop("anchors", {"purchase": PURCHASE})
    result = schedule(plan, Subject(id="s", anchors=anchors, **subject))
    return [tp.rule_id for tp in result]


class TestConditions:
    @pytest.mark.parametrize(
        ("condition", "attributes", "applies"),
        [
            ("premium", {"segment": "premium"}, True),
            ("premium", {"segment": "basic"}, False),
            ("premium", {}, False),
            (["premium", "gold"], {"segment": "gold"}, True),
            (["premium", "gold"], {"segment": "basic"}, False),
            ({"not_in": ["basic"]}, {"segment": "gold"}, True),
            ({"not_in": ["basic"]}, {"segment": "basic"}, False),
            ({"not_in": ["basic"]}, {}, True),
            ({"not": "basic"}, {"segment": "basic"}, False),
            ({"exists": True}, {"segment": None}, True),
            ({"exists": True}, {}, False),
            ({"exists": False}, {}, True),
            ({"min": 10}, {"segment": 10}, True),
            ({"min": 10}, {"segment": 9.5}, False),
            ({"min": 10, "max": 20}, {"segment": 21}, False),
            ({"min": 10}, {"segment": "10"}, False),  # text is not a number
            ({"min": 1}, {"segment": True}, False),  # nor is a yes/no
        ],
    )
    def test_matcher(self, condition: object, attributes: dict[str, Any], applies: bool) -> None:
        plan = make_plan(rule("upsell", at="purchase", when={"segment": condition}))
        assert rule_ids(plan, attributes=attributes) == (["upsell"] if applies else [])

    def test_a_rule_left_out_by_a_condition_is_reported(self) -> None:
        plan = make_plan(rule("upsell", at="purchase", when={"segment": "premium"}))
        result = schedule(
            plan, Subject(id="s", anchors={"purchase": PURCHASE}, attributes={"segment": "basic"})
        )
        assert [str(omission) for omission in result.omitted] == [
            "rule 'upsell' left out: attribute 'segment' is 'basic', not equal to 'premium'"
        ]

    def test_every_condition_must_hold(self) -> None:
        plan = make_plan(
            rule("upsell", at="purchase", when={"segment": "premium", "region": ["EU", "UK"]})
        )
        assert rule_ids(plan, attributes={"segment": "premium", "region": "EU"}) == ["upsell"]
        assert rule_ids(plan, attributes={"segment": "premium", "region": "US"}) == []

    def test_an_operator_mapping_needs_an_operator(self) -> None:
        with pytest.raises(PlanError):
            make_plan(rule("upsell", at="purchase", when={"segment": {"equals": "x"}}))

    def test_schedule_many_keeps_subjects_with_other_attributes_apart(self) -> None:
        # Same anchors, different attributes: the shared computation must not leak.
        plan = make_plan(rule("upsell", at="purchase", when={"segment": "premium"}))
        subjects = [
            Subject(id=f"s{n}", anchors={"purchase": PURCHASE}, attributes={"segment": segment})
            for n, segment in enumerate(["premium", "basic", "premium", "basic"])
        ]
        assert [tp.subject_id for tp in schedule_many(plan, subjects)] == ["s0", "s2"]


segments = st.sampled_from(["premium", "basic", "gold", None])


@given(
    conditions=st.lists(st.sampled_from(["premium", "basic", "gold"]), max_size=3),
    segment=segments,
)
def test_conditions_only_ever_remove_rules(conditions: list[str], segment: str | None) -> None:
    base = [rule("a", at="purchase"), rule("b", every="1 month", starting="purchase", count=3)]
    guarded = [{**base[0], "when": {"segment": conditions}}, base[1]]
    attributes = {} if segment is None else {"segment": segment}
    subject = Subject(id="s", anchors={"purchase": PURCHASE}, attributes=attributes)
    everything = {tp.id for tp in schedule(make_plan(*base), subject)}
    some = {tp.id for tp in schedule(make_plan(*guarded), subject)}
    assert some <= everything
    assert (some == everything) == (segment in conditions)


class TestStop:
    PLAN = make_plan(
        rule("service", every="1 month", starting="purchase"),
        rule("win-back", at="churn + 30 days", optional=True),
        stop=("churn",),
    )

    def test_a_cancellation_the_day_before_a_touch_point_ends_it(self) -> None:
        # Services fall on the 15th; churn on 2026-04-14 stops the one on 04-15, and
        # the win-back call comes 30 days after the churn (2026-05-14).
        result = schedule(
            self.PLAN,
            Subject(id="s", anchors={"purchase": PURCHASE, "churn": date(2026, 4, 14)}),
        )
        assert [(tp.rule_id, tp.due) for tp in result] == [
            ("service", date(2026, 1, 15)),
            ("service", date(2026, 2, 15)),
            ("service", date(2026, 3, 15)),
            ("win-back", date(2026, 5, 14)),
        ]
        assert [str(omission) for omission in result.omitted] == [
            "rule 'service' has no touch points after churn on Tue 2026-04-14"
        ]

    def test_a_touch_point_on_the_stop_day_itself_stays(self) -> None:
        result = schedule(
            self.PLAN,
            Subject(id="s", anchors={"purchase": PURCHASE, "churn": date(2026, 2, 15)}),
        )
        assert [tp.due for tp in result if tp.rule_id == "service"] == [
            date(2026, 1, 15),
            date(2026, 2, 15),
        ]

    def test_without_a_stop_date_nothing_stops(self) -> None:
        result = schedule(self.PLAN, Subject(id="s", anchors={"purchase": PURCHASE}))
        # The default horizon is five years after the earliest anchor: 60 months.
        assert len([tp for tp in result if tp.rule_id == "service"]) == 60

    def test_the_earliest_stop_anchor_wins(self) -> None:
        plan = make_plan(
            rule("service", every="1 month", starting="purchase"), stop=("churn", "cancelled")
        )
        anchors = {"purchase": PURCHASE, "churn": date(2026, 6, 1), "cancelled": date(2026, 3, 1)}
        assert rule_ids(plan, anchors=anchors) == ["service", "service"]  # Jan 15, Feb 15

    def test_an_endless_series_stops_at_once(self) -> None:
        # Every minute for a century would be a runaway; the stop ends it long before
        # the limit is reached.
        plan = make_plan(
            rule("ping", every="1 minute", starting="purchase"),
            stop=("churn",),
            contact_time="09:00",
            timezone="UTC",
            horizon="100 years",
        )
        anchors = {"purchase": PURCHASE, "churn": PURCHASE}
        assert len(rule_ids(plan, anchors=anchors)) == 15 * 60  # 09:00 to 23:59
