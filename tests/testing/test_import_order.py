"""The kit imports cleanly whichever of it and Hypothesis comes first.

Hypothesis runs the package's entry point while it is being imported; when the first
import of Hypothesis is the kit's own, that hook must not import the kit again.
"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

FRESH = [sys.executable, "-c"]


def test_the_entry_point_is_installed() -> None:
    hooks = {entry.value for entry in metadata.entry_points(group="hypothesis")}
    assert "touchpoints.testing._register:_hypothesis_setup_hook" in hooks


@pytest.mark.parametrize(
    "first",
    ["import touchpoints.testing", "import touchpoints.testing.pytest_plugin", "import hypothesis"],
)
def test_a_fresh_interpreter_imports_the_kit_and_draws_a_plan(first: str) -> None:
    code = (
        f"{first}\n"
        "import touchpoints.testing\n"
        "from hypothesis import find, settings, strategies as st\n"
        "from touchpoints import Plan\n"
        "steady = settings(max_examples=3, derandomize=True, database=None)\n"
        "print(type(find(st.from_type(Plan), lambda plan: True, settings=steady)).__name__)\n"
    )
    done = subprocess.run([*FRESH, code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Plan"
