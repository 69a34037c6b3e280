"""The only reader of dyadline's data files (``src/dyadline/data``).

Every file is UTF-8 TSV with a header row; ``#`` starts a comment line and
lists inside a field are separated by ``|`` (``-`` is an empty field). Any bad
row raises :class:`~dyadline.errors.DataFileError` naming file and line.
Users extend the actor data with files in the same format (``--actors``).
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterator, Sequence

from .errors import DataFileError
from .model import EVENT_TYPES, NON_STATE_COUNTRIES, QUAD_CLASS, SECTORS

DATA_DIR = Path(__file__).parent / "data"

ROLES = frozenset({"head_of_state", "head_of_government", "leader", "foreign_minister",
                   "defence_minister", "opposition", "other"})
ACTOR_KINDS = frozenset({"seat", "dependency", "igo", "ngo", "armed_group", "media",
                         "party", "agency", "company", "court", "legislature"})
# ccomp: the subject of the verb's clause ("allowed the opposition to hold a rally",
# which the parser reads as a clause "the opposition to hold a rally")
NOUN_SLOTS = re.compile(r"^(dobj|dative|nsubjpass|poss|compound|ccomp|prep:[a-z ]+|v:(dobj|dative|prep:[a-z ]+))$")
FAR_FUTURE = date(9999, 12, 31)
RULE_FLAGS = frozenset({"mutual", "military", "needs_target", "needs_org", "swap", "intransitive", "nominal",
                        "role", "people_object", "needs_agent"})


@dataclass(frozen=True)
class Row:
    path: str
    line: int
    fields: dict[str, str]

    def fail(self, message: str) -> DataFileError:
        return DataFileError(self.path, self.line, message)

    def list(self, key: str) -> list[str]:
        value = self.fields[key].strip()
        if value in ("", "-"):
            return []
        return [part.strip() for part in value.split("|") if part.strip()]

    def get(self, key: str) -> str | None:
        value = self.fields[key].strip()
        return None if value in ("", "-") else value


def read_table(path: Path | str, columns: Sequence[str]) -> Iterator[Row]:
    """Yield the rows of a TSV data file, checking header and field count."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(str(path), 1, f"not UTF-8 ({exc.reason}); save the file as UTF-8",
                            code="E102") from None
    except OSError as exc:
        raise DataFileError(str(path), 0, f"cannot read: {exc.strerror}", code="E103") from None
    header_seen = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if not header_seen:
            if [p.strip() for p in parts] != list(columns):
                raise DataFileError(str(path), lineno,
                                    f"header must be {'<TAB>'.join(columns)!r}", code="E104")
            header_seen = True
            continue
        if len(parts) != len(columns):
            raise DataFileError(str(path), lineno,
                                f"expected {len(columns)} tab-separated fields "
                                f"({', '.join(columns)}), found {len(parts)}", code="E105")
        yield Row(str(path), lineno, dict(zip(columns, parts)))
    if not header_seen:
        raise DataFileError(str(path), 1, f"empty file: needs the header {'<TAB>'.join(columns)!r}",
                            code="E104")


def _date(row: Row, key: str, default: date) -> date:
    value = row.get(key)
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise row.fail(f"{key} {value!r} is not a YYYY-MM-DD date") from None


def _country(row: Row, value: str | None, countries: set[str], *, allow_none: bool = False) -> str | None:
    if value is None and allow_none:
        return None
    if value is None or (value not in countries and value not in NON_STATE_COUNTRIES):
        raise row.fail(f"unknown country code {value!r} (use an ISO alpha-3 code from "
                       "countries.tsv, or IGO, NGO, IMG, MNC)")
    return value


def _sector(row: Row, value: str | None) -> str:
    if value not in SECTORS:
        raise row.fail(f"unknown sector {value!r}; one of {' '.join(sorted(SECTORS))}")
    return value


# --------------------------------------------------------------------------- entries

@dataclass(frozen=True)
class Country:
    code: str
    name: str
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...]
    capitals: tuple[str, ...]


@dataclass(frozen=True)
class NameEntry:
    """What a proper-name string may denote."""

    kind: str            # country | adjective | capital | person | seat | igo | ...
    name: str            # canonical name
    country: str | None
    sector: str
    key: str = ""        # leaders: the person's canonical name (tenures looked up by it)


