"""Ready-made checks of a schedule: each raises ``AssertionError`` with the offending
touch points explained.

Each function here returns a check: a callable ``check(result, subject=None,
plan=None)`` that takes a :class:`~touchpoints.Schedule` and returns None when it
holds. The checks about anchors (:func:`before`, :func:`after`) need the subject,
and :func:`ids_stable_under` needs the plan and the subject too; :func:`verify`
schedules and runs checks in one go, and shows the failing plan as YAML and its
schedule as a table.

>>> from datetime import date, timedelta
>>> from touchpoints import Plan, Subject, schedule
>>> from touchpoints.testing import checks
>>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
...     {"id": "welcome", "title": "Welcome", "channel": "call", "at": "purchase"},
...     {"id": "survey", "title": "Survey", "channel": "email", "at": "purchase + 3 days"}]})
>>> result = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
>>> checks.min_spacing(timedelta(days=7))(result)
Traceback (most recent call last):
  ...
AssertionError: min_spacing(7 days): 2 touch points of 'c1' are 3 days apart
  welcome #1: purchase = Thu 2026-01-15
  survey #1: purchase + 3 days = Sun 2026-01-18
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Protocol

from touchpoints._core import Schedule, TouchPoint, schedule
from touchpoints._model import (
    BusinessCalendar,
    Duration,
    OpenDays,
    Plan,
    Subject,
    day_label,
    day_of,
    to_local_date,
    zone_for,
)
from touchpoints.testing._show import failure_notes

__all__ = [
    "Check",
    "Edit",
    "after",
    "at_most",
    "before",
    "exactly_once",
    "ids_stable_under",
    "min_spacing",
    "only_open_days",
    "verify",
]


class Check(Protocol):
    """A check of one subject's schedule: returns None, or raises AssertionError."""

    def __call__(
        self, result: Schedule, subject: Subject | None = None, plan: Plan | None = None
    ) -> None: ...


class Edit(Protocol):
    """What :func:`ids_stable_under` needs of an edit (see ``plan_edits``)."""

    @property
    def touched(self) -> frozenset[str]: ...

    def apply(self, plan: Plan) -> Plan: ...


_Test = Callable[[Schedule, Subject | None, Plan | None], str | None]


@dataclass(frozen=True, slots=True)
class _Check:
    name: str
    test: _Test

    def __repr__(self) -> str:
        return self.name

    def __call__(
        self, result: Schedule, subject: Subject | None = None, plan: Plan | None = None
    ) -> None:
        problem = self.test(result, subject, plan)
        if problem is not None:
            raise AssertionError(f"{self.name}: {problem}")


def _explained(touch_points: Sequence[TouchPoint]) -> str:
    return "\n".join(
        "\n".join(f"  {line}" for line in tp.explain().splitlines()) for tp in touch_points
    )


def _gap(first: date, second: date) -> timedelta:
    if isinstance(first, datetime) and isinstance(second, datetime):
        return second - first
    return day_of(second) - day_of(first)


def _days(length: timedelta) -> str:
    if length % timedelta(days=1):
        return str(length)
    return f"{length.days} day{'s' if length.days != 1 else ''}"


def _length(value: timedelta | Duration | str, name: str) -> timedelta:
    duration = Duration.parse(value) if isinstance(value, str) else value
    if isinstance(duration, Duration):
        if not duration.is_exact:
            raise ValueError(f"{name}={value!r} must have a fixed length: weeks, days or hours")
        duration = duration.as_timedelta()
    if duration <= timedelta():
        raise ValueError(f"{name}={value!r} must be longer than zero")
    return duration


def _of_channel(result: Schedule, channel: str | None) -> list[TouchPoint]:
    return [tp for tp in result if channel is None or tp.channel == channel]


def min_spacing(spacing: timedelta | Duration | str, *, channel: str | None = None) -> Check:
    """No two touch points (of ``channel``, if given) closer than ``spacing``.

    All-day touch points count in whole days; timed ones to the minute.

    >>> min_spacing("7 days"), min_spacing(timedelta(days=14), channel="call")
    (min_spacing(7 days), min_spacing(14 days, channel='call'))
    """
    least = _length(spacing, "spacing")
    name = f"min_spacing({_days(least)}{f', channel={channel!r}' if channel else ''})"

    def test(result: Schedule, subject: Subject | None, plan: Plan | None) -> str | None:
        points = _of_channel(result, channel)
        for first, second in pairwise(points):
            gap = _gap(first.due, second.due)
            if gap < least:
                return (
                    f"2 touch points of {result.subject_id!r} are {_days(gap)} apart\n"
                    + _explained([first, second])
                )
        return None

    return _Check(name, test)


