"""Meters: what a subject's usage is measured by, its readings, and usage limits of rules.

A plan declares each meter it counts on (:class:`Meter`: its unit, the rate to expect
when a subject has too few readings, and the span of readings its rate is measured
over). A subject carries its :class:`MeterReading` values, and a rule's
:class:`Usage` says how much use between two touch points. The projection itself is
the core's (``touchpoints._core.usage``); these are the validated inputs.
"""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from typing import Annotated, ClassVar, Final

from pydantic import BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from touchpoints._errors import SubjectError
from touchpoints._model.base import ANCHOR_NAME_PATTERN, RATE_PATTERN, Frozen, model_error
from touchpoints._model.durations import Duration
from touchpoints._model.fields import AnchorName

__all__ = [
    "DAYS_PER",
    "MAX_METER_VALUE",
    "Meter",
    "MeterName",
    "MeterReading",
    "Usage",
    "exact",
    "reading_text",
]

MAX_METER_VALUE: Final = 1e15
"""The largest reading or usage amount: far beyond any odometer or page counter."""

DAYS_PER: Final = {
    "day": Fraction(1),
    "week": Fraction(7),
    "month": Fraction("365.2425") / 12,
    "year": Fraction("365.2425"),
}
"""The days in each unit of an expected rate: a month and a year of the Gregorian
calendar's average length (30.436875 and 365.2425 days)."""

_RATE: Final = re.compile(RATE_PATTERN)

MeterName = Annotated[
    str,
    Field(
        pattern=ANCHOR_NAME_PATTERN,
        description="A meter's name, such as 'odometer': letters, digits and '_'.",
    ),
]

_Amount = Annotated[float, Field(ge=0, le=MAX_METER_VALUE, allow_inf_nan=False)]


def exact(value: float) -> Fraction:
    """A reading or amount as an exact fraction of what was written (``0.1`` is 1/10).

    >>> exact(0.1), exact(15000.0)
    (Fraction(1, 10), Fraction(15000, 1))
    """
    return Fraction(repr(float(value)))


def reading_text(value: float) -> str:
    """A reading or amount as people write it, with thousands separated.

    >>> reading_text(15000.0), reading_text(1e6), reading_text(14250.5)
    ('15,000', '1,000,000', '14,250.5')
    """
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _reading_day(value: object) -> object:
    # As anchors: a date is text YYYY-MM-DD, never a number of seconds since 1970.
    if isinstance(value, int | float) or (
        isinstance(value, str) and re.match(r"\s*\d{4}-\d{2}-\d{2}\s*$", value) is None
    ):
        raise PydanticCustomError(
            "date_text", "write the reading's date as YYYY-MM-DD, such as 2026-07-10"
        )
    return value.strip() if isinstance(value, str) else value


def _rate_text(value: object) -> object:
    if isinstance(value, str) and _RATE.match(value) is None:
        raise PydanticCustomError(
            "rate",
            "write the expected use as an amount per day, week, month or year, such as "
            "'1250 per month'; found {found!r}",
            {"found": value},
        )
    return value


class MeterReading(Frozen):
    """One reading of a subject's meter: its value on a day.

    >>> MeterReading(on="2026-07-10", value=9000)
    MeterReading(on=datetime.date(2026, 7, 10), value=9000.0)
    """

    refused_as: ClassVar[type[SubjectError]] = SubjectError

    on: Annotated[date, BeforeValidator(_reading_day)] = Field(
        description="The day it was read, such as 2026-07-10."
    )
    value: _Amount = Field(description="What the meter showed, in the plan's unit.")


class Meter(Frozen):
    """A meter a plan counts on: its unit, and how its future is projected.

    Attributes:
        unit: the unit, as text (such as ``km``, ``hours`` or ``pages``); readings
            and amounts are in it, and nothing is converted.
        expected: the use to expect when a subject has too few readings, such as
            ``1250 per month``.
        starts: the anchor on which the meter reads 0, for subjects with no
            readings (such as ``delivery``); without it, a subject needs a reading.
        rate_over: how far back from the latest reading the rate is measured.

    >>> meter = Meter(unit="km", expected="1,250 per month", starts="delivery")
    >>> round(float(meter.expected_per_day()), 3), str(meter.rate_over)
    (41.069, '1 year')
    """

    unit: Annotated[str, Field(min_length=1, max_length=40)] = Field(
        description="The unit, as text, such as 'km', 'hours' or 'pages'."
    )
    expected: Annotated[str, BeforeValidator(_rate_text), Field(max_length=60)] = Field(
        description=(
            "The use to expect when a subject has too few readings: an amount per day, "
            "week, month or year, such as '1250 per month'."
        ),
        json_schema_extra={"pattern": RATE_PATTERN},
    )
    starts: AnchorName | None = Field(
        default=None,
        description=(
            "The anchor on which the meter reads 0 for subjects with no readings, such "
            "as 'delivery'."
        ),
    )
    rate_over: Duration = Field(
        default=Duration(years=1),
        description=(
            "The readings of this span before the latest one give the rate, such as "
            "'1 year'; with fewer than two, 'expected' does."
        ),
    )

    @model_validator(mode="after")
    def _check_span(self) -> Meter:
        span = self.rate_over
        if span.is_zero or span.has_time or span.business_days:
            raise model_error(
                "rate_over",
                "the rate is measured over whole days, weeks, months or years, such as "
                f"'1 year'; found '{span}'",
                key="rate_over",
            )
        return self

    def expected_per_day(self) -> Fraction:
        """The expected use per day, exactly."""
        found = _RATE.match(self.expected)
        assert found is not None  # validated
        amount, unit = found.groups()
        return Fraction(amount.replace(",", "").replace("_", "")) / DAYS_PER[unit]


class Usage(Frozen):
    """A rule's usage limit: a touch point each time a meter has gone ``every`` further.

    >>> Usage(meter="odometer", every=15000).every
    15000.0
    """

    meter: MeterName = Field(description="The meter, one of the plan's 'meters'.")
    every: Annotated[float, Field(gt=0, le=MAX_METER_VALUE, allow_inf_nan=False)] = Field(
        description="How much use between two touch points, in the meter's unit, such as 15000."
    )
