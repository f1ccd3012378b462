"""The SQLite export state: a re-export that copies unchanged subjects writes the bytes,
and keeps the state, of a full export with the same state held in memory."""

from __future__ import annotations

import io
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from touchpoints import (
    ExportError,
    ExportOptions,
    IcalState,
    Plan,
    Revision,
    ScheduleError,
    Subject,
    dump_ical_state,
    load_ical_state,
    schedule,
    write_ical,
)
from touchpoints._core import DEFAULT_LIMIT
from touchpoints._core.validity import window_end
from touchpoints._ical import STATE_SCHEMA, store
from touchpoints.testing import plans, subjects

STAMPS = [datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=n) for n in range(4)]
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def full_export(
    plan: Plan, people: list[Subject], state: dict[str, Revision], options: ExportOptions
) -> tuple[bytes, dict[str, Revision], int]:
    """The reference: every subject scheduled, the state held in memory."""
    out = io.BytesIO()
    touch_points = [tp for person in people for tp in schedule(plan, person)]
    written = write_ical(touch_points, out, options=options, state=state)
    return out.getvalue(), written.state, written.count


def state_export(
    path: Path, plan: Plan, people: list[Subject], options: ExportOptions
) -> tuple[bytes, dict[str, Revision], int, int]:
    out = io.BytesIO()
    with IcalState.open(path) as state:
        written = state.write(plan, people, out, options=options)
        state.commit()
    with IcalState.open(path) as state:
        kept = dict(state.revisions())
    return out.getvalue(), kept, written.count, written.reused


@st.composite
def runs(draw: st.DrawFn) -> tuple[Plan, list[list[Subject]], dict[str, Any]]:
    """A plan and the subjects of three exports: each keeps, changes or drops some of
    the previous one's subjects, and adds some."""
    plan = draw(plans(max_rules=3))
    first = draw(st.lists(subjects(plan), min_size=1, max_size=4, unique_by=lambda s: s.id))
    sequence = [first]
    for _ in range(2):
        people: list[Subject] = []
        for person in sequence[-1]:
            what = draw(st.sampled_from(["keep", "keep", "change", "drop"]))
            if what == "keep":
                people.append(person)
            elif what == "change":
                people.append(draw(subjects(plan)).model_copy(update={"id": person.id}))
        people += draw(st.lists(subjects(plan), max_size=2))
        unique = {p.id: p for p in reversed(people)}
        sequence.append([p for p in people if unique[p.id] is p])
    options = {
        "component": draw(st.sampled_from(["VEVENT", "VTODO"])),
        "removed": draw(st.sampled_from(["drop", "cancel"])),
        "alarm": draw(st.none() | st.just(timedelta(minutes=-15))),
        "summary_template": draw(st.none() | st.just("{title}!")),
    }
    return plan, sequence, options


@FEW
@given(runs())
def test_a_re_export_equals_a_full_export_with_the_state_in_memory(
    case: tuple[Plan, list[list[Subject]], dict[str, Any]],
) -> None:
    plan, sequence, kwargs = case
    memory: dict[str, Revision] = {}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "state.db"
        previous: dict[str, Subject] = {}
        for stamp, people in zip(STAMPS, sequence, strict=False):
            options = ExportOptions(stamp=stamp, **kwargs)
            expected, memory, count = full_export(plan, people, memory, options)
            data, kept, written, reused = state_export(path, plan, people, options)
            assert data == expected
            assert kept == memory
            assert written == count
            assert reused == sum(previous.get(p.id) == p for p in people)
            previous = {p.id: p for p in people}


def purchases(*days: int) -> list[Subject]:
    return [
        Subject(id=f"c{n}", anchors={"purchase": date(2026, 3, day)}, attributes={"n": n})
        for n, day in enumerate(days)
    ]


