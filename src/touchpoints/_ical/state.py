"""The export state as text: :class:`Revision` mappings to JSON and back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime

from touchpoints._core import require, require_mapping
from touchpoints._errors import CalendarReadError
from touchpoints._ical.fields import zone_key
from touchpoints._ical.options import utc
from touchpoints._ical.revisions import Revision
from touchpoints._model import zone_for

__all__ = ["dump_ical_state", "load_ical_state", "revision_from_row", "revision_row"]

Row = tuple[int, str, str, str, "str | None", str, bool]
"""A revision as plain values: sequence, fingerprint, modified (ISO 8601 in UTC), start
(an ISO date, or a datetime with its offset), the start's zone key (None for a date or
a fixed offset), summary, cancelled. The JSON state and the SQLite state store these."""


def revision_row(revision: Revision) -> Row:
    """A revision as the plain values a state stores."""
    start = revision.start
    key = zone_key(start) if isinstance(start, datetime) else None
    return (
        revision.sequence,
        revision.fingerprint,
        utc(revision.modified).isoformat(),
        start.isoformat(),
        key,
        revision.summary,
        revision.cancelled,
    )


def revision_from_row(
    sequence: object,
    fingerprint: object,
    modified: object,
    start: object,
    key: object,
    summary: object,
    cancelled: object,
) -> Revision:
    """The revision :func:`revision_row` gave these values for.

    Raises:
        ValueError, TypeError or AttributeError: the values are not such a row.
    """
    if not isinstance(start, str) or not isinstance(modified, str):
        raise TypeError("start and modified are ISO 8601 text")
    begin: date
    if key is None and "T" not in start:
        begin = date.fromisoformat(start)
    else:
        moment = datetime.fromisoformat(start)
        begin = moment.astimezone(zone_for(str(key))) if key is not None else moment
    return Revision(
        int(str(sequence)),
        str(fingerprint),
        datetime.fromisoformat(modified).astimezone(UTC),
        begin,
        str(summary),
        bool(cancelled),
    )


def dump_ical_state(state: Mapping[str, Revision]) -> str:
    """The export state as JSON text, sorted by ``UID``, for the host to store.

    >>> from datetime import date, datetime, UTC
    >>> text = dump_ical_state({"u1": Revision(2, "ab", datetime(2026, 1, 1, tzinfo=UTC),
    ...                                   date(2026, 2, 1), "Call")})
    >>> load_ical_state(text)["u1"].sequence
    2
    """
    require_mapping(state, Revision, "state")
    rows = {uid: list(revision_row(state[uid])) for uid in sorted(state)}
    lines = (
        f"{json.dumps(uid, ensure_ascii=False)}:"
        f"{json.dumps(row, ensure_ascii=False, separators=(',', ':'))}"
        for uid, row in rows.items()
    )
    return "{\n" + ",\n".join(lines) + "\n}\n"


def load_ical_state(text: str) -> dict[str, Revision]:
    """Read the export state written by :func:`dump_ical_state`.

    Raises:
        CalendarReadError: the text is not such a state.

    >>> load_ical_state("{}")
    {}
    """
    require(text, str, "text")
    try:
        rows = json.loads(text)
        state: dict[str, Revision] = {}
        for uid, row in rows.items():
            state[str(uid)] = revision_from_row(*row)
    except (ValueError, TypeError, AttributeError) as error:
        raise CalendarReadError(f"the export state is damaged ({error})") from None
    return state
