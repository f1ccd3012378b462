"""The exceptions touchpoints raises.

Every error the library raises on purpose is a :class:`TouchpointsError`, and each
leaf also subclasses the built-in exception that fits, so ``except ValueError`` keeps
working for callers that do not know this package::

    TouchpointsError
    ├── PlanError (ValueError)             a plan template is invalid
    ├── SubjectError (ValueError)          a subject is invalid
    ├── ScheduleError (ValueError)         a valid plan cannot be scheduled for a subject
    │   ├── MissingAnchorError (LookupError)   a rule needs an anchor the subject lacks
    │   └── TooManyTouchPointsError (OverflowError)  a subject would get too many
    ├── DuplicateTouchPointError (ValueError)  a schedule lists one touch point twice
    ├── SyncScopeError (ValueError)        touch points outside the scope of a sync
    ├── SyncError (ConnectionError)        a calendar server could not be brought in step
    ├── ExportError (ValueError)           touch points cannot be exported as asked
    │   └── TemplateError                  a description template is invalid or unfillable
    ├── CalendarReadError (ValueError)     a calendar cannot be read back into touch points
    └── JSONReadError (ValueError)         JSON data cannot be read back into touch points

Messages say what is wrong, where, and what would be valid, in words an operations
person can act on; the same facts are kept as attributes for programs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "CalendarReadError",
    "DuplicateTouchPointError",
    "DurationError",
    "ExportError",
    "JSONReadError",
    "MeterError",
    "MissingAnchorError",
    "PlanError",
    "Problem",
    "ScheduleError",
    "SubjectError",
    "SyncError",
    "SyncScopeError",
    "TemplateError",
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
        parts = [f"line {self.line}"] if self.line is not None else []
        if self.line is not None and self.column is not None:
            parts.append(f"column {self.column}")
        if self.location:
            parts.append(self.location)
        return f"{', '.join(parts)}: {self.message}" if parts else self.message


class _ProblemsError(TouchpointsError, ValueError):
    """An input with one or more problems, all reported at once."""

    what = "input"

    def __init__(
        self, problems: Sequence[Problem], *, source: str | None = None, omitted: int = 0
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        self.omitted = omitted
        """How many more problems were found but not listed (reports are bounded)."""
        super().__init__(self._message())

    def _message(self) -> str:
        where = f" in {self.source}" if self.source else ""
        count = len(self.problems) + self.omitted
        head = f"{count:,} problem{'s' if count != 1 else ''} with the {self.what}{where}"
        shown = f" (the first {len(self.problems):,} are listed)" if self.omitted else ""
        lines = [f"{head}{shown}:", *(f"  {problem}" for problem in self.problems)]
        if self.omitted:
            lines.append(f"  ... and {self.omitted:,} more")
        return "\n".join(lines)


class PlanError(_ProblemsError):
    """A plan template is invalid; :attr:`problems` lists every problem found.

    Attributes:
        problems: every problem found, in the order of the file.
        source: the file (or other source) the input came from, when known.

    >>> error = PlanError([Problem("touchpoints[1].every", "must be longer than zero")])
    >>> print(error)
    1 problem with the plan:
      touchpoints[1].every: must be longer than zero
    """

    what = "plan"


class SubjectError(_ProblemsError):
    """A subject is invalid; :attr:`problems` lists every problem found.

    Attributes:
        problems: every problem found, in the order of the file.
        source: the file (or other source) the input came from, when known.

    >>> print(SubjectError([Problem("timezone", "unknown time zone 'Mars/Base'")]))
    1 problem with the subject:
      timezone: unknown time zone 'Mars/Base'
    """

    what = "subject"


class DurationError(TouchpointsError, ValueError):
    """A duration (``2 weeks``) or a date expression (``purchase + 2 weeks``) is not
    valid, or cannot be used as asked; the message shows the valid forms.

    >>> from touchpoints import Duration
    >>> try:
    ...     Duration.parse("2 wekks")
    ... except DurationError as error:
    ...     print(error)
    unknown unit 'wekks' in '2 wekks'; use years, months, weeks, days, hours, minutes or ...
    """


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


class MeterError(ScheduleError):
    """A subject's meter readings cannot be used for a usage rule.

    Attributes:
        subject_id: the subject.
        meter: the meter's name.
        problem: what is wrong and what would be valid, in words.

    >>> print(MeterError("cust-42", "odometer", "the reading of 9,000 on 2026-07-10 is "
    ...                  "after the 'as of' date 2026-07-01"))
    Subject 'cust-42', meter 'odometer': the reading of 9,000 on 2026-07-10 is after the
    'as of' date 2026-07-01
    """

    def __init__(self, subject_id: str, meter: str, problem: str) -> None:
        self.subject_id = subject_id
        self.meter = meter
        self.problem = problem
        super().__init__(f"Subject {subject_id!r}, meter {meter!r}: {problem}")


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


class DuplicateTouchPointError(TouchpointsError, ValueError):
    """A schedule lists the same touch point (the same id) twice.

    Attributes:
        id: the id that occurs twice.
        which: which input it occurs in, such as ``old`` or ``new``.
        subject_id: the subject of the touch point.
        rule_id: its rule.
        occurrence: its occurrence number.

    >>> print(DuplicateTouchPointError("1b4e...", "new", "cust-42", "service", 3))
    The new schedule lists touch point 1b4e... (subject 'cust-42', rule 'service',
    occurrence 3) twice. A schedule lists each touch point once: combine the schedules
    of different subjects or plans, not two copies of the same one.
    """

    def __init__(self, id: str, which: str, subject_id: str, rule_id: str, occurrence: int) -> None:
        self.id = id
        self.which = which
        self.subject_id = subject_id
        self.rule_id = rule_id
        self.occurrence = occurrence
        super().__init__(
            f"The {which} schedule lists touch point {id} (subject {subject_id!r}, rule "
            f"{rule_id!r}, occurrence {occurrence}) twice. A schedule lists each touch "
            "point once: combine the schedules of different subjects or plans, not two "
            "copies of the same one."
        )


class SyncScopeError(TouchpointsError, ValueError):
    """A touch point handed to a calendar sync lies outside the sync's scope.

    A sync owns one plan (and optionally a set of subjects) in a calendar; it only
    writes and deletes events within that scope, so a touch point from elsewhere is a
    mistake in the calling code rather than something to push.

    Attributes:
        id: the touch point's id.
        reason: what is outside the scope.

    >>> print(SyncScopeError("1b4e...", "its plan is 'other', but the sync is for plan 'p'"))
    Touch point 1b4e... cannot be pushed by this sync: its plan is 'other', but the
    sync is for plan 'p'. Push each plan (or set of subjects) with its own sync.
    """

    def __init__(self, id: str, reason: str) -> None:
        self.id = id
        self.reason = reason
        super().__init__(
            f"Touch point {id} cannot be pushed by this sync: {reason}. Push each plan "
            "(or set of subjects) with its own sync."
        )


class SyncError(TouchpointsError, ConnectionError):
    """A calendar server could not be brought in step with a schedule.

    The sync stopped at the first failure. What it changed before that is consistent
    on the server, and running the same sync again finishes the job. The message never
    contains credentials.

    Attributes:
        calendar: the calendar's address, without credentials.
        action: what failed, such as ``listing the calendar`` or ``updating event X``.
        status: the HTTP status the server answered, or None when it did not answer.
        detail: the server's reason or the network error, in a few words.
        done: how many changes were made before the failure.
        pending: how many changes were still to make.

    >>> print(SyncError("https://cal.example.com/team/", "updating event 1b4e...",
    ...                 status=500, detail="Internal Server Error", done=3, pending=4))
    Could not bring the calendar https://cal.example.com/team/ in step: updating
    event 1b4e... failed (HTTP 500 Internal Server Error). 3 change(s) were made before
    that and 4 were not; run the sync again to finish: it changes only what is still
    out of step.
    """

    def __init__(
        self,
        calendar: str,
        action: str,
        *,
        status: int | None = None,
        detail: str = "",
        done: int = 0,
        pending: int = 0,
    ) -> None:
        self.calendar = calendar
        self.action = action
        self.status = status
        self.detail = detail
        self.done = done
        self.pending = pending
        if status is not None:
            why = f"HTTP {status} {detail}".rstrip()
        else:
            why = f"the server did not answer: {detail}" if detail else "no answer"
        if done or pending:
            after = (
                f"{done} change(s) were made before that and {pending} were not; run the "
                "sync again to finish: it changes only what is still out of step."
            )
        else:
            after = "Nothing was changed; run the sync again once the problem is fixed."
        super().__init__(
            f"Could not bring the calendar {calendar} in step: {action} failed ({why}). " + after
        )


class ExportError(TouchpointsError, ValueError):
    """Touch points cannot be exported as asked, such as with a stamp without a zone.

    >>> issubclass(ExportError, ValueError)
    True
    """


class TemplateError(ExportError):
    """A description template is invalid, or uses a field a subject does not have.

    Attributes:
        template: the template text.
        field: the field that could not be filled, when that is the problem.

    >>> print(TemplateError("Call {name}", "the template uses {name}, which subject "
    ...                     "'c1' does not have", field="name"))
    the template uses {name}, which subject 'c1' does not have
    """

    def __init__(self, template: object, message: str, *, field: str | None = None) -> None:
        self.template = template
        self.field = field
        super().__init__(message)


class CalendarReadError(TouchpointsError, ValueError):
    """A calendar cannot be read back into touch points.

    >>> print(CalendarReadError("the data is not an iCalendar file"))
    the data is not an iCalendar file
    """


class JSONReadError(TouchpointsError, ValueError):
    """JSON data cannot be read back into touch points, schedules or diffs.

    >>> print(JSONReadError("touch point 3 has no 'due'"))
    touch point 3 has no 'due'
    """
