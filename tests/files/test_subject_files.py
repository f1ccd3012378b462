"""Subject files: CSV streamed row by row, YAML and JSON read whole."""

from __future__ import annotations

import json
import tempfile
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from touchpoints import Subject, SubjectError, load_subjects
from touchpoints.testing import plans, subjects


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def subject_problems(path: Path, **options: object) -> list[str]:
    with pytest.raises(SubjectError) as caught:
        list(load_subjects(path, **options))  # type: ignore[arg-type]
    assert caught.value.source == str(path)
    return [str(problem) for problem in caught.value.problems]


class TestCsv:
    def test_columns_become_id_zone_anchors_and_attributes(self, tmp_path: Path):
        path = write(
            tmp_path,
            "c.csv",
            "id,timezone,purchase,name,city\n"
            "c-1,Europe/Berlin,2026-01-15,Anna,Köln\n"
            "c-2,,2025-03-31T09:30,Bob,\n",
        )
        assert list(load_subjects(path, anchors=["purchase"])) == [
            Subject(
                id="c-1",
                timezone="Europe/Berlin",
                anchors={"purchase": date(2026, 1, 15)},
                attributes={"name": "Anna", "city": "Köln"},
            ),
            Subject(
                id="c-2",
                anchors={"purchase": datetime(2025, 3, 31, 9, 30)},
                attributes={"name": "Bob"},
            ),
        ]

    def test_awkward_content(self, tmp_path: Path):
        # A byte-order mark, Windows line ends, quoted commas, doubled quotes, a line
        # break inside a quoted cell, umlauts, blank lines and a missing anchor.
        content = (
            "\ufeffid,purchase,name,notes\r\n"
            '"c-1",2026-01-15,"Müller, Anna","say ""hi"""\r\n'
            "\r\n"
            'c-2,,"Weiß, Jürgen","two\r\nlines"\r\n'
            ",,,\r\n"
            "c-3,2024-02-29,O'Brien,\r\n"
        )
        subjects = list(load_subjects(write(tmp_path, "c.csv", content), anchors=["purchase"]))
        assert [(s.id, dict(s.anchors), dict(s.attributes)) for s in subjects] == [
            ("c-1", {"purchase": date(2026, 1, 15)}, {"name": "Müller, Anna", "notes": 'say "hi"'}),
            ("c-2", {}, {"name": "Weiß, Jürgen", "notes": "two\r\nlines"}),
            ("c-3", {"purchase": date(2024, 2, 29)}, {"name": "O'Brien"}),
        ]  # fmt: skip

    def test_without_anchor_names_the_date_columns_are_the_anchors(self, tmp_path: Path):
        content = (
            "id,purchase,renewal,zip,code,empty\n"
            "c-1,2026-01-15,,01067,2026-01-15,\n"
            "c-2,2025-05-01,2028-05-01T10:00,10115,n/a,\n"
        )
        subjects = list(load_subjects(write(tmp_path, "c.csv", content)))
        # 'code' has a value that is not a date, and 'empty' has no values at all.
        assert [sorted(s.anchors) for s in subjects] == [["purchase"], ["purchase", "renewal"]]
        assert dict(subjects[0].attributes) == {"zip": "01067", "code": "2026-01-15"}

    def test_rows_are_read_as_they_are_taken(self, tmp_path: Path):
        content = "id,purchase\nc-1,2026-01-15\nc-2,2026-01-16\nc-3,someday\n"
        subjects = load_subjects(write(tmp_path, "c.csv", content), anchors=["purchase"])
        assert next(subjects).id == "c-1"
        assert next(subjects).id == "c-2"
        with pytest.raises(SubjectError):
            next(subjects)

    def test_memory_stays_flat_from_10k_to_100k_rows(self, tmp_path: Path):
        def peak(rows: int) -> int:
            path = tmp_path / f"{rows}.csv"
            with path.open("w", encoding="utf-8") as stream:
                stream.write("id,timezone,purchase,name,segment\n")
                for i in range(rows):
                    day = date(2020, 1, 1).toordinal() + i % 2000
                    stream.write(f'c-{i},Europe/Berlin,{date.fromordinal(day)},"Name, {i}",smb\n')
            tracemalloc.start()
            try:
                count = sum(1 for _ in load_subjects(path, anchors=["purchase"]))
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
                assert count == rows

        small, large = peak(10_000), peak(100_000)
        # Ten times the rows; a reader that kept them would need about ten times the
        # memory. Allow 50 % for noise.
        assert large < small * 1.5, (small, large)


