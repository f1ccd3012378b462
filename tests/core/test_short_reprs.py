"""Reprs are one short line with what a person needs, never the whole rule."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from touchpoints import Plan, Subject, schedule
from touchpoints.testing import plans, subjects

LONGEST = 300

PLAN = Plan.model_validate(
    {
        "plan": "after-sales",
        "timezone": "Europe/Berlin",
        "contact_time": "10:00",
        "calendar": {"holidays": "DE-BY"},
        "touchpoints": [
            {
                "id": "service",
                "title": "Preventive service visit " * 20,
                "description": "Bring the checklist. " * 50,
                "channel": "visit",
                "every": "1 month",
                "starting": "purchase",
                "count": 15,
            }
        ],
    }
)
SUBJECT = Subject(id="cust-42", anchors={"purchase": date(2026, 3, 6)})


def test_a_touch_point_repr_names_rule_occurrence_due_and_subject() -> None:
    tp = schedule(PLAN, SUBJECT)[1]  # 2026-04-06 is Easter Monday: moved
    text = repr(tp)
    assert text == (
        "TouchPoint('service' #2, due 2026-04-07T10:00:00+02:00[Europe/Berlin], "
        "moved from 2026-04-06, subject 'cust-42', plan 'after-sales')"
    )


def test_a_touch_point_kept_on_a_closed_day_is_not_said_to_have_moved() -> None:
    # Easter Monday, 2026-04-06, is closed; the calendar keeps touch points there.
    data = PLAN.model_dump(mode="json")
    data["calendar"] = {"holidays": "DE-BY", "roll": "keep"}
    keeping = Plan.model_validate(data)
    tp = schedule(keeping, SUBJECT)[1]
    assert [a.kind for a in tp.adjustments] == ["rolled"]  # it says why it stayed
    assert repr(tp) == (
        "TouchPoint('service' #2, due 2026-04-06T10:00:00+02:00[Europe/Berlin], "
        "subject 'cust-42', plan 'after-sales')"
    )


def test_a_schedule_repr_gives_count_first_and_last_due_and_counts() -> None:
    # The last is 2027-05-06, Ascension Day in Bavaria: moved to the Friday.
    text = repr(schedule(PLAN, SUBJECT))
    assert text == (
        "Schedule(plan 'after-sales', subject 'cust-42', 15 touch points due "
        "2026-03-06T10:00:00+01:00[Europe/Berlin] to 2027-05-07T10:00:00+02:00[Europe/Berlin], "
        "0 omitted, 0 conflicts)"
    )


def test_a_long_subject_id_is_cut() -> None:
    subject = Subject(id="x" * 1000, anchors={"purchase": date(2026, 3, 6)})
    result = schedule(PLAN, subject)
    assert len(repr(result[0])) <= LONGEST
    assert len(repr(result)) <= LONGEST


@given(st.data())
def test_reprs_are_one_bounded_line(data: st.DataObject) -> None:
    plan = data.draw(plans(max_rules=3))
    subject = data.draw(subjects(plan))
    result = schedule(plan, subject)
    for text in [repr(result), *(repr(tp) for tp in result), *(repr(o) for o in result.omitted)]:
        assert "\n" not in text
        assert len(text) <= LONGEST + 300 * ("Omission" in text), text
    for tp in result:
        assert len(repr(tp)) <= LONGEST
    assert len(repr(result)) <= LONGEST
