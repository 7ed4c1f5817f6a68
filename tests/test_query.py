"""Question parsing and answer-span recognition: fast, no model, no index (the shipped cue data and glossary)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.citations import content_terms
from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex
from assistant.query import (
    Cues,
    absent_nouns,
    answer_type,
    build_query,
    concepts,
    named_chapter,
    rewrite_followup,
)
from assistant.spans import SpanFinder, older_than, past_dates
from tests.conftest import CORPUS

CUES = Cues.load(CORPUS)
GLOSSARY = Glossary.load(CORPUS)
FINDER = SpanFinder.for_cues(CUES, GLOSSARY.areas)
# headings as the indexer stores them for a guideline (section paths); the test does not rely on our PDF
HEADINGS = [
    ("leitfaden.pdf", "3. Ablauf"),
    ("leitfaden.pdf", "4. Die Kapitel eines GI-IHK – was hinein gehört"),
    ("leitfaden.pdf", "4. Die Kapitel eines GI-IHK – was hinein gehört > 4.2 Gebietsabgrenzung"),
    ("leitfaden.pdf", "4. Die Kapitel eines GI-IHK – was hinein gehört > 4.3 Bestandsaufnahme und Analyse"),
    ("leitfaden.pdf", "4. Die Kapitel eines GI-IHK – was hinein gehört > 4.7 Schlüsselmaßnahmen"),
    ("leitfaden.pdf", "4. Die Kapitel eines GI-IHK – was hinein gehört > 4.10 Finanzierung"),
]


def q(text: str, **kw):
    return build_query(text, glossary=GLOSSARY, cues=CUES, headings=HEADINGS, **kw)


@pytest.mark.parametrize(("question", "expected"), [
    ("Wann beginnt die Bürgerbeteiligung?", "date"),
    ("Seit wann gibt es das Quartiersmanagement?", "date"),
    ("In welchem Jahr startete das Programm?", "date"),
    ("Wie viele Stellen hat das Büro?", "number"),
    ("Wie hoch sind die Baukosten?", "number"),
    ("Wie viel Geld gibt es?", "number"),
    ("Welche Projekte gibt es und wie viele?", "number"),  # the question word may come last
    ("Wer entscheidet über das Konzept?", "organisation"),
    ("Bei welchem Amt kann ich nachfragen?", "organisation"),
    ("Wo findet das Treffen statt?", "place"),
    ("Was ist ein Handlungsraum?", "definition"),
    ("Was bedeutet Sozialraumorientierung?", "definition"),
    ("Wie schreibe ich die Einleitung?", "checklist"),
    ("Was gehört in den Anhang?", "checklist"),
    ("Warum gibt es die GI?", "reason"),
    ("wieso wurde dit abgelehnt", "reason"),
    ("Why was the area chosen?", "reason"),
    ("When was the plan adopted?", "date"),
    ("How many districts take part?", "number"),
    ("Who pays for the projects?", "organisation"),
    ("Where can I comment?", "place"),
    ("What is an action area?", "definition"),
    ("Welche Themen waren wichtig?", ""),
])
def test_answer_type_from_the_question_word(question, expected):
    assert answer_type(question, CUES) == expected


def test_cue_words_are_data_not_code():
    assert "wann" in CUES.question["date"] and "wie viele" in CUES.question["number"]
    assert "dreizehn" in CUES.words["number"] and CUES.months["märz"] == 3


def test_a_chapter_is_found_by_the_guidelines_own_headings_not_a_fixed_phrase():
    for wording in ("Wie schreibe ich das Kapitel Bestandsaufnahme im IHK?",
                    "Wie schreibe ich das Kapitel Bestandsaufnahme und Analyse?",
                    "Was gehört in die Bestandsaufnahme?"):
        query = q(wording, audience="staff")
        assert query.answer_type == "checklist", wording
        assert query.chapter == HEADINGS[3], wording
    assert named_chapter("Was gehört in das Kapitel Finanzierung des IHK?", HEADINGS, CUES)[1].endswith(
        "4.10 Finanzierung")
    # a compound heading is named by its head and the other part in other words
    assert named_chapter("Was gehört in das Kapitel zur räumlichen Abgrenzung des Gebiets?", HEADINGS, CUES)[1] \
        .endswith("4.2 Gebietsabgrenzung")
    # a heading the guideline does not have is not invented
    assert q("Wie schreibe ich das Kapitel Verkehr?").chapter is None
    # the generic chapter word alone names no chapter ("4. Die Kapitel eines GI-IHK …")
    assert q("Wie schreibe ich ein Kapitel?").chapter is None


def test_query_carries_focus_areas_years_and_expansions():
    query = q("Wie viele Schlüsselmaßnahmen hat das IHK für Marzahn-Nord 2020?")
    assert query.answer_type == "number"
    assert query.areas == ("Marzahn-Nord",) and query.years == ("2020",)
    assert "integriertes Handlungskonzept" in query.expansions
    terms = {c.term for c in query.focus}
    assert {"schlusselmassnahm", "ihk"} <= terms
    assert "wie" not in terms and "viele" not in terms  # question words are no focus terms


def test_the_words_setting_the_answer_type_weigh_least():
    texts = ["Die Arbeitslosigkeit ist hoch.", "Die Arbeitslosigkeit liegt bei 6,3 %.", "Ein hohes Haus.",
             "Seit 2018 gibt es die GI.", "Die GI-Seite des Bezirks.", "Die Mitglieder sind 18 Jahre alt."]
    lexical = LexicalIndex([f"c{i}" for i in range(len(texts))], texts)
    query = build_query("Wie hoch ist die Arbeitslosigkeit?", lexical=lexical, glossary=GLOSSARY, cues=CUES)
    weights = {c.term: c.weight for c in query.focus}
    assert lexical.idf("hoch") > lexical.idf("arbeitslos")  # the rarer word …
    assert weights["hoch"] <= weights["arbeitslos"]  # … is kept, but weighs no more than what is asked about
    # a word the glossary translates keeps its weight ("groß": Fläche)
    texts = ["Das Gebiet ist groß.", "Die Fläche des Gebiets.", "Das Gebiet im Norden.", "Ein Gebiet."]
    lexical = LexicalIndex([f"c{i}" for i in range(len(texts))], texts)
    query = build_query("Wie groß ist das Gebiet?", lexical=lexical, glossary=GLOSSARY, cues=CUES)
    weights = {c.term: c.weight for c in query.focus}
    assert weights["gross"] == pytest.approx(lexical.idf("gross"))
    assert weights["gross"] > weights["gebiet"]  # more than the least of the other terms, so it was not lowered


def test_seit_is_a_stop_word_but_seite_is_not():
    # "Seit wann …" asks for a date; the stem of "Seite" is the same, and a link list "auf der GI-Seite" is no answer
    lexical = LexicalIndex(["c0"], ["Seit 2018 gibt es die GI."])
    query = build_query("Seit wann gibt es die GI?", lexical=lexical, glossary=GLOSSARY, cues=CUES)
    assert "seit" not in {c.term for c in query.focus}
    assert "seit" in lexical.analyzer.terms("Die GI-Seite")


def test_a_long_form_in_the_question_also_finds_its_abbreviation():
    query = q("Wie viele Kinder leben von Grundsicherung?")
    concept = {c.term: c for c in query.focus}["grundsicher"]
    # "SGB-II-Bedarfsgemeinschaften" is about the Grundsicherung
    assert concept.found_in(content_terms("Minderjährige in SGB-II-Bedarfsgemeinschaften"))


def test_a_word_only_the_glossary_knows_weighs_like_its_translation():
    texts = ["Der Fonds gibt Geld für Nachbarschaftsprojekte.", "Geld für Vereine.", "Die Seilbahn fährt.",
             "Der Platz wird neu gestaltet."]
    lexical = LexicalIndex([f"c{i}" for i in range(len(texts))], texts)
    glossary = Glossary(synonyms={"Kohle": ("Geld",)})
    weights = {c.term: c.weight for c in concepts("Kohle für Nachbarschaftsprojekte", lexical, glossary)}
    assert weights["kohl"] == pytest.approx(lexical.idf("geld"))  # not the double weight of an unknown word
    unknown = {c.term: c.weight for c in concepts("Kohle für Nachbarschaftsprojekte", lexical, Glossary())}
    assert unknown["kohl"] > weights["kohl"]


def test_names_asked_about_are_abbreviations_and_words_with_inner_capitals():
    texts = ["Das KulturGut in Alt-Marzahn bietet Kurse.", "Die SPK koordiniert die Planung.", "Kein Name hier."]
    lexical = LexicalIndex([f"c{i}" for i in range(len(texts))], texts)
    query = build_query("Was kostet das KulturGut, und wer leitet die SPK oder die NASA?", lexical=lexical)
    assert [name for name, _ in query.names] == ["KulturGut", "SPK"]  # known to the corpus; the NASA is not
    assert build_query("Gibt es Kurse in Alt-Marzahn?", lexical=lexical).names == ()
    assert build_query("WAS KOSTET DAS KULTURGUT?", lexical=lexical).names == ()  # capitals mark no name here


def test_an_unknown_verb_weighs_like_a_known_term_an_unknown_noun_twice_the_rarest():
    texts = ["Die Leitung der SPK hat die Bezirkskoordination.", "Das Bad ist neu.", "Die SPK plant.",
             "Der Bezirk plant."]
    lexical = LexicalIndex([f"c{i}" for i in range(len(texts))], texts)
    rarest = 2.0 * lexical.idf("\x00")

    def weights(question: str) -> dict[str, float]:
        return {c.term: c.weight for c in concepts(question, lexical, Glossary())}

    cased = weights("Wer leitet im Bezirk die SPK?")  # "leitet": no document uses the verb, only "Leitung"
    assert cased["leit"] == pytest.approx(sorted([lexical.idf("bezirk"), lexical.idf("spk")])[1])
    assert weights("Wer baut im Bezirk ein Schwimmbad?")["schwimmbad"] == pytest.approx(rarest)  # a noun
    # written all in lower case, a verb cannot be told from a noun: every unknown word is telling
    assert weights("wer leitet im bezirk die spk")["leit"] == pytest.approx(rarest)


def test_the_rare_thing_a_short_question_asks_about_is_a_name():
    texts = ["Die Seilbahn fährt über den Park.", "Die Nutzung des Parks ist frei.", "Der Park ist groß.",
             "Der Park hat Bänke.", "Im Park gibt es Wege.", "Am Park liegt die Schule.", "Die Schule ist neu."]
    lexical = LexicalIndex([f"c{i}" for i in range(len(texts))], texts)
    assert build_query("Was kostet die Seilbahn?", lexical=lexical).names == (("Seilbahn", "seilbahn"),)
    # a noun in five of the seven chunks is a general word, not one thing
    assert build_query("Wie groß ist der Park?", lexical=lexical).names == ()
    # a question that asks about more than one or two known things describes its thing in other words too
    assert build_query("Wann fährt die Seilbahn über den Park zur Schule?", lexical=lexical).names == ()
    # only nouns: a question in lower case marks none
    assert build_query("was kostet die seilbahn", lexical=lexical).names == ()


def test_nouns_no_document_uses_are_named_as_written():
    texts = ["Das Stadtteilzentrum bietet Beratung für Familien.", "Der Bund fördert auf der Ebene der "
             "Länder.", "Kinderarmut im Bezirk: 31,8 %.", "Der Platz wird neu gestaltet."]
    lexical = LexicalIndex([f"c{i}" for i in range(len(texts))], texts)
    glossary = Glossary(synonyms={"Hilfe": ("Beratung",)})

    def absent(question: str) -> tuple[str, ...]:
        return absent_nouns(question, concepts(question, lexical, glossary), lexical)

    assert absent("Gibt es im Stadtteilzentrum ein Schwimmbad?") == ("Schwimmbad",)
    assert absent("Welche Software und welche Schwimmbad-Zeiten nennt das Stadtteilzentrum?") == (
        "Software", "Schwimmbad-Zeiten")
    assert absent("Schwimmbad gibt es?") == ()  # a sentence's first word may be anything
    assert absent("Wie hoch ist die Kinderamut im Bezirk?") == ()  # a typo of a corpus word
    assert absent("Was macht der Bund auf dieser Ebene?") == ()  # known words
    assert absent("Gibt es Bundesebene-Beratung?") == ()  # compounds of known words
    assert absent("Gibt es Hilfe für Familien?") == ()  # a glossary synonym of a corpus word
    assert absent("gibt es im stadtteilzentrum ein schwimmbad") == ()  # no nouns to tell apart in lower case
    assert absent("Gibt es 2030 Beratung für Familien?") == ()  # a number is no word


def test_followup_is_rewritten_and_keeps_its_own_question_word():
    hist = [{"role": "user", "content": "Wann wurde das Konzept für Hellersdorf-Nord erstellt?"}]
    query = q("Und in Marzahn-Nord?", history=hist)
    assert query.text == "Wann wurde das Konzept für Marzahn-Nord erstellt?"
    assert query.answer_type == "date" and query.areas == ("Marzahn-Nord",)
    assert q("Und wie viele Seiten hat es?", history=hist).answer_type == "number"
    assert rewrite_followup("Und in Marzahn-Nord?", None, GLOSSARY) == "Und in Marzahn-Nord?"


def test_upcoming_questions_are_recognised():
    assert q("Wann ist die nächste Sprechstunde?").upcoming
    assert q("When is the next meeting?").upcoming
    assert not q("Wann war die Sprechstunde?").upcoming


def _span(kind: str, sentence: str, question: str) -> str:
    found = FINDER.span(kind, sentence, q(question))
    return sentence[found[0]:found[1]] if found else ""


def test_answer_spans_of_each_type():
    assert _span("date", "Die Sprechstunde fand am Dienstag, 29.03.2022, von 13 bis 16 Uhr statt.",
                 "Wann war die Sprechstunde?") == "29.03.2022"
    assert _span("date", "Der Beschluss fiel am 30. Oktober 2018.", "Wann fiel der Beschluss?") == "30. Oktober 2018"
    assert _span("date", "Neues Verfahren 2025–2027 geplant.", "Wann kommt das Verfahren?") == "2025–2027"
    # the number next to what is asked about, with its unit; a date is no amount
    assert _span("number", "Am 12.05.2021 wurden zehn Schlüsselmaßnahmen und 3 Projekte vorgestellt.",
                 "Wie viele Schlüsselmaßnahmen gibt es?") == "zehn"
    assert _span("number", "Die Kosten wurden auf rund 11,5 Mio. Euro geschätzt.",
                 "Wie hoch sind die Kosten?") == "11,5 Mio. Euro"
    assert _span("organisation", "Im Bezirk koordiniert die Sozialraumorientierte Planungskoordination (SPK) "
                 "die Arbeit.", "Wer koordiniert die Arbeit?") == "Sozialraumorientierte Planungskoordination (SPK)"
    assert _span("place", "Kommentare waren online auf mein.berlin.de möglich.",
                 "Wo konnte man kommentieren?") == "mein.berlin.de"
    assert _span("place", "Die Sprechstunde war auf dem Alice-Salomon-Platz.",
                 "Wo war die Sprechstunde?") == "Alice-Salomon-Platz"
    assert _span("number", "Das Programm ist wichtig.", "Wie viele Programme gibt es?") == ""
    # a number word may open a hyphenated compound
    assert FINDER.strength("number", "Die sechs-malige Grammy-Gewinnerin sang.", q("Wie viele Grammys gewann sie?")) > 0
    # … but a noun compound names a thing
    assert FINDER.strength("number", "Eine Vier-Felder-Tabelle je Handlungsfeld.", q("Wie viele Handlungsfelder?")) == 0


def test_a_number_the_question_names_or_a_house_number_is_no_amount():
    query = q("Wie viele Grundschulen haben mindestens 75 % lmb-Anteil?")
    assert FINDER.strength("number", "Die Grenze liegt bei mindestens 75 % lmb-Anteil.", query) == 0
    assert FINDER.strength("number", "Es sind 120 Grundschulen mit mindestens 75 %.", query) == 1
    query = q("Wie viele Zuschauer passen ins Theater?")
    assert FINDER.strength("number", "Genutzt wird das Theater (Märkische Allee 410).", query) == 0
    assert FINDER.strength("number", "Das Theater an der Rosenbecker Str. 3 hat 200 Plätze für Zuschauer.",
                           query) == 1
    assert _span("number", "Das Theater an der Rosenbecker Str. 3 hat 200 Plätze für Zuschauer.",
                 "Wie viele Zuschauer passen ins Theater?") == "200"
    # an amount after a compound that ends like a street is no house number
    assert _span("number", "Für jeden Kitaplatz 250 Euro zahlen Eltern.", "Wie viel zahlen Eltern?") == "250 Euro"
    assert FINDER.strength("number", "Auf dem Ausbildungsmarkt 500 Stellen.", q("Wie viele Stellen gibt es?")) == 1


def test_definitions_name_the_term_and_say_what_it_is():
    query = q("Was ist ein Ressortbeitrag?")
    assert FINDER.strength("definition", "Ein Ressortbeitrag ist ein Programm einer Senatsverwaltung.", query) == 1
    assert FINDER.strength("definition", "„Berlin bewegt sich“: Bewegungsangebote in Parks.",
                           q("Was ist Berlin bewegt sich?")) == 1
    assert FINDER.strength("definition", "Die Senatsverwaltung benennt jeden Ressortbeitrag.", query) == 0
    # the term must be what its clause is about, not follow another noun
    query = q("Was ist eine Schlüsselmaßnahme?")
    assert FINDER.strength("definition", "Wunschliste statt Schlüsselmaßnahmen: zu viele Maßnahmen.", query) == 0
    assert FINDER.strength("definition", "Die Liste der Schlüsselmaßnahmen ist lang.", query) == 0
    assert FINDER.strength("definition", "Die wichtigsten Schlüsselmaßnahmen sind ressortübergreifend.", query) == 1
    assert FINDER.strength("definition", "Inhalt: Die Schlüsselmaßnahme ist der Kern des Konzepts.", query) == 1
    # an adjective opening the sentence is capitalised too
    assert FINDER.strength("definition", "Sogenannte Schlüsselmaßnahmen sind der Kern des Konzepts.", query) == 1


def test_dates_are_compared_with_an_injected_today():
    sentence = "Mobile Sprechstunde am Dienstag, 29.03.2022, auf dem Platz."
    assert past_dates(sentence, FINDER, date(2026, 1, 1)) == ["29.03.2022"]
    assert past_dates(sentence, FINDER, date(2022, 3, 1)) == []
    assert older_than("2020", 3, date(2026, 1, 1), FINDER)
    assert not older_than("März 2022", 3, date(2024, 6, 1), FINDER)
    assert older_than("2020/21 (amtlicher Leitfaden)", 3, date(2025, 1, 1), FINDER)
    assert not older_than("ohne Datum", 3, date(2026, 1, 1), FINDER)


def test_a_neighbourhood_called_viertel_is_no_number():
    question = q("Wie viele Menschen wohnen im Gelben Viertel?")
    assert FINDER.strength("number", "Die Gegend liegt nördlich vom Gelben Viertel.", question) == 0.0
    assert FINDER.strength("number", "Im Gelben Viertel wohnen 3.000 Menschen.", question) == 1.0


def test_a_name_answers_who_less_clearly_than_a_named_body():
    finder = SpanFinder(Cues.load(CORPUS))
    query = q("Wer hielt zuvor den Rekord als ältester Spieler?")
    assert query.answer_type == "organisation"
    assert finder.strength("organisation", "Den Rekord hielt zuvor John Elway mit 38 Jahren.", query) == 0.5
    assert finder.strength("organisation", "Das Bezirksamt hielt den Rekord.", query) == 1.0
    # no name: capitalised nouns next to each other only where the question names them, or one noun alone
    assert finder.strength("organisation", "Mit 39 Jahren ist er der älteste Spieler.", query) == 0.0
    assert finder.strength("organisation", "Er hielt den Rekord als ältester Spieler lange.", query) == 0.0
    # German capitalises every noun: noun phrases and the polite "Sie" are no names
    for sentence in ("Wenn Sie Fragen haben, helfen wir gern weiter.", "Im Sommer Kinder zu betreuen ist schwer.",
                     "Dort läuft das Programm Soziale Stadt bis 2027."):
        assert finder.strength("organisation", sentence, query) == 0.0, sentence


def test_a_short_abbreviation_is_expanded_in_its_case_or_in_a_question_without_capitals():
    glossary = Glossary(abbreviations={"GI": "Gemeinschaftsinitiative", "BA": "Bezirksamt"})
    assert "Gemeinschaftsinitiative" in glossary.expand("Wann wurde die GI beschlossen?")
    # "ba" in a cased question is no abbreviation (the writer marks abbreviations by their capitals) …
    assert glossary.expand("Wie heißt die ba Straße?") == "Wie heißt die ba Straße?"
    # … but whoever writes all in lower case marks none
    assert "Gemeinschaftsinitiative" in glossary.expand("wann wurde die gi beschlossen")
    assert "Bezirksamt" in glossary.expand("was macht das ba")
    # unless, written in lower case, it is an ordinary word: "qm" are square metres
    glossary = Glossary(abbreviations={"QM": "Quartiersmanagement"}, lowercase_words=frozenset({"qm"}))
    assert glossary.expand("wie viele qm hat das haus") == "wie viele qm hat das haus"
    assert "Quartiersmanagement" in glossary.expand("Seit wann gibt es das QM?")


def test_glossary_synonyms_stand_for_each_other_in_both_directions():
    glossary = Glossary(synonyms={"Senatsverwaltung": ("Ressort",),
                                  "Leute": ("Menschen", "Einwohnerinnen und Einwohner")})
    assert glossary.synonymous("Ressorts", "Senatsverwaltungen") and glossary.synonymous("Senatsverwaltung", "Ressort")
    assert glossary.synonymous("Einwohner", "Leute")
    assert not glossary.synonymous("Wege", "Menschen")


@pytest.mark.parametrize(("question", "english"), [
    ("When did the Berlin Senate adopt the Gemeinschaftsinitiative?", True),
    ("Which body adopts the integrated action concept?", True),  # few function words, but no German ones
    ("How long may construction projects run under Europa im Quartier?", True),  # a German name inside
    ("Was ist in Marzahn los?", False),  # "was", "in" are German words too
    ("was is in dem plan", False),
    ("Wie viele Handlungsräume hat der Senat festgelegt?", False),
])
def test_english_questions_are_told_from_german_ones(question, english):
    from assistant.language import is_english

    assert is_english(question) is english


def test_english_glossary_words_apply_to_english_questions_only():
    glossary = Glossary(english={"senate": ("Senat", "Senatsverwaltung")})
    assert "Senatsverwaltung" in glossary.expand("When did the senate decide?")
    # "Senat" is stemmed like "senate": a German question does not get the English entry's words
    assert glossary.expand("Wann hat der Senat beschlossen?") == "Wann hat der Senat beschlossen?"
    assert "senate" not in glossary.synonyms_for("Wann hat der Senat beschlossen?")


def test_apostrophes_in_words_open_no_quotation():
    from assistant.query import _QUOTED

    assert [m.group(1) for m in _QUOTED.finditer("What's the rate in 'Europa im Quartier'?")] == [
        "Europa im Quartier"]
    assert [m.group(1) for m in _QUOTED.finditer("Was gibt's Neues zum „Stadtteilzentrum“?")] == ["Stadtteilzentrum"]
