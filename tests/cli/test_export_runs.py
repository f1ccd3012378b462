"""``touchpoints export`` as a team runs it: the window, outputs, the summary line and what
is refused rather than written."""

from __future__ import annotations

import csv
import io
import json
import os
import threading
from pathlib import Path
from typing import Any

import icalendar
import pytest

from touchpoints._cli import main, progress

PLAN: dict[str, Any] = {
    "plan": "after-sales",
    "name": "After-sales",
    "timezone": "Europe/Berlin",
    "contact_time": "10:00",
    "touchpoints": [
        {"id": "check-up", "title": "Check-up call", "channel": "call", "at": "purchase + 2 weeks"},
        {
            "id": "service",
            "title": "Service visit",
            "channel": "visit",
            "every": "30 days",
            "starting": "purchase + 30 days",
            "count": 4,
            "owner": "field service",
        },
    ],
}
# c1: check-up 2026-01-29; service 2026-02-14, 03-16, 04-15, 05-15 (30-day steps).
CSV = "id,purchase,name,owner\nc1,2026-01-15,Ada,anna\nlead,,Bo,bert\n"
STAMP = ["--stamp", "2026-01-01T09:00:00Z"]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "plan.json").write_text(json.dumps(PLAN), encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CSV, encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def export(capsys: pytest.CaptureFixture[str], files: Path, *extra: object) -> tuple[int, str]:
    code, _, err = run(
        capsys, "export", files / "plan.json", "--subjects", files / "customers.csv", *extra
    )
    return code, err


def starts(path: Path) -> list[str]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return sorted(str(e.decoded("DTSTART").date()) for e in calendar.walk("VEVENT"))


class TestSummary:
    def test_summary_template_names_the_customer(self, capsys, files):
        out = files / "c.ics"
        code, _ = export(capsys, files, "-o", out, *STAMP, "--summary", "{title}: {name}")
        assert code == 0
        summaries = {
            str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
        }
        assert summaries == {"Check-up call: Ada", "Service visit: Ada"}

    def test_the_readme_command_names_the_customer(self):
        readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
        command = next(line for line in readme.splitlines() if "touchpoints export" in line)
        # examples/customers.csv has a 'name' column and a 'company' column
        assert "--summary" in command
        assert "{name}" in command


class TestWindow:
    def test_touch_points_before_today_are_left_out(self, capsys, files):
        out = files / "c.ics"
        code, err = export(capsys, files, "-o", out, *STAMP, "--today", "2026-03-20")
        assert code == 0
        assert starts(out) == ["2026-04-15", "2026-05-15"]
        assert "from 2026-03-20" in err
        assert "--all" in err

    def test_the_stamp_gives_the_date_without_today(self, capsys, files):
        out = files / "c.ics"
        code, err = export(capsys, files, "-o", out, "--stamp", "2026-03-20T08:00:00Z")
        assert code == 0
        assert starts(out) == ["2026-04-15", "2026-05-15"]
        assert "from 2026-03-20" in err

    def test_all_keeps_the_past(self, capsys, files):
        out = files / "c.ics"
        code, err = export(capsys, files, "-o", out, "--today", "2026-03-20", "--all")
        assert code == 0
        assert len(starts(out)) == 5
        assert "every touch point" in err

    def test_start_overrides_today(self, capsys, files):
        out = files / "c.ics"
        code, _ = export(capsys, files, "-o", out, "--today", "2026-03-20", "--start", "2026-02-01")
        assert code == 0
        assert starts(out) == ["2026-02-14", "2026-03-16", "2026-04-15", "2026-05-15"]

    def test_all_and_start_do_not_go_together(self, capsys, files):
        code, err = export(capsys, files, "-o", files / "c.ics", "--all", "--start", "2026-02-01")
        assert code == 2
        assert "--all" in err

    def test_today_pins_the_stamp_so_runs_repeat(self, capsys, files, monkeypatch):
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        a, b = files / "a.ics", files / "b.ics"
        assert export(capsys, files, "-o", a, "--today", "2026-01-01")[0] == 0
        assert export(capsys, files, "-o", b, "--today", "2026-01-01")[0] == 0
        assert a.read_bytes() == b.read_bytes()
        assert b"DTSTAMP:20260101T000000Z" in a.read_bytes()


class TestNothingScheduled:
    def test_every_subject_skipped_keeps_the_old_file(self, capsys, files):
        (files / "crm.csv").write_text("id,purchase_date\nc1,2026-01-15\n", encoding="utf-8")
        out = files / "customers.ics"
        out.write_bytes(b"the old feed")
        code, _, err = run(
            capsys, "export", files / "plan.json", "--subjects", files / "crm.csv", "-o", out
        )
        assert code == 1
        assert "no subject has a 'purchase' date; the file's columns are: id, purchase_date" in err
        assert out.read_bytes() == b"the old feed"

    def test_a_single_subject_that_cannot_be_scheduled(self, capsys, files):
        (files / "one.json").write_text(json.dumps({"id": "x", "anchors": {}}), encoding="utf-8")
        out = files / "one.ics"
        out.write_bytes(b"old")
        code, _, err = run(
            capsys, "export", files / "plan.json", "--subject", files / "one.json", "-o", out
        )
        assert code == 1
        assert "'x' has no 'purchase' date" in err
        assert out.read_bytes() == b"old"


class TestDuplicates:
    def test_a_repeated_id_is_refused_naming_both_lines(self, capsys, files):
        (files / "customers.csv").write_text(
            "id,purchase\nc1,2026-01-15\nc2,2026-01-16\n\nc1,2026-03-01\n", encoding="utf-8"
        )
        out = files / "c.ics"
        code, err = export(capsys, files, "-o", out, *STAMP)
        assert code == 1
        assert "'c1'" in err
        assert "line 2" in err
        assert "line 5" in err
        assert not out.exists()


class TestOneCall:
    """The export schedules through the public schedule_many(..., on_error=...), so
    subjects share its per-call cache; skipping and reporting stay as they were."""

    @pytest.fixture
    def calls(self, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
        from touchpoints import schedule_many
        from touchpoints._cli import export as export_command

        seen: list[dict[str, Any]] = []

        def spy(plan: Any, subjects: Any, **options: Any) -> Any:
            seen.append(options)
            return schedule_many(plan, subjects, **options)

        monkeypatch.setattr(export_command, "schedule_many", spy)
        return seen

    def test_many_subjects_one_call_that_skips_and_reports(self, capsys, files, calls):
        out = files / "c.ics"
        code, err = export(capsys, files, "-o", out, *STAMP, "--all")
        assert code == 0
        assert len(calls) == 1
        assert callable(calls[0]["on_error"])
        assert "touchpoints: skipped: Subject 'lead' has no 'purchase' date" in err
        assert starts(out) == [
            "2026-01-29", "2026-02-14", "2026-03-16", "2026-04-15", "2026-05-15"
        ]  # fmt: skip

    def test_strict_stops_at_the_first(self, capsys, files, calls):
        out = files / "c.ics"
        code, err = export(capsys, files, "-o", out, *STAMP, "--strict")
        assert code == 1
        assert calls[0]["on_error"] is None
        assert "'lead' has no 'purchase' date" in err
        assert not out.exists()


class TestOutputs:
    def test_a_directory_is_refused_before_any_work(self, capsys, files, monkeypatch):
        (files / "feeds").mkdir()
        called = []
        monkeypatch.setattr(
            "touchpoints._cli.subject_files.load_subjects", lambda *a, **k: called.append(1)
        )
        code, err = export(capsys, files, "-o", files / "feeds")
        assert code == 2
        assert "is a directory" in err
        assert called == []
        assert ".touchpoints-" not in err

    def test_dev_null_is_written_as_a_stream(self, capsys, files):
        code, _err = export(capsys, files, "-o", os.devnull, *STAMP)
        assert code == 0
        assert Path(os.devnull).is_char_device()

    def test_a_fifo_is_written_as_a_stream(self, capsys, files):
        fifo = files / "feed.pipe"
        os.mkfifo(fifo)
        received: list[bytes] = []
        reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
        reader.start()
        code, _ = export(capsys, files, "-o", fifo, *STAMP)
        reader.join(timeout=10)
        assert code == 0
        assert received
        assert received[0].startswith(b"BEGIN:VCALENDAR")
        assert fifo.is_fifo()  # still the pipe, not replaced by a file


class TestSummaryLine:
    def test_one_line_with_every_count_and_where_the_skipped_went(self, capsys, files):
        skipped = files / "skipped.csv"
        code, err = export(capsys, files, "-o", files / "c.ics", *STAMP, "--skipped", skipped)
        assert code == 0
        assert err.splitlines()[-1] == (
            "touchpoints: 2 subjects read, 1 scheduled, 1 skipped (listed in "
            f"{skipped}), 5 events written"
        )
        rows = list(csv.reader(io.StringIO(skipped.read_text(encoding="utf-8"))))
        assert rows[0] == ["id", "line", "reason"]
        assert rows[1][:2] == ["lead", "3"]
        assert "'purchase'" in rows[1][2]

    def test_skipped_subjects_are_counted_not_kept(self, capsys, tmp_path):
        import tracemalloc

        plan = {
            "plan": "p",
            "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "purchase"}],
        }
        (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")

        def peak(skipped: int) -> int:
            rows = "".join(f"lead-with-a-longish-id-{n:08d},\n" for n in range(skipped))
            (tmp_path / "customers.csv").write_text(
                "id,purchase\nc0,2026-01-15\n" + rows, encoding="utf-8"
            )
            tracemalloc.start()
            code, err = export(capsys, tmp_path, "-o", tmp_path / "c.ics", *STAMP)
            result = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert code == 0
            assert f"{skipped + 1:,} subjects read, 1 scheduled, {skipped:,} skipped" in err
            return result

        # 18,000 more skipped ids of 31 characters would be over 1 MB if they were kept
        assert peak(20_000) - peak(2_000) < 400_000


class TestProgress:
    def test_total_and_time_left_on_a_terminal(self):
        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        clock = iter([0.0, 10.0, 10.0])
        screen = Terminal()
        bar = progress.Progress(
            screen, label="subjects", interval=0, clock=lambda: next(clock), fraction=lambda: 0.25
        )
        bar.advance()
        assert "25%" in screen.getvalue()
        assert "30 s left" in screen.getvalue()

    def test_nothing_in_ci(self, monkeypatch):
        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        monkeypatch.setenv("CI", "true")
        assert not progress.terminal_progress(Terminal(), label="subjects").enabled
        monkeypatch.delenv("CI")
        assert progress.terminal_progress(Terminal(), label="subjects").enabled


class TestOwners:
    def test_by_owner_uses_the_subject_owner_when_the_rule_has_none(self, capsys, files):
        code, _err = export(capsys, files, "--by-owner", "-o", files / "feeds", *STAMP)
        assert code == 0
        names = sorted(p.name for p in (files / "feeds").iterdir())
        assert names == ["anna.ics", "field-service.ics"]
        assert starts(files / "feeds" / "anna.ics") == ["2026-01-29"]


class TestHostileArguments:
    def test_a_huge_alarm_is_a_usage_error(self, capsys, files):
        code, err = export(capsys, files, "-o", files / "c.ics", "--alarm", "99999999999999")
        assert code == 2
        assert "Traceback" not in err

    @pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00"])
    def test_extreme_stamps_are_usage_errors(self, capsys, files, stamp):
        code, err = export(capsys, files, "-o", files / "c.ics", "--stamp", stamp)
        assert code == 2
        assert "internal error" not in err

    @pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", b"[" * 100_000 + b"]" * 100_000])
    def test_a_bad_state_file_is_invalid_input(self, capsys, files, content):
        state = files / "state.json"
        state.write_bytes(content)
        code, err = export(capsys, files, "-o", files / "c.ics", *STAMP, "--state", state)
        assert code == 1
        assert "internal error" not in err
        assert str(state) in err

    def test_control_characters_are_escaped_in_messages(self, capsys, files):
        (files / "two.csv").write_text(
            "id,purchase\n\x1b[31mred,2026-01-15\nc2,2026-01-15\n", encoding="utf-8"
        )
        code, _, err = run(capsys, "preview", files / "plan.json", "--subject", files / "two.csv")
        assert code == 2
        assert "\x1b" not in err
        assert "\\x1b[31mred" in err
