"""Dyad time series and aggregates, computed in DuckDB.

A *dyad* is a pair of actors. Each side is a country code (``PRK``) or an
actor code (country and sector, ``PRKGOV``); a dyad is read one way
(``directed``: A→B only) or both ways, and a single actor can be followed
against everybody. Every value reaches SQL as a bound parameter; the only
text spliced into a statement comes from the fixed tables in this module.

    dyad_series(store, "PRK", "RUS", freq="month")     -> Series
    top_dyads(store, since=..., until=...)              -> list[DyadStat]
    dyad_changes(store, base=(s, u), recent=(s, u))    -> list[DyadChange]
    search_events(store, EventFilter(...))             -> EventPage
    article_view(store, article_id)                    -> ArticleView
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Sequence, TextIO

from .errors import UsageError
from .model import EVENT_TYPES, NON_STATE_COUNTRIES, SECTORS, Event
from .storage import EVENT_COLUMNS, Store, row_event

FREQS: tuple[str, ...] = ("day", "week", "month")
#: Largest page the event search returns.
MAX_PAGE_SIZE = 500
#: Most periods one series may span (27 years of days).
MAX_BUCKETS = 10_000

_CODE = re.compile(r"[A-Z]{3}(?:[A-Z]{3})?")


# ---------------------------------------------------------------------- arguments
@dataclass(frozen=True)
class ActorCode:
    """``PRK`` (any sector of a country) or ``PRKGOV`` (one sector)."""

    country: str
    sector: str | None = None

    @property
    def code(self) -> str:
        return self.country + (self.sector or "")

    def condition(self, side: str) -> tuple[str, list[str]]:
        """A SQL condition on ``side`` (``source`` or ``target``) with its parameters."""
        if side not in ("source", "target"):
            raise ValueError(side)
        if self.sector:
            return f"({side}_country = ? AND {side}_sector = ?)", [self.country, self.sector]
        return f"{side}_country = ?", [self.country]


def parse_actor(value: str) -> ActorCode:
    """Read a country code or an actor code; raise :class:`UsageError` (E521) otherwise."""
    code = (value or "").strip().upper()
    if not _CODE.fullmatch(code):
        raise UsageError(f"unknown actor code {value!r}: give a country code such as PRK "
                         "or an actor code such as PRKGOV", code="E521")
    country, sector = code[:3], code[3:] or None
    if sector is not None and sector not in SECTORS:
        raise UsageError(f"unknown actor code {value!r}: {sector!r} is not a PLOVER sector "
                         f"({', '.join(sorted(SECTORS))})", code="E521")
    if sector is None and country in SECTORS and country not in NON_STATE_COUNTRIES:
        # e.g. "GOV" alone: a sector, not a country
        raise UsageError(f"unknown actor code {value!r}: a sector needs a country before it, "
                         "e.g. PRKGOV", code="E521")
    return ActorCode(country, sector)


def parse_day(value: str | None, name: str = "date") -> date | None:
    """``YYYY-MM-DD`` or None; raise :class:`UsageError` (E522) on anything else."""
    if value is None or value == "":
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        raise UsageError(f"{name} {value!r} is not a YYYY-MM-DD date", code="E522")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{name} {value!r} does not exist", code="E522") from None


@dataclass(frozen=True)
class DateRange:
    since: date | None = None
    until: date | None = None

    @classmethod
    def parse(cls, since: str | None, until: str | None) -> DateRange:
        """Both ends optional; an end before its start is an error (E523)."""
        r = cls(parse_day(since, "since"), parse_day(until, "until"))
        if r.since and r.until and r.since > r.until:
            raise UsageError(f"date range is inverted: since {r.since} is after until {r.until}",
                             code="E523")
        return r

    def condition(self) -> tuple[str, list[Any]]:
        where, params = ["date_start IS NOT NULL"], []
        if self.since:
            where.append("date_start >= ?")
            params.append(self.since)
        if self.until:
            where.append("date_start <= ?")
            params.append(self.until)
        return " AND ".join(where), params


def check_freq(freq: str) -> str:
    if freq not in FREQS:
        raise UsageError(f"unknown frequency {freq!r}; use {', '.join(FREQS)}", code="E524")
    return freq


def dyad_condition(a: ActorCode, b: ActorCode | None, directed: bool) -> tuple[str, list[Any]]:
    """Events between ``a`` and ``b`` (or ``a`` and anyone when ``b`` is None)."""
    a_src, p1 = a.condition("source")
    a_tgt, p2 = a.condition("target")
    if b is None:
        if directed:
            return a_src, p1
        return f"({a_src} OR {a_tgt})", p1 + p2
    b_src, p3 = b.condition("source")
    b_tgt, p4 = b.condition("target")
    forward = f"({a_src} AND {b_tgt})"
    if directed:
        return forward, p1 + p4
    return f"({forward} OR ({b_src} AND {a_tgt}))", p1 + p4 + p3 + p2


# ---------------------------------------------------------------------- series
@dataclass(frozen=True)
class Bucket:
    """One period of a series."""

    period: date
    events: int
    quad: tuple[int, int, int, int]          # QuadClass 1..4
    types: dict[str, int]
    goldstein_sum: float
    goldstein_mean: float | None

    @property
    def cooperation(self) -> int:
        return self.quad[0] + self.quad[1]

    @property
    def conflict(self) -> int:
        return self.quad[2] + self.quad[3]

    @property
    def balance(self) -> float | None:
        """(cooperation − conflict) / events, from −1 (all conflict) to +1; None when empty."""
        return (self.cooperation - self.conflict) / self.events if self.events else None

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period.isoformat(), "events": self.events,
                "quad_class": {str(i + 1): n for i, n in enumerate(self.quad)},
                "types": self.types, "cooperation": self.cooperation, "conflict": self.conflict,
                "balance": self.balance, "goldstein_sum": self.goldstein_sum,
                "goldstein_mean": self.goldstein_mean}


@dataclass(frozen=True)
class Series:
    a: str
    b: str | None
    directed: bool
    freq: str
    buckets: list[Bucket] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(b.events for b in self.buckets)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "directed": self.directed, "freq": self.freq,
                "total": self.total, "buckets": [b.to_dict() for b in self.buckets]}


def _period_start(d: date, freq: str) -> date:
    if freq == "week":
        return d - timedelta(days=d.weekday())
    if freq == "month":
        return d.replace(day=1)
    return d


def _periods(start: date, end: date, freq: str) -> int:
    """How many periods from the one starting at ``start`` to the one at ``end``."""
    if freq == "month":
        return (end.year - start.year) * 12 + end.month - start.month + 1
    return (end - start).days // (7 if freq == "week" else 1) + 1


def _next_period(d: date, freq: str) -> date:
    if freq == "day":
        return d + timedelta(days=1)
    if freq == "week":
        return d + timedelta(days=7)
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def dyad_series(store: Store, a: str, b: str | None = None, *, freq: str = "month",
                directed: bool = False, since: str | None = None,
                until: str | None = None) -> Series:
    """Counts by QuadClass and type, summed and mean Goldstein, per period.

    Periods with no events inside the range covered are filled with zeros, so
    the buckets form an unbroken timeline (weeks start on Monday).
    """
    actor_a = parse_actor(a)
    actor_b = parse_actor(b) if b else None
    check_freq(freq)
    rng = DateRange.parse(since, until)
    dyad_sql, dyad_params = dyad_condition(actor_a, actor_b, directed)
    range_sql, range_params = rng.condition()
    where = f"{dyad_sql} AND {range_sql}"
    params = [freq] + dyad_params + range_params
    rows = store.con.execute(
        "SELECT CAST(date_trunc(?, date_start) AS DATE) AS period, type, quad_class, "
        "count(*), coalesce(sum(goldstein), 0), count(goldstein) "
        f"FROM events WHERE {where} GROUP BY ALL ORDER BY period", params).fetchall()
    acc: dict[date, dict[str, Any]] = {}
    for period, typ, quad, n, gsum, gn in rows:
        cell = acc.setdefault(period, {"n": 0, "quad": [0, 0, 0, 0], "types": {}, "gsum": 0.0, "gn": 0})
        cell["n"] += n
        if quad in (1, 2, 3, 4):
            cell["quad"][quad - 1] += n
        cell["types"][typ] = cell["types"].get(typ, 0) + n
        cell["gsum"] += float(gsum)
        cell["gn"] += gn
    buckets: list[Bucket] = []
    if acc:
        start = _period_start(rng.since, freq) if rng.since else min(acc)
        end = _period_start(rng.until, freq) if rng.until else max(acc)
        if _periods(start, end, freq) > MAX_BUCKETS:
            raise UsageError(f"{start} to {end} is more than {MAX_BUCKETS} periods of a {freq}; "
                             "narrow the range or use a longer frequency", code="E535")
        p: date | None = start
        while p is not None and p <= end:
            c = acc.get(p)
            if c is None:
                buckets.append(Bucket(p, 0, (0, 0, 0, 0), {}, 0.0, None))
            else:
                types = {t: c["types"][t] for t in EVENT_TYPES if t in c["types"]}
                buckets.append(Bucket(p, c["n"], tuple(c["quad"]), types,  # type: ignore[arg-type]
                                      round(c["gsum"], 3),
                                      round(c["gsum"] / c["gn"], 3) if c["gn"] else None))
            try:
                p = _next_period(p, freq)
            except (ValueError, OverflowError):        # past 9999-12-31
                p = None
    return Series(actor_a.code, actor_b.code if actor_b else None, directed, freq, buckets)


# ---------------------------------------------------------------------- top dyads
@dataclass(frozen=True)
class DyadStat:
    a: str
    b: str
    events: int
    cooperation: int
    conflict: int
    goldstein_sum: float
    goldstein_mean: float | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class DyadChange:
    a: str
    b: str
    events_before: int
    events_after: int
    goldstein_before: float
    goldstein_after: float

    @property
    def events_change(self) -> int:
        return self.events_after - self.events_before

    @property
    def goldstein_change(self) -> float:
        return round(self.goldstein_after - self.goldstein_before, 3)

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "events_change": self.events_change,
                "goldstein_change": self.goldstein_change}


_PAIR_SQL = """
    SELECT least(source_country, target_country) AS a, greatest(source_country, target_country) AS b,
           count(*) AS n, count(*) FILTER (WHERE quad_class <= 2) AS coop,
           count(*) FILTER (WHERE quad_class >= 3) AS confl,
           coalesce(sum(goldstein), 0) AS gsum, avg(goldstein) AS gmean
    FROM events
    WHERE source_country IS NOT NULL AND target_country IS NOT NULL
      AND source_country <> target_country AND {range}
    GROUP BY ALL"""


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise UsageError(f"limit {limit} is out of range (1 to {MAX_PAGE_SIZE})", code="E525")
    return limit


def top_dyads(store: Store, *, since: str | None = None, until: str | None = None,
              limit: int = 10) -> list[DyadStat]:
    """Country pairs (either direction) with the most events in the range."""
    _check_limit(limit)
    range_sql, params = DateRange.parse(since, until).condition()
    rows = store.con.execute(_PAIR_SQL.format(range=range_sql) + " ORDER BY n DESC, a, b LIMIT ?",
                             params + [limit]).fetchall()
    return [DyadStat(a, b, n, coop, confl, round(float(gs), 3),
                     None if gm is None else round(float(gm), 3))
            for a, b, n, coop, confl, gs, gm in rows]


def dyad_changes(store: Store, *, base: tuple[str | None, str | None],
                 recent: tuple[str | None, str | None], limit: int = 10,
                 by: str = "goldstein") -> list[DyadChange]:
    """Country pairs whose relations moved most from ``base`` to ``recent``.

    ``by="goldstein"`` ranks by the absolute change in summed Goldstein score
    (how far the relation moved toward cooperation or conflict), ``by="events"``
    by the absolute change in the number of events.
    """
    _check_limit(limit)
    if by not in ("goldstein", "events"):
        raise UsageError(f"unknown ranking {by!r}; use goldstein or events", code="E526")
    r1_sql, p1 = DateRange.parse(*base).condition()
    r2_sql, p2 = DateRange.parse(*recent).condition()
    key = "abs(coalesce(r.gsum, 0) - coalesce(o.gsum, 0))" if by == "goldstein" else \
        "abs(coalesce(r.n, 0) - coalesce(o.n, 0))"
    sql = (f"WITH o AS ({_PAIR_SQL.format(range=r1_sql)}), r AS ({_PAIR_SQL.format(range=r2_sql)}) "
           "SELECT coalesce(r.a, o.a), coalesce(r.b, o.b), coalesce(o.n, 0), coalesce(r.n, 0), "
           "coalesce(o.gsum, 0), coalesce(r.gsum, 0) FROM o FULL OUTER JOIN r ON o.a = r.a AND o.b = r.b "
           f"ORDER BY {key} DESC, 1, 2 LIMIT ?")
    rows = store.con.execute(sql, p1 + p2 + [limit]).fetchall()
    return [DyadChange(a, b, n1, n2, round(float(g1), 3), round(float(g2), 3))
            for a, b, n1, n2, g1, g2 in rows]


# ---------------------------------------------------------------------- event search
@dataclass(frozen=True)
class EventFilter:
    """Filters for :func:`search_events`; all optional, all bound as parameters."""

    actor: str | None = None
    dyad: tuple[str, str] | None = None
    directed: bool = False
    type: str | None = None
    quad_class: int | None = None
    since: str | None = None
    until: str | None = None
    text: str | None = None
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class EventPage:
    total: int
    page: int
    page_size: int
    rows: list[tuple[str, Event]]            # (event_id, event)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "page": self.page, "page_size": self.page_size,
                "events": [{"event_id": i, **e.to_dict()} for i, e in self.rows]}


def search_events(store: Store, f: EventFilter) -> EventPage:
    """One page of events matching ``f``, oldest first."""
    if not 1 <= f.page_size <= MAX_PAGE_SIZE:
        raise UsageError(f"page size {f.page_size} is over the limit of {MAX_PAGE_SIZE}"
                         if f.page_size > MAX_PAGE_SIZE else
                         f"page size {f.page_size} must be at least 1", code="E527")
    if f.page < 1:
        raise UsageError(f"page {f.page} must be 1 or more", code="E527")
    rng = DateRange.parse(f.since, f.until)
    where, params = ["TRUE"], []
    if f.actor:
        sql, p = dyad_condition(parse_actor(f.actor), None, False)
        where.append(sql)
        params += p
    if f.dyad:
        sql, p = dyad_condition(parse_actor(f.dyad[0]), parse_actor(f.dyad[1]), f.directed)
        where.append(sql)
        params += p
    if f.type:
        if f.type.upper() not in EVENT_TYPES:
            raise UsageError(f"unknown event type {f.type!r}; use one of {', '.join(EVENT_TYPES)}",
                             code="E528")
        where.append("type = ?")
        params.append(f.type.upper())
    if f.quad_class is not None:
        if f.quad_class not in (1, 2, 3, 4):
            raise UsageError(f"QuadClass {f.quad_class} must be 1, 2, 3 or 4", code="E528")
        where.append("quad_class = ?")
        params.append(f.quad_class)
    if rng.since or rng.until:
        sql, p = rng.condition()
        where.append(sql)
        params += p
    if f.text:
        where.append("(evidence ILIKE ? ESCAPE '\\' OR sentence ILIKE ? ESCAPE '\\')")
        pattern = "%" + re.sub(r"([%_\\])", r"\\\1", f.text) + "%"
        params += [pattern, pattern]
    cond = " AND ".join(where)
    total = store.con.execute(f"SELECT count(*) FROM events WHERE {cond}", params).fetchone()[0]
    cur = store.con.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE {cond} "
        "ORDER BY date_start NULLS LAST, article_id, seq LIMIT ? OFFSET ?",
        params + [f.page_size, (f.page - 1) * f.page_size])
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    return EventPage(int(total), f.page, f.page_size, [(r["event_id"], row_event(r)) for r in rows])


# ---------------------------------------------------------------------- article view
@dataclass(frozen=True)
class Segment:
    """A stretch of article text; ``events`` are the indexes of events whose span covers it."""

    text: str
    events: tuple[int, ...] = ()


@dataclass(frozen=True)
class ArticleView:
    """An article with its events (``(event_id, event)``, in the order coded) and text segments."""

    id: str
    date: str
    title: str | None
    url: str | None
    text: str
    events: list[tuple[str, Event]]
    segments: list[Segment]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date, "title": self.title, "url": self.url,
                "text": self.text,
                "events": [{"event_id": i, **e.to_dict()} for i, e in self.events],
                "segments": [{"text": s.text, "events": list(s.events)} for s in self.segments]}


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> list[Segment]:
    """Cut ``text`` at every span edge; each piece lists the spans covering it."""
    n = len(text)
    cuts = {0, n}
    for s, e in spans:
        if 0 <= s < e <= n:
            cuts |= {s, e}
    edges = sorted(cuts)
    out = []
    for lo, hi in zip(edges, edges[1:]):
        cover = tuple(i for i, (s, e) in enumerate(spans) if 0 <= s <= lo and hi <= e <= n and s < e)
        out.append(Segment(text[lo:hi], cover))
    return out


def article_view(store: Store, article_id: str) -> ArticleView | None:
    """The article's text cut into segments, with its events' spans marked."""
    art = store.article(article_id)
    if art is None:
        return None
    from .storage import EventQuery

    rows = sorted(store.event_rows(EventQuery(article_id=article_id)), key=lambda r: r["seq"])
    events = [(r["event_id"], row_event(r)) for r in rows]
    return ArticleView(art.id, art.date, art.title, art.url, art.text, events,
                       highlight(art.text, [e.span for _, e in events]))


# ---------------------------------------------------------------------- output
def print_series(series: Series, out: TextIO) -> None:
    """A fixed-width table: one row per period."""
    who = series.a + ("" if series.b is None else ("→" if series.directed else "–") + series.b)
    print(f"{who}  by {series.freq}: {series.total} events", file=out)
    if not series.buckets:
        print("no events", file=out)
        return
    head = f"{'PERIOD':<10}{'EVENTS':>7}{'Q1':>4}{'Q2':>4}{'Q3':>4}{'Q4':>4}{'BALANCE':>9}" \
           f"{'GS_SUM':>8}{'GS_MEAN':>9}  TYPES"
    print(head, file=out)
    for b in series.buckets:
        bal = "" if b.balance is None else f"{b.balance:+.2f}"
        mean = "" if b.goldstein_mean is None else f"{b.goldstein_mean:.2f}"
        types = ", ".join(f"{t} {n}" for t, n in b.types.items())
        line = (f"{b.period.isoformat():<10}{b.events:>7}" + "".join(f"{q:>4}" for q in b.quad)
                + f"{bal:>9}{b.goldstein_sum:>8.1f}{mean:>9}  {types}")
        print(line.rstrip(), file=out)


def plot_series(series: Series, path: str | Path, *, width: int = 900, height: int = 500) -> Path:
    """Draw the series: ``.png`` with matplotlib (Agg), ``.html`` with plotly (script inline)."""
    path = Path(path)
    suffix = path.suffix.lower()
    title = series.a + ("" if series.b is None else f" – {series.b}") + f" ({series.freq})"
    x = [b.period.isoformat() for b in series.buckets]
    coop = [b.cooperation for b in series.buckets]
    confl = [-b.conflict for b in series.buckets]
    gs = [b.goldstein_sum for b in series.buckets]
    if suffix == ".png":
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure

        fig = Figure(figsize=(width / 100, height / 100), dpi=100)
        ax = fig.add_subplot()
        pos = list(range(len(x)))
        ax.bar(pos, coop, color="#2a9d8f", label="cooperation (Q1+Q2)")
        ax.bar(pos, confl, color="#e76f51", label="conflict (Q3+Q4)")
        ax2 = ax.twinx()
        ax2.plot(pos, gs, color="#264653", marker="o", label="Goldstein sum")
        ax.set_xticks(pos, x, rotation=45, ha="right", fontsize=8)
        ax.axhline(0, color="#888", linewidth=0.5)
        ax.set_ylabel("events")
        ax2.set_ylabel("Goldstein sum")
        ax.set_title(title)
        ax.legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        fig.savefig(path, format="png")
    elif suffix in (".html", ".htm"):
        import plotly.graph_objects as go

        fig = go.Figure()
        fig.add_bar(x=x, y=coop, name="cooperation (Q1+Q2)", marker_color="#2a9d8f")
        fig.add_bar(x=x, y=confl, name="conflict (Q3+Q4)", marker_color="#e76f51")
        fig.add_scatter(x=x, y=gs, name="Goldstein sum", yaxis="y2", line_color="#264653")
        fig.update_layout(title=title, barmode="relative", width=width, height=height,
                          yaxis={"title": "events"},
                          yaxis2={"title": "Goldstein sum", "overlaying": "y", "side": "right"})
        fig.write_html(path, include_plotlyjs=True, full_html=True)
    else:
        raise UsageError(f"cannot plot to {path.name!r}: use a .png or .html file", code="E529")
    return path
