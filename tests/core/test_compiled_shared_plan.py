"""The compiled path, with one plan shared by many subjects, gives the generic
engine's results: due times the plan remembered from earlier subjects, days met for
the first time, days whose contact time falls in a gap or a fold, and whole-day
series taken as one range of days.

The clock changes are found here with zoneinfo alone (a day whose local noon has
another UTC offset than the day before's), in a fixed list of zones, so the days
drawn are the zones' own and the same on every machine.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from tests.core.test_compiled_path import exactly, generic, outcome

from touchpoints import Plan, ScheduleError, Subject, schedule, schedule_many
from touchpoints._core.compiled import compiled

ZONES = (
    "Europe/London",
    "America/Sao_Paulo",  # DST at midnight until 2019, none since
    "Australia/Lord_Howe",  # a half-hour change
    "America/Havana",  # midnight skipped, and midnight twice
    "Pacific/Apia",  # 2011-12-30 skipped
    "Asia/Gaza",  # changes on Fridays and Saturdays, at shifting hours
    "America/New_York",
)

YEARS = (1995, 2005, 2011, 2012, 2018, 2019, 2023, 2024, 2026)

STARTS = ("purchase", "purchase - 1 day", "purchase + 1 week")

TIMES = ("00:00", "00:15", "00:30", "01:00", "01:30", "02:00", "02:30", "03:00", "23:30")


@cache
def changes(zone: str, year: int) -> tuple[date, ...]:
    """The days of ``year`` on which ``zone``'s UTC offset at local noon differs from
    the day before's: the days of its clock changes (and a skipped day's next)."""
    tz = ZoneInfo(zone)
    found = []
    day = date(year, 1, 1)
    before = datetime.combine(day - timedelta(days=1), time(12), tz).utcoffset()
    while day.year == year:
        offset = datetime.combine(day, time(12), tz).utcoffset()
        if offset != before:
            found.append(day)
        before = offset
        day += timedelta(days=1)
    return tuple(found)


@st.composite
def change_days(draw: st.DrawFn) -> tuple[str, date]:
    """A zone and a day on or next to one of its clock changes (or any day of the
    year, for a zone that had none that year)."""
    zone = draw(st.sampled_from(ZONES))
    year = draw(st.sampled_from(YEARS))
    days = changes(zone, year)
    if not days:
        return zone, draw(st.dates(date(year, 1, 1), date(year, 12, 31)))
    day = draw(st.sampled_from(days))
    return zone, day + timedelta(days=draw(st.integers(-2, 1)))


@st.composite
def shared_plans(draw: st.DrawFn) -> Plan:
    """A compiled plan: whole-day and calendar-month series, single touch points,
    contact times by rule or none (all-day), and sometimes a business calendar."""
    every = draw(st.sampled_from(("1 day", "2 days", "1 week", "90 days", "1 month")))
    rules: list[dict[str, Any]] = [
        {
            "id": "series",
            "title": "Series",
            "channel": "call",
            "every": every,
            "starting": draw(st.sampled_from(STARTS)),
        },
        {"id": "once", "title": "Once", "channel": "email", "at": "purchase + 1 day"},
        {"id": "renew", "title": "Renew", "channel": "meeting", "at": "renewal - 1 week"},
    ]
    ending = draw(st.sampled_from(("count", "until", "both")))
    if ending in ("count", "both"):
        rules[0]["count"] = draw(st.integers(1, 30))
    if ending in ("until", "both"):
        rules[0]["until"] = draw(st.sampled_from(("renewal", "purchase + 20 days")))
    all_day = draw(st.booleans())
    for rule in rules[1:]:
        if not all_day and draw(st.booleans()):
            rule["contact_time"] = draw(st.sampled_from(TIMES))
    data: dict[str, Any] = {
        "plan": "shared",
        "timezone": "Europe/Berlin",
        "contact_time": None if all_day else draw(st.sampled_from(TIMES)),
        "anchors": {"renewal": "purchase + 1 month"},
        "horizon": draw(st.sampled_from(("1 year", "2 months"))),
        "touchpoints": rules,
    }
    if draw(st.booleans()):
        data["calendar"] = {"holidays": "US", "roll": "following"}
    return Plan.model_validate(data)


@st.composite
def windows(draw: st.DrawFn, around: date) -> tuple[date | None, date | None]:
    """A window of dates near ``around`` (either bound possibly open)."""
    start = draw(st.none() | st.integers(-40, 40).map(lambda n: around + timedelta(days=n)))
    end = draw(
        st.none()
        | st.integers(0, 120).map(lambda n: (start or around - timedelta(days=40)) + timedelta(n))
    )
    return start, end


class TestASharedPlan:
    @given(shared_plans(), st.lists(change_days(), min_size=1, max_size=8), st.data())
    def test_each_subject_gets_the_generic_engines_schedule(
        self, plan: Plan, days: list[tuple[str, date]], data: st.DataObject
    ) -> None:
        assert compiled(plan) is not None
        # The same subjects twice: the second time every day is remembered.
        people = [
            Subject(id=f"c{n}", timezone=zone, anchors={"purchase": day})
            for n, (zone, day) in enumerate(days)
        ] * 2
        start, end = data.draw(windows(days[0][1]))
        limit = data.draw(st.sampled_from((3, 30, 10_000)))
        for person in people:
            assert outcome(
                lambda person=person: schedule(plan, person, start=start, end=end, limit=limit)
            ) == outcome(lambda person=person: generic(plan, person, start, end, limit))

    @given(shared_plans(), st.lists(change_days(), min_size=1, max_size=8), st.data())
    def test_schedule_many_streams_the_generic_engines_touch_points(
        self, plan: Plan, days: list[tuple[str, date]], data: st.DataObject
    ) -> None:
        people = [
            Subject(id=f"c{n}", timezone=zone, anchors={"purchase": day})
            for n, (zone, day) in enumerate(days)
        ] * 2
        start, end = data.draw(windows(days[0][1]))
        limit = data.draw(st.sampled_from((3, 30, 10_000)))
        expected: list[Any] = []
        skipped: list[str] = []
        for person in people:
            try:
                expected += exactly(generic(plan, person, start, end, limit))[6:]
            except ScheduleError:
                skipped.append(person.id)
        errors: list[str] = []
        got = [
            (tp, (tp.due.isoformat(), getattr(tp.due, "tzinfo", None)), tp.id, tp.adjustments)
            for tp in schedule_many(
                plan,
                people,
                start=start,
                end=end,
                limit=limit,
                on_error=lambda subject, error: errors.append(subject.id),
            )
        ]
        assert got == expected
        assert errors == skipped


class TestTheChangeDaysAreFound:
    def test_the_days_found_are_the_zones_clock_changes(self) -> None:
        # Known from the tz database's sources, not from the code under test.
        assert changes("Europe/London", 2024) == (date(2024, 3, 31), date(2024, 10, 27))
        assert changes("Pacific/Apia", 2011)[-1] == date(2011, 12, 31)  # after the skip
        assert changes("America/Sao_Paulo", 2023) == ()
        assert date(2018, 11, 4) in changes("America/Sao_Paulo", 2018)
