"""The commands about plan files themselves: ``validate``, ``explain`` and ``schema``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping

from touchpoints._cli.arguments import Subparsers, add_column_options, add_command
from touchpoints._cli.diagnostics import FORMATS, github_annotations, problem_json
from touchpoints._cli.errors import (
    EXIT_INVALID,
    EXIT_OK,
    PROG,
    UsageError,
    format_problems,
    printable,
)
from touchpoints._cli.inputs import column_map
from touchpoints._cli.subject_checks import check_subjects
from touchpoints._cli.tally import plural
from touchpoints._core import explain_plan
from touchpoints._errors import PlanError
from touchpoints._files import load_plan, plan_json_schema
from touchpoints._model import Plan

__all__ = ["add_explain", "add_schema", "add_validate"]


def add_validate(commands: Subparsers) -> None:
    """Register ``validate``: check plan files and list every problem.

    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_validate(commands)
    >>> commands.choices["validate"].parse_args(["a.yaml", "b.yaml"]).plans
    ['a.yaml', 'b.yaml']
    """
    parser = add_command(
        commands,
        "validate",
        help="check plan files and list every problem",
        description=(
            "Check plan files (YAML, TOML or JSON). Every problem of every file is listed\n"
            "on standard error as FILE:LINE:COLUMN: FIELD: MESSAGE; --format json prints\n"
            "them as JSON and --format github as GitHub annotations, on standard output.\n"
            "With --subjects, the subjects of a file are checked against the one plan\n"
            "given, without exporting: every subject that cannot be read or scheduled is\n"
            "listed (the first 100, the rest counted). The exit code is 0 when all is\n"
            "valid and 1 otherwise.\n"
            "\n"
            "examples:\n"
            "  touchpoints validate plans/*.yaml --format github\n"
            "  touchpoints validate plan.yaml --subjects customers.csv"
        ),
    )
    parser.add_argument("plans", nargs="+", metavar="PLAN", help="a plan file")
    parser.add_argument(
        "--subjects", metavar="FILE", help="check this subject file against the plan"
    )
    add_column_options(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="how problems are listed: text (default), json or github",
    )
    parser.set_defaults(handler=_validate)


def _validate(args: argparse.Namespace) -> int:
    if args.subjects is not None and len(args.plans) != 1:
        raise UsageError("--subjects checks subjects against one plan; give one plan file")
    columns = column_map(args, args.subjects)
    failed = 0
    report: list[dict[str, object]] = []
    for path in args.plans:
        try:
            plan = load_plan(path)
        except PlanError as error:
            failed += 1
            source = error.source or path
            report.append(
                {
                    "file": path,
                    "valid": False,
                    "problems": [problem_json(p) for p in error.problems],
                }
            )
            if args.format == "github":
                print(github_annotations(error.problems, source=source))
            elif args.format == "text":
                print(printable(format_problems(error.problems, source=source)), file=sys.stderr)
            continue
        rules = len(plan.rules)
        report.append(
            {"file": path, "valid": True, "plan": plan.id, "rules": rules, "problems": []}
        )
        if args.format == "text":
            print(printable(f"{path}: valid, plan {plan.id!r} with {plural(rules, 'rule')}"))
        if args.subjects is not None:
            failed += _validate_subjects(args, plan, columns, report)
    if args.format == "json":
        print(json.dumps({"files": report}, indent=2, ensure_ascii=False))
    if failed:
        files = len(args.plans) + (args.subjects is not None)
        noun = "file" if args.subjects is not None else "plan file"
        print(
            f"{PROG}: {failed} of {files} {noun}{'s' if files != 1 else ''} "
            f"{'has' if failed == 1 else 'have'} problems",
            file=sys.stderr,
        )
        return EXIT_INVALID
    return EXIT_OK


def _validate_subjects(
    args: argparse.Namespace,
    plan: Plan,
    columns: Mapping[str, str] | None,
    report: list[dict[str, object]],
) -> int:
    """Check the subject file; 1 when it has problems, else 0."""
    path = args.subjects
    found = check_subjects(plan, path, columns)
    report.append(
        {
            "file": path,
            "valid": not found.failed,
            "subjects": found.checked,
            "problems": [problem_json(p) for p in found.problems],
            "more_problems": found.more,
        }
    )
    if args.format == "github":
        if found.problems:
            print(github_annotations(found.problems, source=path))
    elif args.format == "text":
        if found.problems:
            print(printable(format_problems(found.problems, source=path)), file=sys.stderr)
        if found.more:
            print(f"{path}: ... and {found.more:,} more", file=sys.stderr)
        if found.failed:
            unreadable = (
                f"; {plural(found.unreadable, 'problem')} reading the file"
                if found.unreadable
                else ""
            )
            print(
                f"{path}: {plural(found.checked, 'subject')} checked, "
                f"{found.unscheduled:,} cannot be scheduled{unreadable}",
                file=sys.stderr,
            )
        else:
            print(f"{path}: {plural(found.checked, 'subject')} checked, all can be scheduled")
    return 1 if found.failed else 0


def add_explain(commands: Subparsers) -> None:
    """Register ``explain``: describe a plan in plain words.

    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_explain(commands)
    >>> commands.choices["explain"].parse_args(["plan.yaml"]).plan
    'plan.yaml'
    """
    parser = add_command(
        commands,
        "explain",
        help="describe a plan in plain words",
        description=(
            "Describe a plan in plain words: the anchors subjects give and the ones the\n"
            "plan derives, the contact time and zone, and one line per rule."
        ),
    )
    parser.add_argument("plan", metavar="PLAN", help="the plan file")
    parser.set_defaults(handler=_explain)


def _explain(args: argparse.Namespace) -> int:
    print(explain_plan(load_plan(args.plan)))
    return EXIT_OK


def add_schema(commands: Subparsers) -> None:
    """Register ``schema``: print the JSON Schema of plan files.

    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_schema(commands)
    >>> sorted(commands.choices)
    ['schema']
    """
    parser = add_command(
        commands,
        "schema",
        help="print the JSON Schema of plan files",
        description=(
            "Print the JSON Schema of plan files, for editors that complete and check plans\n"
            "as you type (such as VS Code with the YAML extension)."
        ),
    )
    parser.set_defaults(handler=_schema)


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(plan_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK
