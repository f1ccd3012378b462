"""The pictures of the docs, drawn from the examples while the docs build.

``{picture} NAME`` puts the picture NAME into the page as inline SVG (so hover text
works) and writes it to ``_pictures/NAME.svg`` in the build, drawn by
:func:`touchpoints.timeline_svg` (or the load chart) from the plans below and the
repository's ``examples/``. Nothing is stored: a picture cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _plan(rules: list[dict[str, Any]], **keys: Any) -> Any:
    from touchpoints import Plan

    return Plan.model_validate({"plan": "docs", **keys, "touchpoints": rules})


def _timeline(plan: Any, anchors: dict[str, date], title: str, **options: Any) -> str:
    from touchpoints import Subject, schedule, timeline_svg

    subject = Subject(id="example", anchors=anchors)
    originals = {}
    if plan.fatigue is not None:
        unresolved = schedule(plan.model_copy(update={"fatigue": None}), subject)
        originals = {(tp.rule_id, tp.term, tp.occurrence): tp.due for tp in unresolved}
    return timeline_svg(
        schedule(plan, subject),
        anchors=anchors,
        title=title,
        plan=plan,
        originals=originals,
        **options,
    )


def tutorial() -> str:
    from touchpoints import load_plan, load_subjects, schedule, timeline_svg
    from touchpoints._cli.timeline import anchor_dates

    plan = load_plan(EXAMPLES / "after-sales.yaml")
    [subject] = load_subjects(EXAMPLES / "customer.yaml")
    return timeline_svg(
        schedule(plan, subject),
        anchors=anchor_dates(plan, subject),
        title=f"{plan.name}: {subject.id}",
    )


def month_end() -> str:
    rule = {
        "id": "monthly",
        "title": "Monthly check-in",
        "channel": "call",
        "every": "1 month",
        "starting": "purchase",
        "count": 6,
    }
    return _timeline(
        _plan([rule]),
        {"purchase": date(2024, 1, 31)},
        "Every month from 31 January: the 29th in February, the 31st again in March",
    )


def holiday() -> str:
    rule = {
        "id": "check-up",
        "title": "Check-up call",
        "channel": "call",
        "at": "purchase + 2 weeks",
    }
    plan = _plan([rule], calendar={"holidays": "DE-BY"})
    return _timeline(
        plan, {"purchase": date(2026, 3, 23)}, "A holiday move: Easter Monday rolls to Tuesday"
    )


def fatigue() -> str:
    rules = [
        {
            "id": "install",
            "title": "Installation visit",
            "channel": "visit",
            "at": "purchase + 14 days",
            "priority": "high",
        },
        {
            "id": "training",
            "title": "Training visit",
            "channel": "visit",
            "at": "purchase + 16 days",
        },
        {"id": "survey", "title": "Survey e-mail", "channel": "email", "at": "purchase + 15 days"},
    ]
    plan = _plan(rules, fatigue={"spacing": "7 days"})
    return _timeline(
        plan,
        {"purchase": date(2026, 1, 12)},
        "Contact fatigue: a visit merged into another, an e-mail moved",
    )


def load() -> str:
    from touchpoints import load_plan, load_subjects, plan_anchor_names, schedule_many
    from touchpoints._pictures import count_load, load_svg

    plan = load_plan(EXAMPLES / "after-sales.yaml")
    subjects = [
        s
        for s in load_subjects(EXAMPLES / "customers.csv", anchors=plan_anchor_names(plan))
        if "purchase" in s.anchors
    ]
    counted = count_load(schedule_many(plan, subjects), per="month")
    return load_svg(counted, title=f"{plan.name}: touch points per month, by channel")


PICTURES: dict[str, Callable[[], str]] = {
    "tutorial": tutorial,
    "month-end": month_end,
    "holiday": holiday,
    "fatigue": fatigue,
    "load": load,
}


class Picture(SphinxDirective):
    """``{picture} NAME``: one of :data:`PICTURES`, inline, and as a file in the build."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        if name not in PICTURES:
            raise self.error(f"no picture {name!r}; there are {', '.join(PICTURES)}")
        svg = PICTURES[name]()
        folder = Path(self.env.app.outdir) / "_pictures"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.svg").write_text(svg, encoding="utf-8")
        html = f'<figure class="touchpoints-picture" id="picture-{name}">\n{svg}</figure>\n'
        return [nodes.raw("", html, format="html")]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("picture", Picture)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
