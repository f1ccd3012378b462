"""The plan the picture tests draw (a holiday roll, a fatigue move and a merge),
reading the timeline SVG back with xml.etree, as the tests and golden files see it
(the ``svg`` fixture), and the headless browser (the ``browser`` fixture)."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from touchpoints import Plan, Schedule, Subject, schedule

PURCHASE = date(2026, 3, 23)  # a Monday; + 2 weeks is Easter Monday 2026-04-06

PLAN = {
    "plan": "pictures",
    "calendar": {"holidays": "DE-BY"},
    "fatigue": {"spacing": "3 days", "merge": True},
    "touchpoints": [
        # Easter Monday: rolls to Tue 2026-04-07.
        {
            "id": "check-up",
            "title": "Check-up call",
            "channel": "call",
            "at": "purchase + 2 weeks",
            "priority": 1,
        },
        # Tue 2026-04-07 + 1 day: within 3 days of the call, another channel: moves.
        {
            "id": "survey",
            "title": "Survey e-mail",
            "channel": "email",
            "at": "purchase + 15 days",
            "priority": 5,
        },
        # Two visits a day apart, same channel: the lower priority merges.
        {
            "id": "install",
            "title": "Installation visit",
            "channel": "visit",
            "at": "purchase + 70 days",
            "priority": 2,
        },
        {
            "id": "training",
            "title": "Training visit",
            "channel": "visit",
            "at": "purchase + 71 days",
            "priority": 6,
        },
    ],
}


class Svg:
    """Reading a timeline SVG."""

    NS = "{http://www.w3.org/2000/svg}"

    @staticmethod
    def parse(svg: str) -> ET.Element:
        return ET.fromstring(svg)

    @staticmethod
    def groups(root: ET.Element, cls: str) -> list[ET.Element]:
        """The <g> elements whose class list holds ``cls``."""
        return [g for g in root.iter(f"{Svg.NS}g") if cls in (g.get("class") or "").split()]

    @staticmethod
    def hover(element: ET.Element) -> str:
        title = element.find(f"{Svg.NS}title")
        assert title is not None, ET.tostring(element, encoding="unicode")
        return title.text or ""

    @staticmethod
    def texts(element: ET.Element) -> list[str]:
        return [t.text or "" for t in element.iter(f"{Svg.NS}text")]

    @staticmethod
    def circle_x(element: ET.Element) -> float:
        """The centre of the mark's own circle (the last one: the original slot comes first)."""
        circles = list(element.iter(f"{Svg.NS}circle"))
        return float(circles[-1].get("cx", "nan"))

    @staticmethod
    def structure(root: ET.Element) -> dict[str, Any]:
        """What a golden file compares: element counts, every text with its position
        (rounded to whole units), and every mark with its kind, day and position."""
        counts: dict[str, int] = {}
        for element in root.iter():
            tag = element.tag.removeprefix(Svg.NS)
            counts[tag] = counts.get(tag, 0) + 1
        placed = [
            [t.text or "", round(float(t.get("x", 0))), round(float(t.get("y", 0)))]
            for t in root.iter(f"{Svg.NS}text")
        ]
        marks = [
            [
                g.get("data-name"),
                g.get("data-kind"),
                g.get("data-day"),
                round(Svg.circle_x(g)),
                Svg.hover(g),
            ]
            for g in Svg.groups(root, "mark")
        ]
        return {"counts": dict(sorted(counts.items())), "texts": placed, "marks": marks}

    @staticmethod
    def golden_text(data: dict[str, Any]) -> str:
        """A structure as the golden file holds it: one text or mark a line."""
        lines = ["{"]
        for n, (key, value) in enumerate(data.items()):
            end = "," if n < len(data) - 1 else ""
            if isinstance(value, dict):
                lines.append(f"  {json.dumps(key)}: {json.dumps(value)}{end}")
                continue
            items = [f"    {json.dumps(item, ensure_ascii=False)}" for item in value]
            lines.append(f"  {json.dumps(key)}: [\n" + ",\n".join(items) + f"\n  ]{end}")
        return "\n".join([*lines, "}"]) + "\n"


@pytest.fixture
def svg() -> type[Svg]:
    return Svg


@pytest.fixture
def plan_data() -> dict[str, Any]:
    return PLAN


@pytest.fixture
def plan() -> Plan:
    return Plan.model_validate(PLAN)


@pytest.fixture
def subject() -> Subject:
    return Subject(id="cust-1", anchors={"purchase": PURCHASE})


@pytest.fixture
def result(plan: Plan, subject: Subject) -> Schedule:
    return schedule(plan, subject)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, driven by Playwright's client; never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"the browser tests need Debian's chromium at {CHROMIUM}: "
            "install it with 'apt-get update && apt-get install -y chromium' "
            "(python3 dev.py test does this when it is missing)"
        )
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM)
        try:
            yield launched
        finally:
            launched.close()


def distinct_colours(png: bytes) -> int:
    """How many different colours a PNG (8 bits a channel, as Chromium writes) has,
    decoded here with zlib alone."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, data, header = 8, b"", b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        chunk = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            data += chunk
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0), header
    assert colour_type in (2, 6), header
    size = 3 if colour_type == 2 else 4
    raw = zlib.decompress(data)
    stride = width * size
    previous = bytearray(stride)
    colours: set[bytes] = set()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up = previous[i]
            corner = previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                nearest = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + nearest) & 0xFF
        colours.update(bytes(line[i : i + 3]) for i in range(0, stride, size))
        previous = line
    return len(colours)


@pytest.fixture
def colours() -> Callable[[bytes], int]:
    return distinct_colours
