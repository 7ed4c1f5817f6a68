"""Places and years a question asks about (assistant/places.py, assistant/query.py): fast, no model, no index."""

from __future__ import annotations

from assistant.glossary import Glossary
from assistant.places import Relation, load_gazetteer
from assistant.query import Cues, build_query, rewrite_followup
from assistant.scope import other_times
from assistant.spans import SpanFinder
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
    assert PLACES.places_in("Und in Berlin-Spandau?") == ["Spandau"]  # the city's name in front
    assert PLACES.places_in("Marzahn–Nord") == ["Marzahn-Nord"]  # an en dash


def test_a_compass_part_of_a_known_place_lies_in_it():
    # the file names no "Neukölln-Nord": it is still a part of Neukölln, and another place than Marzahn-Nord
    assert PLACES.places_in("im Handlungsraum Neukölln-Nord") == ["Neukölln-Nord"]
    assert PLACES.places_in("in spandau süd") == ["Spandau-Süd"]
    assert PLACES.relation("Neukölln-Nord", "Neukölln") is Relation.INSIDE
    assert PLACES.relation("Marzahn-Nord", "Neukölln-Nord") is Relation.OTHER
    # a place the file lists with a compass point keeps its own place: the Ortsteil Charlottenburg-Nord lies in the
    # district, not in an Ortsteil "Charlottenburg"; an everyday word gets no parts ("Mitte-Nord" is no place)
    assert PLACES.places_in("in Charlottenburg-Nord") == ["Charlottenburg-Nord"]
    assert PLACES.parent("Charlottenburg-Nord") == "Charlottenburg-Wilmersdorf"
    assert PLACES.places_in("Mitte-Nord") == []
    assert PLACES.places_in("in Nord-Neukölln") == ["Nord-Neukölln"]  # the compass point in front
    assert PLACES.parent("Nord-Neukölln") == PLACES.parent("Neukölln-Nord") == "Neukölln"
    assert PLACES.parent("Marzahn-Nord") == "Marzahn"  # a listed area keeps its place
    assert PLACES.replace("Und in Neukölln-Nord?", "Neukölln-Nord", "Spandau") == "Und in Spandau?"


def test_a_sentence_on_another_period_is_no_answer_but_a_bound_may_be():
    from dataclasses import replace

    from assistant.records import SourceRecord
    from assistant.retrieval import Passage
    from assistant.scope import time_penalty
    from assistant.scoring import SCORING

    record = SourceRecord(doc="x.pdf", title="Mittel", type="Bericht", stand="2023", areas=(), audience="alle",
                          reconstruction=False, page=1, page_end=1, page_label="1", page_label_end="1", section="")
    passage = Passage(id="c", record=record, text="", score=1.0)
    query = build_query("Wie viel Geld steht im Zeitraum 2025 bis 2027 zur Verfügung?", cues=CUES)
    finder = SpanFinder(CUES)

    def penalty(sentence: str) -> float:
        return time_penalty(sentence, passage, query, finder, SCORING, set())

    assert penalty("2021–2024: 25 Mio. Euro Landesmittel") == SCORING.wrong_scope
    assert penalty("Bis 2024 flossen 40 Mio. Euro.") == SCORING.wrong_scope  # ended before the period
    assert penalty("Seit 2019 stehen jährlich 5 Mio. Euro bereit.") == 0  # may still hold
    assert penalty("Der Beschluss vom 12.03.2024 sieht 30 Mio. Euro vor.") == 0
    assert penalty("Es stehen 30 Mio. Euro bereit.") == 0  # no time named
    current = Passage(id="d", record=replace(record, stand="2026"), text="", score=1.0)
    # a source written during the period may state an earlier time and still hold for it
    assert time_penalty("2021–2024: 25 Mio. Euro Landesmittel", current, query, finder, SCORING, set()) == 0


def test_names_that_are_everyday_words_count_only_as_named_places():
    assert PLACES.places_in("Mitte des 18. Jahrhunderts, ein Buch") == []
    assert PLACES.places_in("im Bezirk Mitte") == ["Mitte"]
    assert PLACES.places_in("Olof-Palme-Zentrum, Berlin-Mitte") == ["Mitte"]
    # a follow-up swap keeps the words that make the name a place
    swapped = PLACES.replace("Wie hoch ist es im Bezirk Mitte?", "Mitte", "Spandau")
    assert swapped == "Wie hoch ist es im Bezirk Spandau?"


