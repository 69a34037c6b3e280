"""The server is safe to expose: hostile values in every parameter of every route
are refused or harmless, no route reads a file outside its folders, bodies are
size-limited, coding posted text is off unless asked for, and it binds to
127.0.0.1 unless told otherwise."""
from __future__ import annotations

import asyncio
import hashlib
import http.client
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import duckdb
import httpx
import pytest

from dyadline.cli import build_parser, main
from dyadline.web import create_app
from dyadline.web.guard import MAX_BODY

from test_api import live_server
from test_series import coded_db  # the corpora, coded once per session


@pytest.fixture(scope="session")
def nk_db(tmp_path_factory) -> Path:
    return coded_db("nk", tmp_path_factory)


HOSTILE = [
    "x' OR 1=1 --", "'; DROP TABLE events; --", "%' UNION SELECT id, text FROM articles --",
    "PRK' OR '1'='1", '" OR ""="', "1; DELETE FROM events", "PRK%", "_", "\\", "*",
    "北朝鮮", "Ünïcödé 🙂", "PRK\x00GOV", "\u202eKRP", "A" * 5000, "../../etc/passwd",
    "%2e%2e%2fetc%2fpasswd", "<script>alert(1)</script>", "{{7*7}}", "-1", "0",
    "99999999999999999999999", "1e309", "NaN", " ", "\n",
]
ERROR = re.compile(r"^\[E\d{3}\] ")


