"""Temporary re-export shim: removed when the layout lands."""

from __future__ import annotations

from touchpoints._model import AnchorExpression as AnchorExpression
from touchpoints._model import Duration as Duration
