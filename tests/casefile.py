"""Reading the sentence → events tables under tests/cases/.

Each line of a ``*.jsonl`` table is one case::

    {"text": "...", "date": "2024-03-23", "events": ["SUPPORT PRKGOV RUSGOV", ...],
     "note": "what the case checks"}

An event is written ``TYPE SOURCE TARGET [FACTUALITY]``: actors as CAMEO-style
codes (country + sector, ``---UAF`` for an unknown country), ``-`` for no
target, and the factuality only when it is not ``asserted``. ``events`` lists
every event the coder must produce for the text, no more and no fewer.
Optional keys: ``names`` (``{"PRKGOV": "Kim Jong Un"}``: canonical names to
check), ``dates`` (``{"CONSULT": "2023"}``), ``fatalities``
(``{"ASSAULT": 133}``), ``background`` (list of types that must be background).
"""
from __future__ import annotations

import json
from pathlib import Path

CASES = Path(__file__).parent / "cases"


def load_cases(pattern: str = "*.jsonl") -> list[tuple[str, dict]]:
    out = []
    for path in sorted(CASES.glob(pattern)):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                out.append((f"{path.name}:{n}", json.loads(line)))
    return out


def code(a) -> str:
    return "-" if a is None else (a.country or "---") + a.sector


def event_string(e) -> str:
    s = f"{e.type} {code(e.source)} {code(e.target)}"
    return s if e.factuality == "asserted" else f"{s} {e.factuality}"
