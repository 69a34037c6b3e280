"""Engines: where articles are coded. One seam, two implementations.

    Engine.code_batch(articles) -> one list of events per article, in order

:class:`~dyadline.engines.local.LocalEngine` codes in this process (one
worker) or in a pool of worker processes; :class:`~dyadline.engines.dask_engine.DaskEngine`
codes partitions on a Dask cluster. Both run the same pure unit of work,
:func:`code_articles`, which loads the spaCy pipeline once per process and
returns small :class:`~dyadline.model.Event` records, never Docs. Given the same
articles every engine returns the same events.
"""
from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .. import __version__
from ..config import DEFAULT_PARSE, model_name
from ..errors import UsageError
from ..model import Article, Event

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CODE_DIR = Path(__file__).resolve().parent.parent / "pipeline"
ENGINES = ("local", "dask")


@dataclass(frozen=True)
class CoderSpec:
    """Everything that decides how an article is coded; small and picklable."""

    model: str | None = None
    factuality: str = "asserted"
    actor_files: tuple[str, ...] = ()
    leader_files: tuple[str, ...] = ()

    def version(self) -> str:
        """The pipeline version stored with each article: dyadline's version, a hash of
        the data files (and extra actor/leader files), a hash of the coding code (the
        pipeline stages and the lexicon loader), the model, the parse mode and the
        factuality kept: a change to any of them recodes an article on the next run."""
        h = hashlib.sha256()
        files = sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and p.suffix in (".tsv", ".yaml", ".yml", ".jsonl"))
        for p in files + [Path(f) for f in self.actor_files + self.leader_files]:
            h.update(p.name.encode())
            h.update(p.read_bytes())
        code = hashlib.sha256()
        for p in sorted(CODE_DIR.glob("*.py")) + [CODE_DIR.parent / "lexicons.py", CODE_DIR.parent / "model.py"]:
            code.update(p.name.encode())
            code.update(p.read_bytes())
        return (f"dyadline {__version__}; data {h.hexdigest()[:12]}; code {code.hexdigest()[:12]}; "
                f"model {model_name(self.model)}; parse {DEFAULT_PARSE}; {self.factuality}")


_CODERS: dict[CoderSpec, Any] = {}
_LOCK = threading.Lock()


def get_coder(spec: CoderSpec) -> Any:
    """This process's :class:`~dyadline.pipeline.Coder` for ``spec``, loaded once."""
    with _LOCK:
        if spec not in _CODERS:
            from ..pipeline import Coder

            _CODERS[spec] = Coder(spec.model, actor_files=spec.actor_files,
                                  leader_files=spec.leader_files, factuality=spec.factuality)
        return _CODERS[spec]


def code_articles(spec: CoderSpec, articles: Sequence[Article]) -> list[list[Event]]:
    """The unit of work: code ``articles`` with the pipeline ``spec`` names."""
    coder = get_coder(spec)
    with _LOCK:   # a Coder is not shared between threads at once
        return [events for _, events in coder.code_many(articles)]


def chunks(items: Sequence[Any], n: int) -> list[Sequence[Any]]:
    """``items`` cut into at most ``n`` contiguous pieces of near-equal size."""
    n = max(1, min(n, len(items)))
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out


class Engine(ABC):
    """Codes batches of articles; ``close`` gives its workers back."""

    #: how many batches the runner keeps in flight (to keep the workers busy)
    depth: int = 1

    @abstractmethod
    def code_batch(self, articles: Sequence[Article]) -> list[list[Event]]:
        """One list of events for each article, in the order given."""

    def close(self) -> None:
        pass

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_engine(name: str, spec: CoderSpec, *, workers: int | None = None,
                scheduler: str | None = None, parquet_dir: str | Path | None = None) -> Engine:
    """The engine called ``name`` ("local" or "dask")."""
    if name == "local":
        if scheduler or parquet_dir:
            raise UsageError("--scheduler and --parquet need --engine dask", code="E511")
        from .local import LocalEngine

        return LocalEngine(spec, workers)
    if name == "dask":
        from .dask_engine import DaskEngine

        return DaskEngine(spec, workers=workers, scheduler=scheduler, parquet_dir=parquet_dir)
    raise UsageError(f"unknown engine {name!r}; use one of {', '.join(ENGINES)}", code="E510")


__all__ = ["CoderSpec", "Engine", "ENGINES", "code_articles", "chunks", "get_coder", "make_engine"]
