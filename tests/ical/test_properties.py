"""Properties of every export, over plans and subjects from ``touchpoints.testing``.

Titles, descriptions, owners and subject ids drawn there hold commas, semicolons,
backslashes, line breaks, emoji, zero-width joiners and lines far longer than 75
octets, and zones with unusual DST rules.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import vobject  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from touchpoints import (
    ExportOptions,
    Plan,
    Rule,
    Subject,
    TouchPoint,
    from_ical,
    schedule,
    to_ical,
    to_icalendar,
    update_ical,
    write_ical,
)
from touchpoints._ical.objects import build_calendar
from touchpoints.testing import plans, subjects

STAMP = datetime(2026, 1, 1, 12, tzinfo=UTC)
# Each example exports (and often parses) whole feeds; these counts keep the file
# within a minute on a busy two-core machine, whatever the profile.
FEW = settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def schedules(
    draw: st.DrawFn, *, max_subjects: int = 2
) -> tuple[Plan, list[TouchPoint], list[Subject]]:
    """A plan, the touch points of one or more subjects, and the subjects."""
    plan = draw(plans(max_rules=3))
    people = draw(
        st.lists(subjects(plan), min_size=1, max_size=max_subjects, unique_by=lambda s: s.id)
    )
    touch_points = [tp for person in people for tp in schedule(plan, person)]
    return plan, touch_points, people


@st.composite
def export_options(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "component": draw(st.sampled_from(["VEVENT", "VTODO"])),
        "alarm": draw(st.none() | st.integers(-1440, 60).map(lambda m: timedelta(minutes=m))),
        "description_template": draw(
            st.none() | st.sampled_from(["{title}, #{occurrence}\n{description}", "{owner};{due}"])
        ),
        "name": draw(st.text(min_size=1, max_size=90).filter(str.strip)),
    }


def instant(value: date) -> date:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def normal(text: str) -> str:
    """Text as iCalendar can carry it: every line end becomes a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@SOME
@given(schedules(max_subjects=3), export_options())
def test_round_trip_is_lossless(case: Any, options: dict[str, Any]) -> None:
    _, touch_points, people = case
    ids = [person.id for person in people]
    back = from_ical(
        to_ical(touch_points, options=ExportOptions(stamp=STAMP, **options)), subject_ids=ids
    )
    assert back == tuple(touch_points)
    for old, new in zip(touch_points, back, strict=True):
        assert type(new.due) is type(old.due)
        assert getattr(new.due, "tzinfo", None) == getattr(old.due, "tzinfo", None)
        assert new.rule == old.rule


def folds_inside_an_escape(data: bytes) -> bool:
    """True when a line is folded right after a backslash that escapes the next one."""
    physical = data.split(b"\r\n")
    return any(
        following.startswith(b" ") and (len(line) - len(line.rstrip(b"\\"))) % 2 == 1
        for line, following in pairwise(physical)
    )


def same_feed(ours: bytes, icalendars: bytes) -> None:
    """Byte for byte, except where icalendar folds inside an escape (see _ical)."""
    if folds_inside_an_escape(icalendars):
        assert not folds_inside_an_escape(ours)
        assert ours.replace(b"\r\n ", b"") == icalendars.replace(b"\r\n ", b"")
    else:
        assert ours == icalendars


@SOME
@given(schedules(), export_options())
def test_writer_bytes_equal_icalendar_serialisation(case: Any, options: dict[str, Any]) -> None:
    _, touch_points, _ = case
    same_feed(
        to_ical(touch_points, options=ExportOptions(stamp=STAMP, **options)),
        to_icalendar(touch_points, options=ExportOptions(stamp=STAMP, **options)).to_ical(),
    )
    out = io.BytesIO()
    write_ical(touch_points, out, options=ExportOptions(stamp=STAMP, **options))
    same_feed(
        out.getvalue(),
        build_calendar(
            touch_points, ExportOptions(stamp=STAMP, **options), timezones_last=True
        ).to_ical(),
    )


