"""Every public model refuses a wrong input with the package's own error: a PlanError for
a plan and its parts, a SubjectError for a subject and its parts, each listing the same
problems in words that parse_plan gives, and each still a ValueError."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError, field_validator

from touchpoints import (
    BusinessCalendar,
    Cap,
    ChannelWindow,
    Fatigue,
    HistoryEvent,
    Meter,
    MeterReading,
    Plan,
    PlanError,
    Rule,
    Subject,
    SubjectError,
    Term,
    TouchpointsError,
    Usage,
    parse_plan,
)
from touchpoints.testing import plans

_UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "business days")
_RULE = {"id": "a", "title": "A", "channel": "call"}


def test_one_bad_duration_in_a_plan_is_one_plan_error_naming_the_field_and_the_units() -> None:
    data = {"plan": "p", "touchpoints": [{**_RULE, "every": "3 wekks", "starting": "purchase"}]}
    with pytest.raises(TouchpointsError) as caught:
        Plan.model_validate(data)
    error = caught.value
    assert isinstance(error, PlanError)
    assert isinstance(error, ValueError)
    assert len(error.problems) == 1, error.problems
    (problem,) = error.problems
    assert problem.location == "touchpoints[0].every"
    assert "'wekks'" in problem.message
    assert all(unit in problem.message for unit in _UNITS), problem.message
    assert "validation error" not in str(error)  # pydantic's wording stays out


def test_a_subject_with_an_unknown_zone_is_one_subject_error() -> None:
    with pytest.raises(TouchpointsError) as caught:
        Subject(id="c1", timezone="Europe/Berlinn")
    error = caught.value
    assert isinstance(error, SubjectError)
    assert isinstance(error, ValueError)
    assert [problem.location for problem in error.problems] == ["timezone"]
    assert "unknown time zone 'Europe/Berlinn'" in error.problems[0].message
    assert "Europe/Berlin" in error.problems[0].message  # the closest valid name


def test_pydantic_s_error_stays_reachable_but_out_of_the_traceback() -> None:
    with pytest.raises(SubjectError) as caught:
        Subject(id="")
    assert isinstance(caught.value.__context__, ValidationError)
    assert caught.value.__suppress_context__
    assert caught.value.__cause__ is None


# One invalid input for each public model, and the error its family raises.
BAD: list[tuple[type[BaseModel], dict[str, Any], type[Exception], str]] = [
    (Plan, {"plan": "p", "touchpoints": []}, PlanError, "touchpoints"),
    (Rule, {**_RULE, "at": "purchase + 2 wekks"}, PlanError, "at"),
    (BusinessCalendar, {"workdays": ["someday"]}, PlanError, "workdays[0]"),
    (Fatigue, {"min_gap": "soon"}, PlanError, "min_gap"),
    (Cap, {"max": 0, "per": "1 week"}, PlanError, "max"),
    (Term, {"starts": "contract", "length": 5}, PlanError, "length"),
    (ChannelWindow, {"colour": "red"}, PlanError, "colour"),
    (Meter, {"unit": "km", "expected": "lots"}, PlanError, "expected"),
    (Usage, {"meter": "odometer", "every": -5}, PlanError, "every"),
    (Subject, {"id": "c1", "anchors": {"purchase": "soon"}}, SubjectError, "anchors.purchase"),
    (HistoryEvent, {"rule": "a", "occurrence": 1, "status": "lost"}, SubjectError, "status"),
    (MeterReading, {"on": "2026-07-10", "value": "lots"}, SubjectError, "value"),
]


def _entry_points(model: type[BaseModel]) -> list[Callable[[dict[str, Any]], object]]:
    return [
        lambda data: model(**data),
        model.model_validate,
        lambda data: model.model_validate_json(json.dumps(data)),
    ]


@pytest.mark.parametrize(("model", "data", "error", "where"), BAD, ids=lambda v: str(v)[:30])
@pytest.mark.parametrize("entry", range(3), ids=["init", "model_validate", "model_validate_json"])
def test_every_public_model_refuses_with_its_family_s_error(
    model: type[BaseModel], data: dict[str, Any], error: type[Exception], where: str, entry: int
) -> None:
    with pytest.raises(error) as caught:
        _entry_points(model)[entry](data)
    assert isinstance(caught.value, TouchpointsError)
    problems = caught.value.problems  # type: ignore[attr-defined]
    assert [problem.location for problem in problems] == [where], problems


def test_strings_are_validated_the_same_way() -> None:
    with pytest.raises(SubjectError) as caught:
        MeterReading.model_validate_strings({"on": "2026-13-40", "value": "9000"})
    assert [problem.location for problem in caught.value.problems] == ["on"]


def test_a_rule_inside_a_plan_gives_one_error_for_the_plan_not_a_nested_one() -> None:
    data: dict[str, Any] = {
        "plan": "p",
        "touchpoints": [
            {**_RULE, "at": "purchase + 2 wekks"},
            {**_RULE, "id": "b", "at": "purchase", "priority": 12},
        ],
    }
    with pytest.raises(PlanError) as caught:
        Plan(**data)
    locations = [problem.location for problem in caught.value.problems]
    assert locations == ["touchpoints[0].at", "touchpoints[1].priority"]
    assert all("problem with the" not in problem.message for problem in caught.value.problems)


def test_the_plan_wide_checks_run_beside_the_problems_of_the_fields() -> None:
    data = {
        "plan": "p",
        "touchpoints": [
            {**_RULE, "at": "purchase"},
            {**_RULE, "at": "purchase + 1 day"},
            {**_RULE, "id": "c", "at": "purchase", "priority": 12},
        ],
    }
    with pytest.raises(PlanError) as caught:
        Plan.model_validate(data)
    assert caught.value.problems == parse_plan_problems(data)
    assert len(caught.value.problems) == 2  # the repeated id and the priority


def parse_plan_problems(data: dict[str, Any]) -> tuple[Any, ...]:
    with pytest.raises(PlanError) as caught:
        parse_plan(data)
    return caught.value.problems


def test_a_valid_model_is_still_built_and_a_wrong_type_is_still_a_type_error() -> None:
    assert Subject(id="c1", timezone="Europe/Berlin").timezone == "Europe/Berlin"
    with pytest.raises(SubjectError):  # not a mapping: pydantic's model_type error
        Subject.model_validate("c1")


_WRONG_VALUES: st.SearchStrategy[object] = st.sampled_from(
    [-1, 0, "", "wekks", "purchase plus 2 days", "3 wekks", [], {}, None, True, "X Y", 10**9]
)


def _leaves(data: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(data, dict):
        return [leaf for key, value in data.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(data, list):
        return [leaf for i, value in enumerate(data) for leaf in _leaves(value, (*path, i))]
    return [path]


def _replaced(data: Any, path: tuple[str | int, ...], value: object) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = _replaced(data[head], rest, value)  # type: ignore[index]
    return copy


@given(plan=plans(), choice=st.data(), wrong=_WRONG_VALUES)
def test_model_validate_and_parse_plan_report_the_same_problems(
    plan: Plan, choice: st.DataObject, wrong: object
) -> None:
    data = plan.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    path = choice.draw(st.sampled_from(_leaves(data)), label="path")
    broken = _replaced(data, path, wrong)
    try:
        parsed = parse_plan(broken)
    except PlanError as error:
        expected = [(problem.location, problem.message) for problem in error.problems]
        with pytest.raises(PlanError) as caught:
            Plan.model_validate(broken)
        assert [(p.location, p.message) for p in caught.value.problems] == expected
        assert all(problem.line is None for problem in caught.value.problems)
    else:
        assert Plan.model_validate(broken) == parsed


def test_a_host_s_own_pydantic_model_still_validates_plans_inside_it() -> None:
    class Settings(BaseModel):  # a host application's model, not one of ours
        plan: Plan
        fallback: Any = None

        @field_validator("fallback")
        @classmethod
        def _plan(cls, value: Any) -> Plan:
            return Plan.model_validate(value)  # a PlanError is a ValueError to pydantic

    bad = {"plan": "p", "touchpoints": [{**_RULE, "at": "purchase + 2 wekks"}]}
    good: dict[str, Any] = {"plan": "p", "touchpoints": [{**_RULE, "at": "purchase"}]}
    with pytest.raises(ValidationError) as nested:
        Settings.model_validate({"plan": bad})
    assert [error["loc"] for error in nested.value.errors()] == [("plan", "touchpoints", 0, "at")]
    with pytest.raises(ValidationError) as inside:
        Settings.model_validate({"plan": good, "fallback": bad})
    [error] = inside.value.errors()
    assert error["loc"] == ("fallback",)
    assert "touchpoints[0].at: 'purchase + 2 wekks' is not a valid date expression" in error["msg"]
    assert Settings.model_validate({"plan": good, "fallback": good}).fallback == Plan(**good)
