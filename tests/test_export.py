"""Exports: every format round-trips the fields it holds, on the coded demo corpus."""
from __future__ import annotations

import csv
import json

import pytest

from dyadline.cli import main
from dyadline.errors import StorageError
from dyadline.export import (FORMATS, GDELT_COLUMNS, ICEWS_COLUMNS, POLECAT_COLUMNS, get_format,
                             project, read_events, write_events)
from dyadline.storage import EventQuery, Store

from test_series import demo_db, nk_db  # noqa: F401  (session fixtures)

#: The GDELT 2.0 event table, as its codebook lists the columns.
GDELT_2_HEADER = [
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
]


@pytest.fixture(scope="module")
def demo_events(demo_db):
    with Store(demo_db, read_only=True) as s:
        return s.events()


def test_gdelt_columns_follow_the_codebook():
    assert list(GDELT_COLUMNS) == GDELT_2_HEADER
    assert len(GDELT_COLUMNS) == 61


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip(fmt, demo_db, demo_events, tmp_path):
    out = tmp_path / f"events.{fmt}"
    with Store(demo_db, read_only=True) as s:
        n = write_events(s, fmt, out)
    assert n == len(demo_events) > 50
    back = read_events(fmt, out)
    holds = FORMATS[fmt].holds
    assert len(back) == n
    assert [project(e, holds) for e in back] == [project(e, holds) for e in demo_events]
    # each layout keeps at least who did what to whom
    assert {"source", "target"} <= set(holds)


def test_gdelt_rows(demo_db, tmp_path):
    out = tmp_path / "gdelt.tsv"
    with Store(demo_db, read_only=True) as s:
        write_events(s, "gdelt", out, EventQuery(source="PRK", target="RUS"))
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and all(len(r) == 61 for r in rows)
    for r in (dict(zip(GDELT_COLUMNS, r)) for r in rows):
        assert r["Actor1CountryCode"] == "PRK" and r["Actor2CountryCode"] == "RUS"
        assert r["Actor1Code"] == "PRK" + r["Actor1Type1Code"]
        assert r["Day"].startswith("2024") and r["MonthYear"] == r["Day"][:6] and r["Year"] == "2024"
        assert r["EventRootCode"] == r["EventCode"][:2] and r["EventBaseCode"] == r["EventCode"][:3]
        assert r["QuadClass"] in {"1", "2", "3", "4"} and -10 <= float(r["GoldsteinScale"]) <= 10
        assert len(r["DATEADDED"]) == 14


def test_plover_field_names(nk_db, tmp_path):
    out = tmp_path / "plover.jsonl"
    with Store(nk_db, read_only=True) as s:
        write_events(s, "plover", out, EventQuery(article_id="nk-condolence"))
    rec = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert {"id", "date", "actor", "recipient", "event", "mode", "event_text", "quad_code",
            "event_loc", "context"} <= set(rec)
    assert (rec["id"], rec["date"], rec["event"], rec["actor"], rec["recipient"], rec["quad_code"]) == \
        ("nk-condolence#0", "2024-03-23", "SUPPORT", "PRKGOV", "RUSGOV", 1)
    assert "message of condolence" in rec["event_text"]


@pytest.mark.parametrize("fmt, columns", [("polecat", POLECAT_COLUMNS), ("icews", ICEWS_COLUMNS)])
def test_tsv_headers(fmt, columns, nk_db, tmp_path):
    out = tmp_path / f"{fmt}.tsv"
    with Store(nk_db, read_only=True) as s:
        write_events(s, fmt, out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    assert tuple(rows[0]) == columns
    assert all(len(r) == len(columns) for r in rows[1:])


def test_unknown_format():
    with pytest.raises(StorageError, match="E405.*unknown export format 'xml'"):
        get_format("xml")


def test_export_command(nk_db, tmp_path, capsys):
    out = tmp_path / "prk.tsv"
    assert main(["export", "--db", str(nk_db), "--format", "gdelt", "--actor", "PRK",
                 "--out", str(out)]) == 0
    n = len(out.read_text(encoding="utf-8").splitlines())
    assert capsys.readouterr().out == f"wrote {n} events to {out} (gdelt)\n"
    assert main(["export", "--db", str(nk_db), "--format", "icews",
                 "--out", str(tmp_path / "missing" / "x.tsv")]) == 1
    assert capsys.readouterr().err.startswith("Error: [E406] cannot write")
