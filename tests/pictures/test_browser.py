"""The timeline page in a real headless browser (Debian's chromium through Playwright):
every touch point is in the page, hover text names the reason, no console errors, and
the picture is not blank.

Run as a script, it writes the screenshots the docs show::

    python tests/pictures/test_browser.py docs/_static/timeline.png \
        docs/_static/customer-plan.png docs/_static/load.png
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from touchpoints._cli import EXIT_OK, main

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"


def render(browser: Browser, page_file: Path) -> tuple[Page, list[str]]:
    """Open ``page_file``; return the page and the console errors (and page errors)."""
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    errors += [f"fetched {url}" for url in requests if url != page_file.as_uri()]
    return page, errors


@pytest.fixture
def timeline_page(tmp_path: Path, plan_data) -> Path:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_data), encoding="utf-8")
    out = tmp_path / "timeline.html"
    argv = [
        "timeline",
        str(plan),
        "--anchor",
        "purchase=2026-03-23",
        "--subject-id",
        "cust-1",
        "--today",
        "2026-05-01",
        "-o",
        str(out),
    ]
    assert main(argv) == EXIT_OK
    return out


@pytest.fixture
def opened(browser: Browser, timeline_page: Path) -> Iterator[tuple[Page, list[str]]]:
    page, errors = render(browser, timeline_page)
    yield page, errors
    page.close()


def test_every_touch_point_is_in_the_page_and_visible(opened, result) -> None:
    page, _ = opened
    marks = page.locator("g.mark")
    ids = marks.evaluate_all("gs => gs.map(g => g.dataset.id).filter(Boolean)")
    assert sorted(ids) == sorted(tp.id for tp in result)
    names = marks.evaluate_all("gs => gs.map(g => g.dataset.name)")
    assert names == ["check-up #1", "survey #1", "install #1", "training #1"]
    for n in range(marks.count()):
        box = marks.nth(n).locator("circle").last.bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["height"] > 0


def test_hover_text_names_the_reason_for_each_move(opened) -> None:
    page, _ = opened
    expected = {
        "check-up #1": "holiday: Easter Monday",
        "survey #1": "spacing of 3 days with 'check-up' #1",
        "training #1": "merged into 'install' #1 on Mon 2026-06-01",
    }
    for name, reason in expected.items():
        mark = page.locator(f'g.mark[data-name="{name}"]')
        mark.locator("circle").last.hover()
        title = mark.locator(":scope > title").text_content() or ""
        assert reason in title, title
        # And in print: the numbered note below the lanes says the same.
        note = page.locator(f'text.note[data-for="{name}"]').text_content() or ""
        assert reason in note


def test_the_page_has_no_console_errors_and_fetches_nothing(opened) -> None:
    page, errors = opened
    assert page.title() == "pictures: cust-1"
    assert errors == []


def test_a_screenshot_is_not_blank(opened, colours) -> None:
    page, _ = opened
    shot = page.locator("figure svg").screenshot()
    # White, the lane shading, text, lines and marks: a blank or one-colour picture
    # would have one or two.
    assert colours(shot) >= 8


def test_the_page_prints_on_one_a4_landscape_sheet(opened) -> None:
    page, _ = opened
    pdf = page.pdf(prefer_css_page_size=True)
    # A4 landscape is 297 x 210 mm, 841.9 x 595.3 points, and the picture fits one sheet.
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert [(round(float(w)), round(float(h))) for w, h in boxes] == [(842, 595)]


def test_the_load_chart_in_the_browser(browser: Browser, tmp_path: Path, colours) -> None:
    out = tmp_path / "load.html"
    argv = [
        "load",
        str(EXAMPLES / "after-sales.yaml"),
        "--subjects",
        str(EXAMPLES / "customers.csv"),
        "--per",
        "month",
        "-o",
        str(out),
    ]
    assert main(argv) == EXIT_OK
    page, errors = render(browser, out)
    assert errors == []
    totals = page.locator("g.bar").evaluate_all("gs => gs.map(g => Number(g.dataset.total))")
    expected = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert totals == [period["total"] for period in expected["periods"]]
    hovers = page.locator("g.bar rect > title").all_text_contents()
    assert all(re.fullmatch(r"Month of \d{4}-\d{2}: [\d,]+ \w+", text) for text in hovers)
    assert colours(page.locator("figure svg").screenshot()) >= 8
    page.close()


def _shoot(page_file: Path, out: Path, *, height: int = 400) -> None:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium")
        page, errors = render(browser, page_file)
        assert errors == [], errors
        page.set_viewport_size({"width": 1200, "height": height})
        page.screenshot(path=str(out), full_page=True)
        browser.close()
    page_file.unlink()


def screenshot(out: Path) -> None:
    """Write a screenshot the docs show, chosen by the file's name: ``timeline.png``
    (the example plan's timeline for the example customer), ``customer-plan.png`` (the
    page that customer keeps) or ``load.png`` (the team's load, by owner)."""
    page_file = out.with_suffix(".html")
    os.chdir(ROOT)  # the pages name the files as typed: relative to the repository
    if out.stem == "load":
        argv = [
            "load",
            "examples/customer-plan.yaml",
            "--subjects",
            "examples/customers.csv",
            "--per",
            "month",
            "-o",
            str(page_file),
        ]
        assert main(argv) == EXIT_OK
        for extra in (".csv", ".json"):
            page_file.with_suffix(extra).unlink()
        _shoot(page_file, out)
        return
    plan = "customer-plan.yaml" if out.stem == "customer-plan" else "after-sales.yaml"
    argv = [
        "timeline",
        str(EXAMPLES / plan),
        "--subject",
        str(EXAMPLES / "customer.yaml"),
        "--today",
        "2026-06-01",
        "-o",
        str(page_file),
    ]
    if out.stem == "customer-plan":
        argv += ["--for", "customer"]
    assert main(argv) == EXIT_OK
    _shoot(page_file, out)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        screenshot(Path(name).resolve())
