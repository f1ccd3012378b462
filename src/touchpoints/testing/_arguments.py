"""Checks of the options host code passes to a strategy: each bad one raises
:class:`hypothesis.errors.InvalidArgument` with a message saying what to pass instead."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis.errors import InvalidArgument

from touchpoints._model import Duration


def _check_type(expected: type | tuple[type, ...], value: object, name: str) -> None:
    if not isinstance(value, expected):
        wanted = (
            expected.__name__
            if isinstance(expected, type)
            else " or ".join(t.__name__ for t in expected)
        )
        raise InvalidArgument(f"{name}={value!r} must be a {wanted}, not {type(value).__name__}")


def _check_date(value: object, name: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidArgument(f"{name}={value!r} must be a date (not a datetime)")
    return value


def _as_duration(value: object, name: str) -> Duration:
    if isinstance(value, str):
        try:
            return Duration.parse(value)
        except ValueError as error:
            raise InvalidArgument(f"{name}={value!r} is not a duration: {error}") from None
    _check_type((Duration, str), value, name)
    assert isinstance(value, Duration)
    return value
