"""A corpus for benchmarks and tests, recombined from the project's own example
articles (``examples/articles/*.txt``): each generated article takes the date of
one example and two to four paragraphs drawn from any of them. Deterministic
for a given ``seed``."""
from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Iterator

from ..model import Article


def example_paragraphs(folder: str | Path) -> tuple[list[str], list[list[str]]]:
    dates, paras = [], []
    for f in sorted(Path(folder).glob("*.txt")):
        head, _, body = f.read_text(encoding="utf-8").partition("\n")
        dates.append(head.split()[1])
        paras.append([p.strip() for p in body.split("\n\n") if p.strip()])
    if not dates:
        raise FileNotFoundError(f"no example articles (*.txt) in {folder}")
    return dates, paras


def synthetic_articles(folder: str | Path, n: int, seed: int = 7) -> Iterator[Article]:
    rng = random.Random(seed)
    dates, paras = example_paragraphs(folder)
    pool = [p for ps in paras for p in ps]
    for i in range(n):
        k = rng.randrange(len(dates))
        body = [paras[k][0]] + rng.sample(pool, rng.randint(1, 3))
        yield Article(id=f"syn-{i:06d}", date=dates[k], text="\n\n".join(body))


def write_corpus(folder: str | Path, out: str | Path, n: int, seed: int = 7) -> Path:
    """``n`` synthetic articles as JSON Lines (gzip'd when ``out`` ends in .gz)."""
    out = Path(out)
    opener = gzip.open if out.suffix == ".gz" else open
    with opener(out, "wt", encoding="utf-8") as fh:   # type: ignore[operator]
        for a in synthetic_articles(folder, n, seed):
            fh.write(json.dumps({"id": a.id, "date": a.date, "text": a.text}, ensure_ascii=False) + "\n")
    return out
