"""Exports of stored events in the layouts other event data sets use.

    FORMATS[name] -> ExportFormat(write, read, holds)

``write_events(store, fmt, out, query)`` writes the events that match
``query``; ``read_events(fmt, path)`` reads such a file back into
:class:`~dyadline.model.Event` records, as far as the layout holds them.
``ExportFormat.holds`` names the event fields a layout carries whole, so
``project(event, fmt.holds)`` is what survives a round trip. The column
tables are in docs/exports.md.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import __version__
from .errors import StorageError
from .model import Actor, Event, Location
from .storage import ARROW_TYPES, EVENT_COLUMNS, EventQuery, Store, date_start, row_event

Row = dict[str, Any]

#: Every field of an event that a layout can carry ("day" is the event's first
#: day, which is all a layout with day-precision dates keeps of ``date``).
ALL_FIELDS: tuple[str, ...] = (
    "type", "cameo", "source", "target", "date", "day", "factuality", "background", "goldstein",
    "quad_class", "mode", "fatalities", "location", "evidence", "article_id", "sentence_index",
    "span", "sentence", "pattern",
)


def project(e: Event, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` of ``e``, for comparing an event before and after a round trip."""
    out: dict[str, Any] = {}
    for f in fields:
        if f == "day":
            out[f] = date_start(e.date)
        elif f in ("source", "target"):
            a = getattr(e, f)
            out[f] = None if a is None else (a.name, a.country, a.sector)
        elif f == "location_point":
            loc = e.location
            out[f] = None if loc is None else (loc.name, loc.lat, loc.lon)
        elif f == "location":
            loc = e.location
            out[f] = None if loc is None else (loc.name, loc.country, loc.lat, loc.lon)
        else:
            out[f] = getattr(e, f)
    return out


@dataclass(frozen=True)
class ExportFormat:
    name: str
    description: str
    write: Callable[[Sequence[Row], Path], None]
    read: Callable[[Path], list[Event]]
    holds: tuple[str, ...]


# ---------------------------------------------------------------------- helpers
def _s(v: Any) -> str:
    """A TSV cell: empty for None, no tabs or newlines."""
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(round(v, 6))
    return str(v).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _int(v: str) -> int | None:
    return int(v) if v not in ("", None) else None


def _float(v: str) -> float | None:
    return float(v) if v not in ("", None) else None


def _code(country: str | None, sector: str | None) -> str:
    if sector is None:
        return ""
    return (country or "---") + sector


def _actor_from_code(code: str | None, name: str | None) -> Actor | None:
    if not code:
        return None
    country = code[:3]
    return Actor(name or "", None if country == "---" else country, code[3:] or "UNK")


def _actor(row: Row, prefix: str) -> Actor | None:
    if not row.get(f"{prefix}_sector"):
        return None
    return Actor(row.get(f"{prefix}_name") or "", row.get(f"{prefix}_country") or None,
                 row[f"{prefix}_sector"])


def _location(name: str | None, country: str | None, lat: float | None, lon: float | None) -> Location | None:
    return Location(name, country or None, lat, lon) if name else None


def _write_tsv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, with_header: bool) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        if with_header:
            fh.write("\t".join(header) + "\n")
        for r in rows:
            fh.write("\t".join(_s(v) for v in r) + "\n")


def _read_tsv(path: Path, header: Sequence[str] | None) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [ln.rstrip("\n").split("\t") for ln in fh if ln.strip("\n")]
    if header is None:
        header, lines = lines[0], lines[1:]
    return [dict(zip(header, ln)) for ln in lines]


# ---------------------------------------------------------------------- dyadline's own
def _write_csv(rows: Sequence[Row], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(EVENT_COLUMNS), extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r[k] is None else r[k]) for k in EVENT_COLUMNS})


_BOOL = {"True": True, "False": False, "true": True, "false": False}


def _typed(row: dict[str, str]) -> Row:
    import pyarrow as pa

    out: Row = {}
    for k in EVENT_COLUMNS:
        v = row.get(k, "")
        t = ARROW_TYPES.get(k)
        if v == "":
            out[k] = None if k not in ("evidence", "sentence", "pattern", "cameo") else v
        elif t in (pa.int32(),):
            out[k] = int(v)
        elif t == pa.float64():
            out[k] = float(v)
        elif t == pa.bool_():
            out[k] = _BOOL[v]
        else:
            out[k] = v
    return out


