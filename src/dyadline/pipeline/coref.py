"""Coreference for the actor stage: pronouns and definite descriptions.

Conservative rules, in the order a reader would try them:

* "they", "it", "he", "she" (subjects, and "its"/"their" owners) point to the
  subject of a governing clause in the same sentence that fits in number
  ("the coup leaders appointed a general after they seized power"); a
  subject pronoun of a main clause may point to the previous sentence's main
  subject ("Japan and South Korea condemned the launch. They ...");
* "we" and "I" are the speaker of the sentence ("We agreed ..., Kishida said");
* "the network", "the ministry" point to the latest earlier mention with the
  same head noun ("the Sudanese Doctors Network", "Syria's defence ministry");
* "all three", "the three countries" point to the latest coordination of that
  many actors ("Burkina Faso, Mali and Niger").

Only actors resolved before the pronoun are candidates: the actor stage works
left to right, so a candidate is always an earlier mention.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from ..model import Actor

if TYPE_CHECKING:
    from .actors import ActorRef

SUBJECTS = ("nsubj", "nsubjpass")
PLURAL_PRONOUNS = frozenset({"they", "them", "their"})
SINGULAR_PRONOUNS = frozenset({"it", "its"})
PERSON_PRONOUNS = frozenset({"he", "she", "his", "her", "him"})
SPEAKER_PRONOUNS = frozenset({"we", "i"})
SAY_VERBS = frozenset({"say", "tell", "add", "state", "declare", "insist", "stress", "note", "write",
                       "announce", "affirm", "warn", "vow", "pledge", "argue", "explain"})
# "warned Venezuela that they must ...": the addressee, not the speaker
ADDRESSEE_VERBS = frozenset({"warn", "remind", "urge", "caution", "ask", "tell", "call"})
OBLIGATION = frozenset({"must", "should", "need", "ought"})
EXPLETIVE_HEADS = frozenset({"be", "seem", "appear", "remain", "become", "take", "mean", "matter"})
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# relational nouns: "its neighbour" is not the owner itself
RELATIONAL = frozenset({"neighbour", "neighbor", "counterpart", "rival", "ally", "partner", "enemy",
                        "adversary", "foe", "opponent", "host", "friend"})
NON_STATE = frozenset({"IGO", "NGO", "IMG", "MNC"})
# "the prime minister appointed by Niger's military regime": the appointer's state
APPOINTERS = frozenset({"appoint", "name", "install", "nominate", "choose", "select", "designate"})
NOMINAL = frozenset({"pobj", "nsubj", "dobj", "nsubjpass"})


def parsed(sent: Span) -> bool:
    """A sentence the parser has seen (selective parsing leaves others flat)."""
    return any(t.dep_ not in ("dep", "ROOT", "") for t in sent)


def members(tok: Token, actors: dict[int, "ActorRef"]) -> list[Actor]:
    """The actors of a resolved phrase and those coordinated with it."""
    ref = actors.get(tok.i)
    if ref is None:
        return []
    out = list(ref.members())
    stack = [c for c in tok.children if _listed(c, ref, actors)]
    while stack:
        c = stack.pop(0)
        r = actors.get(c.i)
        if r is not None:
            out += [a for a in r.members() if a not in out]
        stack += [x for x in c.children if _listed(x, ref, actors)]
    return out


def _listed(c: Token, first: "ActorRef", actors: dict[int, "ActorRef"]) -> bool:
    """The next item of a list: a conjunct, or a state the parser took for an
    apposition ("Argentina, Brazil and Chile")."""
    if c.dep_ == "conj":
        return True
    r = actors.get(c.i)
    return c.dep_ == "appos" and first.kind == "country" and r is not None and r.kind == "country" \
        and r.actor.country != first.actor.country


def number(tok: Token, actors: dict[int, "ActorRef"], people: set[Actor]) -> tuple[str, list[Actor]] | None:
    """("plural" | "person" | "singular", actors) for a resolved subject, else None."""
    ref = actors.get(tok.i)
    if ref is None or ref.kind in ("open", "anon", "place"):
        return None
    group = members(tok, actors)
    if len(group) > 1:
        return "plural", group
    if ref.kind == "person" or (ref.kind == "coref" and ref.actor in people):
        return "person", [ref.actor]
    if tok.tag_ in ("NNS", "NNPS"):
        return "plural", [ref.actor]
    if tok.lower_ in PERSON_PRONOUNS or tok.lower_ in PLURAL_PRONOUNS:
        return None
    return "singular", [ref.actor]


def fits(pronoun: str, kind: str) -> bool:
    if pronoun in PLURAL_PRONOUNS or pronoun == "both":
        return kind == "plural"
    if pronoun in SINGULAR_PRONOUNS:
        return kind == "singular"
    return kind == "person"


def governing_subject(h: Token, actors: dict[int, "ActorRef"],
                      people: set[Actor]) -> tuple[list[Actor] | None, bool]:
    """The subject of a clause that governs ``h``, earlier in the sentence and of
    the pronoun's number (the addressee of "warned X that it must"); and
    whether a subject that does not fit stood in the way."""
    low = h.lower_
    own_clause = h.head
    v = own_clause
    steps = 0
    while v.dep_ != "ROOT" and steps < 6 and v.head.i != v.i:
        steps += 1
        v = v.head
        if v.pos_ not in ("VERB", "AUX"):
            continue
        if v.lemma_.lower() in ADDRESSEE_VERBS and _obliged(own_clause):
            obj = next((c for c in v.children if c.dep_ in ("dobj", "dative") and c.i < h.i), None)
            if obj is not None:
                n = number(obj, actors, people)
                if n is not None and fits(low, n[0]):
                    return n[1], False
        subj = next((c for c in v.children if c.dep_ in SUBJECTS and c.i < h.i), None)
        if subj is None:
            continue
        if subj.lower_ in ("who", "which", "that") and v.dep_ == "relcl":
            subj = v.head
        n = number(subj, actors, people)
        if n is not None and fits(low, n[0]):
            return n[1], False
        return None, True   # the nearest subject does not fit: look no further
    return None, False


def _obliged(clause: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in OBLIGATION for c in clause.children) or any(
        c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def main_subject(sent: Span, actors: dict[int, "ActorRef"],
                 people: set[Actor]) -> tuple[str, list[Actor]] | None:
    """The subject of a sentence's main clause, if it is a resolved actor.

    An unparsed sentence: the first actor if it comes before any verb."""
    if not parsed(sent):
        for t in sent:
            if t.pos_ in ("VERB", "AUX"):
                return None
            if t.i in actors:
                span_end = t
                while span_end.i + 1 < sent.end and span_end.nbor(1).i in actors and \
                        actors[span_end.nbor(1).i] is actors[t.i]:
                    span_end = span_end.nbor(1)
                return number(span_end, actors, people)
        return None
    root = sent.root
    subj = next((c for c in root.children if c.dep_ in SUBJECTS), None)
    if subj is None:
        return None
    return number(subj, actors, people)


def main_clause(h: Token) -> bool:
    """``h`` is the subject of its sentence's main clause (or of one joined to it)."""
    v = h.head
    if h.dep_ not in SUBJECTS:
        return False
    while v.dep_ == "conj" and v.head.i != v.i:
        v = v.head
    return v.dep_ == "ROOT" or (v.dep_ in ("xcomp",) and v.head.dep_ == "ROOT")


