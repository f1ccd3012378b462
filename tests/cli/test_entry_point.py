"""The real entry point, ``python -m touchpoints``, in a fresh process."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

from touchpoints._cli import main

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def touchpoints(*argv: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "touchpoints", *(str(arg) for arg in argv)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
        cwd=cwd,
    )


class TestEntryPoint:
    def test_the_console_script_is_main(self):
        scripts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["scripts"]
        module, _, name = scripts["touchpoints"].partition(":")
        assert getattr(importlib.import_module(module), name) is main

    def test_preview(self, plan_file):
        done = touchpoints("preview", plan_file, "--anchor", "purchase=2026-01-15")
        assert (done.returncode, done.stderr) == (0, "")
        lines = done.stdout.splitlines()
        assert lines[0] == (
            "After-sales standard plan: 15 touch points for example, times in Europe/Berlin"
        )
        assert lines[3].split()[:4] == ["2026-01-29", "Thu", "10:00", "CET"]

    def test_invalid_input_exits_1_without_a_traceback(self, broken_plan_file):
        done = touchpoints("validate", broken_plan_file)
        assert done.returncode == 1
        assert done.stdout == ""
        assert f"{broken_plan_file}:15:7: touchpoints[0].tittle: unknown key" in done.stderr
        assert "Traceback" not in done.stderr

    def test_usage_errors_exit_2(self, plan_file):
        done = touchpoints("preview", plan_file, "--anchor", "purchase=15.01.2026")
        assert done.returncode == 2
        assert "'15.01.2026' is not a date; write it as YYYY-MM-DD" in done.stderr
        assert "Traceback" not in done.stderr

    def test_help_exits_0(self):
        done = touchpoints("--help")
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout.startswith("usage: touchpoints ")

    def test_output_to_a_pipe_has_no_terminal_codes(self, plan_file):
        done = touchpoints("explain", plan_file)
        assert done.returncode == 0
        assert "\r" not in done.stdout + done.stderr
        assert "\x1b" not in done.stdout + done.stderr

    def test_a_reader_that_stops_early_is_not_an_error(self, tmp_path, write_json):
        # Five years of daily touch points: far more output than a pipe buffers.
        plan = write_json(
            tmp_path / "daily.json",
            {
                "plan": "daily",
                "touchpoints": [
                    {
                        "id": "d",
                        "title": "Daily",
                        "channel": "call",
                        "every": "1 day",
                        "starting": "purchase",
                    }
                ],
            },
        )
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "touchpoints",
                "preview",
                str(plan),
                "--anchor",
                "purchase=2026-01-01",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline().startswith(b"daily: 1,826 touch points for example")
        process.stdout.close()
        stderr = process.stderr.read()
        process.stderr.close()
        assert process.wait(timeout=60) == 0
        assert stderr == b""
