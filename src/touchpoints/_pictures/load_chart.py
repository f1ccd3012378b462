"""The load chart: touch points per period as bars stacked by channel, as an SVG.

Each channel has a fill and a pattern-free legend with its name; every bar segment has
a hover text with its period, channel and count, and the busiest periods are named in
print below the chart, so nothing is told by colour alone.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Final

from touchpoints._pictures.load import Load
from touchpoints._pictures.svg import fmt, text

__all__ = ["load_svg"]

WIDTH: Final = 1120
_LEFT: Final = 70
_RIGHT: Final = WIDTH - 20
_TOP: Final = 60
_HEIGHT: Final = 320
_FILLS: Final = ("#1f5fbf", "#e08a00", "#2c7a2c", "#c4003c", "#5b3cc4", "#6b4200", "#008080")
_STYLE: Final = """
text { font-family: sans-serif; font-size: 12px; fill: #1a1a1a; }
.grid line { stroke: #d0d4da; }
.bar rect { stroke: #ffffff; stroke-width: 0.5; }
"""


def load_svg(
    load: Load, *, title: str = "Touch points", busiest: int = 5, ident: str = "load-title"
) -> str:
    """The chart of ``load`` as the text of a self-contained SVG; ``ident`` is the id
    of its title, unique on a page with several charts.

    >>> from datetime import date
    >>> svg = load_svg(Load("week", {date(2026, 1, 5): {"call": 3, "email": 1}}))
    >>> "Week of Mon 2026-01-05: 3 call" in svg, "1. week of 2026-01-05: 4 touch points" in svg
    (True, True)
    """
    periods = load.periods()
    channels = load.channels
    peak = max((load.total(period) for period in periods), default=0)
    ranked = load.busiest(busiest)
    bottom = _TOP + _HEIGHT
    height = bottom + 70 + 18 * (len(ranked) + 1)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": str(WIDTH),
            "height": str(height),
            "role": "img",
            "aria-labelledby": ident,
            "class": "load",
        },
    )
    ET.SubElement(svg, "title", {"id": ident}).text = title
    ET.SubElement(svg, "style").text = _STYLE
    ET.SubElement(
        svg,
        "rect",
        {"x": "0", "y": "0", "width": str(WIDTH), "height": str(height), "fill": "#ffffff"},
    )
    text(svg, 10, 22, title, cls="heading", size="16px")
    fills = {channel: _FILLS[n % len(_FILLS)] for n, channel in enumerate(channels)}
    _legend(svg, channels, fills)
    scale = _HEIGHT / peak if peak else 0.0
    grid = ET.SubElement(svg, "g", {"class": "grid"})
    for step in _steps(peak):
        y = bottom - step * scale
        ET.SubElement(
            grid, "line", {"x1": str(_LEFT), "y1": fmt(y), "x2": str(_RIGHT), "y2": fmt(y)}
        )
        text(grid, _LEFT - 6, y + 4, f"{step:,}", anchor="end")
    slot = (_RIGHT - _LEFT) / max(len(periods), 1)
    noun = "Week of" if load.per == "week" else "Month of"
    for n, period in enumerate(periods):
        x = _LEFT + n * slot
        group = ET.SubElement(
            svg,
            "g",
            {
                "class": "bar",
                "data-period": period.isoformat(),
                "data-total": str(load.total(period)),
            },
        )
        y = float(bottom)
        by_channel = load.counts.get(period, {})
        for channel in channels:
            count = by_channel.get(channel, 0)
            if not count:
                continue
            tall = count * scale
            y -= tall
            segment = ET.SubElement(
                group,
                "rect",
                {
                    "x": fmt(x + slot * 0.1),
                    "y": fmt(y),
                    "width": fmt(slot * 0.8),
                    "height": fmt(tall),
                    "fill": fills[channel],
                    "data-channel": channel,
                },
            )
            label = (
                period.strftime("%a %Y-%m-%d") if load.per == "week" else period.strftime("%Y-%m")
            )
            ET.SubElement(segment, "title").text = f"{noun} {label}: {count:,} {channel}"
        if n % max(1, len(periods) // 12) == 0:
            text(
                svg,
                x + slot / 2,
                bottom + 16,
                period.strftime("%Y-%m-%d"),
                anchor="middle",
                size="10px",
            )
    word = "week" if load.per == "week" else "month"
    y = bottom + 50
    heading = f"Busiest {word}s:" if len(ranked) > 1 else f"Busiest {word}:"
    text(svg, 10, y, heading, cls="note-heading")
    places = {period: n for n, (period, _) in enumerate(ranked, start=1)}
    for n, (period, total) in enumerate(ranked, start=1):
        y += 18
        line = f"{n}. {word} of {period.isoformat()}: {total:,} touch points"
        text(svg, 10, y, line, cls="busiest")
    for n, period in enumerate(periods):
        if period in places:  # the rank above its bar, so the chart names them too
            x = _LEFT + (n + 0.5) * slot
            top = bottom - load.total(period) * scale - 4
            text(svg, x, top, str(places[period]), anchor="middle", cls="rank", size="10px")
    ET.indent(svg)
    return ET.tostring(svg, encoding="unicode") + "\n"


def _legend(svg: ET.Element, channels: list[str], fills: dict[str, str]) -> None:
    group = ET.SubElement(svg, "g", {"class": "legend"})
    x = float(_LEFT)
    for channel in channels:
        ET.SubElement(
            group,
            "rect",
            {"x": fmt(x), "y": "34", "width": "12", "height": "12", "fill": fills[channel]},
        )
        text(group, x + 16, 45, channel, cls="legend-label")
        x += 30 + 8 * len(channel)


def _steps(peak: int) -> list[int]:
    """Round grid values up to ``peak``: 1, 2 or 5 times a power of ten apart."""
    if peak <= 0:
        return []
    step = 1
    while peak / step > 6:
        for factor in (2, 5, 10):
            if peak / (step * factor) <= 6:
                step *= factor
                break
        else:
            step *= 10
    return list(range(0, peak + 1, step))
