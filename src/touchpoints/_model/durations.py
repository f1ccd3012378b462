"""Calendar durations and anchor expressions, the words plans are written in.

A :class:`Duration` is a calendar-aware length ("1 year 6 months", "P2W"); an
:class:`AnchorExpression` is a date named relative to an anchor ("renewal - 60 days").
Both parse from the text people write in plan files and print back to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from dateutil.relativedelta import relativedelta
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from touchpoints._errors import DurationError
from touchpoints._model.base import model_error

__all__ = ["AnchorExpression", "Duration"]

_UNITS: Final = ("years", "months", "weeks", "days", "hours", "minutes", "business_days")
_UNIT_WORDS: Final = {
    **dict.fromkeys(("year", "years", "y", "yr", "yrs"), "years"),
    **dict.fromkeys(("month", "months", "mo", "mon", "mos"), "months"),
    **dict.fromkeys(("week", "weeks", "w", "wk", "wks"), "weeks"),
    **dict.fromkeys(("day", "days", "d"), "days"),
    **dict.fromkeys(("hour", "hours", "h", "hr", "hrs"), "hours"),
    **dict.fromkeys(("minute", "minutes", "min", "mins"), "minutes"),
    **dict.fromkeys(
        ("business day", "business days", "working day", "working days", "workday", "workdays"),
        "business_days",
    ),
}
_TEXT_PART: Final = re.compile(
    r"\s*(?:,|\band\b)?\s*([0-9]+)\s*((?:business|working)\s+days?|[A-Za-z]+)\s*"
)
_ISO: Final = re.compile(
    r"P(?:(?P<years>[0-9]+)Y)?(?:(?P<months>[0-9]+)M)?(?:(?P<weeks>[0-9]+)W)?"
    r"(?:(?P<days>[0-9]+)D)?(?:T(?=[0-9])(?:(?P<hours>[0-9]+)H)?(?:(?P<minutes>[0-9]+)M)?)?"
)
# About 1,000 years: long enough for any plan, short enough that date arithmetic
# cannot overflow and a typo such as "90000 years" is caught.
_MAX_DAYS: Final = 366_000
# Digits are ASCII only ("١ days" is refused), and no number of a duration has more
# digits than this: longer ones are refused before any arithmetic is tried on them.
_MAX_DIGITS: Final = 12
_DURATION_HELP: Final = (
    "write it like '2 weeks', '90 days', '1 year 6 months', '2 hours 30 minutes' or "
    "'10 business days', or in ISO 8601 like 'P2W', 'P1Y6M' or 'PT2H30M'"
)


@dataclass(frozen=True, slots=True)
class Duration:
    """A calendar-aware length of time, as written in a plan.

    Years and months are calendar units (a month after January 31 is the last day of
    February); weeks, days, hours and minutes are fixed. The parts are kept as written,
    so ``Duration.parse("2 weeks")`` prints back as ``2 weeks``.

    >>> Duration.parse("1 year 6 months")
    Duration(years=1, months=6)
    >>> str(Duration.parse("P2W")), Duration.parse("1 year 6 months").to_iso()
    ('2 weeks', 'P1Y6M')
    """

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    business_days: int = 0

    def __post_init__(self) -> None:
        for unit in _UNITS:
            value = getattr(self, unit)
            if type(value) is not int or value < 0:
                raise DurationError(f"{unit} must be a whole number of zero or more, not {value!r}")
        if self.business_days and any(getattr(self, unit) for unit in _UNITS[:-1]):
            raise DurationError(
                f"{self} mixes business days with other units; count business days alone, "
                "such as '10 business days'"
            )
        if self.approximate_days() > _MAX_DAYS:
            raise DurationError(f"{self} is too long; durations are limited to about 1,000 years")

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse the short text form ("2 weeks") or ISO 8601 ("P2W").

        Raises:
            DurationError: the text is not a duration; the message shows valid forms.

        >>> Duration.parse("90 days").days
        90
        >>> Duration.parse("PT1H30M")
        Duration(hours=1, minutes=30)
        >>> Duration.parse("10 business days").business_days
        10
        """
        stripped = text.strip()
        if any(ch.isdigit() and not ch.isascii() for ch in stripped):
            raise DurationError(f"{text!r} has digits other than 0 to 9; {_DURATION_HELP}")
        if any(len(run) > _MAX_DIGITS for run in re.findall("[0-9]+", stripped)):
            raise DurationError(f"{text!r} is too long; durations are limited to about 1,000 years")
        if stripped[:1] in ("P", "p"):
            match = _ISO.fullmatch(stripped.upper())
            if match is None or match.group(0) in ("P", "PT"):
                raise DurationError(f"{text!r} is not an ISO 8601 duration; {_DURATION_HELP}")
            return cls(**{unit: int(value) for unit, value in match.groupdict().items() if value})
        parts: dict[str, int] = {}
        position = 0
        for match in _TEXT_PART.finditer(stripped):
            if match.start() != position:
                break
            position = match.end()
            number, word = match.groups()
            unit = _UNIT_WORDS.get(word.lower())
            if unit is None:
                raise DurationError(
                    f"unknown unit {word!r} in {text!r}; use years, months, weeks, days, "
                    "hours, minutes or business days"
                )
            if unit in parts:
                raise DurationError(f"{text!r} gives {unit} twice; give each unit once")
            parts[unit] = int(number)
        if not parts or position != len(stripped):
            raise DurationError(f"{text!r} is not a duration; {_DURATION_HELP}")
        return cls(**parts)

    def __str__(self) -> str:
        words = [
            f"{value} {unit.replace('_', ' ') if value != 1 else unit[:-1].replace('_', ' ')}"
            for unit in _UNITS
            if (value := getattr(self, unit))
        ]
        return " ".join(words) or "0 days"

    def __repr__(self) -> str:
        """The constructor call with only the parts that are not zero.

        >>> Duration(weeks=2), Duration()
        (Duration(weeks=2), Duration())
        """
        parts = ", ".join(f"{unit}={value}" for unit in _UNITS if (value := getattr(self, unit)))
        return f"Duration({parts})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Pretty printers (IPython's, and Hypothesis's for failing examples) would
        # otherwise list a dataclass field by field.
        printer.text(repr(self))

    def to_iso(self) -> str:
        """The ISO 8601 form, such as ``P1Y6M`` or ``PT2H``.

        >>> Duration(weeks=2, days=1).to_iso()
        'P2W1D'

        Raises:
            DurationError: the duration counts business days, which ISO 8601 cannot say.
        """
        if self.business_days:
            raise DurationError(f"{self} has no ISO 8601 form: ISO 8601 has no business days")
        date_part = "".join(
            f"{value}{letter}"
            for value, letter in (
                (self.years, "Y"),
                (self.months, "M"),
                (self.weeks, "W"),
                (self.days, "D"),
            )
            if value
        )
        time_part = "".join(
            f"{value}{letter}"
            for value, letter in ((self.hours, "H"), (self.minutes, "M"))
            if value
        )
        if not date_part and not time_part:
            return "P0D"
        return f"P{date_part}{'T' + time_part if time_part else ''}"

    @property
    def is_zero(self) -> bool:
        """True for a duration of no length.

        >>> Duration().is_zero, Duration(days=1).is_zero
        (True, False)
        """
        return not any(getattr(self, unit) for unit in _UNITS)

    @property
    def has_time(self) -> bool:
        """True when the duration has hours or minutes, which need a time of day.

        >>> Duration(hours=2).has_time
        True
        """
        return bool(self.hours or self.minutes)

    @property
    def is_exact(self) -> bool:
        """True when the length is fixed: no years or months.

        >>> Duration(weeks=1).is_exact, Duration(months=1).is_exact
        (True, False)
        """
        return not (self.years or self.months or self.business_days)

    def approximate_days(self) -> float:
        """The length in days, counting a month as 30.44 days; for ordering only.

        >>> Duration(weeks=1, hours=12).approximate_days()
        7.5
        """
        return (
            self.years * 365.25
            + self.months * 30.4375
            + self.weeks * 7
            + self.days
            + self.hours / 24
            + self.minutes / 1440
            + self.business_days * 7 / 5
        )

    def as_timedelta(self) -> timedelta:
        """This duration as a ``timedelta``; only for exact durations (no years or months).

        Raises:
            DurationError: the duration has years or months, whose length varies.

        >>> Duration(weeks=1, hours=12).as_timedelta()
        datetime.timedelta(days=7, seconds=43200)
        """
        if not self.is_exact:
            raise DurationError(f"{self} has no fixed length: years and months vary")
        return timedelta(days=self.weeks * 7 + self.days, hours=self.hours, minutes=self.minutes)

    def as_relativedelta(self, factor: int = 1) -> relativedelta:
        """This duration times ``factor``, for dateutil arithmetic.

        >>> from datetime import date
        >>> date(2024, 1, 31) + Duration(months=1).as_relativedelta()
        datetime.date(2024, 2, 29)

        Raises:
            DurationError: the duration counts business days, which need a calendar.
        """
        if self.business_days:
            raise DurationError(f"{self} needs a business calendar; it is not a relativedelta")
        return relativedelta(
            years=self.years * factor,
            months=self.months * factor,
            days=(self.weeks * 7 + self.days) * factor,
            hours=self.hours * factor,
            minutes=self.minutes * factor,
        )

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: object) -> Duration:
            if isinstance(value, Duration):
                return value
            if not isinstance(value, str):
                raise model_error("duration_type", f"a duration is text; {_DURATION_HELP}")
            try:
                return cls.parse(value)
            except ValueError as error:
                raise model_error("duration", str(error)) from None

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "title": "Duration",
            "description": f"A calendar-aware duration: {_DURATION_HELP}.",
            "examples": ["2 weeks", "90 days", "1 year 6 months", "P1Y6M"],
        }


