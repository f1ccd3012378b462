"""Rolls off closed days in the batch feed: the bytes of ``write_ical(schedule_many(...))``.

The columns carry the day a rolled touch point was planned on; the feed words the
roll (the holiday's name, ``weekend``, ``no contacts on Mon``, a month-end note) from
the engine's calendar, once per rule and day. The reference is the object path. Plans
here have business calendars of fixed regions (the United States, Germany and Great
Britain, with subdivisions), every roll convention, closed dates and channel windows,
for subjects in fixed zones around DST days and month ends.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.batch.conftest import subjects_table
from tests.batch.test_ical import _reference

import touchpoints.batch
import touchpoints.batch._feed
from touchpoints import (
    ExportOptions,
    Plan,
    Subject,
    TouchPoint,
    from_ical,
    schedule_many,
)
from touchpoints.batch import write_ical_batches

STAMP = datetime(2026, 1, 1, tzinfo=UTC)
REGIONS = (None, "US", "US-CA", "US-NY", "DE", "DE-BY", "DE-BE", "GB", "GB-SCT", "GB-NIR")
ROLLS = ("following", "preceding", "modified_following", "modified_preceding", "nearest", "keep")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ZONES = (
    None,
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Havana",
    "America/Sao_Paulo",
    "Australia/Lord_Howe",
    "Pacific/Apia",
    "UTC",
)
# DST days of the zones above, month ends, holidays next to weekends.
SPECIAL_DAYS = (
    date(2026, 3, 8),  # New York and Havana spring forward
    date(2026, 3, 29),  # Berlin and London spring forward
    date(2026, 10, 25),  # ... and fall back
    date(2026, 11, 1),  # New York and Havana fall back
    date(2026, 4, 5),  # Lord Howe falls back half an hour; Easter Sunday
    date(2018, 11, 4),  # Sao Paulo: midnight does not exist
    date(2011, 12, 29),  # Apia skipped the next day
    date(2026, 5, 31),  # a Sunday at a month end
    date(2026, 8, 1),  # a Saturday at a month start
    date(2026, 2, 28),
    date(2024, 2, 29),
    date(2026, 12, 24),
    date(2026, 12, 31),
    date(2027, 1, 1),
)
CLOSED = (date(2026, 12, 24), date(2026, 12, 31), date(2026, 6, 1), date(2024, 3, 1))

days = st.one_of(
    st.sampled_from(SPECIAL_DAYS),
    st.builds(
        lambda d, n: d - timedelta(days=n), st.sampled_from(SPECIAL_DAYS), st.integers(0, 40)
    ),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
)


@st.composite
def calendars(draw: st.DrawFn) -> dict[str, Any]:
    calendar: dict[str, Any] = {"roll": draw(st.sampled_from(ROLLS))}
    region = draw(st.sampled_from(REGIONS))
    if region is not None:
        calendar["holidays"] = region
    if draw(st.booleans()):
        calendar["closed"] = draw(st.lists(st.sampled_from(CLOSED), max_size=3, unique=True))
    if draw(st.integers(0, 3)) == 0:
        calendar["workdays"] = draw(
            st.lists(st.sampled_from(WEEKDAYS), min_size=3, max_size=6, unique=True)
        )
    return calendar


@st.composite
def rule_data(draw: st.DrawFn, number: int) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": f"r{number}",
        "title": f"Touch {number}",
        "channel": draw(st.sampled_from(("call", "email"))),
    }
    offset = draw(
        st.sampled_from(("", " + 3 days", " + 1 month", " - 2 days", " + 2 business days"))
    )
    if draw(st.booleans()):
        rule["at"] = f"purchase{offset}"
    else:
        rule["starting"] = f"purchase{offset}"
        rule["every"] = draw(st.sampled_from(("1 week", "1 month", "2 weeks", "5 business days")))
        rule["count"] = draw(st.integers(1, 14))
    if draw(st.integers(0, 3)) == 0:
        rule["calendar"] = draw(calendars())
    return rule


@st.composite
def calendar_plans(draw: st.DrawFn) -> Plan:
    """Plans the arrays compute whose touch points roll off closed days."""
    size = draw(st.integers(1, 3))
    data: dict[str, Any] = {
        "plan": "rolls",
        "calendar": draw(calendars()),
        "touchpoints": [draw(rule_data(n)) for n in range(size)],
    }
    if draw(st.booleans()):
        data["timezone"] = draw(st.sampled_from(ZONES[1:]))
        data["contact_time"] = draw(st.sampled_from(("00:30", "02:30", "09:00", "23:45")))
    if draw(st.booleans()):
        data["channels"] = {
            "call": {
                "weekdays": draw(
                    st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=6, unique=True)
                )
            }
        }
    return Plan.model_validate(data)


def people_for(plan: Plan) -> st.SearchStrategy[list[Subject]]:
    one = st.builds(
        lambda n, zone, day: Subject(id=f"c{n}", timezone=zone, anchors={"purchase": day}),
        st.integers(0, 9999),
        st.sampled_from(ZONES),
        days,
    )
    return st.lists(one, min_size=1, max_size=8, unique_by=lambda s: s.id)


def _batched(
    plan: Plan, people: list[Subject], options: ExportOptions, batch_size: int, **kw: Any
) -> bytes:
    out = io.BytesIO()
    written = write_ical_batches(
        plan, subjects_table(plan, people), out, options=options, batch_size=batch_size, **kw
    )
    return out.getvalue() + f"\n{written.count}".encode()


option_sets = st.sampled_from(
    (
        ExportOptions(stamp=STAMP),
        ExportOptions(stamp=STAMP, component="VTODO"),
        ExportOptions(stamp=STAMP, alarm=timedelta(minutes=-15)),
    )
)


@settings(max_examples=150)
@given(calendar_plans(), option_sets, st.integers(1, 5), st.data())
def test_rolled_plans_give_the_object_paths_bytes(plan, options, batch_size, data) -> None:
    people = data.draw(people_for(plan))
    assert _batched(plan, people, options, batch_size) == _reference(plan, people, options)


@settings(max_examples=40)
@given(calendar_plans(), st.data())
def test_rolled_plans_in_a_window_give_the_object_paths_bytes(plan, data) -> None:
    people = data.draw(people_for(plan))
    options = ExportOptions(stamp=STAMP)
    # A window near a subject's purchase, so that it holds some of its touch points.
    near = data.draw(st.sampled_from([s.anchors["purchase"] for s in people]))
    start = near + timedelta(days=data.draw(st.integers(-40, 200)))
    kw = {"start": start, "end": start + timedelta(days=data.draw(st.integers(0, 400)))}
    assert _batched(plan, people, options, 3, **kw) == _reference(plan, people, options, **kw)


def _no_object_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail when the engine schedules a subject (the window check runs it on none)."""

    def refuse(plan: Plan, subjects: Iterable[Subject], **kwargs: Any) -> Iterator[TouchPoint]:
        people = list(subjects)
        assert not people, f"the object path ran for {[s.id for s in people]}"
        return schedule_many(plan, people, **kwargs)

    monkeypatch.setattr(touchpoints.batch, "schedule_many", refuse)
    monkeypatch.setattr(touchpoints.batch._feed, "schedule_many", refuse)


