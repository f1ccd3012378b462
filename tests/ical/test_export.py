"""What a feed contains: calendar metadata, events, times, options and errors.

Expected values come from RFC 5545/7986 and from the plan: each test says why.
"""

from __future__ import annotations

import io
import itertools
import re
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject  # type: ignore[import-untyped]

from touchpoints import (
    NAMESPACE,
    DuplicateTouchPointError,
    ExportError,
    ExportOptions,
    Plan,
    Subject,
    TemplateError,
    TouchpointsError,
    schedule,
    to_ical,
    to_ical_by_owner,
    to_icalendar,
    write_ical,
)
from touchpoints._ical.objects import build_calendar

STAMP = datetime(2026, 1, 1, 8, 30, tzinfo=UTC)


def make_plan(**overrides: Any) -> Plan:
    data: dict[str, Any] = {
        "plan": "after-sales",
        "version": 3,
        "timezone": "Europe/Berlin",
        "contact_time": "10:00",
        "touchpoints": [
            {
                "id": "check-up",
                "title": "Check-up call",
                "channel": "call",
                "at": "purchase + 2 weeks",
            },
        ],
    }
    data.update(overrides)
    return Plan.model_validate(data)


def rule(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "r", "title": "Call", "channel": "call"}
    if "every" not in fields and "rrule" not in fields:
        base["at"] = "purchase"
    base.update(fields)
    return base


def lines(data: bytes) -> list[str]:
    """Unfolded content lines."""
    text = data.decode()
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def components(data: bytes, name: str = "VEVENT") -> list[list[str]]:
    found: list[list[str]] = []
    current: list[str] | None = None
    for line in lines(data):
        if line == f"BEGIN:{name}":
            current = []
        elif line == f"END:{name}":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return found


def value(component: list[str], name: str) -> str:
    (match,) = [line for line in component if re.match(rf"{name}[;:]", line)]
    return match


def subject(purchase: date, zone: str | None = None, id: str = "cust-42") -> Subject:
    return Subject(id=id, timezone=zone, anchors={"purchase": purchase})


class TestCalendarProperties:
    def test_header_has_rfc_5545_and_7986_metadata_and_no_method(self) -> None:
        tps = schedule(make_plan(), subject(date(2026, 1, 15)))
        data = to_ical(tps, options=ExportOptions(stamp=STAMP, name="Service team"))
        head = lines(data)[: lines(data).index("BEGIN:VTIMEZONE")]
        assert head[0] == "BEGIN:VCALENDAR"
        assert "VERSION:2.0" in head
        assert "PRODID:-//touchpoints//touchpoints 0.1//EN" in head
        assert "NAME:Service team" in head
        assert "X-WR-CALNAME:Service team" in head
        # RFC 7986 section 5.7 requires VALUE=DURATION on REFRESH-INTERVAL.
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H" in head
        assert "X-PUBLISHED-TTL:PT12H" in head
        assert f"UID:{uuid.uuid5(uuid.uuid5(NAMESPACE, 'calendar'), 'Service team')}" in head
        assert not any(line.startswith("METHOD") for line in lines(data))
        assert data.endswith(b"END:VCALENDAR\r\n")

    def test_calendar_uid_is_stable_per_name_and_can_be_given(self) -> None:
        tps = schedule(make_plan(), subject(date(2026, 1, 15)))

        def calendar_uid(data: bytes) -> str:
            return next(line for line in lines(data) if line.startswith("UID:"))

        assert calendar_uid(
            to_ical(tps, options=ExportOptions(stamp=STAMP, name="A"))
        ) == calendar_uid(
            to_ical((), options=ExportOptions(stamp=STAMP + timedelta(days=3), name="A"))
        )
        assert calendar_uid(
            to_ical(tps, options=ExportOptions(stamp=STAMP, name="A"))
        ) != calendar_uid(to_ical(tps, options=ExportOptions(stamp=STAMP, name="B")))
        assert (
            calendar_uid(to_ical(tps, options=ExportOptions(stamp=STAMP, calendar_uid="feed-1")))
            == "UID:feed-1"
        )

    def test_refresh_interval_is_an_option(self) -> None:
        data = to_ical((), options=ExportOptions(stamp=STAMP, refresh=timedelta(days=1)))
        assert "REFRESH-INTERVAL;VALUE=DURATION:P1D" in lines(data)
        assert "X-PUBLISHED-TTL:P1D" in lines(data)

    def test_lines_end_with_crlf_and_are_at_most_75_octets(self) -> None:
        plan = make_plan(touchpoints=[rule(title="Überprüfung 😀 " * 30, description="x" * 500)])
        data = to_ical(
            schedule(plan, subject(date(2026, 1, 15))), options=ExportOptions(stamp=STAMP)
        )
        physical = data.split(b"\r\n")
        assert physical[-1] == b""
        assert all(len(line) <= 75 for line in physical)
        assert b"\n" not in data.replace(b"\r\n", b"")


