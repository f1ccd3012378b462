"""Counting the team's load over a stream of subjects: on the columnar batch path where
the plan allows it (and the batch extra is installed), else one subject at a time.

Both paths give the same counts. The batch path takes the subjects in chunks, turns
each chunk into an Arrow record batch, and counts the touch points of a whole batch per
rule and period with numpy; a subject the arrays cannot take as it is (a history,
renewals, a calendar of its own, a missing or timed anchor) goes the object way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from touchpoints._core import schedule_many
from touchpoints._errors import ScheduleError
from touchpoints._model import Plan, Subject
from touchpoints._pictures import LoadCounter

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyarrow as pa

__all__ = ["LoadPath", "count_subjects", "load_path"]

LoadPath = Literal["batch", "objects"]
Skip = Callable[[Subject, ScheduleError], None]

CHUNK = 16_384
"""Subjects per record batch on the batch path: memory grows with it, not the file."""
_EPOCH = date(1970, 1, 1)


def load_path(plan: Plan, start: date | None, end: date | None) -> tuple[LoadPath, str]:
    """Which path counts ``plan`` over this window, and why.

    >>> plan = Plan.model_validate({"plan": "p", "fatigue": {"spacing": "2 days"},
    ...     "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "purchase"}]})
    >>> load_path(plan, None, None)
    ('objects', 'the plan has fatigue rules')
    """
    try:
        from touchpoints.batch import fallback_reason
    except ImportError:
        return "objects", "the batch extra (numpy, pyarrow) is not installed"
    reason = fallback_reason(plan, start, end, None)
    return ("objects", reason) if reason is not None else ("batch", "the plan is vectorisable")


def count_subjects(
    plan: Plan,
    subjects: Iterable[Subject],
    counter: LoadCounter,
    *,
    start: date | None = None,
    end: date | None = None,
    limit: int,
    skip: Skip,
    path: LoadPath | None = None,
) -> LoadPath:
    """Count the touch points of ``plan`` for every subject into ``counter``.

    A subject that cannot be scheduled is handed to ``skip`` and left out; the others
    still count. ``path`` forces a path (default: :func:`load_path` chooses).

    Returns:
        the path taken.
    """
    chosen = path or load_path(plan, start, end)[0]

    def count_objects(items: Iterable[Subject]) -> None:  # skip-and-report, in one call
        counter.add(schedule_many(plan, items, start=start, end=end, limit=limit, on_error=skip))

    if chosen == "objects":
        count_objects(subjects)
        return chosen
    columns = _Columns(plan)
    for chunk in _chunks(subjects, CHUNK):
        simple = [s for s in chunk if columns.takes(s)]
        others = [s for s in chunk if not columns.takes(s)] if len(simple) < len(chunk) else []
        if simple:
            try:
                columns.count(simple, counter, start=start, end=end, limit=limit)
            except ScheduleError:  # such as a subject past the limit: one at a time
                others = chunk
        if others:
            count_objects(others)
    return chosen


class _Columns:
    """Subjects to Arrow record batches, and the batch path's rows to counts."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.anchors = tuple(plan.subject_anchors())
        self.rules = {rule.id: rule for rule in plan.rules}

    def takes(self, subject: Subject) -> bool:
        """Whether the arrays compute ``subject`` as the engine does."""
        if subject.history or subject.renewals or subject.business_calendar is not None:
            return False
        anchors = subject.anchors
        if len(anchors) != len(self.anchors):  # one missing, or a derived one given
            return False
        for name in self.anchors:
            value = anchors.get(name)
            if value is None or value.__class__ is not date:
                return False
        return True

    def count(
        self,
        subjects: list[Subject],
        counter: LoadCounter,
        *,
        start: date | None,
        end: date | None,
        limit: int,
    ) -> None:
        import numpy as np
        import pyarrow as pa

        from touchpoints.batch import schedule_batches

        table = self._table(subjects)
        for rows in schedule_batches(
            self.plan, table, start=start, end=end, limit=limit, batch_size=len(subjects)
        ):
            days = rows.column("local_date").cast(pa.int32()).to_numpy()
            rule_ids: Any = rows.column("rule_id")
            names = rule_ids.dictionary.to_pylist()
            codes = rule_ids.indices.to_numpy().astype(np.int64)
            periods = _periods(days, counter.per)
            keys, counts = np.unique(periods * len(names) + codes, return_counts=True)
            for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
                period, code = divmod(key, len(names))
                day = _EPOCH + timedelta(days=period)
                counter.add_count(self.rules[names[code]], day, count)

    def _table(self, subjects: list[Subject]) -> pa.RecordBatch:
        import pyarrow as pa

        data: dict[str, Any] = {
            "id": pa.array([s.id for s in subjects], pa.string()),
            "timezone": pa.array([s.timezone for s in subjects], pa.string()),
        }
        for name in self.anchors:
            data[name] = pa.array([s.anchors[name] for s in subjects], pa.date32())
        return pa.RecordBatch.from_pydict(data)


def _periods(days: Any, per: str) -> Any:
    """Days since 1970 to the days since 1970 of their periods' first days."""
    import numpy as np

    days = days.astype(np.int64)
    if per == "week":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64)


def _chunks(items: Iterable[Subject], size: int) -> Iterator[list[Subject]]:
    chunk: list[Subject] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
