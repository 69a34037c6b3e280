"""The server keeps answering while ``dyadline code`` writes to the same database.

DuckDB lets one process write a file or several read it, never both at once;
dyadline keeps each opening short and retries the lock (dyadline.sharing). The
first test runs the real thing: ``dyadline code`` in a subprocess writing a
generated corpus batch by batch, and the server in this process answering
reads all the while.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from dyadline import sharing, storage
from dyadline.engines.corpus import write_corpus
from dyadline.errors import StorageError
from dyadline.sharing import connect, intent_file, writer_waiting
from dyadline.storage import Store

from test_api import live_server

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
N = 96

HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read")
print("holding", flush=True)
sys.stdin.readline()
con.close()
"""

#: Holds the file read-only until a writer posts its intent, then lets go.
YIELD_TO_WRITER = """
import sys, time, duckdb
from dyadline.sharing import writer_waiting
con = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
deadline = time.monotonic() + 30
while not writer_waiting(sys.argv[1]) and time.monotonic() < deadline:
    time.sleep(0.005)
print("saw the writer" if writer_waiting(sys.argv[1]) else "no writer came", flush=True)
con.close()
"""


def holder(script: str, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", script, *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_reads_answer_while_code_writes(tmp_path):
    corpus = write_corpus(EXAMPLES / "articles", tmp_path / "c.jsonl.gz", N)
    db = tmp_path / "live.duckdb"
    Store(db).close()                                   # empty, so the server can start first
    seen: list[tuple[str, int, str]] = []
    totals: list[int] = []
    with live_server(db) as url, httpx.Client(base_url=url, timeout=30) as c:
        proc = subprocess.Popen([sys.executable, "-m", "dyadline", "code", str(corpus), "--db", str(db),
                                 "--workers", "1", "--batch-size", "8", "-q"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            article = None
            while proc.poll() is None:
                r = c.get("/api/events", params={"page_size": 1})
                seen.append(("events", r.status_code, r.text[:200]))
                if r.status_code == 200:
                    body = r.json()
                    totals.append(body["total"])
                    article = article or (body["events"][0]["article_id"] if body["events"] else None)
                for path, params in (("/api/dyads/top", {}), ("/api/series", {"a": "USA"}),
                                     (f"/api/articles/{article}", {}) if article else (None, None)):
                    if path and len(seen) % 5 == 0:
                        r = c.get(path, params=params)
                        seen.append((path, r.status_code, r.text[:200]))
                time.sleep(0.02)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        final = c.get("/api/events", params={"page_size": 1}).json()["total"]
    assert proc.returncode == 0, err[-2000:]
    assert "coded " in out, out
    assert [s for s in seen if s[1] != 200] == []
    assert all(x <= y for x, y in zip(totals, totals[1:])), totals
    # the reads interleaved with the writes: they saw the database at several stages
    assert len(set(totals)) >= 3, totals
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
    assert final == stored > 0 and totals[-1] <= final
    assert not intent_file(str(db)).exists()


def call(app, path: str, **params) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://testserver") as c:
            return await c.get(path, params=params)

    return asyncio.run(go())


def test_a_database_busy_too_long_is_503_with_retry_after(tmp_path, monkeypatch):
    from dyadline.web import create_app

    db = tmp_path / "busy.duckdb"
    Store(db).close()
    app = create_app(db)
    monkeypatch.setattr(storage, "READ_WAIT", 0.2)
    proc = holder(HOLD, str(db), "write")
    try:
        r = call(app, "/api/events")
        assert r.status_code == 503 and r.headers["Retry-After"] == "1"
        assert r.json() == {"ok": False, "error": f"[E407] {db} is busy: a writer has it open "
                                                  "(waited 0.2 s); try again"}
    finally:
        proc.communicate("\n")
    assert call(app, "/api/events").json()["total"] == 0


def test_a_waiting_writer_posts_its_intent_and_readers_yield(tmp_path):
    db = tmp_path / "w.duckdb"
    Store(db).close()
    proc = holder(YIELD_TO_WRITER, str(db))
    con = connect(str(db), read_only=False, wait=60)    # gets in once the reader lets go
    con.close()
    assert proc.communicate(timeout=30)[0].strip() == "saw the writer"
    assert not intent_file(str(db)).exists()            # removed once the writer is in


def test_a_reader_waits_while_a_fresh_intent_is_posted(tmp_path):
    db = tmp_path / "r.duckdb"
    Store(db).close()
    intent = intent_file(str(db))
    intent.write_text("1")
    done = threading.Event()

    def read() -> None:
        connect(str(db), read_only=True, wait=30).close()
        done.set()

    t = threading.Thread(target=read)
    t.start()
    for _ in range(20):                                 # keep the intent fresh a while
        intent.touch()
        time.sleep(0.02)
    opened_early = done.is_set()
    intent.unlink()
    t.join(30)
    assert not opened_early and done.is_set()


def test_a_stale_intent_is_ignored(tmp_path):
    db = tmp_path / "s.duckdb"
    Store(db).close()
    intent = intent_file(str(db))
    assert not writer_waiting(str(db))
    intent.write_text("1")
    assert writer_waiting(str(db))
    old = time.time() - 10 * sharing.INTENT_FRESH
    os.utime(intent, (old, old))                      # its writer died long ago
    assert not writer_waiting(str(db))
    connect(str(db), read_only=True, wait=0).close()


def test_a_released_store_lets_others_open_the_file_between_calls(tmp_path):
    from dyadline.model import Article

    db = tmp_path / "h.duckdb"
    with Store(db, hold=False) as s:
        s.write_batch([(Article(id="a1", date="2024-06-19", text="Putin met Kim."), [])])
        other = duckdb.connect(str(db), read_only=True)      # possible only while released
        assert other.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        with pytest.raises(StorageError, match="E407"):
            Store(db, wait=0.05)              # a writer cannot get in while a reader is there
        other.close()
        s.write_batch([(Article(id="a2", date="2024-06-20", text="Kim met Putin."), [])])
        assert s.counts() == (2, 0)
    with Store(db) as held:
        with pytest.raises(duckdb.Error):
            duckdb.connect(str(db), read_only=True)
        assert held.counts() == (2, 0)


def test_a_file_that_is_not_a_database_is_not_retried(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StorageError, match="E402"):
        Store(bad, read_only=True)
