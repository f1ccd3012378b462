"""Benchmark: the nightly re-export, with the state in memory (JSON) and in SQLite.

A first export of N subjects writes a state; then 1 % of the subjects change (their
purchase date moves a day) and the feed is exported again:

- ``memory``: what ``export --state`` did before the SQLite state: read the JSON state
  into a dict, schedule every subject, ``write_ical`` with the state, write the JSON
  state back;
- ``sqlite``: :class:`touchpoints.IcalState`: unchanged subjects are copied from the
  state file, the changed ones scheduled, the state changed in one transaction.

Each run is a fresh process; it reports wall-clock and CPU seconds and the peak
resident memory above the size after imports. Both write the feed into a SHA-256 sink
(the bytes are not kept), and the digests must be equal: the re-export writes the same
feed as the full one. The first exports are measured too.

With ``--nightly`` no subject changes: the window starts on the day of each export,
as the command line's default does, 1 January 2026 and then the next day, and ends
the plan's horizon later, so the re-export copies the subjects none of whose touch
points left or entered the window overnight.

    .venv/bin/python benchmarks/state.py                    # 100,000 subjects
    .venv/bin/python benchmarks/state.py --subjects 1000000
    .venv/bin/python benchmarks/state.py --nightly
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from touchpoints import (
    ExportOptions,
    IcalState,
    Plan,
    Subject,
    dump_ical_state,
    load_ical_state,
    load_plan,
    schedule_many,
    write_ical,
)

ROOT = Path(__file__).resolve().parent.parent
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
FIRST_DAY = date(2024, 1, 1)
STAMPS = {"first": datetime(2026, 1, 1, tzinfo=UTC), "again": datetime(2026, 1, 2, tzinfo=UTC)}
CHANGED_EVERY = 100  # 1 % of the subjects change between the runs
NIGHTS = {"first": date(2026, 1, 1), "again": date(2026, 1, 2)}  # with --nightly


def the_plan() -> Plan:
    return load_plan(ROOT / "examples" / "after-sales.yaml")


def subjects(count: int, *, changed: bool) -> Iterator[Subject]:
    """Subjects spread over four years and four zones; with ``changed``, every 100th
    has its purchase a day later."""
    for k in range(count):
        day = FIRST_DAY + timedelta(days=(k * 7919) % 1460)
        if changed and k % CHANGED_EVERY == 0:
            day += timedelta(days=1)
        yield Subject(
            id=f"cust-{k:07d}",
            timezone=ZONES[k % len(ZONES)],
            anchors={"purchase": day},
            attributes={"name": f"Customer {k}"},
        )


class Digest:
    """A binary sink that hashes what is written and keeps nothing."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return len(data)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def run_one(
    mode: str, run: str, count: int, directory: Path, *, nightly: bool
) -> dict[str, object]:
    """One export in this process: ``mode`` is memory or sqlite, ``run`` first or again."""
    plan = the_plan()
    options = ExportOptions(stamp=STAMPS[run], name="Benchmark")
    people = subjects(count, changed=run == "again" and not nightly)
    start = NIGHTS[run] if nightly else None
    sink = Digest()
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts at the size now
    before = _status_kib("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    reused = 0
    if mode == "memory":
        path = directory / "state.json"
        state = load_ical_state(path.read_text(encoding="utf-8")) if run == "again" else {}
        touch_points = schedule_many(plan, people, start=start)
        written = write_ical(touch_points, sink, options=options, state=state)
        del state
        target = directory / ("state-again.json" if run == "again" else "state.json")
        target.write_text(dump_ical_state(written.state), encoding="utf-8")
        components = written.count
    else:
        with IcalState.open(directory / "state.db") as store:
            through = store.write(plan, people, sink, options=options, start=start)
            store.commit()
        components, reused = through.count, through.reused
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    peak = (_status_kib("VmHWM") - before) / 1024
    return {
        "seconds": seconds,
        "cpu": cpu_seconds,
        "peak_mib": peak,
        "components": components,
        "reused": reused,
        "digest": sink.hash.hexdigest(),
    }


def measure(
    mode: str, run: str, count: int, directory: Path, *, nightly: bool
) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, __file__, "--one", mode, run, "--subjects", str(count),
         "--dir", str(directory), *(["--nightly"] if nightly else [])],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    measured: dict[str, object] = json.loads(result.stdout)
    return measured


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="where the state files go (default: a temp dir)")
    parser.add_argument(
        "--nightly", action="store_true", help="no subject changes; the window moves a day"
    )
    parser.add_argument("--one", nargs=2, metavar=("MODE", "RUN"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    nightly = args.nightly
    if args.one:
        mode, run = args.one
        print(json.dumps(run_one(mode, run, args.subjects, args.dir, nightly=nightly)))
        return
    with tempfile.TemporaryDirectory(dir=args.dir) as name:
        directory = Path(name)
        results = {}
        for mode, run in (("memory", "first"), ("sqlite", "first")):
            results[mode, run] = measure(mode, run, args.subjects, directory, nightly=nightly)
        state_size = os.path.getsize(directory / "state.db")
        json_size = os.path.getsize(directory / "state.json")
        shutil.copy(directory / "state.db", directory / "state-first.db")
        for mode in ("memory", "sqlite"):
            results[mode, "again"] = measure(
                mode, "again", args.subjects, directory, nightly=nightly
            )
    assert results["memory", "first"]["digest"] == results["sqlite", "first"]["digest"]
    assert results["memory", "again"]["digest"] == results["sqlite", "again"]["digest"]

    def number(mode: str, run: str, key: str) -> float:
        return float(str(results[mode, run][key]))

    events = int(number("memory", "first", "components"))
    print(f"{args.subjects:,} subjects, {events:,} events; state: JSON "
          f"{json_size / 2**20:,.0f} MiB, SQLite {state_size / 2**20:,.0f} MiB")  # fmt: skip
    print(f"{'export':<38}{'wall s':>9}{'cpu s':>9}{'peak MiB':>10}{'copied':>10}")
    for mode, run in results:
        again = "re-export the next night" if nightly else "re-export after 1 % changed"
        label = f"{mode}, {'first' if run == 'first' else again}"
        seconds, cpu, peak = (number(mode, run, key) for key in ("seconds", "cpu", "peak_mib"))
        copied = int(number(mode, run, "reused"))
        print(f"{label:<38}{seconds:>9.1f}{cpu:>9.1f}{peak:>10.0f}{copied:>10,}")
    wall = number("memory", "again", "seconds") / number("sqlite", "again", "seconds")
    cpu = number("memory", "again", "cpu") / number("sqlite", "again", "cpu")
    peak = number("sqlite", "again", "peak_mib") / number("memory", "again", "peak_mib")
    print(
        f"re-export with the SQLite state: {wall:.1f}x faster (wall), {cpu:.1f}x (cpu), "
        f"{peak:.2f}x the peak memory of the in-memory state; the feeds are identical"
    )


if __name__ == "__main__":
    main()
