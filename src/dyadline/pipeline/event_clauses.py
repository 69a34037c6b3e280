"""Clause-level facts about an event: factuality, background, date, place,
fatalities, and one event per act (helpers of the event stage)."""
from __future__ import annotations

import re

from spacy.tokens import Token

from ..lexicons import Lexicon
from .event_args import Ctx
from .raw import RawEvent

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"dozens": 24, "dozen": 12, "hundreds": 200, "scores": 40})


REPORTING = frozenset({"say", "announce", "tell", "state", "declare", "confirm", "add", "pledge",
                       "promise", "insist", "report", "indicate", "signal", "write"})


def _reported(node: Token) -> bool:
    """A clause reported by a saying verb, with no condition of its own."""
    if node.dep_ != "ccomp" or node.head.lemma_.lower() not in REPORTING:
        return False
    return not any(c.dep_ in ("mark", "advcl") and c.lower_ in ("if", "unless") or
                   (c.dep_ == "advcl" and any(m.lower_ in ("if", "unless") for m in c.children))
                   for c in node.children)


def factuality(v: Token, trig: Token, lex: Lexicon, nominal: bool) -> tuple[str, bool]:
    """(factuality, background) of the clause headed by ``v``."""
    fact = "asserted"
    background = nominal
    node = v
    for depth in range(5):
        for c in node.children:
            cues = [cue for w in {c.lower_, c.lemma_.lower()} for cue in lex.cues.get(w, ())]
            for cue in cues:
                if cue.kind == "modal" and c.dep_ == "aux" and fact == "asserted":
                    fact = cue.value
                    if c.lower_ in ("would", "'d") and _reported(node):
                        fact = "future"   # "Macron said France would withdraw": future in the past
                elif cue.kind == "negation" and c.dep_ == "neg":
                    fact = "negated"
                elif cue.kind == "mark" and c.dep_ == "mark":
                    if cue.value == "background":
                        background = True
                    elif fact == "asserted":
                        fact = cue.value
            if depth == 0 and c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ == "VBD" and v.tag_ == "VBN":
                background = True
        if node.dep_ in ("xcomp", "ccomp") or (nominal and node.dep_ in ("dobj", "pobj")):
            head = node.head
            for cue in lex.cues.get(head.lemma_.lower(), ()):
                if cue.kind == "governor":
                    if cue.value == "background":
                        background = True
                    elif fact == "asserted":
                        fact = cue.value
            node = head
            continue
        if node.dep_ == "pobj" and node.head.dep_ == "prep":
            for cue in lex.cues.get(node.head.lower_, ()):
                if cue.kind == "prep":
                    background = True
            node = node.head.head
            continue
        if node.dep_ == "prep":
            node = node.head
            continue
        break
    return fact, background


CLAUSE_DEPS = ("ccomp", "advcl", "relcl", "xcomp", "acl", "conj", "parataxis")


def _own_date(root: Token, ctx: Ctx) -> str | None:
    stack = [root]
    while stack:
        t = stack.pop()
        if t.i in ctx.dates:
            return ctx.dates[t.i]
        stack.extend(c for c in t.children if c.dep_ not in CLAUSE_DEPS)
    return None


def date_of(trig: Token, verb: Token | None, ctx: Ctx) -> str | None:
    """The first resolved date inside the event's own clause, else in the clause
    that governs it ("Qatar said on Wednesday that they had agreed", "In late July
    the rebels claimed to have killed ...", "pulled out in May 2018 and reimposed")."""
    roots = [trig] + ([verb] if verb is not None and verb is not trig else [])
    for root in roots:
        found = _own_date(root, ctx)
        if found is not None:
            return found
    node = verb if verb is not None else None
    for _ in range(3):
        if node is None or node.dep_ not in ("ccomp", "xcomp", "conj", "advcl") or node.head is node:
            return None
        node = node.head
        found = _own_date(node, ctx)
        if found is not None:
            return found
    return None


def location(trig: Token, verb: Token | None, ctx: Ctx) -> tuple[str, str | None] | None:
    """A place named by an "in"/"at" phrase of the event (a first, simple pass)."""
    for root in [trig] + ([verb] if verb is not None else []):
        for c in root.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "at", "near", "outside"):
                for x in c.subtree:
                    ref = ctx.actors.get(x.i)
                    if ref is not None and ref.kind == "country":
                        return (x.doc[x.i:x.i + 1].text if x.i not in (ctx.doc._.mentions or {})
                                else ctx.doc._.mentions[x.i].text, ref.actor.country)
    return None


def fatality_count(text: str, patterns: list[re.Pattern[str]]) -> int | None:
    for pat in patterns:
        m = pat.search(text)
        if m:
            word = m.group(1).replace(",", "").lower()
            if word.isdigit():
                return int(word)
            if word in NUMBER_WORDS:
                return NUMBER_WORDS[word]
    return None


def dedupe(events: list[RawEvent]) -> list[RawEvent]:
    """One event per act: the same type, sides and date retold count once, and a
    nominal mention ("Macron's visit to China") of an act told by a verb too."""
    def countries(e: RawEvent) -> tuple:
        return (e.type, e.factuality, e.source and e.source.country, e.target and e.target.country)

    told: dict[tuple, set[str | None]] = {}
    for e in events:
        if not e.nominal:
            told.setdefault(countries(e), set()).add(e.date)
    seen: set[tuple] = set()
    out = []
    for e in events:
        key = (e.type, e.source, e.target, e.date, e.factuality)
        retold = e.nominal and countries(e) in told and (not e.dated or e.date in told[countries(e)])
        if key in seen or retold:
            continue
        seen.add(key)
        out.append(e)
    return out
