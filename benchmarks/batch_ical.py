"""Benchmark: the iCalendar feed from the batch path against the object path.

Writes the feed of the example plan (examples/after-sales.yaml, 15 touch points a
subject) for the subjects of ``benchmarks/batch.py`` (random purchase days over a
decade in 30 zones) two ways in the same run: ``touchpoints.batch.write_ical_batches``
on the subjects table, and ``write_ical(schedule_many(...))`` on the same subjects as
``Subject`` objects (built before the clock starts). Both write to a stream that
discards the bytes after counting them; the script checks first, on a sample, that
both give the same bytes. Peak memory is the resident set of a fresh process above
its size after imports, the subjects read a batch at a time (16,384 subjects a batch),
at the number of subjects and at four times as many: flat in the number of subjects
means the two figures are close.

``--calendar`` adds a business calendar to the plan (Bavarian public holidays, two
closed dates, the ``modified_following`` roll) and a channel window (service visits
Monday to Thursday): touch points on closed days roll, and each such event notes its
roll in ``X-TOUCHPOINTS-ADJUSTMENTS``.

    .venv/bin/python benchmarks/batch_ical.py                  # 100k subjects
    .venv/bin/python benchmarks/batch_ical.py --subjects 100000 --repeat 1
    .venv/bin/python benchmarks/batch_ical.py --subjects 20000 --calendar
"""

from __future__ import annotations

import argparse
import gc
import io
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from benchmarks.batch import _status_kib, subject_batches, subjects_table
from benchmarks.batch import plan as example_plan
from touchpoints import ExportOptions, Plan, Subject, schedule_many, write_ical
from touchpoints.batch import write_ical_batches

MEMORY_BATCH = 16_384  # subjects a batch in the memory runs, below both sizes measured
OPTIONS = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC), name="Service calls")


CALENDAR = False  # set by --calendar


def plan() -> Plan:
    """The example plan, with a business calendar and a channel window for
    ``--calendar``."""
    base = example_plan()
    if not CALENDAR:
        return base
    data = base.model_dump(by_alias=True, exclude_defaults=True)
    data["calendar"] = {
        "holidays": "DE-BY",
        "closed": ["2026-12-24", "2026-12-31"],
        "roll": "modified_following",
    }
    data["channels"] = {"visit": {"weekdays": ["mon", "tue", "wed", "thu"]}}
    return Plan.model_validate(data)


class Counted:
    """A binary stream that counts what is written and keeps none of it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def objects(table: pa.Table) -> list[Subject]:
    return [
        Subject(id=str(i), timezone=z, anchors={"purchase": date.fromisoformat(str(p))})
        for i, z, p in zip(
            table.column("id").to_pylist(),
            table.column("timezone").to_pylist(),
            table.column("purchase").to_pylist(),
            strict=True,
        )
    ]


def check_same_bytes(count: int) -> None:
    table = subjects_table(count)
    batched, reference = io.BytesIO(), io.BytesIO()
    write_ical_batches(plan(), table, batched, options=OPTIONS, batch_size=97)
    write_ical(schedule_many(plan(), objects(table)), reference, options=OPTIONS)
    assert batched.getvalue() == reference.getvalue(), "the two feeds differ"


def best(work: object, repeat: int) -> tuple[int, float]:
    times, events = [], 0
    for _ in range(repeat):
        gc.collect()
        began = time.perf_counter()
        events = work()  # type: ignore[operator]
        times.append(time.perf_counter() - began)
    return events, min(times)


def measure_memory(count: int) -> None:
    the_plan = plan()
    write_ical_batches(the_plan, subjects_table(10), Counted(), options=OPTIONS)  # warm
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak restarts from here
    before = _status_kib("VmRSS")
    written = write_ical_batches(
        the_plan, subject_batches(count), Counted(), options=OPTIONS, batch_size=MEMORY_BATCH
    )
    assert written.count >= 14 * count
    print(f"{(_status_kib('VmHWM') - before) / 1024:.1f}")


def memory(count: int) -> float:
    command = [sys.executable, "-m", "benchmarks.batch_ical", "--memory", "--subjects", str(count)]
    if CALENDAR:
        command.append("--calendar")
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return float(result.stdout.strip())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument(
        "--calendar",
        action="store_true",
        help="the plan with a business calendar and a channel window (rolls off closed days)",
    )
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global CALENDAR
    CALENDAR = args.calendar
    if args.memory:
        measure_memory(args.subjects)
        return
    count = args.subjects
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, pyarrow {pa.__version__}, "
          f"{datetime.now(UTC):%Y-%m-%d}, one process, {count:,} subjects"
          f"{', business calendar' if CALENDAR else ''}")  # fmt: skip
    check_same_bytes(2_000)
    the_plan = plan()
    table = subjects_table(count)
    people = objects(table)
    batch_events, batch_seconds = best(
        lambda: write_ical_batches(the_plan, table, Counted(), options=OPTIONS).count,
        args.repeat,
    )
    object_events, object_seconds = best(
        lambda: write_ical(schedule_many(the_plan, people), Counted(), options=OPTIONS).count,
        args.repeat,
    )
    assert batch_events == object_events
    batch_rate, object_rate = batch_events / batch_seconds, object_events / object_seconds
    print(f"{'runner':<40} {'events':>10} {'seconds':>8} {'events/s':>10}")
    print(f"{'write_ical(schedule_many(...))':<40} {object_events:>10,} "
          f"{object_seconds:>8.2f} {object_rate:>10,.0f}")  # fmt: skip
    print(f"{'batch.write_ical_batches':<40} {batch_events:>10,} "
          f"{batch_seconds:>8.2f} {batch_rate:>10,.0f}")  # fmt: skip
    print(f"ratio: {batch_rate / object_rate:.2f}x")
    people.clear()
    small, large = count, 4 * count
    print(f"peak memory above imports, streaming: {memory(small):,.0f} MiB at {small:,} "
          f"subjects, {memory(large):,.0f} MiB at {large:,}")  # fmt: skip


if __name__ == "__main__":
    main()
