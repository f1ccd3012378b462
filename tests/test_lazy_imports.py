"""``import touchpoints`` is cheap: the public names load on first use, from one table.

Each check that looks at ``sys.modules`` runs in a fresh interpreter, so that what
other tests imported does not count.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import touchpoints

INIT = Path(touchpoints.__file__)

# What a host that only imports the package, or only schedules, never pays for.
EDGES = [
    "icalendar",
    "holidays",
    "yaml",
    "tomllib",
    "caldav",
    "httpx",
    "numpy",
    "pyarrow",
    "touchpoints._cli",
    "touchpoints._files",
    "touchpoints._ical",
    "touchpoints._pictures",
    "touchpoints._sync",
]


def loaded_after(code: str) -> set[str]:
    """The modules (and their parent packages) loaded by ``code`` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    shown = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(shown.splitlines()[-1]))


def test_importing_the_package_loads_no_edge_and_no_pydantic() -> None:
    loaded = loaded_after("import touchpoints")
    assert sorted(loaded & {*EDGES, "pydantic", "touchpoints._core", "touchpoints._model"}) == []


def test_scheduling_loads_no_edge() -> None:
    loaded = loaded_after(
        "from datetime import date\n"
        "from touchpoints import Plan, Subject, schedule, schedule_many\n"
        "plan = Plan.model_validate({'plan': 'p', 'touchpoints': [\n"
        "    {'id': 'c', 'title': 'Call', 'channel': 'call', 'at': 'purchase + 2 weeks'}]})\n"
        "assert schedule(plan, Subject(id='s', anchors={'purchase': date(2026, 1, 5)}))\n"
    )
    assert sorted(loaded & set(EDGES)) == []


def test_every_public_name_resolves_in_a_fresh_interpreter() -> None:
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, types, touchpoints\n"
            "values = {name: getattr(touchpoints, name) for name in touchpoints.__all__}\n"
            "print(json.dumps({name: value.__module__ for name, value in values.items()\n"
            "                  if isinstance(value, (type, types.FunctionType))}))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    modules = json.loads(shown)
    # Classes and functions report the package as their home, whichever loaded first.
    assert {name: module for name, module in modules.items() if module != "touchpoints"} == {}
    assert len(modules) > 50


def test_a_class_reached_through_another_name_reports_the_package() -> None:
    code = (
        "from datetime import date\n"
        "import touchpoints\n"
        "plan = touchpoints.parse_plan_text('plan: p\\ntouchpoints:\\n"
        "- {id: c, title: Call, channel: call, at: purchase}\\n', format='yaml')\n"
        "tp, = touchpoints.schedule(plan, touchpoints.Subject(id='s', anchors={'purchase': "
        "date(2026, 1, 5)}))\n"
        "print(type(plan).__module__, type(tp).__module__)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert shown.split() == ["touchpoints", "touchpoints"]


def test_dir_lists_every_public_name() -> None:
    assert set(touchpoints.__all__) <= set(dir(touchpoints))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'shedule'"):
        touchpoints.shedule  # type: ignore[attr-defined]  # noqa: B018


def _type_checking_imports() -> dict[str, set[str]]:
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    (block,) = (
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "_typing.TYPE_CHECKING"
    )
    found: dict[str, set[str]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom), ast.unparse(node)
        assert node.module is not None
        found.setdefault(node.module.removeprefix("touchpoints."), set()).update(
            alias.name for alias in node.names
        )
    return found


def test_the_table_the_type_checking_block_and_all_agree() -> None:
    table = {package: set(names) for package, names in touchpoints._SOURCES.items()}
    assert _type_checking_imports() == table, (
        "a public name must be imported under TYPE_CHECKING from the package _SOURCES names"
    )
    eager = {name for name in touchpoints.__all__ if name not in touchpoints._SOURCE_OF}
    assert all(
        getattr(touchpoints, name).__module__ == "touchpoints"
        and name in vars(sys.modules["touchpoints._errors"])
        for name in eager
    ), "only the errors load with the package"
    assert sorted(eager | set(touchpoints._SOURCE_OF)) == sorted(touchpoints.__all__)
