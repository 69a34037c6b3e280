"""Date stage: resolves the date expressions of a Doc against the article date.

Sets ``doc._.dates``: token index → ISO date at the precision the text gives
("2024-03-22", "2024-03" or "2023"). Expressions that name no point in time
("decades", "recent weeks") are left out. Also usable on its own through
:func:`resolve_date`. Expressions relative to a date told before ("two days
later", "the next day") are resolved against the last full date the text gave
(:func:`resolve_relative`).

Also sets ``doc._.date_context``: sentence index → (date, kind), the time frame
an undated past event of that sentence is told in (see :func:`date_context`).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.tokens import Doc

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}

_MONTH = (r"(january|february|march|april|may|june|july|august|september|october|november|december"
          r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)(?![a-z])\.?")


def _shift_month(d: date, n: int) -> tuple[int, int]:
    m = d.month - 1 + n
    return d.year + m // 12, m % 12 + 1


def _infer_year(on: date, month: int, day: int | None = None, ahead: bool = False) -> int:
    """News talks of the recent past: a month after the article's is last year's;
    of what is still to come (``ahead``), a month before the article's is next year's."""
    if ahead:
        return on.year + 1 if (month, day or 31) < (on.month, on.day) else on.year
    if (month, day or 1) > (on.month, on.day) and month > on.month:
        return on.year - 1
    return on.year


def resolve_date(text: str, on: date, ahead: bool = False) -> str | None:
    """Resolve one date expression; None when it names no point in time.
    ``ahead``: the expression is told of what is still to come ("will meet on
    Monday"), so a bare weekday or month is the next one, not the last."""
    t = " " + re.sub(r"[,]", " ", text.lower()).strip() + " "
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"'s\b", "", t)
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", t)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?" + _MONTH + r"(?: (\d{4}))?\b", t) \
        or re.search(r"\b" + _MONTH + r" (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?\b", t)
    if m:
        g = m.groups()
        if g[0].isdigit():
            day, month, year = int(g[0]), MONTHS[g[1][:3]], g[2]
        else:
            month, day, year = MONTHS[g[0][:3]], int(g[1]), g[2]
        y = int(year) if year else _infer_year(on, month, day, ahead)
        try:
            return date(y, month, day).isoformat()
        except ValueError:
            return None
    m = re.search(r"\b" + _MONTH + r"(?: (\d{4}))?\b", t)
    if m and not (m[1] == "may" and not m[2] and not re.search(r"\b(in|of|since|early|late|mid) may\b", t)):
        month = MONTHS[m[1][:3]]
        y = int(m[2]) if m[2] else _infer_year(on, month, None, ahead)
        return f"{y:04d}-{month:02d}"
    m = re.search(r"\b(19\d\d|20\d\d)\b", t)
    if m:
        return m[1]
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening|week)|overnight|earlier today)\b", t):
        return on.isoformat()
    if re.search(r"\byesterday\b", t):
        return (on - timedelta(days=1)).isoformat()
    if re.search(r"\blast night\b", t):
        return (on - timedelta(days=1)).isoformat()
    for name, wd in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", t):
            back = (on.weekday() - wd) % 7
            if re.search(rf"\blast {name}\b", t) and back == 0:
                back = 7
            if re.search(rf"\bnext {name}\b", t):
                return (on + timedelta(days=(wd - on.weekday()) % 7 or 7)).isoformat()
            if ahead and not re.search(rf"\blast {name}\b", t):
                return (on + timedelta(days=(wd - on.weekday()) % 7)).isoformat()
            return (on - timedelta(days=back)).isoformat()
    if re.search(r"\blast week\b", t):
        return (on - timedelta(days=7)).isoformat()
    if re.search(r"\b(this|earlier this) month\b", t):
        return f"{on.year:04d}-{on.month:02d}"
    if re.search(r"\blast month\b", t):
        y, mo = _shift_month(on, -1)
        return f"{y:04d}-{mo:02d}"
    if re.search(r"\bnext month\b", t):
        y, mo = _shift_month(on, 1)
        return f"{y:04d}-{mo:02d}"
    if re.search(r"\b(this|earlier this) year\b", t):
        return str(on.year)
    if re.search(r"\blast year\b", t):
        return str(on.year - 1)
    if re.search(r"\bnext year\b", t):
        return str(on.year + 1)
    m = re.search(r"\b(\w+) years? ago\b", t)
    if m:
        n = _number(m[1])
        if n is not None:
            return str(on.year - n)
    return None


_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_NUMBER_WORDS.update({"a": 1, "an": 1})


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


number = _number


def shift(anchor: str, n: int, unit: str) -> str:
    """``anchor`` (an ISO date at any precision) moved by ``n`` days, weeks,
    months or years, at the precision both allow."""
    unit = unit.lower().rstrip("s")
    if unit in ("day", "week", "night") and len(anchor) == 10:
        return (date.fromisoformat(anchor) + timedelta(days=n * (7 if unit == "week" else 1))).isoformat()
    if unit == "month" and len(anchor) >= 7:
        y, m = _shift_month(date(int(anchor[:4]), int(anchor[5:7]), 1), n)
        return f"{y:04d}-{m:02d}"
    if unit == "year":
        return str(int(anchor[:4]) + n)
    return anchor if unit in ("day", "week", "night") else anchor[:4]


_RELATIVE = re.compile(r"\b(?:(\w+) (day|days|week|weeks|month|months|year|years) (later|earlier)"
                       r"|the (next|following|previous|same) (day|week|month|year|night)|(that) same day)\b")


