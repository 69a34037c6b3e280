"""Scoring against annotated data, exactly as the codebook's Scoring section says.

Only asserted events count. Per article, system and gold events are matched
one to one at three levels: ``type``; ``dyad`` (type, source country, target
country); ``full`` (type, source country and sector, target country and
sector). Precision, recall and F1 are micro-averaged over all articles. On
the pairs matched at the dyad level, ``date_accuracy`` is the share whose date
agrees at the precision the gold gives (day, month or year; null with null).
On the same pairs, for gold events with a location, ``location_country_accuracy``
and ``location_name_accuracy`` are the shares whose place country and place
name agree (names compared without case, accents or a leading "the"; a gold
name that lists places, "Zhanaozen, Aktau", agrees with any of them).
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .errors import InputError
from .model import EVENT_TYPES, Actor, Article, Event

Key = tuple


def _c(a: Actor | None) -> str | None:
    return a.country if a else None


def _s(a: Actor | None) -> str | None:
    return a.sector if a else None


LEVELS: dict[str, Callable[[Event], Key]] = {
    "type": lambda e: (e.type,),
    "dyad": lambda e: (e.type, _c(e.source), _c(e.target)),
    "full": lambda e: (e.type, _c(e.source), _s(e.source), _c(e.target), _s(e.target)),
}


@dataclass
class GoldArticle:
    article: Article
    events: list[Event]


def read_gold(path: str | Path) -> Iterator[GoldArticle]:
    """Annotated articles (codebook JSONL); a bad line raises InputError with file:line."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror}", code="E210") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            art = Article(id=str(rec["id"]), date=rec["date"], text=rec["text"], origin=f"{p}:{n}")
            events = [Event.from_dict(e) for e in rec.get("events", [])]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{p}:{n}: not a gold record ({exc.__class__.__name__}: {exc}); each line "
                             "needs id, date, text and events", code="E211") from None
        yield GoldArticle(art, events)


def _prf(match: int, system: int, gold: int) -> dict[str, float]:
    p = match / system if system else 0.0
    r = match / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def date_agrees(gold: str | None, system: str | None) -> bool:
    if gold is None:
        return system is None
    return system is not None and system[: len(gold)] == gold and len(system) >= len(gold)


@dataclass
class Score:
    articles: int = 0
    gold_events: int = 0
    system_events: int = 0
    matched: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    per_type: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    dates_matched: int = 0
    dates_right: int = 0
    actor_slots: int = 0
    actor_country: int = 0
    actor_both: int = 0
    locations: int = 0
    location_country: int = 0
    location_name: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, article: Article, gold: list[Event], system: list[Event]) -> None:
        gold = [e for e in gold if e.factuality == "asserted"]
        system = [e for e in system if e.factuality == "asserted"]
        self.articles += 1
        self.gold_events += len(gold)
        self.system_events += len(system)
        for level, key in LEVELS.items():
            g, s = Counter(map(key, gold)), Counter(map(key, system))
            self.matched[level] += sum((g & s).values())
        for e in gold:
            self.per_type[e.type]["gold"] += 1
        for e in system:
            self.per_type[e.type]["system"] += 1
        gt, st = Counter(e.type for e in gold), Counter(e.type for e in system)
        for t, n in (gt & st).items():
            self.per_type[t]["type"] += n
        self._pair_actors(gold, system)
        missed, spurious = self._pair_dyads(gold, system)
        if missed or spurious:
            self.errors.append({"id": article.id, "date": article.date,
                                "missed": [_brief(e) for e in missed],
                                "spurious": [_brief(e) for e in spurious]})

    def _pair_dyads(self, gold: list[Event], system: list[Event]) -> tuple[list[Event], list[Event]]:
        key = LEVELS["dyad"]
        pool: dict[Key, list[Event]] = defaultdict(list)
        for e in system:
            pool[key(e)].append(e)
        missed = []
        for g in gold:
            cands = pool.get(key(g))
            if not cands:
                missed.append(g)
                continue
            best = next((c for c in cands if date_agrees(g.date, c.date)), cands[0])
            cands.remove(best)
            self.per_type[g.type]["dyad"] += 1
            self.dates_matched += 1
            self.dates_right += date_agrees(g.date, best.date)
            if g.location is not None:
                sl = best.location
                self.locations += 1
                self.location_country += sl is not None and sl.country == g.location.country
                self.location_name += sl is not None and place_name_agrees(g.location.name, sl.name)
        spurious = [e for es in pool.values() for e in es]
        return missed, spurious

    def _pair_actors(self, gold: list[Event], system: list[Event]) -> None:
        """Pair events of the same type one to one, preferring pairs whose actors
        agree, and count agreeing source and target slots."""
        for etype in {e.type for e in gold} & {e.type for e in system}:
            gs = [e for e in gold if e.type == etype]
            ss = [e for e in system if e.type == etype]
            scored = sorted(((_agreement(g, s), i, j) for i, g in enumerate(gs) for j, s in enumerate(ss)),
                            key=lambda x: (-x[0], x[1], x[2]))
            used_g: set[int] = set()
            used_s: set[int] = set()
            for _, i, j in scored:
                if i in used_g or j in used_s:
                    continue
                used_g.add(i)
                used_s.add(j)
                for ga, sa in ((gs[i].source, ss[j].source), (gs[i].target, ss[j].target)):
                    self.actor_slots += 1
                    if _c(ga) == _c(sa):
                        self.actor_country += 1
                        self.actor_both += _s(ga) == _s(sa)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"articles": self.articles, "gold_events": self.gold_events,
                               "system_events": self.system_events}
        for level in LEVELS:
            out[level] = _prf(self.matched[level], self.system_events, self.gold_events)
        out["date_accuracy"] = round(self.dates_right / self.dates_matched, 4) if self.dates_matched else 0.0
        slots = self.actor_slots
        out["actor_country_accuracy"] = round(self.actor_country / slots, 4) if slots else 0.0
        out["actor_sector_accuracy"] = round(self.actor_both / slots, 4) if slots else 0.0
        out["location_events"] = self.locations
        for key, n in (("country", self.location_country), ("name", self.location_name)):
            out[f"location_{key}_accuracy"] = round(n / self.locations, 4) if self.locations else 0.0
        per: dict[str, Any] = {}
        for t in EVENT_TYPES:
            c = self.per_type.get(t)
            if not c:
                continue
            per[t] = {**_prf(c["type"], c["system"], c["gold"]), "gold": c["gold"],
                      "system": c["system"], "dyad_f1": _prf(c["dyad"], c["system"], c["gold"])["f1"]}
        out["per_type"] = per
        return out


