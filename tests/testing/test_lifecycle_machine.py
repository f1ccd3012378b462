"""The lifecycle state machine: it passes on the example plans and on drawn plans with
every feature, and it finds bugs planted in the engine it tests."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import run_state_machine_as_test

from touchpoints import Plan, Schedule, Subject, load_plan, schedule
from touchpoints.testing import LifecycleMachine, plans

EXAMPLES = Path(__file__).parents[2] / "examples"
PLANS = sorted(p for p in EXAMPLES.glob("*.yaml") if re.search(r"^plan:", p.read_text(), re.M))
FEATURES = ("calendar", "fatigue", "term", "stop", "channels", "conditions")

# The CI profile the pytest plugin registers (derandomized, no deadline, no database).
CI = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SHORT = settings(CI, max_examples=10, stateful_step_count=20)
# Finding the bug is the point; shrinking its example (the slow part) is shown once.
FINDING = settings(CI, phases=[Phase.explicit, Phase.reuse, Phase.generate])

SERVICE = Plan.model_validate(
    {
        "plan": "service",
        "term": {"starts": "purchase", "length": "2 years"},
        "stop": ["churn"],
        "touchpoints": [
            {"id": "welcome", "title": "Welcome", "channel": "call", "at": "purchase + 1 day"},
            {"id": "service", "title": "Service", "channel": "visit", "every": "2 months",
             "starting": "purchase + 1 month"},
            {"id": "survey", "title": "Survey", "channel": "email", "every": "6 months",
             "starting": "purchase + 3 months"},
        ],
    }
)  # fmt: skip


def machine(plan_: Plan | object) -> type[LifecycleMachine]:
    return type("Lifecycle", (LifecycleMachine,), {"plan": plan_})


@pytest.mark.parametrize("path", PLANS, ids=lambda path: path.name)
def test_the_machine_passes_on_the_example_plans(path: Path) -> None:
    run_state_machine_as_test(machine(load_plan(path)), settings=SHORT)


def test_the_machine_passes_on_drawn_plans_with_every_feature() -> None:
    drawn = machine(plans(features=FEATURES, max_rules=4))
    run_state_machine_as_test(drawn, settings=settings(SHORT, max_examples=40))


class DropsTheLast(LifecycleMachine):
    """An engine that loses the last touch point of a long schedule."""

    plan = SERVICE

    def schedule(self, plan: Plan, subject: Subject, *, end: date, as_of: date) -> Schedule:
        result = schedule(plan, subject, end=end, as_of=as_of)
        if len(result) < 3:
            return result
        return dataclasses.replace(result, touch_points=result.touch_points[:-1])


class VersionedIds(LifecycleMachine):
    """An engine whose ids change with the plan's version."""

    plan = SERVICE

    def schedule(self, plan: Plan, subject: Subject, *, end: date, as_of: date) -> Schedule:
        result = schedule(plan, subject, end=end, as_of=as_of)
        points = tuple(tp._replace(plan_id=f"{plan.id}@{plan.version}") for tp in result)
        return dataclasses.replace(result, touch_points=points)


class ForgetsCancellations(LifecycleMachine):
    """An engine that reads every history event but cancellations."""

    plan = SERVICE

    def schedule(self, plan: Plan, subject: Subject, *, end: date, as_of: date) -> Schedule:
        kept = tuple(event for event in subject.history if event.status != "cancelled")
        return schedule(plan, subject.model_copy(update={"history": kept}), end=end, as_of=as_of)


class ForgetsCompletions(LifecycleMachine):
    """An engine that plans completed touch points again."""

    plan = SERVICE

    def schedule(self, plan: Plan, subject: Subject, *, end: date, as_of: date) -> Schedule:
        kept = tuple(event for event in subject.history if event.status != "completed")
        return schedule(plan, subject.model_copy(update={"history": kept}), end=end, as_of=as_of)


class IgnoresReschedules(LifecycleMachine):
    """An engine that plans rescheduled touch points where the rule put them."""

    plan = SERVICE

    def schedule(self, plan: Plan, subject: Subject, *, end: date, as_of: date) -> Schedule:
        kept = tuple(event for event in subject.history if event.status != "rescheduled")
        return schedule(plan, subject.model_copy(update={"history": kept}), end=end, as_of=as_of)


@pytest.mark.parametrize(
    ("planted", "message"),
    [
        (DropsTheLast, "is neither placed, omitted nor in conflict"),
        (VersionedIds, "changed the ids of touch points it did not touch"),
        (ForgetsCancellations, "was cancelled but is planned"),
        (ForgetsCompletions, "was completed on .* but is planned again"),
        (IgnoresReschedules, "was rescheduled to"),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_the_machine_finds_a_planted_bug_within_the_ci_profile(
    planted: type[LifecycleMachine], message: str
) -> None:
    with pytest.raises(AssertionError, match=message):
        run_state_machine_as_test(planted, settings=FINDING)


def test_a_planted_bug_shrinks_to_a_short_readable_life() -> None:
    with pytest.raises(AssertionError) as caught:
        run_state_machine_as_test(DropsTheLast, settings=CI)
    notes = caught.value.__notes__
    steps = [line for line in notes if line.startswith("state.") and "()" not in line]
    assert steps == ["state.start(data=data(...))"], notes  # no step but the start
    assert all(len(line) <= 200 for line in notes), notes
    assert "Draw 1 (subject): Subject('cust-1', purchase 2000-01-01)" in notes


def test_a_machine_without_a_plan_says_how_to_give_one() -> None:
    with pytest.raises(InvalidArgument, match="must be a Plan or a strategy"):
        run_state_machine_as_test(machine("plans/after-sales.yaml"), settings=SHORT)
