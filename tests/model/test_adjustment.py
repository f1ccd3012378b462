"""``Adjustment`` sets its fields itself (rolls make one per closed day, and a frozen
dataclass's own ``__init__`` is slow): it must take and keep exactly what the
dataclass declares, and stay frozen, comparable, copyable and picklable."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from datetime import date

import pytest

from touchpoints import Adjustment

SATURDAY, MONDAY = date(2026, 5, 2), date(2026, 5, 4)
PASSED = ((SATURDAY, "weekend"), (date(2026, 5, 3), "weekend"))


def test_its_arguments_are_the_dataclass_fields_in_order_with_their_defaults() -> None:
    parameters = list(inspect.signature(Adjustment).parameters.values())
    fields = dataclasses.fields(Adjustment)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, declared in zip(parameters, fields, strict=True):
        expected = inspect.Parameter.empty
        if declared.default is not dataclasses.MISSING:
            expected = declared.default
        assert parameter.default == expected, parameter.name


def test_every_field_keeps_what_it_was_given_by_position_or_by_name() -> None:
    by_position = Adjustment(SATURDAY, MONDAY, "weekend", PASSED, "rolled")
    by_name = Adjustment(
        before=SATURDAY, after=MONDAY, reason="weekend", closed=PASSED, kind="rolled"
    )
    for made in (by_position, by_name):
        assert (made.before, made.after, made.reason, made.closed, made.kind) == (
            SATURDAY,
            MONDAY,
            "weekend",
            PASSED,
            "rolled",
        )
    defaults = Adjustment(SATURDAY, MONDAY, "weekend")
    assert (defaults.closed, defaults.kind) == ((), "other")


def test_it_stays_frozen() -> None:
    made = Adjustment(SATURDAY, MONDAY, "weekend")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.reason = "holiday"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Adjustment(SATURDAY, MONDAY)  # type: ignore[call-arg]


def test_it_compares_hashes_copies_and_pickles_as_the_dataclass_says() -> None:
    made = Adjustment(SATURDAY, MONDAY, "weekend", PASSED, "rolled")
    # ``closed`` follows from the rest and is not compared.
    assert made == Adjustment(SATURDAY, MONDAY, "weekend", kind="rolled")
    assert hash(made) == hash(Adjustment(SATURDAY, MONDAY, "weekend", kind="rolled"))
    assert made != Adjustment(SATURDAY, MONDAY, "weekend", PASSED, "other")
    for again in (
        dataclasses.replace(made),
        copy.copy(made),
        copy.deepcopy(made),
        pickle.loads(pickle.dumps(made)),
    ):
        assert again == made
        assert again.closed == PASSED
    assert dataclasses.replace(made, kind="fatigue").kind == "fatigue"
    assert repr(made).startswith("Adjustment(before=datetime.date(2026, 5, 2), after=")
