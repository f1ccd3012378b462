"""Temporary re-export shim: removed when the layout lands."""

from touchpoints._files import load_subjects as load_subjects
from touchpoints._files import plan_anchor_names as plan_anchor_names
from touchpoints._files import unknown_anchor_message as unknown_anchor_message
