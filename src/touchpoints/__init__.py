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

from types import FunctionType as _FunctionType

from touchpoints._core import (
    DEFAULT_LIMIT,
    NAMESPACE,
    OMISSION_KINDS,
    Conflict,
    Omission,
    OmissionKind,
    RuleOccurrence,
    Schedule,
    TouchPoint,
    explain_plan,
    explain_rule,
    schedule,
    schedule_many,
    touch_point_id,
)
from touchpoints._errors import (
    CalendarReadError,
    DuplicateTouchPointError,
    ExportError,
    JSONReadError,
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
from touchpoints._files import (
    load_plan,
    load_subjects,
    parse_plan,
    parse_plan_text,
    plan_anchor_names,
    plan_json_schema,
)
from touchpoints._ical import (
    ExportOptions,
    IcalState,
    IcalStateWrite,
    IcalUpdate,
    IcalWrite,
    Revision,
    dump_ical_state,
    from_ical,
    load_ical_state,
    to_ical,
    to_ical_by_owner,
    to_icalendar,
    update_ical,
    write_ical,
)
from touchpoints._model import (
    Adjustment,
    AnchorExpression,
    BusinessCalendar,
    Cap,
    ChannelWindow,
    Duration,
    Fatigue,
    HistoryEvent,
    Plan,
    Rule,
    Subject,
    Term,
)
from touchpoints._pictures import timeline_svg
from touchpoints._sync import (
    DIFF_FIELDS,
    CalendarResource,
    ScheduleDiff,
    SyncPlan,
    SyncReport,
    TouchPointChange,
    diff,
    plan_sync,
    sync_caldav,
)

__all__ = [
    "DEFAULT_LIMIT",
    "DIFF_FIELDS",
    "NAMESPACE",
    "OMISSION_KINDS",
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
    "ExportOptions",
    "Fatigue",
    "HistoryEvent",
    "IcalState",
    "IcalStateWrite",
    "IcalUpdate",
    "IcalWrite",
    "JSONReadError",
    "MissingAnchorError",
    "Omission",
    "OmissionKind",
    "Plan",
    "PlanError",
    "Problem",
    "Revision",
    "Rule",
    "RuleOccurrence",
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
    "timeline_svg",
    "to_ical",
    "to_ical_by_owner",
    "to_icalendar",
    "touch_point_id",
    "update_ical",
    "write_ical",
]

# Public names report the package as their home, so that tracebacks, reprs and the
# reference say ``touchpoints.PlanError``, not the private module that defines it.
# Where each is defined stays known (the documentation reads type hints there).
_DEFINED_IN: dict[str, str] = {}
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, (type, _FunctionType)):
        _DEFINED_IN[_name] = _value.__module__
        _value.__module__ = __name__
del _name, _value
