"""Exports that follow an earlier one: SEQUENCE, LAST-MODIFIED, cancellations, state."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any

import pytest

from touchpoints import (
    CalendarReadError,
    ExportOptions,
    Plan,
    Revision,
    Subject,
    TouchPoint,
    dump_ical_state,
    load_ical_state,
    schedule,
    to_ical,
    to_icalendar,
    update_ical,
    write_ical,
)

JAN = datetime(2026, 1, 1, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)
MAR = datetime(2026, 3, 1, tzinfo=UTC)


def make_plan(
    *,
    title: str = "Check-up",
    version: int = 1,
    count: int = 3,
    contact_time: str | None = "10:00",
    description: str | None = None,
) -> Plan:
    return Plan.model_validate(
        {
            "plan": "p",
            "version": version,
            "timezone": "Europe/Berlin",
            "contact_time": contact_time,
            "touchpoints": [
                {
                    "id": "check-up",
                    "title": title,
                    "channel": "call",
                    "at": "purchase",
                    "description": description,
                },
                {
                    "id": "service",
                    "title": "Service",
                    "channel": "visit",
                    "every": "90 days",
                    "starting": "purchase",
                    "count": count,
                },
            ],
        }
    )


def tps(plan: Plan, purchase: date = date(2026, 1, 15)) -> list[TouchPoint]:
    return list(schedule(plan, Subject(id="c1", anchors={"purchase": purchase})))


def events(data: bytes) -> dict[str, dict[str, str]]:
    """UID -> {property name: value} for each VEVENT."""
    text = data.decode().replace("\r\n ", "")
    found = {}
    for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, re.S):
        props = {}
        for line in block.split("\r\n"):
            if line and not line.startswith(("BEGIN:", "END:")):
                name, _, value = line.partition(":")
                props[name.split(";")[0]] = value
        found[props["UID"]] = props
    return found


class TestSequence:
    def test_first_export_starts_at_sequence_zero(self) -> None:
        result = update_ical(tps(make_plan()), {}, options=ExportOptions(stamp=JAN))
        assert len(result.state) == 4
        for props in events(result.data).values():
            assert props["SEQUENCE"] == "0"
            assert props["LAST-MODIFIED"] == props["DTSTAMP"] == "20260101T000000Z"

    def test_unchanged_schedule_gives_the_same_bytes_later(self) -> None:
        first = update_ical(tps(make_plan()), {}, options=ExportOptions(stamp=JAN))
        again = update_ical(tps(make_plan()), first.state, options=ExportOptions(stamp=FEB))
        assert again.data == first.data
        assert again.state == first.state

    @pytest.mark.parametrize(
        ("edit", "changed"),
        [
            ({"title": "Check-up call"}, {"check-up"}),
            ({"description": "Bring the forms"}, {"check-up"}),
            ({"contact_time": "11:00"}, {"check-up", "service"}),
        ],
    )
    def test_changed_touch_points_bump_sequence_and_last_modified(
        self, edit: dict[str, Any], changed: set[str]
    ) -> None:
        first = update_ical(tps(make_plan()), {}, options=ExportOptions(stamp=JAN))
        second = update_ical(tps(make_plan(**edit)), first.state, options=ExportOptions(stamp=FEB))
        for props in events(second.data).values():
            if props["X-TOUCHPOINTS-RULE"] in changed:
                assert (props["SEQUENCE"], props["LAST-MODIFIED"]) == ("1", "20260201T000000Z")
                assert props["DTSTAMP"] == "20260201T000000Z"
            else:
                assert (props["SEQUENCE"], props["LAST-MODIFIED"]) == ("0", "20260101T000000Z")

    def test_moved_date_bumps_sequence(self) -> None:
        first = update_ical(tps(make_plan()), {}, options=ExportOptions(stamp=JAN))
        second = update_ical(
            tps(make_plan(), date(2026, 1, 16)), first.state, options=ExportOptions(stamp=FEB)
        )
        assert {p["SEQUENCE"] for p in events(second.data).values()} == {"1"}

    def test_plan_version_alone_changes_nothing(self) -> None:
        first = update_ical(tps(make_plan(version=1)), {}, options=ExportOptions(stamp=JAN))
        second = update_ical(
            tps(make_plan(version=7)), first.state, options=ExportOptions(stamp=FEB)
        )
        assert second.data == first.data

    def test_sequence_keeps_counting(self) -> None:
        state: dict[str, Revision] = {}
        for n, stamp in enumerate((JAN, FEB, MAR)):
            state = update_ical(
                tps(make_plan(title=f"Title {n}")), state, options=ExportOptions(stamp=stamp)
            ).state
        check_up = next(tp for tp in tps(make_plan()) if tp.rule_id == "check-up")
        assert state[check_up.id].sequence == 2
        assert state[check_up.id].modified == MAR

    def test_without_previous_no_sequence_is_written(self) -> None:
        result = update_ical(tps(make_plan()), None, options=ExportOptions(stamp=JAN))
        assert result.state == {}
        assert result.data == to_ical(tps(make_plan()), options=ExportOptions(stamp=JAN))
        assert b"SEQUENCE" not in result.data


class TestRemoved:
    def test_dropped_by_default(self) -> None:
        first = update_ical(tps(make_plan(count=3)), {}, options=ExportOptions(stamp=JAN))
        second = update_ical(tps(make_plan(count=2)), first.state, options=ExportOptions(stamp=FEB))
        assert len(events(second.data)) == 3
        assert len(second.state) == 3
        assert set(second.state) < set(first.state)

    def test_kept_as_cancelled(self) -> None:
        first = update_ical(tps(make_plan(count=3)), {}, options=ExportOptions(stamp=JAN))
        second = update_ical(
            tps(make_plan(count=2)), first.state, options=ExportOptions(stamp=FEB, removed="cancel")
        )
        (gone,) = set(first.state) - {tp.id for tp in tps(make_plan(count=2))}
        props = events(second.data)[gone]
        # The third service visit: 2026-01-15 + 180 days = 2026-07-14, 10:00 CEST.
        assert props["DTSTART"] == "20260714T100000"
        assert props["STATUS"] == "CANCELLED"
        assert props["SEQUENCE"] == "1"
        assert props["LAST-MODIFIED"] == props["DTSTAMP"] == "20260201T000000Z"
        assert props["SUMMARY"] == "Service"
        assert second.state[gone].cancelled

    def test_cancelled_stays_the_same_until_dropped(self) -> None:
        first = update_ical(tps(make_plan(count=3)), {}, options=ExportOptions(stamp=JAN))
        second = update_ical(
            tps(make_plan(count=2)), first.state, options=ExportOptions(stamp=FEB, removed="cancel")
        )
        third = update_ical(
            tps(make_plan(count=2)),
            second.state,
            options=ExportOptions(stamp=MAR, removed="cancel"),
        )
        assert third.data == second.data
        fourth = update_ical(tps(make_plan(count=2)), third.state, options=ExportOptions(stamp=MAR))
        assert b"CANCELLED" not in fourth.data
        assert len(fourth.state) == 3

    def test_a_cancelled_touch_point_that_returns_is_revived(self) -> None:
        first = update_ical(tps(make_plan(count=3)), {}, options=ExportOptions(stamp=JAN))
        second = update_ical(
            tps(make_plan(count=2)), first.state, options=ExportOptions(stamp=FEB, removed="cancel")
        )
        third = update_ical(
            tps(make_plan(count=3)),
            second.state,
            options=ExportOptions(stamp=MAR, removed="cancel"),
        )
        assert b"CANCELLED" not in third.data
        (gone,) = set(first.state) - {tp.id for tp in tps(make_plan(count=2))}
        # Cancelled at 1, back at 2.
        assert third.state[gone].sequence == 2
        assert not third.state[gone].cancelled

    def test_to_calendar_with_the_state_gives_the_same_bytes(self) -> None:
        first = update_ical(tps(make_plan(count=3)), {}, options=ExportOptions(stamp=JAN))
        second = update_ical(
            tps(make_plan(count=2, title="New")),
            first.state,
            options=ExportOptions(stamp=FEB, removed="cancel"),
        )
        calendar = to_icalendar(
            tps(make_plan(count=2, title="New")),
            state=first.state,
            options=ExportOptions(stamp=FEB, removed="cancel"),
        )
        assert calendar.to_ical() == second.data

    def test_streaming_writes_the_same_events_and_state(self) -> None:
        first = update_ical(tps(make_plan(count=3)), {}, options=ExportOptions(stamp=JAN))
        out = io.BytesIO()
        written = write_ical(
            tps(make_plan(count=2)),
            out,
            options=ExportOptions(stamp=FEB, removed="cancel"),
            state=first.state,
        )
        second = update_ical(
            tps(make_plan(count=2)), first.state, options=ExportOptions(stamp=FEB, removed="cancel")
        )
        assert written.count == 4
        assert written.state == second.state
        assert events(out.getvalue()) == events(second.data)

    def test_the_given_state_is_only_read(self) -> None:
        first = update_ical(tps(make_plan(count=3)), {}, options=ExportOptions(stamp=JAN))
        kept = dict(first.state)
        frozen = MappingProxyType(first.state)  # writing to it would raise TypeError
        options = ExportOptions(stamp=FEB, removed="cancel")
        second = update_ical(tps(make_plan(count=2, title="New")), frozen, options=options)
        written = write_ical(
            tps(make_plan(count=2, title="New")), io.BytesIO(), options=options, state=frozen
        )
        to_icalendar(tps(make_plan(count=2, title="New")), options=options, state=frozen)
        assert first.state == kept
        # The new state is returned, a new mapping: every revision moved on.
        assert second.state is not first.state
        assert written.state == second.state
        assert all(second.state[uid].sequence == kept[uid].sequence + 1 for uid in kept)


class TestStateText:
    def test_dump_and_load_round_trip(self) -> None:
        plan_tps = tps(make_plan()) + tps(make_plan(contact_time=None), date(2026, 5, 1))
        state = update_ical(plan_tps[:4], {}, options=ExportOptions(stamp=JAN)).state
        state.update(update_ical(plan_tps[4:], {}, options=ExportOptions(stamp=FEB)).state)
        loaded = load_ical_state(dump_ical_state(state))
        assert loaded == state
        for uid, revision in state.items():
            assert type(loaded[uid].start) is type(revision.start)
            assert getattr(loaded[uid].start, "tzinfo", None) == getattr(
                revision.start, "tzinfo", None
            )

    def test_dump_is_sorted_and_stable(self) -> None:
        state = update_ical(tps(make_plan()), {}, options=ExportOptions(stamp=JAN)).state
        reordered = dict(sorted(state.items(), reverse=True))
        assert dump_ical_state(reordered) == dump_ical_state(state)

    @pytest.mark.parametrize(
        "text", ["", "[]", '{"u": [1]}', '{"u": [0, "f", "x", "y", null, "s", false]}']
    )
    def test_damaged_state_is_a_clear_error(self, text: str) -> None:
        with pytest.raises(CalendarReadError, match="export state"):
            load_ical_state(text)
