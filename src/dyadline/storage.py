"""DuckDB storage: articles and events, with a schema version and migrations.

One :class:`Store` per database file. Each call to :meth:`Store.write_batch`
is one transaction: an article's events are replaced whole (re-coding is
idempotent) and a crash leaves either the whole batch or none of it.

Sharing a file between processes (:mod:`dyadline.sharing`): a
``Store(..., hold=False)`` (what ``dyadline code`` uses) opens the file only for
each call and closes it after, so readers (``dyadline serve``, which opens it
read-only per request) get in between batches; opening a file another process
holds is retried for ``wait`` seconds before :class:`StorageError` E407.
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import duckdb
import pyarrow as pa

from .errors import StorageError
from .sharing import READ_WAIT, WRITE_WAIT, connect
from .model import Actor, Article, Event, Location

SCHEMA_VERSION = 4

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE IF NOT EXISTS articles (
            id VARCHAR PRIMARY KEY, date DATE NOT NULL, title VARCHAR, url VARCHAR,
            origin VARCHAR, text VARCHAR NOT NULL, n_events INTEGER NOT NULL,
            coded_at TIMESTAMP DEFAULT current_timestamp)""",
        """CREATE TABLE IF NOT EXISTS events (
            article_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
            event_id VARCHAR NOT NULL, type VARCHAR NOT NULL, cameo VARCHAR,
            goldstein DOUBLE, quad_class INTEGER, mode VARCHAR, factuality VARCHAR,
            background BOOLEAN, date VARCHAR, date_start DATE,
            source_name VARCHAR, source_country VARCHAR, source_sector VARCHAR,
            target_name VARCHAR, target_country VARCHAR, target_sector VARCHAR,
            fatalities INTEGER, location_name VARCHAR, location_country VARCHAR,
            location_lat DOUBLE, location_lon DOUBLE,
            evidence VARCHAR, sentence_index INTEGER, span_start INTEGER, span_end INTEGER,
            sentence VARCHAR, pattern VARCHAR,
            PRIMARY KEY (article_id, seq))""",
    ],
    # 2: what an article was coded from and with, so a re-run can skip it (runner).
    2: [
        "ALTER TABLE articles ADD COLUMN IF NOT EXISTS content_hash VARCHAR",
        "ALTER TABLE articles ADD COLUMN IF NOT EXISTS pipeline_version VARCHAR",
    ],
    # 3: where, precisely (pipeline/places.py), and the same act told by several
    # articles (dedup.py): an event's cluster, an article's near-duplicate original.
    3: [
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_admin1 VARCHAR",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_geonames_id BIGINT",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_precision VARCHAR",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS cluster_id VARCHAR",
        """CREATE TABLE IF NOT EXISTS article_links (
            article_id VARCHAR PRIMARY KEY, duplicate_of VARCHAR NOT NULL,
            similarity DOUBLE, linked_at TIMESTAMP DEFAULT current_timestamp)""",
    ],
    # 4: near-duplicate articles across runs (dedup.NearDuplicates): each article's
    # shingle hashes (sorted uint32), the LSH band keys of their MinHash signature,
    # and the last run that read it.
    4: [
        """CREATE TABLE IF NOT EXISTS article_signatures (
            article_id VARCHAR PRIMARY KEY, date DATE NOT NULL, content_hash VARCHAR NOT NULL,
            shingles BLOB NOT NULL, bands BIGINT[] NOT NULL, run VARCHAR)""",
    ],
}

EVENT_COLUMNS = (
    "article_id", "seq", "event_id", "type", "cameo", "goldstein", "quad_class", "mode",
    "factuality", "background", "date", "date_start", "source_name", "source_country",
    "source_sector", "target_name", "target_country", "target_sector", "fatalities",
    "location_name", "location_country", "location_lat", "location_lon", "evidence",
    "sentence_index", "span_start", "span_end", "sentence", "pattern",
    "location_admin1", "location_geonames_id", "location_precision", "cluster_id",
)
ARROW_TYPES = {
    "seq": pa.int32(), "goldstein": pa.float64(), "quad_class": pa.int32(),
    "background": pa.bool_(), "date_start": pa.date32(), "fatalities": pa.int32(),
    "location_lat": pa.float64(), "location_lon": pa.float64(), "sentence_index": pa.int32(),
    "span_start": pa.int32(), "span_end": pa.int32(), "location_geonames_id": pa.int64(),
}


