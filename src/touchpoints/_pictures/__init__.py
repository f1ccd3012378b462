"""Pictures of plans: a subject's timeline (and the team's load).

Its submodules, each building on the ones listed before it:

- ``axis``: days to positions, and the ticks to label.
- ``marks``: what a timeline shows, read from a schedule (no drawing).
- ``timeline``: the timeline as SVG.
- ``page``: a picture as a printable, self-contained HTML page.
- ``customer``: the plan the customer keeps (only what a customer should see).
"""

from __future__ import annotations

from touchpoints._pictures.axis import TimeAxis
from touchpoints._pictures.customer import (
    CUSTOMER_NAMESPACE,
    CustomerTouchPoint,
    customer_calendar_uid,
    customer_touch_point_id,
    for_customer,
)
from touchpoints._pictures.marks import Lane, Mark, marks_of
from touchpoints._pictures.page import html_page
from touchpoints._pictures.timeline import timeline_svg

__all__ = [
    "CUSTOMER_NAMESPACE",
    "CustomerTouchPoint",
    "Lane",
    "Mark",
    "TimeAxis",
    "customer_calendar_uid",
    "customer_touch_point_id",
    "for_customer",
    "html_page",
    "marks_of",
    "timeline_svg",
]
