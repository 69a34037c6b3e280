"""dyadline: code dated news into political events (PLOVER, CAMEO).

    >>> from dyadline import code_text
    >>> code_text("Kim Jong Un met Vladimir Putin.", date="2024-03-23")   # doctest: +SKIP
"""
from __future__ import annotations

from .model import Actor, Article, Event, Location, Problem, RunSummary

__version__ = "0.1.0"

_coders: dict[tuple, object] = {}


def get_coder(model: str | None = None, actor_files: tuple[str, ...] = (),
              leader_files: tuple[str, ...] = ()):
    """A shared :class:`~dyadline.pipeline.Coder` for ``model`` and extra actor and
    leader files (loaded once)."""
    from .pipeline import Coder

    key = (model, tuple(actor_files), tuple(leader_files))
    if key not in _coders:
        _coders[key] = Coder(model, actor_files=key[1], leader_files=key[2])
    return _coders[key]


def code_text(text: str, date: str, *, article_id: str = "text", model: str | None = None) -> list[Event]:
    """Code one text dated ``date`` (YYYY-MM-DD) and return its asserted events."""
    from .errors import InputError
    from .pipeline.ingest import check_date, clean_text

    try:
        day = check_date(date)
    except ValueError as exc:
        raise InputError(str(exc), code="E201") from None
    coder = get_coder(model)
    return coder.code(Article(id=article_id, date=day, text=clean_text(text)))  # type: ignore[attr-defined]


__all__ = ["Actor", "Article", "Event", "Location", "Problem", "RunSummary", "code_text",
           "get_coder", "__version__"]
