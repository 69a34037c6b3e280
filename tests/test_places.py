"""Place stage (pipeline/places.py): the gazetteer, places.tsv, and where each event happened."""
from __future__ import annotations

import shutil

import pytest

from dyadline.errors import DataFileError
from dyadline.evaluate import Score, place_name_agrees
from dyadline.lexicons import DATA_DIR, default_lexicon, load_lexicon
from dyadline.model import Article, Event, Location
from dyadline.pipeline.places import fold, gazetteer


def places_of(coder, text: str, date: str = "2024-05-13") -> list[tuple[str, str | None, str | None]]:
    doc = coder.parse(Article("t", date, text))
    return [(m.text, m.location.country, m.location.precision) for m in doc._.places if m.location]


def event_places(coder, text: str, date: str = "2024-05-13") -> list[tuple]:
    out = []
    for e in coder.code(Article("t", date, text)):
        loc = e.location
        out.append((e.type, loc and (loc.name, loc.country, loc.precision)))
    return out


# ------------------------------------------------------------------ the gazetteer
def test_fold_ignores_case_accents_and_hyphens():
    assert fold("Al-Fāshir") == "al fashir"
    assert fold("Nouméa") == fold("NOUMEA") == "noumea"


def test_gazetteer_cities_by_alternate_name():
    g = gazetteer()
    assert {c.cc for c in g.cities("Donetsk")} == {"UA", "RU"}
    (fasher,) = g.cities("Al Fashir")
    assert fasher.name == "El Fasher" and fasher.admin1 == "SD.55"
    assert gazetteer() is g          # built once


def test_alpha2_to_alpha3_uses_the_codebook_codes(coder):
    resolver = coder.nlp.get_pipe("dyadline_places")
    codes = resolver._alpha3
    assert codes["PS"] == "PSE" and codes["XK"] == "KOS" and codes["TW"] == "TWN"
    assert codes["HK"] == "HKG" and codes["UA"] == "UKR" and codes["US"] == "USA"


# ------------------------------------------------------------------ places in a Doc
@pytest.mark.parametrize("text, expected", [
    ("Gunmen killed dozens of people in Krasnogorsk, outside Moscow, on Friday.",
     [("Krasnogorsk", "RUS", "city"), ("Moscow", "RUS", "city")]),
    ("Israel struck targets in the Gaza Strip overnight.",
     [("Israel", "ISR", "country"), ("Gaza Strip", "PSE", "region")]),
    ("Fighting spread in Sudan's North Darfur.", [("Sudan", "SDN", "country"), ("North Darfur", "SDN", "region")]),
    ("Drones hit the Moscow region and the Sahel.", [("Moscow region", "RUS", "region"), ("Sahel", None, "region")]),
    ("Ships were attacked in the South China Sea.", [("South China Sea", None, "region")]),
    ("Explosions were heard in Donbas.", [("Donbas", "UKR", "region")]),
    ("Troops moved into the Belgorod region.", [("Belgorod region", "RUS", "region")]),
])
def test_places_found_and_resolved(coder, text, expected):
    assert places_of(coder, text) == expected


def test_an_ambiguous_city_takes_the_articles_country(coder):
    gaza = places_of(coder, "Israeli strikes hit a camp in Rafah, in the Gaza Strip.")
    assert ("Rafah", "PSE", "city") in gaza
    sinai = places_of(coder, "Egyptian police arrested smugglers in Rafah.")
    assert sinai == [("Rafah", "EGY", "city")]
    ru = places_of(coder, "Russian police arrested two activists in Donetsk.")
    ua = places_of(coder, "Ukrainian officials said shelling killed two people in Donetsk.")
    assert ru == [("Donetsk", "RUS", "city")] and ua == [("Donetsk", "UKR", "city")]


def test_a_city_location_has_coordinates_admin1_and_geonames_id(coder):
    (e,) = coder.code(Article("t", "2024-05-13", "Russian forces attacked Ukrainian troops near Kharkiv on Monday."))
    loc = e.location
    assert (loc.name, loc.country, loc.precision, loc.admin1, loc.geonames_id) == (
        "Kharkiv", "UKR", "city", "UA.07", 706483)
    assert loc.lat == pytest.approx(49.98, abs=0.01) and loc.lon == pytest.approx(36.25, abs=0.01)


