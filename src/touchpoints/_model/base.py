"""What every input model shares: the frozen base class, the patterns and the weekday table.

Each piece is defined here once and imported wherever it is needed: the frozen pydantic
base class of every model, the error every model-level check raises, the patterns of
ids, anchor names, channels and tags, and the names of the weekdays.

The base class is also where a wrong input becomes the package's own error: its
entry points (the constructor, ``model_validate``, ``model_validate_json`` and
``model_validate_strings``) turn pydantic's ``ValidationError`` into a
:class:`~touchpoints.PlanError` or :class:`~touchpoints.SubjectError` listing every
problem in words (:mod:`touchpoints._model.refusals`). Inside pydantic nothing
changes: a nested model (a rule in a plan) is validated by pydantic's core, not
through these entry points, so one call gives one error with every problem.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.config import ExtraValues
from pydantic_core import PydanticCustomError

from touchpoints._errors import PlanError, SubjectError

__all__ = [
    "ANCHOR_NAME_PATTERN",
    "CHANNEL_PATTERN",
    "DAY_NAMES",
    "KNOWN_CHANNELS",
    "RATE_PATTERN",
    "SLUG_PATTERN",
    "TAG_PATTERN",
    "WEEKDAYS",
    "WEEKDAY_CODES",
    "WEEKDAY_NAMES",
    "Frozen",
    "Weekday",
    "model_error",
]

SLUG_PATTERN: Final = r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$"
"""An id (of a plan or a rule): lowercase letters, digits, '.', '_' and '-', at most 64."""

ANCHOR_NAME_PATTERN: Final = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
"""An anchor name: letters, digits and '_', starting with a letter, at most 64."""

CHANNEL_PATTERN: Final = r"^[a-z][a-z0-9_-]{0,31}$"
"""A channel: a lowercase word of at most 32 characters, such as ``call``."""

TAG_PATTERN: Final = r"^[^,;\\\r\n]+$"
"""A tag: any text without ',', ';', '\\' or line breaks (they would split it in iCalendar)."""

RATE_PATTERN: Final = r"^\s*(\d[\d,_]*(?:\.\d+)?)\s+per\s+(day|week|month|year)\s*$"
"""An expected rate of use: an amount per day, week, month or year, such as ``1250 per month``."""

KNOWN_CHANNELS: Final = ("call", "email", "visit", "meeting", "letter", "sms")
"""The channels every tool understands; any other lowercase word is allowed too."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
"""A weekday as plans write it."""

WEEKDAYS: Final[tuple[Weekday, ...]] = get_args(Weekday)
"""The weekdays as plans write them, Monday first (the index is ``date.weekday()``).

>>> WEEKDAYS[0], WEEKDAYS[6]
('mon', 'sun')
"""

WEEKDAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
"""The weekdays' English names, Monday first; the short forms below are derived from it."""

DAY_NAMES: Final = tuple(name[:3] for name in WEEKDAY_NAMES)
"""The weekdays as explanations print them, the same in every locale.

>>> DAY_NAMES
('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')
"""

WEEKDAY_CODES: Final = tuple(name[:2].upper() for name in WEEKDAY_NAMES)
"""The weekdays as RFC 5545 writes them (in ``BYDAY``), Monday first.

>>> WEEKDAY_CODES
('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU')
"""


class Frozen(BaseModel):
    """The base of every input model: immutable, strict about keys, tolerant of spaces.

    - ``frozen``: a validated value cannot change, and it is hashable;
    - ``extra="forbid"``: an unknown key (a typo) is an error, not ignored;
    - ``str_strip_whitespace``: text is read without leading and trailing spaces;
    - an aliased field (``Plan``'s ``plan`` key) is read by its alias or its name,
      and written by its alias. Models without aliases are not affected by this.

    A model that departs from it says so in its own ``model_config`` and why.

    A wrong input raises :attr:`refused_as` (a :class:`~touchpoints.PlanError`, or a
    :class:`~touchpoints.SubjectError` for a subject and its parts), which is also a
    ``ValueError``; pydantic's own error stays reachable as its ``__context__``.

    >>> class Point(Frozen):
    ...     name: str
    >>> Point(name="  north ").name
    'north'
    >>> Point(name="north", size=3)
    Traceback (most recent call last):
    ...
    touchpoints.PlanError: 1 problem with the plan:
      size: unknown key 'size'; the keys allowed here are: name
    """

    refused_as: ClassVar[type[PlanError] | type[SubjectError]] = PlanError
    """The error a wrong input raises: the family this model belongs to."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    def __init__(self, /, **data: Any) -> None:
        # What BaseModel.__init__ does, without its extra call: a subject is built often.
        try:
            self.__pydantic_validator__.validate_python(data, self_instance=self)
        except ValidationError as error:
            raise _refusal(type(self), error, data) from None

    # Pydantic's core validates a nested model without calling this constructor, as it
    # does for its own; a constructor it called would wrap each nested error.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: ExtraValues | None = None,
        from_attributes: bool | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate ``obj`` into this model, or raise :attr:`refused_as` listing every problem."""
        try:
            return super().model_validate(
                obj,
                strict=strict,
                extra=extra,
                from_attributes=from_attributes,
                context=context,
                by_alias=by_alias,
                by_name=by_name,
            )
        except ValidationError as error:
            raise _refusal(cls, error, obj) from None

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: ExtraValues | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate JSON text into this model, or raise :attr:`refused_as`."""
        try:
            return super().model_validate_json(
                json_data,
                strict=strict,
                extra=extra,
                context=context,
                by_alias=by_alias,
                by_name=by_name,
            )
        except ValidationError as error:
            raise _refusal(cls, error, _json_data(json_data)) from None

    @classmethod
    def model_validate_strings(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: ExtraValues | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate data of strings into this model, or raise :attr:`refused_as`."""
        try:
            return super().model_validate_strings(
                obj,
                strict=strict,
                extra=extra,
                context=context,
                by_alias=by_alias,
                by_name=by_name,
            )
        except ValidationError as error:
            raise _refusal(cls, error, obj) from None


def _refusal(model: type[Frozen], error: ValidationError, data: object) -> PlanError | SubjectError:
    # Imported when needed: the wording knows every model, and every model is a Frozen.
    from touchpoints._model.refusals import refusal

    return refusal(model, error, data)


def _json_data(json_data: str | bytes | bytearray) -> object:
    import json  # only for an input already found wrong

    try:
        return json.loads(json_data)
    except ValueError:
        return None


def model_error(kind: str, message: str, *, key: str | None = None) -> PydanticCustomError:
    """The error a model's own check raises: ``kind`` names the check, ``message`` says
    what is wrong in words a plan's author can act on.

    ``key`` names the field a model-level problem belongs to, so that a file loader can
    point at its line.

    >>> model_error("timing", "a rule needs 'at'", key="at").context
    {'message': "a rule needs 'at'", 'key': 'at'}
    """
    if key is None:
        return PydanticCustomError(kind, message)
    return PydanticCustomError(kind, "{message}", {"message": message, "key": key})
