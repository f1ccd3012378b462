"""Revisions: what a host keeps per exported touch point, and how an export revises it.

An export given the state of the previous one (a mapping from ``UID`` to
:class:`Revision`) bumps ``SEQUENCE`` and ``LAST-MODIFIED`` of exactly the touch points
whose exported content changed, which a fingerprint of that content tells.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from touchpoints._core import TouchPoint

__all__ = ["IcalUpdate", "IcalWrite", "Revision", "fingerprint", "revise"]


class Revision(NamedTuple):
    """What the host keeps per exported touch point so that later exports update
    calendars in place.

    A state is a mapping from ``UID`` to revision. It is small: two numbers, a short
    fingerprint, the start and the title (the last two let a removed touch point be
    written as cancelled).

    Attributes:
        sequence: the ``SEQUENCE`` last written, from 0; it goes up by one whenever
            the exported event changes.
        fingerprint: a hash of every exported field except the stamps.
        modified: when the event last changed (``LAST-MODIFIED`` and ``DTSTAMP``),
            in UTC.
        start: the touch point's due date or datetime.
        summary: its title.
        cancelled: True once the touch point was removed and written as cancelled.

    >>> from datetime import date, datetime, UTC
    >>> Revision(0, "5f1c0e2a9b3d4c61", datetime(2026, 1, 1, tzinfo=UTC),
    ...          date(2026, 1, 29), "Check-up call").sequence
    0
    """

    sequence: int
    fingerprint: str
    modified: datetime
    start: date
    summary: str
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class IcalUpdate:
    """An export that follows an earlier one: the feed and the state to keep.

    Attributes:
        data: the iCalendar bytes.
        state: the revisions to store and pass as ``state`` next time.

    >>> IcalUpdate(b"", {}).state
    {}
    """

    data: bytes
    state: dict[str, Revision]


@dataclass(frozen=True, slots=True)
class IcalWrite:
    """What :func:`~touchpoints.write_ical` wrote: how many components, and the state
    to keep.

    Attributes:
        count: the number of components (events or to-dos) written, cancelled ones
            included.
        state: the revisions to store and pass as ``state`` next time; empty when the
            export was given no state.

    >>> IcalWrite(0, {}).count
    0
    """

    count: int
    state: dict[str, Revision]


def fingerprint(content: str) -> str:
    """A short hash of a component's content lines (all but the stamps), which tells
    whether an exported touch point changed since the last export.

    The value is stored in hosts' export states, so it must never change for the
    same content.

    >>> fingerprint("SUMMARY:Call\\r\\n") == fingerprint("SUMMARY:Call\\r\\n")
    True
    >>> fingerprint("SUMMARY:Call\\r\\n") == fingerprint("SUMMARY:Visit\\r\\n")
    False
    >>> len(fingerprint("SUMMARY:Call\\r\\n"))
    16
    """
    return hashlib.blake2b(content.encode(), digest_size=8).hexdigest()


def revise(
    uid: str,
    content: str,
    tp: TouchPoint,
    previous: Mapping[str, Revision],
    stamp: datetime,
) -> Revision:
    """The revision of a touch point whose component has ``content``, given the
    revisions of the previous export: unchanged content keeps its revision."""
    fingerprint_ = fingerprint(content)
    old = previous.get(uid)
    if old is None:
        return Revision(0, fingerprint_, stamp, tp.due, tp.rule.title)
    if old.fingerprint == fingerprint_ and not old.cancelled:
        if old.start == tp.due and old.summary == tp.rule.title:
            return old
        return old._replace(start=tp.due, summary=tp.rule.title)
    return Revision(old.sequence + 1, fingerprint_, stamp, tp.due, tp.rule.title)
