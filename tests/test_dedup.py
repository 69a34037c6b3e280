"""Deduplication (dedup.py): near-copies of articles, and one act told by several outlets.

tests/dedup_corpus holds four acts (an attack near Kharkiv, Japan condemning North
Korea, EU sanctions on Iran, a Xi–Lula meeting: mutual, so two events) each told
by three outlets (a-, b-, c-) in different words, plus a syndicated copy of one
with small edits. The store fixture codes the folder with ``run_code``, the path
``dyadline code`` takes.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

import duckdb

from dyadline.cli import main
from dyadline.dedup import (EventCluster, NearDuplicates, choose_links, cluster_events, deduplicated,
                            find_near_duplicates, jaccard, places_agree, refresh_clusters, same_act, shingles,
                            similarity, sketch)
from dyadline.model import Actor, Article, Event, Location
from dyadline.pipeline import read_inputs
from dyadline.runner import run_code
from dyadline.storage import EventQuery, Store, row_event

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


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("dedup") / "d.duckdb"
    summary = run_code([CORPUS], path)
    assert (summary.articles, summary.events, summary.linked) == (12, 15, 1)
    return path


def tables(db: Path) -> tuple[list, ...]:
    """Articles, events (with their clusters) and links of a database."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (con.execute("SELECT id, content_hash, n_events FROM articles ORDER BY id").fetchall(),
                con.execute("SELECT * FROM events ORDER BY article_id, seq").fetchall(),
                con.execute("SELECT * EXCLUDE (linked_at) FROM article_links ORDER BY 1").fetchall())
    finally:
        con.close()


def write_jsonl(path: Path, articles: list[Article]) -> Path:
    path.write_text("".join(json.dumps({"id": a.id, "date": a.date, "text": a.text}) + "\n"
                            for a in articles), encoding="utf-8")
    return path


# ------------------------------------------------------------------ articles
def test_the_syndicated_copy_is_linked_and_nothing_else(coded):
    originals, links = find_near_duplicates(a for a, _ in coded)
    assert set(links) == {"a-kharkiv-syndicated"}
    original, sim = links["a-kharkiv-syndicated"]
    assert original == "a-kharkiv" and 0.5 <= sim < 1.0
    assert len(originals) == 12


def test_similarity_is_the_jaccard_of_the_shingles():
    arts = {a.id: a for a in corpus()}
    for x, y in (("a-kharkiv", "a-kharkiv-syndicated"), ("a-kharkiv", "b-kharkiv"), ("a-summit", "c-summit")):
        exact = jaccard(shingles(arts[x].text), shingles(arts[y].text))
        assert similarity(sketch(arts[x].text)[0], sketch(arts[y].text)[0]) == round(exact, 4)
    assert sketch("") is None and sketch("  ...  ") is None


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
    arts = [Article("a", "2024-05-13", base), Article("b", "2024-05-13", update),
            Article("c", "2024-05-13", rewrite)]
    index = NearDuplicates()
    index.add(arts)
    assert index.resolve() == {"b": ("a", index.links["b"][1])} and index.links["b"][1] > 0.7
    assert [a.id for a in index.filter(arts)] == ["a", "c"]
    assert shingles("one two") == {"one two"}


def test_originals_are_the_earliest_and_a_copy_is_never_an_original():
    run = {"a": "2024-05-13", "b": "2024-05-13", "c": "2024-05-14", "d": "2024-05-12"}
    similar = {"a": {"b": 0.8, "d": 0.3}, "b": {"a": 0.8, "c": 0.6}, "c": {"b": 0.6}, "d": {"a": 0.3}}
    # a (earliest of a~b) is an original, b its copy; c is like b only, and b is a copy: c stays an original
    assert choose_links(run, similar, {}) == {"b": ("a", 0.8)}
    # an article stored by an earlier run stays the original, whatever its date
    assert choose_links({"a": "2024-05-13"}, {"a": {"z": 0.7}}, {"z": "2024-06-01"}) == {"a": ("z", 0.7)}
    # equally similar to two originals: the earlier one
    both = {"x": {"p": 0.6, "q": 0.6}, "p": {"x": 0.6}, "q": {"x": 0.6}}
    dates = {"p": "2024-05-02", "q": "2024-05-01", "x": "2024-05-03"}
    assert choose_links(dates, both, {}) == {"x": ("q", 0.6)}


# ------------------------------------------------------------------ dyadline code
def test_code_links_the_copy_and_does_not_code_it(tmp_path, capsys):
    db = tmp_path / "c.duckdb"
    assert main(["code", str(CORPUS), "--db", str(db), "-q"]) == 0
    assert capsys.readouterr().out == "coded 12 articles, 15 events; skipped 0; 1 near-duplicates linked\n"
    articles, events, links = tables(db)
    assert "a-kharkiv-syndicated" not in {a[0] for a in articles}
    assert [(c, o) for c, o, _ in links] == [("a-kharkiv-syndicated", "a-kharkiv")]
    with Store(db, read_only=True) as s:
        assert len({r["cluster_id"] for r in s.event_rows(EventQuery())}) == 5
        stamp = s.con.execute("SELECT linked_at FROM article_links").fetchall()
    # the same input again: nothing coded, nothing linked anew
    assert main(["code", str(CORPUS), "--db", str(db), "-q"]) == 0
    assert capsys.readouterr().out == ("coded 0 articles, 0 events; skipped 0; 1 near-duplicates linked; "
                                       "12 already coded\n")
    assert tables(db) == (articles, events, links)
    with Store(db, read_only=True) as s:
        assert s.con.execute("SELECT linked_at FROM article_links").fetchall() == stamp


