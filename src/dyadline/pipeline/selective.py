"""Selective parsing: the dependency parse only where it can pay.

The coder codes events at verbs and nouns the lexicon lists (``verbs.tsv``,
``nouns.tsv``); a sentence with none of them yields no event whatever its
parse. Later stages also read sentences that name an actor or a place (who
"he" or "the ministry" is, where the article happens). Any other sentence
needs no parse. So with ``build_nlp(parse="selective")`` sentence boundaries
come from the model's small ``senter`` (after
:func:`~dyadline.pipeline.components.paragraphs`), tagging, lemmas and
entities run on the whole text, and the component ``dyadline_parse`` runs the
model's parser only on the sentences that need it:

* those sentences go to the parser as one Doc (the article's Doc itself when
  it needs every sentence), each token but a sentence's first marked as no
  sentence start, so the parser keeps to the boundaries ``senter`` set, with
  their rows of the shared ``tok2vec`` output as ``Doc.tensor``: the parser's
  ``Tok2VecListener`` reads ``doc.tensor`` when it predicts, so it sees the
  features a parse of the whole text would;
* the parses go back into the article's Doc in one ``Doc.from_array`` of HEAD
  and DEP; a sentence left unparsed gets a flat tree (its first token the
  root, every other token a ``dep`` of it), on which no rule finds an
  argument. Each sentence is one tree, so the boundaries spaCy derives from
  the trees are the ones it had (checked);
* the attribute ruler's rules that read the parse (``aux`` → AUX, "has"
  heading a clause → VERB, ``mark`` → SCONJ) run again on the parsed
  sentences, as after the model's own parser, and lemmas follow.

``doc._.parsed`` holds the indices of the parsed sentences (None when the
whole text was parsed by the model's own pipeline).
"""
from __future__ import annotations

from typing import Iterable, Iterator

import numpy
from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, SENT_START, SPACY, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs
from spacy.util import minibatch

from ..lexicons import Lexicon, default_lexicon
from .actors import GROUP_NOUNS

#: ``build_nlp(parse=...)``: "selective" parses what dyadline_parse selects,
#: "all" is the model's own pipeline (the parser on the whole text).
PARSE_MODES = ("selective", "all")
#: which sentences dyadline_parse parses: "mentions" (the default), those where
#: a rule may code an event or that mention an actor (a name, an entity, an
#: agent noun, a pronoun) or a place; "triggers", only
#: the first (faster, but coreference and the article's place lose context);
#: "every" (for comparisons).
SELECT_MODES = ("mentions", "triggers", "every")
#: the entity kinds that count as naming an actor or a place
MENTION_LABELS = ("PERSON", "NORP", "ORG", "GPE", "LOC", "FAC")
PRONOUNS = frozenset({"he", "him", "his", "she", "her", "it", "its", "they", "them", "their", "we", "i",
                      "both"})


if not Doc.has_extension("parsed"):
    Doc.set_extension("parsed", default=None)

#: words a verb rule's condition needs in the sentence ("say <must>": "said Sudan
#: must return the helicopter", "has to", "needs to", "ought to")
MARKER_WORDS = {"<must>": frozenset({"must", "should", "have", "need", "ought"})}
VERB_POS = frozenset({"VERB", "AUX"})
NOUN_POS = frozenset({"NOUN", "PROPN"})


