"""sync_caldav against a real Radicale server (started by conftest.py)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import icalendar
import niquests
import pytest
from caldav.davclient import DAVClient

from touchpoints import (
    ExportOptions,
    Plan,
    Subject,
    SyncError,
    SyncReport,
    SyncScopeError,
    TouchPoint,
    TouchpointsError,
    schedule_many,
    sync_caldav,
)

if TYPE_CHECKING:  # conftest.py cannot be imported at run time, but mypy can read it
    from tests.sync.conftest import Faults, Radicale, Requests

USER = "alice"

STAMP = datetime(2026, 1, 1, tzinfo=UTC)
CUSTOMERS = (
    Subject(id="cust-1", anchors={"purchase": date(2026, 1, 15)}),
    Subject(id="cust-2", anchors={"purchase": date(2026, 3, 1)}),
)


def make_plan(plan_id: str = "after-sales", **edits: Any) -> Plan:
    rules: list[dict[str, Any]] = [
        {"id": "check-up", "title": "Check-up call", "channel": "call", "at": "purchase + 2 weeks"},
        {
            "id": "service",
            "title": "Service visit",
            "channel": "visit",
            "every": "90 days",
            "starting": "purchase + 90 days",
            "count": 3,
        },
        {
            "id": "renewal",
            "title": "Renewal meeting",
            "channel": "meeting",
            "at": "purchase + 1 year",
        },
    ]
    for rule in rules:
        rule.update(edits.get(rule["id"].replace("-", "_"), {}))
    return Plan.model_validate({"plan": plan_id, "touchpoints": rules})


def touch_points(plan: Plan, subjects: Sequence[Subject] = CUSTOMERS) -> list[TouchPoint]:
    return list(schedule_many(plan, subjects))


def ids(tps: Iterable[TouchPoint]) -> tuple[str, ...]:
    return tuple(sorted(tp.id for tp in tps))


def contents(server: Radicale, url: str) -> dict[str, str]:
    """UID -> SUMMARY of every event in a calendar, read with caldav and icalendar."""
    with server.client() as client:
        events = client.calendar(url=url).get_events()  # type: ignore[no-untyped-call]
        found: dict[str, str] = {}
        for event in events:
            for component in icalendar.Calendar.from_ical(event.data).walk("VEVENT"):
                found[str(component["UID"])] = str(component["SUMMARY"])
    return found


def put_foreign(server: Radicale, url: str, uid: str, summary: str, extra: str = "") -> None:
    """An event written by someone else: a person's own appointment, say."""
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//else//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:20260301\r\nSUMMARY:{summary}\r\n{extra}"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with server.client() as client:
        response = client.put(
            url + f"{uid}.ics", body, headers={"Content-Type": "text/calendar; charset=utf-8"}
        )
    assert response.status == 201, response.status


def sync(url: str, tps: Iterable[TouchPoint], **options: Any) -> SyncReport:
    options.setdefault("plan_id", "after-sales")
    options.setdefault("options", ExportOptions(stamp=STAMP))
    return sync_caldav(url, tps, **options)


class TestFirstAndRepeatedSyncs:
    def test_the_first_sync_creates_one_event_per_touch_point(
        self, radicale: Radicale, calendar: str
    ) -> None:
        tps = touch_points(make_plan())
        assert len(tps) == 10  # per customer: check-up, 3 service visits, renewal

        report = sync(calendar, tps)

        assert report.created == ids(tps)
        assert (report.updated, report.deleted, report.unchanged) == ((), (), ())
        assert contents(radicale, calendar) == {tp.id: tp.title for tp in tps}

    def test_a_second_identical_sync_sends_no_change(
        self, calendar: str, requests_sent: Requests
    ) -> None:
        tps = touch_points(make_plan())
        sync(calendar, tps)
        requests_sent.clear()

        report = sync(calendar, tps)

        assert requests_sent.writes == []
        assert report == SyncReport(unchanged=ids(tps))
        assert str(report) == "0 created, 0 updated, 0 deleted, 10 unchanged"

    def test_a_new_stamp_alone_changes_nothing(
        self, calendar: str, requests_sent: Requests
    ) -> None:
        tps = touch_points(make_plan())
        sync(calendar, tps)
        requests_sent.clear()

        sync(calendar, tps, options=ExportOptions(stamp=datetime(2026, 6, 1, tzinfo=UTC)))

        assert requests_sent.writes == []

    def test_a_dry_run_reports_and_changes_nothing(
        self, radicale: Radicale, calendar: str, requests_sent: Requests
    ) -> None:
        tps = touch_points(make_plan())
        sync(calendar, tps[:4])
        requests_sent.clear()

        report = sync(calendar, tps[2:], dry_run=True)

        assert requests_sent.methods == ["REPORT"]
        assert (report.created, report.deleted) == (ids(tps[4:]), ids(tps[:2]))
        assert set(contents(radicale, calendar)) == set(ids(tps[:4]))


