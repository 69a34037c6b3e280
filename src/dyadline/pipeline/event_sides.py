"""Which actors an event's sides stand for (helpers of the event stage, after
:mod:`.event_args` found the slots): a slot's actors, with an act standing for its
perpetrator and a place for its people; the sentence's other named actor for an
event the syntax gives no target; and how open mentions ("security forces",
"protesters") settle on a state from the article."""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Token

from ..lexicons import Lexicon
from ..model import Actor
from .actors import ActorRef
from .event_args import (AUTHORS, DOMESTIC, NAMED, NOBODY, PAIRED_TYPES, PLACE_PREPS, REACTIONS, STATE_SECTORS,
                         UNKNOWN_ATTACKERS, UNOWNED, UNREST, UNREST_SECTORS, Ctx, _modifier_actor, counted,
                         place_people, pobj, prep, ref_of)


WEAPON_ACTS = frozenset({"ASSAULT", "COERCE", "MOBILIZE"})   # acts whose subject may be a weapon


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
        if ref is None and source and event_type in WEAPON_ACTS:
            # "A Russian missile hit ...", "a Houthi-fired missile struck ...": the modifier;
            # "a missile launched from Yemen": the state it came from
            ref = ref_of(t, ctx, ("poss", "compound")) or _modifier_actor(t, ctx) or _launched_from(t, ctx)
        if ref is None and lex is not None:
            # an act ("condemned the Israeli strike"; "Israeli strikes hit ...") stands for
            # its perpetrator; a thing owned ("rejected the ICC's decision") for its owner
            actor = event_reference(t, ctx, lex, "" if source else event_type)
            if actor is not None and not (source and actor == UNKNOWN_ATTACKERS):
                ref = ActorRef(_as_state(actor, lex) if event_type in REACTIONS else actor, "event")
            elif source and event_type not in WEAPON_ACTS:
                ref = ref_of(t, ctx, ("poss", "compound")) or _modifier_actor(t, ctx)   # tried above for those
            elif not source:
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


def _launched_from(t: Token, ctx: Ctx) -> ActorRef | None:
    """ "a missile launched (fired) from Yemen": that state's military."""
    for c in t.children:
        if c.dep_ == "acl" and c.lemma_.lower() in ("launch", "fire", "shoot"):
            where = prep(c, "from")
            ref = ctx.actors.get(where.i) if where is not None else None
            if ref is not None and ref.kind == "country" and ref.actor.country:
                return ActorRef(Actor(ref.actor.name, ref.actor.country, "MIL"), "country")
    return None


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
    source's phrase: the target of an act whose syntax gives none. A place stands for
    its state ("clashes in Tbilisi"), except where people protest: "thousands rallied
    in Tbilisi" has no target (the codebook)."""
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
            if country is None and etype in UNREST and a.sector == "REB":
                # "the separatists", "local militias" fighting in an article about one state
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
    if lex.frames.get(lemma) == "show":   # "condemned the launch": the last show of force
        kinds = {"MOBILIZE"}
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
    if any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in t.children):
        return UNKNOWN_ATTACKERS if violent else None   # "another missile struck": a new act, not one told
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
