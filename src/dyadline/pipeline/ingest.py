"""Reading articles: seed-format text, JSON Lines, CSV, HTML and Parquet.

JSON Lines and CSV may be gzip'd (``.jsonl.gz``, ``.csv.gz``); those, Parquet
files and plain files over ``STREAM_MIN`` bytes are read as a stream, so memory
stays flat however large the input.

:func:`read_inputs` yields :class:`~dyadline.model.Article` for every good
item and an :class:`InputProblem` for every bad one (file, line, reason and an
E2xx code from :data:`dyadline.errors.INPUT_PROBLEMS`), so that a run codes
what it can and reports the rest. Nothing a file holds makes it raise: a bad
file or record is skipped (``skipped=True``), a readable one with a caveat (not
UTF-8, cut to the size limit) is coded with a warning (``skipped=False``).

Limits (in :mod:`.decoding`): an article is cut to ``MAX_ARTICLE_CHARS``
characters, runs of over ``MAX_RUN_CHARS`` characters without a space are
broken up, HTML pages over ``MAX_HTML_BYTES`` are not read, and with
``lang_check`` a text clearly not in English is skipped.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..model import Article, Problem
from .decoding import (MAX_ARTICLE_CHARS, MAX_HTML_BYTES, MAX_RUN_CHARS, READ_LIMIT, break_long_runs,
                       decode, foreign_language, normalise_chars, safe_str, sniff, truncate)

TEXT_EXT = {".txt", ".text"}
JSONL_EXT = {".jsonl", ".ndjson"}
CSV_EXT = {".csv"}
HTML_EXT = {".html", ".htm"}
PARQUET_EXT = {".parquet"}
SUPPORTED = TEXT_EXT | JSONL_EXT | CSV_EXT | HTML_EXT | PARQUET_EXT
STREAM_MIN = 16 * 1024 * 1024   # plain JSONL/CSV files larger than this are streamed
DATE_LINE = re.compile(r"\A\s*date[ \t]+(\S+)[ \t]*\n?")
MAX_FUTURE = timedelta(days=2)
# a CSV field may hold a whole article, however long (the article is cut later);
# the csv module's limit is process-wide, so it is only ever raised here
CSV_FIELD_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))


@dataclass(frozen=True)
class InputProblem(Problem):
    """A :class:`~dyadline.model.Problem` with the E2xx code of its kind."""

    code: str = "E200"


Item = Article | Problem


def _problem(origin: str, code: str, reason: str, *, skipped: bool = True) -> InputProblem:
    return InputProblem(origin, reason, skipped, code)


class BadDate(ValueError):
    """A date that cannot be used; ``code`` is E203 (not a date) or E204 (in the future)."""

    def __init__(self, message: str, code: str = "E203") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class _Options:
    date_override: str | None = None
    pats: tuple[re.Pattern[str], ...] = ()
    today: date | None = None
    lang_check: bool = True


def check_date(value: object, today: date | None = None) -> str:
    """Return ``value`` as YYYY-MM-DD, or raise :class:`BadDate` (a ValueError) with the reason."""
    if not isinstance(value, str):
        raise BadDate(f"date must be a YYYY-MM-DD string, not {type(value).__name__}; "
                      "write it in quotes, like \"2024-03-23\"")
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise BadDate(f"date {value[:40]!r} is not YYYY-MM-DD; write it like 2024-03-23")
    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise BadDate(f"date {value!r} does not exist; correct the day or month") from None
    latest = (today or date.today()) + MAX_FUTURE
    if d > latest:
        raise BadDate(f"date {value!r} is in the future (after {latest}); correct it, or the "
                      "clock of this machine", "E204")
    return text


def _strip_chrome(text: str, pats: Iterable[re.Pattern[str]]) -> str:
    pats = list(pats)
    if pats:
        text = "\n".join(ln for ln in text.split("\n")
                         if not (ln.strip() and any(p.fullmatch(ln.strip()) for p in pats)))
    text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)
    return text.strip()


def clean_text(text: str, boilerplate: Iterable[re.Pattern[str]] = ()) -> str:
    """Normalise line ends and spaces, drop control and invisible characters and
    page-chrome lines, and break up runs too long to be words."""
    return break_long_runs(_strip_chrome(normalise_chars(text), boilerplate))[0]


def iter_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts):
                yield p
    else:
        yield path


def read_inputs(paths: Iterable[str | Path], *, date_override: str | None = None,
                boilerplate: Iterable[re.Pattern[str]] = (), today: date | None = None,
                lang_check: bool = True) -> Iterator[Item]:
    """Every article under ``paths`` (files or folders, recursively), and every problem.

    A failure inside dyadline while reading one file is reported against that
    file (E219) and the other files are still read."""
    opts = _Options(date_override, tuple(boilerplate), today, lang_check)
    for root in paths:
        root = Path(root)
        if not root.exists():
            yield _problem(str(root), "E217", "no such file or folder")
            continue
        try:
            for f in iter_files(root):
                try:
                    rel = f.relative_to(root) if root.is_dir() else Path(f.name)
                    yield from _read_file(f, safe_str(str(rel.with_suffix(""))), opts)
                except Exception as exc:   # a bug: report it against the file and read the next
                    yield _problem(str(f), "E219", f"could not be read ({type(exc).__name__}: {exc}); "
                                   "this is a bug in dyadline, please report it")
        except OSError as exc:
            yield _problem(str(root), "E217", f"cannot list the folder ({exc.strerror or exc})")


def read_file(f: Path, *, rel_id: str | None = None, date_override: str | None = None,
              boilerplate: list[re.Pattern[str]] | None = None, today: date | None = None,
              lang_check: bool = True) -> Iterator[Item]:
    """The articles and problems of one file."""
    opts = _Options(date_override, tuple(boilerplate or ()), today, lang_check)
    yield from _read_file(Path(f), rel_id or safe_str(Path(f).stem), opts)


def _read_file(f: Path, article_id: str, opts: _Options) -> Iterator[Item]:
    ext = f.suffix.lower()
    origin = str(f)
    gz = ext == ".gz" and Path(f.stem).suffix.lower() in JSONL_EXT | CSV_EXT
    if ext not in SUPPORTED and not gz:
        yield _problem(origin, "E216", f"unsupported file type {ext or '(none)'!r}; use .txt, .jsonl, "
                       ".csv, .html, .parquet, .jsonl.gz or .csv.gz")
        return
    try:
        size = f.stat().st_size
    except OSError as exc:
        yield _problem(origin, "E217", f"cannot read: {exc.strerror}")
        return
    if gz or ext in PARQUET_EXT or (ext in JSONL_EXT | CSV_EXT and size > STREAM_MIN):
        yield from _read_streamed(f, gz, origin, opts)
        return
    if ext in HTML_EXT and size > MAX_HTML_BYTES:
        yield _problem(origin, "E208", f"HTML page of {size / 2**20:.1f} MB, over the "
                       f"{MAX_HTML_BYTES // 2**20} MB limit; save the article's text as .txt")
        return
    limit = READ_LIMIT if ext in TEXT_EXT else -1
    try:
        with f.open("rb") as fh:
            data = fh.read(limit)
            cut = limit > 0 and fh.read(1) != b""
    except OSError as exc:
        yield _problem(origin, "E217", f"cannot read: {exc.strerror}")
        return
    if not data.strip():
        yield _problem(origin, "E205", "empty file" if not data else "empty file (only white space)")
        return
    try:
        text, warning = decode(data, truncated=cut)
    except ValueError as exc:
        yield _problem(origin, "E206", str(exc))
        return
    if warning:
        yield _problem(origin, "E207", warning, skipped=False)
    if not text.strip():
        yield _problem(origin, "E205", "empty file (only white space)")
    elif ext in TEXT_EXT:
        yield from _from_text(text, article_id, origin, opts, size if cut else None)
    elif ext in JSONL_EXT:
        yield from _from_jsonl(text, origin, opts)
    elif ext in CSV_EXT:
        yield from _from_csv(text, origin, opts)
    else:
        yield from _from_html(text, article_id, origin, opts)


def _from_text(text: str, article_id: str, origin: str, opts: _Options,
               file_size: int | None) -> Iterator[Item]:
    text = normalise_chars(text)   # line ends and invisible characters, before the date line is read
    if not text.strip():
        yield _problem(origin, "E205", "empty file (only white space or invisible characters)")
        return
    m = DATE_LINE.match(text)
    if m:
        raw_date, body = m.group(1), text[m.end():]
    elif opts.date_override:
        raw_date, body = opts.date_override, text
    else:
        first = len(text) - len(text.lstrip())    # where the first line that is not blank starts
        yield _problem(f"{origin}:{_line_at(text, first)}", "E202",
                       "no 'date YYYY-MM-DD' first line (or give --date)")
        return
    date_at = f"{origin}:{_line_at(text, m.start(1))}" if m else origin
    yield from _article(article_id, raw_date, body, origin, opts, file_size=file_size, date_at=date_at)


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _article(article_id: str, raw_date: object, body: object, origin: str, opts: _Options, *,
             title: object = None, url: object = None, file_size: int | None = None,
             date_at: str | None = None) -> Iterator[Item]:
    """One article from its parts, after the checks; with warnings when it was cut or mended.
    A bad date is reported at ``date_at`` (the date line of a text file), else at ``origin``."""
    try:
        day = check_date(raw_date, opts.today)
    except BadDate as exc:
        yield _problem(date_at or origin, exc.code, str(exc))
        return
    if not isinstance(body, str):
        yield _problem(origin, "E213", f"text must be a string, not {type(body).__name__}")
        return
    length = len(body)
    cut = file_size is not None or length > 2 * MAX_ARTICLE_CHARS
    text = _strip_chrome(normalise_chars(body[:2 * MAX_ARTICLE_CHARS]), opts.pats)
    text, runs = break_long_runs(text)
    if len(text) > MAX_ARTICLE_CHARS:
        text, cut = truncate(text), True
    if not text:
        yield _problem(origin, "E205", "no text to code (empty, or only white space and page chrome)")
        return
    if opts.lang_check:
        lang = foreign_language(text)
        if lang:
            yield _problem(origin, "E215", f"the text is in {lang}, not English; dyadline codes English "
                           "(pass --lang-check off to code it anyway)")
            return
    if cut:
        size = f"file of {file_size / 2**20:.1f} MB" if file_size is not None else f"text of {length:,} characters"
        yield _problem(origin, "E208", f"{size}: only its first {len(text):,} characters are coded (the limit "
                       f"is {MAX_ARTICLE_CHARS:,} an article; split long documents)", skipped=False)
    if runs:
        yield _problem(origin, "E209", f"{runs} run(s) of over {MAX_RUN_CHARS} characters without a space "
                       "broken up (not words; the parser slows down on them)", skipped=False)
    yield Article(id=safe_str(str(article_id)) or "article", date=day, text=text,
                  title=safe_str(title) or None if isinstance(title, str) else None,
                  url=safe_str(url) or None if isinstance(url, str) else None, origin=safe_str(origin))


def _read_streamed(f: Path, gz: bool, origin: str, opts: _Options) -> Iterator[Item]:
    """JSON Lines or CSV (gzip'd or large) and Parquet, read piece by piece."""
    kind = (Path(f.stem) if gz else f).suffix.lower()
    try:
        if kind in PARQUET_EXT:
            yield from _from_parquet(f, origin, opts)
            return
        with (gzip.open(f, "rb") if gz else f.open("rb")) as raw:
            head = raw.peek(65536)[:65536]  # type: ignore[union-attr]
            if not head.strip():
                yield _problem(origin, "E205", "empty file")
                return
            try:
                encoding, warning = sniff(head)
            except ValueError as exc:
                yield _problem(origin, "E206", str(exc))
                return
            if warning:
                yield _problem(origin, "E207", warning, skipped=False)
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")  # type: ignore[arg-type]
            if kind in CSV_EXT:
                yield from _from_csv(text, origin, opts)
            else:
                yield from _from_jsonl((ln.rstrip("\r\n") for ln in text), origin, opts)
    except (OSError, EOFError) as exc:   # gzip.BadGzipFile is an OSError
        yield _problem(origin, "E217", f"cannot read: {exc}")


def _stem(origin: str) -> str:
    """news.jsonl and news.jsonl.gz → news (for ids of records without one)."""
    p = Path(origin)
    return safe_str(Path(p.stem).stem if p.suffix.lower() == ".gz" else p.stem)


def _from_parquet(f: Path, origin: str, opts: _Options) -> Iterator[Item]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(f)
    except (pa.ArrowException, OSError) as exc:
        yield _problem(origin, "E217", f"not a Parquet file ({exc})")
        return
    names = set(pf.schema_arrow.names)
    if "text" not in names or ("date" not in names and not opts.date_override):
        yield _problem(origin, "E213", "Parquet columns must include id, date and text")
        return
    cols = [c for c in ("id", "date", "text", "title", "url") if c in names]
    row = 0
    for batch in pf.iter_batches(batch_size=1024, columns=cols):
        for rec in batch.to_pylist():
            row += 1
            if isinstance(rec.get("date"), date):   # date32 or timestamp columns
                rec["date"] = rec["date"].isoformat()[:10]
            yield from _record(rec, f"{origin}:{row}", opts, default_id=f"{_stem(origin)}-{row}")


def _from_jsonl(text: str | Iterable[str], origin: str, opts: _Options) -> Iterator[Item]:
    # only \n, \r\n and \r end a line: U+2028 and friends may stand inside a JSON string
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if isinstance(text, str) else text
    stem = _stem(origin)
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        try:
            rec = json.loads(line, strict=False)   # control characters in strings are cleaned later
        except json.JSONDecodeError as exc:
            yield _problem(where, "E212", f"not JSON ({exc.msg} at column {exc.colno})")
            continue
        except (ValueError, RecursionError) as exc:   # numbers too long, nesting too deep
            yield _problem(where, "E212", f"not usable JSON ({type(exc).__name__})")
            continue
        if not isinstance(rec, dict):
            yield _problem(where, "E212", "a line must be a JSON object with id, date and text")
            continue
        yield from _record(rec, where, opts, default_id=f"{stem}-{lineno}")


def _record(rec: dict, where: str, opts: _Options, *, default_id: str) -> Iterator[Item]:
    raw_date = rec.get("date")
    if raw_date is None or raw_date == "":
        raw_date = opts.date_override
    missing = (["date"] if raw_date is None else []) + (["text"] if rec.get("text") is None else [])
    if missing:
        yield _problem(where, "E202" if missing == ["date"] else "E213",
                       f"missing field {', '.join(missing)} (a record needs id, date and text"
                       + ("; or give --date)" if "date" in missing else ")"))
        return
    rid = rec.get("id")
    if rid is not None and (isinstance(rid, bool) or not isinstance(rid, (str, int))):
        yield _problem(where, "E213", f"id must be a string or a whole number, not {type(rid).__name__}")
        return
    rid = safe_str(str(rid)) if rid is not None else ""
    yield from _article(rid or default_id, raw_date, rec.get("text"), where, opts,
                        title=rec.get("title"), url=rec.get("url"))


def _from_csv(text: str | IO[str], origin: str, opts: _Options) -> Iterator[Item]:
    reader = csv.reader(io.StringIO(text, newline="") if isinstance(text, str) else text)
    try:
        header = next(reader)
    except StopIteration:
        yield _problem(origin, "E205", "empty file")
        return
    except csv.Error as exc:
        yield _problem(f"{origin}:1", "E212", f"bad CSV header: {exc}")
        return
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    if "text" not in names or ("date" not in names and not opts.date_override):
        yield _problem(f"{origin}:1", "E213", "CSV header must name the columns id, date and text")
        return
    stem = _stem(origin)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield _problem(f"{origin}:{start}", "E212", f"bad CSV: {exc}")
            if reader.line_num < start:
                break
            continue
        if not row:
            continue
        if len(row) > len(names):
            yield _problem(f"{origin}:{start}", "E212", "more fields than the header names "
                           "(quote a field that holds a comma)")
            continue
        yield from _record(dict(zip(names, row)), f"{origin}:{start}", opts, default_id=f"{stem}-{start}")


def _from_html(html: str, article_id: str, origin: str, opts: _Options) -> Iterator[Item]:
    import trafilatura

    try:
        body = trafilatura.extract(html, include_comments=False, include_tables=False)
        meta = trafilatura.extract_metadata(html)
    except Exception as exc:   # a parser's failure on a broken page: report it, read on
        yield _problem(origin, "E214", f"the HTML page cannot be parsed ({type(exc).__name__})")
        return
    if not body or len(body.split()) < 8:
        yield _problem(origin, "E214", "no main text found in the HTML page; save the article's "
                       "text as .txt with a 'date YYYY-MM-DD' first line")
        return
    page_date = getattr(meta, "date", None) if meta is not None else None
    title = getattr(meta, "title", None) if meta is not None else None
    raw_date = opts.date_override or page_date
    if not raw_date:
        yield _problem(origin, "E202", "the page gives no date; pass --date YYYY-MM-DD")
        return
    yield from _article(article_id, raw_date, body, origin, opts, title=title)
