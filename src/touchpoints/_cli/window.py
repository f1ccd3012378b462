"""The export's date and window: which touch points an export keeps, said in one line.

The shell reads the clock (the core never does): an export keeps the touch points
from its date on, so that importing a feed does not fill a calendar with the past. The
export date is ``--today``, else the day of the export time (``--stamp``,
``SOURCE_DATE_EPOCH`` or the clock) in the plan's zone (UTC without one). ``--start``
chooses another first day, and ``--all`` keeps every touch point.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, date, datetime, time

from touchpoints._cli.errors import UsageError
from touchpoints._model import Plan, zone_for

__all__ = ["export_stamp", "export_window"]


def export_stamp(args: argparse.Namespace) -> datetime:
    """The export time (``DTSTAMP``): ``--stamp``, ``SOURCE_DATE_EPOCH``, midnight UTC
    of ``--today``, or the clock.

    >>> export_stamp(argparse.Namespace(stamp=None, today=date(2026, 3, 1)))
    datetime.datetime(2026, 3, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if args.stamp is not None:
        stamp: datetime = args.stamp
        return stamp
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isascii() and epoch.isdigit() and len(epoch) <= 11:  # reproducible builds
        return datetime.fromtimestamp(int(epoch), UTC)
    if args.today is not None:
        return datetime.combine(args.today, time(), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def export_window(args: argparse.Namespace, plan: Plan, stamp: datetime) -> tuple[date | None, str]:
    """The first day of the window (None for every touch point) and the line that says it.

    >>> from touchpoints import Plan
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase"}]})
    >>> args = argparse.Namespace(start=None, end=None, all=False, today=date(2026, 3, 20))
    >>> export_window(args, plan, datetime(2026, 1, 1, tzinfo=UTC))[0]
    datetime.date(2026, 3, 20)
    """
    if args.all and args.start is not None:
        raise UsageError("--all keeps every touch point; leave out --start, or --all")
    end = f" until {args.end} (--end)" if args.end is not None else ""
    if args.all:
        return None, f"every touch point, past ones too (--all){end}"
    if args.start is not None:
        start: date = args.start
        return start, f"touch points from {start} (--start){end}"
    if args.today is not None:
        today: date = args.today
        source = "--today"
    else:
        zone = zone_for(plan.timezone) if plan.timezone else UTC
        today = stamp.astimezone(zone).date()
        source = "the export date"
    return today, (
        f"touch points from {today} ({source}){end}; earlier ones are left out "
        "(--all keeps them, --start DATE chooses the first day)"
    )
