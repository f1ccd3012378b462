"""JSON-ready data: touch points, schedules and their parts to plain data and back.

Plain data means dicts, lists, text, numbers, booleans and None, ready for
``json.dumps``. Dates and times are ISO 8601 text; a timed touch point also names its
zone (``timezone``), so it comes back on the same wall clock in the same zone. Rules
are written in full, as a plan file writes them (defaults left out); in a schedule or
a diff each rule is written once, in ``rules``, and touch points refer to it by its
position there. Reading checks everything and raises :class:`JSONReadError`.

The methods ``to_json()`` and ``from_json()`` of :class:`TouchPoint`,
:class:`Schedule` and :class:`~touchpoints.ScheduleDiff` are the public face of this
module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar, cast

from touchpoints._core.arguments import require
from touchpoints._core.outputs import (
    OMISSION_KINDS,
    Conflict,
    Omission,
    RuleOccurrence,
    Schedule,
    TouchPoint,
)
from touchpoints._errors import JSONReadError, PlanError
from touchpoints._model import (
    ADJUSTMENT_KINDS,
    Adjustment,
    Rule,
    kind_from_words,
    zone_for,
)

__all__ = [
    "RuleTable",
    "read_rules",
    "read_touch_point",
    "reading",
    "schedule_from_json",
    "schedule_to_json",
    "touch_point_to_json",
]

T = TypeVar("T")

JSON = dict[str, Any]


class RuleTable:
    """The rules of some touch points, each written once; touch points refer to
    theirs by its position."""

    def __init__(self) -> None:
        self.rules: list[JSON] = []
        self._seen: dict[int, int] = {}
        self._by_id: dict[str, list[tuple[Rule, int]]] = {}

    def ref(self, rule: Rule) -> int:
        """The position of ``rule``, added when it is new."""
        index = self._seen.get(id(rule))
        if index is not None:
            return index
        for other, position in self._by_id.get(rule.id, []):
            if other == rule:
                index = position
                break
        else:
            index = len(self.rules)
            self.rules.append(rule.model_dump(mode="json", exclude_defaults=True))
            self._by_id.setdefault(rule.id, []).append((rule, index))
        self._seen[id(rule)] = index
        return index


def _day(value: date) -> str:
    return value.isoformat()


def touch_point_to_json(tp: TouchPoint, rules: RuleTable | None = None) -> JSON:
    """A touch point as JSON-ready data; its rule in full, or its position in ``rules``."""
    data: JSON = {
        "id": tp.id,
        "plan_id": tp.plan_id,
        "subject_id": tp.subject_id,
        "rule_id": tp.rule_id,
        "occurrence": tp.occurrence,
        "term": tp.term,
        "due": tp.due.isoformat(),
    }
    if isinstance(tp.due, datetime):
        data["timezone"] = getattr(tp.due.tzinfo, "key", None)
    data["adjustments"] = [
        {
            "before": _day(a.before),
            "after": _day(a.after),
            "reason": a.reason,
            "closed": [[_day(day), why] for day, why in a.closed],
            "kind": a.kind,
        }
        for a in tp.adjustments
    ]
    data["done_on"] = None if tp.done_on is None else _day(tp.done_on)
    data["rule"] = (
        tp.rule.model_dump(mode="json", exclude_defaults=True)
        if rules is None
        else rules.ref(tp.rule)
    )
    return data


def reading(what: str, read: Callable[[], T]) -> T:
    """``read()``, with any sign of damaged data turned into :class:`JSONReadError`."""
    try:
        return read()
    except JSONReadError:
        raise
    except PlanError as error:
        raise JSONReadError(f"{what}: the rule is not valid ({error.problems[0]})") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise JSONReadError(f"{what} is damaged ({type(error).__name__}: {error})") from None


def _field(data: Mapping[str, Any], key: str, kind: type[T], what: str) -> T:
    if key not in data:
        raise JSONReadError(f"{what} has no {key!r}")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise JSONReadError(f"{what}: {key!r} must be {kind.__name__}, not {value!r}")
    return value


def _optional(data: Mapping[str, Any], key: str, kind: type[T], what: str) -> T | None:
    return None if data.get(key) is None else _field(data, key, kind, what)


def _read_day(text: str, key: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise JSONReadError(f"{what}: {key!r} is not an ISO 8601 date: {text!r}") from None


def _read_bound(value: object, key: str, what: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise JSONReadError(f"{what}: {key!r} must be an ISO 8601 date or time, not {value!r}")
    if "T" not in value:
        return _read_day(value, key, what)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise JSONReadError(f"{what}: {key!r} is not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise JSONReadError(f"{what}: {key!r} needs a UTC offset: {value!r}")
    return moment


def _read_due(data: Mapping[str, Any], what: str) -> date:
    text = _field(data, "due", str, what)
    if "T" not in text:
        return _read_day(text, "due", what)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise JSONReadError(f"{what}: 'due' is not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise JSONReadError(f"{what}: 'due' needs a UTC offset: {text!r}")
    key = _optional(data, "timezone", str, what)
    if key is None:
        return moment
    try:
        zone = zone_for(key)
    except (ValueError, LookupError, TypeError):
        raise JSONReadError(f"{what}: 'timezone' is not a known time zone: {key!r}") from None
    return moment.astimezone(zone)


def _read_adjustment(data: object, what: str) -> Adjustment:
    if not isinstance(data, Mapping):
        raise JSONReadError(f"{what}: each adjustment must be an object, not {data!r}")
    closed = []
    for item in _field(data, "closed", list, what):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], str)):
            raise JSONReadError(f"{what}: each closed day must be [date, reason], not {item!r}")
        closed.append((_read_day(item[0], "closed", what), item[1]))
    reason = _field(data, "reason", str, what)
    kind = _optional(data, "kind", str, what)
    if kind is None:  # written before adjustments had a kind
        kind = kind_from_words(reason, closed)
    elif kind not in ADJUSTMENT_KINDS:
        raise JSONReadError(
            f"{what}: an adjustment's 'kind' is {kind!r}; use one of {', '.join(ADJUSTMENT_KINDS)}"
        )
    return Adjustment(
        _read_day(_field(data, "before", str, what), "before", what),
        _read_day(_field(data, "after", str, what), "after", what),
        reason,
        closed=tuple(closed),
        kind=kind,
    )


def read_rules(data: object, what: str) -> list[Rule]:
    """The ``rules`` list of a schedule or a diff."""
    if not isinstance(data, list):
        raise JSONReadError(f"{what}: 'rules' must be a list, not {data!r}")
    return [_read_rule(rule, f"{what}: rule {n}") for n, rule in enumerate(data)]


def _read_rule(data: object, what: str) -> Rule:
    return reading(what, lambda: Rule.model_validate(data))


def read_touch_point(data: object, rules: Sequence[Rule] | None, what: str) -> TouchPoint:
    """A touch point from its data; its rule in full, or a position in ``rules``."""
    if not isinstance(data, Mapping):
        raise JSONReadError(f"{what} must be an object, not {type(data).__name__}")
    reference = data.get("rule")
    if rules is None:
        if not isinstance(reference, Mapping):
            raise JSONReadError(f"{what}: 'rule' must be the rule as an object")
        rule = _read_rule(reference, what)
    else:
        if (
            not isinstance(reference, int)
            or isinstance(reference, bool)
            or not (0 <= reference < len(rules))
        ):
            raise JSONReadError(f"{what}: 'rule' must be a position in 'rules', not {reference!r}")
        rule = rules[reference]
    rule_id = _field(data, "rule_id", str, what)
    if rule_id != rule.id:
        raise JSONReadError(f"{what}: 'rule_id' is {rule_id!r} but its rule is {rule.id!r}")
    done_on = _optional(data, "done_on", str, what)
    return TouchPoint(
        plan_id=_field(data, "plan_id", str, what),
        rule_id=rule_id,
        subject_id=_field(data, "subject_id", str, what),
        occurrence=_field(data, "occurrence", int, what),
        due=_read_due(data, what),
        rule=rule,
        adjustments=tuple(
            _read_adjustment(item, what) for item in _field(data, "adjustments", list, what)
        ),
        done_on=None if done_on is None else _read_day(done_on, "done_on", what),
        term=_field(data, "term", int, what),
    )


def _omission_to_json(omission: Omission) -> JSON:
    into = omission.merged_into
    return {
        "kind": omission.kind,
        "rule_id": omission.rule_id,
        "anchor": omission.anchor,
        "reason": omission.reason,
        "occurrences": list(omission.occurrences),
        "term": omission.term,
        "merged_into": None if into is None else into._asdict(),
        "text": str(omission),
    }


def _read_omission(data: object, what: str) -> Omission:
    if not isinstance(data, Mapping):
        raise JSONReadError(f"{what} must be an object, not {data!r}")
    kind = _field(data, "kind", str, what)
    if kind not in OMISSION_KINDS:
        raise JSONReadError(f"{what}: 'kind' must be one of {', '.join(OMISSION_KINDS)}")
    occurrences = _field(data, "occurrences", list, what)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in occurrences):
        raise JSONReadError(f"{what}: 'occurrences' must be whole numbers")
    into = _optional(data, "merged_into", dict, what)
    merged_into = None
    if into is not None:
        merged_into = RuleOccurrence(
            _field(into, "rule_id", str, what),
            _field(into, "occurrence", int, what),
            _field(into, "term", int, what),
        )
    return Omission(
        _field(data, "rule_id", str, what),
        anchor=_optional(data, "anchor", str, what),
        reason=_optional(data, "reason", str, what),
        kind=cast("Any", kind),
        occurrences=tuple(occurrences),
        term=_field(data, "term", int, what),
        merged_into=merged_into,
    )


def _conflict_to_json(conflict: Conflict) -> JSON:
    return {
        "rule_id": conflict.rule_id,
        "occurrence": conflict.occurrence,
        "term": conflict.term,
        "reason": conflict.reason,
    }


def _read_conflict(data: object, what: str) -> Conflict:
    if not isinstance(data, Mapping):
        raise JSONReadError(f"{what} must be an object, not {data!r}")
    return Conflict(
        _field(data, "rule_id", str, what),
        _field(data, "occurrence", int, what),
        _field(data, "term", int, what),
        _field(data, "reason", str, what),
    )


def _bound(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _zone_key(value: date | None) -> str | None:
    return getattr(value.tzinfo, "key", None) if isinstance(value, datetime) else None


def _in_zone(value: date | None, data: Mapping[str, Any], key: str, what: str) -> date | None:
    name = _optional(data, key, str, what)
    if name is None or not isinstance(value, datetime):
        return value
    try:
        zone = zone_for(name)
    except ValueError:
        raise JSONReadError(f"{what}: {key!r} is not a time zone: {name!r}") from None
    return value.astimezone(zone)


def schedule_to_json(result: Schedule) -> JSON:
    """A schedule as JSON-ready data."""
    rules = RuleTable()
    points = [touch_point_to_json(tp, rules) for tp in result.touch_points]
    return {
        "plan_id": result.plan_id,
        "subject_id": result.subject_id,
        "start": _bound(result.start),
        "end": _bound(result.end),
        # A bound in a zone keeps its zone: an ambiguous local time is equal only to
        # itself in that zone, never to the same instant at a fixed offset.
        "start_timezone": _zone_key(result.start),
        "end_timezone": _zone_key(result.end),
        "rules": rules.rules,
        "touch_points": points,
        "omitted": [_omission_to_json(o) for o in result.omitted],
        "conflicts": [_conflict_to_json(c) for c in result.conflicts],
    }


def _items(data: Mapping[str, Any], key: str, what: str) -> Iterable[tuple[int, object]]:
    return enumerate(_field(data, key, list, what))


def schedule_from_json(data: object) -> Schedule:
    """A schedule from the data :func:`schedule_to_json` gives."""
    require(data, Mapping, "data")
    assert isinstance(data, Mapping)
    what = "the schedule"
    rules = read_rules(data.get("rules"), what)
    return Schedule(
        plan_id=_field(data, "plan_id", str, what),
        subject_id=_field(data, "subject_id", str, what),
        touch_points=tuple(
            read_touch_point(item, rules, f"touch point {n}")
            for n, item in _items(data, "touch_points", what)
        ),
        omitted=tuple(
            _read_omission(item, f"omission {n}") for n, item in _items(data, "omitted", what)
        ),
        start=_in_zone(_read_bound(data.get("start"), "start", what), data, "start_timezone", what),
        end=_in_zone(_read_bound(data.get("end"), "end", what), data, "end_timezone", what),
        conflicts=tuple(
            _read_conflict(item, f"conflict {n}") for n, item in _items(data, "conflicts", what)
        ),
    )
