"""Subject files as CRMs export them: ``--column NAME=COLUMN`` and ``--columns FILE``
map a file's columns to ids, anchors and attributes, in every command that reads
subjects, without editing the file.

The plan: a check-up call two weeks after the purchase, and a service visit every 30
days from 30 days after it, four times. For a purchase on 2026-01-15 that is the call
on 2026-01-29 and the visits on 2026-02-14, 03-16, 04-15 and 05-15 (30-day steps:
17 days left in January and 13 in February; 28 - 13 = 15 and 31 - 15 = 16 ...), five
touch points in all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import icalendar
import pytest

from touchpoints._cli import main

PLAN: dict[str, Any] = {
    "plan": "after-sales",
    "timezone": "Europe/Berlin",
    "touchpoints": [
        {"id": "check-up", "title": "Check-up call", "channel": "call", "at": "purchase + 2 weeks"},
        {
            "id": "service",
            "title": "Service visit",
            "channel": "visit",
            "every": "30 days",
            "starting": "purchase + 30 days",
            "count": 4,
        },
    ],
}
CRM = "customer_no,purchase_date,name\nK-1,2026-01-15,Ada\n"
DUES = ["2026-01-29", "2026-02-14", "2026-03-16", "2026-04-15", "2026-05-15"]
MAPPING = ["--column", "id=customer_no", "--column", "purchase=purchase_date"]
WINDOW = ["--today", "2026-01-01"]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "plan.json").write_text(json.dumps(PLAN), encoding="utf-8")
    (tmp_path / "crm.csv").write_text(CRM, encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def events(path: Path) -> list[tuple[str, str]]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return sorted(
        (str(e.decoded("DTSTART")), str(e.get("SUMMARY"))) for e in calendar.walk("VEVENT")
    )


class TestExport:
    def test_columns_on_the_command_line(self, capsys, files):
        out = files / "team.ics"
        code, _, err = run(
            capsys, "export", files / "plan.json", "--subjects", files / "crm.csv",
            *MAPPING, *WINDOW, "--summary", "{title}: {name}", "-o", out,
        )  # fmt: skip
        assert code == 0, err
        assert [day for day, _ in events(out)] == DUES
        assert events(out)[0][1] == "Check-up call: Ada"  # 'name' is still an attribute
        assert "1 subject read, 1 scheduled, 0 skipped, 5 events written" in err

    def test_columns_from_a_mapping_file(self, capsys, files):
        (files / "crm.columns").write_text(
            "# our CRM's export\nid = customer_no\npurchase = purchase_date\n", encoding="utf-8"
        )
        out = files / "team.ics"
        code, _, err = run(
            capsys, "export", files / "plan.json", "--subjects", files / "crm.csv",
            "--columns", files / "crm.columns", *WINDOW, "-o", out,
        )  # fmt: skip
        assert code == 0, err
        assert [day for day, _ in events(out)] == DUES

    def test_the_command_line_overrides_the_mapping_file(self, capsys, files):
        (files / "crm.columns").write_text("id = customer_no\npurchase = name\n", encoding="utf-8")
        out = files / "team.ics"
        code, _, err = run(
            capsys, "export", files / "plan.json", "--subjects", files / "crm.csv",
            "--columns", files / "crm.columns", "--column", "purchase=purchase_date",
            *WINDOW, "-o", out,
        )  # fmt: skip
        assert code == 0, err
        assert [day for day, _ in events(out)] == DUES

    def test_a_mapped_column_the_file_lacks(self, capsys, files):
        out = files / "team.ics"
        out.write_bytes(b"the old feed")
        code, _, err = run(
            capsys, "export", files / "plan.json", "--subjects", files / "crm.csv",
            "--column", "id=customer_no", "--column", "purchase=purchased",
            *WINDOW, "-o", out,
        )  # fmt: skip
        assert code == 1
        line = next(line for line in err.splitlines() if "'purchased'" in line)
        assert line.startswith(f"{files / 'crm.csv'}:1: purchase: ")
        assert "the file's columns are: customer_no, purchase_date, name" in line
        assert out.read_bytes() == b"the old feed"

    def test_one_subject_from_a_crm_file(self, capsys, files):
        out = files / "one.ics"
        code, _, err = run(
            capsys, "export", files / "plan.json", "--subject", files / "crm.csv",
            "--subject-id", "K-1", *MAPPING, *WINDOW, "-o", out,
        )  # fmt: skip
        assert code == 0, err
        assert [day for day, _ in events(out)] == DUES


class TestOtherCommands:
    def test_validate_subjects(self, capsys, files):
        code, out, err = run(
            capsys, "validate", files / "plan.json", "--subjects", files / "crm.csv", *MAPPING
        )
        assert code == 0, err
        assert f"{files / 'crm.csv'}: 1 subject checked, all can be scheduled" in out

    def test_validate_subjects_without_the_mapping_finds_no_id(self, capsys, files):
        code, _, err = run(capsys, "validate", files / "plan.json", "--subjects", files / "crm.csv")
        assert code == 1
        assert "the header has no 'id' column" in err

    def test_load(self, capsys, files):
        out = files / "load.html"
        code, printed, err = run(
            capsys, "load", files / "plan.json", "--subjects", files / "crm.csv", *MAPPING,
            "-o", out,
        )  # fmt: skip
        assert code == 0, err
        assert "5 touch points" in printed
        assert out.exists()

    def test_preview(self, capsys, files):
        code, out, err = run(
            capsys, "preview", files / "plan.json", "--subject", files / "crm.csv", *MAPPING,
            "--format", "json",
        )  # fmt: skip
        assert code == 0, err
        data = json.loads(out)
        assert data["subject_id"] == "K-1"
        assert [tp["due"] for tp in data["touch_points"]] == DUES

    def test_timeline(self, capsys, files):
        out = files / "t.svg"
        code, _, err = run(
            capsys, "timeline", files / "plan.json", "--subject", files / "crm.csv", *MAPPING,
            "-o", out,
        )  # fmt: skip
        assert code == 0, err
        assert "K-1" in out.read_text(encoding="utf-8")


class TestRefused:
    @pytest.mark.parametrize("value", ["purchase", "=purchase_date", "purchase="])
    def test_a_column_that_is_not_name_equals_column(self, capsys, files, value):
        code, _, err = run(
            capsys, "validate", files / "plan.json", "--subjects", files / "crm.csv",
            "--column", value,
        )  # fmt: skip
        assert code == 2
        assert f"{value!r} is not NAME=COLUMN, such as purchase=purchase_date" in err

    def test_a_column_without_a_subject_file(self, capsys, files):
        code, _, err = run(
            capsys, "preview", files / "plan.json", "--anchor", "purchase=2026-01-15", *MAPPING
        )
        assert code == 2
        assert "--column and --columns map the columns of a CSV file" in err

    def test_a_column_with_a_yaml_file(self, capsys, files):
        (files / "s.yaml").write_text(
            "id: c1\nanchors:\n  purchase: 2026-01-15\n", encoding="utf-8"
        )
        code, _, err = run(
            capsys, "validate", files / "plan.json", "--subjects", files / "s.yaml", *MAPPING
        )
        assert code == 2
        assert "map the columns of a CSV file" in err
        assert "s.yaml" in err

    def test_a_mapping_file_that_does_not_exist(self, capsys, files):
        code, _, err = run(
            capsys, "validate", files / "plan.json", "--subjects", files / "crm.csv",
            "--columns", files / "nope.columns",
        )  # fmt: skip
        assert code == 1
        assert str(files / "nope.columns") in err

    def test_a_mapping_file_with_a_bad_line(self, capsys, files):
        (files / "crm.columns").write_text("id = customer_no\npurchase\n", encoding="utf-8")
        code, _, err = run(
            capsys, "validate", files / "plan.json", "--subjects", files / "crm.csv",
            "--columns", files / "crm.columns",
        )  # fmt: skip
        assert code == 1
        assert f"{files / 'crm.columns'}:2: 'purchase' is not NAME=COLUMN" in err


class TestHints:
    def test_nothing_scheduled_suggests_the_mapping(self, capsys, files):
        (files / "crm.csv").write_text("id,purchase_date\nc1,2026-01-15\n", encoding="utf-8")
        code, _, err = run(
            capsys, "export", files / "plan.json", "--subjects", files / "crm.csv",
            *WINDOW, "-o", files / "team.ics",
        )  # fmt: skip
        assert code == 1
        assert err.splitlines()[-1] == (
            "touchpoints: error: no subject has a 'purchase' date; the file's columns are: "
            "id, purchase_date (to read one as 'purchase', give --column "
            "purchase=purchase_date); nothing was written"
        )

    def test_no_close_column_no_guess(self, capsys, files):
        (files / "crm.csv").write_text("id,bought\nc1,2026-01-15\n", encoding="utf-8")
        code, _, err = run(
            capsys, "export", files / "plan.json", "--subjects", files / "crm.csv",
            *WINDOW, "-o", files / "team.ics",
        )  # fmt: skip
        assert code == 1
        assert err.splitlines()[-1] == (
            "touchpoints: error: no subject has a 'purchase' date; the file's columns are: "
            "id, bought (to read one as 'purchase', give --column purchase=COLUMN); "
            "nothing was written"
        )

    def test_a_repeated_id_in_a_mapped_column_names_both_lines(self, capsys, files):
        (files / "crm.csv").write_text(
            "customer_no,purchase_date\nK-1,2026-01-15\nK-2,soon\nK-1,2026-02-01\n",
            encoding="utf-8",
        )
        code, _, err = run(
            capsys, "export", files / "plan.json", "--subjects", files / "crm.csv",
            *MAPPING, *WINDOW, "-o", files / "team.ics",
        )  # fmt: skip
        assert code == 1
        # K-2's row cannot be read; the lines after it still count from the file.
        assert "the subject id 'K-1' is given twice, on line 2 and on line 4" in err
