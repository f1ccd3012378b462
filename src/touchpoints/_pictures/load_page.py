"""The load page: one chart for all the owners counted and one for each owner, with a
choice of owner on the page.

The choice is a group of radio buttons that CSS alone answers (``:checked`` and the
sibling combinator): no script, so the page works, and opens on "all owners", in any
browser, with scripts off, and in print, where the chosen owner's chart is printed.
Each chart has its own busiest periods, named below it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from touchpoints._pictures.load import Load
from touchpoints._pictures.load_chart import load_svg
from touchpoints._pictures.page import html_page

__all__ = ["ALL_OWNERS", "load_page"]

ALL_OWNERS = "All owners"
"""The label of the chart of every owner counted."""

_STYLE = """
.owner-choice { margin-right: 8px; }
.owner-page > label { margin-right: 14px; }
.owner-pick { margin: 0 4px 0 0; }
.views { margin-top: 12px; }
.view { display: none; margin: 0; }
@media print { .owner-choice, .owner-pick, .owner-page > label { display: none; } }
"""


def load_page(title: str, loads: Mapping[str | None, Load], *, lead: str = "") -> str:
    """The page of ``loads``: the chart of every owner counted (key None) first, then
    one per owner, shown one at a time as the owner chosen on the page; without owners,
    the chart alone.

    >>> from datetime import date
    >>> loads = {None: Load("week", {date(2026, 1, 5): {"call": 3, "visit": 1}}),
    ...          "Field": Load("week", {date(2026, 1, 5): {"visit": 1}})}
    >>> page = load_page("Load", loads)
    >>> page.count('<figure class="view"'), "<script" in page
    (2, False)
    >>> page.count(" checked>"), "1. week of 2026-01-05: 1 touch points" in page
    (1, True)
    """
    keys = [None, *sorted(owner for owner in loads if owner is not None)]
    if len(keys) == 1:  # no owners to choose from: the chart alone
        load = loads.get(None) or Load("week")
        return html_page(title, load_svg(load, title=title), lead=lead)
    choices, views, rules = [], [], []
    for n, owner in enumerate(keys):
        load = loads.get(owner) or Load(loads[keys[1]].per)
        label = ALL_OWNERS if owner is None else owner
        checked = " checked" if n == 0 else ""
        choices.append(
            f'<input type="radio" class="owner-pick" name="owner" id="owner-{n}"'
            f' value="{html.escape(owner or "")}"{checked}>'
            f'<label for="owner-{n}">{html.escape(label)}</label>'
        )
        heading = title if owner is None else f"{title}: {owner}"
        svg = load_svg(load, title=heading, ident=f"load-title-{n}")
        owner_attribute = html.escape(owner or "", quote=True)
        views.append(
            f'<figure class="view" id="view-{n}" data-owner="{owner_attribute}">\n{svg}</figure>'
        )
        rules.append(f"#owner-{n}:checked ~ .views #view-{n} {{ display: block; }}")
    # The radio buttons, their labels and the views are siblings, for the CSS rules.
    content = (
        '<div class="owner-page" role="radiogroup" aria-labelledby="owner-heading">\n'
        '<strong class="owner-choice" id="owner-heading">Owner:</strong>\n'
        + "\n".join(choices)
        + '\n<div class="views">\n'
        + "\n".join(views)
        + "\n</div>\n</div>\n"
    )
    style = _STYLE + "\n".join(rules) + "\n"
    return html_page(title, content, lead=lead, style=style, figure=False)
