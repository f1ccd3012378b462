"""touchpoints: after-sales touch-point plans to deterministic contact schedules.

>>> from datetime import date
>>> from touchpoints import Plan, Subject, schedule
>>> plan = Plan.model_validate({
...     "plan": "after-sales", "timezone": "Europe/Berlin", "contact_time": "10:00",
...     "touchpoints": [{"id": "check-up", "title": "Check-up call", "channel": "call",
...                      "at": "purchase + 2 weeks"}],
... })
>>> subject = Subject(id="cust-42", anchors={"purchase": date(2026, 1, 15)})
>>> [(tp.rule_id, tp.due.isoformat()) for tp in schedule(plan, subject)]
[('check-up', '2026-01-29T10:00:00+01:00')]
"""

from __future__ import annotations

from touchpoints._durations import AnchorExpression, Duration
from touchpoints._engine import (
    DEFAULT_LIMIT,
    Omission,
    Schedule,
    TouchPoint,
    schedule,
    schedule_many,
)
from touchpoints._errors import (
    MissingAnchorError,
    PlanError,
    Problem,
    ScheduleError,
    SubjectError,
    TooManyTouchPointsError,
    TouchpointsError,
)
from touchpoints._ids import NAMESPACE, touch_point_id
from touchpoints._models import Plan, Rule, Subject

__all__ = [
    "DEFAULT_LIMIT",
    "NAMESPACE",
    "AnchorExpression",
    "Duration",
    "MissingAnchorError",
    "Omission",
    "Plan",
    "PlanError",
    "Problem",
    "Rule",
    "Schedule",
    "ScheduleError",
    "Subject",
    "SubjectError",
    "TooManyTouchPointsError",
    "TouchPoint",
    "TouchpointsError",
    "schedule",
    "schedule_many",
    "touch_point_id",
]
