"""The ``timeline`` command: one subject's schedule drawn as a timeline (SVG or HTML)."""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date
from pathlib import Path

from touchpoints._cli.arguments import (
    Subparsers,
    add_command,
    add_subject_options,
    add_window_options,
    parse_day,
)
from touchpoints._cli.errors import EXIT_OK, UsageError
from touchpoints._cli.inputs import subject_from_arguments
from touchpoints._core import schedule
from touchpoints._files import load_plan
from touchpoints._model import Plan, Rule, Subject, day_of
from touchpoints._pictures import (
    OriginalKey,
    customer_page,
    for_customer,
    html_page,
    timeline_svg,
)

__all__ = ["add_audience_option", "add_timeline", "anchor_dates", "write_text"]


def add_timeline(commands: Subparsers) -> None:
    """Register ``timeline``: draw one subject's schedule as a timeline.

    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_timeline(commands)
    >>> args = commands.choices["timeline"].parse_args(
    ...     ["plan.yaml", "--anchor", "purchase=2026-01-15", "-o", "out.html"])
    >>> args.output, args.lanes
    ('out.html', 'rule')
    """
    parser = add_command(
        commands,
        "timeline",
        help="draw one subject's schedule as a timeline (.html or .svg)",
        description=(
            "Schedule a plan for one subject and draw it: a lane per rule (or channel), a\n"
            "mark per touch point, the anchors as labelled lines, and every moved, rolled or\n"
            "merged touch point with its original slot and the reason. The file is\n"
            "self-contained (no network) and an .html page prints on A4 landscape.\n"
            "With --for customer, an .html file is the page the customer keeps: their dates\n"
            "in a list, in their zone and in the words of the rules' 'customer' keys, and\n"
            "the timeline of those dates; it prints on A4 (.svg: the timeline alone).\n"
            "\n"
            "examples:\n"
            "  touchpoints timeline plan.yaml --anchor purchase=2026-01-15 -o timeline.html\n"
            "  touchpoints timeline plan.yaml --subject customer.yaml --today 2026-06-01 -o t.svg\n"
            "  touchpoints timeline plan.yaml --subject customer.yaml --for customer -o mine.html"
        ),
    )
    parser.add_argument("plan", metavar="PLAN", help="the plan file")
    add_subject_options(parser)
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write: a .html or .svg file"
    )
    parser.add_argument(
        "--today", type=parse_day, metavar="DATE", help="draw a 'today' line on this day"
    )
    parser.add_argument(
        "--lanes",
        choices=("rule", "channel"),
        default="rule",
        help="one lane per rule (default) or per channel",
    )
    add_audience_option(parser)
    add_window_options(parser, limit="the most touch points to allow")
    parser.set_defaults(handler=_timeline)


def add_audience_option(parser: argparse.ArgumentParser) -> None:
    """--for: the team's full schedule, or only what the customer should see.

    >>> parser = argparse.ArgumentParser()
    >>> add_audience_option(parser)
    >>> parser.parse_args(["--for", "customer"]).audience
    'customer'
    """
    parser.add_argument(
        "--for",
        dest="audience",
        choices=("team", "customer"),
        default="team",
        help="team: every touch point (default); customer: only rules with a 'customer' "
        "key, in the customer's words, with ids of their own",
    )


def _timeline(args: argparse.Namespace) -> int:
    kind = Path(args.output).suffix.lower()
    if kind not in (".html", ".htm", ".svg"):
        raise UsageError(f"-o {args.output}: write the timeline to a .html or .svg file")
    plan = load_plan(args.plan)
    subject = subject_from_arguments(plan, args)
    window = {"start": args.start, "end": args.end, "limit": args.limit}
    result = schedule(plan, subject, **window)
    originals: dict[OriginalKey, date] = {}
    if args.audience == "customer":
        result = for_customer(result)
    elif plan.fatigue is not None:
        unresolved = schedule(plan.model_copy(update={"fatigue": None}), subject, **window)
        originals = {(tp.rule_id, tp.term, tp.occurrence): day_of(tp.due) for tp in unresolved}
    anchors = anchor_dates(plan, subject)
    if args.audience == "customer" and kind != ".svg":
        # The page the customer keeps: their dates in their words, and the picture.
        title = f"Your plan: {plan.name or plan.id}"
        text = customer_page(result, title=title, anchors=anchors, today=args.today)
        write_text(args.output, text)
        print(f"wrote {args.output}: the customer's plan, {len(result):,} touch points")
        return EXIT_OK
    heading = f"{plan.name or plan.id}: {subject.id}"
    svg = timeline_svg(
        result,
        anchors=anchors,
        today=args.today,
        lanes=args.lanes,
        title=heading,
        originals=originals,
        plan=plan if args.audience == "team" else None,
    )
    if kind == ".svg":
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
    else:
        count = len(result)
        lead = f"{count:,} touch point{'s' if count != 1 else ''}, plan {plan.id}"
        text = html_page(heading, svg, lead=lead)
    write_text(args.output, text)
    print(f"wrote {args.output}: {len(result):,} touch points")
    return EXIT_OK


def anchor_dates(plan: Plan, subject: Subject) -> dict[str, date]:
    """The subject's anchor dates and the plan's derived anchors, such as a renewal.

    >>> plan = Plan.model_validate({"plan": "p", "anchors": {"renewal": "purchase + 1 year"},
    ...     "touchpoints": [{"id": "r", "title": "R", "channel": "call", "at": "renewal"}]})
    >>> anchor_dates(plan, Subject(id="c", anchors={"purchase": date(2026, 1, 15)}))
    {'purchase': datetime.date(2026, 1, 15), 'renewal': datetime.date(2027, 1, 15)}
    """
    dates = {name: day_of(day) for name, day in subject.anchors.items()}
    derived = [name for name in plan.anchors if name not in dates]
    if not derived:
        return dates
    probes = tuple(
        Rule.model_validate(
            {"id": f"anchor-{n}", "title": name, "channel": "anchor", "at": name, "optional": True}
        )
        for n, name in enumerate(derived)
    )
    probe = plan.model_copy(
        update={"rules": probes, "fatigue": None, "business_calendar": None, "contact_time": None}
    )
    far = max(dates.values(), default=date(2000, 1, 1)).replace(year=9000, month=1, day=1)
    for tp in schedule(probe, subject, start=date(1, 1, 1), end=far):
        dates[tp.title] = day_of(tp.due)
    return dates


def write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` in UTF-8, atomically: a failed write leaves the old file."""
    target = Path(path)
    folder = target.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
