"""Contact fatigue rules as plan files write them: minimum spacing and frequency caps.

Validated models only; :mod:`touchpoints._core.fatigue` resolves them against a
subject's touch points.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from touchpoints._durations import Duration

__all__ = ["Cap", "Fatigue"]


def _whole_days(value: Duration) -> Duration:
    if not value.is_exact or value.has_time or value.is_zero:
        raise PydanticCustomError(
            "fatigue",
            f"{value} is not a whole number of days or weeks; write it like '7 days' or '2 weeks'",
        )
    return value


Days = Annotated[Duration, Field(description="Whole days or weeks, such as '7 days'.")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Cap(_Frozen):
    """At most ``max`` contacts in any ``per`` days (of one channel, if given).

    >>> Cap(max=2, per="30 days", channel="email").per.days
    30
    """

    max: Annotated[int, Field(ge=1, le=1_000)]
    per: Days
    channel: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")] | None = None

    _days = field_validator("per")(_whole_days)


class Fatigue(_Frozen):
    """Rules that keep a subject from being contacted too often.

    >>> rules = Fatigue(spacing="7 days", channels={"call": "14 days"},
    ...                 caps=[{"max": 4, "per": "30 days"}])
    >>> rules.spacing.days, rules.channels["call"].days, rules.caps[0].max
    (7, 14, 4)
    """

    spacing: Days | None = Field(
        default=None, description="The least time between any two touch points of a subject."
    )
    channels: Mapping[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")], Days] = Field(
        default_factory=dict,
        description="The least time between two touch points of one channel, by channel.",
    )
    caps: tuple[Cap, ...] = Field(default=(), max_length=20)
    merge: bool = Field(
        default=True,
        description="Merge touch points of one channel that come too close, instead of moving one.",
    )
    max_shift: Days = Field(
        default=Duration(days=60),
        description="How far a touch point may move to make room; further is a conflict.",
    )

    _days = field_validator("spacing", "max_shift")(
        lambda value: value if value is None else _whole_days(value)
    )

    @field_validator("channels")
    @classmethod
    def _channel_days(cls, value: Mapping[str, Duration]) -> Mapping[str, Duration]:
        for duration in value.values():
            _whole_days(duration)
        return value

    def margin(self) -> timedelta:
        """How far resolution may reach: the longest spacing or cap plus ``max_shift``."""
        lengths = [self.max_shift.as_timedelta()]
        lengths += [d.as_timedelta() for d in (self.spacing, *self.channels.values()) if d]
        lengths += [cap.per.as_timedelta() for cap in self.caps]
        return sum(lengths, timedelta())
