"""``touchpoints timeline``: the picture written as a self-contained page or SVG."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from touchpoints._cli import EXIT_OK, EXIT_USAGE, main

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture
def plan_file(tmp_path: Path, plan_data) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_data), encoding="utf-8")
    return path


def svg_of(page: str) -> str:
    start = page.index("<svg")
    return page[start : page.index("</svg>") + len("</svg>")]


def test_the_html_page_is_self_contained_and_prints_on_a4_landscape(
    tmp_path: Path, plan_file: Path, capsys: pytest.CaptureFixture[str], svg
) -> None:
    out = tmp_path / "timeline.html"
    code = main(["timeline", str(plan_file), "--anchor", "purchase=2026-03-23", "-o", str(out)])
    assert code == EXIT_OK
    assert f"wrote {out}: 3 touch points" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert "@page { size: A4 landscape" in page
    assert "<script" not in page
    # The only address in the file is the SVG namespace: nothing is fetched.
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"]
    root = svg.parse(svg_of(page))
    assert [g.get("data-name") for g in svg.groups(root, "mark")] == [
        "check-up #1",
        "survey #1",
        "install #1",
        "training #1",
    ]


def test_a_merged_touch_point_gets_its_original_slot_from_the_plan_without_fatigue(
    tmp_path: Path, plan_file: Path, svg
) -> None:
    out = tmp_path / "timeline.svg"
    argv = ["timeline", str(plan_file), "--anchor", "purchase=2026-03-23", "-o", str(out)]
    assert main(argv) == EXIT_OK
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')
    root = svg.parse(text)
    [training] = [g for g in svg.groups(root, "mark") if g.get("data-name") == "training #1"]
    [original] = svg.groups(training, "original")
    # purchase + 71 days: 8 days left in March, 30 in April, 31 in May, then 2 June.
    assert original.get("data-day") == "2026-06-02"
    assert "Training visit" in svg.hover(training)


def test_derived_anchors_and_today_are_drawn(tmp_path: Path, svg) -> None:
    out = tmp_path / "t.svg"
    argv = [
        "timeline",
        str(EXAMPLES / "after-sales.yaml"),
        "--subject",
        str(EXAMPLES / "customer.yaml"),
        "--today",
        "2026-06-01",
        "-o",
        str(out),
    ]
    assert main(argv) == EXIT_OK
    root = svg.parse(out.read_text(encoding="utf-8"))
    # The renewal is three years after the purchase of 2026-01-15.
    anchors = [text for g in svg.groups(root, "anchor") for text in svg.texts(g)]
    assert anchors == ["purchase 2026-01-15", "renewal 2029-01-15"]
    assert [text for g in svg.groups(root, "today") for text in svg.texts(g)] == [
        "today 2026-06-01"
    ]
    # 1 check-up, 12 service visits, 1 reminder, 1 renewal meeting.
    assert len(svg.groups(root, "mark")) == 15
    assert root.find(f"{svg.NS}title") is not None


def test_lanes_by_channel(tmp_path: Path, plan_file: Path, svg) -> None:
    out = tmp_path / "t.svg"
    argv = [
        "timeline",
        str(plan_file),
        "--anchor",
        "purchase=2026-03-23",
        "--lanes",
        "channel",
        "-o",
        str(out),
    ]
    assert main(argv) == EXIT_OK
    root = svg.parse(out.read_text(encoding="utf-8"))
    labels = [t.text for t in root.iter(f"{svg.NS}text") if t.get("class") == "lane-label"]
    assert labels == ["call", "email", "visit"]


def test_another_kind_of_file_is_a_usage_error(
    tmp_path: Path, plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "timeline.png"
    argv = ["timeline", str(plan_file), "--anchor", "purchase=2026-03-23", "-o", str(out)]
    assert main(argv) == EXIT_USAGE
    assert "write the timeline to a .html or .svg file" in capsys.readouterr().err
    assert not out.exists()


@pytest.fixture
def customer_plan_file(tmp_path: Path, plan_data) -> Path:
    rules = [dict(rule) for rule in plan_data["touchpoints"]]
    rules[0]["customer"] = {"title": "We call to check all is well"}
    rules[2]["customer"] = True
    path = tmp_path / "customer-plan.json"
    path.write_text(json.dumps({**plan_data, "touchpoints": rules}), encoding="utf-8")
    return path


def test_the_customer_timeline_shows_only_customer_rules_in_their_words(
    tmp_path: Path, customer_plan_file: Path, svg
) -> None:
    out = tmp_path / "mine.svg"
    argv = [
        "timeline",
        str(customer_plan_file),
        "--anchor",
        "purchase=2026-03-23",
        "--for",
        "customer",
        "-o",
        str(out),
    ]
    assert main(argv) == EXIT_OK
    text = out.read_text(encoding="utf-8")
    root = svg.parse(text)
    # Named by the customer's title and a number, never by the team's rule id.
    assert [g.get("data-name") for g in svg.groups(root, "mark")] == [
        "We call to check all is well 1",
        "Installation visit 1",
    ]
    assert "check-up" not in text
    assert "install #" not in text
    assert "We call to check all is well" in text
    for internal in ("Check-up call", "Survey e-mail", "Training visit", "also covers"):
        assert internal not in text
    assert [g.get("data-kind") for g in svg.groups(root, "mark")] == ["rolled", "planned"]
    # The holiday roll is the customer's business too: it says why the call is on a Tuesday.
    assert "holiday: Easter Monday" in text


def test_the_customer_feed_uses_the_customer_namespace(
    tmp_path: Path, customer_plan_file: Path
) -> None:
    import uuid

    from touchpoints._pictures import CUSTOMER_NAMESPACE

    subject = tmp_path / "subject.yaml"
    subject.write_text("id: cust-1\nanchors:\n  purchase: 2026-03-23\n", encoding="utf-8")
    team, mine = tmp_path / "team.ics", tmp_path / "mine.ics"
    common = [
        "export",
        str(customer_plan_file),
        "--subject",
        str(subject),
        "--stamp",
        "2026-01-01T09:00:00Z",
    ]
    assert main([*common, "-o", str(team)]) == EXIT_OK
    assert main([*common, "--for", "customer", "-o", str(mine)]) == EXIT_OK
    uids = re.findall(r"^UID:(\S+)\r?$", mine.read_text(encoding="utf-8"), flags=re.MULTILINE)
    # The calendar's own UID first, then one per touch point: all in the customer namespace.
    expected = [
        str(uuid.uuid5(CUSTOMER_NAMESPACE, "calendar\npictures\ncust-1")),
        *(
            str(uuid.uuid5(CUSTOMER_NAMESPACE, f"pictures\n{rule}\n1\ncust-1"))
            for rule in ("check-up", "install")
        ),
    ]
    assert uids == expected
    team_text = team.read_text(encoding="utf-8")
    assert not any(uid in team_text for uid in uids)
    assert team_text.count("BEGIN:VEVENT") == 3


def test_a_customer_feed_is_one_customers_without_owners(
    tmp_path: Path, customer_plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = str(customer_plan_file)
    many = ["--subjects", str(EXAMPLES / "customers.csv"), "-o", str(tmp_path / "all.ics")]
    assert main(["export", plan, *many, "--for", "customer"]) == EXIT_USAGE
    assert "give it with --subject" in capsys.readouterr().err
    subject = tmp_path / "subject.yaml"
    subject.write_text("id: cust-1\nanchors:\n  purchase: 2026-03-23\n", encoding="utf-8")
    one = ["--subject", str(subject), "--by-owner", "-o", str(tmp_path / "feeds")]
    assert main(["export", plan, *one, "--for", "customer"]) == EXIT_USAGE
    assert "a customer's feed has no owners" in capsys.readouterr().err