@given(schedules(), st.sampled_from(["VEVENT", "VTODO"]))
@FEW
def test_independent_readers_see_the_schedule(
    readers: dict[str, Any], case: Any, component: Any
) -> None:
    _, touch_points, _ = case
    data = to_ical(touch_points, options=ExportOptions(stamp=STAMP, component=component))
    want = sorted((component, tp.id, instant(tp.due)) for tp in touch_points)
    for name, read in readers.items():
        if name == "recurring-ical-events" and component == "VTODO":
            continue
        assert sorted(read(data)) == want, name


@SOME
@given(schedules())
def test_uids_are_unique_and_survive_edits(case: Any) -> None:
    plan, touch_points, people = case
    data = plan.model_dump(mode="json", by_alias=True)
    data["version"] += 1
    for rule in data["touchpoints"]:
        rule["title"] = f"Edited: {rule['title']}"[:500]
        rule["description"] = "A new description"
    edited = Plan.model_validate(data)

    def uids(p: Plan) -> list[str]:
        feed = to_ical(
            [tp for person in people for tp in schedule(p, person)],
            options=ExportOptions(stamp=STAMP),
        )
        unfolded = feed.decode().replace("\r\n ", "").split("\r\n")
        return [line[4:] for line in unfolded if line.startswith("UID:")][1:]  # not the calendar's

    before = uids(plan)
    assert len(set(before)) == len(before) == len(touch_points)
    assert before == [tp.id for tp in touch_points]
    assert uids(edited) == before


@SOME
@given(schedules(), export_options())
def test_lines_are_folded_at_75_octets_between_characters(
    case: Any, options: dict[str, Any]
) -> None:
    _, touch_points, _ = case
    data = to_ical(touch_points, options=ExportOptions(stamp=STAMP, **options))
    physical = data.split(b"\r\n")
    assert physical[-1] == b""
    for line, following in pairwise(physical):
        assert len(line) <= 75
        line.decode("utf-8")  # a fold never splits a character
        if following.startswith(b" "):
            # Never between a backslash and the character it escapes.
            assert (len(line) - len(line.rstrip(b"\\"))) % 2 == 0


@given(schedules())
@FEW
def test_text_survives_in_independent_readers(case: Any) -> None:
    _, touch_points, _ = case
    data = to_ical(touch_points, options=ExportOptions(stamp=STAMP))
    by_uid = {tp.id: tp for tp in touch_points}
    getattr(vobject.icalendar, "__tzidMap").clear()  # see conftest.read_vobject
    calendar = vobject.readOne(data.decode(), validate=True)
    for event in calendar.contents.get("vevent", []):
        tp = by_uid[event.uid.value]
        assert event.summary.value == normal(tp.title)
        description = event.contents.get("description")
        assert (description[0].value if description else None) == (
            normal(tp.description) if tp.description else None
        )
    for event in IcsCalendarStream.calendar_from_ics(data.decode()).events:
        tp = by_uid[event.uid or ""]
        assert event.summary == normal(tp.title)
        assert event.description == (normal(tp.description) if tp.description else None)


@SOME
@given(schedules(), st.data())
def test_updates_only_bump_what_changed(case: Any, data: st.DataObject) -> None:
    _, touch_points, _ = case
    first = update_ical(touch_points, {}, options=ExportOptions(stamp=STAMP))
    assert all(r.sequence == 0 for r in first.state.values())
    uids = sorted(first.state)
    changed = data.draw(st.sets(st.sampled_from(uids)) if uids else st.just(set[str]()))
    edited = [
        tp._replace(rule=_with_priority(tp.rule, tp.rule.priority % 9 + 1))
        if tp.id in changed
        else tp
        for tp in touch_points
    ]
    later = STAMP + timedelta(days=1)
    second = update_ical(edited, first.state, options=ExportOptions(stamp=later))
    for uid, revision in second.state.items():
        if uid in changed:
            assert (revision.sequence, revision.modified) == (1, later)
        else:
            assert revision == first.state[uid]


def _with_priority(rule: Rule, priority: int) -> Rule:
    return Rule.model_validate({**rule.model_dump(mode="json"), "priority": priority})
