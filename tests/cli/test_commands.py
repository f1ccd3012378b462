"""The commands, run in-process through ``main([...])``: output, messages and exit codes.

Expected schedules come from calendar reasoning: purchase 2026-01-15 plus 2 weeks is
Thursday 2026-01-29; plus 90 days is 2026-04-15 (16 days left in January, 28 in
February, 31 in March, then 15); the renewal three years later is Monday 2029-01-15,
1,096 days after the purchase (2028 is a leap year), so the 90-day service runs 12
times (1,080 days) before it.
"""

from __future__ import annotations

import json

import pytest

from touchpoints._cli import (
    COMMANDS,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    dispatch,
    main,
    plans,
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


class TestValidate:
    def test_a_valid_plan_passes(self, capsys, plan_file):
        code, out, err = run(capsys, "validate", plan_file)
        assert code == EXIT_OK
        assert out == f"{plan_file}: valid, plan 'after-sales-standard' with 4 rules\n"
        assert err == ""

    def test_every_problem_of_every_file_is_listed(self, capsys, plan_file, broken_plan_file):
        missing = plan_file.parent / "missing.json"
        code, out, err = run(capsys, "validate", broken_plan_file, plan_file, missing)
        assert code == EXIT_INVALID
        assert out == f"{plan_file}: valid, plan 'after-sales-standard' with 4 rules\n"
        lines = err.splitlines()
        # The JSON is indented by two spaces a level: the misspelt key is on line 15,
        # column 7; the zero interval's value on line 21, column 16.
        assert any(
            line.startswith(f"{broken_plan_file}:15:7: touchpoints[0].tittle: unknown key")
            for line in lines
        )
        assert any(
            line.startswith(f"{broken_plan_file}:21:16: touchpoints[1].every: ") and "zero" in line
            for line in lines
        )
        assert any(line.startswith(f"{missing}") for line in lines)
        assert lines[-1] == "touchpoints: 2 of 3 plan files have problems"
        assert "Traceback" not in err

    def test_a_single_invalid_file_says_has(self, capsys, broken_plan_file):
        code, _, err = run(capsys, "validate", broken_plan_file)
        assert code == EXIT_INVALID
        assert err.splitlines()[-1] == "touchpoints: 1 of 1 plan file has problems"

    def test_needs_at_least_one_file(self, capsys):
        code, out, err = run(capsys, "validate")
        assert code == EXIT_USAGE
        assert out == ""
        assert "the following arguments are required: PLAN" in err


class TestExplain:
    def test_one_line_per_rule_in_plain_words(self, capsys, plan_file):
        code, out, err = run(capsys, "explain", plan_file)
        assert code == EXIT_OK
        assert err == ""
        lines = out.splitlines()
        assert lines[0] == "After-sales standard plan (after-sales-standard, version 3)"
        assert "  renewal: 3 years after purchase" in lines
        assert (
            "  service [visit] Preventive service visit: every 90 days from 90 days after "
            "purchase until the renewal (inclusive)"
        ) in lines
        assert "  renewal-reminder [email] Renewal is coming up: once, 60 days before renewal" in (
            lines
        )
        assert any(
            line.startswith("Contact time: 10:00") and "Europe/Berlin" in line for line in lines
        )

    def test_an_invalid_plan_is_one_clear_message(self, capsys, broken_plan_file):
        code, out, err = run(capsys, "explain", broken_plan_file)
        assert code == EXIT_INVALID
        assert out == ""
        assert err.startswith(f"touchpoints: error: 3 problems with the plan in {broken_plan_file}")
        assert f"\n{broken_plan_file}:15:7: touchpoints[0].tittle: unknown key" in err
        assert "Traceback" not in err


def table_rows(out: str) -> list[list[str]]:
    """The table's rows (after the heading, the column names and the rule), split on 2+ spaces."""
    lines = out.splitlines()
    rows = []
    for line in lines[3:]:
        if not line.strip():
            break
        rows.append([cell for cell in line.split("  ") if cell.strip()])
    return [[cell.strip() for cell in row] for row in rows]


class TestPreview:
    def test_the_schedule_as_a_table(self, capsys, plan_file):
        code, out, err = run(
            capsys,
            "preview",
            plan_file,
            "--anchor",
            "purchase=2026-01-15",
            "--timezone",
            "America/New_York",
            "--subject-id",
            "cust-42",
        )
        assert (code, err) == (EXIT_OK, "")
        lines = out.splitlines()
        assert lines[0] == (
            "After-sales standard plan: 15 touch points for cust-42, times in America/New_York"
        )
        assert lines[1].split() == ["due", "rule", "#", "channel", "title"]
        rows = table_rows(out)
        assert len(rows) == 15
        assert rows[0] == [
            "2026-01-29 Thu 10:00 EST",
            "check-up",
            "1",
            "call",
            "Two-week check-up call",
        ]
        # 10:00 stays 10:00 local when daylight saving time starts.
        assert rows[1] == [
            "2026-04-15 Wed 10:00 EDT",
            "service",
            "1",
            "visit",
            "Preventive service visit",
        ]
        assert rows[-1] == [
            "2029-01-15 Mon 10:00 EST",
            "renewal",
            "1",
            "meeting",
            "Renewal meeting",
        ]
        assert [row[1] for row in rows].count("service") == 12

    def test_the_plan_zone_applies_without_one(self, capsys, plan_file):
        code, out, _ = run(capsys, "preview", plan_file, "--anchor", "purchase=2026-01-15")
        assert code == EXIT_OK
        assert out.splitlines()[0].endswith("for example, times in Europe/Berlin")
        assert table_rows(out)[0][0] == "2026-01-29 Thu 10:00 CET"

    def test_a_window(self, capsys, plan_file):
        code, out, _ = run(
            capsys,
            "preview",
            plan_file,
            "--anchor",
            "purchase=2026-01-15",
            "--start",
            "2027-01-01",
            "--end",
            "2028-01-01",
        )
        assert code == EXIT_OK
        # 2026-10-12 + 90 days = 2027-01-10, then every 90 days within 2027.
        dues = [row[0][:10] for row in table_rows(out)]
        assert dues == ["2027-01-10", "2027-04-10", "2027-07-09", "2027-10-07"]

    def test_an_empty_window(self, capsys, plan_file):
        code, out, _ = run(
            capsys,
            "preview",
            plan_file,
            "--anchor",
            "purchase=2026-01-15",
            "--start",
            "2030-01-01",
            "--end",
            "2030-02-01",
        )
        assert code == EXIT_OK
        assert out.splitlines()[1:] == ["(no touch points in the window)"]

    def test_omitted_optional_rules_are_listed_under_the_table(self, capsys, tmp_path, write_json):
        data = {
            "plan": "saas",
            "touchpoints": [
                {"id": "kick-off", "title": "Kick-off", "channel": "call", "at": "start"},
                {
                    "id": "win-back",
                    "title": "Win-back offer",
                    "channel": "email",
                    "at": "churn + 30 days",
                    "optional": True,
                },
            ],
        }
        plan = write_json(tmp_path / "saas.json", data)
        code, out, _ = run(capsys, "preview", plan, "--anchor", "start=2026-03-02")
        assert code == EXIT_OK
        assert table_rows(out) == [["2026-03-02 Mon", "kick-off", "1", "call", "Kick-off"]]
        assert out.endswith(
            "\nLeft out:\n  rule 'win-back' left out: the subject has no 'churn' date\n"
        )

    def test_a_misspelt_anchor_suggests_the_right_one(self, capsys, plan_file):
        code, out, err = run(capsys, "preview", plan_file, "--anchor", "purchse=2026-01-15")
        assert code == EXIT_INVALID
        assert out == ""
        assert "anchors.purchse: the plan has no anchor 'purchse'" in err
        assert "did you mean 'purchase'?" in err

    def test_a_missing_anchor_names_the_rule(self, capsys, plan_file):
        code, _, err = run(capsys, "preview", plan_file, "--anchor", "renewal=2029-01-15")
        assert code == EXIT_INVALID
        assert err.startswith("touchpoints: error: Subject 'example' has no 'purchase' date")
        assert "rule 'check-up'" in err

    def test_a_runaway_plan_is_stopped_by_the_limit(self, capsys, plan_file):
        code, _, err = run(
            capsys, "preview", plan_file, "--anchor", "purchase=2026-01-15", "--limit", "3"
        )
        assert code == EXIT_INVALID
        assert "more than 3 touch points" in err
        assert len(err.splitlines()) == 1

    def test_an_all_day_plan_shows_dates(self, capsys, tmp_path, plan_data, write_json):
        data = {key: value for key, value in plan_data.items() if key != "contact_time"}
        plan = write_json(tmp_path / "all-day.json", data)
        code, out, _ = run(capsys, "preview", plan, "--anchor", "purchase=2024-02-29")
        assert code == EXIT_OK
        assert out.splitlines()[0] == "After-sales standard plan: 15 touch points for example"
        rows = table_rows(out)
        # 2024-02-29 + 3 years clamps to 2027-02-28 (2027 has no February 29).
        assert rows[-1][:2] == ["2027-02-28 Sun", "renewal"]

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (["--anchor", "purchase=2026-02-30"], "'2026-02-30' is not a date"),
            (["--anchor", "purchase"], "write an anchor as NAME=YYYY-MM-DD"),
            (["--anchor", "=2026-01-15"], "write an anchor as NAME=YYYY-MM-DD"),
            (
                ["--anchor", "purchase=2026-01-15", "--timezone", "Europe/Berln"],
                "unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'",
            ),
            (["--anchor", "purchase=2026-01-15", "--start", "soon"], "'soon' is not a date"),
            (["--anchor", "purchase=2026-01-15", "--limit", "0"], "'0' is not a whole number"),
            ([], "one of the arguments --anchor --subject is required"),
            (
                ["--anchor", "purchase=2026-01-15", "--subject", "x.json"],
                "argument --subject: not allowed with argument --anchor",
            ),
        ],
    )
    def test_a_bad_command_line_is_a_usage_error(self, capsys, plan_file, arguments, message):
        code, out, err = run(capsys, "preview", plan_file, *arguments)
        assert code == EXIT_USAGE
        assert out == ""
        assert err.startswith("usage: touchpoints preview")
        assert message in err

    def test_a_window_that_ends_before_it_starts(self, capsys, plan_file):
        code, _, err = run(
            capsys,
            "preview",
            plan_file,
            "--anchor",
            "purchase=2026-01-15",
            "--start",
            "2027-01-01",
            "--end",
            "2026-01-01",
        )
        assert code == EXIT_INVALID
        assert "ends (2026-01-01) before it starts (2027-01-01)" in err


