"""The pure text renderers behind the commands."""

from __future__ import annotations

import pytest

from touchpoints import Problem
from touchpoints._cli import format_problems, format_table


class TestFormatProblems:
    @pytest.mark.parametrize(
        ("problem", "source", "line"),
        [
            (Problem("a.b", "bad", 3, 7), "p.yaml", "p.yaml:3:7: a.b: bad"),
            (Problem("a.b", "bad", 3), "p.toml", "p.toml:3: a.b: bad"),
            (Problem("a.b", "bad"), "p.json", "p.json: a.b: bad"),
            (Problem("", "not a mapping", 1, 1), "p.json", "p.json:1:1: not a mapping"),
            (Problem("a.b", "bad", 3, 7), None, "3:7: a.b: bad"),
            (Problem("", "bad"), None, "bad"),
            # A column without a line means nothing on its own.
            (Problem("a", "bad", None, 4), "p.yaml", "p.yaml: a: bad"),
        ],
    )
    def test_known_parts_only(self, problem, source, line):
        assert format_problems([problem], source=source) == line

    def test_one_line_each_in_order(self):
        problems = [Problem("z", "last", 9, 1), Problem("a", "first", 1, 1)]
        assert format_problems(problems, source="f").splitlines() == [
            "f:9:1: z: last",
            "f:1:1: a: first",
        ]

    def test_no_problems_no_text(self):
        assert format_problems([]) == ""


class TestFormatTable:
    def test_no_touch_points(self):
        assert format_table([]) == "(no touch points in the window)"


class TestErrorText:
    """An error's head counts every problem found, also those beyond the listed bound."""

    def test_problems_beyond_the_bound_are_counted_and_said(self, capsys, tmp_path):
        from touchpoints._cli import main

        plan = tmp_path / "plan.json"
        plan.write_text(
            '{"plan": "p", "touchpoints": [{"id": "a", "title": "A", "channel": "call", '
            '"at": "purchase"}]}',
            encoding="utf-8",
        )
        subjects = tmp_path / "crm.csv"
        rows = "".join(f"c{n},soon\n" for n in range(60))
        subjects.write_text("id,purchase\n" + rows, encoding="utf-8")
        code = main(
            ["export", str(plan), "--subjects", str(subjects), "-o", str(tmp_path / "o.ics")]
        )
        err = capsys.readouterr().err
        assert code == 1
        lines = err.splitlines()
        # 60 bad rows: 50 listed (the report's bound), 10 more counted.
        head = next(line for line in lines if line.startswith("touchpoints: error:"))
        assert head == (
            f"touchpoints: error: 60 problems with the subject in {subjects} "
            "(the first 50 are listed):"
        )
        listed = [line for line in lines if line.startswith(f"{subjects}:")]
        assert len(listed) == 50
        assert lines[-1] == "  ... and 10 more"
