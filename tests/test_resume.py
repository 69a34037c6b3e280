"""A run killed with SIGKILL after its first batch, started again, ends as an
uninterrupted run does: no article lost, none coded twice, the same near-copies
linked (the synthetic corpus holds some: recombined paragraphs) and the same
event clusters."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from dyadline.engines.corpus import write_corpus
from dyadline.runner import run_code

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
N = 200

CHILD = """
import sys
from dyadline.runner import run_code
run_code([sys.argv[1]], sys.argv[2], workers=2, batch_size=16,
         on_batch=lambda s: print("batch", s.articles, flush=True))
print("finished", flush=True)
"""


def tables(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (con.execute("SELECT * FROM events ORDER BY article_id, seq").fetchall(),
                con.execute("SELECT * EXCLUDE (coded_at) FROM articles ORDER BY id").fetchall(),
                con.execute("SELECT * EXCLUDE (linked_at) FROM article_links ORDER BY article_id").fetchall(),
                con.execute("SELECT * EXCLUDE (run) FROM article_signatures ORDER BY article_id").fetchall())
    finally:
        con.close()


def test_kill_9_then_restart_equals_an_uninterrupted_run(tmp_path):
    corpus = write_corpus(EXAMPLES / "articles", tmp_path / "c.jsonl.gz", N)
    killed = tmp_path / "killed.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(corpus), str(killed)],
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        first = proc.stdout.readline()          # the first batch has landed
        assert first.startswith("batch "), first
    finally:
        os.killpg(proc.pid, signal.SIGKILL)      # the run and its workers, mid-run
        proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    con = duckdb.connect(str(killed), read_only=True)
    landed = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    assert 16 <= landed < N

    resumed = run_code([corpus], killed, batch_size=16)
    copies = resumed.linked
    assert copies > 0
    assert resumed.unchanged == landed and resumed.articles == N - copies - landed

    whole = tmp_path / "whole.duckdb"
    run_code([corpus], whole, batch_size=16)
    events, articles, links, signatures = tables(whole)
    assert tables(killed) == (events, articles, links, signatures)
    assert len(articles) == N - copies and len(links) == copies and len(signatures) == N
    assert all(e[-1] is not None for e in events)          # every event has its cluster
