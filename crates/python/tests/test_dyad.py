"""The Python package against the CLI's outputs: dyad.code gives `dyad code`'s JSON lines,
code_arrow the same events as Arrow rows, errors name their record."""

import datetime
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

import dyad

REPO = Path(__file__).resolve().parents[3]
GOLDEN = REPO / "tests/data/golden-code/articles.jsonl"
SAMPLE = REPO / "data/sample/articles.jsonl"
MEETING = (
    "Turkish Foreign Minister Mevlut Cavusoglu met Russian Foreign Minister Sergei Lavrov "
    "in Antalya on Thursday."
)


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def key(e):
    """An event as the engines are compared: source, code, target, article, sentence."""
    code = lambda a: a["code"] if a else None  # noqa: E731
    return (code(e["source"]), e["cameo"], code(e["target"]), e["article"], e["sentence"])


def arrow_keys(batch):
    t = batch.to_pydict()
    return Counter(
        zip(t["Actor1Code"], t["EventCode"], t["Actor2Code"], t["article_id"], t["sentence"])
    )


def test_code_gives_the_cli_json_lines():
    # The golden file holds what `dyad code` writes for these articles (kept so by the Rust
    # golden test), line for line.
    expected = [json.loads(line) for line in Path(f"{GOLDEN}.expected").read_text().splitlines()]
    assert dyad.code(records(GOLDEN)) == expected
    assert len(expected) > 20


def test_strings_take_the_fallback_date():
    for date in ("2022-03-10", datetime.date(2022, 3, 10)):
        (event,) = dyad.code([MEETING], date=date)
        assert key(event) == ("TURGOV", "040", "RUSGOV", "records:1", 0)
        assert event["date"] == "2022-03-10"
        assert event["provenance"]["verb"]["text"] == "met"
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        dyad.code([MEETING], date="10 March")


def test_errors_name_the_record():
    batch = [{"id": "a1", "date": "2022-03-10", "text": MEETING}, {"id": "a7", "text": MEETING}]
    with pytest.raises(dyad.RecordError) as e:
        dyad.code(batch)
    assert (e.value.record, e.value.id, e.value.kind) == (1, "a7", "no-date")
    assert str(e.value).startswith("record 1 (id a7): the article has no date")
    assert [key(x) for x in dyad.code(batch, errors="skip")] == [
        ("TURGOV", "040", "RUSGOV", "a1", 0)
    ]
    kept = dyad.code(batch, errors="keep")
    assert kept[-1]["error"] == "no-date" and kept[-1]["id"] == "a7"
    with pytest.raises(dyad.RecordError, match=r"^record 0 \(id e\): field `text` holds no text"):
        dyad.code([{"id": "e", "text": "  "}])
    with pytest.raises(TypeError, match="record 1: expected a str or a dict"):
        dyad.code([MEETING, 3])
    with pytest.raises(ValueError, match="errors must be one of"):
        dyad.code([MEETING], errors="ignore")


def test_dicts_are_read_like_the_cli():
    own = dyad.code(records(GOLDEN), dicts=[REPO / "dicts"])
    assert [key(e) for e in own] == [key(e) for e in dyad.code(records(GOLDEN))]
    assert own[0]["provenance"]["pattern"]["file"].endswith("verbs.tsv")
    with pytest.raises(ValueError, match="no such file or folder"):
        dyad.code([MEETING], date="2022-03-10", dicts=[REPO / "no-such-dicts"])


def test_annotate_gives_byte_spans():
    (doc,) = dyad.annotate([{"id": "m", "text": "Café owners met Lavrov. Nothing was agreed."}])
    assert doc["id"] == "m" and len(doc["sentences"]) == 2
    text = "Café owners met Lavrov. Nothing was agreed.".encode()
    for t in doc["sentences"][0]["tokens"]:
        start, end = t["span"]
        assert text[start:end].decode() == t["text"]
    assert {t["pos"] for t in doc["sentences"][0]["tokens"]} >= {"VERB", "PROPN"}
    (plain,) = dyad.annotate(["One. Two."], stages=())
    assert "pos" not in plain["sentences"][0]["tokens"][0]


pa = pytest.importorskip("pyarrow")


def sample_batch(rows=None):
    rs = records(SAMPLE) if rows is None else rows
    return pa.record_batch(
        {k: [r.get(k) for r in rs] for k in ("id", "date", "text", "url", "source", "title")}
    )


def test_code_arrow_gives_the_events_code_gives():
    events = dyad.code_arrow(sample_batch())
    assert events.schema == dyad.events_schema()
    assert events.num_columns == 61 + len(dyad.provenance_columns())
    assert arrow_keys(events) == Counter(key(e) for e in dyad.code(records(SAMPLE)))
    assert events.num_rows > 50


