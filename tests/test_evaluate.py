"""Scoring on a small hand-made gold file whose scores are known."""
from __future__ import annotations

import json

import pytest

from dyadline.evaluate import date_agrees, evaluate, read_gold
from dyadline.errors import InputError
from dyadline.model import Actor, Event


def E(t, s, tg, date=None, fact="asserted"):
    def a(code):
        if code is None:
            return None
        return Actor(code, code[:3] if code[:3] != "---" else None, code[3:])
    return Event(type=t, cameo="", source=a(s), target=a(tg), date=date, factuality=fact)


GOLD = [
    {"id": "g1", "date": "2024-03-23", "text": "t1", "events": [
        E("SUPPORT", "PRKGOV", "RUSGOV", "2024-03-23").to_dict(),
        E("CONSULT", "PRKGOV", "RUSGOV", "2023").to_dict(),
        E("ASSAULT", "---UAF", "RUSCVL").to_dict(),
        E("CONSULT", "PRKGOV", "CHNGOV", "2024", fact="future").to_dict()]},
    {"id": "g2", "date": "2024-01-01", "text": "t2", "events": [
        E("SANCTION", "USAGOV", "RUSBUS").to_dict()]},
]
SYSTEM = {
    "g1": [E("SUPPORT", "PRKGOV", "RUSGOV", "2024-03-23"),    # full match, date right
           E("CONSULT", "PRKGOV", "RUSMIL", "2023-05-01"),    # dyad match, full miss, date right
           E("ACCUSE", "PRKGOV", "USAGOV"),                   # spurious
           E("CONSULT", "PRKGOV", "CHNGOV", fact="future")],  # not scored
    "g2": [E("SANCTION", "USAGOV", "RUSBUS", "2024-01-01")],  # full match, date wrong (gold null)
}


@pytest.fixture
def gold_file(tmp_path):
    p = tmp_path / "gold.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in GOLD), encoding="utf-8")
    return p


def test_known_scores(gold_file):
    def code_many(arts):
        for a in arts:
            yield a, SYSTEM[a.id]

    d = evaluate(read_gold(gold_file), code_many).as_dict()
    assert (d["articles"], d["gold_events"], d["system_events"]) == (2, 4, 4)
    assert d["type"] == {"precision": 0.75, "recall": 0.75, "f1": 0.75}
    assert d["dyad"] == {"precision": 0.75, "recall": 0.75, "f1": 0.75}
    assert d["full"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert d["date_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    # type-paired slots: SUPPORT 2/2 country, 2/2 both; CONSULT(asserted) 2/2 country, 1/2 both;
    # SANCTION 2/2, 2/2 -> country 6/6, country+sector 5/6
    assert d["actor_country_accuracy"] == 1.0
    assert d["actor_sector_accuracy"] == pytest.approx(5 / 6, abs=1e-4)
    assert d["per_type"]["ACCUSE"]["precision"] == 0.0
    assert d["per_type"]["ASSAULT"]["recall"] == 0.0
    assert d["per_type"]["SUPPORT"]["f1"] == 1.0


@pytest.mark.parametrize("gold,system,ok", [
    ("2023", "2023-05-01", True), ("2023-05", "2023-05-01", True), ("2023-05-01", "2023-05", False),
    (None, None, True), (None, "2024", False), ("2024", None, False), ("2024-01-02", "2024-01-02", True)])
def test_date_agreement(gold, system, ok):
    assert date_agrees(gold, system) is ok


def test_bad_gold_line_names_file_and_line(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text(json.dumps(GOLD[0]) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2"):
        list(read_gold(p))
