#!/usr/bin/env python3
"""Set up a development environment and run the project's jobs.

    python3 dev.py demo    set everything up, then turn the example plan and
                           customers into a schedule and an .ics file
    python3 dev.py test    set everything up, then run linters, type checks,
                           the whole test suite and the docs build

Needs only Python 3.11+ and git. Everything is installed into .venv/ next to this
file; a second run reinstalls only when pyproject.toml has changed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".touchpoints-installed"


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def setup() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"+ creating {VENV.name}/", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip>=25.1")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", ".[testing]", "--group", "dev")
    STAMP.write_text(wanted)


# What the tests need from the system, beside the Python packages: a real browser for
# the page tests and a Java runtime for the local Spark cluster. Both come from
# Debian's packages; nothing is downloaded from elsewhere.
SYSTEM_NEEDS = {"chromium": "chromium", "java": "default-jre-headless"}


def system_setup() -> None:
    missing = _missing()
    if not missing:
        return
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        sys.exit(
            "the tests need these system packages: " + ", ".join(missing) + "; install them "
            "(on Debian or Ubuntu: apt-get install " + " ".join(missing) + ") and run again"
        )
    os.environ["DEBIAN_FRONTEND"] = "noninteractive"  # noqa: TID251 - no questions asked
    # Two checkouts set up at once take turns, and the second finds the packages the
    # first installed; apt itself waits for any other package manager that is running.
    with open("/var/lock/touchpoints-system-setup.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = _missing()
        if missing:
            wait = ("-o", "DPkg::Lock::Timeout=900")
            run(apt, *wait, "update", "-qq")
            run(apt, *wait, "install", "-y", "-qq", "--no-install-recommends", *missing)


def _missing() -> list[str]:
    return [package for command, package in SYSTEM_NEEDS.items() if not shutil.which(command)]


def demo() -> None:
    run(
        BIN / "touchpoints",
        "preview",
        "examples/after-sales.yaml",
        "--anchor",
        "purchase=2026-01-15",
        "--timezone",
        "America/New_York",
        "--subject-id",
        "cust-42",
    )
    run(
        BIN / "touchpoints",
        "export",
        "examples/after-sales.yaml",
        "--subjects",
        "examples/customers.csv",
        "-o",
        "out/customers.ics",
        "--summary",
        "{title}: {name} ({company})",
    )


def test() -> None:
    system_setup()
    env_profile = "ci" if os.environ.get("CI") else "dev"  # noqa: TID251
    os.environ.setdefault("HYPOTHESIS_PROFILE", env_profile)  # noqa: TID251
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    # Branch coverage is measured on every run; the gate is in pyproject.toml.
    run(BIN / "pytest", "-n", "2", "--cov", "--cov-report=term:skip-covered", *sys.argv[2:])
    # -E: the reference pages are generated from the code, so always re-read them.
    run(
        BIN / "sphinx-build",
        "-W",
        "--keep-going",
        "-E",
        "-q",
        "-b",
        "html",
        "docs",
        "docs/_build/html",
    )


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may run on any Python
        sys.exit("touchpoints needs Python 3.11 or newer")
    jobs = {"demo": demo, "test": test, "setup": lambda: None}
    if len(sys.argv) < 2 or sys.argv[1] not in jobs:
        sys.exit(__doc__)
    setup()
    jobs[sys.argv[1]]()


if __name__ == "__main__":
    main()