def test_code_arrow_rows_carry_gdelt_fields_and_provenance():
    texts = {r["id"]: r["text"].encode() for r in records(SAMPLE)}
    t = dyad.code_arrow(sample_batch()).to_pylist()
    for row in t:
        text = texts[row["article_id"]]
        assert text[row["verb_start"]:row["verb_end"]].decode() == row["verb_text"]
        if row["Actor1Code"] is not None:
            assert text[row["source_start"]:row["source_end"]].decode() == row["source_text"]
            assert row["Actor1Name"] == row["source_text"].upper().replace("\n", " ")
        assert row["SQLDATE"] // 10000 == row["Year"]
        assert row["NumMentions"] == row["NumArticles"] == row["NumSources"] == 1
        assert row["GLOBALEVENTID"] is None
        assert row["EventRootCode"] == row["EventCode"][:2]
        assert row["IsRootEvent"] == (1 if row["sentence"] == 0 else 0)
        assert row["pattern"] is not None or row["rule"] is not None
    assert any(r["source_entries"] for r in t)
    assert all(":" in e for r in t for e in (r["source_entries"] or []))


def test_code_arrow_reads_other_column_types():
    rs = records(SAMPLE)[:3]
    base = dyad.code_arrow(sample_batch(rs))
    dates = [datetime.date.fromisoformat(r["date"]) for r in rs]
    for text_type, date in [
        (pa.large_string(), pa.array(dates, pa.date32())),
        (pa.string_view(), pa.array([d.strftime("%Y%m%d") for d in dates])),
    ]:
        batch = pa.record_batch(
            {
                "id": [r["id"] for r in rs],
                "date": date,
                "text": pa.array([r["text"] for r in rs], text_type),
                "title": [r["title"] for r in rs],
                "source": [r["source"] for r in rs],
                "url": [r["url"] for r in rs],
                "ignored": [1, 2, 3],
            }
        )
        assert dyad.code_arrow(batch).equals(base)


def test_code_arrow_errors_name_the_row():
    batch = pa.record_batch({"id": ["a1", "a7"], "date": ["2022-03-10", None], "text": [MEETING, None]})
    with pytest.raises(dyad.RecordError) as e:
        dyad.code_arrow(batch)
    assert (e.value.record, e.value.id, e.value.kind) == (1, "a7", "empty")
    assert str(e.value) == "record 1 (id a7): field `text` is null"
    assert dyad.code_arrow(batch, errors="skip").column("article_id").to_pylist() == ["a1"]
    undated = pa.record_batch({"text": [MEETING]})
    with pytest.raises(dyad.RecordError, match=r"record 0 \(id batch:1\): the article has no date"):
        dyad.code_arrow(undated)
    assert dyad.code_arrow(undated, date="2022-03-10").column("article_id").to_pylist() == ["batch:1"]
    with pytest.raises(ValueError, match="no `text` column"):
        dyad.code_arrow(pa.record_batch({"body": [MEETING]}))
    with pytest.raises(ValueError, match="column `text` is Int64: expected a string column"):
        dyad.code_arrow(pa.record_batch({"text": [1]}))
    with pytest.raises(TypeError, match="expected a pyarrow.RecordBatch"):
        dyad.code_arrow([MEETING])


def test_code_arrow_is_the_same_on_any_number_of_threads():
    batch = sample_batch()
    one = dyad.code_arrow(batch, threads=1)
    assert dyad.code_arrow(batch, threads=2).equals(one)
    assert dyad.code_arrow(batch, threads=0).equals(one)
    table = pa.Table.from_batches([batch.slice(0, 3), batch.slice(3)])
    assert dyad.code_arrow(table).combine_chunks().to_batches()[0].equals(one)


def test_code_arrow_releases_the_gil():
    batch = sample_batch()
    dyad.code_arrow(batch.slice(0, 1))  # models loaded
    done = threading.Event()
    worker = threading.Thread(target=lambda: (dyad.code_arrow(batch, threads=1), done.set()))
    spins = 0
    start = time.perf_counter()
    worker.start()
    while not done.is_set():
        spins += 1
    worker.join()
    seconds = time.perf_counter() - start
    # Holding the GIL, the coder would stop this loop for the whole call.
    assert spins > 20_000 * seconds, (spins, seconds)


def test_to_pandas():
    pd = pytest.importorskip("pandas")
    df = dyad.to_pandas(records(SAMPLE))
    assert isinstance(df, pd.DataFrame)
    assert len(df) == dyad.code_arrow(sample_batch()).num_rows
    assert list(df.columns) == dyad.events_schema().names
    assert len(dyad.to_pandas(pd.DataFrame(records(SAMPLE)))) == len(df)


def test_code_works_without_pyarrow():
    script = (
        "import sys; sys.modules['pyarrow'] = None\n"
        "import dyad\n"
        f"assert dyad.code([{MEETING!r}], date='2022-03-10')[0]['cameo'] == '040'\n"
        "try:\n    dyad.events_schema()\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "pip install 'dyad[arrow]'" in out.stdout
