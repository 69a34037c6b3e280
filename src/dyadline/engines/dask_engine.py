"""The Dask engine: partitions of articles coded on the workers of a Dask cluster.

A local cluster (worker processes, one thread each) by default, or an existing
one at ``scheduler`` (``tcp://HOST:8786``). Each worker loads the pipeline once.
With ``parquet_dir`` each worker also writes its partition's events there as
``part-<hash>.parquet`` (a dataset ``dyadline events --parquet DIR`` reads).
"""
from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any, Sequence

from ..errors import UsageError
from ..model import Article, Event
from . import CoderSpec, Engine, chunks, code_articles

INSTALL = "pip install 'dask[distributed]==2026.8.0'"


def code_partition(spec: CoderSpec, articles: Sequence[Article], parquet_dir: str | None) -> list[list[Event]]:
    """Code one partition on a worker; optionally write its events as one Parquet file."""
    events = code_articles(spec, articles)
    if parquet_dir:
        write_partition(Path(parquet_dir), articles, events)
    return events


def write_partition(folder: Path, articles: Sequence[Article], events: list[list[Event]]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..storage import ARROW_TYPES, EVENT_COLUMNS, event_row

    key = hashlib.sha256("\0".join(a.id for a in articles).encode()).hexdigest()[:16]
    rows = [event_row(a.id, i, e) for a, evs in zip(articles, events) for i, e in enumerate(evs)]
    table = pa.table({c: pa.array([r[c] for r in rows], ARROW_TYPES.get(c, pa.string()))
                      for c in EVENT_COLUMNS})
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"part-{key}.parquet"
    tmp = out.with_suffix(".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, out)    # a reader never sees half a file
    return out


class DaskEngine(Engine):
    depth = 2

    def __init__(self, spec: CoderSpec, *, workers: int | None = None, scheduler: str | None = None,
                 parquet_dir: str | Path | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise UsageError(f"the Dask engine needs dask.distributed: {INSTALL}", code="E513") from None
        self.spec = spec
        self.parquet_dir = str(Path(parquet_dir).resolve()) if parquet_dir else None
        self.cluster: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="10s")
            except OSError as exc:
                raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {exc}", code="E514") from None
        else:
            self.cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def code_batch(self, articles: Sequence[Article]) -> list[list[Event]]:
        parts = [list(p) for p in chunks(articles, 2 * self.workers)]
        futures = self.client.map(code_partition, [self.spec] * len(parts), parts,
                                  [self.parquet_dir] * len(parts), pure=False)
        return [events for part in self.client.gather(futures) for events in part]

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