class TestDatesOnTheCommandLine:
    """Every date option demands YYYY-MM-DD, as subject files do: '20260115' (digits
    without dashes, which Python's date.fromisoformat would read) and week dates are
    refused, never read as another day."""

    @pytest.mark.parametrize(
        ("command", "arguments", "value"),
        [
            ("preview", ["--anchor", "purchase=20260115"], "20260115"),
            ("preview", ["--anchor", "purchase=2026-W03-4"], "2026-W03-4"),
            ("preview", ["--anchor", "purchase=2026-01-15", "--start", "20260201"], "20260201"),
            ("preview", ["--anchor", "purchase=2026-01-15", "--end", "2027-001"], "2027-001"),
            (
                "timeline",
                ["--anchor", "purchase=2026-01-15", "-o", "t.svg", "--today", "20260301"],
                "20260301",
            ),
            ("export", ["--anchor", "purchase=2026-01-15"], None),
        ],
    )
    def test_digits_without_dashes_are_refused(self, capsys, plan_file, command, arguments, value):
        if value is None:  # export takes no --anchor: its dates are --today, --start, --end
            for option in ("--today", "--start", "--end"):
                code, out, err = run(
                    capsys,
                    "export",
                    plan_file,
                    "--subject",
                    "s.csv",
                    "-o",
                    "o.ics",
                    option,
                    "20260115",
                )
                assert code == EXIT_USAGE
                assert f"argument {option}: '20260115' is not a date; write it as " in err
                assert "YYYY-MM-DD, such as 2026-01-15" in err
            return
        code, out, err = run(capsys, command, plan_file, *arguments)
        assert code == EXIT_USAGE
        assert out == ""
        assert f"'{value}' is not a date; write it as YYYY-MM-DD, such as 2026-01-15" in err

    def test_an_export_time_needs_dashes_and_colons_too(self, capsys, plan_file):
        code, _, err = run(
            capsys,
            "export",
            plan_file,
            "--subject",
            "s.csv",
            "-o",
            "o.ics",
            "--stamp",
            "20260101T090000Z",
        )
        assert code == EXIT_USAGE
        assert "'20260101T090000Z' is not a date and time with a zone" in err

    def test_a_good_date_with_spaces_around_it_is_read(self, capsys, plan_file):
        code, out, _ = run(capsys, "preview", plan_file, "--anchor", "purchase= 2026-01-15 ")
        assert code == EXIT_OK
        assert "2026-01-29" in out  # the check-up call, two weeks after the purchase


