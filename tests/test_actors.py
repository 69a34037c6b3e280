"""Actor resolution: the mention tables and every head of state and government."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from dyadline.lexicons import default_lexicon
from dyadline.model import Article

CASES = Path(__file__).parent / "cases" / "mentions"


def load():
    out = []
    for path in sorted(CASES.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                out.append((f"{path.name}:{n}", json.loads(line)))
    return out


MENTIONS = load()


def resolve(coder, text: str, mention: str, on: str, prefer: str | None = None):
    """The actors the coder gives the phrase ``mention`` (its head) inside ``text``."""
    doc = coder.parse(Article(id="m", date=on, text=text))
    start = text.find(mention)
    assert start >= 0, f"{mention!r} is not in {text!r}"
    span = doc.char_span(start, start + len(mention), alignment_mode="expand")
    refs = doc._.actors or {}
    heads = [span.root] + [t for t in span if t.dep_ == "conj" and t.head.i in range(span.start, span.end)]
    if prefer:
        heads = [t for t in span if t.i in refs and refs[t.i].kind == prefer][:1] or heads
    out = []
    for head in heads:
        for tok in [head] + sorted(span, key=lambda t: -t.i):
            if tok.i in refs and refs[tok.i].kind != "open":
                out += [a for a in refs[tok.i].members() if a not in out]
                break
    return out


@pytest.mark.parametrize("where,case", MENTIONS, ids=[w for w, _ in MENTIONS])
def test_mention(coder, where, case):
    found = resolve(coder, case["text"], case["mention"], case["date"])
    want = case.get("actors") or [{k: case.get(k) for k in ("name", "country", "sector")}]
    if case.get("unresolved"):
        assert found == [], f"{where}: {case['mention']!r} should not resolve, got {found}"
        return
    got = [{"name": a.name, "country": a.country, "sector": a.sector} for a in found]
    for w in want:
        if w.get("name") is None:
            got_cmp = [{k: g[k] for k in ("country", "sector")} for g in got]
            w = {k: w[k] for k in ("country", "sector")}
        else:
            got_cmp = got
        assert w in got_cmp, f"{where}: {case['mention']!r} in {case['text']!r} → {got}"


def test_enough_mentions():
    assert len(MENTIONS) >= 400


ON = date(2024, 6, 30)


def heads_on(day: date):
    lex = default_lexicon()
    for name, tenures in lex.tenures.items():
        for t in tenures:
            if t.start <= day <= t.end:
                for role in ("head_of_state", "head_of_government"):
                    if role in t.roles:
                        yield role, t


HEADS = sorted({(t.country, role, t.name) for role, t in heads_on(ON)})


def test_every_un_member_has_both_heads_on_2024_06_30():
    lex = default_lexicon()
    have = {(c, r) for c, r, _ in HEADS}
    members = [c for c in lex.countries if c not in ("KOS", "TWN", "HKG", "PSE", "VAT")]
    missing = [c for c in members if (c, "head_of_state") not in have and c not in REALMS | NO_HEAD]
    assert not missing, f"no head of state on {ON}: {missing}"
    missing = [c for c in members if (c, "head_of_government") not in have]
    assert not missing, f"no head of government on {ON}: {missing}"


# Lebanon's presidency was vacant from 2022-10-31 to 2025-01-09; San Marino's
# two Captains Regent change every six months and are not listed.
NO_HEAD = {"LBN", "SMR"}
# Commonwealth realms: the British monarch is their head of state.
REALMS = {"ATG", "AUS", "BHS", "BLZ", "CAN", "GRD", "JAM", "KNA", "LCA", "NZL", "PNG", "SLB", "TUV", "VCT"}


@pytest.mark.parametrize("country,role,name", HEADS, ids=[f"{c}-{r}" for c, r, _ in HEADS])
def test_head_resolves_by_name_and_title(coder, country, role, name):
    lex = default_lexicon()
    c = lex.countries[country]
    text = f"{name} met the delegation on Sunday."
    got = resolve(coder, text, name, ON.isoformat())
    assert (got[0].name, got[0].country, got[0].sector) == (name, country, "GOV") if got else False, got
    title = "head of state" if role == "head_of_state" else "head of government"
    adjective = next((a for a in c.adjectives if not a.endswith("s")), None)
    phrase = f"the {adjective} {title}" if adjective else f"{c.name}'s {title}"
    got = resolve(coder, f"{phrase} met the delegation on Sunday.", phrase, ON.isoformat(), prefer="person")
    holders = {t.name for r, t in heads_on(ON) if t.country == country and r == role}
    assert got and got[0].name in holders and got[0].country == country, (phrase, got)