def previous_sentence(h: Token) -> Span | None:
    start = h.sent.start
    if start == 0:
        return None
    return h.doc[start - 1].sent


def pronoun(h: Token, actors: dict[int, "ActorRef"], people: set[Actor]) -> list[Actor] | None:
    """The actors a third-person pronoun stands for, or None."""
    low = h.lower_
    if low in ("it", "its") and h.head.lemma_.lower() in EXPLETIVE_HEADS and h.dep_ in SUBJECTS:
        return None   # "it is", "it seems"
    if low in ("it", "its") and any(c.dep_ in ("ccomp", "xcomp") and c.i > h.head.i and
                                    any(x.dep_ == "mark" for x in c.children) for c in h.head.children):
        return None   # "it is likely that ...": no referent
    found, blocked = governing_subject(h, actors, people)
    if found or blocked:
        return found
    if low in ("his", "her") and h.dep_ == "poss":
        # "..., his office said": the nearest person subject before it
        for t in reversed(h.sent[:h.i - h.sent.start]):
            if t.dep_ in SUBJECTS and t.i in actors:
                n = number(t, actors, people)
                if n is not None and n[0] == "person":
                    return n[1]
        return None
    if low in ("its", "their", "him", "them"):
        return None
    if not main_clause(h):
        return None
    prev = previous_sentence(h)
    if prev is None:
        return None
    n = main_subject(prev, actors, people)
    if n is not None and fits(low, n[0]):
        return n[1]
    return None


def climbed_by_events(h: Token, found: list[Actor], actors: dict[int, "ActorRef"]) -> bool:
    """The event stage reads "X said it had ..." itself (the pronoun as the
    governing clause's subject, a token it knows is not another party)."""
    v = h.head
    if h.dep_ != "nsubj" or v.dep_ not in ("ccomp", "conj", "advcl") or v.head.pos_ not in ("VERB", "AUX"):
        return False
    outer = next((c for c in v.head.children if c.dep_ == "nsubj"), None)
    return outer is not None and members(outer, actors) == found