class TestEvents:
    def test_one_event_per_touch_point_with_the_touch_point_id_as_uid(self) -> None:
        plan = make_plan(
            touchpoints=[rule(id="service", every="90 days", starting="purchase", count=4)]
        )
        tps = schedule(plan, subject(date(2026, 1, 15)))
        events = components(to_ical(tps, options=ExportOptions(stamp=STAMP)))
        assert [value(e, "UID") for e in events] == [f"UID:{tp.id}" for tp in tps]
        assert len(events) == 4
        # No recurrence: each touch point is its own event.
        assert not any(line.startswith(("RRULE", "RDATE", "EXDATE")) for e in events for line in e)

    def test_uid_reveals_no_customer_data(self) -> None:
        tps = schedule(make_plan(), subject(date(2026, 1, 15), id="alice@example.com"))
        data = to_ical(tps, options=ExportOptions(stamp=STAMP))
        assert b"alice" not in data
        assert b"example.com" not in data

    def test_dtstamp_is_the_given_stamp_in_utc(self) -> None:
        tps = schedule(make_plan(), subject(date(2026, 1, 15)))
        berlin = datetime(2026, 1, 1, 9, 30, 15, 999, tzinfo=ZoneInfo("Europe/Berlin"))
        (event,) = components(to_ical(tps, options=ExportOptions(stamp=berlin)))
        # 09:30:15 in Berlin in January is 08:30:15 UTC; microseconds are dropped.
        assert value(event, "DTSTAMP") == "DTSTAMP:20260101T083015Z"

    def test_text_fields_categories_priority_and_keys(self) -> None:
        plan = make_plan(
            touchpoints=[
                rule(
                    id="check-up",
                    title="Check-up, call; now",
                    channel="call",
                    description="Ask about:\nthe device",
                    tags=["vip", "new"],
                    priority="high",
                    owner="sales",
                ),
            ]
        )
        (tp,) = schedule(plan, subject(date(2026, 1, 15)))
        (event,) = components(to_ical([tp], options=ExportOptions(stamp=STAMP)))
        assert value(event, "SUMMARY") == r"SUMMARY:Check-up\, call\; now"
        assert value(event, "DESCRIPTION") == r"DESCRIPTION:Ask about:\nthe device"
        assert value(event, "CATEGORIES") == "CATEGORIES:call,vip,new"
        assert value(event, "PRIORITY") == "PRIORITY:3"  # "high" is 3
        assert value(event, "X-TOUCHPOINTS-PLAN") == "X-TOUCHPOINTS-PLAN:after-sales"
        assert value(event, "X-TOUCHPOINTS-RULE") == "X-TOUCHPOINTS-RULE:check-up"
        assert value(event, "X-TOUCHPOINTS-OCCURRENCE") == "X-TOUCHPOINTS-OCCURRENCE:1"
        assert value(event, "X-TOUCHPOINTS-RULE-JSON").startswith(
            r'X-TOUCHPOINTS-RULE-JSON:{"id":"check-up"\,'
        )
        assert not any(line.startswith(("SEQUENCE", "LAST-MODIFIED", "STATUS")) for line in event)

    def test_events_without_description_have_no_description(self) -> None:
        (event,) = components(
            to_ical(
                schedule(make_plan(), subject(date(2026, 1, 15))),
                options=ExportOptions(stamp=STAMP),
            )
        )
        assert not any(line.startswith("DESCRIPTION") for line in event)


