"""``validate --subjects``: check a subject file against a plan without exporting.

Every subject is read and scheduled; the ones that cannot be (a missing anchor, too
many touch points) and the rows that cannot be read are problems, reported with the
line each starts on, at most :data:`MAX_REPORTED` of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from touchpoints._cli.positions import RowPositions
from touchpoints._cli.subject_files import NoFile, file_subjects
from touchpoints._core import schedule
from touchpoints._errors import Problem, ScheduleError, SubjectError
from touchpoints._model import Plan

__all__ = ["MAX_REPORTED", "SubjectCheck", "check_subjects"]

MAX_REPORTED: Final = 100
"""The most problems listed; the rest are counted."""


class SubjectCheck:
    """What checking a subject file found: the subjects checked and the problems."""

    def __init__(self) -> None:
        self.checked = 0
        self.failed = 0
        self.unscheduled = 0
        self.unreadable = 0
        self.problems: list[Problem] = []
        self.more = 0

    def add(self, problem: Problem, *, read: bool = True) -> None:
        """Count a problem: of a subject that was read (and cannot be scheduled), or,
        with ``read=False``, of a row that cannot be read."""
        self.failed += 1
        if read:
            self.unscheduled += 1
        else:
            self.unreadable += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(problem)
        else:
            self.more += 1


def check_subjects(plan: Plan, path: str, columns: Mapping[str, str] | None = None) -> SubjectCheck:
    """Read and schedule every subject of ``path`` (its CSV columns mapped by
    ``columns``); what could not be, by line.

    >>> import pathlib, tempfile
    >>> from touchpoints import Plan
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase"}]})
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = file.write_text("id,purchase\\nc1,2026-01-15\\nlead,\\n", encoding="utf-8")
    >>> found = check_subjects(plan, str(file))
    >>> found.checked, found.failed, found.unscheduled, found.problems[0].line
    (2, 1, 1, 3)
    """
    found = SubjectCheck()
    is_csv = path.lower().endswith(".csv")
    id_column = (columns or {}).get("id", "id")
    with RowPositions(path, id_column) if is_csv else NoFile() as positions:
        try:
            for subject, line in file_subjects(path, plan, positions, columns):
                found.checked += 1
                try:
                    schedule(plan, subject)
                except ScheduleError as error:
                    found.add(Problem("", f"subject {subject.id!r}: {error}", line))
        except SubjectError as error:  # a row that cannot be read ends the file
            for problem in error.problems:
                found.add(problem, read=False)
            found.unreadable += error.omitted
            found.failed += error.omitted
            found.more += error.omitted
    return found