class Triggers:
    """What a sentence must hold for a lexicon rule to code an event in it.

    Only necessary conditions the event stage checks without the parse: a
    verb rule needs a VERB or AUX of its lemma and its particles among the
    sentence's words ("come out against"), "say <blame>" a blame cue
    ("responsible"), "say <must>" a word of obligation; a noun rule needs a NOUN or PROPN of its last lemma
    after the rest of its words ("peace talks") and, unless it is nominal, a
    verb its light verbs name. The parse decides the rest.
    """

    def __init__(self, lex: Lexicon) -> None:
        self.blame = frozenset(w for w, cues in lex.cues.items() if any(c.kind == "blame" for c in cues))
        self.praise = frozenset(w for w, cues in lex.cues.items()
                                if any(c.kind == "praise" and c.value == "partner" for c in cues))
        self.verbs: dict[str, list[tuple[str, ...]]] = {}
        for lemma, rules in lex.verbs.items():
            self.verbs[lemma] = list(dict.fromkeys(r.trigger[1:] for r in rules))
        self.nouns: dict[str, list[tuple[tuple[str, ...], bool, frozenset[str]]]] = {}
        for lemma, rules in lex.nouns.items():
            self.nouns[lemma] = list(dict.fromkeys(
                (r.trigger, "nominal" in r.flags, r.light_verbs) for r in rules))
        self.words = frozenset(w.lower() for w in list(self.verbs) + list(self.nouns) + list(self.praise))

    def _present(self, word: str, lowers: set[str]) -> bool:
        """Whether a rule's extra word may be satisfied in a sentence of these
        words: a particle must be there; a condition the event stage reads off
        the parse ("<blame>": a blame cue in the reported clause, "<must>": an
        obligation) needs its words; one this module does not know may be."""
        if not (word.startswith("<") and word.endswith(">")):
            return word in lowers
        if word == "<blame>":
            return bool(lowers & self.blame)
        if word == "<praise>":
            return bool(lowers & self.praise)
        if word == "<abuse>":
            return False   # the reported violent verb is a trigger of its own: it selects the sentence
        needs = MARKER_WORDS.get(word)
        return needs is None or bool(lowers & needs)

    def ids(self, vocab) -> "numpy.ndarray":
        return numpy.array(sorted(vocab.strings.add(w) for w in self.words), dtype="uint64")

    def fire(self, sent, hits: "numpy.ndarray") -> bool:
        """Whether a rule may fire in ``sent``; ``hits``: offsets of its tokens
        whose lemma or lower form is a trigger word."""
        lowers: set[str] | None = None
        verbs: set[str] | None = None
        for k in hits:
            tok = sent[int(k)]
            lemma = tok.lemma_.lower()
            if tok.pos_ in NOUN_POS and lemma in self.praise:
                return True   # "“Fiji is a critical partner …” … Luxon said": praise told before its speaker
            if tok.pos_ in VERB_POS and lemma in self.verbs:
                for extra in self.verbs[lemma]:
                    if not extra:
                        return True
                    if lowers is None:
                        lowers = {t.lower_ for t in sent} | {t.lemma_.lower() for t in sent}
                    if all(self._present(w, lowers) for w in extra):
                        return True
            if tok.pos_ in NOUN_POS and lemma in self.nouns:
                for trigger, nominal, light in self.nouns[lemma]:
                    if len(trigger) > 1:
                        before = sent[max(0, int(k) - len(trigger) + 1):int(k) + 1]
                        if tuple(t.lemma_.lower() for t in before) != trigger:
                            continue
                    if nominal:
                        return True
                    if verbs is None:
                        verbs = {t.lemma_.lower() for t in sent if t.pos_ in VERB_POS}
                    if verbs and ("*" in light or verbs & light):
                        return True
        return False


def mention_words(lex: Lexicon) -> frozenset[str]:
    """Words that may name an actor without being a name: the head of an agent
    ("troops", "minister" of "minister of defence"), of an anaphor ("the
    agency"), a group noun ("both countries") and the pronouns coreference
    resolves."""
    heads = {p[-1] for p in lex.agents} | {p[-1] for p in lex.anaphors}
    heads |= {p[i - 1] for p in lex.agents for i, w in enumerate(p) if w == "of" and i}
    return frozenset(heads | GROUP_NOUNS | PRONOUNS)


