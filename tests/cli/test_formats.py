"""Output for scripts and CI: ``--format json``/``csv``/``github``, and ``validate --subjects``."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from touchpoints import Plan, Schedule, Subject, schedule
from touchpoints._cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


PLAN = {
    "plan": "p",
    "touchpoints": [
        {"id": "call", "title": '=HYPERLINK("x")', "channel": "call", "at": "purchase + 2 weeks"},
        {"id": "mail", "title": "Mail", "channel": "email", "at": "renewal", "optional": True},
    ],
}


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PLAN), encoding="utf-8")
    return path


class TestPreviewFormats:
    def test_json_is_the_public_schedule_form(self, capsys, plan):
        code, out, _ = run(
            capsys, "preview", plan, "--anchor", "purchase=2026-01-15", "--format", "json"
        )
        assert code == 0
        data = json.loads(out)
        assert (data["plan_id"], data["subject_id"]) == ("p", "example")
        # purchase 2026-01-15 + 2 weeks = Thursday 2026-01-29; 'mail' needs a renewal.
        [tp] = data["touch_points"]
        assert (tp["rule_id"], tp["due"]) == ("call", "2026-01-29")
        assert data["rules"][tp["rule"]]["title"] == '=HYPERLINK("x")'
        assert [(o["rule_id"], o["anchor"]) for o in data["omitted"]] == [("mail", "renewal")]
        assert "renewal" in data["omitted"][0]["text"]
        # The one shape scripts read: what Schedule.from_json takes back, equal to
        # the schedule the API gives for the same subject.
        expected = schedule(
            Plan.model_validate(PLAN),
            Subject(id="example", anchors={"purchase": date(2026, 1, 15)}),
        )
        assert Schedule.from_json(data) == expected

    def test_csv_is_formula_safe(self, capsys, plan):
        code, out, _ = run(
            capsys, "preview", plan, "--anchor", "purchase=2026-01-15", "--format", "csv"
        )
        assert code == 0
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0][:5] == ["due", "rule", "occurrence", "channel", "title"]
        assert rows[1][:4] == ["2026-01-29", "call", "1", "call"]
        assert rows[1][4] == '\'=HYPERLINK("x")'  # a quote first: text, never a formula


class TestValidateFormats:
    @pytest.fixture
    def broken(self, tmp_path: Path) -> Path:
        path = tmp_path / "broken.yaml"
        path.write_text("plan: p\ntouchpoints:\n  - id: a\n    tittle: A\n", encoding="utf-8")
        return path

    def test_text_is_file_line_column(self, capsys, broken):
        code, _, err = run(capsys, "validate", broken)
        assert code == 1
        assert f"{broken}:4:5: touchpoints[0].tittle: unknown key" in err

    def test_json(self, capsys, broken, plan):
        code, out, _ = run(capsys, "validate", broken, plan, "--format", "json")
        assert code == 1
        files = json.loads(out)["files"]
        assert [f["valid"] for f in files] == [False, True]
        problem = next(p for p in files[0]["problems"] if p["field"] == "touchpoints[0].tittle")
        assert (problem["line"], problem["column"]) == (4, 5)

    def test_github_annotations(self, capsys, broken):
        code, out, _ = run(capsys, "validate", broken, "--format", "github")
        assert code == 1
        assert f"::error file={broken},line=4,col=5::touchpoints[0].tittle: unknown key" in out


class TestValidateSubjects:
    def test_every_unschedulable_subject_is_listed_without_exporting(self, capsys, plan, tmp_path):
        subjects = tmp_path / "s.csv"
        subjects.write_text(
            "id,purchase\nc1,2026-01-15\nlead,\nc3,\nc4,2026-02-01\n", encoding="utf-8"
        )
        code, _out, err = run(capsys, "validate", plan, "--subjects", subjects)
        assert code == 1
        assert f"{subjects}:3: subject 'lead': " in err
        assert f"{subjects}:4: subject 'c3': " in err
        assert "4 subjects checked, 2 cannot be scheduled" in err
        assert list(tmp_path.glob("*.ics")) == []

    def test_rows_that_cannot_be_read_are_not_called_unschedulable(self, capsys, plan, tmp_path):
        subjects = tmp_path / "s.csv"
        subjects.write_text("id,purchase\nc1,2026-01-15\nc2,soon\nlead,\n", encoding="utf-8")
        code, _out, err = run(capsys, "validate", plan, "--subjects", subjects)
        assert code == 1
        assert f"{subjects}:3:2: purchase: " in err
        assert f"{subjects}:4: subject 'lead': " in err
        # c1 and lead are read and scheduled (lead fails); c2's date cannot be read.
        assert (
            f"{subjects}: 2 subjects checked, 1 cannot be scheduled; 1 problem reading the file"
            in err
        )

    def test_the_report_is_bounded(self, capsys, plan, tmp_path):
        subjects = tmp_path / "s.csv"
        subjects.write_text(
            "id,purchase\n" + "".join(f"l{n},\n" for n in range(500)), encoding="utf-8"
        )
        code, _, err = run(capsys, "validate", plan, "--subjects", subjects)
        assert code == 1
        assert len(err.splitlines()) < 110
        assert "and 400 more" in err

    def test_good_subjects_pass(self, capsys, plan, tmp_path):
        subjects = tmp_path / "s.csv"
        subjects.write_text("id,purchase\nc1,2026-01-15\n", encoding="utf-8")
        code, out, _ = run(capsys, "validate", plan, "--subjects", subjects)
        assert code == 0
        assert "1 subject checked, all can be scheduled" in out

    def test_one_plan_with_subjects(self, capsys, plan, tmp_path):
        code, _, _err = run(capsys, "validate", plan, plan, "--subjects", tmp_path / "s.csv")
        assert code == 2