class TestErrors:
    def test_a_missing_file_is_one_line(self, capsys, tmp_path):
        code, out, err = run(capsys, "explain", tmp_path / "nope.json")
        assert code == EXIT_INVALID
        assert out == ""
        assert "nope.json" in err
        assert "Traceback" not in err

    def test_a_bug_is_reported_briefly_with_its_own_exit_code(self, capsys, plan_file, monkeypatch):
        def broken(plan: object) -> str:
            raise ZeroDivisionError("division by zero")

        monkeypatch.setattr(plans, "explain_plan", broken)
        code, out, err = run(capsys, "explain", plan_file)
        assert code == EXIT_INTERNAL == 3
        assert out == ""
        assert err.splitlines() == [
            "touchpoints: internal error: ZeroDivisionError: division by zero",
            "touchpoints: this is a bug in touchpoints; run with --debug for details",
        ]

    @pytest.mark.parametrize("where", ["before", "after"])
    def test_debug_shows_the_traceback(self, capsys, plan_file, monkeypatch, where):
        def broken(plan: object) -> str:
            raise ZeroDivisionError("division by zero")

        monkeypatch.setattr(plans, "explain_plan", broken)
        argv = (
            ["--debug", "explain", plan_file]
            if where == "before"
            else ["explain", plan_file, "--debug"]
        )
        code, _, err = run(capsys, *argv)
        assert code == EXIT_INTERNAL
        assert err.startswith("Traceback (most recent call last):")
        assert "ZeroDivisionError: division by zero" in err

    def test_debug_shows_the_traceback_of_invalid_input_too(self, capsys, broken_plan_file):
        code, _, err = run(capsys, "--debug", "explain", broken_plan_file)
        assert code == EXIT_INVALID
        assert "Traceback (most recent call last):" in err
        assert "PlanError" in err

    def test_interrupted(self, capsys, plan_file, monkeypatch):
        def interrupted(plan: object) -> str:
            raise KeyboardInterrupt

        monkeypatch.setattr(plans, "explain_plan", interrupted)
        code, _, err = run(capsys, "explain", plan_file)
        assert code == EXIT_INTERRUPTED == 130
        assert err.strip() == "touchpoints: interrupted"


