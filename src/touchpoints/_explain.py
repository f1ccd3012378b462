"""Temporary re-export shim: removed when the layout lands."""

from touchpoints._core import explain_plan as explain_plan
from touchpoints._core import explain_rule as explain_rule
from touchpoints._core import one_line as one_line
