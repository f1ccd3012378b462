"""The plan-wide checks on anchors, versions and terms: values that would pass
validation and crash a later command are refused, derived anchors are checked in time
proportional to their number, and anchor names that look like typos are caught."""

from __future__ import annotations

from typing import Any

import pytest

from touchpoints import Plan, PlanError, parse_plan


def rule(**fields: Any) -> dict[str, Any]:
    return {"id": "a", "title": "A", "channel": "call", **fields}


def plan_data(*rules: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"plan": "p", "touchpoints": list(rules) or [rule(at="purchase")], **fields}


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(PlanError) as caught:
        parse_plan(data)
    return [str(problem) for problem in caught.value.problems]


class TestVersions:
    def test_the_largest_version_is_accepted(self):
        assert Plan.model_validate(plan_data(version=2_147_483_647)).version == 2_147_483_647

    def test_a_version_of_thousands_of_digits_is_refused(self):
        [problem] = problems(plan_data(version=16**5000 - 1))
        assert problem.startswith("version: ")

    def test_a_version_just_over_the_largest_is_refused(self):
        [problem] = problems(plan_data(version=2_147_483_648))
        assert problem.startswith("version: ")
        assert "2147483647" in problem.replace(",", "")


class TestTerms:
    def test_a_term_length_with_hours_in_an_all_day_plan_is_refused(self):
        data = plan_data(term={"starts": "purchase", "length": "1 year 1 hour"})
        assert problems(data) == [
            "term.length: a plan without 'contact_time' is all-day, so the term's length "
            "cannot have hours or minutes; use days, weeks, months or years, or set the "
            "plan's 'contact_time', such as '10:00'"
        ]

    def test_a_term_length_with_hours_in_a_timed_plan_is_kept(self):
        data = plan_data(term={"starts": "purchase", "length": "1 year 1 hour"})
        plan = Plan.model_validate({**data, "contact_time": "10:00"})
        assert plan.term is not None
        assert plan.term.length is not None
        assert plan.term.length.hours == 1


class TestDerivedAnchorChains:
    def test_a_chain_of_5000_anchors_is_checked(self):
        anchors = {"a0": "purchase + 1 day"}
        anchors.update({f"a{n}": f"a{n - 1} + 1 day" for n in range(1, 5000)})
        plan = Plan.model_validate(plan_data(rule(at="a4999"), anchors=anchors))
        assert plan.subject_anchors() == ("purchase",)
        assert plan.root_anchor("a4999")[0] == "purchase"

    def test_a_circle_at_the_end_of_a_long_chain_names_its_members(self):
        anchors = {f"a{n}": f"a{n + 1} + 1 day" for n in range(5000)}
        anchors["a5000"] = "a4998 + 1 day"
        [problem] = problems(plan_data(rule(at="a0"), anchors=anchors))
        assert "a4998 -> a4999 -> a5000 -> a4998" in problem
        assert problem.startswith("anchors.")

    def test_two_circles_are_both_reported(self):
        anchors = {"x": "y + 1 day", "y": "x + 1 day", "p": "q + 1 day", "q": "p + 1 day"}
        found = problems(plan_data(anchors=anchors))
        assert len(found) == 2
        assert any("x -> y -> x" in problem for problem in found)
        assert any("p -> q -> p" in problem for problem in found)


class TestAnchorTypos:
    def test_a_near_miss_of_a_derived_anchor_is_refused(self):
        data = plan_data(
            rule(every="1 year", starting="purchase", until="renewl"),
            anchors={"renewal": "purchase + 3 years"},
        )
        assert problems(data) == [
            "touchpoints[0].until: the plan derives no anchor 'renewl'; did you mean "
            "'renewal'? (if subjects give 'renewl' themselves, list it in "
            "'subject_anchors')"
        ]

    def test_declared_subject_anchors_allow_a_near_name(self):
        data = plan_data(
            rule(every="1 year", starting="purchase", until="renewl"),
            anchors={"renewal": "purchase + 3 years"},
            subject_anchors=["purchase", "renewl"],
        )
        assert Plan.model_validate(data).subject_anchors() == ("purchase", "renewl")

    def test_with_declared_subject_anchors_any_other_name_is_refused(self):
        data = plan_data(
            rule(at="purchse + 1 day"),
            subject_anchors=["purchase"],
        )
        assert problems(data) == [
            "touchpoints[0].at: 'purchse' is neither a subject anchor (subject_anchors: "
            "purchase) nor a derived anchor; did you mean 'purchase'?"
        ]

    def test_declared_subject_anchors_that_are_unused_are_still_subject_anchors(self):
        data = plan_data(subject_anchors=["purchase", "delivery"])
        assert Plan.model_validate(data).subject_anchors() == ("purchase", "delivery")

    def test_a_declared_subject_anchor_may_not_also_be_derived(self):
        data = plan_data(
            anchors={"renewal": "purchase + 3 years"}, subject_anchors=["purchase", "renewal"]
        )
        assert problems(data) == [
            "subject_anchors[1]: 'renewal' is derived in 'anchors'; list only the anchors "
            "subjects give"
        ]

    def test_distinct_names_need_no_declaration(self):
        data = plan_data(
            rule(every="1 year", starting="delivery", until="renewal"),
            anchors={"renewal": "purchase + 3 years"},
        )
        assert Plan.model_validate(data).subject_anchors() == ("purchase", "delivery")
