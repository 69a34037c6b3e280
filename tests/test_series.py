"""Dyad series, top dyads, event search and the article view, on small coded corpora.

The corpora are coded once per session (``coded_db``); test_export, test_api
and test_dashboard import the fixtures from here.
"""
from __future__ import annotations

import struct
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from dyadline.cli import main
from dyadline.errors import UsageError
from dyadline.series import (DateRange, EventFilter, article_view, dyad_changes, dyad_series,
                             parse_actor, search_events, top_dyads)
from dyadline.storage import Store

ROOT = Path(__file__).resolve().parent.parent

#: Small articles in the seed format, with North Korea–Russia events in March,
#: June and September 2024 and a US condemnation of North Korea in June.
NK_ARTICLES = {
    "nk-condolence": "date 2024-03-23\nNorth Korean leader Kim Jong Un sent a message of condolence "
                     "to Russian President Vladimir Putin on Saturday.\n",
    "nk-summit": "date 2024-06-19\nRussian President Vladimir Putin met North Korean leader Kim Jong Un "
                 "in Pyongyang on Wednesday. The two leaders signed a strategic partnership treaty.\n",
    "us-condemns": "date 2024-06-28\nThe United States condemned North Korea on Friday for supplying "
                   "missiles to Russia.\n",
    "shoigu-visit": "date 2024-09-13\nRussian Security Council secretary Sergei Shoigu visited "
                    "Pyongyang on Friday and met Kim Jong Un.\n",
    "xi-putin": "date 2024-05-16\nChinese President Xi Jinping met Russian President Vladimir Putin "
                "in Beijing on Thursday.\n",
}

_CACHE: dict[str, Path] = {}


def coded_db(name: str, factory: pytest.TempPathFactory) -> Path:
    """The database for corpus ``name`` ("nk" or "demo"), coded once per session."""
    if name not in _CACHE:
        from dyadline.runner import run_code

        root = factory.mktemp(f"corpus-{name}")
        if name == "nk":
            src = root / "articles"
            src.mkdir()
            for stem, text in NK_ARTICLES.items():
                (src / f"{stem}.txt").write_text(text, encoding="utf-8")
        else:
            src = ROOT / "examples" / "articles"
        db = root / f"{name}.duckdb"
        run_code([src], db)
        _CACHE[name] = db
    return _CACHE[name]


@pytest.fixture(scope="session")
def nk_db(tmp_path_factory) -> Path:
    return coded_db("nk", tmp_path_factory)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    return coded_db("demo", tmp_path_factory)


@pytest.fixture
def store(nk_db):
    with Store(nk_db, read_only=True) as s:
        yield s


def _between(e, a: str, b: str) -> bool:
    s, t = (e.source.country if e.source else None), (e.target.country if e.target else None)
    return {s, t} == {a, b} and s != t


# ---------------------------------------------------------------------- arguments
@pytest.mark.parametrize("code, country, sector", [
    ("PRK", "PRK", None), ("prkgov", "PRK", "GOV"), ("IGO", "IGO", None), ("RUSMIL", "RUS", "MIL"),
])
def test_actor_codes(code, country, sector):
    a = parse_actor(code)
    assert (a.country, a.sector) == (country, sector)


@pytest.mark.parametrize("code", ["PR", "PRKX", "PRKXYZ", "GOV", "12A", ""])
def test_unknown_actor_codes(code):
    with pytest.raises(UsageError, match=r"\[E521\] unknown actor code"):
        parse_actor(code)


def test_date_ranges():
    assert DateRange.parse("2024-01-01", None) == DateRange(date(2024, 1, 1), None)
    with pytest.raises(UsageError, match="E523.*inverted"):
        DateRange.parse("2024-05-01", "2024-01-01")
    with pytest.raises(UsageError, match="E522.*does not exist"):
        DateRange.parse("2024-02-30", None)
    with pytest.raises(UsageError, match="E522.*not a YYYY-MM-DD"):
        DateRange.parse(None, "May 2024")


# ---------------------------------------------------------------------- series
def test_monthly_series_matches_the_events(store):
    events = [e for e in store.events() if _between(e, "PRK", "RUS")]
    assert len(events) >= 5
    series = dyad_series(store, "PRK", "RUS", freq="month")
    # an unbroken run of months from March to September 2024
    assert [b.period for b in series.buckets] == [date(2024, m, 1) for m in range(3, 10)]
    assert series.total == len(events)
    for b in series.buckets:
        month = [e for e in events if e.date and e.date[:7] == b.period.isoformat()[:7]]
        assert b.events == len(month)
        assert b.types == dict(Counter(e.type for e in month))
        assert list(b.quad) == [sum(1 for e in month if e.quad_class == q) for q in (1, 2, 3, 4)]
        assert b.goldstein_sum == pytest.approx(sum(e.goldstein or 0 for e in month))
        if month:
            assert b.balance == pytest.approx((b.cooperation - b.conflict) / len(month))
        else:
            assert b.balance is None and b.goldstein_mean is None
    by_month = {b.period.month: b for b in series.buckets}
    assert by_month[3].types.get("SUPPORT", 0) >= 1 and by_month[4].events == 0


