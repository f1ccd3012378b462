"""The ``export`` command: schedules written as iCalendar feeds, one file or one per owner.

Every call into the iCalendar writer (:func:`~touchpoints.write_ical`,
:func:`~touchpoints.to_ical`) is in :func:`_export`, the command's handler. Outputs are
checked before the work starts; files are replaced atomically, so a failed export (or
one that scheduled no subject) leaves the previous feed in place.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping

from touchpoints._cli.arguments import (
    Subparsers,
    add_column_options,
    add_command,
    add_window_options,
    parse_day,
    parse_minutes,
    parse_stamp,
)
from touchpoints._cli.errors import EXIT_OK, PROG, UsageError, error_text, printable
from touchpoints._cli.inputs import column_map, subject_from_arguments
from touchpoints._cli.outputs import check_output, check_output_directory, open_output
from touchpoints._cli.positions import RowPositions, csv_header
from touchpoints._cli.progress import terminal_progress
from touchpoints._cli.state_feed import state_line, write_with_state
from touchpoints._cli.subject_files import NoFile, file_subjects, subject_owner
from touchpoints._cli.tally import Tally, plural
from touchpoints._cli.timeline import add_audience_option
from touchpoints._cli.window import export_stamp, export_window
from touchpoints._core import Schedule, TouchPoint, schedule_many
from touchpoints._errors import (
    ScheduleError,
)
from touchpoints._files import load_plan
from touchpoints._ical import ExportOptions, IcalState, to_ical, write_ical
from touchpoints._model import Subject
from touchpoints._pictures import customer_calendar_uid, for_customer

__all__ = ["add_export"]


def add_export(commands: Subparsers) -> None:
    """Register ``export``: write schedules as an iCalendar (.ics) feed.

    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_export(commands)
    >>> args = commands.choices["export"].parse_args(
    ...     ["plan.yaml", "--subjects", "customers.csv", "-o", "team.ics", "--alarm", "15"])
    >>> args.subjects, args.output, args.alarm
    ('customers.csv', 'team.ics', datetime.timedelta(seconds=900))
    """
    parser = add_command(
        commands,
        "export",
        help="write schedules as an iCalendar (.ics) feed",
        description=(
            "Schedule a plan for one subject (--subject) or many (--subjects, read as it\n"
            "goes) and write the touch points as an iCalendar feed that calendar apps\n"
            "import or subscribe to. With --state, the feed updates an earlier export in\n"
            "place (SEQUENCE, LAST-MODIFIED) and the new state is saved for the next run.\n"
            "\n"
            "Touch points before the export date are left out, so that an import does not\n"
            "fill a calendar with the past: the export date is --today, else the day of\n"
            "the export time (--stamp, SOURCE_DATE_EPOCH or the clock) in the plan's zone.\n"
            "--start DATE chooses the first day, --all keeps every touch point; the window\n"
            "used is printed on standard error.\n"
            "\n"
            "Subjects that cannot be scheduled (a lead without a purchase date) are counted\n"
            "and left out (the first 10 named on standard error, all of them in the file\n"
            "--skipped names); --strict stops at the first instead. An export that\n"
            "schedules no subject, or finds a subject id twice, fails and writes nothing.\n"
            "The file is replaced only when the export succeeds (a pipe or a device is\n"
            "written as a stream). Without --stamp, DTSTAMP is the current time, or\n"
            "SOURCE_DATE_EPOCH when that is set (for reproducible builds), or midnight UTC\n"
            "of --today. The run ends with one summary line.\n"
            "\n"
            "examples:\n"
            "  touchpoints export plan.yaml --subject customer.yaml -o customer.ics\n"
            "  touchpoints export plan.yaml --subjects customers.csv -o team.ics --alarm 15\n"
            "  touchpoints export plan.yaml --subjects customers.csv -o team.ics \\\n"
            "      --summary '{title}: {name}' --skipped skipped.csv\n"
            "  touchpoints export plan.yaml --subjects crm.csv -o team.ics \\\n"
            "      --column id=customer_no --column purchase=purchase_date\n"
            "  touchpoints export plan.yaml --subjects customers.csv --by-owner -o feeds/"
        ),
    )
    parser.add_argument("plan", metavar="PLAN", help="the plan file")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--subject", metavar="FILE", help="one subject's file (pick one with --subject-id)"
    )
    who.add_argument(
        "--subjects", metavar="FILE", help="a CSV, YAML or JSON file of subjects to export"
    )
    parser.add_argument("--subject-id", metavar="ID", help="with --subject: which subject")
    add_column_options(parser)
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="the .ics file to write ('-' for standard output; a directory with --by-owner)",
    )
    add_window_options(parser, limit="the most touch points per subject")
    parser.add_argument("--name", metavar="NAME", help="the calendar's name (default: the plan's)")
    parser.add_argument(
        "--stamp",
        type=parse_stamp,
        metavar="TIME",
        help="the export time (DTSTAMP), such as 2026-01-01T09:00:00Z (default: now)",
    )
    parser.add_argument(
        "--alarm",
        type=parse_minutes,
        metavar="MINUTES",
        help="add a reminder this many minutes before each touch point",
    )
    parser.add_argument(
        "--todo", action="store_true", help="write to-dos (VTODO) for task apps instead of events"
    )
    parser.add_argument(
        "--description",
        metavar="TEMPLATE",
        help="describe each touch point from the subject's attributes, such as "
        "'Call {name} about {title}'",
    )
    parser.add_argument(
        "--summary",
        metavar="TEMPLATE",
        help="title each touch point from the subject's attributes, such as "
        "'{title}: {name}' (default: the rule's title)",
    )
    parser.add_argument(
        "--today",
        type=parse_day,
        metavar="DATE",
        help="run as if today were DATE: the window starts there (and DTSTAMP is its "
        "midnight UTC unless --stamp), so runs repeat",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="keep touch points before the export date too",
    )
    parser.add_argument(
        "--skipped",
        metavar="FILE.csv",
        help="list the subjects that could not be scheduled in this CSV file (id, line, reason)",
    )
    parser.add_argument(
        "--by-owner",
        action="store_true",
        help="write one feed per owner or role into the directory given with -o (the "
        "rule's owner, else the subject's 'owner' attribute)",
    )
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="an SQLite file that keeps what was exported (read if it exists, then "
        "updated), so that calendars update in place and unchanged subjects are copied",
    )
    parser.add_argument(
        "--cancel-removed",
        action="store_true",
        help="with --state: keep touch points that are gone as cancelled events",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="stop at the first subject that cannot be scheduled (default: skip it and say so)",
    )
    add_audience_option(parser)
    parser.set_defaults(handler=_export, anchor=None, timezone=None)


def _owner_files(owners: Iterable[str | None]) -> dict[str | None, str]:
    names: dict[str | None, str] = {}
    taken: set[str] = set()
    for owner in owners:
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", owner or "unassigned").strip("-.") or "owner"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        names[owner] = f"{name}.ics"
    return names


def _check_arguments(args: argparse.Namespace) -> None:
    """Refuse arguments that do not fit together, and outputs that cannot be written,
    before any work starts."""
    if args.subject_id is not None and args.subject is None:
        raise UsageError("--subject-id goes with --subject; --subjects exports every subject")
    if args.cancel_removed and args.state is None:
        raise UsageError("--cancel-removed goes with --state, which remembers what was exported")
    if args.by_owner and (args.state is not None or args.output == "-"):
        raise UsageError("--by-owner writes several files: give a directory with -o, no --state")
    customer = args.audience == "customer"
    if customer and args.subject is None:
        raise UsageError("--for customer writes one customer's feed: give it with --subject")
    if args.by_owner and customer:
        raise UsageError("--by-owner splits the team's feed; a customer's feed has no owners")
    if args.all and args.start is not None:
        raise UsageError("--all keeps every touch point; leave out --start, or --all")
    if args.by_owner:
        check_output_directory(args.output)
    else:
        check_output(args.output)
    for option, path in (("--state", args.state), ("--skipped", args.skipped)):
        if path is not None:
            check_output(path, option=option)
            if path == "-":
                raise UsageError(f"{option} needs a file name, not '-'")


def _export(args: argparse.Namespace) -> int:
    _check_arguments(args)
    columns = column_map(args, args.subjects if args.subjects is not None else args.subject)
    plan = load_plan(args.plan)
    stamp = export_stamp(args)
    start, window = export_window(args, plan, stamp)
    is_csv = args.subjects is not None and args.subjects.lower().endswith(".csv")
    print(f"{PROG}: {window}", file=sys.stderr)
    recent: dict[str, Mapping[str, object]] = {}
    owners: dict[str, str | None] = {}
    strict = args.strict or args.subject is not None
    customer = args.audience == "customer"
    customer_uid = None  # a customer's calendar gets a UID of its own, never the team's
    customer_subject = None
    if customer:
        customer_subject = subject_from_arguments(plan, args)
        customer_uid = customer_calendar_uid(plan.id, customer_subject.id)
    options = ExportOptions(
        stamp=stamp,
        name=args.name or plan.name or plan.id,
        calendar_uid=customer_uid,
        component="VTODO" if args.todo else "VEVENT",
        alarm=-args.alarm if args.alarm is not None else None,
        description_template=args.description,
        summary_template=args.summary,
        attributes=recent.get,
        removed="cancel" if args.cancel_removed else "drop",
    )
    noun = "to-do" if args.todo else "event"
    positions = None
    if is_csv and os.path.isfile(args.subjects):
        positions = RowPositions(args.subjects, (columns or {}).get("id", "id"))
    fraction = positions.fraction if positions is not None else None
    with (
        terminal_progress(sys.stderr, label="subjects", fraction=fraction) as progress,
        open_output(args.skipped) if args.skipped else NoFile() as skipped_file,
    ):
        tally = Tally(skipped_file, args.skipped)

        line: int | None = None  # where the subject being scheduled starts

        def read(items: Iterable[tuple[Subject, int | None]]) -> Iterator[Subject]:
            nonlocal line
            for subject, where in items:
                line = where  # schedule_many reports a subject before taking the next
                tally.read += 1
                progress.advance()
                # Templates need the subject's attributes while its touch points are
                # written; keep only the latest few, so that memory stays flat.
                recent[subject.id] = subject.attributes
                if len(recent) > 1_024:
                    del recent[next(iter(recent))]
                if args.by_owner:
                    owners[subject.id] = subject_owner(subject)
                yield subject

        def skip(subject: Subject, error: ScheduleError) -> None:
            if tally.skipped < 10:
                print(printable(f"{PROG}: skipped: {error_text(error)}"), file=sys.stderr)
            tally.skip(subject.id, line, error)
            owners.pop(subject.id, None)

        def scheduled(items: Iterable[tuple[Subject, int | None]]) -> Iterator[TouchPoint]:
            """One call for every subject, so that they share its cache; a subject that
            cannot be scheduled is skipped and reported (or, --strict, stops the run)."""
            touch_points = schedule_many(
                plan,
                read(items),
                start=start,
                end=args.end,
                limit=args.limit,
                on_error=None if strict else skip,
            )
            if customer_subject is not None:  # --for customer: one subject's own view
                team = Schedule(plan.id, customer_subject.id, tuple(touch_points))
                touch_points = iter(for_customer(team))
            yield from touch_points
            tally.scheduled = tally.read - tally.skipped

        def nothing_scheduled() -> ScheduleError:
            columns = csv_header(args.subjects) if is_csv else []
            return ScheduleError(tally.nothing_scheduled(columns))

        try:
            if args.subject is not None:
                one = customer_subject or subject_from_arguments(plan, args)
                subjects: Iterable[tuple[Subject, int | None]] = [(one, None)]
            else:
                subjects = file_subjects(args.subjects, plan, positions, columns)
            touch_points = scheduled(subjects)
            if args.by_owner:
                count = _write_by_owner(args, options, list(touch_points), owners, tally)
                if not tally.scheduled:
                    raise nothing_scheduled()
                where = f" in {args.output}"
            else:
                state = IcalState.open(args.state) if args.state is not None else None
                try:
                    with open_output(args.output) as stream:
                        if state is None:
                            count = write_ical(touch_points, stream, options=options).count
                        else:
                            through = write_with_state(
                                state, plan, subjects, scheduled, lambda: tally.skipped,
                                stream, options=options, window=(start, args.end, args.limit),
                                variant=str(args.audience),
                            )  # fmt: skip
                            count = through.count
                            print(printable(state_line(args.state, through)), file=sys.stderr)
                            tally.read += through.reused
                            tally.scheduled += through.reused
                        if not tally.scheduled:
                            raise nothing_scheduled()
                    if state is not None:
                        state.commit()
                finally:
                    if state is not None:
                        state.close()
                shown = "standard output" if args.output == "-" else args.output
                print(printable(f"{shown}: {plural(count, noun)}"), file=sys.stderr)
                where = ""
        finally:
            if positions is not None:
                positions.close()
    _report_skipped(tally.skipped)
    print(tally.summary(count, noun, where), file=sys.stderr)
    return EXIT_OK


def _write_by_owner(
    args: argparse.Namespace,
    options: ExportOptions,
    touch_points: list[TouchPoint],
    owners: Mapping[str, str | None],
    tally: Tally,
) -> int:
    """One feed per owner: the rule's, else the subject's; the number of components."""
    if not tally.scheduled:
        return 0
    groups: dict[str | None, list[TouchPoint]] = {}
    for tp in touch_points:
        groups.setdefault(tp.rule.owner or owners.get(tp.subject_id), []).append(tp)
    ordered = sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))
    base = options.name or "Touch points"
    feeds = {
        owner: to_ical(
            items,
            options=dataclasses.replace(
                options, name=f"{base} – {owner if owner is not None else 'unassigned'}"
            ),
        )
        for owner, items in ordered
    }
    os.makedirs(args.output, exist_ok=True)
    files = _owner_files(feeds)
    noun = "to-do" if args.todo else "event"
    total = 0
    for owner, data in feeds.items():
        path = os.path.join(args.output, files[owner])
        with open_output(path) as stream:
            stream.write(data)
        count = data.count(b"BEGIN:VTODO" if args.todo else b"BEGIN:VEVENT")
        total += count
        print(printable(f"{path}: {plural(count, noun)}"), file=sys.stderr)
    return total


def _report_skipped(skipped: int) -> None:
    if skipped:
        more = " (the first 10 are listed above)" if skipped > 10 else ""
        print(
            f"{PROG}: {plural(skipped, 'subject')} could not be scheduled and "
            f"{'were' if skipped != 1 else 'was'} left out{more}; "
            "use --strict to stop at the first",
            file=sys.stderr,
        )
