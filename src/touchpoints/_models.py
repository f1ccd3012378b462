"""The input models: plan templates, their rules, and subjects.

They validate at the edge (pydantic v2, frozen, unknown keys rejected) so that the
engine computes on trusted values.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Annotated, Final, Literal

from dateutil.rrule import rrule as RecurrenceRule
from dateutil.rrule import rrulestr
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from touchpoints._business import BusinessCalendar, Weekdays
from touchpoints._calendar import zone_for
from touchpoints._conditions import Condition
from touchpoints._durations import AnchorExpression, Duration
from touchpoints._fatigue import Fatigue

__all__ = ["ChannelWindow", "HistoryEvent", "Missed", "Plan", "Rule", "Subject", "Term"]

_SLUG: Final = r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$"
_ANCHOR_NAME: Final = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
_PRIORITY_WORDS: Final = {"highest": 1, "high": 3, "normal": 5, "low": 7, "lowest": 9}
_RRULE_FREQUENCIES: Final = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
# DAILY and WEEKLY rules take only filters that every year can meet, so that none
# of them can make dateutil search day by day to the year 9999 for a date that never
# comes (February 30th, or Tuesdays seen every 7 days from a Monday).
_RRULE_FILTERS: Final = ("BYMONTH", "BYDAY")  # for DAILY and WEEKLY rules
_RRULE_FORBIDDEN: Final = {
    "DTSTART": "the series starts at 'starting'",
    "UNTIL": "use the rule's 'until' key instead",
    "COUNT": "use the rule's 'count' key instead",
    "BYHOUR": "the time of day comes from the plan's 'contact_time'",
    "BYMINUTE": "the time of day comes from the plan's 'contact_time'",
    "BYSECOND": "the time of day comes from the plan's 'contact_time'",
}
KNOWN_CHANNELS: Final = ("call", "email", "visit", "meeting", "letter", "sms")
"""The channels every tool understands; any other lowercase word is allowed too."""

MAX_COUNT: Final = 100_000


def _error(kind: str, message: str, *, key: str | None = None) -> PydanticCustomError:
    # ``key`` names the field a model-level problem belongs to, so that a file
    # loader can point at its line.
    if key is None:
        return PydanticCustomError(kind, message)
    return PydanticCustomError(kind, "{message}", {"message": message, "key": key})


def _check_zone(key: str) -> str:
    try:
        zone_for(key)
    except ValueError as error:
        raise _error("timezone", str(error)) from None
    return key


def _priority(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in _PRIORITY_WORDS:
        return _PRIORITY_WORDS[value.strip().lower()]
    return value


def _contact_time(value: time) -> time:
    if value.tzinfo is not None:
        raise _error(
            "contact_time",
            "a contact time is local wall-clock time in the subject's zone; "
            "leave out the offset (write '10:00', not '10:00+01:00')",
        )
    return value


Slug = Annotated[
    str,
    Field(
        pattern=_SLUG,
        description="Lowercase letters, digits, '.', '_' and '-', at most 64 characters.",
        examples=["after-sales-standard", "check-up"],
    ),
]
AnchorName = Annotated[
    str,
    Field(
        pattern=_ANCHOR_NAME,
        description="Letters, digits and '_', starting with a letter.",
        examples=["purchase", "renewal", "contract_end"],
    ),
]
TimeZoneName = Annotated[
    str,
    AfterValidator(_check_zone),
    Field(description="An IANA time zone name.", examples=["Europe/Berlin"]),
]
Channel = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_-]{0,31}$",
        description=(
            "How the contact happens: call, email, visit, meeting, letter, sms, "
            "or another lowercase word."
        ),
        examples=list(KNOWN_CHANNELS),
    ),
]
Priority = Annotated[
    int,
    BeforeValidator(_priority),
    Field(
        ge=1,
        le=9,
        description=(
            "1 (highest) to 9 (lowest), as in iCalendar, or one of the words "
            "highest, high, normal, low, lowest."
        ),
    ),
]
Text = Annotated[str, Field(min_length=1, max_length=10_000)]
Tag = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^,;\\\r\n]+$")]
ContactTime = Annotated[
    time,
    AfterValidator(_contact_time),
    Field(description="Local time of day, like '10:00'.", examples=["10:00", "14:30"]),
]


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


Missed = Literal["catch_up", "skip", "collapse"]
"""What happens to touch points that were due before ``as_of`` and have no history:

