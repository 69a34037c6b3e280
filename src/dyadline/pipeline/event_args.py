"""Finding an event's sides in the parse: subjects, object slots, nominal
arguments, and the actors they stand for (helpers of the event stage)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from spacy.tokens import Doc, Span, Token

from ..lexicons import Lexicon, Rule
from ..model import Actor
from .actors import ActorRef
from .raw import RawEvent

SUBJ = ("nsubj", "nsubjpass", "csubj")
OBJECT_CONTROL = frozenset({"urge", "ask", "call", "order", "press", "force", "invite",
                            "encourage", "tell", "pressure", "allow", "permit", "help"})
INHERIT_PREPS = frozenset({"including", "such", "like", "especially"})
UNOWNED = frozenset({"CONSULT", "COOPERATE"})
REACTIONS = frozenset({"ACCUSE", "REJECT", "SUPPORT"})   # "welcomed the decision"
AUTHORS = frozenset({"org", "country", "person", "coref"})   # "received Russian missiles" is no visit
DOMESTIC = frozenset({"COERCE", "PROTEST", "SANCTION", "ACCUSE", "REQUEST", "REJECT", "THREATEN"})
STATE_SECTORS = frozenset({"GOV", "COP", "MIL", "JUD", "LEG"})
UNREST = frozenset({"PROTEST", "COERCE", "ASSAULT"})
PAIRED_TYPES = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE"})
UNREST_SECTORS = frozenset({"CVL", "COP", "LAB", "OPP", "EDU"})
WRITER = frozenset({"i", "we", "us", "our", "me", "you", "your", "they", "them", "it", "its",
                    "this", "that", "which", "who", "whom", "their"})
PLACE_PREPS = frozenset({"in", "at", "around", "near", "across", "outside", "throughout", "through", "along"})
QUANTITIES = frozenset({"thousand", "thousands", "hundred", "hundreds", "ten", "tens", "dozen", "dozens",
                        "million", "millions", "score", "scores", "group", "number", "handful", "crowd",
                        "some", "many", "most", "all", "several", "one", "two", "few", "majority", "minority",
                        "band", "delegation", "contingent", "batch", "wave", "column", "convoy"})
NOBODY = frozenset({"nobody", "none", "noone", "nothing"})
NAMED = frozenset({"country", "org", "person", "coref", "adjective"})   # mentions that name an actor
UNKNOWN_ATTACKERS = Actor("attackers", None, "UAF")
GERUND_PREPS = frozenset({"by", "after", "while", "through"})   # not "before", "without" (not done), "on" (a topic)
MODALS = frozenset({"will", "would", "shall", "should", "may", "might", "can", "could", "must", "'ll"})


@dataclass
class Ctx:
    doc: Doc
    sent: Span
    si: int
    actors: dict[int, ActorRef]
    dates: dict[int, str]
    on: date | None
    out: list[RawEvent]
    trace: list[str]
    frames: dict[str, str] = field(default_factory=dict)
    places: dict = field(default_factory=dict)       # the lexicon's places.tsv entries


def conj(t: Token) -> list[Token]:
    """A token and the tokens coordinated with it ("the US and Britain")."""
    out = [t]
    for c in t.children:
        if c.dep_ == "conj":
            out.extend(conj(c))
    return out


def pobj(prep: Token) -> Token | None:
    for c in prep.children:
        if c.dep_ in ("pobj", "pcomp"):
            return c
    return None


def prep(t: Token, word: str) -> Token | None:
    for c in t.children:
        if c.dep_ in ("prep", "dative", "agent") and c.lower_ == word:
            return pobj(c)
        if c.dep_ == "prep" and word.endswith(" " + c.lower_):  # "out of"
            return pobj(c)
        if c.dep_ in ("prt", "advmod") and " " in word and word.startswith(c.lower_ + " "):
            inner = prep(c, word.split(" ", 1)[1])            # "pulled its troops out of Syria"
            if inner is not None:
                return inner
    return None


def slots(v: Token, slots: tuple[str, ...], passive: bool, ctx: Ctx,
           etype: str = "") -> tuple[list[Token], list[str]]:
    for slot in slots:
        tok = named(find_slot(v, slot, passive), ctx)
        if tok is not None and (has_actor(tok, ctx, etype) or is_reciprocal(tok)):
            return conj(tok), [f"{slot}:{tok.text}"]
    return [], []


DISPERSE = frozenset({"disperse", "stop", "quell", "scatter", "repel", "contain", "control", "break", "clear",
                      "push", "drive", "block", "prevent", "subdue"})


def purpose_object(v: Token) -> Token | None:
    """Whom force was used against, told only by its purpose: "fired tear gas to disperse
    the protesters", "fired live bullets in a bid to stop the crowd"."""
    clauses = [c for c in v.children if c.dep_ in ("xcomp", "advcl")]
    clauses += [a for c in v.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"
                and p.lemma_.lower() in ("bid", "attempt", "effort") for a in p.children if a.dep_ == "acl"]
    for c in clauses:
        if c.lemma_.lower() in DISPERSE and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
            obj = next((o for o in c.children if o.dep_ == "dobj"), None)
            if obj is not None:
                return obj
    return None


