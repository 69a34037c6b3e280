"""Deduplication: one act told by several articles, and copies of one article.

Two levels:

* **Near-duplicate articles** (syndicated copies, lightly edited updates) are
  found before coding from MinHash signatures of word 3-shingles (datasketch's
  LSH index), confirmed on the exact Jaccard similarity of the shingles. A copy
  is linked to its original (``article_links``) and not coded. The original
  of a group is its earliest article (date, then id), whatever the input order.
* **Event clusters**: coded events from *different* articles that report the
  same act: the same dyad (source and target country) and factuality, the same
  PLOVER type or CAMEO root, dates at most ``window_days`` apart, and
  compatible places (one unknown, or the same country and, when both are
  precise, the same city or region). Each cluster keeps every report (article,
  sentence, evidence); its canonical record is the earliest report (date,
  article id, event number). Events are considered in that order, so the
  grouping does not depend on the order articles were read or coded in.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence, TextIO

from .errors import UsageError
from .model import Article, Event, Location
from .storage import EVENT_COLUMNS, EventQuery, Store, date_start, event_row, row_event

SHINGLE = 3
NUM_PERM = 128
WORD = re.compile(r"\w+", re.UNICODE)


# --------------------------------------------------------------------------- articles
def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Lower-cased word k-grams of a text (the whole text when shorter than k words)."""
    words = WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


