"""The pictures read merges and moves from the schedule's fields, never from its words.

An omission's ``reason`` and an adjustment's ``reason`` are for people: they may be
reworded (or translated) at any time. What the picture draws comes from
``Omission.kind``, ``Omission.merged_into`` and its occurrences, and from where an
adjustment went and its ``kind``.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from touchpoints import HistoryEvent, Plan, Schedule, Subject, schedule
from touchpoints._pictures import marks_of

INSTALL_DAY = date(2026, 6, 1)  # purchase 2026-03-23 + 70 days, where training merges


def reworded(result: Schedule, reason: str) -> Schedule:
    """``result`` with the words of every omission replaced by ``reason``."""
    omitted = tuple(dataclasses.replace(o, reason=reason) for o in result.omitted)
    return dataclasses.replace(result, omitted=omitted)


def test_a_merge_is_drawn_from_its_fields_when_its_words_change(result: Schedule) -> None:
    [merge] = result.omitted
    assert merge.kind == "merged"
    # Words that name neither the touch point it went into nor the day.
    _, marks = marks_of(reworded(result, "mit einem anderen Besuch zusammengelegt"))
    [merged] = [m for m in marks if m.kind == "merged"]
    assert (merged.name, merged.day) == ("training #1", INSTALL_DAY)
    assert merged.reasons == ("merged into 'install' #1 on Mon 2026-06-01",)


def test_words_that_read_like_a_merge_are_not_one(result: Schedule) -> None:
    # The words of a merge into another day, on an omission that is no merge.
    misleading = "#1 merged into 'check-up' #1 on Tue 2026-04-07"
    other = dataclasses.replace(result.omitted[0], kind="other", merged_into=None)
    changed = reworded(dataclasses.replace(result, omitted=(other,)), misleading)
    _, marks = marks_of(changed)
    assert [m.kind for m in marks if m.kind == "merged"] == []
    # And a real merge whose words point elsewhere is drawn where its fields say.
    _, marks = marks_of(reworded(result, misleading))
    [merged] = [m for m in marks if m.kind == "merged"]
    assert merged.day == INSTALL_DAY


def test_a_reworded_fatigue_move_is_still_a_move(result: Schedule) -> None:
    survey = next(tp for tp in result if tp.rule_id == "survey")
    [move] = survey.adjustments
    words = dataclasses.replace(move, reason="verschoben: Abstand zum Anruf")
    changed = dataclasses.replace(
        result,
        touch_points=tuple(
            tp._replace(adjustments=(words,)) if tp is survey else tp for tp in result
        ),
    )
    _, marks = marks_of(changed)
    [mark] = [m for m in marks if m.name == "survey #1"]
    assert (mark.kind, mark.original, mark.day) == ("moved", date(2026, 4, 7), date(2026, 4, 10))


def test_a_holiday_roll_is_a_roll_and_a_rescheduled_touch_point_a_move(plan: Plan) -> None:
    # The history moves the check-up call (planned on Easter Monday) to Thu 2026-04-09:
    # not a roll off a closed day, although its words do not start with "moved".
    history = (
        HistoryEvent(rule="check-up", occurrence=1, status="rescheduled", on=date(2026, 4, 9)),
    )
    subject = Subject(id="c", anchors={"purchase": date(2026, 3, 23)}, history=history)
    plain = plan.model_copy(update={"fatigue": None})
    _, marks = marks_of(schedule(plain, subject))
    kinds = {m.name: (m.kind, m.original, m.day) for m in marks}
    assert kinds["check-up #1"] == ("moved", date(2026, 4, 6), date(2026, 4, 9))
    _, marks = marks_of(schedule(plain, Subject(id="c", anchors=subject.anchors)))
    kinds = {m.name: (m.kind, m.original, m.day) for m in marks}
    assert kinds["check-up #1"] == ("rolled", date(2026, 4, 6), date(2026, 4, 7))


def test_a_roll_without_its_closed_days_is_still_a_roll(result: Schedule) -> None:
    # A feed keeps a roll's kind and words, not the closed days it passed over.
    check_up = result[0]
    [roll] = check_up.adjustments
    bare = dataclasses.replace(roll, closed=(), reason="verschoben")
    changed = dataclasses.replace(
        result, touch_points=(check_up._replace(adjustments=(bare,)), *result[1:])
    )
    _, marks = marks_of(changed)
    [mark] = [m for m in marks if m.name == "check-up #1"]
    assert (mark.kind, mark.original, mark.day) == ("rolled", date(2026, 4, 6), date(2026, 4, 7))
