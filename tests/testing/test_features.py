"""plans(features=...) and subjects of such plans: every feature of the plan language
comes out, and scheduling such plans for such subjects never fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from touchpoints import Plan, Subject, schedule
from touchpoints.testing import plans, subjects
from touchpoints.testing._features import FEATURES

QUICK = settings(phases=[Phase.generate], database=None, max_examples=500)
EVERYTHING = plans(features=FEATURES, max_rules=3)

HAS: dict[str, Callable[[Plan], Any]] = {
    "calendar": lambda plan: plan.business_calendar,
    "fatigue": lambda plan: plan.fatigue,
    "term": lambda plan: plan.term,
    "stop": lambda plan: plan.stop,
    "channels": lambda plan: plan.channels,
    "conditions": lambda plan: any(rule.when for rule in plan.rules),
}


@pytest.mark.parametrize("feature", FEATURES)
def test_every_feature_comes_out(feature: str) -> None:
    find(EVERYTHING, lambda plan: bool(HAS[feature](plan)), settings=QUICK)


def test_without_features_none_comes_out() -> None:
    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plans())
    def check(plan: Plan) -> None:
        assert not any(HAS[feature](plan) for feature in FEATURES)

    check()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EVERYTHING, st.data())
def test_such_plans_schedule_for_such_subjects(plan: Plan, data: st.DataObject) -> None:
    subject = data.draw(subjects(plan, history=True))
    if plan.term is not None:
        assert list(subject.renewals) == sorted(subject.renewals)
    result = schedule(plan, subject)
    assert [tp.due for tp in result] == sorted(tp.due for tp in result)


def test_history_renewals_and_segments_come_out() -> None:
    plan = find(EVERYTHING, lambda p: p.term is not None and any(r.when for r in p.rules),
                settings=QUICK)  # fmt: skip
    found: Subject = find(
        subjects(plan, history=True),
        lambda s: bool(s.history) and bool(s.renewals) and "segment" in s.attributes,
        settings=QUICK,
    )
    assert found.history[0].rule in {rule.id for rule in plan.rules}


def test_rejects_an_unknown_feature() -> None:
    with pytest.raises(InvalidArgument, match="features has 'holidays'"):
        plans(features=["holidays"])
