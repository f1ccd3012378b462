"""Every public callable, given an argument of the wrong type, raises an error a
caller can catch: the package's own (TouchpointsError) or a TypeError that names
the type it expected. Never an AttributeError or IndexError from inside."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import touchpoints
from touchpoints import (
    ExportOptions,
    Plan,
    Subject,
    TouchpointsError,
    diff,
    dump_ical_state,
    explain_plan,
    explain_rule,
    from_ical,
    iter_ical,
    load_ical_state,
    parse_plan,
    parse_plan_text,
    plan_anchor_names,
    plan_sync,
    schedule,
    schedule_many,
    timeline_svg,
    to_ical,
    to_ical_by_owner,
    to_icalendar,
    touch_point_id,
    update_ical,
)

PLAN = Plan.model_validate(
    {
        "plan": "p",
        "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "purchase"}],
    }
)
SUBJECT = Subject(id="c1", anchors={"purchase": date(2026, 1, 15)})
SCHEDULE = schedule(PLAN, SUBJECT)
OPTIONS = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))

# Each public function with valid arguments; the property swaps one of them for a
# value of the wrong type.
CALLS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "schedule": (schedule, {"plan": PLAN, "subject": SUBJECT}),
    "schedule_many": (schedule_many, {"plan": PLAN, "subjects": [SUBJECT]}),
    "diff": (diff, {"old": SCHEDULE, "new": SCHEDULE}),
    "explain_plan": (explain_plan, {"plan": PLAN}),
    "explain_rule": (explain_rule, {"rule": PLAN.rules[0]}),
    "plan_anchor_names": (plan_anchor_names, {"plan": PLAN}),
    "touch_point_id": (
        touch_point_id,
        {"plan_id": "p", "subject_id": "c1", "rule_id": "a", "occurrence": 1},
    ),
    "parse_plan": (parse_plan, {"data": {"plan": "p", "touchpoints": []}}),
    "parse_plan_text": (parse_plan_text, {"text": "plan: p", "format": "yaml"}),
    "to_ical": (to_ical, {"touch_points": SCHEDULE, "options": OPTIONS}),
    "to_ical_by_owner": (to_ical_by_owner, {"touch_points": SCHEDULE, "options": OPTIONS}),
    "to_icalendar": (to_icalendar, {"touch_points": SCHEDULE, "options": OPTIONS}),
    "update_ical": (update_ical, {"touch_points": SCHEDULE, "state": None, "options": OPTIONS}),
    "dump_ical_state": (dump_ical_state, {"state": {}}),
    "load_ical_state": (load_ical_state, {"text": "{}"}),
    "from_ical": (from_ical, {"data": b"", "subject_ids": ["c1"]}),
    "iter_ical": (iter_ical, {"data": b"", "subject_ids": ["c1"]}),
    "plan_sync": (plan_sync, {"remote": [], "events": [], "plan_id": "p"}),
    "timeline_svg": (timeline_svg, {"schedule": SCHEDULE}),
}

# Values of many types; one that happens to be valid for an argument is fine too,
# as long as the call then fails (or succeeds) in a way a caller can catch.
WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.lists(st.integers(), max_size=3),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    st.just(object()),
    st.just(SUBJECT),
    st.just(PLAN),
    st.just(date(2026, 1, 1)),
)


def _drain(result: object) -> None:
    if isinstance(result, Iterator):
        for _ in result:
            pass


def test_every_public_function_is_in_the_table() -> None:
    functions = {
        name
        for name in touchpoints.__all__
        if inspect.isfunction(getattr(touchpoints, name))
        # Files, a schema and a live server are checked elsewhere.
        and name not in {"load_plan", "load_subjects", "plan_json_schema", "sync_caldav"}
        and name != "write_ical"  # needs a stream; same entry checks as to_ical
    }
    assert functions == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
@given(data=st.data())
def test_a_wrong_argument_raises_a_catchable_error(name: str, data: st.DataObject) -> None:
    function, arguments = CALLS[name]
    argument = data.draw(st.sampled_from(sorted(arguments)), label="argument")
    value = data.draw(WRONG, label="value")
    with contextlib.suppress(TouchpointsError, TypeError):
        _drain(function(**{**arguments, argument: value}))


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: schedule(PLAN, {"id": "c1"}), "Subject"),  # type: ignore[arg-type]
        (lambda: schedule({"plan": "p"}, SUBJECT), "Plan"),  # type: ignore[arg-type]
        (lambda: list(schedule_many(PLAN, [{"id": "c1"}])), "Subject"),  # type: ignore[list-item]
        (lambda: diff(SCHEDULE, ["x"]), "TouchPoint"),  # type: ignore[list-item]
        (lambda: explain_plan({"plan": "p"}), "Plan"),  # type: ignore[arg-type]
    ],
)
def test_the_type_error_names_the_expected_type_and_how_to_make_one(
    call: Callable[[], object], expected: str
) -> None:
    with pytest.raises(TypeError, match=expected) as caught:
        call()
    assert "make one with" in str(caught.value)
