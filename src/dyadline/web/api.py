"""The REST API: thin routes over :mod:`dyadline.series` and the coder.

Every request opens the database read-only and closes it when answered.
Every error is answered as ``{"ok": false, "error": "..."}`` under /api (an
HTML page elsewhere) with a 4xx status for a bad request.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from .. import __version__
from ..errors import DyadlineError, InputError, StorageError, UsageError
from ..series import (EventFilter, article_view, dyad_changes, dyad_series, search_events,
                      top_dyads)
from ..storage import Store

DOCS_ASSETS = "/api/docs-assets"


class CodeRequest(BaseModel):
    text: str
    date: str


def _status(exc: DyadlineError) -> int:
    if isinstance(exc, (UsageError, InputError)):
        return 400
    if isinstance(exc, StorageError):
        return 503
    return 500


def _fail(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


def _error_response(request: Request, status: int, message: str) -> Any:
    if request.url.path.startswith("/api"):
        return _fail(status, message)
    from html import escape

    return HTMLResponse(f"<!doctype html><title>{status}</title><h1>{status}</h1>"
                        f"<p>{escape(message)}</p><p><a href='/'>dashboard</a></p>", status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DyadlineError)
    async def dyadline_error(request: Request, exc: DyadlineError) -> Any:
        return _error_response(request, _status(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Any:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path"))
            parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
        return _error_response(request, 400, "bad parameter: " + "; ".join(parts))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        return _error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Any:   # pragma: no cover
        return _error_response(request, 500, f"internal error: {type(exc).__name__}")


def build_app(db: Path, *, allow_code: bool = False, model: str | None = None) -> FastAPI:
    app = FastAPI(title="dyadline", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Coded political events, dyad series and articles.")
    _install_error_handlers(app)

    def store() -> Iterator[Store]:
        s = Store(db, read_only=True)
        try:
            yield s
        finally:
            s.close()

    @app.get("/api/events", summary="Events, filtered and paged")
    def events(actor: str | None = None, a: str | None = None, b: str | None = None,
               directed: bool = False, type: str | None = None, quad_class: int | None = None,
               since: str | None = None, until: str | None = None, q: str | None = None,
               page: int = 1, page_size: int = 50, s: Store = Depends(store)) -> dict[str, Any]:
        """``actor`` on either side, or the dyad ``a``–``b``; ``q`` searches the evidence."""
        if (a is None) != (b is None):
            raise UsageError("a dyad needs both a and b", code="E531")
        f = EventFilter(actor=actor, dyad=(a, b) if a and b else None, directed=directed,
                        type=type, quad_class=quad_class, since=since, until=until, text=q,
                        page=page, page_size=page_size)
        return {"ok": True, **search_events(s, f).to_dict()}

    @app.get("/api/series", summary="A dyad's (or one actor's) series")
    def series(a: str, b: str | None = None, freq: str = "month", directed: bool = False,
               since: str | None = None, until: str | None = None,
               s: Store = Depends(store)) -> dict[str, Any]:
        result = dyad_series(s, a, b, freq=freq, directed=directed, since=since, until=until)
        return {"ok": True, **result.to_dict()}

    @app.get("/api/dyads/top", summary="Country pairs with the most events")
    def dyads_top(since: str | None = None, until: str | None = None, limit: int = 10,
                  s: Store = Depends(store)) -> dict[str, Any]:
        rows = top_dyads(s, since=since, until=until, limit=limit)
        return {"ok": True, "dyads": [r.to_dict() for r in rows]}

    @app.get("/api/dyads/changes", summary="Country pairs that moved most between two periods")
    def dyads_changes(base_since: str | None = None, base_until: str | None = None,
                      since: str | None = None, until: str | None = None, limit: int = 10,
                      by: str = "goldstein", s: Store = Depends(store)) -> dict[str, Any]:
        rows = dyad_changes(s, base=(base_since, base_until), recent=(since, until), limit=limit, by=by)
        return {"ok": True, "dyads": [r.to_dict() for r in rows]}

    @app.get("/api/articles/{article_id}", summary="One article with its events' spans")
    def article(article_id: str, s: Store = Depends(store)) -> dict[str, Any]:
        view = article_view(s, article_id)
        if view is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return {"ok": True, **view.to_dict()}

    @app.post("/api/code", summary="Code posted text (only with --allow-code)")
    def code(req: CodeRequest) -> dict[str, Any]:
        if not allow_code:
            raise HTTPException(403, "coding posted text is off; start the server with --allow-code")
        from .. import code_text

        events = code_text(req.text, req.date, article_id="posted", model=model)
        return {"ok": True, "events": [e.to_dict() for e in events]}

    import fastapi_offline     # ships Swagger UI 5 (reads OpenAPI 3.1) for serving without a CDN

    assets = Path(fastapi_offline.__file__).resolve().parent / "static"
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="dyadline API",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png")

    from .dashboard import add_pages

    add_pages(app, store)
    return app
