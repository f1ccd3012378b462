"""A person's edit in the calendar survives a plan change that leaves its event alone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import icalendar
from caldav.davclient import DAVClient

from touchpoints import ExportOptions, Plan, Subject, diff, schedule, sync_caldav

if TYPE_CHECKING:  # conftest.py cannot be imported at run time, but mypy can read it
    from tests.sync.conftest import Radicale

OPTIONS = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
CUSTOMER = Subject(id="cust-1", anchors={"purchase": date(2026, 1, 15)})


def visits(count: int) -> Plan:
    rule: dict[str, Any] = {
        "id": "service",
        "title": "Service visit",
        "channel": "visit",
        "every": "90 days",
        "starting": "purchase + 90 days",
        "count": count,
    }
    return Plan.model_validate({"plan": "after-sales", "touchpoints": [rule]})


def summaries(client: DAVClient, url: str) -> dict[str, str]:
    found: dict[str, str] = {}
    collection = client.calendar(url=url)  # type: ignore[no-untyped-call]
    for event in collection.events():
        for component in icalendar.Calendar.from_ical(event.data).walk("VEVENT"):
            found[str(component["UID"])] = str(component["SUMMARY"])
    return found


def test_raising_a_count_keeps_an_edit_made_in_the_calendar(radicale: Radicale) -> None:
    url = radicale.new_calendar()
    three = schedule(visits(3), CUSTOMER)
    four = schedule(visits(4), CUSTOMER)
    # The first three visits are the same as before: the diff says so.
    change = diff(three, four)
    assert [tp.id for tp in change.added] == [four[3].id]
    assert not change.changed
    assert not change.removed
    sync_caldav(url, three, plan_id="after-sales", options=OPTIONS)
    edited = three[1].id
    with radicale.client() as client:
        collection = client.calendar(url=url)  # type: ignore[no-untyped-call]
        (event,) = [e for e in collection.events() if edited in e.data]
        event.data = event.data.replace("SUMMARY:Service visit", "SUMMARY:Visit (bring the ladder)")
        event.save()

    report = sync_caldav(url, four, plan_id="after-sales", options=OPTIONS)

    assert report.created == (four[3].id,)
    assert report.updated == ()
    assert sorted(report.unchanged) == sorted(tp.id for tp in three)
    with radicale.client() as client:
        assert summaries(client, url)[edited] == "Visit (bring the ladder)"


def test_a_new_title_still_updates_the_events(radicale: Radicale) -> None:
    url = radicale.new_calendar()
    sync_caldav(url, schedule(visits(3), CUSTOMER), plan_id="after-sales", options=OPTIONS)
    renamed = visits(3).model_copy(deep=True)
    plan = Plan.model_validate(
        {
            "plan": "after-sales",
            "touchpoints": [
                {
                    **renamed.rules[0].model_dump(mode="json", exclude_defaults=True),
                    "title": "Visit",
                }
            ],
        }
    )
    report = sync_caldav(url, schedule(plan, CUSTOMER), plan_id="after-sales", options=OPTIONS)
    assert len(report.updated) == 3