class TestUsage:
    def test_help(self, capsys):
        code, out, err = run(capsys, "--help")
        assert (code, err) == (EXIT_OK, "")
        for command in ("validate", "explain", "preview", "schema"):
            assert f"\n    {command} " in out
        assert "exit codes: 0 success, 1 invalid input, 2 usage error, 3 internal error" in out

    def test_version(self, capsys):
        from importlib import metadata

        code, out, _ = run(capsys, "--version")
        assert code == EXIT_OK
        assert out == f"touchpoints {metadata.version('touchpoints')}\n"

    @pytest.mark.parametrize("command", ["validate", "explain", "preview", "schema"])
    def test_every_command_has_help(self, capsys, command):
        code, out, _ = run(capsys, command, "--help")
        assert code == EXIT_OK
        assert out.startswith(f"usage: touchpoints {command}")

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            ([], "the following arguments are required: COMMAND"),
            (["expor"], "invalid choice: 'expor'"),
            (["--frobnicate", "schema"], "unrecognized arguments: --frobnicate"),
        ],
    )
    def test_usage_errors(self, capsys, argv, message):
        code, out, err = run(capsys, *argv)
        assert code == EXIT_USAGE
        assert out == ""
        assert message in err

    def test_a_new_command_slots_in(self, capsys, monkeypatch):
        def add_hello(commands):
            parser = commands.add_parser("hello", help="say hello")
            parser.add_argument("name")
            parser.set_defaults(handler=lambda args: print(f"hello {args.name}") or 0)

        monkeypatch.setattr(dispatch, "COMMANDS", [*COMMANDS, add_hello])
        assert run(capsys, "hello", "world") == (EXIT_OK, "hello world\n", "")
        assert "say hello" in run(capsys, "--help")[1]