def named(tok: Token | None, ctx: Ctx) -> Token | None:
    """A common noun followed by the name it stands for ("the West African bloc
    ECOWAS", parsed as two objects of "from"): the name."""
    if tok is None or tok.pos_ != "NOUN" or tok.i in ctx.actors or tok.i + 1 >= tok.sent.end:
        return tok
    nxt = tok.doc[tok.i + 1]
    if nxt.i in ctx.actors and nxt.dep_ in ("pobj", "appos", "dobj") and nxt.head in (tok, tok.head) \
            and ctx.actors[nxt.i].kind in ("org", "country", "person"):
        return nxt
    return tok


def is_reciprocal(t: Token) -> bool:
    """"each other", "one another"."""
    return t.lower_ in ("other", "another") and any(c.lower_ in ("each", "one") for c in t.children) or (
        t.lower_ == "another" and t.i > 0 and t.nbor(-1).lower_ == "one")


def prior_sides(ctx: Ctx, rule: Rule, mutual_only: bool = False,
                window: int = 5) -> tuple[Actor, Actor] | None:
    """The two sides of the act a bare mutual noun ("the fighting", "the talks")
    refers back to: the last such act told in the ``window`` sentences before, else
    the last act between two states there."""
    recent = [e for e in reversed(ctx.out) if ctx.si - window <= e.sentence_index <= ctx.si
              and e.source is not None and e.target is not None
              and e.source.country and e.target.country and e.source.country != e.target.country
              and e.source != UNKNOWN_ATTACKERS and e.target != UNKNOWN_ATTACKERS]
    if mutual_only:   # an act told both ways: the two sides of a deal, talks or fighting
        pairs = {(e.source, e.target) for e in recent}
        recent = [e for e in recent if (e.target, e.source) in pairs]
    same = next((e for e in recent if e.type == rule.type), None)
    if same is not None:
        return same.source, same.target
    if not recent:
        return None
    e = recent[0]
    sector = "MIL" if "military" in rule.flags else None
    def side(a: Actor) -> Actor:
        if sector and a.sector == "GOV":
            return Actor(a.name, a.country, sector)
        return a
    return side(e.source), side(e.target)


