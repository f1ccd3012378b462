"""The public surface: what ``touchpoints`` exports, and how those names present themselves."""

from __future__ import annotations

import doctest
import re
import sys
import traceback
from pathlib import Path
from types import FunctionType

import pytest

import touchpoints

API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.md"

# Adding a name is a decision: add it here, to docs/api.md and to the changelog.
PUBLIC = [
    "ADJUSTMENT_KINDS",
    "Adjustment",
    "AdjustmentKind",
    "AnchorExpression",
    "BusinessCalendar",
    "CalendarReadError",
    "CalendarResource",
    "Cap",
    "ChannelWindow",
    "Conflict",
    "DEFAULT_LIMIT",
    "DIFF_FIELDS",
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
    "NAMESPACE",
    "OMISSION_KINDS",
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
CALLABLES = [
    name for name in PUBLIC if isinstance(getattr(touchpoints, name), (type, FunctionType))
]


def test_the_exported_names_are_exactly_the_public_ones() -> None:
    assert sorted(touchpoints.__all__) == sorted(PUBLIC)
    assert len(set(touchpoints.__all__)) == len(touchpoints.__all__)


def test_no_other_public_looking_name_leaks_from_the_package() -> None:
    stray = {
        name
        for name in vars(touchpoints)
        if not name.startswith(("_", "@")) and name not in PUBLIC and name != "annotations"
    }
    # Sub-packages that are public in their own right.
    assert stray <= {"testing", "batch", "dask", "spark"}, stray


@pytest.mark.parametrize("name", CALLABLES)
def test_every_public_name_reports_the_package_as_its_module(name: str) -> None:
    assert getattr(touchpoints, name).__module__ == "touchpoints"


def test_a_traceback_names_the_public_error() -> None:
    try:
        touchpoints.parse_plan_text("plan: x\ntouchpoints: []\n", format="yaml")
    except touchpoints.PlanError as error:
        shown = "".join(traceback.format_exception_only(type(error), error))
    assert shown.startswith("touchpoints.PlanError: ")


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_is_in_the_reference_once(name: str) -> None:
    page = API_PAGE.read_text(encoding="utf-8")
    found = re.findall(rf"^\.\. auto\w+:: touchpoints\.{re.escape(name)}$", page, re.M)
    assert len(found) == 1, f"{name} is listed {len(found)} times in docs/api.md"


@pytest.mark.parametrize("name", CALLABLES)
def test_every_public_name_has_a_docstring_with_an_example(name: str) -> None:
    assert ">>> " in (getattr(touchpoints, name).__doc__ or "")


@pytest.mark.parametrize(
    "name",
    [
        name
        for name in PUBLIC
        if isinstance(getattr(touchpoints, name), type | FunctionType)
        and ">>>" in (getattr(touchpoints, name).__doc__ or "")
    ],
)
def test_every_public_example_is_collected_where_its_name_is_defined(name: str) -> None:
    # Public names report ``touchpoints`` as their module; doctest would pass their
    # examples over in the defining module, so the suite's collection is told.
    home = sys.modules[touchpoints._DEFINED_IN[name]]
    found = {test.name for test in doctest.DocTestFinder().find(home) if test.examples}
    assert f"{home.__name__}.{name}" in found