class TestAllDay:
    def test_date_values_with_exclusive_end(self) -> None:
        plan = make_plan(contact_time=None, timezone=None)
        (event,) = components(
            to_ical(schedule(plan, subject(date(2026, 1, 15))), options=ExportOptions(stamp=STAMP))
        )
        # 2026-01-15 + 2 weeks; a one-day event ends (exclusively) the next day.
        assert value(event, "DTSTART") == "DTSTART;VALUE=DATE:20260129"
        assert value(event, "DTEND") == "DTEND;VALUE=DATE:20260130"
        assert not any(line.startswith("DURATION") for line in event)

    @pytest.mark.parametrize(
        ("duration", "end"),
        [
            ("3 days", "20260201"),
            ("1 week", "20260205"),
            ("2 hours", "20260130"),
            ("1 day 1 hour", "20260131"),
        ],
    )
    def test_rule_duration_rounds_up_to_whole_days(self, duration: str, end: str) -> None:
        plan = make_plan(
            contact_time=None, touchpoints=[rule(at="purchase + 2 weeks", duration=duration)]
        )
        (event,) = components(
            to_ical(schedule(plan, subject(date(2026, 1, 15))), options=ExportOptions(stamp=STAMP))
        )
        assert value(event, "DTEND") == f"DTEND;VALUE=DATE:{end}"

    def test_all_day_feed_has_no_vtimezone(self) -> None:
        plan = make_plan(contact_time=None)
        data = to_ical(
            schedule(plan, subject(date(2026, 1, 15))), options=ExportOptions(stamp=STAMP)
        )
        assert b"VTIMEZONE" not in data
        assert b"TZID" not in data


class TestTimed:
    def test_local_time_with_zone_and_default_duration(self) -> None:
        (event,) = components(
            to_ical(
                schedule(make_plan(), subject(date(2026, 1, 15))),
                options=ExportOptions(stamp=STAMP),
            )
        )
        assert value(event, "DTSTART") == "DTSTART;TZID=Europe/Berlin:20260129T100000"
        assert value(event, "DURATION") == "DURATION:PT30M"
        assert not any(line.startswith("DTEND") for line in event)

    def test_rule_duration(self) -> None:
        plan = make_plan(touchpoints=[rule(duration="1 hour 30 minutes")])
        (event,) = components(
            to_ical(schedule(plan, subject(date(2026, 1, 15))), options=ExportOptions(stamp=STAMP))
        )
        assert value(event, "DURATION") == "DURATION:PT1H30M"

    def test_subject_zone_wins(self) -> None:
        tps = schedule(make_plan(), subject(date(2026, 1, 15), zone="America/New_York"))
        (event,) = components(to_ical(tps, options=ExportOptions(stamp=STAMP)))
        assert value(event, "DTSTART") == "DTSTART;TZID=America/New_York:20260129T100000"

    def test_ambiguous_local_time_is_written_in_utc_with_the_zone_noted(self) -> None:
        # New York falls back on 2026-11-01: 01:30 happens twice. The first one
        # (RFC 5545) is 01:30 EDT = 05:30 UTC.
        plan = make_plan(contact_time="01:30", touchpoints=[rule()])
        tps = schedule(plan, subject(date(2026, 11, 1), zone="America/New_York"))
        (event,) = components(to_ical(tps, options=ExportOptions(stamp=STAMP)))
        assert value(event, "DTSTART") == "DTSTART:20261101T053000Z"
        assert value(event, "X-TOUCHPOINTS-TIMEZONE") == "X-TOUCHPOINTS-TIMEZONE:America/New_York"

    def test_time_moved_out_of_a_gap_stays_local(self) -> None:
        # Berlin springs forward on 2026-03-29 at 02:00: 02:30 becomes 03:30 CEST,
        # which exists exactly once.
        plan = make_plan(contact_time="02:30", touchpoints=[rule()])
        (event,) = components(
            to_ical(schedule(plan, subject(date(2026, 3, 29))), options=ExportOptions(stamp=STAMP))
        )
        assert value(event, "DTSTART") == "DTSTART;TZID=Europe/Berlin:20260329T033000"

    @pytest.mark.parametrize("zone", ["UTC", "Etc/UTC"])
    def test_utc_zone_needs_no_vtimezone(self, zone: str) -> None:
        tps = schedule(make_plan(timezone=zone), subject(date(2026, 1, 15)))
        data = to_ical(tps, options=ExportOptions(stamp=STAMP))
        (event,) = components(data)
        assert value(event, "DTSTART") == "DTSTART:20260129T100000Z"
        assert b"VTIMEZONE" not in data

    def test_one_vtimezone_per_zone_used(self) -> None:
        tps = [
            *schedule(make_plan(), subject(date(2026, 1, 15), zone="America/New_York", id="a")),
            *schedule(make_plan(), subject(date(2026, 1, 15), zone="Asia/Tokyo", id="b")),
            *schedule(make_plan(), subject(date(2026, 1, 15), zone="America/New_York", id="c")),
        ]
        tzids = [
            line
            for line in lines(to_ical(tps, options=ExportOptions(stamp=STAMP)))
            if line.startswith("TZID:")
        ]
        assert tzids == ["TZID:America/New_York", "TZID:Asia/Tokyo"]

    def test_vtimezone_uses_rrule_not_rdate(self) -> None:
        tps = schedule(make_plan(), subject(date(2026, 1, 15)))
        data = to_ical(tps, options=ExportOptions(stamp=STAMP))
        timezone = lines(data)[lines(data).index("BEGIN:VTIMEZONE") :]
        # Berlin: summer time from the last Sunday of March, winter time from the
        # last Sunday of October, both still in force.
        assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in timezone
        assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in timezone
        assert not any(line.startswith("RDATE") for line in timezone)
        assert timezone.index("BEGIN:VTIMEZONE") < timezone.index("BEGIN:VEVENT")