@dataclass(frozen=True)
class Tenure:
    name: str
    country: str
    roles: frozenset[str]
    start: date
    end: date
    where: str


@dataclass(frozen=True)
class Agent:
    phrase: tuple[str, ...]
    sector: str
    role: str | None
    flags: frozenset[str]


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    plover: str
    quad: int


@dataclass(frozen=True)
class Rule:
    """A verb or noun pattern: trigger words → event type, CAMEO code, slots."""

    trigger: tuple[str, ...]     # verb: (lemma, particle...); noun: lemmas ending at the head
    type: str
    cameo: str
    targets: tuple[str, ...]
    mode: str | None
    flags: frozenset[str]
    light_verbs: frozenset[str]  # nouns only: verbs that make the noun an event ('*' any)
    where: str                   # "verbs.tsv:12"


@dataclass(frozen=True)
class Cue:
    word: str
    kind: str
    value: str


@dataclass(frozen=True)
class PlaceEntry:
    """A region or well-known area from places.tsv."""

    name: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    precision: str               # region | city
    where: str                   # "places.tsv:12"


@dataclass
class Lexicon:
    countries: dict[str, Country] = field(default_factory=dict)
    names: dict[str, list[NameEntry]] = field(default_factory=lambda: defaultdict(list))
    tenures: dict[str, list[Tenure]] = field(default_factory=lambda: defaultdict(list))
    agents: dict[tuple[str, ...], Agent] = field(default_factory=dict)
    cameo: dict[str, CameoCode] = field(default_factory=dict)
    verbs: dict[str, list[Rule]] = field(default_factory=lambda: defaultdict(list))
    nouns: dict[str, list[Rule]] = field(default_factory=lambda: defaultdict(list))
    frames: dict[str, str] = field(default_factory=dict)
    anaphors: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)
    cues: dict[str, list[Cue]] = field(default_factory=lambda: defaultdict(list))
    boilerplate: list[re.Pattern[str]] = field(default_factory=list)
    fatalities: list[re.Pattern[str]] = field(default_factory=list)
    places: dict[str, PlaceEntry] = field(default_factory=dict)   # surface form → place

    # ---- look-ups used by the pipeline
    def tenure(self, person: str, on: date) -> Tenure | None:
        """The tenure of ``person`` that covers ``on``, else None."""
        for t in self.tenures.get(person, ()):
            if t.start <= on <= t.end:
                return t
        return None

    def office_holder(self, country: str, role: str, on: date) -> Tenure | None:
        """Who held ``role`` in ``country`` on ``on`` (head of state first for 'leader')."""
        wanted = [role]
        if role == "leader":
            wanted = ["leader", "head_of_state", "head_of_government"]
        for r in wanted:
            for t in self._by_office.get((country, r), ()):
                if t.start <= on <= t.end:
                    return t
        return None

    def agent(self, lemmas: Sequence[str]) -> tuple[int, Agent] | None:
        """Longest agent phrase that ends the lemma sequence: (length, agent)."""
        for n in range(min(4, len(lemmas)), 0, -1):
            hit = self.agents.get(tuple(lemmas[-n:]))
            if hit:
                return n, hit
        return None

    @functools.cached_property
    def _by_office(self) -> dict[tuple[str, str], list[Tenure]]:
        out: dict[tuple[str, str], list[Tenure]] = defaultdict(list)
        for items in self.tenures.values():
            for t in items:
                for r in t.roles:
                    out[(t.country, r)].append(t)
        return out


# --------------------------------------------------------------------------- loaders

def _load_countries(lex: Lexicon, path: Path) -> None:
    for row in read_table(path, ("code", "name", "aliases", "adjectives", "capitals")):
        code = (row.get("code") or "").strip()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise row.fail(f"code {code!r} must be three capital letters (ISO 3166-1 alpha-3)")
        if code in lex.countries:
            raise row.fail(f"country {code} is listed twice")
        name = row.get("name")
        if not name:
            raise row.fail("name is empty")
        c = Country(code, name, tuple(row.list("aliases")), tuple(row.list("adjectives")),
                    tuple(row.list("capitals")))
        lex.countries[code] = c
        for s in (name, *c.aliases):
            lex.names[s].append(NameEntry("country", name, code, "GOV"))
        for s in c.adjectives:
            lex.names[s].append(NameEntry("adjective", name, code, "GOV"))
        for s in c.capitals:
            lex.names[s].append(NameEntry("capital", name, code, "GOV"))


