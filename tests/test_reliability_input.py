"""Bad input (issue 8): every kind is reported with file, line (where it has one),
reason and an E2xx code; the rest of the run goes on and only whole, good articles
reach the database."""
from __future__ import annotations

import csv
import gzip
import io
import json
import random
import tempfile
import tracemalloc
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dyadline.cli import main
from dyadline.errors import INPUT_PROBLEMS
from dyadline.lexicons import default_lexicon
from dyadline.model import Article, Problem
from dyadline.pipeline import ingest
from dyadline.pipeline.decoding import MAX_ARTICLE_CHARS, MAX_RUN_CHARS, foreign_language
from dyadline.pipeline.ingest import InputProblem, clean_text, read_inputs
from dyadline.runner import run_code

from conftest import EXAMPLES

TODAY = date(2026, 1, 1)
KIM = ("North Korean leader Kim Jong Un sent a message of condolence to Russian President "
       "Vladimir Putin on Saturday.")
GOOD = f"date 2024-03-23\n{KIM}\n"
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(*paths, **kw):
    kw.setdefault("boilerplate", default_lexicon().boilerplate)
    kw.setdefault("today", TODAY)
    found = list(read_inputs(paths, **kw))
    for p in found:
        if isinstance(p, Problem):   # every problem has a code, a place and a reason
            assert isinstance(p, InputProblem) and p.code in INPUT_PROBLEMS, p
            assert p.origin and p.reason
    return found


def articles(found):
    return [i for i in found if isinstance(i, Article)]


def skipped(found):
    return [i for i in found if isinstance(i, Problem) and i.skipped]


def warnings(found):
    return [i for i in found if isinstance(i, Problem) and not i.skipped]


def only_problem(found):
    assert not articles(found), found
    (p,) = found
    assert p.skipped
    return p


def dyads(events):
    return {(e.type, e.source and e.source.country, e.target and e.target.country) for e in events}


# ---------------------------------------------------------------------- dates
def test_no_date_in_any_format(tmp_path):
    (tmp_path / "a.txt").write_text("\n\nKim met Putin.", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b1", "date": "2024-01-02", "text": KIM}) + "\n"
                                      + json.dumps({"id": "b2", "text": KIM}) + "\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text(f"id,date,text\nc1,,{KIM}\n", encoding="utf-8")
    (tmp_path / "d.html").write_text(f"<html><body><article><p>{KIM} {KIM}</p></article></body></html>",
                                     encoding="utf-8")
    found = read(tmp_path)
    assert [a.id for a in articles(found)] == ["b1"]
    got = {p.origin[len(str(tmp_path)) + 1:]: p for p in skipped(found)}
    assert set(got) == {"a.txt:3", "b.jsonl:2", "c.csv:2", "d.html"}
    assert {p.code for p in got.values()} == {"E202"}
    assert "missing field date" in got["b.jsonl:2"].reason and "--date" in got["d.html"].reason


@pytest.mark.parametrize("value,code,reason", [
    ("2024-02-30", "E203", "does not exist"), ("2023-13-01", "E203", "does not exist"),
    ("01/02/2024", "E203", "not YYYY-MM-DD"), ("2999-01-01", "E204", "in the future"),
    ("2026-01-04", "E204", "in the future")])
def test_impossible_and_future_dates(tmp_path, value, code, reason):
    (tmp_path / "a.txt").write_text(f"date {value}\n{KIM}", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "ok", "date": "2026-01-03", "text": KIM}) + "\n"
                                      + json.dumps({"id": "x", "date": value, "text": KIM}), encoding="utf-8")
    found = read(tmp_path)
    assert [a.id for a in articles(found)] == ["ok"]   # up to two days ahead is fine (time zones)
    txt, rec = skipped(found)
    assert (txt.origin, rec.origin) == (f"{tmp_path / 'a.txt'}:1", f"{tmp_path / 'b.jsonl'}:2")
    assert txt.code == rec.code == code and reason in txt.reason and reason in rec.reason


