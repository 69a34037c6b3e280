"""The command line: exact output on small inputs, errors as 'Error: …'."""
from __future__ import annotations

import json

import pytest

from dyadline.cli import build_parser, main

ARTICLE = ("date 2024-03-23\nNorth Korean leader Kim Jong Un sent a message of condolence to "
           "Russian President Vladimir Putin on Saturday.\n")


@pytest.fixture
def db(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "kim.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "bad.txt").write_text("no date line here", encoding="utf-8")
    path = tmp_path / "t.duckdb"
    assert main(["code", str(src), "--db", str(path), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out == "coded 1 articles, 1 events; skipped 1\n"
    assert err == f"{src / 'bad.txt'}:1: skipped: no 'date YYYY-MM-DD' first line (or give --date)\n"
    return path


def test_events_table(db, capsys):
    assert main(["events", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["DATE", "TYPE", "CAMEO", "SOURCE", "TARGET", "EVIDENCE"]
    assert out[1].startswith("2024-03-23  SUPPORT  018    PRKGOV Kim Jong Un  RUSGOV Vladimir Putin")
    assert len(out) == 2


def test_events_jsonl_and_filters(db, capsys):
    assert main(["events", "--db", str(db), "--format", "jsonl", "--actor", "PRK", "--since", "2024-01-01"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    rec = json.loads(line)
    assert rec["source"] == {"name": "Kim Jong Un", "country": "PRK", "sector": "GOV"}
    assert rec["cameo"] == "018" and rec["goldstein"] == 3.4 and rec["quad_class"] == 1
    assert main(["events", "--db", str(db), "--actor", "USA"]) == 0
    assert capsys.readouterr().out == "no events\n"


def test_events_csv(db, capsys):
    assert main(["events", "--db", str(db), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("article_id,seq,event_id,type,cameo")
    assert lines[1].startswith("kim,0,kim#0,SUPPORT,018,3.4,1")


def test_export_parquet(db, tmp_path, capsys):
    out = tmp_path / "e.parquet"
    assert main(["export", "--db", str(db), "--format", "parquet", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote 1 events to {out} (parquet)\n"
    import pyarrow.parquet as pq
    assert pq.read_table(out).column("type").to_pylist() == ["SUPPORT"]


def test_dyad_summary(db, capsys):
    assert main(["events", "--db", str(db), "--dyads"]) == 0
    out = capsys.readouterr().out
    assert "PRK→RUS           1     1      0       3.40  SUPPORT 1" in out


def test_missing_database_is_a_clean_error(tmp_path, capsys):
    assert main(["events", "--db", str(tmp_path / "none.duckdb")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: [E401] no database at")


def test_bad_date_option(capsys):
    with pytest.raises(SystemExit):
        main(["events", "--since", "2024-13-01"])
    assert "date '2024-13-01' does not exist" in capsys.readouterr().err


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert p.description, f"{name} has no description"
        for action in p._actions:
            if action.dest != "help":
                assert action.help, f"{name} {action.dest} has no help"


def test_python_api():
    from dyadline import code_text

    events = code_text("Kim Jong Un met Vladimir Putin in Vladivostok.", date="2023-09-13")
    assert {(e.source.name, e.target.name) for e in events} == {("Kim Jong Un", "Vladimir Putin"),
                                                               ("Vladimir Putin", "Kim Jong Un")}


def test_bad_folder_reports_each_item_and_codes_the_rest(tmp_path, capsys):
    src = tmp_path / "mixed"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "nodate.txt").write_text("Putin met Xi.", encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "blob.txt").write_bytes(bytes(range(256)) * 8)
    (src / "latin.txt").write_bytes("date 2024-02-01\nLe président Macron a reçu Zelensky.".encode("latin-1"))
    (src / "feed.jsonl").write_text(json.dumps({"id": "f1", "date": "2024-05-05", "text":
                                                "Iran condemned the Israeli strike on Damascus."})
                                    + "\n{\"id\": \"f2\", broken\n", encoding="utf-8")
    db = tmp_path / "m.duckdb"
    assert main(["code", str(src), "--db", str(db), "-q"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("coded 3 articles, ") and out.endswith("; skipped 4\n")
    assert sorted(err.splitlines()) == sorted([
        f"{src / 'blob.txt'}: skipped: binary file (contains NUL bytes), not text",
        f"{src / 'empty.txt'}: skipped: empty file",
        f"{src / 'feed.jsonl'}:2: skipped: not JSON (Expecting property name enclosed in double quotes at column 14)",
        f"{src / 'latin.txt'}: warning: not UTF-8; decoded as Latin-1 (Windows-1252)",
        f"{src / 'nodate.txt'}:1: skipped: no 'date YYYY-MM-DD' first line (or give --date)",
    ])


@pytest.mark.parametrize("mention,date,line", [
    ("the US president", "2024-03-23", "Joe Biden | USA | GOV (person)"),
    ("the US president", "2025-03-23", "Donald Trump | USA | GOV (person)"),
    ("Trump", "2022-06-01", "Donald Trump | USA | ELI (person)"),
    ("Pyongyang", "2024-01-01", "North Korea | PRK | GOV (country)"),
    ("Turkey's parliament", "2024-01-01", "Turkey's parliament | TUR | LEG (agent)"),
])
def test_actors_resolve(capsys, mention, date, line):
    assert main(["actors", "resolve", mention, "--date", date]) == 0
    assert capsys.readouterr().out == f"{mention!r} on {date}: {line}\n"


def test_actors_resolve_unknown(capsys):
    assert main(["actors", "resolve", "rights groups", "--date", "2024-01-01"]) == 1
    assert "not resolved" in capsys.readouterr().out


def test_explain_shows_rule_and_arcs(capsys):
    assert main(["explain", "Iran condemned the Israeli strike on Damascus.", "--date", "2024-04-02"]) == 0
    out = capsys.readouterr().out
    assert "ACCUSE 111  IRNGOV Iran → ISRGOV" in out
    assert "by verbs.tsv:" in out and "nsubj:Iran" in out


def test_explain_says_why_nothing(capsys):
    assert main(["explain", "The minister condemned the decision.", "--date", "2024-04-02"]) == 0
    out = capsys.readouterr().out
    assert "events:\n  none" in out
    assert "no source" in out


def test_user_actor_file(tmp_path, capsys):
    mine = tmp_path / "mine.tsv"
    mine.write_text("name\taliases\tcountry\tsector\tkind\n"
                    "Northern Shield Brigade\tNSB\tMLI\tPRM\tarmed_group\n", encoding="utf-8")
    assert main(["actors", "resolve", "the Northern Shield Brigade", "--date", "2024-01-01"]) == 1
    capsys.readouterr()
    assert main(["actors", "resolve", "the Northern Shield Brigade", "--date", "2024-01-01",
                 "--actors", str(mine)]) == 0
    assert capsys.readouterr().out.endswith("Northern Shield Brigade | MLI | PRM (org)\n")
    src = tmp_path / "a.txt"
    src.write_text("date 2024-02-01\nThe NSB attacked Malian soldiers near Gao.\n", encoding="utf-8")
    db = tmp_path / "u.duckdb"
    assert main(["code", str(src), "--db", str(db), "-q", "--actors", str(mine)]) == 0
    capsys.readouterr()
    assert main(["events", "--db", str(db), "--format", "jsonl"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["source"] == {"name": "Northern Shield Brigade", "country": "MLI", "sector": "PRM"}


def test_bad_user_actor_file_names_file_and_line(tmp_path, capsys):
    mine = tmp_path / "bad.tsv"
    mine.write_text("name\taliases\tcountry\tsector\tkind\nAcme\t-\tZZZ\tBUS\tcompany\n", encoding="utf-8")
    assert main(["actors", "resolve", "Acme", "--date", "2024-01-01", "--actors", str(mine)]) == 1
    assert f"{mine}:2: unknown country code 'ZZZ'" in capsys.readouterr().err
