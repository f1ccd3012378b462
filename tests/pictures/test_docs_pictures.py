"""The docs' pictures, drawn from the examples at build time by docs/_ext."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

DOCS = Path(__file__).parents[2] / "docs"


@pytest.fixture(scope="module")
def pictures() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "touchpoints_pictures", DOCS / "_ext" / "touchpoints_pictures.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("touchpoints_pictures", module)
    spec.loader.exec_module(module)
    return module


def marks(svg, text: str) -> list[tuple[str | None, str | None, str | None]]:
    return [
        (g.get("data-name"), g.get("data-kind"), g.get("data-day"))
        for g in svg.groups(svg.parse(text), "mark")
    ]


def test_every_picture_is_used_in_a_page_and_every_use_exists(pictures) -> None:
    used = set()
    for page in DOCS.glob("*.md"):
        used |= set(re.findall(r"^```\{picture\} ([\w-]+)$", page.read_text(), re.MULTILINE))
    assert used == set(pictures.PICTURES)


def test_month_end_does_not_drift(pictures, svg) -> None:
    days = [day for _, _, day in marks(svg, pictures.month_end())]
    assert days == [
        "2024-01-31",
        "2024-02-29",
        "2024-03-31",
        "2024-04-30",
        "2024-05-31",
        "2024-06-30",
    ]


def test_the_holiday_move_names_the_holiday(pictures, svg) -> None:
    text = pictures.holiday()
    assert marks(svg, text) == [("check-up #1", "rolled", "2026-04-07")]
    assert "holiday: Easter Monday" in text


def test_the_fatigue_picture_has_a_merge_and_a_move(pictures, svg) -> None:
    # purchase 2026-01-12: install on day 14 (Mon 26), training on day 16 merges into it,
    # the e-mail on day 15 moves to 7 days after the install (Mon 2 February).
    assert sorted(marks(svg, pictures.fatigue())) == [
        ("install #1", "planned", "2026-01-26"),
        ("survey #1", "moved", "2026-02-02"),
        ("training #1", "merged", "2026-01-26"),
    ]


def test_the_tutorial_timeline_and_the_load_chart(pictures, svg) -> None:
    assert len(marks(svg, pictures.tutorial())) == 15
    chart = svg.parse(pictures.load())
    assert svg.groups(chart, "bar")
    assert any(t.startswith("1. month of ") for t in svg.texts(chart))
