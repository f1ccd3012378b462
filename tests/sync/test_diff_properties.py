"""Properties of touchpoints.diff over plans and subjects from touchpoints.testing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from touchpoints import DIFF_FIELDS, Plan, ScheduleDiff, Subject, TouchPoint, diff, schedule
from touchpoints.testing import plans, subjects

UTC = ZoneInfo("UTC")


def fields_of(tp: TouchPoint) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(tp, name) for name in DIFF_FIELDS}
    due = tp.due
    # A due time is the same calendar entry only with the same kind, wall time and zone.
    values["due"] = (
        (type(due), due.replace(tzinfo=None), str(due.tzinfo), due.utcoffset())
        if isinstance(due, datetime)
        else (type(due), due)
    )
    return values


def by_id(touch_points: Sequence[TouchPoint]) -> dict[str, dict[str, object]]:
    return {tp.id: fields_of(tp) for tp in touch_points}


def schedule_all(plan: Plan, people: Sequence[Subject]) -> list[TouchPoint]:
    return [tp for person in people for tp in schedule(plan, person)]


@st.composite
def plans_and_people(draw: st.DrawFn) -> tuple[Plan, list[Subject]]:
    plan = draw(plans(max_rules=3))
    people = draw(
        st.lists(subjects(plan), min_size=1, max_size=2, unique_by=lambda subject: subject.id)
    )
    return plan, people


@st.composite
def plans_and_subjects(draw: st.DrawFn) -> tuple[Plan, list[TouchPoint]]:
    plan, people = draw(plans_and_people())
    return plan, schedule_all(plan, people)


@st.composite
def edited(draw: st.DrawFn, touch_points: list[TouchPoint]) -> list[TouchPoint]:
    """Drop some touch points, edit some, and add some that were not there."""
    result: list[TouchPoint] = []
    for tp in touch_points:
        action = draw(
            st.sampled_from(["keep", "drop", "move", "retitle", "reprioritise", "complete"])
        )
        if action == "keep":
            result.append(tp)
        elif action == "move":
            result.append(tp._replace(due=tp.due + timedelta(days=draw(st.integers(1, 400)))))
        elif action == "retitle":
            rule = tp.rule.model_copy(update={"title": tp.title + " (edited)"})
            result.append(tp._replace(rule=rule))
        elif action == "reprioritise":
            rule = tp.rule.model_copy(update={"priority": tp.priority % 9 + 1})
            result.append(tp._replace(rule=rule))
        elif action == "complete":
            result.append(tp._replace(done_on=draw(st.dates())))
    extra = draw(st.integers(0, 3))
    for n in range(extra):
        if touch_points:
            template = touch_points[n % len(touch_points)]
            result.append(template._replace(occurrence=1_000_000 + n))
    return result


# Drawing plans and scheduling them costs far more than diffing, so each test checks
# several properties of one drawn case.


@given(plans_and_subjects(), st.data())
def test_a_diff_accounts_for_every_edit(
    case: tuple[Plan, list[TouchPoint]], data: st.DataObject
) -> None:
    _, old = case
    new = data.draw(edited(old))
    before, after = by_id(old), by_id(new)

    result = diff(old, new)

    # Itself: no difference.
    assert diff(old, old) == ScheduleDiff()
    assert not diff(new, new)
    # Disjoint parts that account for every id.
    added = [tp.id for tp in result.added]
    changed = [change.id for change in result.changed]
    removed = [tp.id for tp in result.removed]
    assert len(set(added + changed + removed)) == len(added) + len(changed) + len(removed)
    assert set(added) == after.keys() - before.keys()
    assert set(removed) == before.keys() - after.keys()
    # A change names exactly the fields that differ; unchanged ids agree on all of them.
    listed = {change.id: change.fields for change in result.changed}
    for key in before.keys() & after.keys():
        differing = tuple(name for name in DIFF_FIELDS if before[key][name] != after[key][name])
        assert listed.get(key, ()) == differing
    # Applying the diff to old gives new.
    assert by_id(result.apply(old)) == after
    # Reversing the arguments swaps added and removed.
    backward = diff(new, old)
    assert {tp.id for tp in backward.removed} == set(added)
    assert {tp.id for tp in backward.added} == set(removed)
    assert {(c.id, c.fields) for c in backward.changed} == set(listed.items())
    # Every part is sorted by due time, then id.
    for part in (result.added, result.removed, tuple(c.new for c in result.changed)):
        assert [utc_key(tp) for tp in part] == sorted(utc_key(tp) for tp in part)


@given(plans_and_people())
def test_a_version_bump_changes_nothing_and_a_title_edit_only_titles(
    case: tuple[Plan, list[Subject]],
) -> None:
    plan, people = case
    old = schedule_all(plan, people)
    bumped = plan.model_copy(update={"version": plan.version + 1})
    retitled = plan.model_copy(
        update={
            "rules": tuple(
                rule.model_copy(update={"title": rule.title + "!"}) for rule in plan.rules
            )
        }
    )

    assert not diff(old, schedule_all(bumped, people))
    result = diff(old, schedule_all(retitled, people))
    assert result.added == ()
    assert result.removed == ()
    assert sorted(change.id for change in result.changed) == sorted(tp.id for tp in old)
    assert {change.fields for change in result.changed} <= {("title",)}


def utc_key(tp: TouchPoint) -> tuple[datetime, str]:
    due = tp.due
    if isinstance(due, datetime):
        return due.astimezone(UTC), tp.id
    assert isinstance(due, date)
    return datetime(due.year, due.month, due.day, tzinfo=UTC), tp.id