class SelectiveParser:
    """Pipeline component ``dyadline_parse``."""

    def __init__(self, nlp: Language, lexicon: Lexicon, parser: str = "parser",
                 select: str = "mentions", batch_size: int = 256) -> None:
        if select not in SELECT_MODES:
            raise ValueError(f"select must be one of {', '.join(SELECT_MODES)}, not {select!r}")
        self.nlp = nlp
        self.parser_name = parser
        self.select = select
        self.batch_size = batch_size
        self.triggers = Triggers(lexicon)
        self.word_ids = frozenset(self.triggers.ids(nlp.vocab).tolist())
        self.label_ids = numpy.array([nlp.vocab.strings.add(x) for x in MENTION_LABELS], dtype="uint64")
        self.mention_ids = frozenset(nlp.vocab.strings.add(w) for w in mention_words(lexicon))
        self.root_id = nlp.vocab.strings.add("ROOT")
        self.dep_id = nlp.vocab.strings.add("dep")
        self.sentences = 0     # seen and parsed, for reports
        self.parsed = 0
        self._fix: _ParseRules | None = None

    # ------------------------------------------------------------------ pipes
    @property
    def parser(self):
        return self.nlp.get_pipe(self.parser_name)

    @property
    def fix(self) -> "_ParseRules":
        if self._fix is None:
            ruler = self.nlp.get_pipe("attribute_ruler") if "attribute_ruler" in self.nlp.component_names else None
            lemmatizer = self.nlp.get_pipe("lemmatizer") if "lemmatizer" in self.nlp.component_names else None
            self._fix = _ParseRules(self.nlp, ruler, lemmatizer)
        return self._fix

    def __call__(self, doc: Doc) -> Doc:
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            self._annotate(batch)
            yield from batch

    # ------------------------------------------------------------------ work
    def _bounds(self, doc: Doc) -> list[tuple[int, int]]:
        """The (start, end) of every sentence."""
        return [(s.start, s.end) for s in doc.sents]

    def _choose(self, doc: Doc, bounds: list[tuple[int, int]]) -> list[bool]:
        if self.select == "every":
            return [True] * len(bounds)
        rows = doc.to_array([LOWER, LEMMA]).tolist()
        words, others = self.word_ids, self.mention_ids
        hits = numpy.array([a in words or b in words for a, b in rows], dtype=bool)
        named = None
        if self.select == "mentions":
            named = numpy.isin(doc.to_array([ENT_TYPE]), self.label_ids)
            named |= numpy.array([a in others or b in others for a, b in rows], dtype=bool)
        out = []
        for s, e in bounds:
            if named is not None and named[s:e].any():
                out.append(True)
                continue
            here = numpy.flatnonzero(hits[s:e])
            keep = bool(len(here)) and self.triggers.fire(doc[s:e], here)
            out.append(keep or (named is not None and self._names(doc[s:e])))
        return out

    def _names(self, sent) -> bool:
        """Whether the sentence holds a name of the lexicon (the actor and place
        stages' own matchers)."""
        for stage in ("dyadline_actors", "dyadline_places"):
            matcher = getattr(self.nlp.get_pipe(stage), "matcher", None) if stage in self.nlp.pipe_names else None
            if matcher is not None and matcher(sent):
                return True
        return False

    def _annotate(self, docs: list[Doc]) -> None:
        todo = []    # (doc, its sentences, those to parse, the Doc the parser gets, sentence starts)
        for doc in docs:
            doc._.parsed = ()
            if not len(doc):
                continue
            bounds = self._bounds(doc)
            chosen = self._choose(doc, bounds)
            self.sentences += len(bounds)
            self.parsed += sum(chosen)
            doc._.parsed = tuple(i for i, keep in enumerate(chosen) if keep)
            spans = [b for b, keep in zip(bounds, chosen) if keep]
            starts = doc.to_array([SENT_START]) == 1
            # every sentence: the parser gets the Doc itself, else a Doc of those sentences
            target = doc if len(spans) == len(bounds) else self._excerpt(doc, spans)
            todo.append((doc, bounds, spans, target, starts))
        if todo:
            list(self.parser.pipe([t[3] for t in todo], batch_size=self.batch_size))
        for doc, bounds, spans, target, starts in todo:
            self._write(doc, bounds, spans, target, starts)

    def _excerpt(self, doc: Doc, spans: list[tuple[int, int]]) -> Doc:
        """The sentences to parse as one Doc, each a sentence of its own (the
        parser never splits nor joins them), with their rows of ``doc.tensor``."""
        arr = doc.to_array([ORTH, SPACY])
        strings = doc.vocab.strings
        words: list[str] = []
        spaces: list[bool] = []
        starts: list[bool] = []
        for s, e in spans:
            words += [strings[int(o)] for o in arr[s:e, 0]]
            spaces += [bool(x) for x in arr[s:e, 1]]
            starts += [True] + [False] * (e - s - 1)
        out = Doc(doc.vocab, words=words, spaces=spaces, sent_starts=starts)
        if spans and doc.tensor is not None and len(doc.tensor) == len(doc):
            out.tensor = numpy.concatenate([doc.tensor[s:e] for s, e in spans])
        return out

    def _write(self, doc: Doc, bounds: list[tuple[int, int]], spans: list[tuple[int, int]],
               parsed: Doc, starts: "numpy.ndarray") -> None:
        """Put the parse of ``spans`` into ``doc``, a flat tree into its other
        sentences, and check that no sentence boundary moved."""
        if parsed is not doc:
            heads = numpy.zeros(len(doc), dtype="int64")
            deps = numpy.full(len(doc), self.dep_id, dtype="uint64")
            for s, e in bounds:                    # flat: the first token heads its sentence
                heads[s:e] = s - numpy.arange(s, e)
                deps[s] = self.root_id
            arr = parsed.to_array([HEAD, DEP]) if len(parsed) else numpy.zeros((0, 2), dtype="uint64")
            at = 0
            for s, e in spans:
                h = arr[at:at + e - s, 0].astype("int64")
                d = arr[at:at + e - s, 1].copy()
                at += e - s
                local = numpy.arange(e - s) + h
                if (local < 0).any() or (local >= e - s).any() or (h == 0).sum() != 1:
                    h, d = self._one_tree(h, d, e - s)
                heads[s:e] = h
                deps[s:e] = d
            doc.from_array([HEAD, DEP], numpy.stack([heads.astype("uint64"), deps], axis=1))
        if not numpy.array_equal(doc.to_array([SENT_START]) == 1, starts):
            raise RuntimeError("dyadline_parse moved a sentence boundary")   # never, by construction
        self.fix(doc, spans)

    def _one_tree(self, h: "numpy.ndarray", d: "numpy.ndarray", n: int) -> tuple:
        """A parse that is not one tree inside its sentence (the parser keeps
        to the boundaries it is given, so never seen): its stray heads and any
        root but the first hang on the first root."""
        roots = numpy.flatnonzero(h == 0)
        first = int(roots[0]) if len(roots) else 0
        for i in range(n):
            if (i != first and h[i] == 0) or not 0 <= i + h[i] < n:
                h[i] = first - i
                d[i] = self.dep_id
        h[first], d[first] = 0, self.root_id
        return h, d


