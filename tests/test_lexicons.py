"""The data files load, and a bad row is reported by file and line."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from dyadline.errors import DataFileError
from dyadline.lexicons import DATA_DIR, default_lexicon, load_lexicon
from dyadline.model import EVENT_TYPES


@pytest.fixture
def data_copy(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(DATA_DIR, d)
    return d


def test_shipped_data_loads_and_covers_every_type():
    lex = default_lexicon()
    assert len(lex.countries) >= 198
    assert len(lex.cameo) >= 280
    verb_types = {r.type for rules in lex.verbs.values() for r in rules}
    noun_types = {r.type for rules in lex.nouns.values() for r in rules}
    assert verb_types | noun_types == set(EVENT_TYPES)


def test_every_cameo_code_has_its_root():
    lex = default_lexicon()
    for code in lex.cameo:
        assert code[:2] in lex.cameo


def test_leaders_by_date():
    lex = default_lexicon()
    assert lex.office_holder("USA", "head_of_state", date(2024, 3, 23)).name == "Joe Biden"
    assert lex.office_holder("USA", "head_of_state", date(2025, 3, 23)).name == "Donald Trump"
    assert lex.tenure("Donald Trump", date(2022, 6, 1)) is None


def append(path, line):
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


@pytest.mark.parametrize("file,row,message", [
    ("verbs.tsv", "smite\tSMITE\t190\tdobj\t-\t-", "unknown event type"),
    ("verbs.tsv", "smite\tASSAULT\t999\tdobj\t-\t-", "not in cameo.tsv"),
    ("verbs.tsv", "smite\tASSAULT\t190\tsideways\t-\t-", "bad target slot"),
    ("verbs.tsv", "smite\tASSAULT\t190", "expected 6 tab-separated fields"),
    ("countries.tsv", "XX\tNowhere\t-\t-\t-", "three capital letters"),
    ("agents.tsv", "wizard\tMAG\t-\t-", "unknown sector"),
    ("actors.tsv", "Acme\t-\tZZZ\tBUS\tcompany", "unknown country code"),
    ("leaders.tsv", "A Person\t-\tFRA\thead_of_state\t2024-05-01\t2024-01-01", "ends"),
    ("leaders.tsv", "Usurper\t-\tUSA\thead_of_state\t2024-01-01\t2024-02-01", "overlaps"),
    ("cameo.tsv", "0999\tx\tnine\tASSAULT\t4", "not a number"),
])
def test_bad_row_names_file_and_line(data_copy, file, row, message):
    path = data_copy / file
    append(path, row)
    n = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(DataFileError, match=message) as info:
        load_lexicon(data_copy)
    assert str(info.value).startswith(f"[E10")
    assert f"{file}:{n}" in str(info.value)


def test_bad_header(data_copy):
    (data_copy / "frames.tsv").write_text("word\tkind\nmessage\tof\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="frames.tsv:1: header"):
        load_lexicon(data_copy)


def test_user_actor_file_overrides(data_copy, tmp_path):
    extra = tmp_path / "mine.tsv"
    extra.write_text("name\taliases\tcountry\tsector\tkind\nAcme Corp\tAcme\tUSA\tBUS\tcompany\n",
                     encoding="utf-8")
    lex = load_lexicon(data_copy, actor_files=[extra])
    assert lex.names["Acme"][0].country == "USA"
