"""The subjects strategy: subjects with every anchor a plan needs."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from touchpoints._model import Plan, Subject
from touchpoints.testing._arguments import _check_type
from touchpoints.testing._dates import _MAX_ANCHOR, _MIN_ANCHOR, anchor_dates
from touchpoints.testing._fields import _anchor_names, _attribute_maps, _slugs, _sometimes, _texts
from touchpoints.testing._zones import timezones as _any_timezones


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
    term = getattr(plan, "term", None)
    if term is not None:
        uses.append(term.starts)
    return {plan.root_anchor(name)[0] for name in uses}


@st.composite
def _subject_data(
    draw: st.DrawFn,
    plan: Plan | None,
    ids: SearchStrategy[str],
    days: SearchStrategy[date],
    zones: SearchStrategy[str | None],
    allow_datetimes: bool,
) -> Subject:
    values = _anchor_values(days, allow_datetimes)
    needed = plan.subject_anchors() if plan is not None else ("purchase",)
    required = _required_anchors(plan) if plan is not None else set(needed)
    # Anchors only optional rules (or stop anchors) use are sometimes missing, so
    # that omissions are exercised too.
    anchors: dict[str, date | datetime] = {
        name: draw(values) for name in needed if name in required or not draw(_sometimes())
    }
    if plan is not None:
        for name in plan.anchors:
            if draw(_sometimes()):  # a subject's own date wins
                anchors[name] = draw(values)
    if draw(_sometimes()):
        anchors[draw(_anchor_names())] = draw(values)  # an anchor no rule uses
    zone = draw(zones)
    if zone is None and plan is not None and plan.timezone is None and not plan.is_all_day:
        zone = draw(_any_timezones())  # a timed plan needs a zone from one of the two
    attributes = draw(_attribute_maps()) if draw(_sometimes()) else {}
    return Subject(id=draw(ids), timezone=zone, anchors=anchors, attributes=attributes)


def subjects(
    plan: Plan | None = None,
    *,
    ids: SearchStrategy[str] | None = None,
    min_value: date = _MIN_ANCHOR,
    max_value: date = _MAX_ANCHOR,
    timezones: SearchStrategy[str | None] | None = None,
    allow_datetimes: bool = True,
) -> SearchStrategy[Subject]:
    """Subjects with every anchor ``plan`` needs, so scheduling never fails for a
    missing anchor.

    Anchors that only optional rules use are sometimes left out, so that omissions
    come out too. Sometimes a subject also gives a derived anchor (its own date wins
    over the plan's derivation) or an anchor no rule uses. A subject of a timed plan
    without a zone always gets a zone of its own.

    Args:
        plan: the plan the subjects are for; None for subjects with a ``purchase``
            anchor.
        ids: a strategy for subject ids; None for awkward text.
        min_value: the earliest anchor date.
        max_value: the latest anchor date.
        timezones: a strategy for the subject's zone (None in it for no zone); None
            for any zone or none.
        allow_datetimes: also draw anchors as datetimes, naive or aware, which
            count as their local date.

    Returns:
        A strategy for :class:`~touchpoints.Subject` values.

    Raises:
        hypothesis.errors.InvalidArgument: an option has the wrong type or value.

    >>> from hypothesis import find, settings
    >>> steady = settings(max_examples=2_000, derandomize=True, database=None)
    >>> plan = Plan.model_validate({"plan": "p", "anchors": {"renewal": "purchase + 3 years"},
    ...     "touchpoints": [{"id": "r", "title": "Renewal", "channel": "call", "at": "renewal"}]})
    >>> sorted(find(subjects(plan), lambda s: len(s.anchors) > 1, settings=steady).anchors)
    ['purchase', 'renewal']
    """
    if plan is not None:
        _check_type(Plan, plan, "plan")
    _check_type(bool, allow_datetimes, "allow_datetimes")
    if ids is None:
        ids = st.one_of(_slugs(), _texts(max_size=1_000))
    elif not isinstance(ids, SearchStrategy):
        raise InvalidArgument(f"ids={ids!r} must be a strategy, such as st.just('cust-42')")
    if timezones is None:
        zones: SearchStrategy[str | None] = st.none() | _any_timezones()
    elif isinstance(timezones, SearchStrategy):
        zones = timezones
    else:
        raise InvalidArgument(f"timezones={timezones!r} must be a strategy")
    days = anchor_dates(min_value=min_value, max_value=max_value)
    return _subject_data(plan, ids, days, zones, allow_datetimes)