class TestOptions:
    def test_no_alarm_by_default(self) -> None:
        data = to_ical(
            schedule(make_plan(), subject(date(2026, 1, 15))), options=ExportOptions(stamp=STAMP)
        )
        assert b"VALARM" not in data

    def test_display_alarm(self) -> None:
        data = to_ical(
            schedule(make_plan(), subject(date(2026, 1, 15))),
            options=ExportOptions(stamp=STAMP, alarm=timedelta(minutes=-15)),
        )
        (alarm,) = components(data, "VALARM")
        # RFC 5545 section 3.6.6: a DISPLAY alarm needs ACTION, TRIGGER and DESCRIPTION.
        assert alarm == ["ACTION:DISPLAY", "DESCRIPTION:Check-up call", "TRIGGER:-PT15M"]

    def test_vtodo_for_task_clients(self) -> None:
        plan = make_plan(touchpoints=[rule(duration="1 hour")])
        data = to_ical(
            schedule(plan, subject(date(2026, 1, 15))),
            options=ExportOptions(stamp=STAMP, component="VTODO", alarm=timedelta(hours=-1)),
        )
        assert components(data) == []
        (todo,) = components(data, "VTODO")
        assert value(todo, "DUE") == "DUE;TZID=Europe/Berlin:20260115T100000"
        assert not any(line.startswith(("DTSTART", "DTEND", "DURATION")) for line in todo)
        # Without DTSTART, a to-do's alarm is relative to its DUE (RFC 5545 3.8.6.3).
        assert "TRIGGER;RELATED=END:-PT1H" in todo

    def test_all_day_vtodo_is_due_on_its_date(self) -> None:
        plan = make_plan(contact_time=None)
        data = to_ical(
            schedule(plan, subject(date(2026, 1, 15))),
            options=ExportOptions(stamp=STAMP, component="VTODO"),
        )
        (todo,) = components(data, "VTODO")
        assert value(todo, "DUE") == "DUE;VALUE=DATE:20260129"

    @pytest.mark.parametrize(
        ("option", "bad"),
        [("component", "VJOURNAL"), ("alarm", 15), ("refresh", timedelta(0)), ("name", " ")],
    )
    def test_bad_options_are_export_errors(self, option: str, bad: object) -> None:
        options: dict[str, Any] = {option: bad}
        with pytest.raises(ExportError, match=option):
            to_ical((), options=ExportOptions(stamp=STAMP, **options))

    @pytest.mark.parametrize(
        "stamp", [datetime(2026, 1, 1), date(2026, 1, 1), "2026-01-01T00:00:00Z"]
    )
    def test_stamp_must_be_aware(self, stamp: object) -> None:
        with pytest.raises(ExportError, match="timezone-aware"):
            to_ical((), options=ExportOptions(stamp=stamp))  # type: ignore[arg-type]

    def test_aware_stamp_in_any_zone(self) -> None:
        data = to_ical(
            (),
            options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5)))),
        )
        assert isinstance(data, bytes)

    def test_touch_point_given_twice_is_an_error(self) -> None:
        tps = schedule(make_plan(), subject(date(2026, 1, 15)))
        with pytest.raises(DuplicateTouchPointError, match="twice"):
            to_ical([*tps, *tps], options=ExportOptions(stamp=STAMP))


