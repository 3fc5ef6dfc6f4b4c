"""Loads dyad's GDELT tables with pandas under GDELT's published header rows and checks every
row's field count. Usage: load_tables.py OUT_DIR REFERENCE_DIR (../shared/reference/gdelt).
Written by the dyad project."""
import csv
import sys

import pandas as pd

out, ref = sys.argv[1], sys.argv[2]
events = pd.read_csv(f"{ref}/GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv")
mentions = pd.read_csv(f"{ref}/GDELT_2.0_eventMentions_Column_Labels_Header_Row_Sep2016.tsv", sep="\t")
gkg = pd.read_csv(f"{ref}/GDELT_2.0_gdeltKnowledgeGraph_Column_Labels_Header_Row_Sep2016.tsv", sep="\t")
# A column name has no space ("Add New Fields" is the codebook's placeholder row).
def names(col):
    return [c for c in col if isinstance(c, str) and " " not in c]


headers = {
    "events.tsv": names(events.iloc[:, 0]),
    "mentions.tsv": names(mentions.iloc[:, 1]),
    "gkg.tsv": names(gkg.iloc[:, 1]),
}
expected = {"events.tsv": 61, "mentions.tsv": 16, "gkg.tsv": 27}
for name, cols in headers.items():
    assert len(cols) == expected[name], (name, len(cols))
    with open(f"{out}/{name}", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("\t")
            assert len(fields) == expected[name], (name, n, len(fields))
    df = pd.read_csv(f"{out}/{name}", sep="\t", header=None, names=cols, dtype=str,
                     quoting=csv.QUOTE_NONE, keep_default_na=False)
    assert df.shape[1] == expected[name], (name, df.shape)
    assert len(df) > 0, name
    print(f"{name}: {len(df)} rows x {df.shape[1]} columns")
ev = pd.read_csv(f"{out}/events.tsv", sep="\t", header=None, names=headers["events.tsv"],
                 dtype=str, quoting=csv.QUOTE_NONE, keep_default_na=False)
assert (ev["NumMentions"].astype(int) >= 1).all()
assert ev["EventRootCode"].str.len().eq(2).all()

# The Parquet files, when pyarrow is there: the same rows, GDELT's column names, typed.
try:
    import pyarrow  # noqa: F401
except ImportError:
    pyarrow = None
if pyarrow is not None:
    for name, cols in headers.items():
        stem = name.removesuffix(".tsv")
        pq = pd.read_parquet(f"{out}/{stem}.parquet")
        assert list(pq.columns) == cols, (stem, list(pq.columns)[:5])
        tsv = pd.read_csv(f"{out}/{name}", sep="\t", header=None, names=cols, dtype=str,
                          quoting=csv.QUOTE_NONE, keep_default_na=False)
        assert len(pq) == len(tsv), (stem, len(pq), len(tsv))
        print(f"{stem}.parquet: {len(pq)} rows x {pq.shape[1]} columns")
    ev = pd.read_parquet(f"{out}/events.parquet")
    assert str(ev["GLOBALEVENTID"].dtype) == "int64", ev["GLOBALEVENTID"].dtype
    assert str(ev["GoldsteinScale"].dtype) == "float64", ev["GoldsteinScale"].dtype
    assert (ev["NumMentions"] >= 1).all()
elif __import__("os").environ.get("DYAD_REQUIRE_PANDAS") == "1":
    raise SystemExit("pyarrow is missing, and DYAD_REQUIRE_PANDAS=1 says the Parquet check must run")
