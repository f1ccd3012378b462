"""The input model: the words plans are written in, and the validated values they become.

Plans, rules and subjects validate at the edge (pydantic v2, frozen, unknown keys
rejected) so that the engine computes on trusted values. This package is the layer's
interface: other layers import from here, its modules import each other directly.
The submodules are imported in dependency order.
"""

# ruff: noqa: I001 (the submodules are imported in dependency order)

from __future__ import annotations

from touchpoints._model.base import (
    ANCHOR_NAME_PATTERN,
    CHANNEL_PATTERN,
    DAY_NAMES,
    KNOWN_CHANNELS,
    RATE_PATTERN,
    SLUG_PATTERN,
    TAG_PATTERN,
    WEEKDAY_CODES,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Frozen,
    Weekday,
    model_error,
)
from touchpoints._model.memo import Memo
from touchpoints._model.zones import (
    Wall,
    day_of,
    day_start,
    localize,
    to_local_date,
    to_wall,
    zone_for,
)
from touchpoints._model.durations import AnchorExpression, Duration
from touchpoints._model.business import (
    ADJUSTMENT_KINDS,
    MAX_ROLL_DAYS,
    Adjustment,
    AdjustmentKind,
    BusinessCalendar,
    MergedCalendar,
    OpenDays,
    Roll,
    Weekdays,
    day_label,
    kind_from_words,
    merge_calendars,
)
from touchpoints._model.conditions import AttributeTest, Condition, failed_condition
from touchpoints._model.fatigue import Cap, Fatigue
from touchpoints._model.fields import (
    AnchorName,
    Channel,
    ContactTime,
    Missed,
    Priority,
    Slug,
    Tag,
    Text,
    TimeZoneName,
)
from touchpoints._model.meters import (
    DAYS_PER,
    MAX_METER_VALUE,
    Meter,
    MeterName,
    MeterReading,
    Usage,
    exact,
    reading_text,
)
from touchpoints._model.rules import MAX_COUNT, CustomerWords, Rule
from touchpoints._model.plan import ChannelWindow, Plan, Term
from touchpoints._model.subject import AnchorValue, AttributeValue, HistoryEvent, Subject
from touchpoints._model.wording import FieldPath, described, location, shown
from touchpoints._model.messages import message_for, unknown_key_message
from touchpoints._model.refusals import (
    MAX_PROBLEMS,
    Issue,
    bounded,
    clean_location,
    issues_from,
    model_issues,
    refusal,
    short,
    validated,
)

__all__ = [
    "ADJUSTMENT_KINDS",
    "ANCHOR_NAME_PATTERN",
    "CHANNEL_PATTERN",
    "DAYS_PER",
    "DAY_NAMES",
    "KNOWN_CHANNELS",
    "MAX_COUNT",
    "MAX_METER_VALUE",
    "MAX_PROBLEMS",
    "MAX_ROLL_DAYS",
    "RATE_PATTERN",
    "SLUG_PATTERN",
    "TAG_PATTERN",
    "WEEKDAYS",
    "WEEKDAY_CODES",
    "WEEKDAY_NAMES",
    "Adjustment",
    "AdjustmentKind",
    "AnchorExpression",
    "AnchorName",
    "AnchorValue",
    "AttributeTest",
    "AttributeValue",
    "BusinessCalendar",
    "Cap",
    "Channel",
    "ChannelWindow",
    "Condition",
    "ContactTime",
    "CustomerWords",
    "Duration",
    "Fatigue",
    "FieldPath",
    "Frozen",
    "HistoryEvent",
    "Issue",
    "Memo",
    "MergedCalendar",
    "Meter",
    "MeterName",
    "MeterReading",
    "Missed",
    "OpenDays",
    "Plan",
    "Priority",
    "Roll",
    "Rule",
    "Slug",
    "Subject",
    "Tag",
    "Term",
    "Text",
    "TimeZoneName",
    "Usage",
    "Wall",
    "Weekday",
    "Weekdays",
    "bounded",
    "clean_location",
    "day_label",
    "day_of",
    "day_start",
    "described",
    "exact",
    "failed_condition",
    "issues_from",
    "kind_from_words",
    "localize",
    "location",
    "merge_calendars",
    "message_for",
    "model_error",
    "model_issues",
    "reading_text",
    "refusal",
    "short",
    "shown",
    "to_local_date",
    "to_wall",
    "unknown_key_message",
    "validated",
    "zone_for",
]
