"""Every example in these pages runs as a test.

- ``>>>`` examples in ```` ```python ```` fences run as doctests (pytest's
  ``--doctest-glob=*.md``).
- ```` ```console ```` blocks run as command-line examples: each ``$ touchpoints ...``
  line is run through the command's ``main()`` and what it prints (standard output
  and standard error, in order) must equal the lines below it, up to the next ``$``;
  ``...`` stands for any text, as in doctests. A trailing ``> FILE`` writes standard
  output to that file instead.

Both run in a fresh folder holding a copy of the repository's ``examples/`` and
every file a page shows in a code block captioned with its name
(```` ```{code-block} yaml ```` with ``:caption: my-plan.yaml``), so a page can have
the reader write a file and then use it.
"""

from __future__ import annotations

import contextlib
import difflib
import doctest
import io
import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

collect_ignore = ["conf.py", "_ext", "_build"]

ROOT = Path(__file__).resolve().parent.parent
_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_CAPTION = re.compile(r"^:caption:\s*(?P<name>\S+)\s*$")


def page_files(text: str) -> dict[str, str]:
    """The files a page shows: code blocks captioned with a file name."""
    files = {}
    for fence in _FENCE.finditer(text):
        if not fence["info"].strip().startswith("{code-block}"):
            continue
        lines = fence["body"].splitlines(keepends=True)
        name = None
        while lines and lines[0].startswith(":"):
            caption = _CAPTION.match(lines.pop(0))
            name = caption["name"] if caption else name
        if lines and not lines[0].strip():
            lines.pop(0)
        if name is not None:
            files[name] = "".join(lines)
    return files


@contextlib.contextmanager
def workspace(page: Path) -> Iterator[Path]:
    """A temporary working folder with ``examples/`` and the page's files."""
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        shutil.copytree(ROOT / "examples", here / "examples")
        for name, content in page_files(page.read_text(encoding="utf-8")).items():
            (here / name).write_text(content, encoding="utf-8")
        previous = Path.cwd()
        os.chdir(here)
        try:
            yield here
        finally:
            os.chdir(previous)


@pytest.fixture(autouse=True)
def _in_page_workspace(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run a page's doctests in its workspace."""
    path = Path(str(request.node.path))
    if path.suffix != ".md":
        yield
        return
    with workspace(path):
        yield


def console_blocks(text: str) -> Iterator[tuple[int, list[tuple[str, list[str]]]]]:
    """The console blocks of a page: their line numbers and (command, output) pairs."""
    for fence in _FENCE.finditer(text):
        if fence["info"].strip() != "console":
            continue
        line = text.count("\n", 0, fence.start()) + 1
        steps: list[tuple[str, list[str]]] = []
        for row in fence["body"].splitlines():
            if row.startswith("$ "):
                steps.append((row[2:], []))
            elif steps:
                steps[-1][1].append(row)
        if steps and all(command.startswith("touchpoints ") for command, _ in steps):
            yield line, steps


def run_command(command: str) -> str:
    """Run one ``touchpoints`` command line in-process; what it printed, in order."""
    from touchpoints._cli import main

    argv = shlex.split(command)[1:]
    target = None
    if len(argv) >= 2 and argv[-2] == ">":
        target, argv = argv[-1], argv[:-2]
    printed = io.StringIO()
    output = io.StringIO() if target else printed
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(printed):
        main(argv)
    if target:
        Path(target).write_text(output.getvalue(), encoding="utf-8")
    return printed.getvalue()


class ConsoleMismatch(AssertionError):
    """A command printed something other than what the page shows."""


class ConsoleExample(pytest.Item):
    def __init__(self, *, line: int, steps: list[tuple[str, list[str]]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.line = line
        self.steps = steps

    def runtest(self) -> None:
        with workspace(self.path):
            for command, expected in self.steps:
                actual = run_command(command).rstrip("\n").split("\n")
                if actual == [""]:
                    actual = []
                want = "".join(f"{line}\n" for line in expected)
                got = "".join(f"{line}\n" for line in actual)
                if not doctest.OutputChecker().check_output(want, got, doctest.ELLIPSIS):
                    diff = "\n".join(
                        difflib.unified_diff(expected, actual, "page", "actual", lineterm="")
                    )
                    raise ConsoleMismatch(f"$ {command}\n{diff}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConsoleMismatch):
            return f"{self.path.name}, line {self.line}:\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.line - 1, self.name


class ConsolePage(pytest.File):
    def collect(self) -> Iterator[ConsoleExample]:
        text = self.path.read_text(encoding="utf-8")
        for line, steps in console_blocks(text):
            yield ConsoleExample.from_parent(
                self, name=f"console[line {line}]", line=line, steps=steps
            )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> ConsolePage | None:
    if file_path.suffix == ".md" and "_build" not in file_path.parts:
        return ConsolePage.from_parent(parent, path=file_path)
    return None
