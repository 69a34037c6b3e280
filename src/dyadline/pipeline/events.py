"""Event stage: finds event triggers in the parse and fills source and target.

Reads ``doc._.actors`` (actor stage) and ``doc._.dates`` (date stage); sets
``doc._.events``, a list of :class:`RawEvent`. Verb rules ("condemned X"),
light-verb nouns ("sent a message of condolence to X", "imposed sanctions on
X") and nominal events ("Kim's visit to Russia") all come from the lexicon.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span, Token

from ..lexicons import Lexicon, Rule
from ..model import Actor
from .actors import ActorRef

SUBJ = ("nsubj", "nsubjpass", "csubj")
OBJECT_CONTROL = frozenset({"urge", "ask", "call", "order", "press", "force", "invite",
                            "encourage", "tell", "pressure", "allow", "permit", "help"})
INHERIT_PREPS = frozenset({"including", "such", "like", "especially"})
PAIRED = frozenset({"AGREE", "CONSULT", "COOPERATE"})
DOMESTIC = frozenset({"COERCE", "ASSAULT", "PROTEST", "SANCTION", "ACCUSE", "REQUEST", "REJECT", "THREATEN"})
STATE_SECTORS = frozenset({"GOV", "COP", "MIL", "JUD", "LEG"})
WRITER = frozenset({"i", "we", "us", "our", "me", "you", "your", "they", "them", "it", "its",
                    "this", "that", "which", "who", "whom", "their"})
UNKNOWN_ATTACKERS = Actor("attackers", None, "UAF")
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"dozens": 24, "dozen": 12, "hundreds": 200, "scores": 40})


@dataclass
class RawEvent:
    """An event as the parse gives it, before it becomes a model Event."""

    type: str
    cameo: str
    source: Actor | None
    target: Actor | None
    trigger: int                 # token index
    sentence_index: int
    start: int                   # token span of the evidence
    end: int
    factuality: str = "asserted"
    background: bool = False
    date: str | None = None
    mode: str | None = None
    fatalities: int | None = None
    location: tuple[str, str | None] | None = None
    rule: str = ""
    nominal: bool = False
    arcs: list[str] = field(default_factory=list)


class EventCoder:
    """Pipeline component ``dyadline_events``."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.fatality_res = lexicon.fatalities
        for ext in ("events", "actors", "dates", "article_date", "trace"):
            if not Doc.has_extension(ext):
                Doc.set_extension(ext, default=None)

    def __call__(self, doc: Doc) -> Doc:
        actors: dict[int, ActorRef] = doc._.actors or {}
        dates: dict[int, str] = doc._.dates or {}
        on: date | None = doc._.article_date
        out: list[RawEvent] = []
        trace: list[str] = []
        for si, sent in enumerate(doc.sents):
            ctx = _Ctx(doc, sent, si, actors, dates, on, out, trace)
            used_verbs: set[int] = set()
            for tok in sent:
                if tok.pos_ in ("NOUN", "PROPN"):
                    self._noun(tok, ctx, used_verbs)
            for tok in sent:
                if tok.pos_ in ("VERB", "AUX") and tok.i not in used_verbs:
                    self._verb(tok, ctx)
            self._fatalities(sent, ctx)
        doc._.events = _dedupe(out)
        doc._.trace = trace
        return doc

    # ------------------------------------------------------------------ verbs
    def _verb(self, v: Token, ctx: "_Ctx") -> None:
        rules = self.lex.verbs.get(v.lemma_.lower())
        if not rules:
            return
        kids = {c.lower_ for c in v.children if c.dep_ in ("prt", "prep", "dative", "agent")}
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children)
        for rule in rules:
            if any(w not in kids for w in rule.trigger[1:]):
                continue
            targets, tarcs = _slots(v, rule.targets, passive, ctx, rule.type)
            xcomp = next((c for c in v.children if c.dep_ == "xcomp"), None)
            if not targets and xcomp is not None:
                # "refused to meet the delegation", "agreed to help Ukraine"
                targets, tarcs = _slots(xcomp, ("dobj", "dative", "prep:with", "prep:to"), False, ctx, rule.type)
                tarcs = [f"xcomp:{a}" for a in tarcs]
            if "needs_target" in rule.flags and not targets:
                ctx.trace.append(f"{rule.where} at {v.text!r}: skipped, needs a target in "
                                 f"{'/'.join(rule.targets)}")
                continue
            sources, sarcs = _subject(v, passive, ctx)
            self._emit(rule, v, v, sources, targets, ctx, arcs=sarcs + tarcs)
            return

    # ------------------------------------------------------------------ nouns
    def _noun(self, n: Token, ctx: "_Ctx", used_verbs: set[int]) -> None:
        rules = self.lex.nouns.get(n.lemma_.lower())
        if not rules:
            return
        lemmas = [t.lemma_.lower() for t in n.doc[max(n.sent.start, n.i - 3):n.i + 1]]
        frame = n.head if (n.dep_ == "pobj" and n.head.lower_ == "of"
                           and self.lex.frames.get(n.head.head.lemma_.lower()) == "of") else None
        holder = frame.head if frame is not None else n     # the noun the verb governs
        verb = holder.head if holder.dep_ in ("dobj", "nsubjpass", "attr", "nsubj") else None
        if verb is not None and holder.dep_ == "nsubjpass" and verb.pos_ not in ("VERB", "AUX"):
            verb = None
        for rule in rules:
            if tuple(lemmas[-len(rule.trigger):]) != rule.trigger:
                continue
            light = verb is not None and (verb.lemma_.lower() in rule.light_verbs or "*" in rule.light_verbs)
            if not light and "nominal" not in rule.flags:
                continue
            if light and holder.dep_ == "nsubj":
                # the act is the subject ("the truce between X and Y held"): its own sides
                assert verb is not None
                srcs, tgts, arcs = _nominal_args(n, holder, rule, ctx, self.lex)
                used_verbs.add(verb.i)
                self._emit(rule, n, verb, srcs, tgts, ctx, arcs=arcs)
            elif light:
                assert verb is not None
                passive = holder.dep_ == "nsubjpass"
                tgts, tarcs = _noun_slots(n, holder, verb, rule.targets, ctx, rule.type)
                srcs, sarcs = _subject(verb, passive, ctx)
                used_verbs.add(verb.i)
                self._emit(rule, n, verb, srcs, tgts, ctx, arcs=sarcs + tarcs)
            else:
                srcs, tgts, arcs = _nominal_args(n, holder, rule, ctx, self.lex)
                self._emit(rule, n, None, srcs, tgts, ctx, arcs=arcs, nominal=True)
            return

    # ------------------------------------------------------------------ output
    def _emit(self, rule: Rule, trig: Token, verb: Token | None, sources: list[Token],
              targets: list[Token], ctx: "_Ctx", *, arcs: list[str], nominal: bool = False) -> None:
        location = _location(trig, verb, ctx)
        src_refs = _actors(sources, ctx, military="military" in rule.flags, source=True)
        tgt_refs = _actors(targets, ctx, military=False, event_type=rule.type, lex=self.lex)
        if "swap" in rule.flags:
            src_refs, tgt_refs = tgt_refs, src_refs
        src_actors = _settle(src_refs, tgt_refs, location, rule.type)
        tgt_actors = _settle(tgt_refs, src_refs, location, rule.type)
        between = any(a.startswith("prep:between") for a in arcs)
        if between and not src_actors and len(tgt_actors) > 1:
            # "talks between Israel and Hamas", "clashes between X and Y"
            src_actors = list(tgt_actors)
        if not src_actors and rule.type == "ASSAULT" and tgt_actors:
            src_actors = [UNKNOWN_ATTACKERS]
        why = f"{rule.where} at {trig.text!r}"
        if not src_actors:
            ctx.trace.append(f"{why}: no source (arcs: {', '.join(arcs) or 'none'})")
            return
        pairs_only = between and src_actors == tgt_actors
        if not tgt_actors and len(src_actors) > 1 and ("mutual" in rule.flags or rule.type in PAIRED):
            # "The Philippines and Japan signed a pact": each side toward the other
            tgt_actors, pairs_only = list(src_actors), True
        if not tgt_actors:
            if "intransitive" not in rule.flags:
                ctx.trace.append(f"{why}: no target (arcs: {', '.join(arcs) or 'none'})")
                return
            tgt_actors = [None]  # type: ignore[list-item]
        fact, background = _factuality(verb or trig, trig, self.lex, nominal)
        when = _date_of(trig, verb, ctx) if not nominal else _date_of(trig, None, ctx)
        if when is None and not background and ctx.on is not None:
            when = ctx.on.isoformat()
        arg_tokens = sources + targets
        if any(a.startswith("inherit:") for a in arcs):
            arg_tokens = []  # the sides were told earlier: the evidence is the act itself
        start = min([trig.i] + [t.left_edge.i if t.dep_ in SUBJ else t.i for t in arg_tokens]
                    + ([verb.i] if verb is not None else []))
        if not arg_tokens:
            start = trig.left_edge.i
            if trig.dep_ == "pobj" and trig.head.lower_ == "of":
                start = min(start, trig.head.head.i)
        start = max(start, ctx.sent.start)
        end = max([trig.i] + [t.i for t in arg_tokens] + ([verb.i] if verb is not None else [])) + 1
        end = min(end, ctx.sent.end)
        for s in src_actors:
            for t in tgt_actors:
                if t is not None and _same(s, t):
                    continue
                pairs = [(s, t)]
                if "mutual" in rule.flags and t is not None and not pairs_only:
                    pairs.append((t, s))
                for a, b in pairs:
                    ctx.out.append(RawEvent(
                        type=rule.type, cameo=rule.cameo, source=a, target=b, trigger=trig.i,
                        sentence_index=ctx.si, start=start, end=end, factuality=fact,
                        background=background, date=when, mode=rule.mode, rule=rule.where,
                        location=location, arcs=arcs, nominal=nominal))

    def _fatalities(self, sent: Span, ctx: "_Ctx") -> None:
        n = _fatality_count(sent.text, self.fatality_res)
        if n is None:
            return
        here = [e for e in ctx.out if e.sentence_index == ctx.si and e.type == "ASSAULT"]
        if not here:
            refers = any(self.lex.frames.get(t.lemma_.lower()) == "anaphor"
                         or any(r.type == "ASSAULT" for r in self.lex.nouns.get(t.lemma_.lower(), ()))
                         for t in sent)
            prior = [e for e in ctx.out if e.type == "ASSAULT" and ctx.si - 2 <= e.sentence_index < ctx.si]
            here = prior[-1:] if refers else []
        for e in here:
            if e.fatalities is None:
                e.fatalities = n


