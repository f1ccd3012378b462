"""The bounds on a plan file's work: list and mapping sizes, values, digits, text size
and the number of problems listed, each tested at and just over its limit.

The checks run on the data as read, before validation, so each refusal is one problem
naming the limit (none of these tests times anything).
"""

from __future__ import annotations

import pytest

from touchpoints import PlanError, parse_plan, parse_plan_text
from touchpoints._files import MAX_FILE_BYTES
from touchpoints._files.limits import (
    MAX_DIGITS,
    MAX_ITEMS,
    MAX_PROBLEMS,
    MAX_VALUES,
    limit_problems,
)
from touchpoints._files.positions import Document

RULE = {"id": "a", "title": "A", "channel": "call", "at": "purchase"}


def problems_of(text: str, format: str = "yaml", max_bytes: int = MAX_FILE_BYTES) -> list[str]:
    with pytest.raises(PlanError) as caught:
        parse_plan_text(text, format=format, max_bytes=max_bytes)
    return [str(problem) for problem in caught.value.problems]


class TestListsAndMappings:
    def test_a_list_at_the_limit_is_left_to_validation(self):
        data = {"plan": "p", "touchpoints": [RULE], "stop": ["churn"] * MAX_ITEMS}
        assert limit_problems(Document(data)) == []

    def test_a_list_just_over_the_limit_is_refused_by_its_length(self):
        text = "plan: x\ntouchpoints: [" + "a," * MAX_ITEMS + "a]\n"
        assert problems_of(text) == [
            "line 2, column 14, touchpoints: this list has 10,001 items, more than the "
            "10,000 a plan may have in one list; is this the right file?"
        ]

    def test_anchors_at_the_limit_are_left_to_validation(self):
        anchors = {f"a{n}": "purchase + 1 day" for n in range(MAX_ITEMS)}
        assert limit_problems(Document({"plan": "p", "anchors": anchors})) == []

    def test_anchors_just_over_the_limit_are_refused(self):
        anchors = {f"a{n}": "purchase + 1 day" for n in range(MAX_ITEMS + 1)}
        with pytest.raises(PlanError) as caught:
            parse_plan({"plan": "p", "touchpoints": [RULE], "anchors": anchors})
        assert [str(problem) for problem in caught.value.problems] == [
            "anchors: this mapping has 10,001 keys, more than the 10,000 a plan may have "
            "in one mapping; is this the right file?"
        ]

    def test_a_json_list_of_millions_of_mappings_stops_early(self):
        text = '{"plan": "x", "touchpoints": [' + "{}," * 3_400_000 + "{}]}"
        assert problems_of(text, "json") == [
            "the file holds more than 200,000 mappings ({...}), far more than a plan needs; "
            "is this the right file?"
        ]

    def test_a_yaml_list_of_millions_of_items_stops_early(self):
        text = "plan: x\ntouchpoints: [" + "a," * 250_000 + "a]\n"
        [problem] = problems_of(text)
        assert problem.endswith(
            "the file holds more than 200,000 values, far more than a plan needs; "
            "is this the right file?"
        )


class TestValues:
    # The plan, 'plan', 'touchpoints', the rule and its 4 fields, 'x' and its 20 lists
    # are 29 values; 19 full lists and a first one of 9,990 items make 200,000.
    def data(self, first: int) -> dict[str, object]:
        lists = [[0] * 9_999 for _ in range(20)]
        lists[0] = [0] * first
        return {"plan": "p", "touchpoints": [RULE], "x": lists}

    def test_values_at_the_limit_are_left_to_validation(self):
        assert limit_problems(Document(self.data(9_990))) == []

    def test_values_just_over_the_limit_are_refused(self):
        assert [str(p) for p in limit_problems(Document(self.data(9_991)))] == [
            f"the plan holds more than {MAX_VALUES:,} values (texts, numbers, lists and "
            "mappings); is this the right file?"
        ]


class TestDigits:
    def test_twenty_digits_are_left_to_validation(self):
        document = Document({"version": 10**MAX_DIGITS - 1, "horizon": "9" * MAX_DIGITS + " days"})
        assert limit_problems(document) == []

    def test_a_hex_version_of_thousands_of_digits_is_refused(self):
        text = (
            "plan: p\nversion: 0x"
            + "f" * 5000
            + "\ntouchpoints:\n  - {id: a, title: A, channel: call, at: purchase}\n"
        )
        assert problems_of(text) == [
            "line 2, column 10, version: the number a huge number has more than 20 digits; "
            "no value in a plan needs that many"
        ]

    def test_a_number_of_twenty_one_digits_is_refused(self):
        assert problems_of('{"plan": "p", "version": 1' + "0" * MAX_DIGITS + "}", "json") == [
            "line 1, column 26, version: the number 100000000000000000000 has more than 20 "
            "digits; no value in a plan needs that many"
        ]

    def test_a_duration_of_hundreds_of_digits_is_a_plan_error(self):
        text = (
            "plan: p\nhorizon: " + "9" * 400 + " days\n"
            "touchpoints:\n  - {id: a, title: A, channel: call, at: purchase}\n"
        )
        assert problems_of(text) == [
            "line 2, column 10, horizon: the text '9999999999999999999999999999999999999...' "
            "has a number with more than 20 digits; no value in a plan needs that many"
        ]


class TestTextSize:
    def test_text_at_the_size_limit_is_read(self):
        text = "plan: p\ntouchpoints: []\n"
        with pytest.raises(PlanError) as caught:
            parse_plan_text(text, format="yaml", max_bytes=len(text))
        assert "larger than" not in str(caught.value)

    def test_text_just_over_the_size_limit_is_refused(self):
        text = "plan: p\ntouchpoints: []\n"
        assert problems_of(text, max_bytes=len(text) - 1) == [
            "the text is larger than 23 bytes, the most a plan file may be; check that "
            "this is the right text"
        ]

    def test_the_default_limit_is_the_files_limit(self):
        text = "plan: p\ndescription: '" + "é" * (MAX_FILE_BYTES // 2) + "'\n"
        assert problems_of(text) == [
            "the text is larger than 10 MB, the most a plan file may be; check that this "
            "is the right text"
        ]


class TestProblemsListed:
    def rules(self, count: int) -> list[dict[str, str]]:
        return [
            {"id": f"r{n}", "title": "R", "channel": "call", "evry": "1 day"} for n in range(count)
        ]

    def test_problems_at_the_limit_are_all_listed(self):
        with pytest.raises(PlanError) as caught:
            parse_plan({"plan": "p", "touchpoints": self.rules(MAX_PROBLEMS)})
        assert len(caught.value.problems) == MAX_PROBLEMS
        assert caught.value.omitted == 0
        assert str(caught.value).startswith("50 problems with the plan:\n")

    def test_problems_over_the_limit_are_counted(self):
        with pytest.raises(PlanError) as caught:
            parse_plan({"plan": "p", "touchpoints": self.rules(20_000)})
        # 20,000 rules is over the list limit: one problem.
        assert len(caught.value.problems) == 1
        with pytest.raises(PlanError) as caught:
            parse_plan({"plan": "p", "touchpoints": self.rules(MAX_PROBLEMS + 1)})
        assert len(caught.value.problems) == MAX_PROBLEMS
        assert caught.value.omitted == 1
        message = str(caught.value)
        assert message.startswith("51 problems with the plan (the first 50 are listed):\n")
        assert message.endswith("\n  ... and 1 more")
        assert "touchpoints[49].evry" in message
        assert "touchpoints[50]" not in message
