"""End to end on the seed article (from ../shared, when present) and on the
project's own example corpus."""
from __future__ import annotations

import json

import pytest

from dyadline.cli import main
from dyadline.evaluate import evaluate, read_gold

from conftest import EXAMPLES, SHARED

SEED = SHARED / "seed.txt"


def dyads(events):
    return {(e.type, e.source and e.source.country, e.target and e.target.country) for e in events}


@pytest.mark.skipif(not SEED.exists(), reason="../shared/data is not beside the checkout")
def test_seed_events(tmp_path, capsys):
    db = tmp_path / "seed.duckdb"
    assert main(["code", str(SEED), "--db", str(db), "-q"]) == 0
    assert capsys.readouterr().out.startswith("coded 1 articles")
    assert main(["events", "--db", str(db), "--format", "jsonl"]) == 0
    events = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    got = {(e["type"], e["source"]["country"], (e["target"] or {}).get("country")): e for e in events}
    support = got[("SUPPORT", "PRK", "RUS")]
    assert (support["source"]["name"], support["target"]["name"]) == ("Kim Jong Un", "Vladimir Putin")
    assert support["date"] == "2024-03-23" and support["background"] is False
    accuse = got[("ACCUSE", "PRK", None)]
    assert accuse["target"]["sector"] == "UAF"
    assert got[("SANCTION", "USA", "RUS")]["background"] is True
    assert got[("AID", "PRK", "RUS")]["background"] is True
    consult = got[("CONSULT", "PRK", "RUS")]
    assert consult["background"] is True and consult["date"] == "2023" and consult["mode"] == "visit"
    assault = got[("ASSAULT", None, "RUS")]
    assert assault["fatalities"] == 133
    for e in events:   # never the writer, never an unresolved pronoun
        for side in (e["source"], e["target"]):
            if side:
                assert side["name"].lower() not in ("we", "i", "it", "they", "he", "she", "this")


@pytest.mark.skipif(not SEED.exists(), reason="../shared/data is not beside the checkout")
def test_seed_dyad_f1(asserted_coder):
    d = evaluate(read_gold(SHARED / "seed.gold.jsonl"), asserted_coder.code_many).as_dict()
    assert d["dyad"]["f1"] >= 0.8


def test_examples_match_their_files():
    """gold.jsonl holds exactly the text of each example article."""
    gold = {g.article.id: g for g in read_gold(EXAMPLES / "gold.jsonl")}
    files = sorted((EXAMPLES / "articles").glob("*.txt"))
    assert len(files) >= 20 and set(gold) == {f.stem for f in files}
    for f in files:
        first, _, text = f.read_text(encoding="utf-8").partition("\n")
        assert first == f"date {gold[f.stem].article.date}"
        assert text.rstrip("\n") == gold[f.stem].article.text
        for e in gold[f.stem].events:
            assert e.evidence in text


def test_examples_cover_every_type():
    types = {e.type for g in read_gold(EXAMPLES / "gold.jsonl") for e in g.events}
    from dyadline.model import EVENT_TYPES
    assert types == set(EVENT_TYPES)


def test_demo_corpus_codes(tmp_path, capsys):
    db = tmp_path / "demo.duckdb"
    assert main(["code", str(EXAMPLES / "articles"), "--db", str(db), "-q"]) == 0
    out = capsys.readouterr().out
    n_files = len(list((EXAMPLES / "articles").glob("*.txt")))
    assert out.startswith(f"coded {n_files} articles, ") and out.endswith("; skipped 0\n")
    assert main(["events", "--db", str(db), "--dyads"]) == 0
    table = capsys.readouterr().out
    assert "DYAD" in table and "SUPPORT" in table
