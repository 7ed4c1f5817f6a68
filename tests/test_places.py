"""Places and years a question asks about (assistant/places.py, assistant/query.py): fast, no model, no index."""

from __future__ import annotations

from assistant.glossary import Glossary
from assistant.places import Relation, load_gazetteer
from assistant.query import Cues, build_query, rewrite_followup
from tests.conftest import CORPUS

CUES = Cues.load(CORPUS)
GLOSSARY = Glossary.load(CORPUS)
PLACES = load_gazetteer(("Stadtrand Süd",))  # a corpus area the gazetteer does not know


def test_places_are_found_as_people_write_them():
    assert PLACES.places_in("Wie hoch ist die Arbeitslosigkeit in Spandau?") == ["Spandau"]
    assert PLACES.places_in("Einwohner im Märkischen Viertel") == ["Märkisches Viertel"]  # inflected adjective
    assert PLACES.places_in("Neuköllns Schulen") == ["Neukölln"]  # genitive
    assert PLACES.places_in("marzahn nord und Hellersdorf-Nord") == ["Marzahn-Nord", "Hellersdorf-Nord"]
    # the longest name wins: the district is not also its two localities, an area not also its locality
    assert PLACES.places_in("Bezirk Marzahn-Hellersdorf") == ["Marzahn-Hellersdorf"]
    # a street or an adjective is no place ("Hellersdorfer Promenade", "Spandauer Neustadt")
    assert PLACES.places_in("an der Hellersdorfer Promenade") == []
    assert PLACES.places_in("Stadtrand Süd") == ["Stadtrand Süd"]


def test_names_that_are_everyday_words_count_only_as_named_places():
    assert PLACES.places_in("Mitte des 18. Jahrhunderts, ein Buch") == []
    assert PLACES.places_in("im Bezirk Mitte") == ["Mitte"]
    assert PLACES.places_in("Olof-Palme-Zentrum, Berlin-Mitte") == ["Mitte"]


def test_places_relate_through_districts_and_localities():
    assert PLACES.relation("Marzahn-Nord", "Marzahn-Hellersdorf") is Relation.INSIDE
    assert PLACES.relation("Marzahn-Hellersdorf", "Hellersdorf-Nord") is Relation.AROUND
    assert PLACES.relation("Marzahn-Nord", "Hellersdorf-Nord") is Relation.OTHER
    assert PLACES.relation("Spandau", "Marzahn-Hellersdorf") is Relation.OTHER
    assert PLACES.relation("Kosmosviertel", "Treptow-Köpenick") is Relation.INSIDE
    assert PLACES.relation("Spandau", "Berlin") is Relation.INSIDE
    assert PLACES.relation("Stadtrand Süd", "Neukölln") is Relation.OTHER  # unknown location: only itself
    assert PLACES.best_relation(["Spandau", "Marzahn-Nord"], ["Marzahn-Hellersdorf"]) is Relation.INSIDE
    assert PLACES.best_relation([], ["Spandau"]) is None


def test_a_question_asks_about_the_places_it_names_but_not_those_it_excludes():
    def places(text: str) -> tuple[str, ...]:
        return build_query(text, glossary=GLOSSARY, cues=CUES).places

    assert places("Wie viele Arbeitslose gibt es in Lichtenberg?") == ("Lichtenberg",)
    assert places("Welche Pilotgebiete gab es außer Marzahn-Nord?") == ()
    assert places("Was gibt es neben dem Bezirk Mitte noch in Wedding?") == ("Wedding",)
    assert places("Was ist ein Ressortbeitrag?") == ()


def test_a_followup_naming_another_place_swaps_the_place():
    hist = [{"role": "user", "content": "Wie hoch ist die Arbeitslosigkeit in Marzahn-Hellersdorf?"}]
    assert rewrite_followup("Und in Spandau?", hist, GLOSSARY) == "Wie hoch ist die Arbeitslosigkeit in Spandau?"
    hist = [{"role": "user", "content": "Wie viele Kinder leben in Hellersdorf-Nord in Armut?"}]
    assert rewrite_followup("Und in ganz Berlin?", hist, GLOSSARY) == "Wie viele Kinder leben in Berlin in Armut?"


def test_a_year_is_asked_about_unless_it_bounds_a_period():
    def years(text: str) -> tuple[str, ...]:
        return build_query(text, glossary=GLOSSARY, cues=CUES).asked_years

    assert years("Wie viele Stellen hatte das Büro im Jahr 2020?") == ("2020",)
    assert years("Was geschah seit 2015?") == ()
    assert years("Was ist für 2025 bis 2027 geplant?") == ()
    assert years("Was war in der Pilotphase 2019/2020?") == ()