@pytest.fixture
def plan() -> Plan:
    return Plan.model_validate(
        {
            "plan": "p",
            "timezone": "Europe/Berlin",
            "contact_time": "10:00",
            "touchpoints": [
                {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 1 day"},
                {
                    "id": "check",
                    "title": "Check",
                    "channel": "email",
                    "starting": "purchase + 1 month",
                    "every": "1 month",
                    "count": 3,
                },
            ],
        }
    )


def export_once(path: Path, plan: Plan, people: list[Subject], **kwargs: Any) -> bytes:
    out = io.BytesIO()
    with IcalState.open(path) as state:
        state.write(plan, people, out, options=ExportOptions(stamp=STAMPS[0]), **kwargs)
        state.commit()
    return out.getvalue()


def test_the_window_and_the_plan_are_inputs(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "state.db"
    people = purchases(1, 2)
    export_once(path, plan, people)
    options = ExportOptions(stamp=STAMPS[1])
    with IcalState.open(path) as state:
        assert state.write(plan, people, io.BytesIO(), options=options).reused == 2
        later = state.write(plan, people, io.BytesIO(), options=options, start=date(2026, 5, 1))
        assert later.reused == 0
    edited = plan.model_copy(update={"name": "Renamed"})
    with IcalState.open(path) as state:
        assert state.write(edited, people, io.BytesIO(), options=options).reused == 0


def test_an_uncommitted_or_failed_run_leaves_the_previous_state(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "state.db"
    export_once(path, plan, purchases(1, 2))
    with IcalState.open(path) as state:
        before = list(state.revisions())

    def failing() -> Iterator[Subject]:
        yield from purchases(5)
        raise RuntimeError("the subject file broke")

    def run() -> None:
        with IcalState.open(path) as state:
            state.write(plan, failing(), io.BytesIO(), options=ExportOptions(stamp=STAMPS[1]))
            state.commit()

    with pytest.raises(RuntimeError):
        run()
    with IcalState.open(path) as state:
        with pytest.raises(RuntimeError):
            state.write(plan, failing(), io.BytesIO(), options=ExportOptions(stamp=STAMPS[1]))
        with pytest.raises(ExportError, match="did not finish"):
            state.commit()
    with IcalState.open(path) as state:
        state.write(plan, [], io.BytesIO(), options=ExportOptions(stamp=STAMPS[1]))
    with IcalState.open(path) as state:
        assert list(state.revisions()) == before


def test_a_new_state_that_is_not_committed_leaves_no_file(tmp_path: Path, plan: Plan) -> None:
    with IcalState.open(tmp_path / "state.db") as state:
        state.write(plan, purchases(1), io.BytesIO(), options=ExportOptions(stamp=STAMPS[0]))
    assert os.listdir(tmp_path) == []


def test_a_json_state_is_read_and_replaced_by_sqlite(tmp_path: Path, plan: Plan) -> None:
    people = purchases(1, 2)
    _, memory, _ = full_export(plan, people, {}, ExportOptions(stamp=STAMPS[0]))
    path = tmp_path / "state.json"
    path.write_text(dump_ical_state(memory), encoding="utf-8")
    changed = purchases(1, 9)
    options = ExportOptions(stamp=STAMPS[1], removed="cancel")
    expected, memory, _ = full_export(plan, changed, load_ical_state(path.read_text()), options)
    data, kept, _, reused = state_export(path, plan, changed, options)
    assert (data, kept, reused) == (expected, memory, 0)
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"SQLite format 3\x00" + b"\x07" * 4000, "not a state file of touchpoints"),
        (b"\x00\xff garbage", "neither SQLite nor UTF-8"),
        (b'{"uid": [1, 2]}', "damaged"),
    ],
)
def test_a_damaged_state_file_is_an_error_naming_it(
    tmp_path: Path, plan: Plan, content: bytes, says: str
) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(content)
    with pytest.raises(ExportError, match=says) as error:
        export_once(path, plan, purchases(1))
    assert str(path) in str(error.value)
    assert path.read_bytes() == content


def test_a_foreign_sqlite_file_is_an_error_naming_it(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id TEXT)")
    with pytest.raises(ExportError, match="not a state file of touchpoints") as error:
        export_once(path, plan, purchases(1))
    assert str(path) in str(error.value)