def speaker(h: Token, actors: dict[int, "ActorRef"]) -> Actor | None:
    """Who says "we" or "I": the subject of the sentence's only verb of saying."""
    sent = h.sent
    found: list[Actor] = []
    for v in sent:
        if v.lemma_.lower() not in SAY_VERBS or v.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((c for c in v.children if c.dep_ == "nsubj"), None)
        if subj is None or subj.i == h.i or h in list(subj.subtree):
            continue
        if v.i < h.i and h not in list(v.subtree):
            continue
        ref = actors.get(subj.i)
        if ref is None or ref.kind in ("open", "anon", "place", "group"):
            continue
        if ref.actor not in found:
            found.append(ref.actor)
    return found[0] if len(found) == 1 else None


OPEN_QUOTES, CLOSE_QUOTES = frozenset({"\u201c", '"', "``"}), frozenset({"\u201d", '"', "''"})


def quote_speaker(sent) -> Token | None:
    """The subject of the verb of saying that closes a quote ``sent`` opens and leaves
    open ("\u201cFiji is a key partner. We share values,\u201d Luxon said."): looked for in
    the next three sentences, after the closing quote mark."""
    marks = [t for t in sent if t.text in OPEN_QUOTES | CLOSE_QUOTES]
    if not marks or marks[-1].text not in OPEN_QUOTES or marks[-1].text == '"' and len(marks) % 2 == 0:
        return None   # no quote left open at the sentence's end
    doc, sents = sent.doc, 0
    for t in doc[sent.end:]:
        if t.is_sent_start:
            sents += 1
            if sents > 3:
                return None
        if t.text in OPEN_QUOTES and t.text != '"':
            return None
        if t.text in CLOSE_QUOTES:
            for v in t.sent:
                if v.i > t.i and v.lemma_.lower() in SAY_VERBS and v.pos_ in ("VERB", "AUX"):
                    return next((c for c in v.children if c.dep_ == "nsubj"), None)
            return None
    return None


def remember_apposed(h: Token, actor: Actor, st) -> None:
    """A title the parser made the head of the name after it ("Brazil's finance minister
    Fernando Haddad", "Haddad" in apposition): the person is remembered by that name, so
    that "Haddad said" later is the minister."""
    name = next((c for c in h.children if c.dep_ == "appos" and c.pos_ == "PROPN" and c.ent_type_ == "PERSON"
                 and c.i == h.i + 1 + sum(1 for t in h.doc[h.i + 1:c.i] if t.dep_ == "compound")), None)
    if name is not None:
        first = name.i
        while first > h.i + 1 and h.doc[first - 1].dep_ == "compound":
            first -= 1
        st.remember(actor, h.doc[first:name.i + 1])


def counted(h: Token) -> int | None:
    """ "all three", "the three countries", "the four nations": how many."""
    if h.lower_ in NUMBERS and any(c.lower_ in ("all", "the", "these") for c in h.children):
        return NUMBERS[h.lower_]
    for c in h.children:
        if c.dep_ == "nummod" and c.lower_ in NUMBERS and any(
                d.lower_ in ("the", "these", "all") for d in h.children if d.dep_ in ("det", "predet")):
            return NUMBERS[c.lower_]
    return None


def singular(t: Token) -> str:
    """The lower-case lemma; a capitalised plural the tagger took for a name
    ("Protesters stormed ...", "the Doctors Network") made singular."""
    lemma = t.lemma_.lower()
    if t.pos_ != "PROPN" or lemma != t.lower_ or len(lemma) < 5:
        return lemma
    if lemma.endswith("ies"):
        return lemma[:-3] + "y"
    if lemma.endswith(("ches", "shes", "sses", "xes")):
        return lemma[:-2]
    if lemma.endswith("s") and not lemma.endswith(("ss", "us", "is")):
        return lemma[:-1]
    return lemma


def entity(tok: Token) -> list[Token]:
    """The tokens of the entity ``tok`` is part of."""
    if not tok.ent_type_:
        return [tok]
    start, end = tok.i, tok.i
    while start > tok.sent.start and tok.doc[start].ent_iob_ == "I":
        start -= 1
    while end + 1 < tok.sent.end and tok.doc[end + 1].ent_iob_ == "I":
        end += 1
    return list(tok.doc[start:end + 1])


