"""The shared parts of the commands' parsers: value types, help layout, common options.

A value that does not parse raises :class:`argparse.ArgumentTypeError` with a message
that says how to write it, so that argparse reports a usage error (exit code 2).
"""

from __future__ import annotations

import argparse
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from typing import Final, TypeAlias

from touchpoints._core import DEFAULT_LIMIT
from touchpoints._files import parse_column
from touchpoints._model import zone_for

__all__ = [
    "Subparsers",
    "add_column_options",
    "add_command",
    "add_subject_options",
    "add_window_options",
    "formatter",
    "parse_anchor",
    "parse_column_option",
    "parse_day",
    "parse_minutes",
    "parse_positive",
    "parse_stamp",
    "parse_zone",
]

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""Where each command registers its parser."""


def formatter(prog: str) -> argparse.HelpFormatter:
    """Help wrapped to the terminal (at most 100 columns), descriptions kept as written.

    >>> type(formatter("touchpoints")).__name__
    'RawDescriptionHelpFormatter'
    """
    width = min(shutil.get_terminal_size().columns, 100)
    return argparse.RawDescriptionHelpFormatter(prog, width=width, max_help_position=30)


def add_command(
    commands: Subparsers, name: str, *, help: str, description: str
) -> argparse.ArgumentParser:
    """Create the parser of one command, with ``--debug`` and the shared help layout.

    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_command(commands, "hello", help="say hello", description="Say hello.").prog
    '... hello'
    """
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=help, description=description, formatter_class=formatter
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback of an error",
    )
    return parser


def add_subject_options(parser: argparse.ArgumentParser) -> None:
    """The one subject a command schedules: --anchor or --subject, --timezone, --subject-id,
    and the column mapping of a CSV subject file.

    :func:`~touchpoints._cli.inputs.subject_from_arguments` reads them back.

    >>> parser = argparse.ArgumentParser()
    >>> add_subject_options(parser)
    >>> parser.parse_args(["--anchor", "purchase=2026-01-15"]).anchor
    [('purchase', datetime.date(2026, 1, 15))]
    """
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--anchor",
        action="append",
        type=parse_anchor,
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
        type=parse_zone,
        metavar="ZONE",
        help="the subject's time zone, such as America/New_York (default: the plan's)",
    )
    parser.add_argument("--subject-id", metavar="ID", help="the subject's id (default: example)")
    add_column_options(parser)


def add_column_options(parser: argparse.ArgumentParser) -> None:
    """--column NAME=COLUMN (repeatable) and --columns FILE: which column of a CSV
    subject file holds the id, the time zone, an anchor or an attribute.

    :func:`~touchpoints._cli.inputs.column_map` reads them back.

    >>> parser = argparse.ArgumentParser()
    >>> add_column_options(parser)
    >>> parser.parse_args(["--column", "purchase=purchase_date", "--column", "id=no"]).column
    [('purchase', 'purchase_date'), ('id', 'no')]
    """
    parser.add_argument(
        "--column",
        action="append",
        type=parse_column_option,
        metavar="NAME=COLUMN",
        help="read the CSV column COLUMN as NAME (id, timezone, an anchor or an attribute), "
        "such as purchase=purchase_date (repeatable)",
    )
    parser.add_argument(
        "--columns",
        metavar="FILE",
        help="a file of such mappings, one 'NAME = COLUMN' a line ('#' starts a comment); "
        "--column overrides it",
    )


def add_window_options(parser: argparse.ArgumentParser, *, limit: str) -> None:
    """--start, --end and --limit, shared by the commands that schedule.

    Args:
        parser: the command's parser.
        limit: what ``--limit`` counts, for its help.

    >>> parser = argparse.ArgumentParser()
    >>> add_window_options(parser, limit="the most touch points")
    >>> parser.parse_args(["--start", "2026-01-15", "--limit", "5"])
    Namespace(start=datetime.date(2026, 1, 15), end=None, limit=5)
    """
    parser.add_argument(
        "--start", type=parse_day, metavar="DATE", help="first day of the window (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--end",
        type=parse_day,
        metavar="DATE",
        help="the window ends when this day begins (exclusive; default: the plan's horizon)",
    )
    parser.add_argument(
        "--limit",
        type=parse_positive,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"{limit} (default: {DEFAULT_LIMIT:,})",
    )


def parse_day(text: str) -> date:
    """A date written as YYYY-MM-DD, and only so, as in subject files: digits without
    dashes (``20260115``) and week dates are refused, never read as some day.

    >>> parse_day(" 2026-01-15")
    datetime.date(2026, 1, 15)
    >>> parse_day("20260115")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '20260115' is not a date; write it as YYYY-MM-DD, such as 2026-01-15
    """
    value = text.strip()
    try:
        if _DAY.fullmatch(value) is None:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, such as 2026-01-15"
        ) from None


_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_STAMP: Final = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", re.ASCII)


def parse_anchor(text: str) -> tuple[str, date]:
    """An anchor written as NAME=YYYY-MM-DD.

    >>> parse_anchor("purchase=2026-01-15")
    ('purchase', datetime.date(2026, 1, 15))
    """
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(
            f"write an anchor as NAME=YYYY-MM-DD, such as purchase=2026-01-15, not {text!r}"
        )
    return name.strip(), parse_day(value)


def parse_column_option(text: str) -> tuple[str, str]:
    """A column mapping written as NAME=COLUMN.

    >>> parse_column_option("id=customer_no")
    ('id', 'customer_no')
    """
    try:
        return parse_column(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parse_zone(text: str) -> str:
    """The name of a time zone, checked.

    >>> parse_zone("Europe/Berlin")
    'Europe/Berlin'
    """
    try:
        zone_for(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def parse_positive(text: str) -> int:
    """A whole number of 1 or more.

    >>> parse_positive("12")
    12
    """
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return value


def parse_stamp(text: str) -> datetime:
    """A date and time with a zone (an offset or ``Z``), written with dashes and colons.

    >>> parse_stamp("2026-01-01T09:00:00Z")
    datetime.datetime(2026, 1, 1, 9, 0, tzinfo=datetime.timezone.utc)
    """
    try:
        value = datetime.fromisoformat(text.strip()) if _STAMP.match(text.strip()) else None
    except ValueError:
        value = None
    if value is None or (type(value) is datetime and value.utcoffset() is None):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time with a zone; write it like "
            "2026-01-01T09:00:00Z or 2026-01-01T10:00:00+01:00"
        )
    try:
        in_range = 1900 <= value.astimezone(UTC).year <= 9998
    except OverflowError:
        in_range = False
    if not in_range:
        raise argparse.ArgumentTypeError(
            f"{text!r} is too far from today for an export time; give one between the "
            "years 1900 and 9998"
        )
    return value


MAX_MINUTES = 366 * 24 * 60
"""The longest reminder, in minutes: a year."""


def parse_minutes(text: str) -> timedelta:
    """A whole number of minutes, from 0 to :data:`MAX_MINUTES` (a year).

    >>> parse_minutes("15")
    datetime.timedelta(seconds=900)
    """
    text = text.strip()
    value = int(text) if text.isascii() and text.isdigit() and len(text) < 20 else -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of minutes; write a whole number such as 15"
        )
    if value > MAX_MINUTES:
        raise argparse.ArgumentTypeError(
            f"{text} minutes is more than a year; give at most {MAX_MINUTES:,}"
        )
    return timedelta(minutes=value)
