"""Temporary re-export shim: removed when the layout lands."""

from __future__ import annotations

from touchpoints._model import MAX_ROLL_DAYS as MAX_ROLL_DAYS
from touchpoints._model import WEEKDAYS as WEEKDAYS
from touchpoints._model import Adjustment as Adjustment
from touchpoints._model import BusinessCalendar as BusinessCalendar
from touchpoints._model import OpenDays as OpenDays
from touchpoints._model import Weekday as Weekday
from touchpoints._model import day_label as day_label
