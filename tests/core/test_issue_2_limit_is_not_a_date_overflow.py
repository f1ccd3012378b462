"""A subject over the touch point limit must get TooManyTouchPointsError.

TooManyTouchPointsError is also an OverflowError (so ``except OverflowError`` keeps
working for callers), and the engine turns OverflowError from date arithmetic into
"falls outside the years 1 to 9999". That handler caught the limit error too, so a
runaway plan was reported as a date range problem, without the rule and limit the
operator needs.
"""

from __future__ import annotations

from datetime import date

import pytest

from touchpoints import Plan, Subject, TooManyTouchPointsError, schedule, schedule_many

PLAN = Plan.model_validate(
    {
        "plan": "p",
        "timezone": "UTC",
        "contact_time": "09:00",
        "horizon": "100 years",
        "touchpoints": [
            {
                "id": "ping",
                "title": "Ping",
                "channel": "sms",
                "every": "1 minute",
                "starting": "purchase",
            },
        ],
    }
)
SUBJECT = Subject(id="cust-1", anchors={"purchase": date(2026, 1, 1)})


class TestLimitError:
    def test_schedule(self) -> None:
        with pytest.raises(TooManyTouchPointsError, match="more than 50 touch points") as caught:
            schedule(PLAN, SUBJECT, limit=50)
        assert (caught.value.rule_id, caught.value.limit) == ("ping", 50)

    def test_schedule_many(self) -> None:
        with pytest.raises(TooManyTouchPointsError, match="rule 'ping'"):
            list(schedule_many(PLAN, [SUBJECT], limit=50))