def test_places_relate_through_districts_and_localities():
    assert PLACES.relation("Marzahn-Nord", "Marzahn-Hellersdorf") is Relation.INSIDE
    assert PLACES.relation("Marzahn-Hellersdorf", "Hellersdorf-Nord") is Relation.AROUND
    assert PLACES.relation("Marzahn-Nord", "Hellersdorf-Nord") is Relation.OTHER
    assert PLACES.relation("Spandau", "Marzahn-Hellersdorf") is Relation.OTHER
    assert PLACES.relation("Kosmosviertel", "Treptow-Köpenick") is Relation.INSIDE
    assert PLACES.relation("Spandau", "Berlin") is Relation.INSIDE
    # a corpus area the gazetteer does not list may lie anywhere: never "another place"
    assert PLACES.relation("Stadtrand Süd", "Neukölln") is Relation.UNKNOWN
    assert PLACES.relation("Stadtrand Süd", "Stadtrand Süd") is Relation.SAME
    assert PLACES.best_relation(["Spandau", "Marzahn-Nord"], ["Marzahn-Hellersdorf"]) is Relation.INSIDE
    assert PLACES.best_relation([], ["Spandau"]) is None
    # a figure for another area, compared with the city's, is that other area's figure …
    assert PLACES.best_relation(["Marzahn-Nord", "Berlin"], ["Hellersdorf-Nord"], figure=True) is Relation.OTHER
    assert PLACES.best_relation(["Berlin"], ["Hellersdorf-Nord"], figure=True) is Relation.AROUND
    # … while what holds in the district holds in its areas, whichever of them a sentence names as an example
    assert PLACES.best_relation(["Marzahn-Hellersdorf", "Marzahn-Nord"], ["Hellersdorf-Nord"]) is Relation.AROUND


def test_a_question_asks_about_the_places_it_names_but_not_those_it_excludes():
    def places(text: str) -> tuple[str, ...]:
        return build_query(text, glossary=GLOSSARY, cues=CUES).places

    assert places("Wie viele Arbeitslose gibt es in Lichtenberg?") == ("Lichtenberg",)
    assert places("Welche Pilotgebiete gab es außer Marzahn-Nord?") == ()
    assert places("Was gibt es neben dem Bezirk Mitte noch in Wedding?") == ("Wedding",)
    # only a place right after the excluding word is excluded
    assert places("Wie viele Kinder ohne Kitaplatz gibt es in Hellersdorf-Nord?") == ("Hellersdorf-Nord",)
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
    assert years("Was geschah seit dem Jahr 2015?") == ()
    assert years("Wie entwickelte sich das zwischen 2015 und 2020?") == ()
    assert years("Wie hoch war sie 2020 vor der Pandemie?") == ("2020",)
    assert years("Kinderarmut 2010 und 2015?") == ("2010", "2015")
    assert years("Wie viele Gebiete traf die Dürre von 2010?") == ("2010",)  # "von" here means "of"


def test_a_sentence_on_another_time_but_not_one_that_bounds_it():
    finder = SpanFinder.for_cues(CUES, GLOSSARY.areas)
    query = build_query("Wie viele Treffs gab es 2020?", glossary=GLOSSARY, cues=CUES)
    assert other_times(query, "Ende 2024 gab es zwölf Treffs.", finder) == (("2020",), ("Ende 2024",))
    assert other_times(query, "Seit 2015 gibt es zwölf Treffs.", finder) == ((), ())  # may hold for 2020
    assert other_times(query, "Es gibt zwölf Treffs.", finder) == ((), ())  # names no time
    assert other_times(query, "Die Zählung von 2020 fand zwölf Treffs, die von 2015 neun.", finder) == ((), ())


def test_a_gazetteer_file_with_an_area_of_unknown_location(tmp_path):
    path = tmp_path / "orte.yaml"
    path.write_text("stadt: Berlin\nbezirke:\n  Neukölln: [Neukölln, Britz]\nteilgebiete:\n  Schillerkiez:\n",
                    encoding="utf-8")
    places = load_gazetteer((), path)
    assert places.parents["Schillerkiez"] == ""
    assert places.relation("Schillerkiez", "Britz") is Relation.UNKNOWN
    assert places.relation("Britz", "Neukölln") is Relation.INSIDE
