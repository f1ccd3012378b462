"""Schedule diffs: what changed between two schedules, touch point by touch point.

Touch points are matched by :attr:`TouchPoint.id`, which depends only on the plan,
the subject, the rule and the occurrence number. So a schedule regenerated after an
edit to a plan compares cleanly with the one before: a touch point whose date moved
is *changed*, not removed and added again.

Everything here is pure: values in, values out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

from touchpoints._core import (
    RuleTable,
    TouchPoint,
    each,
    read_rules,
    read_touch_point,
    reading,
    require,
    short_text,
    touch_point_to_json,
)
from touchpoints._errors import DuplicateTouchPointError, JSONReadError

__all__ = ["DIFF_FIELDS", "ScheduleDiff", "TouchPointChange", "diff"]

DIFF_FIELDS: Final[tuple[str, ...]] = (
    "due",
    "title",
    "channel",
    "description",
    "owner",
    "priority",
    "tags",
    "duration",
    "adjustments",
    "done_on",
)
"""The fields :func:`diff` compares, in the order it reports them.

``adjustments`` changes when a touch point is moved off its planned date for another
reason (a different closed day, say), and ``done_on`` when the subject's history
starts (or stops) saying it was completed.

The key fields (plan, subject, rule and occurrence number) are not among them: they
make up the id, so two touch points with the same id always agree on them.

>>> DIFF_FIELDS[:3]
('due', 'title', 'channel')
"""

_UTC: Final = ZoneInfo("UTC")


_FIRST: Final = 3
"""How many ids a diff's repr shows."""


@dataclass(frozen=True, slots=True, repr=False)
class TouchPointChange:
    """One touch point in both schedules whose fields differ.

    Attributes:
        old: the touch point as it was.
        new: the touch point as it is now.
        fields: the fields that differ, in the order of :data:`DIFF_FIELDS`.

    >>> from datetime import date
    >>> from touchpoints import Plan, Subject, schedule
    >>> def plan(title):
    ...     return Plan.model_validate({"plan": "p", "touchpoints": [
    ...         {"id": "call", "title": title, "channel": "call", "at": "purchase"}]})
    >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    >>> change = diff(schedule(plan("Call"), subject), schedule(plan("Welcome call"), subject))
    >>> change.changed[0].fields, change.changed[0].new.title
    (('title',), 'Welcome call')
    """

    old: TouchPoint
    new: TouchPoint
    fields: tuple[str, ...]

    @property
    def id(self) -> str:
        """The id both touch points share."""
        return self.new.id

    def __repr__(self) -> str:
        """One line: which touch point, and what changed (the due time in full).

        >>> from datetime import date
        >>> from touchpoints import Plan, Subject, schedule
        >>> def plan(at):
        ...     return Plan.model_validate({"plan": "p", "touchpoints": [
        ...         {"id": "call", "title": "Call", "channel": "call", "at": at}]})
        >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
        >>> diff(schedule(plan("purchase"), subject),
        ...      schedule(plan("purchase + 1 day"), subject)).changed[0]
        TouchPointChange('call' #1, subject 'c1': due 2026-01-15 -> 2026-01-16)
        """
        new = self.new
        term = f" of term {new.term}" if new.term != 1 else ""
        fields = [
            f"due {self.old.due.isoformat()} -> {new.due.isoformat()}" if name == "due" else name
            for name in self.fields
        ]
        return (
            f"TouchPointChange({new.rule_id!r} #{new.occurrence}{term}, subject "
            f"{short_text(new.subject_id)}: {', '.join(fields)})"
        )


