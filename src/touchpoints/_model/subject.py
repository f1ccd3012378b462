"""Subjects: who or what a plan is scheduled for, their dates, attributes and history.

A :class:`Subject` carries the anchors a plan's dates count from, the attributes its
rules' conditions test, its meter readings, and the :class:`HistoryEvent` records of
what actually happened.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from itertools import pairwise
from typing import Annotated, ClassVar, Final, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from touchpoints._errors import SubjectError
from touchpoints._model.base import Frozen, model_error
from touchpoints._model.business import BusinessCalendar
from touchpoints._model.fields import AnchorName, Slug, TimeZoneName
from touchpoints._model.meters import MAX_METER_VALUE, MeterName, MeterReading, reading_text

__all__ = ["AnchorValue", "AttributeValue", "HistoryEvent", "Subject"]


_DATE_START: Final = re.compile(r"\s*\d{4}-\d{2}-\d{2}")


def _anchor_text(value: object) -> object:
    # A date is written YYYY-MM-DD everywhere. Pydantic alone reads a number, or text
    # of digits, as seconds since 1970: '20260115' would quietly be 1970-08-23.
    if isinstance(value, int | float) or (
        isinstance(value, str) and _DATE_START.match(value) is None
    ):
        raise PydanticCustomError(
            "date_text",
            "write a date as YYYY-MM-DD, such as 2026-01-15 (a number is never read as a date)",
        )
    # Text with a time of day is a datetime even at midnight: left to pydantic,
    # "2026-01-15T00:00:00+01:00" would become a plain date and lose its offset.
    if isinstance(value, str) and len(value.strip()) > 10:
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return value  # pydantic reports it
    return value.strip() if isinstance(value, str) else value


class HistoryEvent(Frozen):
    """What actually happened to one touch point, as the host application recorded it.

    Attributes:
        rule: the rule's id.
        occurrence: the occurrence number, from 1.
        term: the contract term, from 1 (see ``Plan.term``).
        status: ``completed`` (on ``on``), ``skipped``, ``rescheduled`` (to ``on``) or
            ``cancelled``.
        on: when it was completed, or the date (or local date and time) it was
            rescheduled to.
        reading: for a completion of a usage rule, what its meter showed then; without
            it, the meter's reading on that day is taken from the subject's readings.

    When one occurrence has several events, completed beats cancelled, skipped and
    rescheduled in that order, and among equals the latest date wins, whatever the
    order of the list.

    >>> HistoryEvent(rule="service", occurrence=2, status="completed", on="2026-05-04").on
    datetime.date(2026, 5, 4)
    """

    refused_as: ClassVar[type[SubjectError]] = SubjectError

    rule: Slug
    occurrence: Annotated[int, Field(ge=1, le=10_000_000)]
    term: Annotated[int, Field(ge=1, le=10_000)] = 1
    status: Literal["completed", "skipped", "rescheduled", "cancelled"]
    on: Annotated[date | datetime, BeforeValidator(_anchor_text)] | None = None
    reading: Annotated[float, Field(ge=0, le=MAX_METER_VALUE, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _check_date(self) -> HistoryEvent:
        if self.status in ("completed", "rescheduled") and self.on is None:
            verb = "was done" if self.status == "completed" else "moves to"
            raise model_error(
                "history",
                f"a {self.status} event needs 'on', the date it {verb}, such as '2026-05-04'",
                key="on",
            )
        if self.reading is not None and self.status != "completed":
            raise model_error(
                "history",
                f"only a completed event records a meter 'reading'; this one is {self.status}",
                key="reading",
            )
        return self


AnchorValue = Annotated[
    date | datetime,
    BeforeValidator(_anchor_text),
    Field(description="A date, or a datetime that counts as its local date."),
]
AttributeValue = str | int | float | bool | None


class Subject(Frozen):
    """Who or what a plan is scheduled for: a customer, an asset or a contract.

    Attributes:
        id: the host application's identifier; it goes into touch point ids only
            through a hash.
        timezone: the subject's IANA zone; without one, the plan's zone applies.
        anchors: named dates, such as ``purchase``; a datetime counts as its local
            date in the subject's zone.
        attributes: a flat mapping of the host application's own data.
        business_calendar: the subject's own business-day settings (such as the public
            holidays of its region), overriding the plan's; a rule's own win over it.
        history: what actually happened to its touch points.
        renewals: the days its contract was renewed; each starts a new term of a
            plan with a ``term``.
        meters: the readings of its meters by name (such as ``odometer``), in any
            order; a meter never goes down.

    >>> from datetime import date
    >>> subject = Subject(id="cust-42", timezone="America/New_York",
    ...                   anchors={"purchase": date(2026, 1, 15)})
    >>> subject.anchors["purchase"]
    datetime.date(2026, 1, 15)
    """

    refused_as: ClassVar[type[SubjectError]] = SubjectError

    id: Annotated[str, Field(min_length=1, max_length=1_000)]
    timezone: TimeZoneName | None = None
    anchors: Mapping[AnchorName, AnchorValue] = Field(default_factory=dict)
    attributes: Mapping[Annotated[str, Field(min_length=1, max_length=200)], AttributeValue] = (
        Field(default_factory=dict)
    )
    business_calendar: BusinessCalendar | None = Field(default=None, alias="calendar")
    history: tuple[HistoryEvent, ...] = Field(default=(), max_length=100_000)
    renewals: tuple[AnchorValue, ...] = Field(default=(), max_length=1_000)
    meters: Mapping[MeterName, tuple[MeterReading, ...]] = Field(
        default_factory=dict,
        max_length=50,
        description="Meter readings by meter, such as {odometer: [{on: 2026-01-10, value: 0}]}.",
    )

    @field_validator("meters", mode="after")
    @classmethod
    def _sort_readings(
        cls, meters: Mapping[str, tuple[MeterReading, ...]]
    ) -> dict[str, tuple[MeterReading, ...]]:
        return {
            name: tuple(sorted(readings, key=lambda r: (r.on, r.value)))
            for name, readings in meters.items()
        }

    @model_validator(mode="after")
    def _check_meters(self) -> Subject:
        for name, readings in self.meters.items():
            for earlier, later in pairwise(readings):
                if later.value < earlier.value:  # sorted by day, then value
                    low, high = reading_text(later.value), reading_text(earlier.value)
                    raise model_error(
                        "meters",
                        f"subject {self.id!r}: meter {name!r} reads {low} on "
                        f"{later.on.isoformat()}, less than the {high} it read on "
                        f"{earlier.on.isoformat()}; a meter only goes up, so check both "
                        "readings (a replaced meter needs readings of one meter only)",
                        key="meters",
                    )
        return self

    def __repr__(self) -> str:
        """One line: the id (cut when long), the anchors (the first four), the zone,
        and how many attributes, history events, renewals and meters there are.

        >>> from datetime import date
        >>> Subject(id="cust-1", timezone="Europe/Berlin", attributes={"segment": "fleet"},
        ...         anchors={"purchase": date(2026, 1, 1)})
        Subject('cust-1', purchase 2026-01-01, timezone Europe/Berlin, 1 attribute)
        """
        shown = self.id if len(self.id) <= 40 else self.id[:39] + "…"
        parts = [repr(shown)]
        anchors = [f"{name} {value.isoformat()}" for name, value in list(self.anchors.items())[:4]]
        if len(self.anchors) > 4:
            anchors.append(f"… {len(self.anchors)} anchors in all")
        parts += anchors or ["no anchors"]
        if self.timezone is not None:
            parts.append(f"timezone {self.timezone}")
        counts = (
            ("attribute", len(self.attributes)),
            ("history event", len(self.history)),
            ("renewal", len(self.renewals)),
            ("meter", len(self.meters)),
        )
        parts += [f"{n} {word}{'s' if n != 1 else ''}" for word, n in counts if n]
        if self.business_calendar is not None:
            parts.append("own calendar")
        return f"Subject({', '.join(parts)})"
