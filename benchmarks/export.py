"""Benchmark: export touch points as iCalendar.

Writes the same touch points two ways in one run: with touchpoints' streaming writer
(``write_ical``) and with icalendar's own object API (``Event.new`` per touch point,
then ``Calendar.to_ical``, which is what :func:`touchpoints.to_icalendar` does). Prints
events per second for both, the ratio, and peak memory (tracemalloc) at 10k and 100k
touch points, and checks that both produce the same bytes.

    .venv/bin/python benchmarks/export.py                  # 10k and 100k touch points
    .venv/bin/python benchmarks/export.py --sizes 1000000  # more
    .venv/bin/python benchmarks/export.py --baseline-max 20000

The icalendar baseline is slow (a few thousand events per second), so by default it
runs on at most 20,000 touch points and its rate is compared per event. Speed is
measured without tracemalloc (it slows allocation); memory in separate runs of the
same work. The touch points are made once up front and streamed from a generator in
the memory runs, so memory counts only what the export itself holds.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import re
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from touchpoints import (
    ExportOptions,
    Plan,
    Subject,
    TouchPoint,
    schedule_many,
    to_ical,
    write_ical,
)
from touchpoints._ical.objects import build_calendar

ROOT = Path(__file__).resolve().parent.parent
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
FIRST_DAY = date(2024, 1, 1)
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def load_plan() -> Plan:
    path = ROOT / "examples" / "after-sales.json"
    if path.exists():
        return Plan.model_validate(json.loads(path.read_text(encoding="utf-8")))
    return Plan.model_validate(
        {
            "plan": "after-sales-standard",
            "timezone": "Europe/Berlin",
            "contact_time": "10:00",
            "anchors": {"renewal": "purchase + 3 years"},
            "touchpoints": [
                {
                    "id": "check-up",
                    "title": "Two-week check-up call",
                    "channel": "call",
                    "at": "purchase + 2 weeks",
                },
                {
                    "id": "service",
                    "title": "Preventive service visit",
                    "channel": "visit",
                    "every": "90 days",
                    "starting": "purchase + 90 days",
                    "until": "renewal",
                },
                {
                    "id": "renewal",
                    "title": "Renewal meeting",
                    "channel": "meeting",
                    "at": "renewal",
                },
            ],
        }
    )


def touch_points(plan: Plan, count: int) -> Iterator[TouchPoint]:
    """``count`` touch points from subjects spread over four years and four zones."""
    made = 0
    n = 0
    while True:
        subjects = (
            Subject(
                id=f"cust-{k:07d}",
                timezone=ZONES[k % len(ZONES)],
                anchors={"purchase": FIRST_DAY + timedelta(days=(k * 7919) % 1460)},
            )
            for k in range(n, n + 1000)
        )
        n += 1000
        for tp in schedule_many(plan, subjects):
            yield tp
            made += 1
            if made == count:
                return


class Counter(io.RawIOBase):
    """A sink that counts bytes, so the output does not take memory."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        return len(data)


def streaming(items: Callable[[], Iterator[TouchPoint]]) -> int:
    sink = Counter()
    write_ical(items(), sink, options=ExportOptions(stamp=STAMP, name="Benchmark"))
    return sink.size


def baseline(items: Callable[[], Iterator[TouchPoint]]) -> int:
    calendar = build_calendar(
        items(), ExportOptions(stamp=STAMP, name="Benchmark"), timezones_last=True
    )
    return len(calendar.to_ical())


def timed(work: Callable[[], int]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``work``; CPU time is what one core spends, and
    does not count time the process waited for a core on a busy machine."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def peak(work: Callable[[], int]) -> int:
    gc.collect()
    tracemalloc.start()
    work()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def _events(data: bytes) -> list[bytes]:
    return re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, re.S)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--baseline-max", type=int, default=20_000)
    args = parser.parse_args()
    plan = load_plan()
    print(f"pid {os.getpid()}; plan {plan.id!r}, {len(plan.rules)} rules")

    check = list(touch_points(plan, 2_000))
    sink = io.BytesIO()
    write_ical(check, sink, options=ExportOptions(stamp=STAMP, name="Benchmark"))
    same = (
        sink.getvalue()
        == build_calendar(
            check, ExportOptions(stamp=STAMP, name="Benchmark"), timezones_last=True
        ).to_ical()
    )
    print(f"byte-identical to icalendar on 2,000 touch points: {same}")
    # Feed size: every rule's JSON once per feed (X-TOUCHPOINTS-RULE-DIGEST in the
    # others), against each event carrying it (as feeds did before, and as each
    # single-event CalDAV resource still does).
    options = ExportOptions(stamp=STAMP, name="Benchmark")
    now = sum(map(len, _events(sink.getvalue())))
    before = sum(len(_events(to_ical([tp], options=options))[0]) for tp in check)
    print(
        f"bytes per event: {now / len(check):,.0f} "
        f"(with the rule in every event: {before / len(check):,.0f})"
    )

    header = (
        f"{'touch points':>12} | {'writer ev/s (CPU, wall)':>24} | "
        f"{'icalendar ev/s (CPU, wall)':>27} | {'ratio':>6} | {'writer peak':>11} | "
        f"{'icalendar peak':>14}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        items = list(touch_points(plan, size))

        def given(items: list[TouchPoint] = items) -> Iterator[TouchPoint]:
            return iter(items)

        def generated(size: int = size) -> Iterator[TouchPoint]:
            return touch_points(plan, size)

        wall, cpu = timed(lambda: streaming(given))
        fast, fast_wall = size / cpu, size / wall
        base_size = min(size, args.baseline_max)
        base_items = items[:base_size]
        base_wall, base_cpu = timed(
            lambda base_items=base_items: baseline(lambda: iter(base_items))  # type: ignore[misc]
        )
        slow, slow_wall = base_size / base_cpu, base_size / base_wall
        # Memory: the export alone (touch points generated on the fly, measured
        # against generating them without exporting).
        generation = peak(lambda: sum(1 for _ in generated()))
        writer_peak = max(peak(lambda: streaming(generated)) - generation, 0)
        base_peak = peak(
            lambda base_size=base_size: baseline(lambda: touch_points(plan, base_size))  # type: ignore[misc]
        )
        print(
            f"{size:>12,} | {fast:>11,.0f}, {fast_wall:>10,.0f} | {slow:>13,.0f}, "
            f"{slow_wall:>11,.0f} | {fast / slow:>5.1f}x | {writer_peak / 1024:>8,.0f} KB | "
            f"{base_peak / 1024 / 1024:>8,.1f} MB ({base_size:,})"
        )
        del items


if __name__ == "__main__":
    main()
