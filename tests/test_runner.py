"""The runner and the local engine: workers, skipping, --recode, inputs at scale."""
from __future__ import annotations

import gzip
import json

import duckdb
import pytest

from dyadline.engines import CoderSpec, chunks, make_engine
from dyadline.engines.corpus import write_corpus
from dyadline.errors import UsageError
from dyadline.runner import parquet_events, run_code

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def table(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        ev = con.execute("SELECT * FROM events ORDER BY article_id, seq").fetchall()
        art = con.execute("SELECT * EXCLUDE (coded_at) FROM articles ORDER BY id").fetchall()
        return ev, art
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(EXAMPLES / "articles", tmp_path_factory.mktemp("c") / "c.jsonl.gz", 40)


def test_chunks_cover_everything_in_order():
    assert chunks(list(range(7)), 3) == [[0, 1, 2], [3, 4], [5, 6]]
    assert chunks([1], 4) == [[1]]


def test_one_and_two_workers_give_identical_events(corpus, tmp_path):
    one, two = tmp_path / "1.duckdb", tmp_path / "2.duckdb"
    s1 = run_code([corpus], one, workers=1, batch_size=16)
    s2 = run_code([corpus], two, workers=2, batch_size=16)
    assert (s1.articles, s1.events, s1.linked) == (s2.articles, s2.events, s2.linked) == (39, s1.events, 1)
    assert s1.events > 0
    assert table(one) == table(two)


def test_rerun_skips_and_recode_recodes(corpus, tmp_path):
    db = tmp_path / "t.duckdb"
    first = run_code([corpus], db, batch_size=16)
    before = table(db)
    again = run_code([corpus], db, batch_size=16)
    assert (again.articles, again.unchanged) == (0, 39)     # one of the 40 is a near-copy of another
    assert again.line() == "coded 0 articles, 0 events; skipped 0; 1 near-duplicates linked; 39 already coded"
    forced = run_code([corpus], db, batch_size=16, recode=True)
    assert (forced.articles, forced.events, forced.unchanged) == (39, first.events, 0)
    assert table(db)[0] == before[0]


def test_changed_text_is_coded_again(tmp_path):
    src = tmp_path / "a.jsonl"
    rec = {"id": "k", "date": "2024-03-23", "text": "Kim Jong Un met Vladimir Putin in Moscow."}
    src.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    assert run_code([src], db).articles == 1
    rec["text"] = "Kim Jong Un condemned Japan."
    src.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    s = run_code([src], db)
    assert (s.articles, s.unchanged) == (1, 0)


def test_pipeline_version_names_its_parts():
    v = CoderSpec().version()
    assert v.startswith("dyadline ") and "; data " in v and "; code " in v and "; model " in v and "; parse " in v
    assert CoderSpec(factuality="all").version() != v


def test_unknown_engine_and_options():
    with pytest.raises(UsageError, match="E510"):
        make_engine("spark", CoderSpec())
    with pytest.raises(UsageError, match="E511"):
        make_engine("local", CoderSpec(), scheduler="tcp://x:8786")


def test_gzip_csv_and_parquet_inputs_give_the_same_articles(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dyadline.model import Article
    from dyadline.pipeline import read_inputs

    rows = [{"id": f"a{i}", "date": "2024-03-23", "text": f"Text number {i}.\nSecond line."} for i in range(3)]
    with gzip.open(tmp_path / "x.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    with gzip.open(tmp_path / "y.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        import csv

        w = csv.DictWriter(fh, fieldnames=["id", "date", "text"])
        w.writeheader()
        w.writerows(rows)
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "z.parquet")
    for name in ("x.jsonl.gz", "y.csv.gz", "z.parquet"):
        got = [a for a in read_inputs([tmp_path / name]) if isinstance(a, Article)]
        assert [(a.id, a.date, a.text) for a in got] == [(r["id"], r["date"], r["text"]) for r in rows], name


def test_bad_gzip_and_parquet_are_problems(tmp_path):
    from dyadline.pipeline import read_inputs

    (tmp_path / "bad.jsonl.gz").write_bytes(b"not gzip at all")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    found = {str(p.origin).rsplit("/", 1)[-1]: p.reason for p in read_inputs([tmp_path])}
    assert found["bad.jsonl.gz"].startswith("cannot read")
    assert found["bad.parquet"].startswith("not a Parquet file")


def test_events_from_a_parquet_dataset_skip_repeated_partitions(tmp_path):
    from dyadline.engines.dask_engine import write_partition
    from dyadline.model import Actor, Article, Event
    from dyadline.storage import EventQuery

    a = Article("a1", "2024-03-23", "Kim met Putin.")
    e = Event(type="CONSULT", cameo="040", source=Actor("Kim", "PRK", "GOV"),
              target=Actor("Putin", "RUS", "GOV"), date="2024-03-23", article_id="a1", span=(0, 7))
    write_partition(tmp_path, [a], [[e]])
    write_partition(tmp_path / "..", [a], [[e]])   # not in the folder: ignored
    (tmp_path / "part-copy.parquet").write_bytes(next(tmp_path.glob("part-*.parquet")).read_bytes())
    assert parquet_events(tmp_path) == [e]
    assert parquet_events(tmp_path, EventQuery(actor="USA")) == []
