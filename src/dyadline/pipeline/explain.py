"""``dyadline explain``: how a sentence was parsed, resolved and coded."""
from __future__ import annotations

from ..model import Article
from .coder import Coder


def explain(coder: Coder, text: str, date: str) -> str:
    """A plain-text report: the parse, the actors found, each event with the
    lexicon row and parse arcs that produced it, and the rules that matched a
    word but coded nothing (and why)."""
    article = Article(id="explain", date=date, text=text)
    doc = coder.parse(article)
    lines = ["parse (token  lemma  POS  dependency → head):"]
    for t in doc:
        if t.is_space:
            continue
        lines.append(f"  {t.i:>3} {t.text:<16} {t.lemma_:<14} {t.pos_:<6} {t.dep_:<10} → {t.head.i} {t.head.text}")
    lines.append("actors:")
    actors = doc._.actors or {}
    if not actors:
        lines.append("  none")
    for i, ref in sorted(actors.items()):
        members = ", ".join(f"{a.code} {a.name}" for a in ref.members())
        lines.append(f"  {i:>3} {doc[i].text:<16} {ref.kind:<8} {members}")
    if doc._.dates:
        lines.append("dates: " + ", ".join(f"{doc[i].text}={v}" for i, v in sorted(doc._.dates.items())))
    lines.append("events:")
    events = coder.events(article, doc)
    raw = doc._.events or []
    if not raw:
        lines.append("  none")
    for r in raw:
        src = f"{r.source.code} {r.source.name}" if r.source else "-"
        tgt = f"{r.target.code} {r.target.name}" if r.target else "-"
        flags = [r.factuality] + (["background"] if r.background else []) + ([f"date {r.date}"] if r.date else [])
        lines.append(f"  {r.type} {r.cameo}  {src} → {tgt}  [{', '.join(flags)}]")
        lines.append(f"      by {r.rule} at {doc[r.trigger].text!r}; arcs: {', '.join(r.arcs) or '-'}")
    stored = sum(1 for _ in events)
    lines.append(f"({stored} of {len(raw)} would be stored with the current --factuality)")
    if doc._.trace:
        lines.append("matched but not coded:")
        lines += [f"  {t}" for t in doc._.trace]
    return "\n".join(lines)


def resolve_mention(coder: Coder, mention: str, date: str) -> list[tuple[str, str | None, str, str]]:
    """How a mention resolves on a date: [(name, country, sector, how)] (empty if unresolved).

    The mention is parsed as the subject of a neutral sentence, as it would
    be in an article of that date.
    """
    text = mention.strip()
    article = Article(id="resolve", date=date, text=f"{text} spoke on the phone.")
    doc = coder.parse(article)
    verb = next((t for t in doc if t.lemma_ == "speak"), None)
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None) if verb else None
    if subj is None:
        return []
    out = []
    for tok in [subj] + [c for c in subj.subtree if c.dep_ == "conj"]:
        ref = (doc._.actors or {}).get(tok.i)
        if ref is not None and ref.kind != "open":
            out += [(a.name, a.country, a.sector, ref.kind) for a in ref.members()]
    return out
