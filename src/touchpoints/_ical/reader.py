"""Reading back: the touch points of a feed that touchpoints wrote, every field intact.

The feed is scanned one component at a time (:mod:`touchpoints._ical.scanning`) and
only the properties touchpoints writes are read, so a damaged or hostile feed gives a
:class:`~touchpoints.CalendarReadError` and nothing else, and memory stays with the
touch points read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Final, NamedTuple

from pydantic import ValidationError

from touchpoints._core import TouchPoint, each, require, touch_point_id
from touchpoints._errors import CalendarReadError
from touchpoints._ical.content_lines import unescape
from touchpoints._ical.fields import rule_digest
from touchpoints._ical.scanning import Line, components
from touchpoints._model import Adjustment, Rule, zone_for

__all__ = ["MAX_FEED_BYTES", "from_ical"]


def from_ical(data: bytes | str, *, subject_ids: Iterable[str]) -> tuple[TouchPoint, ...]:
    """Read touch points back from a feed that touchpoints wrote.

    Every field comes back intact: plan, rule (from ``X-TOUCHPOINTS-RULE-JSON``),
    occurrence and due (with its zone). The subject id is never written into a feed,
    so give the candidates: each touch point's subject is the one whose id gives its
    ``UID``. Components that touchpoints did not write (no ``X-TOUCHPOINTS-PLAN``)
    and cancelled ones are skipped. The order is the feed's.

    Args:
        data: the iCalendar text.
        subject_ids: the subject ids the feed may contain.

    Raises:
        CalendarReadError: the data is not iCalendar or larger than
            ``MAX_FEED_BYTES`` (256 MiB), a touchpoints component is damaged (a property
            given twice, a value that does not parse), or its subject is not among
            ``subject_ids``. No other exception leaves it.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> from touchpoints import ExportOptions, to_ical
    >>> from_ical(to_ical(tps, options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))),
    ...           subject_ids=["c1", "c2"]) == tuple(tps)
    True
    """
    require(data, (bytes, str), "data")
    text = _text(data)
    candidates = tuple(dict.fromkeys(each(subject_ids, str, "each subject id")))
    rules: dict[str, Rule] = {}  # by the JSON as written
    by_digest: dict[str, Rule] = {}  # by rule_digest of the JSON
    pending: list[_Read] = []
    for kind, lines in components(text):
        properties = _properties(lines)
        if "X-TOUCHPOINTS-PLAN" not in properties:
            continue
        status = properties.get("STATUS")
        if status is not None and status.value.strip().upper() == "CANCELLED":
            continue
        pending.append(_read_component(kind, properties, rules, by_digest))
    keys = {(read.plan_id, read.rule_id, read.occurrence, read.term) for read in pending}
    owners: dict[str, str] = {}
    for subject_id in candidates:
        for plan_id, rule_id, occurrence, term in keys:
            uid = touch_point_id(plan_id, subject_id, rule_id, occurrence, term=term)
            owners.setdefault(uid, subject_id)
    result: list[TouchPoint] = []
    for uid, plan_id, rule_id, occurrence, due, found, adjustments, done_on, term in pending:
        rule = found if isinstance(found, Rule) else _carried(uid, rule_id, found, by_digest)
        owner = owners.get(uid)
        if owner is None:
            raise CalendarReadError(
                f"the touch point with UID {uid} (plan {plan_id!r}, rule {rule_id!r}, "
                f"occurrence {occurrence}) belongs to none of the {len(candidates)} subject "
                "ids given; pass the ids of every subject the feed was made for"
            )
        result.append(
            TouchPoint(plan_id, rule_id, owner, occurrence, due, rule, adjustments, done_on, term)
        )
    return tuple(result)


MAX_FEED_BYTES: Final = 256 * 1024 * 1024
"""The largest feed :func:`from_ical` reads: 256 MiB (about three million events)."""

# The properties the reader reads: each may be given once.
_READ: Final = frozenset(
    {
        "UID",
        "STATUS",
        "DTSTART",
        "DUE",
        "X-TOUCHPOINTS-PLAN",
        "X-TOUCHPOINTS-RULE",
        "X-TOUCHPOINTS-RULE-JSON",
        "X-TOUCHPOINTS-RULE-DIGEST",
        "X-TOUCHPOINTS-OCCURRENCE",
        "X-TOUCHPOINTS-TERM",
        "X-TOUCHPOINTS-DONE",
        "X-TOUCHPOINTS-ADJUSTMENTS",
        "X-TOUCHPOINTS-TIMEZONE",
    }
)
_DATE: Final = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_TIME: Final = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")


def _text(data: bytes | str) -> str:
    if len(data) > MAX_FEED_BYTES:
        raise CalendarReadError(
            f"the feed is larger than {MAX_FEED_BYTES // (1024 * 1024)} MiB; read it in parts"
        )
    if isinstance(data, str):
        return data
    try:
        return data.decode()
    except UnicodeDecodeError:
        raise CalendarReadError("the data is not an iCalendar file (it is not UTF-8)") from None


def _properties(lines: list[Line]) -> dict[str, Line]:
    found: dict[str, Line] = {}
    for line in lines:
        if line.name in _READ:
            if line.name in found:
                uid = found["UID"].value if "UID" in found else "?"
                raise CalendarReadError(
                    f"the touch point with UID {unescape(uid)} has {line.name} twice"
                )
            found[line.name] = line
    return found


def _raw(properties: dict[str, Line], name: str, uid: str) -> str:
    line = properties.get(name)
    if line is None:
        raise CalendarReadError(f"the touch point with UID {uid} has no {name} property")
    return unescape(line.value)


class _Read(NamedTuple):
    uid: str
    plan_id: str
    rule_id: str
    occurrence: int
    due: date
    rule: Rule | str  # the rule, or the digest of one another event carries
    adjustments: tuple[Adjustment, ...]
    done_on: date | None
    term: int


def _read_number(properties: dict[str, Line], name: str, uid: str) -> int:
    text = _raw(properties, name, uid)
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise CalendarReadError(
            f"the touch point with UID {uid} has {name} {text!r}, which is not a whole "
            "number of 1 or more"
        )
    return number


def _read_done(properties: dict[str, Line], uid: str) -> date | None:
    if "X-TOUCHPOINTS-DONE" not in properties:
        return None
    text = _raw(properties, "X-TOUCHPOINTS-DONE", uid)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CalendarReadError(
            f"the touch point with UID {uid} has a completion date {text!r} that is not "
            "a date like 2026-05-02"
        ) from None


def _read_adjustments(properties: dict[str, Line], uid: str) -> tuple[Adjustment, ...]:
    if "X-TOUCHPOINTS-ADJUSTMENTS" not in properties:
        return ()
    text = _raw(properties, "X-TOUCHPOINTS-ADJUSTMENTS", uid)
    try:
        return tuple(
            Adjustment(date.fromisoformat(before), date.fromisoformat(after), str(reason))
            for before, after, reason in json.loads(text)
        )
    except (ValueError, TypeError, RecursionError) as error:
        raise CalendarReadError(
            f"the touch point with UID {uid} has damaged adjustments "
            f"({type(error).__name__}: {str(error)[:200]})"
        ) from None


def _read_component(
    kind: str, properties: dict[str, Line], rules: dict[str, Rule], by_digest: dict[str, Rule]
) -> _Read:
    uid = unescape(properties["UID"].value) if "UID" in properties else ""
    plan_id = _raw(properties, "X-TOUCHPOINTS-PLAN", uid)
    rule_id = _raw(properties, "X-TOUCHPOINTS-RULE", uid)
    occurrence = _read_number(properties, "X-TOUCHPOINTS-OCCURRENCE", uid)
    rule: Rule | str
    written = properties.get("X-TOUCHPOINTS-RULE-JSON")
    if written is None:
        if "X-TOUCHPOINTS-RULE-DIGEST" not in properties:
            _raw(properties, "X-TOUCHPOINTS-RULE-JSON", uid)  # raises: no rule at all
        rule = _raw(properties, "X-TOUCHPOINTS-RULE-DIGEST", uid).strip()
    else:
        rule = rules.get(written.value) or _parse_rule(uid, written, rules, by_digest)
        if rule.id != rule_id:
            raise CalendarReadError(
                f"the touch point with UID {uid} names rule {rule_id!r} but carries rule "
                f"{rule.id!r}"
            )
    return _Read(
        uid,
        plan_id,
        rule_id,
        occurrence,
        _read_due(kind, properties, uid),
        rule,
        _read_adjustments(properties, uid),
        _read_done(properties, uid),
        _read_number(properties, "X-TOUCHPOINTS-TERM", uid)
        if "X-TOUCHPOINTS-TERM" in properties
        else 1,
    )


def _parse_rule(
    uid: str, written: Line, rules: dict[str, Rule], by_digest: dict[str, Rule]
) -> Rule:
    text = unescape(written.value)
    try:
        rule = Rule.model_validate_json(text)
    except ValidationError as error:
        raise CalendarReadError(
            f"the touch point with UID {uid} carries a rule that is not valid "
            f"({error.error_count()} problem(s), first: {error.errors()[0]['msg']})"
        ) from None
    rules[written.value] = by_digest[rule_digest(text)] = rule
    return rule


def _carried(uid: str, rule_id: str, digest: str, by_digest: dict[str, Rule]) -> Rule:
    rule = by_digest.get(digest)
    if rule is None:
        raise CalendarReadError(
            f"the touch point with UID {uid} refers to rule {digest!r}, which no event of "
            "the feed carries; read the whole feed, not a part of it"
        )
    if rule.id != rule_id:
        raise CalendarReadError(
            f"the touch point with UID {uid} names rule {rule_id!r} but refers to rule {rule.id!r}"
        )
    return rule


def _read_due(kind: str, properties: dict[str, Line], uid: str) -> date:
    name = "DTSTART" if kind == "VEVENT" else "DUE"
    line = properties.get(name)
    if line is None:
        raise CalendarReadError(f"the touch point with UID {uid} has no {name}")
    value = line.value.strip()
    unusable = CalendarReadError(
        f"the touch point with UID {uid} has {name} {value[:40]!r}, which is not a date "
        "like 20260115 or a time like 20260115T100000"
    )
    try:
        if line.params.get("VALUE", "").upper() == "DATE" or _DATE.fullmatch(value):
            day = _DATE.fullmatch(value)
            if day is None:
                raise unusable
            return date(*(int(part) for part in day.groups()))
        moment = _DATE_TIME.fullmatch(value)
        if moment is None:
            raise unusable
        year, month, day_, hour, minute, second, utc = moment.groups()
        naive = datetime(int(year), int(month), int(day_), int(hour), int(minute), int(second))
    except ValueError:
        raise unusable from None
    note = properties.get("X-TOUCHPOINTS-TIMEZONE")
    tzid = line.params.get("TZID")
    key = "UTC"
    if note is not None:
        key = unescape(note.value)
    elif tzid is not None:
        key = tzid
    try:
        zone = zone_for(key)
    except ValueError as error:
        raise CalendarReadError(f"the touch point with UID {uid}: {error}") from None
    if utc:
        try:
            return naive.replace(tzinfo=UTC).astimezone(zone)
        except OverflowError:
            raise unusable from None
    if tzid is None or note is not None:
        raise CalendarReadError(f"the touch point with UID {uid} has a floating {name}")
    return naive.replace(tzinfo=zone)
