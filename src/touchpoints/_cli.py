"""The ``touchpoints`` command line: the one place that reads files, arguments and terminals.

Each command parses its arguments, reads its files, calls pure functions that return
text and prints it. Commands are registered through :data:`COMMANDS`. To add one,
write ``_add_NAME(commands)``, which creates its parser with :func:`_command` (that
gives it ``--debug`` and the shared help layout) and sets ``handler`` to a function
``(args) -> exit code``; and append it to :data:`COMMANDS`. The CLI reference in
``docs/cli.md`` picks it up by itself. Handlers raise :class:`~touchpoints.TouchpointsError`
for invalid input and :class:`_UsageError` for arguments that do not fit together;
:func:`main` turns both into one message and an exit code. A handler that works
through many subjects wraps them in :class:`Progress` on ``sys.stderr``.

Exit codes:

- 0: success.
- 1: invalid input: a plan or subject file with problems, or a plan that cannot be
  scheduled for the subject given.
- 2: usage error: an unknown command or option, or a malformed value on the command
  line (a date, an anchor, a time zone).
- 3: an unexpected error inside touchpoints, which is a bug; ``--debug`` shows the
  traceback.
- 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from typing import BinaryIO, Final, TextIO, TypeAlias, TypeVar

from pydantic import ValidationError

from touchpoints._business import day_label
from touchpoints._calendar import day_of, zone_for
from touchpoints._engine import DEFAULT_LIMIT, Schedule, TouchPoint, schedule
from touchpoints._errors import (
    PlanError,
    Problem,
    ScheduleError,
    SubjectError,
    TouchpointsError,
)
from touchpoints._explain import explain_plan, one_line
from touchpoints._ical import (
    ExportOptions,
    Revision,
    dump_ical_state,
    load_ical_state,
    to_ical_by_owner,
    write_ical,
)
from touchpoints._models import Plan, Subject
from touchpoints._parse import load_plan, plan_json_schema
from touchpoints._subjects import load_subjects, plan_anchor_names, unknown_anchor_message

__all__ = [
    "COMMANDS",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "Progress",
    "build_parser",
    "format_problems",
    "format_table",
    "main",
]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2
EXIT_INTERNAL: Final = 3
EXIT_INTERRUPTED: Final = 130

_PROG: Final = "touchpoints"
_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_T = TypeVar("_T")

# ---------------------------------------------------------------------------
# Pure renderers: values in, text out.


def _due_text(due: date) -> str:
    weekday = _WEEKDAYS[due.weekday()]
    if isinstance(due, datetime):
        return f"{due:%Y-%m-%d} {weekday} {due:%H:%M} {due.tzname()}"
    return f"{due:%Y-%m-%d} {weekday}"


def format_table(result: Schedule | Iterable[TouchPoint]) -> str:
    """Touch points as a plain-text table, one per line, with what was left out and
    the contact-fatigue rules that could not be met below.

    Args:
        result: a schedule, or any touch points.

    Returns:
        The table, without a trailing line break.

    >>> from datetime import date
    >>> from touchpoints import Plan, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"},
    ...     {"id": "win-back", "title": "Win back", "channel": "email", "at": "churn",
    ...      "optional": True}]})
    >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    >>> print(format_table(schedule(plan, subject)))
    due             rule  #  channel  title
    --------------  ----  -  -------  ------------
    2026-01-15 Thu  call  1  call     Welcome call
    <BLANKLINE>
    Left out:
      rule 'win-back' left out: the subject has no 'churn' date
    """
    touch_points = list(result)
    moved = any(tp.adjustments for tp in touch_points)
    header: tuple[str, ...] = ("due", "rule", "#", "channel", "title")
    header += ("moved",) if moved else ()
    rows = [
        (_due_text(tp.due), tp.rule_id, str(tp.occurrence), tp.channel, one_line(tp.title))
        + ((_moved_text(tp),) if moved else ())
        for tp in touch_points
    ]
    if not rows:
        text = "(no touch points in the window)"
    else:
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines = [header, tuple("-" * width for width in widths), *rows]
        text = "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines
        )
    omitted = result.omitted if isinstance(result, Schedule) else ()
    if omitted:
        text += "\n\nLeft out:\n" + "\n".join(f"  {one_line(str(o))}" for o in omitted)
    conflicts = result.conflicts if isinstance(result, Schedule) else ()
    if conflicts:
        text += "\n\nNot met:\n" + "\n".join(f"  {one_line(str(c))}" for c in conflicts)
    return text


def _moved_text(tp: TouchPoint) -> str:
    if not tp.adjustments:
        return ""
    reasons = one_line("; ".join(adjustment.reason for adjustment in tp.adjustments))
    if tp.planned == day_of(tp.due):
        return reasons  # notes that did not move it, such as "also covers ..."
    return f"from {day_label(tp.planned)} ({reasons})"


def format_problems(problems: Iterable[Problem], *, source: str | None = None) -> str:
    """Problems one per line, as ``FILE:LINE:COLUMN: FIELD: MESSAGE``.

    The form editors and CI logs understand; parts that are unknown are left out.

    Args:
        problems: what is wrong.
        source: the file the problems are in, if any.

    >>> print(format_problems([
    ...     Problem("touchpoints[0].evry", "unknown key 'evry'; did you mean 'every'?", 9, 5),
    ...     Problem("", "a plan needs 'touchpoints'")], source="plan.yaml"))
    plan.yaml:9:5: touchpoints[0].evry: unknown key 'evry'; did you mean 'every'?
    plan.yaml: a plan needs 'touchpoints'
    """
    lines = []
    for problem in problems:
        position: list[str] = []
        if problem.line is not None:  # a column alone says nothing
            position = [str(n) for n in (problem.line, problem.column) if n is not None]
        where = ":".join(part for part in (source, *position) if part)
        parts = [part for part in (where, problem.location, problem.message) if part]
        lines.append(": ".join(parts))
    return "\n".join(lines)


def _error_text(error: TouchpointsError) -> str:
    if isinstance(error, PlanError | SubjectError):
        count = len(error.problems)
        noun = "plan" if isinstance(error, PlanError) else "subject"
        head = f"{count} problem{'s' if count != 1 else ''} with the {noun}"
        head += f" in {error.source}" if error.source else ""
        return f"{head}:\n{format_problems(error.problems, source=error.source)}"
    return str(error)


# ---------------------------------------------------------------------------
# Progress on a terminal.


class Progress:
    """A one-line progress counter on a terminal; silent when the stream is not one.

    Long runs over many subjects (an export of a large CSV) call :meth:`advance`
    per item or wrap their input in :meth:`track`. The line is redrawn at most every
    ``interval`` seconds and cleared by :meth:`close`, so piped and redirected output
    never sees it.

    Args:
        stream: where to draw, normally ``sys.stderr``.
        label: what is counted, such as ``"subjects"``.
        total: how many there will be, when known.
        interval: the least time between redraws, in seconds.
        clock: a monotonic clock, replaceable in tests.

    >>> import io
    >>> class Terminal(io.StringIO):
    ...     def isatty(self): return True
    >>> screen = Terminal()
    >>> with Progress(screen, label="subjects", interval=0) as progress:
    ...     items = list(progress.track(range(3)))
    >>> screen.getvalue().split("\\r")[1:4]
    ['subjects: 1', 'subjects: 2', 'subjects: 3']
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        label: str,
        total: int | None = None,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = stream.isatty()
        self.count = 0
        self._stream = stream
        self._label = label
        self._total = total
        self._interval = interval
        self._clock = clock
        self._last_draw: float | None = None
        self._width = 0

    def advance(self, amount: int = 1) -> None:
        """Count ``amount`` more items and redraw if enough time has passed."""
        self.count += amount
        if not self.enabled:
            return
        now = self._clock()
        if self._last_draw is None or now - self._last_draw >= self._interval:
            self._last_draw = now
            self._draw()

    def track(self, items: Iterable[_T]) -> Iterator[_T]:
        """Yield ``items`` unchanged, counting each one."""
        for item in items:
            yield item
            self.advance()

    def close(self) -> None:
        """Erase the progress line, leaving the terminal as it was."""
        if self.enabled and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _draw(self) -> None:
        text = f"{self._label}: {self.count:,}"
        if self._total:
            text += f" of {self._total:,} ({self.count * 100 // self._total}%)"
        padding = " " * max(0, self._width - len(text))
        self._stream.write(f"\r{text}{padding}")
        self._stream.flush()
        self._width = max(self._width, len(text))


