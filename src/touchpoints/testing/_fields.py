"""Strategies for the small values that fill the fields of rules, plans and
subjects: awkward free text, slugs, anchor names, channels, tags, attributes, and
how often an optional field is there."""

from __future__ import annotations

from functools import cache
from typing import Final

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from touchpoints._model import CHANNEL_PATTERN, KNOWN_CHANNELS

_AWKWARD_PIECES: Final = (
    ",",
    ";",
    "\\",
    "\n",
    "\r\n",
    ":",
    '"',
    "\t",
    "\\n",
    "\\;",
    "😀",
    "👩\u200d👩\u200d👧",
    "é",
    "日本語",
    "\u200b",
    "BEGIN:VEVENT",
)


# Ready-made awkward values: cheap to draw, and what failing examples shrink to.
_AWKWARD_TEXTS: Final = (
    "Check-up call",
    "Call, then email; then visit",
    "Back\\slash and a trailing \\",
    "Line one\nLine two\r\nLine three",
    "Größe prüfen 😀 👩\u200d👩\u200d👧",
    "日本語のタイトル",
    'Quote "this": colon',
    "Escaped-looking \\n and \\; text",
    "BEGIN:VEVENT\nEND:VCALENDAR",
    "x" * 200,
    "é" * 80,
    "😀" * 40,
    "a,b;c\\" * 30,
)


@cache
def _texts(*, max_size: int) -> SearchStrategy[str]:
    """Text a spreadsheet user might type, and worse: separators that iCalendar
    escapes, line breaks, emoji, zero-width characters and lines longer than 75
    octets. Values come out stripped and non-blank, as the models keep them."""
    characters = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from(",;\\\n\r\t:\"'")
    pieces = st.sampled_from(_AWKWARD_PIECES) | st.text(characters, min_size=1, max_size=8)
    joined = st.lists(pieces, min_size=1, max_size=3).map("".join)
    long_lines = st.builds(
        lambda unit, times: unit * times,
        st.sampled_from(("a", "é", "😀", "日本", "a,b;c\\")),
        st.integers(40, 120),
    )
    drawn = st.one_of(joined, long_lines)
    return (
        st.one_of(st.sampled_from(_AWKWARD_TEXTS), drawn, drawn)
        .map(lambda text: text.strip()[:max_size].strip())
        .filter(bool)
    )


@cache
def _slugs() -> SearchStrategy[str]:
    common = st.sampled_from(("check-up", "service", "renewal", "a", "0", "x.y_z-1"))
    return common | st.from_regex(r"[a-z0-9](?:[a-z0-9._-]{0,20}[a-z0-9])?", fullmatch=True)


@cache
def _anchor_names() -> SearchStrategy[str]:
    common = st.sampled_from(("renewal", "notice", "contract_end", "A", "x1"))
    return common | st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,15}", fullmatch=True)


@cache
def _sometimes() -> SearchStrategy[bool]:
    # True about a quarter of the time: optional parts are there often enough to
    # be tested, and absent often enough to keep examples small.
    return st.integers(0, 3).map(lambda n: n == 3)


@cache
def _channels() -> SearchStrategy[str]:
    return st.sampled_from(KNOWN_CHANNELS) | st.from_regex(CHANNEL_PATTERN, fullmatch=True)


@cache
def _tag_lists() -> SearchStrategy[list[str]]:
    tag = st.text(
        st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=",;\\"),
        min_size=1,
        max_size=12,
    ).filter(lambda t: t.strip() == t)
    return st.lists(tag, max_size=3, unique=True)


@cache
def _attribute_maps() -> SearchStrategy[dict[str, str | int | float | bool | None]]:
    scalar = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | _texts(max_size=100)
    )
    return st.dictionaries(_texts(max_size=200), scalar, min_size=1, max_size=3)
