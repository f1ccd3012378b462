"""vobject reads Casablanca's timed events of late 2026 an hour off.

touchpoints' VTIMEZONE for Africa/Casablanca reads right in dateutil (tz.tzical) and
the other readers; vobject, reading the same file, puts 09:30 on 2027-01-10 at +00
where the zone is at +01. Whether the fix is in the VTIMEZONE touchpoints writes or
in how tests read vobject is for the fix to find out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import vobject  # type: ignore[import-untyped]

from touchpoints import ExportOptions, Subject, parse_plan, schedule, to_ical


def test_vobject_reads_casablanca_after_ramadan_2026() -> None:
    plan = parse_plan(
        {
            "plan": "oracle",
            "contact_time": "09:30",
            "touchpoints": [
                {
                    "id": "r",
                    "title": "Monthly",
                    "channel": "call",
                    "every": "1 month",
                    "starting": "purchase",
                    "count": 13,
                }
            ],
        }
    )
    points = list(
        schedule(
            plan,
            Subject(id="s", timezone="Africa/Casablanca", anchors={"purchase": date(2026, 1, 10)}),
        )
    )
    data = to_ical(points, options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC)))
    getattr(vobject.icalendar, "__tzidMap").clear()  # as in a fresh process
    calendar = vobject.readOne(data.decode())
    seen = sorted(event.dtstart.value.astimezone(UTC) for event in calendar.vevent_list)
    # Casablanca is at +01 outside Ramadan (2026-02-15 to 2026-03-22): 09:30 is 08:30 UTC.
    assert datetime(2027, 1, 10, 8, 30, tzinfo=UTC) in seen
    assert seen == sorted(tp.due.astimezone(UTC) for tp in points if isinstance(tp.due, datetime))
