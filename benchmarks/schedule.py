"""Benchmark: schedule the example plan for many subjects.

Compares ``schedule_many`` and ``schedule`` (one subject at a time, as a web request
or the command line calls it) with a naive per-subject baseline written the way a
host application would by hand (dateutil relativedelta and rrule, zoneinfo), in the
same run, on the same subjects. Prints touch points per second, each runner's ratio
to the baseline, and peak memory.

    .venv/bin/python benchmarks/schedule.py            # 10k and 100k subjects
    .venv/bin/python benchmarks/schedule.py --subjects 1000 10000 1000000 --random

With ``--random`` subjects share nothing: purchase days spread over a decade, dozens
of zones, in any order (as CRM data comes), so no per-call cache can help; without
it they cycle through six zones and four years. Times are the process's CPU time
(``time.process_time``), which a busy machine disturbs less than wall time. Every run
gets a plan of its own, validated before the clock starts, and so pays for compiling
it (and for its holiday tables); what a process pays once whoever comes first (the
modules scheduling imports, the zone files) is paid before any run. Speed
runs without tracemalloc (it slows allocation); memory is measured in separate runs
of the same work (``--no-memory`` skips them). Runs of fewer than 100,000 subjects
are repeated in up to five rounds, every runner once a round with a new plan, so the
runners and the baseline meet the same spells of a busy machine; each runner's
quickest run is quoted, and ``rounds`` gives the lowest and highest of its ratios to
the baseline in the same round.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, rrule

from touchpoints import Plan, Subject, schedule, schedule_many

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
MANY_ZONES = (
    *ZONES,
    "America/Chicago",
    "America/Denver",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/Toronto",
    "America/Havana",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Dublin",
    "Europe/Helsinki",
    "Europe/Moscow",
    "Europe/Istanbul",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Dubai",
    "Asia/Tehran",
    "Australia/Lord_Howe",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "Pacific/Apia",
    "Pacific/Chatham",
    "UTC",
)
"""Thirty-three zones, with every kind of DST rule, for subjects that share nothing."""
DECADE = 3652


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


def random_subjects(count: int) -> Iterator[Subject]:
    """Subjects that share nothing: purchase days over a decade and dozens of zones,
    drawn at random (with a fixed seed), in no order."""
    draw = random.Random(count)
    for n in range(count):
        yield Subject(
            id=f"cust-{n:07d}",
            timezone=draw.choice(MANY_ZONES),
            anchors={"purchase": date(2016, 1, 1) + timedelta(days=draw.randrange(DECADE))},
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


def with_spacing(plan: Plan) -> Plan:
    """The same plan with holidays and contact-fatigue rules: 10 days between any two
    contacts, at most 2 in 30 days."""
    data = with_holidays(plan).model_dump(mode="json")
    data["fatigue"] = {"spacing": "10 days", "caps": [{"max": 2, "per": "30 days"}]}
    return Plan.model_validate(data)


def with_tight_spacing(plan: Plan) -> Plan:
    """The same plan with holidays and fatigue rules every subject meets: 30 days
    between any two contacts (the last service comes about 15 days before the
    renewal), at most 2 in 60 days."""
    data = with_holidays(plan).model_dump(mode="json")
    data["fatigue"] = {"spacing": "30 days", "caps": [{"max": 2, "per": "60 days"}]}
    return Plan.model_validate(data)


def run_touchpoints_with_ids(plan: Plan, items: Iterator[Subject]) -> int:
    produced = 0
    for tp in schedule_many(plan, items):
        tp.id  # noqa: B018 - materialise the lazily derived id
        produced += 1
    return produced


def with_windows(plan: Plan) -> Plan:
    """The same plan with holidays and channel windows: visits only on Tuesdays and
    Thursdays at 14:00, calls at 09:30."""
    data = with_holidays(plan).model_dump(mode="json")
    data["channels"] = {
        "visit": {"weekdays": ["tue", "thu"], "contact_time": "14:00"},
        "call": {"contact_time": "09:30"},
    }
    return Plan.model_validate(data)


def run_schedule_one_by_one(plan: Plan, items: Iterator[Subject]) -> int:
    """``schedule()`` per subject, each a new call, ids read: a web request's way."""
    produced = 0
    for subject in items:
        for tp in schedule(plan, subject):
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


Source = Callable[[int], Iterator[Subject]]


def same(plan: Plan) -> Plan:
    """The example plan itself (``load_plan`` gives a new one each time)."""
    return plan


