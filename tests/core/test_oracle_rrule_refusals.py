"""RFC 5545 rules that dateutil accepts and that happen, refused by touchpoints.

Expected dates come from dateutil's own test file (tests/test_rrule.py, class
RRuleTest), from rrulestr called here, or, where dateutil itself is wrong, from the
RFC's wording computed with plain date arithmetic.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import islice

import pytest
from dateutil.rrule import rrulestr

from touchpoints import Subject, parse_plan, schedule


def dues(rule: str, purchase: date, count: int) -> list[date]:
    plan = parse_plan(
        {
            "plan": "oracle",
            "touchpoints": [
                {
                    "id": "r",
                    "title": "Contact",
                    "channel": "call",
                    "rrule": rule,
                    "starting": "purchase",
                    "count": count,
                }
            ],
        }
    )
    subject = Subject(id="s", anchors={"purchase": purchase})
    return [tp.due for tp in schedule(plan, subject, end=date(2100, 1, 1))]


# dateutil's accepted DAILY cases with BYMONTHDAY (RFC 5545 allows BYMONTHDAY with
# FREQ=DAILY; only WEEKLY may not have it), DTSTART 1997-09-02.
DAILY_BY_MONTHDAY = [
    (
        "testDailyByMonthDay",
        "FREQ=DAILY;BYMONTHDAY=1,3",
        [(1997, 9, 3), (1997, 10, 1), (1997, 10, 3)],
    ),
    (
        "testDailyByMonthAndMonthDay",
        "FREQ=DAILY;BYMONTH=1,3;BYMONTHDAY=5,7",
        [(1998, 1, 5), (1998, 1, 7), (1998, 3, 5)],
    ),
    (
        "testDailyByMonthDayAndWeekDay",
        "FREQ=DAILY;BYMONTHDAY=1,3;BYDAY=TU,TH",
        [(1998, 1, 1), (1998, 2, 3), (1998, 3, 3)],
    ),
    (
        "testDailyByMonthAndMonthDayAndWeekDay",
        "FREQ=DAILY;BYMONTH=1,3;BYMONTHDAY=1,3;BYDAY=TU,TH",
        [(1998, 1, 1), (1998, 3, 3), (2001, 3, 1)],
    ),
]


@pytest.mark.parametrize(
    ("name", "rule", "expected"), DAILY_BY_MONTHDAY, ids=[c[0] for c in DAILY_BY_MONTHDAY]
)
def test_dateutil_daily_cases_with_bymonthday(
    name: str, rule: str, expected: list[tuple[int, int, int]]
) -> None:
    assert dues(rule, date(1997, 9, 2), len(expected)) == [date(*day) for day in expected]


@pytest.mark.parametrize(
    ("rule", "purchase"),
    [
        # From March, every fourth month meets November (March, July, November).
        ("FREQ=MONTHLY;INTERVAL=4;BYMONTH=11", date(2000, 3, 1)),
        # From February, every other month meets February every year.
        ("FREQ=MONTHLY;INTERVAL=2;BYMONTH=2", date(2026, 2, 1)),
    ],
)
def test_a_rule_that_happens_from_its_start_is_accepted(rule: str, purchase: date) -> None:
    expected = [
        m.date()
        for m in islice(rrulestr(rule, dtstart=datetime.combine(purchase, datetime.min.time())), 3)
    ]
    assert len(expected) == 3
    assert dues(rule, purchase, 3) == expected


def test_plain_and_numbered_weekdays_are_either_not_both() -> None:
    # RFC 5545: BYDAY=MO,1TU in a MONTHLY rule is every Monday and the first Tuesday.
    # dateutil asks a day to be both (so never), and touchpoints refuses the rule.
    start = date(2026, 6, 1)  # a Monday
    days = [start + timedelta(days=n) for n in range(30)]
    expected = [d for d in days if d.weekday() == 0 or (d.weekday() == 1 and d.day <= 7)][:5]
    assert dues("FREQ=MONTHLY;BYDAY=MO,1TU", start, 5) == expected
