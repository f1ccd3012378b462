"""Properties of schedules, over plans and subjects from ``touchpoints.testing``.

Expected values are computed here independently of the engine: anchors are resolved
with dateutil's relativedelta straight from the plan's fields, and the DST policy is
Python's own ``fold=0`` reading of a wall-clock time (PEP 495), which is RFC 5545's:
a time in a gap moves forward by the gap, an ambiguous time is its first occurrence.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from touchpoints import (
    AnchorExpression,
    Duration,
    Omission,
    Plan,
    Rule,
    Schedule,
    Subject,
    TooManyTouchPointsError,
    TouchPoint,
    schedule,
    schedule_many,
)
from touchpoints.testing import anchor_dates, plans, subjects, timezones, windows

# --- an independent model of the rules -------------------------------------------


def delta(duration: Duration, factor: int) -> relativedelta:
    return relativedelta(
        years=duration.years * factor,
        months=duration.months * factor,
        days=(duration.weeks * 7 + duration.days) * factor,
        hours=duration.hours * factor,
        minutes=duration.minutes * factor,
    )


def zone_of(plan: Plan, subject: Subject) -> ZoneInfo:
    return ZoneInfo(subject.timezone or plan.timezone or "UTC")


def anchor_dates_of(plan: Plan, subject: Subject) -> dict[str, date]:
    """Every anchor the plan can use, as a local date, derived ones included."""
    zone = zone_of(plan, subject)
    given_dates: dict[str, date] = {}
    for name, value in subject.anchors.items():
        if isinstance(value, datetime):
            value = (value.astimezone(zone) if value.tzinfo else value).date()
        given_dates[name] = value

    def resolve(name: str) -> date | None:
        if name in given_dates:
            return given_dates[name]
        if name not in plan.anchors:
            return None
        expression = plan.anchors[name]
        root = resolve(expression.anchor)
        if root is None:
            return None
        result: date = root + delta(expression.offset, expression.sign)
        return result

    names = {*plan.anchors, *plan.subject_anchors()}
    return {name: day for name in names if (day := resolve(name)) is not None}


def wall(
    plan: Plan, day: date, expression: AnchorExpression, every: Duration | None, k: int
) -> date:
    """Occurrence k of ``expression`` (+ (k - 1) x ``every``), summed before adding."""
    base: date = day if plan.contact_time is None else datetime.combine(day, plan.contact_time)
    step = every or Duration()
    s = expression.sign
    offset = expression.offset
    total = relativedelta(
        years=s * offset.years + (k - 1) * step.years,
        months=s * offset.months + (k - 1) * step.months,
        days=s * (offset.weeks * 7 + offset.days) + (k - 1) * (step.weeks * 7 + step.days),
        hours=s * offset.hours + (k - 1) * step.hours,
        minutes=s * offset.minutes + (k - 1) * step.minutes,
    )
    result: date = base + total
    return result


def placed(local: date, zone: ZoneInfo) -> date:
    """A wall-clock value as the engine should place it: fold=0 (PEP 495)."""
    if isinstance(local, datetime):
        return local.replace(tzinfo=zone, fold=0)
    return local


def instant(value: date) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value.toordinal())


def exists(local: datetime, zone: ZoneInfo) -> bool:
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def day_was_skipped(day: date, zone: ZoneInfo) -> bool:
    # Pacific/Apia jumped from 2011-12-29 to 2011-12-31: the whole day is a gap.
    return not exists(datetime.combine(day, time(12)), zone)


def has_time(rule: Rule) -> bool:
    return any(duration.has_time for duration in rule.durations())


def keyed(result: Schedule | list[TouchPoint]) -> list[tuple[object, ...]]:
    return [(tp.id, tp.rule_id, tp.occurrence, instant(tp.due)) for tp in result]


# --- properties --------------------------------------------------------------------


class TestDeterminism:
    @given(plans(), st.data())
    def test_equal_input_gives_equal_output(self, plan: Plan, data: st.DataObject) -> None:
        subject = data.draw(subjects(plan))
        first = schedule(plan, subject)
        assert schedule(plan, subject) == first
        # Equal, not identical, inputs: rebuilt from their JSON form.
        again = schedule(
            Plan.model_validate(plan.model_dump(mode="json")),
            Subject.model_validate(subject.model_dump(mode="json")),
        )
        assert keyed(again) == keyed(first)
        assert [tp.due for tp in again] == [tp.due for tp in first]

    def test_equal_output_in_another_process(self) -> None:
        cases: list[tuple[Any, Any]] = []

        @settings(max_examples=25, derandomize=True, database=None, phases=[Phase.generate])
        @given(plans(), st.data())
        def collect(plan: Plan, data: st.DataObject) -> None:
            subject = data.draw(subjects(plan))
            cases.append((plan.model_dump(mode="json"), subject.model_dump(mode="json")))

        collect()
        script = (
            "import json, sys\n"
            "from touchpoints import Plan, Subject, schedule\n"
            "out = []\n"
            "for plan, subject in json.load(sys.stdin):\n"
            "    result = schedule(Plan.model_validate(plan), Subject.model_validate(subject))\n"
            "    out.append([[tp.id, tp.due.isoformat()] for tp in result])\n"
            "print(json.dumps(out))\n"
        )
        env = {**os.environ, "PYTHONHASHSEED": "123", "TZ": "Pacific/Auckland"}
        completed = subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(cases),
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        here = [
            [
                [tp.id, tp.due.isoformat()]
                for tp in schedule(Plan.model_validate(p), Subject.model_validate(s))
            ]
            for p, s in cases
        ]
        assert json.loads(completed.stdout) == here
        assert sum(map(len, here)) > 0  # the comparison covered some touch points


class TestOrder:
    @given(plans(), st.data())
    def test_order_is_total_due_then_rule_position_then_occurrence(
        self, plan: Plan, data: st.DataObject
    ) -> None:
        result = schedule(plan, data.draw(subjects(plan)))
        position = {rule.id: index for index, rule in enumerate(plan.rules)}
        keys = [(instant(tp.due), position[tp.rule_id], tp.occurrence) for tp in result]
        assert keys == sorted(keys)
        assert len(set(keys)) == len(keys)

    @given(plans(min_rules=2), st.data())
    def test_rule_order_only_changes_tie_order(self, plan: Plan, data: st.DataObject) -> None:
        subject = data.draw(subjects(plan))
        order = data.draw(st.permutations(range(len(plan.rules))))
        dumped = plan.model_dump(mode="json")
        dumped["touchpoints"] = [dumped["touchpoints"][i] for i in order]
        shuffled = Plan.model_validate(dumped)
        before = schedule(plan, subject)
        after = schedule(shuffled, subject)
        assert sorted(keyed(after), key=repr) == sorted(keyed(before), key=repr)
        assert [instant(tp.due) for tp in after] == [instant(tp.due) for tp in before]


class TestNoDrift:
    @given(plans(), st.data())
    def test_every_occurrence_is_one_step_from_its_anchor(
        self, plan: Plan, data: st.DataObject
    ) -> None:
        subject = data.draw(subjects(plan))
        zone = zone_of(plan, subject)
        anchors = anchor_dates_of(plan, subject)
        rules = {rule.id: rule for rule in plan.rules}
        for tp in schedule(plan, subject):
            rule = rules[tp.rule_id]
            if rule.kind == "rrule":
                continue  # see test_rrule_occurrences_follow_dateutil
            expression = rule.at or rule.starting
            assert expression is not None
            expected = placed(
                wall(plan, anchors[expression.anchor], expression, rule.every, tp.occurrence),
                zone,
            )
            assert type(tp.due) is type(expected)
            assert instant(tp.due) == instant(expected), (tp.rule_id, tp.occurrence)

    @given(plans(), st.data())
    def test_rrule_occurrences_follow_dateutil(self, plan: Plan, data: st.DataObject) -> None:
        subject = data.draw(subjects(plan))
        zone = zone_of(plan, subject)
        anchors = anchor_dates_of(plan, subject)
        rules = {rule.id: rule for rule in plan.rules}
        for tp in schedule(plan, subject):
            rule = rules[tp.rule_id]
            if rule.rrule is None:
                continue
            assert rule.starting is not None
            first = wall(plan, anchors[rule.starting.anchor], rule.starting, None, 1)
            dtstart = first if isinstance(first, datetime) else datetime.combine(first, time())
            # Occurrence k is the k-th date of the RRULE with DTSTART at 'starting'.
            moments = rrulestr(rule.rrule, dtstart=dtstart)
            (moment,) = islice(moments, tp.occurrence - 1, tp.occurrence)
            local: date = moment if plan.contact_time is not None else moment.date()
            assert instant(tp.due) == instant(placed(local, zone))

    @given(plans(), st.data())
    def test_series_have_no_gaps_or_extras(self, plan: Plan, data: st.DataObject) -> None:
        subject = data.draw(subjects(plan))
        anchors = anchor_dates_of(plan, subject)
        result = schedule(plan, subject)
        if not anchors:  # every rule is optional and left out
            assert len(result) == 0
            assert len(result.omitted) == len(plan.rules)
            return
        horizon_end = min(anchors.values()) + delta(plan.horizon, 1)
        for rule in plan.rules:
            numbers = [tp.occurrence for tp in result if tp.rule_id == rule.id]
            assert numbers == list(range(1, len(numbers) + 1))  # no window: from 1
            if rule.count is not None:
                assert len(numbers) <= rule.count
            if rule.kind != "every" or not numbers or plan.contact_time is not None:
                continue
            assert rule.starting is not None
            # The next occurrence is past until, count or the horizon (all-day plans).
            nxt = wall(
                plan, anchors[rule.starting.anchor], rule.starting, rule.every, len(numbers) + 1
            )
            until = (
                wall(plan, anchors[rule.until.anchor], rule.until, None, 1)
                if rule.until is not None
                else None
            )
            assert (
                (rule.count is not None and len(numbers) == rule.count)
                or (until is not None and nxt > until)
                or nxt >= horizon_end
            )


def in_window(due: date, start: date, end: date, zone: ZoneInfo) -> bool | None:
    """Whether ``due`` belongs in the window, by the documented rules; None when the
    rules do not settle it (a touch point moved across a skipped day)."""
    if isinstance(start, datetime) and not isinstance(due, datetime):
        # An all-day touch point is in when its day overlaps the window.
        assert isinstance(end, datetime)
        local_end = end.astimezone(zone)
        return start.astimezone(zone).date() <= due and (
            due < local_end.date() or (due == local_end.date() and local_end.time() != time())
        )
    if isinstance(start, datetime):
        return start <= due < end
    if isinstance(due, datetime):
        # Date bounds are the starts of those days in the subject's zone.
        if day_was_skipped(due.date() - timedelta(days=1), zone):
            return None  # see the report on windows across a skipped day
        low = placed(datetime.combine(start, time()), zone)
        high = placed(datetime.combine(end, time()), zone)
        return low <= due < high
    return start <= due < end


class TestWindows:
    @given(plans(), st.data())
    def test_the_window_cuts_the_full_schedule(self, plan: Plan, data: st.DataObject) -> None:
        subject = data.draw(subjects(plan))
        start, end = data.draw(windows(min_value=date(1965, 1, 1), max_value=date(2115, 1, 1)))
        zone = zone_of(plan, subject)
        result = schedule(plan, subject, start=start, end=end)
        # Without a start, and with an end that is surely later, nothing is cut.
        later = (
            date(2120, 1, 1) if not isinstance(end, datetime) else datetime(2120, 1, 1, tzinfo=UTC)
        )
        full = schedule(plan, subject, end=later)
        verdicts = {tp.id: in_window(tp.due, start, end, zone) for tp in full}
        got = {tp.id for tp in result}
        assert got <= set(verdicts)
        assert {i for i, v in verdicts.items() if v} <= got
        assert not {i for i, v in verdicts.items() if v is False} & got


class TestLimit:
    @given(plans(), st.data())
    def test_the_limit_is_exact(self, plan: Plan, data: st.DataObject) -> None:
        subject = data.draw(subjects(plan))
        size = len(schedule(plan, subject))
        if size:
            assert len(schedule(plan, subject, limit=size)) == size
        if size > 1:
            with pytest.raises(TooManyTouchPointsError):
                schedule(plan, subject, limit=size - 1)


class TestIds:
    @given(plans(), st.data())
    def test_ids_are_unique_across_subjects(self, plan: Plan, data: st.DataObject) -> None:
        people = data.draw(
            st.lists(subjects(plan), min_size=1, max_size=4, unique_by=lambda s: s.id)
        )
        ids = [tp.id for tp in schedule_many(plan, people)]
        assert len(set(ids)) == len(ids)

    @given(plans(), st.data())
    def test_ids_survive_edits_to_titles_descriptions_and_version(
        self, plan: Plan, data: st.DataObject
    ) -> None:
        subject = data.draw(subjects(plan))
        dumped = plan.model_dump(mode="json")
        dumped["version"] = plan.version + 1
        dumped["name"] = "Edited plan"
        for index, rule in enumerate(dumped["touchpoints"]):
            rule["title"] = f"Edited title {index}"
            rule["description"] = "Edited, with; awkward\\ text\nand 😀"
        edited = Plan.model_validate(dumped)
        before = {(tp.rule_id, tp.occurrence): tp.id for tp in schedule(plan, subject)}
        after = {(tp.rule_id, tp.occurrence): tp.id for tp in schedule(edited, subject)}
        assert after == before


class TestWallClock:
    @given(plans(all_day=False), st.data())
    def test_local_time_is_the_contact_time_except_in_gaps(
        self, plan: Plan, data: st.DataObject
    ) -> None:
        subject = data.draw(subjects(plan))
        zone = zone_of(plan, subject)
        contact = plan.contact_time
        assert contact is not None
        rules = {rule.id: rule for rule in plan.rules}
        for tp in schedule(plan, subject):
            if has_time(rules[tp.rule_id]):
                continue
            due = tp.due
            assert isinstance(due, datetime)
            assert due.tzinfo is not None
            assert due.utcoffset() == due.astimezone(zone).utcoffset()
            if due.time() == contact:
                continue
            # In a gap: the intended wall time did not exist, and the due is later by
            # exactly the gap, on the same day or (a skipped day) the next.
            candidates = [due.date(), due.date() - timedelta(days=1)]
            intended = [
                datetime.combine(day, contact)
                for day in candidates
                if not exists(datetime.combine(day, contact), zone)
            ]
            assert intended, f"{due} is not at {contact} and no gap explains it"
            local = intended[0]
            after = local.replace(tzinfo=zone, fold=1).utcoffset()
            before = local.replace(tzinfo=zone, fold=0).utcoffset()
            assert after is not None
            assert before is not None
            assert due.replace(tzinfo=None) == local + (after - before)

    @given(
        anchor_dates(),
        st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))),
        timezones(),
        st.sampled_from(["at", "every", "rrule"]),
    )
    def test_an_offset_of_zero_lands_on_the_anchor_date(
        self, day: date, contact: time | None, zone_name: str, kind: str
    ) -> None:
        timings: dict[str, dict[str, Any]] = {
            "at": {"at": "purchase"},
            "every": {"every": "1 week", "starting": "purchase", "count": 1},
            "rrule": {"rrule": "FREQ=DAILY", "starting": "purchase", "count": 1},
        }
        timing = timings[kind]
        plan = Plan.model_validate(
            {
                "plan": "p",
                "contact_time": contact,
                "touchpoints": [{"id": "a", "title": "A", "channel": "call", **timing}],
            }
        )
        (tp,) = schedule(plan, Subject(id="c", timezone=zone_name, anchors={"purchase": day}))
        if isinstance(tp.due, datetime):
            zone = ZoneInfo(zone_name)
            if day_was_skipped(day, zone):
                assert tp.due.date() == day + timedelta(days=1)
            else:
                assert tp.due.date() == day
        else:
            assert tp.due == day


class TestScheduleMany:
    @given(plans(), st.data())
    def test_equals_schedule_for_each_subject(self, plan: Plan, data: st.DataObject) -> None:
        people = data.draw(st.lists(subjects(plan), min_size=1, max_size=4))
        # Twins share zone and anchors with another subject: the cache must give
        # them their own ids and omissions.
        twins = [
            Subject(id=f"{p.id}-twin", timezone=p.timezone, anchors=p.anchors) for p in people[:2]
        ]
        mixed = [*people, *twins, *people[:1]]
        window = data.draw(st.none() | windows())
        start, end = window if window is not None else (None, None)
        seen: list[tuple[str, Omission]] = []
        streamed = list(
            schedule_many(
                plan, mixed, start=start, end=end, on_omitted=lambda s, o: seen.append((s, o))
            )
        )
        one_by_one = [schedule(plan, p, start=start, end=end) for p in mixed]
        assert streamed == [tp for result in one_by_one for tp in result]
        assert seen == [(r.subject_id, o) for r in one_by_one for o in r.omitted]
