"""Plan and subject files for the command-line tests."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.plans import AFTER_SALES


def _write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def write_json() -> Callable[[Path, object], Path]:
    """Write data as a JSON file and return its path."""
    return _write_json


@pytest.fixture
def plan_data() -> dict[str, Any]:
    """The after-sales plan of the README, as data (a fresh copy each time)."""
    return copy.deepcopy(AFTER_SALES)


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    return _write_json(tmp_path / "after-sales.json", AFTER_SALES)


@pytest.fixture
def broken_plan_file(tmp_path: Path) -> Path:
    """A plan with problems: a misspelt key (so a missing title) and a zero interval."""
    data = copy.deepcopy(AFTER_SALES)
    data["touchpoints"][0]["tittle"] = data["touchpoints"][0].pop("title")
    data["touchpoints"][1]["every"] = "0 days"
    return _write_json(tmp_path / "broken.json", data)
