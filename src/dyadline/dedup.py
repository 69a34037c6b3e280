"""Deduplication: one act told by several articles, and copies of one article.

Two levels:

* **Near-duplicate articles** (syndicated copies, lightly edited updates) are
  found before coding (:class:`NearDuplicates`, which ``dyadline code`` runs):
  candidates share an LSH band of the MinHash signature (datasketch) of their
  word 3-shingles and are confirmed on the exact Jaccard similarity of the
  shingles. Without a database the index is datasketch's MinHashLSH; with one,
  the band keys are stored and joined in DuckDB, so later runs see them.
  A copy is linked to its original (``article_links``) and not coded. The
  original of a group is its earliest article (date, then id), whatever the
  input order; an article coded by an earlier run stays an original.
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
import functools
import hashlib
import json
import re
import uuid
import zlib
from collections import deque
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Sequence, TextIO

import pyarrow as pa

from .errors import UsageError
from .model import Article, Event, Location
from .storage import EVENT_COLUMNS, EventQuery, Store, content_hash, date_start, event_row, row_event

SHINGLE = 3
WORD = re.compile(r"\w+", re.UNICODE)


# --------------------------------------------------------------------------- articles
THRESHOLD = 0.5
BANDS, ROWS = 42, 3      # LSH bands: a pair at similarity 0.5 shares a band 99.6% of the time
NUM_PERM = BANDS * ROWS
PER_KEY = 10             # of the articles sharing a band key, the earliest this many are candidates
CHUNK = 20000            # candidate pairs compared at a time
SEED = 20240513          # of the MinHash permutations


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Lower-cased word k-grams of a text (the whole text when shorter than k words)."""
    words = WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@functools.lru_cache(maxsize=1)
def _permutations() -> Any:
    """datasketch's ``NUM_PERM`` hash permutations, drawn once from a fixed seed
    (signatures are comparable between runs and processes)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations


def minhash(grams: set[str]) -> Any:
    """The datasketch MinHash of a set of shingles."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme="affine32")
    m.update_batch([g.encode("utf-8") for g in sorted(grams)])
    return m


def band_keys(m: Any) -> list[int]:
    """One signed 64-bit key per LSH band of ``ROWS`` MinHash values: articles
    that share a key are candidates (the banding datasketch's MinHashLSH does,
    as integers a database can join on)."""
    import numpy as np

    sig = np.asarray(m.hashvalues, dtype=np.uint64)
    return [int.from_bytes(hashlib.blake2b(sig[i * ROWS:(i + 1) * ROWS].tobytes(), digest_size=8).digest(),
                           "little", signed=True) for i in range(BANDS)]


def sketch_hashes(grams: set[str]) -> Any:
    """Shingles as sorted unique 32-bit hashes (for the exact similarity)."""
    import numpy as np

    return np.unique(np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), np.uint32, len(grams)))


def _memory_lsh() -> Any:
    from datasketch import MinHashLSH

    return MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))


def sketch(text: str) -> tuple[Any, list[int]] | None:
    """A text's shingles as sorted unique 32-bit hashes (for the exact similarity)
    and the LSH band keys of their MinHash signature; None for a text without words."""
    grams = shingles(text)
    if not grams:
        return None
    return sketch_hashes(grams), band_keys(minhash(grams))


def similarity(a: Any, b: Any) -> float:
    """The Jaccard similarity of two shingle-hash arrays (sorted, unique)."""
    import numpy as np

    inter = len(np.intersect1d(a, b, assume_unique=True))
    return round(inter / (len(a) + len(b) - inter), 4) if len(a) or len(b) else 0.0