# ---------------------------------------------------------------------------
# Argument types: a bad value is a usage error (exit 2) with a clear message.


def _add_window_options(parser: argparse.ArgumentParser, *, limit: str) -> None:
    """--start, --end and --limit, shared by the commands that schedule."""
    parser.add_argument(
        "--start", type=_day, metavar="DATE", help="first day of the window (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--end",
        type=_day,
        metavar="DATE",
        help="the window ends when this day begins (exclusive; default: the plan's horizon)",
    )
    parser.add_argument(
        "--limit",
        type=_positive,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"{limit} (default: {DEFAULT_LIMIT:,})",
    )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, such as 2026-01-15"
        ) from None


def _anchor(text: str) -> tuple[str, date]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(
            f"write an anchor as NAME=YYYY-MM-DD, such as purchase=2026-01-15, not {text!r}"
        )
    return name.strip(), _day(value)


def _zone(text: str) -> str:
    try:
        zone_for(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return value


# ---------------------------------------------------------------------------
# Commands. Each ``_add_*`` function registers one; :data:`COMMANDS` lists them.

_Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _formatter(prog: str) -> argparse.HelpFormatter:
    """Help wrapped to the terminal (at most 100 columns), descriptions kept as written."""
    width = min(shutil.get_terminal_size().columns, 100)
    return argparse.RawDescriptionHelpFormatter(prog, width=width, max_help_position=30)


def _command(
    commands: _Subparsers, name: str, *, help: str, description: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=help, description=description, formatter_class=_formatter
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback of an error",
    )
    return parser


def _add_validate(commands: _Subparsers) -> None:
    parser = _command(
        commands,
        "validate",
        help="check plan files and list every problem",
        description=(
            "Check plan files (YAML, TOML or JSON). Every problem of every file is listed\n"
            "on standard error as FILE:LINE:COLUMN: FIELD: MESSAGE. The exit code is 0 when\n"
            "all files are valid and 1 otherwise."
        ),
    )
    parser.add_argument("plans", nargs="+", metavar="PLAN", help="a plan file")
    parser.set_defaults(handler=_validate)


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.plans:
        try:
            plan = load_plan(path)
        except PlanError as error:
            failed += 1
            print(format_problems(error.problems, source=error.source or path), file=sys.stderr)
            continue
        rules = len(plan.touchpoints)
        print(f"{path}: valid, plan {plan.id!r} with {rules} rule{'s' if rules != 1 else ''}")
    if failed:
        files = len(args.plans)
        print(
            f"{_PROG}: {failed} of {files} plan file{'s' if files != 1 else ''} "
            f"{'has' if failed == 1 else 'have'} problems",
            file=sys.stderr,
        )
        return EXIT_INVALID
    return EXIT_OK


def _add_explain(commands: _Subparsers) -> None:
    parser = _command(
        commands,
        "explain",
        help="describe a plan in plain words",
        description=(
            "Describe a plan in plain words: the anchors subjects give and the ones the\n"
            "plan derives, the contact time and zone, and one line per rule."
        ),
    )
    parser.add_argument("plan", metavar="PLAN", help="the plan file")
    parser.set_defaults(handler=_explain)


def _explain(args: argparse.Namespace) -> int:
    print(explain_plan(load_plan(args.plan)))
    return EXIT_OK


def _add_preview(commands: _Subparsers) -> None:
    parser = _command(
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
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--anchor",
        action="append",
        type=_anchor,
        metavar="NAME=DATE",
        help="an anchor date of the subject, such as purchase=2026-01-15 (repeatable)",
    )
    who.add_argument(
        "--subject",
        metavar="FILE",
        help="a subject file: YAML, JSON or CSV (pick one of several with --subject-id)",
    )
    parser.add_argument(
        "--timezone",
        type=_zone,
        metavar="ZONE",
        help="the subject's time zone, such as America/New_York (default: the plan's)",
    )
    parser.add_argument("--subject-id", metavar="ID", help="the subject's id (default: example)")
    _add_window_options(parser, limit="the most touch points to allow")
    parser.set_defaults(handler=_preview)


def _check_anchor_names(plan: Plan, names: Iterable[str]) -> None:
    known = plan_anchor_names(plan)
    problems = [
        Problem(f"anchors.{name}", unknown_anchor_message(name, known))
        for name in names
        if name not in known
    ]
    if problems:
        raise SubjectError(problems, source="the command line")


def _subject_from_arguments(plan: Plan, args: argparse.Namespace) -> Subject:
    if args.subject is None:
        anchors = dict(args.anchor)
        _check_anchor_names(plan, anchors)
        try:
            return Subject(id=args.subject_id or "example", timezone=args.timezone, anchors=anchors)
        except ValidationError as error:  # pragma: no cover - arguments are checked above
            raise SubjectError([Problem("", str(error))], source="the command line") from error
    if args.timezone is not None:
        raise _UsageError("--timezone goes with --anchor; put the zone in the subject file")
    names = plan_anchor_names(plan)
    chosen = None
    ids = []
    for subject in load_subjects(args.subject, anchors=names):
        ids.append(subject.id)
        if args.subject_id is None or subject.id == args.subject_id:
            if chosen is not None:
                raise _UsageError(
                    f"{args.subject} has more than one subject; pick one with --subject-id "
                    f"(such as --subject-id {ids[0]})"
                )
            chosen = subject
    if chosen is None:
        what = f"no subject {args.subject_id!r}" if args.subject_id else "no subjects"
        listed = f"; it has {', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''}" if ids else ""
        raise SubjectError([Problem("", f"the file has {what}{listed}")], source=args.subject)
    return chosen


def _preview(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    subject = _subject_from_arguments(plan, args)
    result = schedule(plan, subject, start=args.start, end=args.end, limit=args.limit)
    zone = subject.timezone or plan.timezone
    count = len(result)
    noun = "touch point" if count == 1 else "touch points"
    head = f"{one_line(plan.name or plan.id)}: {count:,} {noun} for {one_line(subject.id)}"
    if not plan.is_all_day and zone:
        head += f", times in {zone}"
    print(head)
    print(format_table(result))
    return EXIT_OK


def _add_schema(commands: _Subparsers) -> None:
    parser = _command(
        commands,
        "schema",
        help="print the JSON Schema of plan files",
        description=(
            "Print the JSON Schema of plan files, for editors that complete and check plans\n"
            "as you type (such as VS Code with the YAML extension)."
        ),
    )
    parser.set_defaults(handler=_schema)


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(plan_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _stamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        value = None
    if value is None or (type(value) is datetime and value.utcoffset() is None):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time with a zone; write it like "
            "2026-01-01T09:00:00Z or 2026-01-01T10:00:00+01:00"
        )
    return value


def _minutes(text: str) -> timedelta:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of minutes; write a whole number such as 15"
        )
    return timedelta(minutes=value)


def _add_export(commands: _Subparsers) -> None:
    parser = _command(
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
    _add_window_options(parser, limit="the most touch points per subject")
    parser.add_argument("--name", metavar="NAME", help="the calendar's name (default: the plan's)")
    parser.add_argument(
        "--stamp",
        type=_stamp,
        metavar="TIME",
        help="the export time (DTSTAMP), such as 2026-01-01T09:00:00Z (default: now)",
    )
    parser.add_argument(
        "--alarm",
        type=_minutes,
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
        raise _UsageError("--subject-id goes with --subject; --subjects exports every subject")
    if args.cancel_removed and args.state is None:
        raise _UsageError("--cancel-removed goes with --state, which remembers what was exported")
    if args.by_owner and (args.state is not None or args.output == "-"):
        raise _UsageError("--by-owner writes several files: give a directory with -o, no --state")
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
                    print(f"{_PROG}: skipped: {_error_text(error)}", file=sys.stderr)
                skipped.append(subject.id)
                continue
            # Templates need the subject's attributes while its touch points are
            # written; keep only the latest few, so that memory stays flat.
            recent[subject.id] = subject.attributes
            if len(recent) > 1_024:
                del recent[next(iter(recent))]
            yield from result

    options = ExportOptions(
        stamp=stamp,
        name=args.name or plan.name or plan.id,
        component="VTODO" if args.todo else "VEVENT",
        alarm=-args.alarm if args.alarm is not None else None,
        description_template=args.description,
        attributes=recent.get,
        removed="cancel" if args.cancel_removed else "drop",
    )
    noun = "to-do" if args.todo else "event"
    with Progress(sys.stderr, label="subjects") as progress:
        if args.subject is not None:
            subjects: Iterable[Subject] = [_subject_from_arguments(plan, args)]
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
            f"{_PROG}: {len(skipped):,} subject{'s' if len(skipped) != 1 else ''} could not be "
            f"scheduled and {'were' if len(skipped) != 1 else 'was'} left out{more}; "
            "use --strict to stop at the first",
            file=sys.stderr,
        )


COMMANDS: list[Callable[[_Subparsers], None]] = [
    _add_validate,
    _add_explain,
    _add_preview,
    _add_schema,
    _add_export,
]
"""The functions that register the commands, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``touchpoints`` command, with every command in :data:`COMMANDS`.

    Help text is wrapped to the terminal's width (the ``COLUMNS`` environment variable
    when set), at most 100 columns.

    >>> build_parser().parse_args(["explain", "plan.yaml"]).plan
    'plan.yaml'
    """
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Turn after-sales plan templates into contact schedules.",
        epilog=(
            "exit codes: 0 success, 1 invalid input, 2 usage error, 3 internal error (a bug),\n"
            "130 interrupted. Run 'touchpoints COMMAND --help' for a command's options."
        ),
        formatter_class=_formatter,
    )
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title="commands"
    )
    for register in COMMANDS:
        register(commands)
    return parser