def content_hash(article: Article) -> str:
    """A hash of what coding an article depends on: its id, date and text."""
    h = hashlib.sha256()
    for part in (article.id, article.date, article.text):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def date_start(value: str | None) -> date | None:
    """The first day of a YYYY, YYYY-MM or YYYY-MM-DD date."""
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    return date(*(parts + [1] * (3 - len(parts))))


def event_row(article_id: str, seq: int, e: Event) -> dict[str, Any]:
    s, t, loc = e.source, e.target, e.location
    return {
        "article_id": article_id, "seq": seq, "event_id": f"{article_id}#{seq}", "type": e.type,
        "cameo": e.cameo, "goldstein": e.goldstein, "quad_class": e.quad_class, "mode": e.mode,
        "factuality": e.factuality, "background": e.background, "date": e.date,
        "date_start": date_start(e.date),
        "source_name": s.name if s else None, "source_country": s.country if s else None,
        "source_sector": s.sector if s else None,
        "target_name": t.name if t else None, "target_country": t.country if t else None,
        "target_sector": t.sector if t else None, "fatalities": e.fatalities,
        "location_name": loc.name if loc else None, "location_country": loc.country if loc else None,
        "location_lat": loc.lat if loc else None, "location_lon": loc.lon if loc else None,
        "evidence": e.evidence, "sentence_index": e.sentence_index, "span_start": e.span[0],
        "span_end": e.span[1], "sentence": e.sentence, "pattern": e.pattern,
        "location_admin1": loc.admin1 if loc else None,
        "location_geonames_id": loc.geonames_id if loc else None,
        "location_precision": loc.precision if loc else None, "cluster_id": None,
    }


def row_event(row: dict[str, Any]) -> Event:
    def actor(prefix: str) -> Actor | None:
        if row[f"{prefix}_sector"] is None:
            return None
        return Actor(row[f"{prefix}_name"] or "", row[f"{prefix}_country"], row[f"{prefix}_sector"])

    loc = None
    if row["location_name"]:
        gid = row.get("location_geonames_id")
        loc = Location(row["location_name"], row["location_country"], row["location_lat"], row["location_lon"],
                       admin1=row.get("location_admin1"), geonames_id=int(gid) if gid is not None else None,
                       precision=row.get("location_precision"))
    return Event(
        type=row["type"], cameo=row["cameo"] or "", source=actor("source"), target=actor("target"),
        date=row["date"], factuality=row["factuality"], background=bool(row["background"]),
        goldstein=row["goldstein"], quad_class=row["quad_class"], mode=row["mode"],
        fatalities=row["fatalities"], location=loc, evidence=row["evidence"] or "",
        article_id=row["article_id"], sentence_index=row["sentence_index"],
        span=(row["span_start"], row["span_end"]), sentence=row["sentence"] or "",
        pattern=row["pattern"] or "",
    )


@dataclass(frozen=True)
class EventQuery:
    """Filters for :meth:`Store.events`; every value is bound, never formatted into SQL."""

    actor: str | None = None        # a country code (PRK) or an actor code (PRKGOV)
    source: str | None = None
    target: str | None = None
    type: str | None = None
    since: str | None = None
    until: str | None = None
    article_id: str | None = None
    limit: int | None = None
    offset: int = 0


