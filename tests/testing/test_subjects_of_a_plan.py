"""subjects(plan): exactly the anchors a plan needs, related as the plan implies, with
overrides for anchors, zones and attributes, and readable ids."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from touchpoints import Plan, Subject, schedule
from touchpoints.testing import subjects

SERIES_UNTIL_CONTRACT_END = Plan.model_validate(
    {
        "plan": "lease",
        "touchpoints": [
            {"id": "welcome", "title": "Welcome", "channel": "call", "at": "purchase"},
            {
                "id": "service",
                "title": "Service",
                "channel": "visit",
                "every": "6 months",
                "starting": "purchase + 1 year",
                "until": "contract_end - 30 days",
            },
        ],
    }
)


def as_day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


@given(subjects(SERIES_UNTIL_CONTRACT_END))
def test_a_series_ends_after_it_starts(subject: Subject) -> None:
    start = as_day(subject.anchors["purchase"]) + relativedelta(years=1)
    end = as_day(subject.anchors["contract_end"]) - relativedelta(days=30)
    assert start <= end
    assert {"purchase", "contract_end"} <= set(subject.anchors)


@given(subjects(SERIES_UNTIL_CONTRACT_END))
def test_the_series_always_happens(subject: Subject) -> None:
    assert "service" in {tp.rule_id for tp in schedule(SERIES_UNTIL_CONTRACT_END, subject)}


@given(subjects(SERIES_UNTIL_CONTRACT_END))
def test_all_day_plans_get_date_anchors(subject: Subject) -> None:
    assert all(type(value) is date for value in subject.anchors.values())


@given(
    subjects(
        SERIES_UNTIL_CONTRACT_END,
        anchors={"purchase": st.just(date(2026, 1, 15))},
        timezones=st.just("Europe/Berlin"),
        attributes={"segment": st.sampled_from(["fleet", "private"])},
    )
)
def test_overrides_win(subject: Subject) -> None:
    assert subject.anchors["purchase"] == date(2026, 1, 15)
    assert subject.anchors["contract_end"] >= date(2027, 2, 14)
    assert subject.timezone == "Europe/Berlin"
    assert set(subject.attributes) == {"segment"}
    assert subject.attributes["segment"] in ("fleet", "private")


def test_an_override_for_an_anchor_the_plan_does_not_use_is_given() -> None:
    strategy = subjects(SERIES_UNTIL_CONTRACT_END, anchors={"churn": st.just(date(2030, 1, 1))})
    assert find(strategy, lambda s: True).anchors["churn"] == date(2030, 1, 1)


def test_ids_shrink_to_a_readable_one() -> None:
    steady = settings(database=None, derandomize=True)
    assert find(subjects(SERIES_UNTIL_CONTRACT_END), lambda s: True, settings=steady).id == "cust-1"


@pytest.mark.parametrize("option", ["anchors", "attributes"])
def test_rejects_overrides_that_are_not_strategies(option: str) -> None:
    options: dict[str, Any] = {option: {"purchase": date(2026, 1, 15)}}
    with pytest.raises(InvalidArgument, match="must map names to strategies"):
        subjects(SERIES_UNTIL_CONTRACT_END, **options)
