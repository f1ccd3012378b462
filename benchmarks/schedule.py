"""Benchmark: schedule the example plan for many subjects.

Compares ``schedule_many`` with a naive per-subject baseline written the way a host
application would by hand (dateutil relativedelta and rrule, zoneinfo), in the same
run, on the same subjects. Prints touch points per second, the ratio, and peak
memory at 10k and 100k subjects.

    .venv/bin/python benchmarks/schedule.py            # 10k and 100k subjects
    .venv/bin/python benchmarks/schedule.py --subjects 1000000

Speed runs without tracemalloc (it slows allocation); memory is measured in separate
runs of the same work.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, rrule

from touchpoints import Plan, Subject, schedule_many

ROOT = Path(__file__).resolve().parent.parent
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Europe/London",
)
FIRST_DAY = date(2022, 1, 1)
DAYS = 4 * 365  # purchases spread over four years


def load_plan() -> Plan:
    data = json.loads((ROOT / "examples" / "after-sales.json").read_text(encoding="utf-8"))
    return Plan.model_validate(data)


def subjects(count: int) -> Iterator[Subject]:
    """Deterministic subjects: anchors spread over four years, six zones."""
    for n in range(count):
        yield Subject(
            id=f"cust-{n:07d}",
            timezone=ZONES[n % len(ZONES)],
            anchors={"purchase": FIRST_DAY + timedelta(days=(n * 7919) % DAYS)},
        )


def run_touchpoints(plan: Plan, items: Iterator[Subject]) -> int:
    produced = 0
    for _ in schedule_many(plan, items):
        produced += 1
    return produced


def with_holidays(plan: Plan) -> Plan:
    """The same plan, with Bavarian public holidays and the following-day roll."""
    data = plan.model_dump(mode="json")
    data["calendar"] = {"holidays": "DE-BY", "roll": "following"}
    return Plan.model_validate(data)


def run_touchpoints_with_holidays(plan: Plan, items: Iterator[Subject]) -> int:
    return run_touchpoints(with_holidays(plan), items)


def with_spacing(plan: Plan) -> Plan:
    """The same plan with holidays and contact-fatigue rules: 10 days between any two
    contacts, at most 2 in 30 days."""
    data = with_holidays(plan).model_dump(mode="json")
    data["fatigue"] = {"spacing": "10 days", "caps": [{"max": 2, "per": "30 days"}]}
    return Plan.model_validate(data)


def run_touchpoints_with_spacing(plan: Plan, items: Iterator[Subject]) -> int:
    return run_touchpoints(with_spacing(plan), items)


def run_touchpoints_with_ids(plan: Plan, items: Iterator[Subject]) -> int:
    produced = 0
    for tp in schedule_many(plan, items):
        tp.id  # noqa: B018 - materialise the lazily derived id
        produced += 1
    return produced


def run_naive(plan: Plan, items: Iterator[Subject]) -> int:
    """What a host application writes by hand for the same plan."""
    del plan  # the naive version hard-codes it, as hand-written code does
    produced = 0
    out: list[tuple[str, str, int, datetime]] = []
    for subject in items:
        zone = ZoneInfo(subject.timezone or "Europe/Berlin")
        purchase = subject.anchors["purchase"]
        start = datetime(purchase.year, purchase.month, purchase.day, 10, 0)
        renewal = start + relativedelta(years=3)
        out.clear()
        out.append(
            (subject.id, "check-up", 1, (start + relativedelta(weeks=2)).replace(tzinfo=zone))
        )
        series = rrule(DAILY, interval=90, dtstart=start + relativedelta(days=90), until=renewal)
        for k, when in enumerate(series, start=1):
            out.append((subject.id, "service", k, when.replace(tzinfo=zone)))
        out.append(
            (
                subject.id,
                "renewal-reminder",
                1,
                (renewal - relativedelta(days=60)).replace(tzinfo=zone),
            )
        )
        out.append((subject.id, "renewal", 1, renewal.replace(tzinfo=zone)))
        out.sort(key=lambda row: row[3])
        produced += len(out)
    return produced


Runner = Callable[[Plan, Iterator[Subject]], int]


def speed(runner: Runner, plan: Plan, count: int) -> tuple[int, float]:
    items = list(subjects(count))  # built before timing: subject validation is the host's cost
    gc.collect()
    began = time.perf_counter()
    produced = runner(plan, iter(items))
    return produced, time.perf_counter() - began


def peak_memory(runner: Runner, plan: Plan, count: int) -> int:
    gc.collect()
    tracemalloc.start()
    runner(plan, subjects(count))  # subjects streamed, as from a file
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    plan = load_plan()
    print(f"python {sys.version.split()[0]}, {datetime.now(UTC):%Y-%m-%d}, one process")
    runners: dict[str, Runner] = {
        "touchpoints schedule_many": run_touchpoints,
        "touchpoints, ids read": run_touchpoints_with_ids,
        "touchpoints, DE-BY holidays": run_touchpoints_with_holidays,
        "touchpoints, + spacing/caps": run_touchpoints_with_spacing,
        "naive relativedelta+rrule": run_naive,
    }
    print(
        f"{'subjects':>9}  {'runner':<27} {'touch points':>12} {'seconds':>8} {'tp/s':>11} "
        f"{'peak MiB':>9}"
    )
    results: dict[tuple[int, str], float] = {}
    for count in args.subjects:
        for name, runner in runners.items():
            produced, seconds = speed(runner, plan, count)
            peak = peak_memory(runner, plan, count)
            rate = produced / seconds
            results[count, name] = rate
            print(
                f"{count:>9,}  {name:<27} {produced:>12,} {seconds:>8.3f} {rate:>11,.0f} "
                f"{peak / 2**20:>9.2f}"
            )
        ratio = (
            results[count, "touchpoints schedule_many"]
            / results[count, "naive relativedelta+rrule"]
        )
        ratio_ids = (
            results[count, "touchpoints, ids read"] / results[count, "naive relativedelta+rrule"]
        )
        print(f"{'':>9}  speed-up over naive: {ratio:.1f}x ({ratio_ids:.1f}x with ids read)")


if __name__ == "__main__":
    main()
