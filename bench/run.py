"""`make bench`: evaluation on the development sets, written to BENCHMARKS.md.

Reads ../shared/data (not part of the repository); skips what is missing.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from dyadline import get_coder
from dyadline.evaluate import evaluate, read_gold

SETS = [("seed", "seed.gold.jsonl"), ("news-dev", "dev/news-dev.jsonl"),
        ("plover-gsr", "dev/plover-gsr.jsonl")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default="../shared/data", help="folder of the shared data")
    ap.add_argument("--out", default="BENCHMARKS.md", help="markdown file to write")
    ap.add_argument("--examples", default="examples/gold.jsonl", help="the project's own gold file")
    ap.add_argument("--drop-speed", action="store_true",
                    help="drop the speed sections already in --out (bench/speed.py writes new ones)")
    args = ap.parse_args()
    coder = get_coder()
    rows = []
    sets = [(name, Path(args.shared) / rel) for name, rel in SETS] + [("examples", Path(args.examples))]
    for name, path in sets:
        if not path.exists():
            print(f"skip {name}: {path} not found")
            continue
        t = time.perf_counter()
        d = evaluate(read_gold(path), coder.code_many).as_dict()  # type: ignore[attr-defined]
        d["seconds"] = round(time.perf_counter() - t, 1)
        rows.append((name, d))
        print(name, json.dumps({k: d[k] for k in ("type", "dyad", "full", "date_accuracy")}))
    write(Path(args.out), rows, keep_speed=not args.drop_speed)


def write(out: Path, rows: list, keep_speed: bool = True) -> None:
    lines = ["# Benchmarks", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
             "Command: `make bench` (`python bench/run.py --shared ../shared/data --out BENCHMARKS.md`),",
             "which runs `dyadline evaluate` on each set (the codebook's scoring: micro-averaged "
             "precision, recall and F1 on asserted events).", "",
             "## Accuracy", "",
             "| set | articles | gold | system | type P/R/F1 | dyad P/R/F1 | full P/R/F1 | date acc. | seconds |",
             "|---|---|---|---|---|---|---|---|---|"]

    def prf(r):
        return f"{r['precision']:.3f} / {r['recall']:.3f} / **{r['f1']:.3f}**"

    for name, d in rows:
        lines.append(f"| {name} | {d['articles']} | {d['gold_events']} | {d['system_events']} | "
                     f"{prf(d['type'])} | {prf(d['dyad'])} | {prf(d['full'])} | "
                     f"{d['date_accuracy']:.3f} | {d['seconds']} |")
    lines += ["", "## Actors and places", "",
              "Actor figures pair system and gold events of the same article and type one to one, "
              "preferring pairs whose actors agree, and score the source and target slots. "
              "Place figures are over matched gold events that carry a location.", "",
              "| set | actor country | actor country+sector | place country | place name |",
              "|---|---|---|---|---|"]
    for name, d in rows:
        lines.append(f"| {name} | {d.get('actor_country_accuracy', 0):.3f} | "
                     f"{d.get('actor_sector_accuracy', 0):.3f} | "
                     f"{d.get('location_country_accuracy', 0):.3f} | {d.get('location_name_accuracy', 0):.3f} |")
    for name, d in rows:
        lines += ["", f"### Per type: {name}", "", "| type | gold | system | P | R | F1 | dyad F1 |",
                  "|---|---|---|---|---|---|---|"]
        for t, r in d["per_type"].items():
            lines.append(f"| {t} | {r['gold']} | {r['system']} | {r['precision']:.3f} | "
                         f"{r['recall']:.3f} | {r['f1']:.3f} | {r['dyad_f1']:.3f} |")
    kept = ""
    if keep_speed and out.exists():   # the speed sections (bench/speed.py) stay until it runs again
        old = out.read_text(encoding="utf-8")
        if "\n## Speed" in old:
            kept = old[old.index("\n## Speed"):]
    out.write_text("\n".join(lines) + "\n" + kept, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
