"""The lifecycle state machine: one subject's life under a plan, step by step, with the
invariants that must hold after every step."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import ClassVar, Final, Literal

from hypothesis import note
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from hypothesis.strategies import SearchStrategy

from touchpoints._core import RuleOccurrence, Schedule, TouchPoint, schedule
from touchpoints._model import HistoryEvent, Plan, Subject, day_of
from touchpoints.testing._edits import plan_edits
from touchpoints.testing._subjects import subjects

__all__ = ["LifecycleMachine"]

_Status = Literal["completed", "skipped", "rescheduled", "cancelled"]

_RANK: Final = {"rescheduled": 0, "skipped": 1, "cancelled": 2, "completed": 3}
"""How history events of one touch point rank, as ``HistoryEvent`` documents it."""


def _key(tp: TouchPoint) -> RuleOccurrence:
    return RuleOccurrence(tp.rule_id, tp.occurrence, tp.term)


def _deciding(history: Iterable[HistoryEvent]) -> dict[RuleOccurrence, HistoryEvent]:
    """The event that decides each touch point: completed beats cancelled, skipped and
    rescheduled, and among equals the latest date wins (as ``HistoryEvent`` says)."""

    def weight(event: HistoryEvent) -> tuple[int, date]:
        return _RANK[event.status], day_of(event.on) if event.on is not None else date.min

    found: dict[RuleOccurrence, HistoryEvent] = {}
    for event in history:
        key = RuleOccurrence(event.rule, event.occurrence, event.term)
        if key not in found or weight(event) > weight(found[key]):
            found[key] = event
    return found


def _bare(plan: Plan) -> Plan:
    """The plan without what may leave touch points out on purpose: contact fatigue
    (merges) and stop anchors; what it calls for in a window."""
    data = plan.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    data.pop("fatigue", None)
    data.pop("stop", None)
    return Plan.model_validate(data)


def _accounted(result: Schedule) -> set[tuple[str, int | None, int | None]]:
    """What the schedule says of touch points it does not place: (rule, occurrence,
    term) for each omitted or conflicting one, and (rule, None, None) for a rule whose
    series a stop anchor ended."""
    found: set[tuple[str, int | None, int | None]] = set()
    for omission in result.omitted:
        if omission.kind == "stopped" and not omission.occurrences:
            found.add((omission.rule_id, None, None))  # said once per rule, for every term
        found.update((omission.rule_id, n, omission.term) for n in omission.occurrences)
    found.update((c.rule_id, c.occurrence, c.term) for c in result.conflicts)
    return found


def _listing(points: Iterable[TouchPoint]) -> str:
    """Each touch point's repr, and below it where it comes from."""
    lines: list[str] = []
    for tp in points:
        lines += [f"  {tp!r}", *(f"    {line}" for line in tp.explain().splitlines())]
    return "\n".join(lines)


