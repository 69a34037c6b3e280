"""Ingest: every format, and every bad input reported by file, line and reason."""
from __future__ import annotations

import json
from datetime import date

import pytest

from dyadline.lexicons import default_lexicon
from dyadline.model import Article, Problem
from dyadline.pipeline.ingest import check_date, clean_text, decode, read_inputs

TODAY = date(2026, 1, 1)


def items(*paths, **kw):
    kw.setdefault("boilerplate", default_lexicon().boilerplate)
    kw.setdefault("today", TODAY)
    return list(read_inputs(paths, **kw))


def articles(found):
    return [i for i in found if isinstance(i, Article)]


def problems(found):
    return [i for i in found if isinstance(i, Problem)]


def test_seed_format_with_leading_space_and_text_on_the_date_line(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(" date 2024-03-23 Kim met Putin.\n\nAdvertisment\n\nThe two leaders talked.", encoding="utf-8")
    (a,) = items(f)
    assert a.date == "2024-03-23"
    assert a.text == "Kim met Putin.\n\nThe two leaders talked."
    assert a.id == "a"


def test_seed_format_bom_and_date_on_its_own_line(tmp_path):
    f = tmp_path / "b.txt"
    f.write_bytes("\ufeffdate 2023-01-05\r\nFirst line.\r\nSecond line.".encode("utf-8"))
    (a,) = items(f)
    assert (a.date, a.text) == ("2023-01-05", "First line.\nSecond line.")


@pytest.mark.parametrize("line", ["Subscribe now", "Read more: other story", "Share on Facebook",
                                  "ADVERTISEMENT", "Share | Tweet | Email"])
def test_chrome_lines_are_removed(line):
    text = clean_text(f"One.\n{line}\nTwo.", default_lexicon().boilerplate)
    assert text == "One.\nTwo."


def test_chrome_words_inside_a_sentence_are_kept():
    s = "Officials said they would read more reports before they subscribe to the plan."
    assert clean_text(s, default_lexicon().boilerplate) == s


def test_jsonl_good_and_bad_lines(tmp_path):
    f = tmp_path / "news.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "x1", "date": "2024-01-02", "text": "Israel struck Gaza.", "url": "http://a"}),
        "{not json",
        json.dumps({"id": "x2", "text": "No date here."}),
        json.dumps({"id": "x3", "date": "2024-02-30", "text": "Impossible date."}),
        json.dumps({"id": "x4", "date": 20240101, "text": "Date is a number."}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "x5", "date": "2024-01-03", "text": 42}),
    ]), encoding="utf-8")
    found = items(f)
    assert [a.id for a in articles(found)] == ["x1"]
    assert articles(found)[0].url == "http://a"
    reasons = {p.origin.rsplit(":", 1)[1]: p.reason for p in problems(found)}
    assert set(reasons) == {"2", "3", "4", "5", "6", "7"}
    assert reasons["2"].startswith("not JSON")
    assert "missing field date" in reasons["3"]
    assert "does not exist" in reasons["4"]
    assert "string" in reasons["5"]
    assert "JSON object" in reasons["6"]
    assert "text must be a string" in reasons["7"]


def test_csv_with_quotes_and_embedded_newlines(tmp_path):
    f = tmp_path / "news.csv"
    f.write_text('id,date,text,title\n'
                 'c1,2024-05-01,"He said ""no"".\nThen he left.",T1\n'
                 'c2,,"missing date",T2\n'
                 'c3,2024-05-02,"Fine, really.",T3\n', encoding="utf-8")
    found = items(f)
    arts = articles(found)
    assert [a.id for a in arts] == ["c1", "c3"]
    assert arts[0].text == 'He said "no".\nThen he left.'
    assert arts[0].title == "T1"
    (p,) = problems(found)
    assert p.origin.endswith("news.csv:4") and "date" in p.reason


def test_csv_without_the_needed_columns(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    (p,) = items(f)
    assert isinstance(p, Problem) and "id, date and text" in p.reason


def test_html_main_text_and_meta_date(tmp_path):
    body = " ".join(["Turkish President Recep Tayyip Erdogan met Ukrainian President Volodymyr "
                     "Zelensky in Istanbul on Friday to discuss grain exports."] * 3)
    f = tmp_path / "page.html"
    f.write_text(f"""<html><head><title>Talks</title>
<meta property="article:published_time" content="2024-03-08T10:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>Erdogan hosts Zelensky</h1>
<p>{body}</p><p>{body}</p></article><footer>Subscribe now</footer></body></html>""", encoding="utf-8")
    (a,) = items(f)
    assert a.date == "2024-03-08"
    assert "Erdogan met" not in a.text or "Zelensky" in a.text
    assert "Home | World" not in a.text and "Subscribe" not in a.text


def test_html_without_main_text(tmp_path):
    f = tmp_path / "empty.html"
    f.write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (p,) = items(f, date_override="2024-01-01")
    assert isinstance(p, Problem) and "no main text" in p.reason


def test_bad_folder_is_reported_item_by_item_and_good_articles_survive(tmp_path):
    (tmp_path / "good.txt").write_text("date 2024-01-01\nIsrael struck Gaza.", encoding="utf-8")
    (tmp_path / "nodate.txt").write_text("Just some text without a date line.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("date 2024-01-02\nLe président a visité Niamey.".encode("latin-1"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "lines.jsonl").write_text(
        json.dumps({"id": "j1", "date": "2024-01-03", "text": "Iran condemned Israel."}) + "\n{broken\n",
        encoding="utf-8")
    found = items(tmp_path)
    assert sorted(a.id for a in articles(found)) == ["good", "j1", "latin1"]
    latin = next(a for a in articles(found) if a.id == "latin1")
    assert "président" in latin.text
    by_file = {p.origin.split("/")[-1]: p for p in problems(found)}
    assert "no 'date" in by_file["nodate.txt:1"].reason
    assert by_file["empty.txt"].reason == "empty file"
    assert "binary" in by_file["binary.txt"].reason
    assert by_file["latin1.txt"].skipped is False and "Latin-1" in by_file["latin1.txt"].reason
    assert by_file["lines.jsonl:2"].reason.startswith("not JSON")


def test_missing_path_and_unsupported_type(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    found = items(tmp_path / "nope", tmp_path / "notes.docx")
    assert [p.reason for p in problems(found)][0] == "no such file or folder"
    assert "unsupported file type" in problems(found)[1].reason


def test_date_override_for_plain_text(tmp_path):
    f = tmp_path / "plain.txt"
    f.write_text("Kenya sent police to Haiti.", encoding="utf-8")
    (a,) = items(f, date_override="2024-06-25")
    assert a.date == "2024-06-25"


@pytest.mark.parametrize("value,reason", [("2024-02-30", "does not exist"), ("24-1-1", "not YYYY-MM-DD"),
                                          ("2031-01-01", "future"), (None, "string")])
def test_check_date_reasons(value, reason):
    with pytest.raises(ValueError, match=reason):
        check_date(value, TODAY)


def test_decode_utf16_and_nul_binary():
    text, warn = decode("date 2024-01-01\nhi".encode("utf-16"))
    assert text.startswith("date") and "UTF-16" in warn
    with pytest.raises(ValueError, match="binary"):
        decode(bytes(range(256)) * 4)
    assert decode(b"Kim Jong\x00 Un and Vladimir Putin met.") == ("Kim Jong\x00 Un and Vladimir Putin met.", None)


def test_control_and_zero_width_characters_removed():
    assert clean_text("Vla\u200bdimir\x07 Putin") == "Vladimir Putin"
