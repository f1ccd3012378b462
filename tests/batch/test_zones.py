"""The offset tables against zoneinfo: the instant and local time of wall-clock times
on a grid over fifty years in the zones where time is hardest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from touchpoints.batch._zones import ZoneTables

ZONES = (
    "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago",
    "Asia/Kathmandu", "Pacific/Chatham", "Pacific/Apia", "America/Havana", "Africa/Casablanca",
    "Europe/Dublin", "Antarctica/Troll", "America/St_Johns", "Asia/Tehran", "Pacific/Kiritimati",
    "America/Sao_Paulo", "Europe/London", "Australia/Adelaide", "America/Los_Angeles",
    "Africa/Monrovia",
)  # fmt: skip
EPOCH = datetime(1970, 1, 1)
STEP = timedelta(hours=6, minutes=17)  # walks through every time of day over the years


def zoneinfo_place(wall: datetime, zone: ZoneInfo) -> tuple[int, int]:
    """RFC 5545 by hand: in a gap move forward by the gap, in a fold take the first."""
    before, after = zone.utcoffset(wall), zone.utcoffset(wall.replace(fold=1))
    assert before is not None
    assert after is not None
    local = wall + (after - before) if after > before else wall
    instant = local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
    return int((instant - EPOCH).total_seconds()), int((local - EPOCH).total_seconds())


@pytest.mark.parametrize("key", ZONES)
def test_placement_equals_zoneinfo(key):
    zone = ZoneInfo(key)
    walls = []
    wall = datetime(1990, 1, 1)
    while wall < datetime(2040, 1, 1):
        walls.append(wall)
        wall += STEP
    seconds = np.array([int((w - EPOCH).total_seconds()) for w in walls], dtype=np.int64)
    utc, local = ZoneTables((key,), 1989, 2041).place(np.zeros(seconds.size, np.int64), seconds)
    expected = np.array([zoneinfo_place(w, zone) for w in walls], dtype=np.int64)
    assert (utc == expected[:, 0]).all()
    assert (local == expected[:, 1]).all()
