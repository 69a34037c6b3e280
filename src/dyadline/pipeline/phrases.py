"""Noun-phrase helpers of the actor stage: a head's phrase, the run of
modifiers before it, a readable name for a generic actor, a person's name."""
from __future__ import annotations

from spacy.tokens import Token

NP_DEPS = frozenset({"compound", "amod", "nmod", "poss", "det", "case", "nummod",
                     "quantmod", "appos", "flat", "npadvmod"})


def np_tokens(h: Token) -> list[Token]:
    """The head and the modifiers that belong to its noun phrase (sorted)."""
    out = [h]
    stack = [h]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ in NP_DEPS or (c.dep_ == "prep" and c.lower_ == "of" and t.i == h.i) or (
                    c.dep_ == "conj" and t.dep_ in ("amod", "compound", "nmod") and c.i < h.i):
                # "Thai and Cambodian troops": the coordinated modifier too
                out.append(c)
                stack.append(c)
            elif c.dep_ == "pobj" and t.dep_ == "prep" and t.lower_ == "of":
                out.append(c)
                stack.append(c)
    return sorted(out, key=lambda t: t.i)


def left_run(h: Token) -> list[Token]:
    """The head with the compound/adjective tokens directly before it."""
    run = [h]
    i = h.i - 1
    while i >= 0 and not h.doc[i + 1].is_sent_start:   # not past the sentence's start
        t = h.doc[i]
        if t.dep_ in ("compound", "amod") and t.head.i <= h.i and t.head.i >= i:
            run.insert(0, t)
            i -= 1
        else:
            break
    return run


def np_name(np: list[Token], h: Token) -> str:
    """A readable name for a generic actor: the phrase from its first modifier."""
    words = [t for t in np if t.i <= h.i and t.dep_ not in ("det", "case", "punct")
             and t.head.i >= t.i]
    if not words:
        return h.text
    start = words[0].i
    return h.doc[start:h.i + 1].text.replace(" 's", "'s")


def person_name(h: Token) -> str:
    """The PERSON entity that ends at ``h``."""
    i = h.i
    while i > 0 and not h.doc[i].is_sent_start and h.doc[i - 1].ent_type_ == "PERSON" and h.doc[i - 1].ent_iob_ != "O":
        if h.doc[i].ent_iob_ == "B":
            break
        i -= 1
    return h.doc[i:h.i + 1].text