# ------------------------------------------------------------------ where events happened
@pytest.mark.parametrize("text, expected", [
    ("Russian forces attacked Ukrainian troops near Kharkiv on Monday.", [("ASSAULT", ("Kharkiv", "UKR", "city"))]),
    ("Gunmen attacked concertgoers at a Moscow concert hall on Friday.", [("ASSAULT", ("Moscow", "RUS", "city"))]),
    ("Israeli forces attacked Hamas fighters in the Gaza Strip on Monday.",
     [("ASSAULT", ("Gaza Strip", "PSE", "region"))]),
    ("RSF fighters attacked civilians in Sudan's North Darfur on Sunday.",
     [("ASSAULT", ("North Darfur", "SDN", "region"))]),
    ("Russian troops attacked Ukrainian forces in the Kharkiv region.",
     [("ASSAULT", ("Kharkiv region", "UKR", "region"))]),
    ("Putin met Xi at the Kremlin on Tuesday.",
     [("CONSULT", ("Moscow", "RUS", "city")), ("CONSULT", ("Moscow", "RUS", "city"))]),
    ("Japan condemned North Korea on Monday.", [("ACCUSE", None)]),
])
def test_event_places(coder, text, expected):
    assert event_places(coder, text) == expected


def test_a_place_where_the_source_speaks_is_not_where_the_act_happened(coder):
    text = "The EU imposed new sanctions on Iran, diplomats in Brussels said."
    assert event_places(coder, text) == [("SANCTION", None)]


def test_the_articles_main_place_for_events_that_name_none(coder):
    text = ("MANILA, Philippines \u2014 The Philippines and Japan signed a defence pact on Monday.\n\n"
            "Japan and the Philippines held talks in Manila on Monday.")
    places = {p for _, p in event_places(coder, text)}
    assert places == {("Manila", "PHL", "city")}


# ------------------------------------------------------------------ places.tsv
def test_places_table_is_loaded():
    lex = default_lexicon()
    assert lex.places["Gaza Strip"].country == "PSE"
    assert lex.places["Donbass"] is lex.places["Donbas"]
    assert lex.places["North Darfur"].admin1 == "SD.55"


def test_a_bad_places_row_names_file_and_line(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(DATA_DIR, d)
    with (d / "places.tsv").open("a", encoding="utf-8") as fh:
        fh.write("Atlantis\t-\tXXX\t-\t0\t0\tregion\n")
    with pytest.raises(DataFileError, match=r"places\.tsv:\d+: unknown country code 'XXX'"):
        load_lexicon(d)


# ------------------------------------------------------------------ model and scoring
def test_location_round_trips_with_the_new_fields():
    loc = Location("Kharkiv", "UKR", 49.98, 36.25, admin1="UA.07", geonames_id=706483, precision="city")
    assert Location.from_dict(loc.to_dict()) == loc
    assert Location.from_dict({"name": "Manila", "country": "PHL"}) == Location("Manila", "PHL")


@pytest.mark.parametrize("gold, system, ok", [
    ("Noumea", "Nouméa", True), ("the Gaza Strip", "Gaza Strip", True),
    ("Zhanaozen, Aktau", "Zhanaozen", True), ("Depsang and Demchok", "Demchok", True),
    ("Charlotte, North Carolina", "Charlotte", True), ("Kyiv", "Ukraine", False), ("Kyiv", None, False),
])
def test_place_names_agree(gold, system, ok):
    assert place_name_agrees(gold, system) is ok


def test_location_figures_on_matched_events():
    def ev(loc: Location | None, gold_loc: bool = True) -> Event:
        from dyadline.model import Actor
        return Event("ASSAULT", "190", Actor("Russia", "RUS", "MIL"), Actor("Ukraine", "UKR", "MIL"),
                     "2024-05-13", location=loc)

    s = Score()
    s.add(Article("a", "2024-05-13", "x"),
          [ev(Location("Kharkiv", "UKR")), ev(Location("Kyiv", "UKR")), ev(None)],
          [ev(Location("Kharkiv", "UKR")), ev(Location("Ukraine", "UKR")), ev(None)])
    d = s.as_dict()
    assert d["location_events"] == 2
    assert d["location_country_accuracy"] == 1.0 and d["location_name_accuracy"] == 0.5
