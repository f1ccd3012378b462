"""Golden tests: the exact text of every family of plan-file error.

The expected messages are written from the rules in ``touchpoints._files`` and the
model validators: each says where (line, column, field path), what was found, and
what would be valid.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from touchpoints import (
    AnchorExpression,
    Duration,
    Plan,
    PlanError,
    Rule,
    load_plan,
    parse_plan,
    parse_plan_text,
)

RULE = "  - id: a\n    title: A\n    channel: call\n"


def keys(model: type[Plan] | type[Rule]) -> str:
    """The keys a mapping of ``model`` allows, as an unknown-key message lists them."""
    return ", ".join(sorted(info.alias or name for name, info in model.model_fields.items()))


def parse_error(parse: Callable[[str], object], text: str) -> str:
    """What the duration and expression parsers say about ``text``.

    Their help text belongs to them; these tests check how a file's problems wrap it.
    """
    with pytest.raises(ValueError, match=r"\S") as caught:
        parse(text)
    return str(caught.value)


def problems(text: str, *, format: str = "yaml") -> list[str]:
    with pytest.raises(PlanError) as caught:
        parse_plan_text(text, format=format, source=f"plan.{format}")
    return [str(problem) for problem in caught.value.problems]


class TestUnknownKeys:
    def test_a_misspelt_key_suggests_the_closest_valid_one(self):
        text = "plan: p\ntouchpoints:\n" + RULE + "    evry: 90 days\n    starting: purchase\n"
        assert problems(text) == [
            "line 6, column 5, touchpoints[0].evry: unknown key 'evry'; did you mean 'every'?"
        ]

    def test_a_top_level_key_without_a_near_miss_lists_the_valid_ones(self):
        text = "plan: p\ncolour: blue\ntouchpoints:\n" + RULE + "    at: purchase\n"
        assert problems(text) == [
            f"line 2, column 1, colour: unknown key 'colour'; the keys allowed here are: "
            f"{keys(Plan)}"
        ]
        assert keys(Plan).startswith("anchors, ")

    def test_the_suggestion_uses_the_key_as_written_in_the_file(self):
        # The plan's id is written 'plan' in files, so that is what is suggested.
        text = "plna: p\ntouchpoints:\n" + RULE + "    at: purchase\n"
        assert problems(text) == [
            "line 1, column 1, plan: the required key 'plan' is missing",
            "line 1, column 1, plna: unknown key 'plna'; did you mean 'plan'?",
        ]


class TestNestedMappings:
    def test_a_misspelt_key_inside_a_nested_mapping(self):
        # The suggestion comes from the keys of the mapping the key is in, however
        # deep: here a channel's settings (a mapping of channel names to settings).
        text = "plan: p\nchannels:\n  call: {contact_tme: '09:00'}\ntouchpoints:\n"
        text += RULE + "    at: purchase\n"
        assert problems(text) == [
            "line 3, column 10, channels.call.contact_tme: unknown key 'contact_tme'; did "
            "you mean 'contact_time'?"
        ]

    def test_a_value_that_is_not_one_of_the_choices(self):
        text = "plan: p\ncalendar:\n  workdays: [mon, funday]\ntouchpoints:\n"
        text += RULE + "    at: purchase\n"
        assert problems(text) == [
            "line 3, column 19, calendar.workdays[1]: expected 'mon', 'tue', 'wed', 'thu', "
            "'fri', 'sat' or 'sun', found the text 'funday'"
        ]


class TestDerivedAnchors:
    def test_anchors_that_refer_to_each_other_in_a_circle(self):
        text = "plan: p\nanchors:\n  start: renewal - 3 years\n  renewal: start + 3 years\n"
        text += "touchpoints:\n" + RULE + "    at: start\n"
        assert problems(text) == [
            "line 3, column 10, anchors.start: derived anchors refer to each other in a "
            "circle (start -> renewal -> start); at least one must come from a subject's "
            "own date"
        ]

    def test_a_derived_anchor_with_a_time_of_day_offset(self):
        text = "plan: p\ncontact_time: '10:00'\nanchors:\n  later: purchase + 2 hours\n"
        text += "touchpoints:\n" + RULE + "    at: later\n"
        assert problems(text) == [
            "line 4, column 10, anchors.later: anchor 'later' is a date, so its offset "
            "cannot have hours or minutes; use days, weeks, months or years"
        ]

    def test_an_anchor_name_that_is_not_a_name(self):
        text = "plan: p\nanchors:\n  2nd-visit: purchase + 1 year\n"
        text += "touchpoints:\n" + RULE + "    at: purchase\n"
        assert problems(text) == [
            "line 3, column 3, anchors.2nd-visit: '2nd-visit' is not a valid anchor name: "
            "use letters, digits and '_', starting with a letter (like 'purchase' or "
            "'contract_end')"
        ]


class TestTimeZones:
    def test_an_unknown_zone_suggests_the_closest_names(self):
        text = "plan: p\ntimezone: Europe/Berln\ntouchpoints:\n" + RULE + "    at: purchase\n"
        assert problems(text) == [
            "line 2, column 11, timezone: unknown time zone 'Europe/Berln'; did you mean "
            "'Europe/Berlin' or 'Europe/Belfast'? (use an IANA time zone name such as "
            "'Europe/Berlin' or 'America/New_York')"
        ]


class TestRuleIds:
    def test_a_duplicate_id_points_at_the_second_one_and_names_the_first(self):
        text = (
            "plan: p\ntouchpoints:\n" + RULE + "    at: purchase\n"
            "  - id: a\n    title: B\n    channel: email\n    at: purchase + 1 day\n"
        )
        assert problems(text) == [
            "line 7, column 9, touchpoints[1].id: duplicate touch point id 'a': "
            "touchpoints[0] already has it; give every touch point its own id"
        ]

    def test_an_id_that_is_not_a_slug_says_what_an_id_may_contain(self):
        text = "plan: After Sales\ntouchpoints:\n" + RULE + "    at: purchase\n"
        assert problems(text) == [
            "line 1, column 7, plan: 'After Sales' is not a valid id: use lowercase "
            "letters, digits, '.', '_' and '-', starting and ending with a letter or "
            "digit, at most 64 characters (like 'check-up')"
        ]


class TestIntervals:
    @pytest.mark.parametrize("every", ["0 days", "-3 days"])
    def test_zero_or_negative_intervals(self, every: str):
        text = "plan: p\ntouchpoints:\n" + RULE + f"    every: {every}\n    starting: purchase\n"
        assert problems(text) == [
            "line 6, column 12, touchpoints[0].every: the interval must be longer than "
            f"zero, such as '90 days'; found '{every}'"
        ]

    def test_until_before_starting(self):
        text = (
            "plan: p\nanchors:\n  renewal: purchase + 3 years\ntouchpoints:\n" + RULE + ""
            "    every: 30 days\n    starting: renewal\n    until: purchase + 1 year\n"
        )
        assert problems(text) == [
            "line 10, column 12, touchpoints[0].until: touch point 'a' ends ('until: "
            "purchase + 1 year') before it starts ('starting: renewal'), so it would never "
            "happen; 'until' must not be earlier than 'starting'"
        ]

    def test_a_series_without_a_start(self):
        text = "plan: p\ntouchpoints:\n" + RULE + "    every: 30 days\n"
        assert problems(text) == [
            "line 3, column 5, touchpoints[0]: a series needs 'starting', the date of its "
            "first occurrence, such as 'purchase + 30 days'"
        ]

    def test_two_timings_point_at_the_second(self):
        text = "plan: p\ntouchpoints:\n" + RULE + "    at: purchase\n    every: 1 day\n"
        assert problems(text) == [
            "line 7, column 12, touchpoints[0].every: a touch point needs exactly one of "
            "'at' (once), 'every' (a fixed interval) or 'rrule' (a calendar rule); it has "
            "at and every"
        ]


class TestRecurrenceRules:
    @pytest.mark.parametrize(
        ("rrule", "message"),
        [
            (
                "FREQ=MONTHLY;BYDAY=1XX",
                "'FREQ=MONTHLY;BYDAY=1XX' is not a valid RFC 5545 RRULE (invalid 'BYDAY': "
                "1XX); an example of a valid one is 'FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO'",
            ),
            (
                "FREQ=HOURLY",
                "an rrule needs FREQ=YEARLY, MONTHLY, WEEKLY or DAILY (touch points are never "
                "more frequent than daily in an rrule); it has FREQ=HOURLY",
            ),
            (
                "FREQ=MONTHLY;COUNT=3",
                "an rrule here cannot have COUNT: use the rule's 'count' key instead",
            ),
        ],
    )
    def test_an_rrule_dateutil_rejects_or_the_plan_cannot_use(self, rrule: str, message: str):
        text = "plan: p\ntouchpoints:\n" + RULE + f"    rrule: {rrule}\n    starting: purchase\n"
        assert problems(text) == [f"line 6, column 12, touchpoints[0].rrule: {message}"]


class TestDurationsAndExpressions:
    def test_an_unknown_unit(self):
        text = "plan: p\ntouchpoints:\n" + RULE + "    every: 90 dayz\n    starting: purchase\n"
        assert problems(text) == [
            "line 6, column 12, touchpoints[0].every: " + parse_error(Duration.parse, "90 dayz")
        ]
        assert parse_error(Duration.parse, "90 dayz").startswith("unknown unit 'dayz'")

    def test_a_number_without_a_unit(self):
        text = "plan: p\ntouchpoints:\n" + RULE + "    every: 90\n    starting: purchase\n"
        assert problems(text) == [
            "line 6, column 12, touchpoints[0].every: found the number 90, but a duration "
            "needs a unit, such as '90 days'"
        ]

    def test_an_expression_in_words(self):
        text = "plan: p\ntouchpoints:\n" + RULE + "    at: 2 weeks after purchase\n"
        assert problems(text) == [
            "line 6, column 9, touchpoints[0].at: '2 weeks after purchase' is not a date "
            "expression; write an anchor name, optionally plus or minus a duration, like "
            "'purchase', 'purchase + 2 weeks' or 'renewal - 60 days'"
        ]

    def test_an_expression_whose_offset_is_not_a_duration(self):
        text = "plan: p\ntouchpoints:\n" + RULE + "    at: purchase + 2\n"
        assert problems(text) == [
            "line 6, column 9, touchpoints[0].at: 'purchase + 2' is not a valid date "
            "expression: " + parse_error(AnchorExpression.parse, "purchase + 2")
        ]
        assert parse_error(AnchorExpression.parse, "purchase + 2").startswith(
            "'2' is not a duration; write it like '2 weeks'"
        )

    def test_hours_without_a_contact_time(self):
        text = "plan: p\ntouchpoints:\n" + RULE + "    at: purchase + 2 hours\n"
        assert problems(text) == [
            "line 3, column 5, touchpoints[0]: touch point 'a' uses hours or minutes, "
            "which need a time of day: set the plan's 'contact_time', such as '10:00'"
        ]


class TestWrongTypes:
    def test_a_number_where_text_is_expected(self):
        text = "plan: p\ntouchpoints:\n  - id: a\n    title: 5\n    channel: call\n    at: x\n"
        assert problems(text) == [
            "line 4, column 12, touchpoints[0].title: expected text, found the number 5 "
            "(put it in quotes if you mean text: '5')"
        ]

    def test_a_mapping_where_a_list_is_expected(self):
        assert problems("plan: p\ntouchpoints:\n  id: a\n") == [
            "line 3, column 3, touchpoints: expected a list, found a mapping of keys and "
            "values; write a list like [first, second]"
        ]

    def test_a_list_where_a_mapping_is_expected(self):
        text = "plan: p\nanchors: [renewal]\ntouchpoints:\n" + RULE + "    at: purchase\n"
        assert problems(text) == [
            "line 2, column 10, anchors: expected a mapping (keys and values), found a list"
        ]

    def test_text_where_a_touch_point_is_expected(self):
        assert problems("plan: p\ntouchpoints:\n  - call the customer\n") == [
            "line 3, column 5, touchpoints[0]: expected a mapping (a touch point, with keys "
            "such as id, title, channel and at), found the text 'call the customer'"
        ]

    def test_a_priority_word_that_does_not_exist(self):
        text = "plan: p\ntouchpoints:\n" + RULE + "    at: purchase\n    priority: urgent\n"
        assert problems(text) == [
            "line 7, column 15, touchpoints[0].priority: a priority is a number from 1 "
            "(highest) to 9 (lowest), or one of the words highest, high, normal, low, "
            "lowest; found the text 'urgent'"
        ]

    def test_an_impossible_time_of_day(self):
        text = "plan: p\ncontact_time: 25:00\ntouchpoints:\n" + RULE + "    at: purchase\n"
        assert problems(text) == [
            "line 2, column 15, contact_time: expected a time of day like '10:00' or "
            "'14:30', found the text '25:00'"
        ]

    def test_a_missing_key_points_at_its_mapping(self):
        text = "plan: p\ntouchpoints:\n  - id: a\n    channel: call\n    at: purchase\n"
        assert problems(text) == [
            "line 3, column 5, touchpoints[0].title: the required key 'title' is missing"
        ]


class TestEveryProblemAtOnce:
    def test_problems_from_fields_and_from_the_plan_come_together_in_line_order(self):
        text = (
            "plan: p\n"
            "timezone: Mars/Olympus\n"
            "touchpoints:\n"
            "  - id: a\n    title: A\n    channel: call\n    at: purchase\n"
            "  - id: a\n    title: B\n    channel: call\n    every: 0 days\n"
            "    starting: purchase\n"
            "  - id: c\n    title: C\n    channel: call\n    at: purchase\n    colour: red\n"
        )
        assert problems(text) == [
            "line 2, column 11, timezone: unknown time zone 'Mars/Olympus' (use an IANA "
            "time zone name such as 'Europe/Berlin' or 'America/New_York')",
            "line 11, column 12, touchpoints[1].every: the interval must be longer than "
            "zero, such as '90 days'; found '0 days'",
            "line 17, column 5, touchpoints[2].colour: unknown key 'colour'; the keys "
            f"allowed here are: {keys(Rule)}",
        ]

    def test_plan_wide_checks_still_run_when_a_touch_point_is_invalid(self):
        # touchpoints[1] is invalid, so pydantic never runs the plan's own checks;
        # the duplicate id of touchpoints[2] and [0] must still be reported, with
        # the indices of the file (not of the plan without touchpoints[1]).
        text = (
            "plan: p\ntouchpoints:\n"
            "  - id: a\n    title: A\n    channel: call\n    at: purchase\n"
            "  - id: b\n    title: B\n    channel: call\n    at: purchase + 2 dayz\n"
            "  - id: a\n    title: C\n    channel: call\n    at: purchase\n"
        )
        assert problems(text) == [
            "line 10, column 9, touchpoints[1].at: 'purchase + 2 dayz' is not a valid date "
            "expression: " + parse_error(AnchorExpression.parse, "purchase + 2 dayz"),
            "line 11, column 9, touchpoints[2].id: duplicate touch point id 'a': "
            "touchpoints[0] already has it; give every touch point its own id",
        ]

    def test_the_message_counts_the_problems_and_names_the_file(self):
        text = "plan: P\ntouchpoints: []\n"
        with pytest.raises(PlanError) as caught:
            parse_plan_text(text, format="yaml", source="plans/p.yaml")
        assert str(caught.value).splitlines()[0] == "2 problems with the plan in plans/p.yaml:"
        assert isinstance(caught.value.__cause__, ValidationError)


class TestDocumentProblems:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("", "the plan is empty; it needs at least 'plan' and 'touchpoints'"),
            (
                "- a\n- b\n",
                "line 1, column 1: a plan is a mapping of keys (plan, name, "
                "touchpoints ...), found a list",
            ),
            (
                "plan: p\ntouchpoints:\n  - id: a\n   title: x\n",
                "line 4, column 4: this is not valid YAML: the indentation is "
                "inconsistent; the keys of one mapping must start in the same column",
            ),
            (
                "plan: p\nname: Plan: gold\n",
                "line 2, column 11: this is not valid YAML: mapping values are "
                "not allowed here; check the indentation, and put text containing ': ' in "
                "quotes",
            ),
            (
                "plan: p\n\ttouchpoints: []\n",
                "line 2, column 1: this is not valid YAML: found character "
                "'\\t' that cannot start any token; YAML indents with spaces, not tabs",
            ),
            (
                "plan: p\n---\nplan: q\n",
                "line 2, column 1: this is not valid YAML: the file holds more "
                "than one YAML document ('---'); put one plan in each file",
            ),
        ],
    )
    def test_yaml_documents(self, text: str, expected: str):
        assert problems(text) == [expected]

    def test_a_key_given_twice_is_an_error_not_the_last_one_silently(self):
        text = "plan: p\ntouchpoints:\n" + RULE + "    at: purchase\n    title: B\n"
        assert problems(text) == [
            "line 7, column 5, touchpoints[0].title: the key 'title' is given twice in this "
            "mapping (first on line 4); give each key once"
        ]

    def test_a_key_given_twice_in_json(self):
        text = '{"plan": "p",\n "plan": "q", "touchpoints": []}'
        assert problems(text, format="json") == [
            "line 2, column 2, plan: the key 'plan' is given twice in this mapping (first "
            "on line 1); give each key once",
            "line 2, column 30, touchpoints: a plan needs at least one touch point",
        ]

    def test_invalid_json(self):
        assert problems('{"plan": "p",\n "touchpoints": [}', format="json") == [
            "line 2, column 18: this is not valid JSON: Expecting value"
        ]

    def test_invalid_toml(self):
        assert problems('plan = "p"\ntouchpoints = [\n', format="toml") == [
            "line 3, column 1: this is not valid TOML: invalid value"
        ]

    def test_json_problems_have_lines_too(self):
        text = '{\n  "plan": "p",\n  "touchpoints": [\n    {"id": "a", "title": "A",\n'
        text += '     "channel": "call", "evry": "1 day"}\n  ]\n}\n'
        assert problems(text, format="json") == [
            "line 5, column 25, touchpoints[0].evry: unknown key 'evry'; did you mean 'every'?"
        ]

    def test_toml_problems_have_lines_for_keys_on_their_own_line(self):
        text = 'plan = "p"\n\n[[touchpoints]]\nid = "a"\ntitle = "A"\nchannel = "call"\n'
        text += 'at = "purchase"\n\n[[touchpoints]]\nid = "b"\ntitle = "B"\n'
        text += 'channel = "call"\nevery = "0 days"\nstarting = "purchase"\n'
        assert problems(text, format="toml") == [
            "line 13, column 9, touchpoints[1].every: the interval must be longer than "
            "zero, such as '90 days'; found '0 days'"
        ]

    def test_toml_problems_inside_inline_tables_point_at_the_enclosing_key(self):
        text = 'plan = "p"\nanchors = { renewal = "purchase plus 3 years" }\n'
        text += 'touchpoints = [\n  { id = "a", title = "A", channel = "call", at = 5 },\n]\n'
        assert problems(text, format="toml") == [
            "line 2, column 11, anchors.renewal: 'purchase plus 3 years' is not a date "
            "expression; write an anchor name, optionally plus or minus a duration, like "
            "'purchase', 'purchase + 2 weeks' or 'renewal - 60 days'",
            "line 3, column 15, touchpoints[0].at: found the number 5, but a date is an "
            "anchor name, optionally plus or minus a duration, such as 'purchase + 5 days'",
        ]

    def test_an_unknown_format_is_a_value_error(self):
        with pytest.raises(ValueError, match="format must be 'yaml', 'json' or 'toml'"):
            parse_plan_text("plan: p", format="ini")

    def test_a_file_with_an_unknown_extension(self, tmp_path: Path):
        path = tmp_path / "plan.txt"
        path.write_text("plan: p\n", encoding="utf-8")
        with pytest.raises(PlanError) as caught:
            load_plan(path)
        assert [str(p) for p in caught.value.problems] == [
            "cannot tell the file's format from '.txt'; give it one of these extensions: "
            ".json, .toml, .yaml, .yml"
        ]

    def test_a_missing_file(self, tmp_path: Path):
        with pytest.raises(PlanError) as caught:
            load_plan(tmp_path / "nowhere.yaml")
        assert [str(p) for p in caught.value.problems] == [
            "cannot read the file: No such file or directory"
        ]


class TestInMemoryData:
    def test_parse_plan_reports_paths_without_lines(self):
        with pytest.raises(PlanError) as caught:
            parse_plan({"plan": "p", "touchpoints": [{"id": "a", "title": "A", "at": "x"}]})
        assert [str(p) for p in caught.value.problems] == [
            "touchpoints[0].channel: the required key 'channel' is missing"
        ]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
RULE_KEYS = sorted(info.alias or name for name, info in Rule.model_fields.items())
PLAN_KEYS = sorted(info.alias or name for name, info in Plan.model_fields.items())


def mappings(
    keys: list[str], values: st.SearchStrategy[object]
) -> st.SearchStrategy[dict[str, object]]:
    known = st.sampled_from([*keys, "evry", "titel"])
    return st.dictionaries(known, values, max_size=len(keys))


class TestMessagesNeverLeakInternals:
    @given(
        mappings(
            PLAN_KEYS,
            JSON_VALUES | st.lists(mappings(RULE_KEYS, JSON_VALUES | st.text()), max_size=3),
        )
    )
    def test_no_pydantic_wording_urls_or_type_names(self, data: dict[str, object]):
        error = plan_error(data)
        if error is None:
            return  # (almost never) a valid plan
        message = str(error)
        for leak in ("pydantic", "https://", "function-", "Value error", "Input should"):
            assert leak not in message
        assert "[type=" not in message
        assert all(problem.message for problem in error.problems)


def plan_error(data: dict[str, object]) -> PlanError | None:
    try:
        parse_plan(data)
    except PlanError as error:
        return error
    return None
