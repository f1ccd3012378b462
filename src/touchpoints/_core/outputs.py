"""What scheduling returns: touch points, omissions, fatigue conflicts and schedules.

Plain immutable values; the engine builds them and the edges (iCalendar, diffs,
CalDAV, the command line) read them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, overload

from touchpoints._core.ids import touch_point_id
from touchpoints._model import Adjustment, Duration, Rule, day_label, day_of

__all__ = ["Conflict", "Omission", "Schedule", "TouchPoint"]


class TouchPoint(NamedTuple):
    """One contact to make: the output of scheduling, made by the million.

    A touch point is an immutable tuple; the rule's fields (``title``, ``channel``
    and the rest) are read through from its :attr:`rule`, and :attr:`id` is derived
    from the four key fields when read.

    Attributes:
        plan_id: the plan it comes from.
        rule_id: the rule it comes from.
        subject_id: the subject it is for.
        occurrence: its number within the rule's series, from 1.
        due: when: a timezone-aware datetime, or a date when the plan is all-day.
        rule: the rule itself.
        adjustments: each move made to the planned date (a closed day rolled over,
            ...), in order; empty when it stands where its rule put it.
        done_on: when the subject's history says it was completed, else None.
        term: the contract term it belongs to, from 1 (see ``Plan.term``).

    >>> from datetime import date
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> tp = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))[0]
    >>> tp.rule_id, tp.occurrence, tp.due, tp.title, tp.channel
    ('call', 1, datetime.date(2026, 1, 15), 'Welcome call', 'call')
    """

    plan_id: str
    rule_id: str
    subject_id: str
    occurrence: int
    due: date
    rule: Rule
    adjustments: tuple[Adjustment, ...] = ()
    done_on: date | None = None
    term: int = 1

    @property
    def id(self) -> str:
        """A stable, opaque id: see :func:`touchpoints.touch_point_id`."""
        return touch_point_id(
            self.plan_id, self.subject_id, self.rule_id, self.occurrence, term=self.term
        )

    @property
    def is_all_day(self) -> bool:
        """True when :attr:`due` is a date rather than a datetime."""
        return type(self.due) is date

    @property
    def title(self) -> str:
        """The rule's title."""
        return self.rule.title

    @property
    def channel(self) -> str:
        """The rule's channel, such as ``call`` or ``visit``."""
        return self.rule.channel

    @property
    def description(self) -> str | None:
        """The rule's description."""
        return self.rule.description

    @property
    def owner(self) -> str | None:
        """Who makes the contact: the rule's owner or role."""
        return self.rule.owner

    @property
    def priority(self) -> int:
        """The rule's priority, 1 (highest) to 9 (lowest)."""
        return self.rule.priority

    @property
    def tags(self) -> tuple[str, ...]:
        """The rule's tags."""
        return self.rule.tags

    @property
    def duration(self) -> Duration | None:
        """How long the contact takes, when the rule says."""
        return self.rule.duration

    @property
    def anchor(self) -> str:
        """The anchor the touch point's date is counted from."""
        expression = self.rule.at or self.rule.starting
        assert expression is not None
        return expression.anchor

    @property
    def planned(self) -> date:
        """The local date the rule gave, before any adjustment."""
        if self.adjustments:
            return self.adjustments[0].before
        return day_of(self.due)

    def explain(self) -> str:
        """Where this touch point comes from and why it landed where it did.

        >>> from datetime import date
        >>> from touchpoints import Plan, Subject, schedule
        >>> plan = Plan.model_validate({"plan": "p", "calendar": {"holidays": "DE-BY"},
        ...     "touchpoints": [{"id": "call", "title": "Call", "channel": "call",
        ...                      "at": "purchase + 2 weeks"}]})
        >>> tp = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 3, 23)}))[0]
        >>> print(tp.explain())
        call #1: purchase + 2 weeks = Mon 2026-04-06
          Mon 2026-04-06 -> Tue 2026-04-07: holiday: Easter Monday
        """
        rule = self.rule
        if rule.at is not None:
            origin = str(rule.at)
        elif rule.every is not None:
            origin = f"every {rule.every} from {rule.starting}"
        else:
            origin = f"{rule.rrule} from {rule.starting}"
        planned = self.planned
        lines = [f"{self.rule_id} #{self.occurrence}: {origin} = {day_label(planned)}"]
        lines += [f"  {adjustment}" for adjustment in self.adjustments]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Omission:
    """Touch points of a rule left out for a subject, and why; reported, never silent.

    Attributes:
        rule_id: the rule.
        anchor: the anchor the subject lacks, when that is the reason.
        reason: the reason in words, when it is another one (a condition not met,
            a stop anchor), phrased to follow the rule's name.

    >>> print(Omission("win-back", "churn"))
    rule 'win-back' left out: the subject has no 'churn' date
    >>> print(Omission("upsell", reason="left out: attribute 'segment' is missing"))
    rule 'upsell' left out: attribute 'segment' is missing
    """

    rule_id: str
    anchor: str | None = None
    reason: str | None = None

    def __str__(self) -> str:
        why = self.reason or f"left out: the subject has no {self.anchor!r} date"
        return f"rule {self.rule_id!r} {why}"


@dataclass(frozen=True, slots=True)
class Schedule(Sequence[TouchPoint]):
    """A subject's touch points in order, with what was left out and the window used.

    Touch points are ordered by due time, then by the rule's position in the plan,
    then by occurrence number. Iterating, indexing and ``len`` work on the touch
    points.

    Attributes:
        plan_id: the plan scheduled.
        subject_id: the subject scheduled.
        touch_points: the touch points, in order.
        omitted: touch points left out, and why: optional rules whose anchors the
            subject lacks, conditions not met, stop anchors, history, merges.
        start: the window start used (inclusive), or None for no lower bound.
        end: the window end used (exclusive).
        conflicts: spacing or caps that could not be met (see ``Plan.fatigue``).

    >>> from datetime import date
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase + 1 month"},
    ...     {"id": "b", "title": "B", "channel": "email", "at": "churn", "optional": True}]})
    >>> result = schedule(plan, Subject(id="c1", anchors={"purchase": date(2024, 1, 31)}))
    >>> [tp.due for tp in result], [str(o) for o in result.omitted]
    ([datetime.date(2024, 2, 29)], ["rule 'b' left out: the subject has no 'churn' date"])
    """

    plan_id: str
    subject_id: str
    touch_points: tuple[TouchPoint, ...]
    omitted: tuple[Omission, ...] = ()
    start: date | None = None
    end: date | None = None
    conflicts: tuple[Conflict, ...] = ()

    @overload
    def __getitem__(self, index: int) -> TouchPoint: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[TouchPoint, ...]: ...
    def __getitem__(self, index: int | slice) -> TouchPoint | tuple[TouchPoint, ...]:
        return self.touch_points[index]

    def __len__(self) -> int:
        return len(self.touch_points)

    def __iter__(self) -> Iterator[TouchPoint]:
        return iter(self.touch_points)


@dataclass(frozen=True, slots=True)
class Conflict:
    """A touch point whose spacing or cap could not be met, and why.

    >>> print(Conflict("check", 3, 1, "spacing of 7 days with 'service' #2 not met"))
    rule 'check' #3: spacing of 7 days with 'service' #2 not met
    """

    rule_id: str
    occurrence: int
    term: int
    reason: str

    def __str__(self) -> str:
        term = f" of term {self.term}" if self.term != 1 else ""
        return f"rule {self.rule_id!r} #{self.occurrence}{term}: {self.reason}"
