"""The REST API: thin routes over :mod:`dyadline.series` and the coder.

Every request opens the database read-only and closes it when answered, so a
``dyadline code`` run can write to the same file between its batches; while a
batch is being written a request waits for it (up to ``storage.READ_WAIT``
seconds) and is answered 503 with Retry-After only if it waits longer. Every
error is answered as ``{"ok": false, "error": "[Ennn] ..."}`` under /api (an
HTML page elsewhere) with a 4xx status for a bad request; parameters are
declared and checked in :mod:`dyadline.web.guard`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from .. import __version__
from ..errors import UsageError
from ..series import (EventFilter, article_view, dyad_changes, dyad_series, search_events,
                      top_dyads)
from ..storage import Store
from .guard import (MAX_BODY, Actor, ArticleId, BodyLimit, CodeRequest, Day, EventType, Freq,
                    Limit, OptActor, Page, PageSize, QuadClass, Ranking, Text, blank, drop_422,
                    errors, install_error_handlers)

DOCS_ASSETS = "/api/docs-assets"


def build_app(db: Path, *, allow_code: bool = False, model: str | None = None,
              max_body: int = MAX_BODY) -> FastAPI:
    app = FastAPI(title="dyadline", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Coded political events, dyad series and articles.")
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=max_body)
    drop_422(app)

    def reading() -> Store:
        """The database, read-only, for one request: opened only once the request's
        parameters are valid, and closed (``with``) as soon as it is answered."""
        return Store(db, read_only=True)

    @app.get("/api/events", summary="Events, filtered and paged", responses=errors(400, 503))
    def events(actor: OptActor = None, a: OptActor = None, b: OptActor = None,
               directed: bool = False, type: EventType = None, quad_class: QuadClass = None,
               since: Day = None, until: Day = None, q: Text = None,
               page: Page = 1, page_size: PageSize = 50) -> dict[str, Any]:
        """``actor`` on either side, or the dyad ``a``–``b``; ``q`` searches the evidence."""
        a, b = blank(a), blank(b)
        if (a is None) != (b is None):
            raise UsageError("a dyad needs both a and b", code="E531")
        f = EventFilter(actor=blank(actor), dyad=(a, b) if a and b else None, directed=directed,
                        type=blank(type), quad_class=quad_class, since=blank(since),
                        until=blank(until), text=blank((q or "").strip()), page=page,
                        page_size=page_size)
        with reading() as s:
            return {"ok": True, **search_events(s, f).to_dict()}

    @app.get("/api/series", summary="A dyad's (or one actor's) series", responses=errors(400, 503))
    def series(a: Actor, b: OptActor = None, freq: Freq = "month", directed: bool = False,
               since: Day = None, until: Day = None) -> dict[str, Any]:
        with reading() as s:
            result = dyad_series(s, a, blank(b), freq=freq, directed=directed, since=blank(since),
                                 until=blank(until))
        return {"ok": True, **result.to_dict()}

    @app.get("/api/dyads/top", summary="Country pairs with the most events",
             responses=errors(400, 503))
    def dyads_top(since: Day = None, until: Day = None, limit: Limit = 10) -> dict[str, Any]:
        with reading() as s:
            rows = top_dyads(s, since=blank(since), until=blank(until), limit=limit)
        return {"ok": True, "dyads": [r.to_dict() for r in rows]}

    @app.get("/api/dyads/changes", summary="Country pairs that moved most between two periods",
             responses=errors(400, 503))
    def dyads_changes(base_since: Day = None, base_until: Day = None, since: Day = None,
                      until: Day = None, limit: Limit = 10, by: Ranking = "goldstein") -> dict[str, Any]:
        with reading() as s:
            rows = dyad_changes(s, base=(blank(base_since), blank(base_until)),
                                recent=(blank(since), blank(until)), limit=limit, by=by)
        return {"ok": True, "dyads": [r.to_dict() for r in rows]}

    @app.get("/api/articles/{article_id}", summary="One article with its events' spans",
             responses=errors(400, 404, 503))
    def article(article_id: ArticleId) -> dict[str, Any]:
        with reading() as s:
            view = article_view(s, article_id)
        if view is None:
            raise HTTPException(404, f"[E536] no article {article_id!r}")
        return {"ok": True, **view.to_dict()}

    @app.post("/api/code", summary="Code posted text (only with --allow-code)",
              responses=errors(400, 403, 413),
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                  "schema": CodeRequest.model_json_schema()}}}})
    async def code(request: Request) -> dict[str, Any]:
        # Checked before the body is even parsed: with coding off nothing is read or run.
        if not allow_code:
            raise HTTPException(403, "[E534] coding posted text is off; start the server with "
                                "--allow-code")
        try:
            req = CodeRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False)) from None
        from .. import code_text

        found = await run_in_threadpool(code_text, req.text, req.date, article_id="posted",
                                        model=model)
        return {"ok": True, "events": [e.to_dict() for e in found]}

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

    add_pages(app, reading)
    return app