@pytest.mark.parametrize("all_day", [True, False])
def test_holiday_rolls_are_written_from_columns(monkeypatch, all_day) -> None:
    """Every day of two years in Bavaria, from the columns alone, as the engine
    writes them; a hand-checked event: Easter Monday 2026 (April 6) rolls to Tuesday."""
    data: dict[str, Any] = {
        "plan": "rolls",
        "calendar": {"holidays": "DE-BY", "roll": "modified_following"},
        "channels": {"email": {"weekdays": ["mon", "tue", "wed", "thu"]}},
        "touchpoints": [
            {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"},
            {
                "id": "mail",
                "title": "Mail",
                "channel": "email",
                "starting": "purchase",
                "every": "1 month",
                "count": 3,
            },
        ],
    }
    if not all_day:
        data.update({"timezone": "Europe/Berlin", "contact_time": "09:00"})
    plan = Plan.model_validate(data)
    people = [
        Subject(id=f"s{n}", anchors={"purchase": date(2025, 1, 1) + timedelta(days=n)})
        for n in range(730)
    ]
    options = ExportOptions(stamp=STAMP)
    expected = _reference(plan, people, options)
    _no_object_path(monkeypatch)
    batched = _batched(plan, people, options, 100)
    assert batched == expected
    text = batched.decode().replace("\r\n ", "")  # unfolded
    assert (
        'X-TOUCHPOINTS-ADJUSTMENTS:[["2026-04-06"\\,"2026-04-07"\\,"holiday: Easter Monday"]]'
        in text
    )
    # Mail goes out Monday to Thursday: Friday 2026-05-01 (April 1 + 1 month) moves
    # on to Monday May 4, for the window's sake before the holiday's.
    assert (
        'X-TOUCHPOINTS-ADJUSTMENTS:[["2026-05-01"\\,"2026-05-04"\\,"no contacts on Fri"]]' in text
    )


def test_a_month_end_roll_goes_back_and_says_so(monkeypatch) -> None:
    """Sunday 2026-05-31 would roll into June under modified_following, so it goes
    back to Friday May 29, and the reason notes the month end."""
    plan = Plan.model_validate(
        {
            "plan": "rolls",
            "calendar": {"roll": "modified_following"},
            "touchpoints": [{"id": "call", "title": "Call", "channel": "call", "at": "purchase"}],
        }
    )
    people = [Subject(id="c1", anchors={"purchase": date(2026, 5, 31)})]
    _no_object_path(monkeypatch)
    out = io.BytesIO()
    write_ical_batches(plan, subjects_table(plan, people), out, options=ExportOptions(stamp=STAMP))
    text = out.getvalue().decode().replace("\r\n ", "")  # unfolded
    assert (
        'X-TOUCHPOINTS-ADJUSTMENTS:[["2026-05-31"\\,"2026-05-29"\\,"weekend (month end)"]]\r\n'
        in text
    )
    (tp,) = from_ical(out.getvalue(), subject_ids=["c1"])
    assert tp.due == date(2026, 5, 29)
    assert (tp.adjustments[0].kind, tp.adjustments[0].before) == ("rolled", date(2026, 5, 31))


def test_kept_on_a_closed_day_is_noted_without_a_move(monkeypatch) -> None:
    plan = Plan.model_validate(
        {
            "plan": "rolls",
            "timezone": "America/New_York",
            "contact_time": "10:00",
            "calendar": {"holidays": "US", "roll": "keep"},
            "touchpoints": [{"id": "call", "title": "Call", "channel": "call", "at": "purchase"}],
        }
    )
    people = [Subject(id="c1", anchors={"purchase": date(2026, 7, 3)})]  # July 4th observed
    _no_object_path(monkeypatch)
    out = io.BytesIO()
    write_ical_batches(plan, subjects_table(plan, people), out, options=ExportOptions(stamp=STAMP))
    text = out.getvalue().decode().replace("\r\n ", "")
    assert "DTSTART;TZID=America/New_York:20260703T100000" in text
    assert "kept on a closed day (holiday: Independence Day (observed))" in text


def test_rolls_the_arrays_leave_to_the_engine_keep_their_notes(monkeypatch) -> None:
    """A closure of 40 days: a roll across it goes further than the arrays look (31
    days), so that subject's rows come from the engine, and its events are still
    joined from columns, with the day each roll started from."""
    closure = [date(2026, 7, 1) + timedelta(days=n) for n in range(40)]  # to Sun Aug 9
    plan = Plan.model_validate(
        {
            "plan": "rolls",
            "timezone": "Europe/Berlin",
            "contact_time": "09:00",
            "calendar": {"closed": [d.isoformat() for d in closure]},
            "touchpoints": [
                {
                    "id": "call",
                    "title": "Call",
                    "channel": "call",
                    "starting": "purchase",
                    "every": "1 week",
                    "count": 4,
                }
            ],
        }
    )
    people = [
        Subject(id="late", anchors={"purchase": date(2026, 7, 2)}),  # every call rolls
        Subject(id="early", anchors={"purchase": date(2026, 6, 10)}),  # July 1 rolls
    ]
    options = ExportOptions(stamp=STAMP)
    expected = _reference(plan, people, options)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the feed wrote touch points")

    monkeypatch.setattr(touchpoints.batch._feed, "schedule_many", refuse)
    batched = _batched(plan, people, options, 2)
    assert batched == expected
    text = batched.decode().replace("\r\n ", "")
    # Thursday July 2 is closed to Sunday August 9: on to Monday August 10.
    assert 'X-TOUCHPOINTS-ADJUSTMENTS:[["2026-07-02"\\,"2026-08-10"\\,"closed"]]' in text
    assert text.count("X-TOUCHPOINTS-ADJUSTMENTS:") == 4 + 1
