"""Reading back: the touch points of a feed that touchpoints wrote, every field intact."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from icalendar import Calendar
from icalendar.cal.component import Component
from pydantic import ValidationError

from touchpoints._core import TouchPoint, each, require, touch_point_id
from touchpoints._errors import CalendarReadError
from touchpoints._ical.content_lines import unescape
from touchpoints._model import Adjustment, Rule, zone_for

__all__ = ["from_ical"]


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
        CalendarReadError: the data is not iCalendar, a touchpoints component is
            damaged, or its subject is not among ``subject_ids``.

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
    candidates = tuple(dict.fromkeys(each(subject_ids, str, "each subject id")))
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except ValueError as error:
        raise CalendarReadError(f"the data is not an iCalendar file ({error})") from None
    rules: dict[str, Rule] = {}
    pending: list[_Read] = []
    for calendar in calendars:
        for component in calendar.walk():
            if component.name not in ("VEVENT", "VTODO") or "X-TOUCHPOINTS-PLAN" not in component:
                continue
            if str(component.get("STATUS", "")).upper() == "CANCELLED":
                continue
            pending.append(_read_component(component, rules))
    keys = {(read.plan_id, read.rule_id, read.occurrence, read.term) for read in pending}
    owners: dict[str, str] = {}
    for subject_id in candidates:
        for plan_id, rule_id, occurrence, term in keys:
            uid = touch_point_id(plan_id, subject_id, rule_id, occurrence, term=term)
            owners.setdefault(uid, subject_id)
    result: list[TouchPoint] = []
    for uid, plan_id, rule_id, occurrence, due, rule, adjustments, done_on, term in pending:
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


def _raw(component: Component, name: str, uid: str) -> str:
    value = component.get(name)
    if value is None:
        raise CalendarReadError(f"the touch point with UID {uid} has no {name} property")
    raw = value.to_ical()
    return unescape(raw.decode() if isinstance(raw, bytes) else str(raw))


class _Read(NamedTuple):
    uid: str
    plan_id: str
    rule_id: str
    occurrence: int
    due: date
    rule: Rule
    adjustments: tuple[Adjustment, ...]
    done_on: date | None
    term: int


def _read_number(component: Component, name: str, uid: str) -> int:
    text = _raw(component, name, uid)
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


def _read_done(component: Component, uid: str) -> date | None:
    if "X-TOUCHPOINTS-DONE" not in component:
        return None
    text = _raw(component, "X-TOUCHPOINTS-DONE", uid)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CalendarReadError(
            f"the touch point with UID {uid} has a completion date {text!r} that is not "
            "a date like 2026-05-02"
        ) from None


def _read_adjustments(component: Component, uid: str) -> tuple[Adjustment, ...]:
    if "X-TOUCHPOINTS-ADJUSTMENTS" not in component:
        return ()
    text = _raw(component, "X-TOUCHPOINTS-ADJUSTMENTS", uid)
    try:
        return tuple(
            Adjustment(date.fromisoformat(before), date.fromisoformat(after), str(reason))
            for before, after, reason in json.loads(text)
        )
    except (ValueError, TypeError) as error:
        raise CalendarReadError(
            f"the touch point with UID {uid} has damaged adjustments ({error})"
        ) from None


def _read_component(component: Component, rules: dict[str, Rule]) -> _Read:
    uid = str(component.get("UID", ""))
    plan_id = _raw(component, "X-TOUCHPOINTS-PLAN", uid)
    rule_id = _raw(component, "X-TOUCHPOINTS-RULE", uid)
    text = _raw(component, "X-TOUCHPOINTS-RULE-JSON", uid)
    occurrence = _read_number(component, "X-TOUCHPOINTS-OCCURRENCE", uid)
    rule = rules.get(text)
    if rule is None:
        try:
            rule = Rule.model_validate_json(text)
        except ValidationError as error:
            raise CalendarReadError(
                f"the touch point with UID {uid} carries a rule that is not valid "
                f"({error.error_count()} problem(s), first: {error.errors()[0]['msg']})"
            ) from None
        rules[text] = rule
    if rule.id != rule_id:
        raise CalendarReadError(
            f"the touch point with UID {uid} names rule {rule_id!r} but carries rule {rule.id!r}"
        )
    name = "DTSTART" if component.name == "VEVENT" else "DUE"
    prop = component.get(name)
    if prop is None or not hasattr(prop, "dt"):
        raise CalendarReadError(f"the touch point with UID {uid} has no {name}")
    value = prop.dt
    due: date
    if isinstance(value, datetime):
        note = component.get("X-TOUCHPOINTS-TIMEZONE")
        tzid = prop.params.get("TZID")
        key = "UTC"
        if note is not None:
            key = unescape(note.to_ical().decode())
        elif tzid is not None:
            key = str(tzid)
        try:
            zone = zone_for(key)
        except ValueError as error:
            raise CalendarReadError(f"the touch point with UID {uid}: {error}") from None
        if value.tzinfo is None:
            raise CalendarReadError(f"the touch point with UID {uid} has a floating {name}")
        if note is not None or tzid is None:
            due = value.astimezone(zone)
        else:
            due = value.replace(tzinfo=zone)
    elif isinstance(value, date):
        due = value
    else:
        raise CalendarReadError(f"the touch point with UID {uid} has an unusable {name}")
    return _Read(
        uid,
        plan_id,
        rule_id,
        occurrence,
        due,
        rule,
        _read_adjustments(component, uid),
        _read_done(component, uid),
        _read_number(component, "X-TOUCHPOINTS-TERM", uid)
        if "X-TOUCHPOINTS-TERM" in component
        else 1,
    )
