"""Temporary re-export shim: removed when the layout lands."""

from touchpoints._core import NAMESPACE as NAMESPACE
from touchpoints._core import touch_point_id as touch_point_id
