"""The ``dyadline`` command: thin wrappers over the library.

Each command parses its options, calls one library function and prints the
result; library errors become ``Error: [Ennn] …`` with exit status 1.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from typing import Sequence, TextIO

from . import __version__
from .errors import DyadlineError
from .model import Event, Problem

DEFAULT_DB = "dyadline.duckdb"


# ---------------------------------------------------------------------- output
def actor_cell(a) -> str:
    if a is None:
        return "-"
    return f"{a.code} {a.name}"


def print_table(events: Sequence[Event], out: TextIO) -> None:
    if not events:
        print("no events", file=out)
        return
    rows = [(e.date or "-", e.type, e.cameo, actor_cell(e.source), actor_cell(e.target),
             "bg" if e.background else "", e.evidence) for e in events]
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    widths = [max(w, len(h)) for w, h in zip(widths, ("DATE", "TYPE", "CAMEO", "SOURCE", "TARGET", ""))]
    widths[3], widths[4] = min(widths[3], 34), min(widths[4], 34)
    head = ("DATE", "TYPE", "CAMEO", "SOURCE", "TARGET", "", "EVIDENCE")
    fmt = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    print(fmt.format(*head).rstrip(), file=out)
    for r in rows:
        cells = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(r[:6], widths)]
        ev = r[6] if len(r[6]) <= 80 else r[6][:79] + "…"
        print(fmt.format(*cells, ev).rstrip(), file=out)


def print_dyads(events: Sequence[Event], out: TextIO) -> None:
    """Events per directed dyad of countries, with mean Goldstein."""
    groups: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in events:
        s = (e.source.country if e.source else None) or "---"
        t = (e.target.country if e.target else None) or "---"
        groups[(s, t)].append(e)
    print(f"{'DYAD':<12}{'EVENTS':>7}{'COOP':>6}{'CONFL':>7}{'GOLDSTEIN':>11}  TYPES", file=out)
    for (s, t), evs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        coop = sum(1 for e in evs if (e.quad_class or 0) <= 2)
        gs = [e.goldstein for e in evs if e.goldstein is not None]
        mean = sum(gs) / len(gs) if gs else 0.0
        types = ", ".join(f"{k} {v}" for k, v in Counter(e.type for e in evs).most_common())
        print(f"{s + '→' + t:<12}{len(evs):>7}{coop:>6}{len(evs) - coop:>7}{mean:>11.2f}  {types}", file=out)


def print_events(events: Sequence[Event], fmt: str, out: TextIO) -> None:
    if fmt == "jsonl":
        for e in events:
            out.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        from .storage import EVENT_COLUMNS, event_row

        w = csv.DictWriter(out, fieldnames=list(EVENT_COLUMNS), lineterminator="\n")
        w.writeheader()
        for seq, e in enumerate(events):
            w.writerow({k: ("" if v is None else v) for k, v in event_row(e.article_id, seq, e).items()})
    else:
        print_table(events, out)


# ---------------------------------------------------------------------- commands
def cmd_code(args: argparse.Namespace) -> int:
    from .runner import run_code

    def report(p: Problem) -> None:
        print(str(p), file=sys.stderr)

    summary = run_code(args.paths, args.db, model=args.model, date_override=args.date,
                       actor_files=args.actors, leader_files=args.leaders,
                       factuality=args.factuality, on_problem=report, engine=args.engine,
                       workers=args.workers, scheduler=args.scheduler, parquet_dir=args.parquet,
                       recode=args.recode, batch_size=args.batch_size, near_dup=args.near_dup,
                       lang_check=args.lang_check == "on",
                       progress=not args.quiet and sys.stderr.isatty())
    print(summary.line())
    return 0


def _query(args: argparse.Namespace):
    from .storage import EventQuery

    return EventQuery(actor=args.actor, source=args.source, target=args.target, type=args.type,
                      since=args.since, until=args.until, limit=args.limit)


def cmd_events(args: argparse.Namespace) -> int:
    from .storage import Store

    if args.dedup:
        return _events_dedup(args)
    if args.parquet:
        from .runner import parquet_events

        events = parquet_events(args.parquet, _query(args))
    else:
        with Store(args.db, read_only=True) as store:
            events = store.events(_query(args))
    print_events(events, args.format, sys.stdout)
    if args.dyads and args.format == "table":
        print()
        print_dyads(events, sys.stdout)
    return 0


def _events_dedup(args: argparse.Namespace) -> int:
    from .dedup import deduplicated, summary_line, write_clusters
    from .storage import Store

    with Store(args.db, read_only=True) as store:
        clusters = deduplicated(store, _query(args))
    if args.format == "table":
        print_events([c.canonical for c in clusters], "table", sys.stdout)
        print(summary_line(clusters))
    else:
        write_clusters(clusters, args.format, sys.stdout)
        print(summary_line(clusters), file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import write_events
    from .storage import Store

    if args.dedup:
        from .dedup import deduplicated, write_clusters_file

        with Store(args.db, read_only=True) as store:
            n = write_clusters_file(deduplicated(store, _query(args)), args.format, args.out)
        print(f"wrote {n} deduplicated events (one per act) to {args.out} ({args.format})")
        return 0

    with Store(args.db, read_only=True) as store:
        n = write_events(store, args.format, args.out, _query(args))
    print(f"wrote {n} events to {args.out} ({args.format})")
    return 0


def cmd_dyad(args: argparse.Namespace) -> int:
    from .series import dyad_series, plot_series, print_series
    from .storage import Store

    with Store(args.db, read_only=True) as store:
        series = dyad_series(store, args.a, args.b, freq=args.freq, directed=args.directed,
                             since=args.since, until=args.until)
    print_series(series, sys.stdout)
    if args.plot:
        print(f"wrote {plot_series(series, args.plot)}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .web import serve

    serve(args.db, host=args.host, port=args.port, allow_code=args.allow_code, model=args.model)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from . import get_coder
    from .evaluate import evaluate, format_report, read_gold

    coder = get_coder(args.model, tuple(args.actors), tuple(args.leaders))
    score = evaluate(read_gold(args.gold), coder.code_many)  # type: ignore[attr-defined]
    result = score.as_dict()
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for rec in score.errors:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(format_report(result))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from . import get_coder
    from .pipeline.explain import explain

    print(explain(get_coder(args.model, tuple(args.actors), tuple(args.leaders)), args.sentence, args.date))  # type: ignore[arg-type]
    return 0


def cmd_actors_resolve(args: argparse.Namespace) -> int:
    from . import get_coder
    from .pipeline.explain import resolve_mention

    found = resolve_mention(get_coder(args.model, tuple(args.actors), tuple(args.leaders)), args.mention, args.date)  # type: ignore[arg-type]
    if not found:
        print(f"{args.mention!r} on {args.date}: not resolved (no country, organisation or "
              "named group; add it to an actors file, see docs/data-files.md)")
        return 1
    for name, country, sector, how in found:
        print(f"{args.mention!r} on {args.date}: {name} | {country or '-'} | {sector} ({how})")
    return 0


# ---------------------------------------------------------------------- parser
def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("--actor", help="country (PRK) or actor code (PRKGOV) on either side")
    p.add_argument("--source", help="country or actor code of the source")
    p.add_argument("--target", help="country or actor code of the target")
    p.add_argument("--type", help="PLOVER event type, e.g. ASSAULT")
    p.add_argument("--since", type=_date_arg, help="first date, YYYY-MM-DD")
    p.add_argument("--until", type=_date_arg, help="last date, YYYY-MM-DD")
    p.add_argument("--limit", type=int, help="at most this many events")


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return n


def _data_files(p: argparse.ArgumentParser) -> None:
    p.add_argument("--actors", action="append", default=[], metavar="FILE",
                   help="extra actors in the actors.tsv format; they override shipped entries "
                   "(repeatable; see docs/data-files.md)")
    p.add_argument("--leaders", action="append", default=[], metavar="FILE",
                   help="extra leader tenures in the leaders.tsv format (repeatable)")


def _date_arg(value: str) -> str:
    from .pipeline.ingest import check_date

    try:
        return check_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dyadline", description="Code dated news articles into political events and "
        "follow relations between actors over time.")
    parser.add_argument("--version", action="version", version=f"dyadline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("code", help="code articles (files or folders) into the database",
                       description="Code dated articles into events and store them. Inputs: .txt "
                       "(first line 'date YYYY-MM-DD'), .jsonl and .csv (id, date, text), .html.")
    p.add_argument("paths", nargs="+", help="files or folders (read recursively)")
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("--date", type=_date_arg, help="date for inputs that give none (YYYY-MM-DD)")
    p.add_argument("--model", help="an installed spaCy pipeline to use instead of the default")
    _data_files(p)
    p.add_argument("--factuality", choices=("asserted", "all"), default="asserted",
                   help="store only asserted events (default) or all, marked")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--workers", type=_positive, help="worker processes (default: every core)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local processes (default) or a Dask cluster (needs dask[distributed])")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: an existing cluster, tcp://HOST:8786 (default: a local one)")
    p.add_argument("--parquet", metavar="DIR",
                   help="with --engine dask: workers also write each partition's events to DIR")
    p.add_argument("--recode", action="store_true",
                   help="code every article again, even those already coded with this pipeline")
    p.add_argument("--batch-size", type=_positive, default=64,
                   help="articles written per transaction (default 64)")
    p.add_argument("--lang-check", choices=("on", "off"), default="on",
                   help="skip texts clearly not in English (default on); off codes them anyway")
    p.add_argument("--no-near-dup", dest="near_dup", action="store_false",
                   help="code near-copies of other articles (syndicated, lightly edited) too; by default "
                   "they are linked to the original and not coded")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("events", help="list stored events",
                       description="List stored events, filtered, as a table, JSON Lines or CSV.")
    _filters(p)
    p.add_argument("--format", choices=("table", "jsonl", "csv"), default="table",
                   help="output format (default table)")
    p.add_argument("--dyads", action="store_true", help="after the table, a summary per dyad")
    p.add_argument("--dedup", action="store_true",
                   help="one record per act, grouping reports of it from several articles "
                   "(default: every report)")
    p.add_argument("--parquet", metavar="DIR",
                   help="read the Parquet dataset in DIR (code --engine dask --parquet) instead of --db")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("export", help="export stored events to a file",
                       description="Export stored events as CSV, JSON Lines, Parquet, PLOVER JSON "
                       "Lines or the POLECAT, GDELT 2.0 and ICEWS layouts (docs/exports.md).")
    _filters(p)
    p.add_argument("--format", choices=("csv", "jsonl", "parquet", "plover", "polecat", "gdelt",
                                        "icews"), required=True, help="file format")
    p.add_argument("--out", required=True, help="output file")
    p.add_argument("--dedup", action="store_true",
                   help="one record per act with its reports (csv or jsonl; default: every report)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("dyad", help="a dyad's (or one actor's) events over time",
                       description="Print counts by QuadClass and type, Goldstein sums and means "
                       "and the cooperation-conflict balance per period for A with B (both ways "
                       "unless --directed), or for A with everybody when B is left out.")
    p.add_argument("a", help="country (PRK) or actor code (PRKGOV)")
    p.add_argument("b", nargs="?", help="the other side; leave out for A against all")
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("--freq", choices=("day", "week", "month"), default="month",
                   help="period length (default month)")
    p.add_argument("--directed", action="store_true", help="only events from A to B")
    p.add_argument("--since", type=_date_arg, help="first date, YYYY-MM-DD")
    p.add_argument("--until", type=_date_arg, help="last date, YYYY-MM-DD")
    p.add_argument("--plot", metavar="FILE", help="also draw a chart: FILE.png or FILE.html")
    p.set_defaults(func=cmd_dyad)

    p = sub.add_parser("serve", help="serve the REST API and the dashboard",
                       description="Serve the events in a database over HTTP: the REST API under "
                       "/api (docs at /api/docs) and the dashboard at /. Needs the web extra.")
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only; there is no "
                   "authentication, so another address is warned about)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--allow-code", action="store_true",
                   help="enable POST /api/code, which codes posted text")
    p.add_argument("--model", help="spaCy pipeline for --allow-code instead of the default")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("evaluate", help="score the coder against annotated articles",
                       description="Code each annotated article and score the events as the "
                       "codebook's Scoring section says.")
    p.add_argument("gold", help="annotated JSONL file (codebook format)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--errors", metavar="FILE", help="write missed and spurious events per article")
    p.add_argument("--model", help="an installed spaCy pipeline to use instead of the default")
    _data_files(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("explain", help="show how a sentence is coded, and why",
                       description="Print the parse, the actors found, each event with the lexicon "
                       "row and parse arcs that produced it, and rules that matched but coded nothing.")
    p.add_argument("sentence", help="the sentence or short text to code")
    p.add_argument("--date", type=_date_arg, required=True, help="the article date, YYYY-MM-DD")
    p.add_argument("--model", help="an installed spaCy pipeline to use instead of the default")
    _data_files(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("actors", help="look up how actors resolve",
                       description="Check the actor data: how a mention resolves on a date.")
    asub = p.add_subparsers(dest="actors_command", metavar="ACTION", required=True,
                            help="resolve: how a mention resolves on a date")
    q = asub.add_parser("resolve", help="resolve one mention on a date",
                        description="Resolve a mention (\"the US president\", \"Pyongyang\", "
                        "\"Russian troops\") as an article of that date would.")
    q.add_argument("mention", help="the words as they appear in a text")
    q.add_argument("--date", type=_date_arg, required=True, help="the article date, YYYY-MM-DD")
    q.add_argument("--model", help="an installed spaCy pipeline to use instead of the default")
    _data_files(q)
    q.set_defaults(func=cmd_actors_resolve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except DyadlineError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:   # output piped into head: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted: every batch written so far is complete; run again to finish",
              file=sys.stderr)
        return 130
