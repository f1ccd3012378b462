"""The tutorial works from a folder of the reader's own: it installs from a clone (the
package is not on PyPI), and every file its commands and examples read is one the
page has the reader make, or one of the example files it has them copy."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "tutorial.md"
_CAPTION = re.compile(r"^:caption:\s*(\S+)\s*$", re.MULTILINE)
_FILE_ARGUMENT = re.compile(r"\.(ya?ml|json|toml|csv|ics)$")
_PYTHON_PATH = re.compile(r"""(?:load_plan|load_subjects|Path)\(["']([^"']+)["']""")


def reader_files() -> set[str]:
    """The files the reader has: the page's captioned files and the copied examples."""
    text = PAGE.read_text(encoding="utf-8")
    examples = {f"examples/{path.name}" for path in (ROOT / "examples").iterdir()}
    return set(_CAPTION.findall(text)) | examples


def used_files() -> set[str]:
    text = PAGE.read_text(encoding="utf-8")
    used = set()
    for line in text.splitlines():
        if line.startswith("$ touchpoints "):
            used |= {arg for arg in shlex.split(line[2:]) if _FILE_ARGUMENT.search(arg)}
        if line.startswith((">>> ", "... ")):
            used |= set(_PYTHON_PATH.findall(line))
    return used


def test_the_install_step_works_without_pypi():
    text = PAGE.read_text(encoding="utf-8")
    assert "pip install touchpoints\n" not in text
    assert "git clone" in text
    assert "python -m pip install ./touchpoints" in text


def test_the_reader_is_told_to_copy_the_examples():
    assert "cp -r touchpoints/examples my-touchpoints/" in PAGE.read_text(encoding="utf-8")


def test_every_file_used_is_one_the_reader_has():
    written = {"cust-42.ics"}  # the page writes it
    assert used_files() - written <= reader_files(), used_files() - written - reader_files()
    assert {"examples/after-sales.yaml", "my-plan.yaml"} <= used_files()
