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

import sys as _sys
import typing as _typing
from importlib import import_module as _import_module
from types import FunctionType as _FunctionType

# The errors load with the package: they are small, and they are what callers catch.
from touchpoints._errors import (
    CalendarReadError,
    DuplicateTouchPointError,
    DurationError,
    ExportError,
    JSONReadError,
    MeterError,
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

# Everything else loads on first use (PEP 562), so that ``import touchpoints`` stays
# cheap and a host that only schedules never loads the iCalendar, CalDAV, file-format or
# picture code. Type checkers and readers see the imports below; the package resolves
# each name from _SOURCES when it is first asked for. A new public name goes in three
# places, which tests/test_lazy_imports.py keeps in step: this block, _SOURCES and
# __all__.
if _typing.TYPE_CHECKING:
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
        iter_ical,
        load_ical_state,
        to_ical,
        to_ical_by_owner,
        to_icalendar,
        update_ical,
        write_ical,
    )
    from touchpoints._model import (
        ADJUSTMENT_KINDS,
        Adjustment,
        AdjustmentKind,
        AnchorExpression,
        BusinessCalendar,
        Cap,
        ChannelWindow,
        Duration,
        Fatigue,
        HistoryEvent,
        Meter,
        MeterReading,
        Plan,
        Rule,
        Subject,
        Term,
        Usage,
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
    "ADJUSTMENT_KINDS",
    "DEFAULT_LIMIT",
    "DIFF_FIELDS",
    "NAMESPACE",
    "OMISSION_KINDS",
    "Adjustment",
    "AdjustmentKind",
    "AnchorExpression",
    "BusinessCalendar",
    "CalendarReadError",
    "CalendarResource",
    "Cap",
    "ChannelWindow",
    "Conflict",
    "DuplicateTouchPointError",
    "Duration",
    "DurationError",
    "ExportError",
    "ExportOptions",
    "Fatigue",
    "HistoryEvent",
    "IcalState",
    "IcalStateWrite",
    "IcalUpdate",
    "IcalWrite",
    "JSONReadError",
    "Meter",
    "MeterError",
    "MeterReading",
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
    "Usage",
    "diff",
    "dump_ical_state",
    "explain_plan",
    "explain_rule",
    "from_ical",
    "iter_ical",
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

_SOURCES: dict[str, tuple[str, ...]] = {
    "_core": (
        "DEFAULT_LIMIT",
        "NAMESPACE",
        "OMISSION_KINDS",
        "Conflict",
        "Omission",
        "OmissionKind",
        "RuleOccurrence",
        "Schedule",
        "TouchPoint",
        "explain_plan",
        "explain_rule",
        "schedule",
        "schedule_many",
        "touch_point_id",
    ),
    "_files": (
        "load_plan",
        "load_subjects",
        "parse_plan",
        "parse_plan_text",
        "plan_anchor_names",
        "plan_json_schema",
    ),
    "_ical": (
        "ExportOptions",
        "IcalState",
        "IcalStateWrite",
        "IcalUpdate",
        "IcalWrite",
        "Revision",
        "dump_ical_state",
        "from_ical",
        "iter_ical",
        "load_ical_state",
        "to_ical",
        "to_ical_by_owner",
        "to_icalendar",
        "update_ical",
        "write_ical",
    ),
    "_model": (
        "ADJUSTMENT_KINDS",
        "Adjustment",
        "AdjustmentKind",
        "AnchorExpression",
        "BusinessCalendar",
        "Cap",
        "ChannelWindow",
        "Duration",
        "Fatigue",
        "HistoryEvent",
        "Meter",
        "MeterReading",
        "Plan",
        "Rule",
        "Subject",
        "Term",
        "Usage",
    ),
    "_pictures": ("timeline_svg",),
    "_sync": (
        "DIFF_FIELDS",
        "CalendarResource",
        "ScheduleDiff",
        "SyncPlan",
        "SyncReport",
        "TouchPointChange",
        "diff",
        "plan_sync",
        "sync_caldav",
    ),
}
"""Where each public name other than the errors is defined: its package, by package."""

_SOURCE_OF: dict[str, str] = {
    name: f"{__name__}.{package}" for package, names in _SOURCES.items() for name in names
}

# Public names report the package as their home, so that tracebacks, reprs and the
# reference say ``touchpoints.PlanError``, not the private module that defines it.
# Where each is defined stays known (the documentation reads type hints there).
_DEFINED_IN: dict[str, str] = {}
_PRESENTED: set[str] = set()
_MISSING = object()


def _present_as_public() -> None:
    """Give every public name of the packages loaded so far the package as its home.

    A package that is still loading is passed over; a later call finishes it.
    """
    for name in __all__:
        if name in _PRESENTED:
            continue
        home = _sys.modules.get(_SOURCE_OF.get(name, __name__))
        value = vars(home).get(name, _MISSING) if home is not None else _MISSING
        if value is _MISSING:
            continue
        _PRESENTED.add(name)
        if isinstance(value, (type, _FunctionType)) and value.__module__ != __name__:
            _DEFINED_IN[name] = value.__module__
            value.__module__ = __name__


if not _typing.TYPE_CHECKING:  # type checkers read the imports above instead

    def __getattr__(name: str) -> object:
        source = _SOURCE_OF.get(name)
        if source is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(_import_module(source), name)
        globals()[name] = value
        _present_as_public()
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


_present_as_public()