class TestChanges:
    def test_a_title_edit_updates_only_that_rules_events(
        self, radicale: Radicale, calendar: str, requests_sent: Requests
    ) -> None:
        old = touch_points(make_plan())
        sync(calendar, old)
        requests_sent.clear()
        new = touch_points(make_plan(check_up={"title": "Two-week check-up call"}))

        report = sync(calendar, new)

        check_ups = [tp for tp in new if tp.rule_id == "check-up"]
        assert report.updated == ids(check_ups)
        assert report.unchanged == ids(tp for tp in new if tp.rule_id != "check-up")
        assert requests_sent.writes == ["PUT", "PUT"]
        assert contents(radicale, calendar) == {tp.id: tp.title for tp in new}

    def test_removed_touch_points_are_deleted(
        self, radicale: Radicale, calendar: str, requests_sent: Requests
    ) -> None:
        old = touch_points(make_plan())
        sync(calendar, old)
        requests_sent.clear()
        new = touch_points(make_plan(service={"count": 1}))  # visits 2 and 3 are gone

        report = sync(calendar, new)

        gone = [tp for tp in old if tp.rule_id == "service" and tp.occurrence > 1]
        assert len(gone) == 4
        assert report.deleted == ids(gone)
        assert requests_sent.writes.count("DELETE") == 4
        assert set(contents(radicale, calendar)) == set(ids(new))

    def test_a_new_subject_adds_events_and_keeps_the_rest(self, calendar: str) -> None:
        plan = make_plan()
        sync(calendar, touch_points(plan, CUSTOMERS[:1]))
        everyone = touch_points(plan)

        report = sync(calendar, everyone)

        assert report.created == ids(tp for tp in everyone if tp.subject_id == "cust-2")
        assert report.unchanged == ids(tp for tp in everyone if tp.subject_id == "cust-1")


