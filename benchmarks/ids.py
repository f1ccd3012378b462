"""Benchmark: touch point ids alone, against ``str(uuid.uuid5(...))``.

Schedules the example plan for some subjects once (not timed), then computes the ids
of all their touch points in several ways, in the same run, and prints nanoseconds
per id (CPU) and each way's speed as a ratio to the standard library's
``str(uuid.uuid5(NAMESPACE, name))`` on the same names:

- ``touch_point_id()``: the public function, one id per call;
- ``TouchPoint.id``: the property, as a host reads it from ``schedule_many``;
- ``touch_point_ids()``: many at once, as the iCalendar writer takes them (a batch of
  512, and one subject's touch points at a time, 15 in the example plan).

Every way is checked against the baseline's ids before it is timed.

    .venv/bin/python benchmarks/ids.py                 # 10k subjects, 150k ids
    .venv/bin/python benchmarks/ids.py --subjects 1000 --repeat 5
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from itertools import groupby
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.schedule import load_plan, random_subjects
from touchpoints import NAMESPACE, TouchPoint, schedule_many, touch_point_id
from touchpoints._core import touch_point_ids

Way = Callable[[Sequence[TouchPoint]], list[str]]


def with_uuid5(points: Sequence[TouchPoint]) -> list[str]:
    return [
        str(
            uuid.uuid5(
                NAMESPACE,
                f"{tp.plan_id}\n{tp.rule_id if tp.term == 1 else f'{tp.rule_id}@{tp.term}'}"
                f"\n{tp.occurrence}\n{tp.subject_id}",
            )
        )
        for tp in points
    ]


def one_by_one(points: Sequence[TouchPoint]) -> list[str]:
    return [
        touch_point_id(tp.plan_id, tp.subject_id, tp.rule_id, tp.occurrence, term=tp.term)
        for tp in points
    ]


def property_read(points: Sequence[TouchPoint]) -> list[str]:
    return [tp.id for tp in points]


def in_batches(points: Sequence[TouchPoint]) -> list[str]:
    ids: list[str] = []
    for start in range(0, len(points), 512):
        ids += touch_point_ids(points[start : start + 512])
    return ids


def per_subject(points: Sequence[TouchPoint]) -> list[str]:
    ids: list[str] = []
    for _, group in groupby(points, key=lambda tp: tp.subject_id):
        ids += touch_point_ids(list(group))
    return ids


WAYS: dict[str, Way] = {
    "touch_point_id()": one_by_one,
    "TouchPoint.id": property_read,
    "touch_point_ids(), 512 a time": in_batches,
    "touch_point_ids(), per subject": per_subject,
}


def timed(way: Way, points: Sequence[TouchPoint], repeat: int) -> float:
    """The least CPU seconds of ``repeat`` runs (the least is the least disturbed)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        began = time.process_time()
        way(points)
        best = min(best, time.process_time() - began)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    points = list(schedule_many(load_plan(), random_subjects(args.subjects)))
    expected = with_uuid5(points)
    for name, way in WAYS.items():
        assert way(points) == expected, name
    baseline = timed(with_uuid5, points, args.repeat)
    print(f"python {sys.version.split()[0]}, {len(points):,} ids of {args.subjects:,} subjects")
    print(f"{'way':<32} {'ns/id':>7} {'x uuid5':>8}")
    print(f"{'str(uuid.uuid5(...))':<32} {baseline / len(points) * 1e9:>7.0f} {1:>7.2f}x")
    for name, way in WAYS.items():
        seconds = timed(way, points, args.repeat)
        print(f"{name:<32} {seconds / len(points) * 1e9:>7.0f} {baseline / seconds:>7.2f}x")


if __name__ == "__main__":
    main()
