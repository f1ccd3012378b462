"""The ``load`` command: the team's load over many subjects, as a chart, a CSV and JSON."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from touchpoints._cli.arguments import (
    Subparsers,
    add_column_options,
    add_command,
    add_window_options,
)
from touchpoints._cli.errors import EXIT_OK, PROG, UsageError, error_text
from touchpoints._cli.inputs import column_map
from touchpoints._cli.load_counting import count_subjects
from touchpoints._cli.progress import Progress
from touchpoints._cli.timeline import write_text
from touchpoints._errors import ScheduleError
from touchpoints._files import load_plan, load_subjects, plan_anchor_names
from touchpoints._model import Subject
from touchpoints._pictures import Load, LoadCounter, load_page

__all__ = ["add_load"]


def add_load(commands: Subparsers) -> None:
    """Register ``load``: touch points per week or month, stacked by channel.

    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_load(commands)
    >>> args = commands.choices["load"].parse_args(
    ...     ["plan.yaml", "--subjects", "crm.csv", "-o", "load.html", "--owner", "Field team"])
    >>> args.per, args.owner
    ('week', ['Field team'])
    """
    parser = add_command(
        commands,
        "load",
        help="chart the team's load: touch points per week or month, by channel",
        description=(
            "Schedule a plan for every subject in a file (read as it goes, in flat memory)\n"
            "and count the touch points per week (or month), stacked by channel, with the\n"
            "busiest periods named. Writes OUT.html (a printable chart, with a choice of\n"
            "owner on the page: all owners, or one owner's chart and busiest periods) and,\n"
            "beside it, OUT.csv and OUT.json for spreadsheets and scripts. Plans the\n"
            "columnar batch path computes are counted on it, with the same figures.\n"
            "\n"
            "examples:\n"
            "  touchpoints load plan.yaml --subjects customers.csv -o load.html\n"
            "  touchpoints load plan.yaml --subjects customers.csv --per month "
            "--owner 'Field team' -o field.html"
        ),
    )
    parser.add_argument("plan", metavar="PLAN", help="the plan file")
    parser.add_argument(
        "--subjects", required=True, metavar="FILE", help="a CSV, YAML or JSON file of subjects"
    )
    add_column_options(parser)
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT.html", help="the chart to write (.html)"
    )
    parser.add_argument(
        "--per", choices=("week", "month"), default="week", help="count per week (default) or month"
    )
    parser.add_argument(
        "--owner",
        action="append",
        metavar="NAME",
        help="count only this owner's touch points ('unassigned' for none; repeatable)",
    )
    add_window_options(parser, limit="the most touch points per subject")
    parser.set_defaults(handler=_load)


def _load(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"-o {args.output}: write the chart to a .html file")
    columns = column_map(args, args.subjects)
    plan = load_plan(args.plan)
    counter = LoadCounter(args.per, args.owner)
    window = {"start": args.start, "end": args.end, "limit": args.limit}
    skipped: list[str] = []

    def skip(subject: Subject, error: ScheduleError) -> None:
        if len(skipped) < 10:
            print(f"{PROG}: skipped: {error_text(error)}", file=sys.stderr)
        skipped.append(subject.id)

    with Progress(sys.stderr, label="subjects") as progress:
        subjects = progress.track(
            load_subjects(args.subjects, anchors=plan_anchor_names(plan), columns=columns)
        )
        path = count_subjects(plan, subjects, counter, **window, skip=skip)
    load = counter.load()
    title = f"{plan.name or plan.id}: touch points per {args.per}"
    if args.owner:
        title += f" ({', '.join(args.owner)})"
    total = sum(load.total(period) for period in load.counts)
    lead = f"{total:,} touch points from {args.subjects}"
    owners = counter.owners()  # one owner's chart is everyone's: no choice to offer
    loads: dict[str | None, Load] = {None: load}
    if len(owners) > 1:
        loads.update((owner, counter.load(owner)) for owner in owners)
    write_text(str(out), load_page(title, loads, lead=lead))
    table = io.StringIO()
    csv.writer(table, lineterminator="\n").writerows(load.csv_rows())
    write_text(str(out.with_suffix(".csv")), table.getvalue())
    write_text(str(out.with_suffix(".json")), load.to_json())
    busiest = ", ".join(f"{period.isoformat()} ({n:,})" for period, n in load.busiest(3))
    print(
        f"wrote {out} (and .csv, .json): {total:,} touch points on the {path} path; "
        f"busiest: {busiest or 'none'}"
    )
    if skipped:
        print(
            f"{PROG}: {len(skipped):,} subject{'s' if len(skipped) != 1 else ''} could not be "
            "scheduled and left out",
            file=sys.stderr,
        )
    return EXIT_OK
