"""``touchpoints check``: a plan's properties for many subjects, from a checks file
or from the plan's own promises, and the smallest failing subject when one breaks."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from touchpoints._cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEALERSHIP = EXAMPLES / "dealership.yaml"
CHECKS = EXAMPLES / "dealership-checks.yaml"


def unguarded(tmp_path: Path) -> Path:
    """The dealership plan without its calendar and contact-fatigue rules."""
    data = yaml.safe_load(DEALERSHIP.read_text(encoding="utf-8"))
    del data["calendar"], data["fatigue"]
    path = tmp_path / "unguarded.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_example_checks_hold(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(DEALERSHIP), "--checks", str(CHECKS), "--examples", "30"])
    assert (code, capsys.readouterr().out) == (
        0,
        "dealership-after-sales: 5 checks held for 30 subjects\n",
    )


def test_without_a_checks_file_the_plan_s_own_promises_are_checked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", str(DEALERSHIP), "--examples", "20"]) == 0
    assert capsys.readouterr().out == "dealership-after-sales: 3 checks held for 20 subjects\n"


def test_a_failure_shows_the_smallest_subject_and_how_to_preview_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = unguarded(tmp_path)
    assert main(["check", str(plan), "--checks", str(CHECKS), "--examples", "50"]) == 1
    out = capsys.readouterr().out
    head, subject_text, command = re.split(
        r"\n\nThe smallest subject that shows it:\n|\n\nIts schedule:\n", out
    )
    assert head.splitlines()[:2] == [
        "dealership-after-sales: a check failed",
        "min_spacing(7 days): 2 touch points of 'cust-1' are 6 days apart",
    ]
    subject = yaml.safe_load(subject_text)
    assert subject["id"] == "cust-1"
    assert set(subject["anchors"]) == {"delivery", "contract_end"}
    # The command it prints shows that subject's schedule, with the two close contacts.
    words = shlex.split(command.strip())
    assert words[:3] == ["touchpoints", "preview", str(plan)]
    assert main(words[1:]) == 0
    table = capsys.readouterr().out
    for word in ("welcome", "first-check", "cust-1"):
        assert word in table


def test_a_phrase_it_does_not_know(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    checks = tmp_path / "checks.yaml"
    checks.write_text("checks:\n  - spacing 7 days\n", encoding="utf-8")
    assert main(["check", str(DEALERSHIP), "--checks", str(checks)]) == 1
    err = capsys.readouterr().err
    assert "'spacing 7 days' is not a check; write one like these: spacing >= 7 days" in err


def test_a_checks_file_without_a_list(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    checks = tmp_path / "checks.yaml"
    checks.write_text("spacing: 7 days\n", encoding="utf-8")
    assert main(["check", str(DEALERSHIP), "--checks", str(checks)]) == 1
    assert "must have a 'checks:' list" in capsys.readouterr().err
