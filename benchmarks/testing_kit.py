"""Benchmark: how fast the testing kit draws, so it never makes a host's suite slow.

For every strategy of ``touchpoints.testing``, the draws per second of CPU time
(process time, so other work on the machine does not count), in a derandomized
Hypothesis run of ``--examples`` draws with generation only; beside it, the ratio to
``st.dates()``, Hypothesis's own strategy, drawn in the same run. Then the lifecycle
machine's steps per second on each example plan.

    .venv/bin/python benchmarks/testing_kit.py
    .venv/bin/python benchmarks/testing_kit.py --examples 500
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

from touchpoints import load_plan
from touchpoints.testing import (
    LifecycleMachine,
    anchor_dates,
    business_calendars,
    durations,
    plan_documents,
    plan_edits,
    plans,
    rules,
    subject_csv_documents,
    subjects,
    timezones,
    windows,
)

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ("calendar", "fatigue", "term", "stop", "channels", "conditions")


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def draws_per_second(strategy: st.SearchStrategy[Any], examples: int) -> float:
    count = 0

    @_settings(examples)
    @given(strategy)
    def draw(value: Any) -> None:
        nonlocal count
        count += 1

    began = time.process_time()
    draw()
    return count / (time.process_time() - began)


def steps_per_second(path: Path, examples: int, steps: int) -> float:
    count = 0

    class Counted(LifecycleMachine):
        plan = load_plan(path)

        def teardown(self) -> None:
            nonlocal count
            count += self._steps

        def __init__(self) -> None:
            super().__init__()
            self._steps = 0

        def check_invariants(self, *args: Any, **kwargs: Any) -> None:
            self._steps += 1
            super().check_invariants(*args, **kwargs)

    began = time.process_time()
    run_state_machine_as_test(
        Counted, settings=settings(_settings(examples), stateful_step_count=steps)
    )
    return count / (time.process_time() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200)
    args = parser.parse_args()
    dealer = load_plan(ROOT / "examples" / "dealership.yaml")
    cases: list[tuple[str, Callable[[], st.SearchStrategy[Any]]]] = [
        ("st.dates() (baseline)", st.dates),
        ("anchor_dates()", anchor_dates),
        ("timezones()", timezones),
        ("durations()", durations),
        ("windows()", windows),
        ("business_calendars()", business_calendars),
        ("rules()", rules),
        ("plans()", plans),
        ("plans(features=all)", lambda: plans(features=FEATURES)),
        ("subjects()", subjects),
        ("subjects(dealership, history=True)", lambda: subjects(dealer, history=True)),
        ("plan_edits(dealership)", lambda: plan_edits(dealer)),
        ("plan_documents(format='toml')", lambda: plan_documents(format="toml")),
        ("subject_csv_documents(dealership)", lambda: subject_csv_documents(dealer)),
        ("subject_csv_documents(valid=False)", lambda: subject_csv_documents(valid=False)),
    ]
    draws_per_second(st.dates(), args.examples)  # warm up Hypothesis before measuring
    baseline = 0.0
    print(f"{'strategy':<40} {'draws/s':>9} {'vs st.dates()':>14}")
    for name, make in cases:
        rate = draws_per_second(make(), args.examples)
        baseline = baseline or rate
        print(f"{name:<40} {rate:>9,.0f} {rate / baseline:>13.2f}x")
    print()
    print(f"{'LifecycleMachine on':<40} {'steps/s':>9}")
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        if re.search(r"^plan:", path.read_text(encoding="utf-8"), re.MULTILINE) is None:
            continue  # a subject file, not a plan
        rate = steps_per_second(path, max(args.examples // 20, 5), 20)
        print(f"{path.name:<40} {rate:>9,.0f}")


if __name__ == "__main__":
    main()