def test_templates_take_the_subjects_own_attributes(tmp_path: Path, plan: Plan) -> None:
    options = ExportOptions(stamp=STAMPS[0], summary_template="{title} {n}", attributes={})
    with (
        pytest.raises(ExportError, match="attributes"),
        IcalState.open(tmp_path / "s.db") as state,
    ):
        state.write(plan, purchases(1), io.BytesIO(), options=options)
    out = io.BytesIO()
    with IcalState.open(tmp_path / "s.db") as state:
        options = ExportOptions(stamp=STAMPS[0], summary_template="{title} {n}")
        state.write(plan, purchases(1, 2), out, options=options)
    assert b"SUMMARY:Call 0\r\n" in out.getvalue()
    assert b"SUMMARY:Call 1\r\n" in out.getvalue()


def test_the_documented_schema_is_the_one_written(tmp_path: Path, plan: Plan) -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "ical.md").read_text(encoding="utf-8")
    assert STATE_SCHEMA in page
    path = tmp_path / "state.db"
    export_once(path, plan, purchases(1))
    with sqlite3.connect(path) as db:
        tables = sorted(row[0] for row in db.execute("SELECT name FROM sqlite_master"))
    assert "revisions" in tables
    assert "subjects" in tables


def scheduler_leaving_out(plan: Plan, left_out: str) -> Any:
    def scheduler(subject: Subject) -> Any:
        return None if subject.id == left_out else schedule(plan, subject)

    return scheduler


