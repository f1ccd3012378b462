"""A series that crosses a DST gap keeps every touch point before the window end.

A half-hourly series on 2026-03-29 in Berlin (clocks jump 02:00 -> 03:00) has
wall-clock times 01:00, 01:30, 02:00, 02:30, 03:00, ... The 02:00 and 02:30 ones fall
in the gap and move forward by an hour, to 03:00 and 03:30. So the instants are not
in order along the series: 02:30 becomes 03:30, yet the next one, 03:00, is earlier.
With a window ending at 03:15, the engine stopped at the first touch point past the
end (03:30) and lost the 03:00 one that follows it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from touchpoints import Plan, Subject, schedule

BERLIN = ZoneInfo("Europe/Berlin")
PLAN = Plan.model_validate(
    {
        "plan": "p",
        "timezone": "Europe/Berlin",
        "contact_time": "01:00",
        "touchpoints": [
            {
                "id": "a",
                "title": "A",
                "channel": "call",
                "every": "30 minutes",
                "starting": "purchase",
                "count": 8,
            }
        ],
    }
)
SUBJECT = Subject(id="c", anchors={"purchase": date(2026, 3, 29)})


class TestSeriesThroughAGap:
    def test_every_touch_point_before_the_end_is_kept(self) -> None:
        start = datetime(2026, 3, 29, tzinfo=BERLIN)
        end = datetime(2026, 3, 29, 3, 15, tzinfo=BERLIN)
        result = schedule(PLAN, SUBJECT, start=start, end=end)
        # Occurrences 1-2 at 01:00 and 01:30 (+01:00); 3 (02:00) moved to 03:00;
        # 4 (02:30) moved to 03:30, past the end; 5 (03:00) is before the end.
        assert [(tp.occurrence, tp.due.isoformat()) for tp in result] == [
            (1, "2026-03-29T01:00:00+01:00"),
            (2, "2026-03-29T01:30:00+01:00"),
            (3, "2026-03-29T03:00:00+02:00"),
            (5, "2026-03-29T03:00:00+02:00"),
        ]

    def test_the_window_cuts_the_full_series(self) -> None:
        full = schedule(PLAN, SUBJECT)
        end = datetime(2026, 3, 29, 3, 15, tzinfo=BERLIN)
        cut = schedule(PLAN, SUBJECT, start=datetime(2026, 3, 29, tzinfo=BERLIN), end=end)
        assert list(cut) == [tp for tp in full if tp.due < end]
