"""The car dealer example (examples/car-dealer.yaml and its customers): "every 12
months or 15,000 km, whichever comes first", previewed and explained (#13).

CAR-0017 read 0 km on 2026-01-10 and 9,000 km on 2026-07-10, 181 days later: 49.72
km/day, so 15,000 km is expected 121 days after the second reading, on Sunday
2026-11-08, which the Bavarian calendar moves to Monday 2026-11-09.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from touchpoints import load_plan, load_subjects, schedule
from touchpoints._cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PLAN = EXAMPLES / "car-dealer.yaml"
CUSTOMERS = EXAMPLES / "car-dealer-customers.yaml"


def preview(capsys: pytest.CaptureFixture[str], subject_id: str) -> list[str]:
    argv = ["preview", str(PLAN), "--subject", str(CUSTOMERS), "--subject-id", subject_id]
    assert main([*argv, "--end", "2028-01-01"]) == 0
    return capsys.readouterr().out.splitlines()


def service_row(rows: list[str]) -> str:
    return next(row for row in rows[3:] if row.split()[4] == "service")


def test_the_plan_and_its_customers_are_valid():
    plan = load_plan(PLAN)
    customers = list(load_subjects(CUSTOMERS, anchors=plan.subject_anchors()))
    assert [c.id for c in customers] == ["CAR-0017", "CAR-0018", "CAR-0019"]
    assert [rule.kind for rule in plan.rules] == ["once", "usage", "usage", "once"]


def test_the_fast_driver_is_due_when_the_kilometres_are(capsys):
    rows = preview(capsys, "CAR-0017")
    service = service_row(rows)
    assert service.startswith("2026-11-09 Mon 09:30 CET")
    assert service.endswith(
        "from Sun 2027-01-10 (15,000 km expected on 2026-11-08 at 49.7 km/day; weekend)"
    )


def test_the_slow_driver_is_due_when_the_months_are(capsys):
    # 3,000 km in 181 days: 15,000 km only on 2028-07-03; 2027-01-10 is a Sunday.
    rows = preview(capsys, "CAR-0018")
    service = service_row(rows)
    assert service.startswith("2027-01-11 Mon 09:30 CET")
    assert "the time limit comes first; 15,000 km expected on 2028-07-03" in service


def test_the_early_service_at_14200_km_moves_the_next_to_29200_km():
    plan = load_plan(PLAN)
    customer = next(c for c in load_subjects(CUSTOMERS) if c.id == "CAR-0019")
    second = [tp for tp in schedule(plan, customer) if tp.rule_id == "service"][1]
    assert "29,200 km expected on 2027-08-15" in second.adjustments[0].reason
    assert second.due.isoformat().startswith("2027-08-16")  # Sunday -> Monday


def test_the_explanation_reads_naturally(capsys):
    assert main(["explain", str(PLAN)]) == 0
    out = capsys.readouterr().out
    assert (
        "service [visit] Service visit: every 12 months from 12 months after delivery, or "
        "each 15,000 km on the odometer if that comes first, until 6 years after delivery "
        "(inclusive); each one counted from when the previous one was completed"
    ) in out
    assert "tyres [sms] Tyre check: each 30,000 km on the odometer, on the day its" in out