def _version() -> str:
    try:
        return metadata.version("touchpoints")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "(unknown version)"


class _UsageError(Exception):
    """The arguments parse but do not fit together; reported like an argparse error."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``touchpoints`` command line and return its exit code.

    Args:
        argv: the arguments, without the program name (default: ``sys.argv[1:]``).

    Returns:
        0 on success, 1 for invalid input, 2 for a usage error, 3 for an unexpected
        error (a bug), 130 when interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits for --help and for usage errors
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    debug: bool = getattr(args, "debug", False)
    try:
        code: int = args.handler(args)
    except _UsageError as error:
        print(f"{_PROG} {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except TouchpointsError as error:
        _report(f"{_PROG}: error: {_error_text(error)}", debug=debug)
        return EXIT_INVALID
    except BrokenPipeError:  # the reader went away, as with `touchpoints ... | head`
        _detach_stdout()
        return EXIT_OK
    except OSError as error:
        name = getattr(error, "filename", None)
        reason = error.strerror or str(error)
        _report(f"{_PROG}: error: {name}: {reason}" if name else f"{_PROG}: error: {reason}", debug)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print(f"\n{_PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        _report(
            f"{_PROG}: internal error: {type(error).__name__}: {error}\n"
            f"{_PROG}: this is a bug in touchpoints; run with --debug for details",
            debug=debug,
        )
        return EXIT_INTERNAL
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _detach_stdout()
    return code


def _detach_stdout() -> None:
    """Point standard output at the null device, so that the final flush at exit
    does not fail again on a closed pipe."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - not a real file
        pass


def _report(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc(file=sys.stderr)
    print(message, file=sys.stderr)
