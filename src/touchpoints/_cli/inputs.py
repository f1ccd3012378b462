"""The subjects a command reads, from its arguments: ``--anchor`` and ``--timezone``
on the command line, or ``--subject`` (a file, with ``--subject-id`` to pick one of
several); and the column mapping (``--column``, ``--columns``) of a CSV subject file."""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from touchpoints._cli.errors import UsageError
from touchpoints._errors import Problem, SubjectError
from touchpoints._files import (
    load_column_map,
    load_subjects,
    plan_anchor_names,
    unknown_anchor_message,
)
from touchpoints._model import Plan, Subject

__all__ = ["check_anchor_names", "column_map", "subject_from_arguments"]


def column_map(args: argparse.Namespace, path: str | None) -> dict[str, str] | None:
    """The column mapping the arguments give for the subject file ``path``: the
    ``--columns`` file's, then each ``--column`` (which wins); None without either.

    Raises:
        SubjectError: the ``--columns`` file cannot be read, or has a bad line.
        UsageError: a mapping without a subject file, or for a YAML or JSON file
            (which name their keys themselves).

    >>> args = argparse.Namespace(column=[("purchase", "purchase_date")], columns=None)
    >>> column_map(args, "crm.csv")
    {'purchase': 'purchase_date'}
    >>> column_map(argparse.Namespace(column=None, columns=None), "crm.csv") is None
    True
    """
    pairs: list[tuple[str, str]] = getattr(args, "column", None) or []
    mapping_file: str | None = getattr(args, "columns", None)
    if not pairs and mapping_file is None:
        return None
    if path is None:
        raise UsageError(
            "--column and --columns map the columns of a CSV file: give one with "
            "--subject or --subjects"
        )
    if not path.lower().endswith(".csv"):
        raise UsageError(
            f"--column and --columns map the columns of a CSV file, and {path} is not "
            "one; a YAML or JSON subject file names its keys (id, anchors, attributes)"
        )
    mapping = load_column_map(mapping_file) if mapping_file is not None else {}
    mapping.update(pairs)
    return mapping


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
        column_map(args, None)  # a mapping needs a file
        anchors = dict(args.anchor)
        check_anchor_names(plan, anchors)
        try:
            return Subject(id=args.subject_id or "example", timezone=args.timezone, anchors=anchors)
        except SubjectError as error:  # pragma: no cover - arguments are checked above
            raise SubjectError(error.problems, source="the command line") from error
    if args.timezone is not None:
        raise UsageError("--timezone goes with --anchor; put the zone in the subject file")
    names = plan_anchor_names(plan)
    chosen = None
    ids = []
    columns = column_map(args, args.subject)
    for subject in load_subjects(args.subject, anchors=names, columns=columns):
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
