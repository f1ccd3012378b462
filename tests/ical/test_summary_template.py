"""``summary_template``: SUMMARY rendered from the subject's attributes, as DESCRIPTION is."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

import icalendar
import pytest

from touchpoints import (
    ExportOptions,
    IcalUpdate,
    Plan,
    Revision,
    Subject,
    TemplateError,
    schedule,
    to_ical,
    update_ical,
)

PLAN = Plan.model_validate(
    {
        "plan": "p",
        "touchpoints": [
            {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}
        ],
    }
)
SUBJECT = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}, attributes={"name": "Ada"})
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def summaries(data: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]


def test_summary_names_the_subject() -> None:
    options = ExportOptions(
        stamp=STAMP,
        summary_template="{title}: {name} ({channel})",
        attributes={"c1": {"name": "Ada"}},
    )
    assert summaries(to_ical(schedule(PLAN, SUBJECT), options=options)) == [
        "Welcome call: Ada (call)"
    ]


def test_without_a_template_the_summary_is_the_title() -> None:
    assert summaries(to_ical(schedule(PLAN, SUBJECT), options=ExportOptions(stamp=STAMP))) == [
        "Welcome call"
    ]


def test_a_malformed_summary_template_is_refused_when_built() -> None:
    with pytest.raises(TemplateError, match="not allowed"):
        ExportOptions(stamp=STAMP, summary_template="{name.upper}")


def test_a_renamed_customer_revises_the_event() -> None:
    def feed(name: str, state: Mapping[str, Revision]) -> IcalUpdate:
        options = ExportOptions(
            stamp=STAMP, summary_template="{name}", attributes={"c1": {"name": name}}
        )
        return update_ical(schedule(PLAN, SUBJECT), state, options=options)

    first = feed("Ada", {})
    second = feed("Ada Lovelace", first.state)
    assert [r.sequence for r in second.state.values()] == [1]