class TestWhatASyncNeverTouches:
    def test_an_event_made_by_someone_else_survives_every_sync(
        self, radicale: Radicale, calendar: str
    ) -> None:
        put_foreign(radicale, calendar, "lunch-with-bob", "Lunch with Bob")
        # An event imported from an exported feed by hand: ours in form, not written by a sync.
        put_foreign(
            radicale, calendar, "imported-1", "Imported", extra="X-TOUCHPOINTS-PLAN:after-sales\r\n"
        )
        tps = touch_points(make_plan())

        sync(calendar, tps)
        sync(calendar, tps[:3])
        report = sync(calendar, [])

        assert set(report.deleted) == set(ids(tps[:3]))
        assert contents(radicale, calendar) == {
            "lunch-with-bob": "Lunch with Bob",
            "imported-1": "Imported",
        }

    def test_a_copy_of_our_event_under_another_uid_survives(
        self, radicale: Radicale, calendar: str
    ) -> None:
        tps = touch_points(make_plan())[:1]
        sync(calendar, tps)
        with radicale.client() as client:
            (event,) = client.calendar(url=calendar).get_events()  # type: ignore[no-untyped-call]
            original = event.data
        copy = original.replace(tps[0].id, "copied-by-a-calendar-app")
        with radicale.client() as client:
            client.put(calendar + "copy.ics", copy, headers={"Content-Type": "text/calendar"})

        report = sync(calendar, [])

        assert report.deleted == (tps[0].id,)
        assert set(contents(radicale, calendar)) == {"copied-by-a-calendar-app"}

    def test_another_plans_events_survive(self, radicale: Radicale, calendar: str) -> None:
        ours = touch_points(make_plan())
        theirs = touch_points(make_plan("win-back"))
        sync(calendar, ours)
        sync(calendar, theirs, plan_id="win-back")

        report = sync(calendar, [])

        assert report.deleted == ids(ours)
        assert set(contents(radicale, calendar)) == set(ids(theirs))

    def test_a_sync_for_some_subjects_leaves_the_others_alone(
        self, radicale: Radicale, calendar: str
    ) -> None:
        plan = make_plan()
        first, second = touch_points(plan, CUSTOMERS[:1]), touch_points(plan, CUSTOMERS[1:])
        sync(calendar, first, subjects={"cust-1"})
        sync(calendar, second, subjects={"cust-2"})

        report = sync(calendar, [], subjects={"cust-1"})

        assert report.deleted == ids(first)
        assert set(contents(radicale, calendar)) == set(ids(second))

    def test_partitions_of_one_plan_leave_each_other_alone(
        self, radicale: Radicale, calendar: str
    ) -> None:
        tps = touch_points(make_plan())
        calls = [tp for tp in tps if tp.channel == "call"]
        visits = [tp for tp in tps if tp.channel != "call"]
        sync(calendar, calls, partition="owner:sales")
        sync(calendar, visits, partition="owner:service")

        sync(calendar, [], partition="owner:sales")

        assert set(contents(radicale, calendar)) == set(ids(visits))

    def test_a_uid_held_by_someone_elses_event_is_left_alone(
        self, radicale: Radicale, calendar: str, requests_sent: Requests
    ) -> None:
        tps = touch_points(make_plan())[:2]
        put_foreign(radicale, calendar, tps[0].id, "Somebody else's")
        requests_sent.clear()

        report = sync(calendar, tps)

        assert report.conflicts == (tps[0].id,)
        assert report.created == (tps[1].id,)
        assert requests_sent.writes == ["PUT"]
        assert contents(radicale, calendar)[tps[0].id] == "Somebody else's"
        assert "1 left alone" in str(report)

    def test_touch_points_of_another_plan_are_refused_before_any_request(
        self, calendar: str, requests_sent: Requests
    ) -> None:
        tps = touch_points(make_plan("win-back"))

        with pytest.raises(SyncScopeError, match="its plan is 'win-back'"):
            sync(calendar, tps)
        with pytest.raises(SyncScopeError, match="not among the sync's subjects"):
            sync(calendar, tps, plan_id="win-back", subjects={"cust-1"})

        assert requests_sent.methods == []


