"""``load`` counts on the batch path where the plan allows it, and the figures are the
ones of the object path, subject by subject; subjects the arrays cannot take still
count, and those that cannot be scheduled are skipped on either path."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from touchpoints import HistoryEvent, Plan, Subject, schedule
from touchpoints._cli import EXIT_OK, main
from touchpoints._cli.load_counting import count_subjects, load_path
from touchpoints._files import load_plan
from touchpoints._model import day_of
from touchpoints._pictures import LoadCounter

EXAMPLES = Path(__file__).parents[2] / "examples"
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", None)


def subjects(count: int) -> list[Subject]:
    first = date(2024, 1, 1)
    found = [
        Subject(
            id=f"c{n}",
            timezone=ZONES[n % len(ZONES)],
            anchors={"purchase": first + timedelta(days=(n * 37) % 900)},
        )
        for n in range(count)
    ]
    # Subjects the arrays do not take as they are: they go the object way.
    found.append(
        Subject(
            id="with-history",
            anchors={"purchase": first},
            history=(HistoryEvent(rule="check-up", occurrence=1, status="skipped"),),
        )
    )
    found.append(
        Subject(id="own-renewal", anchors={"purchase": first, "renewal": date(2025, 6, 2)})
    )
    found.append(Subject(id="no-purchase", anchors={}))  # cannot be scheduled
    return found


def counted(plan: Plan, path: str, per: str) -> tuple[LoadCounter, list[str]]:
    counter = LoadCounter(per)  # type: ignore[arg-type]
    skipped: list[str] = []
    taken = count_subjects(
        plan,
        iter(subjects(300)),
        counter,
        limit=10_000,
        skip=lambda subject, error: skipped.append(subject.id),
        path=path,  # type: ignore[arg-type]
    )
    assert taken == path
    return counter, skipped


@pytest.mark.parametrize("per", ["week", "month"])
def test_both_paths_count_the_same(per: str) -> None:
    plan = load_plan(EXAMPLES / "after-sales.yaml")
    assert load_path(plan, None, None)[0] == "batch"
    batch, batch_skipped = counted(plan, "batch", per)
    objects, object_skipped = counted(plan, "objects", per)
    assert batch_skipped == object_skipped == ["no-purchase"]
    assert batch.load().counts == objects.load().counts
    assert batch.owners() == objects.owners()
    for owner in objects.owners():
        assert batch.load(owner).counts == objects.load(owner).counts


def test_the_counts_are_the_schedules_counted_here() -> None:
    # Independent of both paths' counting: each schedule's local days, by ISO week.
    plan = load_plan(EXAMPLES / "after-sales.yaml")
    expected: dict[date, dict[str, int]] = {}
    for subject in subjects(300):
        if not subject.anchors:
            continue
        for tp in schedule(plan, subject):
            year, week, _ = day_of(tp.due).isocalendar()
            by = expected.setdefault(date.fromisocalendar(year, week, 1), {})
            by[tp.channel] = by.get(tp.channel, 0) + 1
    batch, _ = counted(plan, "batch", "week")
    assert batch.load().counts == dict(sorted(expected.items()))


def test_a_plan_the_arrays_cannot_compute_counts_one_subject_at_a_time() -> None:
    fatigued = Plan.model_validate({
        "plan": "f", "fatigue": {"spacing": "2 days"},
        "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "purchase"}],
    })  # fmt: skip
    assert load_path(fatigued, None, None) == ("objects", "the plan has fatigue rules")


def test_the_command_says_which_path_it_took(tmp_path: Path, capsys) -> None:
    crm = tmp_path / "crm.csv"
    rows = [f"c{n},2026-01-{n + 1:02d}" for n in range(20)]
    crm.write_text("id,purchase\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "load.html"
    argv = ["load", str(EXAMPLES / "after-sales.yaml"), "--subjects", str(crm), "-o", str(out)]
    assert main(argv) == EXIT_OK
    assert "on the batch path" in capsys.readouterr().out
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    plan = load_plan(EXAMPLES / "after-sales.yaml")
    want = sum(
        len(schedule(plan, Subject(id=f"c{n}", anchors={"purchase": date(2026, 1, n + 1)})))
        for n in range(20)
    )
    assert sum(period["total"] for period in data["periods"]) == want
