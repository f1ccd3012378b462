"""Temporary re-export shim: removed when the layout lands."""

from __future__ import annotations

from touchpoints._model import ANCHOR_NAME_PATTERN as _ANCHOR_NAME
from touchpoints._model import KNOWN_CHANNELS as KNOWN_CHANNELS
from touchpoints._model import SLUG_PATTERN as _SLUG
from touchpoints._model import ChannelWindow as ChannelWindow
from touchpoints._model import HistoryEvent as HistoryEvent
from touchpoints._model import Missed as Missed
from touchpoints._model import Plan as Plan
from touchpoints._model import Rule as Rule
from touchpoints._model import Subject as Subject
from touchpoints._model import Term as Term

__all__ = [
    "KNOWN_CHANNELS",
    "_ANCHOR_NAME",
    "_SLUG",
    "ChannelWindow",
    "HistoryEvent",
    "Missed",
    "Plan",
    "Rule",
    "Subject",
    "Term",
]
