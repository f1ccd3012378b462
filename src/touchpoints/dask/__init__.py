"""Scale-out on Dask: the columnar batch path over the partitions of a Dask DataFrame.

Needs the ``batch`` extra and Dask (``pip install "touchpoints[batch,dask]"``). Each
partition is scheduled by :func:`touchpoints.batch.schedule_table` on whichever
worker holds it, so the work spreads over the cluster and no partition's subjects
leave their worker. Partition by anchor date (or sort by it) so that subjects sharing
a key land together: each distinct (zone, anchor dates) key is computed once per
partition.

>>> from datetime import date
>>> import dask
>>> import dask.dataframe as dd
>>> import pandas as pd
>>> from touchpoints import Plan
>>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"}]})
>>> frame = pd.DataFrame({"id": ["a", "b", "c"],
...                       "purchase": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"])})
>>> touch_points = schedule_dataframe(plan, dd.from_pandas(frame, npartitions=2))
>>> with dask.config.set(scheduler="synchronous"):
...     result = touch_points.compute()
>>> [(row.subject_id, str(row.due)) for row in result.itertuples()]
[('a', '2026-01-15'), ('b', '2026-02-15'), ('c', '2026-03-15')]
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from touchpoints import DEFAULT_LIMIT, Plan
from touchpoints.batch import schedule_table

__all__ = ["output_schema", "schedule_dataframe"]


def output_schema(plan: Plan, *, ids: bool = False) -> pa.Schema:
    """The Arrow schema of the touch points of ``plan``, with plain text columns
    (dictionary-encoded columns would make a Dask frame's categories unknown).

    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "at": "purchase"}]})
    >>> str(output_schema(plan).field("subject_id").type)
    'string'
    """
    fields = []
    for field in schedule_table(plan, _no_subjects(), ids=ids).schema:
        kind = pa.string() if pa.types.is_dictionary(field.type) else field.type
        fields.append(pa.field(field.name, kind, nullable=field.nullable))
    return pa.schema(fields)


def _no_subjects() -> pa.Table:
    return pa.table({"id": pa.array([], type=pa.string())})


def _partition(
    frame: pd.DataFrame,
    plan: Plan,
    target: pa.Schema,
    options: dict[str, Any],
) -> pd.DataFrame:
    if len(frame) == 0:
        return target.empty_table().to_pandas()
    table = schedule_table(plan, frame, **options)
    result: pd.DataFrame = table.cast(target).to_pandas()
    return result


def schedule_dataframe(
    plan: Plan,
    subjects: dd.DataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
    limit: int = DEFAULT_LIMIT,
    as_of: date | None = None,
    ids: bool = False,
) -> dd.DataFrame:
    """The touch points of ``plan`` for a Dask DataFrame of subjects, lazily.

    The subjects' columns are those :func:`touchpoints.batch.schedule_table` takes;
    the result has its columns (text instead of dictionary-encoded text), and its
    partitions follow the subjects' partitions, each in the engine's row order.
    """
    target = output_schema(plan, ids=ids)
    meta = target.empty_table().to_pandas()
    options = {"start": start, "end": end, "limit": limit, "as_of": as_of, "ids": ids}
    frame: Any = subjects  # Dask's methods are untyped
    result: dd.DataFrame = frame.map_partitions(
        _partition, plan, target, options, meta=meta, align_dataframes=False
    )
    return result
