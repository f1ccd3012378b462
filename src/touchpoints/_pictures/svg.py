"""The building blocks of the SVG pictures: coordinates as written, and labels.

Built on :mod:`xml.etree.ElementTree`, which escapes every text and attribute.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

__all__ = ["fmt", "text"]


def text(
    parent: ET.Element,
    x: float,
    y: float,
    words: str,
    *,
    anchor: str = "start",
    cls: str = "",
    size: str = "",
) -> ET.Element:
    attributes = {"x": fmt(x), "y": fmt(y)}
    if anchor != "start":
        attributes["text-anchor"] = anchor
    if cls:
        attributes["class"] = cls
    if size:
        attributes["font-size"] = size
    element = ET.SubElement(parent, "text", attributes)
    element.text = words
    return element


def fmt(value: float) -> str:
    """A coordinate as written: one decimal at most."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"
