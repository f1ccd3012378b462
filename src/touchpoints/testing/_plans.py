"""The plans strategy: valid plan templates, with derived anchors and rules of every
kind, small enough to schedule quickly."""

from __future__ import annotations

import operator
from collections.abc import Collection
from datetime import time
from functools import lru_cache
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from touchpoints._model import AnchorExpression, Duration, Plan, Rule
from touchpoints.testing._arguments import _check_type
from touchpoints.testing._durations import _durations, _expressions
from touchpoints.testing._features import FEATURES, add_features
from touchpoints.testing._fields import _anchor_names, _slugs, _texts
from touchpoints.testing._rules import _rules
from touchpoints.testing._zones import timezones

_ALL_DAY: Final = st.booleans().map(operator.not_)
_HOURS: Final = st.integers(0, 23).map(lambda hour: (hour + 9) % 24)


def _rule_id(rule: Rule) -> str:
    return rule.id


@lru_cache(maxsize=256)
def _rule_lists(
    names: tuple[str, ...], all_day: bool, min_rules: int, max_rules: int
) -> SearchStrategy[list[Rule]]:
    bounded = _rules(anchors=names, all_day=all_day, min_interval=Duration(weeks=1), max_count=60)
    return st.lists(bounded, min_size=min_rules, max_size=max_rules, unique_by=_rule_id)


@st.composite
def _plan_data(
    draw: st.DrawFn,
    all_day: bool | None,
    min_rules: int,
    max_rules: int,
    subject_anchors: tuple[str, ...],
    features: tuple[str, ...] = (),
) -> Plan:
    # Shrinks to an all-day plan, and a timed one to 09:00: the simplest to read.
    is_all_day = draw(_ALL_DAY) if all_day is None else all_day
    # Derived anchors build on earlier ones only, so they never form a circle.
    names = list(subject_anchors)
    derived: dict[str, AnchorExpression] = {}
    for _ in range(draw(st.integers(0, 2))):
        new_name = draw(_anchor_names())
        if new_name in names:
            continue
        derived[new_name] = draw(
            _expressions(tuple(names), allow_time=False, max_offset=Duration(years=5))
        )
        names.append(new_name)
    rule_list = draw(_rule_lists(tuple(names), is_all_day, min_rules, max_rules))
    fields: dict[str, Any] = {
        "plan": draw(_slugs()),
        "version": draw(st.integers(1, 1_000)),
        "anchors": derived,
        "touchpoints": tuple(rule_list),
    }
    if draw(st.booleans()):
        fields["name"] = draw(_texts(max_size=500))
    if draw(st.booleans()):
        fields["timezone"] = draw(timezones())
    if not is_all_day:
        fields["contact_time"] = time(draw(_HOURS), draw(st.integers(0, 59)))
    if draw(st.booleans()):
        fields["horizon"] = draw(_durations(min_value="1 day", max_value="5 years"))
    if features:
        add_features(draw, fields, features, subject_anchors, is_all_day)
    return Plan.model_validate(fields)


def plans(
    *,
    all_day: bool | None = None,
    min_rules: int = 1,
    max_rules: int = 6,
    anchors: Collection[str] = ("purchase",),
    features: Collection[str] = (),
) -> SearchStrategy[Plan]:
    """Valid plan templates, with derived anchors and rules of every kind.

    Schedules stay small: ``every`` intervals are at least a week, an ``rrule``
    has at most one occurrence a week, series have a ``count`` of at most 60,
    and the horizon is at most five years. Contact times are whole minutes.

    Args:
        all_day: True for all-day plans only, False for timed plans only, None for
            both.
        min_rules: the fewest rules in a plan (at least 1).
        max_rules: the most rules in a plan.
        anchors: the names of the anchors subjects supply; the plan may derive up
            to two more from them.
        features: what else plans may have, each about half the time: any of
            ``calendar``, ``fatigue``, ``term``, ``stop`` (a ``churn`` anchor),
            ``channels`` (a channel window) and ``conditions`` (a ``segment``
            test).

    Returns:
        A strategy for :class:`~touchpoints.Plan` values.

    Raises:
        hypothesis.errors.InvalidArgument: an option has the wrong type or value.

    >>> from hypothesis import HealthCheck, given, settings
    >>> steady = settings(max_examples=20, derandomize=True, database=None, deadline=None,
    ...                   suppress_health_check=[HealthCheck.too_slow])
    >>> @steady
    ... @given(plans(all_day=False, max_rules=2, anchors=("purchase", "delivery")))
    ... def test_timed_plans(plan):
    ...     assert not plan.is_all_day and len(plan.rules) <= 2
    ...     assert set(plan.subject_anchors()) <= {"purchase", "delivery"}
    >>> test_timed_plans()
    """
    if all_day is not None:
        _check_type(bool, all_day, "all_day")
    for name, value in (("min_rules", min_rules), ("max_rules", max_rules)):
        if type(value) is not int or not 1 <= value <= 1_000:
            raise InvalidArgument(f"{name}={value!r} must be a whole number from 1 to 1,000")
    if min_rules > max_rules:
        raise InvalidArgument(f"min_rules={min_rules} is more than max_rules={max_rules}")
    names = tuple(anchors) if not isinstance(anchors, str) else ()
    if not names or len(set(names)) != len(names):
        raise InvalidArgument(f"anchors={anchors!r} must be a non-empty collection of names")
    for name in names:
        try:
            AnchorExpression(name)
        except (ValueError, TypeError) as error:
            raise InvalidArgument(f"anchors contains {name!r}: {error}") from None
    wanted = tuple(features) if not isinstance(features, str) else (features,)
    unknown = sorted(set(wanted) - set(FEATURES))
    if unknown:
        raise InvalidArgument(f"features has {unknown[0]!r}; choose from {', '.join(FEATURES)}")
    return _plan_data(all_day, min_rules, max_rules, names, tuple(sorted(set(wanted))))