_EXPRESSION: Final = re.compile(
    r"\s*(?P<anchor>[A-Za-z][A-Za-z0-9_]*)\s*(?:(?P<sign>[+-])\s*(?P<duration>\S.*?))?\s*"
)
_EXPRESSION_HELP: Final = (
    "write an anchor name, optionally plus or minus a duration, like 'purchase', "
    "'purchase + 2 weeks' or 'renewal - 60 days'"
)


@dataclass(frozen=True, slots=True)
class AnchorExpression:
    """A point in time named relative to an anchor: ``ANCHOR``, ``ANCHOR + DURATION``
    or ``ANCHOR - DURATION``.

    >>> expression = AnchorExpression.parse("renewal - 60 days")
    >>> expression.anchor, expression.sign, str(expression.offset)
    ('renewal', -1, '60 days')
    >>> str(expression)
    'renewal - 60 days'
    """

    anchor: str
    offset: Duration = Duration()
    sign: int = 1

    def __post_init__(self) -> None:
        if self.sign not in (1, -1):
            raise DurationError(f"sign must be 1 or -1, not {self.sign!r}")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", self.anchor):
            raise DurationError(
                f"{self.anchor!r} is not an anchor name; use letters, digits and '_', "
                "starting with a letter"
            )

    @classmethod
    def parse(cls, text: str) -> AnchorExpression:
        """Parse ``ANCHOR``, ``ANCHOR + DURATION`` or ``ANCHOR - DURATION``.

        Raises:
            DurationError: the text is not an expression; the message shows valid forms.

        >>> AnchorExpression.parse("purchase + 2 weeks").offset.weeks
        2
        """
        match = _EXPRESSION.fullmatch(text)
        if match is None:
            raise DurationError(f"{text!r} is not a date expression; {_EXPRESSION_HELP}")
        duration = match["duration"]
        if duration is None:
            return cls(match["anchor"])
        sign = -1 if match["sign"] == "-" else 1
        return cls(match["anchor"], Duration.parse(duration), sign)

    def __str__(self) -> str:
        if self.offset.is_zero:
            return self.anchor
        return f"{self.anchor} {'-' if self.sign < 0 else '+'} {self.offset}"

    def __repr__(self) -> str:
        """The expression as a plan writes it, in a call that makes it again.

        >>> AnchorExpression.parse("renewal - 60 days")
        AnchorExpression.parse('renewal - 60 days')
        """
        return f"AnchorExpression.parse({str(self)!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Pretty printers (IPython's, and Hypothesis's for failing examples) would
        # otherwise list a dataclass field by field.
        printer.text(repr(self))

    def as_relativedelta(self, extra: Duration | None = None, times: int = 0) -> relativedelta:
        """The signed offset plus ``times`` x ``extra``, summed before use.

        Summing first is the no-drift rule: occurrence *k* of a series is one step
        from the anchor, never a step from an earlier, already clamped date.

        >>> from datetime import date
        >>> start = AnchorExpression.parse("purchase + 1 month")
        >>> date(2024, 1, 31) + start.as_relativedelta(Duration(months=1), times=2)
        datetime.date(2024, 4, 30)
        """
        offset, step = self.offset, extra or Duration()
        if offset.business_days or step.business_days:
            raise DurationError(
                "business days need a business calendar; they are not a relativedelta"
            )
        s = self.sign
        return relativedelta(
            years=s * offset.years + times * step.years,
            months=s * offset.months + times * step.months,
            days=s * (offset.weeks * 7 + offset.days) + times * (step.weeks * 7 + step.days),
            hours=s * offset.hours + times * step.hours,
            minutes=s * offset.minutes + times * step.minutes,
        )

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: object) -> AnchorExpression:
            if isinstance(value, AnchorExpression):
                return value
            if not isinstance(value, str):
                raise model_error(
                    "expression_type", f"a date expression is text; {_EXPRESSION_HELP}"
                )
            try:
                return cls.parse(value)
            except ValueError as error:
                raise model_error("expression", str(error)) from None

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "title": "Date expression",
            "description": f"A date relative to an anchor: {_EXPRESSION_HELP}.",
            "examples": ["purchase", "purchase + 2 weeks", "renewal - 60 days"],
        }