def find_slot(v: Token, slot: str, passive: bool) -> Token | None:
    if slot.startswith("v:"):
        slot = slot[2:]
    if slot == "dobj":
        dep = "nsubjpass" if passive else "dobj"
        return next((c for c in v.children if c.dep_ == dep), None)
    if slot == "dative":
        for c in v.children:
            if c.dep_ == "dative":
                return pobj(c) if c.pos_ == "ADP" else c
        return prep(v, "to")
    if slot == "ccomp":
        # the subject of the verb's clause: "allowed the opposition to hold a rally",
        # "pushed for Hungary to drop its veto" (a "for" clause)
        clause = next((c for c in v.children if c.dep_ == "ccomp" or (
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children))), None)
        return next((c for c in clause.children if c.dep_ == "nsubj"), None) if clause is not None else None
    if slot == "poss":
        return next((c for c in v.children if c.dep_ == "poss"), None)
    if slot == "compound":
        return next((c for c in v.children if c.dep_ in ("compound", "amod")), None)
    if slot.startswith("prep:"):
        found = prep(v, slot[5:])
        if found is None and v.pos_ in ("VERB", "AUX"):
            # "eased sanctions on Venezuela", "agreed to a truce with Hezbollah":
            # the phrase hangs on the object or on another phrase's object
            holders = [c for c in v.children if c.dep_ in ("dobj", "nsubjpass")]
            holders += [p for c in v.children if c.dep_ in ("prep", "dative") for p in c.children
                        if p.dep_ == "pobj"]
            for h in holders:
                found = prep(h, slot[5:])
                if found is not None:
                    break
        if found is None and slot == "prep:between" and v.pos_ == "NOUN" and v.dep_ == "nsubj" \
                and v.head.pos_ == "VERB":
            # "clashes broke out in the capital between X and Y": the sides hang on the
            # verb the act is the subject of, or on one of its phrases (not on its object:
            # "clashes left a rift between the president and the army")
            found, holders = prep(v.head, "between"), [v.head]
            for _ in range(3):   # "in the south of the capital between ..."
                holders = [p for h in holders for c in h.children if c.dep_ == "prep"
                           for p in c.children if p.dep_ == "pobj"]
                found = found or next((b for b in (prep(h, "between") for h in holders) if b is not None), None)
        return found
    return None


def has_actor(tok: Token, ctx: Ctx, etype: str = "") -> bool:
    """Whether a slot holds an actor (for verbal conflict, also an act: "condemned the attack";
    for violence, also a named place: "shelled Kharkiv")."""
    if any(actor_of(t, ctx) is not None for t in conj(tok)):
        return True
    if etype == "ASSAULT" and place_people(tok, ctx) is not None:
        return True
    if etype in ("ACCUSE", "REJECT"):
        return tok.pos_ == "NOUN"
    return etype == "SUPPORT" and tok.pos_ == "NOUN" and ctx.frames.get(tok.lemma_.lower()) == "act"


def counted(t: Token) -> Token:
    """The people a quantity or group word counts: "thousands of Iraqi Kurds" → Kurds,
    "tens of thousands of students", "a group of refugees", "some of the protesters"."""
    for _ in range(3):
        if t.lemma_.lower() not in QUANTITIES and t.pos_ != "NUM":
            return t
        of = prep(t, "of")
        if of is None:
            return t
        t = of
    return t


def ref_of(t: Token, ctx: Ctx, deps: tuple[str, ...] = ("poss", "compound", "amod")) -> ActorRef | None:
    """The actor a phrase stands for: its own, or its owner's ("Russia's invasion")."""
    if t.lower_ in WRITER:
        return None
    ref = ctx.actors.get(t.i)
    if ref is not None:
        return ref
    if ctx.actors.get(counted(t).i) is not None:
        return ctx.actors[counted(t).i]
    for dep in deps:   # "Russia's invasion", "a UN resolution"
        owner = next((c for c in t.children if c.dep_ == dep and c.pos_ != "PRON"
                      and c.i in ctx.actors and ctx.actors[c.i].kind != "place"), None)
        if owner is not None:
            return ctx.actors[owner.i]
    return None


