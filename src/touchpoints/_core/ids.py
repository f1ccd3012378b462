"""Touch point ids: the compatibility promise behind updates in place.

A touch point's id is a UUID version 5 (RFC 9562) under :data:`NAMESPACE`, of the
name ``"{plan_id}\\n{rule_id}\\n{occurrence}\\n{subject_id}"``. Plan and rule ids are
slugs and the occurrence is a number, so none of them holds a line break and the
name is unambiguous whatever the subject id contains. Dates, titles, descriptions
and the plan's version are not part of it: a schedule regenerated after an edit keeps
the ids of the touch points that still exist. The hash reveals no customer data.
From a contract's second term on, the rule part is ``"{rule_id}@{term}"``.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Final

__all__ = ["NAMESPACE", "touch_point_id"]

NAMESPACE: Final = uuid.UUID("8506677a-bc85-5ca7-8584-2da69c9703e8")
"""The namespace of touch point ids, ``uuid5(NAMESPACE_URL, "urn:touchpoints:touch-point")``,
written out so that it can never drift.

>>> NAMESPACE == uuid.uuid5(uuid.NAMESPACE_URL, "urn:touchpoints:touch-point")
True
"""

_HASHED_NAMESPACE: Final = hashlib.sha1(NAMESPACE.bytes, usedforsecurity=False)
"""SHA-1 fed with the namespace: every id copies it and goes on (never updated itself)."""
# RFC 9562 variant bits: the top two bits of the 17th hex digit become 10.
_VARIANT: Final = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def touch_point_id(
    plan_id: str, subject_id: str, rule_id: str, occurrence: int, *, term: int = 1
) -> str:
    """The id of occurrence ``occurrence`` of rule ``rule_id`` for ``subject_id``.

    In the second and later terms of a contract (``term`` > 1) the rule part of the
    name is ``"{rule_id}@{term}"``: ``@`` cannot occur in a rule id, so the ids of
    different terms never meet, and those of the first term are as they always were.

    Equal to ``str(uuid.uuid5(NAMESPACE, f"{plan_id}\\n{rule_id}\\n{occurrence}\\n{subject_id}"))``,
    computed without building UUID objects because it runs once per touch point.

    >>> touch_point_id("after-sales", "cust-42", "service", 3) == str(
    ...     uuid.uuid5(NAMESPACE, "after-sales\\nservice\\n3\\ncust-42"))
    True
    >>> touch_point_id("after-sales", "cust-42", "service", 3, term=2) == str(
    ...     uuid.uuid5(NAMESPACE, "after-sales\\nservice@2\\n3\\ncust-42"))
    True
    """
    if term != 1:
        rule_id = f"{rule_id}@{term}"
    state = _HASHED_NAMESPACE.copy()
    state.update(f"{plan_id}\n{rule_id}\n{occurrence}\n{subject_id}".encode())
    x = state.hexdigest()
    # The first 128 bits of the SHA-1, with the version digit set to 5 and the variant.
    return f"{x[:8]}-{x[8:12]}-5{x[13:16]}-{_VARIANT[x[16]]}{x[17:20]}-{x[20:32]}"
