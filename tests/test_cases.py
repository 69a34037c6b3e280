"""The sentence → events tables: every case must come out exactly."""
from __future__ import annotations

from collections import Counter

import pytest

from dyadline.model import Article

from casefile import code, event_string, load_cases

CASES = load_cases()


@pytest.mark.parametrize("where,case", CASES, ids=[w for w, _ in CASES])
def test_case(coder, where, case):
    events = coder.code(Article(id="case", date=case.get("date", "2024-06-01"), text=case["text"]))
    got = Counter(event_string(e) for e in events)
    want = Counter(case["events"])
    assert got == want, f"{where}: {case.get('note', '')}\n  text: {case['text']}"
    for actor_code, name in case.get("names", {}).items():
        names = {e.source.name for e in events if e.source and code(e.source) == actor_code}
        names |= {e.target.name for e in events if e.target and code(e.target) == actor_code}
        assert name in names, f"{where}: {actor_code} should be named {name!r}, got {names}"
    for etype, when in case.get("dates", {}).items():
        dates = {e.date for e in events if e.type == etype}
        assert dates == {when}, f"{where}: {etype} dated {dates}, want {when}"
    for etype, n in case.get("fatalities", {}).items():
        assert {e.fatalities for e in events if e.type == etype} == {n}
    for etype in case.get("background", []):
        assert all(e.background for e in events if e.type == etype), f"{where}: {etype} not background"


def test_enough_cases():
    assert len(CASES) >= 100
