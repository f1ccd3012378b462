"""The exceptions touchpoints raises.

Every error the library raises on purpose is a :class:`TouchpointsError`, and each
leaf also subclasses the built-in exception that fits, so ``except ValueError`` keeps
working for callers that do not know this package::

    TouchpointsError
    ├── PlanError (ValueError)             a plan template is invalid
    ├── SubjectError (ValueError)          a subject is invalid
    └── ScheduleError (ValueError)         a valid plan cannot be scheduled for a subject
        ├── MissingAnchorError (LookupError)   a rule needs an anchor the subject lacks
        └── TooManyTouchPointsError (OverflowError)  a subject would get too many

Messages say what is wrong, where, and what would be valid, in words an operations
person can act on; the same facts are kept as attributes for programs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "MissingAnchorError",
    "PlanError",
    "Problem",
    "ScheduleError",
    "SubjectError",
    "TooManyTouchPointsError",
    "TouchpointsError",
]


class TouchpointsError(Exception):
    """The root of every error touchpoints raises on purpose.

    >>> issubclass(PlanError, TouchpointsError)
    True
    """


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong.

    Attributes:
        location: the field path, such as ``touchpoints[2].every`` (empty for the
            whole document).
        message: what is wrong and, where it helps, what would be valid.
        line: the 1-based line in the source file, when known.
        column: the 1-based column in the source file, when known.

    >>> str(Problem("touchpoints[0].every", "must be longer than zero"))
    'touchpoints[0].every: must be longer than zero'
    """

    location: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.location or "(top level)"
        if self.line is not None:
            col = f", column {self.column}" if self.column is not None else ""
            where = f"line {self.line}{col}, {where}"
        return f"{where}: {self.message}"


class _ProblemsError(TouchpointsError, ValueError):
    """An input with one or more problems, all reported at once."""

    what = "input"

    def __init__(self, problems: Sequence[Problem], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        where = f" in {self.source}" if self.source else ""
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} with the {self.what}{where}:"
        return "\n".join([head, *(f"  {problem}" for problem in self.problems)])


class PlanError(_ProblemsError):
    """A plan template is invalid; :attr:`problems` lists every problem found.

    >>> error = PlanError([Problem("touchpoints[1].every", "must be longer than zero")])
    >>> print(error)
    1 problem with the plan:
      touchpoints[1].every: must be longer than zero
    """

    what = "plan"


class SubjectError(_ProblemsError):
    """A subject is invalid; :attr:`problems` lists every problem found.

    >>> print(SubjectError([Problem("timezone", "unknown time zone 'Mars/Base'")]))
    1 problem with the subject:
      timezone: unknown time zone 'Mars/Base'
    """

    what = "subject"


class ScheduleError(TouchpointsError, ValueError):
    """A valid plan cannot be scheduled for this subject.

    >>> issubclass(ScheduleError, ValueError)
    True
    """


class MissingAnchorError(ScheduleError, LookupError):
    """A rule needs an anchor date that the subject does not have.

    Attributes:
        subject_id: the subject without the anchor.
        rule_id: the rule that needs it.
        anchor: the missing anchor's name.

    >>> print(MissingAnchorError("cust-42", "check-up", "purchase"))
    Subject 'cust-42' has no 'purchase' date, which rule 'check-up' needs. Give the
    subject a 'purchase' anchor, or mark the rule 'optional: true' to leave it out for
    such subjects.
    """

    def __init__(self, subject_id: str, rule_id: str, anchor: str) -> None:
        self.subject_id = subject_id
        self.rule_id = rule_id
        self.anchor = anchor
        super().__init__(
            f"Subject {subject_id!r} has no {anchor!r} date, which rule {rule_id!r} "
            f"needs. Give the subject a {anchor!r} anchor, or mark the rule "
            "'optional: true' to leave it out for such subjects."
        )


class TooManyTouchPointsError(ScheduleError, OverflowError):
    """A subject would get more touch points than the limit allows.

    This turns a runaway plan (every minute for a century) into an error instead
    of a hang.

    Attributes:
        subject_id: the subject being scheduled.
        rule_id: the rule that was producing touch points when the limit was hit.
        limit: the limit in force.

    >>> print(TooManyTouchPointsError("cust-42", "ping", 10_000))
    Subject 'cust-42' would get more than 10,000 touch points (rule 'ping' was still
    producing them). Narrow the window, make the rule less frequent, give it an 'until'
    or 'count', or raise the limit.
    """

    def __init__(self, subject_id: str, rule_id: str, limit: int) -> None:
        self.subject_id = subject_id
        self.rule_id = rule_id
        self.limit = limit
        super().__init__(
            f"Subject {subject_id!r} would get more than {limit:,} touch points "
            f"(rule {rule_id!r} was still producing them). Narrow the window, make "
            "the rule less frequent, give it an 'until' or 'count', or raise the limit."
        )
