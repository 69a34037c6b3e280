"""Clause-level facts about an event: factuality, background, date, place,
fatalities, and one event per act (helpers of the event stage)."""
from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Token

from ..lexicons import Lexicon
from . import dates
from .event_args import Ctx
from .raw import RawEvent

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"dozens": 24, "dozen": 12, "hundreds": 200, "scores": 40})


REPORTING = frozenset({"say", "announce", "tell", "state", "declare", "confirm", "add", "pledge",
                       "promise", "insist", "report", "indicate", "signal", "write"})


def _reported(node: Token) -> bool:
    """A clause reported by a saying verb, with no condition of its own."""
    if node.dep_ != "ccomp" or node.head.lemma_.lower() not in REPORTING:
        return False
    return not any(c.dep_ in ("mark", "advcl") and c.lower_ in ("if", "unless") or
                   (c.dep_ == "advcl" and any(m.lower_ in ("if", "unless") for m in c.children))
                   for c in node.children)


# verbs of a standing allegation: "has accused X of supplying arms", "has blamed X
# for that attack" tell the accusation as a state of affairs, not a new act
STANDING = frozenset({"accuse", "blame"})


def _backshifted(v: Token) -> bool:
    """A past perfect reported by a saying verb ("said that Lula had met Xi",
    "said it had carried out strikes"): the reported past, not a background act."""
    node = v
    while node.dep_ == "conj" and node.head is not node:
        node = node.head
    return node.dep_ == "ccomp" and node.head.lemma_.lower() in REPORTING


def _governed_infinitive(node: Token, lex: Lexicon) -> bool:
    """"have sworn to fight": an infinitive the parser hangs as advcl on a governing verb
    with no object of its own is that verb's complement (an xcomp misparsed)."""
    head = node.head
    return (node.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
            and not any(c.dep_ in ("dobj", "dative") for c in head.children)
            and any(cue.kind == "governor" for cue in lex.cues.get(head.lemma_.lower(), ())))


def factuality(v: Token, trig: Token, lex: Lexicon, nominal: bool) -> tuple[str, bool]:
    """(factuality, background) of the clause headed by ``v``."""
    fact = "asserted"
    background = nominal
    node = v
    for depth in range(5):
        for c in node.children:
            cues = [cue for w in {c.lower_, c.lemma_.lower()} for cue in lex.cues.get(w, ())]
            for cue in cues:
                if cue.kind == "modal" and c.dep_ == "aux" and fact == "asserted":
                    fact = cue.value
                    if c.lower_ in ("would", "'d") and _reported(node):
                        fact = "future"   # "Macron said France would withdraw": future in the past
                elif cue.kind == "negation" and c.dep_ == "neg":
                    fact = "negated"
                elif cue.kind == "mark" and c.dep_ == "mark":
                    if cue.value == "background":
                        background = True
                    elif fact == "asserted":
                        fact = cue.value
            if (depth == 0 and c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ == "VBD" and v.tag_ == "VBN"
                    and not _backshifted(v)):
                background = True
            if (depth == 0 and c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ in ("VBZ", "VBP")
                    and v.tag_ == "VBN" and v.lemma_.lower() in STANDING):
                background = True
        if node.dep_ in ("xcomp", "ccomp") or (nominal and node.dep_ in ("dobj", "pobj")) or (
                _governed_infinitive(node, lex)):
            head = node.head
            for cue in lex.cues.get(head.lemma_.lower(), ()):
                if cue.kind == "governor":
                    if cue.value == "background":
                        background = True
                    elif fact == "asserted":
                        fact = cue.value
            node = head
            continue
        if node.dep_ == "pobj" and node.head.dep_ == "prep":
            for cue in lex.cues.get(node.head.lower_, ()):
                if cue.kind == "prep":
                    background = True
            node = node.head.head
            continue
        if node.dep_ == "prep":
            node = node.head
            continue
        break
    return fact, background


CLAUSE_DEPS = ("ccomp", "advcl", "relcl", "xcomp", "acl", "conj", "parataxis")
NOUN_MODIFIER = ("compound", "amod", "nmod", "poss", "nummod")
TIME_UNITS = frozenset({"day", "week", "month", "year"})
FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
# "seized power in a 2020 coup": a dated noun in these phrases tells the act's own time
SAME_TIME = frozenset({"in", "during", "at", "since"})
# "refuse grants until the end of 2028", "withdraw by the end of the year": a limit, not the act's time
END_POINT = frozenset({"until", "till", "by"})


