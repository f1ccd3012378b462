"""The timeline picture: one subject's schedule as an SVG, a lane per rule (or channel).

Hand-written with :mod:`xml.etree.ElementTree`, which escapes every text and attribute;
the picture has no scripts, no fonts to fetch and no links, so it opens anywhere and
prints as it shows. Every mark has a text label and a hover text (``<title>``); moves are
printed as numbered notes below the lanes, so nothing is told by colour alone.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import date
from typing import Final

from touchpoints._core import Schedule, require
from touchpoints._model import Plan, day_label, day_of
from touchpoints._pictures.axis import TimeAxis
from touchpoints._pictures.marks import Lane, LaneBy, Mark, OriginalKey, marks_of
from touchpoints._pictures.svg import fmt, text

__all__ = ["timeline_svg"]

WIDTH: Final = 1120
_LEFT: Final = 230  # lane labels
_RIGHT: Final = WIDTH - 30
_TOP: Final = 70  # anchor labels
_LANE: Final = 46
_NOTE: Final = 17
_STYLE: Final = """
text { font-family: sans-serif; font-size: 12px; fill: #1a1a1a; }
.lane-label { font-weight: bold; }
.lane { fill: #f3f5f8; }
.tick line { stroke: #b8bec8; }
.anchor line { stroke: #5b3cc4; stroke-width: 1.5; stroke-dasharray: 6 3; }
.anchor text { fill: #5b3cc4; }
.today line { stroke: #c4003c; stroke-width: 2; }
.today text { fill: #c4003c; font-weight: bold; }
.window line { stroke: #2c7a2c; stroke-dasharray: 2 3; }
.window text { fill: #2c7a2c; }
.mark circle { fill: #1f5fbf; stroke: #0b2f66; }
.mark.rolled circle, .mark.moved circle { fill: #e08a00; stroke: #6b4200; }
.mark.merged circle { fill: #ffffff; stroke: #6b4200; stroke-width: 2; }
.original circle { fill: none; stroke: #6b4200; stroke-dasharray: 2 2; }
.arrow { stroke: #6b4200; stroke-width: 1.5; fill: none; }
.note { font-size: 11px; }
"""


def timeline_svg(
    schedule: Schedule,
    *,
    anchors: Mapping[str, date] | None = None,
    today: date | None = None,
    lanes: LaneBy = "rule",
    title: str | None = None,
    originals: Mapping[OriginalKey, date] | None = None,
    plan: Plan | None = None,
) -> str:
    """The timeline of ``schedule`` as the text of a self-contained SVG.

    The axis spans whole months around the touch points, the anchors and today; the
    edges of the schedule's window are drawn when they fall on it.

    Args:
        schedule: one subject's schedule.
        anchors: the subject's anchor dates, drawn as labelled lines.
        today: draws a "today" line on this day.
        lanes: one lane per ``rule`` (the default) or per ``channel``.
        title: the heading (default: the plan and subject ids).
        originals: where fatigue rules found merged touch points, by rule id, term and
            occurrence, to draw their original slot (the CLI passes these).
        plan: the plan scheduled, to name the rules of merged touch points.

    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "calendar": {"holidays": "DE-BY"},
    ...     "touchpoints": [{"id": "call", "title": "Check-up call", "channel": "call",
    ...                      "at": "purchase + 2 weeks"}]})
    >>> anchors = {"purchase": date(2026, 3, 23)}
    >>> svg = timeline_svg(schedule(plan, Subject(id="c1", anchors=anchors)), anchors=anchors)
    >>> svg.startswith("<svg")
    True
    >>> "holiday: Easter Monday" in svg
    True
    """
    require(schedule, Schedule, "schedule")
    found, marks = marks_of(schedule, lanes=lanes, originals=originals, plan=plan)
    if not found:
        found = [Lane("", "no touch points")]
    anchors = dict(anchors or {})
    days = [m.day for m in marks] + [m.original for m in marks if m.original is not None]
    days += [*anchors.values(), *([today] if today else [])]
    axis = TimeAxis.around(days or [date(2000, 1, 1)], left=_LEFT, right=_RIGHT)
    notes = [m for m in marks if m.reasons]
    lanes_bottom = _TOP + _LANE * len(found)
    height = lanes_bottom + 40 + _NOTE * (len(notes) + 1) + 10
    heading = title or f"{schedule.plan_id}: {schedule.subject_id}"

    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": str(WIDTH),
            "height": str(height),
            "role": "img",
            "aria-labelledby": "timeline-title",
            "class": "timeline",
        },
    )
    ET.SubElement(svg, "title", {"id": "timeline-title"}).text = heading
    ET.SubElement(svg, "style").text = _STYLE
    _defs(svg)
    ET.SubElement(
        svg,
        "rect",
        {"x": "0", "y": "0", "width": str(WIDTH), "height": str(height), "fill": "#ffffff"},
    )
    text(svg, 10, 22, heading, cls="heading", size="16px")
    rows = {lane.key: _TOP + _LANE * n + _LANE / 2 for n, lane in enumerate(found)}
    _lanes(svg, found, rows)
    _ticks(svg, axis, lanes_bottom)
    for name, day in sorted(anchors.items(), key=lambda item: (item[1], item[0])):
        _vertical(svg, axis.x(day), lanes_bottom, "anchor", f"{name} {day.isoformat()}")
    for edge, label in ((schedule.start, "window start"), (schedule.end, "window end")):
        if edge is not None and axis.start <= day_of(edge) <= axis.end:
            _vertical(svg, axis.x(day_of(edge)), lanes_bottom, "window", label)
    if today is not None:
        _vertical(svg, axis.x(today), lanes_bottom, "today", f"today {today.isoformat()}")
    numbers = {id(mark): n for n, mark in enumerate(notes, start=1)}
    for mark in marks:
        _mark(svg, axis, rows[mark.lane], mark, numbers.get(id(mark)))
    y = lanes_bottom + 40
    if notes:
        text(svg, 10, y, "Moves, rolls and merges:", cls="note-heading")
    for n, mark in enumerate(notes, start=1):
        y += _NOTE
        line = text(svg, 10, y, f"[{n}] {_note(mark)}", cls="note")
        line.set("data-for", mark.name)
    ET.indent(svg)
    return ET.tostring(svg, encoding="unicode") + "\n"


def _note(mark: Mark) -> str:
    where = day_label(mark.day)
    if mark.original is not None:
        where = f"{day_label(mark.original)} -> {where}"
    what = mark.name if mark.customer else f"{mark.name} ({mark.title})"
    return f"{what}, {where}: " + "; ".join(mark.reasons)


def _defs(svg: ET.Element) -> None:
    defs = ET.SubElement(svg, "defs")
    marker = ET.SubElement(
        defs,
        "marker",
        {
            "id": "arrow",
            "viewBox": "0 0 10 10",
            "refX": "9",
            "refY": "5",
            "markerWidth": "7",
            "markerHeight": "7",
            "orient": "auto-start-reverse",
        },
    )
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": "#6b4200"})


def _lanes(svg: ET.Element, lanes: list[Lane], rows: Mapping[str, float]) -> None:
    group = ET.SubElement(svg, "g", {"class": "lanes"})
    for n, lane in enumerate(lanes):
        y = rows[lane.key]
        if n % 2 == 0:
            ET.SubElement(
                group,
                "rect",
                {
                    "class": "lane",
                    "x": "0",
                    "y": fmt(y - _LANE / 2),
                    "width": str(WIDTH),
                    "height": str(_LANE),
                },
            )
        label = text(group, 10, y + 4, _shorten(lane.label, 34), cls="lane-label")
        ET.SubElement(label, "title").text = lane.label


def _ticks(svg: ET.Element, axis: TimeAxis, bottom: float) -> None:
    group = ET.SubElement(svg, "g", {"class": "tick"})
    for day, label in axis.ticks():
        x = axis.x(day)
        ET.SubElement(
            group, "line", {"x1": fmt(x), "y1": str(_TOP), "x2": fmt(x), "y2": fmt(bottom + 6)}
        )
        text(group, x, bottom + 20, label, anchor="middle", cls="tick-label")


def _vertical(svg: ET.Element, x: float, bottom: float, cls: str, label: str) -> None:
    group = ET.SubElement(svg, "g", {"class": cls})
    ET.SubElement(
        group, "line", {"x1": fmt(x), "y1": str(_TOP - 22), "x2": fmt(x), "y2": fmt(bottom)}
    )
    row = {"anchor": _TOP - 26, "today": _TOP - 40}.get(cls, _TOP - 54)
    room = 4 * len(label)  # about half the label's width: keep it on the picture
    anchor = "end" if x + room > WIDTH - 4 else "middle"
    text(group, x, row, label, anchor=anchor, cls=f"{cls}-label")


def _mark(svg: ET.Element, axis: TimeAxis, y: float, mark: Mark, note: int | None) -> None:
    attributes = {
        "class": f"mark {mark.kind}",
        "data-name": mark.name,
        "data-kind": mark.kind,
        "data-day": mark.day.isoformat(),
    }
    if mark.ident:
        attributes["data-id"] = mark.ident
    group = ET.SubElement(svg, "g", attributes)
    ET.SubElement(group, "title").text = mark.hover()
    x = axis.x(mark.day)
    if mark.original is not None and mark.original != mark.day:
        x0 = axis.x(mark.original)
        original = ET.SubElement(
            group, "g", {"class": "original", "data-day": mark.original.isoformat()}
        )
        ET.SubElement(original, "circle", {"cx": fmt(x0), "cy": fmt(y), "r": "6"})
        direction = 1 if x >= x0 else -1
        ET.SubElement(
            group,
            "path",
            {
                "class": "arrow",
                "marker-end": "url(#arrow)",
                "d": f"M {fmt(x0)} {fmt(y - 9)} Q {fmt((x0 + x) / 2)} {fmt(y - 22)} "
                f"{fmt(x - 3 * direction)} {fmt(y - 9)}",
            },
        )
    ET.SubElement(group, "circle", {"cx": fmt(x), "cy": fmt(y), "r": "6"})
    label = mark.label
    if mark.kind != "planned":
        label += f" {mark.kind}"
    if note is not None:
        label += f" [{note}]"
    text(group, x, y + 19, label, anchor="middle", cls="mark-label", size="10px")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