def _place_key(name: str) -> str:
    t = unicodedata.normalize("NFKD", name)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower().replace("-", " ")
    t = re.sub(r"[^\w ]", "", t)
    t = re.sub(r"^the ", "", " ".join(t.split()))
    return t


def place_name_agrees(gold: str, system: str | None) -> bool:
    """Same place name, or the system's name is one of the places a gold name lists."""
    if system is None:
        return False
    s = _place_key(system)
    parts = [gold] + re.split(r",| and ", gold)
    return any(_place_key(p) == s for p in parts if p.strip())


def _agreement(g: Event, s: Event) -> int:
    return sum((_c(g.source) == _c(s.source), _s(g.source) == _s(s.source),
                _c(g.target) == _c(s.target), _s(g.target) == _s(s.target)))


def _brief(e: Event) -> dict[str, Any]:
    def a(x: Actor | None) -> str:
        return "-" if x is None else f"{x.name} ({x.country or '?'} {x.sector})"

    return {"type": e.type, "source": a(e.source), "target": a(e.target), "date": e.date,
            "evidence": e.evidence, "pattern": e.pattern or None}


def evaluate(gold: Iterable[GoldArticle], code_many: Callable[[Iterable[Article]], Iterator[tuple[Article, list[Event]]]]) -> Score:
    """Code every gold article with ``code_many`` and score it against its events."""
    items = list(gold)
    by_id = {g.article.id: g for g in items}
    score = Score()
    for article, events in code_many(g.article for g in items):
        score.add(article, by_id[article.id].events, events)
    return score


def format_report(d: dict[str, Any]) -> str:
    lines = [f"articles {d['articles']}   gold events {d['gold_events']}   system events {d['system_events']}",
             "",
             f"{'level':<10}{'precision':>10}{'recall':>10}{'F1':>10}"]
    for level in LEVELS:
        r = d[level]
        lines.append(f"{level:<10}{r['precision']:>10.3f}{r['recall']:>10.3f}{r['f1']:>10.3f}")
    lines.append(f"{'date accuracy':<30}{d['date_accuracy']:>10.3f}")
    lines.append(f"{'actor country accuracy':<30}{d['actor_country_accuracy']:>10.3f}")
    lines.append(f"{'actor country+sector acc.':<30}{d['actor_sector_accuracy']:>10.3f}")
    lines.append(f"{'location country accuracy':<30}{d['location_country_accuracy']:>10.3f}"
                 f"   (on {d['location_events']} matched events with a gold location)")
    lines.append(f"{'location name accuracy':<30}{d['location_name_accuracy']:>10.3f}")
    lines += ["", f"{'type':<12}{'gold':>6}{'system':>8}{'P':>8}{'R':>8}{'F1':>8}{'dyad F1':>9}"]
    for t, r in d["per_type"].items():
        lines.append(f"{t:<12}{r['gold']:>6}{r['system']:>8}{r['precision']:>8.3f}{r['recall']:>8.3f}"
                     f"{r['f1']:>8.3f}{r['dyad_f1']:>9.3f}")
    return "\n".join(lines)