def _own_date(root: Token, ctx: Ctx) -> str | None:
    stack = [root]
    while stack:
        t = stack.pop()
        if t.i in ctx.dates:
            h = t.head
            if (t is not root and t.dep_ in NOUN_MODIFIER and h is not root and h.pos_ in ("NOUN", "PROPN")
                    and h.i not in ctx.dates and h.ent_type_ not in ("DATE", "TIME")
                    and not (h.dep_ == "pobj" and h.head.lower_ in SAME_TIME)):
                continue   # "blamed Pakistan for the April 22 attack": the date of another act
            return ctx.dates[t.i]
        stack.extend(c for c in t.children if c.dep_ not in CLAUSE_DEPS
                     and not (c.dep_ == "prep" and c.lower_ in END_POINT))
    return None


def _marker(node: Token) -> Token | None:
    """The "after"/"before" that introduces ``node``'s clause or phrase."""
    if node.dep_ == "prep":
        return node if node.lower_ in ("after", "before") else None
    return next((c for c in node.children if c.dep_ == "mark" and c.lower_ in ("after", "before")), None)


def _interval(clause: Token, marker: Token) -> tuple[int, str] | None:
    """"two days after", "a week before": (signed count, unit) of the distance
    word of an "after"/"before" clause or phrase, wherever the parse hangs it."""
    near = [c for c in list(clause.children) + list(marker.children) if c.dep_ == "npadvmod"]
    near += [c for c in clause.head.children if c.dep_ == "npadvmod" and c.right_edge.i == marker.i - 1]
    for c in near:
        if c.lemma_.lower() in TIME_UNITS:
            n = next((dates.number(k.lower_) for k in c.children if k.dep_ in ("nummod", "det")), 1)
            if n is None:
                return None
            return (n if marker.lower_ == "before" else -n), c.lemma_.lower()
    return None


def _relative_date(trig: Token, verb: Token | None, ctx: Ctx) -> str | None:
    """"Ruto withdrew the bill on Wednesday, a day after protesters stormed
    parliament": the act of the "after" clause, that many days before the act it
    is told against (the article's date when that one has none)."""
    clause = verb if verb is not None else trig
    if clause.dep_ == "pobj" and clause.head.lower_ in ("after", "before"):
        clause = clause.head    # "two days after the attack on the embassy"
    while _marker(clause) is None and clause.dep_ == "conj" and clause.head is not clause:
        clause = clause.head    # "a day after X struck a ship and sank it"
    marker = _marker(clause)
    if marker is None or clause.head is clause or clause.dep_ not in ("advcl", "prep", "conj"):
        return None
    gap = _interval(clause, marker)
    if gap is None:
        return None
    anchor = clause.head
    while _marker(anchor) is not None and anchor.head is not anchor:
        anchor = anchor.head    # "a day after X struck ..., and two days after Y targeted ..."
    told = date_of(anchor, anchor, ctx) or (ctx.on.isoformat() if ctx.on else None)
    return dates.shift(told, gap[0], gap[1]) if told else None


def _wh_adverb(node: Token) -> bool:
    """A past relative clause of place or time ("the evening of May 12, when clashes
    broke out", "Almaty, where the police used flashbangs"), told at the time of
    what it hangs on."""
    return past(node) and any(c.dep_ == "advmod" and c.lower_ in ("where", "when") for c in node.children)


