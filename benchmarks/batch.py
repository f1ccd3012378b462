"""Benchmark: the columnar batch path against schedule_many and vectorised pandas.

Schedules the example plan (examples/after-sales.yaml: a check-up call, a service
visit every 90 days until the renewal, a reminder and the renewal meeting; 15 touch
points a subject) for subjects with random purchase days over a decade in 30 zones.
Every runner works on the same subjects in the same run; inputs are built before the
clock starts. The baseline is the plan written by hand in vectorised pandas, the way
a data engineer would (DateOffset arithmetic, tz_localize per zone, a final sort).
Peak memory is the resident set of a fresh process, above its size after imports,
streaming (subjects read and touch points written a batch at a time) against
materialised (one table in, one table out).

    .venv/bin/python benchmarks/batch.py                      # 100k and 1M subjects
    .venv/bin/python benchmarks/batch.py --subjects 100000 --repeat 1
    .venv/bin/python benchmarks/batch.py --dask --subjects 1000000   # 1 and 2 workers
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from touchpoints import Plan, Subject, load_plan, schedule_many
from touchpoints.batch import schedule_batches, schedule_table

ROOT = Path(__file__).resolve().parent.parent
ZONES = (
    "Europe/Berlin", "Europe/London", "Europe/Paris", "Europe/Madrid", "Europe/Rome",
    "Europe/Istanbul", "Europe/Moscow", "America/New_York", "America/Chicago",
    "America/Denver", "America/Los_Angeles", "America/Toronto", "America/Mexico_City",
    "America/Sao_Paulo", "America/Santiago", "America/Bogota", "America/Havana",
    "Asia/Tokyo", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Kolkata",
    "Asia/Dubai", "Asia/Jakarta", "Australia/Sydney", "Australia/Lord_Howe",
    "Pacific/Auckland", "Pacific/Apia", "Africa/Johannesburg", "Africa/Cairo",
)  # fmt: skip
FIRST_DAY = date(2016, 1, 1)
DAYS = 3_652  # purchases over a decade
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def plan() -> Plan:
    return load_plan(ROOT / "examples" / "after-sales.yaml")


def columns(first: int, count: int) -> dict[str, np.ndarray]:
    """Subjects ``first`` to ``first + count``: the same ones whatever the batching."""
    rng = np.random.default_rng([7, first])
    days = rng.integers(0, DAYS, count) + (FIRST_DAY.toordinal() - EPOCH_ORDINAL)
    return {
        "id": np.array([f"cust-{n:07d}" for n in range(first, first + count)]),
        "timezone": np.array(ZONES)[rng.integers(0, len(ZONES), count)],
        "purchase": days.astype("datetime64[D]"),
    }


def to_batch(data: dict[str, np.ndarray]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict(
        {
            "id": pa.array(data["id"], type=pa.string()),
            "timezone": pa.array(data["timezone"], type=pa.string()).dictionary_encode(),
            "purchase": pa.array(data["purchase"], type=pa.date32()),
        }
    )


def subjects_table(count: int) -> pa.Table:
    return pa.Table.from_batches([to_batch(columns(0, count))])


def subject_batches(count: int, size: int = 65_536) -> Iterator[pa.RecordBatch]:
    for first in range(0, count, size):
        yield to_batch(columns(first, min(size, count - first)))


def pandas_baseline(frame: pd.DataFrame) -> pd.DataFrame:
    """The example plan by hand in vectorised pandas: what the batch path replaces."""
    size = len(frame)
    index = np.arange(size)
    base = frame["purchase"].to_numpy().astype("datetime64[s]") + np.timedelta64(10, "h")
    renewal = (pd.Series(base) + pd.DateOffset(years=3)).to_numpy()
    steps = np.arange(1, 14)
    service_subject = np.repeat(index, steps.size)
    service_wall = base[service_subject] + np.tile(steps * 90, size).astype("timedelta64[D]")
    keep = service_wall <= renewal[service_subject]
    parts = [
        (index, 0, 1, base + np.timedelta64(14, "D")),
        (service_subject[keep], 1, np.tile(steps, size)[keep], service_wall[keep]),
        (index, 2, 1, renewal - np.timedelta64(60, "D")),
        (index, 3, 1, renewal),
    ]
    out = pd.DataFrame(
        {
            "subject": np.concatenate([p[0] for p in parts]),
            "rule": np.concatenate([np.full(len(p[0]), p[1]) for p in parts]),
            "occurrence": np.concatenate([np.broadcast_to(p[2], len(p[0])) for p in parts]),
            "wall": np.concatenate([p[3] for p in parts]),
        }
    )
    out["zone"] = frame["timezone"].to_numpy()[out["subject"].to_numpy()]
    due = np.empty(len(out), dtype="datetime64[ns]")
    for zone, rows in out.groupby("zone", sort=False).indices.items():
        local = pd.DatetimeIndex(out["wall"].to_numpy()[rows]).tz_localize(
            str(zone), ambiguous=np.ones(len(rows), dtype=bool), nonexistent="shift_forward"
        )
        due[rows] = local.tz_convert("UTC").tz_localize(None).to_numpy()
    out["due"] = pd.DatetimeIndex(due).tz_localize("UTC")
    out["subject_id"] = frame["id"].to_numpy()[out["subject"].to_numpy()]
    return out.sort_values(["subject", "due", "rule"], kind="stable", ignore_index=True)


def run_table(the_plan: Plan, table: pa.Table) -> int:
    return int(schedule_table(the_plan, table).num_rows)


def run_table_ids(the_plan: Plan, table: pa.Table) -> int:
    return int(schedule_table(the_plan, table, ids=True).num_rows)


def run_stream(the_plan: Plan, table: pa.Table) -> int:
    return sum(batch.num_rows for batch in schedule_batches(the_plan, table))


def run_many(the_plan: Plan, subjects: list[Subject]) -> int:
    return sum(1 for _ in schedule_many(the_plan, subjects))


def run_pandas(the_plan: Plan, frame: pd.DataFrame) -> int:
    del the_plan  # hand-written code hard-codes its plan
    return len(pandas_baseline(frame))


def best(
    runner: Callable[[Plan, Any], int], the_plan: Plan, data: object, repeat: int
) -> tuple[int, float]:
    times = []
    produced = 0
    for _ in range(repeat):
        gc.collect()
        began = time.perf_counter()
        produced = runner(the_plan, data)
        times.append(time.perf_counter() - began)
    return produced, min(times)


def memory(mode: str, count: int) -> float:
    """Peak resident MiB above the size after imports, in a fresh process."""
    result = subprocess.run(
        [sys.executable, __file__, "--memory", mode, "--subjects", str(count)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(result.stdout.strip())


def _status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def measure_memory(mode: str, count: int) -> None:
    the_plan = plan()
    schedule_table(the_plan, subjects_table(10))  # imports and zone tables warm
    gc.collect()
    # Reset the peak to the resident set now (ru_maxrss would carry the parent's).
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    if mode == "stream":
        produced = sum(b.num_rows for b in schedule_batches(the_plan, subject_batches(count)))
    else:
        produced = schedule_table(the_plan, subjects_table(count)).num_rows
    assert produced == 15 * count
    after = _status_kib("VmHWM")
    print(f"{(after - before) / 1024:.1f}")


def scale_out(count: int, repeat: int) -> None:
    """touchpoints.dask on a LocalCluster of 1 and then 2 worker processes."""
    import dask.dataframe
    import dask.distributed

    import touchpoints.dask

    distributed: Any = dask.distributed  # Dask is untyped
    frames: Any = dask.dataframe
    the_plan = plan()
    # Sorted by purchase day: subjects sharing a key share a partition.
    frame = subjects_table(count).to_pandas().sort_values("purchase", ignore_index=True)
    rates = {}
    for workers in (1, 2):
        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            subjects = client.persist(frames.from_pandas(frame, npartitions=8))
            distributed.wait(subjects)
            times = []
            for _ in range(repeat):
                began = time.perf_counter()
                lazy: Any = touchpoints.dask.schedule_dataframe(the_plan, subjects)
                produced = int(lazy.map_partitions(len).compute().sum())
                times.append(time.perf_counter() - began)
            rates[workers] = produced / min(times)
            name = f"dask, {workers} worker{'s' if workers > 1 else ''}"
            seconds = min(times)
            print(
                f"{count:>9,}  {name:<28} {produced:>12,} {seconds:>8.3f} {rates[workers]:>12,.0f}"
            )
    print(f"{'':>9}  speed-up from 1 to 2 workers: {rates[2] / rates[1]:.2f}x")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--memory", choices=("stream", "table"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--dask", action="store_true", help="measure touchpoints.dask on 1 and 2 workers"
    )
    args = parser.parse_args(argv)
    if args.dask:
        for count in args.subjects:
            scale_out(count, args.repeat)
        return
    if args.memory:
        measure_memory(args.memory, args.subjects[0])
        return
    the_plan = plan()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, pyarrow {pa.__version__}, "
          f"pandas {pd.__version__}, {datetime.now(UTC):%Y-%m-%d}, one process")  # fmt: skip
    schedule_table(the_plan, subjects_table(1_000))  # zone tables are built once a process
    print(f"{'subjects':>9}  {'runner':<28} {'touch points':>12} {'seconds':>8} {'tp/s':>12} "
          f"{'vs pandas':>9}")  # fmt: skip
    for count in args.subjects:
        table = subjects_table(count)
        frame = table.to_pandas()
        frame["timezone"] = frame["timezone"].astype(str)
        frame["purchase"] = pd.to_datetime(frame["purchase"])
        subjects = [
            Subject(id=str(i), timezone=z, anchors={"purchase": date.fromisoformat(str(p))})
            for i, z, p in zip(
                table.column("id").to_pylist(),
                table.column("timezone").to_pylist(),
                table.column("purchase").to_pylist(),
                strict=True,
            )
        ]
        runs: list[tuple[str, Callable[[Plan, Any], int], object]] = [
            ("pandas, vectorised (baseline)", run_pandas, frame),
            ("batch schedule_table", run_table, table),
            ("batch schedule_batches", run_stream, table),
            ("batch schedule_table, ids", run_table_ids, table),
            ("schedule_many (objects)", run_many, subjects),
        ]
        rates: dict[str, float] = {}
        for name, runner, data in runs:
            produced, seconds = best(runner, the_plan, data, args.repeat)
            rates[name] = produced / seconds
            ratio = rates[name] / rates["pandas, vectorised (baseline)"]
            print(f"{count:>9,}  {name:<28} {produced:>12,} {seconds:>8.3f} "
                  f"{rates[name]:>12,.0f} {ratio:>8.1f}x")  # fmt: skip
        del subjects, frame, table
        stream, whole = memory("stream", count), memory("table", count)
        print(f"{'':>9}  peak memory above imports: streaming {stream:,.0f} MiB, "
              f"materialised {whole:,.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
