"""The timeline SVG: every touch point drawn, moves with their original slot and reason.

Positions are checked against the axis computed here: the axis spans whole months
around every day drawn, 2026-03-01 to 2026-07-01 (122 days), from x=230 to x=1090.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Literal

import pytest

from touchpoints import Plan, Schedule, Subject, schedule
from touchpoints._pictures import timeline_svg

GOLDEN = Path(__file__).parents[1] / "golden" / "timeline-pictures.json"
PURCHASE = date(2026, 3, 23)
START, END, LEFT, RIGHT = date(2026, 3, 1), date(2026, 7, 1), 230, 1090

Draw = Callable[..., ET.Element]


def x_of(day: date) -> float:
    return LEFT + (day - START).days / (END - START).days * (RIGHT - LEFT)


@pytest.fixture
def draw(result: Schedule, plan: Plan, svg) -> Draw:
    def drawn(
        *,
        today: date | None = None,
        lanes: Literal["rule", "channel"] = "rule",
        originals: dict[tuple[str, int, int], date] | None = None,
    ) -> ET.Element:
        text = timeline_svg(
            result,
            anchors={"purchase": PURCHASE},
            plan=plan,
            today=today,
            lanes=lanes,
            originals=originals,
        )
        root: ET.Element = svg.parse(text)
        return root

    return drawn


def mark_named(svg, root: ET.Element, name: str) -> ET.Element:
    found: list[ET.Element] = [g for g in svg.groups(root, "mark") if g.get("data-name") == name]
    assert len(found) == 1, name
    return found[0]


def test_every_touch_point_has_one_mark_with_its_id(result: Schedule, draw: Draw, svg) -> None:
    root = draw()
    ids = [g.get("data-id") for g in svg.groups(root, "mark") if g.get("data-id")]
    assert sorted(ids) == sorted(tp.id for tp in result)
    assert len(result) == 3


def test_a_merged_touch_point_is_drawn_on_the_day_of_the_one_that_covers_it(
    draw: Draw, svg
) -> None:
    root = draw(originals={("training", 1, 1): date(2026, 6, 2)})
    training = mark_named(svg, root, "training #1")
    assert training.get("data-kind") == "merged"
    assert training.get("data-day") == "2026-06-01"
    assert "merged into 'install' #1 on Mon 2026-06-01" in svg.hover(training)
    [original] = svg.groups(training, "original")
    assert original.get("data-day") == "2026-06-02"
    assert svg.circle_x(original) == pytest.approx(x_of(date(2026, 6, 2)), abs=0.1)


def test_a_holiday_roll_shows_the_original_slot_an_arrow_and_the_holiday(draw: Draw, svg) -> None:
    call = mark_named(svg, draw(), "check-up #1")
    assert call.get("data-kind") == "rolled"
    assert "holiday: Easter Monday" in svg.hover(call)
    assert "from Mon 2026-04-06" in svg.hover(call)
    assert svg.circle_x(call) == pytest.approx(x_of(date(2026, 4, 7)), abs=0.1)
    [original] = svg.groups(call, "original")
    assert svg.circle_x(original) == pytest.approx(x_of(date(2026, 4, 6)), abs=0.1)
    [arrow] = [p for p in call.iter(f"{svg.NS}path") if p.get("class") == "arrow"]
    assert arrow.get("marker-end") == "url(#arrow)"


def test_a_fatigue_move_names_the_spacing_rule_on_hover_and_in_print(draw: Draw, svg) -> None:
    root = draw()
    survey = mark_named(svg, root, "survey #1")
    why = "spacing of 3 days with 'check-up' #1"
    assert survey.get("data-kind") == "moved"
    assert why in svg.hover(survey)
    notes = [t for t in root.iter(f"{svg.NS}text") if t.get("class") == "note"]
    printed = [t.text or "" for t in notes if t.get("data-for") == "survey #1"]
    assert printed == [
        f"[2] survey #1 (Survey e-mail), Tue 2026-04-07 -> Fri 2026-04-10: moved 3 days: {why}"
    ]
    assert "#1 moved [2]" in svg.texts(survey)  # told in words, not by colour alone


def test_anchors_and_today_are_labelled_lines(draw: Draw, svg) -> None:
    root = draw(today=date(2026, 5, 1))
    [anchor] = svg.groups(root, "anchor")
    assert svg.texts(anchor) == ["purchase 2026-03-23"]
    line = anchor.find(f"{svg.NS}line")
    assert line is not None
    assert float(line.get("x1", "nan")) == pytest.approx(x_of(PURCHASE), abs=0.1)
    [today] = svg.groups(root, "today")
    assert svg.texts(today) == ["today 2026-05-01"]


def test_lanes_by_channel_name_the_channels(draw: Draw, svg) -> None:
    root = draw(lanes="channel")
    labels = [t.text for t in root.iter(f"{svg.NS}text") if t.get("class") == "lane-label"]
    assert labels == ["call", "email", "visit"]


def test_text_is_escaped(svg) -> None:
    plan = Plan.model_validate(
        {
            "plan": "p",
            "touchpoints": [
                {"id": "a", "title": "Tom & Jerry <b>", "channel": "call", "at": "purchase"}
            ],
        }
    )
    text = timeline_svg(schedule(plan, Subject(id="c", anchors={"purchase": PURCHASE})))
    assert "Tom &amp; Jerry &lt;b&gt;" in text
    assert "Tom & Jerry <b>" in svg.hover(svg.groups(svg.parse(text), "mark")[0])


def test_an_empty_schedule_still_draws(svg) -> None:
    plan = Plan.model_validate(
        {
            "plan": "p",
            "touchpoints": [
                {"id": "a", "title": "A", "channel": "call", "at": "churn", "optional": True}
            ],
        }
    )
    text = timeline_svg(schedule(plan, Subject(id="c", anchors={"purchase": PURCHASE})))
    root = svg.parse(text)
    assert svg.groups(root, "mark") == []
    assert "no touch points" in svg.texts(root)


def test_matches_the_golden_structure(draw: Draw, svg) -> None:
    """The golden file is ``svg.golden_text(svg.structure(root))``, reviewed by hand."""
    root = draw(today=date(2026, 5, 1), originals={("training", 1, 1): date(2026, 6, 2)})
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert svg.structure(root) == expected
