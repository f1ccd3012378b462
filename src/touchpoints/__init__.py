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

from touchpoints._business import Adjustment, BusinessCalendar
from touchpoints._caldav import (
    CalendarResource,
    SyncPlan,
    SyncReport,
    plan_sync,
    sync_caldav,
)
from touchpoints._core import (
    DEFAULT_LIMIT,
    NAMESPACE,
    Conflict,
    Omission,
    Schedule,
    TouchPoint,
    explain_plan,
    explain_rule,
    schedule,
    schedule_many,
    touch_point_id,
)
from touchpoints._diff import DIFF_FIELDS, ScheduleDiff, TouchPointChange, diff
from touchpoints._durations import AnchorExpression, Duration
from touchpoints._errors import (
    CalendarReadError,
    DuplicateTouchPointError,
    ExportError,
    MissingAnchorError,
    PlanError,
    Problem,
    ScheduleError,
    SubjectError,
    SyncError,
    SyncScopeError,
    TemplateError,
    TooManyTouchPointsError,
    TouchpointsError,
)
from touchpoints._fatigue import Cap, Fatigue
from touchpoints._ical import (
    IcalUpdate,
    Revision,
    dump_ical_state,
    from_ical,
    load_ical_state,
    to_calendar,
    to_ical,
    to_ical_by_owner,
    update_ical,
    write_ical,
)
from touchpoints._models import ChannelWindow, HistoryEvent, Plan, Rule, Subject, Term
from touchpoints._parse import load_plan, parse_plan, parse_plan_text, plan_json_schema
from touchpoints._subjects import load_subjects, plan_anchor_names

__all__ = [
    "DEFAULT_LIMIT",
    "DIFF_FIELDS",
    "NAMESPACE",
    "Adjustment",
    "AnchorExpression",
    "BusinessCalendar",
    "CalendarReadError",
    "CalendarResource",
    "Cap",
    "ChannelWindow",
    "Conflict",
    "DuplicateTouchPointError",
    "Duration",
    "ExportError",
    "Fatigue",
    "HistoryEvent",
    "IcalUpdate",
    "MissingAnchorError",
    "Omission",
    "Plan",
    "PlanError",
    "Problem",
    "Revision",
    "Rule",
    "Schedule",
    "ScheduleDiff",
    "ScheduleError",
    "Subject",
    "SubjectError",
    "SyncError",
    "SyncPlan",
    "SyncReport",
    "SyncScopeError",
    "TemplateError",
    "Term",
    "TooManyTouchPointsError",
    "TouchPoint",
    "TouchPointChange",
    "TouchpointsError",
    "diff",
    "dump_ical_state",
    "explain_plan",
    "explain_rule",
    "from_ical",
    "load_ical_state",
    "load_plan",
    "load_subjects",
    "parse_plan",
    "parse_plan_text",
    "plan_anchor_names",
    "plan_json_schema",
    "plan_sync",
    "schedule",
    "schedule_many",
    "sync_caldav",
    "to_calendar",
    "to_ical",
    "to_ical_by_owner",
    "touch_point_id",
    "update_ical",
    "write_ical",
]
