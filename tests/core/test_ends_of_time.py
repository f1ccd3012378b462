"""Near the years 1 and 9999: a touch point is scheduled or the error says why, in the
package's own terms; never a raw OverflowError, never a touch point that vanishes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchpoints import Plan, ScheduleError, Subject, parse_plan, schedule


def plan_for(contact_time: str | None, zone: str | None) -> Plan:
    data: dict[str, object] = {
        "plan": "p",
        "touchpoints": [
            {"id": "r", "title": "R", "channel": "call", "at": "purchase"},
            {"id": "q", "title": "Q", "channel": "call", "at": "purchase + 1 day"},
        ],
    }
    if contact_time is not None:
        data |= {"contact_time": contact_time, "timezone": zone}
    return parse_plan(data)


@pytest.mark.parametrize(
    ("contact_time", "zone"),
    [(None, None), ("10:00", "America/New_York"), ("10:00", "Pacific/Kiritimati")],
)
def test_a_touch_point_due_on_9999_12_31_is_scheduled(
    contact_time: str | None, zone: str | None
) -> None:
    result = schedule(
        plan_for(contact_time, zone), Subject(id="s", anchors={"purchase": date(9999, 12, 30)})
    )
    days = [tp.due.date() if isinstance(tp.due, datetime) else tp.due for tp in result]
    assert days == [date(9999, 12, 30), date(9999, 12, 31)]
    assert result.omitted == ()


@pytest.mark.parametrize(
    "anchor",
    [
        datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-12))),
        datetime(1, 1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
    ],
)
def test_an_aware_anchor_past_the_ends_of_time_is_a_schedule_error(anchor: datetime) -> None:
    with pytest.raises(ScheduleError, match="outside the years 1 to 9999"):
        schedule(
            plan_for("10:00", "America/New_York"), Subject(id="s", anchors={"purchase": anchor})
        )


def test_an_aware_anchor_whose_utc_time_is_before_the_year_1_keeps_its_local_date() -> None:
    # 12:00 at +14:00 on 0001-01-01 is 22:00 UTC on the day before the year 1, but
    # in a zone at +14:00 it is still 0001-01-01.
    anchor = datetime(1, 1, 1, 12, tzinfo=timezone(timedelta(hours=14)))
    zone = ZoneInfo("Etc/GMT-14")  # +14:00, the same offset: the same local date
    result = schedule(
        plan_for("10:00", "Etc/GMT-14"), Subject(id="s", anchors={"purchase": anchor})
    )
    first = result[0].due
    assert isinstance(first, datetime)
    assert first.astimezone(zone).date() == date(1, 1, 1)


@settings(max_examples=80, deadline=None)
@given(
    st.one_of(
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(1, 1, 3)),
        st.datetimes(min_value=datetime(9999, 12, 29), max_value=datetime(9999, 12, 31, 23, 59)),
    ),
    st.integers(-12 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes))),
    st.sampled_from([None, "UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata"]),
)
def test_aware_anchors_near_the_ends_never_overflow(
    wall: datetime, offset: timezone, zone: str | None
) -> None:
    anchor = wall.replace(tzinfo=offset)
    plan = plan_for(None if zone is None else "10:00", zone)
    # The oracle: the anchor read from UTC to local time with plain arithmetic (the
    # zones here have one fixed offset near the ends of time).
    local_zone = ZoneInfo(zone or "UTC")
    fixed = local_zone.utcoffset(datetime(2, 1, 1) if wall.year == 1 else datetime(9998, 1, 1))
    assert fixed is not None
    try:
        expected: date | None = (wall + (fixed - offset.utcoffset(None))).date()
    except OverflowError:
        expected = None  # the local date is outside the years 1 to 9999
    try:
        result = schedule(plan, Subject(id="s", anchors={"purchase": anchor}))
    except ScheduleError as error:
        assert "1 to 9999" in str(error)  # noqa: PT017
        assert expected is None or expected in (date(1, 1, 1), date(9999, 12, 31))
        return
    first = result[0].due
    assert (first.astimezone(local_zone).date() if isinstance(first, datetime) else first) == (
        expected
    )
