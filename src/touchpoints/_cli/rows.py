"""A schedule as formula-safe CSV for spreadsheets (JSON is ``Schedule.to_json()``).

Pure: values in, text out. CSV cells that a spreadsheet would run as a formula (those
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) get a leading
``'``, as OWASP recommends against CSV injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Final

from touchpoints._core import TouchPoint

__all__ = ["CSV_COLUMNS", "safe_cell", "schedule_csv"]

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
