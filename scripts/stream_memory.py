#!/usr/bin/env python3
"""Memory of dyad on a large compressed JSONL stream (issue 14's benchmark).

Generates a gzip-compressed JSONL file of about --gigabytes GB from a folder of JSONL articles
(../shared/news by default: each pass over the corpus gives every article a new id, so nothing
is deduplicated), then runs `dyad code FILE` (or `dyad code -` reading it from a pipe with
--stdin) and samples the process's resident memory every half second. Prints the peak, the
resident memory at each quarter of the run, the articles coded and the compressed bytes read.

The file is made under target/bench/ (never in the repository) and reused when it exists.
A whole 1 GB file takes hours to code on two cores; --seconds bounds the run, and the samples
show whether memory stays flat while the stream goes by.

    python3 scripts/stream_memory.py --gigabytes 1 --seconds 300
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(corpus: Path, out: Path, target_bytes: int) -> None:
    articles = []
    for f in sorted(corpus.glob("*.jsonl")):
        with open(f, encoding="utf-8") as fh:
            articles.extend(json.loads(line) for line in fh if line.strip())
    if not articles:
        sys.exit(f"no JSONL articles in {corpus}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    n = 0
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) as gz:
        round_ = 0
        while raw.tell() < target_bytes:
            for a in articles:
                a = dict(a)
                a["id"] = f"{a.get('id', n)}#{round_}"
                if a.get("url"):
                    a["url"] = f"{a['url']}#{round_}"
                gz.write((json.dumps(a, ensure_ascii=False) + "\n").encode())
                n += 1
            round_ += 1
            print(f"  {raw.tell() / 1e9:.2f} GB compressed, {n} articles", file=sys.stderr)
    tmp.rename(out)


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "news")
    ap.add_argument("--gigabytes", type=float, default=1.0)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--stdin", action="store_true", help="pipe the file into `dyad code -`")
    ap.add_argument("--dyad", type=Path, default=ROOT / "target" / "release" / "dyad")
    args = ap.parse_args()

    path = ROOT / "target" / "bench" / f"stream-{args.gigabytes:g}GB.jsonl.gz"
    if not path.exists():
        print(f"generating {path}", file=sys.stderr)
        generate(args.corpus, path, int(args.gigabytes * 1e9))
    size = path.stat().st_size

    cmd = [str(args.dyad), "code", "--threads", str(args.threads), "-q"]
    feeder = None
    if args.stdin:
        cmd.append("-")
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        def feed() -> None:
            # gzip bytes as they are on disk: dyad recognises the magic bytes on stdin.
            with open(path, "rb") as fh:
                try:
                    while chunk := fh.read(1 << 16):
                        proc.stdin.write(chunk)
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
    else:
        cmd.append(str(path))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)

    articles = set()
    events = 0
    def count() -> None:
        nonlocal events
        for line in proc.stdout:
            events += 1
            if line.startswith(b'{"article":"'):
                articles.add(line[12:line.index(b'"', 12)])
    counter = threading.Thread(target=count, daemon=True)
    counter.start()

    samples = []
    start = time.time()
    while proc.poll() is None and time.time() - start < args.seconds:
        samples.append((time.time() - start, rss_kb(proc.pid)))
        time.sleep(0.5)
    finished = proc.poll() is not None
    if not finished:
        proc.kill()
    proc.wait()
    counter.join(timeout=5)
    elapsed = time.time() - start
    peak = max(kb for _, kb in samples) if samples else 0
    quarters = [samples[min(len(samples) - 1, i * len(samples) // 4)] for i in range(1, 5)] if samples else []
    print(f"file: {path.name}, {size / 1e9:.2f} GB compressed")
    print(f"command: {' '.join(cmd)}{'  (fed through a pipe)' if args.stdin else ''}")
    print(f"ran {elapsed:.0f} s ({'to the end' if finished else 'stopped at the time limit'}): "
          f"{len(articles)} articles with events, {events} output lines")
    print(f"peak resident memory: {peak / 1024:.0f} MB")
    print("resident memory over the run: " + ", ".join(f"{t:.0f} s {kb / 1024:.0f} MB" for t, kb in quarters))


if __name__ == "__main__":
    main()