# ---------------------------------------------------------------------- empty, binary, encodings
@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\t\r\n  ", "empty file (only white space)"),
    ("invisible.txt", "\u200b\u00a0\ufeff\n\u2060".encode("utf-8"), "empty file"),
    ("date-only.txt", b"date 2024-01-01\n  \n\r\n", "no text"),
    ("chrome-only.txt", b"date 2024-01-01\nAdvertisement\nSubscribe now\n", "no text"),
    ("blank.jsonl", b"\n \n\r\n", "empty file"),
    ("blank-text.jsonl", b'{"id": "a", "date": "2024-01-01", "text": " \\u200b\\n "}', "no text"),
])
def test_empty_and_white_space_only(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    p = only_problem(read(tmp_path / name))
    assert p.code == "E205" and p.reason.startswith(reason)


def test_binary_files_in_every_format(tmp_path):
    blob = random.Random(8).randbytes(6000)
    names = ["r.txt", "r.jsonl", "r.csv", "r.html", "z.txt", "png.txt"]
    for name in names[:4]:
        (tmp_path / name).write_bytes(blob)
    text = b"".join(f.read_bytes() for f in sorted((EXAMPLES / "articles").glob("*.txt")))
    (tmp_path / "z.txt").write_bytes(gzip.compress(text))               # compressed text
    (tmp_path / "png.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200) + blob[:500])
    (tmp_path / "r.jsonl.gz").write_bytes(gzip.compress(blob))           # the streamed reader
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    found = read(tmp_path)
    assert [a.id for a in articles(found)] == ["good"]
    assert len(skipped(found)) == 7 and not warnings(found)
    for p in skipped(found):
        assert p.code == "E206" and p.reason.startswith("binary file"), p


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom_is_decoded_and_coded(tmp_path, coder, encoding):
    (tmp_path / "a.txt").write_bytes(GOOD.encode(encoding))
    line = json.dumps({"id": "j", "date": "2024-03-23", "text": KIM}) + "\n"
    (tmp_path / "b.jsonl").write_bytes(line.encode(encoding))
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(line.replace('"j"', '"g"').encode(encoding)))
    found = read(tmp_path)
    assert [(a.id, a.text) for a in articles(found)] == [("a", KIM), ("j", KIM), ("g", KIM)]
    assert len(warnings(found)) == 3 and not skipped(found)
    assert all(w.code == "E207" and "UTF-16" in w.reason for w in warnings(found))
    assert ("SUPPORT", "PRK", "RUS") in dyads(coder.code(articles(found)[0]))


def test_utf16_detection_does_not_misfire_on_utf8(tmp_path):
    found = read(EXAMPLES / "articles")
    assert len(articles(found)) == len(list((EXAMPLES / "articles").glob("*.txt")))
    assert not [p for p in found if isinstance(p, Problem)]          # no warning, no skip
    for a in articles(found)[:5]:
        raw = (EXAMPLES / "articles" / f"{a.id}.txt").read_text(encoding="utf-8")
        assert a.text == raw.partition("\n")[2].strip()
    # a few NUL bytes inside UTF-8 text are cleaned, not taken for UTF-16 or binary
    (tmp_path / "nul.txt").write_bytes(b"date 2024-03-23\nVladimir Pu\x00tin met Kim\x00 Jong\x00 Un.\n")
    (a,) = read(tmp_path / "nul.txt")
    assert a.text == "Vladimir Putin met Kim Jong Un."


def test_latin1_text_is_coded_with_a_warning(tmp_path, coder):
    text = f"date 2024-03-23\n{KIM} The café in Zürich stayed open.\n"
    (tmp_path / "latin.txt").write_bytes(text.encode("latin-1"))
    warning, a = read(tmp_path / "latin.txt")
    assert (warning.code, warning.skipped) == ("E207", False) and "Latin-1" in warning.reason
    assert a.text.endswith("The café in Zürich stayed open.")
    assert ("SUPPORT", "PRK", "RUS") in dyads(coder.code(a))
    line = json.dumps({"id": "z", "date": "2024-03-23", "text": "Zürich"}, ensure_ascii=False)
    (tmp_path / "feed.jsonl.gz").write_bytes(gzip.compress(line.encode("latin-1")))   # the streamed reader
    warning, a = read(tmp_path / "feed.jsonl.gz")
    assert (warning.code, warning.skipped, a.text) == ("E207", False, "Zürich") and "Latin-1" in warning.reason


def test_mixed_line_endings_are_coded_normally(tmp_path, coder):
    (tmp_path / "a.txt").write_bytes(
        f"date 2024-03-23\r\nHeadline\r{KIM}\n\nSecond paragraph.\r\nLast.\r".encode())
    (tmp_path / "b.jsonl").write_bytes("\r\n".join([
        json.dumps({"id": "b1", "date": "2024-03-23", "text": KIM}), "{broken",
        json.dumps({"id": "b2", "date": "2024-03-23", "text": "One.\u2028Two."}, ensure_ascii=False)]).encode()
        + b"\r"
        + json.dumps({"id": "b3", "date": "2024-03-23", "text": KIM}).encode() + b"\n")
    (tmp_path / "c.csv").write_bytes(
        b'id,date,text\r\nc1,2024-03-23,"' + KIM.encode() + b'\r\nMore."\nc2,2024-03-23,Two.\r')
    found = read(tmp_path)
    by_id = {a.id: a.text for a in articles(found)}
    assert by_id == {"a": f"Headline\n{KIM}\n\nSecond paragraph.\nLast.", "b1": KIM, "b2": "One.\nTwo.",
                     "b3": KIM, "c1": f"{KIM}\nMore.", "c2": "Two."}
    (p,) = skipped(found)
    assert p.origin == f"{tmp_path / 'b.jsonl'}:2"
    a = articles(found)[0]
    assert ("SUPPORT", "PRK", "RUS") in dyads(coder.code(a))


# ---------------------------------------------------------------------- size
def test_a_50_mb_article_is_cut_with_a_warning_and_memory_stays_flat(tmp_path):
    f = tmp_path / "huge.txt"
    para = (KIM + " ") * 20 + "\n\n"
    with f.open("w", encoding="utf-8") as out:
        out.write("date 2024-03-23\n")
        for _ in range(50 * 2**20 // len(para) + 1):
            out.write(para)
    (tmp_path / "small.txt").write_text(GOOD, encoding="utf-8")
    foreign_language(KIM * 3)                   # load the language model before measuring
    tracemalloc.start()
    try:
        found = read(tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20                     # the file is 50 MB; only its start is read
    (w,) = warnings(found)
    assert (w.origin, w.code) == (str(f), "E208") and "50.0 MB" in w.reason
    big, small = articles(found)
    assert (big.id, small.id, small.text) == ("huge", "small", KIM)
    assert MAX_ARTICLE_CHARS // 2 < len(big.text) <= MAX_ARTICLE_CHARS
    assert big.text.endswith("Saturday.")       # cut at a paragraph break


def test_a_huge_record_in_a_streamed_jsonl_file_is_cut(tmp_path):
    f = tmp_path / "big.jsonl"
    huge = "\n\n".join([(KIM + " ") * 20] * 8000)                   # about 17 MB: streamed
    f.write_text(json.dumps({"id": "huge", "date": "2024-03-23", "text": huge}) + "\n"
                 + json.dumps({"id": "next", "date": "2024-03-23", "text": KIM}) + "\n", encoding="utf-8")
    assert f.stat().st_size > ingest.STREAM_MIN
    found = read(f)
    (w,) = warnings(found)
    assert (w.origin, w.code) == (f"{f}:1", "E208") and f"{len(huge):,} characters" in w.reason
    assert [(a.id, len(a.text) <= MAX_ARTICLE_CHARS) for a in articles(found)] == [("huge", True), ("next", True)]


def test_a_10_mb_line_without_a_sentence_end_is_cut_and_coded(tmp_path, coder):
    words = "Kim Jong Un met Vladimir Putin and the two leaders talked about trade and security".split()
    rnd = random.Random(3)
    f = tmp_path / "line.txt"
    with f.open("w", encoding="utf-8") as out:
        out.write("date 2024-03-23\n")
        chunk = " ".join(rnd.choice(words) for _ in range(20_000)) + " "
        while out.tell() < 10 * 2**20:
            out.write(chunk)
    w, a = read(f)
    assert w.code == "E208" and f"{f.stat().st_size / 2**20:.1f} MB" in w.reason
    assert "\n" not in a.text and "." not in a.text and len(a.text) <= MAX_ARTICLE_CHARS < coder.nlp.max_length
    events = coder.code(a)                      # a few seconds, never spaCy's E088 or a hang
    assert events and all(e.evidence in a.text for e in events)


def test_runs_without_spaces_are_broken_up(tmp_path, coder):
    (tmp_path / "run.txt").write_text(f"date 2024-03-23\n{KIM} " + "x.y,z!" * 500 + " end\n", encoding="utf-8")
    w, a = read(tmp_path / "run.txt")
    assert (w.code, w.skipped) == ("E209", False) and "1 run(s)" in w.reason
    assert max(len(t) for t in a.text.split()) == MAX_RUN_CHARS
    assert a.text.replace(" ", "").endswith("x.y,z!end")
    assert ("SUPPORT", "PRK", "RUS") in dyads(coder.code(a))


def test_html_without_main_text_and_html_too_large(tmp_path):
    (tmp_path / "nav.html").write_text("<html><body><nav>Home | World</nav><p>Short.</p></body></html>",
                                       encoding="utf-8")
    with (tmp_path / "huge.html").open("wb") as out:   # sparse: 6 MB on paper, never read
        out.write(b"<html>")
        out.truncate(6 * 2**20)
    huge, nav = read(tmp_path, date_override="2024-01-01")
    assert (nav.code, huge.code) == ("E214", "E208") and nav.skipped and huge.skipped
    assert "no main text" in nav.reason and "6.0 MB" in huge.reason


# ---------------------------------------------------------------------- records
def test_jsonl_bad_lines_are_reported_by_line(tmp_path):
    f = tmp_path / "feed.jsonl"
    good = {"date": "2024-03-23", "text": KIM}
    lines = [
        json.dumps({"id": "g1", **good}),                                   # 1
        "{broken",                                                           # 2
        json.dumps({"id": "m1", "date": "2024-01-02"}),                      # 3 no text
        json.dumps({"id": "t1", "date": "2024-01-02", "text": 42}),          # 4
        json.dumps({"id": "t2", "date": "2024-01-02", "text": ["a", "b"]}),  # 5
        json.dumps({"id": "d1", "date": 20240102, "text": KIM}),             # 6
        json.dumps({"id": {"x": 1}, **good}),                                # 7
        "[" * 50000,                                                         # 8 too deep
        "1" * 5000,                                                          # 9 too long a number
        "[1, 2]",                                                            # 10
        json.dumps({"id": "s\ud8001", "date": "2024-03-23", "text": "Kim\ud800 Jong\x00 Un met Putin."}),
        json.dumps({"id": "g2", "date": "2024-04-02", "title": None, "url": 5,
                    "text": "Iran condemned the Israeli strike on Damascus."}),   # 12
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = read(f)
    assert [(a.id, a.title, a.url) for a in articles(found)] == [("g1", None, None), ("s1", None, None),
                                                                 ("g2", None, None)]
    assert articles(found)[1].text == "Kim Jong Un met Putin."
    got = {int(p.origin.rsplit(":", 1)[1]): (p.code, p.reason) for p in skipped(found)}
    assert {k: v[0] for k, v in got.items()} == {2: "E212", 3: "E213", 4: "E213", 5: "E213", 6: "E203",
                                                 7: "E213", 8: "E212", 9: "E212", 10: "E212"}
    assert "missing field text" in got[3][1] and "not int" in got[4][1] and "not list" in got[5][1]
    assert "not int" in got[6][1] and "id must be" in got[7][1] and "JSON object" in got[10][1]
    db = tmp_path / "t.duckdb"
    summary = run_code([f], db)
    assert (summary.articles, summary.skipped) == (3, 9)
    con = duckdb.connect(str(db), read_only=True)
    assert sorted(r[0] for r in con.execute("SELECT id FROM articles").fetchall()) == ["g1", "g2", "s1"]
    con.close()


def test_csv_with_embedded_newlines_quotes_and_odd_rows(tmp_path, coder):
    f = tmp_path / "news.csv"
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow([" ID", "Date ", "TEXT", "title"])                          # header names are forgiven
    w.writerow(["c1", "2024-03-23", f'He said "no, never".\r\n{KIM}', 'T "1"'])   # lines 2-3
    w.writerow(["c2", "2024-03-23", "A, B and C", "t", "extra"])           # 4
    w.writerow(["c3", "2024-03-23"])                                       # 5
    w.writerow(["c4", "2024-03-23", (KIM + " ") * 3000, "long"])           # 6, past csv's field limit
    w.writerow(["c5", "2024-03-23", "Fine.\nReally.", ""])                 # 7-8
    f.write_text(buf.getvalue(), encoding="utf-8")
    found = read(f)
    arts = {a.id: a for a in articles(found)}
    assert list(arts) == ["c1", "c4", "c5"]
    assert arts["c1"].text == f'He said "no, never".\n{KIM}' and arts["c1"].title == 'T "1"'
    assert arts["c5"].text == "Fine.\nReally." and arts["c5"].title is None
    assert len(arts["c4"].text) <= MAX_ARTICLE_CHARS
    got = [(p.origin.rsplit(":", 1)[1], p.code) for p in found if isinstance(p, Problem)]
    assert got == [("4", "E212"), ("5", "E213"), ("6", "E208")]
    assert ("SUPPORT", "PRK", "RUS") in dyads(coder.code(arts["c1"]))


# ---------------------------------------------------------------------- language
FOREIGN = {
    "French": "Le gouvernement a annoncé mardi une nouvelle série de mesures pour soutenir les "
              "agriculteurs touchés par la sécheresse. Le ministre a rencontré les syndicats à Paris et "
              "promis une aide rapide avant la fin du mois.",
    "Spanish": "El presidente del gobierno viajó el lunes a Bruselas para reunirse con los líderes "
               "europeos. Según fuentes oficiales, las conversaciones se centraron en la migración y en "
               "el presupuesto comunitario para el próximo año.",
    "German": "Die Regierung hat am Donnerstag einen neuen Haushaltsentwurf vorgelegt. Der Finanzminister "
              "sagte in Berlin, dass die Ausgaben für Verteidigung und Bildung im kommenden Jahr deutlich "
              "steigen sollen.",
    "Russian": "В понедельник министр иностранных дел провёл переговоры со своим коллегой в Москве. "
               "Стороны обсудили торговлю, энергетику и положение в регионе, сообщило министерство.",
    "Arabic": "عقد وزير الخارجية يوم الاثنين محادثات مع نظيره في العاصمة، وناقش الجانبان التجارة والطاقة "
              "والوضع في المنطقة، بحسب بيان صادر عن الوزارة.",
}


@pytest.mark.parametrize("language", sorted(FOREIGN))
def test_non_english_text_is_skipped_unless_the_check_is_off(tmp_path, language):
    (tmp_path / "a.txt").write_text(f"date 2024-03-23\n{FOREIGN[language]}\n", encoding="utf-8")
    p = only_problem(read(tmp_path / "a.txt"))
    assert p.code == "E215" and language in p.reason and "--lang-check off" in p.reason
    (a,) = read(tmp_path / "a.txt", lang_check=False)
    assert a.text == FOREIGN[language]


def test_a_foreign_text_quoting_english_is_still_foreign():
    text = FOREIGN["French"] + ' Il a ajouté en anglais : "We will not leave the farmers alone." ' + FOREIGN["French"]
    assert foreign_language(text).startswith("French")


ENGLISH = [
    "Iran condemned Israel.", KIM,
    "Kim Jong Un met Vladimir Putin, Sergei Lavrov, Choe Son Hui and Sergei Shoigu in Pyongyang.",
    "Nicolás Maduro and Delcy Rodríguez met Gustavo Petro, Luiz Inácio Lula da Silva and Gabriel Boric "
    "in Caracas on Tuesday, and Andrés Manuel López Obrador sent Marcelo Ebrard.",
    "Recep Tayyip Erdoğan, Volodymyr Zelenskyy, Emmanuel Macron, Olaf Scholz, Giorgia Meloni, Pedro "
    "Sánchez, Donald Tusk and Ursula von der Leyen signed the Declaration of Kyiv on Saturday.",
    "ISRAEL STRUCK GAZA ON TUESDAY. HAMAS FIRED ROCKETS AT TEL AVIV AND ASHKELON, THE ISRAEL DEFENSE "
    "FORCES SAID IN A STATEMENT.",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_short_english_and_english_full_of_names_pass_the_check(text):
    assert foreign_language(text) is None


def test_no_example_article_is_taken_for_another_language():
    for f in sorted((EXAMPLES / "articles").glob("*.txt")):
        assert foreign_language(f.read_text(encoding="utf-8")) is None, f.name
    for line in (EXAMPLES / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        text = json.loads(line).get("text") or ""
        assert foreign_language(text) is None, text[:60]


def test_lang_check_option(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "kim.txt").write_text(GOOD, encoding="utf-8")
    (src / "fr.txt").write_text(f"date 2024-03-23\n{FOREIGN['French']}\n", encoding="utf-8")
    assert main(["code", str(src), "--db", str(tmp_path / "on.duckdb"), "-q"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("coded 1 articles") and out.endswith("; skipped 1\n")
    assert err.startswith(f"{src / 'fr.txt'}: skipped: the text is in French (fr, probability ")
    assert main(["code", str(src), "--db", str(tmp_path / "off.duckdb"), "-q", "--lang-check", "off"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("coded 2 articles") and out.endswith("; skipped 0\n") and err == ""


# ---------------------------------------------------------------------- characters
@pytest.mark.parametrize("text", [
    "Vladimir Pu\u200btin met Kim Jong\u200b Un",
    "Vladimir Putin met Kim\u00adJong Un in Moscow.",
    "Vladimir Pu\x00tin met Kim\x07 Jong Un in Moscow.",
    "\ufeffVladimir\u00a0Putin met Kim\u2060Jong\u00a0Un in\u202f Moscow.\u200e",
])
def test_invisible_characters_inside_names_are_cleaned(tmp_path, coder, text):
    (tmp_path / "a.txt").write_bytes(f"date 2024-03-23\n{text}\n".encode("utf-8"))
    (a,) = read(tmp_path / "a.txt")
    assert a.text.startswith("Vladimir Putin met Kim Jong Un")
    events = coder.code(a)
    assert any({e.source.country, e.target.country} == {"RUS", "PRK"} for e in events if e.source and e.target)


# ---------------------------------------------------------------------- whole runs
def bad_corpus(root: Path) -> int:
    """A folder with one input of every bad kind; returns how many items are skipped."""
    root.mkdir()
    (root / "nodate.txt").write_text(KIM, encoding="utf-8")
    (root / "feb30.txt").write_text(f"date 2024-02-30\n{KIM}", encoding="utf-8")
    (root / "future.txt").write_text(f"date 2999-01-01\n{KIM}", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_bytes(b" \n \t\n")
    (root / "blob.txt").write_bytes(random.Random(1).randbytes(3000))
    (root / "nav.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (root / "fr.txt").write_text(f"date 2024-03-23\n{FOREIGN['French']}", encoding="utf-8")
    (root / "feed.jsonl").write_text("\n".join([
        "{broken", json.dumps({"id": "x", "date": "2024-01-01"}), json.dumps({"date": 5, "text": KIM}),
        json.dumps({"id": "y", "date": "2024-01-01", "text": [KIM]})]), encoding="utf-8")
    (root / "rows.csv").write_text("id,date,text\nr1,,no date\nr2,2024-01-01,a,b\n", encoding="utf-8")
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    return 15


def test_a_bad_corpus_codes_the_good_articles_and_writes_nothing_else(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "kim.txt").write_text(GOOD, encoding="utf-8")
    (good / "feed.jsonl").write_text(json.dumps({"id": "j1", "date": "2024-04-02", "text":
                                                 "Iran condemned the Israeli strike on Damascus."}) + "\n",
                                     encoding="utf-8")
    alone = run_code([good], tmp_path / "alone.duckdb")
    n_bad = bad_corpus(tmp_path / "bad")
    seen: list[Problem] = []
    mixed = run_code([tmp_path / "bad", good], tmp_path / "mixed.duckdb", on_problem=seen.append)
    assert (mixed.articles, mixed.events, mixed.skipped) == (2, alone.events, n_bad)
    assert len([p for p in seen if p.skipped]) == n_bad and all(isinstance(p, InputProblem) for p in seen)
    assert all(p.origin.startswith(str(tmp_path / "bad")) for p in seen)

    def stored(db):
        con = duckdb.connect(str(db), read_only=True)
        try:
            return (con.execute("SELECT id, text FROM articles ORDER BY id").fetchall(),
                    con.execute("SELECT * EXCLUDE (event_id) FROM events ORDER BY article_id, seq").fetchall())
        finally:
            con.close()

    assert stored(tmp_path / "mixed.duckdb") == stored(tmp_path / "alone.duckdb")


def test_a_failure_inside_one_file_does_not_stop_the_others(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(ingest, "_from_csv", broken)   # fault injection: the safety net is under test
    (tmp_path / "a.csv").write_text("id,date,text\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    bug, b = read(tmp_path)
    assert (bug.code, bug.origin, b.id) == ("E219", str(tmp_path / "a.csv"), "b")
    assert "RuntimeError: simulated bug" in bug.reason and "please report" in bug.reason


# ---------------------------------------------------------------------- properties
def half(good, bad):
    """``good`` half the time (one_of would weigh each of bad's branches like good)."""
    return st.booleans().flatmap(lambda ok: good if ok else bad)


ODD = ["\x00", "\x07", "\x1b", "\u200b", "\u00ad", "\ufeff", "\u2028", "\u2029", "\x85", "\r", "\n", "\t",
       "\u00a0", "\ud800", "\udfff", "\u202e", " Putin ", " Kim Jong Un ", " met ", " condemned ", ". "]
WILD_TEXT = st.lists(half(st.characters(), st.sampled_from(ODD)), max_size=120).map("".join)
LACED_TEXT = st.lists(st.sampled_from(ODD + ["Vladimir", "Pu", "tin", "Kim", "Jong", "Un", "met"]),
                      max_size=30).map("".join)    # English names laced with odd characters
PLAIN_TEXT = st.lists(st.one_of(st.characters(blacklist_categories=("Cc", "Cs")),
                                st.sampled_from(ODD[3:11] + ODD[12:13] + ODD[16:])), max_size=120).map("".join)
# each field is good half the time, so that records get through to the coder and the store
DATES = half(st.just("2024-03-23"), st.one_of(
    st.none(), st.just(""), st.dates().map(str), st.just("2024-02-30"), st.just("2999-01-01"),
    st.text(max_size=12), st.integers(), st.lists(st.integers(), max_size=2)))
IDS = half(st.text(max_size=8), st.one_of(
    st.none(), st.integers(), st.floats(), st.booleans(),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1)))
TEXTS = half(st.one_of(WILD_TEXT, LACED_TEXT), st.one_of(
    st.none(), st.integers(), st.lists(st.text(max_size=4), max_size=2),
    st.sampled_from([KIM, FOREIGN["German"], "", "   "])))
RECORDS = st.fixed_dictionaries({"id": IDS, "date": DATES, "text": TEXTS}, optional={"title": IDS, "url": IDS})
JSONL_LINE = half(
    st.tuples(RECORDS, st.booleans()).map(lambda r: json.dumps(r[0], ensure_ascii=r[1])),
    st.text(min_size=1, max_size=40).map(lambda s: s.replace("\n", " ").replace("\r", " ")).filter(str.strip),
)
PIECES = [b"date 2024-03-23\n", KIM.encode(), b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\n", b"\xe9",
          "\u200b".encode(), b'{"id": 1, "date": "2024-03-23", "text": "', b'"}\n', b",", b'"', b"id,date,text\n",
          b"<p>", KIM.encode("utf-16-le")]
BYTES = st.one_of(st.binary(max_size=3000),
                  st.lists(st.one_of(st.sampled_from(PIECES), st.binary(max_size=12)), max_size=30).map(b"".join))


@FEW
@given(data=BYTES, ext=st.sampled_from([".txt", ".jsonl", ".csv", ".html", ".jsonl.gz"]))
def test_random_bytes_never_raise(coder, data, ext):
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / f"r{ext}"
        f.write_bytes(gzip.compress(data) if ext.endswith(".gz") else data)
        found = read(f)
    assert all(isinstance(i, (Article, Problem)) for i in found)
    if ext in (".txt", ".html"):                # one file, one article: coded or skipped
        assert len(articles(found)) + len(skipped(found)) == 1
    for a in articles(found):
        assert all(e.evidence in a.text for e in coder.code(a))


@FEW
@given(lines=st.lists(JSONL_LINE, min_size=1, max_size=6))
def test_random_jsonl_records_are_each_coded_or_reported(lines):
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "feed.jsonl"
        # a lone surrogate kept raw (ensure_ascii=False) becomes bytes that are not UTF-8
        f.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
        found = read(f)
        assert len(articles(found)) + len(skipped(found)) == len(lines)
        summary = run_code([f], Path(d) / "t.duckdb", near_dup=False)
        assert summary.articles + summary.unchanged + summary.skipped == len(lines)


PLAIN = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)


@FEW
@given(rows=st.lists(st.tuples(PLAIN, st.one_of(st.dates().map(str), PLAIN), PLAIN_TEXT), max_size=6))
def test_random_csv_rows_are_each_coded_or_reported(coder, rows):
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows([("id", "date", "text"), *rows])
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "rows.csv"
        f.write_text(buf.getvalue(), encoding="utf-8")
        found = read(f)
    assert len(articles(found)) + len(skipped(found)) == len(rows)
    for a in articles(found):
        assert all(e.evidence in a.text for e in coder.code(a))


@FEW
@given(text=st.one_of(WILD_TEXT, LACED_TEXT))
def test_random_text_is_cleaned_and_coded_without_error(coder, text):
    clean = clean_text(text)
    assert clean == clean_text(clean)           # cleaning is idempotent
    assert not any(c in clean for c in "\x00\x07\r\u200b\u00ad\ufeff\ud800\u2028")
    clean.encode("utf-8")                       # storable
    if clean:
        assert all(e.evidence in clean for e in coder.code(Article("r", "2024-03-23", clean)))
