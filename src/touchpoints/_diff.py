"""Temporary re-export shim: removed when the layout lands."""

from __future__ import annotations

from touchpoints._sync import DIFF_FIELDS as DIFF_FIELDS
from touchpoints._sync import ScheduleDiff as ScheduleDiff
from touchpoints._sync import TouchPointChange as TouchPointChange
from touchpoints._sync import diff as diff
