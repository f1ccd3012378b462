"""The ``preview`` command: one subject's schedule, printed as a table."""

from __future__ import annotations

import argparse
import json

from touchpoints._cli.arguments import (
    Subparsers,
    add_command,
    add_subject_options,
    add_window_options,
)
from touchpoints._cli.errors import EXIT_OK
from touchpoints._cli.inputs import subject_from_arguments
from touchpoints._cli.rows import schedule_csv
from touchpoints._cli.table import format_table
from touchpoints._core import one_line, schedule
from touchpoints._files import load_plan

__all__ = ["add_preview"]


def add_preview(commands: Subparsers) -> None:
    """Register ``preview``: print one subject's schedule as a table.

    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_preview(commands)
    >>> args = commands.choices["preview"].parse_args(
    ...     ["plan.yaml", "--anchor", "purchase=2026-01-15"])
    >>> args.anchor
    [('purchase', datetime.date(2026, 1, 15))]
    """
    parser = add_command(
        commands,
        "preview",
        help="print one subject's schedule as a table",
        description=(
            "Schedule a plan for one subject and print the touch points as a table, with\n"
            "the optional rules that were left out below it. Give the subject on the\n"
            "command line (--anchor, --timezone, --subject-id) or in a file (--subject).\n"
            "\n"
            "examples:\n"
            "  touchpoints preview plan.yaml --anchor purchase=2026-01-15\n"
            "  touchpoints preview plan.yaml --subject customer.yaml --start 2027-01-01"
        ),
    )
    parser.add_argument("plan", metavar="PLAN", help="the plan file")
    add_subject_options(parser)
    add_window_options(parser, limit="the most touch points to allow")
    parser.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="a table for people (default), JSON for scripts (the form Schedule.to_json "
        "gives and Schedule.from_json reads), or CSV for spreadsheets (cells that would "
        "run as formulas start with a quote)",
    )
    parser.set_defaults(handler=_preview)


def _preview(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    subject = subject_from_arguments(plan, args)
    result = schedule(plan, subject, start=args.start, end=args.end, limit=args.limit)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return EXIT_OK
    if args.format == "csv":
        print(schedule_csv(result), end="")
        return EXIT_OK
    zone = subject.timezone or plan.timezone
    count = len(result)
    noun = "touch point" if count == 1 else "touch points"
    head = f"{one_line(plan.name or plan.id)}: {count:,} {noun} for {one_line(subject.id)}"
    if not plan.is_all_day and zone:
        head += f", times in {zone}"
    print(head)
    print(format_table(result))
    return EXIT_OK
