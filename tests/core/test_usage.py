"""Usage-based touch points: meter readings, projected thresholds and "whichever comes
first" (#13).

The hand-worked car: readings 0 km on 2026-01-10 and 9,000 km on 2026-07-10. Those
days are 181 apart (21 days left in January, then 28, 31, 30, 31, 30 and 10), so the
rate is 9000 / 181 = 49.72 km/day. 15,000 km is 6,000 km after the latest reading:
6000 / (9000 / 181) = 120.67 days, so the first day it is expected is 121 days after
2026-07-10, 2026-11-08 (a Sunday), well before the time-based 2027-01-10.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from math import ceil
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchpoints import (
    HistoryEvent,
    MeterError,
    MeterReading,
    Plan,
    PlanError,
    Subject,
    SubjectError,
    schedule,
    schedule_many,
)

DELIVERY = date(2026, 1, 10)
METER = {"unit": "km", "expected": "1250 per month", "starts": "delivery"}
SERVICE = {
    "id": "service",
    "title": "Service",
    "channel": "visit",
    "every": "12 months",
    "starting": "delivery + 12 months",
    "usage": {"meter": "odometer", "every": 15000},
}


def make_plan(*rules: dict[str, Any], meter: dict[str, Any] | None = None, **fields: Any) -> Plan:
    return Plan.model_validate(
        {
            "plan": "dealer",
            "meters": {"odometer": meter or METER},
            "touchpoints": list(rules or (SERVICE,)),
            **fields,
        }
    )


def car(*readings: tuple[date, float], **fields: Any) -> Subject:
    return Subject.model_validate(
        {
            "id": fields.pop("id", "car-1"),
            "anchors": {"delivery": DELIVERY},
            "meters": {"odometer": [{"on": day, "value": value} for day, value in readings]},
            **fields,
        }
    )


FAST = car((DELIVERY, 0), (date(2026, 7, 10), 9000))
SLOW = car((DELIVERY, 0), (date(2026, 7, 10), 3000))


def dues(result: Any) -> list[date]:
    return [tp.due for tp in result]


class TestHandWorked:
    def test_the_kilometres_come_first_for_a_fast_driver(self):
        assert (date(2026, 7, 10) - DELIVERY).days == 181
        expected = date(2026, 7, 10) + timedelta(days=ceil(6000 / (9000 / 181)))
        assert expected == date(2026, 11, 8)
        first = schedule(make_plan(), FAST, end=date(2027, 6, 1))[0]
        assert first.due == date(2026, 11, 8)
        assert first.due != date(2027, 1, 10)
        note = first.adjustments[0]
        assert (note.before, note.after) == (date(2027, 1, 10), date(2026, 11, 8))
        assert note.reason == "15,000 km expected on 2026-11-08 at 49.7 km/day"

    def test_the_months_come_first_for_a_slow_driver(self):
        # 3000 km in 181 days: 15,000 km would take 12000 / (3000 / 181) = 724 more
        # days, after 2028-07-02; the time-based 2027-01-10 comes first.
        reached = date(2026, 7, 10) + timedelta(days=ceil(12000 * 181 / 3000))
        assert reached == date(2028, 7, 3)
        first = schedule(make_plan(), SLOW, end=date(2027, 6, 1))[0]
        assert first.due == date(2027, 1, 10)
        assert first.adjustments[0].reason == (
            "the time limit comes first; 15,000 km expected on 2028-07-03 at 16.6 km/day"
        )

    @pytest.mark.parametrize("reading", [14200, None])
    def test_a_completion_at_14200_km_resets_the_next_threshold_to_29200(self, reading):
        # Readings 0, 9000 and 14200 (on 2026-10-20, 283 days after delivery): the
        # rate is 14200 / 283 km/day; 29,200 km is 15,000 km after the completion,
        # 15000 / (14200 / 283) = 298.9 days: 299 days after 2026-10-20. The time
        # limit counts 12 months from the completion (after: completion): 2027-10-20.
        done = date(2026, 10, 20)
        assert (done - DELIVERY).days == 283
        event = {"rule": "service", "occurrence": 1, "status": "completed", "on": done}
        if reading is not None:
            event["reading"] = reading  # without it: the reading on its day, 14200
        subject = car((DELIVERY, 0), (date(2026, 7, 10), 9000), (done, 14200), history=[event])
        plan = make_plan({**SERVICE, "after": "completion"})
        second = schedule(plan, subject, end=date(2028, 6, 1))[1]
        assert second.occurrence == 2
        assert second.due == done + timedelta(days=ceil(15000 * 283 / 14200))
        assert second.due == date(2027, 8, 15)
        assert second.adjustments[0].before == date(2027, 10, 20)
        assert second.adjustments[0].reason.startswith("29,200 km expected on 2027-08-15")

    def test_no_readings_use_the_declared_expected_rate_from_the_starts_anchor(self):
        # 2000 km a month is 24000 km in 365.2425 days: 15,000 km after
        # 15000 * 365.2425 / 24000 = 228.3 days, so on day 229 after delivery.
        plan = make_plan(meter={**METER, "expected": "2000 per month"})
        subject = Subject(id="new", anchors={"delivery": DELIVERY})
        first = schedule(plan, subject, end=date(2027, 6, 1))[0]
        assert first.due == DELIVERY + timedelta(days=ceil(15000 * 365.2425 / 24000))
        assert first.due == date(2026, 8, 27)
        assert "at the expected 65.7 km/day (2000 per month)" in first.adjustments[0].reason

    def test_one_reading_projects_from_it_at_the_expected_rate(self):
        # 1250 km a month from 9,000 km on 2026-07-10: 6000 / (15000 / 365.2425)
        # = 146.1 days, so 147 days later.
        subject = car((date(2026, 7, 10), 9000))
        first = schedule(make_plan(), subject, end=date(2027, 6, 1))[0]
        assert first.due == date(2026, 7, 10) + timedelta(days=147)

    def test_a_threshold_the_readings_passed_is_on_the_day_their_line_reached_it(self):
        # A used car: 20,000 km by 2026-07-10. The line from 0 reaches 15,000 km after
        # 15000 / (20000 / 181) = 135.75 days: on day 136, 2026-05-26.
        subject = car((DELIVERY, 0), (date(2026, 7, 10), 20000))
        first = schedule(make_plan(), subject, end=date(2027, 6, 1))[0]
        assert first.due == DELIVERY + timedelta(days=136) == date(2026, 5, 26)
        assert first.adjustments[0].reason == "15,000 km reached by 2026-05-26, by the readings"

    def test_the_rate_is_measured_over_the_year_before_the_latest_reading(self):
        # The 2025 reading is more than a year before the latest one: only the two
        # 2026 readings give the rate, 100 km/day; 15,000 km is 50 days after 14,000.
        subject = car((date(2024, 1, 1), 0), (date(2026, 1, 1), 4000), (date(2026, 4, 11), 14000))
        assert (date(2026, 4, 11) - date(2026, 1, 1)).days == 100
        first = schedule(make_plan(), subject, end=date(2027, 6, 1))[0]
        assert first.due == date(2026, 4, 11) + timedelta(days=10)

    def test_a_usage_rule_alone_is_due_each_time_the_meter_goes_that_far(self):
        # 50 km/day from 0 on 2026-01-01: 10,000 km after 200 days, 20,000 after 400.
        start = date(2026, 1, 1)
        subject = car((start, 0), (start + timedelta(days=100), 5000))
        rule = {
            "id": "tyres",
            "title": "Tyre check",
            "channel": "sms",
            "usage": {"meter": "odometer", "every": 10000},
            "count": 3,
        }
        result = schedule(make_plan(rule), subject)
        assert dues(result) == [start + timedelta(days=200 * n) for n in (1, 2, 3)]
        assert [tp.occurrence for tp in result] == [1, 2, 3]
        assert result[0].adjustments[0].before == result[0].adjustments[0].after

    def test_a_projection_past_the_window_is_not_a_touch_point(self):
        rule = {
            "id": "km",
            "title": "Km",
            "channel": "sms",
            "usage": {"meter": "odometer", "every": 15000},
        }
        assert dues(schedule(make_plan(rule), FAST, end=date(2026, 11, 8))) == []
        assert dues(schedule(make_plan(rule), FAST, end=date(2026, 11, 9))) == [date(2026, 11, 8)]

    def test_a_meter_that_does_not_move_never_reaches_a_threshold(self):
        rule = {
            "id": "km",
            "title": "Km",
            "channel": "sms",
            "usage": {"meter": "odometer", "every": 15000},
        }
        subject = car((DELIVERY, 500), (date(2026, 7, 10), 500))
        assert dues(schedule(make_plan(rule), subject)) == []
        assert dues(schedule(make_plan(), subject, end=date(2028, 2, 1))) == [
            date(2027, 1, 10),
            date(2028, 1, 10),
        ]


class TestLikeAnyTouchPoint:
    def test_a_projected_sunday_rolls_to_monday_on_a_business_calendar(self):
        assert date(2026, 11, 8).weekday() == 6
        plan = make_plan(calendar={"workdays": ["mon", "tue", "wed", "thu", "fri"]})
        first = schedule(plan, FAST, end=date(2027, 6, 1))[0]
        assert first.due == date(2026, 11, 9)
        assert [a.reason for a in first.adjustments][1] == "weekend"
        assert first.planned == date(2027, 1, 10)

    def test_a_channel_window_and_contact_time_apply(self):
        plan = make_plan(
            timezone="Europe/Berlin",
            contact_time="09:30",
            channels={"visit": {"weekdays": ["tue"]}},
        )
        first = schedule(plan, FAST, end=date(2027, 6, 1))[0]
        assert first.due.isoformat() == "2026-11-10T09:30:00+01:00"  # Sun -> Tue

    def test_fatigue_spacing_moves_a_projected_touch_point(self):
        call = {"id": "call", "title": "Call", "channel": "call", "at": "delivery + 300 days"}
        assert DELIVERY + timedelta(days=300) == date(2026, 11, 6)
        plan = make_plan(call, SERVICE, fatigue={"spacing": "7 days"})
        result = schedule(plan, FAST, end=date(2027, 6, 1))
        service = next(tp for tp in result if tp.rule_id == "service")
        assert service.due == date(2026, 11, 13)  # 7 days after the call of 11-06

    def test_ids_stay_when_a_new_reading_moves_the_projected_date(self):
        plan = make_plan()
        later = car((DELIVERY, 0), (date(2026, 7, 10), 9000), (date(2026, 9, 1), 10000))
        before = schedule(plan, FAST, end=date(2029, 1, 1))
        after = schedule(plan, later, end=date(2029, 1, 1))
        assert dues(before) != dues(after)
        assert [tp.id for tp in before] == [tp.id for tp in after]

    def test_schedule_many_keeps_subjects_with_other_readings_apart(self):
        plan = make_plan()
        slow = SLOW.model_copy(update={"id": "car-2"})
        many = list(schedule_many(plan, [FAST, slow], end=date(2027, 6, 1)))
        assert [tp.due for tp in many] == [date(2026, 11, 8), date(2027, 1, 10)]

    def test_the_batch_path_falls_back_to_the_object_path(self):
        import pyarrow as pa

        from touchpoints.batch import fallback_reason, schedule_table

        plan = make_plan()
        assert fallback_reason(plan, None, None, None) == "rule 'service' counts on a meter"
        table = schedule_table(plan, pa.table({"id": ["new"], "delivery": [DELIVERY]}))
        subject = Subject(id="new", anchors={"delivery": DELIVERY})
        assert table.column("due").to_pylist() == dues(schedule(plan, subject))


class TestErrors:
    def test_a_meter_that_goes_down_names_the_subject_and_both_readings(self):
        with pytest.raises(SubjectError) as raised:
            car((DELIVERY, 9000), (date(2026, 7, 10), 8000), id="car-9")
        text = str(raised.value)
        assert "subject 'car-9'" in text
        assert "meter 'odometer' reads 8,000 on 2026-07-10" in text
        assert "less than the 9,000 it read on 2026-01-10" in text

    def test_a_reading_after_as_of_names_the_subject_and_the_reading(self):
        with pytest.raises(MeterError) as raised:
            schedule(make_plan(), FAST, as_of=date(2026, 7, 1))
        assert raised.value.subject_id == "car-1"
        assert raised.value.meter == "odometer"
        assert "the reading of 9,000 on 2026-07-10 is after the 'as of' date 2026-07-01" in str(
            raised.value
        )
        schedule(make_plan(), FAST, as_of=date(2026, 7, 10))  # on the day itself: fine

    def test_no_reading_and_no_starts_anchor_is_an_error_naming_the_rule(self):
        plan = make_plan(meter={"unit": "km", "expected": "1250 per month"})
        with pytest.raises(MeterError, match="rule 'service' needs a reading of it"):
            schedule(plan, Subject(id="c", anchors={"delivery": DELIVERY}))

    def test_a_usage_limit_on_an_undeclared_meter_is_a_plan_problem(self):
        rule = {**SERVICE, "usage": {"meter": "odometr", "every": 15000}}
        with pytest.raises(PlanError, match="does not declare"):
            make_plan(rule)

    @pytest.mark.parametrize(
        ("change", "words"),
        [
            ({"every": None, "rrule": "FREQ=YEARLY"}, "not with 'rrule'"),
            ({"every": None, "starting": None, "at": "delivery"}, "not with 'at'"),
            ({"every": None}, "has no 'starting'"),
            ({"usage": {"meter": "odometer", "every": 0}}, "must be more than 0, found"),
        ],
    )
    def test_usage_rules_that_cannot_work_are_refused(self, change, words):
        rule = {k: v for k, v in {**SERVICE, **change}.items() if v is not None}
        with pytest.raises(PlanError, match=words):
            make_plan(rule)

    def test_an_expected_rate_must_say_per_what(self):
        with pytest.raises(PlanError, match="such as '1250 per month'"):
            make_plan(meter={"unit": "km", "expected": "1250 a month"})


# Properties. A car's readings: days after delivery and increments, both positive.
readings_strategy = st.lists(
    st.tuples(st.integers(1, 200), st.integers(0, 20_000)), min_size=0, max_size=5
)


def readings_of(steps: list[tuple[int, int]], scale: int = 1) -> list[tuple[date, float]]:
    day, value, result = DELIVERY, 0, [(DELIVERY, 0.0)]
    for days, amount in steps:
        day, value = day + timedelta(days=days), value + amount * scale
        result.append((day, float(value)))
    return result


END = date(2031, 1, 1)


@given(readings_strategy)
def test_the_due_date_is_never_later_than_the_time_based_one(steps):
    subject = car(*readings_of(steps))
    time_only = {k: v for k, v in SERVICE.items() if k != "usage"}
    with_usage = schedule(make_plan(), subject, end=END)
    by_time = schedule(make_plan(time_only), subject, end=END)
    timed = {tp.occurrence: tp.due for tp in by_time}
    assert all(tp.due <= timed.get(tp.occurrence, END) for tp in with_usage)
    assert len(with_usage) >= len(by_time)


@given(readings_strategy, st.integers(1, 5))
def test_more_usage_never_makes_a_touch_point_later(steps, scale):
    plan = make_plan()
    less = {tp.occurrence: tp.due for tp in schedule(plan, car(*readings_of(steps)), end=END)}
    more = schedule(plan, car(*readings_of(steps, scale)), end=END)
    assert all(tp.due <= less.get(tp.occurrence, END) for tp in more)


@given(st.integers(1, 200), st.integers(1, 150), st.integers(1, 200), st.integers(1, 300))
def test_a_reading_identical_to_the_projection_changes_nothing(rate, days, later, every):
    # A constant rate of ``rate`` km/day; the new reading, ``later`` days on, is what
    # the projection says (and within the year the rate is measured over).
    read = DELIVERY + timedelta(days=days)
    plan = make_plan({**SERVICE, "usage": {"meter": "odometer", "every": every * 100}})
    before = car((DELIVERY, 0), (read, rate * days))
    assert Fraction(rate * (days + later)) == rate * days + rate * later
    after = car(
        (DELIVERY, 0), (read, rate * days), (read + timedelta(days=later), rate * (days + later))
    )
    old = schedule(plan, before, end=END)
    new = schedule(plan, after, end=END)
    assert [(tp.id, tp.due) for tp in old] == [(tp.id, tp.due) for tp in new]


@given(readings_strategy)
def test_scheduling_is_deterministic(steps):
    plan = make_plan(calendar={"holidays": "DE-BY"}, fatigue={"spacing": "7 days"})
    subject = car(*readings_of(steps))
    first = schedule(plan, subject, end=END)
    assert first == schedule(plan, subject, end=END)
    assert tuple(first) == tuple(schedule_many(plan, [subject, subject], end=END))[: len(first)]


class TestWords:
    def test_explain_says_which_limit_won_and_why(self):
        first = schedule(make_plan(), FAST, end=date(2027, 6, 1))[0]
        assert first.explain().splitlines() == [
            "service #1: every 12 months from delivery + 12 months, or each 15,000 on the "
            "odometer, whichever comes first = Sun 2027-01-10",
            "  Sun 2027-01-10 -> Sun 2026-11-08: 15,000 km expected on 2026-11-08 at 49.7 km/day",
        ]

    def test_explain_of_a_usage_rule_alone_names_its_meter(self):
        rule = {
            "id": "km",
            "title": "Km",
            "channel": "sms",
            "usage": {"meter": "odometer", "every": 15000},
        }
        first = schedule(make_plan(rule), FAST)[0]
        assert first.explain().splitlines() == [
            "km #1: each 15,000 on the odometer = Sun 2026-11-08",
            "  Sun 2026-11-08: 15,000 km expected on 2026-11-08 at 49.7 km/day",
        ]

    def test_the_plan_explanation_names_the_meter_and_the_usage_limit(self):
        from touchpoints import explain_plan

        text = explain_plan(make_plan())
        assert (
            "Meter odometer (km): projected at its use per day over the 1 year before its "
            "latest reading; 1250 per month with fewer than two readings in that span, from "
            "0 km on the delivery without any"
        ) in text.splitlines()
        assert (
            "  service [visit] Service: every 12 months from 12 months after delivery, or each "
            "15,000 km on the odometer if that comes first, with no end"
        ) in text.splitlines()


KM = {"id": "km", "title": "Km", "channel": "sms", "usage": {"meter": "odometer", "every": 15000}}


class TestMoreHandWorked:
    def test_a_completion_without_a_reading_takes_the_line_between_two_readings(self):
        # 9,000 km on 07-10 and 12,000 km on 09-10 (62 days later): on 08-10, 31 days
        # in, the meter read 9000 + 3000 * 31 / 62 = 10,500 km, so the next threshold is
        # 25,500 km. The rate since delivery (243 days) is 12000 / 243 km/day:
        # (25500 - 12000) * 243 / 12000 = 273.4 days after 09-10, so on day 274.
        assert (date(2026, 9, 10) - date(2026, 7, 10)).days == 62
        event = {"rule": "km", "occurrence": 1, "status": "completed", "on": "2026-08-10"}
        subject = car(
            (DELIVERY, 0), (date(2026, 7, 10), 9000), (date(2026, 9, 10), 12000), history=[event]
        )
        second = schedule(make_plan(KM), subject)[1]
        assert second.due == date(2026, 9, 10) + timedelta(days=274)
        assert second.adjustments[0].reason.startswith("25,500 km expected on")

    def test_thresholds_below_the_first_reading_are_reached_on_its_day(self):
        # A used car bought at 40,000 km: 15,000 and 30,000 km are behind it; 45,000 km
        # is on the line to 49,000 km (181 days later): ceil(5000 * 181 / 9000) = 101.
        subject = car((DELIVERY, 40000), (date(2026, 7, 10), 49000))
        result = schedule(make_plan({**KM, "count": 3}), subject)
        assert dues(result) == [DELIVERY, DELIVERY, DELIVERY + timedelta(days=101)]

    def test_amounts_with_fractions_read_as_written(self):
        # 2.5 hours a day from 0: 7.5 hours after exactly 3 days.
        rule = {**KM, "usage": {"meter": "odometer", "every": 7.5}, "count": 1}
        subject = car((DELIVERY, 0), (DELIVERY + timedelta(days=2), 5))
        plan = make_plan(rule, meter={**METER, "unit": "hours"})
        [first] = schedule(plan, subject)
        assert first.due == DELIVERY + timedelta(days=3)
        assert first.adjustments[0].reason == "7.5 hours expected on 2026-01-13 at 2.5 hours/day"

    def test_until_ends_the_series_even_when_the_kilometres_would_go_on(self):
        # until 2027-09-10: the second 12 months (2028-01-10) are past it, but 30,000 km
        # (2027-09-06) is not; 45,000 km (2028-07-03) is.
        plan = make_plan({**SERVICE, "until": "delivery + 20 months"})
        assert dues(schedule(plan, FAST)) == [date(2026, 11, 8), date(2027, 9, 6)]

    def test_a_skipped_touch_point_does_not_reset_the_threshold(self):
        event = {"rule": "km", "occurrence": 1, "status": "skipped"}
        subject = FAST.model_copy(update={"history": (HistoryEvent.model_validate(event),)})
        result = schedule(make_plan({**KM, "count": 2}), subject)
        assert dues(result) == [date(2027, 9, 6)]
        assert result.omitted[0].kind == "history"

    def test_only_a_completion_records_a_reading(self):
        with pytest.raises(SubjectError, match="only a completed event records"):
            HistoryEvent(rule="km", occurrence=1, status="skipped", reading=5)

    def test_a_reading_date_is_text(self):
        with pytest.raises(SubjectError, match="expected a date like '2026-01-15'"):
            MeterReading.model_validate({"on": 20260110, "value": 1})


def test_a_new_term_counts_its_thresholds_from_the_reading_on_its_first_day():
    # Renewed on 2027-01-10, 184 days after the 9,000 km reading: the meter then reads
    # about 18,149 km, so the term's first threshold is 15,000 km further, reached
    # ceil(15000 * 181 / 9000) = 302 days after the renewal. Counted from 0 instead,
    # 15,000 km would be long past, and the term would start overdue.
    renewal = date(2027, 1, 10)
    plan = make_plan({**SERVICE, "count": 1}, term={"starts": "delivery"})
    subject = FAST.model_copy(update={"renewals": (renewal,)})
    terms = {tp.term: tp.due for tp in schedule(plan, subject, end=date(2029, 1, 1))}
    assert terms == {1: date(2026, 11, 8), 2: renewal + timedelta(days=302)}


def test_two_readings_on_one_day_are_one_step_of_the_line():
    # 5,000 and 9,000 km both on 2026-07-10: 7,000 km is reached that day, and a
    # completion on that day without a reading took the higher one, 9,000 km.
    rule = {**KM, "usage": {"meter": "odometer", "every": 7000}, "count": 2}
    event = {"rule": "km", "occurrence": 1, "status": "completed", "on": "2026-07-10"}
    subject = car(
        (DELIVERY, 0), (date(2026, 7, 10), 5000), (date(2026, 7, 10), 9000), history=[event]
    )
    first, second = schedule(make_plan(rule), subject)
    assert first.due == date(2026, 7, 10)
    assert second.adjustments[0].reason.startswith("16,000 km expected on")


def test_the_rate_is_measured_over_whole_days():
    with pytest.raises(PlanError, match="whole days, weeks, months or years"):
        make_plan(meter={**METER, "rate_over": "10 business days"})
