"""schedule_many(on_error=...): a host skips and reports subjects that cannot be
scheduled, or (by default) stops at the first one."""

from __future__ import annotations

from datetime import date

import pytest

from touchpoints import (
    MissingAnchorError,
    Plan,
    ScheduleError,
    Subject,
    TooManyTouchPointsError,
    schedule,
    schedule_many,
)

PLAN = Plan.model_validate(
    {
        "plan": "p",
        "touchpoints": [
            {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 1 week"},
            {"id": "renew", "title": "Renew", "channel": "meeting", "at": "renewal"},
        ],
    }
)


def _subject(id: str, **anchors: date) -> Subject:
    return Subject(id=id, anchors=anchors)


GOOD_A = _subject("a", purchase=date(2026, 1, 1), renewal=date(2027, 1, 1))
BAD = _subject("b", purchase=date(2026, 1, 1))  # no renewal: a required rule needs it
GOOD_C = _subject("c", purchase=date(2026, 2, 1), renewal=date(2027, 2, 1))


def test_by_default_the_first_subject_that_cannot_be_scheduled_raises() -> None:
    stream = schedule_many(PLAN, [GOOD_A, BAD, GOOD_C])
    with pytest.raises(MissingAnchorError) as caught:
        list(stream)
    assert caught.value.subject_id == "b"


def test_on_error_skips_the_subject_and_reports_it_with_the_error() -> None:
    seen: list[tuple[Subject, ScheduleError]] = []
    points = list(
        schedule_many(
            PLAN,
            [GOOD_A, BAD, GOOD_C, BAD],
            on_error=lambda subject, error: seen.append((subject, error)),
        )
    )
    # The other subjects get exactly the touch points schedule() gives them alone.
    expected = [*schedule(PLAN, GOOD_A), *schedule(PLAN, GOOD_C)]
    assert points == expected
    assert [subject.id for subject, _ in seen] == ["b", "b"]
    errors = [error for _, error in seen]
    assert all(isinstance(error, MissingAnchorError) for error in errors)
    assert isinstance(errors[0], MissingAnchorError)
    assert errors[0].anchor == "renewal"


def test_on_error_also_catches_a_subject_over_the_limit() -> None:
    plan = Plan.model_validate(
        {
            "plan": "p",
            "touchpoints": [
                {"id": "s", "title": "S", "channel": "call", "every": "1 day", "starting": "x"}
            ],
        }
    )
    many = _subject("many", x=date(2026, 1, 1))
    seen: list[str] = []
    points = list(
        schedule_many(plan, [many], limit=5, on_error=lambda s, e: seen.append(type(e).__name__))
    )
    assert points == []
    assert seen == [TooManyTouchPointsError.__name__]


def test_an_error_of_the_whole_call_is_raised_even_with_on_error() -> None:
    # A bad limit concerns every subject, not one: it is never skipped.
    with pytest.raises(ScheduleError):
        list(schedule_many(PLAN, [GOOD_A], limit=0, on_error=lambda s, e: None))


def test_a_callback_that_raises_stops_the_stream() -> None:
    def stop(subject: Subject, error: ScheduleError) -> None:
        raise RuntimeError(f"stop at {subject.id}")

    stream = schedule_many(PLAN, [GOOD_A, BAD, GOOD_C], on_error=stop)
    with pytest.raises(RuntimeError, match="stop at b"):
        list(stream)


@pytest.mark.parametrize("name", ["on_error", "on_omitted", "on_conflict"])
def test_a_callback_that_is_not_callable_is_refused_at_once(name: str) -> None:
    with pytest.raises(TypeError, match=f"{name} must be a function"):
        next(schedule_many(PLAN, [GOOD_A], **{name: 3}))  # type: ignore[arg-type]