def _read_csv(path: Path) -> list[Event]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row_event(_typed(r)) for r in csv.DictReader(fh)]


def _write_parquet(rows: Sequence[Row], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({c: pa.array([r[c] for r in rows], ARROW_TYPES.get(c, pa.string()))
                             for c in EVENT_COLUMNS}), path)


def _read_parquet(path: Path) -> list[Event]:
    import pyarrow.parquet as pq

    return [row_event(r) for r in pq.read_table(path).to_pylist()]


def _write_jsonl(rows: Sequence[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(row_event(r).to_dict(), ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[Event]:
    with path.open(encoding="utf-8") as fh:
        return [Event.from_dict(json.loads(ln)) for ln in fh if ln.strip()]


# ---------------------------------------------------------------------- PLOVER
def plover_record(r: Row) -> dict[str, Any]:
    """One event as a PLOVER JSON record; dyadline's own fields go under ``dyadline``."""
    loc = None
    if r["location_name"]:
        loc = {"name": r["location_name"], "country": r["location_country"],
               "lat": r["location_lat"], "lon": r["location_lon"]}
    return {
        "id": r["event_id"], "date": r["date"], "event": r["type"], "mode": r["mode"] or "",
        "context": [], "quad_code": r["quad_class"], "goldstein": r["goldstein"],
        "actor": _code(r["source_country"], r["source_sector"]), "actor_text": r["source_name"] or "",
        "recipient": _code(r["target_country"], r["target_sector"]),
        "recipient_text": r["target_name"] or "",
        "event_text": r["evidence"] or "", "event_loc": loc, "dead": r["fatalities"],
        "story_id": r["article_id"], "sentence_num": r["sentence_index"],
        "source": r.get("article_url") or "",
        "dyadline": {"cameo": r["cameo"], "factuality": r["factuality"], "background": r["background"],
                     "span": [r["span_start"], r["span_end"]], "sentence": r["sentence"],
                     "pattern": r["pattern"]},
    }


def _write_plover(rows: Sequence[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(plover_record(r), ensure_ascii=False) + "\n")


def _read_plover(path: Path) -> list[Event]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for ln in fh:
            if not ln.strip():
                continue
            d = json.loads(ln)
            x = d.get("dyadline") or {}
            loc = d.get("event_loc") or None
            span = x.get("span") or [0, 0]
            out.append(Event(
                type=d["event"], cameo=x.get("cameo") or "",
                source=_actor_from_code(d.get("actor"), d.get("actor_text")),
                target=_actor_from_code(d.get("recipient"), d.get("recipient_text")),
                date=d.get("date"), factuality=x.get("factuality") or "asserted",
                background=bool(x.get("background")), goldstein=d.get("goldstein"),
                quad_class=d.get("quad_code"), mode=d.get("mode") or None, fatalities=d.get("dead"),
                location=Location.from_dict(loc), evidence=d.get("event_text") or "",
                article_id=d.get("story_id") or "", sentence_index=int(d.get("sentence_num", -1)),
                span=(int(span[0]), int(span[1])), sentence=x.get("sentence") or "",
                pattern=x.get("pattern") or ""))
    return out


# ---------------------------------------------------------------------- POLECAT
POLECAT_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code", "Contexts",
    "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors",
    "Actor Title", "Actor Name Raw", "Wikipedia Actor ID",
    "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector",
    "Recipient Sectors", "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID",
    "Placename", "City", "District", "Province", "Country", "Latitude", "Longitude", "GeoNames ID",
    "Raw Placename", "Feature Type", "Source", "Publication Date", "Story People",
    "Story Organizations", "Story Locations", "Language", "Version",
)


def _polecat_row(r: Row) -> list[Any]:
    side = {}
    for p in ("source", "target"):
        side[p] = [r[f"{p}_name"], r[f"{p}_country"], "", r[f"{p}_sector"], r[f"{p}_sector"], "",
                   r[f"{p}_name"], ""]
    return [r["event_id"], r["date"], r["type"], r["mode"], r["goldstein"], r["quad_class"], "",
            *side["source"], *side["target"],
            r["location_name"], "", "", "", r["location_country"], r["location_lat"], r["location_lon"],
            "", r["location_name"], "", r.get("article_url") or "", r.get("article_date"), "", "", "",
            "en", f"dyadline {__version__}"]


def _polecat_actor(d: dict[str, str], who: str) -> Actor | None:
    sector = d[f"Primary {who} Sector"]
    if not sector:
        return None
    return Actor(d[f"{who} Name"], d[f"{who} Country"] or None, sector)


def _read_polecat(path: Path) -> list[Event]:
    out = []
    for d in _read_tsv(path, None):
        article_id, _, _ = d["Event ID"].rpartition("#")
        out.append(Event(
            type=d["Event Type"], cameo="", source=_polecat_actor(d, "Actor"),
            target=_polecat_actor(d, "Recipient"), date=d["Event Date"] or None,
            goldstein=_float(d["Intensity"]), quad_class=_int(d["Quad Code"]),
            mode=d["Event Mode"] or None,
            location=_location(d["Placename"], d["Country"], _float(d["Latitude"]), _float(d["Longitude"])),
            article_id=article_id))
    return out


# ---------------------------------------------------------------------- GDELT 2.0
def _gdelt_actor_cols(n: str) -> list[str]:
    return [f"Actor{n}Code", f"Actor{n}Name", f"Actor{n}CountryCode", f"Actor{n}KnownGroupCode",
            f"Actor{n}EthnicCode", f"Actor{n}Religion1Code", f"Actor{n}Religion2Code",
            f"Actor{n}Type1Code", f"Actor{n}Type2Code", f"Actor{n}Type3Code"]


def _gdelt_geo_cols(p: str) -> list[str]:
    return [f"{p}Geo_Type", f"{p}Geo_FullName", f"{p}Geo_CountryCode", f"{p}Geo_ADM1Code",
            f"{p}Geo_ADM2Code", f"{p}Geo_Lat", f"{p}Geo_Long", f"{p}Geo_FeatureID"]


#: The 61 columns of the GDELT 2.0 event table, in the codebook's order.
GDELT_COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *_gdelt_actor_cols("1"), *_gdelt_actor_cols("2"),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *_gdelt_geo_cols("Actor1"), *_gdelt_geo_cols("Actor2"), *_gdelt_geo_cols("Action"),
    "DATEADDED", "SOURCEURL",
)


def _gdelt_row(n: int, r: Row) -> list[Any]:
    day: date | None = r["date_start"]
    actors = []
    for p in ("source", "target"):
        sector = r[f"{p}_sector"]
        actors += [(r[f"{p}_country"] or "") + (sector or "") if sector else "", r[f"{p}_name"],
                   r[f"{p}_country"], "", "", "", "", sector, "", ""]
    cameo = r["cameo"] or ""
    geo: list[Any] = [""] * 8
    if r["location_name"]:
        geo = ["", r["location_name"], "", "", "", r["location_lat"], r["location_lon"], ""]
    added = r.get("coded_at")
    return [
        n, day.strftime("%Y%m%d") if day else "", day.strftime("%Y%m") if day else "",
        day.year if day else "",
        f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}" if day else "",
        *actors, 1 if r["sentence_index"] == 0 else 0, cameo, cameo[:3], cameo[:2],
        r["quad_class"], r["goldstein"], 1, 1, 1, "",
        *([""] * 8), *([""] * 8), *geo,
        added.strftime("%Y%m%d%H%M%S") if isinstance(added, datetime) else "",
        r.get("article_url") or "",
    ]


def _gdelt_actor(d: dict[str, str], n: str) -> Actor | None:
    sector = d[f"Actor{n}Type1Code"]
    if not sector:
        return None
    return Actor(d[f"Actor{n}Name"], d[f"Actor{n}CountryCode"] or None, sector)


def _read_gdelt(path: Path) -> list[Event]:
    out = []
    for d in _read_tsv(path, GDELT_COLUMNS):
        day = d["Day"]
        out.append(Event(
            type="", cameo=d["EventCode"], source=_gdelt_actor(d, "1"), target=_gdelt_actor(d, "2"),
            date=f"{day[:4]}-{day[4:6]}-{day[6:]}" if day else None,
            goldstein=_float(d["GoldsteinScale"]), quad_class=_int(d["QuadClass"]),
            location=_location(d["ActionGeo_FullName"], None, _float(d["ActionGeo_Lat"]),
                               _float(d["ActionGeo_Long"]))))
    return out


# ---------------------------------------------------------------------- ICEWS
ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
    "Longitude",
)