class TestSchema:
    def test_prints_the_plan_schema_as_json(self, capsys):
        code, out, err = run(capsys, "schema")
        assert (code, err) == (EXIT_OK, "")
        schema = json.loads(out)
        assert schema["type"] == "object"
        assert {"plan", "touchpoints"} <= set(schema["properties"])
        assert {"plan", "touchpoints"} <= set(schema["required"])


class TestPreviewSubjectFile:
    def test_a_single_subject_yaml_file(self, capsys, plan_file, tmp_path):
        subject = tmp_path / "customer.yaml"
        subject.write_text(
            "id: cust-7\ntimezone: Asia/Tokyo\nanchors:\n  purchase: 2026-03-31\n",
            encoding="utf-8",
        )
        code, out, err = run(capsys, "preview", plan_file, "--subject", subject)
        assert (code, err) == (EXIT_OK, "")
        lines = out.splitlines()
        assert lines[0] == (
            "After-sales standard plan: 15 touch points for cust-7, times in Asia/Tokyo"
        )
        # March 31 + 2 weeks = April 14; Tokyo has no daylight saving time.
        assert table_rows(out)[0][0] == "2026-04-14 Tue 10:00 JST"

    def test_pick_one_of_several_subjects(self, capsys, plan_file, tmp_path, write_json):
        subjects = write_json(
            tmp_path / "subjects.json",
            [
                {"id": "a", "anchors": {"purchase": "2026-01-15"}},
                {"id": "b", "anchors": {"purchase": "2026-02-01"}},
            ],
        )
        code, out, _ = run(capsys, "preview", plan_file, "--subject", subjects, "--subject-id", "b")
        assert code == EXIT_OK
        assert "for b, times in Europe/Berlin" in out
        assert table_rows(out)[0][0] == "2026-02-15 Sun 10:00 CET"

        code, out, err = run(capsys, "preview", plan_file, "--subject", subjects)
        assert (code, out) == (EXIT_USAGE, "")
        assert err == (
            f"touchpoints preview: error: {subjects} has more than one subject; pick one "
            "with --subject-id (such as --subject-id a)\n"
        )

        code, _, err = run(capsys, "preview", plan_file, "--subject", subjects, "--subject-id", "z")
        assert code == EXIT_INVALID
        assert f"{subjects}: the file has no subject 'z'; it has a, b" in err

    def test_pick_a_row_of_a_csv_file(self, capsys, plan_file, tmp_path):
        subjects = tmp_path / "customers.csv"
        subjects.write_text(
            "id,timezone,purchase,name\n"
            "c-1,Europe/Berlin,2026-01-15,Anna\n"
            'c-2,America/Chicago,2026-07-01,"Bob, Jr."\n',
            encoding="utf-8",
        )
        code, out, _ = run(
            capsys, "preview", plan_file, "--subject", subjects, "--subject-id", "c-2"
        )
        assert code == EXIT_OK
        assert out.splitlines()[0].endswith("for c-2, times in America/Chicago")
        # July 1 + 2 weeks = July 15, a Wednesday, in daylight saving time.
        assert table_rows(out)[0][0] == "2026-07-15 Wed 10:00 CDT"

    def test_a_subject_file_with_problems(self, capsys, plan_file, tmp_path, write_json):
        subjects = write_json(
            tmp_path / "subject.json", {"id": "a", "anchors": {"purchse": "2026-01-15"}}
        )
        code, out, err = run(capsys, "preview", plan_file, "--subject", subjects)
        assert (code, out) == (EXIT_INVALID, "")
        assert err.startswith(f"touchpoints: error: 1 problem with the subject in {subjects}:\n")
        assert "did you mean 'purchase'?" in err

    def test_the_zone_belongs_in_the_file(self, capsys, plan_file, tmp_path, write_json):
        subjects = write_json(tmp_path / "subject.json", {"id": "a"})
        code, _, err = run(
            capsys, "preview", plan_file, "--subject", subjects, "--timezone", "Asia/Tokyo"
        )
        assert code == EXIT_USAGE
        assert "--timezone goes with --anchor" in err