def _modifier_actor(t: Token, ctx: Ctx) -> ActorRef | None:
    """The first named actor among the words before a head ("a Houthi-fired missile")."""
    for x in sorted((x for x in t.subtree if x.i < t.i), key=lambda x: x.i):
        ref = ctx.actors.get(x.i)
        if ref is not None and ref.kind in ("org", "adjective", "country", "person"):
            return ref
    return None


def actor_of(t: Token, ctx: Ctx) -> Actor | None:
    ref = ref_of(t, ctx)
    return ref.actor if ref is not None else None


def subject(v: Token, passive: bool, ctx: Ctx) -> tuple[list[Token], list[str]]:
    """The acting side of verb ``v``, climbing to a governing verb if needed."""
    seen = 0
    while seen < 6:
        seen += 1
        if passive:
            agent = prep(v, "by")
            if agent is not None:
                return conj(agent), [f"agent:{agent.text}"]
            # "civilians were killed in an attack by the RSF" / "in an Israeli strike"
            act = prep(v, "in")
            if act is not None and act.pos_ == "NOUN":
                by = prep(act, "by")
                if by is not None:
                    return conj(by), [f"in-by:{by.text}"]
                mod = next((c for c in act.children if c.dep_ in ("amod", "compound", "poss")
                            and c.i in ctx.actors and ctx.actors[c.i].kind != "country"), None)
                if mod is not None:
                    return [mod], [f"in-mod:{mod.text}"]
            return [], []
        subj = next((c for c in v.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            if subj.lower_ in ("who", "that", "which") and v.dep_ == "relcl":
                return conj(v.head), [f"relcl:{v.head.text}"]
            if subj.lower_ in ("it", "they") and subj.i not in ctx.actors and v.dep_ in ("ccomp", "conj", "advcl"):
                # "Israel said it had struck ...": the pronoun is the governing clause's subject
                outer, arcs = subject(v.head, False, ctx)
                if outer:
                    return outer, [f"pronoun:{subj.text}"] + arcs
            return conj(subj), [f"nsubj:{subj.text}"]
        if (v.dep_ == "acl" and v.tag_ == "VBG" and v.head.i not in ctx.actors and v.head.dep_ == "dobj"
                and v.head.head.pos_ in ("VERB", "AUX")):
            v = v.head.head   # "issued a statement demanding that ...": the issuer speaks
            passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children)
            continue
        if v.dep_ == "relcl" or (v.dep_ == "acl" and v.tag_ == "VBG"):
            return conj(v.head), [f"{v.dep_}:{v.head.text}"]
        if v.dep_ == "xcomp" and v.head.lemma_.lower() in OBJECT_CONTROL:
            obj = next((c for c in v.head.children if c.dep_ == "dobj"), None)
            if obj is None:   # "called on Pyongyang to return to talks"
                obj = prep(v.head, "on") or prep(v.head, "upon")
            if obj is not None:
                return conj(obj), [f"xcomp-obj:{obj.text}"]
        if (v.dep_ == "conj" and v.tag_ in ("VBZ", "VBP") and v.head.dep_ == "acl"
                and v.head.tag_ == "VBN"):
            # "X welcomes the deal ..., reached in talks ..., and calls on ...": a finite verb
            # the parser joined to a participle modifier shares the clause's subject, not the
            # participle's; climb to the verb the modified noun hangs from
            up = next((a for a in v.head.ancestors if a.pos_ in ("VERB", "AUX")
                       and a.dep_ not in ("acl", "relcl")), None)
            if up is not None:
                v = up
                passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children)
                continue
        if (v.dep_ == "pcomp" and v.tag_ == "VBG" and v.head.lower_ in GERUND_PREPS
                and v.head.head.pos_ in ("VERB", "AUX")):
            # "responded by blocking highways", "after storming the parliament, protesters ...":
            # the gerund's doer is the subject of the verb it hangs on; of a passive one, its
            # patient ("was arrested after storming the parliament")
            means, v = v.head.lower_ in ("by", "through"), v.head.head
            if means and any(c.dep_ == "aux" and c.lower_ in MODALS for c in _conj_heads(v)):
                return [], []   # "may invite Yoon and return the favour by visiting Seoul": not done
            patient = next((c for c in v.children if c.dep_ == "nsubjpass"), None)
            if patient is not None:
                return conj(patient), [f"gerund:{patient.text}"]
            passive = False
            continue
        if v.dep_ in ("xcomp", "conj", "advcl", "ccomp") and v.head.pos_ in ("VERB", "AUX"):
            v = v.head
            passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children)
            continue
        if v.dep_ == "xcomp" and v.head.dep_ == "acomp" and v.head.head.pos_ in ("VERB", "AUX"):
            v = v.head.head    # "France is ready to contribute troops": the subject of "is"
            passive = False
            continue
        return [], []
    return [], []


