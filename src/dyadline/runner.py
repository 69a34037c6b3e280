"""Running the coder over inputs and into the store.

``run_code`` streams articles from the inputs in batches, skips those already
coded from the same content with the same pipeline version (unless ``recode``),
hands the rest to an engine (:mod:`dyadline.engines`) and writes each batch in
one transaction. Memory stays flat in the corpus size: at most ``depth``
batches are in flight. A run killed at any point leaves only whole batches, and
running it again finishes the job: nothing lost, nothing coded twice. Problems
with the input are reported to ``on_problem`` as they are met.
"""
from __future__ import annotations

import sys
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .dedup import NearDuplicates, refresh_if_stale
from .engines import CoderSpec, Engine, make_engine
from .model import Article, Event, Problem, RunSummary
from .pipeline import read_inputs
from .pipeline.coder import boilerplate_patterns
from .errors import StorageError
from .storage import EVENT_COLUMNS, EventQuery, Store, iter_batches

ProblemHook = Callable[[Problem], None]


@dataclass
class RunReport(RunSummary):
    """A :class:`RunSummary` that also counts articles skipped as already coded."""

    unchanged: int = 0
    linked: int = 0       # near-copies of other articles: linked to their original, not coded

    def line(self) -> str:
        extra = f"; {self.linked} near-duplicates linked" if self.linked else ""
        extra += f"; {self.unchanged} already coded" if self.unchanged else ""
        return super().line() + extra


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


def run_code(paths: Sequence[str | Path], db: str | Path, *, model: str | None = None,
             date_override: str | None = None, factuality: str = "asserted",
             batch_size: int = 64, engine: str | Engine = "local", workers: int | None = 1,
             scheduler: str | None = None, parquet_dir: str | Path | None = None,
             recode: bool = False, actor_files: Sequence[str] = (), leader_files: Sequence[str] = (),
             on_problem: ProblemHook | None = None,
             on_batch: Callable[[RunReport], None] | None = None,
             progress: bool = False, near_dup: bool = True, lang_check: bool = True) -> RunReport:
    """Code every article under ``paths`` into the database ``db``.

    ``engine`` is "local" (``workers`` processes; None for every core), "dask"
    (a LocalCluster, or the cluster at ``scheduler``) or an :class:`Engine`.
    ``on_batch`` is called with the running totals after each batch is written.
    With ``near_dup`` a first pass over the inputs finds near-copies (of each other
    or of stored articles: :class:`~dyadline.dedup.NearDuplicates`), which are
    linked to their original and not coded; the event clusters are refreshed after.
    With ``lang_check`` texts clearly not in English are skipped (reported as E215)."""
    spec = CoderSpec(model, factuality, tuple(str(f) for f in actor_files), tuple(str(f) for f in leader_files))
    version = spec.version()
    pats = boilerplate_patterns()
    summary = RunReport()
    total = None
    index = None
    if near_dup:   # a first pass (reading is cheap next to coding): near-copies are linked, not coded
        with Store(db, hold=False) as store:
            index = NearDuplicates(store)
            index.add(a for a in read_inputs(paths, date_override=date_override, boilerplate=pats,
                                             lang_check=lang_check)
                      if isinstance(a, Article))
            summary.linked = len(index.resolve())
        total = index.added - summary.linked
    elif progress:   # a quick first pass, for the bar's ETA
        total = sum(1 for i in read_inputs(paths, date_override=date_override, boilerplate=pats,
                                           lang_check=lang_check)
                    if isinstance(i, Article))
    articles = articles_only(read_inputs(paths, date_override=date_override, boilerplate=pats,
                                         lang_check=lang_check),
                             summary, on_problem)
    if index is not None:
        articles = index.filter(articles)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit=" articles", file=sys.stderr, dynamic_ncols=True, leave=False)
    eng = make_engine(engine, spec, workers=workers, scheduler=scheduler,
                      parquet_dir=parquet_dir) if isinstance(engine, str) else engine
    closed = False
    threads = ThreadPoolExecutor(eng.depth, thread_name_prefix="dyadline-code")
    pending: deque[tuple[list[Article], Future[list[list[Event]]]]] = deque()

    def land(store: Store) -> None:
        todo, fut = pending.popleft()
        events = fut.result()
        store.write_batch(list(zip(todo, events)), pipeline_version=version)
        summary.articles += len(todo)
        summary.events += sum(len(e) for e in events)
        if bar is not None:
            bar.update(len(todo))
            bar.set_postfix(events=summary.events)
        if on_batch:
            on_batch(summary)

    try:
        with Store(db, hold=False) as store:      # released between batches, for readers
            for batch in iter_batches(articles, batch_size):
                done = set() if recode else store.coded_ids(batch, version)
                todo = [a for a in batch if a.id not in done]
                summary.unchanged += len(batch) - len(todo)
                if bar is not None and len(todo) < len(batch):
                    bar.update(len(batch) - len(todo))
                if todo:
                    pending.append((todo, threads.submit(eng.code_batch, todo)))
                while len(pending) >= max(1, eng.depth):
                    land(store)
            while pending:
                land(store)
            if isinstance(engine, str):   # the workers' memory goes back before the clusters are refreshed
                closed = True
                eng.close()
            refresh_if_stale(store, bool(summary.articles or (index and index.changed)))
    finally:
        threads.shutdown(wait=False, cancel_futures=True)
        if isinstance(engine, str) and not closed:
            eng.close()
        if bar is not None:
            bar.close()
    return summary


def parquet_events(folder: str | Path, q: EventQuery = EventQuery()) -> list[Event]:
    """The events of a Parquet dataset (``code --engine dask --parquet DIR``), filtered by ``q``.

    A partition coded twice (a run killed and started again) counts once."""
    files = sorted(Path(folder).glob("*.parquet")) if Path(folder).is_dir() else [Path(folder)]
    if not files or not files[0].exists():
        raise StorageError(f"no Parquet files in {folder}; write some with "
                           "dyadline code PATH --engine dask --parquet DIR", code="E406")
    with Store(":memory:") as mem:
        mem.con.execute(f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) SELECT {', '.join(EVENT_COLUMNS)} "
                        "FROM read_parquet(?) QUALIFY row_number() OVER "
                        "(PARTITION BY article_id, seq ORDER BY event_id) = 1", [[str(f) for f in files]])
        return mem.events(q)
