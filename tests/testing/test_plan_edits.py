"""plan_edits(plan): every kind of edit comes out, each gives a valid plan with a
bumped version, names the rules it touched and has a short repr."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import Phase, find, given, settings

from touchpoints import Duration, PlanError, load_plan
from touchpoints.testing import Edit, plan_edits
from touchpoints.testing._edits import EditKind

DEALERSHIP = load_plan(Path(__file__).resolve().parents[2] / "examples" / "dealership.yaml")
QUICK = settings(phases=[Phase.generate], database=None, max_examples=500)


@given(plan_edits(DEALERSHIP))
def test_every_edit_gives_a_valid_plan_and_names_what_it_touched(edit: Edit) -> None:
    edited = edit.apply(DEALERSHIP)
    assert edited.version == DEALERSHIP.version + 1
    old = {rule.id: rule for rule in DEALERSHIP.rules}
    new = {rule.id: rule for rule in edited.rules}
    changed = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
    assert changed == edit.touched
    assert len(repr(edit)) < 80


@pytest.mark.parametrize(
    "kind", ["retitle", "shift", "interval", "add", "remove", "reorder", "bump_version"]
)
def test_every_kind_comes_out(kind: EditKind) -> None:
    edit = find(plan_edits(DEALERSHIP), lambda e: e.kind == kind, settings=QUICK)
    assert edit.kind == kind


def test_reprs_and_effects() -> None:
    shift = Edit("shift", "survey", 2, frozenset({"survey"}))
    assert repr(shift) == "shift('survey', 2 days)"
    assert str(shift.apply(DEALERSHIP).rules[2].at) == "delivery + 32 days"
    interval = Edit("interval", "service", Duration(days=180), frozenset({"service"}))
    assert repr(interval) == "interval('service', 180 days)"
    assert str(interval.apply(DEALERSHIP).rules[3].every) == "180 days"
    order = ("renewal", "tyres", "service", "survey", "first-check", "welcome")
    reorder = Edit("reorder", None, order, frozenset())
    assert repr(reorder) == f"reorder({list(order)!r})"
    assert [rule.id for rule in reorder.apply(DEALERSHIP).rules] == list(order)
    with pytest.raises(PlanError, match="every rule id once"):
        Edit("reorder", None, ("renewal", "welcome"), frozenset()).apply(DEALERSHIP)
    added = Edit("add", "added-1", 10, frozenset({"added-1"})).apply(DEALERSHIP)
    assert str(added.rules[-1].at) == "delivery + 10 days"


def test_an_edit_of_a_rule_the_plan_lacks_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="no rule 'nope'"):
        Edit("remove", "nope", None, frozenset({"nope"})).apply(DEALERSHIP)


CAR_DEALER = load_plan(Path(__file__).resolve().parents[2] / "examples" / "car-dealer.yaml")


@given(plan_edits(CAR_DEALER))
def test_edits_of_a_plan_with_meter_rules_apply(edit: Edit) -> None:
    # 'tyres' counts on the odometer alone: it has no date offset to shift.
    edited = edit.apply(CAR_DEALER)
    assert edited.version == CAR_DEALER.version + 1
    assert not (edit.kind == "shift" and edit.rule == "tyres")