def noun_slots(n: Token, holder: Token, verb: Token, slots: tuple[str, ...],
                ctx: Ctx, etype: str = "") -> tuple[list[Token], list[str]]:
    for slot in slots:
        places = [verb] if slot.startswith("v:") else ([n, holder] if holder is not n else [n])
        for p in places:
            tok = named(find_slot(p, slot, False), ctx)
            if tok is not None and has_actor(tok, ctx, etype):
                return conj(tok), [f"{slot}:{tok.text}"]
    return [], []


def nominal_args(n: Token, holder: Token, rule: Rule, ctx: Ctx,
                  lex: Lexicon) -> tuple[list[Token], list[Token], list[str]]:
    """Source and target of a nominal event; inherited along conj / "including"."""
    node = holder
    srcs: list[Token] = []
    tgts: list[Token] = []
    arcs: list[str] = []
    for _ in range(4):
        for c in list(node.children) + ([c for c in n.children] if node is holder else []):
            if not srcs and c.dep_ == "poss" and actor_of(c, ctx):
                srcs, arcs = conj(c), arcs + [f"poss:{c.text}"]
            elif not srcs and c.dep_ in ("compound", "amod") and c.i in ctx.actors and (
                    rule.type != "ASSAULT" or ctx.actors[c.i].kind != "country"):
                # "US sanctions", "Russian strikes"; but "the Moscow attack" is a place
                srcs, arcs = [c], arcs + [f"{c.dep_}:{c.text}"]
        if not srcs and "role" in rule.flags and node is holder:
            # "Mediator Qatar said …", "mediators Qatar, the US and Egypt", "Egypt, a mediator"
            described = ([n.head] if n.dep_ in ("compound", "appos") else []) + [
                c for c in n.children if c.dep_ == "appos"] + list(n.doc[n.i + 1:n.i + 2])
            who = next((c for c in described if actor_of(c, ctx)), None)
            if who is not None:   # "Qatar, the US and Egypt" is parsed as an apposition and a conjunct
                srcs = [t for c in conj(who) for a in [c] + [x for x in c.children if x.dep_ == "appos"]
                        for t in conj(a) if t.i != n.i]   # not "the mediator" itself ("Kenya, the mediator")
                arcs = arcs + [f"role:{who.text}"]
        for word in ("by", "from"):
            p = prep(node, word)
            if not srcs and p is not None and actor_of(p, ctx):
                srcs, arcs = conj(p), arcs + [f"prep:{word}:{p.text}"]
        for c in node.children:
            # "the exercise conducted by the Philippines", "strikes carried out by Israel"
            p = prep(c, "by") if c.dep_ == "acl" and c.tag_ == "VBN" else None
            if not srcs and p is not None and actor_of(p, ctx):
                srcs, arcs = conj(p), arcs + [f"acl-by:{p.text}"]
        if not tgts:
            for slot in rule.targets:
                if slot.startswith("v:"):
                    continue
                for place in dict.fromkeys((n, node)):
                    tok = find_slot(place, slot, False)
                    if tok is not None and (actor_of(tok, ctx) or place_target(tok, ctx, rule)):
                        tgts, arcs = conj(tok), arcs + [f"{slot}:{tok.text}"]
                        break
                if tgts:
                    break
        if srcs and tgts:
            break
        # inherit from a governing noun
        if node.dep_ == "conj" and node.head.pos_ in ("NOUN", "PROPN"):
            node = node.head
        elif node.dep_ == "pobj" and node.head.lower_ in INHERIT_PREPS and node.head.head.pos_ in ("NOUN", "PROPN"):
            node = node.head.head
        else:
            break
        arcs.append(f"inherit:{node.text}")
    if not tgts and rule.targets:
        who = _victim(holder, ctx)
        if who is not None:
            tgts, arcs = conj(who), arcs + [f"victim:{who.text}"]
    return srcs, tgts, arcs


