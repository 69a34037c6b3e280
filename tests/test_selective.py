"""Selective parsing (``dyadline_parse``): only sentences that can yield an event
or name an actor get the dependency parse, and the events stay those of a full parse."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from dyadline.config import model_name
from dyadline.model import Article
from dyadline.pipeline import Coder, build_nlp
from dyadline.pipeline.selective import Triggers

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples" / "articles").glob("*.txt"))
FLAT = {"ROOT", "dep"}
# no trigger word, no name: left unparsed
QUIET = "The weather was mild and the roads were quiet."
BUSY = "Russia condemned Ukraine on Friday."


def example(path: Path) -> Article:
    head, _, body = path.read_text(encoding="utf-8").partition("\n")
    return Article(id=path.stem, date=head.split()[1], text=body)


@pytest.fixture(scope="module")
def full():
    return Coder(factuality="all", parse="all")


@pytest.fixture(scope="module")
def every():
    c = Coder(factuality="all")
    c.nlp.get_pipe("dyadline_parse").select = "every"
    return c


def run_until(nlp, doc, stop: str):
    for name, proc in nlp.pipeline:
        if name == stop:
            break
        doc = proc(doc)
    return doc


def test_pipelines(coder, full):
    names = coder.nlp.pipe_names
    assert "parser" not in names and "parser" in coder.nlp.component_names
    assert names.index("dyadline_paragraphs") < names.index("senter") < names.index("dyadline_parse")
    assert names.index("ner") < names.index("dyadline_parse") < names.index("dyadline_actors")
    assert "parser" in full.nlp.pipe_names and "senter" not in full.nlp.pipe_names
    assert "dyadline_parse" not in full.nlp.pipe_names
    with pytest.raises(ValueError):
        build_nlp(parse="some")


def test_trigger_sentence_is_parsed_and_coded(coder):
    article = Article(id="t", date="2024-03-01", text=f"{QUIET}\n\n{BUSY}")
    doc = coder.parse(article)
    quiet, busy = list(doc.sents)
    assert doc._.parsed == (1,)
    assert {t.dep_ for t in quiet} <= FLAT and quiet.root.i == quiet.start
    assert all(t.head.i == quiet.start for t in quiet)
    deps = {t.dep_ for t in busy}
    assert {"nsubj", "dobj"} <= deps
    events = coder.events(article, doc)
    assert [(e.type, e.source.country, e.target.country, e.sentence_index) for e in events] == [
        ("ACCUSE", "RUS", "UKR", 1)]


def test_no_parse_no_event(coder):
    article = Article(id="q", date="2024-03-01", text=f"{QUIET} Rain was forecast.\n\nThe shops were open.")
    doc = coder.parse(article)
    assert doc._.parsed == () and len(list(doc.sents)) == 3
    assert all(t.dep_ in FLAT for t in doc)
    assert coder.events(article, doc) == []


def test_boundaries_are_those_the_splitter_set(coder):
    for path in EXAMPLES[:8]:
        doc = run_until(coder.nlp, coder.make_doc(example(path)), "dyadline_parse")
        before = [s.start for s in doc.sents]
        doc = coder.nlp.get_pipe("dyadline_parse")(doc)
        assert [s.start for s in doc.sents] == before
        for si, sent in enumerate(doc.sents):
            roots = [t for t in sent if t.head.i == t.i]
            assert len(roots) == 1, (path.stem, si)


def test_events_equal_full_parse(coder, full):
    """The example articles: the same events as the model's own full parse
    (their sentence boundaries agree), field for field."""
    for path in EXAMPLES[:6]:
        article = example(path)
        assert coder.code(article) == full.code(article), path.stem


def test_events_equal_parsing_every_sentence(coder, every):
    """Skipping sentences changes nothing: every example article codes as when
    each of its sentences is parsed (same splitter, same boundaries)."""
    skipped = 0
    for path in EXAMPLES:
        article = example(path)
        doc = coder.parse(article)
        skipped += len(list(doc.sents)) - len(doc._.parsed)
        assert coder.events(article, doc) == every.code(article), path.stem
    assert skipped > 0


def test_attributes_as_after_a_full_parse(every):
    """The ruler's rules that read the parse ("has" heading its clause is a VERB,
    an auxiliary an AUX) apply to parsed sentences as in the model's own order
    (parser, then ruler, then lemmatizer)."""
    ref = spacy.load(model_name())
    ref.enable_pipe("senter")
    ref.add_pipe("dyadline_paragraphs", before="senter")
    order = ["tok2vec", "tagger", "dyadline_paragraphs", "senter", "parser", "attribute_ruler", "lemmatizer"]
    attrs = [POS, TAG, LEMMA, MORPH, DEP, HEAD]
    texts = ["Russia has troops in Syria. It has said that it would not withdraw them.",
             "That is what they did, but Iran has not been told."]
    texts += [example(p).text for p in EXAMPLES[:4]]
    for text in texts:
        want = ref.make_doc(text)
        for name in order:
            want = ref.get_pipe(name)(want)
        got = run_until(every.nlp, every.nlp.make_doc(text), "dyadline_actors")
        assert (got.to_array(attrs) == want.to_array(attrs)).all(), text[:60]
    has = run_until(every.nlp, every.nlp.make_doc(texts[0]), "dyadline_actors")
    assert [(t.pos_, t.dep_) for t in has if t.lower_ == "has"] == [("VERB", "ROOT"), ("AUX", "aux")]


def test_sentences_parsed_apart_parse_as_in_the_whole(coder, every):
    """With a sentence left out, the others go to the parser as a Doc of their
    own with their rows of the tok2vec output (the parser's listener reads
    ``doc.tensor``; without them it would get zeros): their parse is the one
    they get when every sentence is parsed."""
    text = f"{QUIET}\n\n{example(EXAMPLES[0]).text}"
    article = Article(id="x", date="2024-03-01", text=text)
    got, want = coder.parse(article), every.parse(article)
    assert got._.parsed and 0 not in got._.parsed
    sents = list(got.sents)
    for si in got._.parsed:
        s, e = sents[si].start, sents[si].end
        assert (got.to_array([HEAD, DEP, POS, LEMMA])[s:e] == want.to_array([HEAD, DEP, POS, LEMMA])[s:e]).all()


def test_rule_words(coder):
    """A rule needs its particles and cues in the sentence: "say" codes an
    accusation only with a blame cue ("said Iran was responsible")."""
    triggers = Triggers(coder.lexicon)
    nlp = coder.nlp

    def fires(text: str) -> bool:
        doc = run_until(nlp, nlp.make_doc(text), "dyadline_parse")
        hits = [t.i for t in doc if t.lower_ in triggers.words or t.lemma_.lower() in triggers.words]
        return triggers.fire(doc[:], hits)

    assert not fires("He said the weather was fine.")
    assert fires("He said the rebels were responsible for the attack.")
    assert fires("The rebels attacked the town.")


def test_brackets_do_not_split(coder):
    doc = coder.parse(Article(id="b", date="2025-04-12", text=(
        "Shelling by the paramilitary Rapid Support Forces [RSF] in El Fasher killed 12 civilians, "
        "a network of doctors said (without naming sources).")))
    assert len(list(doc.sents)) == 1


def test_every_coded_sentence_holds_a_trigger(coder):
    """The trigger test keeps every sentence the event stage codes: over all
    the case tables, each sentence with an event passes it (a rule whose new
    condition it cannot see must pass as possible)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from casefile import load_cases

    triggers = Triggers(coder.lexicon)
    words = triggers.words
    missed = []
    for where, case in load_cases():
        doc = coder.parse(Article(id="c", date=case.get("date", "2024-06-01"), text=case["text"]))
        sents = list(doc.sents)
        for si in {r.sentence_index for r in doc._.events or []}:
            sent = sents[si]
            hits = [t.i - sent.start for t in sent if t.lower_ in words or t.lemma_.lower() in words]
            if not triggers.fire(sent, hits):
                missed.append((where, sent.text))
    assert not missed, missed[:5]
