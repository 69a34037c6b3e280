"""Date stage: resolves the date expressions of a Doc against the article date.

Sets ``doc._.dates``: token index → ISO date at the precision the text gives
("2024-03-22", "2024-03" or "2023"). Expressions that name no point in time
("decades", "recent weeks") are left out. Also usable on its own through
:func:`resolve_date`.
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


def _infer_year(on: date, month: int, day: int | None = None) -> int:
    """News talks of the recent past: a month after the article's is last year's."""
    if (month, day or 1) > (on.month, on.day) and month > on.month:
        return on.year - 1
    return on.year


def resolve_date(text: str, on: date) -> str | None:
    """Resolve one date expression; None when it names no point in time."""
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
        y = int(year) if year else _infer_year(on, month, day)
        try:
            return date(y, month, day).isoformat()
        except ValueError:
            return None
    m = re.search(r"\b" + _MONTH + r"(?: (\d{4}))?\b", t)
    if m and not (m[1] == "may" and not m[2] and not re.search(r"\b(in|of|since|early|late|mid) may\b", t)):
        month = MONTHS[m[1][:3]]
        y = int(m[2]) if m[2] else _infer_year(on, month)
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


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


class DateResolver:
    """Pipeline component ``dyadline_dates``: resolves DATE entities."""

    def __init__(self) -> None:
        for ext in ("dates", "article_date"):
            if not Doc.has_extension(ext):
                Doc.set_extension(ext, default=None)

    def __call__(self, doc: Doc) -> Doc:
        on: date = doc._.article_date or date.today()
        found: dict[int, str] = {}
        for ent in doc.ents:
            if ent.label_ != "DATE":
                continue
            value = resolve_date(ent.text, on)
            if value is not None:
                for tok in ent:
                    found[tok.i] = value
        doc._.dates = found
        return doc
