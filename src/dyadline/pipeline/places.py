"""Place stage: where each event happened.

Runs after ``dyadline_events``. Reads ``doc._.events`` (the raw events),
``doc._.actors`` and ``doc._.mentions`` (actor stage) and the parse; sets
``doc._.places`` (every place named in the Doc, resolved) and each raw
event's ``location`` to a :class:`~dyadline.model.Location`.

Places come from three sources, most trusted first: regions, areas and sites
of ``places.tsv`` ("the Gaza Strip", "North Darfur"; "the Itamaraty Palace" is
Brasilia); states, capitals, dependencies and seats of power of the actor data
("the Georgian capital", "Ukraine's capital" and "the capital" of the state an
article is about are capitals too); GeoNames cities and US states
(:mod:`.gazetteer`) for the names the entity recogniser calls GPE, LOC or FAC,
and for proper nouns it missed in a place's slot ("the city of Khan Younis",
"most of Goma"). A direction before a place makes an area of it ("southern
Israel"); a demonym on an area noun its country ("Syrian military sites"). A
name that several places share ("Rafah", "Donetsk", "Congo") is resolved by the
countries named right beside it ("Sudan's El Fasher", "Rafah, Gaza"), then by
the countries the article names, then by population.

An event takes, in order: a place in a locative phrase of its trigger, its
light verb or the verb a nominal act is the subject of ("in Krasnogorsk", "at a
Moscow concert hall", "fighting broke out in Khartoum"; for violence, coercion,
deployments and protests also "strike on Kyiv", "marched on the embassy"); one
on its actors ("protesters in Baghdad stormed"); the place a "where" clause is
on; the nearest locative phrase of its clause; a city or region its trigger
acts on ("shelled Kharkiv", "struck the city of Sweida"); for those physical
acts told as current, the scene the sentence before sets; otherwise the
article's main place (its dateline and the places its sentences say things
happen in, leaving out where speakers speak and what happened in another
year). A country or a direction-only area yields to the main place when that
lies inside it, unless the act is spread across it ("sites across Iran").
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ..lexicons import Lexicon, PlaceEntry
from ..model import NON_STATE_COUNTRIES, Location
from .gazetteer import City, fold, gazetteer, km

LOC_PREPS = frozenset({"in", "at", "near", "outside", "inside", "around", "throughout", "across",
                       "within", "off", "along"})
#: "strikes on Kyiv", "set fire to", "marched on the embassy" (acts done to a place)
TARGET_PREPS = frozenset({"on", "into", "against", "to", "toward", "towards"})
PLACE_OBJECT_TYPES = frozenset({"CONSULT", "ASSAULT", "COERCE", "MOBILIZE", "PROTEST"})
TARGET_PREP_TYPES = frozenset({"ASSAULT", "MOBILIZE", "COERCE", "PROTEST"})
NEAR_AREA_KM = 500.0   # a border or sea the article is about and a place of a state this close to it
REGION_WORDS = frozenset({"region", "oblast", "province", "state", "governorate", "prefecture",
                          "district", "county"})
#: nouns naming a settlement: "the city of Sweida", "the capital Tbilisi", "the town of X"
SETTLEMENTS = frozenset({"city", "town", "village", "capital", "port", "camp", "hamlet", "settlement",
                         "enclave", "municipality", "suburb", "cities", "towns", "villages", "camps"})
#: nouns a demonym turns into a place of its country: "on Syrian military sites", "Russian territory"
AREA_NOUNS = SETTLEMENTS | frozenset({"territory", "soil", "waters", "airspace", "border", "coast", "site",
                                      "sites", "base", "bases", "countryside", "mainland", "side"})
#: "most of Goma", "the outskirts of Kherson": an unlabelled name after "of" is a place
OF_HEADS = SETTLEMENTS | frozenset({"most", "part", "parts", "outskirts", "centre", "center", "heart",
                                    "rest", "north", "south", "east", "west", "streets", "suburbs"})
#: verbs whose object is a place more often than a person: "seized Goma", "shelled Kherson"
PLACE_VERBS = frozenset({"seize", "capture", "take", "enter", "reach", "shell", "bomb", "besiege", "storm",
                         "engulf", "encircle", "surround", "overrun", "recapture", "retake", "visit"})
COMPASS = frozenset({"northern", "southern", "eastern", "western", "central", "north", "south", "east",
                     "west", "northeastern", "northwestern", "southeastern", "southwestern"})
#: country names that more than one state goes by: the article's context decides
SHARED_COUNTRY_NAMES = {"Congo": ("COD", "COG"), "the Congo": ("COD", "COG")}
#: "officials in Brasilia said": where a source speaks from is not where things happen.
REPORTING_VERBS = frozenset({"say", "tell", "report", "add", "confirm", "claim", "state", "announce",
                             "write", "quote"})
ENT_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: GeoNames alpha-2 codes whose alpha-3 differs from the codebook's.
ALPHA2_OVERRIDES = {"XK": "KOS", "PS": "PSE", "TW": "TWN", "HK": "HKG"}
DATELINE = re.compile(r"^\s*([A-Z][A-Za-z.'\u2019 -]{1,40}?)(?:,\s*[A-Z][A-Za-z. ]{1,30})?"
                      r"(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,30}\))?\s*"
                      r"(?:\u2014|\u2013|--|-)\s")


@dataclass
class PlaceMention:
    """A place named in the Doc: tokens [start, end) and what it resolves to."""

    start: int
    end: int
    text: str
    candidates: list[Location]
    location: Location | None = None


class PlaceResolver:
    """Pipeline component ``dyadline_places``."""

    def __init__(self, nlp: Language, lexicon: Lexicon, min_population: int = 15000) -> None:
        self.lex = lexicon
        self.gaz = gazetteer(min_population)
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        if lexicon.places:
            self.matcher.add("PLACE", list(nlp.tokenizer.pipe(sorted(lexicon.places))))
        for ext in ("places", "events", "actors", "mentions"):
            if not Doc.has_extension(ext):
                Doc.set_extension(ext, default=None)

    # ------------------------------------------------------------------ countries
    @functools.cached_property
    def _alpha3(self) -> dict[str, str]:
        """GeoNames alpha-2 → the codebook's alpha-3 (dependencies → their state)."""
        out = {}
        for cc, (iso3, name) in self.gaz.countries.items():
            code = ALPHA2_OVERRIDES.get(cc, iso3)
            if code not in self.lex.countries:
                deps = [e.country for e in self.lex.names.get(name, ()) if e.kind == "dependency"]
                code = deps[0] if deps and deps[0] else code
            out[cc] = code
        return out

    def _city_location(self, text: str, c: City, precision: str = "city") -> Location:
        return Location(text, self._alpha3.get(c.cc, c.cc), round(c.lat, 5), round(c.lon, 5),
                        admin1=c.admin1, geonames_id=c.geonames_id if precision == "city" else None,
                        precision=precision)

    # ------------------------------------------------------------------ entry
    def __call__(self, doc: Doc) -> Doc:
        mentions = self._find(doc)
        self._resolve(doc, mentions)
        doc._.places = mentions
        by_token = {i: m for m in mentions if m.location is not None for i in range(m.start, m.end)}
        main = self._main_place(doc, mentions, by_token)
        for raw in doc._.events or []:
            loc = self._event_place(doc, raw, by_token)
            sides = {a.country for a in (raw.source, raw.target) if a is not None}
            current = not raw.background or _near(raw.date, doc._.article_date)
            spread = loc is not None and _coarse(loc) and _spread(doc[raw.trigger], loc, by_token)
            if main is not None and ((loc is None and (current or main.country in sides)) or (
                    loc is not None and current and _coarse(loc) and not _coarse(main)
                    and main.country == loc.country and not spread)):
                loc = main
            if loc is None and isinstance(raw.location, tuple):
                loc = Location(raw.location[0], raw.location[1], precision="country")
            raw.location = loc
        return doc

    # ------------------------------------------------------------------ finding
    def _find(self, doc: Doc) -> list[PlaceMention]:
        spans: list[tuple[Span, list[Location]]] = []
        for _, s, e in self.matcher(doc):
            spans.append((doc[s:e], [self._table_location(self.lex.places[doc[s:e].text])]))
        seen = {span.start for span, _ in spans}
        for span in {id(s): s for s in (doc._.mentions or {}).values()}.values():
            if span.start in seen:
                continue
            cands = self._actor_place(span)
            if cands:
                spans.append((span, cands))
                seen.add(span.start)
        ents = [(e, 0, False) for e in doc.ents if e.label_ in ENT_LABELS]
        for span, least, own in ents + self._bare_names(doc):
            span = _strip_the(span)
            if span is None or span.start in seen:
                continue
            found = self._gazetteer_place(span, least, own)
            if found:
                spans.append(found)
                seen.add(span.start)
        spans += self._area_places(doc, seen)
        spans = _with_compass(doc, spans)
        chosen = filter_spans([s for s, _ in spans])
        keep = {(s.start, s.end) for s in chosen}
        out = [PlaceMention(s.start, s.end, s.text, c) for s, c in spans if (s.start, s.end) in keep]
        return sorted(out, key=lambda m: m.start)

    def _actor_place(self, span: Span) -> list[Location]:
        shared = SHARED_COUNTRY_NAMES.get(span.text, ())
        if shared:
            return [self._country(code) for code in shared]
        out = []
        for entry in self.lex.names.get(span.text, ()):
            if entry.kind == "country" and entry.country in self.lex.countries:
                out.append(self._country(entry.country))
            elif entry.kind == "dependency":
                out.append(Location(span.text, entry.country, precision="region"))
            elif entry.kind == "capital":
                out.append(self._capital(span.text, entry.country))
            elif entry.kind == "seat" and entry.country in self.lex.countries \
                    and self.lex.countries[entry.country].capitals:   # "at the Kremlin": Moscow
                out.append(self._capital(self.lex.countries[entry.country].capitals[0], entry.country))
        return out[:1]

    def _country(self, code: str) -> Location:
        return Location(self.lex.countries[code].name, code, precision="country")

    def _capital_of(self, code: str | None) -> Location | None:
        c = self.lex.countries.get(code or "")
        return self._capital(c.capitals[0], code) if c is not None and c.capitals else None

    def _table_location(self, e: PlaceEntry) -> Location:
        """A places.tsv row; a site in a city the gazetteer knows ("Itamaraty Palace",
        listed under Brasilia) is that city."""
        if e.precision == "city":
            cities = [c for c in self.gaz.cities(e.name) if self._alpha3.get(c.cc) == e.country]
            if cities:
                return self._city_location(e.name, max(cities, key=lambda c: c.population))
        return Location(e.name, e.country, e.lat, e.lon, admin1=e.admin1, precision=e.precision)

    def _capital(self, name: str, country: str | None) -> Location:
        cities = [c for c in self.gaz.cities(name) if self._alpha3.get(c.cc) == country]
        if cities:
            return self._city_location(name, max(cities, key=lambda c: c.population))
        return Location(name, country, precision="city")

    def _gazetteer_place(self, span: Span, least: int = 0, own: bool = False
                         ) -> tuple[Span, list[Location]] | None:
        doc = span.doc
        if span[-1].lower_ in REGION_WORDS and len(span) > 1:
            base, region = span[:-1], span
        elif span.end < len(doc) and doc[span.end].lower_ in REGION_WORDS:
            base, region = span, doc[span.start:span.end + 1]
        else:
            base, region = span, None
        cities = sorted((c for c in self.gaz.cities(base.text) if c.population >= least and (
            not own or fold(c.name) == fold(base.text))), key=lambda c: -c.population)
        if not cities:
            state = self.gaz.us_state(base.text) if region is None and not least else None
            return (span, [Location(state[0], "USA", admin1=state[1], precision="region")]) if state else None
        if region is not None:
            return region, [self._city_location(region.text, c, "region") for c in cities]
        return span, [self._city_location(span.text, c) for c in cities]

    def _bare_names(self, doc: Doc) -> list[tuple[Span, int, bool]]:
        """Proper nouns in a place's slot that the recogniser missed or took for a
        person or organisation, with the least population a city of that name
        needs and whether only a city's own name (not an alternate name) counts:
        after a locative preposition or a settlement noun ("in Yevlakh", "the city
        of Khan Younis", "most of Goma") any of its names; after "to", "from",
        "on" own names only ("according to Xinhua" names no town); an
        organisation's name as an object ("engulfed Almaty", "Bordeaux's town
        hall") or any name as the object of a verb like "seized", own names of
        large cities only. No name the actor data knows."""
        out = []
        for tok in doc:
            if tok.pos_ != "PROPN" or tok.ent_type_ not in ("", "PERSON", "ORG", "NORP") \
                    or tok.text in self.lex.names:
                continue
            head = tok.head
            if tok.dep_ == "pobj" and (head.lower_ in LOC_PREPS or (
                    head.lower_ == "of" and head.head.lower_ in OF_HEADS)) \
                    or tok.dep_ == "appos" and head.lower_ in SETTLEMENTS:
                least, own = 30000, False
            elif tok.dep_ == "pobj" and head.lower_ in TARGET_PREPS | {"from"}:
                least, own = 30000, True
            elif tok.dep_ in ("dobj", "poss") and tok.ent_type_ in ("", "ORG") \
                    or tok.dep_ == "dobj" and head.lemma_ in PLACE_VERBS:
                least, own = 100000, True
            else:
                continue
            left = tok.i
            while left > 0 and doc[left - 1].dep_ == "compound" and doc[left - 1].pos_ == "PROPN":
                left -= 1
            out.append((doc[left:tok.i + 1], least, own))
        return out

    def _area_places(self, doc: Doc, seen: set[int]) -> list[tuple[Span, list[Location]]]:
        """A country's capital ("the Georgian capital", "Ukraine's capital", "the
        capital" of the article's focus state) and a demonym on an area noun
        ("on Syrian military sites", "Russian territory")."""
        out = []
        focus = None
        for tok in doc:
            if tok.i in seen:
                continue
            if tok.lower_ == "capital" and tok.pos_ in ("NOUN", "PROPN"):
                nxt = next((t for t in doc[tok.i + 1:tok.i + 3] if not t.is_punct), None)
                if nxt is not None and nxt.pos_ == "PROPN":
                    continue               # "the capital Kinshasa", "the capital, Noumea": that name
                code, other = self._owner(tok)
                if code is None and not other and any(c.lower_ == "the" for c in tok.children):
                    focus = focus if focus is not None else _focus(doc)
                    code = focus or None
                loc = self._capital_of(code)
                if loc is not None:
                    out.append((doc[tok.i:tok.i + 1], [loc]))
            elif tok.dep_ in ("amod", "compound", "nmod") and tok.head.lower_ in AREA_NOUNS - {"capital"}:
                codes = {e.country for e in self.lex.names.get(tok.text, ()) if e.kind == "adjective"}
                if len(codes) == 1 and next(iter(codes)) in self.lex.countries:
                    out.append((doc[tok.i:tok.i + 1], [self._country(next(iter(codes)))]))
        return out

    def _owner(self, noun: Token) -> tuple[str | None, bool]:
        """The state a noun belongs to ("Ukraine's", "the Sudanese"), and whether
        another modifier makes it something else ("political capital")."""
        kids = list(noun.children)
        kids += [o for p in kids if p.dep_ == "prep" and p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
        for c in kids:
            if c.dep_ not in ("poss", "amod", "compound", "nmod", "pobj"):
                continue
            words = [t for t in c.subtree if t.dep_ != "case" and not t.is_punct]
            for text in (" ".join(t.text for t in words), c.text):
                for e in self.lex.names.get(text, ()):
                    if e.kind in ("country", "adjective") and e.country in self.lex.countries:
                        return e.country, False
            if c.dep_ == "amod":
                return None, True
        return None, False

    # ------------------------------------------------------------------ resolving
    def _resolve(self, doc: Doc, mentions: list[PlaceMention]) -> None:
        context: Counter[str] = Counter()
        for key, ref in (doc._.actors or {}).items():
            if isinstance(key, int) and 0 <= key < len(doc) and doc[key].text in SHARED_COUNTRY_NAMES:
                continue       # "Congo" as an actor says nothing about which Congo
            for a in ref.members():
                if a.country and a.country not in NON_STATE_COUNTRIES:
                    context[a.country] += 1
        for m in mentions:
            if len({c.country for c in m.candidates}) == 1 and m.candidates[0].country:
                context[m.candidates[0].country] += 1
        for i, m in enumerate(mentions):
            if len(m.candidates) == 1:
                m.location = m.candidates[0]
                continue
            near = {n.candidates[0].country for n in mentions[max(0, i - 2):i + 3]
                    if n is not m and len({c.country for c in n.candidates}) == 1
                    and abs(n.start - m.start) <= 6}
            m.location = max(m.candidates, key=lambda c: (c.country in near, context[c.country] > 0,
                                                          context[c.country]))

    # ------------------------------------------------------------------ events
    def _event_place(self, doc: Doc, raw: object, by_token: dict[int, PlaceMention]) -> Location | None:
        trig = doc[raw.trigger]  # type: ignore[attr-defined]
        etype = raw.type  # type: ignore[attr-defined]
        preps = LOC_PREPS | (TARGET_PREPS if etype in TARGET_PREP_TYPES else frozenset())
        roots = [trig]
        head = trig
        for _ in range(2):    # "imposed sanctions", "launched an attack": the light verb's phrases too
            if head.dep_ in ("dobj", "xcomp", "pobj", "conj") and head.head is not head:
                head = head.head
                roots.append(head)
        if trig.dep_ in ("nsubj", "nsubjpass") and trig.pos_ in ("NOUN", "VERB") and trig.head.pos_ in ("VERB", "AUX"):
            roots.append(trig.head)     # "fighting broke out in Khartoum", "clashes continued in ..."
        for root in roots:
            found = _in_phrases(root, preps, by_token)
            if found:
                return found
        for root in roots:   # "protesters in Baghdad stormed", "the murder of X in Canada"
            args = [a for a in root.children if a.dep_ in ("nsubj", "nsubjpass", "dobj")]
            args += [o for p in root.children if p.dep_ == "prep" and p.lower_ == "of"
                     for o in p.children if o.dep_ == "pobj"]
            for arg in args:
                found = _in_phrases(arg, LOC_PREPS, by_token)
                if found:
                    return found
        home = _clause(trig)
        if home.dep_ == "relcl" and any(c.lower_ == "where" for c in home.children):
            # "the city of Sweida, where ...", "Almaty, in the country's southeast, where ...": the place
            # the clause is on, else the last one named before it
            m = _place_in(home.head, by_token) or next(
                (by_token[i] for i in range(home.head.i - 1, max(home.sent.start, home.head.i - 10) - 1, -1)
                 if i in by_token), None)
            if m is not None:
                return m.location
        sent = trig.sent
        best = None
        for tok in sent:   # a locative phrase of the same clause, nearest first
            if tok.dep_ == "pobj" and tok.head.lower_ in LOC_PREPS and _clause(tok) == home \
                    and not _reporter(tok):
                holder = tok.head.head
                found = _in_phrases(holder, frozenset({tok.head.lower_}), by_token)
                if found and _coarse(found) and holder.dep_ == "appos" and holder.head.i in by_token:
                    found = by_token[holder.head.i].location    # "Goma, the largest city in eastern Congo"
                if found and (best is None or abs(tok.i - trig.i) < best[0]):
                    best = (abs(tok.i - trig.i), found)
        if best:
            return best[1]
        if etype in PLACE_OBJECT_TYPES:   # "shelled Kharkiv", "struck the city of Sweida", "seized most of Goma"
            for root in roots:
                objs = [c for c in root.children if c.dep_ == "dobj"]
                objs += [o for p in root.children if p.dep_ == "prep" and p.lower_ in preps
                         for o in p.children if o.dep_ == "pobj"]
                for obj in objs:
                    m = _place_in(obj, by_token)
                    if m and m.location and m.location.precision in ("city", "region"):
                        return m.location
            for i in range(raw.start, raw.end):  # type: ignore[attr-defined]
                m = by_token.get(i)
                if m and m.location and m.location.precision in ("city", "region") \
                        and doc[i].dep_ in ("dobj", "pobj", "compound"):
                    return m.location
            if not raw.background:  # type: ignore[attr-defined]
                return _scene(trig.sent, by_token)
        return None

    def _main_place(self, doc: Doc, mentions: list[PlaceMention],
                    by_token: dict[int, PlaceMention]) -> Location | None:
        """The place the article is about: its dateline and its locative places."""
        score: Counter[Location] = Counter()
        first: dict[Location, int] = {}
        sents = list(doc.sents)
        lead = {sents[0].start, sents[1].start} if len(sents) > 1 else {sents[0].start} if sents else set()
        year = doc._.article_date.year if doc._.article_date else None
        for tok in doc:
            if tok.dep_ == "pobj" and tok.head.lower_ in LOC_PREPS and not _reporter(tok) \
                    and not _dated_past(tok, year):
                m = _place_in(tok, by_token)
                if m is not None and m.location is not None:
                    loc = m.location
                    score[loc] += 2 if tok.sent.start in lead else 1
                    first.setdefault(loc, tok.i)
        actor_countries = {a.country for ref in (doc._.actors or {}).values() for a in ref.members()}
        dl = DATELINE.match(doc.text)
        if dl:
            place = self._dateline(dl.group(1).strip())
            if place is not None and place.country in actor_countries:
                score[place] += 2
                first.setdefault(place, -1)
        if not score:
            return None
        top = max(score, key=lambda loc: (score[loc], -first[loc]))
        if top.country is None:   # a border or sea ("the Line of Actual Control"): a state's place close to it
            near = [loc for loc in score if loc.country and km(loc.lat, loc.lon, top.lat, top.lon) <= NEAR_AREA_KM]
            if near:
                return max(near, key=lambda loc: (score[loc], -first[loc]))
        if _coarse(top):   # "strikes in Mali's north ... at Tinzaouatene", "eastern Congo ... Goma"
            inside = [loc for loc in score if loc.country == top.country and not _coarse(loc)]
            if inside:
                return max(inside, key=lambda loc: (score[loc], -first[loc]))
        return top

    def _dateline(self, text: str) -> Location | None:
        name = text.title() if text.isupper() else text
        cities = self.gaz.cities(name)
        if not cities:
            return None
        best = max(cities, key=lambda c: c.population)
        return self._city_location(name, best)


def _coarse(loc: Location) -> bool:
    """A whole country, or an area of one that the text gives only by its
    direction ("southern Israel"): a city or region inside it is more precise."""
    return loc.precision == "country" or (loc.precision == "region" and loc.admin1 is None and loc.lat is None)


def _scene(sent: Span, by_token: dict[int, PlaceMention]) -> Location | None:
    """Where the sentence before, in the same paragraph, sets its scene ("In the
    capital Kinshasa, protesters attacked embassies. Police fired tear gas."): the
    place of its first locative phrase."""
    doc = sent.doc
    if sent.start == 0 or "\n" in doc[sent.start - 1].text_with_ws or doc[sent.start - 1].is_space:
        return None
    for tok in doc[sent.start - 1].sent:
        if tok.dep_ == "pobj" and tok.head.lower_ in LOC_PREPS and not _reporter(tok):
            m = _place_in(tok, by_token)
            if m is not None and m.location is not None and not _coarse(m.location):
                return m.location
    return None


def _dated_past(pobj: Token, year: int | None) -> bool:
    """A locative phrase on something of another year ("the 2019 murder of a
    dissident in a Berlin park"): no scene of the article's news."""
    tok = pobj.head
    for _ in range(3):
        tok = tok.head
        if any(c.like_num and len(c.text) == 4 and c.text.isdigit() and 1900 <= int(c.text) <= 2100
               and int(c.text) != year for c in tok.children):
            return True
        if tok.dep_ in CLAUSE_DEPS:
            break
    return False


def _spread(trig: Token, loc: Location, by_token: dict[int, PlaceMention]) -> bool:
    """Whether the sentence tells the act as spread over its place ("sites across
    Iran", "throughout the country"): then the place is that whole country."""
    return any(t.lower_ in ("across", "throughout") and o.dep_ == "pobj" and o.i in by_token
               and by_token[o.i].location == loc for t in trig.sent for o in t.children)


def _near(value: str | None, day: date | None, days: int = 2) -> bool:
    """Whether a YYYY-MM-DD date is within ``days`` of ``day``."""
    if not value or day is None or len(value) != 10:
        return False
    try:
        return abs((date.fromisoformat(value) - day).days) <= days
    except ValueError:
        return False


def _focus(doc: Doc) -> str:
    """The state the article is most about (its actors), when one clearly leads; else ""."""
    count: Counter[str] = Counter(a.country for ref in (doc._.actors or {}).values() for a in ref.members()
                                  if a.country and a.country not in NON_STATE_COUNTRIES)
    top = count.most_common(2)
    if top and top[0][1] >= 2 and (len(top) == 1 or top[0][1] > top[1][1]):
        return top[0][0]
    return ""


def _with_compass(doc: Doc, spans: list[tuple[Span, list[Location]]]) -> list[tuple[Span, list[Location]]]:
    """"southern Israel", "north-eastern Nigeria", "northern Gaza": a direction
    written before a place makes it an area of that place."""
    out = []
    for span, cands in spans:
        i = span.start - 1
        if i >= 0 and doc[i].lower_ in COMPASS and doc[i].text.islower() and doc[i].pos_ in ("ADJ", "PROPN", "NOUN"):
            left = i - 2 if i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ in COMPASS else i
            span = doc[left:span.end]
            cands = [Location(span.text, c.country, admin1=None if c.precision == "country" else c.admin1,
                              precision="region") for c in cands]
        out.append((span, cands))
    return out


def _strip_the(span: Span) -> Span | None:
    while len(span) and span[0].lower_ in ("the", "a", "an"):
        span = span[1:]
    while len(span) and (span[-1].is_punct or span[-1].tag_ == "POS"):
        span = span[:-1]
    return span if len(span) else None


def _place_in(tok: Token, by_token: dict[int, PlaceMention], depth: int = 0) -> PlaceMention | None:
    """The place a prepositional object names: itself ("in Krasnogorsk"), a
    name modifying it ("at a Moscow concert hall", "in Mali's north"), the name
    after a settlement noun ("the capital Tbilisi", "the city of Sweida"), or a
    place in a locative phrase on it ("at the headquarters in Hanoi"). Of
    several, the first city or region before a country ("the Azerbaijani city
    of Yevlakh" is Yevlakh)."""
    if tok.i in by_token and not _coarse(by_token[tok.i].location):
        return by_token[tok.i]
    found = [by_token[tok.i]] if tok.i in by_token else []
    kids = list(tok.children)
    if tok.lower_ in SETTLEMENTS and tok.i + 1 < len(tok.doc) and tok.i + 1 in by_token:
        found.append(by_token[tok.i + 1])
    for deps in (("compound", "nmod", "amod", "appos"), ("poss",)):
        found += [by_token[c.i] for c in kids if c.dep_ in deps and c.i in by_token]
    if depth < 2:
        for c in kids:
            if c.dep_ == "prep" and c.lower_ in LOC_PREPS | {"of"}:
                for obj in c.children:
                    if obj.dep_ == "pobj":
                        m = _place_in(obj, by_token, depth + 1)
                        if m is not None:
                            found.append(m)
    precise = [m for m in found if m.location is not None and not _coarse(m.location)]
    return (precise or found or [None])[0]


def _reporter(pobj: Token) -> bool:
    """A locative phrase on a reporting verb or its speaker ("diplomats in Brussels
    said", "the minister said in Paris", "told reporters in Washington")."""
    holder = pobj.head.head
    if holder.dep_ == "dobj" and holder.head.lemma_ in REPORTING_VERBS:
        holder = holder.head
    return holder.lemma_ in REPORTING_VERBS and holder.pos_ in ("VERB", "AUX") or (
        holder.dep_ == "nsubj" and holder.head.lemma_ in REPORTING_VERBS)


CLAUSE_DEPS = frozenset({"ROOT", "relcl", "advcl", "ccomp", "acl", "csubj", "pcomp"})


def _clause(tok: Token) -> Token:
    """The head of the (sub)clause a token is in: "where forces clashed in Sweida"
    is a clause of its own."""
    while tok.dep_ not in CLAUSE_DEPS and tok.head is not tok:
        tok = tok.head
    return tok


def _in_phrases(root: Token, preps: frozenset[str], by_token: dict[int, PlaceMention]) -> Location | None:
    for c in root.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            for obj in c.children:
                if obj.dep_ == "pobj":
                    m = _place_in(obj, by_token)
                    if m is not None:
                        return m.location
    return None


@Language.factory("dyadline_places", requires=["doc._.events"], assigns=["doc._.places"],
                  default_config={"actor_files": [], "leader_files": [], "min_population": 15000})
def make_places(nlp: Language, name: str, actor_files: list[str], leader_files: list[str],
                min_population: int) -> PlaceResolver:
    from ..lexicons import default_lexicon

    return PlaceResolver(nlp, default_lexicon(tuple(actor_files), tuple(leader_files)), min_population)
