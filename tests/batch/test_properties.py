"""Property: the columnar path equals ``touchpoints.schedule`` row for row.

Over generated plans of every kind (most of them with rrules or conditions go
through the object path inside the same call) and over plans the arrays compute
(``at`` and ``every`` rules with business calendars, channel windows, business-day
offsets and derived anchors), for subjects in awkward zones around DST days, month
ends and leap days.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from touchpoints import AnchorExpression, Duration, Plan, Rule, Subject, schedule
from touchpoints.batch import fallback_reason, schedule_table
from touchpoints.testing import business_calendars, plans, rules, subjects, timezones

AWKWARD_ZONES = (
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "America/Havana",
    "Pacific/Apia",
    "America/New_York",
)
# DST days of the zones above, month ends and leap days: where arithmetic is hard.
SPECIAL_DAYS = (
    date(2026, 4, 5),  # Lord Howe falls back half an hour at 02:00
    date(2026, 10, 4),  # ... and springs forward at 02:00
    date(2018, 11, 4),  # Sao Paulo: midnight does not exist
    date(2019, 2, 16),  # ... and 23:00 happens twice
    date(2026, 3, 8),  # Havana and New York spring forward
    date(2026, 11, 1),  # Havana and New York fall back
    date(2011, 12, 29),  # Apia: the next day, 2011-12-30, was skipped
    date(2011, 12, 31),
    date(2024, 2, 29),
    date(2024, 1, 31),
    date(2023, 1, 31),
    date(2025, 12, 31),
)

zones = st.one_of(st.none(), st.sampled_from(AWKWARD_ZONES), timezones())
days = st.one_of(
    st.sampled_from(SPECIAL_DAYS),
    st.builds(
        lambda d, n: d - timedelta(days=n), st.sampled_from(SPECIAL_DAYS), st.integers(0, 40)
    ),
    st.dates(min_value=date(1975, 1, 1), max_value=date(2090, 12, 31)),
)


def _subjects_for(plan: Plan) -> st.SearchStrategy[list[Subject]]:
    def with_days(subject: Subject, data: dict[str, date]) -> Subject:
        anchors = {name: data[name] for name in subject.anchors if name in data}
        return subject.model_copy(update={"anchors": {**subject.anchors, **anchors}})

    one = st.builds(
        with_days,
        subjects(plan, timezones=zones, allow_datetimes=False, ids=st.from_regex(r"c[0-9]{1,4}")),
        st.dictionaries(st.sampled_from(sorted(plan.subject_anchors())), days),
    )
    return st.lists(one, min_size=1, max_size=8)


def _check(
    plan: Plan,
    people: list[Subject],
    reference: Callable[..., Any],
    to_table: Any,
    rows_of: Any,
    **options: Any,
) -> None:
    expected = reference(plan, people, **options)
    table = schedule_table(plan, to_table(plan, people), ids=True, batch_size=3, **options)
    assert rows_of(table) == expected
    ids = [tp.id for s in people for tp in schedule(plan, s, **options)]
    assert table.column("id").to_pylist() == ids


@settings(max_examples=60)
@given(plans(max_rules=4), st.data())
def test_any_plan_equals_the_engine(reference, to_table, rows_of, plan, data) -> None:
    people = data.draw(_subjects_for(plan))
    _check(plan, people, reference, to_table, rows_of)


@st.composite
def columnar_plans(draw: st.DrawFn) -> Plan:
    """Plans the arrays compute: at and every rules, calendars, channel windows,
    business-day offsets and derived anchors."""
    base = draw(plans(max_rules=2))
    names = (*base.subject_anchors(), *base.anchors)
    found = draw(
        st.lists(
            rules(
                anchors=names,
                all_day=base.is_all_day,
                kinds=("once", "every"),
                min_interval="1 week",
                max_count=40,
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda rule: rule.id,
        )
    )
    chosen: list[Rule] = []
    for rule in found:
        fields = rule.model_dump(by_alias=True, exclude_defaults=True)
        if draw(st.integers(0, 4)) == 0:
            fields["calendar"] = draw(business_calendars())
        if draw(st.integers(0, 5)) == 0:
            key = "at" if rule.at is not None else "starting"
            fields[key] = AnchorExpression(
                draw(st.sampled_from(names)),
                Duration(business_days=draw(st.integers(1, 30))),
                draw(st.sampled_from((1, -1))),
            )
            fields.pop("until", None)
        if rule.every is not None and draw(st.integers(0, 5)) == 0:
            fields["every"] = Duration(business_days=draw(st.integers(5, 30)))
        chosen.append(Rule.model_validate(fields))
    data = base.model_dump(by_alias=True, exclude_defaults=True)
    data["touchpoints"] = chosen
    if draw(st.booleans()):
        data["calendar"] = draw(business_calendars())
    if draw(st.integers(0, 3)) == 0:
        channel = chosen[0].channel
        window: dict[str, Any] = {
            "weekdays": draw(
                st.lists(
                    st.sampled_from(("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
                    min_size=1,
                    max_size=7,
                    unique=True,
                )
            )
        }
        if not base.is_all_day and draw(st.booleans()):
            window["contact_time"] = (
                f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
            )
        data["channels"] = {channel: window}
    return Plan.model_validate(data)


@settings(max_examples=120)
@given(columnar_plans(), st.data())
def test_columnar_plans_equal_the_engine(reference, to_table, rows_of, plan, data) -> None:
    assert fallback_reason(plan, None, None, None) is None
    people = data.draw(_subjects_for(plan))
    _check(plan, people, reference, to_table, rows_of)


windows = st.tuples(
    st.dates(min_value=date(1975, 1, 1), max_value=date(2095, 1, 1)), st.integers(0, 4000)
).map(lambda pair: (pair[0], pair[0] + timedelta(days=pair[1])))


@settings(max_examples=60)
@given(columnar_plans(), windows, st.data())
def test_columnar_windows_equal_the_engine(reference, to_table, rows_of, plan, window, data):
    people = data.draw(_subjects_for(plan))
    _check(plan, people, reference, to_table, rows_of, start=window[0], end=window[1])
