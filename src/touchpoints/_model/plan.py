"""The plan template: its settings, its contract terms and its channel windows.

A :class:`Plan` holds its rules (each a :class:`Rule`) and checks what only the whole
plan can: derived anchors that refer to each other, duplicate rule ids, times of day
in an all-day plan, series that end before they start, and usage limits on meters
it does not declare.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Annotated, Final

from pydantic import AfterValidator, Field, PrivateAttr, model_validator
from pydantic_core import PydanticCustomError

from touchpoints._model.anchor_checks import (
    AnchorUse,
    PlanProblem,
    circle_problems,
    name_problems,
)
from touchpoints._model.base import Frozen
from touchpoints._model.business import BusinessCalendar, Weekdays
from touchpoints._model.durations import AnchorExpression, Duration
from touchpoints._model.fatigue import Fatigue
from touchpoints._model.fields import (
    AnchorName,
    Channel,
    ContactTime,
    Missed,
    Slug,
    Text,
    TimeZoneName,
)
from touchpoints._model.memo import Memo
from touchpoints._model.meters import Meter, MeterName
from touchpoints._model.rules import Rule

__all__ = ["ChannelWindow", "Plan", "Term"]


def _at_least_one_rule(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    # Checked after the rules validate, not with ``min_length``: pydantic checks a
    # length on the items that validated, so one bad rule in a plan of one would
    # also be reported as "at least 1 item", a second, false complaint.
    if not rules:
        raise PydanticCustomError(
            "too_short", "a plan needs at least one rule", {"min_length": 1, "actual_length": 0}
        )
    return rules


class Term(Frozen):
    """Contract terms: the plan runs once per term, starting again at each renewal.

    Term 1 starts on the subject's ``starts`` anchor; each of the subject's
    ``renewals`` starts the next term, in which ``starts`` (and every anchor derived
    from it) is the renewal day. A term ends on the next renewal day or, when
    ``length`` is given, at most ``length`` after it began, whichever comes first:
    its touch points after that day are not made.

    >>> Term(starts="purchase", length="3 years").length
    Duration(years=3)
    """

    starts: AnchorName = Field(description="The subject anchor the first term starts on.")
    length: Duration | None = Field(
        default=None, description="How long a term runs without a renewal, such as '3 years'."
    )


class ChannelWindow(Frozen):
    """When contacts over one channel may happen, in the subject's local time.

    >>> window = ChannelWindow(contact_time="09:00", weekdays=("mon", "tue", "wed"))
    >>> window.contact_time, window.weekdays
    (datetime.time(9, 0), ('mon', 'tue', 'wed'))
    """

    contact_time: ContactTime | None = Field(
        default=None, description="Local time of day for this channel, like '09:00'."
    )
    weekdays: Weekdays | None = Field(
        default=None,
        description=(
            "The weekdays this channel is used on (mon ... sun); the business calendar's "
            "workdays if not given."
        ),
    )


def _reference_days() -> tuple[date, ...]:
    # Month ends, leap days and ordinary days: where calendar arithmetic differs.
    days = [date(2023, month, 1) for month in range(1, 13)]
    days += [date(2024, month, 1) - timedelta(days=1) for month in range(2, 13)]
    days += [date(2024, 2, 29), date(2025, 12, 31)]
    return tuple(days)


_REFERENCE_DAYS: Final = _reference_days()
MAX_VERSION: Final = 2_147_483_647
"""The largest plan version: the largest 32-bit integer, as calendars store it."""


class Plan(Frozen):
    """A plan template: the touch points to make for every subject it applies to.

    >>> plan = Plan.model_validate({
    ...     "plan": "after-sales-standard", "version": 3,
    ...     "timezone": "Europe/Berlin", "contact_time": "10:00",
    ...     "anchors": {"renewal": "purchase + 3 years"},
    ...     "touchpoints": [
    ...         {"id": "check-up", "title": "Check-up call", "channel": "call",
    ...          "at": "purchase + 2 weeks"},
    ...     ],
    ... })
    >>> plan.id, plan.is_all_day, plan.subject_anchors()
    ('after-sales-standard', False, ('purchase',))
    """

    id: Slug = Field(alias="plan", description="The plan's stable identifier.")
    version: Annotated[int, Field(ge=1, le=MAX_VERSION, strict=True)] = Field(
        default=1, description="Bump it when you edit the plan; touch point ids do not change."
    )
    name: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    description: Text | None = None
    timezone: TimeZoneName | None = Field(
        default=None, description="The zone for subjects that have none of their own."
    )
    contact_time: ContactTime | None = Field(
        default=None,
        description="Local time of day for every touch point; leave out for all-day ones.",
    )
    horizon: Duration = Field(
        default=Duration(years=5),
        description=(
            "Without a window end, touch points are made up to this long after the "
            "window start or, without one, after the subject's earliest anchor."
        ),
    )
    anchors: Mapping[AnchorName, AnchorExpression] = Field(
        default_factory=dict,
        description="Anchors derived from other anchors, such as 'purchase + 3 years'.",
    )
    declared_subject_anchors: tuple[AnchorName, ...] | None = Field(
        default=None,
        alias="subject_anchors",
        max_length=100,
        description=(
            "The anchors subjects give, such as ['purchase']. When given, every anchor "
            "the plan uses must be one of these or a derived anchor, so a typo is an error."
        ),
    )
    business_calendar: BusinessCalendar | None = Field(
        default=None,
        alias="calendar",
        description=(
            "Working days, public holidays, closed dates and what to do with touch points "
            "that fall on a closed day. Without it, no touch point is moved."
        ),
    )
    fatigue: Fatigue | None = Field(
        default=None,
        description=(
            "Minimum spacing and frequency caps between one subject's contacts; too-close "
            "touch points merge or move, and what cannot be met is reported."
        ),
    )
    term: Term | None = Field(
        default=None,
        description=(
            "Run the plan in contract terms: it starts again from each renewal of the "
            "subject, with ids kept apart per term."
        ),
    )
    missed: Missed = Field(
        default="catch_up",
        description=(
            "What to do with touch points due before the 'as of' date that have no "
            "history: catch_up (keep them, overdue), skip, or collapse into one."
        ),
    )
    stop: tuple[AnchorName, ...] = Field(
        default=(),
        max_length=20,
        description=(
            "Anchors that end the plan, such as 'churn': a subject with one of these "
            "dates gets no touch point after it, except those counted from it."
        ),
    )
    channels: Mapping[Channel, ChannelWindow] = Field(
        default_factory=dict,
        description="Contact windows per channel: a time of day and the weekdays it is used on.",
    )
    meters: Mapping[MeterName, Meter] = Field(
        default_factory=dict,
        max_length=50,
        description=(
            "The meters usage limits count on, such as {odometer: {unit: km, expected: "
            "'1250 per month', starts: delivery}}."
        ),
    )
    rules: Annotated[tuple[Rule, ...], AfterValidator(_at_least_one_rule)] = Field(
        alias="touchpoints",
        max_length=1_000,
        json_schema_extra={"minItems": 1},
        description="The plan's rules: what contact to make, and when.",
    )
    # The engine's compiled form of the plan, made on first use (not a field: it is
    # never validated, dumped or compared).
    _compiled: Memo = PrivateAttr(default_factory=Memo)

    def __repr__(self) -> str:
        """One line: id and version, the rules' ids (the first six), the zone and
        contact time, and which optional parts the plan has.

        >>> Plan.model_validate({"plan": "p", "timezone": "Europe/Berlin",
        ...     "contact_time": "10:00", "fatigue": {"spacing": "7 days"}, "touchpoints": [
        ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase"},
        ...     {"id": "b", "title": "B", "channel": "call", "at": "purchase + 1 week"}]})
        Plan('p' v1, rules 'a', 'b', timezone Europe/Berlin, at 10:00, with fatigue)
        """
        ids = [repr(rule.id) for rule in self.rules[:6]]
        if len(self.rules) > 6:
            ids.append(f"… {len(self.rules)} in all")
        parts = [f"{self.id!r} v{self.version}", f"rule{'s' if len(self.rules) > 1 else ''} "]
        parts[-1] += ", ".join(ids)
        if self.timezone is not None:
            parts.append(f"timezone {self.timezone}")
        parts.append("all-day" if self.contact_time is None else f"at {self.contact_time:%H:%M}")
        optional = {
            "anchors": self.anchors,
            "calendar": self.business_calendar,
            "fatigue": self.fatigue,
            "term": self.term,
            "stop": self.stop,
            "channels": self.channels,
            "meters": self.meters,
        }
        present = [name for name, value in optional.items() if value]
        if present:
            parts.append(f"with {', '.join(present)}")
        return f"Plan({', '.join(parts)})"

    @property
    def is_all_day(self) -> bool:
        """True when the plan has no contact time, so touch points are dates."""
        return self.contact_time is None

    def subject_anchors(self) -> tuple[str, ...]:
        """The anchors subjects supply: the plan's ``subject_anchors`` when it declares
        them, and otherwise every anchor used that the plan does not derive.

        A subject may also give a derived anchor (such as its own ``renewal`` date);
        its value then wins over the derivation.
        """
        if self.declared_subject_anchors is not None:
            return self.declared_subject_anchors
        used: dict[str, None] = {}
        for expression in self.anchors.values():
            used[expression.anchor] = None
        used.update(dict.fromkeys(self.stop))
        if self.term is not None:
            used[self.term.starts] = None
        used.update(dict.fromkeys(m.starts for m in self.meters.values() if m.starts))
        for rule in self.rules:
            used.update(dict.fromkeys(rule.anchors()))
        return tuple(name for name in used if name not in self.anchors)

    def root_anchor(self, name: str) -> tuple[str, tuple[AnchorExpression, ...]]:
        """Follow derived anchors down to a subject anchor.

        Returns the subject anchor's name and the derivations from it, innermost first.
        """
        chain: list[AnchorExpression] = []
        while name in self.anchors:
            expression = self.anchors[name]
            chain.append(expression)
            name = expression.anchor
        return name, tuple(reversed(chain))

    @model_validator(mode="after")
    def _check_plan(self) -> Plan:
        # Every plan-level problem is collected, so a plan file's author sees them
        # all at once; each carries the field path it belongs to in the error's
        # context ("problems"), which the file loader turns into line numbers.
        problems = circle_problems(self.anchors)
        if not problems:
            # With a circle of derived anchors, 'until' and 'starting' cannot be followed.
            problems += self._check_until_after_starting()
        problems += self._check_derived_offsets()
        problems += name_problems(
            self._anchor_uses(), list(self.anchors), self.declared_subject_anchors
        )
        problems += [*self._check_rule_ids(), *self._check_times(), *self._check_meters()]
        if problems:
            raise PydanticCustomError(
                "plan", "{first}", {"first": problems[0][1], "problems": tuple(problems)}
            )
        return self

    def _anchor_uses(self) -> list[AnchorUse]:
        uses: list[AnchorUse] = [
            (("anchors", name), expression.anchor) for name, expression in self.anchors.items()
        ]
        uses += [(("stop", index), name) for index, name in enumerate(self.stop)]
        if self.term is not None:
            uses.append((("term", "starts"), self.term.starts))
        uses += [
            (("meters", name, "starts"), meter.starts)
            for name, meter in self.meters.items()
            if meter.starts is not None
        ]
        for index, rule in enumerate(self.rules):
            for key in ("at", "starting", "until"):
                expression = getattr(rule, key)
                if expression is not None:
                    uses.append((("touchpoints", index, key), expression.anchor))
        return uses

    def _check_derived_offsets(self) -> list[PlanProblem]:
        return [
            (
                ("anchors", name),
                f"anchor {name!r} is a date, so its offset cannot have hours or "
                "minutes; use days, weeks, months or years",
            )
            for name, expression in self.anchors.items()
            if expression.offset.has_time
        ]

    def _check_meters(self) -> list[PlanProblem]:
        declared = ", ".join(self.meters) or "none"
        return [
            (
                ("touchpoints", index, "usage", "meter"),
                f"touch point {rule.id!r} counts on the meter {rule.usage.meter!r}, which "
                f"the plan does not declare; add it under 'meters' with its unit and "
                f"expected use, such as {{{rule.usage.meter}: {{unit: km, expected: "
                f"'1250 per month'}}}} (declared: {declared})",
            )
            for index, rule in enumerate(self.rules)
            if rule.usage is not None and rule.usage.meter not in self.meters
        ]

    def _check_rule_ids(self) -> list[PlanProblem]:
        problems: list[PlanProblem] = []
        seen: dict[str, int] = {}
        for index, rule in enumerate(self.rules):
            if rule.id in seen:
                problems.append(
                    (
                        ("touchpoints", index, "id"),
                        f"duplicate touch point id {rule.id!r}: touchpoints[{seen[rule.id]}] "
                        "already has it; give every touch point its own id",
                    )
                )
            else:
                seen[rule.id] = index
        return problems

    def _check_times(self) -> list[PlanProblem]:
        if self.contact_time is not None:
            return []
        untimed = "a plan without 'contact_time' is all-day: set the plan's 'contact_time' first"
        problems: list[PlanProblem] = [
            (("touchpoints", index, "contact_time"), f"{untimed}, such as '10:00'")
            for index, rule in enumerate(self.rules)
            if rule.contact_time is not None
        ]
        problems += [
            (("channels", channel, "contact_time"), f"{untimed}, such as '10:00'")
            for channel, window in self.channels.items()
            if window.contact_time is not None
        ]
        if self.term is not None and self.term.length is not None and self.term.length.has_time:
            problems.append(
                (
                    ("term", "length"),
                    "a plan without 'contact_time' is all-day, so the term's length cannot "
                    "have hours or minutes; use days, weeks, months or years, or set the "
                    "plan's 'contact_time', such as '10:00'",
                )
            )
        return problems + [
            (
                ("touchpoints", index),
                f"touch point {rule.id!r} uses hours or minutes, which need a time of "
                "day: set the plan's 'contact_time', such as '10:00'",
            )
            for index, rule in enumerate(self.rules)
            if any(duration.has_time for duration in rule.durations())
        ]

    def _check_until_after_starting(self) -> list[PlanProblem]:
        problems: list[PlanProblem] = []
        for index, rule in enumerate(self.rules):
            if rule.starting is None or rule.until is None:
                continue
            start_root, start_chain = self.root_anchor(rule.starting.anchor)
            until_root, until_chain = self.root_anchor(rule.until.anchor)
            if start_root != until_root or any(
                expression.offset.business_days
                for expression in (*start_chain, *until_chain, rule.starting, rule.until)
            ):
                continue
            start_chain += (rule.starting,)
            until_chain += (rule.until,)
            if all(_apply(day, until_chain) < _apply(day, start_chain) for day in _REFERENCE_DAYS):
                problems.append(
                    (
                        ("touchpoints", index, "until"),
                        f"touch point {rule.id!r} ends ('until: {rule.until}') before it "
                        f"starts ('starting: {rule.starting}'), so it would never happen; "
                        "'until' must not be earlier than 'starting'",
                    )
                )
        return problems


def _apply(day: date, chain: tuple[AnchorExpression, ...]) -> datetime:
    moment = datetime.combine(day, time())
    for expression in chain:
        moment = moment + expression.as_relativedelta()
    return moment
