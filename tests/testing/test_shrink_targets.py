"""Failing examples shrink to simple values a person reads at a glance: a plan with one
all-day rule, the first readable id, a round date, UTC, a zero offset."""

from __future__ import annotations

from datetime import date, time

from hypothesis import find, settings

from touchpoints import Duration, Subject
from touchpoints.testing import anchor_dates, durations, plans, rules, subjects, timezones

SHRINK = settings(max_examples=300, derandomize=True, database=None, deadline=None)


def test_a_plan_shrinks_to_one_all_day_rule_at_its_anchor() -> None:
    plan = find(plans(), lambda plan: True, settings=SHRINK)
    assert repr(plan) == "Plan('check-up' v1, rule 'check-up', all-day)"
    assert str(plan.rules[0].at) == "purchase"


def test_a_timed_plan_shrinks_to_nine_in_the_morning() -> None:
    plan = find(plans(all_day=False), lambda plan: True, settings=SHRINK)
    assert plan.contact_time == time(9, 0)


def test_a_plan_with_two_rules_shrinks_to_exactly_two() -> None:
    plan = find(plans(), lambda plan: len(plan.rules) > 1, settings=SHRINK)
    assert len(plan.rules) == 2
    assert plan.is_all_day


def test_a_subject_shrinks_to_the_first_id_and_a_round_date() -> None:
    plan = find(plans(), lambda plan: True, settings=SHRINK)
    subject: Subject = find(subjects(plan), lambda subject: True, settings=SHRINK)
    assert repr(subject) == "Subject('cust-1', purchase 2000-01-01)"


def test_dates_zones_durations_and_rules_shrink_to_simple_values() -> None:
    assert find(anchor_dates(), lambda day: True, settings=SHRINK) == date(2000, 1, 1)
    later = find(anchor_dates(), lambda day: day > date(2026, 1, 1), settings=SHRINK)
    assert later == date(2026, 1, 2)
    assert find(timezones(), lambda zone: True, settings=SHRINK) == "UTC"
    assert find(timezones(), lambda zone: zone != "UTC", settings=SHRINK) == "Europe/Berlin"
    assert find(durations(), lambda d: True, settings=SHRINK) == Duration()
    assert repr(find(rules(), lambda rule: True, settings=SHRINK)) == (
        "Rule('check-up', call, at purchase)"
    )
    series = find(rules(), lambda rule: rule.kind == "every", settings=SHRINK)
    assert repr(series) == "Rule('check-up', call, every 1 minute from purchase)"
