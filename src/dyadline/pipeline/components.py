"""spaCy factories for dyadline's stages, so a pipeline can name them.

Each stage reads the lexicon through :func:`dyadline.lexicons.default_lexicon`
with the extra actor and leader files given in its config.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..lexicons import default_lexicon
from .actors import ActorResolver
from .dates import DateResolver
from .events import EventCoder


DASHES = frozenset({"-", "--", "\u2013", "\u2014"})
OPENING = frozenset({"(", "["})
CLOSING = frozenset({")", "]"})
#: what ends a sentence before a bracket that opens the next ("... on July 6. (Image: ...)")
ENDS = frozenset({".", "!", "?", "...", "\u2026", '"', "'", "\u201d", "\u2019", ")", "]"})


@Language.component("dyadline_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A sentence never runs across a line break (paragraphs, headings), and a
    dateline ("MANILA, Philippines \u2014 ") is not part of the first sentence."""
    after_break = True
    for tok in doc:
        if tok.is_space and "\n" in tok.text:
            after_break = True
            continue
        if after_break:
            if tok.i > 0:
                tok.is_sent_start = True
            _split_dateline(doc, tok.i)
        after_break = "\n" in tok.whitespace_
    _brackets(doc)
    return doc


def _brackets(doc: Doc) -> None:
    """No sentence starts inside brackets: not at the word after "(" or "[",
    not at ")" or "]", not at a bracket opened in mid-sentence ("the Rapid
    Support Forces [RSF] in El Fasher", "how evil [Russian President ...] is").
    The statistical sentence splitter would otherwise split there sometimes."""
    marks = OPENING | CLOSING
    texts = [t.text for t in doc] if any(ch in doc.text for ch in "([") else []
    for i in range(1, len(texts)):
        if texts[i] not in marks and texts[i - 1] not in OPENING:
            continue
        tok, before = doc[i], doc[i - 1]
        if tok.is_sent_start or tok.is_space:
            continue
        if before.text in OPENING or tok.text in CLOSING or (
                tok.text in OPENING and not before.is_space and before.text not in ENDS):
            tok.is_sent_start = False


def _split_dateline(doc: Doc, start: int) -> None:
    for j in range(start, min(start + 9, len(doc))):
        t = doc[j]
        if t.text in DASHES and j > start and j + 1 < len(doc) and doc[j - 1].whitespace_ and t.whitespace_:
            doc[j + 1].is_sent_start = True
            return
        if not (t.text[:1].isupper() or t.text in (",", "(", ")", ".")) or "\n" in t.whitespace_:
            return


@Language.factory("dyadline_actors", default_config={"actor_files": [], "leader_files": []})
def make_actors(nlp: Language, name: str, actor_files: list[str], leader_files: list[str]) -> ActorResolver:
    return ActorResolver(nlp, default_lexicon(tuple(actor_files), tuple(leader_files)))


@Language.factory("dyadline_dates")
def make_dates(nlp: Language, name: str) -> DateResolver:
    return DateResolver()


@Language.factory("dyadline_events", default_config={"actor_files": [], "leader_files": []})
def make_events(nlp: Language, name: str, actor_files: list[str], leader_files: list[str]) -> EventCoder:
    return EventCoder(default_lexicon(tuple(actor_files), tuple(leader_files)))
