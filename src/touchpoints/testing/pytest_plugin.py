"""The pytest plugin: a Hypothesis profile for CI, and a fixture with the plan files of
the host's repository.

Installed with the package, pytest loads it by itself (the ``pytest11`` entry point).
It does nothing when Hypothesis is not installed.

- The ``touchpoints-ci`` Hypothesis profile: derandomized (every run checks the same
  examples), no deadline, no example database. Choose it with
  ``pytest --hypothesis-profile=touchpoints-ci``.
- The ``touchpoints_plans`` fixture: the plans of the files that the
  ``touchpoints_plans`` ini option names (glob patterns relative to the rootdir,
  ``plans/**/*.yaml`` by default), loaded and validated, by path.

A host's test of every plan in its repository::

    from hypothesis import given, strategies as st
    from touchpoints.testing import checks, subjects

    @given(st.data())
    def test_every_plan_keeps_a_week_between_contacts(touchpoints_plans, data):
        for plan in touchpoints_plans.values():
            checks.verify(plan, data.draw(subjects(plan)), checks.min_spacing("7 days"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = ["PROFILE", "pytest_addoption", "pytest_configure", "touchpoints_plans"]

PROFILE = "touchpoints-ci"
"""The name of the Hypothesis profile for CI."""

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - depends on the installation
    settings = None  # type: ignore[assignment,misc] # the plugin then only adds the fixture


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``touchpoints_plans`` ini option."""
    parser.addini(
        "touchpoints_plans",
        "glob patterns of the plan files the touchpoints_plans fixture loads",
        type="linelist",
        default=["plans/**/*.yaml"],
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``touchpoints-ci`` Hypothesis profile."""
    if settings is not None:
        settings.register_profile(
            PROFILE,
            max_examples=200,
            derandomize=True,
            deadline=None,
            database=None,
            print_blob=True,
            suppress_health_check=[HealthCheck.too_slow],
        )


@pytest.fixture(scope="session")
def touchpoints_plans(pytestconfig: pytest.Config) -> dict[str, Any]:
    """The host's plans, by path relative to the rootdir: every file the
    ``touchpoints_plans`` ini option matches, loaded with ``load_plan`` (a file with
    problems fails the test that uses the fixture, with the problems listed)."""
    from touchpoints import load_plan

    root = Path(pytestconfig.rootpath)
    paths = sorted(
        {
            path
            for pattern in pytestconfig.getini("touchpoints_plans")
            for path in root.glob(pattern)
        }
    )
    return {path.relative_to(root).as_posix(): load_plan(path) for path in paths if path.is_file()}
