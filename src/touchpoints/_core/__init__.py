"""The pure engine: validated plans and subjects in, schedules and explanations out.

No clock, no environment, no I/O. Other packages import the engine through this
module. Its submodules, each building on the ones listed before it:

- ``arguments``: type checks at the public functions' entry.
- ``ids``: touch point ids, the compatibility promise behind updates in place.
- ``omissions``: what scheduling leaves out or cannot meet (Omission, Conflict).
- ``outputs``: what scheduling returns (TouchPoint, Schedule).
- ``rows``: the engine's typed internal row and subject key.
- ``cache``: the per-call cache.
- ``arithmetic``: date arithmetic (anchors, shifts, rolls, window bounds).
- ``series``: a rule's occurrences.
- ``lifecycle``: history, missed touch points, stops and terms.
- ``fatigue``: resolving spacing and caps.
- ``entries``: one rule's touch points of one term.
- ``conversions``: touch points and schedules to JSON-ready data and back.
- ``compiled_days``: a compiled rule's days: day-number arithmetic, rolls, a window's days.
- ``compiled``: the compiled path, a plan as day-number arithmetic, kept with the plan.
- ``compiled_fatigue``: the compiled path for plans with contact fatigue.
- ``engine``: schedule() and schedule_many(), the orchestrator.
- ``validity``: how far a schedule holds when its window moves.
- ``explain``: plans in plain words.
"""

from __future__ import annotations

from touchpoints._core.arguments import each, require, require_mapping
from touchpoints._core.conversions import (
    RuleTable,
    read_rules,
    read_touch_point,
    reading,
    touch_point_to_json,
)
from touchpoints._core.engine import DEFAULT_LIMIT, schedule, schedule_many
from touchpoints._core.explain import explain_plan, explain_rule, one_line
from touchpoints._core.fatigue import resolve_fatigue
from touchpoints._core.ids import NAMESPACE, touch_point_id, touch_point_ids
from touchpoints._core.outputs import (
    OMISSION_KINDS,
    Conflict,
    Omission,
    OmissionKind,
    RuleOccurrence,
    Schedule,
    TouchPoint,
    short_text,
)
from touchpoints._core.validity import Validity, horizon_end, validity, window_end

__all__ = [
    "DEFAULT_LIMIT",
    "NAMESPACE",
    "OMISSION_KINDS",
    "Conflict",
    "Omission",
    "OmissionKind",
    "RuleOccurrence",
    "RuleTable",
    "Schedule",
    "TouchPoint",
    "Validity",
    "each",
    "explain_plan",
    "explain_rule",
    "horizon_end",
    "one_line",
    "read_rules",
    "read_touch_point",
    "reading",
    "require",
    "require_mapping",
    "resolve_fatigue",
    "schedule",
    "schedule_many",
    "short_text",
    "touch_point_id",
    "touch_point_ids",
    "touch_point_to_json",
    "validity",
    "window_end",
]