def date_of(trig: Token, verb: Token | None, ctx: Ctx) -> str | None:
    """The first resolved date inside the event's own clause, else in the clause
    that governs it ("Qatar said on Wednesday that they had agreed", "In late July
    the rebels claimed to have killed ...", "pulled out in May 2018 and reimposed"),
    else a date counted from another act ("a day after protesters stormed
    parliament"), else one in a participle clause of it ("stormed the palace,
    demanding his resignation on Thursday")."""
    roots = [trig] + ([verb] if verb is not None and verb is not trig else [])
    for root in roots:
        found = _own_date(root, ctx)
        if found is not None:
            return found
    if verb is None and trig.dep_ == "pobj" and trig.head.dep_ == "prep" and trig.head.head.lemma_ == "be":
        # "who has been under house arrest since August": the state's copula tells the date
        found = _own_date(trig.head.head, ctx)
        if found is not None:
            return found
    found = _relative_date(trig, verb, ctx)
    if found is not None:
        return found
    node = verb if verb is not None else None
    told = list(roots)
    for _ in range(3):
        if node is None or node.head is node or not (
                node.dep_ in ("ccomp", "xcomp", "conj", "advcl") or (node.dep_ == "relcl" and _wh_adverb(node))):
            break
        place = node.dep_ == "relcl"
        node = node.head
        told.append(node)
        found = _own_date(node, ctx)
        if found is not None:
            return found
        if place:   # "the protests engulfed Almaty, where the police ...": the clause naming the place
            while node.pos_ not in ("VERB", "AUX") and node.head is not node:
                node = node.head
            told.append(node)
            found = _own_date(node, ctx)
            if found is not None:
                return found
    for root in told:
        for c in root.children:
            if (c.dep_ == "advcl" and c.tag_ in ("VBG", "VBN") and c is not verb
                    and not any(k.dep_ in ("mark", "nsubj", "nsubjpass") for k in c.children)):
                found = _own_date(c, ctx)
                if found is not None:
                    return found
    return None


def in_vague_past(trig: Token, verb: Token | None, ctx: Ctx) -> bool:
    """The act's clause (or one governing it) is set in a stretch of the past
    with no point in it ("have hardened their positions in recent months and joined
    forces", "at the turn of the 1970s ... the two countries signed")."""
    vague = ctx.doc._.vague_dates or set()
    if not vague:
        return False
    roots = [trig] + ([verb] if verb is not None and verb is not trig else [])
    node = verb
    for _ in range(3):
        if node is None or node.dep_ not in ("conj", "xcomp", "advcl") or node.head is node:
            break
        node = node.head
        roots.append(node)
    for root in roots:
        stack = [root]
        while stack:
            t = stack.pop()
            if t.i in vague:
                return True
            stack.extend(c for c in t.children if c.dep_ not in CLAUSE_DEPS)
    return False


def past(head: Token) -> bool:
    """The clause of ``head`` is told in a past tense ("attacked", "was
    arrested", "had met", "tried to storm")."""
    node = head
    while node.head is not node and (node.dep_ == "xcomp" or (
            node.dep_ in ("advcl", "conj") and node.tag_ in ("VB", "VBG", "VBN")
            and not any(c.dep_ == "mark" or (c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE)
                        for c in node.children))):
        node = node.head   # "tried to storm", "went on to condemn", "viewed it as modest, urging ..."
    return node.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in node.children)


def after_date(trig: Token, verb: Token | None, ctx: Ctx) -> str | None:
    """An undated act told by an "after" clause ("appointed him on Wednesday after
    they seized power") happened just before the act it is told against: that
    act's date, the article's when that one has none. A known act named in an
    "after"/"following" phrase ("following the attack on the concert hall") is
    background and keeps no date."""
    if verb is None:
        return None
    clause = verb
    while clause.dep_ == "conj" and clause.head is not clause:
        clause = clause.head   # "after they seized power and rejected the results"
    if clause.dep_ != "advcl" or not any(c.dep_ == "mark" and c.lower_ == "after" for c in clause.children):
        return None
    anchor = clause.head
    while anchor.pos_ not in ("VERB", "AUX") and anchor.head is not anchor:
        anchor = anchor.head   # "appointed him as the head of the phase after they seized power"
    if anchor.pos_ not in ("VERB", "AUX") or anchor is clause:
        return None
    return date_of(anchor, anchor, ctx) or (ctx.on.isoformat() if ctx.on else None)


def context_date(head: Token, ctx: Ctx) -> tuple[str, str] | None:
    """(date, kind) of the time frame an undated past act is told in: the lead's
    day for the sentence that goes on telling it, or the date that opens an
    earlier sentence of the paragraph ("On May 14, ..."); see dates.date_context."""
    frame = (ctx.doc._.date_context or {}).get(ctx.si)
    if frame is None or not past(head):
        return None
    return frame


