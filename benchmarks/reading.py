"""Benchmark: read touchpoints' own feeds back, against icalendar's parser.

Writes feeds of the example plan's touch points (subjects over four years and four
zones, as ``benchmarks/export.py`` does), then in one run reads each with
:func:`touchpoints.iter_ical` (from a file, one touch point at a time),
:func:`touchpoints.from_ical` (all at once) and ``icalendar.Calendar.from_ical``
(which only parses, building no touch points). Prints events per second (CPU) and the
ratio to icalendar, and peak memory (tracemalloc) of reading the feed file with
``iter_ical`` at each size, which should stay flat. Checks that what is read back
equals the touch points written.

    .venv/bin/python benchmarks/reading.py                  # 10k and 100k events
    .venv/bin/python benchmarks/reading.py --sizes 1000000
    .venv/bin/python benchmarks/reading.py --baseline-max 20000

icalendar is slow, so by default it reads at most 20,000 events and its rate is
compared per event. ``--shuffled`` also reads with the subject ids given in another
order than the feed's (the reader then computes every candidate's ids once per
rule and occurrence).
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import icalendar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.export import STAMP, load_plan, touch_points
from touchpoints import ExportOptions, Plan, from_ical, iter_ical, write_ical


def cpu(work: Callable[[], object]) -> float:
    gc.collect()
    start = time.process_time()
    work()
    return time.process_time() - start


def peak(work: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    work()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def count(path: Path, ids: list[str]) -> int:
    with path.open("rb") as feed:
        return sum(1 for _ in iter_ical(feed, subject_ids=ids))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--baseline-max", type=int, default=20_000)
    parser.add_argument("--shuffled", action="store_true")
    args = parser.parse_args()
    plan = load_plan()
    print(f"pid {os.getpid()}; plan {plan.id!r}, {len(plan.rules)} rules; CPU seconds")
    header = (
        f"{'events':>8} | {'MB':>5} | {'iter_ical ev/s':>14} | {'from_ical ev/s':>14} | "
        f"{'icalendar ev/s':>14} | {'ratio':>6} | {'iter_ical peak':>14}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            measure(plan, size, Path(folder), args.baseline_max, shuffled=args.shuffled)


def measure(plan: Plan, size: int, folder: Path, baseline_max: int, *, shuffled: bool) -> None:
    """One row of the table: a feed of ``size`` events, read three ways."""
    items = list(touch_points(plan, size))
    ids = list(dict.fromkeys(tp.subject_id for tp in items))
    sink = io.BytesIO()
    write_ical(items, sink, options=ExportOptions(stamp=STAMP, name="Benchmark"))
    data = sink.getvalue()
    path = folder / f"feed-{size}.ics"
    path.write_bytes(data)
    assert list(iter_ical(io.BytesIO(data), subject_ids=ids)) == items
    del sink, items

    streamed = size / cpu(lambda: count(path, ids))
    whole = size / cpu(lambda: from_ical(data, subject_ids=ids))
    part = data
    parsed = size
    if size > baseline_max:
        cut = data.index(b"BEGIN:VEVENT", len(data) * baseline_max // size)
        part = data[:cut] + b"END:VCALENDAR\r\n"
        parsed = part.count(b"BEGIN:VEVENT")
    baseline = parsed / cpu(lambda: icalendar.Calendar.from_ical(part))
    memory = peak(lambda: count(path, ids))
    print(
        f"{size:>8,} | {len(data) / 1e6:>5.1f} | {streamed:>14,.0f} | {whole:>14,.0f} | "
        f"{baseline:>14,.0f} | {streamed / baseline:>5.1f}x | {memory / 1e6:>11.1f} MB"
    )
    if shuffled:
        mixed = random.Random(1).sample(ids, len(ids))
        rate = size / cpu(lambda: count(path, mixed))
        print(f"{'':>8}   subject ids shuffled: iter_ical {rate:,.0f} ev/s")


if __name__ == "__main__":
    main()
