"""The constrained value types the models' fields share: ids, anchor names, channels,
time zones, priorities, texts, tags and times of day.

Each is an ``Annotated`` type carrying its own validation and its description in the
JSON Schema, so that every field of that kind accepts and rejects the same values.
"""

from __future__ import annotations

from datetime import time
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from touchpoints._model.base import (
    ANCHOR_NAME_PATTERN,
    CHANNEL_PATTERN,
    KNOWN_CHANNELS,
    SLUG_PATTERN,
    TAG_PATTERN,
    model_error,
)
from touchpoints._model.zones import zone_for

__all__ = [
    "AnchorName",
    "Channel",
    "ContactTime",
    "Missed",
    "Priority",
    "Slug",
    "Tag",
    "Text",
    "TimeZoneName",
]

_PRIORITY_WORDS: Final = {"highest": 1, "high": 3, "normal": 5, "low": 7, "lowest": 9}


def _check_zone(key: str) -> str:
    try:
        zone_for(key)
    except ValueError as error:
        raise model_error("timezone", str(error)) from None
    return key


def _priority(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in _PRIORITY_WORDS:
        return _PRIORITY_WORDS[value.strip().lower()]
    return value


def _contact_time(value: time) -> time:
    if value.tzinfo is not None:
        raise model_error(
            "contact_time",
            "a contact time is local wall-clock time in the subject's zone; "
            "leave out the offset (write '10:00', not '10:00+01:00')",
        )
    return value


Slug = Annotated[
    str,
    Field(
        pattern=SLUG_PATTERN,
        description="Lowercase letters, digits, '.', '_' and '-', at most 64 characters.",
        examples=["after-sales-standard", "check-up"],
    ),
]
AnchorName = Annotated[
    str,
    Field(
        pattern=ANCHOR_NAME_PATTERN,
        description="Letters, digits and '_', starting with a letter.",
        examples=["purchase", "renewal", "contract_end"],
    ),
]
TimeZoneName = Annotated[
    str,
    AfterValidator(_check_zone),
    Field(description="An IANA time zone name.", examples=["Europe/Berlin"]),
]
Channel = Annotated[
    str,
    Field(
        pattern=CHANNEL_PATTERN,
        description=(
            "How the contact happens: call, email, visit, meeting, letter, sms, "
            "or another lowercase word."
        ),
        examples=list(KNOWN_CHANNELS),
    ),
]
Priority = Annotated[
    int,
    BeforeValidator(_priority),
    Field(
        ge=1,
        le=9,
        description=(
            "1 (highest) to 9 (lowest), as in iCalendar, or one of the words "
            "highest, high, normal, low, lowest."
        ),
    ),
]
Text = Annotated[str, Field(min_length=1, max_length=10_000)]
Tag = Annotated[str, Field(min_length=1, max_length=64, pattern=TAG_PATTERN)]
ContactTime = Annotated[
    time,
    AfterValidator(_contact_time),
    Field(description="Local time of day, like '10:00'.", examples=["10:00", "14:30"]),
]


Missed = Literal["catch_up", "skip", "collapse"]
"""What happens to touch points that were due before ``as_of`` and have no history:

- ``catch_up``: they stay where they are, overdue;
- ``skip``: they are left out (and reported);
- ``collapse``: the latest one moves to ``as_of`` and stands for all of them.
"""
