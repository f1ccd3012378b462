"""The schedule as a plain-text table: touch points, what was left out, what was not met.

Pure: values in, text out; the commands print it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from touchpoints._core import Schedule, TouchPoint, one_line
from touchpoints._model import DAY_NAMES, day_label, day_of

__all__ = ["format_table"]


def format_table(result: Schedule | Iterable[TouchPoint]) -> str:
    """Touch points as a plain-text table, one per line, with what was left out and
    the contact-fatigue rules that could not be met below.

    Args:
        result: a schedule, or any touch points.

    Returns:
        The table, without a trailing line break.

    >>> from datetime import date
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"},
    ...     {"id": "win-back", "title": "Win back", "channel": "email", "at": "churn",
    ...      "optional": True}]})
    >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    >>> print(format_table(schedule(plan, subject)))
    due             rule  #  channel  title
    --------------  ----  -  -------  ------------
    2026-01-15 Thu  call  1  call     Welcome call
    <BLANKLINE>
    Left out:
      rule 'win-back' left out: the subject has no 'churn' date
    """
    touch_points = list(result)
    moved = any(tp.adjustments for tp in touch_points)
    header: tuple[str, ...] = ("due", "rule", "#", "channel", "title")
    header += ("moved",) if moved else ()
    rows = [
        (_due_text(tp.due), tp.rule_id, str(tp.occurrence), tp.channel, one_line(tp.title))
        + ((_moved_text(tp),) if moved else ())
        for tp in touch_points
    ]
    if not rows:
        text = "(no touch points in the window)"
    else:
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines = [header, tuple("-" * width for width in widths), *rows]
        text = "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines
        )
    omitted = result.omitted if isinstance(result, Schedule) else ()
    if omitted:
        text += "\n\nLeft out:\n" + "\n".join(f"  {one_line(str(o))}" for o in omitted)
    conflicts = result.conflicts if isinstance(result, Schedule) else ()
    if conflicts:
        text += "\n\nNot met:\n" + "\n".join(f"  {one_line(str(c))}" for c in conflicts)
    return text


def _due_text(due: date) -> str:
    weekday = DAY_NAMES[due.weekday()]
    if isinstance(due, datetime):
        return f"{due:%Y-%m-%d} {weekday} {due:%H:%M} {due.tzname()}"
    return f"{due:%Y-%m-%d} {weekday}"


def _moved_text(tp: TouchPoint) -> str:
    if not tp.adjustments:
        return ""
    reasons = one_line("; ".join(adjustment.reason for adjustment in tp.adjustments))
    if tp.planned == day_of(tp.due):
        return reasons  # notes that did not move it, such as "also covers ..."
    return f"from {day_label(tp.planned)} ({reasons})"
