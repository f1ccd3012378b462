"""Failing examples as a person reads them: plans and subjects as YAML, schedules as a
table, noted on the failing example."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import yaml
from hypothesis import note
from hypothesis.errors import InvalidArgument

from touchpoints._core import Schedule, one_line
from touchpoints._model import Plan, Subject, day_label, day_of

__all__ = ["failure_notes", "plan_yaml", "schedule_table", "subject_yaml"]


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100).rstrip()


def plan_yaml(plan: Plan) -> str:
    """The plan as a plan file, leaving out what is at its default.

    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"}]})
    >>> print(plan_yaml(plan))
    plan: p
    touchpoints:
    - id: call
      title: Call
      channel: call
      at: purchase + 2 weeks
    """
    data = plan.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    if isinstance(data.get("contact_time"), str):
        data["contact_time"] = data["contact_time"].removesuffix(":00")
    return _yaml(data)


def subject_yaml(subject: Subject) -> str:
    """The subject as a subject file.

    >>> print(subject_yaml(Subject(id="cust-1", anchors={"purchase": date(2026, 1, 15)})))
    id: cust-1
    anchors:
      purchase: '2026-01-15'
    """
    return _yaml(subject.model_dump(by_alias=True, exclude_defaults=True, mode="json"))


def _due_text(due: date) -> str:
    if isinstance(due, datetime):
        return f"{day_label(due.date())} {due:%H:%M} {due.tzname()}"
    return day_label(due)


def schedule_table(result: Schedule) -> str:
    """The schedule as a table, as ``touchpoints preview`` prints it, with what was
    left out and what was not met below.

    >>> from touchpoints import schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"}]})
    >>> print(schedule_table(schedule(plan, Subject(id="c1",
    ...     anchors={"purchase": date(2026, 1, 15)}))))
    due             rule  #  channel  title
    --------------  ----  -  -------  -----
    Thu 2026-01-29  call  1  call     Call
    """
    header = ("due", "rule", "#", "channel", "title", "moved")
    rows = [
        (
            _due_text(tp.due),
            tp.rule_id,
            str(tp.occurrence),
            tp.channel,
            one_line(tp.title)[:40],
            "; ".join(one_line(a.reason) for a in tp.adjustments if a.before != day_of(tp.due)),
        )
        for tp in result
    ]
    columns = 6 if any(row[5] for row in rows) else 5
    if not rows:
        text = "(no touch points in the window)"
    else:
        table = [header[:columns], *(row[:columns] for row in rows)]
        widths = [max(len(row[i]) for row in table) for i in range(columns)]
        table.insert(1, tuple("-" * width for width in widths))
        text = "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in table
        )
    if result.omitted:
        text += "\n\nLeft out:\n" + "\n".join(f"  {one_line(str(o))}" for o in result.omitted)
    if result.conflicts:
        text += "\n\nNot met:\n" + "\n".join(f"  {one_line(str(c))}" for c in result.conflicts)
    return text


def failure_notes(plan: Plan, subject: Subject, result: Schedule) -> str:
    """Note the plan, the subject and the schedule on the failing example of a
    Hypothesis test, and return ""; outside a test, return them as text."""
    parts = [
        f"plan:\n{plan_yaml(plan)}",
        f"subject:\n{subject_yaml(subject)}",
        f"schedule:\n{schedule_table(result)}",
    ]
    try:
        for part in parts:
            note(part)
    except InvalidArgument:  # not inside a Hypothesis test
        return "\n\n".join(parts)
    return ""
