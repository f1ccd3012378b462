"""Plans, rules, durations, expressions and subjects print as one short line each, so a
failing example Hypothesis prints can be read at a glance."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from touchpoints import AnchorExpression, Duration, HistoryEvent, Plan, Rule, Subject, schedule
from touchpoints.testing import durations, plan_edits, plans, subjects

LONGEST = 300


def test_a_duration_shows_only_its_parts_and_evaluates_back() -> None:
    duration = Duration(years=1, months=6)
    assert repr(duration) == "Duration(years=1, months=6)"
    assert repr(Duration()) == "Duration()"
    assert eval(repr(Duration(business_days=10))) == Duration(business_days=10)


def test_an_expression_shows_the_plan_text_and_evaluates_back() -> None:
    expression = AnchorExpression.parse("contract_end - 60 days")
    assert repr(expression) == "AnchorExpression.parse('contract_end - 60 days')"
    assert eval(repr(expression)) == expression


def test_each_rule_kind_shows_id_channel_and_timing() -> None:
    once = Rule.model_validate(
        {"id": "welcome", "title": "Welcome " * 40, "channel": "call", "at": "purchase + 2 weeks"}
    )
    every = Rule.model_validate(
        {"id": "service", "title": "Service", "channel": "visit", "every": "6 months",
         "starting": "purchase + 6 months", "until": "contract_end", "after": "completion"}
    )  # fmt: skip
    calendar = Rule.model_validate(
        {"id": "newsletter", "title": "News", "channel": "email", "optional": True,
         "rrule": "FREQ=MONTHLY;BYDAY=1MO", "starting": "purchase", "count": 12,
         "when": {"segment": "fleet"}, "missed": "skip"}
    )  # fmt: skip
    assert repr(once) == "Rule('welcome', call, at purchase + 2 weeks)"
    assert repr(every) == (
        "Rule('service', visit, every 6 months from purchase + 6 months until contract_end, "
        "after completion)"
    )
    assert repr(calendar) == (
        "Rule('newsletter', email, rrule FREQ=MONTHLY;BYDAY=1MO from purchase, count 12, "
        "optional, when segment, missed skip)"
    )


def test_a_plan_shows_ids_zone_time_and_parts_not_its_rules_in_full() -> None:
    rules = [
        {"id": f"r{n}", "title": "Title " * 50, "channel": "call", "at": f"purchase + {n} days"}
        for n in range(1, 9)
    ]
    plan = Plan.model_validate(
        {"plan": "dealer", "version": 4, "timezone": "Europe/Berlin", "contact_time": "09:30",
         "calendar": {"holidays": "DE-BY"}, "term": {"starts": "purchase"}, "stop": ["churn"],
         "touchpoints": rules}
    )  # fmt: skip
    assert repr(plan) == (
        "Plan('dealer' v4, rules 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', … 8 in all, "
        "timezone Europe/Berlin, at 09:30, with calendar, term, stop)"
    )
    one = Plan.model_validate(
        {"plan": "p", "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "x"}]}
    )
    assert repr(one) == "Plan('p' v1, rule 'a', all-day)"


def test_a_subject_shows_id_anchors_and_counts_not_its_history() -> None:
    history = tuple(
        HistoryEvent(rule="service", occurrence=n, status="completed", on=date(2026, 1, n))
        for n in range(1, 20)
    )
    subject = Subject(
        id="x" * 100,
        timezone="America/New_York",
        anchors={
            "purchase": date(2026, 1, 15),
            "delivery": datetime(2026, 1, 20, 9, tzinfo=ZoneInfo("UTC")),
        },
        attributes={"segment": "fleet", "notes": "n" * 500},
        history=history,
        renewals=(date(2027, 1, 15),),
    )
    assert repr(subject) == (
        f"Subject('{'x' * 39}…', purchase 2026-01-15, delivery 2026-01-20T09:00:00+00:00, "
        "timezone America/New_York, 2 attributes, 19 history events, 1 renewal)"
    )
    assert repr(Subject(id="c1")) == "Subject('c1', no anchors)"


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_drawn_values_print_as_one_bounded_line(data: st.DataObject) -> None:
    features = ("calendar", "fatigue", "term", "stop", "channels", "conditions")
    plan = data.draw(plans(features=features))
    subject = data.draw(subjects(plan, history=True))
    texts = [repr(plan), repr(subject), *(repr(rule) for rule in plan.rules)]
    texts += [repr(d) for rule in plan.rules for d in rule.durations()]
    for text in texts:
        assert "\n" not in text
        assert len(text) <= LONGEST + 600 * text.startswith("Rule("), text  # an rrule's text


def test_failing_examples_print_durations_edits_and_schedules_in_one_line() -> None:
    plan = Plan.model_validate(
        {"plan": "p", "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "x"}]}
    )
    result = schedule(plan, Subject(id="c1", anchors={"x": date(2026, 1, 1)}))

    @settings(max_examples=50, derandomize=True, database=None, deadline=None)
    @given(durations(), plan_edits(plan), st.just(result))
    def fails(duration: Duration, edit: object, schedule_: object) -> None:
        raise AssertionError("fails")

    try:
        fails()
    except AssertionError as error:
        notes = "\n".join(error.__notes__)
    assert "duration=Duration()," in notes
    assert "edit=bump_version()," in notes or "edit=retitle(" in notes, notes
    assert "schedule_=Schedule(plan 'p', subject 'c1', 1 touch point" in notes, notes