class Store:
    """A DuckDB database of coded articles and events.

    ``hold=False`` releases the file after each call (see the module's notes);
    ``store.con`` used directly opens it until :meth:`close`."""

    def __init__(self, path: str | Path = "dyadline.duckdb", *, read_only: bool = False,
                 hold: bool = True, wait: float | None = None) -> None:
        self.path = str(path)
        self.read_only = read_only
        self.wait = (READ_WAIT if read_only else WRITE_WAIT) if wait is None else wait
        self.hold = hold or self.path.startswith(":memory:")
        if read_only and not Path(self.path).exists():
            raise StorageError(f"no database at {self.path}; code some articles first "
                               "(dyadline code PATH --db FILE)", code="E401")
        self._con: duckdb.DuckDBPyConnection | None = self._connect()
        try:
            if not read_only:
                self._migrate()
            else:
                self._check_version()
        except BaseException:
            self.close()
            raise
        if not self.hold:
            self.close()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        return connect(self.path, read_only=self.read_only, wait=self.wait)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The open connection (opened now if released)."""
        if self._con is None:
            self._con = self._connect()
        return self._con

    @contextmanager
    def _session(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection for one call: the held one, or one opened now and closed after."""
        if self._con is not None:
            yield self._con
            return
        self._con = self._connect()
        try:
            yield self._con
        finally:
            self.close()

    # ------------------------------------------------------------------ schema
    def _migrate(self) -> None:
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                         "applied_at TIMESTAMP DEFAULT current_timestamp)")
        done = {r[0] for r in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        for version in sorted(MIGRATIONS):
            if version in done:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                for sql in MIGRATIONS[version]:
                    self.con.execute(sql)
                self.con.execute("INSERT INTO schema_migrations (version) VALUES (?)", [version])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
        self._check_version()

    def _check_version(self) -> None:
        try:
            v = self.con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        except duckdb.Error:
            raise StorageError(f"{self.path} is not a dyadline database", code="E403") from None
        if v is None or v > SCHEMA_VERSION:
            raise StorageError(f"{self.path} has schema version {v}; this dyadline reads "
                               f"{SCHEMA_VERSION}. Upgrade dyadline.", code="E404")

    @property
    def schema_version(self) -> int:
        with self._session() as con:
            return int(con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0])

    def close(self) -> None:
        """Close the connection; a later call opens the file again."""
        con, self._con = self._con, None
        if con is not None:
            con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    def write_batch(self, batch: Sequence[tuple[Article, list[Event]]], *,
                    pipeline_version: str | None = None) -> None:
        """Store articles with their events, replacing earlier codings, in one transaction.

        Each article keeps its :func:`content_hash` and the ``pipeline_version``
        that coded it, for :meth:`coded_ids`."""
        if not batch:
            return
        ids = [a.id for a, _ in batch]
        if len(set(ids)) != len(ids):
            last: dict[str, tuple[Article, list[Event]]] = {}
            for a, evs in batch:
                last[a.id] = (a, evs)
            batch = list(last.values())
            ids = list(last)
        art = pa.table({
            "id": ids, "date": pa.array([date.fromisoformat(a.date) for a, _ in batch], pa.date32()),
            "title": [a.title for a, _ in batch], "url": [a.url for a, _ in batch],
            "origin": [a.origin for a, _ in batch], "text": [a.text for a, _ in batch],
            "n_events": pa.array([len(e) for _, e in batch], pa.int32()),
            "content_hash": [content_hash(a) for a, _ in batch],
            "pipeline_version": pa.array([pipeline_version] * len(batch), pa.string()),
        })
        rows = [event_row(a.id, i, e) for a, evs in batch for i, e in enumerate(evs)]
        ev = pa.table({c: pa.array([r[c] for r in rows], ARROW_TYPES.get(c, pa.string()))
                       for c in EVENT_COLUMNS})
        with self._transaction(_ids=pa.table({"id": ids}), _art=art, _ev=ev) as con:
            con.execute("DELETE FROM events WHERE article_id IN (SELECT id FROM _ids)")
            con.execute("DELETE FROM articles WHERE id IN (SELECT id FROM _ids)")
            con.execute("INSERT INTO articles (id, date, title, url, origin, text, n_events, "
                        "content_hash, pipeline_version) SELECT id, date, title, url, origin, text, "
                        "n_events, content_hash, pipeline_version FROM _art")
            con.execute(f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
                        f"SELECT {', '.join(EVENT_COLUMNS)} FROM _ev")

    @contextmanager
    def _transaction(self, **tables: pa.Table) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction with Arrow tables registered under the given names:
        committed whole, or rolled back whole on any error (Ctrl-C included)."""
        with self._session() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                for name, table in tables.items():
                    con.register(name, table)
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            finally:
                for name in tables:
                    try:
                        con.unregister(name)
                    except duckdb.Error:
                        pass

    def cluster_rows(self, chunk: int = 20000) -> Iterator[tuple]:
        """What event clustering reads (:func:`dyadline.dedup.refresh_clusters`) of
        every event: event_id, article_id, factuality, source and target country,
        type, cameo, date_start and the place's name, country, admin1, GeoNames id
        and precision; earliest first (date, article, number; undated last), streamed."""
        cols = ("SELECT event_id, article_id, factuality, source_country, target_country, type, cameo, "
                "date_start, location_name, location_country, location_admin1, location_geonames_id, "
                "location_precision FROM events WHERE ")
        order = " ORDER BY date_start, article_id, seq"
        with self._session() as con:   # a run of days at a time: DuckDB sorts ~chunk rows, not the table
            days = con.execute("SELECT date_start, count(*) FROM events WHERE date_start IS NOT NULL "
                               "GROUP BY 1 ORDER BY 1").fetchall()
            spans: list[list[Any]] = []
            for day, n in days:
                if spans and spans[-1][2] + n <= chunk:
                    spans[-1][1:] = [day, spans[-1][2] + n]
                else:
                    spans.append([day, day, n])
            for first, last, _ in spans:
                yield from con.execute(cols + "date_start BETWEEN ? AND ?" + order, [first, last]).fetchall()
            cur = con.execute(cols + "date_start IS NULL" + order)
            while rows := cur.fetchmany(chunk):
                yield from rows

    def set_clusters(self, clusters: dict[str, str] | pa.Table) -> None:
        """Record each event's cluster (event_id → cluster_id, or a table of those
        two columns) in one transaction; events not named get none."""
        table = clusters if isinstance(clusters, pa.Table) else pa.table(
            {"event_id": list(clusters), "cluster_id": pa.array(list(clusters.values()), pa.string())})
        with self._transaction(_cl=table) as con:
            con.execute("UPDATE events SET cluster_id = NULL")
            if table.num_rows:
                con.execute("UPDATE events SET cluster_id = _cl.cluster_id FROM _cl "
                            "WHERE events.event_id = _cl.event_id")

    def link_articles(self, links: dict[str, tuple[str, float]]) -> None:
        """Record near-duplicate articles: article_id → (the original's id, similarity)."""
        if not links:
            return
        table = pa.table({"article_id": list(links), "duplicate_of": [v[0] for v in links.values()],
                          "similarity": pa.array([float(v[1]) for v in links.values()])})
        with self._transaction(_ln=table) as con:
            con.execute("DELETE FROM article_links WHERE article_id IN (SELECT article_id FROM _ln)")
            con.execute("INSERT INTO article_links (article_id, duplicate_of, similarity) "
                        "SELECT article_id, duplicate_of, similarity FROM _ln")

    def article_links(self) -> dict[str, tuple[str, float]]:
        """Near-duplicate articles: article_id → (the original's id, similarity)."""
        with self._session() as con:
            rows = con.execute("SELECT article_id, duplicate_of, similarity FROM article_links "
                               "ORDER BY article_id").fetchall()
        return {r[0]: (r[1], float(r[2] or 0.0)) for r in rows}

    # ------------------------------------------------------------------ reading
    def coded_ids(self, articles: Sequence[Article], pipeline_version: str) -> set[str]:
        """The ids of ``articles`` already stored with the same content and pipeline version."""
        if not articles:
            return set()
        with self._session() as con:
            rows = con.execute(
                "SELECT a.id FROM articles a JOIN (SELECT unnest(?) AS id, unnest(?) AS h) p "
                "ON a.id = p.id AND a.content_hash = p.h WHERE a.pipeline_version = ?",
                [[a.id for a in articles], [content_hash(a) for a in articles], pipeline_version]).fetchall()
        return {r[0] for r in rows}

    def counts(self) -> tuple[int, int]:
        with self._session() as con:
            a = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            e = con.execute("SELECT count(*) FROM events").fetchone()[0]
        return int(a), int(e)

    def article(self, article_id: str) -> Article | None:
        with self._session() as con:
            r = con.execute("SELECT id, CAST(date AS VARCHAR), text, title, url, origin FROM articles "
                            "WHERE id = ?", [article_id]).fetchone()
        if r is None:
            return None
        return Article(id=r[0], date=r[1], text=r[2], title=r[3], url=r[4], origin=r[5] or "")

    def events(self, q: EventQuery = EventQuery()) -> list[Event]:
        return [row_event(r) for r in self._rows(q)]

    def event_rows(self, q: EventQuery = EventQuery()) -> list[dict[str, Any]]:
        """The matching events as stored rows (column name → value), for exporters."""
        return list(self._rows(q))

    def _rows(self, q: EventQuery) -> list[dict[str, Any]]:
        where, params = ["TRUE"], []
        for value, sides in ((q.actor, ("source", "target")), (q.source, ("source",)),
                             (q.target, ("target",))):
            if value:
                code = value.upper()
                conds = []
                for side in sides:
                    if len(code) > 3:
                        conds.append(f"({side}_country = ? AND {side}_sector = ?)")
                        params += [code[:3], code[3:]]
                    else:
                        conds.append(f"{side}_country = ?")
                        params.append(code)
                where.append("(" + " OR ".join(conds) + ")")
        if q.type:
            where.append("type = ?")
            params.append(q.type.upper())
        if q.since:
            where.append("date_start >= CAST(? AS DATE)")
            params.append(q.since)
        if q.until:
            where.append("date_start <= CAST(? AS DATE)")
            params.append(q.until)
        if q.article_id:
            where.append("article_id = ?")
            params.append(q.article_id)
        sql = (f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE {' AND '.join(where)} "
               "ORDER BY date_start NULLS LAST, article_id, seq")
        if q.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(q.limit), int(q.offset)]
        with self._session() as con:
            cur = con.execute(sql, params)
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
        return [dict(zip(cols, r)) for r in rows]

    def export(self, fmt: str, out: str | Path, q: EventQuery = EventQuery()) -> int:
        """Write the events as csv, jsonl or parquet; returns the number written."""
        events = list(self._rows(q))
        out = Path(out)
        if fmt == "parquet":
            import pyarrow.parquet as pq

            table = pa.table({c: pa.array([r[c] for r in events], ARROW_TYPES.get(c, pa.string()))
                              for c in EVENT_COLUMNS})
            pq.write_table(table, out)
        elif fmt == "csv":
            import csv

            with out.open("w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=list(EVENT_COLUMNS))
                w.writeheader()
                for r in events:
                    w.writerow({k: ("" if v is None else v) for k, v in r.items()})
        elif fmt == "jsonl":
            with out.open("w", encoding="utf-8") as fh:
                for r in events:
                    fh.write(json.dumps(row_event(r).to_dict(), ensure_ascii=False) + "\n")
        else:
            raise StorageError(f"unknown export format {fmt!r}; use csv, jsonl or parquet", code="E405")
        return len(events)


    # ------------------------------------------------------------------ near-duplicates (dedup.py)
    def signed_ids(self, articles: Sequence[Article]) -> set[str]:
        """The ids of ``articles`` whose signature is stored for the same content."""
        if not articles:
            return set()
        with self._session() as con:
            rows = con.execute(
                "SELECT s.article_id FROM article_signatures s JOIN (SELECT unnest(?) AS id, unnest(?) AS h) p "
                "ON s.article_id = p.id AND s.content_hash = p.h",
                [[a.id for a in articles], [content_hash(a) for a in articles]]).fetchall()
        return {r[0] for r in rows}

    def put_signatures(self, table: pa.Table, run: str, ids: Sequence[str]) -> None:
        """Replace the signatures of the articles in ``table`` (article_id, date,
        content_hash, shingles, bands; null shingles drop the row) and mark ``ids``
        as read by ``run``, in one transaction."""
        with self._transaction(_sg=table, _rn=pa.table({"article_id": pa.array(list(ids), pa.string())})) as con:
            con.execute("DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM _sg)")
            con.execute("INSERT INTO article_signatures (article_id, date, content_hash, shingles, bands) "
                        "SELECT article_id, date, content_hash, shingles, bands FROM _sg "
                        "WHERE shingles IS NOT NULL")
            con.execute("UPDATE article_signatures SET run = ? WHERE article_id IN (SELECT article_id FROM _rn)",
                        [run])

    def signature_pairs(self, run: str, per_key: int = 10) -> list[tuple[str, str, bool]]:
        """Candidate near-duplicates (x, y, y read by the run), sorted: x read by
        ``run``; y sharing an LSH band key with it and either stored (coded) before
        the run or read by it and earlier (date, id). Of the articles sharing a key,
        only the ``per_key`` earliest are candidates, so a large group costs no
        more than a small one."""
        with self._session() as con:
            return [(r[0], r[1], bool(r[2])) for r in con.execute(
                "WITH pool AS (SELECT s.article_id, s.date, coalesce(s.run = $run, false) AS in_run, s.bands "
                "  FROM article_signatures s LEFT JOIN articles a "
                "  ON a.id = s.article_id AND a.content_hash = s.content_hash "
                "  WHERE s.run = $run OR a.id IS NOT NULL), "
                "keys AS (SELECT article_id, date, in_run, unnest(bands) AS key, "
                "  generate_subscripts(bands, 1) AS band FROM pool), "
                "ranked AS (SELECT *, row_number() OVER (PARTITION BY band, key ORDER BY date, article_id) AS rn "
                "  FROM keys) "
                "SELECT DISTINCT x.article_id, y.article_id, y.in_run FROM ranked x JOIN ranked y "
                "ON x.band = y.band AND x.key = y.key AND x.article_id <> y.article_id "
                "WHERE x.in_run AND y.rn <= $per_key AND (NOT y.in_run OR y.date < x.date "
                "  OR (y.date = x.date AND y.article_id < x.article_id)) ORDER BY 1, 2",
                {"run": run, "per_key": per_key}).fetchall()]

    def shingle_hashes(self, ids: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """Stored shingle hashes: article_id → (date, shingles)."""
        with self._session() as con:
            rows = con.execute("SELECT article_id, CAST(date AS VARCHAR), shingles FROM article_signatures "
                               "WHERE article_id IN (SELECT unnest(?))", [sorted(set(ids))]).fetchall()
        return {r[0]: (r[1], bytes(r[2])) for r in rows}

    def set_links(self, run: str, links: dict[str, tuple[str, float]]) -> int:
        """Make ``article_links`` agree with a run's near-duplicates in one transaction:
        the run's copies are linked (a link already as given is kept) and their coded
        rows removed, links of the run's other articles dropped, and links to an
        article that is now a copy moved to its original. Returns the rows changed."""
        table = pa.table({"article_id": pa.array(list(links), pa.string()),
                          "duplicate_of": pa.array([v[0] for v in links.values()], pa.string()),
                          "similarity": pa.array([float(v[1]) for v in links.values()], pa.float64())})
        changed = 0
        with self._transaction(_ln=table) as con:
            for sql, params in (
                ("DELETE FROM article_links WHERE article_id IN (SELECT article_id FROM article_signatures "
                 "WHERE run = ?) AND article_id NOT IN (SELECT article_id FROM _ln)", [run]),
                ("DELETE FROM article_links WHERE article_id IN (SELECT l.article_id FROM article_links l "
                 "JOIN _ln n USING (article_id) WHERE l.duplicate_of <> n.duplicate_of "
                 "OR l.similarity IS DISTINCT FROM n.similarity)", []),
                ("INSERT INTO article_links (article_id, duplicate_of, similarity) SELECT article_id, "
                 "duplicate_of, similarity FROM _ln WHERE article_id NOT IN (SELECT article_id FROM article_links)",
                 []),
                ("UPDATE article_links SET duplicate_of = n.duplicate_of FROM _ln n "
                 "WHERE article_links.duplicate_of = n.article_id", []),
                ("DELETE FROM events WHERE article_id IN (SELECT article_id FROM _ln)", []),
                ("DELETE FROM articles WHERE id IN (SELECT article_id FROM _ln)", []),
            ):
                changed += int(con.execute(sql, params).fetchone()[0])
        return changed

    def clusters_stale(self) -> bool:
        """Whether some event has no cluster, or one whose canonical event is gone."""
        with self._session() as con:
            return bool(con.execute("SELECT EXISTS (SELECT 1 FROM events e LEFT JOIN events c "
                                    "ON c.event_id = e.cluster_id WHERE c.event_id IS NULL)").fetchone()[0])


def iter_batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
