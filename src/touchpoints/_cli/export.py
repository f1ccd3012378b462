"""The ``export`` command: schedules written as iCalendar feeds, one file or one per owner.

Every call into the iCalendar writer (:func:`~touchpoints.write_ical`,
:func:`~touchpoints.to_ical_by_owner`) is in :func:`_export`, the command's handler.
Files are replaced atomically, so a failed export leaves the previous feed in place.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import BinaryIO

from touchpoints._cli.arguments import (
    Subparsers,
    add_command,
    add_window_options,
    parse_minutes,
    parse_stamp,
)
from touchpoints._cli.errors import EXIT_OK, PROG, UsageError, error_text
from touchpoints._cli.inputs import subject_from_arguments
from touchpoints._cli.progress import Progress
from touchpoints._cli.timeline import add_audience_option
from touchpoints._core import TouchPoint, schedule
from touchpoints._errors import ScheduleError
from touchpoints._files import load_plan, load_subjects, plan_anchor_names
from touchpoints._ical import (
    ExportOptions,
    Revision,
    dump_ical_state,
    load_ical_state,
    to_ical_by_owner,
    write_ical,
)
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
            "Subjects that cannot be scheduled (a lead without a purchase date) are named on\n"
            "standard error and left out; --strict stops at the first instead. The file is\n"
            "replaced only when the export succeeds. Without --stamp, DTSTAMP is the current\n"
            "time, or SOURCE_DATE_EPOCH when that is set (for reproducible builds).\n"
            "\n"
            "examples:\n"
            "  touchpoints export plan.yaml --subject customer.yaml -o customer.ics\n"
            "  touchpoints export plan.yaml --subjects customers.csv -o team.ics --alarm 15\n"
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
        "--by-owner",
        action="store_true",
        help="write one feed per owner or role into the directory given with -o",
    )
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="the previous export's state (read if it exists, then rewritten), so that "
        "calendars update in place",
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


def _export_stamp(args: argparse.Namespace) -> datetime:
    if args.stamp is not None:
        stamp: datetime = args.stamp
        return stamp
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():  # reproducible builds: https://reproducible-builds.org/specs/
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def _write_atomically(path: str, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` through a temporary file beside it, so that a failure part-way
    leaves the old file (or none), never half a feed."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".touchpoints-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        mask = os.umask(0)  # read the umask: a temporary file is private, a feed is not
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _writer(data: bytes) -> Callable[[BinaryIO], object]:
    return lambda stream: stream.write(data)


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


def _export(args: argparse.Namespace) -> int:
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
    plan = load_plan(args.plan)
    stamp = _export_stamp(args)
    recent: dict[str, Mapping[str, object]] = {}

    skipped: list[str] = []

    def scheduled(subjects: Iterable[Subject]) -> Iterator[TouchPoint]:
        for subject in subjects:
            try:
                result = schedule(plan, subject, start=args.start, end=args.end, limit=args.limit)
            except ScheduleError as error:
                if args.strict:
                    raise
                if len(skipped) < 10:
                    print(f"{PROG}: skipped: {error_text(error)}", file=sys.stderr)
                skipped.append(subject.id)
                continue
            # Templates need the subject's attributes while its touch points are
            # written; keep only the latest few, so that memory stays flat.
            recent[subject.id] = subject.attributes
            if len(recent) > 1_024:
                del recent[next(iter(recent))]
            yield from for_customer(result) if customer else result

    customer_uid = None  # a customer's calendar gets a UID of its own, never the team's
    if customer:
        customer_uid = customer_calendar_uid(plan.id, subject_from_arguments(plan, args).id)
    options = ExportOptions(
        stamp=stamp,
        name=args.name or plan.name or plan.id,
        calendar_uid=customer_uid,
        component="VTODO" if args.todo else "VEVENT",
        alarm=-args.alarm if args.alarm is not None else None,
        description_template=args.description,
        attributes=recent.get,
        removed="cancel" if args.cancel_removed else "drop",
    )
    noun = "to-do" if args.todo else "event"
    with Progress(sys.stderr, label="subjects") as progress:
        if args.subject is not None:
            subjects: Iterable[Subject] = [subject_from_arguments(plan, args)]
        else:
            names = plan_anchor_names(plan)
            subjects = progress.track(load_subjects(args.subjects, anchors=names))
        touch_points = scheduled(subjects)
        if args.by_owner:
            feeds = to_ical_by_owner(touch_points, options=options)
            os.makedirs(args.output, exist_ok=True)
            files = _owner_files(feeds)
            for owner, data in feeds.items():
                path = os.path.join(args.output, files[owner])
                _write_atomically(path, _writer(data))
                count = data.count(b"BEGIN:VTODO" if args.todo else b"BEGIN:VEVENT")
                print(f"{path}: {count:,} {noun}{'s' if count != 1 else ''}", file=sys.stderr)
            _report_skipped(skipped)
            return EXIT_OK
        previous = None
        if args.state is not None and os.path.exists(args.state):
            with open(args.state, encoding="utf-8") as file:
                previous = load_ical_state(file.read())
        elif args.state is not None:
            previous = {}
        state: dict[str, Revision] = {}
        count = 0

        def write(stream: BinaryIO) -> None:
            nonlocal count, state
            written = write_ical(touch_points, stream, options=options, state=previous)
            count, state = written.count, written.state

        if args.output == "-":
            write(sys.stdout.buffer)
        else:
            _write_atomically(args.output, write)
        if args.state is not None:
            _write_atomically(args.state, _writer(dump_ical_state(state).encode()))
    where = "standard output" if args.output == "-" else args.output
    print(f"{where}: {count:,} {noun}{'s' if count != 1 else ''}", file=sys.stderr)
    _report_skipped(skipped)
    return EXIT_OK


def _report_skipped(skipped: list[str]) -> None:
    if skipped:
        more = " (the first 10 are listed above)" if len(skipped) > 10 else ""
        print(
            f"{PROG}: {len(skipped):,} subject{'s' if len(skipped) != 1 else ''} could not be "
            f"scheduled and {'were' if len(skipped) != 1 else 'was'} left out{more}; "
            "use --strict to stop at the first",
            file=sys.stderr,
        )