def test_no_near_dup_codes_the_copy_too(tmp_path, capsys):
    db = tmp_path / "n.duckdb"
    assert main(["code", str(CORPUS), "--db", str(db), "-q", "--no-near-dup"]) == 0
    assert capsys.readouterr().out == "coded 13 articles, 16 events; skipped 0\n"
    assert tables(db)[2] == []
    assert main(["events", "--db", str(db), "--dedup"]) == 0      # the copy's report joins its act
    assert capsys.readouterr().out.splitlines()[-1].startswith("deduplicated: 5 events, one per act, from 16")


def test_input_order_changes_neither_links_nor_clusters(tmp_path):
    arts = corpus()
    results = []
    for seed in range(3):
        random.Random(seed).shuffle(arts)
        if seed == 0:      # the copy read before its original
            arts.sort(key=lambda a: a.id != "a-kharkiv-syndicated")
        src = write_jsonl(tmp_path / f"in{seed}.jsonl", arts)
        db = tmp_path / f"o{seed}.duckdb"
        assert run_code([src], db).linked == 1
        results.append(tables(db))
    assert results[0] == results[1] == results[2]
    assert [link[:2] for link in results[0][2]] == [("a-kharkiv-syndicated", "a-kharkiv")]


def test_a_later_runs_copy_is_linked_to_a_stored_article(tmp_path, capsys):
    arts = corpus()
    copy = next(a for a in arts if a.id == "a-kharkiv-syndicated")
    db = tmp_path / "l.duckdb"
    first = run_code([write_jsonl(tmp_path / "first.jsonl", [a for a in arts if a is not copy])], db)
    assert (first.articles, first.linked) == (12, 0)
    # a day earlier than the stored story, yet an article stored before stays the original
    early = Article(copy.id, "2024-05-12", copy.text)
    later = run_code([write_jsonl(tmp_path / "later.jsonl", [early])], db)
    assert (later.articles, later.events, later.linked) == (0, 0, 1)
    assert [link[:2] for link in tables(db)[2]] == [("a-kharkiv-syndicated", "a-kharkiv")]
    assert main(["events", "--db", str(db), "--dedup", "--format", "jsonl", "--type", "ASSAULT"]) == 0
    (rec,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rec["copies"] == ["a-kharkiv-syndicated"] and len(rec["reports"]) == 3


def test_a_copy_coded_alone_is_linked_once_its_original_comes(tmp_path):
    copy = CORPUS / "a-kharkiv-syndicated.txt"
    split = tmp_path / "split.duckdb"
    assert run_code([copy], split).articles == 1
    again = run_code([CORPUS], split)            # the whole corpus: the copy is an article of this run
    assert (again.articles, again.linked, again.unchanged) == (12, 1, 0)
    whole = tmp_path / "whole.duckdb"
    run_code([CORPUS], whole)
    assert tables(split) == tables(whole)


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


def test_a_cluster_is_measured_from_its_canonical_report_not_its_latest():
    chain = [("a#0", ev("a", "2024-05-13")), ("b#0", ev("b", "2024-05-15")), ("c#0", ev("c", "2024-05-17"))]
    assert [[i for i, _ in c.members] for c in cluster_events(chain)] == [["a#0", "b#0"], ["c#0"]]


def test_the_streamed_refresh_equals_clustering_in_memory(tmp_path):
    """refresh_clusters reads the store in date order and forgets closed clusters;
    on 600 events over 40 days (places, directions, types, undated ones mixed)
    it gives every event the cluster that cluster_events gives it."""
    rnd = random.Random(5)
    places = [KHARKIV, ODESA, None, Location("Ukraine", "UKR", precision="country")]
    kinds = [("ASSAULT", "190"), ("ASSAULT", "195"), ("COERCE", "173"), ("CONSULT", "040")]
    batch = []
    for n in range(120):
        events = []
        for _ in range(5):
            etype, cameo = rnd.choice(kinds)
            day = None if rnd.random() < 0.05 else f"2024-05-{rnd.randint(1, 28):02d}"
            src, tgt = (A, B) if rnd.random() < 0.7 else (B, A)
            events.append(Event(etype, cameo, src, tgt, day, location=rnd.choice(places), article_id=f"art{n:03d}"))
        batch.append((Article(f"art{n:03d}", "2024-05-28", "text"), events))
    with Store(tmp_path / "r.duckdb") as s:
        s.write_batch(batch, pipeline_version="t")
        n_clusters = refresh_clusters(s)
        rows = s.event_rows(EventQuery())
        in_runs_of_days = [r[0] for r in s.cluster_rows(chunk=37)]
    assert in_runs_of_days == [r["event_id"] for r in rows]      # date, article, number; undated last
    clusters = cluster_events([(r["event_id"], row_event(r)) for r in rows])
    assert n_clusters == len(clusters) and 100 < n_clusters < 600
    want = {i: c.id for c in clusters for i, _ in c.members}
    assert {r["event_id"]: r["cluster_id"] for r in rows} == want


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
