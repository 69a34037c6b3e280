"""`make bench`, second part: speed and memory of `dyadline code`, appended to BENCHMARKS.md.

The corpus is generated from the project's example articles (examples/articles)
recombined (dyadline.engines.corpus), 5,000 articles by default (--n to change).
Measured: end to end with 1 and 2 workers and with the Dask engine on a 2-worker
LocalCluster (`dyadline code` in a subprocess, peak RSS summed over the process
tree); the same texts through spaCy's tokenizer alone and through the full
spaCy pipeline alone (one process), as ratios.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from dyadline.config import model_name
from dyadline.engines.corpus import synthetic_articles, write_corpus


def run_tree(cmd: list[str]) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB, summed over the process and its children) and stdout."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    top, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            procs = [top] + top.children(recursive=True)
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
    return time.perf_counter() - t, peak / 2**20, out.strip()


def spacy_alone(texts: list[str]) -> tuple[float, float, int]:
    import spacy

    nlp = spacy.load(model_name())
    t = time.perf_counter()
    for _ in nlp.tokenizer.pipe(texts, batch_size=256):
        pass
    tok = time.perf_counter() - t
    t, sents = time.perf_counter(), 0
    for doc in nlp.pipe(texts, batch_size=32):
        sents += sum(1 for _ in doc.sents)
    return tok, time.perf_counter() - t, sents


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=5000, help="articles in the corpus (default 5000)")
    ap.add_argument("--out", default="BENCHMARKS.md", help="markdown file to append to")
    ap.add_argument("--examples", default="examples/articles", help="the example articles")
    args = ap.parse_args()
    exe = [sys.executable, "-m", "dyadline"]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(args.examples, Path(tmp) / "corpus.jsonl.gz", args.n)
        texts = [a.text for a in synthetic_articles(args.examples, args.n)]
        words = sum(len(t.split()) for t in texts) / len(texts)
        tok_s, nlp_s, sents = spacy_alone(texts)
        print(f"corpus: {args.n} articles, {sents} sentences, {words:.0f} words/article")
        print(f"spaCy alone: tokenizer {tok_s:.1f} s, full pipeline {nlp_s:.1f} s")
        rows = []
        for label, extra in (("local, 1 worker", ["--workers", "1"]), ("local, 2 workers", ["--workers", "2"]),
                             ("dask LocalCluster, 2 workers", ["--engine", "dask", "--workers", "2"])):
            db = Path(tmp) / f"{len(rows)}.duckdb"
            secs, rss, out = run_tree(exe + ["code", str(corpus), "--db", str(db), "-q", "--no-near-dup"] + extra)
            rows.append((label, secs, rss, out))
            print(f"{label}: {secs:.1f} s, {args.n / secs:.1f} articles/s, {sents / secs:.0f} sentences/s, "
                  f"peak RSS {rss:.0f} MB ({out})")
    lines = ["", "## Speed (bench/speed.py)", "",
             f"Command: `python bench/speed.py --n {args.n}` (run by `make bench`). Machine: "
             f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"model {model_name()}.",
             f"Corpus: {args.n} articles recombined from examples/articles (JSON Lines, gzip'd), "
             f"{sents} sentences, mean {words:.0f} words an article.", "",
             "| run | seconds | articles/s | sentences/s | × spaCy full pipeline alone | peak RSS (MB) |",
             "|---|---|---|---|---|---|",
             f"| spaCy tokenizer alone | {tok_s:.1f} | {args.n / tok_s:.0f} | {sents / tok_s:.0f} | "
             f"{nlp_s / tok_s:.1f} | |",
             f"| spaCy full pipeline alone, 1 process | {nlp_s:.1f} | {args.n / nlp_s:.1f} | "
             f"{sents / nlp_s:.0f} | 1.00 | |"]
    for label, secs, rss, _ in rows:
        lines.append(f"| dyadline code, {label} | {secs:.1f} | {args.n / secs:.1f} | {sents / secs:.0f} | "
                     f"{nlp_s / secs:.2f} | {rss:.0f} |")
    lines += ["", "End-to-end times include starting the workers and loading the model; peak RSS is "
              "the sum over the process and its workers."]
    with open(args.out, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"appended to {args.out}")


if __name__ == "__main__":
    main()
