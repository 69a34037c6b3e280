"""Reading articles: seed-format text, JSON Lines, CSV, HTML and Parquet.

JSON Lines and CSV may be gzip'd (``.jsonl.gz``, ``.csv.gz``); those, Parquet
files and plain files over ``STREAM_MIN`` bytes are read as a stream, so memory
stays flat however large the input.

:func:`read_inputs` yields :class:`~dyadline.model.Article` for every good
item and :class:`~dyadline.model.Problem` for every bad one (file, line,
reason), so that a run codes what it can and reports the rest.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..model import Article, Problem

TEXT_EXT = {".txt", ".text"}
JSONL_EXT = {".jsonl", ".ndjson"}
CSV_EXT = {".csv"}
HTML_EXT = {".html", ".htm"}
PARQUET_EXT = {".parquet"}
SUPPORTED = TEXT_EXT | JSONL_EXT | CSV_EXT | HTML_EXT | PARQUET_EXT
STREAM_MIN = 16 * 1024 * 1024   # plain JSONL/CSV files larger than this are streamed
DATE_LINE = re.compile(r"\A[\s\ufeff]*date[ \t]+(\S+)[ \t]*(?:\r?\n)?")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
MAX_FUTURE = timedelta(days=2)

Item = Article | Problem


def check_date(value: object, today: date | None = None) -> str:
    """Return ``value`` as YYYY-MM-DD, or raise ValueError with the reason."""
    if not isinstance(value, str):
        raise ValueError(f"date must be a YYYY-MM-DD string, not {type(value).__name__}")
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"date {value!r} is not YYYY-MM-DD")
    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {value!r} does not exist") from None
    if d > (today or date.today()) + MAX_FUTURE:
        raise ValueError(f"date {value!r} is in the future")
    return text


def clean_text(text: str, boilerplate: Iterable[re.Pattern[str]] = ()) -> str:
    """Normalise line ends, drop control characters and page-chrome lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL.sub("", text)
    pats = list(boilerplate)
    lines = [ln for ln in text.split("\n") if not (ln.strip() and any(p.fullmatch(ln.strip()) for p in pats))]
    text = "\n".join(lines)
    text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)
    return text.strip()


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes → text; a warning when the file was not UTF-8. Raises ValueError if binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16 text, decoded"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise ValueError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) * 0.05:
        raise ValueError("binary file, not text")
    return data.decode("cp1252", errors="replace"), "not UTF-8; decoded as Latin-1 (Windows-1252)"


def iter_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts):
                yield p
    else:
        yield path


def read_inputs(paths: Iterable[str | Path], *, date_override: str | None = None,
                boilerplate: Iterable[re.Pattern[str]] = (), today: date | None = None) -> Iterator[Item]:
    """Every article under ``paths`` (files or folders, recursively), and every problem."""
    pats = list(boilerplate)
    for root in paths:
        root = Path(root)
        if not root.exists():
            yield Problem(str(root), "no such file or folder")
            continue
        for f in iter_files(root):
            rel = f.relative_to(root) if root.is_dir() else Path(f.name)
            yield from read_file(f, rel_id=str(rel.with_suffix("")), date_override=date_override,
                                 boilerplate=pats, today=today)


def read_file(f: Path, *, rel_id: str | None = None, date_override: str | None = None,
              boilerplate: list[re.Pattern[str]] | None = None, today: date | None = None) -> Iterator[Item]:
    pats = boilerplate or []
    ext = f.suffix.lower()
    origin = str(f)
    gz = ext == ".gz" and Path(f.stem).suffix.lower() in JSONL_EXT | CSV_EXT
    if ext not in SUPPORTED and not gz:
        yield Problem(origin, f"unsupported file type {ext or '(none)'!r}; use .txt, .jsonl, .csv, "
                      ".html, .parquet, .jsonl.gz or .csv.gz")
        return
    try:
        big = ext in JSONL_EXT | CSV_EXT and f.stat().st_size > STREAM_MIN
    except OSError:
        big = False
    if gz or big or ext in PARQUET_EXT:
        yield from _read_streamed(f, gz, origin, date_override, pats, today)
        return
    try:
        data = f.read_bytes()
    except OSError as exc:
        yield Problem(origin, f"cannot read: {exc.strerror}")
        return
    if not data.strip():
        yield Problem(origin, "empty file")
        return
    try:
        text, warning = decode(data)
    except ValueError as exc:
        yield Problem(origin, str(exc))
        return
    if warning:
        yield Problem(origin, warning, skipped=False)
    article_id = rel_id or f.stem
    if ext in TEXT_EXT:
        yield _from_text(text, article_id, origin, date_override, pats, today)
    elif ext in JSONL_EXT:
        yield from _from_jsonl(text, origin, date_override, pats, today)
    elif ext in CSV_EXT:
        yield from _from_csv(text, origin, date_override, pats, today)
    else:
        yield _from_html(text, article_id, origin, date_override, pats, today)


def _from_text(text: str, article_id: str, origin: str, date_override: str | None,
               pats: list[re.Pattern[str]], today: date | None) -> Item:
    m = DATE_LINE.match(text)
    if m:
        raw_date, body = m.group(1), text[m.end():]
    elif date_override:
        raw_date, body = date_override, text
    else:
        return Problem(f"{origin}:1", "no 'date YYYY-MM-DD' first line (or give --date)")
    return _article(article_id, raw_date, body, origin, pats, today)