class TestCsvErrors:
    def test_a_bad_date_names_the_line_and_the_column(self, tmp_path: Path):
        content = 'id,name,purchase\nc-1,"two\nlines",2026-01-15\nc-2,Bob,15/01/2026\n'
        path = write(tmp_path, "c.csv", content)
        assert subject_problems(path, anchors=["purchase"]) == [
            "line 4, column 3, purchase: expected a date like '2026-01-15', found the text "
            "'15/01/2026'"
        ]

    def test_every_problem_of_the_row_is_listed(self, tmp_path: Path):
        content = "id,timezone,purchase\n,Europe/Berln,2026-02-30\n"
        path = write(tmp_path, "c.csv", content)
        assert subject_problems(path, anchors=["purchase"]) == [
            "line 2, column 1, id: must not be empty",
            "line 2, column 2, timezone: unknown time zone 'Europe/Berln'; did you mean "
            "'Europe/Berlin' or 'Europe/Belfast'? (use an IANA time zone name such as "
            "'Europe/Berlin' or 'America/New_York')",
            "line 2, column 3, purchase: expected a date like '2026-01-15', found the text "
            "'2026-02-30'",
        ]

    def test_a_row_with_too_many_cells(self, tmp_path: Path):
        path = write(tmp_path, "c.csv", "id,purchase\n\nc-1,2026-01-15\nc-2,2026-01-15,x\n")
        assert subject_problems(path, anchors=["purchase"]) == [
            "line 4: this row has 3 cells, but the header has 2 columns; check "
            "for a missing or extra comma, or an unclosed quote"
        ]

    def test_an_unclosed_quote(self, tmp_path: Path):
        path = write(tmp_path, "c.csv", 'id,name\nc-1,"Anna\nc-2,Bob\n')
        assert subject_problems(path) == ["line 3: this is not valid CSV: unexpected end of data"]

    def test_the_header_needs_an_id_and_distinct_names(self, tmp_path: Path):
        path = write(tmp_path, "c.csv", "customer,purchase,purchase,\nc-1,2026-01-15,,\n")
        assert subject_problems(path, anchors=["purchase"]) == [
            "line 1, column 3, purchase: the column 'purchase' appears twice in the header",
            "line 1, column 4: column 4 of the header has no name",
            "line 1: the header has no 'id' column; the first row must name "
            "the columns, including 'id' (found 'customer', 'purchase', 'purchase', '')",
        ]

    def test_a_near_miss_of_an_anchor_column(self, tmp_path: Path):
        path = write(tmp_path, "c.csv", "id,purchse\nc-1,2026-01-15\n")
        assert subject_problems(path, anchors=["purchase", "renewal"]) == [
            "line 1, column 2, purchse: the column 'purchse' is not an anchor of the plan; "
            "did you mean 'purchase'? (its anchors are: purchase, renewal)"
        ]

    def test_an_empty_file(self, tmp_path: Path):
        assert subject_problems(write(tmp_path, "c.csv", "")) == [
            "the file is empty; the first row must name the columns"
        ]

    def test_bytes_that_are_not_utf8(self, tmp_path: Path):
        path = write(tmp_path, "c.csv", b"id,name\nc-1,Anna\nc-2,M\xfcller\n")
        assert subject_problems(path) == [
            "line 3, column 6: the file is not UTF-8 text: byte 0xfc at byte "
            "offset 22 cannot be read; save the file with the UTF-8 encoding"
        ]

    def test_an_endless_line(self, tmp_path: Path):
        path = write(tmp_path, "c.csv", b"id,name\nc-1," + b"x" * (1024 * 1024 + 10))
        assert subject_problems(path) == [
            "line 2: line 2 is longer than 1,048,576 bytes; is this really a CSV file?"
        ]

    def test_an_unknown_extension(self, tmp_path: Path):
        with pytest.raises(SubjectError) as caught:
            load_subjects(write(tmp_path, "c.xlsx", b""))
        assert [str(p) for p in caught.value.problems] == [
            "cannot tell the file's format from '.xlsx'; give it one of these extensions: "
            ".csv, .json, .yaml, .yml"
        ]


class TestYamlAndJson:
    def test_a_list_of_subjects(self, tmp_path: Path):
        content = """
- id: c-1
  timezone: Europe/Berlin
  anchors: {purchase: 2026-01-15}
  attributes: {name: "Müller, Anna", vip: true, seats: 12}
- id: c-2
"""
        subjects = list(load_subjects(write(tmp_path, "s.yaml", content)))
        assert subjects == [
            Subject(
                id="c-1",
                timezone="Europe/Berlin",
                anchors={"purchase": date(2026, 1, 15)},
                attributes={"name": "Müller, Anna", "vip": True, "seats": 12},
            ),
            Subject(id="c-2"),
        ]

    def test_one_subject_as_json(self, tmp_path: Path):
        content = '{"id": "c-1", "anchors": {"purchase": "2026-01-15"}}'
        [subject] = load_subjects(write(tmp_path, "s.json", content), anchors=["purchase"])
        assert subject.anchors == {"purchase": date(2026, 1, 15)}

    def test_an_anchor_the_plan_never_defines(self, tmp_path: Path):
        content = "- id: c-1\n  anchors:\n    purchse: 2026-01-15\n"
        path = write(tmp_path, "s.yaml", content)
        assert subject_problems(path, anchors=["purchase", "renewal"]) == [
            "line 3, column 5, [0].anchors.purchse: the plan has no anchor 'purchse'; did "
            "you mean 'purchase'? (its anchors are: purchase, renewal)"
        ]

    def test_every_problem_in_the_file_at_once(self, tmp_path: Path):
        content = (
            "- id: c-1\n  timezone: Europe/Berlin\n  anchors: {purchase: 15.01.2026}\n"
            "- id: c-2\n  colour: red\n"
            "- id: c-3\n  attributes: {tags: [a, b]}\n"
        )
        path = write(tmp_path, "s.yaml", content)
        assert subject_problems(path) == [
            "line 3, column 23, [0].anchors.purchase: expected a date like '2026-01-15', "
            "found the text '15.01.2026'",
            "line 5, column 3, [1].colour: unknown key 'colour'; the keys allowed here are: "
            + ", ".join(
                sorted(field.alias or name for name, field in Subject.model_fields.items())
            ),
            "line 7, column 22, [2].attributes.tags: an attribute is text, a number, true "
            "or false, or empty; found a list",
        ]

    def test_neither_a_list_nor_a_mapping(self, tmp_path: Path):
        assert subject_problems(write(tmp_path, "s.yaml", "just text\n")) == [
            "a subject file holds a list of subjects, or one subject (a "
            "mapping with id, timezone, anchors and attributes)"
        ]


class TestRoundTrips:
    @given(st.data())
    def test_every_generated_subject_survives_dump_and_load(self, data: st.DataObject):
        subject = data.draw(plans().flatmap(subjects))
        raw = subject.model_dump(mode="json")
        with tempfile.TemporaryDirectory() as folder:
            for name, text in (
                ("s.yaml", yaml.safe_dump(raw, allow_unicode=True)),
                ("s.json", json.dumps(raw, ensure_ascii=False)),
            ):
                path = Path(folder) / name
                path.write_text(text, encoding="utf-8")
                assert list(load_subjects(path)) == [subject], name


class TestDatesWithoutDashes:
    """A date written without dashes is refused in every subject file, not read as a
    number of seconds since 1970."""

    def test_in_a_csv_file(self, tmp_path: Path):
        path = tmp_path / "c.csv"
        path.write_text("id,purchase\nc-1,20260115\n", encoding="utf-8")
        with pytest.raises(SubjectError) as caught:
            list(load_subjects(path, anchors=["purchase"]))
        assert [str(problem) for problem in caught.value.problems] == [
            "line 2, column 2, purchase: expected a date like '2026-01-15', found the text "
            "'20260115'"
        ]

    def test_in_a_yaml_file(self, tmp_path: Path):
        path = tmp_path / "c.yaml"
        path.write_text("- id: c-1\n  anchors: {purchase: 20260115}\n", encoding="utf-8")
        with pytest.raises(SubjectError) as caught:
            list(load_subjects(path))
        assert [str(problem) for problem in caught.value.problems] == [
            "line 2, column 23, [0].anchors.purchase: expected a date like '2026-01-15', "
            "found the number 20260115"
        ]