def _icews_row(r: Row) -> list[Any]:
    day: date | None = r["date_start"]
    return [r["event_id"], day.isoformat() if day else "", r["source_name"], r["source_sector"],
            r["source_country"], r["evidence"], r["cameo"], r["goldstein"], r["target_name"],
            r["target_sector"], r["target_country"], r["article_id"],
            "" if r["sentence_index"] is None or r["sentence_index"] < 0 else r["sentence_index"] + 1,
            "", r["location_name"], "", "", r["location_country"], r["location_lat"], r["location_lon"]]


def _icews_actor(d: dict[str, str], who: str) -> Actor | None:
    sector = d[f"{who} Sectors"]
    return Actor(d[f"{who} Name"], d[f"{who} Country"] or None, sector) if sector else None


def _read_icews(path: Path) -> list[Event]:
    out = []
    for d in _read_tsv(path, None):
        sn = _int(d["Sentence Number"])
        out.append(Event(
            type="", cameo=d["CAMEO Code"], source=_icews_actor(d, "Source"),
            target=_icews_actor(d, "Target"), date=d["Event Date"] or None,
            goldstein=_float(d["Intensity"]), evidence=d["Event Text"],
            location=_location(d["City"], d["Country"], _float(d["Latitude"]), _float(d["Longitude"])),
            article_id=d["Story ID"], sentence_index=-1 if sn is None else sn - 1))
    return out


