"""Code a folder of JSONL news articles with Spark and write the events as Parquet, one folder
per event date (SQLDATE=YYYYMMDD).

    python crates/python/examples/spark_code_news.py ../shared/news /tmp/news-events

Runs in local[2] mode by default (--master for a cluster; see README, "Python and Spark", for
shipping the wheel to executors). Prints the number of events and the wall time.
"""

import argparse
import os
import sys
import time

from pyspark.sql import SparkSession

import dyad.spark


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="a JSONL file or a folder of them (id, date, text, url, source, title)")
    ap.add_argument("output", help="Parquet folder, partitioned by SQLDATE")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--batch-size", type=int, default=dyad.spark.DEFAULT_BATCH_SIZE)
    ap.add_argument("--threads", type=int, default=1, help="coding threads per Spark task")
    ap.add_argument(
        "--split-mb",
        type=int,
        default=4,
        help="input split size (spark.sql.files.maxPartitionBytes): small splits keep every core busy",
    )
    args = ap.parse_args()

    started = time.perf_counter()
    # Local workers run this interpreter, the one with dyad installed (a cluster sets its own).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(args.master)
        .appName("dyad-code-news")
        .config("spark.sql.files.maxPartitionBytes", f"{args.split_mb}m")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    path = args.input if args.input.endswith(".jsonl") else f"{args.input.rstrip('/')}/*.jsonl"
    articles = spark.read.schema(
        "id string, date string, title string, url string, source string, text string"
    ).json(path)
    events = dyad.spark.code(articles, batch_size=args.batch_size, threads=args.threads)
    # Each task writes its events under their dates as it codes them: no shuffle. The input is
    # sorted by date, so a date's events come from one or two tasks (a file each).
    events.write.mode("overwrite").partitionBy("SQLDATE").parquet(args.output)
    n = spark.read.parquet(args.output).count()
    spark.stop()
    print(f"{n} events in {args.output} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
