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


@pytest.mark.parametrize("text, expected", [
    # a country's capital named by its owner, and the name after a settlement noun
    ("Police in the Georgian capital Tbilisi dispersed protesters on Monday.",
     [("ASSAULT", ("Tbilisi", "GEO", "city"))]),
    ("Russian missiles struck Ukraine's capital overnight, killing three people.",
     [("ASSAULT", ("Kyiv", "UKR", "city"))]),
    # a name the recogniser took for a person, after "the city of"
    ("Israeli troops clashed with Hamas fighters in the southern city of Khan Younis on Monday.",
     [("ASSAULT", ("Khan Younis", "PSE", "city")), ("ASSAULT", ("Khan Younis", "PSE", "city"))]),
    # a direction before a country: an area of it
    ("Hamas fighters stormed southern Israel on Saturday.", [("ASSAULT", ("southern Israel", "ISR", "region"))]),
    # a nominal act as the subject of the verb that places it
    ("Clashes between the army and the RSF continued in Khartoum on Sunday.",
     [("ASSAULT", ("Khartoum", "SDN", "city")), ("ASSAULT", ("Khartoum", "SDN", "city"))]),
    # a site in a city (places.tsv lists it under the city)
    ("Lula met Paraguayan President Santiago Pena at the Itamaraty Palace on Monday.",
     [("CONSULT", ("Brasilia", "BRA", "city")), ("CONSULT", ("Brasilia", "BRA", "city"))]),
    # a demonym on an area noun
    ("Israel carried out air strikes on Syrian military sites on Sunday.", [("ASSAULT", ("Syria", "SYR", "country"))]),
    # spread across a country: the country, even when the article's main place is a city in it
    ("Israel struck military sites across Iran on Friday, officials said. The strikes hit the plant at Natanz.",
     [("ASSAULT", ("Iran", "IRN", "country"))]),
    # the sentence before, in the same paragraph, sets the scene
    ("In the capital Kinshasa, protesters attacked several foreign embassies on Tuesday. "
     "Congolese police fired tear gas to disperse the crowds.",
     [("ASSAULT", ("Kinshasa", "COD", "city")), ("ASSAULT", ("Kinshasa", "COD", "city"))]),
])
def test_event_places_general_rules(coder, text, expected):
    assert event_places(coder, text) == expected


def test_where_clause_takes_the_place_it_is_on(coder):
    doc = coder.parse(Article("t", "2022-01-06", "The protests reached Almaty, where the police used flashbangs "
                              "to disperse the crowd."))
    resolver = coder.nlp.get_pipe("dyadline_places")
    by_token = {i: m for m in doc._.places if m.location for i in range(m.start, m.end)}
    used = next(t for t in doc if t.lemma_ == "use")
    raw = type("Raw", (), {"trigger": used.i, "type": "ASSAULT", "start": used.i, "end": used.i + 1,
                           "background": False})()
    assert resolver._event_place(doc, raw, by_token).name == "Almaty"


def test_the_speakers_place_and_a_past_years_place_do_not_set_the_scene(coder):
    text = ("Germany released a Russian agent who was serving a life sentence for the 2019 murder of a "
            "dissident in a Berlin park. The swap took place at Ankara airport on Thursday. "
            "The minister said in Paris that Russia freed the prisoners on Thursday.")
    places = {p for t, p in event_places(coder, text) if t == "RETREAT"}
    assert places == {("Ankara", "TUR", "city")}


@pytest.mark.parametrize("text, expected", [
    ("M23 rebels seized Goma, the largest city in eastern Congo. Congo cut ties with Rwanda.",
     [("Goma", "COD", "city"), ("eastern Congo", "COD", "region"), ("Congo", "COD", "country"),
      ("Rwanda", "RWA", "country")]),
    ("China condemned Japan on Monday, according to Xinhua.", [("China", "CHN", "country"),
                                                               ("Japan", "JPN", "country")]),
    ("Thousands rallied in Texas on Saturday.", [("Texas", "USA", "region")]),
    ("Pakistani troops shelled villages along the Line of Control in Indian-administered Kashmir.",
     [("Line of Control", None, "region"), ("Indian-administered Kashmir", "IND", "region")]),
])
def test_shared_country_names_bare_names_and_regions(coder, text, expected):
    assert places_of(coder, text) == expected


def test_a_place_where_the_source_speaks_is_not_where_the_act_happened(coder):
    text = "The EU imposed new sanctions on Iran, diplomats in Brussels said."
    assert event_places(coder, text) == [("SANCTION", None)]


def test_the_articles_main_place_for_events_that_name_none(coder):
    text = ("MANILA, Philippines \u2014 The Philippines and Japan signed a defence pact on Monday.\n\n"
            "Japan and the Philippines held talks in Manila on Monday.")
    places = {p for _, p in event_places(coder, text)}
    assert places == {("Manila", "PHL", "city")}


def test_a_border_or_sea_the_article_is_about_gives_way_to_a_states_place_near_it(coder):
    text = ("India and China agreed on Friday to end the standoff along the Line of Actual Control.\n\n"
            "Indian soldiers pulled back from posts facing Chinese troops on Saturday, officials said. "
            "Patrols will resume in Demchok next week.")
    places = event_places(coder, text)
    assert ("AGREE", ("Line of Actual Control", None, "region")) in places     # its own place
    assert ("RETREAT", ("Demchok", "IND", "region")) in places                 # none of its own
    far = text.replace("Demchok", "Oslo")     # a place far from the border is not the border's state
    assert ("RETREAT", ("Line of Actual Control", None, "region")) in event_places(coder, far)


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
