"""A plan with one mistake gets one complaint from pydantic, not an echo beside it:
pydantic's own error, kept as the PlanError's context, and the PlanError itself."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from pydantic import ValidationError

from touchpoints import Plan, PlanError


def _errors(data: Mapping[str, object]) -> list[tuple[tuple[int | str, ...], str]]:
    with pytest.raises(PlanError) as caught:
        Plan.model_validate(data)
    original = caught.value.__context__
    assert isinstance(original, ValidationError)
    assert len(caught.value.problems) == len(original.errors())
    return [(tuple(error["loc"]), error["type"]) for error in original.errors()]


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        ({"at": "purchase + 2 wekks"}, "at"),
        ({"every": "2 wekks", "starting": "purchase"}, "every"),
        ({"at": "purchase", "priority": 12}, "priority"),
    ],
)
def test_one_bad_field_in_the_only_rule_is_one_error(rule: dict[str, object], key: str) -> None:
    data = {"plan": "p", "touchpoints": [{"id": "a", "title": "A", "channel": "call", **rule}]}
    errors = _errors(data)
    assert len(errors) == 1, errors
    assert errors[0][0][:3] == ("touchpoints", 0, key)


def test_an_empty_rule_list_is_still_refused_once() -> None:
    errors = _errors({"plan": "p", "touchpoints": []})
    assert errors == [(("touchpoints",), "too_short")]


def test_the_schema_still_asks_for_at_least_one_rule() -> None:
    schema = Plan.model_json_schema(by_alias=True)
    assert schema["properties"]["touchpoints"]["minItems"] == 1
