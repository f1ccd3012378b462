"""``export --state``: the feed written through the SQLite export state.

Subjects whose inputs did not change since the last run are copied from the state
instead of being scheduled (:class:`~touchpoints.IcalState`); the command's own
per-subject work (counting, skipping subjects that cannot be scheduled, the customer's
view) runs for the others. The state is kept only when the whole export succeeded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from touchpoints._core import TouchPoint
from touchpoints._ical import BinaryWriter, ExportOptions, IcalState, IcalStateWrite
from touchpoints._model import Plan, Subject

__all__ = ["state_line", "write_with_state"]

Item = tuple[Subject, "int | None"]


def write_with_state(
    state: IcalState,
    plan: Plan,
    items: Iterable[Item],
    scheduled: Callable[[Iterable[Item]], Iterator[TouchPoint]],
    skipped: Callable[[], int],
    stream: BinaryWriter,
    *,
    options: ExportOptions,
    window: tuple[date | None, date | None, int],
    variant: str,
) -> IcalStateWrite:
    """Write the feed through ``state``.

    ``scheduled`` is the command's generator of touch points for (subject, line) items;
    ``skipped()`` counts the subjects it left out so far, which tells a subject that
    could not be scheduled from one without touch points.
    """
    line: list[int | None] = [None]

    def subjects() -> Iterator[Subject]:
        for subject, at in items:
            line[0] = at
            yield subject

    def scheduler(subject: Subject) -> list[TouchPoint] | None:
        before = skipped()
        made = list(scheduled([(subject, line[0])]))
        return None if skipped() > before else made

    start, end, limit = window
    return state.write(
        plan,
        subjects(),
        stream,
        options=dataclasses.replace(options, attributes=None),
        start=start,
        end=end,
        limit=limit,
        scheduler=scheduler,
        variant=variant,
    )


def state_line(path: str, through: IcalStateWrite) -> str:
    """What the state did for this run, for standard error.

    >>> state_line("state.db", IcalStateWrite(30, 1, 2))
    'state.db: 2 subjects unchanged, copied from the state; 1 subject scheduled'
    """

    def subjects(n: int) -> str:
        return f"{n:,} subject{'' if n == 1 else 's'}"

    return (
        f"{path}: {subjects(through.reused)} unchanged, copied from the state; "
        f"{subjects(through.scheduled)} scheduled"
    )
