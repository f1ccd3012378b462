"""What of a plan the columnar path computes, and the plan in the numbers it needs.

A plan is computed on arrays when every rule is an ``at`` or ``every`` rule without
conditions or a usage limit, and the plan has no fatigue rules, terms or stop anchors, no ``as of``
date and no datetime window bounds. :func:`fallback_reason` says why a plan is not;
such plans run through ``touchpoints.schedule_many`` inside the same call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from touchpoints import AnchorExpression, Duration, Plan, Rule
from touchpoints.batch._days import Closed, resolve

__all__ = ["Compiled", "Expression", "RuleSpec", "compile_plan", "fallback_reason"]

_DAY = 86_400


def fallback_reason(
    plan: Plan, start: date | None, end: date | None, as_of: date | None
) -> str | None:
    """Why ``plan`` (with this window) runs on the object path, or None when the
    columnar path computes it.

    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "q", "title": "Q", "channel": "call", "rrule": "FREQ=MONTHLY",
    ...      "starting": "purchase"}]})
    >>> fallback_reason(plan, None, None, None)
    "rule 'q' is an rrule"
    """
    if plan.fatigue is not None:
        return "the plan has fatigue rules"
    if plan.term is not None:
        return "the plan runs in terms"
    if plan.stop:
        return "the plan has stop anchors"
    if as_of is not None:
        return "an 'as of' date is given"
    if isinstance(start, datetime) or isinstance(end, datetime):
        return "a window bound is a datetime"
    if plan.horizon.has_time or plan.horizon.business_days:
        return "the horizon has hours, minutes or business days"
    for rule in plan.rules:
        if rule.rrule is not None:
            return f"rule {rule.id!r} is an rrule"
        if rule.when:
            return f"rule {rule.id!r} has conditions"
        if rule.usage is not None:
            return f"rule {rule.id!r} counts on a meter"
    return None


@dataclass(frozen=True, slots=True)
class Expression:
    """A date expression as numbers: the anchor, signed months, signed seconds and
    signed business days (a duration never mixes business days with other units)."""

    anchor: str
    months: int
    seconds: int
    business: int

    @classmethod
    def of(cls, expression: AnchorExpression) -> Expression:
        return cls(expression.anchor, *_parts(expression.offset, expression.sign))


def _parts(duration: Duration, sign: int = 1) -> tuple[int, int, int]:
    months = duration.years * 12 + duration.months
    seconds = (duration.weeks * 7 + duration.days) * _DAY + duration.hours * 3600
    seconds += duration.minutes * 60
    return sign * months, sign * seconds, sign * duration.business_days


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One rule of a columnar plan, as numbers."""

    index: int
    rule: Rule
    first: Expression  # 'at', or 'starting' of a series
    until: Expression | None
    step: tuple[int, int, int] | None  # months, seconds, business days; None: once
    count: int | None
    time_of_day: int  # seconds after midnight (0 for all-day plans)
    closed: Closed  # for business days and rolls
    rolls: bool


@dataclass(frozen=True, slots=True)
class Compiled:
    """A columnar plan: its rules, derived anchors and horizon, as numbers."""

    plan: Plan
    rules: tuple[RuleSpec, ...]
    derived: dict[str, Expression]
    derive_closed: Closed
    horizon: tuple[int, int]  # months, seconds
    names: tuple[str, ...]  # every anchor the window's origin looks at


def _seconds(moment: time | None) -> int:
    if moment is None:
        return 0
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def compile_plan(plan: Plan) -> Compiled:
    """The numbers of a plan that :func:`fallback_reason` accepts."""
    specs = []
    for index, rule in enumerate(plan.rules):
        window = plan.channels.get(rule.channel)
        contact = (
            rule.contact_time
            or (window.contact_time if window is not None else None)
            or plan.contact_time
        )
        weekdays = window.weekdays if window is not None else None
        closed = resolve((rule.business_calendar, None, plan.business_calendar)).with_weekdays(
            weekdays
        )
        first = rule.at if rule.at is not None else rule.starting
        assert first is not None
        specs.append(
            RuleSpec(
                index=index,
                rule=rule,
                first=Expression.of(first),
                until=Expression.of(rule.until) if rule.until is not None else None,
                step=_parts(rule.every) if rule.every is not None else None,
                count=rule.count,
                time_of_day=_seconds(contact),
                closed=closed,
                rolls=plan.business_calendar is not None
                or rule.business_calendar is not None
                or weekdays is not None,
            )
        )
    names = dict.fromkeys(plan.subject_anchors())
    names.update(dict.fromkeys(plan.anchors))
    months, seconds, _ = _parts(plan.horizon)
    return Compiled(
        plan=plan,
        rules=tuple(specs),
        derived={name: Expression.of(value) for name, value in plan.anchors.items()},
        derive_closed=resolve((None, None, plan.business_calendar)),
        horizon=(months, seconds),
        names=tuple(names),
    )
