"""The dashboard pages: ``/`` and ``/articles/{id}``, and their scripts.

The pages fetch everything from the API; plotly.js is served from the plotly
Python package, so nothing is loaded from outside the server.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException

from .. import __version__
from ..model import EVENT_TYPES
from ..series import FREQS, article_view
from ..storage import Store
from .guard import ArticleId, Focus

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"),
                       autoescape=select_autoescape(["html"]))


@lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")


def render(name: str, **context: Any) -> str:
    return _env().get_template(name).render(version=__version__, **context)


def add_pages(app: FastAPI, reading: Callable[[], Store]) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/assets/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        return Response(_plotly_js(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def dashboard() -> str:
        return render("dashboard.html", freqs=FREQS, types=EVENT_TYPES)

    @app.get("/articles/{article_id}", include_in_schema=False, response_class=HTMLResponse)
    def article(article_id: ArticleId, focus: Focus = None) -> str:
        with reading() as s:
            view = article_view(s, article_id)
        if view is None:
            raise HTTPException(404, f"[E536] no article {article_id!r}")
        return render("article.html", article=view, focus=focus)
