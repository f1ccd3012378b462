"""Checks stated in words, as a checks file gives them."""

from __future__ import annotations

import pytest

from touchpoints.testing._phrases import EDITS_PHRASE, PHRASES, parse_check


@pytest.mark.parametrize(
    ("phrase", "check"),
    [
        ("spacing >= 7 days", "min_spacing(7 days)"),
        ("  spacing  >=  2 weeks ", "min_spacing(14 days)"),
        ("call spacing >= 14 days", "min_spacing(14 days, channel='call')"),
        ("only open days DE-BY", "only_open_days('DE-BY')"),
        ("at most 20 per 365 days", "at_most(20 per 365 days)"),
        ("renewal exactly once", "exactly_once('renewal')"),
        ("renewal before contract_end", "before('contract_end', rule='renewal')"),
        ("welcome on or after delivery", "after('delivery', rule='welcome', inclusive=True)"),
    ],
)
def test_each_phrase(phrase: str, check: str) -> None:
    assert repr(parse_check(phrase)) == check


def test_every_example_phrase_parses() -> None:
    for phrase in PHRASES:
        if phrase != EDITS_PHRASE:
            parse_check(phrase)


@pytest.mark.parametrize(
    ("phrase", "fragment"),
    [
        ("spacing 7 days", "is not a check"),
        ("spacing >= 1 month", "fixed length"),
        ("at most 20 per 0 days", "fixed length"),
        ("only open days XX-YY", "XX"),
    ],
)
def test_rejects(phrase: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_check(phrase)
