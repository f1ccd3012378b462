"""iCalendar export and import: touch points to RFC 5545 feeds and back.

The only package that imports :mod:`icalendar`; this module is its interface. Every
export takes one :class:`ExportOptions`. There are two ways to write a feed that produce
the same bytes:

- :func:`to_icalendar` builds :class:`icalendar.Calendar` objects with icalendar's own
  API (``Event.new`` and friends), for hosts that want to post-process them;
- :func:`write_ical` (and :func:`to_ical` and :func:`update_ical` on top of it) is a
  streaming writer that formats, escapes and folds content lines itself, the way
  icalendar's serialiser does, about fifty times faster and in memory that does not
  grow with the number of touch points (``benchmarks/export.py``).

What a feed contains, and why
-----------------------------

- One ``VEVENT`` (or, with ``component="VTODO"``, one ``VTODO``) per touch point:
  expanded instances, no ``RRULE``, so no two recurrence engines can disagree.
- ``UID`` is the touch point's id (:func:`touchpoints.touch_point_id`), a UUID that
  stays the same when a plan is edited and reveals no customer data (RFC 7986 §5.3).
- ``DTSTAMP`` comes from the options' ``stamp`` (never the clock), so identical
  input gives identical bytes.
- All-day touch points are ``VALUE=DATE`` with an exclusive ``DTEND`` (one day, or
  the rule's duration rounded up to whole days). Timed ones carry ``TZID`` and a
  ``DURATION`` (the rule's, 30 minutes by default). A due time that is ambiguous in its
  zone (the repeated hour when clocks go back) is written in UTC, because clients
  disagree about raw ambiguous local times; ``X-TOUCHPOINTS-TIMEZONE`` keeps the zone.
- Every zone used gets a ``VTIMEZONE`` covering all dates in the feed, written with
  ``RRULE``-based observances wherever the zone's rules follow a yearly pattern
  (Outlook reads only ``RRULE``, never ``RDATE``), open-ended when the rule is still
  in force at the end of the feed.
- ``X-TOUCHPOINTS-PLAN``, ``-RULE``, ``-OCCURRENCE`` and ``-RULE-JSON`` (the rule as
  compact JSON, on the first event of each rule; the others name it with
  ``-RULE-DIGEST``), and where they apply ``-ADJUSTMENTS``, ``-DONE`` and ``-TERM``, let
  :func:`from_ical` rebuild the touch points. The subject id is
  customer data and is never written: :func:`from_ical` recovers it from the ``UID``
  given the candidate subject ids.
- No ``METHOD`` (a feed is not a scheduling message), ``NAME`` and ``X-WR-CALNAME``,
  ``REFRESH-INTERVAL;VALUE=DURATION`` and ``X-PUBLISHED-TTL``, a calendar ``UID``
  derived from the calendar's name, and ``PRODID`` :data:`PRODID`.

Escaping (RFC 5545 §3.3.11) and folding (§3.1) follow icalendar 7.3 but for two
deliberate differences (:mod:`touchpoints._ical.content_lines`).
"""

from __future__ import annotations

# In dependency order: each module imports only those above it.
# isort: off
from touchpoints._ical.content_lines import content_lines, unfold
from touchpoints._ical.options import PRODID, Attributes, ComponentName, ExportOptions
from touchpoints._ical.revisions import IcalUpdate, IcalWrite, Revision
from touchpoints._ical.vtimezone import vtimezone_text
from touchpoints._ical.writer import BinaryWriter
from touchpoints._ical.export import (
    to_ical,
    to_ical_by_owner,
    to_ical_resource,
    update_ical,
    write_ical,
)
from touchpoints._ical.rows import RowFeed, RulePieces
from touchpoints._ical.objects import to_icalendar
from touchpoints._ical.reader import from_ical, iter_ical
from touchpoints._ical.state import dump_ical_state, load_ical_state
from touchpoints._ical.store import SCHEMA as STATE_SCHEMA
from touchpoints._ical.incremental import IcalState, IcalStateWrite
# isort: on

__all__ = [
    "PRODID",
    "STATE_SCHEMA",
    "Attributes",
    "BinaryWriter",
    "ComponentName",
    "ExportOptions",
    "IcalState",
    "IcalStateWrite",
    "IcalUpdate",
    "IcalWrite",
    "Revision",
    "RowFeed",
    "RulePieces",
    "content_lines",
    "dump_ical_state",
    "from_ical",
    "iter_ical",
    "load_ical_state",
    "to_ical",
    "to_ical_by_owner",
    "to_ical_resource",
    "to_icalendar",
    "unfold",
    "update_ical",
    "vtimezone_text",
    "write_ical",
]
