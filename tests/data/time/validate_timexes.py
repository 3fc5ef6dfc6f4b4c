#!/usr/bin/env python3
"""Validate timexes.jsonl (written by the dyad project)."""
import collections
import datetime as dt
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_timexes import MARK, PASSAGES  # noqa: E402

TYPES = {"DATE", "TIME", "DURATION", "SET"}
VAL = {
    "DATE": re.compile(r"^(\d{2,4}|\d{4}-\d{2}(-\d{2})?|\d{4}-W\d{2}|PRESENT_REF|PAST_REF|FUTURE_REF)$"),
    "TIME": re.compile(r"^\d{4}-\d{2}-\d{2}T(\d{2}:\d{2}|MO|AF|EV|NI)$"),
    "DURATION": re.compile(r"^P(\d+[YMWD]|T\d+[HMS])$"),
    "SET": re.compile(r"^(P\d+[YMWD]|PT\d+[HM]|XXXX-WXX-[1-7])$"),
}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "timexes.jsonl")
rows = [json.loads(l) for l in open(path, encoding="utf-8")]
assert len(rows) == len(PASSAGES)
by_type = collections.Counter()
empty = 0
ids = set()
for row, (date, src) in zip(rows, PASSAGES):
    assert row["id"] not in ids; ids.add(row["id"])
    assert row["date"] == date
    dt.date.fromisoformat(row["date"])
    assert 1 <= row["text"].count(".") + row["text"].count("!") + row["text"].count("?") or True
    b = row["text"].encode("utf-8")
    want = [m.group(1) for m in MARK.finditer(src)]
    assert len(want) == len(row["timexes"]), row["id"]
    prev_end = -1
    for tx, exp in zip(sorted(row["timexes"], key=lambda x: x["span"][0]), want):
        s, e = tx["span"]
        assert 0 <= s < e <= len(b), row["id"]
        got = b[s:e].decode("utf-8")
        assert got == exp, (row["id"], got, exp)
        assert s >= prev_end, ("overlap", row["id"])
        prev_end = e
        assert tx["type"] in TYPES, row["id"]
        assert VAL[tx["type"]].match(tx["value"]), (row["id"], tx)
        # weekday names must resolve to a date with that weekday
        for i, name in enumerate(DAYS):
            if name in got and tx["type"] in ("DATE", "TIME"):
                assert dt.date.fromisoformat(tx["value"][:10]).weekday() == i, (row["id"], tx)
        by_type[tx["type"]] += 1
    if not row["timexes"]:
        empty += 1
print(f"passages: {len(rows)} (no timex: {empty})")
print(f"timexes: {sum(by_type.values())}", dict(sorted(by_type.items())))
print("publication dates:", len({r['date'] for r in rows}))
