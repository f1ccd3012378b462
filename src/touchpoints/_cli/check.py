"""The ``check`` command: prove a plan's properties for many drawn subjects, and show
the smallest subject that breaks one."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any

import yaml

from touchpoints._cli.arguments import Subparsers, add_command, parse_positive
from touchpoints._cli.errors import EXIT_INVALID, EXIT_OK
from touchpoints._errors import TouchpointsError
from touchpoints._files import load_plan
from touchpoints._model import Plan, Subject

__all__ = ["add_check", "default_phrases"]


def add_check(commands: Subparsers) -> None:
    """Register ``check``: run a plan's checks over many subjects.

    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_check(commands)
    >>> args = commands.choices["check"].parse_args(["plan.yaml", "--checks", "checks.yaml"])
    >>> args.plan, args.checks, args.examples
    ('plan.yaml', 'checks.yaml', 200)
    """
    parser = add_command(
        commands,
        "check",
        help="check a plan's properties for many subjects",
        description=(
            "Schedule a plan for many drawn subjects (the same ones every run) and check\n"
            "each schedule. The checks file (YAML) lists the properties under 'checks:',\n"
            "such as 'spacing >= 7 days', 'only open days DE-BY', 'at most 20 per 365\n"
            "days', 'renewal before contract_end', 'renewal exactly once' or 'ids stable\n"
            "under edits'. Without one, the plan's own spacing, caps and holidays are\n"
            "checked. A failure prints the smallest subject that shows it, and the\n"
            "'touchpoints preview' command that shows its schedule; the exit code is 1.\n"
            "Needs Hypothesis: pip install 'touchpoints[testing]'.\n"
            "\n"
            "examples:\n"
            "  touchpoints check plan.yaml\n"
            "  touchpoints check plan.yaml --checks checks.yaml --examples 1000"
        ),
    )
    parser.add_argument("plan", metavar="PLAN", help="the plan file")
    parser.add_argument("--checks", metavar="FILE", help="a YAML file with a 'checks:' list")
    parser.add_argument(
        "--examples",
        type=parse_positive,
        default=200,
        metavar="N",
        help="how many subjects to try (default: 200)",
    )
    parser.set_defaults(handler=_check)


def default_phrases(plan: Plan) -> list[str]:
    """The checks a plan promises by itself: its spacing, its caps of all channels,
    and its public holidays.

    >>> plan = Plan.model_validate({"plan": "p", "fatigue": {"spacing": "7 days"},
    ...     "calendar": {"holidays": "DE-BY"},
    ...     "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "purchase"}]})
    >>> default_phrases(plan)
    ['spacing >= 7 days', 'only open days DE-BY']
    """
    phrases = []
    if plan.fatigue is not None:
        if plan.fatigue.spacing is not None:
            phrases.append(f"spacing >= {plan.fatigue.spacing}")
        phrases += [
            f"at most {cap.max} per {cap.per}" for cap in plan.fatigue.caps if cap.channel is None
        ]
    calendar = plan.business_calendar
    keeps_open_days = calendar is not None and calendar.roll != "keep"
    if keeps_open_days and calendar and calendar.holidays and calendar.workdays is None:
        phrases.append(f"only open days {calendar.holidays}")
    return phrases


def _read_phrases(path: str) -> list[str]:
    try:
        data: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise TouchpointsError(f"cannot read the checks file {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise TouchpointsError(f"{path} is not valid YAML: {error}") from None
    items = data.get("checks") if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise TouchpointsError(
            f"{path} must have a 'checks:' list of phrases, such as '- spacing >= 7 days'"
        )
    return items


def _preview_command(plan_path: str, subject: Subject) -> str:
    words = ["touchpoints", "preview", plan_path]
    for name, value in subject.anchors.items():
        words += ["--anchor", f"{name}={value.isoformat()}"]
    if subject.timezone:
        words += ["--timezone", subject.timezone]
    words += ["--subject-id", subject.id]
    return shlex.join(words)


def _check(args: argparse.Namespace) -> int:
    try:
        from touchpoints.testing._phrases import EDITS_PHRASE, parse_check
        from touchpoints.testing._runner import find_failure
        from touchpoints.testing._show import subject_yaml
    except ImportError:
        raise TouchpointsError(
            "touchpoints check needs Hypothesis; install it with pip install 'touchpoints[testing]'"
        ) from None
    plan = load_plan(args.plan)
    phrases = _read_phrases(args.checks) if args.checks else default_phrases(plan)
    edits = any(" ".join(p.split()) == EDITS_PHRASE for p in phrases)
    checks = []
    for phrase in phrases:
        if " ".join(phrase.split()) == EDITS_PHRASE:
            continue
        try:
            checks.append(parse_check(phrase))
        except ValueError as error:
            raise TouchpointsError(f"{args.checks}: {error}") from None
    failure = find_failure(plan, checks, edits=edits, max_examples=args.examples)
    count = len(phrases)
    noun = "check" if count == 1 else "checks"
    if failure is None:
        print(f"{plan.id}: {count} {noun} held for {args.examples} subjects")
        return EXIT_OK
    print(f"{plan.id}: a check failed\n{failure.message}")
    if failure.edit is not None and failure.message.startswith("ids_stable_under"):
        print(f"after the edit {failure.edit!r}")
    print(f"\nThe smallest subject that shows it:\n{subject_yaml(failure.subject)}")
    print(f"\nIts schedule:\n  {_preview_command(args.plan, failure.subject)}")
    return EXIT_INVALID
