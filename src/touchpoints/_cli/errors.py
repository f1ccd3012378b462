"""Exit codes and error reporting: which failure of a command prints what, with which code.

Handlers raise :class:`~touchpoints.TouchpointsError` for invalid input and
:class:`UsageError` for arguments that do not fit together; :func:`run` calls a
handler and turns every way it can fail into one message on standard error and an
exit code:

- 0 (:data:`EXIT_OK`): success.
- 1 (:data:`EXIT_INVALID`): invalid input: a plan or subject file with problems, or a
  plan that cannot be scheduled for the subject given.
- 2 (:data:`EXIT_USAGE`): usage error: an unknown command or option, or a malformed
  value on the command line (a date, an anchor, a time zone).
- 3 (:data:`EXIT_INTERNAL`): an unexpected error inside touchpoints, which is a bug;
  ``--debug`` shows the traceback.
- 130 (:data:`EXIT_INTERRUPTED`): interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import unicodedata
from collections.abc import Callable, Iterable
from typing import Final

from touchpoints._errors import PlanError, Problem, SubjectError, TouchpointsError

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "PROG",
    "UsageError",
    "error_text",
    "format_problems",
    "printable",
    "run",
]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2
EXIT_INTERNAL: Final = 3
EXIT_INTERRUPTED: Final = 130

PROG: Final = "touchpoints"
"""The command's name, which starts every message it prints about itself."""


class UsageError(Exception):
    """The arguments parse but do not fit together; reported like an argparse error.

    >>> str(UsageError("--subject-id goes with --subject"))
    '--subject-id goes with --subject'
    """


def printable(text: str) -> str:
    r"""``text`` safe for a terminal: control and format characters (escape sequences,
    bidirectional overrides, line separators) written as ``\x1b``-style escapes;
    line breaks kept.

    >>> printable("id \x1b[31mred\u202e\nnext")
    'id \\x1b[31mred\\u202e\nnext'
    """
    if text.isascii() and text.isprintable():
        return text
    out = []
    for char in text:
        if char == "\n" or unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


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


def error_text(error: TouchpointsError) -> str:
    """An error of invalid input in words: a count and one line per problem.

    The count is of every problem found; when the error lists only the first of them
    (reports are bounded), the head says so and the last line counts the rest, as
    ``str(error)`` does.

    >>> print(error_text(PlanError([Problem("plan", "the required key 'plan' is missing")],
    ...                            source="plan.yaml")))
    1 problem with the plan in plan.yaml:
    plan.yaml: plan: the required key 'plan' is missing
    >>> print(error_text(SubjectError([Problem("purchase", "not a date", 2)],
    ...                               source="crm.csv", omitted=4)))
    5 problems with the subject in crm.csv (the first 1 is listed):
    crm.csv:2: purchase: not a date
      ... and 4 more
    """
    if isinstance(error, PlanError | SubjectError):
        listed = len(error.problems)
        count = listed + error.omitted
        noun = "plan" if isinstance(error, PlanError) else "subject"
        head = f"{count:,} problem{'s' if count != 1 else ''} with the {noun}"
        head += f" in {error.source}" if error.source else ""
        if error.omitted:
            head += f" (the first {listed:,} {'is' if listed == 1 else 'are'} listed)"
        text = f"{head}:\n{format_problems(error.problems, source=error.source)}"
        if error.omitted:
            text += f"\n  ... and {error.omitted:,} more"
        return text
    return str(error)


def run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command's handler and return its exit code, reporting any failure.

    ``args.command`` names the command in usage errors, and ``args.debug`` (when set)
    prints the traceback of an error before its message.

    >>> args = argparse.Namespace(command="explain")
    >>> run(lambda args: EXIT_OK, args)
    0
    >>> def clash(args):
    ...     raise UsageError("--subject-id goes with --subject")
    >>> run(clash, args)
    2
    """
    debug: bool = getattr(args, "debug", False)
    try:
        code = handler(args)
    except UsageError as error:
        print(printable(f"{PROG} {args.command}: error: {error}"), file=sys.stderr)
        return EXIT_USAGE
    except TouchpointsError as error:
        _report(f"{PROG}: error: {error_text(error)}", debug=debug)
        return EXIT_INVALID
    except BrokenPipeError:  # the reader went away, as with `touchpoints ... | head`
        _detach_stdout()
        return EXIT_OK
    except OSError as error:
        name = getattr(error, "filename", None)
        reason = error.strerror or str(error)
        _report(f"{PROG}: error: {name}: {reason}" if name else f"{PROG}: error: {reason}", debug)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        _report(
            f"{PROG}: internal error: {type(error).__name__}: {error}\n"
            f"{PROG}: this is a bug in touchpoints; run with --debug for details",
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
    print(printable(message), file=sys.stderr)
