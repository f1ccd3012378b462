"""Field values shared by both writers: lengths, the written start, the X- properties.

The streaming writer and the icalendar object builder take every value that is not
mere formatting from here, so the two cannot disagree on what a touch point becomes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from icalendar.timezone.tzid import get_equivalent_tzids

from touchpoints._core import TouchPoint, touch_point_ids
from touchpoints._ical.options import Resolved
from touchpoints._ical.templates import template_values
from touchpoints._model import Adjustment, Rule, kind_from_words

__all__ = [
    "DEFAULT_DURATION",
    "UTC_KEYS",
    "adjustments_value",
    "all_day_length",
    "category_list",
    "description_text",
    "extra_properties",
    "ids_of",
    "rule_digest",
    "rule_json",
    "summary_text",
    "timed_length",
    "written_start",
    "zone_key",
]

DEFAULT_DURATION: Final = timedelta(minutes=30)

# Zones that are UTC for every date a feed can hold; icalendar writes their times
# in UTC, and so do we.
UTC_KEYS: Final = frozenset(get_equivalent_tzids("UTC"))


def timed_length(rule: Rule) -> timedelta:
    duration = rule.duration
    if duration is None:
        return DEFAULT_DURATION
    return timedelta(
        weeks=duration.weeks, days=duration.days, hours=duration.hours, minutes=duration.minutes
    )


def all_day_length(rule: Rule) -> int:
    length = timed_length(rule) if rule.duration is not None else timedelta(days=1)
    whole = length.days + (1 if length.seconds else 0)
    return max(whole, 1)


def zone_key(moment: datetime) -> str | None:
    zone = moment.tzinfo
    return zone.key if isinstance(zone, ZoneInfo) else None


def written_start(moment: datetime) -> tuple[datetime, str | None]:
    """The start as written, and the zone to note beside it when written in UTC.

    Local time with its zone, unless the local time is ambiguous or does not exist
    there (then UTC), or the zone is UTC or not an IANA zone.
    """
    key = zone_key(moment)
    if key is None:
        return moment.astimezone(UTC).replace(microsecond=0), None
    if key in UTC_KEYS or moment.replace(fold=1).utcoffset() != moment.replace(fold=0).utcoffset():
        return moment.astimezone(UTC).replace(microsecond=0), key
    return moment.replace(microsecond=0), None


def rule_json(rule: Rule) -> str:
    return rule.model_dump_json(exclude_defaults=True)


def rule_digest(text: str) -> str:
    """The short name a feed gives a rule's JSON: the first event of the rule carries
    the JSON (``X-TOUCHPOINTS-RULE-JSON``), later ones only this digest
    (``X-TOUCHPOINTS-RULE-DIGEST``).

    >>> rule_digest('{"id":"call"}') == rule_digest('{"id":"call"}')
    True
    >>> len(rule_digest('{"id":"call"}'))
    16
    """
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def extra_properties(tp: TouchPoint) -> list[tuple[str, str]]:
    """The X- properties for what only some touch points have, in property order."""
    extras: list[tuple[str, str]] = []
    if tp.adjustments:
        extras.append(("X-TOUCHPOINTS-ADJUSTMENTS", adjustments_value(tp.adjustments)))
    if tp.done_on is not None:
        extras.append(("X-TOUCHPOINTS-DONE", tp.done_on.isoformat()))
    return extras


def adjustments_value(adjustments: Sequence[Adjustment]) -> str:
    """The ``X-TOUCHPOINTS-ADJUSTMENTS`` value: one ``[before, after, reason]`` row
    per adjustment, as compact JSON.

    >>> from datetime import date
    >>> adjustments_value([Adjustment(date(2026, 5, 2), date(2026, 5, 4), "weekend",
    ...                               kind="rolled")])
    '[["2026-05-02","2026-05-04","weekend"]]'
    """
    rows = [_adjustment_row(a) for a in adjustments]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def _adjustment_row(adjustment: Adjustment) -> list[str]:
    """``[before, after, reason]``, and the kind when the reason's words do not tell it:
    the words the engine writes do, so feeds written before adjustments had a kind stay
    byte for byte the same (and their events' ``SEQUENCE`` with them)."""
    row = [adjustment.before.isoformat(), adjustment.after.isoformat(), adjustment.reason]
    if kind_from_words(adjustment.reason) != adjustment.kind:
        row.append(adjustment.kind)
    return row


def category_list(rule: Rule) -> list[str]:
    return [rule.channel, *(tag for tag in rule.tags if tag != rule.channel)]


def description_text(tp: TouchPoint, options: Resolved) -> str | None:
    """The touch point's ``DESCRIPTION``: the rule's, or the template's rendering."""
    if options.template is None:
        return tp.rule.description
    return options.template.render(template_values(tp, options.attributes), tp.subject_id)


def summary_text(tp: TouchPoint, options: Resolved) -> str:
    """The touch point's ``SUMMARY``: the rule's title, or the summary template's rendering."""
    if options.summary is None:
        return tp.rule.title
    return options.summary.render(template_values(tp, options.attributes), tp.subject_id)


def ids_of(touch_points: Sequence[TouchPoint]) -> list[str]:
    """The touch points' ids (their ``UID``), in order: computed in one batch when each
    is a plain :class:`~touchpoints.TouchPoint`, else each by its own ``id`` (a subclass,
    such as the customer's, may give its ids another namespace).

    >>> from datetime import date
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [{"id": "c", "title": "C",
    ...     "channel": "call", "every": "1 week", "starting": "purchase", "count": 12}]})
    >>> points = schedule(plan, Subject(id="s", anchors={"purchase": date(2026, 1, 5)}))
    >>> ids_of(points.touch_points) == [tp.id for tp in points]
    True
    """
    if all(type(tp) is TouchPoint for tp in touch_points):
        return touch_point_ids(touch_points)
    return [tp.id for tp in touch_points]
