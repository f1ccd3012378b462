"""Plans in plain words: ``explain_rule`` and ``explain_plan``."""

from __future__ import annotations

from typing import Any

import pytest

from touchpoints import Plan, Rule, explain_plan, explain_rule


def rule(**timing: Any) -> Rule:
    return Rule.model_validate({"id": "r", "title": "Call", "channel": "call", **timing})


class TestExplainRule:
    @pytest.mark.parametrize(
        ("timing", "words"),
        [
            ({"at": "purchase"}, "once, on the purchase"),
            ({"at": "purchase + 2 weeks"}, "once, 2 weeks after purchase"),
            ({"at": "renewal - 60 days"}, "once, 60 days before renewal"),
            ({"at": "contract_end - 1 month"}, "once, 1 month before contract end"),
            (
                {"every": "1 month", "starting": "purchase", "count": 12},
                "every month from the purchase, at most 12 times",
            ),
            (
                {"every": "2 weeks", "starting": "purchase + 1 week", "count": 1},
                "every 2 weeks from 1 week after purchase, at most once",
            ),
            (
                {"every": "1 year 6 months", "starting": "purchase"},
                "every 1 year 6 months from the purchase, with no end",
            ),
            (
                {"every": "90 days", "starting": "purchase", "until": "renewal", "count": 4},
                "every 90 days from the purchase until the renewal (inclusive), at most 4 times",
            ),
        ],
    )
    def test_timings(self, timing, words):
        assert explain_rule(rule(**timing)) == f"Call: {words}"

    @pytest.mark.parametrize(
        ("rrule", "words"),
        [
            ("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO", "every 3 months on the first Monday"),
            ("FREQ=WEEKLY;BYDAY=MO,TH", "every week on Monday and Thursday"),
            ("FREQ=MONTHLY;BYDAY=-1FR", "every month on the last Friday"),
            ("FREQ=MONTHLY;BYMONTHDAY=-1", "every month on the last day"),
            ("FREQ=MONTHLY;BYMONTHDAY=1,15", "every month on the first day and the 15th day"),
            (
                "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1",
                "every year in January and July on the first day",
            ),
            ("FREQ=DAILY;INTERVAL=10", "every 10 days"),
            ("freq=monthly;byday=2tu", "every month on the second Tuesday"),
            ("FREQ=YEARLY;BYDAY=22MO", "every year on the 22nd Monday"),
            (
                "FREQ=YEARLY;BYDAY=11TH,12TH,13TH,21TH",
                "every year on the 11th Thursday, the 12th Thursday, the 13th Thursday and "
                "the 21st Thursday",
            ),
            # Parts without plain words keep the rule as written.
            (
                "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR",
                "by the calendar rule FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR",
            ),
            ("FREQ=MONTHLY;BYMONTHDAY=-2", "by the calendar rule FREQ=MONTHLY;BYMONTHDAY=-2"),
            ("FREQ=YEARLY;BYWEEKNO=20", "by the calendar rule FREQ=YEARLY;BYWEEKNO=20"),
        ],
    )
    def test_calendar_rules(self, rrule, words):
        explained = explain_rule(rule(rrule=rrule, starting="start + 3 days"))
        assert explained == f"Call: {words} from 3 days after start, with no end"

    def test_optional_rules_say_when_they_are_left_out(self):
        optional = rule(at="churn + 30 days", optional=True)
        assert explain_rule(optional) == (
            "Call: once, 30 days after churn (optional: left out for subjects without a churn date)"
        )


def plan(**fields: Any) -> Plan:
    data = {
        "plan": "p",
        "touchpoints": [{"id": "a", "title": "Welcome", "channel": "email", "at": "signup"}],
        **fields,
    }
    return Plan.model_validate(data)


class TestExplainPlan:
    def test_an_all_day_plan_without_a_name(self):
        assert explain_plan(plan()).splitlines() == [
            "p (version 1)",
            "Subjects give: signup",
            "Contact time: none; every touch point is all-day, a date without a time",
            "Without a window: touch points up to 5 years after the subject's earliest anchor",
            "Touch points:",
            "  a [email] Welcome: once, on the signup",
        ]

    def test_a_timed_plan_without_a_zone_needs_subject_zones(self):
        lines = explain_plan(plan(contact_time="09:30", horizon="2 years")).splitlines()
        assert (
            "Contact time: 09:30 local time in the subject's zone (every subject needs a time zone)"
            in lines
        )
        assert (
            "Without a window: touch points up to 2 years after the subject's earliest anchor"
            in lines
        )

    def test_description_and_derived_anchors(self):
        lines = explain_plan(
            plan(
                name="Onboarding",
                description="For new accounts.",
                anchors={"kickoff": "signup", "review": "kickoff + 1 month"},
            )
        ).splitlines()
        assert lines[:6] == [
            "Onboarding (p, version 1)",
            "For new accounts.",
            "Subjects give: signup",
            "Derived anchors:",
            "  kickoff: the same date as signup",
            "  review: 1 month after kickoff",
        ]


