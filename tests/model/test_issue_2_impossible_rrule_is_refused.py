"""An rrule that never matches must be refused, not searched for until the year 9999.

``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`` passed validation, and dateutil then looked at
every day up to the year 9999 for each subject (seconds per subject). A yearly or
monthly rule that never matches is now refused with a clear message; daily and weekly
rules may only filter by BYMONTH and BYDAY, which every year meets. ``BYDAY=22MO`` in
a monthly rule made dateutil raise IndexError while scheduling.
"""

from __future__ import annotations

import pytest

from touchpoints import PlanError, Rule


@pytest.mark.parametrize(
    ("rrule", "message"),
    [
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
        ("FREQ=WEEKLY;BYMONTHDAY=30", "a WEEKLY rrule cannot have BYMONTHDAY"),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", "cannot also filter by BYDAY"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
        ("FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6,9,11", "never happens"),
        ("FREQ=MONTHLY;BYDAY=22MO", "out of range"),
    ],
)
def test_a_rule_that_never_matches_is_refused(rrule: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        Rule.model_validate(
            {"id": "r", "title": "R", "channel": "call", "rrule": rrule, "starting": "purchase"}
        )


@pytest.mark.parametrize(
    "rrule",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",  # rare (2016, 2044 ...) but real
        "FREQ=DAILY;BYMONTH=2;BYDAY=MO,TU",
        "FREQ=WEEKLY;INTERVAL=52;BYMONTH=2",
    ],
)
def test_rare_rules_are_still_allowed(rrule: str) -> None:
    Rule.model_validate(
        {"id": "r", "title": "R", "channel": "call", "rrule": rrule, "starting": "purchase"}
    )
