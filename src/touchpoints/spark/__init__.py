"""Scale-out on Spark: the columnar batch path inside ``DataFrame.mapInArrow``.

Needs the ``batch`` extra and PySpark (``pip install "touchpoints[batch,spark]"``).
Spark hands each task its subjects as Arrow record batches; they are scheduled by
:func:`touchpoints.batch.schedule_batches` in the Python worker and go back to Spark
as Arrow, so no Python object is made per touch point. Repartition by anchor date
(``df.repartitionByRange("purchase")``) so that subjects sharing a key land together.

>>> from touchpoints import Plan
>>> plan = Plan.model_validate({"plan": "p", "contact_time": "10:00",
...     "timezone": "Europe/Berlin", "touchpoints": [
...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 2 weeks"}]})
>>> spark_schema(plan)
'subject_id string, rule_id string, occurrence bigint, due timestamp, local_date date, zone string'
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from touchpoints import DEFAULT_LIMIT, Plan
from touchpoints.batch import DEFAULT_BATCH_SIZE, schedule_batches
from touchpoints.dask import output_schema

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["schedule_dataframe", "spark_schema"]


def spark_schema(plan: Plan, *, ids: bool = False) -> str:
    """The Spark schema (DDL) of the touch points of ``plan``."""
    due = "date" if plan.is_all_day else "timestamp"
    columns = [
        "subject_id string",
        "rule_id string",
        "occurrence bigint",
        f"due {due}",
        "local_date date",
        "zone string",
    ]
    if ids:
        columns.append("id string")
    return ", ".join(columns)


class _Partition:
    """The function ``mapInArrow`` runs in each Python worker (picklable)."""

    def __init__(self, plan: Plan, options: dict[str, Any], target: pa.Schema) -> None:
        self.plan = plan
        self.options = options
        self.target = target

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in schedule_batches(self.plan, batches, **self.options):
            yield pa.RecordBatch.from_arrays(
                [
                    column.cast(field.type)
                    for column, field in zip(batch.columns, self.target, strict=True)
                ],
                schema=self.target,
            )


def schedule_dataframe(
    plan: Plan,
    subjects: DataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
    limit: int = DEFAULT_LIMIT,
    as_of: date | None = None,
    ids: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> DataFrame:
    """The touch points of ``plan`` for a Spark DataFrame of subjects, lazily.

    The subjects' columns are those :func:`touchpoints.batch.schedule_table` takes;
    the result has the columns of :func:`spark_schema`, each task's rows in the
    engine's order (Spark keeps no order across tasks: sort if you need one).
    """
    options = {
        "start": start,
        "end": end,
        "limit": limit,
        "as_of": as_of,
        "ids": ids,
        "batch_size": batch_size,
    }
    target = output_schema(plan, ids=ids)
    result: DataFrame = subjects.mapInArrow(
        _Partition(plan, options, target), spark_schema(plan, ids=ids)
    )
    return result