class TestBusinessDays:
    def test_calendars_channels_and_rule_overrides(self):
        explained = explain_plan(
            plan(
                contact_time="10:00",
                timezone="Europe/Berlin",
                calendar={
                    "workdays": ["mon", "tue", "wed", "thu", "fri"],
                    "holidays": "DE-BY",
                    "closed": ["2026-12-24", "2026-12-31"],
                    "roll": "modified_following",
                },
                channels={
                    "call": {"contact_time": "09:00", "weekdays": ["mon", "wed"]},
                    "email": {},
                },
                touchpoints=[
                    {
                        "id": "a",
                        "title": "Welcome",
                        "channel": "call",
                        "at": "signup + 1 day",
                        "contact_time": "14:00",
                        "calendar": {"roll": "keep", "closed": ["2027-01-02"]},
                    }
                ],
            )
        ).splitlines()
        assert (
            "Business days: open Mon, Tue, Wed, Thu, Fri; closed on public holidays in DE-BY; "
            "2 more closed dates; touch points on closed days move to the next open day in "
            "the same month, else the previous one"
        ) in explained
        assert "Channel call: at 09:00 on Mon, Wed" in explained
        assert "Channel email: no limits" in explained
        assert explained[-1] == (
            "  a [call] Welcome: once, 1 day after signup, at 14:00 (business days: 1 more "
            "closed date; touch points on closed days stay where they are)"
        )

    def test_an_empty_rule_calendar_keeps_the_plans(self):
        rule_with_calendar = rule(at="signup", calendar={})
        assert explain_rule(rule_with_calendar) == (
            "Call: once, on the signup (business days: the plan's settings)"
        )


class TestConditions:
    @pytest.mark.parametrize(
        ("when", "words"),
        [
            ({"segment": "premium"}, "segment is premium"),
            ({"segment": ["gold", "premium"]}, "segment is one of gold, premium"),
            ({"vip": True}, "vip is true"),
            ({"seats": {"min": 10}}, "seats is at least 10"),
            ({"seats": {"max": 2.5}}, "seats is at most 2.5"),
            ({"seats": {"min": 10, "max": 50}}, "seats is between 10 and 50"),
            ({"region": {"not_in": ["EU", "UK"]}}, "region is none of EU, UK"),
            ({"region": {"in": ["US"], "exists": True}}, "region is one of US and is set"),
            ({"region": {"not": "EU"}}, "region is not EU"),
            ({"churned": {"exists": False}}, "churned is not set"),
            (
                {"segment": "premium", "seats": {"min": 10}},
                "segment is premium and whose seats is at least 10",
            ),
        ],
    )
    def test_rules_for_some_subjects_say_which(self, when, words):
        assert explain_rule(rule(at="signup", when=when)) == (
            f"Call: once, on the signup, only for subjects whose {words}"
        )


class TestLifecycle:
    def test_terms_stops_missed_and_fatigue(self):
        lines = explain_plan(
            plan(
                term={"starts": "signup", "length": "1 year"},
                stop=["churn", "contract_end"],
                missed="skip",
                fatigue={
                    "spacing": "7 days",
                    "channels": {"call": "14 days"},
                    "caps": [
                        {"max": 4, "per": "30 days"},
                        {"max": 1, "per": "1 week", "channel": "sms"},
                    ],
                    "merge": False,
                    "max_shift": "3 weeks",
                },
            )
        ).splitlines()
        assert (
            "Terms: the plan starts again at each renewal, from the signup; a term lasts at "
            "most 1 year"
        ) in lines
        assert "Stops: nothing after a subject's churn or contract end date" in lines
        assert "Missed touch points (due before the 'as of' date, no history): skipped" in lines
        assert (
            "Contact fatigue: at least 7 days between any two touch points; at least 14 days "
            "between two call touch points; at most 4 touch points in any 30 days; at most 1 "
            "sms touch point in any 1 week; touch points too close move, by at most 3 weeks"
        ) in lines

    def test_defaults_say_nothing(self):
        text = explain_plan(plan(fatigue={}))
        for word in ("Terms", "Stops", "Missed", "Contact fatigue"):
            assert word not in text

    def test_floating_series_and_missed_policy(self):
        floating = rule(every="90 days", starting="purchase", after="completion", missed="collapse")
        assert explain_rule(floating) == (
            "Call: every 90 days from the purchase, with no end; each one counted from when "
            "the previous one was completed; missed ones collapsed into one"
        )
