"""The RRULE subset: RFC 5545's parts at each frequency, checked against rrulestr.

Refused: what RFC 5545 does not have (dateutil's BYEASTER), parts the RFC does not
allow at a frequency (BYWEEKNO outside YEARLY, BYMONTHDAY at WEEKLY), INTERVAL of 0
or less, and rules no start can make happen. Accepted rules give the series
``dateutil.rrule.rrulestr`` gives (with plain and numbered weekdays joined, as the
RFC says, where dateutil would intersect them).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from touchpoints import PlanError, Rule, Subject, parse_plan, schedule


def make(rrule: str) -> Rule:
    return Rule.model_validate(
        {"id": "r", "title": "R", "channel": "call", "rrule": rrule, "starting": "purchase"}
    )


@pytest.mark.parametrize(
    ("rrule", "message"),
    [
        ("FREQ=YEARLY;BYEASTER=0", "BYEASTER is not an RFC 5545 rrule part"),
        ("FREQ=DAILY;BYEASTER=1", "BYEASTER is not an RFC 5545 rrule part"),
        ("FREQ=WEEKLY;BYWEEKDAY=MO", "BYWEEKDAY is not an RFC 5545 rrule part"),
        ("FREQ=MONTHLY;BYWEEKNO=20", "a MONTHLY rrule cannot have BYWEEKNO"),
        ("FREQ=DAILY;BYWEEKNO=20", "a DAILY rrule cannot have BYWEEKNO"),
        ("FREQ=DAILY;BYYEARDAY=100", "a DAILY rrule cannot have BYYEARDAY"),
        ("FREQ=MONTHLY;BYYEARDAY=100", "a MONTHLY rrule cannot have BYYEARDAY"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "a WEEKLY rrule cannot have BYMONTHDAY"),
        ("FREQ=MONTHLY;INTERVAL=0", "INTERVAL must be a whole number of 1 or more"),
        ("FREQ=MONTHLY;INTERVAL=-1", "INTERVAL must be a whole number of 1 or more"),
        ("FREQ=DAILY;INTERVAL=two", "invalid 'INTERVAL'"),
        ("FREQ=DAILY;INTERVAL=١", "INTERVAL must be a whole number of 1 or more"),
        ("FREQ=YEARLY;INTERVAL=5000", "too long"),
        ("FREQ=DAILY;BYMONTHDAY=32", "BYMONTHDAY takes whole numbers"),
        ("FREQ=DAILY;BYMONTHDAY=0", "BYMONTHDAY takes whole numbers"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH takes whole numbers"),
        ("FREQ=WEEKLY;BYSETPOS=1", "BYSETPOS picks from the dates other BY parts give"),
        ("FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2", "never happens"),
        ("FREQ=DAILY;BYMONTHDAY=1;BYSETPOS=2", "never happens"),
        ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "never happens"),
        ("FREQ=DAILY;BYMONTHDAY=30;BYMONTH=2", "never happens"),
        ("FREQ=WEEKLY;WKST=XX", "invalid 'WKST'"),
        ("FREQ=MONTHLY;BYDAY=MO,1TU;BYSETPOS=1", "cannot have BYSETPOS"),
        ("FREQ=MONTHLY;FREQ=DAILY", "gives FREQ twice"),
        ("FREQ=DAILY;BYDAY", "is not a NAME=VALUE part"),
    ],
)
def test_a_rule_outside_the_subset_is_refused_naming_the_part(rrule: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        make(rrule)


def test_the_refusal_lists_what_the_frequency_takes() -> None:
    with pytest.raises(PlanError) as raised:
        make("FREQ=WEEKLY;BYMONTHDAY=1")
    assert "a WEEKLY rrule takes INTERVAL, WKST, BYMONTH, BYDAY and BYSETPOS" in str(raised.value)


def series(rrule: str, purchase: date, count: int) -> list[date]:
    plan = parse_plan(
        {
            "plan": "p",
            "touchpoints": [
                {
                    "id": "r",
                    "title": "R",
                    "channel": "call",
                    "rrule": rrule,
                    "starting": "purchase",
                    "count": count,
                }
            ],
        }
    )
    subject = Subject(id="s", anchors={"purchase": purchase})
    return [tp.due for tp in schedule(plan, subject, end=date(purchase.year + 60, 1, 1))]


def oracle(rrule: str, purchase: date, count: int) -> list[date]:
    start = datetime.combine(purchase, datetime.min.time())
    rule = rrulestr(rrule, dtstart=start)
    until = datetime(purchase.year + 59, 12, 31)
    return [moment.date() for moment in islice(rule.replace(until=until), count)]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "rrule",
    [
        "FREQ=DAILY;BYMONTHDAY=1,15",
        "FREQ=DAILY;BYMONTHDAY=-1",
        "FREQ=DAILY;INTERVAL=2;BYMONTHDAY=1,2",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=-1",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;BYSETPOS=1;WKST=SU",
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        "FREQ=YEARLY;BYYEARDAY=1,-1",
        "FREQ=MONTHLY;INTERVAL=4;BYMONTH=11",
    ],
)
def test_an_rfc_rule_is_accepted_and_is_rrulestr_series(rrule: str) -> None:
    make(rrule)
    purchase = date(2026, 3, 10)
    expected = oracle(rrule, purchase, 6)
    assert expected  # the rule happens from this start
    assert series(rrule, purchase, 6) == expected


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def some(values: st.SearchStrategy[Any], most: int = 3) -> st.SearchStrategy[str]:
    return st.lists(values, min_size=1, max_size=most, unique=True).map(
        lambda items: ",".join(str(item) for item in items)
    )


@st.composite
def daily_and_weekly_rules(draw: st.DrawFn) -> str:
    """DAILY and WEEKLY rules of the parts RFC 5545 gives them, which happen often
    enough that a search of sixty years finds six dates."""
    frequency = draw(st.sampled_from(["DAILY", "WEEKLY"]))
    parts = [f"FREQ={frequency}"]
    interval = draw(st.integers(1, 3))
    parts.append(f"INTERVAL={interval}")
    if draw(st.booleans()):
        parts.append("BYMONTH=" + draw(some(st.integers(1, 12), 6)))
    if frequency == "DAILY":
        parts.append("BYMONTHDAY=" + draw(some(st.integers(-28, 28).filter(bool), 4)))
        if interval == 1 and draw(st.booleans()):
            parts.append("BYDAY=" + draw(some(st.sampled_from(WEEKDAYS), 5)))
    else:
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=4, unique=True))
        parts.append("BYDAY=" + ",".join(days))
        if draw(st.booleans()):
            parts.append(f"BYSETPOS={draw(st.sampled_from([1, -1, len(days)]))}")
        if draw(st.booleans()):
            parts.append("WKST=" + draw(st.sampled_from(WEEKDAYS)))
    return ";".join(draw(st.permutations(parts)))


@settings(max_examples=60, deadline=None)
@given(
    daily_and_weekly_rules(),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    st.integers(1, 6),
)
def test_daily_and_weekly_rules_are_rrulestr_series(rrule: str, purchase: date, count: int) -> None:
    make(rrule)
    assert series(rrule, purchase, count) == oracle(rrule, purchase, count)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["MONTHLY", "YEARLY"]),
    some(st.sampled_from(WEEKDAYS), 2),
    some(
        st.sampled_from(["1", "2", "-1"]).flatmap(
            lambda n: st.sampled_from(WEEKDAYS).map(n.__add__)
        ),
        2,
    ),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
)
def test_plain_and_numbered_weekdays_join_as_rfc_5545_says(
    frequency: str, plain: str, numbered: str, purchase: date
) -> None:
    rrule = f"FREQ={frequency};BYDAY={plain},{numbered}"
    start = datetime.combine(purchase, datetime.min.time())
    # Either kind of weekday makes a date: the union of the two rules, from rrulestr.
    either = sorted(
        {
            moment.date()
            for part in (plain, numbered)
            for moment in islice(rrulestr(f"FREQ={frequency};BYDAY={part}", dtstart=start), 8)
        }
    )[:8]
    assert series(rrule, purchase, 8) == either
    assert all(day >= purchase for day in either)
    assert either[-1] - either[0] < timedelta(days=3 * 366)
