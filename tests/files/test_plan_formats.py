"""Plan files in YAML, TOML and JSON: reading, round trips, examples and the schema."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import tomli_w
import yaml
from hypothesis import given

from touchpoints import (
    Plan,
    PlanError,
    Subject,
    load_plan,
    load_subjects,
    parse_plan,
    parse_plan_text,
    plan_anchor_names,
    plan_json_schema,
    schedule,
)
from touchpoints.testing import plans

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# The plan of the core issue, as data: every format below must read to this plan.
AFTER_SALES: dict[str, Any] = {
    "plan": "after-sales-standard",
    "version": 3,
    "name": "After-sales standard plan",
    "timezone": "Europe/Berlin",
    "contact_time": "10:00",
    "anchors": {"renewal": "purchase + 3 years"},
    "touchpoints": [
        {"id": "check-up", "title": "Two-week check-up call", "channel": "call",
         "at": "purchase + 2 weeks"},
        {"id": "service", "title": "Preventive service visit", "channel": "visit",
         "every": "90 days", "starting": "purchase + 90 days", "until": "renewal"},
        {"id": "renewal-reminder", "title": "Renewal is coming up", "channel": "email",
         "at": "renewal - 60 days"},
        {"id": "renewal", "title": "Renewal meeting", "channel": "meeting", "at": "renewal"},
    ],
}  # fmt: skip


def dump(plan: Plan, format: str) -> str:
    data = plan.model_dump(mode="json", exclude_none=True)
    if format == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if format == "toml":
        return tomli_w.dumps(data)
    return json.dumps(data, ensure_ascii=False, indent=2)


class TestFormats:
    @pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json", ".toml", ".YAML"])
    def test_each_format_reads_to_the_same_plan(self, tmp_path: Path, suffix: str):
        format = {".yml": "yaml", ".YAML": "yaml"}.get(suffix, suffix[1:])
        path = tmp_path / f"plan{suffix}"
        path.write_text(dump(Plan.model_validate(AFTER_SALES), format), encoding="utf-8")
        assert load_plan(path) == Plan.model_validate(AFTER_SALES)

    def test_an_unquoted_time_of_day_is_text_not_a_sexagesimal_number(self):
        # YAML 1.1 reads 10:00 as 600 (ten times sixty); a plan means ten o'clock.
        text = "plan: p\ncontact_time: 10:00\ntouchpoints:\n"
        text += "  - {id: a, title: A, channel: call, at: purchase}\n"
        assert parse_plan_text(text, format="yaml").contact_time == time(10, 0)

    def test_yes_no_on_and_off_are_text(self):
        # They are booleans in YAML 1.1; in a plan they are names, as in YAML 1.2.
        text = "plan: p\nanchors:\n  on: yes + 1 day\ntouchpoints:\n"
        text += "  - {id: a, title: no, channel: call, at: on, optional: true}\n"
        plan = parse_plan_text(text, format="yaml")
        assert list(plan.anchors) == ["on"]
        assert plan.subject_anchors() == ("yes",)
        assert (plan.rules[0].title, plan.rules[0].optional) == ("no", True)

    def test_a_byte_order_mark_is_allowed(self, tmp_path: Path):
        path = tmp_path / "plan.yaml"
        path.write_bytes(b"\xef\xbb\xbf" + yaml.safe_dump(AFTER_SALES).encode())
        assert load_plan(path) == Plan.model_validate(AFTER_SALES)

    def test_yaml_anchors_and_merge_keys_work_within_limits(self):
        text = """
plan: p
touchpoints:
  - &call {id: a, title: Call, channel: call, owner: Sales team, at: purchase}
  - <<: *call
    id: b
    at: purchase + 1 week
