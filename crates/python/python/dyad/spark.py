"""dyad on Apache Spark: code a DataFrame of articles with ``DataFrame.mapInArrow``.

Each Spark task hands its Arrow batches to :func:`dyad.code_arrow` in its Python worker; the
models load once per worker process and stay loaded while Spark reuses the worker
(``spark.python.worker.reuse``, on by default). Needs PySpark 3.3 or later and the wheel on
every executor (see README, "Python and Spark")::

    from pyspark.sql import SparkSession
    import dyad.spark

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    articles = spark.read.json("news/*.jsonl")           # id, date, text, url, source, title
    events = dyad.spark.code(articles)                    # one row per event
    events.write.partitionBy("SQLDATE").parquet("events/")
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterator, Optional, Sequence, Union

import dyad

__all__ = ["code", "schema", "DEFAULT_BATCH_SIZE"]

#: Articles coded per call: a few hundred keep a worker's memory small (an annotated article
#: takes about 10 times its text) and its output batches flowing.
DEFAULT_BATCH_SIZE = 256


def schema():
    """The Spark ``StructType`` of :func:`code`'s output, derived from
    :func:`dyad.events_schema` (GDELT's 61 Events columns, then spans and provenance)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(dyad.events_schema())


def code(
    df: Any,
    batch_size: int = DEFAULT_BATCH_SIZE,
    threads: int = 1,
    date: Union[None, str, _dt.date] = None,
    dicts: Optional[Sequence[str]] = None,
    *,
    require_target: bool = False,
    errors: str = "raise",
    max_article_bytes: int = 2_000_000,
) -> Any:
    """Codes a Spark DataFrame of articles; returns a DataFrame of events, one row per event,
    with :func:`schema`'s columns.

    ``df`` has the input columns of :func:`dyad.code_arrow`: ``text`` (required), ``id``,
    ``date`` (string or date), ``url``, ``source``, ``title``; other columns are not sent to
    the workers. ``batch_size``: articles per :func:`dyad.code_arrow` call (Spark's batches,
    ``spark.sql.execution.arrow.maxRecordsPerBatch`` rows, are cut to this size).
    ``threads``: coding threads per task; 1 fits Spark's one core per task, raise it with
    ``spark.task.cpus``. ``dicts``: dictionary paths, readable on every executor.
    ``errors``: ``"raise"`` fails the task on a record that cannot be read or coded, with a
    :class:`dyad.RecordError` naming it; ``"skip"`` leaves it out.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    if "text" not in df.columns:
        raise ValueError(f"the DataFrame has no `text` column (its columns: {', '.join(df.columns)})")
    columns = [c for c in dyad.INPUT_COLUMNS if c in df.columns]
    date = dyad._date_arg(date)
    dicts = list(dicts) if dicts is not None else None

    def code_batches(batches: Iterator[Any]) -> Iterator[Any]:
        import dyad as worker_dyad

        for batch in batches:
            for start in range(0, batch.num_rows, batch_size):
                events = worker_dyad.code_arrow(
                    batch.slice(start, batch_size),
                    threads,
                    date,
                    dicts,
                    require_target=require_target,
                    errors=errors,
                    max_article_bytes=max_article_bytes,
                )
                if events.num_rows:
                    yield events

    return df.select(*columns).mapInArrow(code_batches, schema())
