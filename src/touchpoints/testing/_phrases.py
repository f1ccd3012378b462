"""Checks stated in words, as a checks file gives them: ``spacing >= 7 days``,
``only open days DE-BY``, ``at most 20 per 365 days``, ``renewal before
contract_end``."""

from __future__ import annotations

import re
from typing import Final

from touchpoints._model import BusinessCalendar, Duration
from touchpoints.testing import checks
from touchpoints.testing.checks import Check

__all__ = ["EDITS_PHRASE", "PHRASES", "parse_check"]

EDITS_PHRASE: Final = "ids stable under edits"
"""The phrase for ``ids_stable_under``, checked against a drawn edit of the plan."""

PHRASES: Final = (
    "spacing >= 7 days",
    "call spacing >= 14 days",
    "only open days DE-BY",
    "at most 20 per 365 days",
    "renewal exactly once",
    "renewal before contract_end",
    "welcome on or after delivery",
    EDITS_PHRASE,
)
"""One example of each phrase a checks file may use."""

_NAME: Final = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_SPACING: Final = re.compile(rf"(?:(?P<channel>{_NAME})\s+)?spacing\s*>=\s*(?P<length>.+)")
_OPEN: Final = re.compile(r"only open days\s+(?P<region>\S+)")
_AT_MOST: Final = re.compile(r"at most\s+(?P<count>\d+)\s+per\s+(?P<length>.+)")
_ONCE: Final = re.compile(rf"(?P<rule>{_NAME})\s+exactly once")
_ORDER: Final = re.compile(
    rf"(?P<rule>{_NAME})\s+(?P<inclusive>on or\s+)?(?P<word>before|after)\s+(?P<anchor>{_NAME})"
)


def _length(text: str) -> Duration:
    duration = Duration.parse(text)
    if not duration.is_exact or duration.is_zero:
        raise ValueError(f"{text!r} must be a fixed length, such as '7 days' or '2 weeks'")
    return duration


def parse_check(text: str) -> Check:
    """The check a phrase states.

    Raises:
        ValueError: the phrase is not one of :data:`PHRASES`' forms (the message
            lists them), or a length or region in it is not valid.

    >>> parse_check("spacing >= 7 days"), parse_check("at most 20 per 365 days")
    (min_spacing(7 days), at_most(20 per 365 days))
    >>> parse_check("renewal before contract_end"), parse_check("only open days DE-BY")
    (before('contract_end', rule='renewal'), only_open_days('DE-BY'))
    >>> parse_check("spacing 7 days")
    Traceback (most recent call last):
      ...
    ValueError: 'spacing 7 days' is not a check; write one like these: spacing >= 7 days, ...
    """
    phrase = " ".join(text.split())
    if match := _SPACING.fullmatch(phrase):
        return checks.min_spacing(_length(match["length"]), channel=match["channel"])
    if match := _OPEN.fullmatch(phrase):
        return checks.only_open_days(BusinessCalendar(holidays=match["region"]).holidays or "")
    if match := _AT_MOST.fullmatch(phrase):
        return checks.at_most(int(match["count"]), _length(match["length"]))
    if match := _ONCE.fullmatch(phrase):
        return checks.exactly_once(match["rule"])
    if match := _ORDER.fullmatch(phrase):
        order = checks.before if match["word"] == "before" else checks.after
        return order(match["anchor"], rule=match["rule"], inclusive=bool(match["inclusive"]))
    raise ValueError(f"{text!r} is not a check; write one like these: {', '.join(PHRASES)}")
