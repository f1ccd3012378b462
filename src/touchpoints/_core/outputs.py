"""What scheduling returns: touch points and schedules (omissions and conflicts come
from ``omissions``, and are re-exported here).

Plain immutable values; the engine builds them and the edges (iCalendar, diffs,
CalDAV, the command line) read them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, NamedTuple, overload

from touchpoints._core.ids import id_of
from touchpoints._core.omissions import (
    OMISSION_KINDS,
    Conflict,
    Omission,
    OmissionKind,
    RuleOccurrence,
)
from touchpoints._model import Adjustment, Duration, Rule, day_label, day_of, reading_text

__all__ = [
    "OMISSION_KINDS",
    "Conflict",
    "Omission",
    "OmissionKind",
    "RuleOccurrence",
    "Schedule",
    "TouchPoint",
    "short_text",
]

_SHORT: Final = 40
"""The most characters of a free-form id (a subject's) that a repr shows."""


def short_text(text: str, most: int = _SHORT) -> str:
    """``text`` as a repr, cut to about ``most`` characters with an ellipsis.

    >>> short_text("c1"), short_text("x" * 50, 10)
    ("'c1'", "'xxxxxxxxx…'")
    """
    return repr(text if len(text) <= most else text[: most - 1] + "…")


def due_text(due: date) -> str:
    """A due time as reprs show it: ISO 8601, with the zone's name for a datetime.

    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> due_text(datetime(2026, 1, 29, 10, tzinfo=ZoneInfo("Europe/Berlin")))
    '2026-01-29T10:00:00+01:00[Europe/Berlin]'
    """
    if isinstance(due, datetime):
        key = getattr(due.tzinfo, "key", None)
        return f"{due.isoformat()}[{key}]" if key else due.isoformat()
    return due.isoformat()


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
        plan_id, rule_id, subject_id, occurrence, _, _, _, _, term = self  # fields, unpacked
        return id_of(plan_id, rule_id, occurrence, subject_id, term)

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

    def __repr__(self) -> str:
        """One line: rule, occurrence, due, subject and plan; never the whole rule.

        >>> from datetime import date
        >>> from touchpoints import Plan, Subject, schedule
        >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
        ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
        >>> schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))[0]
        TouchPoint('call' #1, due 2026-01-15, subject 'c1', plan 'p')
        """
        term = f" of term {self.term}" if self.term != 1 else ""
        planned = self.planned
        moved = f", moved from {planned.isoformat()}" if planned != day_of(self.due) else ""
        done = f", done {self.done_on.isoformat()}" if self.done_on is not None else ""
        return (
            f"TouchPoint({self.rule_id!r} #{self.occurrence}{term}, due {due_text(self.due)}"
            f"{moved}{done}, subject {short_text(self.subject_id)}, plan {self.plan_id!r})"
        )

    def to_json(self) -> dict[str, Any]:
        """This touch point as JSON-ready data (see :meth:`from_json`).

        ``id`` is written for readers and ignored on reading; the rule is written in
        full; a timed touch point names its zone in ``timezone``.

        >>> import json
        >>> from datetime import date
        >>> from touchpoints import Plan, Subject, schedule
        >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
        ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
        >>> tp = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))[0]
        >>> data = tp.to_json()
        >>> data["due"], data["rule"]["title"]
        ('2026-01-15', 'Welcome call')
        >>> TouchPoint.from_json(json.loads(json.dumps(data))) == tp
        True
        """
        from touchpoints._core.conversions import touch_point_to_json

        return touch_point_to_json(self)

    @classmethod
    def from_json(cls, data: Any) -> TouchPoint:
        """A touch point from the data :meth:`to_json` gives.

        Raises:
            JSONReadError: the data is not such a touch point.
            TypeError: the data is not a mapping.
        """
        from touchpoints._core.arguments import require
        from touchpoints._core.conversions import read_touch_point

        require(data, Mapping, "data")
        return read_touch_point(data, None, "the touch point")

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
        elif rule.rrule is not None:
            origin = f"{rule.rrule} from {rule.starting}"
        else:
            origin = ""
        if rule.usage is not None:
            usage = f"each {reading_text(rule.usage.every)} on the {rule.usage.meter}"
            origin = f"{origin}, or {usage}, whichever comes first" if origin else usage
        planned = self.planned
        lines = [f"{self.rule_id} #{self.occurrence}: {origin} = {day_label(planned)}"]
        lines += [f"  {adjustment}" for adjustment in self.adjustments]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True, repr=False)
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

    def to_json(self) -> dict[str, Any]:
        """This schedule as JSON-ready data (see :meth:`from_json`): its window, its
        rules (each once), its touch points (each naming its rule by its position in
        ``rules``), its omissions (with their text) and its conflicts.

        >>> import json
        >>> from datetime import date
        >>> from touchpoints import Plan, Subject, schedule
        >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
        ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase"},
        ...     {"id": "win", "title": "Win", "channel": "call", "at": "churn", "optional": True}]})
        >>> result = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
        >>> data = result.to_json()
        >>> [tp["due"] for tp in data["touch_points"]], data["omitted"][0]["kind"]
        (['2026-01-15'], 'missing_anchor')
        >>> Schedule.from_json(json.loads(json.dumps(data))) == result
        True
        """
        from touchpoints._core.conversions import schedule_to_json

        return schedule_to_json(self)

    @classmethod
    def from_json(cls, data: Any) -> Schedule:
        """A schedule from the data :meth:`to_json` gives.

        Raises:
            JSONReadError: the data is not such a schedule.
            TypeError: the data is not a mapping.
        """
        from touchpoints._core.conversions import reading, schedule_from_json

        return reading("the schedule", lambda: schedule_from_json(data))

    def __repr__(self) -> str:
        """One line: the count, the first and last due, and what was left out.

        >>> Schedule("p", "c1", ())
        Schedule(plan 'p', subject 'c1', 0 touch points, 0 omitted, 0 conflicts)
        """
        points = self.touch_points
        count = f"{len(points)} touch point{'s' if len(points) != 1 else ''}"
        if points:
            count += f" due {due_text(points[0].due)} to {due_text(points[-1].due)}"
        return (
            f"Schedule(plan {self.plan_id!r}, subject {short_text(self.subject_id)}, {count}, "
            f"{len(self.omitted)} omitted, {len(self.conflicts)} conflicts)"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Pretty printers (IPython's, and Hypothesis's for failing examples) would
        # otherwise list a dataclass field by field.
        printer.text(repr(self))
