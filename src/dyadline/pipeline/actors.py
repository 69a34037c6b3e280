"""Actor stage: finds who is named in a Doc and resolves each noun phrase.

Sets ``doc._.actors``: token index of a noun-phrase head → :class:`ActorRef`.
Names (states, capitals, adjectives, organisations, leaders) come from the
lexicon through a case-sensitive phrase matcher; generic agents ("Russian
troops") from the agent table by the head's lemmas; leaders and titles ("the
US president") are resolved by the article's date; later short mentions
("Kim", "he", "the leader", "the network", "they") resolve to an earlier full
one (pronouns and descriptions: :mod:`.coref`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ..lexicons import Lexicon, NameEntry
from ..model import Actor
from . import coref
from .phrases import left_run, np_name, np_tokens, person_name

MALE_FEMALE = frozenset({"he", "him", "his", "she", "her"})
PERSON_KINDS = frozenset({"person"})
PLACE_KINDS = frozenset({"country", "capital", "adjective", "dependency"})
STATE_SECTORS = frozenset({"GOV", "COP", "MIL", "JUD", "LEG", "SPY"})
OWNERSHIP = frozenset({"owned", "flagged", "registered", "based", "administered", "controlled", "run",
                       "operated"})
QUANTITIES = frozenset({"dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million",
                        "millions", "score", "scores", "some", "many", "several", "group", "number",
                        "handful", "crowd", "all", "most", "none", "few"})
GROUP_NOUNS = frozenset({"country", "nation", "side", "party", "government", "state", "neighbour",
                         "neighbor", "leader", "president", "minister", "counterpart", "capital"})
STATE_NOUNS = frozenset({"country", "nation", "side", "state", "government", "neighbour", "neighbor",
                         "capital"})
REGION_WORDS = frozenset({"South", "North", "East", "West", "Central", "Latin", "Southeast", "Southern",
                          "Northern", "Eastern", "Western", "Sub-Saharan"})
NAME_SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})


@dataclass(frozen=True)
class ActorRef:
    """A resolved mention: the actor and how it was found.

    kind: person, country (a state or capital named alone), org, agent,
    adjective, coref, pronoun ("it", "they" for one earlier actor: never the
    "other actor" of a sentence), place (only a target of violence), open (an
    agent whose country the event must supply), group ("both countries",
    "they": ``group`` holds each member), anon, focus.
    """

    actor: Actor
    kind: str
    group: tuple[Actor, ...] = ()

    def members(self) -> tuple[Actor, ...]:
        return self.group or (self.actor,)


class ActorResolver:
    """Pipeline component ``dyadline_actors``."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        names = sorted(lexicon.names)
        for start in range(0, len(names), 2000):
            chunk = names[start:start + 2000]
            self.matcher.add("NAME", list(nlp.tokenizer.pipe(chunk)))
        for ext in ("actors", "mentions", "focus_country"):
            if not Doc.has_extension(ext):
                Doc.set_extension(ext, default=None)
        if not Doc.has_extension("article_date"):
            Doc.set_extension("article_date", default=None)

    # ------------------------------------------------------------------ entry
    def __call__(self, doc: Doc) -> Doc:
        on: date = doc._.article_date or date.today()
        spans = [sp for sp in filter_spans([doc[s:e] for _, s, e in self.matcher(doc)])
                 if not (sp.start > 0 and doc[sp.start - 1].text in REGION_WORDS
                         and self.lex.names[sp.text][0].kind == "adjective")]   # "South American"
        mentions: dict[int, Span] = {}
        for span in spans:
            for tok in span:
                mentions[tok.i] = span
        doc._.mentions = mentions
        state = _State(on)
        state.focus = self._focus(spans)
        doc._.focus_country = state.focus
        actors: dict[int, ActorRef] = {}
        state.actors = actors
        for tok in doc:
            span = mentions.get(tok.i)
            if span is not None:
                if tok.i != span.root.i:   # a name is resolved once, at its root
                    continue
            elif tok.pos_ not in ("NOUN", "PROPN", "PRON", "ADJ", "NUM") and tok.lower_ != "both":
                continue
            ref = self._resolve(tok, mentions, state)
            if ref is not None:
                actors[tok.i] = ref
                if span is not None:       # any token of a name stands for it
                    for other in span:
                        actors.setdefault(other.i, ref)
                kind = None
                if span is not None and ref.kind in ("country", "org"):
                    kind = "country" if ref.kind == "country" else self._entry(span).kind
                elif span is None and tok.ent_type_ == "PERSON" and ref.kind in ("person", "coref"):
                    for other in coref.entity(tok):   # "al-Sudani": every token of the name
                        actors.setdefault(other.i, ref)
                state.seen(ref, kind, tok)
                coref.remember_head(state.heads, tok, span, ref, left_run(tok))
        coref.finish(doc, actors, mentions, ActorRef)   # "We ...," Kishida said
        doc._.actors = actors
        return doc

    # ------------------------------------------------------------------ helpers
    def _focus(self, spans: list[Span]) -> str | None:
        """The state the article is about: named most often (twice at least)."""
        counts: dict[str, int] = {}
        for span in spans:
            e = self._entry(span)
            if e.kind in PLACE_KINDS and e.country:
                counts[e.country] = counts.get(e.country, 0) + 1
        if not counts:
            return None
        best = max(counts.values())
        top = [c for c, n in counts.items() if n == best]   # first named wins a tie
        return top[0] if best >= 2 else None

    def _title_holder(self, role: str, st: "_State") -> Actor:
        """ "the president" with no country: the last person named, unless the lexicon
        knows that person in another office (a prime minister); then the last one
        named who holds it, else the holder in the state the article is about."""
        def office(a: Actor) -> frozenset[str] | None:
            t = self.lex.tenure(a.name, st.on)
            return t.roles if t is not None else None
        roles = office(st.last_person)
        if role not in ("head_of_state", "head_of_government") or roles is None or role in roles:
            return st.last_person
        holder = next((a for a in reversed(st.recent_people) if role in (office(a) or ())), None)
        if holder is None and st.focus:
            t = self.lex.office_holder(st.focus, role, st.on)
            holder = Actor(t.name, t.country, "GOV") if t is not None else None
        return holder or st.last_person

    def _entry(self, span: Span, prefer: frozenset[str] | None = None) -> NameEntry:
        entries = self.lex.names[span.text]
        if prefer:
            for e in entries:
                if e.kind in prefer:
                    return e
        return entries[0]

    def _person(self, entry: NameEntry, on: date) -> Actor:
        tenure = self.lex.tenure(entry.key, on)
        if tenure is None:
            return Actor(entry.name, entry.country, "ELI")
        sector = "OPP" if tenure.roles == {"opposition"} else "GOV"
        if tenure.country in ("IGO", "NGO"):   # "Guterres" in 2024: the UN's head
            sector = "IGO" if tenure.country == "IGO" else "SOC"
        return Actor(entry.name, tenure.country, sector)

    def _resolve(self, h: Token, mentions: dict[int, Span], st: "_State") -> ActorRef | None:
        own = mentions.get(h.i)
        if h.pos_ == "PRON" and own is None:   # ("WHO" may be tagged a pronoun: a name first)
            return self._pronoun(h, st)
        np = np_tokens(h)
        # 1. the head is itself a name
        if own is not None:
            entry = self._entry(own)
            if entry.kind == "person":
                actor = self._person(entry, st.on)
                if actor.sector == "ELI":
                    actor = self._titled(actor, np, h, mentions) or actor
                st.remember(actor, own)
                return ActorRef(actor, "person")
            if entry.kind in ("country", "capital", "dependency"):
                return ActorRef(Actor(entry.name, entry.country, entry.sector), "country")
            if entry.kind == "adjective":
                if h.dep_ in ("amod", "compound") and h.head.i > h.i:
                    # a modifier ("Russian strikes"): the country, for nominal events
                    return ActorRef(Actor(entry.name, entry.country, "GOV"), "adjective")
                # "Israelis", "a Briton": people of that state
                return ActorRef(Actor(h.text, entry.country, "CVL"), "adjective")
            return ActorRef(Actor(entry.name, entry.country, entry.sector), "org")
        if h.pos_ == "ADJ" or (h.pos_ in ("DET", "PRON") and h.lower_ != "both"):
            return None
        n = coref.counted(h)
        if n is not None:   # "all three", "the three countries": the last three named together
            group = coref.coordination(h, n, st.actors)
            if group:
                return ActorRef(group[0], "group", tuple(group))
        if h.lemma_.lower() in QUANTITIES or h.pos_ == "NUM":
            # "dozens of protesters", "thousands of people", "some of the hostages"
            of = next((c for c in h.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            inner = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if inner is not None:
                return self._resolve(inner, mentions, st)
            if h.pos_ == "NUM":
                return None
        group = self._group(h, st)
        if group is not None:
            return group
        lemma = h.lemma_.lower()
        if any(c.lower_ in ("the", "this", "that") for c in h.children if c.dep_ == "det") and not (
                lemma in STATE_NOUNS or "country" in self.lex.anaphors.get((lemma,), ())):
            earlier = coref.description(h, st.heads, left_run(h))   # "the network", "the ministry"
            if earlier is not None:
                return ActorRef(earlier, "coref")
        back = self._anaphor(h, st, mentions)
        if back is not None:
            return back
        # what the modifiers say
        mods = [mentions[t.i] for t in np if t.i in mentions and t.i != h.i]
        mod_entries = [(m, self._entry(m)) for m in dict.fromkeys(mods)]
        mod_entries += self._hyphenated(np, h)
        org = next((e for _, e in mod_entries if e.kind not in PLACE_KINDS | PERSON_KINDS), None)
        place = next((e for _, e in mod_entries if e.kind in PLACE_KINDS), None)
        person = next(((m, e) for m, e in mod_entries if e.kind == "person"), None)
        lemmas = [t.lemma_.lower() for t in left_run(h)]
        hit = None
        of = next((c for c in h.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if pobj is not None:   # "head of state", "minister of foreign affairs"
            hit = self.lex.agent(lemmas + ["of"] + [t.lemma_.lower() for t in left_run(pobj)])
            if hit is not None and hit[0] < len(left_run(pobj)) + 2:
                hit = None
        hit = hit or self.lex.agent(lemmas) or self.lex.agent([coref.singular(t) for t in left_run(h)])
        agent = hit[1] if hit else None
        # 2. a person's name that the lexicon lacks ("Kenyan President William Ruto")
        key = h.nbor(-1) if h.text in NAME_SUFFIXES and h.i > h.sent.start else h
        if h.pos_ == "PROPN" and h.dep_ not in ("compound", "amod") and key.text in st.people:
            return ActorRef(st.people[key.text], "coref")   # "Pena" after "President Santiago Pena"
        if h.pos_ == "PROPN" and h.ent_type_ not in ("PERSON", "GPE", "NORP", "LOC") and h.text[:1].isupper():
            described = self._apposed(h, mentions, st)   # "Sweida24, a local news outlet"; a name the
            if described is not None:                     # tagger did not take for a person's
                return described
        if h.ent_type_ == "PERSON" and h.pos_ == "PROPN":
            if person is not None:
                actor = self._person(person[1], st.on)
                st.remember(actor, h.doc[h.left_edge.i:h.i + 1])
                return ActorRef(actor, "person")
            title = self._title(np, h)
            if org is not None:   # "UN Secretary-General Antonio Guterres"
                name = person_name(h)
                actor = Actor(name, org.country, org.sector)
                st.remember(actor, h.doc[h.i - len(name.split()) + 1:h.i + 1])
                return ActorRef(actor, "person")
            if place is not None and place.country:
                # "Russian President X" GOV; "Belgian aid worker X" SOC; "Belgian X" CVL
                described = self._described(np, h)
                sector = title.sector if title else (described.sector if described else "CVL")
                sector = "GOV" if sector == "IGO" else sector
                name = person_name(h)
                actor = Actor(name, place.country, sector)
                st.remember(actor, h.doc[h.i - len(name.split()) + 1:h.i + 1])
                return ActorRef(actor, "person")
            described = self._apposed(h, mentions, st, person=key)
            if described is not None:   # "Mamane Sani Kiaou, the chief of staff of the Nigerien army"
                return described
            if h.dep_ in ("dobj", "pobj", "nsubjpass", "dative", "conj") and len(h.text) > 2:
                # a person named with nothing about them ("released Asadollah Asadi"):
                # only ever a target; the event may tell whose citizen
                return ActorRef(Actor(person_name(h), None, "CVL"), "anon")
            return None
        appos = next((c for c in h.children if c.dep_ == "appos"), None)
        if appos is not None and (agent is None or agent.role or "weak" in agent.flags):
            # "his Fijian counterpart, Prime Minister Sitiveni Rabuka"
            inner = self._resolve(appos, mentions, st)
            if inner is not None and inner.kind in ("person", "org", "coref"):
                return inner
        if agent is None:
            return None
        # 3. a generic agent or a title
        if org is not None:
            return ActorRef(Actor(org.name, org.country, org.sector), "org")
        if person is not None:
            actor = self._person(person[1], st.on)
            return ActorRef(actor, "person")
        if place is None or not agent.role:
            found = self._owned(h, np, agent, mentions, st, place)
            if found is not None:
                return found
        if place is None:
            appointer = coref.appointer(h, mentions, self._entry)
            if appointer is not None:   # "the prime minister appointed by Niger's junta"
                place = NameEntry("country", appointer, appointer, "GOV")
        places = [e for m, e in mod_entries if e.kind in PLACE_KINDS and e.country]
        coordinated = [m for m, e in mod_entries if e.kind in PLACE_KINDS and m.root.dep_ == "conj"]
        if len({e.country for e in places}) > 1 and coordinated:
            # "Ukrainian and Russian negotiators": one actor per country
            members = tuple(Actor(f"{m.text} {h.text}", e.country, agent.sector)
                            for m, e in mod_entries if e.kind in PLACE_KINDS and e.country)
            return ActorRef(members[0], "group", members)
        if place is not None and place.country:
            if agent.role and agent.role != "opposition":
                holder = self.lex.office_holder(place.country, agent.role, st.on)
                if holder is not None:
                    actor = Actor(holder.name, place.country, "GOV")
                    st.remember(actor, None)
                    return ActorRef(actor, "person")
            sector = "GOV" if agent.sector == "IGO" else agent.sector   # "Canada's high commissioner"
            if any(t.lower_ in ("former", "ex") for t in np if t.i < h.i) and sector in STATE_SECTORS:
                sector = "ELI"   # "a former Iraqi minister"
            actor = Actor(np_name(np, h), place.country, sector)
            coref.remember_apposed(h, actor, st)   # "Brazil's finance minister Fernando Haddad": "Haddad"
            return ActorRef(actor, "agent")
        if "place" in agent.flags:
            country = _place_country(h, mentions, self)
            if country:
                return ActorRef(Actor(np_name(np, h), country, agent.sector), "place")
            return None
        if "nocountry_ok" in agent.flags:
            return ActorRef(Actor(np_name(np, h), None, agent.sector), "agent")
        if agent.role and st.last_person is not None and h.tag_ in ("NN", "NNP"):
            return ActorRef(self._title_holder(agent.role, st), "coref")
        if "weak" in agent.flags:
            country = _place_country(h, mentions, self, own_np=False)
            if country:   # "the government in Dhaka"
                return ActorRef(Actor(np_name(np, h), country, agent.sector), "agent")
            definite = any(c.lower_ == "the" for c in h.children if c.dep_ == "det")
            if definite and st.focus and agent.sector in STATE_SECTORS:
                # "the government", "the authorities": the state the article is about
                return ActorRef(Actor(np_name(np, h), st.focus, agent.sector), "focus")
        if "weak" not in agent.flags and not agent.role:
            # "protesters in Tbilisi"; else the country may come from the event
            country = _place_country(h, mentions, self, own_np=False)
            if country is None and coref.the_capital(h, np):   # "residents of the capital"
                country = st.focus
            return ActorRef(Actor(np_name(np, h), country, agent.sector), "agent" if country else "open")
        return None

    def _pronoun(self, h: Token, st: "_State") -> ActorRef | None:
        """he, she, they, it, both (subjects and owners): see :mod:`.coref`."""
        low = h.lower_
        if low == "both" and h.dep_ in coref.SUBJECTS:
            found = coref.pronoun(h, st.actors, st.person_actors)
            if found and len(found) > 1:
                return ActorRef(found[0], "group", tuple(found))
            return self._group(h, st)
        pronouns = coref.PLURAL_PRONOUNS | coref.SINGULAR_PRONOUNS | MALE_FEMALE
        if low in pronouns and (h.dep_ in coref.SUBJECTS or (h.dep_ == "poss" and low == "his")):
            found = coref.pronoun(h, st.actors, st.person_actors)
            if found and low in ("it", "they") and coref.climbed_by_events(h, found, st.actors):
                return None   # "Israel said it had struck": the event stage climbs to "Israel" itself
            if found:
                if len(found) > 1:
                    return ActorRef(found[0], "group", tuple(found))
                return ActorRef(found[0], "coref" if low in MALE_FEMALE else "pronoun")
        if low in MALE_FEMALE and st.last_person is not None:
            return ActorRef(st.last_person, "coref")
        return None

    def _owned(self, h: Token, np: list[Token], agent, mentions: dict[int, Span],
               st: "_State", place: NameEntry | None) -> ActorRef | None:
        """A title or agent owned by an organisation or another agent: "the chief of
        staff of the Nigerien army" (MIL), "their forces" after "Bosnian Serbs"."""
        owner = self._owner(h, mentions, st)
        if owner is not None and (place is None or owner.country == place.country):
            # a title or a generic noun takes the owner's sector; "workers of a firm" stay LAB
            generic = agent.sector == "UNK" or (agent.sector == "GOV" and owner.sector != "GOV")
            sector = owner.sector if generic else agent.sector
            sector = "GOV" if sector == "IGO" and owner.country not in coref.NON_STATE else sector
            return ActorRef(Actor(np_name(np, h), owner.country, sector), "agent")
        poss = next((c for c in h.children if c.dep_ == "poss" and c.lower_ in ("its", "their")), None)
        if place is not None or poss is None or h.lemma_.lower() in coref.RELATIONAL or \
                h.dep_ not in coref.SUBJECTS:   # ("Iran mobilised its forces": no target of its own)
            return None
        found = coref.pronoun(poss, st.actors, st.person_actors) or []
        group = tuple(Actor(np_name(np, h), a.country, agent.sector) for a in found
                      if a.country and a.country not in coref.NON_STATE)
        if not group:
            return None
        return ActorRef(group[0], "group" if len(group) > 1 else "agent", group if len(group) > 1 else ())

    def _apposed(self, h: Token, mentions: dict[int, Span], st: "_State",
                 person: Token | None = None) -> ActorRef | None:
        """A name the lexicon lacks, told by its apposition: the role's country and sector."""
        appos = next((c for c in h.children if c.dep_ == "appos" and c.pos_ == "NOUN"), None)
        inner = self._resolve(appos, mentions, st) if appos is not None else None
        if inner is None or not inner.actor.country or inner.kind not in ("agent", "org", "person"):
            return None
        if inner.kind == "person":
            return inner
        if person is None:
            first = h.i
            while first > h.sent.start and h.doc[first - 1].dep_ == "compound" and \
                    h.doc[first - 1].pos_ == "PROPN":
                first -= 1
            a = inner.actor
            return ActorRef(Actor(h.doc[first:h.i + 1].text, a.country, a.sector), "agent")
        name = person_name(person)
        actor = Actor(name, inner.actor.country, inner.actor.sector)
        st.remember(actor, h.doc[person.i - len(name.split()) + 1:person.i + 1])
        return ActorRef(actor, "person")

    def _owner(self, h: Token, mentions: dict[int, Span], st: "_State", depth: int = 0) -> Actor | None:
        """The organisation or agent at the end of a chain of "of" phrases (the
        deepest one: "the chief of staff of the army" belongs to the army)."""
        of = next((c for c in h.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if pobj is None or depth > 2:
            return None
        if pobj.i in mentions:
            e = self._entry(mentions[pobj.i])
            if e.kind in PLACE_KINDS or e.kind == "person":
                return None
            return Actor(e.name, e.country, e.sector)
        deeper = self._owner(pobj, mentions, st, depth + 1)
        if deeper is None and (pobj.pos_ == "NOUN" or (pobj.pos_ == "PROPN" and pobj.ent_type_ != "PERSON")):
            ref = self._resolve(pobj, mentions, st)
            if ref is not None and ref.kind in ("agent", "org") and ref.actor.country:
                return ref.actor
        return deeper

    def _anaphor(self, h: Token, st: "_State", mentions: dict[int, Span]) -> ActorRef | None:
        """ "the group" after "Hamas", "the bloc" after "ECOWAS"."""
        kinds = None
        for n in (2, 1):
            words = tuple(t.lemma_.lower() for t in h.doc[max(h.i - n + 1, 0):h.i + 1])
            kinds = self.lex.anaphors.get(words)
            if kinds:
                break
        if not kinds:
            return None
        dets = {c.lower_ for c in h.children if c.dep_ == "det"}
        mods = [c for c in h.children if c.dep_ in ("amod", "compound", "poss") and c.i in mentions]
        if not dets & {"the", "this", "that", "these", "those"} or mods:
            return None
        if not h.text[:1].islower():   # "the Atomic Energy Organization": a name, not "the organisation"
            return None
        cands = [(actor, subject, sent) for kind, actor, subject, sent in reversed(st.named) if kind in kinds]
        if not cands:
            return None
        # the latest one; but the previous sentence's subject before a state it named in
        # passing: "Morocco rejected aid from France. The kingdom ..." is Morocco
        prev = coref.previous_sentence(h)
        if cands[0][2] == h.sent.start or prev is None:
            return ActorRef(cands[0][0], "coref")
        subject = next((a for a, subject, sent in cands if subject and sent >= prev.start), None)
        return ActorRef(subject or cands[0][0], "coref")

    def _group(self, h: Token, st: "_State") -> ActorRef | None:
        """ "both countries", "the two sides", "both leaders", "both": the last two named."""
        words = {c.lower_ for c in h.children if c.dep_ in ("det", "nummod", "predet", "amod")}
        alone = h.lower_ == "both" and h.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj")
        if not alone and (not words & {"both", "two"} or h.lemma_.lower() not in GROUP_NOUNS):
            return None
        if h.lemma_.lower() in ("side", "party"):
            # "fighting between the army and the RSF ... the two sides": the last pair named together
            pair = coref.coordination(h, 2, st.actors, same_country=True)
            if pair and pair[0].country != pair[1].country:   # two states: "both sides blamed each other"
                pair = [self._state(a) for a in pair]
            if pair:
                return ActorRef(pair[0], "group", tuple(pair))
        if h.lemma_.lower() in STATE_NOUNS - {"side"}:
            # "The Philippines and Japan signed a pact ... Manila and Tokyo ... China ...
            # which both countries negotiated": the last two states named together, not
            # the last two named
            pair = [self._state(a) for a in coref.coordination(h, 2, st.actors)]
            if len(pair) == 2 and all(self.lex.countries.get(a.country or "") for a in pair):
                return ActorRef(pair[0], "group", tuple(pair))
        wanted = "person" if h.lemma_.lower() in ("leader", "president", "minister", "counterpart") else None
        if alone and st.recent_people and st.recent and st.recent_people[-1] == st.recent[-1]:
            wanted = "person"
        pool = st.recent_people if wanted == "person" else st.recent
        picked: list[Actor] = []
        for a in reversed(pool):
            if all(a.country != p.country for p in picked):
                picked.append(a)
            if len(picked) == 2:
                pair = (picked[1], picked[0])
                if h.lemma_.lower() in STATE_NOUNS:   # "both countries" after "Thai troops": the states
                    pair = tuple(self._state(a) for a in pair)
                return ActorRef(pair[0], "group", pair)
        return None

    def _state(self, a: Actor) -> Actor:
        c = self.lex.countries.get(a.country or "")
        if c is None or a.sector not in ("CVL", "MIL", "COP"):
            return a
        return Actor(c.name, a.country, "GOV")

    def _hyphenated(self, np: list[Token], h: Token) -> list[tuple[Span, NameEntry]]:
        """ "U.S.-owned", "Maltese-flagged", "Indian-administered": the state named
        before the hyphen (but "Iran-backed" militias are not Iranian)."""
        out = []
        for t in np:
            if t.i == h.i:
                continue
            prefix, _, rest = t.text.partition("-")
            word = rest or (t.nbor(2).text if t.i + 2 < len(t.doc) and t.nbor(1).text == "-" else "")
            if word.lower() not in OWNERSHIP:
                continue
            entries = [e for e in self.lex.names.get(prefix, ()) if e.kind in PLACE_KINDS]
            if entries:
                out.append((t.doc[t.i:t.i + 1], entries[0]))
        return out

    def _titled(self, actor: Actor, np: list[Token], h: Token, mentions: dict[int, Span]) -> Actor | None:
        """A former office-holder named with a current role ("European Commission
        President Ursula von der Leyen") takes that role's country and sector."""
        for t in np:
            span = mentions.get(t.i)
            if span is None or t.i in range(mentions[h.i].start, mentions[h.i].end):
                continue
            e = self._entry(span)
            if e.kind not in PLACE_KINDS | PERSON_KINDS:
                return Actor(actor.name, e.country, e.sector)
            if e.kind in PLACE_KINDS and self._title(np, h) is not None:
                return Actor(actor.name, e.country, self._title(np, h).sector)
        return None

    def _described(self, np: list[Token], h: Token):
        """The agent that describes a person ("aid worker", "reporter"), if any."""
        for t in sorted(np, key=lambda t: -t.i):
            if t.i != h.i and t.ent_type_ != "PERSON" and t.pos_ in ("NOUN", "PROPN"):
                hit = self.lex.agent([x.lemma_.lower() for x in left_run(t)])
                if hit:
                    return hit[1]
        return None

    def _title(self, np: list[Token], h: Token):
        for t in np:
            if t.i != h.i:
                hit = self.lex.agent([t.lemma_.lower()])
                if hit and hit[1].role:
                    return hit[1]
        return None


class _State:
    """Per-document memory for coreference."""

    def __init__(self, on: date) -> None:
        self.on = on
        self.last_person: Actor | None = None
        self.focus: str | None = None
        self.people: dict[str, Actor] = {}
        self.recent: list[Actor] = []
        self.named: list[tuple[str, Actor, bool, int]] = []   # kind, actor, a subject?, sentence
        self.recent_people: list[Actor] = []
        self.person_actors: set[Actor] = set()
        self.actors: dict[int, ActorRef] = {}
        # head noun, words, actor, named: "network" → the Sudanese Doctors Network
        self.heads: coref.Heads = []

    def seen(self, ref: ActorRef, kind: str | None, tok: Token) -> None:
        """Every resolved mention, in order, for "both countries" and "the group"."""
        a = ref.actor
        if kind is not None:
            self.named.append((kind, a, tok.dep_ in coref.SUBJECTS, tok.sent.start))
        if a.country and a.country not in ("IGO", "NGO", "IMG", "MNC") and ref.kind != "group":
            self.recent.append(a)

    def remember(self, actor: Actor, span: Span | None) -> None:
        self.last_person = actor
        self.recent_people.append(actor)
        self.person_actors.add(actor)
        for word in actor.name.split():
            if word[:1].isupper() and len(word) > 2:
                self.people.setdefault(word, actor)
        if span is not None:
            self.people.setdefault(span.text, actor)
            for t in span:   # "Peña" after "Santiago Peña" (listed as "Santiago Pena")
                if t.ent_type_ == "PERSON" and t.text[:1].isupper() and len(t.text) > 2:
                    self.people.setdefault(t.text, actor)


def _place_country(h: Token, mentions: dict[int, Span], res: ActorResolver, *,
                   own_np: bool = True) -> str | None:
    """The country of a place: a modifier ("Pakistani villages") or an "in"
    phrase ("sites in Pakistan", "villages in Indian-administered Kashmir")."""
    cands = [t for t in np_tokens(h) if t.i != h.i] if own_np else []
    for c in h.children:
        if c.dep_ == "prep" and c.lower_ in (("in", "across", "along", "near", "inside", "of") if own_np
                                             else ("in", "across", "from", "inside")):
            cands.extend(c.subtree)
    for t in cands:
        span = mentions.get(t.i)
        if span is not None:
            e = res._entry(span)
            if e.kind in PLACE_KINDS and e.country:
                return e.country
        if "-" in t.text:  # "Indian-administered"
            first = t.text.split("-")[0]
            for e in res.lex.names.get(first, ()):
                if e.kind in PLACE_KINDS and e.country:
                    return e.country
    return None
