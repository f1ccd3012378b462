"""The plan the customer keeps: a schedule cut down to what a customer should see.

Only touch points of rules with a ``customer`` key are kept, in the customer's words;
owners, tags, omissions, conflicts and moves made for the team's workload (contact
fatigue, which names other rules) are left out, while rolls off holidays and weekends
stay, as they say why a date is where it is. Which adjustments stay is read from their
``kind`` (see :data:`CUSTOMER_KINDS`), never from their words. Ids live in their own namespace,
:data:`CUSTOMER_NAMESPACE`, so a customer's feed never collides with the team's.
"""

from __future__ import annotations

import uuid
from typing import Final

from touchpoints._core import Schedule, TouchPoint
from touchpoints._model import AdjustmentKind, Rule

__all__ = [
    "CUSTOMER_KINDS",
    "CUSTOMER_NAMESPACE",
    "CustomerTouchPoint",
    "customer_calendar_uid",
    "customer_touch_point_id",
    "for_customer",
]

CUSTOMER_NAMESPACE: Final = uuid.UUID("3d1d1d69-b4f8-5f01-a0b6-6927854d8f81")
"""The namespace of the ids of customer-facing touch points,
``uuid5(NAMESPACE_URL, "urn:touchpoints:customer-touch-point")``, written out so that it
can never drift. The name hashed under it is the one of :func:`touchpoints.touch_point_id`.

>>> CUSTOMER_NAMESPACE == uuid.uuid5(uuid.NAMESPACE_URL, "urn:touchpoints:customer-touch-point")
True
"""

CUSTOMER_KINDS: Final[frozenset[AdjustmentKind]] = frozenset(
    {"rolled", "clock", "rescheduled", "missed", "usage"}
)
"""The kinds of adjustment a customer sees: why a date is where it is. The team's own
(``fatigue``, ``merged`` and ``conflict``, which name other rules, some of them
internal) and ``other`` (an adjustment of unknown origin) are left out, so nothing is
shown by accident.

>>> sorted(set(ADJUSTMENT_KINDS) - CUSTOMER_KINDS)
['conflict', 'fatigue', 'merged', 'other']
"""


def customer_touch_point_id(
    plan_id: str, subject_id: str, rule_id: str, occurrence: int, *, term: int = 1
) -> str:
    """The id of a customer-facing touch point: the team's scheme, the customer's namespace.

    >>> customer_touch_point_id("after-sales", "cust-42", "service", 3) == str(
    ...     uuid.uuid5(CUSTOMER_NAMESPACE, "after-sales\\nservice\\n3\\ncust-42"))
    True
    """
    rule_part = rule_id if term == 1 else f"{rule_id}@{term}"
    return str(
        uuid.uuid5(CUSTOMER_NAMESPACE, f"{plan_id}\n{rule_part}\n{occurrence}\n{subject_id}")
    )


def customer_calendar_uid(plan_id: str, subject_id: str) -> str:
    """The ``UID`` of one customer's calendar of a plan, in the customer namespace.

    >>> customer_calendar_uid("after-sales", "cust-42") == str(
    ...     uuid.uuid5(CUSTOMER_NAMESPACE, "calendar\\nafter-sales\\ncust-42"))
    True
    """
    return str(uuid.uuid5(CUSTOMER_NAMESPACE, f"calendar\n{plan_id}\n{subject_id}"))


class CustomerTouchPoint(TouchPoint):
    """A touch point as the customer sees it; its :attr:`id` is in the customer namespace."""

    __slots__ = ()

    @property
    def id(self) -> str:
        """The stable id, under :data:`CUSTOMER_NAMESPACE`."""
        return customer_touch_point_id(
            self.plan_id, self.subject_id, self.rule_id, self.occurrence, term=self.term
        )


def for_customer(schedule: Schedule) -> Schedule:
    """The customer's view of ``schedule``: only rules with a ``customer`` key, in its words.

    >>> from datetime import date
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "welcome", "title": "Welcome call", "channel": "call", "at": "purchase",
    ...      "owner": "Sales", "customer": {"title": "We call to welcome you"}},
    ...     {"id": "remind", "title": "Renewal is coming up", "channel": "email",
    ...      "at": "purchase + 11 months"}]})
    >>> team = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> [(tp.title, tp.owner) for tp in for_customer(team)]
    [('We call to welcome you', None)]
    """
    rules: dict[str, Rule | None] = {}
    kept: list[TouchPoint] = []
    for tp in schedule:
        if tp.rule_id not in rules:
            rules[tp.rule_id] = _customer_rule(tp.rule)
        rule = rules[tp.rule_id]
        if rule is None:
            continue
        adjustments = tuple(a for a in tp.adjustments if a.kind in CUSTOMER_KINDS)
        kept.append(
            CustomerTouchPoint(
                tp.plan_id,
                tp.rule_id,
                tp.subject_id,
                tp.occurrence,
                tp.due,
                rule,
                adjustments,
                tp.done_on,
                tp.term,
            )
        )
    return Schedule(
        plan_id=schedule.plan_id,
        subject_id=schedule.subject_id,
        touch_points=tuple(kept),
        start=schedule.start,
        end=schedule.end,
    )


def _customer_rule(rule: Rule) -> Rule | None:
    words = rule.customer_words()
    if words is None:
        return None
    title, description = words
    changes = {"title": title, "description": description, "owner": None, "tags": ()}
    return rule.model_copy(update=changes)