def test_a_subject_the_scheduler_leaves_out_is_gone(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "state.db"
    people = purchases(1, 2)
    export_once(path, plan, people)
    options = ExportOptions(stamp=STAMPS[1], removed="cancel")
    out = io.BytesIO()
    with IcalState.open(path) as state:
        written = state.write(
            plan,
            people,
            out,
            options=options,
            scheduler=scheduler_leaving_out(plan, "c0"),
            variant="without c0",
        )
        state.commit()
    assert (written.scheduled, written.reused) == (1, 0)
    assert out.getvalue().count(b"STATUS:CANCELLED") == 4  # c0's call and three checks


def test_a_state_file_another_export_holds_is_an_error_saying_so(
    tmp_path: Path, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.db"
    export_once(path, plan, purchases(1))
    monkeypatch.setattr(store, "BUSY_SECONDS", 0.0)
    with IcalState.open(path), pytest.raises(ExportError, match="another export") as error:
        IcalState.open(path)
    assert str(path) in str(error.value)


# A window that moves: the nightly export starts on the day it runs.


def export_in(
    path: Path, plan: Plan, people: list[Subject], stamp: datetime, **window: Any
) -> tuple[bytes, int]:
    out = io.BytesIO()
    with IcalState.open(path) as state:
        written = state.write(plan, people, out, options=ExportOptions(stamp=stamp), **window)
        state.commit()
    return out.getvalue(), written.reused


FEATURES = ("calendar", "fatigue", "term", "stop", "channels", "conditions")


@st.composite
def moving_runs(
    draw: st.DrawFn,
) -> tuple[Plan, list[Subject], list[tuple[date | None, date | None]], dict[str, Any]]:
    """A plan, its subjects, and the windows of four exports: each start a few days
    after the last (now and then before it), the end the horizon or a day drawn."""
    plan = draw(plans(max_rules=3, features=FEATURES))
    people = draw(st.lists(subjects(plan), min_size=1, max_size=4, unique_by=lambda s: s.id))
    days = [d for person in people for d in person.anchors.values() if isinstance(d, date)] or [
        date(2026, 1, 1)
    ]
    start = draw(st.sampled_from(days)) + timedelta(days=draw(st.integers(-60, 400)))
    windows: list[tuple[date | None, date | None]] = []
    fixed_end = draw(st.none() | st.integers(30, 900))
    for _ in range(4):
        end = None if fixed_end is None else start + timedelta(days=fixed_end)
        windows.append((start, end))
        start += timedelta(days=draw(st.sampled_from([0, 1, 1, 2, 7, 31, 95, -3])))
    options = {
        "removed": draw(st.sampled_from(["drop", "cancel"])),
        "component": draw(st.sampled_from(["VEVENT", "VTODO"])),
    }
    return plan, people, windows, options


@FEW
@given(moving_runs())
def test_a_re_export_through_a_moving_window_equals_a_full_export(
    case: tuple[Plan, list[Subject], list[tuple[date | None, date | None]], dict[str, Any]],
) -> None:
    plan, people, windows, kwargs = case
    memory: dict[str, Revision] = {}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "state.db"
        previous: tuple[date | None, date | None] | None = None
        for stamp, (start, end) in zip(STAMPS, windows, strict=True):
            options = ExportOptions(stamp=stamp, **kwargs)
            out = io.BytesIO()
            try:
                touch_points = [
                    tp for person in people for tp in schedule(plan, person, start=start, end=end)
                ]
            except ScheduleError:
                assume(False)
            expected = write_ical(touch_points, out, options=options, state=memory)
            memory = expected.state
            data = io.BytesIO()
            with IcalState.open(path) as state:
                written = state.write(plan, people, data, options=options, start=start, end=end)
                state.commit()
            with IcalState.open(path) as state:
                kept = dict(state.revisions())
            assert data.getvalue() == out.getvalue()
            assert kept == memory
            assert written.count == expected.count
            if (start, end) == previous:  # the same window: every subject is copied
                assert written.reused == len(people)
            previous = (start, end)


def monthly_plan(**fields: Any) -> Plan:
    return Plan.model_validate(
        {
            "plan": "p",
            "horizon": "1 year",
            **fields,
            "touchpoints": [
                {
                    "id": "check",
                    "title": "Check",
                    "channel": "email",
                    "starting": "purchase",
                    "every": "1 month",
                    "count": 6,
                },
            ],
        }
    )


def test_the_nightly_window_copies_a_subject_until_a_touch_point_leaves_or_comes_in(
    tmp_path: Path,
) -> None:
    # Checks on the 10th of July to December 2026; the window is a year from each day.
    plan = monthly_plan()
    people = [Subject(id="c", anchors={"purchase": date(2026, 7, 10)})]
    path = tmp_path / "state.db"
    night = date(2026, 1, 1)
    _, reused = export_in(path, plan, people, STAMPS[0], start=night)
    assert reused == 0
    # 2026-07-10 is still ahead and the window's end (a year on) meets no new check.
    for day, copied in [
        (date(2026, 1, 2), 1),
        (date(2026, 7, 10), 1),  # the first check is the window's first day
        (date(2026, 7, 11), 0),  # ... and now it is behind
        (date(2026, 7, 12), 1),
        (date(2026, 11, 11), 0),  # the 10 August to 10 October checks are behind
    ]:
        data, reused = export_in(path, plan, people, STAMPS[1], start=day)
        assert reused == copied, day
        expected = [str(tp.due) for tp in schedule(plan, people[0], start=day)]
        assert data.count(b"BEGIN:VEVENT") == len(expected)


def test_a_window_that_reaches_a_new_touch_point_schedules_the_subject(tmp_path: Path) -> None:
    plan = monthly_plan()
    people = [Subject(id="c", anchors={"purchase": date(2026, 7, 10)})]
    path = tmp_path / "state.db"
    end = date(2026, 8, 1)  # takes in the 10 July check only
    export_in(path, plan, people, STAMPS[0], start=date(2026, 1, 1), end=end)
    assert export_in(path, plan, people, STAMPS[1], start=date(2026, 1, 2), end=end)[1] == 1
    # Up to 10 August (exclusive) nothing comes in; on that day's end the check does.
    assert (
        export_in(path, plan, people, STAMPS[1], end=date(2026, 8, 10), start=date(2026, 2, 1))[1]
        == 1
    )
    data, reused = export_in(
        path, plan, people, STAMPS[1], end=date(2026, 8, 11), start=date(2026, 2, 1)
    )
    assert reused == 0
    assert data.count(b"BEGIN:VEVENT") == 2
    # A start before the stored one may take in earlier touch points: scheduled again.
    assert (
        export_in(path, plan, people, STAMPS[1], end=date(2026, 8, 11), start=date(2026, 1, 1))[1]
        == 0
    )


def test_a_time_moved_past_midnight_by_a_gap_counts_on_its_planned_day(tmp_path: Path) -> None:
    # Samoa skipped 30 December 2011: a 10:00 touch point planned that day is placed on
    # the 31st, and a window that starts on the 31st leaves it out (its wall-clock day
    # is the 30th). The state must not copy it into that window.
    plan = Plan.model_validate(
        {
            "plan": "p",
            "timezone": "Pacific/Apia",
            "contact_time": "10:00",
            "touchpoints": [{"id": "c", "title": "C", "channel": "call", "at": "purchase"}],
        }
    )
    people = [Subject(id="s", anchors={"purchase": date(2011, 12, 30)})]
    path = tmp_path / "state.db"
    first, _ = export_in(path, plan, people, STAMPS[0], start=date(2011, 12, 1))
    assert b"DTSTART;TZID=Pacific/Apia:20111231T100000" in first
    data, reused = export_in(path, plan, people, STAMPS[1], start=date(2011, 12, 31))
    assert reused == 0
    assert b"BEGIN:VEVENT" not in data


def test_a_version_1_state_gets_the_window_columns_and_keeps_its_revisions(
    tmp_path: Path, plan: Plan
) -> None:
    path = tmp_path / "state.db"
    people = purchases(1, 2)
    export_once(path, plan, people)
    with sqlite3.connect(path) as db:
        for column in ("window_start", "window_end", "latest_start", "earliest_end", "latest_end"):
            db.execute(f"ALTER TABLE subjects DROP COLUMN {column}")
        db.execute("UPDATE touchpoints_state SET value = '1' WHERE key = 'version'")
    with IcalState.open(path) as state:
        before = dict(state.revisions())
    assert export_in(path, plan, people, STAMPS[1])[1] == 0  # nothing says its windows
    with IcalState.open(path) as state:
        assert dict(state.revisions()) == before
    assert export_in(path, plan, people, STAMPS[2])[1] == 2
    with sqlite3.connect(path) as db:
        assert db.execute(
            "SELECT value FROM touchpoints_state WHERE key = 'version'"
        ).fetchone() == ("2",)


@FEW
@given(st.data())
def test_the_default_window_end_is_the_one_schedule_gives(data: st.DataObject) -> None:
    plan = data.draw(plans(max_rules=2, features=FEATURES))
    person = data.draw(subjects(plan))
    start = data.draw(st.none() | st.dates(date(1990, 1, 1), date(2040, 1, 1)))
    try:
        made = schedule(plan, person, start=start)
    except ScheduleError:
        assume(False)
    assert window_end(plan, person, start, DEFAULT_LIMIT) == made.end


def test_timed_touch_points_on_the_windows_first_day_and_just_past_it_are_copied(
    tmp_path: Path,
) -> None:
    # Checks at 10:00 Berlin time on the 10th of July to December 2026. The window
    # starts on 10 July (the first check's day) and ends on 10 August (the next
    # check's day, outside it). The same window again, and a start on any day up to
    # the 10th with that end, take in exactly the first check: copied.
    plan = monthly_plan(timezone="Europe/Berlin", contact_time="10:00")
    people = [Subject(id="c", anchors={"purchase": date(2026, 7, 10)})]
    path = tmp_path / "state.db"
    window = {"start": date(2026, 7, 10), "end": date(2026, 8, 10)}
    data, _ = export_in(path, plan, people, STAMPS[0], **window)
    assert data.count(b"BEGIN:VEVENT") == 1
    assert export_in(path, plan, people, STAMPS[1], **window)[1] == 1
    assert (
        export_in(path, plan, people, STAMPS[1], end=date(2026, 8, 11), start=date(2026, 7, 10))[1]
        == 0
    )