def promise_date(head: Token, own: str | None, ctx: Ctx) -> str | None:
    """The date an announced act is told: that of the clause that tells it ("On
    Tuesday, Saudi Arabia pledged to invest ..."); the act's own date when no
    modal puts the act itself ahead ("pledged $600 million on Tuesday") and it is
    not ahead of the article; else the article's date."""
    today = ctx.on.isoformat() if ctx.on is not None else None
    node = head
    for _ in range(3):
        if node.dep_ not in ("ccomp", "xcomp", "conj") or node.head is node:
            break
        node = node.head
        found = _own_date(node, ctx)
        if found is not None:
            return found
    ahead = any(c.dep_ == "aux" and c.lower_ in dates.FUTURE_AUX for c in head.children)
    if own is not None and not ahead and (today is None or own <= today):
        return own
    return today


def location(trig: Token, verb: Token | None, ctx: Ctx) -> tuple[str, str | None] | None:
    """A place named by an "in"/"at" phrase of the event (a first, simple pass), also
    when the parser hangs it on the object ("met Manalo in Manila")."""
    roots = [trig] + ([verb] if verb is not None else [])
    roots += [c for r in roots for c in r.children if c.dep_ == "dobj"]
    for root in roots:
        for c in root.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "at", "near", "outside"):
                for x in c.subtree:
                    ref = ctx.actors.get(x.i)
                    if ref is not None and ref.kind == "country":
                        return (x.doc[x.i:x.i + 1].text if x.i not in (ctx.doc._.mentions or {})
                                else ctx.doc._.mentions[x.i].text, ref.actor.country)
    return None


def fatality_count(text: str, patterns: list[re.Pattern[str]]) -> int | None:
    for pat in patterns:
        m = pat.search(text)
        if m:
            word = m.group(1).replace(",", "").lower()
            if word.isdigit():
                return int(word)
            if word in NUMBER_WORDS:
                return NUMBER_WORDS[word]
    return None


def dedupe(events: list[RawEvent]) -> list[RawEvent]:
    """One event per act: the same type, sides and date retold count once, and a
    nominal mention ("Macron's visit to China") of an act told by a verb too."""
    def countries(e: RawEvent) -> tuple:
        return (e.type, e.factuality, e.source and e.source.country, e.target and e.target.country)

    told: dict[tuple, set[str | None]] = {}
    for e in events:
        if not e.nominal:
            told.setdefault(countries(e), set()).add(e.date)
    seen: set[tuple] = set()
    out = []
    for e in events:
        key = (e.type, e.source, e.target, e.date, e.factuality)
        retold = e.nominal and countries(e) in told and (not e.dated or e.date in told[countries(e)])
        if key in seen or retold:
            continue
        seen.add(key)
        out.append(e)
    return out


REPLIES = frozenset({"ACCUSE", "REJECT"})


def answered(events: list[RawEvent]) -> list[RawEvent]:
    """A show of force told with no target whose author others condemn or reject in the
    next two sentences ("North Korea fired a missile. Japan and South Korea condemned
    the launch") was aimed at them: one event toward each state that answers."""
    out: list[RawEvent] = []
    for e in events:
        if (e.type != "MOBILIZE" or e.target is not None or e.source is None or not e.source.country
                or e.factuality != "asserted"):
            out.append(e)
            continue
        answers = []
        for r in events:
            if (r.type in REPLIES and r.factuality == "asserted" and e.sentence_index < r.sentence_index
                    <= e.sentence_index + 2 and r.target is not None and r.target.country == e.source.country
                    and r.source is not None and r.source.country and r.source.country != e.source.country
                    and all(a.country != r.source.country for a in answers)):
                answers.append(r.source)
        if not answers:
            out.append(e)
        for a in answers:
            out.append(replace(e, target=a, arcs=e.arcs + [f"answered-by:{a.name}"]))
    return out


def _guessed(e: RawEvent) -> bool:
    """An event whose target the syntax did not give (none, or the sentence's other actor)."""
    return e.target is None or any(a.startswith("sentence-actor:") for a in e.arcs)


def drop_guessed(events: list[RawEvent]) -> list[RawEvent]:
    """Drop an event with a guessed target when the same act of the same source, with
    a target of its own, is told in its sentence or the one before ("gunmen attacked a
    police station, killing 12 officers"; "… clashed. The fighting killed twelve")."""
    told = {(e.sentence_index, e.type, e.source and e.source.country) for e in events if not _guessed(e)}
    return [e for e in events if not _guessed(e) or not any(
        (si, e.type, e.source and e.source.country) in told for si in (e.sentence_index - 1, e.sentence_index))]
