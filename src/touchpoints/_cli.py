"""The ``touchpoints`` command line: the one place that reads files and arguments.

Each command parses its arguments, calls pure functions and prints what they return.
Exit codes: 0 success, 1 invalid input (a plan, subject or window), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from touchpoints._engine import Schedule, schedule
from touchpoints._errors import TouchpointsError
from touchpoints._models import Subject
from touchpoints._parse import load_plan

__all__ = ["format_table", "main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def format_table(result: Schedule) -> str:
    """A schedule as a plain-text table, one touch point per line.

    >>> from touchpoints import Plan
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    >>> print(format_table(schedule(plan, subject)))
    due         rule  #  channel  title
    ----------  ----  -  -------  ------------
    2026-01-15  call  1  call     Welcome call
    """
    header = ("due", "rule", "#", "channel", "title")
    rows = [
        (
            str(tp.due),
            tp.rule_id,
            str(tp.occurrence),
            tp.channel,
            tp.title,
        )
        for tp in result
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [header, tuple("-" * width for width in widths), *rows]
    text = "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
    for omission in result.omitted:
        text += f"\nnote: {omission}"
    return text


def _anchor(text: str) -> tuple[str, date]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"write an anchor as NAME=YYYY-MM-DD, not {text!r}")
    try:
        return name.strip(), date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date; write it as YYYY-MM-DD, such as 2026-01-15"
        ) from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, such as 2026-01-15"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="touchpoints",
        description="Turn after-sales plan templates into contact schedules.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    preview = commands.add_parser("preview", help="print a subject's schedule as a table")
    preview.add_argument("plan", metavar="PLAN", help="the plan file")
    preview.add_argument(
        "--anchor",
        action="append",
        type=_anchor,
        default=[],
        metavar="NAME=DATE",
        help="an anchor date of the subject, such as purchase=2026-01-15 (repeatable)",
    )
    preview.add_argument("--timezone", help="the subject's time zone, such as America/New_York")
    preview.add_argument("--subject-id", default="example", help="the subject's id")
    preview.add_argument("--start", type=_day, help="first day of the window (YYYY-MM-DD)")
    preview.add_argument("--end", type=_day, help="day after the window (YYYY-MM-DD)")
    preview.set_defaults(handler=_preview)
    return parser


def _preview(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    subject = Subject(id=args.subject_id, timezone=args.timezone, anchors=dict(args.anchor))
    result = schedule(plan, subject, start=args.start, end=args.end)
    print(f"{plan.name or plan.id} for {subject.id}:")
    print(format_table(result))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except (TouchpointsError, ValueError) as error:
        if args.debug:
            raise
        print(f"touchpoints: error: {error}", file=sys.stderr)
        return EXIT_INVALID
    return code