class LifecycleMachine(RuleBasedStateMachine):
    """A Hypothesis state machine that lives one subject's life under a plan.

    Subclass it, set ``plan``, and let pytest collect its ``TestCase``. Each run
    draws a subject, then takes steps: time moves on (the "as of" date), touch points
    are completed, skipped, rescheduled and cancelled (recorded in the subject's
    ``history``, as a host records them), the contract is renewed (``renewals``), a
    stop anchor is set, and the plan is edited (``plan_edits``). After every step it
    checks that:

    - **the history is respected**: a completed touch point is not planned again (it
      is there once, with its ``done_on``), a skipped or cancelled one is not there,
      a rescheduled one is at its new date;
    - **ids are stable**: an edit keeps the ids of the touch points of the rules it
      did not touch;
    - **nothing is dropped silently**: every touch point the plan calls for in the
      window (the plan without contact fatigue and stops, for the subject's
      completions and renewals) is placed, omitted with a structured reason
      (``Omission.occurrences``, or a ``stopped`` rule), or listed as a conflict.

    Attributes:
        plan: the plan under test, or a strategy for plans (set by the subclass).
        subject_strategy: the subjects to live through; None for ``subjects(plan)``.

    Override ``schedule`` to test a host's own path to the engine (a service, a
    cache) instead of :func:`touchpoints.schedule`: the invariants then hold it to
    what the engine promises.

    >>> from hypothesis import settings
    >>> from hypothesis.stateful import run_state_machine_as_test
    >>> from touchpoints import Plan
    >>> class Service(LifecycleMachine):
    ...     plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...         {"id": "service", "title": "Service", "channel": "visit",
    ...          "every": "3 months", "starting": "purchase", "count": 8}]})
    >>> run_state_machine_as_test(Service, settings=settings(
    ...     max_examples=5, stateful_step_count=10, derandomize=True, database=None,
    ...     deadline=None))
    """

    plan: ClassVar[Plan | SearchStrategy[Plan]]
    subject_strategy: ClassVar[SearchStrategy[Subject] | None] = None

    def __init__(self) -> None:
        super().__init__()
        self.current: Plan
        self.subject: Subject
        self.as_of: date
        self.end: date
        self._result: Schedule | None = None
        self._bare: tuple[Plan, Plan] | None = None  # the current plan, and it bare

    def schedule(self, plan: Plan, subject: Subject, *, end: date, as_of: date) -> Schedule:
        """The schedule under test: :func:`touchpoints.schedule` unless overridden."""
        return schedule(plan, subject, end=end, as_of=as_of)

    # The state --------------------------------------------------------------------

    @property
    def result(self) -> Schedule:
        """The current schedule of the subject, as of ``as_of``."""
        if self._result is None:
            self._result = self.schedule(self.current, self.subject, end=self.end, as_of=self.as_of)
        return self._result

    def _update(self, subject: Subject, what: str) -> None:
        note(what)
        self.subject = subject
        self._result = None

    def _open(self) -> list[TouchPoint]:
        """Touch points a host could still act on: not done."""
        return [tp for tp in self.result if tp.done_on is None]

    def _record(self, tp: TouchPoint, status: _Status, on: date | None) -> None:
        event = HistoryEvent(
            rule=tp.rule_id, occurrence=tp.occurrence, term=tp.term, status=status, on=on
        )
        when = f" on {on.isoformat()}" if on is not None else ""
        history = (*self.subject.history, event)
        self._update(self.subject.model_copy(update={"history": history}), f"{status} {tp!r}{when}")

    # The steps ---------------------------------------------------------------------

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        """Draw the plan (when it is a strategy) and the subject."""
        chosen = getattr(type(self), "plan", None)
        if isinstance(chosen, SearchStrategy):
            chosen = data.draw(chosen, label="plan")
        if not isinstance(chosen, Plan):
            raise InvalidArgument(
                f"{type(self).__name__}.plan must be a Plan or a strategy for plans, "
                "such as plan = load_plan('plans/after-sales.yaml')"
            )
        self.current = chosen
        source = self.subject_strategy or subjects(chosen)
        self.subject = data.draw(source, label="subject")
        days = [day_of(value) for value in self.subject.anchors.values()]
        self.as_of = min(days, default=date(2026, 1, 1))
        ends = schedule(chosen, self.subject).end
        self.end = ends if ends is not None else self.as_of + timedelta(days=5 * 366)
        self.end = min(self.end, date(9000, 1, 1))
        self._result = None
        note(f"as of {self.as_of.isoformat()}, window up to {self.end.isoformat()}")

    @rule(days=st.integers(1, 366))
    def advance(self, days: int) -> None:
        """Move "as of" on by some days (never past the window's end)."""
        self.as_of = min(self.as_of + timedelta(days=days), self.end)
        self._result = None
        note(f"as of {self.as_of.isoformat()}")

    @precondition(lambda self: bool(self._open()))
    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        """Record a touch point as done "as of" today."""
        tp = data.draw(st.sampled_from(self._open()), label="completed")
        self._record(tp, "completed", self.as_of)

    @precondition(lambda self: bool(self._open()))
    @rule(data=st.data(), cancel=st.booleans())
    def skip_or_cancel(self, data: st.DataObject, cancel: bool) -> None:
        """Record a touch point as skipped, or cancelled."""
        tp = data.draw(st.sampled_from(self._open()), label="left out")
        self._record(tp, "cancelled" if cancel else "skipped", self.as_of if cancel else None)

    @precondition(lambda self: self.as_of < self.end and bool(self._open()))
    @rule(data=st.data())
    def reschedule(self, data: st.DataObject) -> None:
        """Move a touch point to a day from "as of" to the window's last day."""
        tp = data.draw(st.sampled_from(self._open()), label="rescheduled")
        last = self.end - timedelta(days=1)
        day = data.draw(st.dates(min_value=self.as_of, max_value=last), label="to")
        self._record(tp, "rescheduled", day)

    @precondition(lambda self: self.current.term is not None)
    @rule()
    def renew(self) -> None:
        """Renew the contract "as of" today (after the first term's start)."""
        assert self.current.term is not None
        first = self.subject.anchors.get(self.current.term.starts)
        if first is None or self.as_of <= day_of(first) or self.as_of in self.subject.renewals:
            return
        renewals = (*self.subject.renewals, self.as_of)
        self._update(
            self.subject.model_copy(update={"renewals": renewals}),
            f"renewed on {self.as_of.isoformat()}",
        )

    @precondition(lambda self: bool(self.current.stop))
    @rule()
    def stop(self) -> None:
        """Set the plan's first stop anchor "as of" today, when the subject has none."""
        name = self.current.stop[0]
        if name in self.subject.anchors:
            return
        anchors = {**self.subject.anchors, name: self.as_of}
        self._update(
            self.subject.model_copy(update={"anchors": anchors}),
            f"{name} on {self.as_of.isoformat()}",
        )

    @rule(data=st.data())
    def edit(self, data: st.DataObject) -> None:
        """Edit the plan, and check that the ids of untouched rules' touch points stay."""
        edit = data.draw(plan_edits(self.current), label="edit")
        edited = edit.apply(self.current)
        before = self.result
        after = self.schedule(edited, self.subject, end=self.end, as_of=self.as_of)
        old = {_key(tp): tp for tp in before if tp.rule_id not in edit.touched}
        new = {_key(tp): tp for tp in after if tp.rule_id not in edit.touched}
        changed = [(old[k], new[k]) for k in old.keys() & new.keys() if old[k].id != new[k].id]
        problem = ""
        if changed:
            problem = f"{edit!r} changed the ids of touch points it did not touch:\n"
            problem += "\n".join(f"  {a!r}: {a.id} -> {b.id}" for a, b in changed)
        elif self.current.fatigue is None and edited.fatigue is None and old.keys() != new.keys():
            # Without contact fatigue, rules do not affect each other's touch points.
            gone = [old[k] for k in old.keys() - new.keys()]
            added = [new[k] for k in new.keys() - old.keys()]
            problem = f"{edit!r} changed touch points of rules it did not touch:\n"
            problem += f"  gone:\n{_listing(gone)}\n" if gone else ""
            problem += f"  new:\n{_listing(added)}" if added else ""
        if problem:
            raise AssertionError(problem)
        note(f"edited: {edit!r}")
        self.current = edited
        self._result = after

    # The invariants ----------------------------------------------------------------

    @invariant()
    def history_respected(self) -> None:
        """Completed touch points are there once and done, skipped and cancelled ones
        are not there, rescheduled ones are at their new date."""
        result = self.result
        placed: dict[RuleOccurrence, list[TouchPoint]] = {}
        for tp in result:
            placed.setdefault(_key(tp), []).append(tp)
        twice = [points for points in placed.values() if len(points) > 1]
        if twice:
            raise AssertionError(f"touch points placed more than once:\n{_listing(twice[0])}")
        rules = {r.id for r in self.current.rules}
        for key, event in _deciding(self.subject.history).items():
            if key.rule_id not in rules or key not in placed:
                continue
            tp = placed[key][0]
            on = day_of(event.on) if event.on is not None else None
            problem = ""
            if event.status == "completed" and tp.done_on != on:
                problem = f"was completed on {on} but is planned again"
            elif event.status in ("skipped", "cancelled"):
                problem = f"was {event.status} but is planned"
            elif event.status == "rescheduled" and day_of(tp.due) != on:
                problem = f"was rescheduled to {on} but is due {day_of(tp.due).isoformat()}"
            if problem:
                raise AssertionError(f"{tp!r} {problem}:\n{_listing([tp])}")

    @invariant()
    def nothing_dropped_silently(self) -> None:
        """Each touch point the plan calls for in the window is placed, omitted with a
        reason, or listed as a conflict."""
        result = self.result
        completions = tuple(e for e in self.subject.history if e.status == "completed")
        if self._bare is None or self._bare[0] is not self.current:
            self._bare = (self.current, _bare(self.current))
        called_for = schedule(
            self._bare[1],
            self.subject.model_copy(update={"history": completions}),
            end=self.end,
        )
        placed = {_key(tp) for tp in result}
        accounted = _accounted(result)
        dropped = [
            tp
            for tp in called_for
            if _key(tp) not in placed
            and (tp.rule_id, tp.occurrence, tp.term) not in accounted
            and (tp.rule_id, None, None) not in accounted
        ]
        if dropped:
            raise AssertionError(
                f"{len(dropped)} touch point{'s' if len(dropped) > 1 else ''} the plan calls for "
                f"{'are' if len(dropped) > 1 else 'is'} neither placed, omitted nor in "
                f"conflict (as of {self.as_of.isoformat()}):\n{_listing(dropped)}"
            )
