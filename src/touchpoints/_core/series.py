"""Series generation: the occurrence numbers and wall-clock values of one rule.

A single date (``at``), a fixed interval (``every``, optionally floating after
completions) or an RFC 5545 recurrence rule (``rrule``), each computed lazily and in
order, every value from its anchor in one step.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time
from itertools import chain
from itertools import count as count_from

from touchpoints._core.arithmetic import shifter
from touchpoints._model import AnchorExpression, OpenDays, Rule, Wall, to_wall

__all__ = ["first_at_or_after", "occurrences"]


def occurrences(
    rule: Rule,
    anchor: Callable[[str], date],
    contact_time: time | None,
    lower: Wall | None,
    days: OpenDays,
    rebase: Mapping[int, date] | None = None,
    horizon: Wall | None = None,
) -> Iterator[tuple[int, Wall]]:
    """Occurrence numbers and local wall-clock values of one rule, lazily, in order.

    Every value is computed from its anchor in one step (the no-drift rule).
    ``lower`` lets a fixed-interval series skip ahead to the window. ``rebase``, the
    completion dates by occurrence, floats an ``every`` series: occurrence ``n`` is
    ``n - c`` intervals after the completion of ``c``, the latest completed occurrence
    before it, and on the fixed grid while none is. ``horizon`` bounds the search of
    an rrule.
    """

    def at(expression: AnchorExpression) -> Wall:
        base = to_wall(anchor(expression.anchor), contact_time)
        return shifter(expression, None, days)(base, 0)

    if rule.at is not None:
        yield 1, at(rule.at)
        return
    assert rule.starting is not None
    until = at(rule.until) if rule.until is not None else None
    last = rule.count
    if rule.every is not None:
        base = to_wall(anchor(rule.starting.anchor), contact_time)
        shift = shifter(rule.starting, rule.every, days)

        def nth(n: int) -> Wall:
            return shift(base, n - 1)

        grid = 0  # occurrences 1..grid are all visited, whatever the window
        numbers: Iterable[int]
        if not rebase:
            numbers = count_from(1 if lower is None else first_at_or_after(nth, lower))
        else:
            done = sorted(rebase)
            grid = done[-1]
            step = shifter(AnchorExpression(rule.starting.anchor), rule.every, days)
            restarts = {k: to_wall(rebase[k], contact_time) for k in done}

            def floating(n: int) -> Wall:
                before = bisect_left(done, n) - 1  # the latest completion before n
                if before < 0:
                    return shift(base, n - 1)
                k = done[before]
                return step(restarts[k], n - k)

            def after_grid(j: int) -> Wall:
                return floating(grid + j)

            first = 1 if lower is None else first_at_or_after(after_grid, lower)
            numbers = chain(range(1, grid + 1), (grid + j for j in count_from(first)))
            nth = floating

        for n in numbers:
            if last is not None and n > last:
                return
            try:
                wall = nth(n)
            except OverflowError:
                if n <= grid:
                    continue
                return
            if until is not None and wall > until:
                if n <= grid:
                    continue
                return
            yield n, wall
        return
    start = at(rule.starting)
    all_day = type(start) is date
    dtstart = datetime.combine(start, time()) if all_day else start
    assert isinstance(dtstart, datetime)
    bound = None
    if horizon is not None:
        bound = horizon if isinstance(horizon, datetime) else datetime.combine(horizon, time())
    recurrence = rule.recurrence(dtstart, bound)
    moment: datetime
    for n, moment in enumerate(recurrence, start=1):
        if last is not None and n > last:
            return
        wall = moment.date() if all_day else moment
        if until is not None and wall > until:
            return
        yield n, wall


def first_at_or_after(nth: Callable[[int], Wall], lower: Wall) -> int:
    """The smallest n >= 1 with nth(n) >= lower, for a strictly increasing nth.

    Gallops then bisects, so a window far after the series start costs a few dozen
    steps instead of one per skipped occurrence.
    """

    def before(n: int) -> bool:
        try:
            return nth(n) < lower
        except OverflowError:
            return False

    if not before(1):
        return 1
    low, high = 1, 2
    while before(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if before(middle):
            low = middle
        else:
            high = middle
    return high
