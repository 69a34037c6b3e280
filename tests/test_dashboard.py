"""The dashboard in headless Chromium (Debian's package; `make chromium` installs it).

The page is served from a database coded from small North Korea–Russia
articles; the dyad PRK–RUS is picked through the page's query string, which
fills the form and draws the charts and the table.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from dyadline.storage import Store

from test_api import live_server
from test_series import nk_db, png_size  # noqa: F401  (session fixture)

DOCS_SHOT = Path(__file__).resolve().parent.parent / "docs" / "dashboard.png"


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not found; install it with `make chromium` "
    "(apt-get install chromium) to run the browser test")


def chromium(profile: Path, *args: str) -> str:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
           "--virtual-time-budget=20000", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def dashboard_url(nk_db):
    with live_server(nk_db) as url:
        yield url


def test_pages_are_served(dashboard_url):
    with httpx.Client(base_url=dashboard_url) as c:
        page = c.get("/")
        assert page.status_code == 200
        assert '<script src="/assets/plotly.min.js">' in page.text
        assert not re.search(r"""src=["']https?://""", page.text)    # nothing from outside
        js = c.get("/assets/plotly.min.js")
        assert js.status_code == 200 and len(js.content) > 1_000_000
        article = c.get("/articles/nk-summit", params={"focus": "nk-summit#0"})
        assert article.status_code == 200
        assert '<mark class="ev focus"' in article.text and "Putin met North Korean leader" in article.text
        missing = c.get("/articles/nope")
        assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


@needs_chromium
def test_dashboard_in_chromium(dashboard_url, nk_db, tmp_path):
    with Store(nk_db, read_only=True) as s:
        expected = [e for e in s.events() if e.source and e.target
                    and {e.source.country, e.target.country} == {"PRK", "RUS"}]
    url = f"{dashboard_url}/?a=PRK&b=RUS&freq=month"
    dom = chromium(tmp_path / "profile-dom", "--dump-dom", url)
    assert 'id="status"' in dom
    status = re.search(r'<span id="status"[^>]*data-state="(\w+)"[^>]*>([^<]*)<', dom)
    assert status and status.group(1) == "done", status and status.group(2)
    assert status.group(2) == f"{len(expected)} events"
    # the form holds the dyad, the timeline and the type bars are drawn by plotly
    assert '<span id="selection">PRK–RUS</span>' in dom
    timeline = dom.split('id="timeline"', 1)[1].split('id="types"', 1)[0]
    assert "main-svg" in timeline and "cooperation" in timeline
    # the table lists exactly the dyad's events, each with a link to its article
    rows = re.findall(r'<tr class="event">(.*?)</tr>', dom, flags=re.S)
    assert len(rows) == len(expected)
    assert any("message of condolence" in r for r in rows)
    assert all('href="/articles/' in r for r in rows)
    assert "2024-03-23" in dom and "2024-06-19" in dom

    shot = tmp_path / "dashboard.png"
    chromium(tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,1100",
             "--hide-scrollbars", url)
    assert png_size(shot) == (1280, 1100)
    DOCS_SHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, DOCS_SHOT)

    article = chromium(tmp_path / "profile-article", "--dump-dom",
                       f"{dashboard_url}/articles/nk-condolence?focus=nk-condolence%230")
    assert re.search(r'<mark class="ev focus"[^>]*>North Korean leader Kim Jong Un sent a message',
                     article)
