"""The plan_edits strategy: one edit of a plan, as an author makes it, with what it
touched."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from touchpoints._errors import PlanError, Problem
from touchpoints._model import AnchorExpression, Duration, Plan
from touchpoints.testing._arguments import _check_type

EditKind = Literal["retitle", "shift", "interval", "add", "remove", "reorder", "bump_version"]


@dataclass(frozen=True, slots=True)
class Edit:
    """One edit of a plan: what an author changes between two versions of it.

    Attributes:
        kind: ``retitle``, ``shift`` (an offset made longer), ``interval`` (an
            ``every`` changed), ``add``, ``remove``, ``reorder`` (the rules' order)
            or ``bump_version``.
        rule: the rule edited (for ``add``, the new one), or None.
        value: the new title, the days shifted, the new interval, or the new order.
        touched: the ids of the rules whose touch points may change; the ids of all
            others' touch points must not.

    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"}]})
    >>> edit = Edit("shift", "call", 3, frozenset({"call"}))
    >>> edit, str(edit.apply(plan).rules[0].at)
    (shift('call', 3 days), 'purchase + 2 weeks 3 days')
    """

    kind: EditKind
    rule: str | None
    value: Any
    touched: frozenset[str]

    def __repr__(self) -> str:
        if self.kind == "bump_version":
            return "bump_version()"
        if self.kind == "reorder":
            return f"reorder({list(self.value)!r})"
        if self.kind in ("add", "remove"):
            return f"{self.kind}({self.rule!r})"
        if self.kind == "shift":
            return f"shift({self.rule!r}, {self.value} day{'s' if self.value != 1 else ''})"
        if self.kind == "interval":
            return f"interval({self.rule!r}, {self.value})"
        return f"retitle({self.rule!r}, {self.value!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Pretty printers (IPython's, and Hypothesis's for failing examples) would
        # otherwise list a dataclass field by field.
        printer.text(repr(self))

    def apply(self, plan: Plan) -> Plan:
        """The plan with this edit made.

        Raises:
            touchpoints.PlanError: the edited plan is not valid (a rule the edit
                names is missing, or a series would end before it starts).
        """
        data = plan.model_dump(by_alias=True, exclude_defaults=True, mode="json")
        data["version"] = plan.version + 1
        rules: list[dict[str, Any]] = data["touchpoints"]
        by_id = {rule["id"]: rule for rule in rules}
        if self.kind not in ("add", "reorder", "bump_version") and self.rule not in by_id:
            raise PlanError([Problem("touchpoints", f"the plan has no rule {self.rule!r}")])
        if self.kind == "retitle":
            by_id[self.rule]["title"] = self.value
        elif self.kind == "shift":
            rule = next(r for r in plan.rules if r.id == self.rule)
            key = "at" if rule.at is not None else "starting"
            by_id[self.rule][key] = str(_longer(getattr(rule, key), self.value))
        elif self.kind == "interval":
            by_id[self.rule]["every"] = str(self.value)
        elif self.kind == "add":
            rules.append(_added_rule(plan, str(self.rule), int(self.value)))
        elif self.kind == "remove":
            rules.remove(by_id[self.rule])
        elif self.kind == "reorder":
            if sorted(self.value) != sorted(by_id):
                problem = f"reorder needs every rule id once: {sorted(by_id)}"
                raise PlanError([Problem("touchpoints", problem)])
            data["touchpoints"] = [by_id[rule_id] for rule_id in self.value]
        try:
            return Plan.model_validate(data)
        except PlanError as error:
            raise PlanError(error.problems, source=f"the plan after {self!r}") from None


def _added_rule(plan: Plan, rule_id: str, days: int) -> dict[str, Any]:
    """A one-off rule counted from an anchor every subject has, when there is one."""
    required = next((rule for rule in plan.rules if not rule.optional), plan.rules[0])
    added: dict[str, Any] = {"id": rule_id, "title": "Added", "channel": "call"}
    added["at"] = f"{required.anchors()[0]} + {days} days"
    if required.optional:
        added["optional"] = True
    return added


def _longer(expression: AnchorExpression, days: int) -> AnchorExpression:
    offset = expression.offset
    if offset.business_days:
        longer = dataclasses.replace(offset, business_days=offset.business_days + days)
    else:
        longer = dataclasses.replace(offset, days=offset.days + days)
    return dataclasses.replace(expression, offset=longer)


@st.composite
def _edit_data(draw: st.DrawFn, plan: Plan) -> Edit:
    ids = [rule.id for rule in plan.rules]
    kinds: list[EditKind] = ["retitle", "add", "bump_version", "reorder"]
    shiftable = [rule.id for rule in plan.rules if rule.at is not None or rule.starting is not None]
    if shiftable:  # a rule counted on a meter alone has no offset to shift
        kinds.append("shift")
    if any(rule.every is not None for rule in plan.rules):
        kinds.append("interval")
    if len(ids) > 1:
        kinds.append("remove")
    kind = draw(st.sampled_from(kinds))
    rule_id = draw(st.sampled_from(ids))
    edit: Edit
    if kind == "retitle":
        edit = Edit(
            kind, rule_id, draw(st.sampled_from(("New title", "Call again"))), frozenset({rule_id})
        )
    elif kind == "shift":
        rule_id = draw(st.sampled_from(shiftable))
        edit = Edit(kind, rule_id, draw(st.integers(1, 30)), frozenset({rule_id}))
    elif kind == "interval":
        rule_id = draw(st.sampled_from([rule.id for rule in plan.rules if rule.every is not None]))
        interval = Duration(days=draw(st.integers(7, 180)))
        edit = Edit(kind, rule_id, interval, frozenset({rule_id}))
    elif kind == "add":
        new_id = next(f"added-{n}" for n in range(1, len(ids) + 2) if f"added-{n}" not in ids)
        edit = Edit(kind, new_id, draw(st.integers(1, 365)), frozenset({new_id}))
    elif kind == "remove":
        edit = Edit(kind, rule_id, None, frozenset({rule_id}))
    elif kind == "reorder":
        order = tuple(draw(st.permutations(ids)))
        edit = Edit(kind, None, order, frozenset())
    else:
        edit = Edit(kind, None, None, frozenset())
    try:
        edit.apply(plan)
    except PlanError:
        assume(False)  # such as a shifted start that passes the series' end
    return edit


def plan_edits(plan: Plan) -> SearchStrategy[Edit]:
    """One edit of ``plan``: retitle a rule, shift an offset, change an interval,
    add, remove or reorder rules, or bump the version.

    Each :class:`Edit` has a short repr, :meth:`Edit.apply` to make it, and
    :attr:`Edit.touched`, the rules whose touch points it may change (see
    ``checks.ids_stable_under``). Every edit drawn gives a valid plan; it also bumps
    the plan's version, as an author would.

    Raises:
        hypothesis.errors.InvalidArgument: ``plan`` is not a Plan.

    >>> from hypothesis import find, settings
    >>> steady = settings(max_examples=500, derandomize=True, database=None)
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase"},
    ...     {"id": "b", "title": "B", "channel": "email", "at": "purchase + 1 week"}]})
    >>> edit = find(plan_edits(plan), lambda e: e.kind == "remove", settings=steady)
    >>> edit, [rule.id for rule in edit.apply(plan).rules], edit.touched
    (remove('a'), ['b'], frozenset({'a'}))
    """
    _check_type(Plan, plan, "plan")
    return _edit_data(plan)
