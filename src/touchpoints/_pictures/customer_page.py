"""The page the customer keeps: their dates in a list, in their own zone and in words
written for them, and the timeline of the same dates, printable on A4.

It is made from the customer's view of a schedule (see ``customer.for_customer``), so it
holds only rules with a ``customer`` key, in the customer's words: no owners, tags,
omissions, conflicts or moves made for the team. Dates are written the same in every
locale (``Tue 2026-04-07``, times on the 24-hour clock with the zone named); the list
prints on A4 portrait and the timeline on an A4 landscape sheet of its own.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date, datetime

from touchpoints._core import Schedule, TouchPoint, require
from touchpoints._model import day_label
from touchpoints._pictures.timeline import timeline_svg

__all__ = ["customer_page"]

_STYLE = """
@page { size: A4 portrait; margin: 15mm; }
@page timeline { size: A4 landscape; margin: 10mm; }
body { font-family: sans-serif; margin: 16px; color: #1a1a1a; background: #ffffff;
       max-width: 60em; }
h1 { font-size: 20px; margin: 0 0 6px; }
h2 { font-size: 16px; margin: 20px 0 8px; }
p.lead { margin: 0 0 12px; }
table.dates { border-collapse: collapse; width: 100%; }
table.dates th, table.dates td { text-align: left; vertical-align: top; padding: 6px 8px;
                                 border-bottom: 1px solid #c8ccd2; }
table.dates th { border-bottom: 2px solid #1a1a1a; }
td.when { white-space: nowrap; font-weight: bold; }
td.what p { margin: 2px 0 0; }
.note { color: #4a4a4a; font-size: 90%; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; max-width: 100%; }
@media print {
  body { margin: 0; max-width: none; }
  table.dates tr { break-inside: avoid; }
  section.picture { page: timeline; break-before: page; }
}
"""

_CHANNELS = {"call": "Phone call", "visit": "Visit", "email": "E-mail", "meeting": "Meeting"}


def customer_page(
    schedule: Schedule,
    *,
    title: str,
    anchors: Mapping[str, date] | None = None,
    today: date | None = None,
    lead: str = "",
) -> str:
    """The page of ``schedule``, a customer's view of their schedule, as HTML text.

    Args:
        schedule: the customer's view (only what a customer should see).
        title: the page's heading.
        anchors: the anchor dates to draw on the timeline.
        today: draws a "today" line on the timeline.
        lead: a sentence under the heading.

    >>> from touchpoints import Plan, Subject, schedule
    >>> from touchpoints._pictures import for_customer
    >>> plan = Plan.model_validate({"plan": "p", "timezone": "Europe/Berlin",
    ...     "contact_time": "10:00", "touchpoints": [
    ...     {"id": "call", "title": "Check-up call", "channel": "call",
    ...      "at": "purchase + 2 weeks", "customer": {"title": "We call you",
    ...      "description": "Five minutes, to check that all is well."}},
    ...     {"id": "remind", "title": "Upsell reminder", "channel": "email",
    ...      "at": "purchase + 11 months"}]})
    >>> mine = for_customer(schedule(plan, Subject(id="c1", timezone="America/New_York",
    ...     anchors={"purchase": date(2026, 3, 23)})))
    >>> page = customer_page(mine, title="Your plan")
    >>> "Mon 2026-04-06" in page, "10:00 (America/New_York)" in page, "Upsell" in page
    (True, True, False)
    """
    require(schedule, Schedule, "schedule")
    rows = "\n".join(_row(tp) for tp in schedule)
    count = len(schedule)
    zones = sorted({_zone(tp) for tp in schedule} - {""})
    where = f" Times are in {', '.join(zones)} time." if zones else ""
    lead = lead or f"{count} date{'s' if count != 1 else ''} planned for you.{where}"
    svg = timeline_svg(schedule, anchors=anchors, today=today, title="Your dates at a glance")
    table = (
        '<table class="dates">\n<thead><tr><th scope="col">When</th><th scope="col">How</th>'
        '<th scope="col">What</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody>\n</table>\n"
        if count
        else "<p>No dates are planned for you yet.</p>\n"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f'<p class="lead">{html.escape(lead)}</p>\n'
        f'<section class="dates">\n<h2>Your dates</h2>\n{table}</section>\n'
        f'<section class="picture">\n<h2>At a glance</h2>\n<figure>\n{svg}</figure>\n</section>\n'
        "</body>\n</html>\n"
    )


def _row(tp: TouchPoint) -> str:
    when = day_label(tp.due if not isinstance(tp.due, datetime) else tp.due.date())
    if isinstance(tp.due, datetime):
        when += f"<br>{tp.due:%H:%M}"
        zone = _zone(tp)
        if zone:
            when += f" ({html.escape(zone)})"
    how = _CHANNELS.get(tp.channel, tp.channel.replace("-", " ").replace("_", " ").capitalize())
    what = f"<strong>{html.escape(tp.title)}</strong>"
    if tp.description:
        what += f"<p>{html.escape(tp.description)}</p>"
    for adjustment in tp.adjustments:
        if adjustment.after != adjustment.before:
            why = html.escape(adjustment.story)
            what += f'<p class="note">Moved from {day_label(adjustment.before)}: {why}.</p>'
    ident = html.escape(tp.id, quote=True)
    return (
        f'<tr data-id="{ident}"><td class="when">{when}</td>'
        f'<td class="how">{html.escape(how)}</td><td class="what">{what}</td></tr>'
    )


def _zone(tp: TouchPoint) -> str:
    if not isinstance(tp.due, datetime) or tp.due.tzinfo is None:
        return ""
    return str(getattr(tp.due.tzinfo, "key", "") or tp.due.tzname() or "")
