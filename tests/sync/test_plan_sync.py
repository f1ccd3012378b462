"""plan_sync, the pure decision behind sync_caldav: no server needed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchpoints import (
    CalendarResource,
    DuplicateTouchPointError,
    ExportError,
    ExportOptions,
    Plan,
    Subject,
    SyncPlan,
    SyncScopeError,
    TouchPoint,
    plan_sync,
    schedule_many,
    to_ical,
)
from touchpoints.testing import plans, subjects

STAMP = datetime(2026, 1, 1, tzinfo=UTC)
PLAN = Plan.model_validate(
    {
        "plan": "after-sales",
        "touchpoints": [
            {"id": "check-up", "title": "Check-up", "channel": "call", "at": "purchase + 2 weeks"},
            {"id": "renewal", "title": "Renewal", "channel": "meeting", "at": "purchase + 1 year"},
        ],
    }
)
PEOPLE = (
    Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}),
    Subject(id="c2", anchors={"purchase": date(2026, 2, 1)}),
)
FOREIGN = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\n"
    "UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260301\r\n"
    "SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def exported(tps: Iterable[TouchPoint], stamp: datetime = STAMP) -> list[tuple[TouchPoint, bytes]]:
    return [(tp, to_ical([tp], options=ExportOptions(stamp=stamp))) for tp in tps]


def retitled(tp: TouchPoint, title: str) -> TouchPoint:
    return tp._replace(rule=tp.rule.model_copy(update={"title": title}))


class Server:
    """A calendar collection in memory: href -> (data, etag), as a CalDAV server keeps it."""

    def __init__(self, prefix: str = "/cal/") -> None:
        self.prefix = prefix
        self.store: dict[str, tuple[str, str]] = {}
        self.version = 0

    def listing(self) -> list[CalendarResource]:
        return [CalendarResource(href, data, etag) for href, (data, etag) in self.store.items()]

    def put(self, href: str, data: str) -> None:
        self.version += 1
        full = href if href.startswith("/") else self.prefix + href
        self.store[full] = (data, f'"{self.version}"')

    def apply(self, plan: SyncPlan) -> None:
        for resource in (*plan.create, *plan.update):
            if resource.etag is None:
                assert resource.href not in self.store
            else:
                assert self.store[resource.href][1] == resource.etag
            self.put(resource.href, resource.data)
        for resource in plan.delete:
            assert self.store[resource.href][1] == resource.etag
            del self.store[resource.href]

    def uids(self) -> set[str]:
        found = set()
        for data, _ in self.store.values():
            component = re.split(r"BEGIN:V(?:EVENT|TODO)", data, maxsplit=1)[1]
            match = re.search(r"^UID:(.*?)\r?$", component, re.M)
            assert match is not None
            found.add(match.group(1))
        return found


def sync(server: Server, tps: Iterable[TouchPoint], **options: Any) -> SyncPlan:
    options.setdefault("plan_id", "after-sales")
    decided = plan_sync(server.listing(), exported(tps), **options)
    server.apply(decided)
    return decided


TPS = list(schedule_many(PLAN, PEOPLE))


class TestCreateUpdateDelete:
    def test_an_empty_calendar_gets_one_resource_per_touch_point_named_after_its_uid(
        self,
    ) -> None:
        decided = plan_sync([], exported(TPS), plan_id="after-sales")

        assert [r.href for r in decided.create] == sorted(f"{tp.id}.ics" for tp in TPS)
        assert all(r.etag is None for r in decided.create)
        assert (decided.update, decided.delete, decided.unchanged) == ((), (), ())
        assert len(decided) == 4
        assert bool(decided)

    def test_a_resource_is_the_export_plus_four_sync_properties(self) -> None:
        ann = Subject(id="ann@example.com", anchors={"purchase": date(2026, 1, 15)})
        tp = next(schedule_many(PLAN, [ann]))
        original = to_ical([tp], options=ExportOptions(stamp=STAMP)).decode()

        (resource,) = plan_sync([], exported([tp]), plan_id="after-sales").create

        added = [line for line in resource.data.split("\r\n") if line not in original.split("\r\n")]
        assert [line.split(":")[0] for line in added] == [
            "X-TOUCHPOINTS-SYNC-SET",
            "X-TOUCHPOINTS-SYNC-SUBJECT",
            "X-TOUCHPOINTS-SYNC-HASH",
            "X-TOUCHPOINTS-SYNC-SEAL",
        ]
        assert all(len(line) <= 75 for line in added)
        assert resource.data.replace("".join(f"{line}\r\n" for line in added), "") == original
        assert "ann" not in "".join(added)

    def test_a_second_sync_of_the_same_schedule_changes_nothing(self) -> None:
        server = Server()
        sync(server, TPS)

        again = plan_sync(server.listing(), exported(TPS), plan_id="after-sales")

        assert not again
        assert again.unchanged == tuple(sorted(tp.id for tp in TPS))

    def test_a_new_stamp_alone_is_no_change(self) -> None:
        server = Server()
        sync(server, TPS)

        again = plan_sync(
            server.listing(), exported(TPS, STAMP + timedelta(days=30)), plan_id="after-sales"
        )

        assert not again

    def test_a_changed_event_is_updated_in_place_with_its_etag(self) -> None:
        server = Server()
        sync(server, TPS)
        new = [retitled(TPS[0], "Check-up call"), *TPS[1:]]

        decided = plan_sync(server.listing(), exported(new), plan_id="after-sales")

        (update,) = decided.update
        assert update.href == f"/cal/{TPS[0].id}.ics"
        assert update.etag == server.store[update.href][1]
        assert "SUMMARY:Check-up call" in update.data
        assert len(decided.unchanged) == 3

    def test_a_gone_touch_point_is_deleted_with_its_etag(self) -> None:
        server = Server()
        sync(server, TPS)

        decided = plan_sync(server.listing(), exported(TPS[1:]), plan_id="after-sales")

        (delete,) = decided.delete
        assert delete.href == f"/cal/{TPS[0].id}.ics"
        assert delete.etag == server.store[delete.href][1]

    def test_the_server_may_refold_and_use_bare_line_feeds(self) -> None:
        server = Server()
        sync(server, TPS)
        for href, (data, etag) in list(server.store.items()):
            # Fold every long line at 40 characters and drop the carriage returns.
            lines = []
            for line in data.replace("\r\n ", "").split("\r\n"):
                while len(line) > 40:
                    lines.append(line[:40])
                    line = " " + line[40:]
                lines.append(line)
            server.store[href] = ("\n".join(lines), etag)

        assert not plan_sync(server.listing(), exported(TPS), plan_id="after-sales")

    def test_an_edit_made_in_a_calendar_app_is_kept_until_the_touch_point_changes(
        self,
    ) -> None:
        server = Server()
        sync(server, TPS[:1])
        ((href, (data, etag)),) = server.store.items()
        server.store[href] = (data.replace("SUMMARY:Check-up", "SUMMARY:Check-up (moved)"), etag)

        assert not plan_sync(server.listing(), exported(TPS[:1]), plan_id="after-sales")
        changed = plan_sync(
            server.listing(), exported([retitled(TPS[0], "Call")]), plan_id="after-sales"
        )
        assert len(changed.update) == 1

    def test_two_resources_with_one_of_our_uids_are_merged_into_one(self) -> None:
        server = Server()
        sync(server, TPS[:1])
        ((_href, (data, _etag)),) = server.store.items()
        server.store["/cal/zz-copy.ics"] = (data, '"copy"')

        decided = plan_sync(server.listing(), exported(TPS[:1]), plan_id="after-sales")

        assert decided.unchanged == (TPS[0].id,)
        assert [r.href for r in decided.delete] == ["/cal/zz-copy.ics"]


class TestExportOptions:
    @pytest.mark.parametrize(
        "options",
        [{"alarm": timedelta(minutes=-15)}, {"component": "VTODO"}],
        ids=["with an alarm", "as a to-do"],
    )
    def test_other_export_options_sync_alike(self, options: dict[str, Any]) -> None:
        server = Server()
        events = [(tp, to_ical([tp], options=ExportOptions(stamp=STAMP, **options))) for tp in TPS]

        server.apply(plan_sync([], events, plan_id="after-sales"))

        assert server.uids() == {tp.id for tp in TPS}
        assert not plan_sync(server.listing(), events, plan_id="after-sales")
        assert len(plan_sync(server.listing(), events[1:], plan_id="after-sales").delete) == 1

    def test_a_uid_inside_a_nested_component_is_not_the_events(self) -> None:
        text = to_ical([TPS[0]], options=ExportOptions(stamp=STAMP)).decode()
        nested = text.replace(
            "BEGIN:VEVENT\r\n",
            "BEGIN:VEVENT\r\nBEGIN:VALARM\r\nUID:alarm-1\r\nACTION:DISPLAY\r\n"
            "TRIGGER:-PT15M\r\nDESCRIPTION:x\r\nEND:VALARM\r\n",
        )

        (resource,) = plan_sync([], [(TPS[0], nested)], plan_id="after-sales").create

        assert resource.href == f"{TPS[0].id}.ics"


class TestWhatIsNeverTouched:
    def test_events_without_our_seal_are_never_changed_or_deleted(self) -> None:
        server = Server()
        server.put("dentist.ics", FOREIGN.format(uid="dentist"))
        # Looks like ours, but the seal does not match: someone copied the properties.
        server.put(
            "fake.ics",
            FOREIGN.format(uid="fake").replace(
                "END:VEVENT",
                "X-TOUCHPOINTS-SYNC-SET:0\r\nX-TOUCHPOINTS-SYNC-SUBJECT:0\r\n"
                "X-TOUCHPOINTS-SYNC-HASH:0\r\nX-TOUCHPOINTS-SYNC-SEAL:0\r\nEND:VEVENT",
            ),
        )
        sync(server, TPS)

        decided = sync(server, [])

        assert len(decided.delete) == 4
        assert server.uids() == {"dentist", "fake"}

    def test_a_copy_of_our_event_under_another_uid_is_not_ours(self) -> None:
        server = Server()
        sync(server, TPS[:1])
        ((_, (data, _)),) = server.store.items()
        server.put("copy.ics", data.replace(TPS[0].id, "copy-made-by-an-app"))

        sync(server, [])

        assert server.uids() == {"copy-made-by-an-app"}

    def test_a_foreign_event_holding_our_uid_is_a_conflict(self) -> None:
        server = Server()
        server.put("taken.ics", FOREIGN.format(uid=TPS[0].id))

        decided = plan_sync(server.listing(), exported(TPS), plan_id="after-sales")

        assert decided.conflicts == (TPS[0].id,)
        assert TPS[0].id not in {r.href.removesuffix(".ics") for r in decided.create}
        assert decided.delete == ()

    def test_another_plans_events_are_not_deleted(self) -> None:
        other = Plan.model_validate(
            {
                "plan": "win-back",
                "touchpoints": [{"id": "x", "title": "X", "channel": "sms", "at": "purchase"}],
            }
        )
        server = Server()
        theirs = list(schedule_many(other, PEOPLE))
        sync(server, theirs, plan_id="win-back")
        sync(server, TPS)

        sync(server, [])

        assert server.uids() == {tp.id for tp in theirs}

    def test_only_the_named_subjects_are_deleted(self) -> None:
        server = Server()
        sync(server, TPS)

        decided = sync(server, [], subjects={"c1"})

        assert {r.href for r in decided.delete} == {
            f"/cal/{tp.id}.ics" for tp in TPS if tp.subject_id == "c1"
        }
        assert server.uids() == {tp.id for tp in TPS if tp.subject_id == "c2"}

    def test_another_partition_is_not_deleted_but_may_be_claimed(self) -> None:
        server = Server()
        sync(server, TPS[:2], partition="owner:ann")
        sync(server, TPS[2:], partition="owner:bob")

        assert not sync(server, [], partition="owner:carl")
        # Bob takes over Ann's first touch point: it moves to his partition, in place.
        moved = sync(server, [TPS[0], *TPS[2:]], partition="owner:bob")
        assert [r.href for r in moved.update] == [f"/cal/{TPS[0].id}.ics"]
        assert moved.delete == ()
        # Ann's next sync no longer owns it, so it survives her sync of nothing.
        sync(server, [], partition="owner:ann")
        assert server.uids() == {TPS[0].id, *(tp.id for tp in TPS[2:])}


class TestMistakes:
    def test_a_touch_point_of_another_plan_is_refused(self) -> None:
        with pytest.raises(SyncScopeError) as caught:
            plan_sync([], exported(TPS), plan_id="win-back")

        assert caught.value.id == TPS[0].id
        assert "its plan is 'after-sales', but the sync is for plan 'win-back'" in str(caught.value)

    def test_a_touch_point_of_another_subject_is_refused(self) -> None:
        with pytest.raises(SyncScopeError, match="subject 'c2' is not among"):
            plan_sync([], exported(TPS), plan_id="after-sales", subjects={"c1"})

    def test_a_touch_point_given_twice_is_refused(self) -> None:
        with pytest.raises(DuplicateTouchPointError):
            plan_sync([], exported([TPS[0], TPS[0]]), plan_id="after-sales")

    def test_an_export_without_an_event_is_refused(self) -> None:
        empty = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"

        with pytest.raises(ExportError, match="holds no event with a UID"):
            plan_sync([], [(TPS[0], empty)], plan_id="after-sales")

    def test_an_export_with_a_truncated_event_is_refused(self) -> None:
        cut = to_ical([TPS[0]], options=ExportOptions(stamp=STAMP)).split(b"END:VEVENT")[0]

        with pytest.raises(ExportError, match="holds no complete event"):
            plan_sync([], [(TPS[0], cut)], plan_id="after-sales")


@st.composite
def schedules(draw: st.DrawFn) -> tuple[Plan, list[TouchPoint]]:
    plan = draw(plans(max_rules=2))
    people = draw(st.lists(subjects(plan), min_size=1, max_size=2, unique_by=lambda s: s.id))
    return plan, list(schedule_many(plan, people))


def subset(data: st.DataObject, tps: Sequence[TouchPoint]) -> list[TouchPoint]:
    keep = data.draw(st.lists(st.booleans(), min_size=len(tps), max_size=len(tps)))
    return [tp for tp, kept in zip(tps, keep, strict=True) if kept]


@given(schedules(), st.data())
def test_syncing_converges_in_one_step_and_then_stays_put(
    case: tuple[Plan, list[TouchPoint]], data: st.DataObject
) -> None:
    plan, tps = case
    server = Server()
    server.put("dentist.ics", FOREIGN.format(uid="dentist"))
    first = subset(data, tps)
    second = [
        retitled(tp, tp.title + " (new)") if data.draw(st.booleans()) else tp
        for tp in subset(data, tps)
    ]

    sync(server, first, plan_id=plan.id)
    assert server.uids() == {"dentist", *(tp.id for tp in first)}
    decided = sync(server, second, plan_id=plan.id)

    assert server.uids() == {"dentist", *(tp.id for tp in second)}
    gone = {tp.id for tp in first} - {tp.id for tp in second}
    assert {r.href for r in decided.delete} == {f"/cal/{uid}.ics" for uid in gone}
    assert not plan_sync(server.listing(), exported(second), plan_id=plan.id)