class TestFailures:
    def test_a_connection_lost_mid_sync_is_reported_and_a_second_sync_converges(
        self, radicale: Radicale, calendar: str, faults: Faults
    ) -> None:
        put_foreign(radicale, calendar, "lunch-with-bob", "Lunch with Bob")
        tps = touch_points(make_plan())
        faults.arm(4)

        with pytest.raises(SyncError) as caught:
            sync(calendar, tps)

        error = caught.value
        assert isinstance(error, TouchpointsError)
        assert isinstance(error, ConnectionError)
        assert (error.done, error.pending, error.status) == (4, 6, None)
        assert error.calendar == calendar
        assert error.action.startswith("creating event ")
        assert "connection reset by peer" in str(error)
        assert "run the sync again" in str(error)
        assert len(contents(radicale, calendar)) == 1 + 4

        faults.disarm()
        report = sync(calendar, tps)

        assert len(report.created) == 6
        assert len(report.unchanged) == 4
        assert contents(radicale, calendar) == {
            "lunch-with-bob": "Lunch with Bob",
            **{tp.id: tp.title for tp in tps},
        }

    def test_a_failure_among_updates_and_deletions_converges_and_spares_others(
        self, radicale: Radicale, calendar: str, faults: Faults
    ) -> None:
        put_foreign(radicale, calendar, "lunch-with-bob", "Lunch with Bob")
        theirs = touch_points(make_plan("win-back"))
        sync(calendar, theirs, plan_id="win-back")
        sync(calendar, touch_points(make_plan()))
        new = touch_points(
            make_plan(
                service={"count": 1, "title": "Service check"}, renewal={"title": "Renewal talk"}
            )
        )
        # Per customer: the renewal and the remaining service visit are updated (both
        # have a new title), visits 2 and 3 deleted: 4 updates, then 4 deletions. The
        # connection drops on the 4th update.
        faults.arm(3)

        with pytest.raises(SyncError) as caught:
            sync(calendar, new)

        assert (caught.value.done, caught.value.pending) == (3, 5)
        assert caught.value.action.startswith("updating event ")
        faults.disarm()
        report = sync(calendar, new)
        assert (len(report.updated), len(report.deleted)) == (1, 4)
        assert contents(radicale, calendar) == {
            "lunch-with-bob": "Lunch with Bob",
            **{tp.id: tp.title for tp in theirs},
            **{tp.id: tp.title for tp in new},
        }
        assert sync(calendar, new) == SyncReport(unchanged=ids(new))

    def test_a_server_error_mid_sync_is_reported_and_a_second_sync_converges(
        self, radicale: Radicale, calendar: str, faults: Faults
    ) -> None:
        tps = touch_points(make_plan())
        sync(calendar, tps[:5])
        faults.arm(2, status=500)

        with pytest.raises(SyncError) as caught:
            sync(calendar, tps[3:])  # 5 to create, 3 to delete

        error = caught.value
        assert (error.status, error.done, error.pending) == (500, 2, 6)
        assert "HTTP 500 Internal Server Error" in str(error)
        faults.disarm()
        report = sync(calendar, tps[3:])
        assert (len(report.created), len(report.deleted), len(report.unchanged)) == (3, 3, 4)
        assert set(contents(radicale, calendar)) == set(ids(tps[3:]))

    def test_an_event_changed_on_the_server_during_a_sync_is_not_overwritten_blindly(
        self, radicale: Radicale, calendar: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        old = touch_points(make_plan())[:1]
        sync(calendar, old)
        new = touch_points(make_plan(check_up={"title": "Call"}))[:1]
        original = DAVClient.request
        interfered: list[str] = []

        def request(self: DAVClient, url: str, method: str = "GET", *args: Any, **kw: Any) -> Any:
            if method == "PUT" and not interfered:
                # Someone saves the event between our listing and our update.
                interfered.append(url)
                with radicale.client() as other:
                    (event,) = other.calendar(url=calendar).get_events()  # type: ignore[no-untyped-call]
                    other.put(url, event.data.replace("SUMMARY:", "SUMMARY:Moved "))
            return original(self, url, method, *args, **kw)

        monkeypatch.setattr(DAVClient, "request", request)
        with pytest.raises(SyncError) as caught:
            sync(calendar, new)

        assert caught.value.status == 412
        monkeypatch.setattr(DAVClient, "request", original)
        assert sync(calendar, new).updated == ids(new)
        assert contents(radicale, calendar) == {new[0].id: "Call"}

    def test_a_server_that_stops_mid_sync_is_reported_and_a_second_sync_converges(
        self, own_radicale: Radicale, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calendar = own_radicale.new_calendar()
        put_foreign(own_radicale, calendar, "lunch-with-bob", "Lunch with Bob")
        tps = touch_points(make_plan())
        original = DAVClient.request
        writes: list[str] = []

        def request(self: DAVClient, url: str, method: str = "GET", *args: Any, **kw: Any) -> Any:
            if method == "PUT":
                writes.append(url)
                if len(writes) == 3:
                    own_radicale.stop()  # the server goes down before the third PUT
            return original(self, url, method, *args, **kw)

        monkeypatch.setattr(DAVClient, "request", request)
        with pytest.raises(SyncError) as caught:
            sync(calendar, tps, timeout=5)

        assert (caught.value.done, caught.value.status) == (2, None)
        assert "the server did not answer" in str(caught.value)
        monkeypatch.setattr(DAVClient, "request", original)
        own_radicale.start()
        report = sync(calendar, tps)
        assert (len(report.created), len(report.unchanged)) == (8, 2)
        assert contents(own_radicale, calendar) == {
            "lunch-with-bob": "Lunch with Bob",
            **{tp.id: tp.title for tp in tps},
        }

    def test_a_server_that_does_not_answer_is_a_clear_error(self, closed_port: int) -> None:
        url = f"http://127.0.0.1:{closed_port}/{USER}/calendar/"

        with pytest.raises(SyncError) as caught:
            sync(url, touch_points(make_plan()), timeout=5)

        error = caught.value
        assert error.action == "listing the calendar"
        assert error.status is None
        assert str(error).startswith(f"Could not bring the calendar {url} in step")
        assert "Nothing was changed" in str(error)

    def test_a_missing_calendar_is_a_clear_error(self, radicale: Radicale) -> None:
        url = f"{radicale.base}/{USER}/no-such-calendar/"

        with pytest.raises(SyncError) as caught:
            sync(url, touch_points(make_plan()))

        assert caught.value.status == 404
        assert "HTTP 404" in str(caught.value)


def text_of(error: BaseException) -> str:
    return "".join(traceback.format_exception(error)) + repr(error)


class TestCredentials:
    def test_a_login_is_passed_through_and_never_logged(
        self, radicale_with_login: Radicale, caplog: pytest.LogCaptureFixture
    ) -> None:
        calendar = radicale_with_login.new_calendar()
        tps = touch_points(make_plan())
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger="caldav")  # it logs headers at debug level

        password = radicale_with_login.password
        assert password is not None
        report = sync(calendar, tps, username=USER, password=password)
        again = sync(calendar, tps, username=USER, password=password)

        assert report.created == ids(tps)
        assert again.unchanged == ids(tps)
        loggers = {record.name.split(".")[0] for record in caplog.records}
        assert {"caldav", "touchpoints"} <= loggers  # both logged, the client at debug level
        assert password not in caplog.text
        assert password not in repr(report) + str(report)

    def test_credentials_in_the_url_are_used_and_dropped(
        self, radicale_with_login: Radicale, caplog: pytest.LogCaptureFixture
    ) -> None:
        calendar = radicale_with_login.new_calendar()
        password = radicale_with_login.password
        assert password is not None
        quoted = quote(password, safe="")
        with_login = calendar.replace("http://", f"http://{USER}:{quoted}@")
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger="caldav")  # it logs headers at debug level

        report = sync(with_login, touch_points(make_plan()))

        assert len(report.created) == 10
        assert password not in caplog.text
        assert quoted not in caplog.text

    @pytest.mark.parametrize("how", ["arguments", "url", "auth object"])
    def test_a_wrong_password_is_an_error_without_the_password(
        self, radicale_with_login: Radicale, caplog: pytest.LogCaptureFixture, how: str
    ) -> None:
        calendar = radicale_with_login.new_calendar()
        wrong = f"{radicale_with_login.password}-wrong"
        options: dict[str, Any] = {}
        if how == "arguments":
            options = {"username": USER, "password": wrong}
        elif how == "url":
            calendar = calendar.replace("http://", f"http://{USER}:{quote(wrong, safe='')}@")
        else:
            options = {"auth": niquests.auth.HTTPBasicAuth(USER, wrong)}
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger="caldav")  # it logs headers at debug level

        with pytest.raises(SyncError) as caught:
            sync(calendar, touch_points(make_plan()), **options)

        assert caught.value.status == 401
        assert "HTTP 401" in str(caught.value)
        for form in (wrong, quote(wrong, safe="")):
            assert form not in text_of(caught.value)
            assert form not in caplog.text
