"""Temporary re-export shim: removed when the layout lands."""

from touchpoints._core import DEFAULT_LIMIT as DEFAULT_LIMIT
from touchpoints._core import Omission as Omission
from touchpoints._core import Schedule as Schedule
from touchpoints._core import TouchPoint as TouchPoint
from touchpoints._core import schedule as schedule
from touchpoints._core import schedule_many as schedule_many
