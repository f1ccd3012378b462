"""The customer's timeline and page name each touch point by the customer's own title
and a number ("Service visit 4"), never by the team's rule id (#12)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from touchpoints import Plan, Subject, schedule
from touchpoints._cli import EXIT_OK, main
from touchpoints._pictures import customer_page, for_customer, timeline_svg

from .conftest import Svg

PURCHASE = date(2026, 3, 23)  # + 2 weeks is Easter Monday 2026-04-06
# Rule ids that appear nowhere else, so that any trace of them in a file is a leak.
SERVICE_ID = "qz-svc-7731"
CALL_ID = "kx-call-5519"
IDS = (SERVICE_ID, CALL_ID)

PLAN: dict[str, Any] = {
    "plan": "care",
    "calendar": {"holidays": "DE-BY"},
    "touchpoints": [
        {
            "id": CALL_ID,
            "title": "Check-up call",
            "channel": "call",
            "at": "purchase + 2 weeks",  # Easter Monday: rolls to Tuesday, with a note
            "customer": True,
        },
        {
            "id": SERVICE_ID,
            "title": "Maintenance run (team)",
            "channel": "visit",
            "every": "6 months",
            "starting": "purchase + 6 months",
            "count": 4,
            "customer": {"title": "Service visit"},
        },
    ],
}


def customer_view() -> Any:
    plan = Plan.model_validate(PLAN)
    return for_customer(schedule(plan, Subject(id="c-1", anchors={"purchase": PURCHASE})))


def assert_no_rule_id(data: bytes) -> None:
    for rule_id in IDS:
        assert rule_id.encode() not in data, rule_id
        assert rule_id.upper().encode() not in data.upper(), rule_id


def test_the_customer_timeline_names_the_customers_title_and_a_number() -> None:
    view = customer_view()
    root = Svg.parse(timeline_svg(view, title="Your dates"))
    hovers = [Svg.hover(g) for g in Svg.groups(root, "mark")]
    # The numbers are the occurrences, worked out here: 4 services, 1 call.
    assert [h.split(":")[0] for h in hovers] == [
        "Check-up call 1 (call)",
        "Service visit 1 (visit)",
        "Service visit 2 (visit)",
        "Service visit 3 (visit)",
        "Service visit 4 (visit)",
    ]
    assert hovers[0].endswith("rolled from Mon 2026-04-06: holiday: Easter Monday")
    notes = [t.text or "" for t in root.iter(f"{Svg.NS}text") if t.get("class") == "note"]
    assert notes == [
        "[1] Check-up call 1, Mon 2026-04-06 -> Tue 2026-04-07: holiday: Easter Monday"
    ]


def test_no_rule_id_is_in_the_customer_svg_or_page() -> None:
    view = customer_view()
    assert {tp.rule_id for tp in view} == set(IDS)  # they are there to leak
    anchors = {"purchase": PURCHASE}
    svg = timeline_svg(view, anchors=anchors, today=date(2026, 5, 1))
    assert_no_rule_id(svg.encode())
    assert_no_rule_id(customer_page(view, title="Your plan", anchors=anchors).encode())


def test_the_team_timeline_still_names_the_rule_ids() -> None:
    plan = Plan.model_validate(PLAN)
    team = schedule(plan, Subject(id="c-1", anchors={"purchase": PURCHASE}))
    svg = timeline_svg(team)
    assert f"{SERVICE_ID} #4".encode() in svg.encode()


@pytest.mark.parametrize("suffix", [".html", ".svg"])
def test_no_rule_id_is_in_the_files_the_command_writes(tmp_path: Path, suffix: str) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    out = tmp_path / f"mine{suffix}"
    argv = ["timeline", str(plan), "--anchor", "purchase=2026-03-23", "--for", "customer"]
    assert main([*argv, "-o", str(out)]) == EXIT_OK
    data = out.read_bytes()
    assert b"Service visit 4" in data
    assert_no_rule_id(data)
