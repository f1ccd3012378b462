"""Temporary re-export shim: removed when the layout lands."""

from __future__ import annotations

from touchpoints._model import AttributeTest as AttributeTest
from touchpoints._model import failed_condition as failed_condition