class NearDuplicates:
    """An index of articles seen so far; :meth:`check` says whether a new one is
    a near copy of one of them (and if not, adds it)."""

    def __init__(self, threshold: float = 0.5, num_perm: int = NUM_PERM) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.sets: dict[str, set[str]] = {}
        self.links: dict[str, tuple[str, float]] = {}   # copy id → (original id, similarity)

    def _minhash(self, grams: set[str]) -> Any:
        from datasketch import MinHash

        m = MinHash(num_perm=self.num_perm, seed=1)
        m.update_batch([g.encode("utf-8") for g in sorted(grams)])
        return m

    def check(self, article: Article) -> tuple[str, float] | None:
        """(original id, similarity) when ``article`` copies one already seen; else
        None, and the article joins the index."""
        grams = shingles(article.text)
        if not grams or article.id in self.sets:
            return None
        mh = self._minhash(grams)
        best: tuple[str, float] | None = None
        for other in sorted(self.lsh.query(mh)):
            sim = jaccard(grams, self.sets[other])
            if sim >= self.threshold and (best is None or sim > best[1]):
                best = (self.links.get(other, (other, 0.0))[0], round(sim, 4))
        if best is not None:
            self.links[article.id] = best
            return best
        self.lsh.insert(article.id, mh)
        self.sets[article.id] = grams
        return None

    def filter(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The articles that copy none seen before them; copies go to :attr:`links`.
        (In a stream, the first seen is the original: sort first for order independence,
        as :func:`find_near_duplicates` does.)"""
        for a in articles:
            if self.check(a) is None:
                yield a


def _article_order(a: Article) -> tuple[str, str]:
    return (a.date, a.id)


def find_near_duplicates(articles: Iterable[Article], threshold: float = 0.5
                         ) -> tuple[list[Article], dict[str, tuple[str, float]]]:
    """Split articles into originals (sorted by date, id) and links copy → (original, similarity).
    The result does not depend on the order of ``articles``."""
    index = NearDuplicates(threshold)
    originals = list(index.filter(sorted(articles, key=_article_order)))
    return originals, dict(sorted(index.links.items()))


# --------------------------------------------------------------------------- events
@dataclass(frozen=True)
class EventCluster:
    """One act and every report of it. ``id`` is the canonical event's id."""

    id: str
    canonical: Event
    members: tuple[tuple[str, Event], ...]       # (event_id, event), canonical first
    copies: tuple[str, ...] = ()                 # near-duplicate articles of the reporting ones

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(sorted({e.article_id for _, e in self.members} | set(self.copies)))

    def to_dict(self) -> dict[str, Any]:
        d = self.canonical.to_dict()
        d["cluster_id"] = self.id
        d["reports"] = [{"event_id": i, "article_id": e.article_id, "sentence_index": e.sentence_index,
                         "evidence": e.evidence} for i, e in self.members]
        d["articles"] = list(self.articles)
        if self.copies:
            d["copies"] = list(self.copies)
        return d


def _root(cameo: str) -> str:
    return cameo[:2]


def _days(e: Event) -> int | None:
    d = date_start(e.date)
    return d.toordinal() if d else None


def places_agree(a: Location | None, b: Location | None) -> bool:
    """Unknown agrees with anything; otherwise the same country and, when both
    are precise, the same city (GeoNames id or name) or the same admin-1 region."""
    if a is None or b is None:
        return True
    if a.country != b.country:
        return False
    if a.precision == "country" or b.precision == "country" or a.precision is None or b.precision is None:
        return True
    if a.precision == b.precision == "city":
        if a.geonames_id is not None and b.geonames_id is not None:
            return a.geonames_id == b.geonames_id
        return a.name.lower() == b.name.lower() or (a.admin1 is not None and a.admin1 == b.admin1)
    return a.admin1 is None or b.admin1 is None or a.admin1 == b.admin1


def same_act(a: Event, b: Event, window_days: int = 2) -> bool:
    if a.article_id == b.article_id or a.factuality != b.factuality:
        return False
    if (a.source and a.source.country) != (b.source and b.source.country):
        return False
    if (a.target and a.target.country) != (b.target and b.target.country):
        return False
    if a.type != b.type and _root(a.cameo) != _root(b.cameo):
        return False
    da, db = _days(a), _days(b)
    if da is None or db is None or abs(da - db) > window_days:
        return False
    return places_agree(a.location, b.location)


def _event_order(item: tuple[str, Event]) -> tuple[int, str, int, str]:
    event_id, e = item
    seq = event_id.rpartition("#")[2]
    return (_days(e) or date.max.toordinal(), e.article_id, int(seq) if seq.isdigit() else 0, event_id)


def cluster_events(events: Iterable[tuple[str, Event]], window_days: int = 2,
                   links: dict[str, tuple[str, float]] | None = None) -> list[EventCluster]:
    """Group (event_id, event) pairs into clusters of one act each, deterministically.

    Events are taken earliest first (date, article, number); each joins the first
    cluster whose canonical report it agrees with (:func:`same_act`) and that holds
    no event of its article, else starts one."""
    copies_of: dict[str, list[str]] = {}
    for copy, (original, _) in (links or {}).items():
        copies_of.setdefault(original, []).append(copy)
    blocks: dict[tuple, list[list[tuple[str, Event]]]] = {}
    order: list[list[tuple[str, Event]]] = []
    for item in sorted(events, key=_event_order):
        e = item[1]
        key = (e.factuality, e.source and e.source.country, e.target and e.target.country)
        for cluster in blocks.setdefault(key, []):
            if same_act(cluster[0][1], e, window_days) and all(m.article_id != e.article_id for _, m in cluster):
                cluster.append(item)
                break
        else:
            cluster = [item]
            blocks[key].append(cluster)
            order.append(cluster)
    out = []
    for cluster in order:
        arts = {e.article_id for _, e in cluster}
        copies = tuple(sorted(c for a in arts for c in copies_of.get(a, ())))
        out.append(EventCluster(cluster[0][0], cluster[0][1], tuple(cluster), copies))
    return out


# --------------------------------------------------------------------------- the store
def store_clusters(store: Store, window_days: int = 2) -> list[EventCluster]:
    """Every event of the store, clustered (clusters span the whole store)."""
    rows = store.event_rows(EventQuery())
    return cluster_events(((r["event_id"], row_event(r)) for r in rows), window_days,
                          store.article_links())


def refresh_clusters(store: Store, window_days: int = 2) -> int:
    """Recompute the clusters and record each event's ``cluster_id``; returns their number."""
    clusters = store_clusters(store, window_days)
    store.set_clusters({event_id: c.id for c in clusters for event_id, _ in c.members})
    return len(clusters)


def deduplicated(store: Store, q: EventQuery = EventQuery(), window_days: int = 2) -> list[EventCluster]:
    """The clusters with at least one report matching ``q`` (at most ``q.limit``), in
    the order of their canonical reports."""
    wanted = {r["event_id"] for r in store.event_rows(EventQuery(
        actor=q.actor, source=q.source, target=q.target, type=q.type, since=q.since,
        until=q.until, article_id=q.article_id))}
    found = [c for c in store_clusters(store, window_days) if any(i in wanted for i, _ in c.members)]
    found.sort(key=lambda c: _event_order((c.id, c.canonical)))
    end = None if q.limit is None else q.offset + q.limit
    return found[q.offset:end]


def summary_line(clusters: Sequence[EventCluster]) -> str:
    reports = sum(len(c.members) for c in clusters)
    return (f"deduplicated: {len(clusters)} events, one per act, from {reports} reports "
            f"(without --dedup: every report)")


CLUSTER_COLUMNS = ("cluster_id", "n_reports", "n_articles", "articles")


def write_clusters(clusters: Sequence[EventCluster], fmt: str, out: TextIO) -> int:
    """Write clusters as JSON Lines (canonical record + reports) or CSV (the
    canonical event's columns + cluster columns); returns the number written."""
    if fmt == "jsonl":
        for c in clusters:
            out.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        w = csv.DictWriter(out, fieldnames=list(CLUSTER_COLUMNS + EVENT_COLUMNS), lineterminator="\n")
        w.writeheader()
        for c in clusters:
            article_id, _, seq = c.id.rpartition("#")
            row = event_row(article_id, int(seq) if seq.isdigit() else 0, c.canonical)
            row.update(cluster_id=c.id, n_reports=len(c.members), n_articles=len(c.articles),
                       articles="|".join(c.articles))
            w.writerow({k: ("" if row.get(k) is None else row[k]) for k in w.fieldnames})
    else:
        raise UsageError(f"--dedup writes csv or jsonl, not {fmt!r}", code="E510")
    return len(clusters)


def write_clusters_file(clusters: Sequence[EventCluster], fmt: str, path: str | Path) -> int:
    if fmt not in ("csv", "jsonl"):
        raise UsageError(f"--dedup writes csv or jsonl, not {fmt!r}", code="E510")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        return write_clusters(clusters, fmt, fh)