def _conj_heads(v: Token) -> list[Token]:
    """The children of ``v`` and of the verbs it is a conjunct of (their shared auxiliaries)."""
    out = list(v.children)
    while v.dep_ == "conj":
        v = v.head
        out += list(v.children)
    return out


def _victim(holder: Token, ctx: Ctx) -> Token | None:
    """The side an act befell, told as the subject of the clause the act sits in:
    "the ministry was hit by a cyberattack" (the act as passive agent), "the ministry was
    the target of a cyberattack" (the act after "target of", also with the subject of a
    governing verb: "reported having been the target of ...")."""
    head = holder.head
    if holder.dep_ != "pobj":
        return None
    if head.dep_ == "agent" and head.lower_ == "by":
        clause = head.head
        who = next((c for c in clause.children if c.dep_ == "nsubjpass"), None)
    elif head.lower_ == "of" and head.head.lemma_.lower() in ("target", "victim") and head.head.dep_ == "attr":
        clause = head.head.head
        who = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        if who is None and clause.dep_ in ("xcomp", "pcomp", "ccomp", "advcl"):
            found, _ = subject(clause.head, False, ctx)
            who = found[0] if found else None
    else:
        return None
    return who if who is not None and actor_of(who, ctx) else None


def place_people(tok: Token, ctx: Ctx) -> Actor | None:
    """The people of a named place that is no actor ("shelled Kharkiv", "struck the
    Gaza Strip"): a region of places.tsv or a city of the gazetteer, in the state the
    article is about when the name is shared, else one whose own name it is (not a
    former one: "Pokrovsk"), else the most populous. A name the
    entity recogniser took for a person counts when it is a city of 100,000 or more."""
    ref = ctx.actors.get(tok.i)
    named_person = ref is not None and ref.kind == "anon"
    if not (tok.ent_type_ in ("GPE", "LOC", "FAC") and ref is None or named_person):
        return None
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    name = (ent.text if ent is not None else tok.text).strip()
    if name.lower().startswith("the "):
        name = name[4:]
    entry = ctx.places.get(name)
    if entry is not None:
        country = entry.country
    else:
        from .gazetteer import fold, gazetteer

        gaz = gazetteer()
        cities = [c for c in gaz.cities(name) if not named_person or c.population >= 100000]
        if not cities:
            return None
        focus = ctx.doc._.focus_country
        iso3 = {c.cc: gaz.countries.get(c.cc, ("",))[0] for c in cities}
        city = max(cities, key=lambda c: (iso3[c.cc] == focus, fold(c.name) == fold(name), c.population))
        country = iso3[city.cc]
    if not country or len(country) != 3 or country == "IGO":
        return None
    return Actor(name, country, "CVL")


def place_target(tok: Token, ctx: Ctx, rule: Rule) -> bool:
    """A violent act at a place ("an attack at a Moscow concert hall") hits its people."""
    if rule.type != "ASSAULT":
        return False
    return any(t.i in ctx.actors and ctx.actors[t.i].kind == "country" for t in tok.subtree)
