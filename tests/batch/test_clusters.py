"""Scale-out: Dask (a LocalCluster of two worker processes) and Spark (local[2]) give
the rows the batch path gives, partition by partition."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import dask.dataframe
import dask.distributed
import pandas as pd
import pyarrow as pa
import pytest

import touchpoints.dask
import touchpoints.spark
from touchpoints import Plan, load_plan
from touchpoints.batch import schedule_table

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Dask is untyped: its entry points are used through Any.
dd: Any = dask.dataframe
distributed: Any = dask.distributed
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia"]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(os.path.join(ROOT, "examples", "after-sales.yaml"))


@pytest.fixture(scope="module")
def subjects() -> pd.DataFrame:
    count = 2_000
    return pd.DataFrame(
        {
            "id": [f"cust-{n:05d}" for n in range(count)],
            "timezone": [ZONES[n % len(ZONES)] for n in range(count)],
            "purchase": [date(2018, 1, 1) + timedelta(days=(n * 37) % 3000) for n in range(count)],
        }
    )


def expected(plan: Plan, subjects: pd.DataFrame, ids: bool) -> list[tuple[object, ...]]:
    table = schedule_table(plan, pa.Table.from_pandas(subjects, preserve_index=False), ids=ids)
    return [tuple(row.values()) for row in table.to_pylist()]


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_dask_on_two_workers_equals_the_batch_path(plan, subjects, dask_client):
    frame = dd.from_pandas(subjects, npartitions=4)
    lazy: Any = touchpoints.dask.schedule_dataframe(plan, frame, ids=True)
    result = lazy.compute()
    rows = [
        (r.subject_id, r.rule_id, r.occurrence, r.due.to_pydatetime(), r.local_date, r.zone, r.id)
        for r in result.itertuples()
    ]
    assert rows == expected(plan, subjects, ids=True)
    workers = dask_client.run(lambda: os.getpid())
    assert len(workers) == 2


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # The Python workers must run this interpreter, with its packages.
    before = {name: os.environ.get(name) for name in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("touchpoints-tests")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# PySpark warns that it does not support pandas 3 yet; mapInArrow does not use pandas.
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_spark_local_two_equals_the_batch_path(plan, subjects, spark):
    table = pa.Table.from_pandas(subjects, preserve_index=False)
    frame = spark.createDataFrame(table).repartition(3)
    result = touchpoints.spark.schedule_dataframe(plan, frame, ids=True, batch_size=500)
    rows = result.toArrow().to_pylist()
    found = sorted(
        (
            r["subject_id"],
            r["rule_id"],
            r["occurrence"],
            r["due"].replace(tzinfo=UTC) if r["due"].tzinfo is None else r["due"].astimezone(UTC),
            r["local_date"],
            r["zone"],
            r["id"],
        )
        for r in rows
    )
    assert found == sorted(expected(plan, subjects, ids=True))
    assert isinstance(found[0][3], datetime)
