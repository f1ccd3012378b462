"""Benchmark: the CPU an import costs, over a bare interpreter, against pydantic's.

Each case runs in fresh interpreters (``python -c CODE``); its CPU time (user + system,
from ``resource.getrusage`` of the finished children) is the best of ``--runs``, less
the best of a bare interpreter (``python -c pass``) in the same run. Printed: each
case in milliseconds and as a ratio to ``import pydantic``.

    .venv/bin/python benchmarks/imports.py            # best of 15 runs
    .venv/bin/python benchmarks/imports.py --runs 31

``import touchpoints`` loads only the errors; every other public name loads on first
use, so the cost of what a host uses shows in the other cases: the model and engine
(``from touchpoints import Plan, schedule``, whose floor is pydantic's own first
model class), and the command line.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys

CASES = {
    "bare interpreter": "pass",
    "import pydantic": "import pydantic",
    "one pydantic model (floor of the model)": (
        "from pydantic import BaseModel\nclass Model(BaseModel):\n    a: int"
    ),
    "import touchpoints": "import touchpoints",
    "from touchpoints import Plan, schedule": "from touchpoints import Plan, schedule",
    "from touchpoints import from_ical, to_ical": "from touchpoints import from_ical, to_ical",
    "the command line (import touchpoints._cli)": "import touchpoints._cli",
}


def cpu_seconds(code: str) -> float:
    """The CPU seconds of one fresh interpreter running ``code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    # Interleaved rounds, so that a slow spell of the machine touches every case alike.
    best = dict.fromkeys(CASES, float("inf"))
    for _ in range(args.runs):
        for name, code in CASES.items():
            best[name] = min(best[name], cpu_seconds(code))
    bare = best["bare interpreter"]
    pydantic = best["import pydantic"] - bare
    print(f"{sys.executable}; best of {args.runs} runs; bare interpreter {bare * 1000:.1f} ms")
    print(f"{'case':<45} | {'ms over bare':>12} | {'x import pydantic':>17}")
    print("-" * 81)
    for name in CASES:
        if name == "bare interpreter":
            continue
        over = best[name] - bare
        print(f"{name:<45} | {over * 1000:>12.1f} | {over / pydantic:>17.2f}")


if __name__ == "__main__":
    main()