def coordination(h: Token, n: int, actors: dict[int, "ActorRef"],
                 same_country: bool = False) -> list[Actor]:
    """The latest ``n`` actors named together before ``h`` ("Burkina Faso, Mali and
    Niger"; with ``same_country``, "the army and the RSF" too), in the last 400 tokens."""
    doc = h.doc
    for i in range(h.i - 1, max(h.i - 400, -1), -1):
        t = doc[i]
        if t.i not in actors or t.dep_ in ("conj", "appos", "amod", "compound", "poss", "nmod"):
            continue
        group = [a for a in members(t, actors) if a.country]
        keys = {(a.country, a.sector) if same_country else a.country for a in group}
        if len(group) == n and len(keys) == n:
            return group
    return []


Heads = list[tuple[str, frozenset[str], Actor, bool]]


def remember_head(heads: Heads, tok: Token, span: Span | None, ref: "ActorRef", run: list[Token]) -> None:
    """Remember a named organisation or a state's agent by its head noun (and the
    words before it), for "the network" after "the Sudanese Doctors Network"."""
    if ref.kind not in ("org", "agent") or not ref.actor.country or ref.group:
        return
    if span is not None:
        words = {t.lemma_.lower() for t in span} | {w.lower() for w in ref.actor.name.split()}
        heads.append((span.root.lemma_.lower(), frozenset(words), ref.actor, True))
    elif tok.pos_ in ("NOUN", "PROPN") and tok.dep_ not in ("compound", "amod"):
        words = {t.lemma_.lower() for t in run} | {singular(t) for t in run}
        heads.append((singular(tok), frozenset(words), ref.actor, tok.pos_ == "PROPN"))


def description(h: Token, heads: Heads, run: list[Token]) -> Actor | None:
    """ "the network", "the defence ministry": the latest earlier mention with that
    head noun and those modifiers; a generic one ("Syria's defence ministry") only
    when every such mention is of one country."""
    if not h.text[:1].islower() or h.tag_ not in ("NN", "NNP", "NNS"):
        return None
    if any(c.dep_ in ("poss", "nummod", "appos") or (c.dep_ in ("compound", "amod") and
           (c.pos_ == "PROPN" or c.ent_type_)) for c in h.children):
        return None
    if any(c.dep_ == "prep" and c.lower_ in ("of", "in", "from") for c in h.children):
        return None
    mods = {t.lemma_.lower() for t in run if t.i != h.i}
    lemma = singular(h)
    cands = [(a, named) for head, words, a, named in heads if head == lemma and mods <= words]
    if not cands:
        return None
    actor, named = cands[-1]
    if not named and len({a.country for a, _ in cands}) > 1:
        return None
    return actor


def finish(doc, actors: dict[int, "ActorRef"], mentions: dict[int, Span], make) -> None:
    """After the left-to-right pass: "we" and "I" (the speaker may be named after
    them), and an adjective the parser made the head of a name."""
    for tok in doc:
        if tok.i in actors:
            continue
        if tok.lower_ in SPEAKER_PRONOUNS and tok.dep_ in SUBJECTS:
            who = speaker(tok, actors)   # "We agreed ...," Kishida said
            if who is not None:
                actors[tok.i] = make(who, "coref")
        elif tok.pos_ == "ADJ" and tok.dep_ in NOMINAL and tok.i + 1 in mentions:
            # "by the paramilitary Rapid Support Forces" parsed with the adjective as head
            name = mentions[tok.i + 1]
            if name.root.head.i == tok.i and name.root.i in actors:
                actors[tok.i] = actors[name.root.i]


def appointer(h: Token, mentions: dict[int, Span], entry_of) -> str | None:
    """The state of whoever appointed ``h`` ("the prime minister appointed by Niger's junta")."""
    for c in h.children:
        if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() in APPOINTERS:
            by = next((x for x in c.children if x.dep_ == "agent"), None)
            pobj = next((x for x in by.children if x.dep_ == "pobj"), None) if by is not None else None
            if pobj is None:
                continue
            for t in pobj.subtree:
                if t.i in mentions:
                    e = entry_of(mentions[t.i])
                    if e.country and e.country not in NON_STATE and e.kind != "person":
                        return e.country
    return None


def the_capital(h: Token, np: list[Token]) -> bool:
    """ "residents of the capital", "protesters in the capital": no state named."""
    near = np + [t for c in h.children if c.dep_ == "prep" and c.lower_ in ("in", "across")
                 for t in c.subtree]
    return any(t.i != h.i and t.lemma_.lower() == "capital" and any(c.lower_ == "the" for c in t.children)
               and not any(c.dep_ in ("amod", "compound", "poss") for c in t.children) for t in near)
