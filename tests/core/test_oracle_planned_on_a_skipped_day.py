"""``TouchPoint.planned`` is the local date the rule gave, even on a skipped day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from touchpoints import Subject, parse_plan, schedule


def test_planned_is_the_day_apia_skipped() -> None:
    plan = parse_plan(
        {
            "plan": "oracle",
            "contact_time": "10:00",
            "touchpoints": [{"id": "r", "title": "Contact", "channel": "call", "at": "purchase"}],
        }
    )
    (tp,) = schedule(
        plan, Subject(id="s", timezone="Pacific/Apia", anchors={"purchase": date(2011, 12, 30)})
    )
    # Read from UTC: the instant is 10:00 on the 31st (+14:00), the gap of a whole day.
    assert isinstance(tp.due, datetime)
    assert tp.due.astimezone(ZoneInfo("Pacific/Apia")).replace(tzinfo=None) == datetime(
        2011, 12, 31, 10
    )
    assert tp.due.astimezone(UTC) == datetime(2011, 12, 30, 20, tzinfo=UTC)
    # But nothing moved it off the day its rule gave: purchase = 2011-12-30.
    assert tp.planned == date(2011, 12, 30)
    assert "2011-12-30" in tp.explain().splitlines()[0]


def test_a_daily_series_across_the_skipped_day_keeps_its_planned_dates() -> None:
    plan = parse_plan(
        {
            "plan": "oracle",
            "contact_time": "10:00",
            "touchpoints": [
                {
                    "id": "r",
                    "title": "Contact",
                    "channel": "call",
                    "every": "1 day",
                    "starting": "purchase",
                    "count": 4,
                }
            ],
        }
    )
    subject = Subject(id="s", timezone="Pacific/Apia", anchors={"purchase": date(2011, 12, 29)})
    points = schedule(plan, subject)
    # The rule gives December 29, 30, 31 and January 1, one day apart, from the anchor.
    assert [tp.planned for tp in points] == [
        date(2011, 12, 29) + timedelta(days=n) for n in range(4)
    ]
    apia = ZoneInfo("Pacific/Apia")
    # Read from UTC: 10:00 on the 30th does not exist; it lands at 10:00 on the 31st,
    # the same instant as occurrence 3.
    instants = [tp.due.astimezone(UTC) for tp in points if isinstance(tp.due, datetime)]
    assert [i.astimezone(apia).replace(tzinfo=None) for i in instants] == [
        datetime(2011, 12, 29, 10),
        datetime(2011, 12, 31, 10),
        datetime(2011, 12, 31, 10),
        datetime(2012, 1, 1, 10),
    ]
    second = points[1]
    assert second.explain().splitlines()[0].endswith("= Fri 2011-12-30")
    assert "Sat 2011-12-31" in second.explain()
    assert [tp.adjustments for tp in (points[0], points[2], points[3])] == [(), (), ()]
