"""The local engine: this process, or a pool of worker processes on this machine."""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Sequence

from ..errors import UsageError
from ..model import Article, Event
from . import CoderSpec, Engine, chunks, code_articles, get_coder


def _warm(spec: CoderSpec) -> None:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")    # one process a core: no BLAS threads on top
    get_coder(spec)


class LocalEngine(Engine):
    """``workers`` processes (default: every core); one worker codes in this process.

    Worker processes are started fresh (``spawn``), load the pipeline once and
    send back events only. Each batch is cut into ``2 × workers`` pieces so that a
    worker that finishes early picks up more work. The pool starts with the first
    batch of more than ``SMALL`` articles: a handful is coded here, sooner than
    processes could start."""

    SMALL = 8

    def __init__(self, spec: CoderSpec, workers: int | None = None) -> None:
        self.spec = spec
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        if self.workers < 1:
            raise UsageError(f"--workers must be 1 or more, not {self.workers}", code="E512")
        self.pool: ProcessPoolExecutor | None = None
        self.depth = 2 if self.workers > 1 else 1

    def code_batch(self, articles: Sequence[Article]) -> list[list[Event]]:
        if self.workers == 1 or (self.pool is None and len(articles) <= self.SMALL):
            return code_articles(self.spec, articles)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_warm, initargs=(self.spec,))
        futures = [self.pool.submit(code_articles, self.spec, list(part))
                   for part in chunks(articles, 2 * self.workers)]
        return [events for f in futures for events in f.result()]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
