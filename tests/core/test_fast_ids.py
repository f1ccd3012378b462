"""The fast ways to touch point ids give the recipe's ids: ``touch_point_ids`` (many at
once), ``TouchPoint.id`` and the iCalendar writer, which computes its ids a batch at a
time. The reference is the recipe computed with the standard library's ``uuid5``,
independently of the package."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.plans import AFTER_SALES

from touchpoints import (
    DuplicateTouchPointError,
    ExportOptions,
    Plan,
    Subject,
    TouchPoint,
    schedule,
    schedule_many,
    to_ical,
    touch_point_id,
    update_ical,
    write_ical,
)
from touchpoints._core import touch_point_ids
from touchpoints.testing import plans, subjects

RECIPE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:touchpoints:touch-point")


def expected_id(plan_id: str, rule_id: str, occurrence: int, subject_id: str, term: int) -> str:
    rule_part = rule_id if term == 1 else f"{rule_id}@{term}"
    name = f"{plan_id}\n{rule_part}\n{occurrence}\n{subject_id}"
    return str(uuid.uuid5(RECIPE_NAMESPACE, name))


class Key(NamedTuple):
    plan_id: str
    rule_id: str
    subject_id: str
    occurrence: int
    term: int


def reference(key: Key) -> str:
    return expected_id(key.plan_id, key.rule_id, key.occurrence, key.subject_id, key.term)


# Any text the name can be encoded from: every plane, line breaks, the empty string,
# and long ones (names longer than a SHA-1 block).
TEXT = st.text() | st.text(st.sampled_from("\n\r\u2028a😀\x00"), max_size=5) | st.text(min_size=60)
SUBJECT_IDS = TEXT.filter(lambda text: 0 < len(text.strip()) <= len(text) <= 1_000)
"""What a Subject takes as its id: up to a thousand characters, not only spaces (the
subject's id is the text without its leading and trailing spaces)."""
IDS = st.from_regex(r"[a-z][a-z0-9._-]{0,30}", fullmatch=True) | TEXT
KEYS = st.builds(
    Key,
    plan_id=IDS,
    rule_id=IDS,
    subject_id=TEXT,
    occurrence=st.integers(min_value=1) | st.integers(min_value=1, max_value=60),
    term=st.just(1) | st.integers(min_value=1, max_value=10**6),
)


class TestOneAndMany:
    @given(KEYS)
    def test_one_id_is_the_recipe(self, key: Key) -> None:
        value = touch_point_id(
            key.plan_id, key.subject_id, key.rule_id, key.occurrence, term=key.term
        )
        assert value == reference(key)

    @given(st.lists(KEYS, max_size=80))
    def test_many_ids_are_the_recipe_in_order(self, keys: list[Key]) -> None:
        assert touch_point_ids(keys) == [reference(key) for key in keys]

    @given(KEYS, st.lists(TEXT, min_size=1, max_size=70))
    def test_one_rule_occurrence_for_many_subjects(self, key: Key, people: list[str]) -> None:
        keys = [key._replace(subject_id=person) for person in people]
        assert touch_point_ids(keys) == [reference(k) for k in keys]

    @pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 15, 1000])
    def test_at_many_lengths(self, count: int) -> None:
        keys = [Key("after-sales", "service", f"cust-{n}", n + 1, 1 + n % 3) for n in range(count)]
        assert touch_point_ids(keys) == [reference(key) for key in keys]

    def test_a_lone_surrogate_is_refused_as_the_recipe_refuses_it(self) -> None:
        # Text that is not Unicode scalar values has no UTF-8 name to hash.
        with pytest.raises(UnicodeEncodeError):
            expected_id("p", "r", 1, "a\ud800", 1)
        with pytest.raises(UnicodeEncodeError):
            touch_point_id("p", "a\ud800", "r", 1)
        with pytest.raises(UnicodeEncodeError):
            touch_point_ids([Key("p", "r", "a\udfff", 1, 2)])