class TestTemplates:
    def plan(self) -> Plan:
        return make_plan(touchpoints=[rule(title="Check-up", description="Bring forms")])

    def render(self, template: str, attributes: Any = None) -> str:
        tps = schedule(self.plan(), subject(date(2026, 1, 15)))
        (event,) = components(
            to_ical(
                tps,
                options=ExportOptions(
                    stamp=STAMP, description_template=template, attributes=attributes
                ),
            )
        )
        return value(event, "DESCRIPTION").removeprefix("DESCRIPTION:")

    def test_attributes_and_touch_point_fields(self) -> None:
        text = self.render(
            "Call {name} ({tier}) about {title}: {description}, #{occurrence} on {due}",
            {"cust-42": {"name": "Ada", "tier": 1}},
        )
        assert text == r"Call Ada (1) about Check-up: Bring forms\, #1 on 2026-01-15T10:00:00+01:00"

    def test_attributes_by_function_and_none_as_empty(self) -> None:
        def lookup(subject_id: str) -> dict[str, object]:
            return {"name": subject_id.upper(), "note": None}

        assert self.render("{name}{note}!", lookup) == "CUST-42!"

    def test_attribute_wins_over_touch_point_field(self) -> None:
        assert self.render("{title}", {"cust-42": {"title": "Dr."}}) == "Dr."

    def test_literal_braces(self) -> None:
        assert self.render("{{x}} {title}") == "{x} Check-up"

    def test_unknown_field_names_field_and_subject(self) -> None:
        with pytest.raises(TemplateError, match=r"\{nmae\}.*'cust-42'.*available.*name") as error:
            self.render("Hello {nmae}", {"cust-42": {"name": "Ada"}})
        assert error.value.field == "nmae"
        assert isinstance(error.value, TouchpointsError)
        assert isinstance(error.value, ValueError)

    @pytest.mark.parametrize(
        "template",
        [
            "{name.__class__}",
            "{name[0]}",
            "{0}",
            "{}",
            "{name!r}",
            "{name:>10}",
            "{name:{width}}",
            "{",
            "}",
        ],
    )
    def test_no_attribute_access_indexing_conversion_or_spec(self, template: str) -> None:
        with pytest.raises(TemplateError):
            self.render(template, {"cust-42": {"name": "Ada", "width": 3}})

    def test_template_errors_before_anything_is_written(self) -> None:
        out = io.BytesIO()
        with pytest.raises(TemplateError):
            write_ical((), out, options=ExportOptions(stamp=STAMP, description_template="{a.b}"))
        assert out.getvalue() == b""


class TestDeterminism:
    def test_identical_input_gives_identical_bytes(self) -> None:
        def export() -> bytes:
            plan = make_plan(
                touchpoints=[
                    rule(id="a", every="30 days", starting="purchase", count=5, tags=["x"]),
                    rule(id="b", at="purchase + 1 year", description="d"),
                ]
            )
            tps = [
                tp
                for n in range(3)
                for tp in schedule(
                    plan, subject(date(2026, 1, 15 + n), zone="America/Chicago", id=f"c{n}")
                )
            ]
            return to_ical(tps, options=ExportOptions(stamp=STAMP, alarm=timedelta(minutes=-5)))

        assert export() == export()

    def test_to_calendar_serialises_to_the_same_bytes(self) -> None:
        plan = make_plan(
            touchpoints=[
                rule(
                    id="a", every="30 days", starting="purchase", count=5, description="a, b; c\\d"
                )
            ]
        )
        tps = schedule(plan, subject(date(2026, 1, 15), zone="America/Chicago"))
        for component in ("VEVENT", "VTODO"):
            options: dict[str, Any] = {
                "stamp": STAMP,
                "component": component,
                "alarm": timedelta(minutes=-5),
            }
            assert to_icalendar(tps, options=ExportOptions(**options)).to_ical() == to_ical(
                tps, options=ExportOptions(**options)
            )

    def test_write_ical_equals_icalendar_with_timezones_last(self) -> None:
        tps = schedule(make_plan(), subject(date(2026, 1, 15)))
        out = io.BytesIO()
        assert write_ical(tps, out, options=ExportOptions(stamp=STAMP)).count == 1
        assert (
            out.getvalue()
            == build_calendar(tps, ExportOptions(stamp=STAMP), timezones_last=True).to_ical()
        )
        timezone_at = out.getvalue().index(b"BEGIN:VTIMEZONE")
        assert out.getvalue().index(b"BEGIN:VEVENT") < timezone_at


