"""The team's load: touch points counted per week or month and channel, and the command."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import pytest

from touchpoints import Plan, Subject, schedule_many
from touchpoints._cli import EXIT_OK, EXIT_USAGE, main
from touchpoints._pictures import Load, count_load

PLAN = {
    "plan": "load",
    "touchpoints": [
        {
            "id": "call",
            "title": "Call",
            "channel": "call",
            "at": "purchase + 1 week",
            "owner": "Desk",
        },
        {
            "id": "visit",
            "title": "Visit",
            "channel": "visit",
            "at": "purchase + 30 days",
            "owner": "Field team",
        },
        {"id": "mail", "title": "Mail", "channel": "email", "at": "purchase + 30 days"},
    ],
}
FIRST = date(2026, 1, 1)  # 90 subjects bought one a day from here


def subjects() -> list[Subject]:
    return [Subject(id=f"c{n}", anchors={"purchase": FIRST + timedelta(days=n)}) for n in range(90)]


def expected(per: str, offsets: dict[str, int]) -> dict[date, dict[str, int]]:
    """Counted here without the code under test: a week is named by its ISO Monday."""
    counts: dict[date, dict[str, int]] = {}
    for n in range(90):
        for channel, days in offsets.items():
            day = FIRST + timedelta(days=n + days)
            if per == "week":
                year, week, _ = day.isocalendar()
                start = date.fromisocalendar(year, week, 1)
            else:
                start = date(day.year, day.month, 1)
            by = counts.setdefault(start, {})
            by[channel] = by.get(channel, 0) + 1
    return dict(sorted(counts.items()))


@pytest.mark.parametrize("per", ["week", "month"])
def test_counts_per_period_and_channel(per: Literal["week", "month"]) -> None:
    load = count_load(schedule_many(Plan.model_validate(PLAN), subjects()), per=per)
    assert load.counts == expected(per, {"call": 7, "visit": 30, "email": 30})
    assert sum(load.total(p) for p in load.counts) == 270


def test_filtered_by_owner_with_unassigned_for_none() -> None:
    plan = Plan.model_validate(PLAN)
    field = count_load(schedule_many(plan, subjects()), owners=["Field team"])
    assert field.counts == expected("week", {"visit": 30})
    assert field.owners == ("Field team",)
    nobody = count_load(schedule_many(plan, subjects()), owners=["unassigned"])
    assert nobody.channels == ["email"]


def test_empty_periods_are_listed_and_busiest_are_ranked() -> None:
    load = Load("week", {date(2026, 1, 5): {"call": 2}, date(2026, 1, 26): {"call": 2, "x": 1}})
    assert load.periods() == [
        date(2026, 1, 5),
        date(2026, 1, 12),
        date(2026, 1, 19),
        date(2026, 1, 26),
    ]
    assert load.busiest(2) == [(date(2026, 1, 26), 3), (date(2026, 1, 5), 2)]
    assert load.csv_rows() == [
        ["period_start", "total", "call", "x"],
        ["2026-01-05", "2", "2", "0"],
        ["2026-01-12", "0", "0", "0"],
        ["2026-01-19", "0", "0", "0"],
        ["2026-01-26", "3", "2", "1"],
    ]
    months = Load("month", {date(2026, 11, 1): {"a": 1}, date(2027, 2, 1): {"a": 1}})
    assert months.periods() == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


def test_the_command_writes_the_chart_a_csv_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    crm = tmp_path / "crm.csv"
    rows = [f"c{n},{FIRST + timedelta(days=n)}" for n in range(90)]
    crm.write_text("id,purchase\n" + "\n".join(rows) + "\nlead-1,\n", encoding="utf-8")
    out = tmp_path / "load.html"
    argv = ["load", str(plan), "--subjects", str(crm), "--per", "month", "-o", str(out)]
    assert main(argv) == EXIT_OK
    captured = capsys.readouterr()
    assert "270 touch points" in captured.out
    assert "skipped: Subject 'lead-1' has no 'purchase' date" in captured.err
    page = out.read_text(encoding="utf-8")
    assert "@page { size: A4 landscape" in page
    assert "<script" not in page
    want = expected("month", {"call": 7, "visit": 30, "email": 30})
    with (tmp_path / "load.csv").open(encoding="utf-8", newline="") as stream:
        table = list(csv.DictReader(stream))
    assert [row["period_start"] for row in table] == [p.isoformat() for p in want]
    assert [int(row["total"]) for row in table] == [sum(by.values()) for by in want.values()]
    data = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    busiest = max(want, key=lambda p: (sum(want[p].values()), -p.toordinal()))
    assert data["busiest"][0] == {
        "start": busiest.isoformat(),
        "total": sum(want[busiest].values()),
    }
    assert f"1. month of {busiest.isoformat()}" in page


def test_the_chart_must_be_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["load", "plan.yaml", "--subjects", "crm.csv", "-o", str(tmp_path / "load.png")]
    assert main(argv) == EXIT_USAGE
    assert "write the chart to a .html file" in capsys.readouterr().err
