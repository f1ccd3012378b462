"""The commands about plan files themselves: ``validate``, ``explain`` and ``schema``."""

from __future__ import annotations

import argparse
import json
import sys

from touchpoints._cli.arguments import Subparsers, add_command
from touchpoints._cli.errors import EXIT_INVALID, EXIT_OK, PROG, format_problems
from touchpoints._core import explain_plan
from touchpoints._errors import PlanError
from touchpoints._files import load_plan, plan_json_schema

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
            "on standard error as FILE:LINE:COLUMN: FIELD: MESSAGE. The exit code is 0 when\n"
            "all files are valid and 1 otherwise."
        ),
    )
    parser.add_argument("plans", nargs="+", metavar="PLAN", help="a plan file")
    parser.set_defaults(handler=_validate)


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.plans:
        try:
            plan = load_plan(path)
        except PlanError as error:
            failed += 1
            print(format_problems(error.problems, source=error.source or path), file=sys.stderr)
            continue
        rules = len(plan.rules)
        print(f"{path}: valid, plan {plan.id!r} with {rules} rule{'s' if rules != 1 else ''}")
    if failed:
        files = len(args.plans)
        print(
            f"{PROG}: {failed} of {files} plan file{'s' if files != 1 else ''} "
            f"{'has' if failed == 1 else 'have'} problems",
            file=sys.stderr,
        )
        return EXIT_INVALID
    return EXIT_OK


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
