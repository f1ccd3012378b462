"""Hostile files: each gets a clear error, in bounded time and memory.

Memory is checked with tracemalloc peaks well below what the attack would need;
none of these tests times anything.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from touchpoints import (
    PlanError,
    Subject,
    SubjectError,
    TooManyTouchPointsError,
    load_plan,
    load_subjects,
    parse_plan_text,
    schedule,
)

MB = 1024 * 1024


@pytest.fixture
def peak_memory() -> Iterator[Callable[[], int]]:
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def plan_problems(path: Path) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    return [str(problem) for problem in caught.value.problems]


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


class TestYamlAttacks:
    def test_a_billion_laughs_file_stops_early(self, tmp_path: Path, peak_memory):
        path = tmp_path / "bomb.yaml"
        path.write_text(billion_laughs(), encoding="utf-8")
        # Fully expanded it would hold 9**9 (387 million) strings.
        assert plan_problems(path) == [
            "the file's aliases (*name) repeat more than 100,000 values, far "
            "more than a plan or subject needs; write the values out instead"
        ]
        assert peak_memory() < 100 * MB

    def test_an_alias_that_contains_itself(self, tmp_path: Path):
        path = tmp_path / "loop.yaml"
        path.write_text("plan: &p [*p]\n", encoding="utf-8")
        assert plan_problems(path) == [
            "line 1, column 7: an alias (*name) refers to a value that "
            "contains it, which would never end; write the value out instead"
        ]

    @pytest.mark.parametrize(
        "tag", ["!!python/object/apply:os.system", "!!python/name:os.system", "!!binary"]
    )
    def test_tags_that_could_run_code_are_refused(self, tmp_path: Path, tag: str):
        path = tmp_path / "tag.yaml"
        path.write_text(f"plan: {tag} 'ZWNobyBoaQ=='\ntouchpoints: []\n", encoding="utf-8")
        problems = plan_problems(path)
        assert problems[0] == (
            f"line 1, column 7, plan: the YAML tag '{tag}' is not allowed; use only plain "
            "text, numbers, true/false, dates, lists and mappings"
        )

    def test_a_tagged_document_is_refused_before_anything_is_built(self, tmp_path: Path):
        path = tmp_path / "tag.yaml"
        path.write_text("!!python/object/apply:os.system [echo hi]\n", encoding="utf-8")
        assert plan_problems(path) == [
            "line 1, column 1: the YAML tag '!!python/object/apply:os.system' "
            "is not allowed; use only plain text, numbers, true/false, dates, lists and "
            "mappings"
        ]


class TestDeepAndLarge:
    @pytest.mark.parametrize(
        ("name", "content", "where"),
        [
            ("deep.yaml", "[" * 100_000 + "]" * 100_000, "line 1, column 34: "),
            ("deep.json", "[" * 100_000 + "]" * 100_000, ""),
            ("deep.toml", "a = " + "[" * 100_000 + "]" * 100_000, ""),
            ("nested.yaml", "".join(f"{'  ' * i}k:\n" for i in range(200)), "line 33, column 65: "),
        ],
    )
    def test_deeply_nested_data(self, tmp_path: Path, name: str, content: str, where: str):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        assert plan_problems(path) == [
            f"{where}the data is nested more than 32 levels deep; plans and subjects need a few"
        ]

    def test_a_huge_file_is_not_read_whole(self, tmp_path: Path, peak_memory):
        path = tmp_path / "huge.yaml"
        with path.open("w", encoding="utf-8") as stream:
            stream.write("plan: p\n")
            for _ in range(12):
                stream.write("# padding\n" * (MB // 10))
        assert path.stat().st_size > 10 * MB
        assert plan_problems(path) == [
            "the file is larger than 10 MB, the most a plan file may be; check "
            "that this is the right file"
        ]
        assert peak_memory() < 15 * MB

    def test_a_huge_subject_list_points_to_csv(self, tmp_path: Path):
        path = tmp_path / "subjects.json"
        path.write_text("[" + ",".join(['{"id": "c"}'] * 1000) + "]", encoding="utf-8")
        with pytest.raises(SubjectError) as caught:
            list(load_subjects(path, max_bytes=1000))
        assert [str(p) for p in caught.value.problems] == [
            "the file is larger than 1,000 bytes, the most a subject file may "
            "be; check that this is the right file"
        ]


class TestEncoding:
    def test_latin1_bytes_name_their_offset_and_line(self, tmp_path: Path):
        path = tmp_path / "plan.yaml"
        path.write_bytes(b"plan: p\nname: M\xfcller\n")
        assert plan_problems(path) == [
            "line 2, column 8: the file is not UTF-8 text: byte 0xfc at byte "
            "offset 15 cannot be read; save the file with the UTF-8 encoding"
        ]

    def test_a_control_character(self, tmp_path: Path):
        path = tmp_path / "plan.yaml"
        path.write_bytes(b"plan: p\nname: a\x00b\n")
        assert plan_problems(path) == [
            "line 2, column 8: the file contains the control character U+0000, "
            "which YAML does not allow; remove it"
        ]


class TestRunawayPlans:
    def test_a_plan_asking_for_millions_of_touch_points_fails_clearly(self, tmp_path: Path):
        path = tmp_path / "runaway.yaml"
        path.write_text(
            "plan: runaway\ntimezone: UTC\ncontact_time: '09:00'\nhorizon: 100 years\n"
            "touchpoints:\n"
            "  - id: ping\n    title: Ping\n    channel: sms\n"
            "    every: 1 minute\n    starting: purchase\n",
            encoding="utf-8",
        )
        plan = load_plan(path)
        subject = Subject(id="c-1", anchors={"purchase": date(2026, 1, 15)})
        with pytest.raises(TooManyTouchPointsError) as caught:
            schedule(plan, subject)
        assert caught.value.rule_id == "ping"


class TestHugeValues:
    BIG = "1" + "0" * 5000  # Python refuses to convert integers of over 4,300 digits

    @pytest.mark.parametrize(
        ("format", "text"),
        [("json", '{"plan": ' + BIG + "}"), ("toml", "plan = " + BIG)],
    )
    def test_a_number_with_too_many_digits(self, format: str, text: str):
        with pytest.raises(PlanError) as caught:
            parse_plan_text(text, format=format)
        assert [str(p) for p in caught.value.problems] == [
            "the file holds a number with too many digits"
        ]

    def test_a_number_with_too_many_digits_in_yaml_has_its_place(self):
        with pytest.raises(PlanError) as caught:
            parse_plan_text("plan: " + self.BIG + "\n", format="yaml")
        assert [str(p) for p in caught.value.problems] == [
            "line 1, column 1, touchpoints: the required key 'touchpoints' is missing",
            "line 1, column 7, plan: the number '1" + "0" * 56 + "...' has too many digits",
        ]

    def test_a_huge_value_is_quoted_short(self):
        with pytest.raises(PlanError) as caught:
            parse_plan_text("plan: " + "X" * 100_000 + "\n", format="yaml")
        assert [str(p) for p in caught.value.problems] == [
            "line 1, column 1, touchpoints: the required key 'touchpoints' is missing",
            "line 1, column 7, plan: '" + "X" * 57 + "...' is not a valid id: use lowercase "
            "letters, digits, '.', '_' and '-', starting and ending with a letter or digit, "
            "at most 64 characters (like 'check-up')",
        ]
