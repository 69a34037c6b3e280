"""The Dask engine on a 2-worker LocalCluster (processes) codes event for event
as the local engine does, and can leave the events as a Parquet dataset."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dyadline.engines.corpus import write_corpus
from dyadline.runner import parquet_events, run_code
from dyadline.storage import Store

pytest.importorskip("distributed")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def events(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT * FROM events ORDER BY article_id, seq").fetchall()
    finally:
        con.close()


def test_dask_local_cluster_equals_the_local_engine(tmp_path):
    corpus = write_corpus(EXAMPLES / "articles", tmp_path / "c.jsonl.gz", 30)
    local, dask = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    a = run_code([corpus], local, workers=1, batch_size=16)
    b = run_code([corpus], dask, engine="dask", workers=2, batch_size=16, parquet_dir=tmp_path / "pq")
    assert (a.articles, a.events, a.linked) == (b.articles, b.events, b.linked) == (29, a.events, 1)
    assert events(local) == events(dask)
    with Store(dask, read_only=True) as store:
        assert parquet_events(tmp_path / "pq") == store.events()