def choose_links(run: dict[str, str], similar: dict[str, dict[str, float]], fixed: dict[str, str],
                 threshold: float = THRESHOLD) -> dict[str, tuple[str, float]]:
    """Which of a run's articles are near-copies, and of what.

    ``run`` and ``fixed`` map ids to dates: the run's articles that have
    candidates, and originals stored before the run. ``similar[x][y]`` is the
    similarity of run article x to candidate y. Run articles are taken earliest
    first (date, id); each is a copy of the most similar original it reaches the
    threshold with (a stored one, or an earlier article of the run that is not a
    copy itself; ties to the earliest), else an original."""
    dates = {**fixed, **run}
    originals = set(fixed)
    links: dict[str, tuple[str, float]] = {}
    for x in sorted(run, key=lambda i: (run[i], i)):
        found = [(s, y) for y, s in similar.get(x, {}).items() if s >= threshold and y in originals]
        if found:
            s, y = min(found, key=lambda f: (-f[0], dates[f[1]], f[1]))
            links[x] = (y, s)
        else:
            originals.add(x)
    return dict(sorted(links.items()))


class NearDuplicates:
    """Near-copies among a run's articles and the articles stored before it.

    :meth:`add` the run's articles (a first pass over the inputs), :meth:`resolve`,
    then :meth:`filter` the articles to code. With a ``store``, signatures are kept
    in its ``article_signatures`` table (computed once per article text; candidates
    are found by a join on the LSH band keys), so memory does not grow with the
    corpus and a later run's copy is linked to an article coded by an earlier
    run; without one they are kept in memory. The result does not depend on the
    order articles are added in."""

    def __init__(self, store: Store | None = None, threshold: float = THRESHOLD) -> None:
        self.store = store
        self.threshold = threshold
        self.run = uuid.uuid4().hex
        self.links: dict[str, tuple[str, float]] = {}   # copy id → (original id, similarity)
        self.added = 0
        self.changed = 0                                  # rows of the store changed by resolve()
        self._mem: dict[str, tuple[str, Any, Any]] = {}   # without a store: id → (date, shingles, MinHash)
        self._lsh = None if store is not None else _memory_lsh()

    def add(self, articles: Iterable[Article], batch_size: int = 256) -> None:
        batch: list[Article] = []
        for a in articles:
            batch.append(a)
            if len(batch) >= batch_size:
                self._add_batch(batch)
                batch = []
        if batch:
            self._add_batch(batch)

    def _add_batch(self, batch: list[Article]) -> None:
        self.added += len(batch)
        if self.store is None:
            for a in batch:
                if a.id in self._mem:                      # the last of an id wins
                    del self._mem[a.id]
                    self._lsh.remove(a.id)
                grams = shingles(a.text)
                if grams:
                    m = minhash(grams)
                    self._mem[a.id] = (a.date, sketch_hashes(grams), m)
                    self._lsh.insert(a.id, m, check_duplication=False)
            return
        import pyarrow as pa

        known = self.store.signed_ids(batch)
        new = {a.id: a for a in batch if a.id not in known}     # the last of an id wins
        sketches = [sketch(a.text) for a in new.values()]
        table = pa.table({"article_id": pa.array(list(new), pa.string()),
                          "date": pa.array([date.fromisoformat(a.date) for a in new.values()], pa.date32()),
                          "content_hash": pa.array([content_hash(a) for a in new.values()], pa.string()),
                          "shingles": pa.array([sk and sk[0].tobytes() for sk in sketches], pa.binary()),
                          "bands": pa.array([sk and sk[1] for sk in sketches], pa.list_(pa.int64()))})
        self.store.put_signatures(table, self.run, [a.id for a in batch])

    def _candidates(self) -> tuple[dict[str, str], dict[str, dict[str, float]], dict[str, str]]:
        """(run articles in a candidate pair → date, similarities of each to its
        earlier candidates, stored originals → date)."""
        import numpy as np

        def hashes(ids: set[str]) -> dict[str, tuple[str, Any]]:
            if self.store is None:
                return self._mem
            return {i: (d, np.frombuffer(h, dtype=np.uint32)) for i, (d, h) in self.store.shingle_hashes(ids).items()}

        found = self._memory_pairs() if self.store is None else self.store.signature_pairs(self.run, PER_KEY)
        run: dict[str, str] = {}
        fixed: dict[str, str] = {}
        similar: dict[str, dict[str, float]] = {}
        for start in range(0, len(found), CHUNK):     # pairs come sorted by x: a chunk's hashes, then the next
            chunk = found[start:start + CHUNK]
            sigs = hashes({i for x, y, _ in chunk for i in (x, y)})
            for x, y, in_run in chunk:
                run[x] = sigs[x][0]
                (run if in_run else fixed)[y] = sigs[y][0]
                similar.setdefault(x, {})[y] = similarity(sigs[x][1], sigs[y][1])
        return run, similar, fixed

    def _memory_pairs(self) -> list[tuple[str, str, bool]]:
        """:meth:`Store.signature_pairs` for the in-memory index (datasketch's MinHashLSH):
        each article with its earlier candidates."""
        def order(i: str) -> tuple[str, str]:
            return (self._mem[i][0], i)

        pairs = set()
        for x, (_, _, m) in self._mem.items():
            earlier = sorted((y for y in self._lsh.query(m) if order(y) < order(x)), key=order)
            pairs |= {(x, y, True) for y in earlier}
        return sorted(pairs)

    def resolve(self) -> dict[str, tuple[str, float]]:
        """Decide the run's copies (:attr:`links`); with a store, record them
        (:meth:`Store.set_links`: copies coded before are removed, links that no
        longer hold are dropped)."""
        run, similar, fixed = self._candidates()
        self.links = choose_links(run, similar, fixed, self.threshold)
        if self.store is not None:
            self.changed = self.store.set_links(self.run, self.links)
        return self.links

    def filter(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The articles that are not near-copies (after :meth:`resolve`)."""
        for a in articles:
            if a.id not in self.links:
                yield a


def _article_order(a: Article) -> tuple[str, str]:
    return (a.date, a.id)


def find_near_duplicates(articles: Iterable[Article], threshold: float = THRESHOLD
                         ) -> tuple[list[Article], dict[str, tuple[str, float]]]:
    """Split articles into originals (sorted by date, id) and links copy → (original, similarity).
    The result does not depend on the order of ``articles``."""
    arts = sorted(articles, key=_article_order)
    index = NearDuplicates(threshold=threshold)
    index.add(arts)
    links = index.resolve()
    return list(index.filter(arts)), links


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


class Act(NamedTuple):
    """What clustering reads of an event (a stored row needs only these columns)."""

    article_id: str
    factuality: str
    source: str | None           # country codes
    target: str | None
    type: str
    root: str                    # CAMEO root
    day: int | None              # ordinal of the first day of its date
    location: Location | None


def act_of(e: Event) -> Act:
    return Act(e.article_id, e.factuality, e.source and e.source.country, e.target and e.target.country,
               e.type, _root(e.cameo), _days(e), e.location)


def _agree(a: Act, b: Act, window_days: int) -> bool:
    if a.article_id == b.article_id or a.factuality != b.factuality:
        return False
    if a.source != b.source or a.target != b.target:
        return False
    if a.type != b.type and a.root != b.root:
        return False
    if a.day is None or b.day is None or abs(a.day - b.day) > window_days:
        return False
    return places_agree(a.location, b.location)


def same_act(a: Event, b: Event, window_days: int = 2) -> bool:
    return _agree(act_of(a), act_of(b), window_days)


def _event_order(item: tuple[str, Event]) -> tuple[int, str, int, str]:
    event_id, e = item
    seq = event_id.rpartition("#")[2]
    return (_days(e) or date.max.toordinal(), e.article_id, int(seq) if seq.isdigit() else 0, event_id)


class _Open:
    """A cluster that later events may still join."""

    __slots__ = ("id", "act", "articles")

    def __init__(self, event_id: str, act: Act) -> None:
        self.id, self.act, self.articles = event_id, act, {act.article_id}


def assign_clusters(acts: Iterable[tuple[str, Act]], window_days: int = 2) -> Iterator[tuple[str, str]]:
    """(event_id, act) pairs, earliest first (date, article, number; undated last),
    → (event_id, cluster_id) for each, in the same order.

    Each event joins the first cluster whose canonical report it agrees with and
    that holds no event of its article, else starts one (its id is the cluster's).
    A cluster whose canonical date lies more than ``window_days`` before the
    current event's can take no more events and is forgotten, so memory holds
    only the last few days' clusters however large the store."""
    blocks: dict[tuple, deque[_Open]] = {}
    live: deque[tuple[tuple, _Open]] = deque()     # in the order they were started (= canonical date)
    for event_id, a in acts:
        if a.day is not None:
            while live and live[0][1].act.day < a.day - window_days:  # type: ignore[operator]
                key, gone = live.popleft()
                block = blocks[key]
                block.popleft()          # started first in its block too
                if not block:
                    del blocks[key]
        key = (a.factuality, a.source, a.target)
        for c in blocks.get(key, ()):
            if a.article_id not in c.articles and _agree(c.act, a, window_days):
                c.articles.add(a.article_id)
                yield event_id, c.id
                break
        else:
            if a.day is not None:     # an undated event agrees with none: a cluster of one
                c = _Open(event_id, a)
                blocks.setdefault(key, deque()).append(c)
                live.append((key, c))
            yield event_id, event_id


def cluster_events(events: Iterable[tuple[str, Event]], window_days: int = 2,
                   links: dict[str, tuple[str, float]] | None = None) -> list[EventCluster]:
    """Group (event_id, event) pairs into clusters of one act each, deterministically
    (:func:`assign_clusters` on the events sorted earliest first)."""
    copies_of: dict[str, list[str]] = {}
    for copy, (original, _) in (links or {}).items():
        copies_of.setdefault(original, []).append(copy)
    items = sorted(events, key=_event_order)
    groups: dict[str, list[tuple[str, Event]]] = {}
    for item, (_, cluster_id) in zip(items, assign_clusters(((i, act_of(e)) for i, e in items), window_days)):
        groups.setdefault(cluster_id, []).append(item)
    out = []
    for cluster in groups.values():
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


def _row_act(row: tuple) -> Act:
    (article_id, factuality, source, target, etype, cameo, day,
     loc_name, loc_country, admin1, geonames_id, precision) = row
    loc = Location(loc_name, loc_country, admin1=admin1, precision=precision,
                   geonames_id=int(geonames_id) if geonames_id is not None else None) if loc_name else None
    return Act(article_id, factuality, source, target, etype, _root(cameo or ""),
               day.toordinal() if day is not None else None, loc)


def refresh_clusters(store: Store, window_days: int = 2) -> int:
    """Recompute the clusters and record each event's ``cluster_id``; returns their
    number. The events are streamed from the store earliest first, and only the
    open clusters and the (event, cluster) id pairs are held, not the events."""
    batches: list[pa.RecordBatch] = []
    ids: list[str] = []
    heads: list[str] = []
    n = 0

    def flush() -> None:
        batches.append(pa.record_batch([pa.array(ids, pa.string()), pa.array(heads, pa.string())],
                                       names=["event_id", "cluster_id"]))
        ids.clear()
        heads.clear()

    acts = ((row[0], _row_act(row[1:])) for row in store.cluster_rows())
    for event_id, cluster_id in assign_clusters(acts, window_days):
        ids.append(event_id)
        heads.append(cluster_id)
        n += event_id == cluster_id
        if len(ids) >= 50000:
            flush()
    flush()
    store.set_clusters(pa.Table.from_batches(batches))
    return n


def refresh_if_stale(store: Store, changed: bool = False, window_days: int = 2) -> int | None:
    """:func:`refresh_clusters` when events or links ``changed`` or some event's
    cluster is missing (a run killed before it refreshed); the number of clusters,
    or None when they were current."""
    if changed or store.clusters_stale():
        return refresh_clusters(store, window_days)
    return None


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