def test_directed_series_and_date_range(store):
    both = dyad_series(store, "PRK", "RUS")
    one_way = dyad_series(store, "PRKGOV", "RUSGOV", directed=True)
    expected = [e for e in store.events() if e.source and e.target and e.source.code == "PRKGOV"
                and e.target.code == "RUSGOV"]
    assert one_way.total == len(expected) < both.total
    summer = dyad_series(store, "PRK", "RUS", since="2024-06-01", until="2024-06-30", freq="day")
    assert summer.buckets[0].period == date(2024, 6, 1) and summer.buckets[-1].period == date(2024, 6, 30)
    assert summer.total == sum(b.events for b in both.buckets if b.period.month == 6)


def test_weekly_series_starts_on_mondays(store):
    series = dyad_series(store, "PRK", "RUS", freq="week")
    assert all(b.period.weekday() == 0 for b in series.buckets)
    assert series.total == dyad_series(store, "PRK", "RUS").total


def test_one_actor_against_all(store):
    series = dyad_series(store, "PRK")
    types = Counter()
    for b in series.buckets:
        types.update(b.types)
    assert types["ACCUSE"] >= 1              # the United States' condemnation
    assert series.total > dyad_series(store, "PRK", "RUS").total


def test_top_dyads_and_changes(store):
    top = top_dyads(store, limit=3)
    assert (top[0].a, top[0].b) == ("PRK", "RUS")
    assert top[0].events == dyad_series(store, "PRK", "RUS").total
    assert top[0].cooperation == top[0].events
    moved = dyad_changes(store, base=("2024-01-01", "2024-05-31"), recent=("2024-06-01", "2024-06-30"),
                         by="events", limit=5)
    first = moved[0]
    assert (first.a, first.b) == ("PRK", "RUS")
    assert first.events_change == first.events_after - first.events_before > 0
    with pytest.raises(UsageError, match="E525"):
        top_dyads(store, limit=0)


# ---------------------------------------------------------------------- search and article
def test_search_events(store):
    page = search_events(store, EventFilter(dyad=("PRK", "RUS"), page_size=2))
    assert page.total == dyad_series(store, "PRK", "RUS").total and len(page.rows) == 2
    page2 = search_events(store, EventFilter(dyad=("PRK", "RUS"), page_size=2, page=2))
    assert {i for i, _ in page.rows}.isdisjoint(i for i, _ in page2.rows)
    found = search_events(store, EventFilter(text="CONDOLENCE"))
    assert [e.type for _, e in found.rows] == ["SUPPORT"]
    conflict = search_events(store, EventFilter(actor="PRK", quad_class=3))
    assert {e.type for _, e in conflict.rows} == {"ACCUSE"}
    assert search_events(store, EventFilter(text="100%_")).total == 0
    with pytest.raises(UsageError, match="E527.*over the limit"):
        search_events(store, EventFilter(page_size=501))


def test_article_view_marks_the_event_spans(store):
    view = article_view(store, "nk-summit")
    assert view is not None and view.events
    assert "".join(s.text for s in view.segments) == view.text
    for i, (event_id, e) in enumerate(view.events):
        assert event_id.startswith("nk-summit#")
        marked = "".join(s.text for s in view.segments if i in s.events)
        assert marked == view.text[e.span[0]:e.span[1]]
        assert e.evidence in marked or marked in e.evidence
    assert article_view(store, "nope") is None


# ---------------------------------------------------------------------- command
def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_dyad_command_prints_the_series(demo_db, capsys, tmp_path):
    assert main(["dyad", "PRK", "RUS", "--db", str(demo_db), "--freq", "month"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("PRK–RUS  by month: ")
    assert out[1].split()[:6] == ["PERIOD", "EVENTS", "Q1", "Q2", "Q3", "Q4"]
    assert any(line.startswith("2024-06-01") for line in out[2:])
    png = tmp_path / "prk-rus.png"
    assert main(["dyad", "PRK", "RUS", "--db", str(demo_db), "--plot", str(png)]) == 0
    assert capsys.readouterr().out.endswith(f"wrote {png}\n")
    assert png_size(png) == (900, 500)
    from matplotlib import image

    pixels = image.imread(png)
    assert pixels.shape[:2] == (500, 900) and pixels.std() > 0.05   # not a blank canvas


def test_dyad_command_html_and_errors(nk_db, capsys, tmp_path):
    html = tmp_path / "chart.html"
    assert main(["dyad", "PRK", "--db", str(nk_db), "--freq", "week", "--plot", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in text and "cdn.plot.ly" not in text.split("Plotly.newPlot")[-1]
    capsys.readouterr()
    assert main(["dyad", "PRKXYZ", "--db", str(nk_db)]) == 1
    assert capsys.readouterr().err.startswith("Error: [E521] unknown actor code 'PRKXYZ'")
    assert main(["dyad", "PRK", "--db", str(nk_db), "--plot", str(tmp_path / "x.gif")]) == 1
    assert "Error: [E529]" in capsys.readouterr().err