def fingerprint(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = (con.execute("SELECT * FROM events ORDER BY article_id, seq").fetchall(),
                con.execute("SELECT * FROM articles ORDER BY id").fetchall(),
                con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall())
    finally:
        con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def server(nk_db):
    with live_server(nk_db) as url:
        yield url


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c


def call(app, method: str, path: str, **options) -> httpx.Response:
    """One request to ``app`` in process (ASGI), without a server."""
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://testserver") as c:
            return await c.request(method, path, **options)

    return asyncio.run(go())


def operations(client) -> list[tuple[str, str, list[dict]]]:
    """(path, method, parameters) of every GET operation in the OpenAPI schema, plus the
    dashboard's article page (not in the schema)."""
    spec = client.get("/api/openapi.json").json()
    ops = [(path, "get", op.get("parameters", [])) for path, item in spec["paths"].items()
           for method, op in item.items() if method == "get"]
    page = [{"name": "article_id", "in": "path", "required": True},
            {"name": "focus", "in": "query", "required": False}]
    return ops + [("/articles/{article_id}", "get", page)]


VALID = {"a": "PRK", "article_id": "nk-summit"}


def empty(body: dict) -> bool:
    return body.get("total") == 0 or body.get("dyads") == []


def test_every_parameter_of_every_route_refuses_or_survives_hostile_values(client, nk_db):
    before = fingerprint(nk_db)
    total = client.get("/api/events").json()["total"]
    ops = operations(client)
    assert {p for p, _, _ in ops} >= {"/api/events", "/api/series", "/api/dyads/top",
                                      "/api/dyads/changes", "/api/articles/{article_id}"}
    tried = 0
    for path, _, params in ops:
        assert params, path
        for param in params:
            for value in HOSTILE:
                query = {p["name"]: VALID[p["name"]] for p in params
                         if p.get("required") and p["in"] == "query" and p["name"] != param["name"]}
                url = path.replace("{article_id}", quote(VALID["article_id"], safe=""))
                if param["in"] == "path":
                    url = path.replace("{article_id}", quote(value, safe=""))
                else:
                    query[param["name"]] = value
                r = client.get(url, params=query)
                tried += 1
                where = f"{path} {param['name']}={value[:30]!r}"
                assert r.status_code in (200, 400, 404), (where, r.status_code, r.text[:300])
                if not path.startswith("/api"):
                    continue                      # the HTML page: escaped, checked below
                body = r.json()
                if r.status_code == 200:
                    # a value taken as given (free text, an unknown but well-formed code)
                    # matches nothing; a blank or false one changes nothing
                    assert body["ok"] is True, where
                    if value.strip() and param["name"] != "directed":
                        assert empty(body), where
                    else:
                        del query[param["name"]]
                        assert body == client.get(url, params=query).json(), where
                else:
                    assert body["ok"] is False and ERROR.match(body["error"]), (where, body)
    assert tried >= 25 * len(HOSTILE)
    assert client.get("/api/events").json()["total"] == total
    assert fingerprint(nk_db) == before


def test_values_are_escaped_in_the_article_page(client):
    r = client.get("/articles/nk-summit", params={"focus": "<script>alert(1)</script>"})
    assert r.status_code == 200 and "<script>alert(1)</script>" not in r.text
    r = client.get("/articles/" + quote("<img src=x onerror=alert(1)>", safe=""))
    assert r.status_code == 404 and "<img src=x" not in r.text and "&lt;img" in r.text


@pytest.mark.parametrize("path, params", [
    ("/api/series", {"a": "PRK", "freq": "day", "since": "0001-01-01"}),
    ("/api/series", {"a": "PRK", "freq": "month", "until": "9999-12-31"}),
    ("/api/series", {"a": "PRK", "freq": "week", "since": "9999-12-01", "until": "9999-12-31"}),
    ("/api/events", {"page": 1_000_001}),
    ("/api/events", {"page": 10 ** 30}),
    ("/api/events", {"page_size": 501}),
    ("/api/dyads/top", {"limit": -1}),
    ("/api/dyads/changes", {"limit": 10 ** 30}),
])
def test_ranges_that_would_cost_the_server_are_refused_or_bounded(client, path, params):
    r = client.get(path, params=params)
    assert r.status_code in (200, 400), r.text
    if r.status_code == 200:
        assert len(r.json()["buckets"]) <= 5
    else:
        assert ERROR.match(r.json()["error"])


def test_the_last_page_is_empty_not_an_error(client):
    body = client.get("/api/events", params={"page": 1_000_000, "page_size": 500}).json()
    assert body["ok"] is True and body["events"] == [] and body["total"] > 0


# ---------------------------------------------------------------------- paths
TRAVERSALS = [
    "/static/../../../../etc/passwd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/%252e%252e/%252e%252e/etc/passwd",
    "/static/....//....//....//etc/passwd",
    "/static/..\\..\\..\\..\\etc\\passwd",
    "/static//etc/passwd",
    "/static/%2Fetc%2Fpasswd",
    "/static/../api.py",
    "/static/..%2fapi.py",
    "/static/dashboard.js%00.png",
    "/api/docs-assets/../../../../../../etc/passwd",
    "/api/docs-assets/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/api/articles/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/api/articles/../../../etc/passwd",
    "/api/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/articles/..%2f..%2f..%2fetc%2fpasswd",
    "/assets/..%2f..%2fetc%2fpasswd",
]


def raw_get(base: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written: no client-side normalising of dots or escapes."""
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_route_reads_a_file_outside_its_folder(server, path):
    status, body = raw_get(server, path)
    assert 400 <= status < 500, (path, status)
    assert b"root:" not in body and b"def build_app" not in body


def test_static_files_are_still_served(server):
    status, body = raw_get(server, "/static/dashboard.js")
    assert status == 200 and body


# ---------------------------------------------------------------------- bodies
def test_bodies_over_the_limit_are_refused_413(server):
    big = b'{"text": "' + b"a" * MAX_BODY + b'", "date": "2024-06-19"}'

    def chunks():
        for i in range(0, len(big), 65536):
            yield big[i:i + 65536]

    with httpx.Client(base_url=server, timeout=30) as c:
        declared = c.post("/api/code", content=big, headers={"Content-Type": "application/json"})
        assert declared.status_code == 413
        assert declared.json()["error"].startswith("[E533] the request body is over")
        streamed = c.post("/api/code", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413 and streamed.json()["ok"] is False
        under = c.post("/api/code", content=big[:MAX_BODY - 100] + b'"}',
                       headers={"Content-Type": "application/json"})
        assert under.status_code == 403        # under the limit: on to the route (coding is off)
        assert c.get("/api/events").status_code == 200      # and the server still answers


def test_long_text_is_refused_when_coding_is_on(nk_db):
    app = create_app(nk_db, allow_code=True)
    r = call(app, "POST", "/api/code", json={"text": "Putin met Kim. " * 20_000, "date": "2024-06-19"})
    assert r.status_code == 400 and "text" in r.json()["error"]
    assert call(app, "POST", "/api/code", content=b"x" * (MAX_BODY + 1)).status_code == 413


# ---------------------------------------------------------------------- defaults
def test_coding_posted_text_is_off_by_default(client):
    for body in ({"json": {"text": "Kim Jong Un met Vladimir Putin.", "date": "2024-06-19"}},
                 {"content": b"not json"}, {"json": {"text": 1}}, {}):
        r = client.post("/api/code", **body)
        assert r.status_code == 403, body
        assert r.json()["error"].startswith("[E534]")
    assert client.get("/api/code").status_code == 405


def test_serve_binds_to_localhost_with_coding_off_by_default(nk_db, monkeypatch):
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.allow_code) == ("127.0.0.1", False)
    import uvicorn

    seen = {}

    def fake_run(app, **options):
        seen.update(options, app=app)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    assert main(["serve", "--db", str(nk_db)]) == 0
    assert seen["host"] == "127.0.0.1"
    r = call(seen["app"], "POST", "/api/code", json={"text": "x", "date": "2024-06-19"})
    assert r.status_code == 403


def test_serving_beyond_this_machine_is_warned_about(nk_db, monkeypatch, capsys):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    assert main(["serve", "--db", str(nk_db)]) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(["serve", "--db", str(nk_db), "--host", "0.0.0.0", "--allow-code"]) == 0
    assert seen["host"] == "0.0.0.0"
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0" in err and "--allow-code" in err


@pytest.mark.parametrize("freq", ["day", "week", "month"])
def test_a_series_at_the_end_of_the_calendar_does_not_overflow(tmp_path, freq):
    from dyadline.model import Actor, Article, Event
    from dyadline.series import dyad_series
    from dyadline.storage import Store

    db = tmp_path / "far.duckdb"
    met = Event("CONSULT", "040", Actor("Kim Jong Un", "PRK", "GOV"),
                Actor("Vladimir Putin", "RUS", "GOV"), "9999-12-31", goldstein=1.0, quad_class=1)
    with Store(db) as s:
        s.write_batch([(Article(id="far", date="9999-12-31", text="Kim met Putin."), [met])])
        series = dyad_series(s, "PRK", "RUS", freq=freq, since="9999-12-25")
    assert series.total == 1 and series.buckets[-1].events == 1
