"""dyadline's data model: the records every stage, store and report shares.

Only the standard library is imported here. spaCy objects never leave the
pipeline package; storage, evaluation and the CLI see these classes only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: PLOVER event types, in the codebook's order.
EVENT_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION",
    "MOBILIZE", "COERCE", "ASSAULT",
)

#: QuadClass of each type: 1 verbal coop, 2 material coop, 3 verbal conflict,
#: 4 material conflict.
QUAD_CLASS: dict[str, int] = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), 2),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN"), 3),
    **dict.fromkeys(("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}

#: PLOVER sectors.
SECTORS: frozenset[str] = frozenset(
    "GOV MIL COP SPY JUD LEG PTY OPP PRM REB UAF CVL JRN BUS LAB EDU REL MED "
    "REF AGR CRM ELI SOC IGO UNK".split()
)

#: Country values that are not states.
NON_STATE_COUNTRIES: frozenset[str] = frozenset({"IGO", "NGO", "IMG", "MNC"})

FACTUALITIES: tuple[str, ...] = ("asserted", "future", "hypothetical", "negated")


@dataclass(frozen=True)
class Actor:
    """A resolved actor: canonical name, country code (or None) and sector."""

    name: str
    country: str | None
    sector: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "sector": self.sector}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Actor | None:
        if not d:
            return None
        return cls(name=str(d.get("name") or ""), country=d.get("country"),
                   sector=str(d.get("sector") or "UNK"))

    @property
    def code(self) -> str:
        """CAMEO-style actor code, e.g. ``PRKGOV``; unknown country is ``---``."""
        return (self.country or "---") + self.sector


#: How precisely a location is known, like ACLED's geo precision: a town or
#: site, a region (an admin-1 unit, a district, a sea), or only the country.
PRECISIONS: tuple[str, ...] = ("city", "region", "country")


@dataclass(frozen=True)
class Location:
    """Where an event happened: the name as the text gives it, the country
    (ISO alpha-3), the GeoNames admin-1 code (``RU.47``), coordinates, the
    GeoNames id where the gazetteer knows the place, and the precision."""

    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    admin1: str | None = None
    geonames_id: int | None = None
    precision: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "country": self.country}
        if self.lat is not None:
            d["lat"], d["lon"] = self.lat, self.lon
        for key in ("admin1", "geonames_id", "precision"):
            if getattr(self, key) is not None:
                d[key] = getattr(self, key)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Location | None:
        if not d:
            return None
        gid = d.get("geonames_id")
        return cls(name=str(d.get("name") or ""), country=d.get("country"),
                   lat=d.get("lat"), lon=d.get("lon"), admin1=d.get("admin1"),
                   geonames_id=int(gid) if gid is not None else None,
                   precision=d.get("precision"))


@dataclass(frozen=True)
class Article:
    """A dated news article, cleaned of page chrome.

    ``origin`` is where it came from (``file`` or ``file:line``) for messages.
    """

    id: str
    date: str
    text: str
    title: str | None = None
    url: str | None = None
    origin: str = ""


@dataclass(frozen=True)
class Event:
    """One coded event with its provenance (article, sentence, span, evidence)."""

    type: str
    cameo: str
    source: Actor | None
    target: Actor | None
    date: str | None
    factuality: str = "asserted"
    background: bool = False
    goldstein: float | None = None
    quad_class: int | None = None
    mode: str | None = None
    fatalities: int | None = None
    location: Location | None = None
    evidence: str = ""
    article_id: str = ""
    sentence_index: int = -1
    span: tuple[int, int] = (0, 0)
    sentence: str = ""
    pattern: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The codebook's event record plus dyadline's provenance fields."""
        d: dict[str, Any] = {
            "type": self.type, "cameo": self.cameo, "factuality": self.factuality,
            "source": self.source.to_dict() if self.source else None,
            "target": self.target.to_dict() if self.target else None,
            "date": self.date, "background": self.background,
            "evidence": self.evidence, "goldstein": self.goldstein,
            "quad_class": self.quad_class,
        }
        for key in ("mode", "fatalities"):
            if getattr(self, key) is not None:
                d[key] = getattr(self, key)
        if self.location is not None:
            d["location"] = self.location.to_dict()
        d.update(article_id=self.article_id, sentence_index=self.sentence_index,
                 span=list(self.span), sentence=self.sentence, pattern=self.pattern)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        span = d.get("span") or (0, 0)
        return cls(
            type=d["type"], cameo=str(d.get("cameo") or ""),
            source=Actor.from_dict(d.get("source")),
            target=Actor.from_dict(d.get("target")),
            date=d.get("date"), factuality=d.get("factuality") or "asserted",
            background=bool(d.get("background", False)),
            goldstein=d.get("goldstein"), quad_class=d.get("quad_class"),
            mode=d.get("mode"), fatalities=d.get("fatalities"),
            location=Location.from_dict(d.get("location")),
            evidence=d.get("evidence") or "", article_id=d.get("article_id") or "",
            sentence_index=int(d.get("sentence_index", -1)),
            span=(int(span[0]), int(span[1])), sentence=d.get("sentence") or "",
            pattern=d.get("pattern") or "",
        )


@dataclass(frozen=True)
class Problem:
    """An input item that could not be coded (or was coded with a caveat)."""

    origin: str          # "path" or "path:line"
    reason: str
    skipped: bool = True

    def __str__(self) -> str:
        verb = "skipped" if self.skipped else "warning"
        return f"{self.origin}: {verb}: {self.reason}"


@dataclass
class RunSummary:
    """What a coding run did."""

    articles: int = 0
    events: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)

    def line(self) -> str:
        return (f"coded {self.articles} articles, {self.events} events; "
                f"skipped {self.skipped}")


__all__ = [
    "Actor", "Article", "Event", "Location", "Problem", "RunSummary",
    "EVENT_TYPES", "QUAD_CLASS", "SECTORS", "FACTUALITIES", "PRECISIONS"
]
