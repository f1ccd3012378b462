"""What a timeline shows, read from a schedule: lanes, one mark per touch point, and the
moves, rolls and merges with their original slots and reasons. Plain values, no drawing.

The team's marks are named by rule id and occurrence (``service #4``); the customer's
(touch points of :func:`~touchpoints._pictures.customer.for_customer`) by the
customer's title and the occurrence (``Service visit 4``): a customer never sees the
team's rule ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from touchpoints._core import Schedule, TouchPoint
from touchpoints._model import Plan, day_label, day_of
from touchpoints._pictures.customer import CustomerTouchPoint

__all__ = ["Lane", "Mark", "OriginalKey", "marks_of"]

OriginalKey = tuple[str, int, int]
"""A touch point's rule id, term and occurrence: what finds its original slot."""

LaneBy = Literal["rule", "channel"]


@dataclass(frozen=True, slots=True)
class Lane:
    """One row of the picture: a rule (or a channel), with the words that name it."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Mark:
    """One touch point on the picture.

    Attributes:
        lane: the key of its lane.
        ident: its stable id (empty for a merged touch point, which has none).
        name: the rule and occurrence, such as ``check-up #1``; for a customer, their
            title and the occurrence, such as ``Service visit 4``.
        title: the rule's title.
        channel: the rule's channel.
        day: where it is drawn.
        kind: ``planned`` (where its rule put it), ``rolled`` (off a closed day),
            ``moved`` (by a fatigue rule, the history, a missed touch point due again
            or a gap in the zone's clock) or ``merged`` (into another touch point).
        original: where its rule put it, when it went elsewhere.
        reasons: why it went elsewhere (or what else it covers), in words.
        label: the short text under the mark, such as ``#1`` (default: none).
        customer: whether it is drawn for the customer: its ``name`` already holds
            its title, so the hover text and the note do not repeat it.
    """

    lane: str
    ident: str
    name: str
    title: str
    channel: str
    day: date
    kind: Literal["planned", "rolled", "moved", "merged"]
    original: date | None
    reasons: tuple[str, ...]
    label: str = ""
    customer: bool = False

    @property
    def heading(self) -> str:
        """What it is, as its hover text starts: ``Call (call #1, call)``, or for a
        customer ``Service visit 4 (visit)``.

        >>> Mark("s", "x", "Service visit 4", "Service visit", "visit", date(2026, 4, 7),
        ...      "planned", None, (), "#4", customer=True).heading
        'Service visit 4 (visit)'
        """
        if self.customer:
            return f"{self.name} ({self.channel})"
        return f"{self.title} ({self.name}, {self.channel})"

    def hover(self) -> str:
        """The hover text: what, when, and why it moved.

        >>> mark = Mark("call", "x", "call #1", "Call", "call", date(2026, 4, 7), "rolled",
        ...             date(2026, 4, 6), ("holiday: Easter Monday",))
        >>> print(mark.hover())
        Call (call #1, call): Tue 2026-04-07, rolled from Mon 2026-04-06: holiday: Easter Monday
        """
        text = f"{self.heading}: {day_label(self.day)}"
        if self.original is not None and self.original != self.day:
            text += f", {self.kind} from {day_label(self.original)}"
        if self.reasons:
            text += ": " + "; ".join(self.reasons)
        return text


def marks_of(
    schedule: Schedule,
    *,
    lanes: LaneBy = "rule",
    originals: Mapping[OriginalKey, date] | None = None,
    plan: Plan | None = None,
) -> tuple[list[Lane], list[Mark]]:
    """The lanes and marks of ``schedule``, in its order.

    Whether a touch point rolled or moved is read from its adjustments' ``kind``.

    Merged touch points come from the schedule's omissions, read from their fields
    (``kind``, ``merged_into``, ``occurrences``, ``term``) and never from their words;
    they are drawn on the day of the touch point that covers them, and from their original slot when
    ``originals`` (the days of the schedule without its fatigue rules) holds them;
    ``plan`` gives their rules' titles and channels (else they are named by rule id).

    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "calendar": {"holidays": "DE-BY"},
    ...     "touchpoints": [{"id": "call", "title": "Call", "channel": "call",
    ...                      "at": "purchase + 2 weeks"}]})
    >>> lanes, marks = marks_of(schedule(plan, Subject(id="c", anchors={
    ...     "purchase": date(2026, 3, 23)})))
    >>> [lane.label for lane in lanes], [(m.kind, m.day, m.original) for m in marks]
    (['Call (call)'], [('rolled', datetime.date(2026, 4, 7), datetime.date(2026, 4, 6))])
    """
    found: dict[str, Lane] = {}
    marks: list[Mark] = []
    titles = {rule.id: (rule.title, rule.channel) for rule in (plan.rules if plan else ())}
    for tp in schedule:
        key = tp.rule_id if lanes == "rule" else tp.channel
        titles[tp.rule_id] = (tp.title, tp.channel)
        if key not in found:
            label = f"{tp.title} ({tp.channel})" if lanes == "rule" else tp.channel
            found[key] = Lane(key, label)
        marks.append(_mark(tp, key))
    days = {(tp.rule_id, tp.occurrence, tp.term): day_of(tp.due) for tp in schedule}
    for omission in schedule.omitted:
        into = omission.merged_into
        if omission.kind != "merged" or into is None:
            continue
        rule_id = omission.rule_id
        title, channel = titles.get(rule_id, (rule_id, ""))
        key = rule_id if lanes == "rule" or not channel else channel
        term = omission.term
        for occurrence in omission.occurrences:
            original = (originals or {}).get((rule_id, term, occurrence))
            day = days.get((into.rule_id, into.occurrence, into.term))
            what = f"{into.rule_id!r} #{into.occurrence}" + _of_term(into.term)
            if day is not None:
                reason = f"merged into {what} on {day_label(day)}"
            elif original is not None:  # it went into a touch point outside the window
                day, reason = original, f"merged into {what}, outside the window"
            else:
                continue
            if key not in found:
                label = f"{title} ({channel})" if channel else title
                found[key] = Lane(key, label if lanes == "rule" else channel or title)
            name = f"{rule_id} #{occurrence}" + _of_term(term)
            label = f"#{occurrence}" + _of_term(term)
            marks.append(
                Mark(key, "", name, title, channel, day, "merged", original, (reason,), label)
            )
    return list(found.values()), marks


def _mark(tp: TouchPoint, lane: str) -> Mark:
    day = day_of(tp.due)
    label = f"#{tp.occurrence}" + _of_term(tp.term)
    customer = isinstance(tp, CustomerTouchPoint)
    if customer:  # in the customer's words: never the team's rule id
        name = f"{tp.title} {tp.occurrence}" + _of_term(tp.term)
    else:
        name = f"{tp.rule_id} #{tp.occurrence}" + _of_term(tp.term)
    reasons = tuple(str(adjustment.reason) for adjustment in tp.adjustments)
    original = tp.planned if tp.planned != day else None
    kind: Literal["planned", "rolled", "moved"] = "planned"
    if original is not None:
        # A roll off a closed day is a roll; any other change of day (contact fatigue,
        # the history, a missed touch point due again, a gap in the zone's clock, a
        # meter) is a move. Told by the adjustments' kinds, never by their words.
        shifts = [a for a in tp.adjustments if a.after != a.before]
        kind = "rolled" if shifts and all(a.kind == "rolled" for a in shifts) else "moved"
    return Mark(
        lane, tp.id, name, tp.title, tp.channel, day, kind, original, reasons, label, customer
    )


def _of_term(term: int) -> str:
    return f" of term {term}" if term != 1 else ""
