"""Benchmark: CPU of ``touchpoints export`` on many generated subjects, against the
per-subject loop it replaced, in the same run.

Writes a CSV of generated subjects (purchases spread over three years, in several
zones), then runs, each in a child process and in turn: the command, and a baseline
that schedules each subject with its own ``schedule()`` call (what the export did
before it used one ``schedule_many`` call) and writes the same feed with
``write_ical``. Prints each one's CPU seconds (user + system, the operating system's
accounting of the child, start-up included), the ratio, and whether the two feeds
are the same bytes.

With ``--against REVISION`` the baseline is instead the export command of that git
revision (its ``src`` and ``examples``, taken with ``git archive``), on the same
subjects: how much the command's CPU changed since then.

    .venv/bin/python benchmarks/cli_export.py                     # 100k subjects
    .venv/bin/python benchmarks/cli_export.py --subjects 20000 --runs 3
    .venv/bin/python benchmarks/cli_export.py --against 0f5a1c9   # the export before #14
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
PLAN = ROOT / "examples" / "after-sales.yaml"
TODAY = "2026-01-01"

# The export's loop before it called schedule_many: one schedule() a subject, the
# subjects that cannot be scheduled skipped, the same feed options (--today pins
# DTSTAMP to its midnight UTC).
BASELINE = """
import sys
from datetime import UTC, date, datetime
from touchpoints import ExportOptions, ScheduleError, load_plan, load_subjects, schedule
from touchpoints import write_ical
from touchpoints._files import plan_anchor_names

plan_path, subjects_path, out_path, today = sys.argv[1:]
plan = load_plan(plan_path)
start = date.fromisoformat(today)
options = ExportOptions(stamp=datetime.combine(start, datetime.min.time(), UTC),
                        name=plan.name or plan.id)

def touch_points():
    for subject in load_subjects(subjects_path, anchors=plan_anchor_names(plan)):
        try:
            yield from schedule(plan, subject, start=start)
        except ScheduleError:
            continue

with open(out_path, "wb") as stream:
    write_ical(touch_points(), stream, options=options)
"""


def write_subjects(path: Path, count: int) -> None:
    first = date(2024, 1, 1)
    with path.open("w", encoding="utf-8") as stream:
        stream.write("id,timezone,purchase,name\n")
        for n in range(count):
            day = first + timedelta(days=(n * 7919) % 1096)
            zone = ZONES[n % len(ZONES)]
            stream.write(f"CUST-{n:07d},{zone},{day.isoformat()},Customer {n}\n")


def cpu_of(command: list[str], env: dict[str, str] | None = None) -> float:
    """The CPU seconds (user + system) of ``command``, run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="pairs of runs (median quoted)")
    parser.add_argument("--against", metavar="REVISION", help="the export of a git revision")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        crm = Path(folder) / "subjects.csv"
        write_subjects(crm, args.subjects)
        feed, old = Path(folder) / "team.ics", Path(folder) / "loop.ics"
        command = export_command(ROOT, crm, feed)
        baseline = [sys.executable, "-c", BASELINE, str(PLAN), str(crm), str(old), TODAY]
        here = {**os.environ, "PYTHONPATH": str(ROOT / "src")}  # this checkout's package
        env = here
        name = "per-subject schedule() loop (before):"
        if args.against:
            then = Path(folder) / "then"
            then.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.against, "src", "examples"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(then)], input=archive, check=True)
            baseline = export_command(then, crm, old)
            env = {**os.environ, "PYTHONPATH": str(then / "src")}
            name = f"touchpoints export of {args.against}:"
        ratios, news, olds = [], [], []
        for _ in range(args.runs):  # in turn, so that drift in the machine's speed cancels
            news.append(cpu_of(command, here))
            olds.append(cpu_of(baseline, env))
            ratios.append(news[-1] / olds[-1])
        same = feed.read_bytes() == old.read_bytes()
    print(f"{args.subjects:,} subjects, median of {args.runs} pairs:")
    print(f"  touchpoints export (one schedule_many call): {statistics.median(news):.2f} s CPU")
    print(f"  {name:<44} {statistics.median(olds):.2f} s CPU")
    print(f"  ratio export / baseline: {statistics.median(ratios):.2f}; same feed bytes: {same}")


def export_command(root: Path, subjects: Path, out: Path) -> list[str]:
    """``touchpoints export`` of the example plan under ``root`` (as the package found
    on ``PYTHONPATH`` runs it)."""
    plan = root / "examples" / "after-sales.yaml"
    return [
        sys.executable,
        "-m",
        "touchpoints",
        "export",
        str(plan),
        "--subjects",
        str(subjects),
        "--today",
        TODAY,
        "-o",
        str(out),
    ]


if __name__ == "__main__":
    main()