def only_open_days(calendar: BusinessCalendar | str) -> Check:
    """Every touch point falls on an open day of ``calendar`` (a calendar, or a
    region's public holidays on Monday to Friday, such as ``"DE-BY"``).

    >>> only_open_days("DE-BY")
    only_open_days('DE-BY')
    """
    layer = BusinessCalendar(holidays=calendar) if isinstance(calendar, str) else calendar
    days = OpenDays.resolve([layer])
    label = repr(calendar) if isinstance(calendar, str) else "calendar"

    def test(result: Schedule, subject: Subject | None, plan: Plan | None) -> str | None:
        closed = [(tp, days.closed_because(day_of(tp.due))) for tp in result]
        closed = [(tp, why) for tp, why in closed if why is not None]
        if not closed:
            return None
        lines = [f"{len(closed)} touch point(s) of {result.subject_id!r} on a closed day"]
        for tp, why in closed:
            lines += [_explained([tp]), f"    due {day_label(day_of(tp.due))}: {why}"]
        return "\n".join(lines)

    return _Check(f"only_open_days({label})", test)


def at_most(count: int, per: timedelta | Duration | str, *, channel: str | None = None) -> Check:
    """At most ``count`` touch points (of ``channel``, if given) in any ``per``.

    >>> at_most(20, "365 days")
    at_most(20 per 365 days)
    """
    if type(count) is not int or count < 1:
        raise ValueError(f"count={count!r} must be a whole number of at least 1")
    window = _length(per, "per")
    name = f"at_most({count} per {_days(window)}{f', channel={channel!r}' if channel else ''})"

    def test(result: Schedule, subject: Subject | None, plan: Plan | None) -> str | None:
        points = _of_channel(result, channel)
        for index in range(len(points) - count):
            first, last = points[index], points[index + count]
            if _gap(first.due, last.due) < window:
                return (
                    f"{count + 1} touch points of {result.subject_id!r} within "
                    f"{_days(_gap(first.due, last.due) + timedelta(days=1))}\n"
                    + _explained(points[index : index + count + 1])
                )
        return None

    return _Check(name, test)


def exactly_once(rule: str) -> Check:
    """Rule ``rule`` makes exactly one touch point in each contract term.

    >>> exactly_once("renewal")
    exactly_once('renewal')
    """

    def test(result: Schedule, subject: Subject | None, plan: Plan | None) -> str | None:
        points = [tp for tp in result if tp.rule_id == rule]
        terms = sorted({tp.term for tp in points}) or [1]
        for term in terms:
            found = [tp for tp in points if tp.term == term]
            if len(found) != 1:
                where = f" in term {term}" if term != 1 else ""
                lines = [f"{len(found)} touch points of {result.subject_id!r}{where}"]
                if found:
                    lines.append(_explained(found))
                lines += [f"  {o}" for o in result.omitted if getattr(o, "rule_id", None) == rule]
                return "\n".join(lines)
        return None

    return _Check(f"exactly_once({rule!r})", test)


def _anchor_day(name: str, subject: Subject, plan: Plan | None) -> date | None:
    zone = zone_for(subject.timezone or (plan.timezone if plan else None) or "UTC")
    if name in subject.anchors:
        return to_local_date(subject.anchors[name], zone)
    if plan is None or name not in plan.anchors:
        return None
    root, chain = plan.root_anchor(name)
    if root not in subject.anchors:
        return None
    day = to_local_date(subject.anchors[root], zone)
    days = OpenDays.resolve([subject.business_calendar, plan.business_calendar])
    for expression in chain:
        if expression.offset.business_days:
            day = days.add(day, expression.sign * expression.offset.business_days)
        else:
            day = day + expression.as_relativedelta()
    return day


