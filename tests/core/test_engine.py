"""The engine's semantic rules, each pinned with dates worked out by hand.

Where the arithmetic is not obvious, the reasoning is in a comment next to it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.plans import AFTER_SALES

from touchpoints import (
    DEFAULT_LIMIT,
    MissingAnchorError,
    Omission,
    Plan,
    Schedule,
    ScheduleError,
    Subject,
    TooManyTouchPointsError,
    TouchpointsError,
    schedule,
    schedule_many,
)
from touchpoints._core.cache import CACHE_SIZE as _CACHE_SIZE  # to be sure the cache overflows

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def make_plan(*rules: dict[str, Any], **fields: Any) -> Plan:
    return Plan.model_validate({"plan": "p", "touchpoints": list(rules), **fields})


def rule(rule_id: str = "a", **timing: Any) -> dict[str, Any]:
    return {"id": rule_id, "title": rule_id.title(), "channel": "call", **timing}


def subject(purchase: date | datetime | None = None, **fields: Any) -> Subject:
    anchors = dict(fields.pop("anchors", {}))
    if purchase is not None:
        anchors["purchase"] = purchase
    return Subject(id=fields.pop("id", "cust-42"), anchors=anchors, **fields)


def dues(result: Schedule) -> list[date]:
    return [tp.due for tp in result]


class TestNoDrift:
    def test_month_ends_from_january_31(self) -> None:
        plan = make_plan(rule(every="1 month", starting="purchase + 1 month", count=4))
        result = schedule(plan, subject(date(2024, 1, 31)))
        # Each is Jan 31 + k months, clamped once: never Mar 29 from Feb 29 + 1 month.
        assert dues(result) == [
            date(2024, 2, 29),
            date(2024, 3, 31),
            date(2024, 4, 30),
            date(2024, 5, 31),
        ]
        assert [tp.occurrence for tp in result] == [1, 2, 3, 4]

    def test_starting_on_the_anchor_includes_it(self) -> None:
        plan = make_plan(rule(every="1 month", starting="purchase", count=3))
        assert dues(schedule(plan, subject(date(2024, 1, 31)))) == [
            date(2024, 1, 31),
            date(2024, 2, 29),
            date(2024, 3, 31),
        ]

    def test_half_yearly_from_august_31(self) -> None:
        plan = make_plan(rule(every="6 months", starting="purchase", count=4))
        assert dues(schedule(plan, subject(date(2024, 8, 31)))) == [
            date(2024, 8, 31),
            date(2025, 2, 28),
            date(2025, 8, 31),
            date(2026, 2, 28),
        ]

    def test_yearly_from_a_leap_day(self) -> None:
        plan = make_plan(rule(every="1 year", starting="purchase", count=5))
        assert dues(schedule(plan, subject(date(2024, 2, 29)))) == [
            date(2024, 2, 29),
            date(2025, 2, 28),
            date(2026, 2, 28),
            date(2027, 2, 28),
            date(2028, 2, 29),
        ]


class TestClamping:
    @pytest.mark.parametrize(
        ("anchor", "expression", "expected"),
        [
            (date(2024, 2, 29), "purchase + 1 year", date(2025, 2, 28)),
            (date(2024, 2, 29), "purchase + 4 years", date(2028, 2, 29)),
            (date(2024, 2, 29), "purchase + 3 years", date(2027, 2, 28)),
            (date(2024, 3, 31), "purchase - 1 month", date(2024, 2, 29)),
            (date(2023, 3, 31), "purchase - 1 month", date(2023, 2, 28)),
            (date(2024, 1, 31), "purchase + P1M", date(2024, 2, 29)),
            # Months first, then days: Jan 31 + 1 month = Feb 28 (2023), + 1 day = Mar 1.
            (date(2023, 1, 31), "purchase + 1 month 1 day", date(2023, 3, 1)),
            # 2 weeks are 14 fixed days: Feb 20 2024 + 14 = Mar 5 (Feb has 29 days).
            (date(2024, 2, 20), "purchase + 2 weeks", date(2024, 3, 5)),
            (date(2025, 12, 31), "purchase + 1 day", date(2026, 1, 1)),
        ],
    )
    def test_once(self, anchor: date, expression: str, expected: date) -> None:
        plan = make_plan(rule(at=expression))
        assert dues(schedule(plan, subject(anchor))) == [expected]


class TestOnce:
    def test_an_offset_of_zero_lands_on_the_anchor(self) -> None:
        plan = make_plan(rule(at="purchase"), contact_time="10:00", timezone="Europe/Berlin")
        (tp,) = schedule(plan, subject(date(2026, 1, 15)))
        assert tp.due == datetime(2026, 1, 15, 10, tzinfo=BERLIN)
        assert tp.occurrence == 1

    def test_derived_anchor(self) -> None:
        plan = Plan.model_validate(AFTER_SALES)
        result = schedule(plan, subject(date(2026, 1, 15)))
        by_rule = {tp.rule_id: tp.due for tp in result if tp.rule_id != "service"}
        # renewal = 2029-01-15; 60 days before: 15 days back to Dec 31, 30 more to
        # Dec 1, 15 more to Nov 16 (2028).
        assert by_rule == {
            "check-up": datetime(2026, 1, 29, 10, tzinfo=BERLIN),
            "renewal-reminder": datetime(2028, 11, 16, 10, tzinfo=BERLIN),
            "renewal": datetime(2029, 1, 15, 10, tzinfo=BERLIN),
        }

    def test_a_subject_value_overrides_the_derived_anchor(self) -> None:
        plan = Plan.model_validate(AFTER_SALES)
        own = subject(date(2026, 1, 15), anchors={"renewal": date(2027, 6, 1)})
        by_rule = {tp.rule_id: tp.due for tp in schedule(plan, own) if tp.rule_id != "service"}
        # June 1 - 60 days: back 31 to May 1, 30 more to Apr 1 is 61, so Apr 2.
        assert by_rule["renewal-reminder"] == datetime(2027, 4, 2, 10, tzinfo=BERLIN)
        assert by_rule["renewal"] == datetime(2027, 6, 1, 10, tzinfo=BERLIN)

    def test_chained_derived_anchors(self) -> None:
        plan = make_plan(
            rule(at="notice"),
            anchors={"renewal": "purchase + 1 year", "notice": "renewal - 1 month"},
        )
        # 2024-03-31 + 1 year = 2025-03-31; - 1 month = 2025-02-28 (clamped).
        assert dues(schedule(plan, subject(date(2024, 3, 31)))) == [date(2025, 2, 28)]

    def test_negative_offsets_before_the_anchor(self) -> None:
        plan = make_plan(rule(at="purchase - 1 week"))
        assert dues(schedule(plan, subject(date(2026, 1, 3)))) == [date(2025, 12, 27)]


class TestEvery:
    def test_the_example_service_series(self) -> None:
        plan = Plan.model_validate(AFTER_SALES)
        service = [
            tp for tp in schedule(plan, subject(date(2026, 1, 15))) if tp.rule_id == "service"
        ]
        # 2026-01-15 to 2029-01-15 is 365 + 365 + 366 = 1,096 days; visits are at
        # 90, 180, ..., 1,080 days (12 of them): 1,170 would pass the renewal.
        expected = [
            datetime.combine(date(2026, 1, 15) + timedelta(days=90 * k), time(10), BERLIN)
            for k in range(1, 13)
        ]
        assert [tp.due for tp in service] == expected
        assert service[-1].due == datetime(2028, 12, 30, 10, tzinfo=BERLIN)
        assert [tp.occurrence for tp in service] == list(range(1, 13))

    def test_until_is_inclusive(self) -> None:
        plan = make_plan(rule(every="1 week", starting="purchase", until="purchase + 2 weeks"))
        assert dues(schedule(plan, subject(date(2026, 1, 1)))) == [
            date(2026, 1, 1),
            date(2026, 1, 8),
            date(2026, 1, 15),
        ]

    def test_until_is_inclusive_at_the_contact_time(self) -> None:
        plan = make_plan(
            rule(every="1 day", starting="purchase", until="purchase + 1 day"),
            contact_time="09:00",
            timezone="UTC",
        )
        assert len(schedule(plan, subject(date(2026, 1, 1)))) == 2

    def test_count(self) -> None:
        plan = make_plan(rule(every="1 week", starting="purchase + 1 week", count=3))
        assert dues(schedule(plan, subject(date(2026, 1, 1)))) == [
            date(2026, 1, 8),
            date(2026, 1, 15),
            date(2026, 1, 22),
        ]

    @pytest.mark.parametrize(
        ("until", "count", "expected"),
        [("purchase + 10 days", 5, 2), ("purchase + 100 days", 5, 5)],
    )
    def test_until_and_count_whichever_comes_first(
        self, until: str, count: int, expected: int
    ) -> None:
        plan = make_plan(rule(every="1 week", starting="purchase", until=until, count=count))
        assert len(schedule(plan, subject(date(2026, 1, 1)))) == expected

    def test_until_before_the_start_for_this_subject_gives_nothing(self) -> None:
        plan = make_plan(
            rule(every="1 week", starting="purchase", until="renewal"),
        )
        own = subject(date(2026, 1, 1), anchors={"renewal": date(2025, 1, 1)})
        assert len(schedule(plan, own)) == 0

    def test_open_ended_series_is_bounded_by_the_window(self) -> None:
        plan = make_plan(rule(every="1 week", starting="purchase"))
        result = schedule(
            plan, subject(date(2026, 1, 1)), start=date(2026, 3, 1), end=date(2026, 4, 1)
        )
        # 2026-01-01 is a Thursday; the Thursdays of March 2026 are the 5th, 12th,
        # 19th and 26th. Mar 5 is 31 + 28 + 4 = 63 days = 9 weeks on: occurrence 10.
        assert dues(result) == [date(2026, 3, d) for d in (5, 12, 19, 26)]
        assert [tp.occurrence for tp in result] == [10, 11, 12, 13]

    def test_open_ended_series_is_bounded_by_the_default_horizon(self) -> None:
        plan = make_plan(rule(every="1 year", starting="purchase"))
        result = schedule(plan, subject(date(2026, 1, 15)))
        # Five years after the earliest anchor: up to 2031-01-15, exclusive.
        assert dues(result) == [date(y, 1, 15) for y in range(2026, 2031)]
        assert result.end == date(2031, 1, 15)
        assert result.start is None

    def test_default_horizon_for_timed_plans_ends_at_local_midnight(self) -> None:
        plan = make_plan(
            rule(every="1 year", starting="purchase"),
            contact_time="00:00",
            timezone="Europe/Berlin",
        )
        result = schedule(plan, subject(date(2026, 1, 15)))
        # The 2031-01-15 00:00 one is at the (exclusive) end.
        assert [tp.due.year for tp in result] == [2026, 2027, 2028, 2029, 2030]

    def test_horizon_is_configurable(self) -> None:
        plan = make_plan(rule(every="1 month", starting="purchase"), horizon="3 months")
        assert dues(schedule(plan, subject(date(2026, 1, 31)))) == [
            date(2026, 1, 31),
            date(2026, 2, 28),
            date(2026, 3, 31),
        ]

    def test_horizon_runs_from_the_earliest_anchor(self) -> None:
        plan = make_plan(
            rule("a", every="1 year", starting="purchase"),
            rule("b", at="delivery"),
            horizon="2 years",
        )
        own = subject(date(2026, 6, 1), anchors={"delivery": date(2025, 6, 1)})
        result = schedule(plan, own)
        # Earliest anchor 2025-06-01, so the end is 2027-06-01 (exclusive).
        assert result.end == date(2027, 6, 1)
        assert dues(result) == [date(2025, 6, 1), date(2026, 6, 1)]

    def test_horizon_runs_from_the_window_start_when_there_is_one(self) -> None:
        plan = make_plan(rule(every="1 year", starting="purchase"), horizon="2 years")
        result = schedule(plan, subject(date(2020, 3, 1)), start=date(2030, 1, 1))
        assert result.end == date(2032, 1, 1)
        assert dues(result) == [date(2030, 3, 1), date(2031, 3, 1)]
        assert [tp.occurrence for tp in result] == [11, 12]

    def test_a_window_far_after_a_fast_series_start(self) -> None:
        plan = make_plan(
            rule(every="1 minute", starting="purchase"), contact_time="00:00", timezone="UTC"
        )
        start = datetime(2100, 1, 1, tzinfo=UTC)
        result = schedule(
            plan, subject(date(1970, 1, 1)), start=start, end=start + timedelta(minutes=5)
        )
        # Stepping through the 68 million skipped minutes one by one would take
        # minutes; the engine jumps. Occurrence n is at minute n - 1.
        skipped = (datetime(2100, 1, 1) - datetime(1970, 1, 1)) // timedelta(minutes=1)
        assert [tp.occurrence for tp in result] == [skipped + k for k in range(1, 6)]
        assert dues(result) == [start + timedelta(minutes=k) for k in range(5)]


class TestRrule:
    def test_quarterly_first_monday(self) -> None:
        plan = make_plan(
            rule(rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO", starting="purchase", count=3)
        )
        # From 2026-01-15, every third month's first Monday: January's (the 5th) is
        # before the start, so April 6, July 6 and October 5 (Apr 1 and Jul 1 2026
        # are Wednesdays, Oct 1 a Thursday).
        result = schedule(plan, subject(date(2026, 1, 15)))
        assert dues(result) == [date(2026, 4, 6), date(2026, 7, 6), date(2026, 10, 5)]
        assert [tp.occurrence for tp in result] == [1, 2, 3]

    def test_rrule_skips_missing_month_days_unlike_every(self) -> None:
        # RFC 5545: a MONTHLY rule from the 31st only happens in months with a 31st.
        plan = make_plan(rule(rrule="FREQ=MONTHLY", starting="purchase", count=3))
        assert dues(schedule(plan, subject(date(2024, 1, 31)))) == [
            date(2024, 1, 31),
            date(2024, 3, 31),
            date(2024, 5, 31),
        ]

    def test_until_is_inclusive(self) -> None:
        plan = make_plan(rule(rrule="FREQ=WEEKLY", starting="purchase", until="purchase + 14 days"))
        assert len(schedule(plan, subject(date(2026, 1, 1)))) == 3

    def test_starting_offset_and_contact_time(self) -> None:
        plan = make_plan(
            rule(rrule="FREQ=YEARLY", starting="purchase + 1 month", count=2),
            contact_time="14:30",
            timezone="America/New_York",
        )
        assert dues(schedule(plan, subject(date(2024, 1, 31)))) == [
            datetime(2024, 2, 29, 14, 30, tzinfo=NEW_YORK),
            # RFC 5545 skips years without a Feb 29; only 'every' clamps.
            datetime(2028, 2, 29, 14, 30, tzinfo=NEW_YORK),
        ]

    def test_open_ended_rrule_is_bounded_by_the_window(self) -> None:
        plan = make_plan(rule(rrule="FREQ=WEEKLY;BYDAY=MO", starting="purchase"))
        result = schedule(
            plan, subject(date(2026, 1, 1)), start=date(2026, 2, 1), end=date(2026, 2, 16)
        )
        # Mondays from 2026-01-05: Feb 2 is the 5th, Feb 9 the 6th; Feb 16 is the end.
        assert dues(result) == [date(2026, 2, 2), date(2026, 2, 9)]
        assert [tp.occurrence for tp in result] == [5, 6]


class TestOrder:
    def test_by_due_then_rule_position_then_occurrence(self) -> None:
        plan = make_plan(
            rule("late", at="purchase + 2 days"),
            rule("same-b", at="purchase + 1 day"),
            rule("same-a", every="1 day", starting="purchase", count=2),
        )
        result = schedule(plan, subject(date(2026, 1, 1)))
        assert [(tp.rule_id, tp.occurrence, tp.due) for tp in result] == [
            ("same-a", 1, date(2026, 1, 1)),
            ("same-b", 1, date(2026, 1, 2)),  # ties with same-a #2; earlier in the plan
            ("same-a", 2, date(2026, 1, 2)),
            ("late", 1, date(2026, 1, 3)),
        ]

    def test_ties_follow_the_plan_order_not_the_rule_id(self) -> None:
        plan = make_plan(rule("z", at="purchase"), rule("a", at="purchase"))
        assert [tp.rule_id for tp in schedule(plan, subject(date(2026, 1, 1)))] == ["z", "a"]


class TestMissingAnchors:
    def test_error_names_the_rule_and_the_anchor(self) -> None:
        plan = make_plan(rule("check-up", at="purchase"), rule("win-back", at="churn"))
        with pytest.raises(MissingAnchorError) as caught:
            schedule(plan, subject(date(2026, 1, 1)))
        error = caught.value
        assert (error.subject_id, error.rule_id, error.anchor) == ("cust-42", "win-back", "churn")
        assert "'win-back'" in str(error)
        assert "'churn'" in str(error)
        assert isinstance(error, ScheduleError)
        assert isinstance(error, LookupError)
        assert isinstance(error, TouchpointsError)

    def test_a_derived_anchor_whose_root_is_missing(self) -> None:
        plan = make_plan(rule("renewal", at="renewal"), anchors={"renewal": "purchase + 1 year"})
        with pytest.raises(MissingAnchorError) as caught:
            schedule(plan, Subject(id="c", anchors={}))
        assert (caught.value.rule_id, caught.value.anchor) == ("renewal", "purchase")

    def test_a_subject_may_give_a_derived_anchor_instead_of_its_root(self) -> None:
        plan = make_plan(rule("renewal", at="renewal"), anchors={"renewal": "purchase + 1 year"})
        result = schedule(plan, Subject(id="c", anchors={"renewal": date(2027, 5, 5)}))
        assert dues(result) == [date(2027, 5, 5)]

    def test_an_optional_rule_is_left_out_and_reported(self) -> None:
        plan = make_plan(
            rule("check-up", at="purchase"),
            rule("win-back", at="churn + 1 week", optional=True),
        )
        result = schedule(plan, subject(date(2026, 1, 1)))
        assert [tp.rule_id for tp in result] == ["check-up"]
        assert result.omitted == (Omission("win-back", "churn"),)

    def test_an_optional_rule_is_kept_when_the_anchor_is_there(self) -> None:
        plan = make_plan(rule("win-back", at="churn", optional=True))
        result = schedule(plan, Subject(id="c", anchors={"churn": date(2026, 2, 1)}))
        assert dues(result) == [date(2026, 2, 1)]
        assert result.omitted == ()

    def test_optional_series_with_a_missing_until_anchor(self) -> None:
        plan = make_plan(
            rule("s", every="1 week", starting="purchase", until="cancelled", optional=True)
        )
        result = schedule(plan, subject(date(2026, 1, 1)))
        assert len(result) == 0
        assert result.omitted == (Omission("s", "cancelled"),)

    def test_schedule_many_reports_omissions_for_every_subject(self) -> None:
        plan = make_plan(
            rule("check-up", at="purchase"), rule("win-back", at="churn", optional=True)
        )
        people = [
            subject(date(2026, 1, 1), id="a"),
            subject(date(2026, 1, 1), id="b"),  # same key as "a": served from the cache
            Subject(id="c", anchors={"purchase": date(2026, 1, 1), "churn": date(2026, 3, 1)}),
        ]
        seen: list[tuple[str, Omission]] = []
        points = list(schedule_many(plan, people, on_omitted=lambda s, o: seen.append((s, o))))
        assert seen == [("a", Omission("win-back", "churn")), ("b", Omission("win-back", "churn"))]
        assert [(tp.subject_id, tp.rule_id) for tp in points] == [
            ("a", "check-up"),
            ("b", "check-up"),
            ("c", "check-up"),
            ("c", "win-back"),
        ]


class TestWindows:
    PLAN = make_plan(rule(every="1 day", starting="purchase"))

    def test_start_is_inclusive_and_end_exclusive(self) -> None:
        result = schedule(
            self.PLAN, subject(date(2026, 1, 1)), start=date(2026, 1, 10), end=date(2026, 1, 13)
        )
        assert dues(result) == [date(2026, 1, 10), date(2026, 1, 11), date(2026, 1, 12)]
        assert (result.start, result.end) == (date(2026, 1, 10), date(2026, 1, 13))

    def test_an_empty_window(self) -> None:
        day = date(2026, 1, 10)
        assert len(schedule(self.PLAN, subject(date(2026, 1, 1)), start=day, end=day)) == 0

    def test_only_an_end(self) -> None:
        result = schedule(self.PLAN, subject(date(2026, 1, 1)), end=date(2026, 1, 3))
        assert dues(result) == [date(2026, 1, 1), date(2026, 1, 2)]

    def test_date_bounds_of_a_timed_plan_are_local_midnights(self) -> None:
        plan = make_plan(
            rule(every="1 day", starting="purchase"), contact_time="00:00", timezone="Europe/Berlin"
        )
        result = schedule(
            plan, subject(date(2026, 1, 1)), start=date(2026, 1, 2), end=date(2026, 1, 4)
        )
        assert dues(result) == [
            datetime(2026, 1, 2, tzinfo=BERLIN),
            datetime(2026, 1, 3, tzinfo=BERLIN),
        ]

    def test_aware_datetime_bounds_are_instants(self) -> None:
        plan = make_plan(
            rule(at="purchase + 2 weeks"), contact_time="10:00", timezone="Europe/Berlin"
        )
        own = subject(date(2026, 1, 15))
        # The check-up is due 2026-01-29 10:00 in Berlin, which is 09:00 UTC.
        at = datetime(2026, 1, 29, 9, tzinfo=UTC)
        assert len(schedule(plan, own, start=at, end=at + timedelta(seconds=1))) == 1
        assert len(schedule(plan, own, start=at - timedelta(hours=1), end=at)) == 0
        assert (
            len(schedule(plan, own, start=at + timedelta(seconds=1), end=at + timedelta(hours=1)))
            == 0
        )

    def test_all_day_touch_points_overlapping_a_datetime_window(self) -> None:
        plan = make_plan(rule(every="1 day", starting="purchase"), timezone="Europe/Berlin")
        own = subject(date(2026, 1, 1))
        # Local midnight as end excludes that day; a minute later includes it.
        end = datetime(2026, 1, 5, tzinfo=BERLIN)
        start = datetime(2026, 1, 3, 12, tzinfo=BERLIN)
        assert dues(schedule(plan, own, start=start, end=end)) == [
            date(2026, 1, 3),
            date(2026, 1, 4),
        ]
        later = end + timedelta(minutes=1)
        assert dues(schedule(plan, own, start=start, end=later))[-1] == date(2026, 1, 5)

    def test_naive_datetime_is_rejected(self) -> None:
        with pytest.raises(ScheduleError, match="has no time zone"):
            schedule(self.PLAN, subject(date(2026, 1, 1)), start=datetime(2026, 1, 1))
        with pytest.raises(ScheduleError, match=r"window end .* has no time zone"):
            schedule(self.PLAN, subject(date(2026, 1, 1)), end=datetime(2026, 1, 1))

    def test_end_before_start_is_rejected(self) -> None:
        with pytest.raises(
            ScheduleError, match=r"ends \(2026-01-01\) before it starts \(2026-02-01\)"
        ):
            schedule(
                self.PLAN, subject(date(2026, 1, 1)), start=date(2026, 2, 1), end=date(2026, 1, 1)
            )

    def test_a_bound_that_is_not_a_date_is_rejected(self) -> None:
        with pytest.raises(ScheduleError, match="must be a date or datetime"):
            schedule(self.PLAN, subject(date(2026, 1, 1)), start="2026-01-01")  # type: ignore[arg-type]


class TestLimit:
    def test_a_runaway_plan_raises_instead_of_hanging(self) -> None:
        plan = make_plan(
            rule("ping", every="1 minute", starting="purchase"),
            contact_time="00:00",
            timezone="UTC",
            horizon="100 years",
        )
        with pytest.raises(TooManyTouchPointsError) as caught:
            schedule(plan, subject(date(2026, 1, 1)))
        assert (caught.value.rule_id, caught.value.limit) == ("ping", DEFAULT_LIMIT)
        assert isinstance(caught.value, OverflowError)
        assert "10,000" in str(caught.value)

    def test_the_limit_is_per_subject_and_configurable(self) -> None:
        plan = make_plan(rule(every="1 day", starting="purchase", count=3))
        assert len(schedule(plan, subject(date(2026, 1, 1)), limit=3)) == 3
        with pytest.raises(TooManyTouchPointsError):
            schedule(plan, subject(date(2026, 1, 1)), limit=2)
        people = [subject(date(2026, 1, 1), id=str(n)) for n in range(5)]
        assert len(list(schedule_many(plan, people, limit=3))) == 15

    def test_the_limit_counts_all_rules(self) -> None:
        plan = make_plan(rule("a", at="purchase"), rule("b", at="purchase"))
        with pytest.raises(TooManyTouchPointsError):
            schedule(plan, subject(date(2026, 1, 1)), limit=1)

    @pytest.mark.parametrize("limit", [0, -1, 1.5, True])
    def test_a_bad_limit_is_rejected(self, limit: Any) -> None:
        with pytest.raises(ScheduleError, match="limit must be a whole number"):
            schedule(make_plan(rule(at="purchase")), subject(date(2026, 1, 1)), limit=limit)


class TestDueTypes:
    def test_all_day_plans_give_dates(self) -> None:
        result = schedule(make_plan(rule(at="purchase")), subject(date(2026, 1, 1)))
        assert type(result[0].due) is date
        assert result[0].is_all_day

    def test_timed_plans_give_aware_datetimes_in_the_subject_zone(self) -> None:
        plan = make_plan(rule(at="purchase"), contact_time="10:00", timezone="Europe/Berlin")
        (tp,) = schedule(plan, subject(date(2026, 7, 1), timezone="America/New_York"))
        assert tp.due == datetime(2026, 7, 1, 10, tzinfo=NEW_YORK)
        assert isinstance(tp.due, datetime)
        assert tp.due.tzinfo == NEW_YORK
        assert not tp.is_all_day

    def test_the_plan_zone_applies_to_subjects_without_one(self) -> None:
        plan = make_plan(rule(at="purchase"), contact_time="10:00", timezone="Europe/Berlin")
        (tp,) = schedule(plan, subject(date(2026, 7, 1)))
        assert tp.due.isoformat() == "2026-07-01T10:00:00+02:00"

    def test_a_timed_plan_needs_a_zone(self) -> None:
        plan = make_plan(rule(at="purchase"), contact_time="10:00")
        with pytest.raises(ScheduleError, match="no time zone"):
            schedule(plan, subject(date(2026, 7, 1)))

    def test_hours_in_offsets_of_a_timed_plan(self) -> None:
        plan = make_plan(rule(at="purchase + 1 day 2 hours"), contact_time="23:00", timezone="UTC")
        (tp,) = schedule(plan, subject(date(2026, 7, 1)))
        assert tp.due == datetime(2026, 7, 3, 1, tzinfo=UTC)

    def test_an_aware_datetime_anchor_counts_as_its_local_date(self) -> None:
        plan = make_plan(rule(at="purchase"))
        # 23:30 UTC on Jan 15 is already Jan 16 in Berlin.
        anchor = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
        assert dues(schedule(plan, subject(anchor, timezone="Europe/Berlin"))) == [
            date(2026, 1, 16)
        ]
        assert dues(schedule(plan, subject(anchor, timezone="UTC"))) == [date(2026, 1, 15)]

    def test_a_naive_datetime_anchor_is_its_date(self) -> None:
        plan = make_plan(rule(at="purchase"))
        own = subject(datetime(2026, 1, 15, 23, 30), timezone="Asia/Tokyo")
        assert dues(schedule(plan, own)) == [date(2026, 1, 15)]

    def test_touch_points_carry_the_rule_fields(self) -> None:
        plan = make_plan(
            {
                "id": "visit",
                "title": "Service visit",
                "channel": "visit",
                "description": "Bring the kit",
                "owner": "field-team",
                "priority": "high",
                "tags": ["service", "onsite"],
                "duration": "90 minutes",
                "at": "purchase",
            }
        )
        (tp,) = schedule(plan, subject(date(2026, 1, 1)))
        assert (tp.plan_id, tp.subject_id, tp.rule_id) == ("p", "cust-42", "visit")
        assert (tp.title, tp.channel, tp.description, tp.owner) == (
            "Service visit",
            "visit",
            "Bring the kit",
            "field-team",
        )
        assert (tp.priority, tp.tags, str(tp.duration)) == (3, ("service", "onsite"), "90 minutes")


class TestScheduleMany:
    PLAN = Plan.model_validate(AFTER_SALES)

    def test_streams_each_subject_in_input_order(self) -> None:
        people = [
            subject(date(2026, 1, 15), id="a"),
            subject(date(2025, 3, 31), id="b", timezone="America/New_York"),
            subject(date(2026, 1, 15), id="c"),
        ]
        expected = [tp for person in people for tp in schedule(self.PLAN, person)]
        assert list(schedule_many(self.PLAN, people)) == expected

    def test_reads_subjects_lazily(self) -> None:
        consumed: list[int] = []

        def people() -> Any:
            for n in range(3):
                consumed.append(n)
                yield subject(date(2026, 1, 1), id=str(n))

        stream = schedule_many(self.PLAN, people())
        next(stream)
        assert consumed == [0]

    def test_subjects_sharing_anchors_get_their_own_ids(self) -> None:
        people = [subject(date(2026, 1, 15), id=f"c{n}") for n in range(3)]
        points = list(schedule_many(self.PLAN, people))
        per_subject = [[tp for tp in points if tp.subject_id == f"c{n}"] for n in range(3)]
        assert [tp.due for tp in per_subject[0]] == [tp.due for tp in per_subject[2]]
        assert len({tp.id for tp in points}) == len(points)
        assert per_subject[1] == list(schedule(self.PLAN, people[1]))

    def test_a_datetime_anchor_shares_with_its_local_date(self) -> None:
        people = [
            subject(datetime(2026, 1, 15, 23, 30, tzinfo=UTC), id="a"),  # Jan 16 in Berlin
            subject(date(2026, 1, 16), id="b"),
            subject(datetime(2026, 1, 15, 12, tzinfo=UTC), id="c"),  # Jan 15 in Berlin
        ]
        expected = [tp for person in people for tp in schedule(self.PLAN, person)]
        assert list(schedule_many(self.PLAN, people)) == expected

    def test_more_distinct_subjects_than_the_cache_holds(self) -> None:
        plan = make_plan(rule("a", at="purchase + 1 month"), rule("b", at="renewal", optional=True))
        start = date(2000, 1, 1)
        keys = [start + timedelta(days=n) for n in range(_CACHE_SIZE + 100)]
        # Distinct keys beyond the cache size, then the earliest (evicted) ones again,
        # interleaved with subjects that give their own renewal.
        people = [subject(day, id=f"s{n}") for n, day in enumerate(keys)]
        people += [subject(day, id=f"again{n}") for n, day in enumerate(keys[:50])]
        people += [
            subject(day, id=f"own{n}", anchors={"renewal": day}) for n, day in enumerate(keys[:20])
        ]
        expected = [tp for person in people for tp in schedule(plan, person)]
        assert list(schedule_many(plan, people)) == expected
        again = [tp.due for tp in schedule_many(plan, people[-70:-20])]
        assert again == [day + _one_month(day) for day in keys[:50]]

    def test_errors_name_the_subject(self) -> None:
        people = [subject(date(2026, 1, 1), id="ok"), Subject(id="bad", anchors={})]
        with pytest.raises(MissingAnchorError, match="'bad'"):
            list(schedule_many(self.PLAN, people))


def _one_month(day: date) -> timedelta:
    # An independent month step: the same day next month, or its last day.
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last)) - day
        except ValueError:
            continue
    raise AssertionError(day)  # pragma: no cover
