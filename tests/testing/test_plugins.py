"""The Hypothesis entry point (``st.from_type``) and the pytest plugin (the CI profile
and the ``touchpoints_plans`` fixture)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchpoints import BusinessCalendar, Duration, Plan, Rule, Subject, schedule
from touchpoints.testing import subjects
from touchpoints.testing._register import _hypothesis_setup_hook
from touchpoints.testing.pytest_plugin import PROFILE

ROOT = Path(__file__).resolve().parents[2]
pytest_plugins = ["pytester"]

_hypothesis_setup_hook()


def test_the_entry_points_are_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    entry_points = project["entry-points"]
    assert list(entry_points["hypothesis"].values()) == [
        "touchpoints.testing._register:_hypothesis_setup_hook"
    ]
    assert entry_points["pytest11"] == {"touchpoints": "touchpoints.testing.pytest_plugin"}


@settings(max_examples=20, deadline=None)
@given(st.from_type(Plan), st.data())
def test_from_type_draws_valid_plans_and_their_subjects(plan: Plan, data: st.DataObject) -> None:
    assert isinstance(plan, Plan)
    schedule(plan, data.draw(subjects(plan)))


@settings(max_examples=20, deadline=None)
@given(st.from_type(Subject), st.from_type(Rule), st.from_type(Duration))
def test_from_type_draws_the_other_types(subject: Subject, rule: Rule, duration: Duration) -> None:
    assert "purchase" in subject.anchors
    assert isinstance(rule, Rule)
    assert isinstance(duration, Duration)


class HostRecord:
    """A host application's own record, with touchpoints types in its signature."""

    def __init__(self, plan: Plan, calendar: BusinessCalendar) -> None:
        self.plan = plan
        self.calendar = calendar


@settings(max_examples=10, deadline=None)
@given(st.builds(HostRecord))
def test_builds_a_host_record(record: HostRecord) -> None:
    assert isinstance(record.plan, Plan)
    assert isinstance(record.calendar, BusinessCalendar)


def test_the_plugin_profile_and_fixture(pytester: Any) -> None:
    plans = pytester.mkdir("plans")
    (plans / "dealership.yaml").write_text(
        (ROOT / "examples" / "dealership.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    pytester.makepyfile(
        f"""
        from hypothesis import given, settings, strategies as st
        from touchpoints.testing import checks, subjects

        def test_profile():
            settings.load_profile({PROFILE!r})
            assert settings().derandomize and settings().deadline is None

        @settings(max_examples=10)
        @given(st.data())
        def test_plans(touchpoints_plans, data):
            assert list(touchpoints_plans) == ["plans/dealership.yaml"]
            for plan in touchpoints_plans.values():
                checks.verify(plan, data.draw(subjects(plan)), checks.min_spacing("7 days"))
        """
    )
    result = pytester.runpytest_inprocess("-q")
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("pattern", ["missing/*.yaml"])
def test_no_matching_files_is_an_empty_mapping(pytester: Any, pattern: str) -> None:
    pytester.makeini(f"[pytest]\ntouchpoints_plans = {pattern}\n")
    pytester.makepyfile("def test_none(touchpoints_plans):\n    assert touchpoints_plans == {}\n")
    result = pytester.runpytest_inprocess("-q")
    result.assert_outcomes(passed=1)
