"""The pieces every input model shares: one frozen base, one set of patterns, one
weekday table."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from dateutil.rrule import weekdays as rrule_weekdays
from pydantic import BaseModel, ValidationError

from touchpoints import (
    BusinessCalendar,
    Cap,
    ChannelWindow,
    Fatigue,
    HistoryEvent,
    Plan,
    Rule,
    Subject,
    Term,
)
from touchpoints._model import (
    ANCHOR_NAME_PATTERN,
    CHANNEL_PATTERN,
    DAY_NAMES,
    RATE_PATTERN,
    SLUG_PATTERN,
    TAG_PATTERN,
    WEEKDAY_CODES,
    WEEKDAY_NAMES,
    WEEKDAYS,
    AttributeTest,
    Frozen,
    day_label,
)

MODELS: tuple[type[BaseModel], ...] = (
    AttributeTest,
    BusinessCalendar,
    Cap,
    ChannelWindow,
    Fatigue,
    HistoryEvent,
    Plan,
    Rule,
    Subject,
    Term,
)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_model_is_frozen_and_rejects_unknown_keys(model: type[BaseModel]) -> None:
    assert issubclass(model, Frozen)
    assert model.model_config["frozen"] is True
    assert model.model_config["extra"] == "forbid"


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (BusinessCalendar, {"holidays": "  DE-BY "}, "holidays"),
        (Cap, {"max": 1, "per": "7 days", "channel": " email "}, "channel"),
        (Term, {"starts": " purchase "}, "starts"),
        (HistoryEvent, {"rule": " a ", "occurrence": 1, "status": "skipped"}, "rule"),
    ],
)
def test_models_read_text_without_surrounding_spaces(
    model: type[BaseModel], data: dict[str, Any], field: str
) -> None:
    assert getattr(model.model_validate(data), field) == data[field].strip()


def test_a_frozen_model_cannot_change() -> None:
    calendar = BusinessCalendar(roll="keep")
    with pytest.raises(ValidationError, match="frozen"):
        calendar.roll = "following"  # type: ignore[misc]  # the point of the test


def test_an_attribute_test_keeps_spaces_and_writes_its_field_names() -> None:
    # The one model that departs from the base: as before the base was shared.
    test = AttributeTest.model_validate({"in": [" a "], "not": " b"})
    assert test.in_ == (" a ",)
    assert test.not_ == " b"
    assert set(test.model_dump(exclude_unset=True)) == {"in_", "not_"}
    assert AttributeTest.model_validate({"in_": ["a"]}).in_ == ("a",)


def test_the_plan_writes_its_id_by_its_alias() -> None:
    plan = Plan.model_validate({"plan": "p", "touchpoints": [_rule()]})
    assert plan.model_dump()["plan"] == "p"
    assert Plan.model_validate({"id": "p", "touchpoints": [_rule()]}).id == "p"


def _rule(**fields: Any) -> dict[str, Any]:
    return {"id": "a", "title": "A", "channel": "call", "at": "purchase", **fields}


def _schema_patterns(schema: object) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                found.add(value)
            elif key == "patternProperties":
                found.update(value)
            found |= _schema_patterns(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _schema_patterns(value)
    return found


def test_the_schema_uses_only_the_shared_patterns() -> None:
    patterns = _schema_patterns(Plan.model_json_schema(by_alias=True))
    shared = {SLUG_PATTERN, ANCHOR_NAME_PATTERN, CHANNEL_PATTERN, TAG_PATTERN, RATE_PATTERN}
    assert shared <= patterns
    # The only other pattern is the holiday region's.
    assert len(patterns - shared) == 1


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (SLUG_PATTERN, ["a", "check-up", "v1.2_x", "a" * 64], ["", "-a", "a-", "A", "a" * 65]),
        (ANCHOR_NAME_PATTERN, ["purchase", "contract_end", "A1"], ["1a", "_a", "a-b", "a" * 65]),
        (CHANNEL_PATTERN, ["call", "sms", "door-to-door", "a" * 32], ["Call", "1x", "a" * 33]),
        (TAG_PATTERN, ["vip", "key account"], ["a,b", "a;b", "a\\b", "a\nb", ""]),
    ],
)
def test_the_patterns_accept_and_refuse(pattern: str, good: list[str], bad: list[str]) -> None:
    assert all(re.fullmatch(pattern, text) for text in good)
    assert not any(re.fullmatch(pattern, text) for text in bad)


def test_the_weekday_table_counts_from_monday_like_date_weekday() -> None:
    monday = date(2026, 1, 5)  # 2026-01-01 was a Thursday
    week = [monday + timedelta(days=n) for n in range(7)]
    assert [WEEKDAY_NAMES[day.weekday()] for day in week] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    assert WEEKDAYS == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    assert DAY_NAMES == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert day_label(week[5]) == "Sat 2026-01-10"


def test_the_rfc_5545_codes_are_dateutils() -> None:
    assert tuple(repr(day) for day in rrule_weekdays) == WEEKDAY_CODES
