"""The subjects strategy: subjects with exactly the anchors a plan needs, related as
the plan implies, with overrides for anchors, zones and attributes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from touchpoints._model import AnchorExpression, AttributeValue, Plan, Subject, day_of
from touchpoints.testing._arguments import _check_type
from touchpoints.testing._dates import _MAX_ANCHOR, _MIN_ANCHOR, anchor_dates
from touchpoints.testing._features import history_events, renewal_days, segment_attributes
from touchpoints.testing._fields import _anchor_names, _attribute_maps, _slugs, _sometimes, _texts
from touchpoints.testing._zones import timezones as _any_timezones

_Overrides = Mapping[str, SearchStrategy[Any]]


def _anchor_values(
    days: SearchStrategy[date], allow_datetimes: bool
) -> SearchStrategy[date | datetime]:
    if not allow_datetimes:
        return days
    moments = st.builds(
        lambda day, at, zone: datetime.combine(day, at, zone),
        days,
        st.times(),
        st.none() | _any_timezones().map(ZoneInfo),
    )
    return st.one_of(days, moments)


def _required_anchors(plan: Plan) -> set[str]:
    """The subject anchors without which scheduling fails: those that rules which
    are not optional depend on, directly or through derived anchors."""
    uses = [name for rule in plan.rules if not rule.optional for name in rule.anchors()]
    if plan.term is not None:
        uses.append(plan.term.starts)
    return {plan.root_anchor(name)[0] for name in uses}


def _chain_days(plan: Plan, expression: AnchorExpression) -> tuple[str, float, float]:
    """The subject anchor an expression counts from, its offset in days (roughly), and
    how far that rough figure can be off."""
    root, chain = plan.root_anchor(expression.anchor)
    steps = (*chain, expression)
    days = sum(step.offset.approximate_days() * step.sign for step in steps)
    slack = sum(2 + step.offset.business_days for step in steps)
    return root, days, slack


def _later_anchors(plan: Plan) -> dict[str, list[tuple[str, float]]]:
    """For each subject anchor that ends a series (``until: contract_end``) and is
    not the anchor it starts from: the anchors it must come after, with the least
    number of days between them."""
    later: dict[str, list[tuple[str, float]]] = {}
    for rule in plan.rules:
        if rule.starting is None or rule.until is None:
            continue
        start_root, start_days, start_slack = _chain_days(plan, rule.starting)
        until_root, until_days, until_slack = _chain_days(plan, rule.until)
        if start_root == until_root:
            continue  # the plan itself checks that such a series ends after it starts
        gap = start_days - until_days + start_slack + until_slack
        later.setdefault(until_root, []).append((start_root, gap))
    return later


def _ordered(names: list[str], later: Mapping[str, list[tuple[str, float]]]) -> list[str]:
    """The anchors, those that must come after others last (a circle is left as is)."""
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order or name in visiting:
            return
        visiting.add(name)
        for earlier, _ in later.get(name, ()):
            if earlier in names:
                visit(earlier)
        order.append(name)

    for name in names:
        visit(name)
    return order


@st.composite
def _subject_data(
    draw: st.DrawFn,
    plan: Plan | None,
    ids: SearchStrategy[str],
    days: SearchStrategy[date],
    zones: SearchStrategy[str | None],
    allow_datetimes: bool,
    anchor_overrides: _Overrides,
    attribute_overrides: _Overrides | None,
    history: bool,
) -> Subject:
    values = _anchor_values(days, allow_datetimes)
    needed = list(plan.subject_anchors()) if plan is not None else ["purchase"]
    required = _required_anchors(plan) if plan is not None else set(needed)
    later = _later_anchors(plan) if plan is not None else {}
    anchors: dict[str, date | datetime] = {}
    for name in _ordered(needed, later):
        # Anchors only optional rules (or stop anchors) use are sometimes missing, so
        # that omissions are exercised too.
        if name not in required and name not in anchor_overrides and draw(_sometimes()):
            continue
        if name in anchor_overrides:
            anchors[name] = draw(anchor_overrides[name])
            continue
        earliest = [
            day_of(anchors[earlier]) + timedelta(days=max(0, int(gap) + 1))
            for earlier, gap in later.get(name, ())
            if earlier in anchors
        ]
        if earliest:
            # A series from one anchor until another: the end comes after the start.
            start = min(max(earliest), date(9000, 1, 1))
            anchors[name] = start + timedelta(days=draw(st.integers(0, 3 * 366)))
        else:
            anchors[name] = draw(values)
    if plan is not None:
        for name in plan.anchors:
            if name in anchor_overrides:
                anchors[name] = draw(anchor_overrides[name])
            elif name not in later and draw(_sometimes()):  # a subject's own date wins
                anchors[name] = draw(values)
    for name, strategy in anchor_overrides.items():
        if name not in anchors:
            anchors[name] = draw(strategy)
    if not anchor_overrides and draw(_sometimes()):
        anchors.setdefault(draw(_anchor_names()), draw(values))  # an anchor no rule uses
    zone = draw(zones)
    if zone is None and plan is not None and plan.timezone is None and not plan.is_all_day:
        zone = draw(_any_timezones())  # a timed plan needs a zone from one of the two
    if attribute_overrides is None:
        attributes = draw(_attribute_maps()) if draw(_sometimes()) else {}
        if plan is not None:
            attributes.update(draw(segment_attributes(plan)))
    else:
        attributes = {name: draw(strategy) for name, strategy in attribute_overrides.items()}
    extra: dict[str, Any] = {}
    first = min((day_of(value) for value in anchors.values()), default=None)
    if plan is not None and first is not None:
        if plan.term is not None and plan.term.starts in anchors:
            extra["renewals"] = draw(renewal_days(day_of(anchors[plan.term.starts])))
        if history:
            extra["history"] = draw(history_events(plan, first))
    return Subject(id=draw(ids), timezone=zone, anchors=anchors, attributes=attributes, **extra)


def _readable_ids() -> SearchStrategy[str]:
    return st.integers(1, 99_999).map(lambda n: f"cust-{n}")


def _check_overrides(value: object, name: str) -> _Overrides:
    if not isinstance(value, Mapping) or not all(
        isinstance(key, str) and isinstance(strategy, SearchStrategy)
        for key, strategy in value.items()
    ):
        raise InvalidArgument(
            f"{name}={value!r} must map names to strategies, such as "
            "{'purchase': st.just(date(2026, 1, 15))}"
        )
    return value


def subjects(
    plan: Plan | None = None,
    *,
    ids: SearchStrategy[str] | None = None,
    min_value: date = _MIN_ANCHOR,
    max_value: date = _MAX_ANCHOR,
    timezones: SearchStrategy[str | None] | None = None,
    allow_datetimes: bool | None = None,
    anchors: Mapping[str, SearchStrategy[date | datetime]] | None = None,
    attributes: Mapping[str, SearchStrategy[AttributeValue]] | None = None,
    history: bool = False,
) -> SearchStrategy[Subject]:
    """Subjects with every anchor ``plan`` needs, so scheduling never fails for a
    missing anchor, related as the plan implies.

    A series that starts from one anchor and runs ``until`` another (``starting:
    purchase + 1 year``, ``until: contract_end``) gets a subject whose end anchor
    comes after the series starts. Anchors that only optional rules use are
    sometimes left out, so that omissions come out too. Sometimes a subject also
    gives a derived anchor (its own date wins over the plan's derivation) or an
    anchor no rule uses. A subject of a timed plan without a zone always gets a zone
    of its own. Ids are short and readable (``cust-1``) first, awkward text too.

    Args:
        plan: the plan the subjects are for; None for subjects with a ``purchase``
            anchor.
        ids: a strategy for subject ids; None for readable ids, slugs and awkward
            text.
        min_value: the earliest anchor date.
        max_value: the latest anchor date.
        timezones: a strategy for the subject's zone (None in it for no zone); None
            for any zone or none.
        allow_datetimes: also draw anchors as datetimes, naive or aware, which
            count as their local date; None for dates only in all-day plans and
            both otherwise.
        anchors: strategies for some anchors, by name: these win over the drawn
            dates (and over the relations the plan implies), and are always given.
        attributes: strategies for the subject's attributes, by name: the subject
            has exactly these; None for a few awkward ones, sometimes, and a
            ``segment`` that some of the plan's conditions test.
        history: also draw what happened to the first touch points (completed,
            skipped, rescheduled, cancelled). Subjects of a plan with a ``term``
            get renewals either way.

    Returns:
        A strategy for :class:`~touchpoints.Subject` values.

    Raises:
        hypothesis.errors.InvalidArgument: an option has the wrong type or value.

    >>> from datetime import date
    >>> from hypothesis import find, settings, strategies as st
    >>> steady = settings(max_examples=2_000, derandomize=True, database=None)
    >>> plan = Plan.model_validate({"plan": "p", "anchors": {"renewal": "purchase + 3 years"},
    ...     "touchpoints": [{"id": "r", "title": "Renewal", "channel": "call", "at": "renewal"}]})
    >>> sorted(find(subjects(plan), lambda s: len(s.anchors) > 1, settings=steady).anchors)
    ['purchase', 'renewal']
    >>> subject = find(subjects(plan, anchors={"purchase": st.just(date(2026, 1, 15))},
    ...     attributes={"segment": st.just("fleet")}), lambda s: True, settings=steady)
    >>> subject.id, subject.anchors["purchase"], dict(subject.attributes)
    ('cust-1', datetime.date(2026, 1, 15), {'segment': 'fleet'})
    """
    if plan is not None:
        _check_type(Plan, plan, "plan")
    if allow_datetimes is None:
        allow_datetimes = plan is None or not plan.is_all_day
    _check_type(bool, allow_datetimes, "allow_datetimes")
    _check_type(bool, history, "history")
    if ids is None:
        ids = st.one_of(_readable_ids(), _slugs(), _texts(max_size=1_000))
    elif not isinstance(ids, SearchStrategy):
        raise InvalidArgument(f"ids={ids!r} must be a strategy, such as st.just('cust-42')")
    if timezones is None:
        zones: SearchStrategy[str | None] = st.none() | _any_timezones()
    elif isinstance(timezones, SearchStrategy):
        zones = timezones
    else:
        raise InvalidArgument(f"timezones={timezones!r} must be a strategy")
    anchor_overrides = _check_overrides(anchors, "anchors") if anchors is not None else {}
    attribute_overrides = (
        _check_overrides(attributes, "attributes") if attributes is not None else None
    )
    days = anchor_dates(min_value=min_value, max_value=max_value)
    return _subject_data(
        plan, ids, days, zones, allow_datetimes, anchor_overrides, attribute_overrides, history
    )
