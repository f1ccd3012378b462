"""Touch point ids: the compatibility promise behind updates in place.

A touch point's id is a UUID version 5 (RFC 9562) under :data:`NAMESPACE`, of the
name ``"{plan_id}\\n{rule_id}\\n{occurrence}\\n{subject_id}"``. Plan and rule ids are
slugs and the occurrence is a number, so none of them holds a line break and the
name is unambiguous whatever the subject id contains. Dates, titles, descriptions
and the plan's version are not part of it: a schedule regenerated after an edit keeps
the ids of the touch points that still exist. The hash reveals no customer data.
From a contract's second term on, the rule part is ``"{rule_id}@{term}"``.

Two ways to the same text: :func:`touch_point_id` for one id, and
:func:`touch_point_ids` for many at once, which hashes them in one pass and inserts
the hyphens of all of them with a few whole-buffer operations instead of slicing
each id (from about ten ids on, where that is cheaper: 1.2x for 15, 1.6x for
hundreds).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Final, Protocol

__all__ = ["NAMESPACE", "IdKey", "touch_point_id", "touch_point_ids"]

NAMESPACE: Final = uuid.UUID("8506677a-bc85-5ca7-8584-2da69c9703e8")
"""The namespace of touch point ids, ``uuid5(NAMESPACE_URL, "urn:touchpoints:touch-point")``,
written out so that it can never drift.

>>> NAMESPACE == uuid.uuid5(uuid.NAMESPACE_URL, "urn:touchpoints:touch-point")
True
"""

_HASHED_NAMESPACE: Final = hashlib.sha1(NAMESPACE.bytes, usedforsecurity=False)
"""SHA-1 fed with the namespace: every id copies it and goes on (never updated itself)."""
_SHA1: Final = type(_HASHED_NAMESPACE)
_DIGEST: Final = _SHA1.digest
# RFC 9562 variant bits: the top two bits of the 17th hex digit become 10.
_VARIANT: Final = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
# The hex digits of a hyphenated uuid other than the version (12) and variant (16)
# digits, as slice objects built once (a slice in an expression is built per call).
_CUTS: Final = (slice(0, 8), slice(8, 12), slice(13, 16), slice(17, 20), slice(20, 32))
# Byte maps for many ids at once: the version nibble 5, and the variant bits 10.
_VERSION_BYTE: Final = bytes((b & 0x0F) | 0x50 for b in range(256))
_VARIANT_BYTE: Final = bytes((b & 0x3F) | 0x80 for b in range(256))
_BULK_FROM: Final = 10
"""From this many ids on, :func:`touch_point_ids` formats them all in one buffer; below,
its fixed cost (a dozen whole-buffer steps) is more than slicing each id."""


class IdKey(Protocol):
    """What an id is made of: :class:`~touchpoints.TouchPoint` has these fields."""

    @property
    def plan_id(self) -> str: ...
    @property
    def rule_id(self) -> str: ...
    @property
    def subject_id(self) -> str: ...
    @property
    def occurrence(self) -> int: ...
    @property
    def term(self) -> int: ...


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
    return id_of(plan_id, rule_id, occurrence, subject_id, term)


def id_of(
    plan_id: str,
    rule_id: str,
    occurrence: int,
    subject_id: str,
    term: int,
    /,
    s1: slice = _CUTS[0],
    s2: slice = _CUTS[1],
    s3: slice = _CUTS[2],
    s4: slice = _CUTS[3],
    s5: slice = _CUTS[4],
) -> str:
    """:func:`touch_point_id` with positional arguments in the name's order, for the
    callers that run it per touch point (the slices are defaults: local, not global,
    names).

    >>> id_of("after-sales", "service", 3, "cust-42", 1) == touch_point_id(
    ...     "after-sales", "cust-42", "service", 3)
    True
    """
    state = _HASHED_NAMESPACE.copy()
    if term == 1:
        state.update(f"{plan_id}\n{rule_id}\n{occurrence}\n{subject_id}".encode())
    else:
        state.update(f"{plan_id}\n{rule_id}@{term}\n{occurrence}\n{subject_id}".encode())
    x = state.hexdigest()
    # The first 128 bits of the SHA-1, with the version digit set to 5 and the variant.
    return f"{x[s1]}-{x[s2]}-5{x[s3]}-{_VARIANT[x[16]]}{x[s4]}-{x[s5]}"


def touch_point_ids(keys: Sequence[IdKey]) -> list[str]:
    """The ids of many touch points (or anything with their five key fields), in order.

    Equal to ``[touch_point_id(k.plan_id, k.subject_id, k.rule_id, k.occurrence,
    term=k.term) for k in keys]``, in about 60% of the time per id for long lists.

    >>> from typing import NamedTuple
    >>> class Key(NamedTuple):
    ...     plan_id: str
    ...     rule_id: str
    ...     subject_id: str
    ...     occurrence: int
    ...     term: int = 1
    >>> keys = [Key("after-sales", "service", "cust-42", n) for n in range(1, 41)]
    >>> touch_point_ids(keys)[2] == touch_point_id("after-sales", "cust-42", "service", 3)
    True
    """
    if len(keys) < _BULK_FROM:
        return [id_of(k.plan_id, k.rule_id, k.occurrence, k.subject_id, k.term) for k in keys]
    namespace = NAMESPACE.bytes
    names = [
        namespace
        + (
            f"{k.plan_id}\n{k.rule_id}\n{k.occurrence}\n{k.subject_id}"
            if k.term == 1
            else f"{k.plan_id}\n{k.rule_id}@{k.term}\n{k.occurrence}\n{k.subject_id}"
        ).encode()
        for k in keys
    ]
    return _format(b"".join(map(_DIGEST, map(hashlib.sha1, names))), len(names))


def _format(digests: bytes, count: int) -> list[str]:
    """The hyphenated uuids of ``count`` SHA-1 digests laid end to end (20 bytes each).

    >>> digest = hashlib.sha1(NAMESPACE.bytes + b"p\\nr\\n1\\ns").digest()
    >>> _format(digest * 2, 2) == [str(uuid.uuid5(NAMESPACE, "p\\nr\\n1\\ns"))] * 2
    True
    """
    # The first 16 of each 20 bytes, moved four at a time.
    words = memoryview(digests).cast("I")
    raw = bytearray(16 * count)
    into = memoryview(raw).cast("I")
    into[0::4] = words[0::5]
    into[1::4] = words[1::5]
    into[2::4] = words[2::5]
    into[3::4] = words[3::5]
    raw[6::16] = raw[6::16].translate(_VERSION_BYTE)
    raw[8::16] = raw[8::16].translate(_VARIANT_BYTE)
    # A hyphen after every four digits: 40 characters per uuid, the last hyphen of
    # each before the next uuid. Those inside the first and last groups are marked
    # and dropped, and the one between uuids becomes the line break to split at.
    text = bytearray(raw.hex("-", 2).encode())
    marks = b"x" * count
    text[4::40] = marks
    text[29::40] = marks
    text[34::40] = marks
    text[39::40] = b"\n" * (count - 1)
    return text.translate(None, b"x").decode().split("\n")
