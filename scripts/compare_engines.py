"""Codes the same JSONL articles with the CLI (`dyad code`), the Python package
(`dyad.code_arrow`) and, with --spark, PySpark (`dyad.spark.code`, local mode), checks that the
three give the same multiset of events — (source actor, event code, target actor, article id,
sentence index) — and prints each one's time and articles per second.

    python scripts/compare_engines.py ../shared/news --cli target/release/dyad --threads 2 --spark

Exits 1 when the engines disagree (the first differences are printed). Times: the CLI's whole
run; code_arrow's coding only (the articles are loaded into Arrow batches first); Spark's whole
job (session start, reading the JSONL, coding, collecting the keys).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa

import dyad

COLUMNS = ("id", "date", "title", "url", "source", "text")


def jsonl_files(inputs):
    files = []
    for p in map(Path, inputs):
        files.extend(sorted(p.rglob("*.jsonl")) if p.is_dir() else [p])
    return files


def load(files):
    rows = [json.loads(line) for f in files for line in f.open(encoding="utf-8") if line.strip()]
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in COLUMNS})


def cli_events(binary, files, threads):
    started = time.perf_counter()
    out = subprocess.run(
        [binary, "code", *map(str, files), "--threads", str(threads), "-q"],
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if out.returncode not in (0, 1):
        sys.exit(f"{binary} failed: {out.stderr.decode()}")
    keys = Counter()
    for line in out.stdout.splitlines():
        e = json.loads(line)
        if "error" in e:
            continue
        code = lambda a: a["code"] if a else None  # noqa: E731
        keys[(code(e["source"]), e["cameo"], code(e["target"]), e["article"], e["sentence"])] += 1
    return keys, seconds


def arrow_keys(table):
    t = table.select(["Actor1Code", "EventCode", "Actor2Code", "article_id", "sentence"]).to_pydict()
    return Counter(zip(*t.values()))


def python_events(table, threads, batch_rows):
    dyad.warm_up()
    batches = table.to_batches(max_chunksize=batch_rows)
    started = time.perf_counter()
    coded = [dyad.code_arrow(b, threads=threads, errors="skip") for b in batches]
    seconds = time.perf_counter() - started
    return arrow_keys(pa.Table.from_batches(coded, schema=dyad.events_schema())), seconds


def spark_events(files, cores, split_mb, batch_size):
    from pyspark.sql import SparkSession

    import dyad.spark

    started = time.perf_counter()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("dyad-compare")
        .config("spark.sql.files.maxPartitionBytes", f"{split_mb}m")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    articles = spark.read.schema(", ".join(f"{c} string" for c in COLUMNS)).json(list(map(str, files)))
    events = dyad.spark.code(articles, batch_size=batch_size, errors="skip")
    rows = events.select("Actor1Code", "EventCode", "Actor2Code", "article_id", "sentence").collect()
    seconds = time.perf_counter() - started
    spark.stop()
    return Counter(tuple(r) for r in rows), seconds


def report(name, keys, seconds, articles):
    print(f"{name:<11} {sum(keys.values()):>7} events  {seconds:7.1f} s  {articles / seconds:7.1f} articles/s")


def differences(a, b):
    return list(((a - b) + (b - a)).items())[:10]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="JSONL files or folders of them")
    ap.add_argument("--cli", default="target/release/dyad", help="the dyad binary")
    ap.add_argument("--threads", type=int, default=2, help="CLI and code_arrow threads; Spark cores")
    ap.add_argument("--batch-rows", type=int, default=100_000, help="rows per code_arrow call")
    ap.add_argument("--spark", action="store_true", help="also run PySpark in local mode")
    ap.add_argument("--split-mb", type=int, default=4, help="Spark input split size")
    ap.add_argument("--spark-batch", type=int, default=256, help="dyad.spark.code batch_size")
    args = ap.parse_args()

    files = jsonl_files(args.inputs)
    table = load(files)
    n = table.num_rows
    print(f"{n} articles in {len(files)} files")
    cli, cli_s = cli_events(args.cli, files, args.threads)
    report("cli", cli, cli_s, n)
    py, py_s = python_events(table, args.threads, args.batch_rows)
    report("code_arrow", py, py_s, n)
    print(f"code_arrow/cli throughput: {cli_s / py_s:.1%}")
    same = True
    if py != cli:
        same = False
        print("code_arrow and the CLI differ:", differences(py, cli))
    if args.spark:
        sp, sp_s = spark_events(files, args.threads, args.split_mb, args.spark_batch)
        report("spark", sp, sp_s, n)
        print(f"spark/cli wall time: {sp_s / cli_s:.2f}x")
        if sp != cli:
            same = False
            print("Spark and the CLI differ:", differences(sp, cli))
    print("events identical" if same else "EVENTS DIFFER")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
