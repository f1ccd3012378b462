"""The subject a command schedules, read from its arguments: ``--anchor`` and
``--timezone`` on the command line, or ``--subject`` (a file, with ``--subject-id``
to pick one of several)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from pydantic import ValidationError

from touchpoints._cli.errors import UsageError
from touchpoints._errors import Problem, SubjectError
from touchpoints._files import load_subjects, plan_anchor_names, unknown_anchor_message
from touchpoints._model import Plan, Subject

__all__ = ["check_anchor_names", "subject_from_arguments"]


def check_anchor_names(plan: Plan, names: Iterable[str]) -> None:
    """Raise :class:`~touchpoints.SubjectError` for anchors the plan does not use.

    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> check_anchor_names(plan, ["purchase"])
    >>> check_anchor_names(plan, ["purchse"])
    Traceback (most recent call last):
    ...
    touchpoints.SubjectError: ...anchors.purchse...
    """
    known = plan_anchor_names(plan)
    problems = [
        Problem(f"anchors.{name}", unknown_anchor_message(name, known))
        for name in names
        if name not in known
    ]
    if problems:
        raise SubjectError(problems, source="the command line")


def subject_from_arguments(plan: Plan, args: argparse.Namespace) -> Subject:
    """The one subject the arguments give for ``plan``.

    Args:
        plan: the plan the subject is scheduled with; its anchor names are checked.
        args: ``anchor`` (pairs of a name and a date), ``timezone`` and ``subject_id``,
            or ``subject`` (a file) and ``subject_id``.

    Raises:
        SubjectError: an unknown anchor, or a file without the subject asked for.
        UsageError: ``--timezone`` with a file, or a file of several subjects and no
            ``--subject-id``.

    >>> from datetime import date
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> args = argparse.Namespace(subject=None, subject_id=None, timezone=None,
    ...                           anchor=[("purchase", date(2026, 1, 15))])
    >>> subject_from_arguments(plan, args).id
    'example'
    """
    if args.subject is None:
        anchors = dict(args.anchor)
        check_anchor_names(plan, anchors)
        try:
            return Subject(id=args.subject_id or "example", timezone=args.timezone, anchors=anchors)
        except ValidationError as error:  # pragma: no cover - arguments are checked above
            raise SubjectError([Problem("", str(error))], source="the command line") from error
    if args.timezone is not None:
        raise UsageError("--timezone goes with --anchor; put the zone in the subject file")
    names = plan_anchor_names(plan)
    chosen = None
    ids = []
    for subject in load_subjects(args.subject, anchors=names):
        ids.append(subject.id)
        if args.subject_id is None or subject.id == args.subject_id:
            if chosen is not None:
                raise UsageError(
                    f"{args.subject} has more than one subject; pick one with --subject-id "
                    f"(such as --subject-id {ids[0]})"
                )
            chosen = subject
    if chosen is None:
        what = f"no subject {args.subject_id!r}" if args.subject_id else "no subjects"
        listed = f"; it has {', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''}" if ids else ""
        raise SubjectError([Problem("", f"the file has {what}{listed}")], source=args.subject)
    return chosen