def _relative(anchor: str, rule: str | None, inclusive: bool, later: bool) -> Check:
    word = "after" if later else "before"
    options = [repr(anchor)]
    options += [f"rule={rule!r}"] if rule is not None else []
    options += ["inclusive=True"] if inclusive else []

    def test(result: Schedule, subject: Subject | None, plan: Plan | None) -> str | None:
        if subject is None:
            raise TypeError(f"{word}({anchor!r}) needs the subject: check(result, subject)")
        limit = _anchor_day(anchor, subject, plan)
        if limit is None:
            return None  # the subject has no such date: nothing to compare
        wrong = [
            tp
            for tp in result
            if (rule is None or tp.rule_id == rule)
            and not _in_order(day_of(tp.due), limit, later=later, inclusive=inclusive)
        ]
        if not wrong:
            return None
        return (
            f"{len(wrong)} touch point(s) of {result.subject_id!r} not {word} "
            f"{anchor} ({day_label(limit)})\n" + _explained(wrong)
        )

    return _Check(f"{word}({', '.join(options)})", test)


def _in_order(day: date, limit: date, *, later: bool, inclusive: bool) -> bool:
    if later:
        return day > limit or (inclusive and day == limit)
    return day < limit or (inclusive and day == limit)


def before(anchor: str, *, rule: str | None = None, inclusive: bool = False) -> Check:
    """Every touch point (of ``rule``, if given) falls before the subject's
    ``anchor`` date (or on it, when ``inclusive``); a derived anchor needs the plan.

    >>> before("contract_end", rule="renewal")
    before('contract_end', rule='renewal')
    """
    return _relative(anchor, rule, inclusive, later=False)


def after(anchor: str, *, rule: str | None = None, inclusive: bool = False) -> Check:
    """Every touch point (of ``rule``, if given) falls after the subject's ``anchor``
    date (or on it, when ``inclusive``); a derived anchor needs the plan.

    >>> after("purchase", inclusive=True)
    after('purchase', inclusive=True)
    """
    return _relative(anchor, rule, inclusive, later=True)


def ids_stable_under(edit: Edit) -> Check:
    """Scheduling the edited plan keeps the ids of the touch points of every rule the
    edit did not touch (in the same window).

    >>> from touchpoints.testing import Edit
    >>> ids_stable_under(Edit("bump_version", None, None, frozenset()))
    ids_stable_under(bump_version())
    """

    def test(result: Schedule, subject: Subject | None, plan: Plan | None) -> str | None:
        if subject is None or plan is None:
            raise TypeError("ids_stable_under needs the plan: check(result, subject, plan)")
        edited = schedule(edit.apply(plan), subject, start=result.start, end=result.end)
        before_ = {tp.id: tp for tp in result if tp.rule_id not in edit.touched}
        after_ = {tp.id: tp for tp in edited if tp.rule_id not in edit.touched}
        gone = [tp for key, tp in before_.items() if key not in after_]
        new = [tp for key, tp in after_.items() if key not in before_]
        if not gone and not new:
            return None
        lines = [f"the edit changed touch points of rules it did not touch ({result.subject_id!r})"]
        lines += ["  gone:", _explained(gone)] if gone else []
        lines += ["  new:", _explained(new)] if new else []
        return "\n".join(lines)

    return _Check(f"ids_stable_under({edit!r})", test)


def verify(
    plan: Plan,
    subject: Subject,
    *checks: Check,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
) -> Schedule:
    """Schedule ``plan`` for ``subject`` and run ``checks`` on the result.

    When a check fails inside a Hypothesis test, the plan is noted as YAML and the
    schedule as a table (``hypothesis.note``), so the failing example reads as a
    plan file; outside one, they are added to the error's message.

    Returns:
        The schedule, for further checks.

    >>> from datetime import date
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 days"}]})
    >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    >>> len(verify(plan, subject, exactly_once("call")))
    1
    >>> verify(plan, subject, only_open_days("DE-BY"))
    Traceback (most recent call last):
      ...
    AssertionError: only_open_days('DE-BY'): 1 touch point(s) of 'c1' on a closed day
      call #1: purchase + 2 days = Sat 2026-01-17
        due Sat 2026-01-17: weekend
    <BLANKLINE>
    plan:
    plan: p
    ...
    schedule:
    due             rule  #  channel  title
    --------------  ----  -  -------  -----
    Sat 2026-01-17  call  1  call     Call
    """
    result = schedule(plan, subject, start=start, end=end, as_of=as_of)
    for check in checks:
        try:
            check(result, subject, plan)
        except AssertionError as error:
            extra = failure_notes(plan, subject, result)
            if extra:
                raise AssertionError(f"{error}\n\n{extra}") from None
            raise
    return result
