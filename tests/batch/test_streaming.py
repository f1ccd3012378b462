"""Streaming: one record batch per ``batch_size`` subjects, in input order, with
Arrow memory bounded by the batch size rather than by the number of subjects."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pyarrow as pa

from touchpoints import Plan
from touchpoints.batch import schedule_batches, schedule_table

PLAN = Plan.model_validate(
    {
        "plan": "p",
        "timezone": "Europe/Berlin",
        "contact_time": "10:00",
        "touchpoints": [
            {"id": "check-up", "title": "Check-up", "channel": "call", "at": "purchase + 2 weeks"},
            {
                "id": "service",
                "title": "Service",
                "channel": "visit",
                "every": "90 days",
                "starting": "purchase + 90 days",
                "until": "purchase + 3 years",
            },
        ],
    }
)  # 13 touch points per subject
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney")


def subject_batches(count: int, size: int = 5_000, cycle: int = 3_000) -> Iterator[pa.RecordBatch]:
    """Subjects made a batch at a time, so the input is never held whole either."""
    for first in range(0, count, size):
        numbers = range(first, min(first + size, count))
        yield pa.RecordBatch.from_pydict(
            {
                "id": [f"cust-{n}" for n in numbers],
                "timezone": [ZONES[n % 4] for n in numbers],
                "purchase": [date(2020, 1, 1) + timedelta(days=n % cycle) for n in numbers],
                # (keys repeat every 3000 subjects; the test below uses a shorter cycle)
            }
        )


def test_batches_follow_the_input_and_its_order():
    sizes = [b.num_rows for b in schedule_batches(PLAN, subject_batches(10, 10), batch_size=3)]
    assert sizes == [39, 39, 39, 13]
    table = schedule_table(PLAN, subject_batches(10, 10), batch_size=3)
    ids = table.column("subject_id").to_pylist()
    assert ids == [f"cust-{n}" for n in range(10) for _ in range(13)]


def peak_streaming(count: int) -> int:
    """The most Arrow memory held while streaming ``count`` subjects."""
    peak = 0
    base = pa.total_allocated_bytes()
    produced = 0
    for batch in schedule_batches(PLAN, subject_batches(count), batch_size=5_000, ids=True):
        produced += batch.num_rows
        peak = max(peak, pa.total_allocated_bytes() - base)
        del batch
    assert produced == 13 * count
    return peak


def test_streaming_memory_does_not_grow_with_the_number_of_subjects():
    small, large = peak_streaming(10_000), peak_streaming(80_000)
    # Eight times the subjects, about the same peak: one batch in, one batch out.
    assert large < 1.5 * small
    table = schedule_table(PLAN, subject_batches(80_000), batch_size=5_000, ids=True)
    assert table.nbytes > 4 * large  # materialised, all of it is held


def test_later_batches_reuse_keys_and_a_full_cache_starts_again(monkeypatch):
    # Keys (zone, purchase day) repeat every 100 subjects, so later batches find them
    # computed; a cache too small for them must give the same rows too.
    def stream() -> Iterator[pa.RecordBatch]:
        return subject_batches(1_000, 1_000, cycle=100)

    whole = schedule_table(PLAN, stream(), batch_size=1_000, ids=True)
    streamed = schedule_table(PLAN, stream(), batch_size=70, ids=True)
    assert streamed.to_pylist() == whole.to_pylist()
    assert len({(r["zone"], r["local_date"]) for r in whole.to_pylist()}) < 100 * 13
    import touchpoints.batch._cache as cache

    monkeypatch.setattr(cache.KeyCache.__init__, "__defaults__", (100,))
    tiny = schedule_table(PLAN, stream(), batch_size=70, ids=True)
    assert tiny.to_pylist() == whole.to_pylist()