# ---------------------------------------------------------------------- registry
_EVERYTHING = tuple(f for f in ALL_FIELDS if f != "day")

FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("csv", "dyadline's event columns, comma-separated", _write_csv, _read_csv,
                        _EVERYTHING),
    "parquet": ExportFormat("parquet", "dyadline's event columns, Parquet", _write_parquet,
                            _read_parquet, _EVERYTHING),
    "jsonl": ExportFormat("jsonl", "dyadline's event records, JSON Lines", _write_jsonl, _read_jsonl,
                          _EVERYTHING),
    "plover": ExportFormat("plover", "PLOVER JSON Lines", _write_plover, _read_plover, _EVERYTHING),
    "polecat": ExportFormat(
        "polecat", "POLECAT tab-separated layout",
        lambda rows, p: _write_tsv(p, POLECAT_COLUMNS, (_polecat_row(r) for r in rows), with_header=True),
        _read_polecat,
        ("type", "source", "target", "date", "goldstein", "quad_class", "mode", "location", "article_id")),
    "gdelt": ExportFormat(
        "gdelt", "GDELT 2.0 event table (61 columns, tab-separated, no header)",
        lambda rows, p: _write_tsv(p, GDELT_COLUMNS, (_gdelt_row(i + 1, r) for i, r in enumerate(rows)),
                                   with_header=False),
        _read_gdelt, ("cameo", "source", "target", "day", "goldstein", "quad_class", "location_point")),
    "icews": ExportFormat(
        "icews", "ICEWS coded-event layout, tab-separated",
        lambda rows, p: _write_tsv(p, ICEWS_COLUMNS, (_icews_row(r) for r in rows), with_header=True),
        _read_icews,
        ("cameo", "source", "target", "day", "goldstein", "evidence", "location", "article_id",
         "sentence_index")),
}


def get_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise StorageError(f"unknown export format {name!r}; use {', '.join(FORMATS)}",
                           code="E405") from None


def export_rows(store: Store, q: EventQuery = EventQuery()) -> list[Row]:
    """The stored rows matching ``q``, with their article's url, date and coding time."""
    rows = store.event_rows(q)
    ids = sorted({r["article_id"] for r in rows})
    meta: dict[str, tuple[Any, ...]] = {}
    if ids:
        for aid, url, day, coded in store.con.execute(
                "SELECT id, url, CAST(date AS VARCHAR), coded_at FROM articles "
                "WHERE list_contains(?, id)", [ids]).fetchall():
            meta[aid] = (url, day, coded)
    for r in rows:
        url, day, coded = meta.get(r["article_id"], (None, None, None))
        r.update(article_url=url, article_date=day, coded_at=coded)
    return rows


def write_events(store: Store, fmt: str, out: str | Path, q: EventQuery = EventQuery()) -> int:
    """Write the events matching ``q`` to ``out`` in format ``fmt``; returns how many."""
    f = get_format(fmt)
    rows = export_rows(store, q)
    try:
        f.write(rows, Path(out))
    except OSError as exc:
        raise StorageError(f"cannot write {out}: {exc.strerror}", code="E406") from None
    return len(rows)


def read_events(fmt: str, path: str | Path) -> list[Event]:
    """Read an export back into events (only the fields the format holds are filled)."""
    return get_format(fmt).read(Path(path))
