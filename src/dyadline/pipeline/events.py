"""Event stage: finds event triggers in the parse and fills source and target.

Reads ``doc._.actors`` (actor stage) and ``doc._.dates`` (date stage); sets
``doc._.events``, a list of :class:`RawEvent`. Verb rules ("condemned X"),
light-verb nouns ("sent a message of condolence to X", "imposed sanctions on
X") and nominal events ("Kim's visit to Russia") all come from the lexicon.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from ..lexicons import Lexicon, Rule
from ..model import Actor
from . import event_args as args
from . import event_sides as sides
from . import event_clauses as clauses
from . import coref
from .actors import ActorRef
from .raw import RawEvent

PAIRED = frozenset({"AGREE", "CONSULT", "COOPERATE"})
DRILL = "152"   # CAMEO: military exercises (MOBILIZE) as a show of force
CYBER = "176"   # CAMEO: cyber attack (COERCE); with no named doer, unknown hackers
NEEDS_TARGET = frozenset({"COOPERATE", "AID", "SANCTION"})   # the codebook's "needs a target"
AUTHORITY_ACTS = frozenset({"COERCE", "SANCTION", "RETREAT"})
# the CAMEO "express intent" code for a promised cooperative act, and the "threaten"
# code for an announced hostile one ("will impose sanctions on", "would boycott")
INTENT_CAMEO = {"CONSULT": ("AGREE", "036"), "SUPPORT": ("AGREE", "032"), "COOPERATE": ("AGREE", "031"),
                "AID": ("AGREE", "033"), "RETREAT": ("CONCEDE", "0832"),
                "SANCTION": ("THREATEN", "131"), "COERCE": ("THREATEN", "137"), "ASSAULT": ("THREATEN", "138"),
                "PROTEST": ("THREATEN", "133")}
YIELD_INTENT = {"084": "0353", "086": "0355"}
# undescribed people who are detained or held ("two people were detained")
PEOPLE = frozenset({"people", "person", "man", "woman", "men", "women", "child", "children", "son", "daughter",
                    "individual", "suspect", "civilian", "resident", "citizen", "girl", "boy", "teenager",
                    "youth", "relative", "family", "brother", "sister", "wife", "husband"})
SECTOR_WORDS = {"GOV": "government", "MIL": "military", "CVL": "population", "COP": "police",
                "JUD": "courts"}


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
            ctx = args.Ctx(doc, sent, si, actors, dates, on, out, trace, self.lex.frames, self.lex.places)
            used_verbs: set[int] = set()
            roles = []   # "mediator Qatar": after the acts of its sentence, whose sides it takes
            for tok in sent:
                if tok.pos_ in ("NOUN", "PROPN"):
                    if any("role" in r.flags for r in self.lex.nouns.get(tok.lemma_.lower(), ())):
                        roles.append(tok)
                    else:
                        self._noun(tok, ctx, used_verbs)
            for tok in sent:
                if tok.pos_ in ("VERB", "AUX") and tok.i not in used_verbs:
                    self._verb(tok, ctx)
            for tok in roles:
                self._noun(tok, ctx, used_verbs)
            self._quoted_praise(sent, ctx)
            self._fatalities(sent, ctx)
        doc._.events = clauses.dedupe(clauses.drop_guessed(clauses.answered(out)))
        doc._.trace = trace
        return doc

    # ------------------------------------------------------------------ verbs
    def _verb(self, v: Token, ctx: "args.Ctx") -> None:
        rules = self.lex.verbs.get(v.lemma_.lower())
        if not rules:
            return
        kids = {c.lower_ for c in v.children if c.dep_ in ("prt", "prep", "dative", "agent")}
        if any(c.dep_ == "oprd" for c in v.children) or sum(c.dep_ == "dobj" for c in v.children) > 1:
            kids.add("<oprd>")   # "called the attack pure terrorism", "branded him a traitor"
        said = next((c for c in v.children if c.dep_ == "ccomp"), None)
        if said is not None and any(any(c.kind == "blame" for c in self.lex.cues.get(t.lemma_.lower(), ()))
                                    for t in [said] + [c for c in said.children
                                                       if c.dep_ in ("acomp", "attr", "prep", "xcomp", "advmod")]):
            kids.add("<blame>")   # "said Iran was responsible for the attack"
        if said is not None and _obliged(said):
            kids.add("<must>")    # "said Sudan must return the helicopter"
        if said is not None and self._abuse(v, said, ctx):
            kids.add("<abuse>")   # "Amnesty said 21 people had been abducted by police"
        if said is not None and self._praised(said):
            kids.add("<praise>")  # "said Fiji is a critical partner"
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children)
        for rule in rules:
            if any(w not in kids for w in rule.trigger[1:]):
                continue
            targets, tarcs = args.slots(v, rule.targets, passive, ctx, rule.type)
            xcomp = next((c for c in v.children if c.dep_ == "xcomp"), None)
            if not targets and xcomp is not None:
                # "refused to meet the delegation", "agreed to help Ukraine"
                targets, tarcs = args.slots(xcomp, ("dobj", "dative", "prep:with", "prep:to", "prep:between"),
                                        False, ctx, rule.type)
                tarcs = [f"xcomp:{a}" for a in tarcs]
            ccomp = next((c for c in v.children if c.dep_ == "ccomp"), None)
            if not targets and ccomp is not None and (rule.type in ("REQUEST", "THREATEN", "ACCUSE")
                                                      or "<praise>" in rule.trigger):
                # "demanded that the United States cancel the sale"
                subj = next((c for c in ccomp.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if "<abuse>" in rule.trigger and args.prep(ccomp, "by") is not None:
                    subj = args.prep(ccomp, "by")   # the perpetrator of a reported abuse
                if subj is not None and args.has_actor(subj, ctx):
                    targets, tarcs = args.conj(subj), [f"ccomp-subj:{subj.text}"]
            if "needs_target" in rule.flags and not targets:
                ctx.trace.append(f"{rule.where} at {v.text!r}: skipped, needs a target in "
                                 f"{'/'.join(rule.targets)}")
                continue
            if "needs_org" in rule.flags and not self._org(targets, ctx):
                ctx.trace.append(f"{rule.where} at {v.text!r}: skipped, needs an organisation as target")
                continue
            if "people_object" in rule.flags and self._thing(v, passive, ctx):
                # "released a statement", "released $5 million": not people set free
                ctx.trace.append(f"{rule.where} at {v.text!r}: skipped, its object is a thing, not people")
                continue
            sources, sarcs = args.subject(v, passive, ctx)
            if "needs_agent" in rule.flags and not any(c.dep_ == "agent" for c in v.children) and (
                    passive or _absolute(v) or (v.tag_ == "VBN" and not any(c.dep_ == "aux" for c in v.children))
            ) and not self._by_attack(v):
                # "21 officers were injured in the clashes", "with 21 officers injured": a toll
                # told as the result of some act, not an assault of its own by unknown attackers
                # (but "wounded in a roadside bombing" is one: the bombing has no other target)
                ctx.trace.append(f"{rule.where} at {v.text!r}: skipped, passive with no agent")
                continue
            wanted = next((f[7:].split("+") for f in rule.flags if f.startswith("source:")), None)
            if wanted is not None:
                # "protesters stormed parliament" is a riot; "troops stormed the town" an assault
                sectors = {r.actor.sector for r in sides.actors(sources, ctx, military=False, source=True)}
                if not sectors & set(wanted):
                    continue
            if "<must>" in rule.trigger and self._joint(sources, targets, ctx):
                ctx.trace.append(f"{rule.where} at {v.text!r}: skipped, the speaker's own state must act too")
                continue
            if "<praise>" in rule.trigger and self._own(sources, targets, ctx):
                continue   # "we are a reliable partner," said the minister: no praise of another

            self._emit(rule, v, v, sources, targets, ctx, arcs=sarcs + tarcs)
            return

    # ------------------------------------------------------------------ nouns
    def _noun(self, n: Token, ctx: "args.Ctx", used_verbs: set[int]) -> None:
        rules = self.lex.nouns.get(n.lemma_.lower())
        if not rules:
            return
        if 0 < n.i < len(n.doc) - 1 and n.nbor(-1).is_quote and n.nbor(1).is_quote:
            return   # a word in scare quotes ("declared 'war' on its people") is a figure of speech
        lemmas = [t.lemma_.lower() for t in n.doc[max(n.sent.start, n.i - 3):n.i + 1]]
        frame = n.head if (n.dep_ == "pobj" and n.head.lower_ == "of"
                           and self.lex.frames.get(n.head.head.lemma_.lower()) == "of") else None
        holder = frame.head if frame is not None else n     # the noun the verb governs
        verb = holder.head if holder.dep_ in ("dobj", "nsubjpass", "attr", "nsubj") else None
        if (holder.dep_ == "pobj" and holder.head.dep_ == "prep" and holder.head.head.pos_ == "VERB"
                and not any(c.dep_ == "dobj" for c in holder.head.head.children)):
            verb = holder.head.head    # "agreed to a ceasefire", "took part in exercises"
        if verb is None and holder.dep_ == "pobj" and holder.head.lower_ == "in":
            # "released $85 million in aid", "sent $85 million in aid": the amount stands for
            # the aid, whether "in" hangs on the amount or on the verb
            amount = holder.head.head if holder.head.head.pos_ == "NUM" else next(
                (c for c in holder.head.head.children if c.dep_ == "dobj" and c.pos_ == "NUM"), None)
            if amount is not None and amount.dep_ == "dobj":
                verb = amount.head
        if verb is not None and verb.pos_ not in ("VERB", "AUX"):
            verb = None
        # a light verb with its particle ("called off a strike") when some row of the noun
        # lists that phrasal verb: then only such rows match, not those of the bare verb
        # ("called a strike")
        phrasal = None
        if verb is not None:
            phrasal = next((f"{verb.lemma_.lower()} {c.lower_}" for c in verb.children if c.dep_ == "prt"), None)
            if phrasal is not None and not any(phrasal in r.light_verbs for r in rules):
                phrasal = None
        # "used civilians as human shields", "placed Khan under house arrest", "took him into
        # custody": the noun after "as", "under" or "into" is the act of a verb that has an
        # object; only rows whose target is that object (v:dobj) take it
        as_verb = (holder.head.head if verb is None and holder.dep_ == "pobj"
                   and holder.head.lower_ in ("as", "under", "into") and holder.head.head.pos_ == "VERB" else None)
        for rule in rules:
            if tuple(lemmas[-len(rule.trigger):]) != rule.trigger:
                continue
            if as_verb is not None:
                verb = as_verb if "v:dobj" in rule.targets else None
            if phrasal is not None:
                light = phrasal in rule.light_verbs
            else:
                light = verb is not None and (verb.lemma_.lower() in rule.light_verbs or "*" in rule.light_verbs)
            if not light and "nominal" not in rule.flags:
                continue
            if light and holder.dep_ == "nsubj":
                # the act is the subject ("the truce between X and Y held"): its own sides
                assert verb is not None
                srcs, tgts, arcs = args.nominal_args(n, holder, rule, ctx, self.lex)
                if self._unmet(rule, tgts, ctx):
                    continue
                used_verbs.add(verb.i)
                self._emit(rule, n, verb, srcs, tgts, ctx, arcs=arcs)
            elif light:
                assert verb is not None
                passive = holder.dep_ == "nsubjpass"
                tgts, tarcs = args.noun_slots(n, holder, verb, rule.targets, ctx, rule.type)
                if self._unmet(rule, tgts, ctx):
                    continue
                srcs, sarcs = args.subject(verb, passive, ctx)
                if passive and not srcs and rule.type == "MOBILIZE" and n.i in ctx.actors:
                    # "Syrian troops were dispatched to Sweida": the troops' own state moves them
                    srcs, sarcs = [n], [f"nsubjpass:{n.text}"]
                wanted = next((f[7:].split("+") for f in rule.flags if f.startswith("source:")), None)
                if wanted is not None and not {r.actor.sector for r in sides.actors(
                        srcs, ctx, military=False, source=True)} & set(wanted):
                    continue   # as for verbs: "protesters set fire to" a riot, others property destroyed
                used_verbs.add(verb.i)
                self._emit(rule, n, verb, srcs, tgts, ctx, arcs=sarcs + tarcs)
            else:
                srcs, tgts, arcs = args.nominal_args(n, holder, rule, ctx, self.lex)
                if self._unmet(rule, tgts, ctx):
                    continue
                self._emit(rule, n, None, srcs, tgts, ctx, arcs=arcs, nominal=True)
            return

    # ------------------------------------------------------------------ output
    def _emit(self, rule: Rule, trig: Token, verb: Token | None, sources: list[Token],
              targets: list[Token], ctx: "args.Ctx", *, arcs: list[str], nominal: bool = False) -> None:
        location = clauses.location(trig, verb, ctx)
        against = (args.purpose_object(verb) if not targets and rule.type == "ASSAULT" and verb is not None
                   else None)
        if against is not None and all(r.type != "ASSAULT"
                                       for r in self.lex.verbs.get(against.head.lemma_.lower(), ())):
            # "fired live bullets to stop the protesters" ("to disperse" codes its own assault)
            targets, arcs = args.conj(against), arcs + [f"purpose:{against.text}"]
        military = "military" in rule.flags
        src_refs = sides.actors(sources, ctx, military=military, event_type=rule.type, lex=self.lex, source=True)
        tgt_refs = sides.actors(targets, ctx, military=military and "mutual" in rule.flags,
                               event_type=rule.type, lex=self.lex,
                               avoid=tuple(m for r in src_refs for m in r.members()))
        if "swap" in rule.flags:
            src_refs, tgt_refs = tgt_refs, src_refs
        focus = ctx.doc._.focus_country
        src_actors = sides.settle(src_refs, tgt_refs, location, rule.type, focus)
        tgt_actors = sides.settle(tgt_refs, src_refs, location, rule.type, focus)
        if rule.cameo == DRILL and not tgt_actors and len({a.country for a in src_actors}) > 1:
            # "the exercise conducted by the Philippines and the United States": a joint
            # exercise is military cooperation, each side with the other (codebook)
            rule = replace(rule, type="COOPERATE", cameo="062", flags=rule.flags | {"mutual"}, mode=None)
        between = any(a.startswith("prep:between") for a in arcs) and (nominal or "mutual" in rule.flags)
        if between and not src_actors and len(tgt_actors) > 1:
            # "talks between Israel and Hamas", "clashes between X and Y"
            src_actors = list(tgt_actors)
        if not src_actors and rule.type == "ASSAULT" and tgt_actors and all(
                any(r.type == "ASSAULT" for r in self.lex.nouns.get(t.lemma_.lower(), ()))
                or self.lex.frames.get(t.lemma_.lower()) == "anaphor" for t in sources):
            # "was attacked", "an attack on X", "a roadside bombing killed …": perpetrator unknown
            src_actors = [args.UNKNOWN_ATTACKERS]
        if not src_actors and not sources and rule.cameo == CYBER and tgt_actors and (nominal or (
                verb is not None and any(c.dep_ == "auxpass" for c in verb.children))):
            # "the ministry's servers were hacked": unknown hackers, not the state's police
            # or "a cyberattack on the ministry" (only in the passive or as the bare noun:
            # "accused of launching cyber warfare" has a doer untold)
            src_actors = [args.UNKNOWN_ATTACKERS]
        home = location[1] if location else None
        if not src_actors and not sources and rule.type in AUTHORITY_ACTS and tgt_actors and verb is trig:
            body = args.prep(trig, "from")   # "were suspended from ECOWAS": the organisation acts
            ref = ctx.actors.get(body.i) if body is not None else None
            if ref is not None and ref.kind == "org" and ref.actor.sector == "IGO":
                src_actors = [ref.actor]
        people = [] if tgt_actors else [t for t in (args.counted(c) for c in trig.children if c.dep_ == "nsubjpass")
                                        if t.lemma_.lower() in PEOPLE or t.lower_ in PEOPLE]
        if (not src_actors and not sources and rule.type == "COERCE" and people and verb is trig
                and trig.tag_ == "VBN" and (home or focus)):
            # "two people were detained", "his sons were arrested": the state's own people
            tgt_actors = [Actor(sides.phrase(people[0]), home or focus, "CVL")]
        if not src_actors and not sources and rule.type in AUTHORITY_ACTS and tgt_actors and (
                home or (verb is trig and trig.tag_ == "VBN")):
            # "Whelan was arrested in Russia": that state's authorities (courts for sentences);
            # "he was detained in 2018": the authorities of the state the article is about
            home = home or focus
            sector = {"RETREAT": "GOV", "SANCTION": "JUD"}.get(rule.type, "COP")
            src_actors = [Actor(f"{self._adjective(home)} authorities".strip(), home, sector)]
        own = next((f[4:] for f in rule.flags if f.startswith("own:")), None)
        if own and not src_actors:
            # "the coup that overthrew Bazoum": the army of the state it happened in
            country = home or next((a.country for a in tgt_actors if a.country), None) or focus
            if country:
                src_actors = [Actor(f"{self._adjective(country)} {SECTOR_WORDS.get(own, '')}".strip(),
                                    country, own)]
        mine = next((f[5:] for f in rule.flags if f.startswith("self:")), None)
        if mine and src_actors and src_actors[0].country and all(
                t.country == src_actors[0].country and t.sector == src_actors[0].sector for t in tgt_actors):
            # "soldiers seized power": the state's government; "imposed a curfew": its people;
            # "lifted the curfew in Colombo": the capital tells where, the people are whom
            country = src_actors[0].country
            tgt_actors = [Actor(f"{self._adjective(country)} {SECTOR_WORDS.get(mine, '')}".strip(),
                                country, mine)]
        reciprocal = any(args.is_reciprocal(t) for t in targets)
        if reciprocal:   # "both sides blamed each other"
            tgt_actors = list(src_actors)
        why = f"{rule.where} at {trig.text!r}"
        inherited = False
        if (nominal and "mutual" in rule.flags and not src_actors and not tgt_actors and not sources
                and not any(c.dep_ in ("compound", "poss") and c.pos_ == "PROPN" for c in trig.children)):
            # "the fighting flared again on Friday": the sides of the act told before (not
            # "the Council meeting": a named body's own session)
            prior = args.prior_sides(ctx, rule)
            told_when = clauses.date_of(trig, verb or (trig.head if trig.dep_ in args.SUBJ else None), ctx)
            if prior is not None and told_when is not None:
                src_actors = tgt_actors = list(prior)
                arcs = arcs + ["corefer"]
                inherited = True
        if rule.mode == "third-party" and src_actors and not tgt_actors:
            # "Qatar, which brokered the truce": toward each side of the act it brokered
            # a mediator named late in the story ("Joint mediators Qatar, the US and
            # Egypt will monitor the deal") mediates between the parties told at its
            # start: look back over the whole article told so far
            prior = args.prior_sides(ctx, rule, mutual_only=True, window=40)
            if prior is not None:
                tgt_actors = [a for a in (self._state(prior[0]), self._state(prior[1]))
                              if all(a.country != s.country for s in src_actors)]
                arcs = arcs + ["corefer"]
        group_subject = (not tgt_actors and len(src_actors) == 2 and not nominal
                         and any(ctx.actors.get(t.i) is not None and ctx.actors[t.i].kind == "group"
                                 for t in sources))
        if group_subject:   # "both countries recalled their ambassadors": each from the other
            tgt_actors = list(src_actors)
        if not src_actors:
            ctx.trace.append(f"{why}: no source (arcs: {', '.join(arcs) or 'none'})")
            return
        pairs_only = (between or reciprocal or inherited or group_subject) and src_actors == tgt_actors
        focal: set[str | None] = set()
        if (not tgt_actors and len(src_actors) > 1 and rule.mode != "third-party"
                and ("mutual" in rule.flags or rule.type in PAIRED)):
            # "The Philippines and Japan signed a pact": each side toward the other; among
            # three or more, the state the article is about is the focal party (codebook)
            tgt_actors, pairs_only = list(src_actors), True
            if len(src_actors) > 2 and any(a.country == focus for a in src_actors):
                focal = {a.country for a in src_actors if a.country == focus}
        if not tgt_actors:
            told_as_fact = clauses.factuality(verb or trig, trig, self.lex, nominal)[0] == "asserted"
            if ((rule.type in NEEDS_TARGET or not told_as_fact) and "intransitive" not in rule.flags
                    or all(s.country is None for s in src_actors)):
                ctx.trace.append(f"{why}: no target (arcs: {', '.join(arcs) or 'none'})")
                return
            if sides.no_one(verb or trig) or sides.no_one(trig):
                ctx.trace.append(f"{why}: aimed at no one")   # "asked forgiveness from nobody"
                return
            # the codebook's other types may have no target; one the sentence names is
            # the likeliest ("Japan condemned the launch by North Korea on Friday")
            if told_as_fact and nominal and self._governed(trig):
                if "intransitive" not in rule.flags:
                    ctx.trace.append(f"{why}: no target (the act is the object of another)")
                    return
            elif told_as_fact:
                tgt_actors = sides.sentence_actor(trig, src_actors, sources, ctx, rule.type)
                arcs = arcs + [f"sentence-actor:{a.name}" for a in tgt_actors]
            if not tgt_actors and rule.type == "CONSULT":
                # a meeting with no other side named ("convened a security council meeting",
                # "after meeting with officials") is a state's own business, not a dyad
                ctx.trace.append(f"{why}: a meeting with no other side")
                return
            if not tgt_actors:
                tgt_actors = [None]  # type: ignore[list-item]
        fact, background = clauses.factuality(verb or trig, trig, self.lex, nominal)
        if nominal:   # "the fighting flared again on Friday": the date told by its verb
            when = clauses.date_of(trig, trig.head if trig.dep_ in args.SUBJ else None, ctx)
        else:
            when = clauses.date_of(trig, verb, ctx)
        dated = when is not None
        teller = verb or (trig.head if trig.dep_ in args.SUBJ else trig)
        if when is None and clauses.in_vague_past(trig, verb, ctx):
            background = True   # "have hardened their positions in recent months and joined forces"
        elif when is None:   # "appointed him on Wednesday after they seized power"
            when = clauses.after_date(trig, verb, ctx)
        frame = clauses.context_date(teller, ctx) if when is None else None
        if frame is not None and (frame[1] == "frame" or not background):
            # the lead's day for the sentence that goes on telling it; the date that
            # opens an earlier sentence of the paragraph for a flashback ("On May 14, ...")
            when, background = frame[0], background or frame[1] == "frame"
        if when is None and not background and ctx.on is not None:
            when = ctx.on.isoformat()
        # a promise is dated when it is told ("On Tuesday, X pledged to invest ..."), not
        # when the promised act is to be ("will visit Beijing on Monday")
        promised_on = clauses.promise_date(teller, when if dated else None, ctx)
        arg_tokens = sources + targets
        if any(a.startswith("inherit:") for a in arcs):
            arg_tokens = []  # the sides were told earlier: the evidence is the act itself
        start = min([trig.i] + [t.left_edge.i if t.dep_ in args.SUBJ else t.i for t in arg_tokens]
                    + ([verb.i] if verb is not None else []))
        if not arg_tokens:
            start = trig.left_edge.i
            if trig.dep_ == "pobj" and trig.head.lower_ == "of":
                start = min(start, trig.head.head.i)
        start = max(start, ctx.sent.start)
        end = max([trig.i] + [t.i for t in arg_tokens] + ([verb.i] if verb is not None else [])) + 1
        end = min(end, ctx.sent.end)
        head = verb or trig
        promise = (fact == "future" and rule.type in INTENT_CAMEO and not background
                   and not (head.dep_ == "xcomp" and head.head.lemma_.lower() in args.OBJECT_CONTROL))
        for s in src_actors:
            for t in tgt_actors:
                if focal and t is not None and s.country not in focal and t.country not in focal:
                    continue
                if t is not None and (sides.same(s, t) or (s.country == t.country and s.sector == t.sector
                                                       and sides.bare_country(s, t, src_refs, tgt_refs))):
                    continue
                pairs = [(s, t)]
                if "mutual" in rule.flags and t is not None and not pairs_only:
                    pairs.append((t, s))
                for a, b in pairs:
                    if a.country is None and a.sector == "CVL":
                        continue   # a person known only by name is never a source
                    ctx.out.append(RawEvent(
                        type=rule.type, cameo=rule.cameo, source=a, target=b, trigger=trig.i,
                        sentence_index=ctx.si, start=start, end=end, factuality=fact,
                        background=background, date=when, mode=rule.mode, rule=rule.where,
                        location=location, arcs=arcs, nominal=nominal, dated=dated))
                    threat = INTENT_CAMEO.get(rule.type, ("",))[0] == "THREATEN"
                    if promise and (a, b) == pairs[0] and not (threat and (b is None or a.country is None)):
                        # announcing one's own cooperative act is a promise (AGREE),
                        # announcing a withdrawal or easing a concession, and announcing
                        # a hostile act against someone a threat, all told now
                        itype, icameo = _intent(rule)
                        ctx.out.append(RawEvent(
                            type=itype, cameo=icameo, source=self._state(a), target=b,
                            trigger=trig.i, sentence_index=ctx.si, start=start, end=end,
                            factuality="asserted", date=promised_on,
                            rule=f"{rule.where} (intent)", location=location, arcs=arcs, nominal=nominal))

    @classmethod
    def _unmet(cls, rule: Rule, targets: list[Token], ctx: "args.Ctx") -> bool:
        """A rule that needs a target (an organisation, for needs_org) and has none."""
        return ("needs_target" in rule.flags and not targets) or ("needs_org" in rule.flags
                                                                  and not cls._org(targets, ctx))

    @staticmethod
    def _org(targets: list[Token], ctx: "args.Ctx") -> bool:
        """Whether a target is an international organisation ("withdrew from ECOWAS")."""
        return any(r.actor.country == "IGO" for r in sides.actors(targets, ctx, military=False))

    def _quoted_praise(self, sent, ctx: "args.Ctx") -> None:
        """A quote that opens with praise and is attributed sentences later ("\u201cFiji is a
        critical partner. We share values,\u201d Luxon said."): the speaker praises the subject."""
        root = sent.root
        if not self._praised(root) or any(t.lemma_.lower() in coref.SAY_VERBS for t in sent):
            return
        who = coref.quote_speaker(sent)
        subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
        rule = next((r for r in self.lex.verbs.get("say", ()) if "<praise>" in r.trigger), None)
        if who is None or subj is None or rule is None or not args.has_actor(subj, ctx):
            return
        sources, targets = args.conj(who), args.conj(subj)
        if not self._own(sources, targets, ctx):
            self._emit(rule, root, root, sources, targets, ctx,
                       arcs=[f"quote-speaker:{who.text}", f"nsubj:{subj.text}"])

    def _abuse(self, v: Token, clause: Token, ctx: "args.Ctx") -> bool:
        """A rights group (civil society) reporting violence or repression: saying so accuses
        the perpetrator (codebook: alleged acts are coded as the accusation)."""
        if not any(r.type in ("ASSAULT", "COERCE") for r in self.lex.verbs.get(clause.lemma_.lower(), ())):
            return False
        speakers, _ = args.subject(v, False, ctx)
        return any(t.i in ctx.actors and ctx.actors[t.i].actor.sector == "SOC" for t in speakers)

    def _praised(self, clause: Token) -> bool:
        """Whether a reported clause calls its subject a valued partner: a partner word of
        cues.tsv ("partner", "ally", "friend") as its predicate with a quality word
        ("key", "critical", "strategic", "trusted"); "a trading partner" is a fact, no praise."""
        def cue(t: Token, value: str) -> bool:
            return any(c.kind == "praise" and c.value == value for c in self.lex.cues.get(t.lemma_.lower(), ()))
        return clause.lemma_ in ("be", "remain") and not any(c.dep_ == "neg" for c in clause.children) and any(
            c.dep_ == "attr" and cue(c, "partner") and any(m.dep_ == "amod" and cue(m, "quality") for m in c.children)
            for c in clause.children)

    @staticmethod
    def _own(sources: list[Token], targets: list[Token], ctx: "args.Ctx") -> bool:
        """Whether a target is of the source's own country."""
        own = {r.actor.country for r in sides.actors(sources, ctx, military=False, source=True)} - {None}
        return bool(own & {r.actor.country for r in sides.actors(targets, ctx, military=False)})

    @staticmethod
    def _joint(sources: list[Token], targets: list[Token], ctx: "args.Ctx") -> bool:
        """Whether the actors that must act include the speaker's own state ("Korea and Japan
        must cooperate," said Yoon): a joint resolve, not a demand on the other."""
        # country and sector: rebels saying the president must go make a demand
        own = {(r.actor.country, r.actor.sector) for r in sides.actors(sources, ctx, military=False, source=True)
               if r.actor.country is not None}
        return bool(own & {(r.actor.country, r.actor.sector) for r in sides.actors(targets, ctx, military=False)})

    def _thing(self, v: Token, passive: bool, ctx: "args.Ctx") -> bool:
        """Whether the verb's object is a common noun that names neither an actor nor people
        (agents.tsv): "a statement", "5 million euros", "figures"; names and pronouns are not."""
        obj = next((c for c in v.children if c.dep_ == ("nsubjpass" if passive else "dobj")), None)
        if obj is None or obj.pos_ not in ("NOUN", "NUM", "SYM"):
            return False
        tok = args.counted(obj)
        if args.has_actor(tok, ctx):
            return False
        lemmas = [t.lemma_.lower() for t in tok.doc[max(tok.sent.start, tok.i - 3):tok.i + 1]]
        return self.lex.agent(lemmas) is None

    def _by_attack(self, v: Token) -> bool:
        """The verb's "in"/"during" phrase names a one-sided violent act ("wounded in an
        airstrike"), not a clash, riot or protest."""
        return any(c.dep_ == "prep" and c.lower_ in ("in", "during") and any(
            r.type == "ASSAULT" and "nominal" in r.flags and "mutual" not in r.flags
            for p in c.children if p.dep_ == "pobj"
            for r in self.lex.nouns.get(p.lemma_.lower(), ())) for c in v.children)

    def _governed(self, n: Token) -> bool:
        """Whether an act named by a noun is the object of another event word ("blocked
        Ukraine's accession talks", "opposition to the talks"): the syntax gives its
        sides or nothing does."""
        head = n.head.head if n.dep_ == "pobj" else n.head if n.dep_ in ("dobj", "nsubjpass") else None
        return head is not None and head.i != n.i and (head.lemma_.lower() in self.lex.verbs
                                                       or head.lemma_.lower() in self.lex.nouns)

    def _state(self, a: Actor) -> Actor:
        """A state named bare ("France would withdraw its troops") speaks as its government."""
        c = self.lex.countries.get(a.country or "")
        return Actor(c.name, a.country, "GOV") if c is not None and a.sector == "MIL" and a.name == c.name else a

    def _adjective(self, code: str | None) -> str:
        c = self.lex.countries.get(code or "")
        if c is None:
            return ""
        return next((a for a in c.adjectives if not a.endswith("s")), c.name)

    def _fatalities(self, sent: Span, ctx: "args.Ctx") -> None:
        n = clauses.fatality_count(sent.text, self.fatality_res)
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


def _absolute(v: Token) -> bool:
    """"with 21 officers injured" (also "... hurt and six injured"): the verb is a state
    after "with", not an act of its subject."""
    while v.dep_ == "conj" and v.head is not v:
        v = v.head
    return ((v.dep_ == "pcomp" and v.head.lower_ == "with")
            or any(c.dep_ == "mark" and c.lower_ == "with" for c in v.children))


def _obliged(clause: Token) -> bool:
    """Whether a reported clause says its actor must act: "must", "should", "has to",
    "needs to", "ought to"."""
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("must", "should") for c in clause.children):
        return True
    return clause.lemma_.lower() in ("have", "need", "ought") and any(
        c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        for c in clause.children)


def _intent(rule: Rule) -> tuple[str, str]:
    """The event an announcement of ``rule``'s act is: an announced easing or
    withdrawal is a CONCEDE (codebook), a promise to release, hand over or let in an
    AGREE (CAMEO 0353/0355 "express intent to release / allow involvement"), else
    as INTENT_CAMEO says."""
    if rule.type == "RETREAT" and rule.cameo[:3] in YIELD_INTENT:
        return "AGREE", YIELD_INTENT[rule.cameo[:3]]
    return INTENT_CAMEO[rule.type]
