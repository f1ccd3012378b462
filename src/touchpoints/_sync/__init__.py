"""Schedules kept in step elsewhere: diffs between schedules, and CalDAV sync.

- :mod:`~touchpoints._sync.diff`: what changed between two schedules, touch point by
  touch point;
- :mod:`~touchpoints._sync.caldav_plan`: the pure decision of what a CalDAV sync
  creates, updates and deletes;
- :mod:`~touchpoints._sync.caldav_client`: the exchange with the CalDAV server.
"""

from __future__ import annotations

# In dependency order: each module imports only those above it.
# isort: off
from touchpoints._sync.diff import DIFF_FIELDS, ScheduleDiff, TouchPointChange, diff
from touchpoints._sync.caldav_plan import CalendarResource, SyncPlan, plan_sync
from touchpoints._sync.caldav_client import SyncReport, sync_caldav
# isort: on

__all__ = [
    "DIFF_FIELDS",
    "CalendarResource",
    "ScheduleDiff",
    "SyncPlan",
    "SyncReport",
    "TouchPointChange",
    "diff",
    "plan_sync",
    "sync_caldav",
]