def load_actor_file(lex: Lexicon, path: Path | str) -> None:
    """Named organisations, seats of power, groups and media (also user files)."""
    for row in read_table(path, ("name", "aliases", "country", "sector", "kind")):
        name = row.get("name")
        if not name:
            raise row.fail("name is empty")
        kind = row.get("kind") or ""
        if kind not in ACTOR_KINDS:
            raise row.fail(f"unknown kind {kind!r}; one of {', '.join(sorted(ACTOR_KINDS))}")
        country = _country(row, row.get("country"), set(lex.countries))
        entry = NameEntry(kind, name, country, _sector(row, row.get("sector")))
        for s in (name, *row.list("aliases")):
            # a user file overrides a shipped entry of the same surface form
            lex.names[s] = [e for e in lex.names.get(s, []) if e.kind not in ACTOR_KINDS]
            lex.names[s].append(entry)


def _load_actor_files(lex: Lexicon, pattern: Path) -> None:
    for path in sorted(pattern.parent.glob(pattern.name)):
        load_actor_file(lex, path)


def _load_leader_files(lex: Lexicon, pattern: Path) -> None:
    for path in sorted(pattern.parent.glob(pattern.name)):
        load_leader_file(lex, path)


def load_leader_file(lex: Lexicon, path: Path | str) -> None:
    for row in read_table(path, ("name", "aliases", "country", "roles", "start", "end")):
        name = row.get("name")
        if not name:
            raise row.fail("name is empty")
        country = _country(row, row.get("country"), set(lex.countries))
        roles = frozenset(row.list("roles"))
        if not roles or not roles <= ROLES:
            raise row.fail(f"roles {row.fields['roles']!r} must be from {', '.join(sorted(ROLES))}")
        start = _date(row, "start", date.min)
        end = _date(row, "end", FAR_FUTURE)
        if end < start:
            raise row.fail(f"tenure ends ({end}) before it starts ({start})")
        assert country is not None
        lex.tenures[name].append(Tenure(name, country, roles, start, end, f"{row.path}:{row.line}"))
        entry = NameEntry("person", name, country, "GOV", key=name)
        for s in (name, *row.list("aliases")):
            if entry not in lex.names[s]:
                lex.names[s].append(entry)


def _check_tenures(lex: Lexicon) -> None:
    """Two people may not hold the same head office of one state at once."""
    by_office: dict[tuple[str, str], list[Tenure]] = defaultdict(list)
    for items in lex.tenures.values():
        for t in items:
            for r in t.roles & {"head_of_state", "head_of_government"}:
                by_office[(t.country, r)].append(t)
    for (country, role), items in by_office.items():
        items.sort(key=lambda t: t.start)
        for a, b in zip(items, items[1:]):
            if a.name != b.name and b.start < a.end and (a.end - b.start).days > 1:
                path, _, line = b.where.rpartition(":")
                raise DataFileError(path, int(line),
                                    f"{b.name}'s {role} tenure in {country} overlaps "
                                    f"{a.name}'s ({a.where})", code="E106")


def _load_agents(lex: Lexicon, path: Path) -> None:
    for row in read_table(path, ("phrase", "sector", "role", "flags")):
        phrase = tuple((row.get("phrase") or "").lower().split())
        if not phrase:
            raise row.fail("phrase is empty")
        role = row.get("role")
        if role is not None and role not in ROLES:
            raise row.fail(f"unknown role {role!r}")
        if phrase in lex.agents:
            raise row.fail(f"agent {' '.join(phrase)!r} is listed twice")
        lex.agents[phrase] = Agent(phrase, _sector(row, row.get("sector")), role,
                                   frozenset(row.list("flags")))


