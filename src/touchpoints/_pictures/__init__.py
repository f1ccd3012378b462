"""Pictures of plans: a subject's timeline (and the team's load).

Its submodules, each building on the ones listed before it:

- ``svg``: the building blocks of the SVG pictures (coordinates, labels).
- ``axis``: days to positions, and the ticks to label.
- ``marks``: what a timeline shows, read from a schedule (no drawing).
- ``timeline``: the timeline as SVG.
- ``page``: a picture as a printable, self-contained HTML page.
- ``customer``: the plan the customer keeps (only what a customer should see).
- ``customer_page``: that plan as the printable page the customer keeps.
- ``load``: the team's load, counted per week or month and channel (no drawing).
- ``load_chart``: the load as a stacked bar chart in SVG.
- ``load_page``: the load charts of all owners and of each, with a choice of owner.
"""

from __future__ import annotations

from touchpoints._pictures.axis import TimeAxis
from touchpoints._pictures.customer import (
    CUSTOMER_KINDS,
    CUSTOMER_NAMESPACE,
    CustomerTouchPoint,
    customer_calendar_uid,
    customer_touch_point_id,
    for_customer,
)
from touchpoints._pictures.customer_page import customer_page
from touchpoints._pictures.load import Load, LoadCounter, count_load
from touchpoints._pictures.load_chart import load_svg
from touchpoints._pictures.load_page import ALL_OWNERS, load_page
from touchpoints._pictures.marks import Lane, Mark, OriginalKey, marks_of
from touchpoints._pictures.page import html_page
from touchpoints._pictures.timeline import timeline_svg

__all__ = [
    "ALL_OWNERS",
    "CUSTOMER_KINDS",
    "CUSTOMER_NAMESPACE",
    "CustomerTouchPoint",
    "Lane",
    "Load",
    "LoadCounter",
    "Mark",
    "OriginalKey",
    "TimeAxis",
    "count_load",
    "customer_calendar_uid",
    "customer_page",
    "customer_touch_point_id",
    "for_customer",
    "html_page",
    "load_page",
    "load_svg",
    "marks_of",
    "timeline_svg",
]
