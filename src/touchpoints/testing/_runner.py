"""Running checks over drawn subjects outside a test suite, and keeping the smallest
subject that fails them (for ``touchpoints check``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpoints._core import schedule
from touchpoints._model import Plan, Subject
from touchpoints.testing._edits import Edit, plan_edits
from touchpoints.testing._subjects import _readable_ids, subjects
from touchpoints.testing.checks import Check, ids_stable_under

__all__ = ["Failure", "find_failure"]


@dataclass(frozen=True, slots=True)
class Failure:
    """The smallest subject found that breaks a check, the edit drawn with it, and
    the check's message."""

    subject: Subject
    edit: Edit | None
    message: str


def _plain_subjects(plan: Plan) -> st.SearchStrategy[Subject]:
    # Subjects a command line can give back: readable ids, date anchors, no
    # attributes, and the plan's own zone when it has one.
    zones = st.none() if plan.timezone is not None or plan.is_all_day else None
    return subjects(
        plan, ids=_readable_ids(), allow_datetimes=False, timezones=zones, attributes={}
    )


def find_failure(
    plan: Plan, checks: Sequence[Check], *, edits: bool = False, max_examples: int = 200
) -> Failure | None:
    """Run ``checks`` on the schedules of up to ``max_examples`` subjects drawn for
    ``plan`` (derandomized: the same subjects every run), and return the smallest
    failing subject, or None when every check held.

    With ``edits``, each subject also gets a drawn edit of the plan, checked with
    ``ids_stable_under``.

    >>> from datetime import date
    >>> from touchpoints.testing import checks
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase"},
    ...     {"id": "b", "title": "B", "channel": "call", "at": "purchase + 1 day"}]})
    >>> failure = find_failure(plan, [checks.min_spacing("7 days")], max_examples=20)
    >>> failure.subject.id, dict(failure.subject.anchors)
    ('cust-1', {'purchase': datetime.date(2000, 1, 1)})
    """
    found: list[Failure] = []
    edit_strategy = plan_edits(plan) if edits else st.none()

    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(_plain_subjects(plan), edit_strategy)
    def run(subject: Subject, edit: Edit | None) -> None:
        every = [*checks, *([ids_stable_under(edit)] if edit is not None else [])]
        result = schedule(plan, subject)
        for check in every:
            try:
                check(result, subject, plan)
            except AssertionError as error:
                found.append(Failure(subject, edit, str(error)))
                raise

    try:
        run()
    except AssertionError:
        return found[-1]  # Hypothesis runs the smallest failing example last
    return None
