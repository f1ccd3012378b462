"""Explanations tell the whole story: every closed day a touch point skipped, and
that weekends are closed."""

from __future__ import annotations

from datetime import date

from touchpoints import Plan, Subject, explain_plan, schedule


def _plan(**calendar: object) -> Plan:
    return Plan.model_validate(
        {
            "plan": "p",
            "calendar": calendar,
            "touchpoints": [{"id": "call", "title": "Call", "channel": "call", "at": "purchase"}],
        }
    )


def _moved(plan: Plan, day: date) -> str:
    (tp,) = schedule(plan, Subject(id="c", anchors={"purchase": day}))
    return tp.explain()


def test_a_saturday_before_pentecost_monday_names_the_weekend_and_the_holiday() -> None:
    # Pentecost 2026 is Sunday 24 May (Easter is 5 April), so its Monday is 25 May.
    text = _moved(_plan(holidays="DE-BY"), date(2026, 5, 23))
    assert text.splitlines()[1] == (
        "  Sat 2026-05-23 -> Tue 2026-05-26: weekend on Sat 2026-05-23, Sun 2026-05-24; "
        "holiday: Pentecost Monday on Mon 2026-05-25"
    )


def test_good_friday_to_easter_tuesday_names_all_four_days() -> None:
    text = _moved(_plan(holidays="DE-BY"), date(2026, 4, 3))
    assert text.splitlines()[1] == (
        "  Fri 2026-04-03 -> Tue 2026-04-07: holiday: Good Friday on Fri 2026-04-03; "
        "weekend on Sat 2026-04-04, Sun 2026-04-05; holiday: Easter Monday on Mon 2026-04-06"
    )


def test_a_closed_date_then_a_weekend_going_back() -> None:
    text = _moved(_plan(closed=["2026-05-11"], roll="preceding"), date(2026, 5, 11))
    assert text.splitlines()[1] == (
        "  Mon 2026-05-11 -> Fri 2026-05-08: closed on Mon 2026-05-11; "
        "weekend on Sun 2026-05-10, Sat 2026-05-09"
    )
    text = _moved(_plan(closed=["2026-05-08"], roll="preceding"), date(2026, 5, 10))
    assert text.splitlines()[1] == (
        "  Sun 2026-05-10 -> Thu 2026-05-07: weekend on Sun 2026-05-10, Sat 2026-05-09; "
        "closed on Fri 2026-05-08"
    )


def test_a_plain_weekend_reads_as_before() -> None:
    text = _moved(_plan(holidays="DE-BY"), date(2026, 5, 2))
    assert text.splitlines()[1] == "  Sat 2026-05-02 -> Mon 2026-05-04: weekend"


def test_explain_plan_says_weekends_are_closed() -> None:
    lines = explain_plan(_plan(holidays="DE-BY")).splitlines()
    assert "Business days: open Mon, Tue, Wed, Thu, Fri; closed on public holidays in DE-BY" in (
        lines
    )
    assert "Closed every week: Sat, Sun" in lines


def test_explain_plan_names_the_closed_weekdays_of_a_six_day_week() -> None:
    lines = explain_plan(_plan(workdays=["mon", "tue", "wed", "thu", "fri", "sat"])).splitlines()
    assert "Closed every week: Sun" in lines


def test_without_a_business_calendar_nothing_is_closed() -> None:
    plan = Plan.model_validate(
        {"plan": "p", "touchpoints": [{"id": "c", "title": "C", "channel": "call", "at": "x"}]}
    )
    assert not any(line.startswith("Closed every week") for line in explain_plan(plan).splitlines())