class TestFeedsPerSubjectAndOwner:
    def test_merged_feed_keeps_input_order(self) -> None:
        plan = make_plan()
        a = schedule(plan, subject(date(2026, 3, 1), id="a"))
        b = schedule(plan, subject(date(2026, 1, 1), id="b"))
        events = components(to_ical([*a, *b], options=ExportOptions(stamp=STAMP)))
        assert [value(e, "UID") for e in events] == [f"UID:{a[0].id}", f"UID:{b[0].id}"]

    def test_by_owner_groups_and_names_feeds(self) -> None:
        plan = make_plan(
            touchpoints=[
                rule(id="a", owner="sales"),
                rule(id="b", owner="service"),
                rule(id="c"),
                rule(id="d", owner="sales"),
            ]
        )
        tps = schedule(plan, subject(date(2026, 1, 15)))
        feeds = to_ical_by_owner(tps, options=ExportOptions(stamp=STAMP, name="Plan"))
        assert list(feeds) == ["sales", "service", None]
        rules = {
            owner: [value(e, "X-TOUCHPOINTS-RULE").split(":")[1] for e in components(data)]
            for owner, data in feeds.items()
        }
        assert rules == {"sales": ["a", "d"], "service": ["b"], None: ["c"]}
        assert "X-WR-CALNAME:Plan – unassigned" in lines(feeds[None])
        uids = {next(x for x in lines(d) if x.startswith("UID:")) for d in feeds.values()}
        assert len(uids) == 3

    def test_by_owner_refuses_one_calendar_uid_for_every_feed(self) -> None:
        tps = schedule(make_plan(touchpoints=[rule(owner="sales")]), subject(date(2026, 1, 15)))
        with pytest.raises(ExportError, match="its own calendar UID"):
            to_ical_by_owner(tps, options=ExportOptions(stamp=STAMP, calendar_uid="feed-1"))


class TestWhereIcalendarWouldChangeTheText:
    """The two places where this writer deliberately differs from icalendar 7.3."""

    def test_a_literal_backslash_n_stays_a_backslash_n(self) -> None:
        plan = make_plan(touchpoints=[rule(title="Copy C:\\New\\notes", description="a\\Nb")])
        data = to_ical(
            schedule(plan, subject(date(2026, 1, 15))), options=ExportOptions(stamp=STAMP)
        )
        (event,) = components(data)
        # Backslashes escaped, so nothing reads "\N" as a line break.
        assert value(event, "SUMMARY") == "SUMMARY:Copy C:\\\\New\\\\notes"
        assert value(event, "DESCRIPTION") == "DESCRIPTION:a\\\\Nb"
        calendar = vobject.readOne(data.decode())
        assert calendar.vevent.summary.value == "Copy C:\\New\\notes"
        assert calendar.vevent.description.value == "a\\Nb"

    @pytest.mark.parametrize("offset", range(8))
    def test_no_fold_inside_an_escaped_backslash(self, offset: int) -> None:
        # A run of escaped backslashes reaching the 75th octet: icalendar 7.3 can fold
        # between the two backslashes of one escape; this writer never does.
        title = "x" * (60 + offset) + "\\" * 12 + "y"
        plan = make_plan(touchpoints=[rule(title=title)])
        data = to_ical(
            schedule(plan, subject(date(2026, 1, 15))), options=ExportOptions(stamp=STAMP)
        )
        physical = data.split(b"\r\n")
        for line, following in itertools.pairwise(physical):
            assert len(line) <= 75
            if following.startswith(b" "):
                assert (len(line) - len(line.rstrip(b"\\"))) % 2 == 0
        (event,) = components(data)
        assert value(event, "SUMMARY") == "SUMMARY:" + title.replace("\\", "\\\\")
