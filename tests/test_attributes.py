"""The model's attribute rules as lookup tables (pipeline/attributes.py): the same
tags, parts of speech, morphology, lemmas and dependencies as the model's own
attribute ruler, token for token, before a parse and after one."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from dyadline.config import model_name
from dyadline.pipeline.attributes import compile_rules

EXAMPLES = Path(__file__).parent.parent / "examples"
CASES = Path(__file__).parent / "cases"
ODD = ("I ain't gonna wait, y'all gotta c'mon, let's go doin' somethin' 'bout 'em. He gets it, she got it. "
       "There is a cat and there were two.\n\n   A dog , an owl ; THE END")


def texts() -> list[str]:
    out = [f.read_text(encoding="utf-8") for f in sorted((EXAMPLES / "articles").glob("*.txt"))]
    for f in sorted(CASES.glob("*.jsonl")):
        out += [json.loads(line)["text"] for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out + [ODD]


def view(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


@pytest.mark.parametrize("parsed", [False, True], ids=["before the parse", "after the parse"])
def test_the_table_gives_what_the_models_ruler_gives(parsed):
    nlp = spacy.load(model_name(None))
    if not parsed:
        nlp.disable_pipe("parser")
        nlp.enable_pipe("senter")
    ruler = nlp.get_pipe("attribute_ruler")
    table = compile_rules(ruler)
    assert table is not None and len(table.single) > 150 and table.multi
    nlp.disable_pipe("attribute_ruler")
    docs = list(nlp.pipe(texts(), disable=["lemmatizer", "ner"]))
    assert sum(len(d) for d in docs) > 10000
    for doc in docs:
        copy = doc.copy()
        assert view(table(copy)) == view(ruler(doc)), doc.text[:60]
    odd = table(nlp(ODD, disable=["lemmatizer", "ner"]))
    assert [t.lemma_ for t in odd if t.lower_ in ("gon", "na", "ai")] == ["be", "go", "to"]


def test_a_rule_it_cannot_read_leaves_the_models_ruler():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LENGTH": {">": 3}}]], {"POS": "NOUN"})
    assert compile_rules(ruler) is None
    ruler = spacy.blank("en").add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na", "OP": "?"}]], {"LEMMA": "go"})
    assert compile_rules(ruler) is None


def test_the_coder_uses_the_table_and_keeps_the_ruler_loaded(coder):
    assert "dyadline_attributes" in coder.nlp.pipe_names
    assert "attribute_ruler" not in coder.nlp.pipe_names and "attribute_ruler" in coder.nlp.component_names
