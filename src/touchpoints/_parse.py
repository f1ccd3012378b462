"""Temporary re-export shim: removed when the layout lands."""

from touchpoints._files import load_plan as load_plan
from touchpoints._files import parse_plan as parse_plan
from touchpoints._files import parse_plan_text as parse_plan_text
from touchpoints._files import plan_json_schema as plan_json_schema
