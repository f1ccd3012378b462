"""Benchmark: ``touchpoints load`` on many generated subjects, its time and peak memory.

Writes a CSV of generated subjects (purchases spread over three years, in several
zones), runs the command in a child process on it, and prints the wall time and the
child's peak resident memory. Flat memory shows as the same peak for 100k and 1M.
The command's summary line, printed first, says whether it counted on the batch path
(the example plan is one the arrays compute) or one subject at a time.

    .venv/bin/python benchmarks/load.py                     # 100k subjects
    .venv/bin/python benchmarks/load.py --subjects 1000000
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney")


def write_subjects(path: Path, count: int) -> None:
    first = date(2024, 1, 1)
    with path.open("w", encoding="utf-8") as stream:
        stream.write("id,timezone,purchase\n")
        for n in range(count):
            day = first + timedelta(days=(n * 7919) % 1096)
            stream.write(f"CUST-{n:07d},{ZONES[n % len(ZONES)]},{day.isoformat()}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        crm = Path(folder) / "subjects.csv"
        write_subjects(crm, args.subjects)
        command = [
            sys.executable,
            "-m",
            "touchpoints",
            "load",
            str(ROOT / "examples" / "after-sales.yaml"),
            "--subjects",
            str(crm),
            "-o",
            str(Path(folder) / "load.html"),
        ]
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(done.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(done.stdout.strip())
    print(f"{args.subjects:,} subjects: {seconds:.1f} s, peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
