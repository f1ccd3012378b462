"""Rules: one touch point of a plan, what contact to make and when.

A :class:`Rule` is validated on its own: exactly one timing (``at``, ``every`` or
``rrule``), or a ``usage`` limit alone or beside ``every``, the keys that timing
allows, and an RRULE that can actually happen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Annotated, Final, Literal

from pydantic import Field, StrictBool, model_validator
from pydantic_core import PydanticCustomError

from touchpoints._model.base import Frozen, model_error
from touchpoints._model.business import BusinessCalendar
from touchpoints._model.conditions import Condition
from touchpoints._model.durations import AnchorExpression, Duration
from touchpoints._model.fields import Channel, ContactTime, Missed, Priority, Slug, Tag, Text
from touchpoints._model.meters import Usage
from touchpoints._model.recurrence import check_rrule, recurrence

__all__ = ["MAX_COUNT", "CustomerWords", "Rule"]

MAX_COUNT: Final = 100_000


class CustomerWords(Frozen):
    """What a customer reads of a rule, in the customer's own words.

    >>> CustomerWords(title="Your yearly service").description is None
    True
    """

    title: Text = Field(max_length=500, description="The touch point as the customer reads it.")
    description: Text | None = Field(
        default=None, description="Longer words for the customer (the rule's own stay internal)."
    )


class Rule(Frozen):
    """One rule of a plan: what contact to make, and when.

    The timing is one of three kinds, chosen by the key that is present:

    - ``at``: once, at a date expression;
    - ``every``: a fixed interval from ``starting``, ended by ``until`` (inclusive)
      and/or ``count``, or open-ended;
    - ``rrule``: an RFC 5545 recurrence rule whose first candidate is ``starting``;
    - ``usage`` alone: each time a meter has gone ``usage.every`` further, on the day
      its readings project; beside ``every``: whichever of the two comes first.

    >>> rule = Rule.model_validate({
    ...     "id": "service", "title": "Service visit", "channel": "visit",
    ...     "every": "90 days", "starting": "purchase + 90 days", "until": "renewal",
    ... })
    >>> rule.kind, str(rule.every), rule.anchors()
    ('every', '90 days', ('purchase', 'renewal'))
    """

    id: Slug = Field(description="A stable identifier; touch point ids are derived from it.")
    title: Text = Field(max_length=500, description="What the contact is, in a few words.")
    channel: Channel
    description: Text | None = Field(default=None, description="Longer notes for the contact.")
    owner: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="Who makes the contact: a person, team or role."
    )
    priority: Priority = 5
    tags: tuple[Tag, ...] = Field(default=(), max_length=50)
    duration: Duration | None = Field(
        default=None, description="How long the contact takes, such as '30 minutes'."
    )
    after: Literal["schedule", "completion"] = Field(
        default="schedule",
        description=(
            "For an 'every' series: 'schedule' keeps a fixed grid; 'completion' counts "
            "each next occurrence from the last completed one (floating maintenance)."
        ),
    )
    missed: Missed | None = Field(
        default=None,
        description="Overrides the plan's 'missed' policy for this rule.",
    )
    optional: bool = Field(
        default=False,
        description=(
            "Leave the rule out (and report it) for subjects without its anchors, "
            "instead of failing."
        ),
    )
    contact_time: ContactTime | None = Field(
        default=None,
        description="Local time of day for this rule, overriding the channel's and the plan's.",
    )
    business_calendar: BusinessCalendar | None = Field(
        default=None,
        alias="calendar",
        description="Business-day settings for this rule, overriding the subject's and the plan's.",
    )
    when: Mapping[Annotated[str, Field(min_length=1, max_length=200)], Condition] = Field(
        default_factory=dict,
        max_length=50,
        description=(
            "Apply the rule only to subjects whose attributes match, such as "
            "{segment: premium, region: {not_in: [EU]}}."
        ),
    )
    at: AnchorExpression | None = Field(default=None, description="Once, at this date.")
    every: Duration | None = Field(default=None, description="Repeat at this interval.")
    rrule: Annotated[str, Field(max_length=500)] | None = Field(
        default=None,
        description=(
            "An RFC 5545 RRULE, such as 'FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO' (the subset "
            "of the plan files page)."
        ),
    )
    usage: Usage | None = Field(
        default=None,
        description=(
            "A usage limit, such as {meter: odometer, every: 15000}: alone, a touch point "
            "each time the meter has gone that much further; beside 'every', whichever "
            "comes first."
        ),
    )
    starting: AnchorExpression | None = Field(
        default=None, description="The first occurrence of an 'every' or 'rrule' series."
    )
    until: AnchorExpression | None = Field(
        default=None, description="The last allowed date of a series (inclusive)."
    )
    count: Annotated[int, Field(ge=1, le=MAX_COUNT)] | None = Field(
        default=None, description="At most this many occurrences."
    )
    customer: StrictBool | CustomerWords | None = Field(
        default=None,
        description=(
            "What the customer sees of this rule in customer output (--for customer): "
            "left out, internal, when absent or false; shown as it is when true; or "
            "shown in the customer's own words, {title: ..., description: ...}."
        ),
    )

    @property
    def kind(self) -> Literal["once", "every", "rrule", "usage"]:
        """Which timing the rule uses: ``"once"``, ``"every"``, ``"rrule"`` or
        ``"usage"`` (a usage limit, alone or whichever comes first with ``every``)."""
        if self.usage is not None:
            return "usage"
        if self.at is not None:
            return "once"
        return "every" if self.every is not None else "rrule"

    def customer_words(self) -> tuple[str, str | None] | None:
        """The title and description a customer sees, or None for an internal rule.

        >>> Rule(id="c", title="Call", channel="call", at="purchase",
        ...      customer={"title": "Welcome call"}).customer_words()
        ('Welcome call', None)
        """
        if self.customer is None or self.customer is False:
            return None
        if self.customer is True:
            return self.title, self.description
        return self.customer.title, self.customer.description

    def __repr__(self) -> str:
        """One line: id, channel and timing, as the plan states them.

        >>> Rule(id="service", title="Service", channel="visit", every="90 days",
        ...      starting="purchase", count=4, optional=True)
        Rule('service', visit, every 90 days from purchase, count 4, optional)
        >>> Rule(id="call", title="Call", channel="call", at="purchase + 2 weeks")
        Rule('call', call, at purchase + 2 weeks)
        >>> Rule(id="tyres", title="Tyres", channel="sms",
        ...      usage={"meter": "odometer", "every": 30000})
        Rule('tyres', sms, every 30,000 on odometer)
        """
        if self.at is not None:
            timing = f"at {self.at}"
        else:
            steps = [f"every {self.every}" if self.every is not None else ""]
            steps.append(f"rrule {self.rrule}" if self.rrule is not None else "")
            if self.usage is not None:
                steps.append(f"every {self.usage.every:,g} on {self.usage.meter}")
            timing = " or ".join(filter(None, steps))
            timing += f" from {self.starting}" if self.starting is not None else ""
            timing += f" until {self.until}" if self.until is not None else ""
            timing += f", count {self.count}" if self.count is not None else ""
        extras = [
            "after completion" if self.after == "completion" else "",
            "optional" if self.optional else "",
            f"when {', '.join(self.when)}" if self.when else "",
            f"missed {self.missed}" if self.missed is not None else "",
        ]
        return f"Rule({self.id!r}, {self.channel}, {', '.join([timing, *filter(None, extras)])})"

    def anchors(self) -> tuple[str, ...]:
        """The anchor names this rule's dates refer to, in order of first use."""
        names = (e.anchor for e in (self.at, self.starting, self.until) if e is not None)
        return tuple(dict.fromkeys(names))

    def durations(self) -> tuple[Duration, ...]:
        """Every duration the rule's timing uses (offsets and the interval)."""
        offsets = [e.offset for e in (self.at, self.starting, self.until) if e is not None]
        return (*offsets, *((self.every,) if self.every is not None else ()))

    def recurrence(self, dtstart: datetime, until: datetime | None = None) -> Iterable[datetime]:
        """The rule's RRULE series from ``dtstart``, up to ``until`` (inclusive) if given.

        >>> from datetime import datetime
        >>> from itertools import islice
        >>> rule = Rule(id="q", title="Quarterly", channel="call",
        ...             rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO", starting="purchase")
        >>> [d.date().isoformat() for d in islice(rule.recurrence(datetime(2026, 1, 15)), 2)]
        ['2026-04-06', '2026-07-06']
        """
        if self.rrule is None:
            raise ValueError(f"rule {self.id!r} has no rrule")
        return recurrence(self.rrule, dtstart, until)

    @model_validator(mode="after")
    def _check_timing(self) -> Rule:
        timings = [key for key in ("at", "every", "rrule") if getattr(self, key) is not None]
        if self.usage is not None:
            return self._check_usage(timings)
        if len(timings) != 1:
            found = f"it has {' and '.join(timings)}" if timings else "it has none"
            raise model_error(
                "timing",
                "a touch point needs exactly one of 'at' (once), 'every' (a fixed "
                f"interval) or 'rrule' (a calendar rule); {found}",
                key=timings[1] if len(timings) > 1 else None,
            )
        if self.at is not None:
            extra = [k for k in ("starting", "until", "count") if getattr(self, k) is not None]
            if extra:
                raise model_error(
                    "timing",
                    f"'{extra[0]}' belongs to a series ('every' or 'rrule'); a rule with "
                    "'at' happens once",
                    key=extra[0],
                )
            return self
        self._check_series(interval_example="90 days")
        if self.rrule is not None:
            try:
                check_rrule(self.rrule)
            except PydanticCustomError as error:
                raise model_error("rrule", error.message(), key="rrule") from None
        return self

    def _check_usage(self, timings: list[str]) -> Rule:
        if timings and timings != ["every"]:
            raise model_error(
                "timing",
                f"a 'usage' limit goes alone or beside 'every' (whichever comes first), "
                f"not with '{timings[-1]}'",
                key=timings[-1],
            )
        if not timings and self.starting is not None:
            raise model_error(
                "timing",
                "a rule with only 'usage' counts from the meter's readings, so it has no "
                "'starting'; add 'every' for a time limit as well (whichever comes first)",
                key="starting",
            )
        if timings:  # 'every' beside the usage limit: a series like any other
            self._check_series(interval_example="1 year")
        return self

    def _check_series(self, interval_example: str) -> None:
        """What every series needs: a first occurrence, and a step longer than zero."""
        if self.starting is None:
            raise model_error(
                "timing",
                f"a series needs 'starting', the date of its first occurrence, "
                f"such as 'purchase + {self.every or '90 days'}'",
            )
        if self.every is not None and self.every.is_zero:
            raise model_error(
                "timing",
                f"the interval must be longer than zero, such as '{interval_example}'; "
                f"found '{self.every}'",
                key="every",
            )

    @model_validator(mode="after")
    def _check_floating(self) -> Rule:
        if self.after == "completion" and self.every is None:
            raise model_error(
                "after",
                "'after: completion' counts an 'every' series from the last completion; "
                "this rule has no 'every'",
                key="after",
            )
        return self

    @model_validator(mode="after")
    def _check_duration(self) -> Rule:
        if self.duration is not None and (self.duration.is_zero or not self.duration.is_exact):
            raise model_error(
                "duration",
                "a contact's duration must be longer than zero and given in weeks, "
                "days, hours or minutes, such as '30 minutes'",
                key="duration",
            )
        return self
