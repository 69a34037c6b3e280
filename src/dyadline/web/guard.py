"""What keeps the server safe to expose: parameter types, the body size limit,
and errors that are always JSON (under /api) with a code and a 4xx or 503 status.

Every query parameter is declared here with its type, range, length and
characters, so FastAPI refuses a bad value (400, E532) before a route runs and
the OpenAPI schema says what is accepted. The routes then check what a schema
cannot say (a date that does not exist, an inverted range, an unknown sector)
in :mod:`dyadline.series`, and every value reaches SQL as a bound parameter.
"""
from __future__ import annotations

from html import escape
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import DyadlineError, InputError, StorageError, UsageError
from ..series import MAX_PAGE_SIZE

#: Largest request body accepted (bytes); more is answered 413.
MAX_BODY = 1 << 20
#: Largest text POST /api/code codes (characters).
MAX_TEXT = 100_000
#: Highest page number of the event search.
MAX_PAGE = 1_000_000
#: Seconds a client is asked to wait when the database is busy.
RETRY_AFTER = 1

ACTOR_RE = r"^[A-Za-z]{3}([A-Za-z]{3})?$"
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _optional(pattern: str) -> str:
    """The same pattern, also matching the empty string (a parameter left blank)."""
    return f"^({pattern[1:-1]})?$"


Actor = Annotated[str, Query(max_length=6, pattern=ACTOR_RE,
                             description="a country code (PRK) or an actor code (PRKGOV)")]
OptActor = Annotated[str | None, Query(max_length=6, pattern=_optional(ACTOR_RE),
                                       description="a country code (PRK) or an actor code (PRKGOV)")]
Day = Annotated[str | None, Query(max_length=10, pattern=_optional(DATE_RE), description="YYYY-MM-DD")]
EventType = Annotated[str | None, Query(max_length=16, pattern=r"^[A-Za-z]*$",
                                        description="a PLOVER event type, e.g. ACCUSE")]
QuadClass = Annotated[int | None, Query(ge=1, le=4, description="1 to 4")]
Text = Annotated[str | None, Query(max_length=200, description="words in the evidence or sentence")]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Freq = Annotated[Literal["day", "week", "month"], Query()]
Ranking = Annotated[Literal["goldstein", "events"], Query()]
ArticleId = Annotated[str, PathParam(min_length=1, max_length=512)]
Focus = Annotated[str | None, Query(max_length=600)]


_ACTOR_HINT = "a country code such as PRK or an actor code such as PRKGOV"
_DATE_HINT = "a YYYY-MM-DD date"
#: What each parameter should be, said in bad-parameter errors.
HINTS = {"actor": _ACTOR_HINT, "a": _ACTOR_HINT, "b": _ACTOR_HINT, "since": _DATE_HINT,
         "until": _DATE_HINT, "base_since": _DATE_HINT, "base_until": _DATE_HINT,
         "date": _DATE_HINT, "type": "a PLOVER event type such as ACCUSE",
         "quad_class": "1, 2, 3 or 4", "page": f"1 to {MAX_PAGE}", "page_size": f"1 to {MAX_PAGE_SIZE}",
         "limit": f"1 to {MAX_PAGE_SIZE}", "freq": "day, week or month", "by": "goldstein or events"}


def describe(err: dict[str, Any]) -> str:
    """One validation error as ``name 'value': problem (what it should be)``."""
    loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path")]
    where = ".".join(loc) or "request"
    text = f"{where}: {err.get('msg', 'invalid')}"
    value = err.get("input")
    if loc and isinstance(value, str):
        shown = repr(value if len(value) <= 40 else value[:40] + "…")
        text = f"{where} {shown}: {err.get('msg', 'invalid')}"
    hint = HINTS.get(loc[-1]) if loc else None
    return f"{text} (give {hint})" if hint else text


def blank(value: str | None) -> str | None:
    """An empty parameter counts as absent."""
    return value or None


class CodeRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    date: str = Field(pattern=DATE_RE, description="YYYY-MM-DD")


class ErrorBody(BaseModel):
    ok: bool = False
    error: str


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route may answer."""
    why = {400: "a bad parameter", 403: "coding posted text is off", 404: "not found",
           413: "the request body is too large", 503: "the database is busy or missing; retry"}
    return {s: {"model": ErrorBody, "description": why[s]} for s in statuses}


def _status(exc: DyadlineError) -> int:
    if isinstance(exc, (UsageError, InputError)):
        return 400
    if isinstance(exc, StorageError):
        return 503
    return 500


def error_response(request: Request | None, status: int, message: str,
                   headers: dict[str, str] | None = None) -> Any:
    if request is None or request.url.path.startswith("/api"):
        return JSONResponse({"ok": False, "error": message}, status_code=status, headers=headers)
    return HTMLResponse(f"<!doctype html><title>{status}</title><h1>{status}</h1>"
                        f"<p>{escape(message)}</p><p><a href='/'>dashboard</a></p>",
                        status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DyadlineError)
    async def dyadline_error(request: Request, exc: DyadlineError) -> Any:
        busy = exc.code == "E407"
        return error_response(request, _status(exc), str(exc),
                              {"Retry-After": str(RETRY_AFTER)} if busy else None)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Any:
        parts = "; ".join(describe(err) for err in exc.errors())
        return error_response(request, 400, "[E532] bad parameter: " + parts[:2000])

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        detail = str(exc.detail)
        if not detail.startswith("[E"):
            detail = f"[E537] {detail}"          # the framework's own: no such route or method
        return error_response(request, exc.status_code, detail, exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Any:   # pragma: no cover
        return error_response(request, 500, f"internal error: {type(exc).__name__}")


def drop_422(app: FastAPI) -> None:
    """FastAPI documents its validation errors as 422; this API answers them 400."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = build()
            for ops in spec.get("paths", {}).values():
                for op in ops.values():
                    if isinstance(op, dict) and op.get("responses", {}).pop("422", None):
                        op["responses"].setdefault("400", {
                            "description": "a bad parameter",
                            "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorBody"}}}})
            schemas = spec.get("components", {}).get("schemas", {})
            for unused in ("HTTPValidationError", "ValidationError"):
                schemas.pop(unused, None)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, by Content-Length when
    given and by counting otherwise (a chunked body is read at most that far)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def _refuse(self, send: Send, status: int, message: str) -> None:
        await JSONResponse({"ok": False, "error": message}, status_code=status,
                           headers={"Connection": "close"})({"type": "http"}, _nothing, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = f"[E533] the request body is over {self.max_bytes} bytes"
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                if not value.isdigit():
                    await self._refuse(send, 400, "[E532] bad Content-Length header")
                    return
                if int(value) > self.max_bytes:
                    await self._refuse(send, 413, too_big)
                    return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":          # the client went away
                await self.app(scope, _replay([message], receive), send)
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._refuse(send, 413, too_big)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        whole: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([whole], receive), send)


async def _nothing() -> Message:      # pragma: no cover  (a response never reads)
    return {"type": "http.disconnect"}


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that hands out ``messages`` first, then reads on."""
    queue = list(messages)

    async def replayed() -> Message:
        if queue:
            return queue.pop(0)
        return await receive()

    return replayed
