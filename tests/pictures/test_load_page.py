"""The load page in a real headless browser: the owner chosen on the page shows that
owner's bars, counts and busiest weeks (the figures of ``load --owner``'s own CSV and
JSON), the page opens on all owners with scripts off, and prints the chosen chart."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from touchpoints._cli import EXIT_OK, main

from .test_browser import render

PLAN = {
    "plan": "team",
    "touchpoints": [
        {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 1 week",
         "owner": "Desk"},
        {"id": "visit", "title": "Visit", "channel": "visit", "at": "purchase + 30 days",
         "owner": "Field team"},
        {"id": "check", "title": "Check", "channel": "call", "at": "purchase + 60 days",
         "owner": "Field team"},
        {"id": "mail", "title": "Mail", "channel": "email", "at": "purchase + 30 days"},
    ],
}  # fmt: skip
FIRST = date(2026, 1, 1)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    crm = tmp_path / "crm.csv"
    # Purchases bunched at some days of the year, so some weeks are busier than others.
    rows = [f"c{n},{FIRST + timedelta(days=(n * n) % 120)}" for n in range(400)]
    crm.write_text("id,purchase\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return plan, crm


def run_load(files: tuple[Path, Path], out: Path, *owners: str) -> dict[str, Any]:
    plan, crm = files
    argv = ["load", str(plan), "--subjects", str(crm), "-o", str(out)]
    for owner in owners:
        argv += ["--owner", owner]
    assert main(argv) == EXIT_OK
    data: dict[str, Any] = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    with out.with_suffix(".csv").open(encoding="utf-8", newline="") as stream:
        data["csv"] = list(csv.DictReader(stream))
    return data


def shown(page: Page) -> tuple[list[tuple[str, int]], list[str], dict[str, int]]:
    """The visible chart's bars (period, total), busiest lines and count per channel."""
    view = page.locator("figure.view:visible")
    assert view.count() == 1
    bars = view.locator("g.bar").evaluate_all(
        "gs => gs.map(g => [g.dataset.period, Number(g.dataset.total)])"
    )
    busiest = view.locator("text.busiest").all_text_contents()
    channels: dict[str, int] = {}
    for channel, title in view.locator("g.bar rect").evaluate_all(
        "rs => rs.map(r => [r.dataset.channel, r.querySelector('title').textContent])"
    ):
        count = int(title.rsplit(": ", 1)[1].split(" ")[0].replace(",", ""))
        channels[channel] = channels.get(channel, 0) + count
    return [(period, total) for period, total in bars], busiest, channels


def expected(data: dict[str, Any]) -> tuple[list[tuple[str, int]], list[str], dict[str, int]]:
    """What a chart of this CSV and JSON shows: from the files, not from the page code."""
    bars = [(row["period_start"], int(row["total"])) for row in data["csv"]]
    busiest = [
        f"{n}. week of {entry['start']}: {entry['total']:,} touch points"
        for n, entry in enumerate(data["busiest"], start=1)
    ]
    channels = {
        channel: sum(int(row[channel]) for row in data["csv"]) for channel in data["channels"]
    }
    return bars, busiest, channels


def test_choosing_an_owner_shows_that_owners_figures(
    browser: Browser, tmp_path: Path, files: tuple[Path, Path]
) -> None:
    out = tmp_path / "load.html"
    everyone = run_load(files, out)
    alone = {
        owner: run_load(files, tmp_path / f"only-{n}.html", owner)
        for n, owner in enumerate(["Desk", "Field team", "unassigned"])
    }
    page, errors = render(browser, out)
    assert shown(page) == expected(everyone)
    for owner, data in alone.items():
        page.get_by_label(owner, exact=True).check()
        bars, busiest, channels = shown(page)
        assert (bars, busiest, channels) == expected(data), owner
        assert sum(total for _, total in bars) < sum(p["total"] for p in everyone["periods"])
    page.get_by_label("All owners", exact=True).check()
    assert shown(page) == expected(everyone)
    # The field team's figures differ from everyone's: the choice changes the chart.
    assert expected(alone["Field team"]) != expected(everyone)
    assert errors == []
    page.close()


def test_without_scripts_the_page_opens_on_all_owners_and_prints_the_choice(
    browser: Browser, tmp_path: Path, files: tuple[Path, Path]
) -> None:
    out = tmp_path / "load.html"
    everyone = run_load(files, out)
    assert "<script" not in out.read_text(encoding="utf-8")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(out.as_uri())
    assert shown(page) == expected(everyone)
    page.get_by_label("Desk", exact=True).check()
    page.emulate_media(media="print")
    assert page.locator("figure.view:visible").get_attribute("data-owner") == "Desk"
    assert not page.get_by_label("Desk", exact=True).is_visible()  # the choice is not printed
    context.close()