# ---------------------------------------------------------------------- context
@dataclass
class _Ctx:
    doc: Doc
    sent: Span
    si: int
    actors: dict[int, ActorRef]
    dates: dict[int, str]
    on: date | None
    out: list[RawEvent]
    trace: list[str]


def _conj(t: Token) -> list[Token]:
    """A token and the tokens coordinated with it ("the US and Britain")."""
    out = [t]
    for c in t.children:
        if c.dep_ == "conj":
            out.extend(_conj(c))
    return out


def _pobj(prep: Token) -> Token | None:
    for c in prep.children:
        if c.dep_ in ("pobj", "pcomp"):
            return c
    return None


def _prep(t: Token, word: str) -> Token | None:
    for c in t.children:
        if c.dep_ in ("prep", "dative", "agent") and c.lower_ == word:
            return _pobj(c)
        if c.dep_ == "prep" and word.endswith(" " + c.lower_):  # "out of"
            return _pobj(c)
    return None


def _slots(v: Token, slots: tuple[str, ...], passive: bool, ctx: _Ctx,
           etype: str = "") -> tuple[list[Token], list[str]]:
    for slot in slots:
        tok = _slot(v, slot, passive)
        if tok is not None and _has_actor(tok, ctx, etype):
            return _conj(tok), [f"{slot}:{tok.text}"]
    return [], []