class _ParseRules:
    """The attribute ruler's rules that read DEP, for tokens parsed after it ran.

    In the model's own pipeline the ruler runs after the parser; here it runs
    before, so its DEP rules matched nothing. Every token of a parsed sentence
    that such a rule may match (a cheap test on TAG, LOWER, DEP and IS_SPACE)
    gets every rule of the ruler again, in the ruler's order (the last one
    wins, as in the ruler), and a new lemma if its part of speech or
    morphology changed and no rule set the lemma. What the rules give a token
    depends only on those four attributes of it and its neighbours, so it is
    remembered by them.
    """

    KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")
    SET = (POS, MORPH, LEMMA, TAG, DEP)     # what the rules set, as attribute ids
    MEMO_SIZE = 50_000

    def __init__(self, nlp: Language, ruler, lemmatizer) -> None:
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        self.strings = nlp.vocab.strings
        self.tests: list[tuple[int, list[list[tuple]]]] = []   # (length, conditions of each token)
        self.memo: dict[tuple, tuple[dict, bool]] = {}
        self.candidates: dict[tuple, bool] = {}
        self.cacheable = ruler is not None and all(
            set(tok) <= set(self.KEYS) for rule in ruler.patterns for pat in rule["patterns"] for tok in pat)
        if ruler is None:
            return
        for rule in ruler.patterns:
            for pat in rule["patterns"]:
                if any("DEP" in tok for tok in pat):
                    self.tests.append((len(pat), [self._conditions(tok) for tok in pat]))

    def _conditions(self, spec: dict) -> list[tuple[int, frozenset[int], bool]]:
        """(column, values, whether they are wanted or refused) for each
        condition of a pattern token on TAG, LOWER, DEP or IS_SPACE; others
        (a regular expression) are left out, which lets more tokens through,
        never fewer."""
        out = []
        for key, value in spec.items():
            if key not in self.KEYS:
                continue
            col = self.KEYS.index(key)
            ids = lambda vals: frozenset(self.strings.add(v) if isinstance(v, str) else int(v)  # noqa: E731
                                         for v in vals)
            if isinstance(value, (bool, str)):
                out.append((col, ids([value]), True))
            elif isinstance(value, dict) and "IN" in value:
                out.append((col, ids(value["IN"]), True))
            elif isinstance(value, dict) and "NOT_IN" in value:
                out.append((col, ids(value["NOT_IN"]), False))
        return out

    def _may(self, row: tuple[int, ...]) -> bool:
        """Whether a token with these TAG, LOWER, DEP, IS_SPACE may be part of a
        match of a rule that reads DEP."""
        return any(all((row[col] in values) == wanted for col, values, wanted in conds)
                   for _, pat in self.tests for conds in pat)

    def __call__(self, doc: Doc, spans: list[tuple[int, int]]) -> None:
        """Redo the ruler for the tokens of ``spans`` (the parsed sentences)."""
        if not self.tests or not spans:
            return
        rows = doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()
        reach = max(length for length, _ in self.tests) - 1
        near: set[int] = set()
        for s, e in spans:
            for i in range(s, e):
                row = tuple(rows[i])
                hit = self.candidates.get(row)
                if hit is None:
                    hit = self.candidates[row] = self._may(row)
                if hit:
                    near.update(range(max(i - reach, s), min(i + reach + 1, e)))
        if not near:
            return
        now = doc.to_array(list(self.SET))
        for i in sorted(near):
            lo, hi = max(i - 1, 0), min(i + 2, len(doc))
            key = (i - lo,) + tuple(v for row in rows[lo:hi] for v in row) if self.cacheable else None
            found = self.memo.get(key) if key is not None else None
            if found is None:
                found = self._rules(doc, i, lo, hi)
                if key is not None:
                    if len(self.memo) >= self.MEMO_SIZE:
                        self.memo.clear()
                    self.memo[key] = found
            attrs, lemma_set = found
            if all(a in self.SET and now[i, self.SET.index(a)] == v for a, v in attrs.items()):
                continue                                      # nothing changes (most tokens)
            tok = doc[i]
            before = (tok.pos, tok.morph.key)
            set_token_attrs(tok, attrs)
            if not lemma_set and self.lemmatizer is not None and (tok.pos, tok.morph.key) != before:
                tok.lemma_ = self.lemmatizer.lemmatize(tok)[0]

    def _rules(self, doc: Doc, i: int, lo: int, hi: int) -> tuple[dict, bool]:
        """The attributes the ruler's rules give token ``i`` (later rules win)."""
        matches = self.ruler.matcher(doc[lo:hi], as_spans=False, allow_missing=True)
        attrs: dict = {}
        lemma_set = False
        for key, s, e in sorted(matches, key=lambda m: int(self.strings[m[0]])):
            rule = int(self.strings[key])
            index = self.ruler.indices[rule]
            if lo + (s + index if index >= 0 else e + index) != i:
                continue
            attrs.update(self.ruler.attrs[rule])
            lemma_set = lemma_set or LEMMA in self.ruler.attrs[rule]   # keys are attribute ids
        return attrs, lemma_set


@Language.factory("dyadline_parse", default_config={"actor_files": [], "leader_files": [],
                                                    "parser": "parser", "select": "mentions"})
def make_selective(nlp: Language, name: str, actor_files: list[str], leader_files: list[str],
                   parser: str, select: str) -> SelectiveParser:
    return SelectiveParser(nlp, default_lexicon(tuple(actor_files), tuple(leader_files)), parser, select)
