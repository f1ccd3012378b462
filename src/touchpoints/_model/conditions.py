"""Conditions: a rule applies only to subjects whose attributes match.

A small declarative matcher over the flat attributes a host application supplies.
Nothing in a condition is ever evaluated as code.

A condition maps an attribute name to a test:

- a single value: the attribute equals it (``segment: premium``);
- a list: the attribute is one of them (``product: [x100, x200]``);
- a mapping of operators: ``in``, ``not_in``, ``not``, ``min``, ``max`` (inclusive,
  for numbers) and ``exists`` (true or false).

All conditions of a rule must hold. A subject without the attribute matches only
``exists: false`` and ``not``/``not_in``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from touchpoints._model.base import Frozen

__all__ = ["AttributeTest", "Condition", "failed_condition"]

Scalar = str | int | float | bool | None


class AttributeTest(Frozen):
    """Operators for one attribute; every operator given must hold.

    >>> test = AttributeTest.model_validate({"not_in": ["EU"], "exists": True})
    >>> test.holds("US"), test.holds("EU"), test.holds(None)
    (True, False, True)
    """

    # Unlike the other models, a test keeps the spaces in its values as written and
    # writes its keys by field name (``in_``, ``not_``), as it always did; both are
    # read back by alias or name.
    model_config = ConfigDict(str_strip_whitespace=False, serialize_by_alias=False)

    in_: tuple[Scalar, ...] | None = Field(default=None, alias="in", max_length=1_000)
    not_in: tuple[Scalar, ...] | None = Field(default=None, max_length=1_000)
    not_: Scalar = Field(default=None, alias="not")
    min: float | None = None
    max: float | None = None
    exists: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> AttributeTest:
        if not self.model_fields_set:
            raise PydanticCustomError(
                "condition", "give at least one of in, not_in, not, min, max or exists"
            )
        return self

    def holds(self, value: Scalar, *, present: bool = True) -> bool:
        """Whether an attribute value (``present`` False when the subject has none)
        passes every operator."""
        fields = self.model_fields_set
        if "exists" in fields and self.exists != present:
            return False
        if "in_" in fields and (not present or value not in (self.in_ or ())):
            return False
        if "not_in" in fields and present and value in (self.not_in or ()):
            return False
        if "not_" in fields and present and value == self.not_:
            return False
        if "min" in fields or "max" in fields:
            if not isinstance(value, int | float) or isinstance(value, bool):
                return False
            if self.min is not None and value < self.min:
                return False
            if self.max is not None and value > self.max:
                return False
        return True


Condition = Annotated[
    Scalar | tuple[Scalar, ...] | AttributeTest,
    Field(
        description=(
            "A value the attribute must equal, a list it must be in, or a mapping of "
            "operators: in, not_in, not, min, max, exists."
        )
    ),
]


def _describe(test: Any) -> str:
    if isinstance(test, AttributeTest):
        parts = test.model_dump(by_alias=True, exclude_unset=True)
        return ", ".join(f"{key} {value!r}" for key, value in parts.items())
    if isinstance(test, tuple | list):
        return f"one of {list(test)!r}"
    return f"equal to {test!r}"


def failed_condition(conditions: Mapping[str, Any], attributes: Mapping[str, Scalar]) -> str | None:
    """Why ``attributes`` fail ``conditions``, or None when every condition holds.

    >>> failed_condition({"segment": "premium"}, {"segment": "basic"})
    "attribute 'segment' is 'basic', not equal to 'premium'"
    >>> failed_condition({"segment": ["premium", "gold"]}, {"segment": "gold"}) is None
    True
    """
    for name, test in conditions.items():
        present = name in attributes
        value = attributes.get(name)
        if isinstance(test, AttributeTest):
            holds = test.holds(value, present=present)
        elif isinstance(test, tuple | list):
            holds = present and value in test
        else:
            holds = present and value == test
        if not holds:
            found = f"is {value!r}" if present else "is missing"
            return f"attribute {name!r} {found}, not {_describe(test)}"
    return None
