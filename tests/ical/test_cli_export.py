"""``touchpoints export``: plan and subjects in, an .ics file out."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest

from touchpoints import (
    ExportOptions,
    IcalState,
    Plan,
    Subject,
    dump_ical_state,
    from_ical,
    schedule,
    schedule_many,
    update_ical,
)
from touchpoints._cli import main
from touchpoints._files import load_subjects

PLAN: dict[str, Any] = {
    "plan": "after-sales",
    "name": "After-sales",
    "timezone": "Europe/Berlin",
    "contact_time": "10:00",
    "anchors": {"renewal": "purchase + 1 year"},
    "touchpoints": [
        {
            "id": "check-up",
            "title": "Check-up call",
            "channel": "call",
            "at": "purchase + 2 weeks",
            "owner": "sales",
        },
        {
            "id": "service",
            "title": "Service visit",
            "channel": "visit",
            "every": "90 days",
            "starting": "purchase + 90 days",
            "until": "renewal",
            "owner": "field service",
        },
    ],
}
CSV = (
    "id,timezone,purchase,name\n"
    'c1,America/New_York,2026-01-15,"Smith, Ada"\n'
    "c2,,2026-02-01,Bo\n"
    "lead,,,Cy\n"
)
STAMP = "2026-01-01T09:00:00Z"
FEB, MAR = "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "plan.json").write_text(json.dumps(PLAN), encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "customer.json").write_text(
        json.dumps(
            {
                "id": "c9",
                "timezone": "Asia/Tokyo",
                "anchors": {"purchase": "2026-03-01"},
                "attributes": {"name": "Dee"},
            }
        ),
        encoding="utf-8",
    )
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def expected(subject: Subject) -> list[str]:
    return [tp.id for tp in schedule(Plan.model_validate(PLAN), subject)]


class TestExport:
    def test_one_subject(self, capsys: pytest.CaptureFixture[str], files: Path) -> None:
        out = files / "c9.ics"
        code, _, err = run(
            capsys,
            "export",
            str(files / "plan.json"),
            "--subject",
            str(files / "customer.json"),
            "-o",
            str(out),
            "--stamp",
            STAMP,
        )
        assert code == 0
        subject = Subject(id="c9", timezone="Asia/Tokyo", anchors={"purchase": date(2026, 3, 1)})
        uids = [str(e.uid) for e in icalendar.Calendar.from_ical(out.read_bytes()).events]
        assert uids == expected(subject)
        assert f"{out}: {len(uids)} events" in err
        assert b"X-WR-CALNAME:After-sales" in out.read_bytes()
        assert b"DTSTAMP:20260101T090000Z" in out.read_bytes()

    def test_many_subjects_skip_the_unschedulable(
        self, capsys: pytest.CaptureFixture[str], files: Path
    ) -> None:
        out = files / "all.ics"
        code, _, err = run(
            capsys,
            "export",
            str(files / "plan.json"),
            "--subjects",
            str(files / "customers.csv"),
            "-o",
            str(out),
            "--stamp",
            STAMP,
        )
        assert code == 0
        assert "skipped: Subject 'lead' has no 'purchase' date" in err
        assert "1 subject could not be scheduled and was left out" in err
        back = from_ical(out.read_bytes(), subject_ids=["c1", "c2", "lead"])
        c1 = Subject(id="c1", timezone="America/New_York", anchors={"purchase": date(2026, 1, 15)})
        c2 = Subject(id="c2", anchors={"purchase": date(2026, 2, 1)})
        assert [tp.id for tp in back] == expected(c1) + expected(c2)

    def test_strict_stops_at_the_first_unschedulable(
        self, capsys: pytest.CaptureFixture[str], files: Path
    ) -> None:
        out = files / "all.ics"
        code, _, err = run(
            capsys,
            "export",
            str(files / "plan.json"),
            "--subjects",
            str(files / "customers.csv"),
            "-o",
            str(out),
            "--strict",
        )
        assert code == 1
        assert "'lead' has no 'purchase' date" in err
        assert not out.exists()  # never half a feed

    def test_same_input_same_bytes(self, capsys: pytest.CaptureFixture[str], files: Path) -> None:
        args = [
            "export",
            str(files / "plan.json"),
            "--subjects",
            str(files / "customers.csv"),
            "--stamp",
            STAMP,
            "--alarm",
            "15",
            "--description",
            "Call {name}: {title}",
        ]
        assert run(capsys, *args, "-o", str(files / "a.ics"))[0] == 0
        assert run(capsys, *args, "-o", str(files / "b.ics"))[0] == 0
        data = (files / "a.ics").read_bytes()
        assert data == (files / "b.ics").read_bytes()
        assert b"DESCRIPTION:Call Smith\\, Ada: Check-up call" in data
        assert b"TRIGGER:-PT15M" in data

    def test_to_dos_on_standard_output(self, files: Path, capfdbinary: Any) -> None:
        code = main(
            [
                "export",
                str(files / "plan.json"),
                "--subject",
                str(files / "customer.json"),
                "-o",
                "-",
                "--todo",
                "--stamp",
                STAMP,
            ]
        )
        out, err = capfdbinary.readouterr()
        assert code == 0
        assert out.startswith(b"BEGIN:VCALENDAR")
        assert b"BEGIN:VTODO" in out
        assert b"to-dos" in err

    def test_state_updates_in_place(self, capsys: pytest.CaptureFixture[str], files: Path) -> None:
        state = files / "state.json"
        base = [
            "export",
            str(files / "plan.json"),
            "--subjects",
            str(files / "customers.csv"),
            "--state",
            str(state),
            "--all",  # the stamps are a month apart: keep the same touch points
        ]
        assert run(capsys, *base, "-o", str(files / "1.ics"), "--stamp", STAMP)[0] == 0
        with IcalState.open(state) as kept:
            assert {r.sequence for _, r in kept.revisions()} == {0}
        assert run(capsys, *base, "-o", str(files / "2.ics"), "--stamp", FEB)[0] == 0
        assert (files / "1.ics").read_bytes() == (files / "2.ics").read_bytes()
        plan = json.loads((files / "plan.json").read_text(encoding="utf-8"))
        plan["touchpoints"][0]["title"] = "Welcome call"
        plan["touchpoints"][1]["count"] = 1
        (files / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        assert (
            run(
                capsys,
                *base,
                "-o",
                str(files / "3.ics"),
                "--stamp",
                "2026-03-01T00:00:00Z",
                "--cancel-removed",
            )[0]
            == 0
        )
        data = (files / "3.ics").read_bytes()
        assert b"SEQUENCE:1" in data
        assert b"STATUS:CANCELLED" in data
        assert b"LAST-MODIFIED:20260301T000000Z" in data

    def test_one_feed_per_owner(self, capsys: pytest.CaptureFixture[str], files: Path) -> None:
        code, _, err = run(
            capsys,
            "export",
            str(files / "plan.json"),
            "--subjects",
            str(files / "customers.csv"),
            "--by-owner",
            "-o",
            str(files / "feeds"),
            "--stamp",
            STAMP,
        )
        assert code == 0
        assert sorted(p.name for p in (files / "feeds").iterdir()) == [
            "field-service.ics",
            "sales.ics",
        ]
        sales = (files / "feeds" / "sales.ics").read_bytes()
        assert sales.count(b"BEGIN:VEVENT") == 2  # one check-up call per customer
        assert "sales.ics: 2 events" in err


class TestStamp:
    def test_source_date_epoch_for_reproducible_builds(
        self, capsys: pytest.CaptureFixture[str], files: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767258000")  # 2026-01-01 09:00 UTC
        out = files / "x.ics"
        assert (
            run(
                capsys,
                "export",
                str(files / "plan.json"),
                "--subject",
                str(files / "customer.json"),
                "-o",
                str(out),
            )[0]
            == 0
        )
        assert b"DTSTAMP:20260101T090000Z" in out.read_bytes()

    def test_now_by_default(
        self, capsys: pytest.CaptureFixture[str], files: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        out = files / "x.ics"
        assert (
            run(
                capsys,
                "export",
                str(files / "plan.json"),
                "--subject",
                str(files / "customer.json"),
                "-o",
                str(out),
            )[0]
            == 0
        )
        assert b"DTSTAMP:20" in out.read_bytes()


class TestExportErrors:
    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (["--subjects", "x.csv", "--subject-id", "c1"], "--subject-id goes with --subject"),
            (["--subjects", "x.csv", "--cancel-removed"], "--cancel-removed goes with --state"),
            (["--subjects", "x.csv", "--by-owner", "--state", "s"], "--by-owner"),
            (["--subjects", "x.csv", "--stamp", "2026-01-01T09:00"], "with a zone"),
            (["--subjects", "x.csv", "--alarm", "soon"], "number of minutes"),
            (["-o", "x.ics"], "one of the arguments --subject --subjects is required"),
        ],
    )
    def test_usage_errors(
        self, capsys: pytest.CaptureFixture[str], files: Path, extra: list[str], message: str
    ) -> None:
        argv = ["export", str(files / "plan.json"), *extra]
        if "-o" not in extra:
            argv += ["-o", str(files / "out.ics")]
        code, _, err = run(capsys, *argv)
        assert code == 2
        assert message in err

    def test_unknown_template_field(self, capsys: pytest.CaptureFixture[str], files: Path) -> None:
        code, _, err = run(
            capsys,
            "export",
            str(files / "plan.json"),
            "--subjects",
            str(files / "customers.csv"),
            "-o",
            str(files / "x.ics"),
            "--description",
            "Hello {nmae}",
        )
        assert code == 1
        assert "uses {nmae}" in err
        assert "name" in err
        assert not (files / "x.ics").exists()


# --state: the SQLite state, its re-exports, and old JSON states


def with_state(capsys: pytest.CaptureFixture[str], files: Path, *extra: str) -> tuple[int, str]:
    code, _, err = run(
        capsys,
        "export",
        str(files / "plan.json"),
        "--subjects",
        str(files / "customers.csv"),
        "--state",
        str(files / "state.db"),
        "--all",
        *extra,
    )
    return code, err


def test_a_re_export_copies_unchanged_subjects(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    assert with_state(capsys, files, "-o", str(files / "1.ics"), "--stamp", STAMP)[0] == 0
    code, err = with_state(capsys, files, "-o", str(files / "2.ics"), "--stamp", FEB)
    assert code == 0
    assert "2 subjects unchanged" in err
    assert (files / "1.ics").read_bytes() == (files / "2.ics").read_bytes()
    csv = (files / "customers.csv").read_text(encoding="utf-8")
    (files / "customers.csv").write_text(csv.replace("c2,,2026-02-01", "c2,,2026-02-03"))
    code, err = with_state(capsys, files, "-o", str(files / "3.ics"), "--stamp", MAR)
    assert code == 0
    assert "1 subject unchanged" in err
    data = (files / "3.ics").read_bytes()
    assert data.count(b"LAST-MODIFIED:20260301T000000Z") == data.count(b"SEQUENCE:1")
    assert data.count(b"SEQUENCE:1") > 0


def test_a_failed_export_leaves_the_state(capsys: pytest.CaptureFixture[str], files: Path) -> None:
    assert with_state(capsys, files, "-o", str(files / "1.ics"), "--stamp", STAMP)[0] == 0
    before = (files / "state.db").read_bytes()
    (files / "customers.csv").write_text("id,purchase,name\nlead,,Cy\n", encoding="utf-8")
    code, _ = with_state(capsys, files, "-o", str(files / "2.ics"), "--stamp", STAMP)
    assert code != 0
    assert (files / "state.db").read_bytes() == before
    assert not (files / "2.ics").exists()


def test_a_json_state_keeps_working_and_becomes_sqlite(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    plan = Plan.model_validate_json((files / "plan.json").read_text(encoding="utf-8"))
    people = [s for s in load_subjects(files / "customers.csv") if s.id != "lead"]
    first = update_ical(
        schedule_many(plan, people),
        {},
        options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC)),
    )
    (files / "state.db").write_text(dump_ical_state(first.state), encoding="utf-8")
    code, _ = with_state(capsys, files, "-o", str(files / "1.ics"), "--stamp", FEB)
    assert code == 0
    assert (files / "state.db").read_bytes().startswith(b"SQLite format 3\x00")
    with IcalState.open(files / "state.db") as state:
        assert dict(state.revisions()) == first.state


def test_a_foreign_sqlite_file_is_refused_by_name(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    with sqlite3.connect(files / "state.db") as db:
        db.execute("CREATE TABLE orders (id TEXT)")
    code, err = with_state(capsys, files, "-o", str(files / "1.ics"), "--stamp", STAMP)
    assert code == 1
    assert str(files / "state.db") in err
    assert "not a state file of touchpoints" in err


def test_the_nightly_default_window_copies_subjects_whose_touch_points_stay(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    def nightly(today: str, out: str, *extra: str) -> tuple[int, str]:
        code, _, err = run(
            capsys, "export", str(files / "plan.json"), "--subjects",
            str(files / "customers.csv"), "--today", today, "-o", str(files / out), *extra,
        )  # fmt: skip
        return code, err

    assert nightly("2026-01-01", "1.ics", "--state", str(files / "state.db"))[0] == 0
    # The next night nothing left the window (the first check-up is on 29 January)
    # and nothing came in (the service visits end at the renewal): both are copied.
    code, err = nightly("2026-01-02", "2.ics", "--state", str(files / "state.db"))
    assert code == 0
    assert "2 subjects unchanged" in err
    # On 30 January c1's check-up is behind the window: c1 is scheduled, c2 copied.
    code, err = nightly("2026-01-30", "3.ics", "--state", str(files / "state.db"))
    assert "1 subject unchanged, copied from the state; 1 subject scheduled" in err
    # The events are those of an export without a state; only their revisions differ.
    assert nightly("2026-01-30", "full.ics")[0] == 0

    def events(name: str) -> list[bytes]:
        lines = (files / name).read_bytes().split(b"\r\n")
        revision = (b"DTSTAMP:", b"SEQUENCE:", b"LAST-MODIFIED:")
        return [line for line in lines if not line.startswith(revision)]

    assert events("3.ics") == events("full.ics")
    assert b"DTSTART;TZID=America/New_York:20260129" not in (files / "3.ics").read_bytes()
