"""A diff prints as one short line: the counts and the first few ids."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from touchpoints import Plan, Subject, diff, schedule
from touchpoints.testing import plans, subjects


def _plan(every: str, count: int, title: str = "Service") -> Plan:
    return Plan.model_validate(
        {
            "plan": "p",
            "touchpoints": [
                {
                    "id": "s",
                    "title": title,
                    "description": "Bring the checklist. " * 100,
                    "channel": "visit",
                    "every": every,
                    "starting": "purchase",
                    "count": count,
                }
            ],
        }
    )


SUBJECTS = [Subject(id=f"c{n}", anchors={"purchase": date(2026, 1, n)}) for n in range(1, 29)]


def test_a_big_diff_is_one_short_line() -> None:
    old = [tp for s in SUBJECTS for tp in schedule(_plan("1 month", 15), s)]
    new = [tp for s in SUBJECTS for tp in schedule(_plan("2 months", 10, "Visit"), s)]
    change = diff(old, new)
    text = str(change)
    assert repr(change) == text
    assert "\n" not in text
    assert len(text) <= 300
    first = [c.id for c in change.changed[:3]]
    assert text == (
        f"ScheduleDiff(0 added, {len(change.changed)} changed, {len(change.removed)} removed: "
        f"~{first[0]}, ~{first[1]}, ~{first[2]}, …)"
    )


def test_an_empty_diff() -> None:
    old = schedule(_plan("1 month", 2), SUBJECTS[0])
    assert str(diff(old, old)) == "ScheduleDiff(0 added, 0 changed, 0 removed)"


def test_a_change_names_its_touch_point_and_fields() -> None:
    old = schedule(_plan("1 month", 2), SUBJECTS[0])
    new = schedule(_plan("2 months", 2, "Visit"), SUBJECTS[0])
    first, second = diff(old, new).changed
    assert repr(first) == "TouchPointChange('s' #1, subject 'c1': title)"
    change = second
    assert repr(change) == (
        "TouchPointChange('s' #2, subject 'c1': due 2026-02-01 -> 2026-03-01, title)"
    )


@given(st.data())
def test_diff_reprs_are_one_bounded_line(data: st.DataObject) -> None:
    plan = data.draw(plans(max_rules=3))
    subject = data.draw(subjects(plan))
    other = data.draw(subjects(plan))
    change = diff(
        schedule(plan, subject), schedule(plan, other.model_copy(update={"id": subject.id}))
    )
    for text in [str(change), *(repr(c) for c in change.changed)]:
        assert "\n" not in text
        assert len(text) <= 300, text
