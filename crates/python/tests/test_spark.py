"""dyad.spark on a local Spark (local[2]): the events of a DataFrame are the events
dyad.code gives for the same articles. Needs PySpark and Java; skipped without them unless
DYAD_REQUIRE_SPARK=1 (set by .ci/run)."""

import json
import os
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

import dyad

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "data/sample/articles.jsonl"

if os.environ.get("DYAD_REQUIRE_SPARK") == "1":
    import pyspark  # noqa: F401
    assert shutil.which("java") or os.environ.get("JAVA_HOME"), "Spark needs Java"
else:
    pytest.importorskip("pyspark")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.skip("no Java for Spark", allow_module_level=True)

import dyad.spark  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The workers run this interpreter, the one with dyad and pyarrow installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("dyad-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def keys(events):
    code = lambda a: a["code"] if a else None  # noqa: E731
    return Counter(
        (code(e["source"]), e["cameo"], code(e["target"]), e["article"], e["sentence"]) for e in events
    )


def test_spark_events_are_dyad_code_events(spark):
    articles = spark.read.json(str(SAMPLE)).repartition(3)
    events = dyad.spark.code(articles, batch_size=2)
    assert events.schema == dyad.spark.schema()
    rows = events.select("Actor1Code", "EventCode", "Actor2Code", "article_id", "sentence").collect()
    expected = keys(dyad.code([json.loads(line) for line in SAMPLE.read_text().splitlines()]))
    assert Counter(tuple(r) for r in rows) == expected
    one = events.where("article_id = 'sample-001'").orderBy("event").first()
    assert one["source_entries"] and one["verb_text"] and one["SQLDATE"] == 20210617


def test_spark_task_fails_with_the_record_error(spark):
    df = spark.createDataFrame([("a1", "2022-03-10", "")], "id string, date string, text string")
    with pytest.raises(Exception, match=r"record 0 \(id a1\): field `text` holds no text"):
        dyad.spark.code(df).collect()
    assert dyad.spark.code(df, errors="skip").count() == 0
    with pytest.raises(ValueError, match="no `text` column"):
        dyad.spark.code(df.drop("text"))