def _slot(v: Token, slot: str, passive: bool) -> Token | None:
    if slot.startswith("v:"):
        slot = slot[2:]
    if slot == "dobj":
        dep = "nsubjpass" if passive else "dobj"
        return next((c for c in v.children if c.dep_ == dep), None)
    if slot == "dative":
        for c in v.children:
            if c.dep_ == "dative":
                return _pobj(c) if c.pos_ == "ADP" else c
        return _prep(v, "to")
    if slot == "poss":
        return next((c for c in v.children if c.dep_ == "poss"), None)
    if slot == "compound":
        return next((c for c in v.children if c.dep_ in ("compound", "amod")), None)
    if slot.startswith("prep:"):
        found = _prep(v, slot[5:])
        if found is None and v.pos_ in ("VERB", "AUX"):
            # "eased sanctions on Venezuela": the phrase hangs on the object
            obj = next((c for c in v.children if c.dep_ in ("dobj", "nsubjpass")), None)
            if obj is not None:
                found = _prep(obj, slot[5:])
        return found
    return None


def _has_actor(tok: Token, ctx: _Ctx, etype: str = "") -> bool:
    """Whether a slot holds an actor (for verbal conflict, also an act: "condemned the attack")."""
    if any(_actor_of(t, ctx) is not None for t in _conj(tok)):
        return True
    return etype in ("ACCUSE", "REJECT") and tok.pos_ == "NOUN"


