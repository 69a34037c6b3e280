"""Determinism: the same input gives the same events, ids and order, run to run,
across worker counts and whatever the order the files are listed in."""
from __future__ import annotations

from pathlib import Path

import pytest

from dyadline.engines.corpus import write_corpus
from dyadline.runner import run_code
from test_runner import table as rows   # (events, articles) rows in a fixed order

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(EXAMPLES / "articles", tmp_path_factory.mktemp("det") / "c.jsonl.gz", 24)


def test_run_to_run_and_worker_counts_give_identical_rows(corpus, tmp_path):
    dbs = [tmp_path / f"{i}.duckdb" for i in range(3)]
    run_code([corpus], dbs[0], workers=2, batch_size=8)
    run_code([corpus], dbs[1], workers=2, batch_size=8)
    run_code([corpus], dbs[2], workers=1, batch_size=5)
    first = rows(dbs[0])
    assert first[0], "the corpus codes some events"
    ids = [r[2] for r in first[0]]             # (article_id, seq, event_id, ...)
    assert len(set(ids)) == len(ids)           # event ids are unique ...
    assert rows(dbs[1]) == first                # ... and the same, in the same order, run to run
    assert rows(dbs[2]) == first                # and with another worker count and batch size


def test_the_order_of_the_inputs_does_not_change_the_events(tmp_path):
    files = sorted((EXAMPLES / "articles").glob("*.txt"))[:6]
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    run_code(files, a, workers=1)
    run_code(list(reversed(files)), b, workers=1)
    assert rows(a)[0] == rows(b)[0]
