"""Zone names are the IANA names of the tzdata package, the same on every machine."""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest

from touchpoints import Plan, Subject, TouchpointsError
from touchpoints._model import zone_for

TZDATA = {
    line.strip()
    for line in resources.files("tzdata").joinpath("zones").read_text().splitlines()
    if line.strip()
}


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory"])
def test_a_machine_dependent_zone_is_refused_with_a_reason(name: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone") as raised:
        zone_for(name)
    assert "IANA" in str(raised.value)
    for make in (
        lambda: Plan.model_validate({"plan": "p", "timezone": name, "touchpoints": []}),
        lambda: Subject(id="s", timezone=name, anchors={"purchase": date(2026, 1, 1)}),
    ):
        with pytest.raises(TouchpointsError, match="unknown time zone"):
            make()


@pytest.mark.parametrize("name", ["localtime", "posixrules"])
def test_the_machine_zone_error_says_why(name: str) -> None:
    with pytest.raises(ValueError, match="differs from machine to machine"):
        zone_for(name)


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("posix/Europe/Berlin", "Europe/Berlin"),
        ("right/Asia/Tokyo", "Asia/Tokyo"),
        ("europe/berlin", "Europe/Berlin"),
        ("Europe/Berln", "Europe/Berlin"),
    ],
)
def test_a_near_miss_suggests_the_tzdata_name(name: str, suggestion: str) -> None:
    with pytest.raises(ValueError, match=f"did you mean '{suggestion}'"):
        zone_for(name)


def test_every_tzdata_name_but_the_placeholder_is_accepted() -> None:
    for name in sorted(TZDATA - {"Factory"}):
        assert zone_for(name).key == name
