"""The ``touchpoints`` parser, with every command in :data:`COMMANDS`, and :func:`main`,
which parses the arguments and runs the command they name."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from importlib import metadata

from touchpoints._cli.arguments import Subparsers, formatter
from touchpoints._cli.check import add_check
from touchpoints._cli.errors import EXIT_USAGE, PROG, run
from touchpoints._cli.export import add_export
from touchpoints._cli.load import add_load
from touchpoints._cli.plans import add_explain, add_schema, add_validate
from touchpoints._cli.preview import add_preview
from touchpoints._cli.timeline import add_timeline

__all__ = ["COMMANDS", "build_parser", "main"]

COMMANDS: list[Callable[[Subparsers], None]] = [
    add_validate,
    add_explain,
    add_preview,
    add_schema,
    add_export,
    add_timeline,
    add_load,
    add_check,
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
        prog=PROG,
        description="Turn after-sales plan templates into contact schedules.",
        epilog=(
            "exit codes: 0 success, 1 invalid input, 2 usage error, 3 internal error (a bug),\n"
            "130 interrupted. Run 'touchpoints COMMAND --help' for a command's options."
        ),
        formatter_class=formatter,
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``touchpoints`` command line and return its exit code.

    Args:
        argv: the arguments, without the program name (default: ``sys.argv[1:]``).

    Returns:
        0 on success, 1 for invalid input, 2 for a usage error, 3 for an unexpected
        error (a bug), 130 when interrupted.

    >>> main(["explain", "no-such-plan.yaml"])  # the message goes to standard error
    1
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits for --help and for usage errors
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    return run(args.handler, args)
