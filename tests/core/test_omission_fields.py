"""Omissions carry structured fields beside their text (kind, rule, occurrences,
term, what a merged touch point went into), so that code can inspect them."""

from __future__ import annotations

from datetime import date
from typing import Any

from touchpoints import HistoryEvent, Omission, Plan, RuleOccurrence, Subject, schedule


def _plan(*rules: dict[str, Any], **fields: Any) -> Plan:
    return Plan.model_validate({"plan": "p", "touchpoints": list(rules), **fields})


def _rule(rule_id: str, **timing: Any) -> dict[str, Any]:
    return {"id": rule_id, "title": rule_id.title(), "channel": "call", **timing}


def test_a_missing_optional_anchor() -> None:
    plan = _plan(_rule("a", at="purchase"), _rule("win", at="churn", optional=True))
    (omission,) = schedule(plan, Subject(id="c", anchors={"purchase": date(2026, 1, 1)})).omitted
    assert (omission.kind, omission.rule_id, omission.anchor) == ("missing_anchor", "win", "churn")
    assert omission.occurrences == ()
    assert str(omission) == "rule 'win' left out: the subject has no 'churn' date"


def test_a_condition_not_met() -> None:
    plan = _plan(_rule("a", at="purchase", when={"segment": "premium"}))
    subject = Subject(
        id="c", anchors={"purchase": date(2026, 1, 1)}, attributes={"segment": "basic"}
    )
    (omission,) = schedule(plan, subject).omitted
    assert (omission.kind, omission.rule_id) == ("condition", "a")
    assert str(omission).startswith("rule 'a' left out: ")


def test_a_touch_point_the_history_skipped_names_its_occurrence() -> None:
    plan = _plan(_rule("s", every="1 month", starting="purchase", count=3))
    subject = Subject(
        id="c",
        anchors={"purchase": date(2026, 1, 15)},
        history=(HistoryEvent(rule="s", occurrence=2, status="skipped"),),
    )
    (omission,) = schedule(plan, subject).omitted
    assert (omission.kind, omission.rule_id, omission.occurrences, omission.term) == (
        "history",
        "s",
        (2,),
        1,
    )


def test_history_for_a_rule_not_in_the_plan() -> None:
    plan = _plan(_rule("a", at="purchase"))
    subject = Subject(
        id="c",
        anchors={"purchase": date(2026, 1, 15)},
        history=(
            HistoryEvent(rule="gone", occurrence=1, status="completed", on=date(2026, 1, 15)),
        ),
    )
    (omission,) = schedule(plan, subject).omitted
    assert (omission.kind, omission.rule_id) == ("unknown_rule", "gone")


def test_a_stop_anchor() -> None:
    plan = _plan(_rule("s", every="1 month", starting="purchase"), stop=["churn"])
    subject = Subject(id="c", anchors={"purchase": date(2026, 1, 15), "churn": date(2026, 3, 1)})
    (omission,) = schedule(plan, subject).omitted
    assert (omission.kind, omission.rule_id) == ("stopped", "s")


def test_missed_touch_points_skipped_and_collapsed() -> None:
    rules = [_rule("s", every="1 month", starting="purchase", count=4)]
    subject = Subject(id="c", anchors={"purchase": date(2026, 1, 15)})
    (skipped,) = schedule(_plan(*rules, missed="skip"), subject, as_of=date(2026, 3, 20)).omitted
    assert (skipped.kind, skipped.occurrences) == ("missed", (1, 2, 3))
    (collapsed,) = schedule(
        _plan(*rules, missed="collapse"), subject, as_of=date(2026, 3, 20)
    ).omitted
    assert (collapsed.kind, collapsed.occurrences) == ("collapsed", (1, 2, 3))


def test_a_merge_names_what_it_merged_into() -> None:
    plan = _plan(
        _rule("service", at="purchase + 3 months"),
        _rule("check", at="purchase + 3 months", priority=9),
        fatigue={"spacing": "2 days", "merge": True},
    )
    result = schedule(plan, Subject(id="c", anchors={"purchase": date(2026, 1, 15)}))
    (omission,) = result.omitted
    assert (omission.kind, omission.rule_id, omission.occurrences) == ("merged", "check", (1,))
    assert omission.merged_into == RuleOccurrence("service", 1, 1)
    assert "merged into 'service' #1" in str(omission)


def test_positional_construction_and_text_stay_as_they_were() -> None:
    assert Omission("win-back", "churn").kind == "missing_anchor"
    plain = Omission("upsell", reason="left out: attribute 'segment' is missing")
    assert plain.kind == "other"
    assert str(plain) == "rule 'upsell' left out: attribute 'segment' is missing"