def warm_up(source: Source) -> None:
    """Pay once what a process pays once, whoever comes first: the modules scheduling
    imports and the zone files. Each variant schedules a few subjects with a plan of
    its own, so the plans that are timed stay cold (their compiled forms, holiday
    tables and fatigue resolutions are made in the timed run)."""
    items = list(source(200))
    items += [
        Subject(id=f"zone-{zone}", timezone=zone, anchors=items[0].anchors) for zone in MANY_ZONES
    ]
    for variant, runner in RUNNERS.values():
        runner(variant(load_plan()), iter(items))


def speed(runner: Runner, plan: Plan, items: list[Subject]) -> tuple[int, float]:
    gc.collect()
    began = time.process_time()
    produced = runner(plan, iter(items))
    return produced, time.process_time() - began


def peak_memory(runner: Runner, plan: Plan, source: Source, count: int) -> int:
    gc.collect()
    tracemalloc.start()
    runner(plan, source(count))  # subjects streamed, as from a file
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


NAIVE = "naive relativedelta+rrule"
RUNNERS: dict[str, tuple[Callable[[Plan], Plan], Runner]] = {
    "schedule_many": (same, run_touchpoints),
    "schedule_many, ids read": (same, run_touchpoints_with_ids),
    "schedule() each, ids read": (same, run_schedule_one_by_one),
    "+ DE-BY holidays": (with_holidays, run_touchpoints),
    "+ holidays, channel windows": (with_windows, run_touchpoints),
    "+ holidays, spacing/caps": (with_spacing, run_touchpoints),
    "spacing/caps, schedule() each": (with_spacing, run_schedule_one_by_one),
    "+ holidays, tight spacing/caps": (with_tight_spacing, run_touchpoints),
    NAIVE: (same, run_naive),
}
"""Each runner with the plan it is given: a new one for every run, validated before
the clock starts (a host validates its plan once), so each run pays for compiling it."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--random", action="store_true", help="subjects that share nothing")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    parser.add_argument(
        "--only",
        nargs="*",
        default=None,
        help="run only the runners whose names contain one of these words (the baseline always)",
    )
    args = parser.parse_args(argv)
    runners = {
        name: runner
        for name, runner in RUNNERS.items()
        if name == NAIVE or args.only is None or any(word in name for word in args.only)
    }
    source: Source = random_subjects if args.random else subjects
    warm_up(source)
    keys = "random keys" if args.random else "periodic keys"
    print(f"python {sys.version.split()[0]}, {datetime.now(UTC):%Y-%m-%d}, one process, {keys}")
    print(
        f"{'subjects':>9}  {'runner':<30} {'touch points':>12} {'CPU s':>8} {'tp/s':>11} "
        f"{'x naive':>8} {'rounds':<13} {'peak MiB':>9}"
    )
    costs: dict[tuple[int, str], float] = {}
    for count in args.subjects:
        items = list(source(count))  # built before timing: validation is the host's cost
        # A short run is repeated in rounds, each runner once per round with a plan of
        # its own, so that every runner and the baseline meet the same spells of a busy
        # machine; each runner's quickest run is quoted, with the range of its ratios to
        # the baseline round by round.
        rounds = min(5, max(1, 100_000 // count))
        runs: dict[str, list[tuple[int, float]]] = {name: [] for name in runners}
        for _ in range(rounds):
            for name, (variant, runner) in runners.items():
                runs[name].append(speed(runner, variant(load_plan()), items))
        del items
        naive_seconds = [seconds for _, seconds in runs[NAIVE]]
        for name, timed in runs.items():
            produced, seconds = min(timed, key=lambda run: run[1])
            costs[count, name] = seconds / produced
            ratio = min(naive_seconds) / seconds
            spread = [base / mine for (_, mine), base in zip(timed, naive_seconds, strict=True)]
            peak = ""
            if not args.no_memory:
                variant, runner = RUNNERS[name]
                peak = f"{peak_memory(runner, variant(load_plan()), source, count) / 2**20:.2f}"
            print(
                f"{count:>9,}  {name:<30} {produced:>12,} {seconds:>8.3f} "
                f"{produced / seconds:>11,.0f} {ratio:>7.2f}x "
                f"{min(spread):>6.2f}-{max(spread):<6.2f} {peak:>9}"
            )
    if len(args.subjects) > 1:
        smallest, largest = min(args.subjects), max(args.subjects)
        for name in ("schedule_many", "schedule_many, ids read"):
            if (largest, name) not in costs:
                continue
            growth = costs[largest, name] / costs[smallest, name]
            print(f"cost per touch point, {name}, {largest:,} vs {smallest:,}: {growth:.2f}x")


if __name__ == "__main__":
    main()
