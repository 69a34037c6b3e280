"""Storage: schema version, round trip, idempotent re-coding, atomic batches."""
from __future__ import annotations

import pytest

from dyadline.errors import StorageError
from dyadline.model import Actor, Article, Event, Location
from dyadline.storage import SCHEMA_VERSION, EventQuery, Store

KIM = Actor("Kim Jong Un", "PRK", "GOV")
PUTIN = Actor("Vladimir Putin", "RUS", "GOV")


def ev(article_id="a1", type_="SUPPORT", date="2024-03-23", **kw):
    return Event(type=type_, cameo="018", source=KIM, target=PUTIN, date=date, goldstein=3.4,
                 quad_class=1, evidence="Kim sent condolences", article_id=article_id,
                 sentence_index=0, span=(0, 20), sentence="Kim sent condolences to Putin.", **kw)


def art(i="a1", date="2024-03-23"):
    return Article(id=i, date=date, text="Kim sent condolences to Putin.", origin="x.txt")


def test_round_trip(tmp_path):
    e = ev(fatalities=3, mode="visit", location=Location("Moscow", "RUS"), background=True)
    with Store(tmp_path / "t.duckdb") as s:
        assert s.schema_version == SCHEMA_VERSION
        s.write_batch([(art(), [e])])
        (back,) = s.events()
        assert s.article("a1") == art()
    assert back == e


def test_recoding_replaces_events(tmp_path):
    db = tmp_path / "t.duckdb"
    with Store(db) as s:
        s.write_batch([(art(), [ev(), ev(type_="CONSULT")])])
        s.write_batch([(art(), [ev()])])
        assert s.counts() == (1, 1)


def test_filters_bind_values(tmp_path):
    with Store(tmp_path / "t.duckdb") as s:
        s.write_batch([(art("a1"), [ev("a1")]), (art("a2", "2023-01-01"), [ev("a2", date="2023")])])
        assert len(s.events(EventQuery(actor="PRK"))) == 2
        assert len(s.events(EventQuery(actor="RUSGOV", since="2024-01-01"))) == 1
        assert len(s.events(EventQuery(source="RUS"))) == 0
        assert len(s.events(EventQuery(actor="PRK' OR 1=1 --"))) == 0
        assert [e.date for e in s.events()] == ["2023", "2024-03-23"]


def test_failed_batch_leaves_nothing(tmp_path):
    db = tmp_path / "t.duckdb"
    with Store(db) as s:
        s.write_batch([(art("a1"), [ev("a1")])])
        bad = ev("a2", type_=None)   # type: ignore[arg-type]  NOT NULL violation
        with pytest.raises(Exception):
            s.write_batch([(art("a2"), [ev("a2")]), (art("a3"), [bad])])
        assert s.counts() == (1, 1)


def test_read_only_missing_database(tmp_path):
    with pytest.raises(StorageError, match="E401"):
        Store(tmp_path / "none.duckdb", read_only=True)


def test_not_a_dyadline_database(tmp_path):
    import duckdb

    p = tmp_path / "other.duckdb"
    duckdb.connect(str(p)).execute("CREATE TABLE x (a INT)").close()
    with pytest.raises(StorageError, match="E403"):
        Store(p, read_only=True)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_formats_read_back(tmp_path, fmt):
    import duckdb

    with Store(tmp_path / "t.duckdb") as s:
        s.write_batch([(art(), [ev(), ev(type_="CONSULT")])])
        out = tmp_path / f"e.{fmt}"
        assert s.export(fmt, out) == 2
    reader = {"csv": "read_csv", "jsonl": "read_json", "parquet": "read_parquet"}[fmt]
    rows = duckdb.sql(f"SELECT type FROM {reader}('{out}') ORDER BY type").fetchall()
    assert rows == [("CONSULT",), ("SUPPORT",)]