def _load_cameo(lex: Lexicon, path: Path) -> None:
    for row in read_table(path, ("code", "name", "goldstein", "plover", "quad")):
        code = row.get("code") or ""
        if not re.fullmatch(r"\d{2,4}", code):
            raise row.fail(f"CAMEO code {code!r} must be 2 to 4 digits")
        try:
            gold = float(row.fields["goldstein"])
        except ValueError:
            raise row.fail(f"goldstein {row.fields['goldstein']!r} is not a number") from None
        plover = row.get("plover") or ""
        if plover not in EVENT_TYPES:
            raise row.fail(f"unknown PLOVER type {plover!r}")
        quad = QUAD_CLASS[plover]
        if row.fields["quad"].strip() != str(quad):
            raise row.fail(f"quad must be {quad} for {plover}")
        lex.cameo[code] = CameoCode(code, row.get("name") or "", gold, plover, quad)


def _rule(lex: Lexicon, row: Row, trigger: tuple[str, ...], light: frozenset[str]) -> Rule:
    etype = row.get("type") or ""
    if etype not in EVENT_TYPES:
        raise row.fail(f"unknown event type {etype!r}; one of {' '.join(EVENT_TYPES)}")
    cameo = row.get("cameo") or ""
    if cameo not in lex.cameo:
        raise row.fail(f"CAMEO code {cameo!r} is not in cameo.tsv")
    flags = frozenset(row.list("flags"))
    for flag in flags:
        if flag not in RULE_FLAGS and not re.fullmatch(r"source:[A-Z]{3}(\+[A-Z]{3})*", flag) \
                and not re.fullmatch(r"(self|own):[A-Z]{3}", flag):
            raise row.fail(f"unknown flag {flag!r}; flags: {', '.join(sorted(RULE_FLAGS))}, "
                           "source:SEC+SEC (only when the source is of these sectors), "
                           "self:SEC (no target: the source's own state, this sector), "
                           "own:SEC (no source: the state where it happens, this sector)")
    targets = tuple(row.list("target"))
    for slot in targets:
        if not NOUN_SLOTS.match(slot):
            raise row.fail(f"bad target slot {slot!r} (dobj, dative, poss, prep:WORD, v:dobj, v:prep:WORD)")
    return Rule(trigger, etype, cameo, targets, row.get("mode"), flags,
                light, f"{Path(row.path).name}:{row.line}")


def _load_verbs(lex: Lexicon, path: Path) -> None:
    for row in read_table(path, ("pattern", "type", "cameo", "target", "mode", "flags")):
        words = tuple((row.get("pattern") or "").lower().split())
        if not words:
            raise row.fail("pattern is empty")
        lex.verbs[words[0]].append(_rule(lex, row, words, frozenset()))


def _load_nouns(lex: Lexicon, path: Path) -> None:
    for row in read_table(path, ("noun", "type", "cameo", "light_verbs", "target", "mode", "flags")):
        words = tuple((row.get("noun") or "").lower().split())
        if not words:
            raise row.fail("noun is empty")
        light = frozenset(row.list("light_verbs"))
        rule = _rule(lex, row, words, light)
        if not light and "nominal" not in rule.flags:
            raise row.fail("a noun needs light_verbs or the flag 'nominal'")
        lex.nouns[words[-1]].append(rule)
    for rules in lex.nouns.values():   # longest trigger first
        rules.sort(key=lambda r: -len(r.trigger))


FRAME_USES = ("of", "anaphor", "act", "show")


def _load_frames(lex: Lexicon, path: Path) -> None:
    for row in read_table(path, ("noun", "use")):
        use = row.get("use") or ""
        if use not in FRAME_USES:
            raise row.fail(f"use {use!r} must be one of {', '.join(FRAME_USES)}")
        noun = (row.get("noun") or "").lower()
        if noun in lex.frames:
            raise row.fail(f"frame noun {noun!r} is listed twice")
        lex.frames[noun] = use


def _load_anaphors(lex: Lexicon, path: Path) -> None:
    allowed = ACTOR_KINDS | {"country"}
    for row in read_table(path, ("noun", "kinds")):
        kinds = frozenset(row.list("kinds"))
        if not kinds or not kinds <= allowed:
            raise row.fail(f"kinds {row.fields['kinds']!r} must be from {', '.join(sorted(allowed))}")
        lex.anaphors[tuple((row.get("noun") or "").lower().split())] = kinds


