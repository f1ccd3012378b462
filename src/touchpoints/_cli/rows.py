"""A schedule as data for scripts: JSON-ready rows and formula-safe CSV.

Pure: values in, text out. CSV cells that a spreadsheet would run as a formula (those
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) get a leading
``'``, as OWASP recommends against CSV injection.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Final

from touchpoints._core import Schedule, TouchPoint

__all__ = ["CSV_COLUMNS", "safe_cell", "schedule_csv", "schedule_json"]

CSV_COLUMNS: Final = ("due", "rule", "occurrence", "channel", "title", "owner", "moved", "id")

_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula.

    >>> safe_cell("=1+1"), safe_cell("Call")
    ("'=1+1", 'Call')
    """
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _row(tp: TouchPoint) -> dict[str, object]:
    return {
        "id": tp.id,
        "rule": tp.rule_id,
        "occurrence": tp.occurrence,
        "due": tp.due.isoformat(),
        "planned": tp.planned.isoformat(),
        "channel": tp.channel,
        "title": tp.title,
        "owner": tp.owner,
        "moved": [adjustment.reason for adjustment in tp.adjustments],
    }


def schedule_json(plan_id: str, subject_id: str, result: Schedule | Iterable[TouchPoint]) -> str:
    """One subject's schedule as JSON: the touch points, what was left out, what was not met.

    >>> from datetime import date
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase"}]})
    >>> result = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> json.loads(schedule_json("p", "c1", result))["touch_points"][0]["due"]
    '2026-01-15'
    """
    items = list(result)
    data = {
        "plan": plan_id,
        "subject": subject_id,
        "touch_points": [_row(tp) for tp in items],
        "left_out": [str(o) for o in getattr(result, "omitted", ())],
        "not_met": [str(c) for c in getattr(result, "conflicts", ())],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def schedule_csv(result: Iterable[TouchPoint]) -> str:
    """Touch points as CSV, one per row, with a header.

    >>> from datetime import date
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase"}]})
    >>> print(schedule_csv(schedule(plan, Subject(id="c1",
    ...     anchors={"purchase": date(2026, 1, 15)}))).splitlines()[1][:24])
    2026-01-15,call,1,call,C
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for tp in result:
        row = _row(tp)
        row["moved"] = "; ".join(adjustment.reason for adjustment in tp.adjustments)
        writer.writerow(
            [safe_cell("" if row[name] is None else str(row[name])) for name in CSV_COLUMNS]
        )
    return out.getvalue()
