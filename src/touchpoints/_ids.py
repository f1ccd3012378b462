"""Touch point ids: the compatibility promise behind updates in place.

A touch point's id is a UUID version 5 (RFC 9562) under :data:`NAMESPACE`, of the
name ``"{plan_id}\\n{rule_id}\\n{occurrence}\\n{subject_id}"``. Plan and rule ids are
slugs and the occurrence is a number, so none of them holds a line break and the
name is unambiguous whatever the subject id contains. Dates, titles, descriptions
and the plan's version are not part of it: a schedule regenerated after an edit keeps
the ids of the touch points that still exist. The hash reveals no customer data.
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

_PREFIX: Final = NAMESPACE.bytes
_VERSION_MASK: Final = ~(0xF000 << 64) & ~(0xC000 << 48)
_VERSION_BITS: Final = (0x5000 << 64) | (0x8000 << 48)


def touch_point_id(plan_id: str, subject_id: str, rule_id: str, occurrence: int) -> str:
    """The id of occurrence ``occurrence`` of rule ``rule_id`` for ``subject_id``.

    Equal to ``str(uuid.uuid5(NAMESPACE, f"{plan_id}\\n{rule_id}\\n{occurrence}\\n{subject_id}"))``,
    computed without building UUID objects because it runs once per touch point.

    >>> touch_point_id("after-sales", "cust-42", "service", 3) == str(
    ...     uuid.uuid5(NAMESPACE, "after-sales\\nservice\\n3\\ncust-42"))
    True
    """
    name = f"{plan_id}\n{rule_id}\n{occurrence}\n{subject_id}".encode()
    digest = hashlib.sha1(_PREFIX + name, usedforsecurity=False).digest()
    value = int.from_bytes(digest[:16], "big") & _VERSION_MASK | _VERSION_BITS
    hex_ = f"{value:032x}"
    return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"
