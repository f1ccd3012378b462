"""Temporary re-export shim: removed when the layout lands."""

from __future__ import annotations

from touchpoints._sync import CalendarResource as CalendarResource
from touchpoints._sync import SyncPlan as SyncPlan
from touchpoints._sync import SyncReport as SyncReport
from touchpoints._sync import plan_sync as plan_sync
from touchpoints._sync import sync_caldav as sync_caldav