- ``catch_up``: they stay where they are, overdue;
- ``skip``: they are left out (and reported);
- ``collapse``: the latest one moves to ``as_of`` and stands for all of them.
"""


class Term(_Frozen):
    """Contract terms: the plan runs once per term, starting again at each renewal.

    Term 1 starts on the subject's ``starts`` anchor; each of the subject's
    ``renewals`` starts the next term, in which ``starts`` (and every anchor derived
    from it) is the renewal day. A term ends on the next renewal day or, when
    ``length`` is given, at most ``length`` after it began, whichever comes first:
    its touch points after that day are not made.

    >>> Term(starts="purchase", length="3 years").length
    Duration(years=3, months=0, weeks=0, days=0, hours=0, minutes=0, business_days=0)
    """

    starts: AnchorName = Field(description="The subject anchor the first term starts on.")
    length: Duration | None = Field(
        default=None, description="How long a term runs without a renewal, such as '3 years'."
    )


class ChannelWindow(_Frozen):
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


class Rule(_Frozen):
    """One rule of a plan: what contact to make, and when.

    The timing is one of three kinds, chosen by the key that is present:

    - ``at``: once, at a date expression;
    - ``every``: a fixed interval from ``starting``, ended by ``until`` (inclusive)
      and/or ``count``, or open-ended;
    - ``rrule``: an RFC 5545 recurrence rule whose first candidate is ``starting``.

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
    calendar: BusinessCalendar | None = Field(
        default=None,
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
        description="An RFC 5545 RRULE, such as 'FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO'.",
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

    @property
    def kind(self) -> Literal["once", "every", "rrule"]:
        """Which timing the rule uses: ``"once"``, ``"every"`` or ``"rrule"``."""
        if self.at is not None:
            return "once"
        return "every" if self.every is not None else "rrule"

    def anchors(self) -> tuple[str, ...]:
        """The anchor names this rule's dates refer to, in order of first use."""
        names = (e.anchor for e in (self.at, self.starting, self.until) if e is not None)
        return tuple(dict.fromkeys(names))

    def durations(self) -> tuple[Duration, ...]:
        """Every duration the rule's timing uses (offsets and the interval)."""
        offsets = [e.offset for e in (self.at, self.starting, self.until) if e is not None]
        return (*offsets, *((self.every,) if self.every is not None else ()))

    def recurrence(self, dtstart: datetime) -> RecurrenceRule:
        """The rule's RRULE as a dateutil ``rrule`` starting at ``dtstart``.

        >>> from datetime import datetime
        >>> rule = Rule(id="q", title="Quarterly", channel="call",
        ...             rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO", starting="purchase")
        >>> rule.recurrence(datetime(2026, 1, 15)).after(datetime(2026, 1, 15))
        datetime.datetime(2026, 4, 6, 0, 0)
        """
        if self.rrule is None:
            raise ValueError(f"rule {self.id!r} has no rrule")
        parsed = rrulestr(self.rrule, dtstart=dtstart, forceset=False, cache=False)
        assert isinstance(parsed, RecurrenceRule)
        return parsed

    @model_validator(mode="after")
    def _check_timing(self) -> Rule:
        timings = [key for key in ("at", "every", "rrule") if getattr(self, key) is not None]
        if len(timings) != 1:
            found = f"it has {' and '.join(timings)}" if timings else "it has none"
            raise _error(
                "timing",
                "a touch point needs exactly one of 'at' (once), 'every' (a fixed "
                f"interval) or 'rrule' (a calendar rule); {found}",
                key=timings[1] if len(timings) > 1 else None,
            )
        if self.at is not None:
            extra = [k for k in ("starting", "until", "count") if getattr(self, k) is not None]
            if extra:
                raise _error(
                    "timing",
                    f"'{extra[0]}' belongs to a series ('every' or 'rrule'); a rule with "
                    "'at' happens once",
                    key=extra[0],
                )
            return self
        if self.starting is None:
            raise _error(
                "timing",
                f"a series needs 'starting', the date of its first occurrence, "
                f"such as 'purchase + {self.every or '90 days'}'",
            )
        if self.every is not None and self.every.is_zero:
            raise _error(
                "timing",
                f"the interval must be longer than zero, such as '90 days'; found '{self.every}'",
                key="every",
            )
        if self.rrule is not None:
            try:
                self._check_rrule(self.rrule)
            except PydanticCustomError as error:
                raise _error("rrule", error.message(), key="rrule") from None
        return self

    @model_validator(mode="after")
    def _check_floating(self) -> Rule:
        if self.after == "completion" and self.every is None:
            raise _error(
                "after",
                "'after: completion' counts an 'every' series from the last completion; "
                "this rule has no 'every'",
                key="after",
            )
        return self

    @model_validator(mode="after")
    def _check_duration(self) -> Rule:
        if self.duration is not None and (self.duration.is_zero or not self.duration.is_exact):
            raise _error(
                "duration",
                "a contact's duration must be longer than zero and given in weeks, "
                "days, hours or minutes, such as '30 minutes'",
                key="duration",
            )
        return self

    @staticmethod
    def _check_rrule(text: str) -> None:
        parts = [part.split("=", 1)[0].strip().upper() for part in text.split(";") if part]
        for part in parts:
            if part in _RRULE_FORBIDDEN:
                raise _error("rrule", f"an rrule here cannot have {part}: {_RRULE_FORBIDDEN[part]}")
        if (
            text.strip().upper().startswith(("RRULE:", "DTSTART", "EXDATE", "RDATE"))
            or "\n" in text
        ):
            raise _error(
                "rrule",
                "give only the rule's value, such as 'FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO'",
            )
        frequency = dict(p.split("=", 1) for p in text.upper().split(";") if "=" in p).get("FREQ")
        if frequency not in _RRULE_FREQUENCIES:
            found = f"it has FREQ={frequency}" if frequency else "it has no FREQ"
            raise _error(
                "rrule",
                "an rrule needs FREQ=YEARLY, MONTHLY, WEEKLY or DAILY (touch points are "
                f"never more frequent than daily in an rrule); {found}",
            )
        try:
            parsed = rrulestr(text, dtstart=datetime(2000, 1, 1), forceset=False, cache=False)
        except (ValueError, TypeError, KeyError, IndexError) as error:
            raise _error(
                "rrule",
                f"{text!r} is not a valid RFC 5545 RRULE ({error}); an example of a "
                "valid one is 'FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO'",
            ) from None
        assert isinstance(parsed, RecurrenceRule)
        values = {
            key.strip(): value.strip()
            for key, _, value in (part.upper().partition("=") for part in text.split(";"))
        }
        if frequency in ("DAILY", "WEEKLY"):
            extra = sorted(
                key for key in values if key.startswith("BY") and key not in _RRULE_FILTERS
            )
            problem = None
            if extra:
                problem = (
                    f"a {frequency} rrule can filter only by BYMONTH and BYDAY, not {extra[0]}; "
                    "for day-of-month or day-of-year patterns use FREQ=MONTHLY or FREQ=YEARLY"
                )
            elif any(ch.isdigit() for ch in values.get("BYDAY", "")):
                problem = "BYDAY with a number (such as 1MO) needs FREQ=MONTHLY or FREQ=YEARLY"
            elif frequency == "DAILY" and "BYDAY" in values and values.get("INTERVAL", "1") != "1":
                problem = (
                    "a DAILY rrule with an INTERVAL cannot also filter by BYDAY; for every n "
                    "weeks on given weekdays use FREQ=WEEKLY;INTERVAL=n;BYDAY=..."
                )
            if problem is not None:
                raise _error("rrule", problem)
        if frequency in ("YEARLY", "MONTHLY"):
            # A rule that never matches (February 30th) is a mistake worth naming. Its
            # pattern repeats within 400 years (the Gregorian cycle), a cheap search for
            # these frequencies. Scheduling never searches past the window either way.
            bounded = parsed.replace(until=datetime(2400, 1, 1))
            try:
                first = next(iter(bounded), None)
            except (ValueError, IndexError):  # dateutil fails on BYDAY=22MO
                raise _error(
                    "rrule",
                    f"{text!r} is not a valid RFC 5545 RRULE: a number in its BY parts is "
                    "out of range (BYDAY takes 1MO to 5MO in a month, 1MO to 53MO in a year)",
                ) from None
            if first is None:
                raise _error(
                    "rrule",
                    f"{text!r} never happens (no date matches it in 400 years); check its "
                    "BYMONTH, BYMONTHDAY and BYDAY parts",
                )


def _reference_days() -> tuple[date, ...]:
    # Month ends, leap days and ordinary days: where calendar arithmetic differs.
    days = [date(2023, month, 1) for month in range(1, 13)]
    days += [date(2024, month, 1) - timedelta(days=1) for month in range(2, 13)]
    days += [date(2024, 2, 29), date(2025, 12, 31)]
    return tuple(days)


_REFERENCE_DAYS: Final = _reference_days()


class Plan(_Frozen):
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
    version: Annotated[int, Field(ge=1)] = Field(
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
    calendar: BusinessCalendar | None = Field(
        default=None,
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
    touchpoints: tuple[Rule, ...] = Field(min_length=1, max_length=1_000)

    @property
    def is_all_day(self) -> bool:
        """True when the plan has no contact time, so touch points are dates."""
        return self.contact_time is None

    def subject_anchors(self) -> tuple[str, ...]:
        """The anchors subjects supply: every anchor used that the plan does not derive.

        A subject may also give a derived anchor (such as its own ``renewal`` date);
        its value then wins over the derivation.
        """
        used: dict[str, None] = {}
        for expression in self.anchors.values():
            used[expression.anchor] = None
        used.update(dict.fromkeys(self.stop))
        if self.term is not None:
            used[self.term.starts] = None
        for rule in self.touchpoints:
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
        problems = self._check_derived_anchors()
        if not any("circle" in message for _, message in problems):
            # With a circle of derived anchors, 'until' and 'starting' cannot be followed.
            problems += self._check_until_after_starting()
        problems += [*self._check_rule_ids(), *self._check_times()]
        if problems:
            raise PydanticCustomError(
                "plan", "{first}", {"first": problems[0][1], "problems": tuple(problems)}
            )
        return self

    def _check_derived_anchors(self) -> list[_PlanProblem]:
        problems: list[_PlanProblem] = []
        circles: set[frozenset[str]] = set()
        for name in self.anchors:
            seen = [name]
            current = self.anchors[name].anchor
            while current in self.anchors:
                if current in seen:
                    circle = seen[seen.index(current) :]
                    if frozenset(circle) not in circles:
                        circles.add(frozenset(circle))
                        problems.append(
                            (
                                ("anchors", name),
                                "derived anchors refer to each other in a circle "
                                f"({' -> '.join([*circle, current])}); at least one must "
                                "come from a subject's own date",
                            )
                        )
                    break
                seen.append(current)
                current = self.anchors[current].anchor
            if self.anchors[name].offset.has_time:
                problems.append(
                    (
                        ("anchors", name),
                        f"anchor {name!r} is a date, so its offset cannot have hours or "
                        "minutes; use days, weeks, months or years",
                    )
                )
        return problems

    def _check_rule_ids(self) -> list[_PlanProblem]:
        problems: list[_PlanProblem] = []
        seen: dict[str, int] = {}
        for index, rule in enumerate(self.touchpoints):
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

    def _check_times(self) -> list[_PlanProblem]:
        if self.contact_time is not None:
            return []
        untimed = "a plan without 'contact_time' is all-day: set the plan's 'contact_time' first"
        problems: list[_PlanProblem] = [
            (("touchpoints", index, "contact_time"), f"{untimed}, such as '10:00'")
            for index, rule in enumerate(self.touchpoints)
            if rule.contact_time is not None
        ]
        problems += [
            (("channels", channel, "contact_time"), f"{untimed}, such as '10:00'")
            for channel, window in self.channels.items()
            if window.contact_time is not None
        ]
        return problems + [
            (
                ("touchpoints", index),
                f"touch point {rule.id!r} uses hours or minutes, which need a time of "
                "day: set the plan's 'contact_time', such as '10:00'",
            )
            for index, rule in enumerate(self.touchpoints)
            if any(duration.has_time for duration in rule.durations())
        ]

    def _check_until_after_starting(self) -> list[_PlanProblem]:
        problems: list[_PlanProblem] = []
        for index, rule in enumerate(self.touchpoints):
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


_PlanProblem = tuple[tuple[str | int, ...], str]
"""A plan-level problem: the field path it belongs to, and the message."""


def _apply(day: date, chain: tuple[AnchorExpression, ...]) -> datetime:
    moment = datetime.combine(day, time())
    for expression in chain:
        moment = moment + expression.as_relativedelta()
    return moment


def _anchor_text(value: object) -> object:
    # Text with a time of day is a datetime even at midnight: left to pydantic,
    # "2026-01-15T00:00:00+01:00" would become a plain date and lose its offset.
    if isinstance(value, str) and len(value.strip()) > 10:
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return value  # pydantic reports it
    return value


class HistoryEvent(_Frozen):
    """What actually happened to one touch point, as the host application recorded it.

    Attributes:
        rule: the rule's id.
        occurrence: the occurrence number, from 1.
        term: the contract term, from 1 (see ``Plan.term``).
        status: ``completed`` (on ``on``), ``skipped``, ``rescheduled`` (to ``on``) or
            ``cancelled``.
        on: when it was completed, or the date (or local date and time) it was
            rescheduled to.

    When one occurrence has several events, completed beats cancelled, skipped and
    rescheduled in that order, and among equals the latest date wins, whatever the
    order of the list.

    >>> HistoryEvent(rule="service", occurrence=2, status="completed", on="2026-05-04").on
    datetime.date(2026, 5, 4)
    """

    rule: Slug
    occurrence: Annotated[int, Field(ge=1, le=10_000_000)]
    term: Annotated[int, Field(ge=1, le=10_000)] = 1
    status: Literal["completed", "skipped", "rescheduled", "cancelled"]
    on: date | datetime | None = None

    @model_validator(mode="after")
    def _check_date(self) -> HistoryEvent:
        if self.status in ("completed", "rescheduled") and self.on is None:
            verb = "was done" if self.status == "completed" else "moves to"
            raise _error(
                "history",
                f"a {self.status} event needs 'on', the date it {verb}, such as '2026-05-04'",
                key="on",
            )
        return self


AnchorValue = Annotated[
    date | datetime,
    BeforeValidator(_anchor_text),
    Field(description="A date, or a datetime that counts as its local date."),
]
AttributeValue = str | int | float | bool | None


class Subject(_Frozen):
    """Who or what a plan is scheduled for: a customer, an asset or a contract.

    Attributes:
        id: the host application's identifier; it goes into touch point ids only
            through a hash.
        timezone: the subject's IANA zone; without one, the plan's zone applies.
        anchors: named dates, such as ``purchase``; a datetime counts as its local
            date in the subject's zone.
        attributes: a flat mapping of the host application's own data.
        calendar: the subject's own business-day settings (such as the public
            holidays of its region), overriding the plan's; a rule's own win over it.
        history: what actually happened to its touch points.
        renewals: the days its contract was renewed; each starts a new term of a
            plan with a ``term``.

    >>> from datetime import date
    >>> subject = Subject(id="cust-42", timezone="America/New_York",
    ...                   anchors={"purchase": date(2026, 1, 15)})
    >>> subject.anchors["purchase"]
    datetime.date(2026, 1, 15)
    """

    id: Annotated[str, Field(min_length=1, max_length=1_000)]
    timezone: TimeZoneName | None = None
    anchors: Mapping[AnchorName, AnchorValue] = Field(default_factory=dict)
    attributes: Mapping[Annotated[str, Field(min_length=1, max_length=200)], AttributeValue] = (
        Field(default_factory=dict)
    )
    calendar: BusinessCalendar | None = None
    history: tuple[HistoryEvent, ...] = Field(default=(), max_length=100_000)
    renewals: tuple[AnchorValue, ...] = Field(default=(), max_length=1_000)
