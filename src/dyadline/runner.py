"""Running the coder over inputs and into the store.

``run_code`` streams articles from the inputs through the pipeline in
batches and writes each batch in one transaction, so an interrupted run
leaves only whole articles behind. Problems with the input are reported to
``on_problem`` as they are met and counted in the summary.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .model import Article, Event, Problem, RunSummary
from .pipeline import Coder, read_inputs
from .storage import Store, iter_batches

ProblemHook = Callable[[Problem], None]


def articles_only(items: Iterable[Article | Problem], summary: RunSummary,
                  on_problem: ProblemHook | None) -> Iterator[Article]:
    for item in items:
        if isinstance(item, Problem):
            summary.problems.append(item)
            if item.skipped:
                summary.skipped += 1
            if on_problem:
                on_problem(item)
        else:
            yield item


def run_code(paths: Sequence[str | Path], db: str | Path, *, coder: Coder | None = None,
             model: str | None = None, date_override: str | None = None,
             factuality: str = "asserted", batch_size: int = 64,
             on_problem: ProblemHook | None = None, progress: bool = False) -> RunSummary:
    """Code every article under ``paths`` into the database ``db``."""
    coder = coder or Coder(model, factuality=factuality)
    summary = RunSummary()
    items = read_inputs(paths, date_override=date_override, boilerplate=coder.lexicon.boilerplate)
    coded: Iterator[tuple[Article, list[Event]]] = coder.code_many(articles_only(items, summary, on_problem))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True, leave=False)
    with Store(db) as store:
        for batch in iter_batches(coded, batch_size):
            store.write_batch(batch)
            summary.articles += len(batch)
            summary.events += sum(len(e) for _, e in batch)
            if bar is not None:
                bar.update(len(batch))
                bar.set_postfix(events=summary.events)
    if bar is not None:
        bar.close()
    return summary