@dataclass(frozen=True, slots=True, repr=False)
class ScheduleDiff:
    """What turns one schedule into another: touch points added, changed and removed.

    Each part is sorted by due time (the new one for changes), then by id, so the
    same two schedules always give the same diff. A diff is true when there is any
    difference and false when there is none.

    Attributes:
        added: touch points only in the new schedule.
        changed: touch points in both whose fields differ.
        removed: touch points only in the old schedule.

    >>> from datetime import date
    >>> from touchpoints import Plan, Subject, schedule
    >>> def plan(count):
    ...     return Plan.model_validate({"plan": "p", "touchpoints": [
    ...         {"id": "s", "title": "Service", "channel": "visit",
    ...          "every": "1 month", "starting": "purchase", "count": count}]})
    >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    >>> change = diff(schedule(plan(3), subject), schedule(plan(2), subject))
    >>> [tp.due.isoformat() for tp in change.removed], bool(change), len(change)
    (['2026-03-15'], True, 1)
    """

    added: tuple[TouchPoint, ...] = ()
    changed: tuple[TouchPointChange, ...] = ()
    removed: tuple[TouchPoint, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def __len__(self) -> int:
        """The number of touch points added, changed or removed."""
        return len(self.added) + len(self.changed) + len(self.removed)

    def __repr__(self) -> str:
        """One line: the counts, and the first few ids (``+`` added, ``~`` changed,
        ``-`` removed); ``str()`` is the same.

        >>> ScheduleDiff()
        ScheduleDiff(0 added, 0 changed, 0 removed)
        """
        counts = (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"
        )
        ids = [f"+{tp.id}" for tp in self.added[:_FIRST]]
        ids += [f"~{change.id}" for change in self.changed[:_FIRST]]
        ids += [f"-{tp.id}" for tp in self.removed[:_FIRST]]
        if not ids:
            return f"ScheduleDiff({counts})"
        more = ", …" if len(self) > _FIRST else ""
        return f"ScheduleDiff({counts}: {', '.join(ids[:_FIRST])}{more})"

    def to_json(self) -> dict[str, Any]:
        """This diff as JSON-ready data (see :meth:`from_json`): ``added``, ``changed``
        (each with ``old``, ``new`` and ``fields``) and ``removed``, touch points as
        :meth:`TouchPoint.to_json <touchpoints.TouchPoint.to_json>` writes them but
        naming their rule by its position in ``rules``, which lists each rule once.

        >>> import json
        >>> from datetime import date
        >>> from touchpoints import Plan, Subject, schedule
        >>> def plan(at):
        ...     return Plan.model_validate({"plan": "p", "touchpoints": [
        ...         {"id": "call", "title": "Call", "channel": "call", "at": at}]})
        >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
        >>> change = diff(schedule(plan("purchase"), subject),
        ...               schedule(plan("purchase + 1 day"), subject))
        >>> data = change.to_json()
        >>> data["changed"][0]["fields"], len(data["rules"])
        (['due'], 2)
        >>> ScheduleDiff.from_json(json.loads(json.dumps(data))) == change
        True
        """
        rules = RuleTable()
        return {
            "added": [touch_point_to_json(tp, rules) for tp in self.added],
            "changed": [
                {
                    "old": touch_point_to_json(change.old, rules),
                    "new": touch_point_to_json(change.new, rules),
                    "fields": list(change.fields),
                }
                for change in self.changed
            ],
            "removed": [touch_point_to_json(tp, rules) for tp in self.removed],
            "rules": rules.rules,
        }

    @classmethod
    def from_json(cls, data: Any) -> ScheduleDiff:
        """A diff from the data :meth:`to_json` gives.

        Raises:
            JSONReadError: the data is not such a diff.
            TypeError: the data is not a mapping.
        """
        require(data, Mapping, "data")
        return reading("the diff", lambda: _diff_from_json(data))

    def apply(self, old: Iterable[TouchPoint]) -> tuple[TouchPoint, ...]:
        """Replay this diff on ``old``: the new schedule's touch points.

        Touch points of ``old`` that the diff does not mention are kept as they are:
        they agree with the new ones on every field in :data:`DIFF_FIELDS`, though not
        necessarily on the rest of their rule (its interval, say). The result is
        sorted by due time, then id.

        Args:
            old: the schedule the diff was computed from (or one that agrees with it
                on the touch points the diff mentions).

        Raises:
            DuplicateTouchPointError: two touch points in ``old`` share an id.

        >>> from datetime import date
        >>> from touchpoints import Plan, Subject, schedule
        >>> def plan(every):
        ...     return Plan.model_validate({"plan": "p", "touchpoints": [
        ...         {"id": "s", "title": "Service", "channel": "visit",
        ...          "every": every, "starting": "purchase", "count": 2}]})
        >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
        >>> old, new = schedule(plan("1 month"), subject), schedule(plan("2 months"), subject)
        >>> [(tp.id, tp.due) for tp in diff(old, new).apply(old)] == [
        ...     (tp.id, tp.due) for tp in new]
        True
        """
        result = _by_id(old, "old")
        for tp in self.removed:
            result.pop(tp.id, None)
        for change in self.changed:
            result[change.id] = change.new
        for tp in self.added:
            result[tp.id] = tp
        return tuple(sorted(result.values(), key=_order))


def diff(old: Iterable[TouchPoint], new: Iterable[TouchPoint]) -> ScheduleDiff:
    """Compare two schedules touch point by touch point.

    Touch points are matched by id; a pair that differs in any of :data:`DIFF_FIELDS` is a
    change. The plan's version is not a field of a touch point, so a version bump alone
    changes nothing. Both schedules may cover many subjects (the output of
    :func:`touchpoints.schedule_many`, say), as long as no id occurs twice in either.

    Args:
        old: the earlier schedule: a :class:`~touchpoints.Schedule` or any iterable of
            touch points.
        new: the later one.

    Returns:
        The touch points added, changed and removed, each sorted by due time and id.

    Raises:
        DuplicateTouchPointError: two touch points in one schedule share an id.

    >>> from datetime import date
    >>> from touchpoints import Plan, Subject, schedule
    >>> def plan(every):
    ...     return Plan.model_validate({"plan": "p", "touchpoints": [
    ...         {"id": "s", "title": "Service", "channel": "visit",
    ...          "every": every, "starting": "purchase", "until": "purchase + 4 months"}]})
    >>> subject = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
    >>> change = diff(schedule(plan("1 month"), subject), schedule(plan("2 months"), subject))
    >>> [(c.old.due.isoformat(), c.new.due.isoformat()) for c in change.changed]
    [('2026-02-15', '2026-03-15'), ('2026-03-15', '2026-05-15')]
    >>> [tp.occurrence for tp in change.removed]
    [4, 5]
    """
    before = _by_id(old, "old")
    after = _by_id(new, "new")
    added = [tp for key, tp in after.items() if key not in before]
    removed = [tp for key, tp in before.items() if key not in after]
    changed: list[TouchPointChange] = []
    for key, tp in after.items():
        earlier = before.get(key)
        if earlier is None:
            continue
        fields = tuple(_changed_fields(earlier, tp))
        if fields:
            changed.append(TouchPointChange(earlier, tp, fields))
    return ScheduleDiff(
        added=tuple(sorted(added, key=_order)),
        changed=tuple(sorted(changed, key=lambda change: _order(change.new))),
        removed=tuple(sorted(removed, key=_order)),
    )


def _diff_from_json(data: Mapping[str, Any]) -> ScheduleDiff:
    rules = read_rules(data.get("rules"), "the diff")

    def points(key: str) -> tuple[TouchPoint, ...]:
        items = data.get(key)
        if not isinstance(items, list):
            raise JSONReadError(f"the diff: {key!r} must be a list")
        return tuple(read_touch_point(item, rules, f"{key} {n}") for n, item in enumerate(items))

    changed = data.get("changed")
    if not isinstance(changed, list):
        raise JSONReadError("the diff: 'changed' must be a list")
    changes = []
    for n, item in enumerate(changed):
        what = f"changed {n}"
        if not isinstance(item, Mapping):
            raise JSONReadError(f"{what} must be an object")
        fields = item.get("fields")
        if not isinstance(fields, list) or not all(name in DIFF_FIELDS for name in fields):
            raise JSONReadError(f"{what}: 'fields' must list names of DIFF_FIELDS")
        old = read_touch_point(item.get("old"), rules, f"{what}: old")
        new = read_touch_point(item.get("new"), rules, f"{what}: new")
        changes.append(TouchPointChange(old, new, tuple(fields)))
    return ScheduleDiff(added=points("added"), changed=tuple(changes), removed=points("removed"))


def _by_id(touch_points: Iterable[TouchPoint], which: str) -> dict[str, TouchPoint]:
    result: dict[str, TouchPoint] = {}
    for tp in each(touch_points, TouchPoint, "each touch point"):
        key = tp.id
        if key in result:
            raise DuplicateTouchPointError(key, which, tp.subject_id, tp.rule_id, tp.occurrence)
        result[key] = tp
    return result


_RULE_FIELDS: Final = ("title", "channel", "description", "owner", "priority", "tags", "duration")


def _changed_fields(old: TouchPoint, new: TouchPoint) -> Iterator[str]:
    if not _same_due(old.due, new.due):
        yield "due"
    if old.rule is not new.rule:
        for name in _RULE_FIELDS:
            if getattr(old, name) != getattr(new, name):
                yield name
    if old.adjustments != new.adjustments:
        yield "adjustments"
    if old.done_on != new.done_on:
        yield "done_on"


def _same_due(old: date, new: date) -> bool:
    """Equal as a calendar entry: same kind, same wall time, same zone, same instant."""
    if type(old) is not type(new):
        return False
    if isinstance(old, datetime) and isinstance(new, datetime):
        return (
            old.replace(tzinfo=None) == new.replace(tzinfo=None)
            and str(old.tzinfo) == str(new.tzinfo)
            and old.utcoffset() == new.utcoffset()
        )
    return old == new


def _order(tp: TouchPoint) -> tuple[datetime, str]:
    due = tp.due
    if isinstance(due, datetime):
        instant = due.astimezone(_UTC)
    else:
        instant = datetime.combine(due, time(), _UTC)
    return instant, tp.id
