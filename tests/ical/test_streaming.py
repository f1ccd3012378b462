"""``write_ical`` keeps memory flat: what it holds does not grow with the feed.

Not a timing test: it compares peak traced memory for a small and a four times
larger feed, both streamed from a generator into a sink that keeps nothing.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from touchpoints import ExportOptions, Rule, TouchPoint, write_ical

RULES = [
    Rule.model_validate(
        {
            "id": f"r{n}",
            "title": f"Contact {n}",
            "channel": "call",
            "at": "purchase",
            "description": "Notes, with; escapes\\ and a line\nbreak " * 3,
        }
    )
    for n in range(4)
]
ZONES = [ZoneInfo(key) for key in ("Europe/Berlin", "America/New_York", "Asia/Tokyo")]


def touch_points(count: int) -> Iterator[TouchPoint]:
    for n in range(count):
        day = date(2026, 1, 1) + timedelta(days=n % 2000)
        due = datetime(day.year, day.month, day.day, 9 + n % 8, tzinfo=ZONES[n % 3])
        yield TouchPoint("plan", f"r{n % 4}", f"subject-{n // 4}", 1, due, RULES[n % 4])


class Sink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def peak(count: int) -> tuple[int, int]:
    gc.collect()
    tracemalloc.start()
    sink = Sink()
    written = write_ical(
        touch_points(count), sink, options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
    )
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert written.count == count
    return top, sink.size


def test_memory_does_not_grow_with_the_number_of_touch_points() -> None:
    small, small_size = peak(5_000)
    large, large_size = peak(20_000)
    assert large_size > 3.5 * small_size
    # Caches are bounded and batches are flushed: the peak stays about the same.
    assert large < 1.3 * small, (small, large)
