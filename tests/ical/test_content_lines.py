"""Content lines: the one folding and the one unfolding both the exporter and the CalDAV
sync use, checked against RFC 5545 §3.1 and against each other."""

from __future__ import annotations

from typing import Final

from hypothesis import given
from hypothesis import strategies as st

from touchpoints._ical.content_lines import content_lines, escape, fold, unescape, unfold

# Every category but the surrogates, which cannot be encoded.
SURROGATE_FREE: Final = ("L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co", "Cn")
LINES = st.text(
    st.characters(categories=SURROGATE_FREE, exclude_characters="\r\n"), max_size=400
).map(lambda text: "X-TEXT:" + text)


@given(LINES)
def test_unfolding_a_folded_line_gives_it_back(line: str) -> None:
    folded = fold(line)
    assert folded.endswith("\r\n")
    assert unfold(folded) == line + "\r\n"


@given(LINES)
def test_folded_lines_are_at_most_75_octets(line: str) -> None:
    physical = fold(line).split("\r\n")
    assert physical[-1] == ""
    assert all(len(part.encode()) <= 75 for part in physical[:-1])
    assert all(part.startswith(" ") for part in physical[1:-1])


@given(st.text(st.characters(categories=SURROGATE_FREE), max_size=200))
def test_escaped_text_reads_back(text: str) -> None:
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert unescape(escape(text)) == expected


def test_content_lines_unfold_both_line_ends_and_tabs() -> None:
    text = "BEGIN:VEVENT\r\nSUMMARY;LANGUAGE=de:Wel\r\n co\n\tme\nuid:abc\r\n"
    assert list(content_lines(text)) == [
        ("BEGIN", "VEVENT"),
        ("SUMMARY", "Welcome"),
        ("UID", "abc"),
    ]