def _article(article_id: str, raw_date: object, body: object, origin: str,
             pats: list[re.Pattern[str]], today: date | None, *, title: object = None,
             url: object = None) -> Item:
    try:
        day = check_date(raw_date, today)
    except ValueError as exc:
        return Problem(origin, str(exc))
    if not isinstance(body, str):
        return Problem(origin, f"text must be a string, not {type(body).__name__}")
    clean = clean_text(body, pats)
    if not clean:
        return Problem(origin, "no text")
    return Article(id=str(article_id), date=day, text=clean,
                   title=title if isinstance(title, str) else None,
                   url=url if isinstance(url, str) else None, origin=origin)


def _read_streamed(f: Path, gz: bool, origin: str, date_override: str | None,
                   pats: list[re.Pattern[str]], today: date | None) -> Iterator[Item]:
    """JSON Lines or CSV (gzip'd or large) and Parquet, read piece by piece."""
    kind = (Path(f.stem) if gz else f).suffix.lower()
    try:
        if kind in PARQUET_EXT:
            yield from _from_parquet(f, origin, date_override, pats, today)
            return
        with (gzip.open(f, "rb") if gz else f.open("rb")) as raw:
            head = raw.peek(4096)[:4096]  # type: ignore[union-attr]
            if not head.strip():
                yield Problem(origin, "empty file")
                return
            if b"\x00" in head:
                yield Problem(origin, "binary file (contains NUL bytes), not text")
                return
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")  # type: ignore[arg-type]
            if kind in CSV_EXT:
                yield from _from_csv(text, origin, date_override, pats, today)
            else:
                yield from _from_jsonl((ln.rstrip("\r\n") for ln in text), origin, date_override, pats, today)
    except (OSError, EOFError) as exc:   # gzip.BadGzipFile is an OSError
        yield Problem(origin, f"cannot read: {exc}")


def _stem(origin: str) -> str:
    """news.jsonl and news.jsonl.gz → news (for ids of records without one)."""
    p = Path(origin)
    return Path(p.stem).stem if p.suffix.lower() == ".gz" else p.stem


def _from_parquet(f: Path, origin: str, date_override: str | None,
                  pats: list[re.Pattern[str]], today: date | None) -> Iterator[Item]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(f)
    except (pa.ArrowException, OSError) as exc:
        yield Problem(origin, f"not a Parquet file ({exc})")
        return
    names = set(pf.schema_arrow.names)
    if "text" not in names or ("date" not in names and not date_override):
        yield Problem(origin, "Parquet columns must include id, date and text")
        return
    cols = [c for c in ("id", "date", "text", "title", "url") if c in names]
    row = 0
    for batch in pf.iter_batches(batch_size=1024, columns=cols):
        for rec in batch.to_pylist():
            row += 1
            if isinstance(rec.get("date"), date):   # date32 or timestamp columns
                rec["date"] = rec["date"].isoformat()[:10]
            yield _record(rec, f"{origin}:{row}", date_override, pats, today, default_id=f"{f.stem}-{row}")


def _from_jsonl(text: str | Iterable[str], origin: str, date_override: str | None,
                pats: list[re.Pattern[str]], today: date | None) -> Iterator[Item]:
    lines = text.splitlines() if isinstance(text, str) else text
    stem = _stem(origin)
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(where, f"not JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(rec, dict):
            yield Problem(where, "a line must be a JSON object with id, date and text")
            continue
        yield _record(rec, where, date_override, pats, today, default_id=f"{stem}-{lineno}")


def _record(rec: dict, where: str, date_override: str | None, pats: list[re.Pattern[str]],
            today: date | None, *, default_id: str) -> Item:
    missing = [k for k in ("text",) if not rec.get(k)]
    if not rec.get("date") and not date_override:
        missing.insert(0, "date")
    if missing:
        return Problem(where, f"missing field {', '.join(missing)}")
    rid = rec.get("id")
    if rid is not None and not isinstance(rid, (str, int)):
        return Problem(where, "id must be a string or a number")
    return _article(str(rid) if rid not in (None, "") else default_id, rec.get("date") or date_override,
                    rec.get("text"), where, pats, today, title=rec.get("title"), url=rec.get("url"))


def _from_csv(text: str | IO[str], origin: str, date_override: str | None,
              pats: list[re.Pattern[str]], today: date | None) -> Iterator[Item]:
    reader = csv.DictReader(io.StringIO(text, newline="") if isinstance(text, str) else text)
    fields = set(reader.fieldnames or [])
    if "text" not in fields or ("date" not in fields and not date_override):
        yield Problem(f"{origin}:1", "CSV header must name the columns id, date and text")
        return
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield Problem(f"{origin}:{start}", f"bad CSV: {exc}")
            break
        line = start
        if None in row:
            yield Problem(f"{origin}:{line}", "more fields than the header names")
            continue
        yield _record(row, f"{origin}:{line}", date_override, pats, today,
                      default_id=f"{_stem(origin)}-{line}")


def _from_html(html: str, article_id: str, origin: str, date_override: str | None,
               pats: list[re.Pattern[str]], today: date | None) -> Item:
    import trafilatura

    body = trafilatura.extract(html, include_comments=False, include_tables=False)
    if not body or len(body.split()) < 8:
        return Problem(origin, "no main text found in the HTML page")
    meta = trafilatura.extract_metadata(html)
    page_date = getattr(meta, "date", None) if meta is not None else None
    title = getattr(meta, "title", None) if meta is not None else None
    raw_date = date_override or page_date
    if not raw_date:
        return Problem(origin, "the page gives no date; pass --date YYYY-MM-DD")
    return _article(article_id, raw_date, body, origin, pats, today, title=title)
