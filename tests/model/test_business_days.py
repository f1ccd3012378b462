"""Business days, holiday calendars, roll conventions and contact windows (#5).

Expected dates come from the calendar: the weekday of each date and the public
holidays of the region are stated next to each case.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, time
from typing import Any

import pytest

from touchpoints import BusinessCalendar, Plan, PlanError, ScheduleError, Subject, schedule


def make_plan(*rules: dict[str, Any], **fields: Any) -> Plan:
    return Plan.model_validate({"plan": "p", "touchpoints": list(rules), **fields})


def once(at: str, rule_id: str = "a", **fields: Any) -> dict[str, Any]:
    return {"id": rule_id, "title": rule_id.title(), "channel": "call", "at": at, **fields}


def dues(plan: Plan, purchase: date, **subject: Any) -> list[date]:
    result = schedule(plan, Subject(id="s", anchors={"purchase": purchase}, **subject))
    return [tp.due for tp in result]


class TestClassicTraps:
    def test_easter_monday_in_bavaria_rolls_to_tuesday(self) -> None:
        # 2026-04-06 is Easter Monday, a public holiday everywhere in Germany.
        plan = make_plan(once("purchase"), calendar={"holidays": "DE-BY"})
        (tp,) = schedule(plan, Subject(id="s", anchors={"purchase": date(2026, 4, 6)}))
        assert tp.due == date(2026, 4, 7)
        assert str(tp.adjustments[0]) == (
            "Mon 2026-04-06 -> Tue 2026-04-07: holiday: Easter Monday"
        )

    def test_easter_monday_preceding_skips_good_friday_and_the_weekend(self) -> None:
        # Back from Mon 04-06: Sun, Sat (weekend), Fri 04-03 (Good Friday) -> Thu 04-02.
        plan = make_plan(once("purchase"), calendar={"holidays": "DE-BY", "roll": "preceding"})
        assert dues(plan, date(2026, 4, 6)) == [date(2026, 4, 2)]

    def test_thanksgiving_rolls_to_friday_federally_but_to_monday_in_california(self) -> None:
        # 2026-11-26 is the fourth Thursday of November; California also closes on
        # the day after Thanksgiving, so the next open day there is Mon 11-30.
        plan = make_plan(once("purchase"), calendar={"holidays": "US"})
        assert dues(plan, date(2026, 11, 26)) == [date(2026, 11, 27)]
        california = {"holidays": "US-CA"}
        assert dues(plan, date(2026, 11, 26), calendar=california) == [date(2026, 11, 30)]

    def test_month_end_friday_holiday_with_modified_following_stays_in_the_month(self) -> None:
        # Fri 2025-10-31 is Reformation Day in Saxony. Following would be Mon 11-03,
        # in the next month, so modified following takes the preceding Thu 10-30.
        plan = make_plan(
            once("purchase"), calendar={"holidays": "DE-SN", "roll": "modified_following"}
        )
        assert dues(plan, date(2025, 10, 31)) == [date(2025, 10, 30)]
        # Bavaria does not keep Reformation Day: no move.
        assert dues(plan, date(2025, 10, 31), calendar={"holidays": "DE-BY"}) == [
            date(2025, 10, 31)
        ]


class TestRollConventions:
    SATURDAY = date(2026, 5, 2)

    @pytest.mark.parametrize(
        ("roll", "expected"),
        [
            ("following", date(2026, 5, 4)),  # Mon
            ("preceding", date(2026, 5, 1)),  # Fri
            ("modified_following", date(2026, 5, 4)),
            ("nearest", date(2026, 5, 1)),  # Fri is one day away, Mon two
            ("keep", date(2026, 5, 2)),
        ],
    )
    def test_saturday(self, roll: str, expected: date) -> None:
        plan = make_plan(once("purchase"), calendar={"roll": roll})
        assert dues(plan, self.SATURDAY) == [expected]

    def test_nearest_takes_monday_from_sunday(self) -> None:
        plan = make_plan(once("purchase"), calendar={"roll": "nearest"})
        assert dues(plan, date(2026, 5, 3)) == [date(2026, 5, 4)]

    def test_nearest_breaks_a_tie_forward(self) -> None:
        # A closed Wednesday: Tuesday and Thursday are both one day away.
        plan = make_plan(once("purchase"), calendar={"roll": "nearest", "closed": ["2026-05-06"]})
        assert dues(plan, date(2026, 5, 6)) == [date(2026, 5, 7)]

    def test_keep_says_so(self) -> None:
        plan = make_plan(once("purchase"), calendar={"roll": "keep"})
        (tp,) = schedule(plan, Subject(id="s", anchors={"purchase": self.SATURDAY}))
        assert tp.due == self.SATURDAY
        assert "kept on a closed day (weekend)" in str(tp.adjustments[0])

    def test_without_any_calendar_nothing_moves(self) -> None:
        plan = make_plan(once("purchase"))
        (tp,) = schedule(plan, Subject(id="s", anchors={"purchase": self.SATURDAY}))
        assert tp.due == self.SATURDAY
        assert tp.adjustments == ()

    def test_rolls_keep_the_time_of_day_in_the_zone(self) -> None:
        plan = make_plan(
            once("purchase"), calendar={}, contact_time="10:00", timezone="Europe/Berlin"
        )
        (due,) = dues(plan, self.SATURDAY)
        assert isinstance(due, datetime)
        assert due.isoformat() == "2026-05-04T10:00:00+02:00"

    def test_a_roll_past_five_closed_mondays_finds_the_sixth(self) -> None:
        # Closures longer than a month no longer stop a roll (#10): it looks as far
        # as the longest closure, and Monday June 8 is open.
        mondays = [f"2026-05-{day:02d}" for day in (4, 11, 18, 25)] + ["2026-06-01"]
        plan = make_plan(once("purchase"), calendar={"workdays": ["mon"], "closed": mondays})
        assert dues(plan, date(2026, 5, 4)) == [date(2026, 6, 8)]

    def test_no_open_day_in_reach_is_a_clear_error(self) -> None:
        # Friday 9999-12-31 is closed, and no day comes after it.
        plan = make_plan(once("purchase"), calendar={"closed": ["9999-12-31"]})
        with pytest.raises(ScheduleError, match="no open day within 32 days after"):
            dues(plan, date(9999, 12, 31))


class TestNoDrift:
    def test_rolls_adjust_each_occurrence_never_the_base_of_the_next(self) -> None:
        # Monthly from Sat 2026-01-31. The planned dates are the clamped month ends
        # of 2026 (Jan 31, Feb 28, Mar 31, ...); only those on a weekend move.
        plan = make_plan(
            {
                "id": "m",
                "title": "M",
                "channel": "call",
                "every": "1 month",
                "starting": "purchase",
                "count": 4,
            },
            calendar={"roll": "modified_following"},
        )
        result = schedule(plan, Subject(id="s", anchors={"purchase": date(2026, 1, 31)}))
        assert [tp.planned for tp in result] == [
            date(2026, 1, 31),  # Sat
            date(2026, 2, 28),  # Sat
            date(2026, 3, 31),  # Tue
            date(2026, 4, 30),  # Thu
        ]
        assert [tp.due for tp in result] == [
            date(2026, 1, 30),
            date(2026, 2, 27),
            date(2026, 3, 31),
            date(2026, 4, 30),
        ]


class TestBusinessDayOffsets:
    def test_ten_business_days_skip_weekends_and_easter(self) -> None:
        # From Mon 2026-03-30: Mar 31, Apr 1, 2, (Good Friday, weekend, Easter
        # Monday), 7, 8, 9, 10, 13, 14, 15 -> the tenth is Wed Apr 15.
        plan = make_plan(once("purchase + 10 business days"), calendar={"holidays": "DE-BY"})
        assert dues(plan, date(2026, 3, 30)) == [date(2026, 4, 15)]

    def test_business_days_back(self) -> None:
        # Back from Mon 2026-05-04: Fri 05-01 is Labour Day in Germany, so 2 back is
        # Wed 04-29 (Thu 04-30 is the first).
        plan = make_plan(once("purchase - 2 business days"), calendar={"holidays": "DE"})
        assert dues(plan, date(2026, 5, 4)) == [date(2026, 4, 29)]

    def test_business_days_without_a_calendar_count_monday_to_friday(self) -> None:
        # Fri 2026-05-01 + 1 business day = Mon 05-04; no holidays without a calendar.
        plan = make_plan(once("purchase + 1 business day"))
        assert dues(plan, date(2026, 5, 1)) == [date(2026, 5, 4)]

    def test_a_series_every_n_business_days_counts_from_the_anchor(self) -> None:
        # Every 5 business days from Mon 2026-03-30 with DE holidays (Good Friday
        # 04-03 and Easter Monday 04-06): open days 1-5 after it are Mar 31, Apr 1,
        # Apr 2, Apr 7, Apr 8; days 6-10 are Apr 9, 10, 13, 14, 15.
        plan = make_plan(
            {
                "id": "e",
                "title": "E",
                "channel": "email",
                "every": "5 business days",
                "starting": "purchase",
                "count": 3,
            },
            calendar={"holidays": "DE"},
        )
        assert dues(plan, date(2026, 3, 30)) == [
            date(2026, 3, 30),
            date(2026, 4, 8),
            date(2026, 4, 15),
        ]

    def test_business_days_cannot_mix_with_other_units(self) -> None:
        with pytest.raises(PlanError, match="mixes business days with other units"):
            make_plan(once("purchase + 1 week 2 business days"))


class TestContactWindows:
    def test_channel_weekdays_move_visits_off_weekends_but_not_emails(self) -> None:
        plan = make_plan(
            once("purchase", "visit", channel="visit"),
            once("purchase", "mail", channel="email"),
            channels={
                "visit": {"weekdays": ["mon", "tue", "wed", "thu", "fri"]},
                "email": {"weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
            },
        )
        result = schedule(plan, Subject(id="s", anchors={"purchase": date(2026, 5, 2)}))
        assert {tp.rule_id: tp.due for tp in result} == {
            "mail": date(2026, 5, 2),  # Saturday is fine for e-mail
            "visit": date(2026, 5, 4),  # the visit waits for Monday
        }

    def test_time_of_day_rule_beats_channel_beats_plan(self) -> None:
        plan = make_plan(
            once("purchase", "plain"),
            once("purchase", "visit", channel="visit"),
            once("purchase", "early", channel="visit", contact_time="08:15"),
            contact_time="10:00",
            timezone="America/New_York",
            channels={"visit": {"contact_time": "14:00"}},
        )
        result = schedule(plan, Subject(id="s", anchors={"purchase": date(2026, 5, 5)}))
        times = {tp.rule_id: tp.due.time() for tp in result if isinstance(tp.due, datetime)}
        assert times == {"plain": time(10), "visit": time(14), "early": time(8, 15)}
        assert [tp.rule_id for tp in result] == ["early", "plain", "visit"]

    def test_a_contact_time_in_an_all_day_plan_is_rejected(self) -> None:
        with pytest.raises(PlanError, match="all-day"):
            make_plan(once("purchase", contact_time="09:00"))


class TestLayers:
    def test_subject_calendar_overrides_the_plan_region(self) -> None:
        # Fri 2025-10-31: a holiday in Saxony, not in Bavaria.
        plan = make_plan(once("purchase"), calendar={"holidays": "DE-BY"})
        assert dues(plan, date(2025, 10, 31)) == [date(2025, 10, 31)]
        assert dues(plan, date(2025, 10, 31), calendar={"holidays": "DE-SN"}) == [date(2025, 11, 3)]

    def test_a_rule_setting_beats_the_subject_and_the_plan(self) -> None:
        plan = make_plan(
            once("purchase", "kept", calendar={"roll": "keep"}),
            once("purchase", "moved"),
            calendar={"roll": "following"},
        )
        result = schedule(
            plan,
            Subject(
                id="s",
                anchors={"purchase": date(2026, 5, 2)},
                business_calendar=BusinessCalendar(roll="preceding"),
            ),
        )
        assert {tp.rule_id: tp.due for tp in result} == {
            "kept": date(2026, 5, 2),
            "moved": date(2026, 5, 1),  # the subject's preceding beats the plan's following
        }

    def test_closed_dates_add_up_across_levels(self) -> None:
        # Plan closes Mon 05-04, the subject closes Tue 05-05: Sat 05-02 -> Wed 05-06.
        plan = make_plan(once("purchase"), calendar={"closed": ["2026-05-04"]})
        assert dues(plan, date(2026, 5, 2), calendar={"closed": ["2026-05-05"]}) == [
            date(2026, 5, 6)
        ]


class TestWindow:
    def test_a_touch_point_rolled_into_the_window_is_in_it(self) -> None:
        # Sat 05-02 rolls back to Fri 05-01, inside a window ending on Sat 05-02.
        plan = make_plan(once("purchase"), calendar={"roll": "preceding"})
        subject = Subject(id="s", anchors={"purchase": date(2026, 5, 2)})
        assert [tp.due for tp in schedule(plan, subject, end=date(2026, 5, 2))] == [
            date(2026, 5, 1)
        ]

    def test_a_touch_point_rolled_out_of_the_window_is_not(self) -> None:
        plan = make_plan(once("purchase"), calendar={"roll": "following"})
        subject = Subject(id="s", anchors={"purchase": date(2026, 5, 2)})
        assert list(schedule(plan, subject, end=date(2026, 5, 3))) == []


class TestValidation:
    @pytest.mark.parametrize(
        ("calendar", "message"),
        [
            ({"holidays": "XX"}, "no holiday calendar for country 'XX'"),
            ({"holidays": "DE-ZZ"}, "DE has no subdivision 'ZZ'"),
            ({"workdays": []}, "at least one weekday"),
            ({"workdays": ["monday"]}, "mon"),
            ({"roll": "backward"}, "following"),
        ],
    )
    def test_bad_calendars_are_rejected_with_what_would_be_valid(
        self, calendar: dict[str, Any], message: str
    ) -> None:
        with pytest.raises(PlanError, match=message):
            make_plan(once("purchase"), calendar=calendar)


def test_holiday_names_do_not_depend_on_the_machine_locale() -> None:
    script = (
        "from datetime import date\n"
        "from touchpoints import Plan, Subject, schedule\n"
        "plan = Plan.model_validate({'plan': 'p', 'calendar': {'holidays': 'DE'},"
        " 'touchpoints': [{'id': 'a', 'title': 'A', 'channel': 'call', 'at': 'purchase'}]})\n"
        "tp = schedule(plan, Subject(id='s', anchors={'purchase': date(2026, 12, 25)}))[0]\n"
        "print(tp.adjustments[0].reason)\n"
    )
    env = {**os.environ, "LANGUAGE": "de", "LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"}
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "holiday: Christmas Day"
