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

__all__ = ["dump_ical_state", "load_ical_state"]


def dump_ical_state(state: Mapping[str, Revision]) -> str:
    """The export state as JSON text, sorted by ``UID``, for the host to store.

    >>> from datetime import date, datetime, UTC
    >>> text = dump_ical_state({"u1": Revision(2, "ab", datetime(2026, 1, 1, tzinfo=UTC),
    ...                                   date(2026, 2, 1), "Call")})
    >>> load_ical_state(text)["u1"].sequence
    2
    """
    require_mapping(state, Revision, "state")
    rows: dict[str, list[object]] = {}
    for uid in sorted(state):
        revision = state[uid]
        start = revision.start
        key = zone_key(start) if isinstance(start, datetime) else None
        rows[uid] = [
            revision.sequence,
            revision.fingerprint,
            utc(revision.modified).isoformat(),
            start.isoformat(),
            key,
            revision.summary,
            revision.cancelled,
        ]
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
        for uid, (sequence, fingerprint, modified, start, key, summary, cancelled) in rows.items():
            begin: date
            if key is None and "T" not in start:
                begin = date.fromisoformat(start)
            else:
                moment = datetime.fromisoformat(start)
                begin = moment.astimezone(zone_for(key)) if key is not None else moment
            state[str(uid)] = Revision(
                int(sequence),
                str(fingerprint),
                datetime.fromisoformat(modified).astimezone(UTC),
                begin,
                str(summary),
                bool(cancelled),
            )
    except (ValueError, TypeError, AttributeError) as error:
        raise CalendarReadError(f"the export state is damaged ({error})") from None
    return state
