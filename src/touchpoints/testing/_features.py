"""The plan features ``plans(features=...)`` adds: business calendars, contact
fatigue, contract terms, stop anchors, channel windows and conditions; and the
history and renewals of subjects of such plans."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, time, timedelta
from typing import Any, Final

from hypothesis import strategies as st

from touchpoints._model import WEEKDAYS, Cap, ChannelWindow, Duration, Fatigue, Plan, Rule, Term
from touchpoints.testing._calendars import business_calendars

__all__ = ["FEATURES", "add_features", "history_events", "renewal_days", "segment_attributes"]

FEATURES: Final = ("calendar", "fatigue", "term", "stop", "channels", "conditions")
"""Every feature ``plans(features=...)`` can add."""

_SEGMENTS: Final = ("fleet", "private", "premium")
_STOP: Final = "churn"


def _days(low: int, high: int) -> st.SearchStrategy[Duration]:
    return st.integers(low, high).map(lambda days: Duration(days=days))


def _fatigue() -> st.SearchStrategy[Fatigue]:
    caps = st.builds(Cap, max=st.integers(1, 20), per=_days(7, 365))
    return st.builds(
        Fatigue,
        spacing=st.none() | _days(1, 14),
        caps=st.lists(caps, max_size=2).map(tuple),
        merge=st.booleans(),
        max_shift=_days(1, 60),
    )


def _with_condition(rule: Rule, segment: Any) -> Rule:
    data = rule.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    return Rule.model_validate({**data, "when": {"segment": segment}})


def add_features(
    draw: st.DrawFn,
    fields: dict[str, Any],
    features: Collection[str],
    subject_anchors: tuple[str, ...],
    all_day: bool,
) -> None:
    """Add some of ``features`` to a plan's fields, each about half the time."""
    rules: tuple[Rule, ...] = fields["touchpoints"]
    if "calendar" in features and draw(st.booleans()):
        fields["calendar"] = draw(business_calendars())
    if "fatigue" in features and draw(st.booleans()):
        fields["fatigue"] = draw(_fatigue())
    if "term" in features and draw(st.booleans()):
        length = draw(st.none() | st.integers(1, 3).map(lambda years: Duration(years=years)))
        fields["term"] = Term(starts=subject_anchors[0], length=length)
    if "stop" in features and _STOP not in subject_anchors and draw(st.booleans()):
        fields["stop"] = (_STOP,)
    if "channels" in features and draw(st.booleans()):
        channel = draw(st.sampled_from(sorted({rule.channel for rule in rules})))
        weekdays = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=5, unique=True))
        at = None if all_day else draw(st.sampled_from((time(8), time(13, 30), time(17))))
        fields["channels"] = {channel: ChannelWindow(contact_time=at, weekdays=tuple(weekdays))}
    if "conditions" in features and draw(st.booleans()):
        index = draw(st.integers(0, len(rules) - 1))
        segment = draw(
            st.sampled_from(_SEGMENTS)
            | st.lists(st.sampled_from(_SEGMENTS), min_size=1, max_size=2, unique=True)
        )
        changed = _with_condition(rules[index], segment)
        fields["touchpoints"] = (*rules[:index], changed, *rules[index + 1 :])


def segment_attributes(plan: Plan) -> st.SearchStrategy[dict[str, Any]]:
    """Attributes for a plan with conditions: a segment that matches some, or none."""
    if not any(rule.when for rule in plan.rules):
        return st.just({})
    return st.one_of(st.just({}), st.sampled_from(_SEGMENTS).map(lambda s: {"segment": s}))


def history_events(plan: Plan, start: date) -> st.SearchStrategy[list[dict[str, Any]]]:
    """What happened to a subject's first touch points: completions, skips,
    reschedules and cancellations of the plan's rules, near ``start``."""
    day = st.integers(0, 400).map(lambda n: start + timedelta(days=n))
    event = st.fixed_dictionaries(
        {
            "rule": st.sampled_from([rule.id for rule in plan.rules]),
            "occurrence": st.integers(1, 3),
            "status": st.sampled_from(("completed", "skipped", "rescheduled", "cancelled")),
            "on": day,
        }
    )
    return st.lists(event, max_size=4)


def renewal_days(start: date) -> st.SearchStrategy[list[date]]:
    """Renewal days after ``start``, in order."""
    gaps = st.lists(st.integers(180, 3 * 366), max_size=2)
    return gaps.map(
        lambda found: [start + timedelta(days=sum(found[: i + 1])) for i in range(len(found))]
    )
