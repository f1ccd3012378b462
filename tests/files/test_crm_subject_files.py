"""Subject files as CRMs export them: mapped columns, semicolon-separated CSV, every bad
row reported at once (bounded), and ids given twice found in little memory."""

from __future__ import annotations

import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from touchpoints import SubjectError, load_subjects
from touchpoints._files.columns import load_column_map, parse_column
from touchpoints._files.unique_ids import IdHashes


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, **options: object) -> list[str]:
    with pytest.raises(SubjectError) as caught:
        list(load_subjects(path, **options))  # type: ignore[arg-type]
    return [str(problem) for problem in caught.value.problems]


class TestColumnMapping:
    def test_a_mapped_column_is_read_as_the_anchor(self, tmp_path: Path):
        path = write(tmp_path, "crm.csv", "customer_no,purchase_date,name\nc-1,2026-01-15,Ann\n")
        [subject] = load_subjects(
            path,
            anchors=["purchase"],
            columns={"id": "customer_no", "purchase": "purchase_date"},
        )
        assert (subject.id, dict(subject.anchors), dict(subject.attributes)) == (
            "c-1",
            {"purchase": date(2026, 1, 15)},
            {"name": "Ann"},
        )

    def test_a_mapped_column_the_file_lacks_is_named(self, tmp_path: Path):
        path = write(tmp_path, "crm.csv", "id,bought\nc-1,2026-01-15\n")
        assert problems_of(path, anchors=["purchase"], columns={"purchase": "purchase_date"}) == [
            "line 1, purchase: 'purchase' is mapped to the column 'purchase_date', which the "
            "header lacks (the file's columns are: id, bought)"
        ]

    def test_a_mapping_file(self, tmp_path: Path):
        path = write(
            tmp_path, "crm.columns", "# CRM export\n\nid = customer_no\npurchase=purchase_date\n"
        )
        assert load_column_map(path) == {"id": "customer_no", "purchase": "purchase_date"}

    def test_a_mapping_file_lists_every_bad_line(self, tmp_path: Path):
        path = write(tmp_path, "crm.columns", "id\npurchase = a\npurchase = b\n")
        with pytest.raises(SubjectError) as caught:
            load_column_map(path)
        assert [str(problem) for problem in caught.value.problems] == [
            "line 1: 'id' is not NAME=COLUMN, such as purchase=purchase_date",
            "line 3, purchase: 'purchase' is mapped twice; map it once",
        ]

    def test_the_command_line_form(self):
        assert parse_column(" purchase = purchase_date ") == ("purchase", "purchase_date")
        with pytest.raises(ValueError, match="NAME=COLUMN"):
            parse_column("=x")


class TestDelimiters:
    @pytest.mark.parametrize("delimiter", [";", "\t", ","])
    def test_the_headers_delimiter_is_used(self, tmp_path: Path, delimiter: str):
        rows = ["id", "purchase", "name"], ["c-1", "2026-01-15", "Müller, Anna"]
        text = "\n".join(delimiter.join(f'"{c}"' if "," in c else c for c in row) for row in rows)
        [subject] = load_subjects(write(tmp_path, "c.csv", text + "\n"), anchors=["purchase"])
        assert subject.anchors["purchase"] == date(2026, 1, 15)
        assert subject.attributes["name"] == "Müller, Anna"

    def test_a_semicolon_file_without_anchors_given_finds_its_date_columns(self, tmp_path: Path):
        path = write(tmp_path, "c.csv", "id;purchase;segment\nc-1;2026-01-15;smb\n")
        [subject] = load_subjects(path)
        assert dict(subject.anchors) == {"purchase": date(2026, 1, 15)}

    def test_a_one_column_file(self, tmp_path: Path):
        [subject] = load_subjects(write(tmp_path, "c.csv", "id\nc-1\n"))
        assert subject.id == "c-1"


class TestEveryBadRow:
    def test_every_bad_row_is_reported_after_the_good_ones(self, tmp_path: Path):
        text = (
            "id,purchase,timezone\n"
            "c-1,2026-01-15,\n"
            "c-2,15/01/2026,\n"
            "c-3,2026-01-16,Mars/Base\n"
            "c-4,2026-01-17\n"
            "c-5,2026-01-18,\n"
        )
        subjects = load_subjects(write(tmp_path, "c.csv", text), anchors=["purchase"])
        good: list[str] = []
        with pytest.raises(SubjectError) as caught:
            good.extend(subject.id for subject in subjects)
        assert good == ["c-1", "c-5"]
        problems = [str(problem) for problem in caught.value.problems]
        assert len(problems) == 3
        assert problems[0].startswith("line 3, column 2, purchase: ")
        assert "'15/01/2026'" in problems[0]
        assert problems[1].startswith("line 4, column 3, timezone: ")
        assert "Mars/Base" in problems[1]
        assert problems[2] == (
            "line 5: this row has 2 cells, but the header has 3 columns; check for a missing "
            "or extra comma, or an unclosed quote"
        )

    def test_the_report_is_bounded(self, tmp_path: Path):
        text = "id;purchase\n" + "".join(f"c-{n};soon\n" for n in range(1_000))
        with pytest.raises(SubjectError) as caught:
            list(load_subjects(write(tmp_path, "c.csv", text), anchors=["purchase"]))
        assert len(caught.value.problems) == 50
        assert caught.value.omitted == 950
        assert str(caught.value).startswith("1,000 problems with the subject in ")
        assert caught.value.problems[-1].line == 51


class TestRepeatedIds:
    def test_an_id_given_twice_names_both_lines(self, tmp_path: Path):
        path = write(
            tmp_path, "c.csv", "id,purchase\nc1,2026-01-15\nc2,2026-02-01\nc1,2026-03-01\n"
        )
        assert problems_of(path, anchors=["purchase"], unique_ids=True) == [
            "line 4, column 1, id: the id 'c1' is given twice: on line 2 and on line 4; "
            "every subject needs its own id"
        ]

    def test_without_the_check_both_are_read(self, tmp_path: Path):
        path = write(tmp_path, "c.csv", "id,purchase\nc1,2026-01-15\nc1,2026-03-01\n")
        assert [s.id for s in load_subjects(path)] == ["c1", "c1"]

    def test_in_a_yaml_file(self, tmp_path: Path):
        path = write(tmp_path, "c.yaml", "- id: c1\n- id: c2\n- id: c1\n")
        assert problems_of(path, unique_ids=True) == [
            "line 3, column 7, [2].id: the id 'c1' is given twice: by subject [0] and by "
            "subject [2]; every subject needs its own id"
        ]

    def test_the_hashes_take_little_memory(self):
        ids = [f"customer-{n}" for n in range(200_000)]
        tracemalloc.start()
        try:
            seen = IdHashes()
            assert all(seen.add(subject_id) for subject_id in ids)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert len(seen) == len(ids)
        # 32 bytes an id at most, 48 while the table doubles; a set of the ids
        # themselves would take well over 100 bytes an id.
        assert peak < 200_000 * 48
        assert not seen.add("customer-123")