def _ref_of(t: Token, ctx: _Ctx) -> ActorRef | None:
    """The actor a phrase stands for: its own, or its owner's ("Russia's invasion")."""
    if t.lower_ in WRITER:
        return None
    ref = ctx.actors.get(t.i)
    if ref is not None:
        return ref
    for dep in ("poss", "compound", "amod"):   # "Russia's invasion", "a UN resolution"
        owner = next((c for c in t.children if c.dep_ == dep and c.pos_ != "PRON"
                      and c.i in ctx.actors and ctx.actors[c.i].kind != "place"), None)
        if owner is not None:
            return ctx.actors[owner.i]
    return None


def _actor_of(t: Token, ctx: _Ctx) -> Actor | None:
    ref = _ref_of(t, ctx)
    return ref.actor if ref is not None else None


def _subject(v: Token, passive: bool, ctx: _Ctx) -> tuple[list[Token], list[str]]:
    """The acting side of verb ``v``, climbing to a governing verb if needed."""
    seen = 0
    while seen < 6:
        seen += 1
        if passive:
            agent = _prep(v, "by")
            if agent is not None:
                return _conj(agent), [f"agent:{agent.text}"]
            # "civilians were killed in an attack by the RSF" / "in an Israeli strike"
            act = _prep(v, "in")
            if act is not None and act.pos_ == "NOUN":
                by = _prep(act, "by")
                if by is not None:
                    return _conj(by), [f"in-by:{by.text}"]
                mod = next((c for c in act.children if c.dep_ in ("amod", "compound", "poss")
                            and c.i in ctx.actors and ctx.actors[c.i].kind != "country"), None)
                if mod is not None:
                    return [mod], [f"in-mod:{mod.text}"]
            return [], []
        subj = next((c for c in v.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            if subj.lower_ in ("who", "that", "which") and v.dep_ == "relcl":
                return _conj(v.head), [f"relcl:{v.head.text}"]
            if subj.lower_ in ("it", "they") and subj.i not in ctx.actors and v.dep_ in ("ccomp", "conj", "advcl"):
                # "Israel said it had struck ...": the pronoun is the governing clause's subject
                outer, arcs = _subject(v.head, False, ctx)
                if outer:
                    return outer, [f"pronoun:{subj.text}"] + arcs
            return _conj(subj), [f"nsubj:{subj.text}"]
        if v.dep_ == "relcl" or (v.dep_ == "acl" and v.tag_ == "VBG"):
            return _conj(v.head), [f"{v.dep_}:{v.head.text}"]
        if v.dep_ == "xcomp" and v.head.lemma_.lower() in OBJECT_CONTROL:
            obj = next((c for c in v.head.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return _conj(obj), [f"xcomp-obj:{obj.text}"]
        if v.dep_ in ("xcomp", "conj", "advcl", "ccomp") and v.head.pos_ in ("VERB", "AUX"):
            v = v.head
            passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children) and False
            continue
        return [], []
    return [], []


def _noun_slots(n: Token, holder: Token, verb: Token, slots: tuple[str, ...],
                ctx: _Ctx, etype: str = "") -> tuple[list[Token], list[str]]:
    for slot in slots:
        places = [verb] if slot.startswith("v:") else ([n, holder] if holder is not n else [n])
        for p in places:
            tok = _slot(p, slot, False)
            if tok is not None and _has_actor(tok, ctx, etype):
                return _conj(tok), [f"{slot}:{tok.text}"]
    return [], []


def _nominal_args(n: Token, holder: Token, rule: Rule, ctx: _Ctx,
                  lex: Lexicon) -> tuple[list[Token], list[Token], list[str]]:
    """Source and target of a nominal event; inherited along conj / "including"."""
    node = holder
    srcs: list[Token] = []
    tgts: list[Token] = []
    arcs: list[str] = []
    for _ in range(4):
        for c in list(node.children) + ([c for c in n.children] if node is holder else []):
            if not srcs and c.dep_ == "poss" and _actor_of(c, ctx):
                srcs, arcs = _conj(c), arcs + [f"poss:{c.text}"]
            elif not srcs and c.dep_ in ("compound", "amod") and c.i in ctx.actors and (
                    rule.type != "ASSAULT" or ctx.actors[c.i].kind != "country"):
                # "US sanctions", "Russian strikes"; but "the Moscow attack" is a place
                srcs, arcs = [c], arcs + [f"{c.dep_}:{c.text}"]
        for word in ("by", "from"):
            p = _prep(node, word)
            if not srcs and p is not None and _actor_of(p, ctx):
                srcs, arcs = _conj(p), arcs + [f"prep:{word}:{p.text}"]
        if not tgts:
            for slot in rule.targets:
                if slot.startswith("v:"):
                    continue
                for place in dict.fromkeys((n, node)):
                    tok = _slot(place, slot, False)
                    if tok is not None and (_actor_of(tok, ctx) or _place_target(tok, ctx, rule)):
                        tgts, arcs = _conj(tok), arcs + [f"{slot}:{tok.text}"]
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


def _place_target(tok: Token, ctx: _Ctx, rule: Rule) -> bool:
    """A violent act at a place ("an attack at a Moscow concert hall") hits its people."""
    if rule.type != "ASSAULT":
        return False
    return any(t.i in ctx.actors and ctx.actors[t.i].kind == "country" for t in tok.subtree)


def _actors(tokens: list[Token], ctx: _Ctx, *, military: bool, event_type: str = "",
            lex: Lexicon | None = None, source: bool = False) -> list[ActorRef]:
    out: list[ActorRef] = []
    for t in tokens:
        ref = ctx.actors.get(t.i)
        if ref is None and lex is not None:
            # an act as target ("condemned the Israeli strike") stands for its perpetrator
            actor = _event_reference(t, ctx, lex, event_type)
            ref = ActorRef(actor, "event") if actor is not None else _ref_of(t, ctx)
        elif ref is None:
            ref = _ref_of(t, ctx)
        if ref is None or (source and ref.kind == "place"):
            continue
        if ref.kind == "place" and event_type not in ("ASSAULT", "COERCE"):
            continue
        if military and ref.kind == "country" and ref.actor.sector == "GOV":
            ref = ActorRef(Actor(ref.actor.name, ref.actor.country, "MIL"), ref.kind)
        for member in ref.members():
            if all(member != r.actor for r in out):
                out.append(ActorRef(member, ref.kind if not ref.group else "coref"))
    return out


def _settle(refs: list[ActorRef], other: list[ActorRef], location: tuple[str, str | None] | None,
            etype: str) -> list[Actor]:
    """Give open agents ("protesters") the place's country or, in a domestic
    clash with the state ("police arrested protesters"), the state's; drop
    those that stay without one."""
    home = location[1] if location is not None else None
    if home is None and etype in DOMESTIC:
        home = next((r.actor.country for r in other if r.actor.country and r.actor.sector in STATE_SECTORS
                     and r.actor.country not in ("IGO", "NGO", "IMG", "MNC")), None)
    out = []
    for r in refs:
        a = r.actor
        if r.kind == "open":
            if home is None:
                continue
            a = Actor(a.name, home, a.sector)
        out.append(a)
    return out


def _event_reference(t: Token, ctx: _Ctx, lex: Lexicon, event_type: str) -> Actor | None:
    """A target that is an act ("condemned the attack") stands for its perpetrator;
    a violent act at a place stands for the people there."""
    lemma = t.lemma_.lower()
    if event_type == "ASSAULT":
        place = next((x for x in t.subtree if x.i in ctx.actors and ctx.actors[x.i].kind == "country"), None)
        if place is not None:
            a = ctx.actors[place.i].actor
            return Actor(_phrase(t), a.country, "CVL")
        return None
    violent = lex.frames.get(lemma) == "anaphor" or any(r.type == "ASSAULT" for r in lex.nouns.get(lemma, ()))
    if not violent:
        return None
    for c in t.children:   # "the Israeli strike", "Russia's attack", "the attack by Hamas"
        by = _pobj(c) if c.dep_ == "prep" and c.lower_ == "by" else None
        who = by if by is not None else (c if c.dep_ in ("amod", "compound", "poss") else None)
        ref = ctx.actors.get(who.i) if who is not None else None
        if ref is not None and ref.kind not in ("place", "open"):
            a = ref.actor
            if ref.kind in ("country", "adjective") and a.sector == "GOV":
                return Actor(a.name, a.country, "MIL")
            return a
    prior = [e for e in ctx.out if e.type == "ASSAULT" and (e.trigger == t.i or e.trigger < t.i)]
    if prior:
        return prior[-1].source
    return UNKNOWN_ATTACKERS


def _phrase(t: Token) -> str:
    toks = [x for x in t.subtree if x.i <= t.i and x.dep_ not in ("det", "case")]
    return t.doc[toks[0].i:t.i + 1].text if toks else t.text


def _same(a: Actor, b: Actor) -> bool:
    return a == b or (a.country is not None and a.country == b.country and a.sector == b.sector
                      and a.name == b.name)


def _factuality(v: Token, trig: Token, lex: Lexicon, nominal: bool) -> tuple[str, bool]:
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


def _date_of(trig: Token, verb: Token | None, ctx: _Ctx) -> str | None:
    """The first resolved date inside the event's own clause."""
    roots = [trig] + ([verb] if verb is not None and verb is not trig else [])
    for root in roots:
        stack = [root]
        while stack:
            t = stack.pop()
            if t.i in ctx.dates:
                return ctx.dates[t.i]
            for c in t.children:
                if c.dep_ in ("ccomp", "advcl", "relcl", "xcomp", "acl", "conj", "parataxis"):
                    continue
                stack.append(c)
    return None


def _location(trig: Token, verb: Token | None, ctx: _Ctx) -> tuple[str, str | None] | None:
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


def _fatality_count(text: str, patterns: list[re.Pattern[str]]) -> int | None:
    for pat in patterns:
        m = pat.search(text)
        if m:
            word = m.group(1).replace(",", "").lower()
            if word.isdigit():
                return int(word)
            if word in NUMBER_WORDS:
                return NUMBER_WORDS[word]
    return None


def _dedupe(events: list[RawEvent]) -> list[RawEvent]:
    """One event per act: the same type, sides and date retold count once, and a
    nominal mention ("Macron's visit to China") of an act told by a verb too."""
    def countries(e: RawEvent) -> tuple:
        return (e.type, e.factuality, e.source and e.source.country, e.target and e.target.country)

    told = {countries(e) for e in events if not e.nominal}
    seen: set[tuple] = set()
    out = []
    for e in events:
        key = (e.type, e.source, e.target, e.date, e.factuality)
        if key in seen or (e.nominal and countries(e) in told):
            continue
        seen.add(key)
        out.append(e)
    return out
