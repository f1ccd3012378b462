"""Every resource carries the same VTIMEZONE per zone, as a server that keeps the first
one it parsed for a TZID needs (Radicale filters every resource with that one)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from touchpoints import ExportOptions, Plan, Subject, schedule_many, sync_caldav

if TYPE_CHECKING:  # conftest.py cannot be imported at run time, but mypy can read it
    from tests.sync.conftest import Radicale

OPTIONS = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
PLAN = Plan.model_validate(
    {
        "plan": "after-sales",
        "timezone": "America/Sao_Paulo",
        "contact_time": "10:00",
        "touchpoints": [{"id": "call", "title": "Call", "channel": "call", "at": "purchase"}],
    }
)
RECENT = [Subject(id=f"recent-{n}", anchors={"purchase": date(2026, 1, 15)}) for n in range(8)]
OLD = [Subject(id=f"old-{n}", anchors={"purchase": date(2018, 1, 15)}) for n in range(8)]


def found_between(radicale: Radicale, url: str, start: datetime, end: datetime) -> int:
    with radicale.client() as client:
        collection = client.calendar(url=url)  # type: ignore[no-untyped-call]
        return len(collection.search(start=start, end=end, event=True))


def test_2018_events_are_found_at_their_instant_beside_2026_ones(own_radicale: Radicale) -> None:
    url = own_radicale.new_calendar()
    recent = list(schedule_many(PLAN, RECENT))
    old = list(schedule_many(PLAN, OLD))
    # São Paulo kept summer time in January 2018 (-02): 10:00 local is 12:00 UTC.
    noon = datetime(2018, 1, 15, 12, tzinfo=UTC)
    assert {tp.due.astimezone(UTC) for tp in old if isinstance(tp.due, datetime)} == {noon}
    assert len(old) == 8
    ids = [s.id for s in RECENT]
    sync_caldav(url, recent, plan_id="after-sales", options=OPTIONS, subjects=ids)
    ids = [s.id for s in OLD]
    sync_caldav(url, old, plan_id="after-sales", options=OPTIONS, subjects=ids)
    quarter = timedelta(minutes=15)
    assert found_between(own_radicale, url, noon - quarter, noon + quarter) == 8
    assert found_between(own_radicale, url, noon + 3 * quarter, noon + 5 * quarter) == 0


def test_every_resource_holds_the_same_vtimezone_for_a_zone(radicale: Radicale) -> None:
    url = radicale.new_calendar()
    tps = list(schedule_many(PLAN, [RECENT[0], OLD[0]]))
    sync_caldav(url, tps, plan_id="after-sales", options=OPTIONS)
    with radicale.client() as client:
        collection = client.calendar(url=url)  # type: ignore[no-untyped-call]
        stored = [event.data for event in collection.events()]
    zones = {data[data.index("BEGIN:VTIMEZONE") : data.index("END:VTIMEZONE")] for data in stored}
    assert len(stored) == 2
    assert len(zones) == 1
