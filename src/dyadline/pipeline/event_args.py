"""Finding an event's sides in the parse: subjects, object slots, nominal
arguments, and the actors they stand for (helpers of the event stage)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterator

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
        tok = find_slot(v, slot, passive)
        if tok is not None and (has_actor(tok, ctx, etype) or is_reciprocal(tok)):
            return conj(tok), [f"{slot}:{tok.text}"]
    return [], []


def is_reciprocal(t: Token) -> bool:
    """"each other", "one another"."""
    return t.lower_ in ("other", "another") and any(c.lower_ in ("each", "one") for c in t.children) or (
        t.lower_ == "another" and t.i > 0 and t.nbor(-1).lower_ == "one")


def prior_sides(ctx: Ctx, rule: Rule, mutual_only: bool = False) -> tuple[Actor, Actor] | None:
    """The two sides of the act a bare mutual noun ("the fighting", "the talks")
    refers back to: the last such act told in the five sentences before, else the
    last act between two states there."""
    recent = [e for e in reversed(ctx.out) if ctx.si - 5 <= e.sentence_index <= ctx.si
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
            tok = find_slot(p, slot, False)
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
                        for t in conj(a)]
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
    return srcs, tgts, arcs


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


def actors(tokens: list[Token], ctx: Ctx, *, military: bool, event_type: str = "",
           lex: Lexicon | None = None, source: bool = False,
           avoid: tuple[Actor, ...] = ()) -> list[ActorRef]:
    out: list[ActorRef] = []
    for t in tokens:
        t = counted(t)
        ref = ctx.actors.get(t.i)
        if ref is not None and ref.kind == "anon" and event_type == "ASSAULT" and not source:
            people = place_people(t, ctx)   # "shelled Kharkiv", the city taken for a person
            ref = ActorRef(people, "place") if people is not None else ref
        if ref is None and lex is not None:
            # an act ("condemned the Israeli strike"; "Israeli strikes hit ...") stands for
            # its perpetrator; a thing owned ("rejected the ICC's decision") for its owner
            actor = event_reference(t, ctx, lex, "" if source else event_type)
            if actor is not None and not (source and actor == UNKNOWN_ATTACKERS):
                ref = ActorRef(_as_state(actor, lex) if event_type in REACTIONS else actor, "event")
            elif source:
                # "A Russian missile hit ...", "a Houthi-fired missile struck ...": the modifier
                ref = ref_of(t, ctx, ("poss", "compound")) or _modifier_actor(t, ctx)
            else:
                ref = ref_of(t, ctx, ("poss",) if event_type in UNOWNED else ("poss", "compound", "amod"))
                people = place_people(t, ctx) if ref is None and event_type == "ASSAULT" else None
                if people is not None:
                    ref = ActorRef(people, "place")
                if ref is None and event_type in REACTIONS:
                    ref = _author(t, ctx, lex, avoid)
                    if ref is not None and ref.kind == "event":
                        ref = ActorRef(_as_state(ref.actor, lex), "event")
        elif ref is None:
            ref = ref_of(t, ctx)
        if ref is not None and ref.kind == "open":
            ref = _belonging(t, ref, ctx)
        if ref is None or (source and ref.kind in ("place", "anon")):
            continue
        if ref.kind == "place" and event_type not in ("ASSAULT", "COERCE"):
            continue
        if military and ref.kind in ("country", "adjective") and ref.actor.sector == "GOV":
            ref = ActorRef(Actor(ref.actor.name, ref.actor.country, "MIL"), ref.kind)
        for member in ref.members():
            if all(member != r.actor for r in out):
                out.append(ActorRef(member, ref.kind if not ref.group else "coref"))
    return out


def no_one(head: Token) -> bool:
    """Whether the act's object is "nobody", "no one" or "none" (directly or after a preposition)."""
    objs = [c for c in head.children if c.dep_ in ("dobj", "dative")]
    objs += [g for c in head.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    return any(o.lower_ in NOBODY or (o.lower_ == "one" and any(d.lower_ == "no" for d in o.children))
               for o in objs)


def _where(t: Token) -> bool:
    """A name used as a place: the object of "in", "around", "near" … (climbing compounds)."""
    while t.dep_ in ("compound", "conj", "appos") and t.head is not t:
        t = t.head
    return t.dep_ == "pobj" and t.head.lower_ in PLACE_PREPS


def phrase_tokens(t: Token) -> Iterator[Token]:
    """The noun phrase of ``t`` without its clauses ("thousands of Serbian students",
    not "… who protested against the law")."""
    yield t
    for c in t.children:
        if c.pos_ not in ("VERB", "AUX") and c.dep_ not in ("relcl", "acl", "appos", "conj"):
            yield from phrase_tokens(c)


def sentence_actor(trig: Token, sources: list[Actor], source_tokens: list[Token], ctx: Ctx,
                   etype: str = "") -> list[Actor]:
    """The actor the sentence names nearest the trigger (after it first) that is not
    one of the sources nor of their country and sector, nor a modifier in the
    source's phrase: the target of an act whose syntax gives none. A place stands for its state ("clashes in Tbilisi"), except where
    people protest: "thousands rallied in Tbilisi" has no target (the codebook)."""
    def fits(a: Actor) -> bool:
        return bool(a.country) and all(not same(a, s) and (a.country, a.sector) != (s.country, s.sector)
                                       for s in sources)

    def usable(t: Token) -> bool:
        ref = ctx.actors.get(t.i)
        return (ref is not None and ref.kind in NAMED and t.i not in own
                and not (crowd and _where(t))
                and any(fits(m) for m in ref.members()))

    # the source's own phrase, and any mention of the source's state under it ("the
    # strikes carried out by Israel killed …": Israel is not also the target)
    countries = {s.country for s in sources}
    # where people protest or crowds and police act, the place is not the target
    crowd = etype == "PROTEST" or any(s.sector in UNREST_SECTORS for s in sources)
    own = {t.i for s in source_tokens for t in phrase_tokens(s)}
    own |= {t.i for s in source_tokens for t in s.subtree
            if t.i in ctx.actors and ctx.actors[t.i].actor.country in countries}
    first = min((t for t in ctx.sent if usable(t)), key=lambda t: (t.i < trig.i, abs(t.i - trig.i)), default=None)
    if first is None:
        return []
    return [next(m for m in ctx.actors[first.i].members() if fits(m))]


def _belonging(t: Token, ref: ActorRef, ctx: Ctx) -> ActorRef:
    """An open agent of a named side or place takes its country: "activists from the
    Fatah party", "supporters of Ben Bella", "students throughout Indonesia"."""
    for word in ("of", "from", "throughout", "across", "in"):
        owner = prep(t, word)
        oref = ctx.actors.get(owner.i) if owner is not None else None
        if (oref is not None and oref.kind in ("country", "org", "person", "adjective", "coref")
                and oref.actor.country and oref.actor.country not in ("IGO", "NGO", "IMG", "MNC")):
            sector = ref.actor.sector
            if word in ("of", "from") and oref.kind in ("org", "person") and oref.actor.sector in ("PTY", "OPP", "REB"):
                sector = oref.actor.sector if oref.actor.sector != "PTY" else "OPP"
            return ActorRef(Actor(ref.actor.name, oref.actor.country, sector), "agent")
    return ref


def settle(refs: list[ActorRef], other: list[ActorRef], location: tuple[str, str | None] | None,
           etype: str, focus: str | None = None) -> list[Actor]:
    """Give open agents ("protesters") the place's country or, in a domestic
    clash with the state ("police arrested protesters"), the state's; drop
    those that stay without one."""
    home = location[1] if location is not None else None
    def state_side(sectors: frozenset[str] | set[str]) -> str | None:
        return next((r.actor.country for r in other if r.actor.country and r.actor.sector in sectors
                     and r.actor.country not in ("IGO", "NGO", "IMG", "MNC")), None)

    partner = next((r.actor.country for r in refs if r.kind != "open" and r.actor.country
                    and r.actor.country not in ("IGO", "NGO", "IMG", "MNC")), None)
    out = []
    for r in refs:
        a = r.actor
        if r.kind == "anon":
            # a person known only by name: in a domestic act, the acting state's citizen;
            # met in a foreign capital ("met Manalo in Manila"), the host's official
            country = state_side(STATE_SECTORS) if etype in DOMESTIC | {"ASSAULT"} else None
            if country is None and etype in PAIRED_TYPES and home and home != partner:
                out.append(Actor(a.name, home, "GOV"))
                continue
            out.append(Actor(a.name, country, a.sector))
            continue
        if r.kind == "open":
            # "the Venezuelan government and the opposition": the partner's country
            country = partner if partner and etype in PAIRED_TYPES else home
            if country is None and etype in DOMESTIC:
                country = state_side(STATE_SECTORS)
            elif country is None and etype == "ASSAULT":
                # violence: crowd control by the police, or the army against insurgents
                country = state_side(STATE_SECTORS if a.sector in ("REB", "OPP") else {"COP"})
                if country is not None and focus is not None and country != focus:
                    country = None   # foreign forces: the fighters' country is unknown
            if country is None and etype in UNREST and a.sector in UNREST_SECTORS:
                country = focus   # protesters and police in an article about one state
            if country is None and etype in DOMESTIC | {"ASSAULT", "MOBILIZE"} and (
                    a.sector in STATE_SECTORS or a.sector in UNREST_SECTORS):
                # "the defence ministry called on residents to stay indoors" in an article
                # about one state: its ministry, its residents
                country = focus
            if country is None:
                continue
            a = Actor(a.name, country, a.sector)
        out.append(a)
    return out


def event_reference(t: Token, ctx: Ctx, lex: Lexicon, event_type: str) -> Actor | None:
    """A target that is an act ("condemned the attack") stands for its perpetrator;
    a violent act at a place stands for the people there."""
    lemma = t.lemma_.lower()
    if event_type == "ASSAULT":
        place = next((x for x in t.subtree if x.i in ctx.actors and ctx.actors[x.i].kind == "country"), None)
        if place is not None:
            a = ctx.actors[place.i].actor
            return Actor(phrase(t), a.country, "CVL")
        return None
    kinds = {r.type for r in lex.nouns.get(lemma, ()) if "nominal" in r.flags or r.type in ("ASSAULT", "MOBILIZE")}
    violent = lex.frames.get(lemma) == "anaphor" or "ASSAULT" in kinds
    if not violent and not kinds:
        return None
    for c in t.children:   # "the Israeli strike", "Russia's attack", "the attack by Hamas"
        by = pobj(c) if c.dep_ == "prep" and c.lower_ == "by" else None
        if c.dep_ == "acl" and c.tag_ == "VBN":   # "the strikes carried out by Israel"
            by = prep(c, "by")
        who = by if by is not None else (c if c.dep_ in ("amod", "compound", "poss") else None)
        ref = ctx.actors.get(who.i) if who is not None else None
        if ref is not None and ref.kind not in ("place", "open"):
            a = ref.actor
            if violent and ref.kind in ("country", "adjective") and a.sector == "GOV":
                return Actor(a.name, a.country, "MIL")
            return a
    wanted = {"ASSAULT"} if violent else kinds
    prior = [e for e in ctx.out if e.type in wanted and e.trigger <= t.i]
    if prior:
        return prior[-1].source
    return UNKNOWN_ATTACKERS if violent else None


def _as_state(a: Actor, lex: Lexicon) -> Actor:
    """Whoever condemns a strike by "Russian forces" reproaches the Russian state."""
    c = lex.countries.get(a.country or "")
    if c is None or a.sector != "MIL":
        return a
    return Actor(c.name, a.country, "GOV")


def _author(t: Token, ctx: Ctx, lex: Lexicon, avoid: tuple[Actor, ...]) -> ActorRef | None:
    """A reaction to an act named by a frame noun ("welcomed the decision", "rejected
    his statement"): its author is the owner ("his") or whoever acted last before it."""
    use = lex.frames.get(t.lemma_.lower())
    by = prep(t, "by")
    if by is not None and by.i in ctx.actors and ctx.actors[by.i].kind != "place":
        return ctx.actors[by.i]   # "denounced a ban on education by the Taliban"
    if use not in ("act", "of") or (use == "of" and prep(t, "of") is not None):
        if t.dep_ != "dobj" or t.pos_ != "NOUN":
            return None
        # "condemned the launch": the author of the act told just before
        for e in reversed([e for e in ctx.out if e.trigger < t.i and e.source is not None
                           and ctx.si - 2 <= e.sentence_index]):
            if e.source not in avoid and e.source != UNKNOWN_ATTACKERS:
                return ActorRef(e.source, "event")
        return None
    poss = next((c for c in t.children if c.dep_ == "poss"), None)
    if poss is not None and poss.i in ctx.actors:   # "his remarks" → the last person named
        return ctx.actors[poss.i]
    for e in reversed([e for e in ctx.out if e.trigger < t.i and e.source is not None]):
        if e.source not in avoid and e.source != UNKNOWN_ATTACKERS:
            return ActorRef(e.source, "event")
    for i in range(t.i - 1, -1, -1):   # else the last actor named before it
        ref = ctx.actors.get(i)
        if ref is not None and ref.kind in AUTHORS and ref.actor not in avoid:
            return ref
    return None


def phrase(t: Token) -> str:
    toks = [x for x in t.subtree if x.i <= t.i and x.dep_ not in ("det", "case")]
    return t.doc[toks[0].i:t.i + 1].text if toks else t.text


def bare_country(s: Actor, t: Actor, src_refs: list[ActorRef], tgt_refs: list[ActorRef]) -> bool:
    """Either side is the state named by its name or capital (acting on itself)."""
    return any(r.kind == "country" and r.actor.country == s.country for r in src_refs + tgt_refs)


def same(a: Actor, b: Actor) -> bool:
    return a == b or (a.country is not None and a.country == b.country and a.sector == b.sector
                      and a.name == b.name)
