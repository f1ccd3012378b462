"""The feed from the batch path has the bytes of ``write_ical(schedule_many(...))``.

The reference is the object path: the engine's touch points, one Python object each,
written by ``touchpoints.write_ical``. Plans of every kind (the ones the columns do
not describe run through touch points inside the same call), plans the arrays
compute, every export option, and the zones where a gap moves a contact time.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.batch.conftest import subjects_table
from tests.batch.test_properties import _subjects_for, columnar_plans, windows

from touchpoints import (
    ExportOptions,
    Plan,
    Subject,
    TemplateError,
    from_ical,
    schedule_many,
    write_ical,
)
from touchpoints.batch import write_ical_batches
from touchpoints.testing import plans

STAMP = datetime(2026, 1, 1, tzinfo=UTC)

option_sets = st.sampled_from(
    (
        ExportOptions(stamp=STAMP),
        ExportOptions(stamp=STAMP, component="VTODO", name="Tasks; team, A"),
        ExportOptions(stamp=STAMP, alarm=timedelta(minutes=-15)),
        ExportOptions(stamp=STAMP, description_template="{title} for {plan} #{occurrence}"),
        ExportOptions(stamp=STAMP, summary_template="{title} ({rule}, due {due})"),
    )
)


def _reference(plan: Plan, people: list[Subject], options: ExportOptions, **kw: Any) -> bytes:
    out = io.BytesIO()
    written = write_ical(schedule_many(plan, people, **kw), out, options=options)
    return out.getvalue() + f"\n{written.count}".encode()


def _batched(
    plan: Plan, people: list[Subject], options: ExportOptions, batch_size: int, **kw: Any
) -> bytes:
    out = io.BytesIO()
    written = write_ical_batches(
        plan, subjects_table(plan, people), out, options=options, batch_size=batch_size, **kw
    )
    assert written.state == {}
    return out.getvalue() + f"\n{written.count}".encode()


@settings(max_examples=60)
@given(plans(max_rules=4), option_sets, st.integers(1, 5), st.data())
def test_any_plan_gives_the_object_paths_bytes(plan, options, batch_size, data) -> None:
    people = data.draw(_subjects_for(plan))
    assert _batched(plan, people, options, batch_size) == _reference(plan, people, options)


@settings(max_examples=120)
@given(columnar_plans(), option_sets, st.integers(1, 5), st.data())
def test_columnar_plans_give_the_object_paths_bytes(plan, options, batch_size, data) -> None:
    people = data.draw(_subjects_for(plan))
    assert _batched(plan, people, options, batch_size) == _reference(plan, people, options)


@settings(max_examples=40)
@given(columnar_plans(), windows, st.data())
def test_windows_give_the_object_paths_bytes(plan, window, data) -> None:
    people = data.draw(_subjects_for(plan))
    options = ExportOptions(stamp=STAMP)
    kw = {"start": window[0], "end": window[1]}
    assert _batched(plan, people, options, 2, **kw) == _reference(plan, people, options, **kw)


def _timed(contact: str, rules: int = 1) -> Plan:
    return Plan.model_validate(
        {
            "plan": "gaps",
            "timezone": "Pacific/Apia",
            "contact_time": contact,
            "touchpoints": [
                {
                    "id": f"r{n}",
                    "title": f"Call {n}",
                    "channel": "call",
                    "at": f"purchase + {n} days",
                }
                for n in range(rules)
            ],
        }
    )


@pytest.mark.parametrize(
    ("zone", "day", "contact"),
    [
        ("Pacific/Apia", date(2011, 12, 30), "10:00"),  # the whole day was skipped
        ("America/Sao_Paulo", date(2018, 11, 4), "00:30"),  # midnight did not exist
        ("America/Havana", date(2026, 3, 8), "00:15"),  # clocks spring forward at 00:00
        ("America/New_York", date(2026, 3, 8), "02:30"),  # the usual gap, same day
        ("America/New_York", date(2026, 11, 1), "01:30"),  # the repeated hour
        ("Australia/Lord_Howe", date(2026, 4, 5), "01:45"),  # half an hour repeated
    ],
)
@pytest.mark.parametrize("component", ["VEVENT", "VTODO"])
def test_gaps_and_folds_are_written_as_the_engine_places_them(
    zone, day, contact, component
) -> None:
    plan = _timed(contact, rules=3)
    people = [
        Subject(id=f"c{n}", timezone=zone, anchors={"purchase": day - timedelta(days=n)})
        for n in range(3)
    ]
    options = ExportOptions(stamp=STAMP, component=component, alarm=timedelta(minutes=-5))
    assert _batched(plan, people, options, 2) == _reference(plan, people, options)


def test_a_day_a_gap_skipped_keeps_its_note() -> None:
    """Apia went from UTC-10 to UTC+14 at the end of 2011-12-29: a call planned on
    the 30th lands on the 31st, and the feed says so (as zoneinfo places it)."""
    plan = _timed("10:00")
    people = [Subject(id="c1", anchors={"purchase": date(2011, 12, 30)})]
    out = io.BytesIO()
    write_ical_batches(plan, subjects_table(plan, people), out, options=ExportOptions(stamp=STAMP))
    text = out.getvalue().decode().replace("\r\n ", "")  # unfolded
    assert "DTSTART;TZID=Pacific/Apia:20111231T100000" in text
    assert (
        'X-TOUCHPOINTS-ADJUSTMENTS:[["2011-12-30"\\,"2011-12-31"\\,"Pacific/Apia '
        'skipped 10:00 on that day"]]' in text
    )
    (tp,) = from_ical(out.getvalue(), subject_ids=["c1"])
    assert tp.due == datetime(2011, 12, 31, 10, tzinfo=ZoneInfo("Pacific/Apia"))
    assert tp.adjustments[0].before == date(2011, 12, 30)


def test_templates_read_the_attributes_option() -> None:
    plan = _timed("09:00", rules=2)
    people = [
        Subject(id="c1", anchors={"purchase": date(2026, 5, 4)}),
        Subject(id="c2", anchors={"purchase": date(2026, 5, 5)}),
    ]
    names: Mapping[str, Mapping[str, object]] = {"c1": {"name": "Ada"}, "c2": {"name": "Bo"}}
    options = ExportOptions(
        stamp=STAMP, description_template="Call {name}", summary_template="{title}: {name}"
    )
    options = replace(options, attributes=names)
    batched = _batched(plan, people, options, 1)
    assert batched == _reference(plan, people, options)
    assert b"SUMMARY:Call 0: Ada\r\n" in batched
    assert b"DESCRIPTION:Call Bo\r\n" in batched
    with pytest.raises(TemplateError, match="'c1' has no attribute 'name'"):
        _batched(plan, people, replace(options, attributes={}), 1)


def test_many_subjects_with_shared_keys() -> None:
    """Later batches reuse earlier batches' keys (the key cache) and write the same."""
    plan = Plan.model_validate(
        {
            "plan": "after-sales",
            "timezone": "Europe/Berlin",
            "contact_time": "10:00",
            "touchpoints": [
                {"id": "welcome", "title": "Welcome", "channel": "call", "at": "purchase"},
                {
                    "id": "check",
                    "title": "Check-in",
                    "channel": "email",
                    "starting": "purchase + 1 month",
                    "every": "3 months",
                    "count": 4,
                },
            ],
        }
    )
    zones = (None, "America/New_York", "Asia/Kolkata")
    people = [
        Subject(
            id=f"s{n}",
            timezone=zones[n % 3],
            anchors={"purchase": date(2026, 1, 1) + timedelta(days=n % 40)},
        )
        for n in range(300)
    ]
    options = ExportOptions(stamp=STAMP)
    assert _batched(plan, people, options, 64) == _reference(plan, people, options)


def test_rolls_off_closed_days_keep_their_notes() -> None:
    """The columns do not say why a touch point moved; the feed still does."""
    plan = Plan.model_validate(
        {
            "plan": "rolls",
            "timezone": "Europe/Berlin",
            "contact_time": "09:00",
            "calendar": {"closed": ["2026-12-24"]},
            "touchpoints": [{"id": "call", "title": "Call", "channel": "call", "at": "purchase"}],
        }
    )
    people = [
        Subject(id="c1", anchors={"purchase": date(2026, 12, 24)}),  # closed: moves
        Subject(id="c2", anchors={"purchase": date(2026, 12, 22)}),  # open: stays
    ]
    options = ExportOptions(stamp=STAMP)
    batched = _batched(plan, people, options, 1)
    assert batched == _reference(plan, people, options)
    assert batched.count(b"X-TOUCHPOINTS-ADJUSTMENTS:") == 1
