"""The page the customer keeps (``timeline --for customer -o plan.html``): their dates
in their zone and words, nothing internal anywhere in the file, A4 print, and the
timeline of the same dates; opened in a real headless browser."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser

from touchpoints import Plan, Subject, schedule
from touchpoints._cli import EXIT_OK, main
from touchpoints._pictures import customer_touch_point_id

from .test_browser import render

PURCHASE = date(2026, 3, 23)
ZONE = "America/New_York"
INTERNAL_TITLE = "Upsell: premium tier reminder"
INTERNAL_WORDS = "Push the premium tier before the renewal talk"
TEAM_TITLE = "Survey e-mail"  # the survey's team title: the customer sees their own words


def customer_plan(plan_data: dict[str, Any]) -> dict[str, Any]:
    rules = [dict(rule) for rule in plan_data["touchpoints"]]
    rules[0]["customer"] = True  # check-up: as it is
    rules[1]["customer"] = {
        "title": "Tell us how we did",
        "description": "Two minutes, by e-mail.",
    }
    rules[2]["customer"] = {"title": "We install your machine"}
    rules[2]["owner"] = "Field team"
    # training (merged into the installation) stays internal, and so does this one.
    rules.append(
        {
            "id": "upsell",
            "title": INTERNAL_TITLE,
            "description": INTERNAL_WORDS,
            "channel": "email",
            "owner": "Sales desk",
            "tags": ["revenue"],
            "at": "purchase + 200 days",
        }
    )
    return {
        **plan_data,
        "name": "Care plan",
        "timezone": "Europe/Berlin",
        "contact_time": "10:00",
        "touchpoints": rules,
    }


@pytest.fixture
def page_file(tmp_path: Path, plan_data: dict[str, Any]) -> Path:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(customer_plan(plan_data)), encoding="utf-8")
    subject = tmp_path / "customer.json"
    subject.write_text(
        json.dumps({"id": "cust-7", "timezone": ZONE, "anchors": {"purchase": str(PURCHASE)}}),
        encoding="utf-8",
    )
    out = tmp_path / "plan.html"
    argv = ["timeline", str(plan), "--subject", str(subject), "--for", "customer", "-o", str(out)]
    assert main(argv) == EXIT_OK
    return out


def expected_dates() -> dict[str, datetime]:
    """The customer's touch points, worked out here: 10:00 in the customer's zone on the
    rule's day, off Bavarian holidays, and the survey three days after the call."""
    zone = ZoneInfo(ZONE)
    call = PURCHASE + timedelta(days=15)  # + 2 weeks is Easter Monday: rolls to Tuesday
    return {
        "check-up": datetime.combine(call, datetime.min.time(), zone).replace(hour=10),
        # + 15 days is the call's day: fatigue moves it until 3 days apart
        "survey": datetime.combine(call + timedelta(days=3), datetime.min.time(), zone).replace(
            hour=10
        ),
        "install": datetime.combine(
            PURCHASE + timedelta(days=70), datetime.min.time(), zone
        ).replace(hour=10),
    }


def test_nothing_internal_is_anywhere_in_the_file(page_file: Path) -> None:
    data = page_file.read_bytes()
    for internal in (INTERNAL_TITLE, INTERNAL_WORDS, "Sales desk", "Field team", "revenue"):
        assert internal.encode() not in data, internal
        assert json.dumps(internal)[1:-1].encode() not in data
    assert b"upsell" not in data
    assert b"Training visit" not in data
    assert b"training" not in data
    assert TEAM_TITLE.encode() not in data  # the survey in the customer's words only
    # Nor the moves the team makes for contact fatigue, which name other rules.
    assert b"spacing of" not in data
    assert b"merged into" not in data
    assert b"also covers" not in data


def test_the_dates_are_the_customers_in_their_zone_and_words(page_file: Path) -> None:
    page = page_file.read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-id="([^"]+)">(.*?)</tr>', page)
    ids = [ident for ident, _ in rows]
    want = expected_dates()
    assert ids == [
        customer_touch_point_id("pictures", "cust-7", rule, 1) for rule in want
    ]  # in date order, ids in the customer's namespace
    words = ["Check-up call", "Tell us how we did", "We install your machine"]
    for (_, row), (rule, due), title in zip(rows, want.items(), words, strict=True):
        day = f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[due.weekday()]} {due.date()}"
        assert day in row, (rule, row)
        assert f"{due:%H:%M} ({ZONE})" in row
        assert title in row
    assert "Two minutes, by e-mail." in rows[1][1]
    # The roll off Easter Monday says why the call is on Tuesday.
    assert "Moved from Mon 2026-04-06: holiday: Easter Monday." in rows[0][1]
    assert "Phone call" in rows[0][1]
    assert "Visit" in rows[2][1]
    assert "@page { size: A4 portrait" in page
    assert "<script" not in page


def test_in_the_browser_every_touch_point_appears_and_it_prints_on_a4(
    browser: Browser, page_file: Path, colours, plan_data: dict[str, Any]
) -> None:
    plan = Plan.model_validate(customer_plan(plan_data))
    team = schedule(plan, Subject(id="cust-7", timezone=ZONE, anchors={"purchase": PURCHASE}))
    customer_rules = {"check-up", "survey", "install"}
    want = sorted(
        customer_touch_point_id(tp.plan_id, tp.subject_id, tp.rule_id, tp.occurrence)
        for tp in team
        if tp.rule_id in customer_rules
    )
    assert len(want) == 3
    page, errors = render(browser, page_file)
    listed = page.locator("table.dates tr[data-id]")
    assert sorted(listed.evaluate_all("rs => rs.map(r => r.dataset.id)")) == want
    for n in range(listed.count()):
        assert listed.nth(n).is_visible()
    marks = page.locator("g.mark")
    assert sorted(marks.evaluate_all("gs => gs.map(g => g.dataset.id)")) == want
    assert page.title() == "Your plan: Care plan"
    assert errors == []
    assert colours(page.screenshot(full_page=True)) >= 8
    assert colours(page.locator("figure svg").screenshot()) >= 8
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    sizes = [(round(float(w)), round(float(h))) for w, h in boxes]
    # The list on A4 portrait (595 x 842 points), the timeline on one A4 landscape sheet.
    assert set(sizes) == {(595, 842), (842, 595)}, sizes
    assert sizes.count((842, 595)) == 1, sizes
    page.close()