class TestThroughScheduling:
    @given(plans(features=("term",)), st.data())
    def test_schedule_ids_are_the_recipe(self, plan: Plan, data: st.DataObject) -> None:
        subject = data.draw(subjects(plan, ids=SUBJECT_IDS))
        result = schedule(plan, subject)
        expected = [
            expected_id(tp.plan_id, tp.rule_id, tp.occurrence, subject.id, tp.term) for tp in result
        ]
        assert [tp.id for tp in result] == expected
        assert touch_point_ids(result.touch_points) == expected

    @given(plans(), st.data())
    def test_schedule_many_ids_are_the_recipe(self, plan: Plan, data: st.DataObject) -> None:
        people = data.draw(st.lists(subjects(plan, ids=SUBJECT_IDS), max_size=6))
        points = list(schedule_many(plan, people))
        expected = [
            expected_id(plan.id, tp.rule_id, tp.occurrence, tp.subject_id, tp.term) for tp in points
        ]
        assert {tp.subject_id for tp in points} <= {person.id for person in people}
        assert [tp.id for tp in points] == expected
        assert touch_point_ids(points) == expected

    def test_renewed_terms_through_schedule_many(self) -> None:
        plan = Plan.model_validate(
            {
                "plan": "p",
                "term": {"starts": "start", "length": "1 year"},
                "touchpoints": [
                    {
                        "id": "check",
                        "title": "Check",
                        "channel": "call",
                        "every": "30 days",
                        "starting": "start",
                    }
                ],
            }
        )
        people = [
            Subject(id=f"s{n}", anchors={"start": date(2026, 1, 1)}, renewals=(date(2027, 1, 1),))
            for n in range(3)
        ]
        points = list(schedule_many(plan, people, end=date(2028, 1, 1)))
        assert {tp.term for tp in points} == {1, 2}
        assert touch_point_ids(points) == [
            expected_id("p", tp.rule_id, tp.occurrence, tp.subject_id, tp.term) for tp in points
        ]


STAMP = datetime(2026, 1, 1, tzinfo=UTC)
UID = re.compile(rb"\r\nUID:([0-9a-f-]{36})\r\n")


def event_uids(feed: bytes) -> list[str]:
    """The UIDs of the feed's events, in order (not the calendar's own)."""
    return [m.decode() for m in UID.findall(feed[feed.index(b"BEGIN:VEVENT") :])]


def many_touch_points(count: int) -> list[TouchPoint]:
    people = [
        Subject(id=f"cust-{n}", anchors={"purchase": date(2026, 1, 1) + timedelta(days=n)})
        for n in range(count)
    ]
    return list(schedule_many(Plan.model_validate(AFTER_SALES), people))


class TestFeeds:
    """More touch points than one of the writer's batches (512), and fewer."""

    @pytest.mark.parametrize("subjects_count", [1, 40, 80])
    def test_feed_uids_are_the_recipe_in_order(self, subjects_count: int) -> None:
        points = many_touch_points(subjects_count)
        expected = [
            expected_id(tp.plan_id, tp.rule_id, tp.occurrence, tp.subject_id, tp.term)
            for tp in points
        ]
        out = io.BytesIO()
        write_ical(iter(points), out, options=ExportOptions(stamp=STAMP))
        assert event_uids(out.getvalue()) == expected
        feed = to_ical(points, options=ExportOptions(stamp=STAMP))
        assert event_uids(feed) == expected

    def test_state_keys_are_the_recipe(self) -> None:
        points = many_touch_points(40)
        update = update_ical(points, {}, options=ExportOptions(stamp=STAMP))
        assert list(update.state) == [
            expected_id(tp.plan_id, tp.rule_id, tp.occurrence, tp.subject_id, tp.term)
            for tp in points
        ]

    @pytest.mark.parametrize(("subjects_count", "again_at"), [(40, 590), (300, 4_200)])
    def test_a_touch_point_given_twice_is_named(self, subjects_count: int, again_at: int) -> None:
        points = many_touch_points(subjects_count)
        assert len(points) > again_at
        twice = [*points[:again_at], points[17], *points[again_at:]]
        with pytest.raises(DuplicateTouchPointError) as caught:
            to_ical(twice, options=ExportOptions(stamp=STAMP))
        assert caught.value.id == expected_id(
            points[17].plan_id,
            points[17].rule_id,
            points[17].occurrence,
            points[17].subject_id,
            points[17].term,
        )