"""
        plan = parse_plan_text(text, format="yaml")
        assert [(r.id, r.owner, str(r.at)) for r in plan.rules] == [
            ("a", "Sales team", "purchase"),
            ("b", "Sales team", "purchase + 1 week"),
        ]

    def test_a_merge_key_merges_only_mappings(self):
        text = "plan: p\ntouchpoints:\n  - id: a\n    title: A\n    channel: call\n"
        text += "    at: purchase\n    <<: not a mapping\n"
        with pytest.raises(PlanError) as caught:
            parse_plan_text(text, format="yaml")
        assert [str(problem) for problem in caught.value.problems] == [
            "line 7, column 9: '<<' merges only mappings"
        ]

    def test_toml_local_times_are_accepted(self):
        text = 'plan = "p"\ncontact_time = 09:30:00\n[[touchpoints]]\n'
        text += 'id = "a"\ntitle = "A"\nchannel = "call"\nat = "purchase"\n'
        assert parse_plan_text(text, format="toml").contact_time == time(9, 30)

    @pytest.mark.parametrize("format", ["yml", "YAML", "Json"])
    def test_format_names_are_forgiving(self, format: str):
        text = json.dumps(AFTER_SALES)  # JSON is also valid YAML
        assert parse_plan_text(text, format=format) == Plan.model_validate(AFTER_SALES)

    def test_parse_plan_takes_plain_data(self):
        assert parse_plan(AFTER_SALES).id == "after-sales-standard"


class TestRoundTrips:
    @pytest.mark.parametrize("format", ["yaml", "toml", "json"])
    def test_the_example_plans_survive_dump_and_load(self, format: str):
        for name in ("after-sales.yaml", "saas-subscription.yaml"):
            plan = load_plan(EXAMPLES / name)
            assert parse_plan_text(dump(plan, format), format=format) == plan

    @given(plans())
    def test_every_generated_plan_survives_dump_and_load(self, plan: Plan):
        for format in ("yaml", "toml", "json"):
            assert parse_plan_text(dump(plan, format), format=format) == plan, format


class TestExamples:
    def test_the_yaml_and_json_after_sales_plans_are_the_plan_of_the_core_issue(self):
        expected = Plan.model_validate(AFTER_SALES)
        assert load_plan(EXAMPLES / "after-sales.yaml") == expected
        assert load_plan(EXAMPLES / "after-sales.json") == expected

    def test_the_after_sales_plan_schedules_the_single_customer(self):
        plan = load_plan(EXAMPLES / "after-sales.yaml")
        [subject] = load_subjects(EXAMPLES / "customer.yaml", anchors=plan_anchor_names(plan))
        assert subject == Subject(
            id="CUST-000042",
            timezone="America/New_York",
            anchors={"purchase": date(2026, 1, 15)},
            attributes={
                "name": "Jordan Smith",
                "company": "Smith & Daughters Bakery",
                "segment": "small-business",
            },
        )
        result = schedule(plan, subject)
        new_york = ZoneInfo("America/New_York")
        firsts = {tp.rule_id: tp.due for tp in result if tp.occurrence == 1}
        # 2026-01-15 + 2 weeks; renewal = 2029-01-15, reminder 60 days before it.
        assert firsts == {
            "check-up": datetime(2026, 1, 29, 10, tzinfo=new_york),
            "service": datetime(2026, 4, 15, 10, tzinfo=new_york),
            "renewal-reminder": datetime(2028, 11, 16, 10, tzinfo=new_york),
            "renewal": datetime(2029, 1, 15, 10, tzinfo=new_york),
        }
        # Service visits every 90 days from day 90 up to day 1096 (the renewal): 12.
        assert sum(tp.rule_id == "service" for tp in result) == 12

    def test_the_saas_plan_schedules_quarterly_first_mondays_and_two_reminders(self):
        plan = load_plan(EXAMPLES / "saas-subscription.yaml")
        subject = Subject(
            id="acct-7",
            anchors={"signup": date(2026, 1, 15), "contract_end": date(2027, 1, 14)},
        )
        result = schedule(plan, subject)
        new_york = ZoneInfo("America/New_York")
        health = [tp.due for tp in result if tp.rule_id == "health-check"]
        # Every third month from January 2026, first Mondays after the sign-up on the
        # 15th: April 6, July 6, October 5 (2026), January 4 (2027); the contract ends
        # on 2027-01-14, so that is the last.
        assert health == [
            datetime(2026, 4, 6, 9, 30, tzinfo=new_york),
            datetime(2026, 7, 6, 9, 30, tzinfo=new_york),
            datetime(2026, 10, 5, 9, 30, tzinfo=new_york),
            datetime(2027, 1, 4, 9, 30, tzinfo=new_york),
        ]
        others = {tp.rule_id: tp.due for tp in result if tp.rule_id != "health-check"}
        assert others == {
            "onboarding": datetime(2026, 1, 18, 9, 30, tzinfo=new_york),
            "renewal-reminder-90": datetime(2026, 10, 16, 9, 30, tzinfo=new_york),
            "renewal-reminder-30": datetime(2026, 12, 15, 9, 30, tzinfo=new_york),
        }

    def test_every_customer_in_the_csv_example_gets_a_schedule(self):
        plan = load_plan(EXAMPLES / "after-sales.yaml")
        subjects = list(load_subjects(EXAMPLES / "customers.csv", anchors=["purchase"]))
        assert len(subjects) == 300
        without = [s.id for s in subjects if "purchase" not in s.anchors]
        assert without == ["CUST-100629", "CUST-103256", "CUST-105587", "CUST-108621"]
        assert len({s.timezone for s in subjects}) >= 5
        purchases = [s.anchors["purchase"] for s in subjects if "purchase" in s.anchors]
        assert max(purchases).year - min(purchases).year >= 4
        for subject in subjects:
            if "purchase" in subject.anchors:
                assert len(schedule(plan, subject)) >= 4


def schema_text() -> str:
    return json.dumps(plan_json_schema(), indent=2, ensure_ascii=False) + "\n"


REGENERATE = (
    "the schema file is out of date with the models; regenerate both copies with "
    "'touchpoints schema > src/touchpoints/schema/plan.schema.json' and "
    "'touchpoints schema > docs/plan.schema.json'"
)


class TestJsonSchema:
    def test_the_shipped_schema_is_the_generated_one(self):
        shipped = resources.files("touchpoints") / "schema" / "plan.schema.json"
        assert shipped.read_text(encoding="utf-8") == schema_text(), REGENERATE

    def test_the_docs_schema_is_the_generated_one(self):
        docs = ROOT / "docs" / "plan.schema.json"
        assert docs.read_text(encoding="utf-8") == schema_text(), REGENERATE

    def test_the_schema_is_a_valid_json_schema(self):
        jsonschema.Draft202012Validator.check_schema(plan_json_schema())

    @pytest.mark.parametrize(
        "name", ["after-sales.yaml", "after-sales.json", "saas-subscription.yaml"]
    )
    def test_the_schema_accepts_the_examples(self, name: str):
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
        jsonschema.validate(data, plan_json_schema(), cls=jsonschema.Draft202012Validator)

    @pytest.mark.parametrize(
        "change",
        [
            {"colour": "blue"},
            {"touchpoints": []},
            {"contact_time": "25:00"},
            {"plan": "Not A Slug"},
        ],
    )
    def test_the_schema_rejects_what_the_models_reject(self, change: dict[str, Any]):
        data = {**AFTER_SALES, **change}
        with pytest.raises(PlanError):
            parse_plan(data)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, plan_json_schema(), cls=jsonschema.Draft202012Validator)

    def test_a_rule_needs_exactly_one_timing_in_the_schema_too(self):
        rule = {"id": "a", "title": "A", "channel": "call", "at": "x", "every": "1 day"}
        data = {**AFTER_SALES, "touchpoints": [rule]}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, plan_json_schema(), cls=jsonschema.Draft202012Validator)

    def test_priority_words_are_allowed_by_the_schema(self):
        rule = {"id": "a", "title": "A", "channel": "call", "at": "x", "priority": "high"}
        data = {**AFTER_SALES, "touchpoints": [rule]}
        jsonschema.validate(data, plan_json_schema(), cls=jsonschema.Draft202012Validator)
        assert parse_plan(data).rules[0].priority == 3