def _load_places(lex: Lexicon, path: Path) -> None:
    for row in read_table(path, ("name", "aliases", "country", "admin1", "lat", "lon", "precision")):
        name = row.get("name")
        if not name:
            raise row.fail("name is empty")
        country = _country(row, row.get("country"), set(lex.countries), allow_none=True)
        admin1 = row.get("admin1")
        if admin1 is not None and not re.fullmatch(r"[A-Z]{2}\.[0-9A-Z]{1,3}", admin1):
            raise row.fail(f"admin1 {admin1!r} must be a GeoNames admin-1 code like SD.55, or -")
        try:
            lat, lon = float(row.fields["lat"]), float(row.fields["lon"])
        except ValueError:
            raise row.fail("lat and lon must be numbers") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise row.fail(f"lat/lon {lat}, {lon} out of range")
        precision = row.get("precision") or ""
        if precision not in ("region", "city"):
            raise row.fail(f"precision {precision!r} must be region or city")
        entry = PlaceEntry(name, country, admin1, lat, lon, precision, f"{Path(row.path).name}:{row.line}")
        for s in (name, *row.list("aliases")):
            if s in lex.places:
                raise row.fail(f"place {s!r} is already listed ({lex.places[s].where})")
            lex.places[s] = entry


CUE_KINDS = {"modal": ("future", "hypothetical"), "governor": ("future", "hypothetical", "negated", "background"),
             "negation": ("negated",), "mark": ("hypothetical", "background"),
             "prep": ("background",), "blame": ("accuse",),
             "praise": ("partner", "quality")}


def _load_cues(lex: Lexicon, path: Path) -> None:
    for row in read_table(path, ("word", "kind", "value")):
        kind, value = row.get("kind") or "", row.get("value") or ""
        if kind not in CUE_KINDS or value not in CUE_KINDS[kind]:
            raise row.fail(f"kind/value {kind}/{value} not allowed; kinds: "
                           + "; ".join(f"{k}: {', '.join(v)}" for k, v in CUE_KINDS.items()))
        word = (row.get("word") or "").lower()
        lex.cues[word].append(Cue(word, kind, value))


def _load_regexes(path: Path, column: str, into: list[re.Pattern[str]]) -> None:
    for row in read_table(path, (column, "note")):
        try:
            into.append(re.compile(row.fields[column].strip(), re.IGNORECASE))
        except re.error as exc:
            raise row.fail(f"bad regular expression: {exc}") from None


def load_lexicon(data_dir: Path | str = DATA_DIR, actor_files: Sequence[str | Path] = (),
                 leader_files: Sequence[str | Path] = ()) -> Lexicon:
    """Read and check every data file; extra actor/leader files override."""
    d = Path(data_dir)
    lex = Lexicon()
    steps: list[tuple[Callable[[Lexicon, Path], None], str]] = [
        (_load_countries, "countries.tsv"), (_load_actor_files, "actors*.tsv"),
        (_load_leader_files, "leaders*.tsv"), (_load_agents, "agents.tsv"),
        (_load_cameo, "cameo.tsv"), (_load_verbs, "verbs.tsv"), (_load_nouns, "nouns.tsv"),
        (_load_frames, "frames.tsv"), (_load_cues, "cues.tsv"), (_load_anaphors, "anaphors.tsv"),
        (_load_places, "places.tsv"),
    ]
    for fn, name in steps:
        fn(lex, d / name)
    _load_regexes(d / "boilerplate.tsv", "pattern", lex.boilerplate)
    _load_regexes(d / "fatalities.tsv", "pattern", lex.fatalities)
    for f in actor_files:
        load_actor_file(lex, Path(f))
    for f in leader_files:
        load_leader_file(lex, Path(f))
    _check_tenures(lex)
    lex.names = dict(lex.names)
    return lex


@functools.lru_cache(maxsize=4)
def default_lexicon(actor_files: tuple[str, ...] = (), leader_files: tuple[str, ...] = ()) -> Lexicon:
    return load_lexicon(DATA_DIR, actor_files, leader_files)
