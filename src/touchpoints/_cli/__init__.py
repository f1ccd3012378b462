"""The ``touchpoints`` command line: the one place that reads files, arguments and terminals.

Each command parses its arguments, reads its files, calls pure functions that return
text and prints it. The modules, one job each:

- :mod:`~touchpoints._cli.dispatch`: the parser, with every command in :data:`COMMANDS`,
  and :func:`main`, which runs one.
- :mod:`~touchpoints._cli.errors`: exit codes and error reporting.
- :mod:`~touchpoints._cli.arguments`: the shared parts of the parsers (value types, help
  layout, the window options).
- :mod:`~touchpoints._cli.inputs`: the subject a command schedules, from its arguments.
- :mod:`~touchpoints._cli.table` and :mod:`~touchpoints._cli.progress`: what the
  commands show on the terminal; :mod:`~touchpoints._cli.rows` (schedules as
  formula-safe CSV) and :mod:`~touchpoints._cli.diagnostics` (problems as text, JSON and
  GitHub annotations): what they print for scripts.
- :mod:`~touchpoints._cli.outputs`: files replaced atomically, pipes and devices
  written as streams; :mod:`~touchpoints._cli.window`: the export date and window.
- :mod:`~touchpoints._cli.positions`, :mod:`~touchpoints._cli.subject_files` and
  :mod:`~touchpoints._cli.tally`: an export's subjects with their lines, repeated
  ids refused, the counts and the summary line; :mod:`~touchpoints._cli.subject_checks`:
  ``validate --subjects``.
- :mod:`~touchpoints._cli.plans` (``validate``, ``explain``, ``schema``),
  :mod:`~touchpoints._cli.preview` and :mod:`~touchpoints._cli.export`: the commands.

To add a command, write ``add_NAME(commands)``, which creates its parser with
:func:`~touchpoints._cli.arguments.add_command` (that gives it ``--debug`` and the
shared help layout) and sets ``handler`` to a function ``(args) -> exit code``; and
append it to :data:`COMMANDS`. The CLI reference in ``docs/cli.md`` picks it up by
itself. Handlers raise :class:`~touchpoints.TouchpointsError` for invalid input and
:class:`~touchpoints._cli.errors.UsageError` for arguments that do not fit together;
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

# In dependency order: dispatch imports the commands, which import the others.
# isort: off
from touchpoints._cli.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    format_problems,
)
from touchpoints._cli.progress import Progress
from touchpoints._cli.table import format_table
from touchpoints._cli.dispatch import COMMANDS, build_parser, main

# isort: on

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
