"""Writes variants of JSONL articles for load tests: each article again with its id and URL
marked `-vK`, its text marked so that its hash differs, and its date moved K weeks on.
Usage: variants.py K IN.jsonl... > OUT.jsonl. Written by the dyad project."""
import datetime
import json
import sys

k = int(sys.argv[1])
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            a = json.loads(line)
            a["id"] = f"{a.get('id', '')}-v{k}"
            if a.get("url"):
                a["url"] = f"{a['url']}?variant={k}"
            a["text"] = f"(Variant {k}.) {a.get('text', '')}"
            d = a.get("date")
            if isinstance(d, str) and len(d) >= 10:
                try:
                    day = datetime.date.fromisoformat(d[:10]) + datetime.timedelta(weeks=k)
                    a["date"] = day.isoformat() + d[10:]
                except ValueError:
                    pass
            sys.stdout.write(json.dumps(a, ensure_ascii=False) + "\n")