def resolve_relative(text: str, anchor: str) -> str | None:
    """A date told relative to one given before ("two days later", "the next
    day", "the same day", "a week earlier"), from that earlier date."""
    t = re.sub(r"\s+", " ", text.lower())
    m = _RELATIVE.search(t)
    if not m:
        return None
    if m[1]:
        n = _number(m[1])
        if n is None:
            return None
        return shift(anchor, -n if m[3] == "earlier" else n, m[2])
    if m[4]:
        n = {"next": 1, "following": 1, "previous": -1, "same": 0}[m[4]]
        return shift(anchor, n, m[5])
    return anchor


# a stretch of the past with no point in it ("in recent months", "over the past
# years", "for decades", "the 1970s"): what is told in it is background with no date
VAGUE_PAST = re.compile(r"\b(?:(?:recent|past|last) (?:\w+ )?(?:months|years|decades)|(?:the )?past (?:year|decade)"
                        r"|decades|(?:1[89]|20)\d0s|centur(?:y|ies))\b")


FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})   # "wo" of "won't"
PLANNED = frozenset({"plan", "schedule", "set", "due", "expect"})


def _ahead(ent) -> bool:
    """The date is told of what is still to come: its clause has "will" or
    is planned or scheduled ("will visit on Monday", "rallies are planned for Thursday")."""
    node = ent.root
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX") or node.head is node:
            break
        node = node.head
    if node.pos_ not in ("VERB", "AUX"):
        return False
    return (any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in node.children)
            or (node.lemma_.lower() in PLANNED and any(c.dep_ == "auxpass" for c in node.children)))


# a TIME entity names a day when it holds a weekday or a day word ("Monday morning",
# "the early hours of Tuesday", "last night"); clock times alone are not dates
_DAY_WORDS = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today"
                        r"|tonight|last night|overnight|this (morning|afternoon|evening))\b")


def _flashback(value: str, on: date) -> bool:
    """A date well before the article's: a time frame of its own, not the news of the day."""
    if len(value) == 10:
        return (on - date.fromisoformat(value)).days > 2
    return value < on.isoformat()[:len(value)]


def date_context(doc: Doc, found: dict[int, str], on: date) -> dict[int, tuple[str, str]]:
    """Sentence index → (date, kind): the time an undated past act of that sentence
    is told in:

    - ``lead``: the sentence right after the lead, in its paragraph, goes on
      telling the lead's event ("Russian and Chinese bombers flew near Alaska on
      Wednesday. U.S. jets intercepted them.") and takes the lead's date when that
      is a day of the past week;
    - ``frame``: a sentence that opens with a date well before the article's
      ("On May 14, ...", "In December 2021, ...") sets the time of the sentences
      after it in its paragraph, up to the next one with a date.
    """
    if not doc.has_annotation("SENT_START"):
        return {}
    sents = list(doc.sents)
    text = doc.text   # built afresh on every access: once
    para, p = [], 0
    for k, s in enumerate(sents):
        if k and "\n" in text[sents[k - 1].start_char:s.start_char]:
            p += 1
        para.append(p)
    own = [[found[i] for i in range(s.start, s.end) if i in found] for s in sents]
    out: dict[int, tuple[str, str]] = {}
    content = 0
    for k, s in enumerate(sents):
        if sum(t.is_alpha for t in s) < 5 or not any(t.pos_ in ("VERB", "AUX") for t in s):
            continue   # a dateline or a heading
        content += 1
        if content > 2:
            break
        days = [d for d in own[k] if len(d) == 10]
        if days:
            lead = date.fromisoformat(days[0])
            if 0 < (on - lead).days <= 7 and k + 1 < len(sents) and para[k + 1] == para[k]:
                out[k + 1] = (days[0], "lead")
            break
    for k, s in enumerate(sents):
        if k in out:
            continue
        for j in range(k - 1, -1, -1):
            if para[j] != para[k]:
                break
            if not own[j]:
                continue
            first = next(i for i in range(sents[j].start, sents[j].end) if i in found)
            fronted = first - sents[j].start <= 4 and not any(
                t.pos_ in ("VERB", "AUX") for t in doc[sents[j].start:first])
            if fronted and _flashback(found[first], on):
                out[k] = (found[first], "frame")
            break
    return out


class DateResolver:
    """Pipeline component ``dyadline_dates``: resolves DATE entities."""

    def __init__(self) -> None:
        for ext in ("dates", "article_date", "date_context", "vague_dates"):
            if not Doc.has_extension(ext):
                Doc.set_extension(ext, default=None)

    def __call__(self, doc: Doc) -> Doc:
        on: date = doc._.article_date or date.today()
        found: dict[int, str] = {}
        vague: set[int] = set()
        last: str | None = None    # the last full date told, for "two days later"
        for ent in doc.ents:
            if ent.label_ == "TIME" and not _DAY_WORDS.search(ent.text.lower()):
                continue
            if ent.label_ not in ("DATE", "TIME"):
                continue
            value = resolve_date(ent.text, on, ahead=doc.has_annotation("DEP") and _ahead(ent))
            if value is None and VAGUE_PAST.search(ent.text.lower()):
                vague.update(tok.i for tok in ent)
                continue
            if value is None and last is not None:
                value = resolve_relative(ent.text, last)
            if value is not None:
                for tok in ent:
                    found[tok.i] = value
                if len(value) == 10:
                    last = value
        doc._.dates = found
        doc._.vague_dates = vague
        doc._.date_context = date_context(doc, found, on)
        return doc
