"""The REST API over a live server on 127.0.0.1: every route, and bad requests as 4xx JSON."""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from dyadline.errors import StorageError
from dyadline.web import create_app

from test_series import coded_db  # the corpora, coded once per session


@pytest.fixture(scope="session")
def nk_db(tmp_path_factory) -> Path:
    return coded_db("nk", tmp_path_factory)


@contextlib.contextmanager
def live_server(db: Path, **options) -> Iterator[str]:
    """Serve ``db`` with uvicorn in a thread; yields the base URL."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(db, **options), host="127.0.0.1", port=port,
                            log_level="warning", ws="none", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def api_url(nk_db) -> Iterator[str]:
    with live_server(nk_db) as url:
        yield url


@pytest.fixture(scope="session")
def coding_url(nk_db) -> Iterator[str]:
    with live_server(nk_db, allow_code=True) as url:
        yield url


@pytest.fixture
def client(api_url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as c:
        yield c


def ok(r: httpx.Response) -> dict:
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is True
    return body


def test_events_filters_and_paging(client):
    body = ok(client.get("/api/events", params={"a": "PRK", "b": "RUS", "page_size": 2}))
    total = body["total"]
    assert total >= 5 and len(body["events"]) == 2
    for e in body["events"]:
        assert {e["source"]["country"], e["target"]["country"]} == {"PRK", "RUS"}
        assert e["event_id"].startswith(e["article_id"] + "#")
    last = ok(client.get("/api/events", params={"a": "PRK", "b": "RUS", "page_size": 2,
                                                "page": (total + 1) // 2}))
    assert len(last["events"]) == total - 2 * ((total + 1) // 2 - 1)
    directed = ok(client.get("/api/events", params={"a": "PRKGOV", "b": "RUSGOV", "directed": "true"}))
    assert all(e["source"]["country"] == "PRK" for e in directed["events"]) and directed["total"] < total
    accuse = ok(client.get("/api/events", params={"actor": "PRK", "type": "accuse"}))
    assert [e["source"]["country"] for e in accuse["events"]] == ["USA"]
    q3 = ok(client.get("/api/events", params={"quad_class": 3}))
    assert q3["total"] == accuse["total"]
    june = ok(client.get("/api/events", params={"since": "2024-06-01", "until": "2024-06-30"}))
    assert june["total"] > 0 and all(e["date"].startswith("2024-06") for e in june["events"])
    text = ok(client.get("/api/events", params={"q": "condolence"}))
    assert [e["type"] for e in text["events"]] == ["SUPPORT"]


def test_series_route(client):
    body = ok(client.get("/api/series", params={"a": "PRK", "b": "RUS", "freq": "month"}))
    assert body["a"] == "PRK" and body["b"] == "RUS" and body["freq"] == "month"
    assert [b["period"] for b in body["buckets"]][0] == "2024-03-01"
    assert sum(b["events"] for b in body["buckets"]) == body["total"] > 0
    march = body["buckets"][0]
    assert march["types"] == {"SUPPORT": 1} and march["balance"] == 1.0
    alone = ok(client.get("/api/series", params={"a": "PRK", "freq": "week"}))
    assert alone["b"] is None and alone["total"] > body["total"]


def test_top_dyads_and_changes(client):
    top = ok(client.get("/api/dyads/top", params={"limit": 2}))["dyads"]
    assert len(top) == 2 and (top[0]["a"], top[0]["b"]) == ("PRK", "RUS")
    moved = ok(client.get("/api/dyads/changes", params={
        "base_since": "2024-03-01", "base_until": "2024-03-31",
        "since": "2024-06-01", "until": "2024-06-30", "by": "events"}))["dyads"]
    assert (moved[0]["a"], moved[0]["b"]) == ("PRK", "RUS") and moved[0]["events_change"] > 0


def test_article_route(client):
    body = ok(client.get("/api/articles/nk-condolence"))
    assert body["date"] == "2024-03-23" and body["events"]
    marked = [s for s in body["segments"] if s["events"]]
    assert marked and "message of condolence" in marked[0]["text"]
    start, end = body["events"][0]["span"]
    assert body["text"][start:end] == marked[0]["text"]


@pytest.mark.parametrize("path, params, status, message", [
    ("/api/events", {"actor": "XYZGOVX"}, 400, "[E532] bad parameter: actor 'XYZGOVX'"),
    ("/api/events", {"actor": "PR1"}, 400, "give a country code such as PRK"),
    ("/api/series", {"a": "PRKFOO"}, 400, "[E521] unknown actor code"),
    ("/api/events", {"since": "2024-06-01", "until": "2024-01-01"}, 400, "[E523] date range is inverted"),
    ("/api/series", {"a": "PRK", "since": "2024-06-01", "until": "2024-01-01"}, 400, "inverted"),
    ("/api/events", {"page_size": 100000}, 400, "page_size '100000': Input should be less than or "
     "equal to 500"),
    ("/api/events", {"since": "2024-02-30"}, 400, "[E522] since '2024-02-30' does not exist"),
    ("/api/events", {"until": "yesterday"}, 400, "give a YYYY-MM-DD date"),
    ("/api/events", {"page": "two"}, 400, "page 'two': Input should be a valid integer"),
    ("/api/events", {"quad_class": 7}, 400, "give 1, 2, 3 or 4"),
    ("/api/events", {"type": "HUG"}, 400, "[E528] unknown event type"),
    ("/api/events", {"a": "PRK"}, 400, "[E531] a dyad needs both a and b"),
    ("/api/series", {}, 400, "a: Field required"),
    ("/api/series", {"a": "PRK", "freq": "year"}, 400, "give day, week or month"),
    ("/api/series", {"a": "PRK", "freq": "day", "since": "1900-01-01"}, 400, "[E535]"),
    ("/api/dyads/top", {"limit": 0}, 400, "limit '0': Input should be greater than or equal to 1"),
    ("/api/dyads/changes", {"by": "mood"}, 400, "give goldstein or events"),
    ("/api/articles/nope", {}, 404, "[E536] no article 'nope'"),
    ("/api/nothing-here", {}, 404, "[E537] Not Found"),
])
def test_bad_requests_are_json_errors(client, path, params, status, message):
    r = client.get(path, params=params)
    assert r.status_code == status
    body = r.json()
    assert body["ok"] is False and message in body["error"]


def test_code_is_off_unless_allowed(client, coding_url):
    r = client.post("/api/code", json={"text": "Kim Jong Un met Vladimir Putin.", "date": "2024-06-19"})
    assert r.status_code == 403 and r.json() == {
        "ok": False, "error": "[E534] coding posted text is off; start the server with --allow-code"}
    with httpx.Client(base_url=coding_url, timeout=60) as c:
        body = ok(c.post("/api/code", json={
            "text": "North Korean leader Kim Jong Un sent a message of condolence to Russian "
                    "President Vladimir Putin.", "date": "2024-03-23"}))
        (e,) = body["events"]
        assert (e["type"], e["source"]["country"], e["target"]["country"]) == ("SUPPORT", "PRK", "RUS")
        bad = c.post("/api/code", json={"text": "x", "date": "2024-13-01"})
        assert bad.status_code == 400 and bad.json()["ok"] is False
        missing = c.post("/api/code", json={"date": "2024-03-01"})
        assert missing.status_code == 400 and "text" in missing.json()["error"]


def test_docs_work_offline(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert "http://" not in page.text and "https://" not in page.text   # no CDN
    for asset in ("/api/docs-assets/swagger-ui-bundle.js", "/api/docs-assets/swagger-ui.css"):
        assert client.get(asset).status_code == 200
    spec = client.get("/api/openapi.json").json()
    assert {"/api/events", "/api/series", "/api/dyads/top", "/api/dyads/changes",
            "/api/articles/{article_id}", "/api/code"} <= set(spec["paths"])


def test_missing_database(tmp_path):
    with pytest.raises(StorageError, match="E401"):
        create_app(tmp_path / "none.duckdb")
