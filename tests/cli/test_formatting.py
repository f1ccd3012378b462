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
