"""The strategies and their examples give the same results on every machine: they
do not depend on the zones the system has installed, on the Hypothesis profile, or
on an example database left by earlier runs."""

from __future__ import annotations

import os
import subprocess
import sys
import zoneinfo
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings

import touchpoints
from touchpoints.testing import _zones, timezones

ROOT = Path(__file__).resolve().parents[2]
CONFTEST = ROOT / "tests" / "conftest.py"
SRC = Path(touchpoints.__file__).resolve().parents[1]

# Runs every example in the package's docstrings, as pytest --doctest-modules does,
# after tests/conftest.py has registered and loaded the profile.
DOCTESTS = """
import doctest, importlib, pkgutil, runpy, sys
runpy.run_path(sys.argv[1])
import touchpoints.testing as package
names = [info.name for info in pkgutil.iter_modules(package.__path__, "touchpoints.testing.")]
flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
failed = attempted = 0
for module in [package, *map(importlib.import_module, names)]:
    result = doctest.testmod(module, optionflags=flags)
    failed += result.failed
    attempted += result.attempted
print(f"attempted={attempted} failed={failed}")
sys.exit(1 if failed else 0)
"""


def tzdata_zones() -> set[str]:
    """The zone names the tzdata package lists, read independently of the code."""
    text = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return {line.strip() for line in text.splitlines() if line.strip()}


def clean_environment(**extra: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CI", "HYPOTHESIS_PROFILE", "HYPOTHESIS_STORAGE_DIRECTORY", "PYTHONTZPATH")
    }
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return environment | extra


@pytest.mark.parametrize("profile", ["ci", "dev", "deep"])
def test_doctests_pass_under_every_profile_with_an_empty_database(
    profile: str, tmp_path: Path
) -> None:
    storage = tmp_path / "hypothesis-storage"
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", DOCTESTS, str(CONFTEST)],
        cwd=tmp_path,
        env=clean_environment(
            HYPOTHESIS_PROFILE=profile, HYPOTHESIS_STORAGE_DIRECTORY=str(storage)
        ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "failed=0" in completed.stdout
    attempted = int(completed.stdout.split("attempted=")[1].split()[0])
    assert attempted >= 30  # the examples of all eight strategies and the module ran


def test_ci_profile_is_chosen_on_ci_and_uses_no_database(tmp_path: Path) -> None:
    script = (
        "import runpy, sys; runpy.run_path(sys.argv[1]); from hypothesis import settings; "
        "print(settings._current_profile, settings().derandomize, settings().database)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(CONFTEST)],
        cwd=tmp_path,
        env=clean_environment(CI="true"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert completed.stdout.split() == ["ci", "True", "None"]
    assert settings.get_profile("ci").database is None


@pytest.fixture
def fake_system_zones(tmp_path: Path) -> Iterator[Path]:
    """A system zone directory that knows zones tzdata does not, and lacks the
    zones tzdata has; TZPATH points at it while the test runs. (Real names are
    left out, so that the cache of loaded zones never holds a fake.)"""
    utc = resources.files("tzdata").joinpath("zoneinfo", "UTC").read_bytes()
    for name in ("Aaa/Fake", "Australia/Aaa_Fake", "Zzz/Fake"):
        path = tmp_path / "zoneinfo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(utc)
    zoneinfo.reset_tzpath([str(tmp_path / "zoneinfo")])
    _zones._zone_names.cache_clear()
    try:
        yield tmp_path / "zoneinfo"
    finally:
        zoneinfo.reset_tzpath()
        _zones._zone_names.cache_clear()


def drawn_zones() -> list[str]:
    """The zones a derandomized run draws: the same every time while the zone list
    is the same."""
    _zones._zone_names.cache_clear()
    seen: list[str] = []

    @settings(derandomize=True, database=None, max_examples=300, phases=[Phase.generate])
    @given(timezones())
    def collect(name: str) -> None:
        seen.append(name)

    collect()
    return seen


class TestZonesComeFromTzdata:
    def test_the_zone_list_is_tzdata_own_list(self, fake_system_zones: Path) -> None:
        assert "Aaa/Fake" in zoneinfo.available_timezones()  # the simulation works
        names = _zones._zone_names()
        assert set(names) == tzdata_zones() - {"Factory"}
        assert len(names) == len(set(names))
        first = names[: len(_zones._INTERESTING_ZONES)]
        assert first == _zones._INTERESTING_ZONES
        assert list(names[len(first) :]) == sorted(tzdata_zones() - {"Factory", *first})

    def test_every_drawn_zone_is_in_tzdata_and_loads(self, fake_system_zones: Path) -> None:
        drawn = drawn_zones()
        assert set(drawn) <= tzdata_zones()
        for name in set(drawn):
            assert zoneinfo.ZoneInfo.no_cache(name).key == name

    def test_draws_do_not_change_when_the_system_zone_list_does(
        self, fake_system_zones: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with_fakes = drawn_zones()
        zoneinfo.reset_tzpath([])
        without_system_zones = drawn_zones()
        monkeypatch.setattr(zoneinfo, "available_timezones", lambda: {"UTC", "Mars/Olympus"})
        with_other_listing = drawn_zones()
        zoneinfo.reset_tzpath()
        monkeypatch.undo()
        with_the_system = drawn_zones()
        assert with_fakes == without_system_zones == with_other_listing == with_the_system
        assert len(set(with_the_system)) > 20  # many zones, not only the first few
