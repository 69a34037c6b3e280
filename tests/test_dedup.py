"""Deduplication (dedup.py): near-copies of articles, and one act told by several outlets.

tests/dedup_corpus holds four acts (an attack near Kharkiv, Japan condemning North
Korea, EU sanctions on Iran, a Xi–Lula meeting: mutual, so two events) each told
by three outlets (a-, b-, c-) in different words, plus a syndicated copy of one.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from dyadline.cli import main
from dyadline.dedup import (EventCluster, NearDuplicates, cluster_events, deduplicated,
                            find_near_duplicates, places_agree, refresh_clusters, same_act, shingles)
from dyadline.model import Actor, Article, Event, Location
from dyadline.pipeline import read_inputs
from dyadline.storage import EventQuery, Store

CORPUS = Path(__file__).parent / "dedup_corpus"
ACTS = {("ASSAULT", "RUS", "UKR"), ("ACCUSE", "JPN", "PRK"), ("SANCTION", "IGO", "IRN"),
        ("CONSULT", "CHN", "BRA"), ("CONSULT", "BRA", "CHN")}


def corpus() -> list[Article]:
    return sorted((a for a in read_inputs([CORPUS]) if isinstance(a, Article)), key=lambda a: a.id)


def key(e: Event) -> tuple:
    return (e.type, e.source and e.source.country, e.target and e.target.country)


@pytest.fixture(scope="module")
def coded(asserted_coder) -> list[tuple[Article, list[Event]]]:
    return [(a, asserted_coder.code(a)) for a in corpus()]


@pytest.fixture()
def store(tmp_path, coded):
    originals, links = find_near_duplicates(a for a, _ in coded)
    keep = {a.id for a in originals}
    path = tmp_path / "d.duckdb"
    with Store(path) as s:
        s.write_batch([(a, evs) for a, evs in coded if a.id in keep])
        s.link_articles(links)
        refresh_clusters(s)
    return path


# ------------------------------------------------------------------ articles
def test_the_syndicated_copy_is_linked_and_nothing_else(coded):
    originals, links = find_near_duplicates(a for a, _ in coded)
    assert set(links) == {"a-kharkiv-syndicated"}
    original, sim = links["a-kharkiv-syndicated"]
    assert original == "a-kharkiv" and 0.5 <= sim < 1.0
    assert len(originals) == 12


def test_near_duplicates_do_not_depend_on_input_order():
    arts = corpus()
    first = find_near_duplicates(arts)
    for seed in range(5):
        random.Random(seed).shuffle(arts)
        assert find_near_duplicates(arts) == first


def test_an_updated_story_is_a_near_duplicate_and_a_rewrite_is_not():
    base = ("Russian forces attacked Ukrainian troops near Kharkiv on Monday, Ukrainian officials said. "
            "The regional governor said the strikes damaged a school and two apartment blocks, and "
            "that emergency services were working at the scene through the night.")
    update = base + " Later on Monday the governor said two people had been injured."
    rewrite = "Kharkiv came under Russian attack on Monday; officials said a school was damaged."
    index = NearDuplicates()
    assert index.check(Article("a", "2024-05-13", base)) is None
    assert index.check(Article("b", "2024-05-13", update))[0] == "a"
    assert index.check(Article("c", "2024-05-13", rewrite)) is None
    assert shingles("one two") == {"one two"}


# ------------------------------------------------------------------ events
def test_the_corpus_codes_each_act_once_per_outlet(coded):
    raw = Counter(key(e) for a, evs in coded if a.id != "a-kharkiv-syndicated" for e in evs)
    assert raw == Counter({k: 3 for k in ACTS})


def test_raw_counts_are_three_times_the_deduplicated_counts(store):
    with Store(store, read_only=True) as s:
        raw = s.events()
        clusters = deduplicated(s)
    assert len(raw) == 15
    assert len(clusters) == 5
    assert {key(c.canonical) for c in clusters} == ACTS
    for c in clusters:
        assert len(c.members) == 3 and len({e.article_id for _, e in c.members}) == 3
    (attack,) = [c for c in clusters if c.canonical.type == "ASSAULT"]
    assert attack.copies == ("a-kharkiv-syndicated",)
    assert "a-kharkiv-syndicated" in attack.articles and len(attack.articles) == 4


def test_cluster_ids_are_stored(store):
    with Store(store, read_only=True) as s:
        rows = s.event_rows(EventQuery())
        clusters = deduplicated(s)
    assert all(r["cluster_id"] for r in rows)
    assert len({r["cluster_id"] for r in rows}) == 5
    assert {r["cluster_id"] for r in rows} == {c.id for c in clusters}


def test_clusters_do_not_depend_on_input_order(store):
    with Store(store, read_only=True) as s:
        items = [(r["event_id"], e) for r, e in zip(s.event_rows(EventQuery()), s.events())]

    def shape(clusters: list[EventCluster]) -> list[tuple[str, tuple[str, ...]]]:
        return [(c.id, tuple(i for i, _ in c.members)) for c in clusters]

    first = shape(cluster_events(items))
    for seed in range(10):
        random.Random(seed).shuffle(items)
        assert shape(cluster_events(items)) == first


def test_a_filter_keeps_whole_clusters(store):
    with Store(store, read_only=True) as s:
        clusters = deduplicated(s, EventQuery(actor="PRK"))
    assert [key(c.canonical) for c in clusters] == [("ACCUSE", "JPN", "PRK")]
    assert len(clusters[0].members) == 3


A, B = Actor("Russia", "RUS", "MIL"), Actor("Ukraine", "UKR", "MIL")
KHARKIV = Location("Kharkiv", "UKR", admin1="UA.07", geonames_id=706483, precision="city")
ODESA = Location("Odesa", "UKR", admin1="UA.17", geonames_id=698740, precision="city")


def ev(article: str, day: str = "2024-05-13", loc: Location | None = KHARKIV, cameo: str = "190",
       etype: str = "ASSAULT") -> Event:
    return Event(etype, cameo, A, B, day, location=loc, article_id=article)


@pytest.mark.parametrize("other, same", [
    (ev("b"), True),
    (ev("b", "2024-05-15"), True),
    (ev("b", "2024-05-17"), False),                     # outside the window
    (ev("b", loc=ODESA), False),                        # another city
    (ev("b", loc=None), True),                          # unknown place agrees
    (ev("b", loc=Location("Ukraine", "UKR", precision="country")), True),
    (ev("b", cameo="195", etype="ASSAULT"), True),      # same CAMEO root 19
    (ev("b", cameo="173", etype="COERCE"), False),
    (ev("a"), False),                                   # the same article: another act
    (Event("ASSAULT", "190", B, A, "2024-05-13", article_id="b"), False),   # the other direction
])
def test_same_act(other, same):
    assert same_act(ev("a"), other) is same


def test_places_agree_by_region():
    region = Location("Kharkiv region", "UKR", admin1="UA.07", precision="region")
    assert places_agree(region, KHARKIV) and not places_agree(region, ODESA)


# ------------------------------------------------------------------ the command line
def test_events_dedup_says_which_view(store, capsys):
    assert main(["events", "--db", str(store), "--dedup"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "deduplicated: 5 events, one per act, from 15 reports (without --dedup: every report)"
    assert len(out) == 1 + 5 + 1
    assert main(["events", "--db", str(store)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1 + 15


def test_events_dedup_jsonl_lists_every_report(store, capsys):
    assert main(["events", "--db", str(store), "--dedup", "--format", "jsonl", "--type", "ASSAULT"]) == 0
    out, err = capsys.readouterr()
    (rec,) = [json.loads(line) for line in out.splitlines()]
    assert rec["cluster_id"] == "a-kharkiv#0" and len(rec["reports"]) == 3
    assert rec["copies"] == ["a-kharkiv-syndicated"]
    assert err.startswith("deduplicated: 1 events")


def test_export_dedup(store, tmp_path, capsys):
    out = tmp_path / "c.csv"
    assert main(["export", "--db", str(store), "--dedup", "--format", "csv", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote 5 deduplicated events (one per act) to {out} (csv)\n"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("cluster_id,n_reports,n_articles,articles,article_id,seq")
    assert len(lines) == 6
    assert main(["export", "--db", str(store), "--dedup", "--format", "gdelt", "--out", str(out)]) == 1
    assert "--dedup writes csv or jsonl" in capsys.readouterr().err
