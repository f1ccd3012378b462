"""Temporary re-export shim: removed when the layout lands."""

from __future__ import annotations

from touchpoints._model import Wall as Wall
from touchpoints._model import day_of as day_of
from touchpoints._model import localize as localize
from touchpoints._model import to_local_date as to_local_date
from touchpoints._model import to_wall as to_wall
from touchpoints._model import zone_for as zone_for
