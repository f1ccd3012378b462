"""The ready-made checks: each passes on a plan that keeps its property and catches
a plan built to break it, with the offending touch points explained."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from touchpoints import Plan, Subject, load_plan, schedule
from touchpoints.testing import Edit, checks, plan_edits, subjects

DEALERSHIP = load_plan(Path(__file__).resolve().parents[2] / "examples" / "dealership.yaml")
UNGUARDED = DEALERSHIP.model_copy(update={"fatigue": None, "business_calendar": None})
PURCHASE = date(2026, 1, 15)  # a Thursday
SUBJECT = Subject(id="c1", anchors={"purchase": PURCHASE})
# Finding a failing subject is what is timed here; shrinking it is not needed.
QUICK = settings(phases=[Phase.generate], database=None, max_examples=200, deadline=None)


def plan(*rules: dict[str, Any], **fields: Any) -> Plan:
    return Plan.model_validate({"plan": "p", **fields, "touchpoints": list(rules)})


def once(rule_id: str, at: str, channel: str = "call") -> dict[str, Any]:
    return {"id": rule_id, "title": rule_id.title(), "channel": channel, "at": at}


def weekly(rule_id: str = "news", count: int = 10) -> dict[str, Any]:
    return {"id": rule_id, "title": "News", "channel": "email", "every": "1 week",
            "starting": "purchase", "count": count}  # fmt: skip


def failure(check: checks.Check, result: Any, *extra: Any) -> str:
    with pytest.raises(AssertionError) as caught:
        check(result, *extra)
    return str(caught.value)


class TestMinSpacing:
    def test_catches_two_close_touch_points(self) -> None:
        result = schedule(plan(once("a", "purchase"), once("b", "purchase + 6 days")), SUBJECT)
        message = failure(checks.min_spacing(timedelta(days=7)), result)
        assert message.splitlines() == [
            "min_spacing(7 days): 2 touch points of 'c1' are 6 days apart",
            "  a #1: purchase = Thu 2026-01-15",
            "  b #1: purchase + 6 days = Wed 2026-01-21",
        ]

    def test_passes_at_exactly_the_spacing(self) -> None:
        result = schedule(plan(once("a", "purchase"), once("b", "purchase + 7 days")), SUBJECT)
        checks.min_spacing("7 days")(result)
        checks.min_spacing("1 week", channel="email")(result)

    def test_counts_one_channel(self) -> None:
        close = plan(once("a", "purchase"), once("b", "purchase + 1 day", channel="email"))
        checks.min_spacing("7 days", channel="call")(schedule(close, SUBJECT))

    @pytest.mark.parametrize("bad", ["1 month", "0 days", timedelta(0)])
    def test_rejects_a_length_that_is_not_fixed_and_positive(self, bad: Any) -> None:
        with pytest.raises(ValueError, match="spacing"):
            checks.min_spacing(bad)


class TestOnlyOpenDays:
    def test_catches_weekends_and_holidays(self) -> None:
        easter_monday = Subject(id="c1", anchors={"purchase": date(2026, 4, 4)})  # a Saturday
        result = schedule(
            plan(once("a", "purchase"), once("b", "purchase + 2 days")), easter_monday
        )
        message = failure(checks.only_open_days("DE-BY"), result)
        assert "2 touch point(s) of 'c1' on a closed day" in message
        assert "due Sat 2026-04-04: weekend" in message
        assert "due Mon 2026-04-06: holiday: Easter Monday" in message

    def test_passes_when_the_plan_rolls_closed_days(self) -> None:
        rolled = plan(once("a", "purchase"), once("b", "purchase + 2 days"),
                      calendar={"holidays": "DE-BY"})  # fmt: skip
        checks.only_open_days("DE-BY")(schedule(rolled, SUBJECT))


class TestAtMost:
    def test_catches_too_many_in_a_window(self) -> None:
        result = schedule(plan(weekly(count=5)), SUBJECT)
        message = failure(checks.at_most(4, "30 days"), result)
        assert message.startswith("at_most(4 per 30 days): 5 touch points of 'c1' within 29 days")
        assert message.count("news #") == 5

    def test_passes_at_the_limit(self) -> None:
        result = schedule(plan(weekly(count=5)), SUBJECT)
        checks.at_most(5, "30 days")(result)
        checks.at_most(4, "28 days")(result)  # #1 and #5 are 28 days apart

    def test_rejects_a_count_below_one(self) -> None:
        with pytest.raises(ValueError, match="count"):
            checks.at_most(0, "7 days")


class TestExactlyOnce:
    def test_catches_a_missing_and_a_repeated_rule(self) -> None:
        gone = plan(once("a", "purchase"), {**once("w", "churn"), "optional": True})
        message = failure(checks.exactly_once("w"), schedule(gone, SUBJECT))
        assert message.splitlines() == [
            "exactly_once('w'): 0 touch points of 'c1'",
            "  rule 'w' left out: the subject has no 'churn' date",
        ]
        assert "2 touch points" in failure(
            checks.exactly_once("news"), schedule(plan(weekly(count=2)), SUBJECT)
        )

    def test_passes_once(self) -> None:
        checks.exactly_once("a")(schedule(plan(once("a", "purchase")), SUBJECT))


class TestBeforeAndAfter:
    def test_catches_a_touch_point_on_the_wrong_side(self) -> None:
        late = plan(once("renewal", "contract_end + 1 day"))
        subject = Subject(id="c1", anchors={"contract_end": date(2029, 3, 1)})
        message = failure(
            checks.before("contract_end", rule="renewal"), schedule(late, subject), subject
        )
        assert message.splitlines() == [
            "before('contract_end', rule='renewal'): 1 touch point(s) of 'c1' not before "
            "contract_end (Thu 2029-03-01)",
            "  renewal #1: contract_end + 1 day = Fri 2029-03-02",
        ]
        on_the_day = plan(once("welcome", "purchase"))
        assert "not after purchase" in failure(
            checks.after("purchase"), schedule(on_the_day, SUBJECT), SUBJECT
        )
        checks.after("purchase", inclusive=True)(schedule(on_the_day, SUBJECT), SUBJECT)

    def test_a_derived_anchor_is_computed_from_the_plan(self) -> None:
        derived = plan(
            once("renewal", "renewal + 1 day"), anchors={"renewal": "purchase + 3 years"}
        )
        result = schedule(derived, SUBJECT)
        assert "(Mon 2029-01-15)" in failure(checks.before("renewal"), result, SUBJECT, derived)
        checks.after("renewal")(result, SUBJECT, derived)

    def test_needs_the_subject(self) -> None:
        with pytest.raises(TypeError, match="needs the subject"):
            checks.before("purchase")(schedule(plan(once("a", "purchase")), SUBJECT))


class TestIdsStableUnder:
    def test_catches_an_edit_that_drops_other_touch_points(self) -> None:
        # Merging: shifted a day later, 'b' comes within the spacing of 'a', which has
        # the lower priority and is merged into 'b': a touch point of 'a' is gone.
        merging = plan(
            {**once("a", "purchase + 7 days"), "priority": 9},
            {**once("b", "purchase"), "priority": 1},
            fatigue={"spacing": "7 days"},
        )
        shifted = Edit("shift", "b", 1, frozenset({"b"}))
        result = schedule(merging, SUBJECT)
        checks.min_spacing("7 days")(result)
        message = failure(checks.ids_stable_under(shifted), result, SUBJECT, merging)
        assert message.splitlines() == [
            "ids_stable_under(shift('b', 1 day)): the edit changed touch points of rules "
            "it did not touch ('c1')",
            "  gone:",
            "  a #1: purchase + 7 days = Thu 2026-01-22",
        ]

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_passes_for_every_edit_of_a_plan_without_fatigue(self, data: st.DataObject) -> None:
        subject = data.draw(subjects(UNGUARDED))
        edit = data.draw(plan_edits(UNGUARDED))
        checks.verify(UNGUARDED, subject, checks.ids_stable_under(edit))

    def test_needs_the_plan(self) -> None:
        check = checks.ids_stable_under(Edit("bump_version", None, None, frozenset()))
        with pytest.raises(TypeError, match="needs the plan"):
            check(schedule(plan(once("a", "purchase")), SUBJECT), SUBJECT)


class TestTheDealershipPlan:
    """Without fatigue and calendars, the dealership plan breaks spacing and open days
    for some customer, found within seconds; with them, it keeps both."""

    @pytest.mark.parametrize(
        "check", [checks.min_spacing("7 days"), checks.only_open_days("DE-BY")], ids=repr
    )
    def test_unguarded_fails(self, check: checks.Check) -> None:
        def breaks(subject: Subject) -> bool:
            try:
                check(schedule(UNGUARDED, subject))
            except AssertionError:
                return True
            return False

        find(subjects(UNGUARDED), breaks, settings=QUICK)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(subjects(DEALERSHIP))
    def test_guarded_holds(self, subject: Subject) -> None:
        checks.verify(
            DEALERSHIP,
            subject,
            checks.min_spacing("7 days"),
            checks.only_open_days("DE-BY"),
            checks.at_most(20, "365 days"),
            checks.exactly_once("renewal"),
            checks.before("contract_end", rule="renewal"),
        )


def test_verify_shows_the_plan_and_schedule_outside_a_test() -> None:
    close = plan(once("a", "purchase"), once("b", "purchase + 1 day"))
    with pytest.raises(AssertionError) as caught:
        checks.verify(close, SUBJECT, checks.min_spacing("7 days"))
    message = str(caught.value)
    assert "plan:\nplan: p\ntouchpoints:\n- id: a" in message
    assert "subject:\nid: c1\nanchors:\n  purchase: '2026-01-15'" in message
    assert "schedule:\ndue             rule  #  channel  title" in message