class TestPreviewBusinessDays:
    def test_moved_touch_points_say_from_where_and_why(self, capsys, tmp_path, write_json):
        plan = write_json(
            tmp_path / "bavaria.json",
            {
                "plan": "bavaria",
                "calendar": {"holidays": "DE-BY"},
                "touchpoints": [
                    {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"},
                    {"id": "mail", "title": "Mail", "channel": "email", "at": "purchase + 3 weeks"},
                ],
            },
        )
        # 2026-03-23 + 2 weeks is Easter Monday (Easter Sunday is 2026-04-05), a public
        # holiday in Bavaria: the call moves to the next open day. + 3 weeks is an
        # ordinary Monday.
        code, out, _ = run(capsys, "preview", plan, "--anchor", "purchase=2026-03-23")
        assert code == EXIT_OK
        assert out.splitlines()[1].split() == ["due", "rule", "#", "channel", "title", "moved"]
        rows = table_rows(out)
        assert rows[0] == [
            "2026-04-07 Tue",
            "call",
            "1",
            "call",
            "Call",
            "from Mon 2026-04-06 (holiday: Easter Monday)",
        ]
        assert rows[1] == ["2026-04-13 Mon", "mail", "1", "email", "Mail"]


class TestAwkwardText:
    def test_titles_and_ids_stay_on_one_line(self, capsys, tmp_path, write_json):
        plan = write_json(
            tmp_path / "awkward.json",
            {
                "plan": "awkward",
                "name": "Two\nlines",
                "touchpoints": [
                    {
                        "id": "call",
                        "title": "Call\r\nthem \u001b[31mnow",
                        "channel": "call",
                        "at": "purchase",
                    }
                ],
            },
        )
        code, out, _ = run(capsys, "preview", plan, "--anchor", "purchase=2026-01-15")
        assert code == EXIT_OK
        lines = out.splitlines()
        assert lines[0] == "Two lines: 1 touch point for example"
        assert lines[3] == "2026-01-15 Thu  call  1  call     Call them \ufffd[31mnow"
        assert "\x1b" not in out

        code, out, _ = run(capsys, "explain", plan)
        assert code == EXIT_OK
        assert out.splitlines()[0] == "Two lines (awkward, version 1)"
        assert (
            out.splitlines()[-1] == "  call [call] Call them \ufffd[31mnow: once, on the purchase"
        )
