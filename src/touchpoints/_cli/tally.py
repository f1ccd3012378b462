"""What an export run did with its subjects: counted, checked for repeats, listed when
skipped, and told in one summary line.

Nothing here grows with the skipped subjects: they are counted and, with
``--skipped FILE.csv``, streamed to that file (id, line, reason). Repeated subject ids
are found by the subject files' own table of 8-byte hashes
(:class:`~touchpoints._files.unique_ids.IdHashes`), small for millions.
"""

from __future__ import annotations

import csv
import difflib
import io
from typing import BinaryIO, Final

from touchpoints._cli.errors import PROG, printable
from touchpoints._errors import MissingAnchorError, ScheduleError

__all__ = ["Tally", "plural"]

_MISSING_KINDS: Final = 100  # different missing anchors remembered, at most


def plural(count: int, noun: str) -> str:
    """``count`` and ``noun``, made plural when needed.

    >>> plural(1, "subject"), plural(1_000, "event")
    ('1 subject', '1,000 events')
    """
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class Tally:
    """The counts of one run, the skipped-subjects file, and the summary line.

    >>> tally = Tally()
    >>> tally.read = 2
    >>> tally.scheduled = 1
    >>> tally.skip("lead", 3, MissingAnchorError("lead", "call", "purchase"))
    >>> tally.summary(5, "event")
    'touchpoints: 2 subjects read, 1 scheduled, 1 skipped (listed above), 5 events written'
    """

    def __init__(self, skipped: BinaryIO | None = None, skipped_name: str | None = None) -> None:
        self.read = 0
        self.scheduled = 0
        self.skipped = 0
        self.first_reason: str | None = None
        self.missing: dict[str, int] = {}
        self._name = skipped_name
        self._stream = skipped
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")
        if skipped is not None:
            self._writer.writerow(["id", "line", "reason"])
            self._flush()

    def _flush(self) -> None:
        assert self._stream is not None
        self._stream.write(self._buffer.getvalue().encode("utf-8", "surrogateescape"))
        self._buffer.seek(0)
        self._buffer.truncate()

    def skip(self, subject_id: str, line: int | None, error: ScheduleError) -> None:
        """Count a subject that could not be scheduled, and list it in the file."""
        self.skipped += 1
        reason = str(error)
        if self.first_reason is None:
            self.first_reason = reason
        if isinstance(error, MissingAnchorError):
            name = error.anchor
            if name in self.missing or len(self.missing) < _MISSING_KINDS:
                self.missing[name] = self.missing.get(name, 0) + 1
        if self._stream is not None:
            self._writer.writerow([_cell(subject_id), "" if line is None else line, reason])
            self._flush()

    def nothing_scheduled(self, columns: list[str]) -> str:
        """Why a run scheduled no subject, in one line."""
        if not self.read:
            return "the subject file has no subjects; nothing was written"
        anchors = [name for name, count in self.missing.items() if count == self.skipped]
        if anchors:
            name = anchors[0]
            why = f"no subject has a {name!r} date"
            if columns:
                close = difflib.get_close_matches(name, columns, n=1, cutoff=0.6)
                column = close[0] if close else "COLUMN"
                why += (
                    f"; the file's columns are: {', '.join(columns)} (to read one as "
                    f"{name!r}, give --column {name}={column})"
                )
        else:
            why = f"none of the {plural(self.read, 'subject')} could be scheduled"
            if self.first_reason:
                why += f"; the first: {self.first_reason}"
        return printable(why + "; nothing was written")

    def summary(self, written: int, noun: str, where: str = "") -> str:
        """The run's one summary line."""
        listed = ""
        if self.skipped and self._name is not None:
            listed = f" (listed in {self._name})"
        elif self.skipped > 10:
            listed = " (the first 10 are listed above; --skipped FILE.csv lists them all)"
        elif self.skipped:
            listed = " (listed above)"
        return printable(
            f"{PROG}: {plural(self.read, 'subject')} read, {self.scheduled:,} scheduled, "
            f"{self.skipped:,} skipped{listed}, {plural(written, noun)} written{where}"
        )


def _cell(text: str) -> str:
    """A cell that a spreadsheet shows as text, never runs as a formula (OWASP)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
