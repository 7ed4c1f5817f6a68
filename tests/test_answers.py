"""Retrieval and answers on the shipped corpus (indexed once per session with the real model)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistant.answer import ONLY_PAST, REFUSAL, normalise_audience, rewrite_followup
from assistant.citations import claims, support
from assistant.glossary import Glossary
from assistant.query import Cues, build_query
from assistant.spans import SpanFinder
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow

KNOWN = [
    ("Welche Beschlussnummer hat der Senatsbeschluss zur GI?", "senatsbeschluss-2018.pdf", "S-1658/2018"),
    ("Wann war die mobile Sprechstunde auf dem Alice-Salomon-Platz?", "flyer-ideen-fuer-hellersdorf.pdf",
     "29.03.2022"),
    ("Wie hoch wurden die Kosten für das Stadtteilhaus am Barnimplatz geschätzt?", "ihk-marzahn-nord-2020.pdf",
     "11,5 Mio. Euro"),
    # led by another sentence until the terms of the sentence before counted too (Scoring.previous_share)
    ("Ab welchem Anteil lernmittelbefreiter Schüler zählt eine Grundschule?", "handlungsraeume.pdf", "75 %"),
    ("Mit wie vielen Stellen startete die OE SPK?", "marzahn-hellersdorf-spk.html", "drei Stellen"),
]


@pytest.mark.parametrize(("question", "doc", "fact"), KNOWN)
def test_known_questions_find_their_document_and_fact(shipped, question, doc, fact):
    passages = shipped.search(question, 3)
    assert doc in [p.doc for p in passages]
    answer = shipped.ask(question)
    assert not answer.refused
    assert fact in claims(answer.text)[0][0].replace("**", "")  # the lead states it (the answer span is bold)
    # … and the passage it cites says so (another document may state the same fact: the lead cites one source)
    assert fact in answer.citations[0].text


def test_every_statement_cites_a_listed_supporting_source(shipped):
    answer = shipped.ask("Was gehört in den Steckbrief einer Schlüsselmaßnahme?", audience="staff")
    by_n = {c.n: c for c in answer.citations}
    statements = claims(answer.text)
    assert statements
    assert any("eindeutige Kurzbezeichnung" in text for text, _ in statements)  # the Steckbrief table rows
    for text, numbers in statements:
        assert numbers, text
        for n in numbers:
            assert support(text, by_n[n].text) >= 0.6
    c = answer.citations[0]
    assert c.url.startswith("/dokumente/") and c.page_label and c.reconstruction


@pytest.mark.parametrize("question", ["Wie schreibe ich das Kapitel Bestandsaufnahme und Analyse?",
                                      "Wie schreibe ich das Kapitel Bestandsaufnahme im IHK?"])
def test_staff_howto_gets_a_checklist_from_the_guideline(shipped, question):
    answer = shipped.ask(question, audience="staff")
    assert answer.answer_type == "checklist"
    assert answer.text.startswith("Laut Leitfaden gehört in das Kapitel „4.3 Bestandsaufnahme und Analyse“")
    assert answer.text.count("- [ ]") >= 3
    assert {c.doc for c in answer.citations} == {"leitfaden-gi-ihk.pdf"}
    assert all("4.3 Bestandsaufnahme" in c.section for c in answer.citations)


def test_a_named_chapter_gets_its_checklist_for_everyone_but_citizens(shipped):
    question = "Was gehört in das Kapitel zur räumlichen Abgrenzung des Gebiets?"
    answer = shipped.ask(question)
    assert answer.text.startswith("Laut Leitfaden gehört in das Kapitel „4.2 Gebietsabgrenzung“"), answer.text
    assert all("4.2 Gebietsabgrenzung" in c.section for c in answer.citations)
    # citizens get a short answer, no checklist; without a named chapter only staff get one
    assert "- [ ]" not in shipped.ask(question, audience="citizen").text
    assert "- [ ]" not in shipped.ask("Wie schreibe ich ein gutes Konzept?").text


def test_a_chapter_is_named_in_other_words_through_the_glossary(shipped):
    # "Vorzüge und Defizite" are the guideline's "Stärken und Schwächen" (corpus/glossary.yaml synonyms)
    answer = shipped.ask("Was muss ich im Abschnitt über die Vorzüge und Defizite des Quartiers darstellen?",
                         audience="staff")
    assert answer.text.startswith("Laut Leitfaden gehört in das Kapitel „4.4 Stärken und Schwächen“"), answer.text


def test_citizens_get_short_plain_answers(shipped):
    staff = shipped.ask("Was ist die Gemeinschaftsinitiative?", audience="staff")
    citizen = shipped.ask("Was ist die Gemeinschaftsinitiative?", audience="citizen")
    assert len(claims(citizen.text)) <= 3
    assert "[Praxis]" not in citizen.text and "[GI]" not in citizen.text
    assert len(claims(citizen.text)) <= len(claims(staff.text))


@pytest.mark.parametrize("question", [
    "Wer hat die Fußball-WM 2014 gewonnen?",
    "Wie melde ich einen kaputten Gehweg?",
    "Wie wird das Wetter morgen in Berlin?",
])
def test_questions_the_corpus_cannot_answer_are_refused_with_a_real_contact(shipped, question):
    answer = shipped.ask(question)
    assert answer.refused
    assert answer.text.startswith(REFUSAL)
    assert "Sozialraumorientierte Planungskoordination (SPK)" in answer.text  # named in the corpus
    assert answer.citations  # the closest documents are shown


def test_a_refusal_names_the_contact_that_fits_and_is_short_for_citizens(shipped):
    # the platform for current participation, not the district office named first in the glossary
    answer = shipped.ask("Welche aktuellen Beteiligungen zum Schwimmbad in Spandau laufen?")
    assert answer.refused, answer.text
    asked_at = answer.text.split("Fragen Sie am besten bei dieser Stelle nach: ")[1]
    assert asked_at.startswith("Beteiligungsplattform"), answer.text
    assert "Weitere Ansprechstellen" in answer.text and "Am nächsten kommen diese Dokumente" in answer.text
    # on a phone: one contact, and the closest documents only below the answer, as sources
    citizen = shipped.ask("wer is n der bürgermeister vom bezirk", audience="citizen")
    assert citizen.refused and citizen.citations, citizen.text
    assert "Weitere Ansprechstellen" not in citizen.text and "Am nächsten kommen" not in citizen.text
    assert len(citizen.text) < 400, citizen.text


@pytest.mark.parametrize("question", ["An wen kann ich mich wenden?", "Wer ist mein Ansprechpartner?"])
def test_a_question_for_whom_to_ask_is_answered_with_the_contact(shipped, question):
    # nothing else is asked: the contact is the answer, not "Dazu steht … nichts" (and "Ansprechpartner" is a word
    # of the question, not a thing the documents lack)
    answer = shipped.ask(question, audience="citizen")
    assert answer.text.startswith("Ansprechstelle für Fragen zur GI"), answer.text
    assert REFUSAL not in answer.text and not answer.absent and "**" not in answer.text
    # the contact is cited from the document that names it, and marked as the answering phrase
    assert not answer.refused and answer.answer_span.startswith("Bezirksamt Marzahn-Hellersdorf")
    assert [c.doc for c in answer.citations] == ["marzahn-hellersdorf-spk.html"]
    assert answer.answer_span in " ".join(answer.citations[0].text.split())
    # with something else asked, the documents answer or the refusal stays
    for other in ("Wie heißt die Ansprechperson bei den raumplanern für Hellersdorf-Nord?",
                  "Wer ist Ansprechpartner für Wohngeld?"):
        answer = shipped.ask(other)
        assert answer.refused and answer.text.startswith(REFUSAL), answer.text


def test_citizens_source_cards_show_no_source_marks_or_table_pipes(shipped):
    from assistant.render import answer_markdown, sources_html

    question = "Wer koordiniert die Erarbeitung im Bezirk?"
    citizen = shipped.ask(question, audience="citizen")
    assert any("[GI]" in c.text and " | " in c.text for c in citizen.citations)  # the guideline's table row
    cards = sources_html(citizen)
    assert "[GI]" not in cards and " | " not in cards and " · " in cards
    assert " ." not in cards and " :" not in cards and ".:" not in cards  # no debris where a mark stood
    staff = shipped.ask(question, audience="staff")
    assert "[GI]" in sources_html(staff)  # staff see the marks their answers explain
    # a checklist item is a list item, not a box inside a bullet
    checklist = shipped.ask("Wie schreibe ich das Kapitel Bestandsaufnahme und Analyse?", audience="staff")
    markdown = answer_markdown(checklist)
    assert "\n- " in markdown and "☐" not in markdown and "[ ]" not in markdown
    assert "☐ " in checklist.plain_text()  # copied into Word, the items keep their boxes


def test_opening_hours_are_asked_for_in_everyday_words(shipped):
    answer = shipped.ask("wann macht das bürgeramt auf", audience="citizen")
    assert answer.refused and "Öffnungs- oder Sprechzeiten nennen sie nicht." in answer.text, answer.text


def test_how_much_money_is_answered_by_a_sum_not_a_rate(shipped):
    cues = Cues.load(CORPUS)
    query = build_query("Wie viel Geld gibt es für Bauprojekte?", cues=cues)
    assert "Euro" in query.unit and "Dollar" in query.unit
    finder = SpanFinder(cues)
    sentence = "Der Zuschuss beträgt bis zu 40 % der Kosten; Bauprojekte ab 500.000 Euro."
    start, end = finder.span("number", sentence, query)
    assert sentence[start:end] == "500.000 Euro"
    assert finder.strength("number", "Die Förderquote beträgt bis zu 40 % der Kosten.", query) == 0


def test_follow_up_uses_the_conversation(shipped):
    history = [{"role": "user", "content": "Wie viele Minderjährige leben in Hellersdorf-Nord in "
                                           "SGB-II-Bedarfsgemeinschaften?"},
               {"role": "assistant", "content": "36,8 % [1]"}]
    answer = shipped.ask("Und in Marzahn-Nord?", history=history)
    assert "Marzahn-Nord" in answer.search_query and "Hellersdorf-Nord" not in answer.search_query
    assert "31,8 %" in answer.text


def test_follow_up_rewriting_rules():
    g = Glossary.load(CORPUS)
    hist = [["Wann wurde das Konzept für Hellersdorf-Nord erstellt?", "2022"]]
    assert rewrite_followup("Und in Marzahn-Nord?", hist, g) == "Wann wurde das Konzept für Marzahn-Nord erstellt?"
    assert rewrite_followup("Und wer hat es erarbeitet?", hist, g).startswith("Wann wurde das Konzept")
    long = "Welche Mindestgröße haben Projekte bei Europa im Quartier?"
    assert rewrite_followup(long, hist, g) == long
    assert rewrite_followup("Und in Marzahn-Nord?", None, g) == "Und in Marzahn-Nord?"


def test_filters_restrict_retrieval(shipped):
    only_flyers = shipped.search("Sprechstunde", 5, {"types": ["Flyer"]})
    assert only_flyers and {p.type for p in only_flyers} == {"Flyer"}
    marzahn = shipped.search("Schlüsselmaßnahmen", 5, {"areas": ["Marzahn-Nord"]})
    assert marzahn and all("Marzahn-Nord" in p.areas for p in marzahn)
    one = shipped.search("Kosten", 5, {"docs": ["ihk-marzahn-nord-2020.pdf"]})
    assert {p.doc for p in one} == {"ihk-marzahn-nord-2020.pdf"}


def test_spelling_variants_acronyms_and_english(shipped):
    assert shipped.search("Schluesselmassnahmen Steckbrief", 3)[0].doc == "leitfaden-gi-ihk.pdf"
    assert "marzahn-hellersdorf-spk.html" in [p.doc for p in shipped.search("Was macht die SPK?", 3)]
    english = shipped.ask("When did the Berlin Senate adopt the Gemeinschaftsinitiative?")
    assert not english.refused and "30.10.2018" in english.text
    assert "The documents are in German" in english.notice  # the answer is in the documents' German
    assert "The documents are in German" not in shipped.ask("Wann wurde die GI beschlossen?").notice
    # English words the glossary gives in German ("body" … "adopts": beschließt, "concept": Handlungskonzept)
    english = shipped.ask("Which body adopts the integrated action concept?")
    assert not english.refused and "Bezirksamt" in lead_of(english), english.text
    # "who was the senator" insists on a name
    english = shipped.ask("Who was the senator for urban development and housing when the initiative was adopted "
                          "in 2018?")
    assert not english.refused and english.answer_span == "Katrin Lompscher", english.text
    # a name with an inner capital is a name in English too: the documents give no money for the KulturGut
    english = shipped.ask("How much money does the KulturGut receive per year?")
    assert english.refused and "„KulturGut“" in english.text, english.text
    # "a share of total costs" asks for a share, not for a price
    query = shipped.parse("What is the usual grant rate, as a share of total costs?")
    assert query.needs == ()


@pytest.mark.parametrize(("question", "expected"), [
    ("wann kam die pressemitteilung zur beteiligung raus", "04.03.2022"),  # "kam", "raus": spoken fillers
    ("wie viele leute kriegen im bezirk hartz 4", "37.007"),  # "Hartz": the glossary's SGB II
    ("wo kann ich mit bezirksverordneten reden", "Einwohnerversammlungen"),  # "reden": sprechen
    ("bis wann konnte man übers handy noch ideen für hellersdorf reinschicken", "27.03.2022"),  # "Handy": online
])
def test_questions_in_spoken_words(shipped, question, expected):
    answer = shipped.ask(question, audience="citizen")
    assert not answer.refused and expected in lead_of(answer), answer.text


def test_audience_names():
    assert normalise_audience("Verwaltung") == "staff"
    assert normalise_audience("Bürgerinnen und Bürger") == "citizen"
    with pytest.raises(ValueError, match="Unbekannte Zielgruppe"):
        normalise_audience("alien")


# ---------------------------------------------------------------- the lead statement

FINDER = SpanFinder.for_cues(Cues.load(CORPUS), Glossary.load(CORPUS).areas)


def lead_of(answer) -> str:
    return claims(answer.text)[0][0]


def bold(text: str) -> list[str]:
    return re.findall(r"\*\*(.+?)\*\*", text)


# New questions (not in evals/*.jsonl), one per question word: the lead holds what the question word asks for,
# the answering phrase is bold and returned as answer_span, and it is of the asked type.
LEADS = [
    ("Wer hat die GI beschlossen?", "organisation", "Senat"),
    ("Wer koordiniert die GI im Bezirk Marzahn-Hellersdorf?", "organisation", "Planungskoordination"),
    ("Wann hat der Berliner Senat die Gemeinschaftsinitiative verabschiedet?", "date", "2018"),
    ("Wie viele Handlungsräume hat der Senat festgelegt?", "number", "13"),
    ("Wo konnten Bürgerinnen und Bürger online mitreden?", "place", "mein.berlin.de"),
    # "seit" frames the question; it is not the "Seite" of a link list ("auf der GI-Seite der SPK")
    ("Seit wann gibt es die Gemeinschaftsinitiative?", "date", "2018"),
]


@pytest.mark.parametrize(("question", "kind", "fact"), LEADS)
def test_the_lead_answers_with_the_asked_type(shipped, question, kind, fact):
    answer = shipped.ask(question)
    assert not answer.refused and answer.answer_type == kind
    lead = lead_of(answer)
    assert fact in lead, answer.text
    assert answer.answer_span and bold(lead) == [answer.answer_span]
    assert fact in answer.answer_span
    span = answer.answer_span
    if kind == "date":
        assert FINDER.dates(span)
    if kind == "number":
        assert re.search(r"\d", span) or span.lower() in Cues.load(CORPUS).words["number"]


def test_what_is_questions_lead_with_a_defining_sentence(shipped):
    answer = shipped.ask("Was bedeutet GI-IHK?")
    assert answer.answer_type == "definition" and not answer.refused
    assert re.search(r"GI-IHK\W+(ist|bezeichnet|bedeutet)", lead_of(answer)), answer.text


def test_count_questions_say_the_number_the_corpus_gives(shipped):
    areas = shipped.ask("Wie viele Gebiete werden berlinweit gefördert?")
    assert re.search(r"\b(13|dreizehn)\b", lead_of(areas)), areas.text
    assert areas.answer_span in ("13", "dreizehn")
    measures = shipped.ask("Welche Schlüsselmaßnahmen braucht ein Handlungskonzept und wie viele?")
    assert measures.answer_type == "number"
    assert "zehn" in lead_of(measures) and measures.answer_span == "zehn", measures.text


@pytest.mark.parametrize("audience", ["citizen", "general"])
def test_answers_are_short_lead_plus_little(shipped, audience):
    answer = shipped.ask("Wer koordiniert die GI im Bezirk Marzahn-Hellersdorf?", audience=audience)
    assert len(claims(answer.text)) <= (2 if audience == "citizen" else 3)


def test_a_past_event_reads_as_past(shipped):
    # the timetable announces the second telephone consultation hour; asked in 2026 it reads as past
    question = "Wann fand die zweite telefonische Sprechstunde statt?"
    later = shipped.ask(question, today=date(2026, 1, 15))
    assert "16.03.2022" in later.answer_span
    assert lead_of(later).startswith("Bereits vergangen, fand am 16.03.2022 statt:")
    # the lead's source (Stand 2022 or March 2022) is more than three years old by then
    assert f"Stand {later.citations[0].stand}" in later.notice and "älter als 3 Jahre" in later.notice
    # the quoted source sentence itself is unchanged
    assert any("16.03.2022" in h for c in later.citations for h in c.highlights)
    before = shipped.ask(question, today=date(2022, 3, 10))
    assert not lead_of(before).startswith("Bereits vergangen") and not before.notice
    assert "16.03.2022" in before.answer_span


def test_the_reference_date_of_a_figure_is_no_past_event(shipped):
    # "36,8 % | 31.12.2024, Bericht …": the date says when the figure held; nothing "took place"
    answer = shipped.ask("Wie hoch ist die Kinderarmut in Hellersdorf-Nord?", today=date(2026, 11, 27))
    assert "36,8 %" in lead_of(answer).replace("**", "")
    assert "Bereits vergangen" not in answer.text


def test_a_day_asked_in_a_month_is_no_day_of_another_month(shipped):
    # the Stadtteildialog Hellersdorf was on 09.12.2022; the documents give no day for the one in October
    answer = shipped.ask("An welchem Tag im Dezember war der Stadtteildialog Hellersdorf?")
    assert not answer.refused and answer.answer_span == "09.12.2022", answer.text
    answer = shipped.ask("an welchem tag jenau im oktober war dit bürjertreffen in marzahn?", audience="citizen")
    assert answer.refused and "09.12.2022" not in answer.text.split("Fragen Sie")[0], answer.text
    assert FINDER.asked_months("Ab welchem Tag im März 2022 lief das?") == {3}
    # "Mitte" is a district, not a month; a day without a year is read by its month; a period by all of them
    assert FINDER.asked_months("An welchem Tag war die Versammlung in Mitte?") == set()
    october = build_query("An welchem Tag im Oktober war die Versammlung?", cues=Cues.load(CORPUS))
    for held in ("Sie fand am 3. Oktober statt.", "Sie fand am Montag, 3.10., statt.",
                 "Sie lief vom 28.09.2022 bis zum 02.10.2022."):
        assert FINDER.strength("date", held, october) == 1, held
    for other in ("Sie fand am 9.12. statt.", "Sie fand am 09.12.2022 statt."):
        assert FINDER.strength("date", other, october) == 0, other


def test_a_question_naming_a_day_is_answered_by_that_day(shipped):
    # two consultation hours on the same square: the one on the day asked about leads, whatever the wording
    answer = shipped.ask("Was war am 3. März auf dem Alice-Salomon-Platz?", audience="citizen")
    assert "03.03.2022" in lead_of(answer)
    other = shipped.ask("Was war am 29.3. auf dem Alice-Salomon-Platz?", audience="citizen")
    assert "29.03.2022" in lead_of(other) or "29.3." in lead_of(other)


@pytest.mark.parametrize(("question", "expected"), [
    ("Was macht die SPK?", "Die Koordination übernimmt"),  # "die Koordination …;" in the document
    ("Wo finde ich die genauen Daten zum Zeitplan?", "Internetauftritt des Bezirksamts Marzahn-Hellersdorf. ["),
    ("Wie heißt das Planungsbüro, das den Leitfaden erarbeitet hat?", "„die raumplaner“. ["),
    ("Wo finde ich das Handlungskonzept Hellersdorf-Nord?", "**mein.berlin.de**"),  # a name stays lower case
])
def test_list_items_are_quoted_as_sentences(shipped, question, expected):
    # items of a list or table in the documents begin in lower case, end with ";", a bracket or a quoted name
    text = shipped.ask(question).text
    assert expected in text, text
    assert ";." not in text and ",." not in text, text


def test_a_lead_does_not_open_by_pointing_back(shipped):
    # "Dort ist die Geschäftsstelle … angesiedelt." says nothing without the sentence before it
    lead = lead_of(shipped.ask("Was ist die Gemeinschaftsinitiative?", audience="citizen"))
    assert not re.match(r"\W*(Dort|Diese[rsmn]?|Dies|Hier|Damit|Dabei)\b", lead), lead


@pytest.mark.parametrize(("question", "missing"), [
    # opening hours: no time of day in the documents
    ("Wann hat das Stadtteilzentrum in der Rosenbecker Straße auf?", "Öffnungs- oder Sprechzeiten"),
    ("Welche Telefonnummer hat die Planungskoordination?", "Telefonnummer"),  # a contact the documents do not give
    ("Wer ist der Bezirksbürgermeister?", "Namen"),  # the documents name offices, not who heads them
    ("wer is bürgermeister in marzahn", "Namen"),  # without an article, in spoken words
    ("Wie oft tagt die Lenkungsgruppe?", "Wie oft"),  # its tasks, but no rhythm
    ("Welches Honorar erhielt das Planungsbüro für das Konzept Hellersdorf-Nord?", "Betrag"),
    ("Wer leitet das Planungsbüro die raumplaner?", "Namen"),  # the office is named, not who heads it
    # a count: the day and the hours of the Sprechstunde are no number of people ("von 13 bis 16 Uhr")
    ("Wie viele Menschen haben an der mobilen Sprechstunde teilgenommen?", "Zahl"),
])
def test_a_question_insisting_on_a_fact_the_documents_lack_is_refused(shipped, question, missing):
    answer = shipped.ask(question, audience="citizen")
    assert answer.refused and answer.text.startswith(REFUSAL)
    assert missing in answer.text.split("\n")[0], answer.text  # the refusal says what the documents lack


@pytest.mark.parametrize(("question", "asked"), [
    ("Wie hoch ist die Arbeitslosigkeit in Neukölln?", "Neukölln"),  # the documents give the district's figure only
    ("Wie viele Einwohner hat Reinickendorf?", "Reinickendorf"),
    # a compass part of a district the place list does not name
    ("Wie hoch ist der Anteil der Kinder in Familien mit Grundsicherung in Neukölln-Nord?", "Neukölln-Nord"),
])
def test_a_figure_for_another_place_is_no_answer(shipped, question, asked):
    answer = shipped.ask(question, audience="citizen")
    assert answer.refused and answer.text.startswith(REFUSAL)
    # the refusal says for which place the documents do have it
    assert re.search(rf"Die nächstliegende Angabe betrifft [^.]+, nicht {asked}: „[^“]+“ \[1\]", answer.text), \
        answer.text  # and quotes what the documents say for that other place
    assert answer.citations[0].highlights, answer.citations  # the quoted statement is marked in its source


@pytest.mark.parametrize("audience", ["citizen", "general"])
def test_a_figure_for_the_place_around_the_asked_area_is_no_answer(shipped, audience):
    # the documents give the population of the Ortsteil Hellersdorf, which holds the area, not of the area
    answer = shipped.ask("Wie viele Einwohner hat Hellersdorf-Nord?", audience=audience)
    assert answer.refused and answer.text.startswith(REFUSAL), answer.text
    if "85.500" in answer.text:  # quoted as what the documents say instead, for the wider place
        assert "Die nächstliegende Angabe betrifft Hellersdorf, nicht Hellersdorf-Nord" in answer.text, answer.text
    # the figure of the place asked about still answers
    answer = shipped.ask("Wie viele Einwohner hat der Ortsteil Hellersdorf?", audience=audience)
    assert not answer.refused and "85.500" in lead_of(answer), answer.text
    # not only for the corpus's own areas: the district's unemployment rate is none for the Ortsteil Marzahn,
    # nor is the population of Hellersdorf, which the same table holds, a rate for Hellersdorf
    answer = shipped.ask("Wie hoch ist die Arbeitslosigkeit in Marzahn?", audience=audience)
    assert answer.refused and answer.text.startswith(REFUSAL), answer.text
    answer = shipped.ask("Wie hoch ist die Arbeitslosigkeit in Hellersdorf?", audience=audience)
    assert answer.refused and "Die nächstliegende Angabe betrifft Marzahn-Hellersdorf, nicht Hellersdorf" \
        in answer.text, answer.text
    answer = shipped.ask("Wie hoch ist die Arbeitslosigkeit in Marzahn-Hellersdorf?", audience=audience)
    assert not answer.refused and "6,3 %" in lead_of(answer), answer.text


def test_a_figure_for_a_part_is_no_answer_about_all_of_a_place(shipped):
    cues, glossary = Cues.load(CORPUS), Glossary.load(CORPUS)
    def whole(question: str) -> tuple[str, ...]:
        return build_query(question, cues=cues, glossary=glossary).whole_places

    assert whole("Wie viel Geld floss in ganz Berlin?") == ("Berlin",)
    assert whole("Wie viel Geld floss im gesamten Bezirk Mitte?") == ("Mitte",)
    assert whole("How much money went to the whole of Berlin?") == ("Berlin",)
    assert whole("Wie viel Geld floss in Berlin?") == ()
    # only the place asked about as a whole: a figure for Marzahn-Nord is one for Marzahn-Hellersdorf's part
    both = build_query("Wie viel Geld floss in ganz Berlin und in Marzahn-Hellersdorf?", cues=cues, glossary=glossary)
    assert both.whole_places == ("Berlin",)
    from assistant.places import Relation
    from assistant.scope import wider_figure
    assert not wider_figure(Relation.SAME, both, ["Marzahn-Hellersdorf"], FINDER.places)
    assert not wider_figure(Relation.SAME, both, ["Berlin"], FINDER.places)
    assert wider_figure(Relation.INSIDE, both, ["Marzahn-Nord"], FINDER.places)  # a part of Berlin, asked whole
    one = build_query("Wie viel Geld floss in Marzahn-Hellersdorf?", cues=cues, glossary=glossary)
    assert not wider_figure(Relation.INSIDE, one, ["Marzahn-Nord"], FINDER.places)
    # one district's BENE money is no answer about all of Berlin …
    answer = shipped.ask("Wie viel Geld ist aus dem Umweltprogramm BENE in ganz Berlin geflossen?")
    assert answer.refused and "2,7 Mio" not in answer.text.split("Fragen Sie")[0], answer.text
    # … while a place named to locate a part of it asks about that part: the former QM area in the Ortsteil
    answer = shipped.ask("wie viele leute wohnten im alten qm gebiet in marzahn", audience="citizen")
    assert not answer.refused and "23.997" in lead_of(answer), answer.text


def test_a_word_no_document_uses_is_named_with_the_answer_or_the_refusal(shipped):
    # the nearest statement is given, and the answer says that what was asked for is not in the documents
    answer = shipped.ask("Gibt es im Kosmosviertel ein Schwimmbad?", audience="citizen")
    assert "Das Wort „Schwimmbad“ kommt in den Unterlagen nicht vor." in (
        answer.notice if not answer.refused else answer.text.split("\n")[0]), answer
    if not answer.refused:
        assert "Die Antwort zeigt, was am nächsten dazu steht." in answer.notice
        assert "Schwimmbad" in answer.plain_text()  # the note travels with a copied answer
    refused = shipped.ask("Wo bekomme ich einen neuen Personalausweis?", audience="citizen")
    assert refused.refused and refused.text.split("\n")[0] == (
        f"{REFUSAL} Das Wort „Personalausweis“ kommt in den Unterlagen nicht vor."), refused.text
    # words the documents use, a typo of one, and a lower-case question get no such note
    for question in ("Wie viele Kinder in Marzahn-Nord leben in Armut?", "Was ist die Kinderamut in Marzahn-Nord?",
                     "gibts im kosmosviertel ein schwimmbad"):
        assert "kommt in den Unterlagen nicht vor" not in shipped.ask(question).notice, question


def test_a_passage_sharing_only_the_place_with_the_question_is_no_answer(shipped):
    # the documents speak of Hellersdorf-Nord, never of its festivals
    answer = shipped.ask("Welche Feste gibt es in Hellersdorf-Nord?", audience="citizen")
    assert answer.refused and answer.text.split("\n")[0] == (
        f"{REFUSAL} Zu „Hellersdorf-Nord“ finden sich Angaben, aber keine zu dem, wonach gefragt ist."), \
        answer.text
    # a sentence on what is asked leads, rather than the best one on the place alone
    answer = shipped.ask("An wen kann ich mich mit Fragen zu Hellersdorf-Nord wenden?", audience="citizen")
    assert not answer.refused and "Sozialraumorientierten Planungskoordination" in lead_of(answer), answer.text
    # a passage on the "Handlungskonzept" and its "Fertigstellung" is about when the "Konzept" was "fertig"
    answer = shipped.ask("Wann wurde das Konzept für Marzahn-Nord fertig?", audience="citizen")
    assert not answer.refused and "2020" in lead_of(answer), answer.text
    # a passage that says it in other words ("Minderjährige in Familien mit Grundsicherung") still answers
    answer = shipped.ask("Wie viele Kinder leben in Marzahn-Nord in Armut?", audience="citizen")
    assert not answer.refused and answer.answer_span == "31,8 %", answer.text


def test_a_place_and_a_thing_no_document_names_is_no_question_about_the_place(shipped):
    # "spielplätze" is in no document: a figure on Marzahn-Nord is no answer
    answer = shipped.ask("wie viele spielplätze gibts in marzahn nord", audience="citizen")
    assert answer.refused and answer.text.split("\n")[0] == (
        f"{REFUSAL} Zu „Marzahn-Nord“ finden sich Angaben, aber keine zu dem, wonach gefragt ist."), answer.text
    # written with capitals, the unknown word is named
    answer = shipped.ask("Gibt es im Kosmosviertel ein Schwimmbad?", audience="citizen")
    assert answer.refused and "Das Wort „Schwimmbad“ kommt in den Unterlagen nicht vor." in answer.text


def test_a_lead_about_something_else_than_the_name_asked_about_is_no_answer(shipped):
    answer = shipped.ask("Wie viel Geld bekommt die SPK?", audience="citizen")
    assert answer.refused and answer.text.split("\n")[0] == (
        f"{REFUSAL} Die nächstliegende Angabe betrifft nicht „SPK“."), answer.text
    answer = shipped.ask("Wann wurde die SPK gegründet?", audience="citizen")  # named by its long form
    assert not answer.refused and answer.answer_span == "22.08.2017", answer.text
    # one rare thing: the estimated cost of the Stadtteilhaus is no price of the cable car
    answer = shipped.ask("Was kostet die Seilbahn?", audience="citizen")
    assert answer.refused and answer.text.split("\n")[0] == (
        f"{REFUSAL} Die nächstliegende Angabe betrifft nicht „Seilbahn“."), answer.text
    # … but it is the cost of the Stadtteilhaus (named by the list item the cost sentence belongs to)
    answer = shipped.ask("Was kostet das Stadtteilhaus?", audience="citizen")
    assert not answer.refused and answer.answer_span == "11,5 Mio. Euro", answer.text


def test_a_count_question_is_not_answered_without_a_number(shipped):
    answer = shipped.ask("Wie viele Ehrenamtliche helfen in den Stadtteilzentren?", audience="citizen")
    assert answer.refused and "Eine Zahl nennen sie nicht." in answer.text, answer.text
    answer = shipped.ask("Wie viele Senatsverwaltungen machen mit?", audience="citizen")
    assert not answer.refused and answer.answer_span, answer.text


def test_a_when_question_is_not_answered_without_a_time(shipped):
    # the documents say the Stadtteilhaus is planned, never when it opens
    answer = shipped.ask("Wann wird das Stadtteilhaus am Barnimplatz eröffnet?", audience="citizen")
    assert answer.refused and "Einen Zeitpunkt nennen sie nicht." in answer.text, answer.text
    # the period the question names itself is no answer to "bis wann"
    answer = shipped.ask("Bis wann muss man sich für die Sozialen Infrastrukturmaßnahmen 2025 bis 2027 bewerben?",
                         audience="citizen")
    assert answer.refused and "Einen Zeitpunkt nennen sie nicht." in answer.text, answer.text
    # how often something recurs is a time: the MSS appears every two years
    answer = shipped.ask("Wann erscheint das MSS?", audience="general")
    assert not answer.refused and "alle zwei Jahre" in lead_of(answer), answer.text
    assert ".;" not in answer.text  # list items read as one unit end as sentences
    # "wann" as "under what condition" is answered by a condition, "in welchem Jahr" is not
    answer = shipped.ask("Wann waren Schüler lernmittelbefreit?", audience="general")
    assert not answer.refused and "Transferleistungen" in lead_of(answer), answer.text
    assert shipped.ask("In welchem Jahr endet die GI?", audience="general").refused
    # an abbreviation written in lower case by someone who writes everything so
    answer = shipped.ask("wann wurde die gi beschlossen", audience="citizen")
    assert not answer.refused and answer.answer_span in ("30.10.2018", "30. Oktober 2018"), answer.text


@pytest.mark.parametrize(("sentence", "time"), [
    ("Am 12. Mai 1705 verabschiedete die Versammlung ein Gesetz.", "12. Mai 1705"),
    ("Die Pest erreichte um 1347 den Hafen.", "1347"),
    ("Kaiser Gegen regierte von 1321 bis 1323.", "1321 bis 1323"),
    ("Das Schloss entstand im 18. Jahrhundert.", "18. Jahrhundert"),
    ("Das MSS erscheint alle zwei Jahre.", "alle zwei Jahre"),
    ("Die Sprechstunde war am 29.03.2022.", "29.03.2022"),
    ("Das Projekt lief 2020 bis 2022.", "2020 bis 2022"),  # a period, also at the end of a sentence
    ("Der Beirat trifft sich jeden Dienstag im Gemeinschaftsraum.", "jeden Dienstag"),
    ("Die Sitzung beginnt um 18 Uhr.", "18 Uhr"),
    ("Die Wohnungen entstanden in den 1980er Jahren.", "1980er Jahren"),  # a decade, not the year 1980
    ("Die Pest war von 1347 bis 1351 in Europa.", "1347 bis 1351"),
    ("Am 3. März findet das Fest statt.", "3. März"),  # a day without a year
    ("Das Fest ist im März.", "im März"),
    ("Die Runde tagt alle zwei Wochen.", "alle zwei Wochen"),
])
def test_earlier_times_and_recurrences_answer_when(sentence, time):
    query = build_query("Wann war das?")
    assert FINDER.strength("date", sentence, query) > 0
    start, end = FINDER.span("date", sentence, query)
    assert sentence[start:end] == time


def test_a_day_question_needs_a_day():
    query = build_query("An welchem Datum war das?", cues=Cues.load(CORPUS))
    assert FINDER.strength("date", "Das war 2022.", query) == 0  # a year is no day
    assert FINDER.strength("date", "Das war im März 2022.", query) == 0
    assert FINDER.strength("date", "Das Spiel war am Sonntag.", query) == 1  # a weekday is one
    assert FINDER.strength("date", "Es war am 29.03.2022.", query) == 1


def test_a_count_of_about_a_thousand_is_no_year():
    query = build_query("Wann war das?")
    assert FINDER.strength("date", "Zum Fest kamen 1200 Menschen.", query) == 0
    assert FINDER.strength("date", "Der Zuschuss beträgt 1500 €.", query) == 0
    assert FINDER.strength("date", "Es entstehen 1200 neue Wohnungen.", query) == 0
    assert FINDER.strength("date", "Es kamen 1500 bis 1800 Gäste.", query) == 0
    # and such a count is a number
    assert FINDER.strength("number", "Es entstehen 1200 neue Wohnungen.", build_query("Wie viele Wohnungen?")) == 1
    # a time the question names itself answers no "wann"
    assert FINDER.strength("date", "Pilotphase laut Senatsbilanz 2019/2020",
                           build_query("Wann war die Pilotphase 2019/2020?")) == 0


@pytest.mark.parametrize(("question", "sentence", "answers"), [
    ("Wie groß ist das Gebiet in Hektar?", "Fläche: 250,41 ha.", True),
    ("Wie groß ist das Gebiet in Hektar?", "Befragt wurden mehr als 800 Menschen im Gebiet.", False),
    ("Wie viel Prozent der Kinder sind arm?", "Es sind 37.007 Kinder.", False),  # a count is no share
    ("Wie viel Prozent der Kinder sind arm?", "Es sind 25,0 % der Kinder.", True),
    ("Was kostet das Haus in Euro?", "Die Kosten liegen bei rund 11,5 Mio. Euro.", True),
    ("Wie viele Quadratkilometer gingen verloren?", "Es waren 587.000 Quadratkilometer.", True),
])
def test_a_figure_asked_in_a_unit_is_answered_only_in_that_unit(question, sentence, answers):
    # (a short unit only as written: "3 QM-Gebiete" holds no square metres; "in Euro-Regionen" asks for none)
    cues = Cues.load(CORPUS)
    assert FINDER.strength("number", "Es gibt 3 QM-Gebiete.", build_query("Wie viele Quadratmeter?", cues=cues)) == 0
    assert build_query("Wie viele Projekte gibt es in Euro-Regionen?", cues=cues).unit == ()
    assert build_query("Wie groß ist es in ha?", cues=cues).unit == build_query("Wie groß in Hektar?", cues=cues).unit
    query = build_query(question, cues=Cues.load(CORPUS))
    assert query.unit
    assert (FINDER.strength("number", sentence, query) > 0) is answers


def test_a_period_answers_how_long():
    question = build_query("Wie lange gab es das Quartiersmanagement in Marzahn-Nord?")
    assert question.answer_type == "number" and question.asks_duration
    row = "Förderzeitraum Quartiersmanagement | 1999 bis 2020"
    assert FINDER.strength("number", row, question) == 1
    start, end = FINDER.span("number", row, question)
    assert row[start:end] == "1999 bis 2020"
    # a period of something else only half answers
    assert 0 < FINDER.strength("number", "Pilotphase | 2019 bis 2020", question) < 1
    assert FINDER.strength("number", "Der Plan stammt von 2020.", question) == 0  # one year is no duration
    # a period is no count
    assert FINDER.strength("number", row, build_query("Wie viele Gebiete gab es?")) == 0


def test_a_time_of_day_is_no_count():
    # how many came is not said by when it began
    question = build_query("Wie viele Leute waren bei der Versammlung?")
    assert FINDER.strength("number", "Einwohnerversammlung im Oberstufenzentrum, 17 Uhr; allgemeiner Austausch.",
                           question) == 0
    assert FINDER.strength("number", "Die Versammlung begann um 17 Uhr; es kamen 80 Leute.", question) == 1
    assert FINDER.strength("number", "Sprechstunde am 29.03.2022 von 13 bis 16 Uhr", question) == 0
    assert FINDER.strength("number", "Sprechstunde am Dienstag zwischen 10 und 12 Uhr", question) == 0


@pytest.mark.parametrize(("question", "sentence", "other"), [
    ("Wie viele Menschen nahmen teil?", "Angeboten wurden drei Wege der Beteiligung.", "Wege"),
    ("Wie viele Kommentare gab es zu den Maßnahmen?", "Man konnte zehn Schlüsselmaßnahmen kommentieren.",
     "Schlüsselmaßnahmen"),
    ("Wie viele Planungsräume hat der Bezirk?", "Es war einer der drei Pilothandlungsräume.", "Pilothandlungsräume"),
    # the asked thing, a compound of it, a number without a noun, a counter for anything, a share: no mismatch
    ("Wie viele Maßnahmen hat das Konzept?", "Das Konzept enthält zehn Schlüsselmaßnahmen.", None),
    ("Wie viele Einwohner hat Marzahn-Nord?", "Einwohnerinnen und Einwohner: 23.997.", None),
    ("Wie viele Siedler kamen?", "Von den ursprünglich 390 Personen waren viele gestorben.", None),
    ("Wie viele Baumarten gibt es?", "Er umfasst die Hälfte der verbleibenden Regenwälder.", None),
    ("wie viele leute kamen", "Angeboten wurden drei Wege der Beteiligung.", None),  # no capitals: no noun known
    ("Wie viele Euro Landesmittel gab es?", "Es standen 25 Mio. Euro Landesmittel bereit.", None),  # an amount
    ("Wie viele in Berlin lebende Kinder sind arm?", "Es sind drei Kinder.", None),  # the place is skipped
])
def test_a_number_that_counts_another_thing(question, sentence, other):
    found = FINDER.counts_other(sentence, build_query(question, cues=Cues.load(CORPUS)))
    assert (found[0] if found else None) == other


def test_glossary_synonyms_count_the_same_thing():
    query = build_query("Wie viele Ressorts machen mit?", cues=Cues.load(CORPUS))
    sentence = "Es machen neun Senatsverwaltungen mit."
    assert FINDER.counts_other(sentence, query) == ("Senatsverwaltungen", "Ressorts")
    glossary = Glossary(synonyms={"Senatsverwaltung": ("Ressort",)})
    assert FINDER.counts_other(sentence, query, glossary) is None
    assert FINDER.counts_asked(sentence, query, glossary) and not FINDER.counts_asked(sentence, query)


@pytest.mark.parametrize(("question", "measured"), [
    ("Wie hoch war die Arbeitslosenquote im Bezirk Ende 2024?", "Arbeitslosenquote"),
    ("Wie hoch ist die durchschnittliche monatliche Miete?", "Miete"),  # a rent, not any sum in euros
    ("Wie hoch sind die Kosten?", None),  # a measure the unit tells ("Euro")
    ("Wie hoch ist der Anteil der Kinder in Armut?", "Kinder"),  # a generic measure hands on to its thing
    ("Wie hoch ist die Zahl der Arbeitslosen?", "Arbeitslosen"),
    ("Wie viel Prozent der Kinder leben von Grundsicherung?", "Kinder"),  # a unit hands on too
    ("Wie viel Zeit verblieb, als das Spiel endete?", None),  # "17 Sekunden": the unit tells
    ("Wie viel Geld sollte im Rahmen des Plans fließen?", None),
    ("Wie groß ist Marzahn-Nord?", None),  # the place itself is measured
    ("wie hoch is die förderquote", "förderquote"),  # no capitals: the word after an article
    ("wie viel kriegt der verein", None),
    ("Und wie viel müssen private Antragsteller selbst tragen?", None),  # the payers, not what is measured
    ("Wie hoch war Ende 2024 die Arbeitslosenquote?", "Arbeitslosenquote"),  # times and places are skipped
    ("Wie hoch ist in Marzahn-Nord die Arbeitslosenquote?", "Arbeitslosenquote"),
])
def test_the_thing_a_measure_question_measures(question, measured):
    assert FINDER.measured_noun(question) == measured


def test_a_figure_of_another_measure_is_no_answer(shipped):
    # the documents give child poverty and other figures for the district, but no unemployment rate for 2024
    answer = shipped.ask("Wie hoch war die Arbeitslosenquote im Bezirk Marzahn-Hellersdorf Ende 2024?")
    assert answer.refused and "Die nächstliegende Zahl betrifft nicht „Arbeitslosenquote“." in answer.text, \
        answer.text
    # a figure whose row names the measure answers
    answer = shipped.ask("Wie hoch waren die Fördermittel für das Quartiersmanagement Marzahn-Nord?")
    assert not answer.refused and "23.392.000" in lead_of(answer), answer.text


def test_a_programme_named_in_quotation_marks_must_be_the_one_answered_about(shipped):
    # the guideline gives the usual grant rate of "Europa im Quartier", not of "Soziale Infrastrukturmaßnahmen"
    answer = shipped.ask("Wie hoch ist die Förderquote im Programm „Soziale Infrastrukturmaßnahmen“?")
    # (the closest figure on that programme, 25 Mio. Euro, is no rate: either is a reason to name)
    assert answer.refused and re.search(r"betrifft nicht „(Soziale Infrastrukturmaßnahmen|Förderquote)“",
                                        answer.text), answer.text
    answer = shipped.ask("Wie hoch ist die Förderquote im Programm „Europa im Quartier“?")
    assert not answer.refused and "40 %" in lead_of(answer), answer.text


def test_a_count_of_another_thing_is_no_answer(shipped):
    answer = shipped.ask("Wie viele Menschen haben an der Online-Beteiligung teilgenommen?", audience="citizen")
    assert answer.refused and "Die nächstliegende Zahl bezieht sich auf „Wege“, nicht auf „Menschen“." \
        in answer.text, answer.text
    # a sentence whose number counts the asked thing leads instead of one counting another thing
    answer = shipped.ask("Wie viele Handlungsräume gibt es in Berlin?", audience="general")
    assert not answer.refused and answer.answer_span == "13", answer.text
    # synonyms in the glossary count the same thing, whichever of them the entry lists first
    answer = shipped.ask("Wie viele Ressorts müssen an einer Schlüsselmaßnahme beteiligt sein?", audience="staff")
    assert not answer.refused and "zwei" in lead_of(answer), answer.text
    answer = shipped.ask("Wie viele Schlüsselmaßnahmen hat das Konzept für Marzahn-Nord?", audience="citizen")
    assert not answer.refused and answer.answer_span == "zehn", answer.text


def test_where_asks_for_a_place_one_can_go_unless_it_asks_about_the_web():
    both = "Online-Beteiligung auf mein.berlin.de und eine mobile Sprechstunde auf dem Alice-Salomon-Platz."
    web_only = "Online-Beteiligung auf mein.berlin.de (März 2022)."
    held = build_query("Wo war die Sprechstunde im März 2022?")
    start, end = FINDER.span("place", both, held)
    assert both[start:end] == "Alice-Salomon-Platz"
    assert FINDER.strength("place", web_only, held) < FINDER.strength("place", both, held) == 1
    for question in ("Wo kann ich im Netz mitmachen?", "Wo finde ich das Konzept?"):
        start, end = FINDER.span("place", both, build_query(question))
        assert both[start:end] == "mein.berlin.de", question


def test_a_ditto_row_is_read_with_the_indicator_of_the_row_above():
    from assistant.answer import _read_ditto

    cues, indicator, read = Cues.load(CORPUS), "", []
    for row in ["Minderjährige in SGB-II-Bedarfsgemeinschaften, Bezirksregion Hellersdorf-Nord | 36,8 % | 2024",
                "dasselbe, Bezirksregion Marzahn-Nord | 31,8 % | 2024", "dasselbe, Berlin | 22,5 % | 2024",
                "Arbeitslosigkeit, Bezirk | 6,3 % | 2019", "dito, Berlin | 7,8 % | 2019", "Das ist dasselbe."]:
        row, indicator = _read_ditto(row, indicator, cues)
        read.append(row)
    assert read[1] == "Minderjährige in SGB-II-Bedarfsgemeinschaften, Bezirksregion Marzahn-Nord | 31,8 % | 2024"
    assert read[2].startswith("Minderjährige in SGB-II-Bedarfsgemeinschaften, Berlin |")
    assert read[4] == "Arbeitslosigkeit, Berlin | 7,8 % | 2019"
    assert read[5] == "Das ist dasselbe."  # prose, no table row
    # a row that only opens with such a word is a row of its own
    assert _read_ditto("Dieselbe Stelle berät | Mo–Fr", "Arbeitslosigkeit", cues)[0] == "Dieselbe Stelle berät | Mo–Fr"


def test_the_value_for_the_asked_year_is_marked(shipped):
    # the district's row gives earlier years in brackets; a sentence saying "Ende 2024" in a source of 2020 is
    # about 2024, not 2020
    answer = shipped.ask("Wie hoch war die Kinderarmut im Bezirk 2020?")
    assert not answer.refused and answer.answer_span == "27,7 %", answer.text
    answer = shipped.ask("Wie hoch war die Kinderarmut im Bezirk 2015?")
    assert not answer.refused and answer.answer_span == "37,9 %", answer.text


def test_a_note_must_itself_name_what_is_asked(shipped):
    # under the heading "Die Kapitel eines GI-IHK", "Die genaue Gliederung des amtlichen Leitfadens ist nicht
    # bekannt" names nothing the question asks about: the Pflichtinhalte answer
    answer = shipped.ask("Welche Kapitel muss ein IHK enthalten?", audience="staff")
    assert not answer.refused and "Bestandsaufnahme" in answer.text, answer.text


def test_a_question_about_the_present_is_not_answered_by_a_sentence_about_the_past(shipped):
    from assistant.scope import present_against_past

    assert present_against_past("Wer ist heute Senatorin?", "Damals zuständige Senatorinnen: …", FINDER) == (
        ("heute",), ("Damals",))
    assert present_against_past("Wie hieß das Programm früher?", "Damals hieß es Soziale Stadt.", FINDER)[0] == ()
    # a place's former use is no time: "heute in der ehemaligen Kaufhalle" speaks of the present
    assert present_against_past("Wo ist das Zentrum heute?", "Es ist heute in der ehemaligen Kaufhalle.",
                                FINDER)[0] == ()
    answer = shipped.ask("Wer ist heute Senatorin oder Senator für Stadtentwicklung, Bauen und Wohnen?")
    assert answer.refused and "Lompscher" not in answer.text.split("Fragen Sie")[0], answer.text
    # for the ranking, a sentence all of whose times lie long back speaks of the past as well; one still running
    # does not
    today = date(2026, 11, 28)
    old = "Am 22.08.2017 beschloss das Bezirksamt eine Startaufstellung von drei Stellen."
    assert present_against_past("Wie viele Stellen hat die SPK heute?", old, FINDER, today, 3) == (
        ("heute",), ("22.08.2017",))
    assert present_against_past("Wie viele Stellen hat die SPK heute?", old, FINDER, today) == ((), ())
    assert present_against_past("Wie viele Stellen hat die SPK heute?", "Seit 2018 gibt es drei Stellen.", FINDER,
                                today, 3) == ((), ())
    assert present_against_past("Wie viele Stellen hat die SPK heute?", "Ende 2024 gab es drei Stellen.", FINDER,
                                today, 3) == ((), ())
    assert present_against_past("Wie viele Stellen hatte die SPK 2017?", old, FINDER, today, 3) == ((), ())
    answer = shipped.ask("Wie viele Stellen hat die Planungskoordination in Marzahn-Hellersdorf heute?")
    assert answer.refused and "drei" not in answer.text.split("Fragen Sie")[0], answer.text


def test_a_why_question_is_answered_by_a_reason_or_refused(shipped):
    cues = Cues.load(CORPUS)
    finder, why = SpanFinder(cues), build_query("Warum ziehen Menschen nach Marzahn-Nord?", cues=cues)
    assert finder.strength("reason", "Wegen der günstigen Mieten ziehen Menschen zu.", why) == 1
    assert finder.strength("reason", "Die Stadt förderte Projekte, um die Nachbarschaft zu stärken.", why) == 1
    assert finder.strength("reason", "2015: Erster Antrag (damals ohne Erfolg).", why) == 0
    answer = shipped.ask("Warum ziehen zunehmend Menschen nach Marzahn-Nord?")
    assert not answer.refused and "günstigen Mieten" in lead_of(answer), answer.text
    # what the choice rested on is a reason too ("anhand von drei Datengrundlagen"); a time or a figure after
    # "um" is no purpose, nor is a plan ("soll")
    answer = shipped.ask("Warum wurden gerade diese Handlungsräume ausgewählt?")
    assert not answer.refused and "anhand von drei Datengrundlagen" in lead_of(answer), answer.text
    for plain in ("Die Versammlung begann um 17 Uhr zu Hause.", "Der Anteil stieg um 10 % auf 2 Mio. Euro.",
                  "Es soll gebaut werden."):
        assert finder.strength("reason", plain, why) == 0, plain
    assert finder.strength("reason", "Aus finanziellen Gründen wurde es gestoppt.", why) == 1
    # the documents say the first application failed, not why
    answer = shipped.ask("Warum wurde der erste Antrag auf ein Quartiersmanagement für Hellersdorf-Nord abgelehnt?")
    assert answer.refused and "Einen Grund nennen sie nicht." in answer.text, answer.text


def test_a_source_of_the_asked_period_does_not_make_a_later_figure_an_answer(shipped):
    from dataclasses import replace

    from assistant.scope import _apart_from_asked_period

    passage = shipped.search("Soziale Infrastrukturmaßnahmen Landesmittel", 1)[0]
    query = build_query("Wie viel Geld gab es für Soziale Infrastrukturmaßnahmen von 2015 bis 2018?",
                        cues=Cues.load(CORPUS))
    later = "2021–2024: 25 Mio. Euro Landesmittel für „Soziale Infrastrukturmaßnahmen“."
    stand_in_period = replace(passage, record=replace(passage.record, stand="2018"))
    assert _apart_from_asked_period(query, later, stand_in_period, FINDER)
    # a sentence naming no later time may hold for the period its source's Stand lies in
    assert not _apart_from_asked_period(query, "Es gab Landesmittel.", stand_in_period, FINDER)


def test_a_figure_for_another_year_is_no_answer(shipped):
    answer = shipped.ask("Wie hoch war die Kinderarmut in Hellersdorf-Nord im Jahr 2019?", audience="citizen")
    # the refusal quotes what the documents say for 2024
    assert answer.refused and re.search(
        r"auf einen anderen Zeitpunkt \([^)\n]*2024\) als gefragt \(2019\): „[^“]+“ \[1\]", answer.text), answer.text
    answer = shipped.ask("An welchem Tag im Februar 2022 war die mobile Sprechstunde?", audience="citizen")
    assert answer.refused and "als gefragt (Februar 2022)" in answer.text, answer.text
    # a sentence naming the asked month besides a day in another one gives no day in that month
    answer = shipped.ask("An welchem Tag im Oktober 2022 war der Stadtteildialog für Marzahn?", audience="citizen")
    assert answer.refused and "als gefragt (Oktober 2022)" in answer.text, answer.text
    answer = shipped.ask("Wie hoch war die Arbeitslosigkeit in Marzahn-Hellersdorf Ende 2019?")
    assert not answer.refused and "6,3 %" in lead_of(answer), answer.text


@pytest.mark.parametrize(("question", "fact"), [
    ("Wie hoch ist die Arbeitslosigkeit in Marzahn-Hellersdorf?", "6,3 %"),
    ("Wie hoch ist die Kinderarmut in der Bezirksregion Hellersdorf-Nord?", "36,8 %"),
    ("Wie viele Menschen wohnen im Ortsteil Hellersdorf?", "85.500"),
    # said in other words ("Minderjährige in SGB-II-Bedarfsgemeinschaften") than the figure for Marzahn-Nord,
    # which also names Berlin and the district for comparison
    ("Wie viel Prozent der Kinder in Hellersdorf-Nord leben von Grundsicherung?", "36,8 %"),
    ("wie viele kinder sind in hellersdorf nord arm", "36,8 %"),
])
def test_a_figure_for_the_asked_place_is_the_answer(shipped, question, fact):
    answer = shipped.ask(question, audience="citizen")
    assert not answer.refused and fact in lead_of(answer), answer.text
    # and no figure for another area follows as support
    assert "31,8 %" not in answer.text, answer.text


def test_a_price_question_is_answered_when_a_sentence_states_an_amount(shipped):
    answer = shipped.ask("Wie viel Geld stand für Soziale Infrastrukturmaßnahmen bereit?")
    assert not answer.refused and "Euro" in lead_of(answer)


@pytest.mark.parametrize(("question", "name"), [
    ("Wer war 2018 Senatorin für Bildung?", "Sandra Scheeres"),
    ("Wer war 2018 Senatorin für Integration, Arbeit und Soziales?", "Elke Breitenbach"),
])
def test_a_question_for_a_name_is_led_by_the_sentence_naming_the_person(shipped, question, name):
    # the best-scored sentence names the three offices, not who held them; the one naming the senators leads,
    # and of the three names the one whose bracket names the asked office is marked
    answer = shipped.ask(question)
    assert not answer.refused and name in lead_of(answer), answer.text
    assert answer.answer_span == name
    # a question about 2018 answered from a source of 2018: its age is no caveat
    assert "älter als" not in answer.notice, answer.notice


@pytest.mark.parametrize("question", ["Who is the current Berlin senator responsible for urban development?",
                                      "wie heißt n die chefin von der planungskoordination im bezirk?"])
def test_a_question_for_a_person_insists_on_a_name(shipped, question):
    assert "person" in build_query(question, cues=Cues.load(CORPUS)).needs
    answer = shipped.ask(question)
    assert answer.refused and "Einen Namen nennen sie nicht." in answer.text, answer.text


def test_a_how_often_question_is_answered_by_a_recurrence(shipped):
    answer = shipped.ask("Wie oft erscheint das Monitoring Soziale Stadtentwicklung?")
    assert not answer.refused and "alle zwei Jahre" in lead_of(answer), answer.text


def test_a_which_question_asks_for_an_instance_of_its_noun(shipped):
    cues = Cues.load(CORPUS)
    assert build_query("Welches Büro hat mitgearbeitet?", cues=cues).category == "buro"
    assert build_query("Welche beiden Verbindungen gibt es?", cues=cues).category == "verbind"
    assert build_query("Welche Art von Hilfe gibt es?", cues=cues).category == ""  # too short to be a head
    assert build_query("welche büros gibts", cues=cues).category == ""  # all lower case: no noun to tell …
    assert build_query("welches büro hat den plan geschrieben", cues=cues).category == "buro"  # … but a kind
    # a "welche" question for a number is a number question: "Eine Zahl nennen sie nicht" if none is given
    assert build_query("Welche amtliche Nummer trägt der Handlungsraum?", cues=cues).answer_type == "number"
    assert build_query("Welche Werte vertritt die GI?", cues=cues).answer_type == ""
    # … also as a compound ending in a kind of number, but not one ending in "Fläche" (a place)
    assert build_query("Welchen maximalen Seitenumfang hat das Konzept?", cues=cues).answer_type == "number"
    assert build_query("Welche Grünfläche wird umgestaltet?", cues=cues).answer_type == ""
    # "das Planungsbüro" refers back to an office named elsewhere: it does not say which office; its name in
    # quotation marks does, and is marked with it
    finder, which = SpanFinder(cues), build_query("Welches Büro hat den Plan geschrieben?", cues=cues)
    assert finder.strength("organisation", "Das Planungsbüro hat den Leitfaden angewandt.", which) < 1
    assert finder.strength("organisation", "2022: Laut Planungsbüro wurde der Leitfaden angewandt.", which) < 1
    assert finder.refers_back("2022: Laut Planungsbüro wurde der Leitfaden angewandt.", which)
    named = "Beauftragt ist das Planungsbüro „die raumplaner“; die SPK koordiniert."
    assert finder.strength("organisation", named, which) == 1
    start, end = finder.span("organisation", named, which)
    assert named[start:end] == "Planungsbüro „die raumplaner“"
    assert finder.strength("organisation", "Die Senatsverwaltung für Stadtentwicklung erstellt es.", which) == 1
    # … while "wer" is answered by "das Jugendamt"
    assert finder.strength("organisation", "Das Haus finanziert künftig das Jugendamt.",
                           build_query("Wer bezahlt das Haus?", cues=cues)) == 1
    # a source mark is no body: "[GI]" says the statement is documented for the GI
    who = build_query("Wer koordiniert das?", cues=cues)
    assert finder.span("organisation", "Belegt ist nur der Anspruch, ein Instrument zu schaffen [GI].", who) is None
    assert finder.span("organisation", "Die GI koordiniert das.", who) == (4, 6)
    # a question naming the kind of office itself is answered by the name after it
    planning = build_query("Welches Planungsbüro hat das Konzept erarbeitet?", cues=cues)
    start, end = finder.span("organisation", named, planning)
    assert named[start:end] == "Planungsbüro „die raumplaner“"
    assert finder.refers_back("Das Planungsbüro hat den Leitfaden angewandt.", planning)
    for question in ("Welches Planungsbüro hat das Konzept für Hellersdorf-Nord erarbeitet?",
                     "welches büro hat denn den plan für hellersdorf nord geschrieben?"):
        answer = shipped.ask(question)
        assert not answer.refused and "die raumplaner" in answer.answer_span, answer.text
    # the sentence naming a Planungsbüro names the office, not the one naming the district's Bezirksamt
    answer = shipped.ask("Welches Büro hat in Friedrichshain-Kreuzberg an dem Konzept mitgearbeitet?")
    assert not answer.refused and "raumscript" in lead_of(answer), answer.text


@pytest.mark.parametrize("question", ["Was waren die Leitfragen der Beteiligung in Hellersdorf?",
                                      "was wurden die leute in hellersdorf gefragt"])
def test_a_question_for_the_questions_asked_is_answered_by_them(shipped, question):
    # the document's questions are its answer, all of them in one statement; elsewhere a question is no answer
    answer = shipped.ask(question)
    lead = lead_of(answer)
    assert not answer.refused and "Wo sollte sich etwas ändern?" in lead and "Welche Ideen haben Sie?" in lead, lead
    cues = Cues.load(CORPUS)
    assert build_query(question, cues=cues).asks_questions
    assert not build_query("An wen kann ich mich mit Fragen wenden?", cues=cues).asks_questions


def test_a_marked_name_does_not_run_over_a_sentence_end():
    finder = SpanFinder(Cues.load(CORPUS))
    query = build_query("Wer koordiniert?", cues=Cues.load(CORPUS))
    sentence = "Das Bezirksamt erstellt den Plan. Sozialraumorientierte Planungskoordination (SPK) koordiniert."
    start, end = finder.span("organisation", sentence, query)
    assert sentence[start:end] == "Sozialraumorientierte Planungskoordination (SPK)"


def test_required_facts_are_read_from_the_question():
    cues = Cues.load(CORPUS)
    from assistant.query import build_query

    assert build_query("wann hat der treff auf?", cues=cues).needs == ("hours",)
    assert build_query("Was kostet das?", cues=cues).needs == ("money",)
    assert build_query("Wie viel Fördergeld gab es?", cues=cues).needs == ("money",)
    assert build_query("Wie hoch ist der jährliche Etat?", cues=cues).needs == ("money",)
    assert build_query("Welche Fördermittel gibt es?", cues=cues).needs == ()  # which programmes, not how much
    for share in ("Wie viel Prozent des Budgets gehen an Kitas?", "Wie hoch ist die Zuschussquote?",
                  "Wie hoch ist der Anteil am Etat?"):
        assert build_query(share, cues=cues).needs == (), share  # a share, not an amount
    money = cues.required_facts["money"][1]
    assert money.search("Der Fonds umfasste 2,5 Millionen Dollar.") and money.search("Kosten: £ 40")
    assert build_query("Wann waren die Telefonsprechstunden?", cues=cues).needs == ()  # a date, not a number
    assert build_query("Wer leitet das Stadtentwicklungsamt?", cues=cues).needs == ("person",)
    assert build_query("Wer leitet das Projekt?", cues=cues).needs == ()  # a body may lead a project
    # a compound role and words in between still ask for a name; "offen haben" asks for opening hours
    for name in ("wer war eigentlich bildungssenatorin damals", "Wer leitete 2018 die Sozialverwaltung?",
                 "Wie heißt die neue Amtsleiterin?", "wie heißt die quartiersmanagerin in marzahn nord"):
        assert build_query(name, cues=cues).needs == ("person",), name
    assert build_query("Wer ist der Koordinator der GI?", cues=cues).needs == ()  # a body may coordinate
    assert build_query("Wie heißt das Projekt der Stadträtin?", cues=cues).needs == ()  # a project's name
    assert build_query("wann hat die spk offen", cues=cues).needs == ("hours",)
    assert build_query("Wie viele Stellen hat die SPK offen?", cues=cues).needs != ("hours",)
    assert build_query("Welches Honorar erhielt das Büro?", cues=cues).needs == ("money",)
    assert build_query("Welche Hilfe gibt es für Familien mit wenig Einkommen?", cues=cues).needs == ()
    assert build_query("unter welcher nummer erreich ich die", cues=cues).needs == ("contact",)
    assert build_query("Welche amtliche Nummer trägt der Handlungsraum?", cues=cues).needs == ()
    assert build_query("In welchem Turnus wird berichtet?", cues=cues).needs == ("frequency",)
    often = cues.required_facts["frequency"][1]
    assert often.search("Das MSS erscheint alle zwei Jahre.") and often.search("Er wurde dreimal gewählt.")
    assert not often.search("Das ist ein normales Merkmal.")
    assert build_query("Welche Fragen hat die Analyse offen gelassen?", cues=cues).needs == ()
    person = cues.required_facts["person"][1]
    assert person.search("Bezirksbürgermeisterin ist Erika Mustermann.")
    assert not person.search("Zuständig ist der Bereich Sozialraumorientierte Planungskoordination.")


def test_days_named_in_questions_and_sentences():
    finder = SpanFinder(Cues.load(CORPUS))
    assert finder.days_named("Was war am 3. März los?") == {(3, 3)}
    assert finder.days_named("Sprechstunde am 29.03.2022, 13–16 Uhr; Online bis 27.3.") == {(29, 3), (27, 3)}
    assert finder.days_named("Ende 2024 lebten 31,8 % …; Mitte des 18. Jahrhunderts") == set()


@pytest.mark.parametrize("question", ["Wann ist die nächste Sprechstunde?", "wo ist die nächste sprechstunde",
                                      "wann ist der nächste stadtteildialog"])
def test_the_next_event_when_only_past_dates_are_documented(shipped, question):
    answer = shipped.ask(question, today=date(2026, 1, 15))
    assert answer.refused and answer.text.startswith(ONLY_PAST), answer.text
    assert "2022" in answer.text.split(":")[0]  # the past dates are named
    assert "Sozialraumorientierte Planungskoordination" in answer.text  # and whom to ask
    assert answer.citations
    # before those dates, the same question is answered
    assert not shipped.ask(question, today=date(2022, 2, 1)).refused


def test_answer_span_is_part_of_the_api_record(shipped):
    data = shipped.ask("Wie viele Handlungsräume hat der Senat festgelegt?").to_dict()
    assert data["answer_span"] and data["answer_span"] in data["text"]
    assert data["answer_type"] == "number"


def test_citizen_answers_explain_abbreviations_on_first_use(shipped):
    import re

    glossary = shipped.glossary
    for question in ("Wer koordiniert die Gemeinschaftsinitiative im Bezirk?", "Was macht die SPK?"):
        answer = shipped.ask(question, audience="citizen")
        assert not answer.refused
        for short, long in glossary.abbreviations.items():
            if re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", answer.text):
                assert long.lower() in answer.text.lower(), (question, short, answer.text)
        # the quoted sources stay as the documents wrote them
        assert all(h in c.text for c in answer.citations for h in c.highlights)


def test_glossary_explains_each_abbreviation_once_and_leaves_compounds():
    from assistant.glossary import Glossary

    g = Glossary(abbreviations={"SPK": "Sozialraumorientierte Planungskoordination", "GI": "Gemeinschaftsinitiative"})
    seen: set[str] = set()
    first = g.explain("Die SPK koordiniert die GI-Handlungsräume.", seen)
    assert first == "Die SPK (Sozialraumorientierte Planungskoordination) koordiniert die GI-Handlungsräume."
    assert g.explain("Die SPK lädt ein.", seen) == "Die SPK lädt ein."


def test_a_tables_header_row_is_never_a_statement():
    from assistant.answer import compose
    from assistant.lexical import LexicalIndex
    from assistant.query import build_query
    from assistant.records import SourceRecord
    from assistant.retrieval import Passage

    text = ("Kennzahl | Wert | Stand / Quelle\n"
            "Arbeitslosigkeit im Bezirk | 6,3 % | Ende 2024\n"
            "Kinderarmut im Bezirk | 25,0 % | Ende 2024")
    record = SourceRecord(doc="zahlen.pdf", title="Zahlen", type="Bericht", stand="2025", areas=(), audience="alle",
                          reconstruction=False, page=1, page_end=1, page_label="1", page_label_end="1",
                          section="Kennzahlen")
    lexical = LexicalIndex(["c1"], [text])
    passage = Passage(id="c1", record=record, text=text, score=1.0)
    query = build_query("Welchen Wert hat die Kennzahl Arbeitslosigkeit im Bezirk?", lexical=lexical)
    answer = compose(query, [passage], today=date(2026, 1, 1)).text
    assert answer.startswith("Arbeitslosigkeit im Bezirk: 6,3 %"), answer  # the row that answers leads
    assert "Kennzahl: Wert" not in answer and "Stand / Quelle" not in answer, answer
    # short cells further down the table are data: a row of names answers "wer"
    contacts = "Aufgabe | Name | Stelle\nAnsprechpartnerin | Frau Schulz | Quartiersbüro Nord"
    lexical = LexicalIndex(["c2"], [contacts])
    passage = Passage(id="c2", record=record, text=contacts, score=1.0)
    answer = compose(build_query("Wer ist Ansprechpartnerin im Quartiersbüro?", lexical=lexical), [passage],
                     today=date(2026, 1, 1)).text
    assert answer.startswith("Ansprechpartnerin: Frau Schulz"), answer


def test_a_heading_that_asks_the_question_is_answered_by_its_first_statement():
    from assistant.answer import compose
    from assistant.lexical import LexicalIndex
    from assistant.query import build_query
    from assistant.records import SourceRecord
    from assistant.retrieval import Passage

    def passage(cid: str, section: str, text: str, score: float) -> Passage:
        record = SourceRecord(doc=f"{cid}.pdf", title="Flyer", type="Flyer", stand="2025", areas=(), audience="alle",
                              reconstruction=False, page=1, page_end=1, page_label="1", page_label_end="1",
                              section=section)
        return Passage(id=cid, record=record, text=text, score=score)

    other = passage("bericht", "Finanzen", "Der Kiezfonds ist ein Programm, das 2024 im Bezirk aus Mitteln des "
                    "Landes aufgestockt wurde.", 0.033)
    reply = "Nachbarinnen und Nachbarn bekommen dort Geld für kleine Projekte. Anträge gehen an das Quartiersbüro."

    def answer(question: str, faq: Passage) -> str:
        lexical = LexicalIndex(["bericht", "flyer"], [other.text, faq.text])
        return compose(build_query(question, lexical=lexical), [other, faq], today=date(2026, 1, 1)).text

    # the section's heading asks the question, or (an FAQ) a question line inside a section called otherwise
    for faq in (passage("flyer", "Was ist der Kiezfonds?", f"Was ist der Kiezfonds?\n{reply}", 0.030),
                passage("flyer", "Häufige Fragen", f"Häufige Fragen\nWas ist der Kiezfonds?\n{reply}", 0.030)):
        text = answer("Was ist eigentlich der Kiezfonds?", faq)
        assert text.startswith("Nachbarinnen und Nachbarn bekommen dort Geld für kleine Projekte."), (faq.section, text)
        # a question asking another kind of question is no such answer
        text = answer("Wann wurde der Kiezfonds aufgestockt?", faq)
        assert text.startswith("Der Kiezfonds ist ein Programm, das **2024**"), (faq.section, text)
    # the answer to the next question of an FAQ is not the answer to this one, even when this one has none to quote
    from assistant.answer import rank
    from assistant.scoring import SCORING

    faq = passage("flyer", "Häufige Fragen", "Häufige Fragen\nWas ist der Kiezfonds?\nInfos: https://example.org/kf\n"
                  "Wie stelle ich einen Antrag?\nAnträge gehen per Post an das Quartiersbüro.", 0.030)
    query = build_query("Was ist eigentlich der Kiezfonds?", lexical=LexicalIndex(["flyer"], [faq.text]))
    post = next(c for c in rank(query, [faq]).candidates if c.sentence.startswith("Anträge"))
    assert post.score < SCORING.faq_answer, post


def test_an_faq_answers_the_question_in_other_words(shipped):
    # the guideline's FAQ asks "Was tun mit Ideen, für die es keine Finanzierung gibt?"
    answer = shipped.ask("Was mache ich mit einer Idee ohne Finanzierung?", audience="staff")
    assert not answer.refused and "Finanzierung offen" in lead_of(answer), answer.text
    # for citizens without its source mark "[Praxis]:", and without the colon it leaves behind
    answer = shipped.ask("Was mache ich mit einer Idee ohne Geld?", audience="citizen")
    assert lead_of(answer).startswith("Im Konzept belassen"), answer.text


def test_a_supporting_statement_does_not_point_back_to_a_sentence_not_shown(shipped):
    # "Das macht Lücken für Senat und Abgeordnetenhaus sichtbar." follows the FAQ answer on unfunded ideas
    answer = shipped.ask("was macht die spk", audience="citizen")
    assert not answer.refused and not any(text.startswith("Das macht") for text, _ in claims(answer.text)), \
        answer.text


def test_the_current_figure_is_answered_whatever_its_date(shipped):
    # "aktuell" asks for the latest figure; only "nächste" asks for a coming event
    answer = shipped.ask("Wie hoch ist die aktuelle Arbeitslosigkeit in Marzahn-Hellersdorf?", audience="citizen",
                         today=date(2026, 11, 27))
    assert not answer.refused and "6,3 %" in lead_of(answer), answer.text


def test_a_lead_that_announces_a_list_is_followed_by_it():
    from assistant.answer import compose
    from assistant.lexical import LexicalIndex
    from assistant.query import build_query
    from assistant.records import SourceRecord
    from assistant.retrieval import Passage

    record = SourceRecord(doc="auswahl.pdf", title="Auswahl", type="Bericht", stand="2025", areas=(),
                          audience="alle", reconstruction=False, page=1, page_end=1, page_label="1",
                          page_label_end="1", section="Auswahl der Gebiete")
    text = ("Die Senatsverwaltung hat die Gebiete nach drei Kriterien aus den Sozialdaten ausgewählt:\n"
            "Arbeitslosigkeit über zehn Prozent.\nKinderarmut über dreißig Prozent.\nWenig Grün im Quartier.\n"
            "Die Auswahl wird alle zwei Jahre geprüft.")
    passage = Passage(id="auswahl", record=record, text=text, score=0.03)
    query = build_query("Nach welchen Kriterien wurden die Gebiete ausgewählt?",
                        lexical=LexicalIndex(["auswahl"], [text]))
    answer = compose(query, [passage], today=date(2026, 1, 1)).text
    assert answer.startswith("Die Senatsverwaltung hat die Gebiete nach drei Kriterien"), answer
    # the announced items follow, in order (as many as an answer's supporting statements may be)
    assert answer.index("Arbeitslosigkeit über zehn Prozent.") < answer.index("Kinderarmut über dreißig Prozent."), \
        answer


def _synthetic(cid: str, section: str, text: str, score: float):
    from assistant.records import SourceRecord
    from assistant.retrieval import Passage

    record = SourceRecord(doc=f"{cid}.pdf", title="Bericht", type="Bericht", stand="2025", areas=(), audience="alle",
                          reconstruction=False, page=1, page_end=1, page_label="1", page_label_end="1",
                          section=section)
    return Passage(id=cid, record=record, text=text, score=score)


def _compose(question: str, passages: list):
    from assistant.answer import compose
    from assistant.lexical import LexicalIndex

    lexical = LexicalIndex([p.id for p in passages], [p.text for p in passages])
    query = build_query(question, lexical=lexical, cues=Cues.load(CORPUS))
    return compose(query, passages, cues=Cues.load(CORPUS), today=date(2026, 1, 1))


def test_a_name_leads_only_from_what_the_question_is_about():
    office = _synthetic("amt", "Bezirksamt", "Das Bezirksamt hat sechs Abteilungen. Es wird vom Bezirksbürgermeister "
                        "geleitet.", 0.033)
    signed = _synthetic("vorlage", "Vorlage", "Die Vorlage unterzeichnete der Senator für Finanzen Matthias Kollatz.",
                        0.031)
    from assistant.answer import lead_evidence, refusal_reason
    from assistant.lexical import LexicalIndex

    # the best sentence names no one; whoever signed another document does not take its place, so the documents
    # name no one for the office (the reason the assistant refuses with)
    cues = Cues.load(CORPUS)
    lexical = LexicalIndex(["amt", "vorlage"], [office.text, signed.text])
    query = build_query("Wer leitet das Bezirksamt?", lexical=lexical, cues=cues)
    evidence = lead_evidence(query, [office, signed], cues=cues)
    assert "Kollatz" not in evidence.sentence, evidence.sentence
    assert "Namen" in refusal_reason(query, evidence, cues).text
    named = _synthetic("amt", "Bezirksamt", "Das Bezirksamt hat sechs Abteilungen. Leiterin des Bezirksamts ist "
                       "die Bezirksbürgermeisterin Erika Mustermann.", 0.033)
    answer = _compose("Wer leitet das Bezirksamt?", [named, signed])
    assert "Erika Mustermann" in answer.text.split("\n")[0] and answer.answer_span == "Erika Mustermann", answer.text


def test_questions_listed_in_a_document_answer_a_question_for_them_together():
    survey = _synthetic("umfrage", "Befragung", "Die Befragung lief im Mai.\nLeitfragen waren:\n- Was fehlt im Kiez?\n"
                        "- Wo fühlen Sie sich unsicher?\nAusgewertet hat sie das Quartiersbüro.", 0.033)
    answer = _compose("Welche Leitfragen hatte die Befragung?", [survey])
    lead = answer.text.split("\n")[0]
    assert "Was fehlt im Kiez? Wo fühlen Sie sich unsicher?" in lead, answer.text
    # a question heading what follows (an FAQ's) is still no answer to other questions
    answer = _compose("Wann lief die Befragung?", [survey])
    assert answer.text.startswith("Die Befragung lief") and "Mai" in answer.text.split("[1]")[0], answer.text


def test_a_citizen_statement_loses_the_evidence_tag_without_a_stray_separator():
    from assistant.answer import _clean

    row = "Bezirksamt (Kollegium) | beschließt das Konzept; [GI] (Beispiel Lichtenberg)."
    assert _clean(row, "citizen") == "Bezirksamt (Kollegium) | beschließt das Konzept (Beispiel Lichtenberg)."
    assert "[GI]" in _clean(row, "staff")  # staff see what is GI-specific and what is general practice


def test_a_question_for_a_beginning_is_not_answered_by_an_end():
    cues = Cues.load(CORPUS)
    finder = SpanFinder(cues)
    start = build_query("Ab welchem Datum war die Online-Beteiligung freigeschaltet?", cues=cues)
    assert start.answer_type == "date" and start.asks_bound == "start" and start.asks_day
    end = build_query("Bis wann konnte man online mitmachen?", cues=cues)
    assert end.asks_bound == "end"
    sentence = "Online: bis zum 27.03.2022 auf der Plattform mein.berlin.de."
    assert finder.strength("date", sentence, start) == 0.0  # the end of the period, not its beginning
    assert finder.strength("date", sentence, end) == 1.0
    assert finder.strength("date", "Das Programm läuft seit 2015.", end) == 0.0
    assert build_query("Seit welchem Jahr gibt es das QM?", cues=cues).answer_type == "date"
    # "wann endet" asks for an end as "bis wann" does: "seit 2021" is no answer to it
    ends = build_query("Wann endet die Förderung für das Zentrum?", cues=cues)
    assert ends.asks_bound == "end" and finder.strength("date", "Seit 2021 wird es gefördert.", ends) == 0.0
    assert build_query("Wann begann die Förderung?", cues=cues).asks_bound == "start"
    # a separable verb whose particle ends the question: "läuft … aus" asks for an end, "fängt … an" for a start
    assert build_query("Wann läuft das Quartiersmanagement Alte Hellersdorfer Straße aus?",
                       cues=cues).asks_bound == "end"
    assert build_query("wann fängt dit an", cues=cues).asks_bound == "start"
    assert build_query("Wann läuft die Förderung aus dem Programm weiter?", cues=cues).asks_bound == ""
    assert build_query("Wann läuft das QM aus, und wer übernimmt dann?", cues=cues).asks_bound == "end"
    assert build_query("When does the funding end for Marzahn?", cues=cues).asks_bound == "end"
    # a date the sentence does not mark as an end is no end: the date of a survey the QM held does not say when
    # the QM ends; "endete … Ende 2020" does
    ends = build_query("Wann ist das Quartiersmanagement zu Ende?", cues=cues)
    assert ends.asks_bound == "end"
    assert finder.strength("date", "Nov./Dez. 2021: Aktivierende Befragung im QM-Gebiet.", ends) == 0
    assert finder.strength("date", "Das Quartiersmanagement endete Ende 2020.", ends) > 0
    assert finder.strength("date", "Die Bildung der OE SPK zum 01.01.2018.", start) > 0


def test_a_question_for_the_time_of_day_is_answered_and_marked_by_one():
    cues = Cues.load(CORPUS)
    finder = SpanFinder(cues)
    query = build_query("Um welche Uhrzeit begann die Versammlung?", cues=cues)
    assert query.answer_type == "date" and query.asks_time
    assert finder.strength("date", "Die Versammlung war am 09.12.2022.", query) == 0.0  # a day is no time of day
    sentence = "09.12.2022: Einwohnerversammlung, 17 Uhr, Oberstufenzentrum."
    start, end = finder.span("date", sentence, query)
    assert sentence[start:end] == "17 Uhr"
    assert finder.strength("date", "Sprechstunde: 10.03.2022, 14–16 Uhr.", query) == 1.0


def test_a_note_that_the_sources_do_not_explain_the_asked_fact_is_quoted_as_the_answer():
    from assistant.answer import compose
    from assistant.lexical import LexicalIndex
    from assistant.query import build_query
    from assistant.records import SourceRecord
    from assistant.retrieval import Passage

    record = SourceRecord(doc="gebiete.pdf", title="Gebiete", type="Bericht", stand="2025", areas=(), audience="alle",
                          reconstruction=False, page=1, page_end=1, page_label="1", page_label_end="1",
                          section="Nordkiez")
    text = ("Der Nordkiez besteht aus drei Teilgebieten (a bis c) und liegt am Stadtrand. "
            "Wie das dritte Teilgebiet heißt, erläutern die ausgewerteten Quellen nicht. "
            "Der Nordkiez wurde 2019 ausgewählt.")
    passage = Passage(id="c1", record=record, text=text, score=1.0)
    lexical = LexicalIndex(["c1"], [text])
    # the honest answer quotes the note, instead of the sentence that only names the Teilgebiete
    answer = compose(build_query("Wie heißt das dritte Teilgebiet des Nordkiez?", lexical=lexical), [passage],
                     today=date(2026, 1, 1))
    assert answer.not_documented is not None and answer.not_documented[0].startswith("Wie das dritte"), answer
    # a question the note does not cover better than a sentence that answers it is answered
    answer = compose(build_query("Aus wie vielen Teilgebieten besteht der Nordkiez?", lexical=lexical), [passage],
                     today=date(2026, 1, 1))
    assert answer.not_documented is None and answer.text.startswith("Der Nordkiez besteht aus **drei**"), answer


def test_a_near_miss_the_documents_call_not_documented_is_refused_with_their_note(shipped):
    answer = shipped.ask("Wie heißt der vierte Teilbereich des Handlungsraums Stadtrand Süd?")
    assert answer.refused and "nicht belegt" in answer.text, answer.text


def test_a_figure_for_another_period_is_no_answer(shipped):
    # the documents give the amount for 2021 to 2024 only; for 2025 to 2027 they name a new call, no amount
    answer = shipped.ask("Welches Mittelvolumen steht für Soziale Infrastrukturmaßnahmen im Zeitraum 2025 bis 2027 "
                         "zur Verfügung?")
    assert answer.refused and "25 Mio" not in answer.text.split("\n")[0], answer.text
    answer = shipped.ask("Wie viel Geld stand zwischen 2021 und 2024 für Soziale Infrastrukturmaßnahmen bereit?")
    assert not answer.refused and "**25 Mio. Euro**" in answer.text, answer.text


def test_asking_when_something_happens_again_gets_the_past_dates_as_past(shipped):
    answer = shipped.ask("wann gibts wieder ne sprechstunde auf dem platz", audience="citizen")
    assert answer.refused and "nur vergangene Termine" in answer.text and "29.03.2022" in answer.text, answer.text


def test_a_note_holds_only_what_it_says_is_unknown():
    from assistant.answer import _unknown_part

    cues = Cues.load(CORPUS)
    row = "7. Veröffentlichung | Download | Datum nicht belegt; die Konzepte für Nordkiez sind abrufbar"
    assert _unknown_part(row, cues) == "7. Veröffentlichung | Download | Datum nicht belegt"
    heading = "Was nicht bekannt ist; Datum des Beschlusses; Liste der Maßnahmen"  # a note heading its list
    assert _unknown_part(heading, cues) == heading


def test_a_note_on_one_rows_date_does_not_refuse_a_question_on_the_timeline(shipped):
    answer = shipped.ask("Welche Termine umfasst der Zeitplan zur Erarbeitung des integrierten Handlungskonzepts "
                         "Hellersdorf-Nord im Jahr 2022?", audience="staff")
    assert not answer.refused, answer.text


@pytest.mark.parametrize(("sentence", "note"), [
    # how official documents say that something is not known
    ("Dazu liegen noch keine Daten vor.", True),
    ("Angaben zur Zahl der Teilnehmenden liegen nicht vor.", True),
    ("Der Termin steht noch nicht fest.", True),
    ("Die Höhe der Mittel ist bisher unbekannt.", True),
    ("Die Unterlagen nennen keinen Termin.", True),
    ("Beschluss | Beschluss des Bezirksamts | Datum nicht belegt", True),
    ("Wie sich dieses Gebiet zu den Handlungsräumen verhält, erklären die Quellen nicht.", True),
    # and what only looks so: a condition, a statement of fact, "nicht nur … sondern auch", a table's next cell
    ("Ausgaben, die nicht belegt sind, werden nicht erstattet.", False),
    ("Ein Interessenkonflikt liegt nicht vor.", False),
    ("Dabei beschreiben die Dokumente die Ziele nicht nur allgemein, sondern auch konkret.", False),
    ("Status: nicht | Bekannt seit: 2019", False),
    ("Was nicht belegt ist; der genaue Wortlaut der Beschlussziffern", True),  # a note heading its list
    ("Offene Punkte; amtliche Nummerierung; Stand der Daten", True),  # a list headed as open
    ("Die Finanzierung der Folgekosten bleibt offen.", True),
    ("Ob das Haus gebaut wird, ist noch ungeklärt.", True),
    ("Die Sprechstunde ist offen für alle.", False),
    ("Offene Türen im Stadtteilzentrum", False),
    ("Es ist noch offen, wann gebaut wird.", True),
    ("Die Anmeldung ist noch offen.", False),  # a door, not a fact
    ("Die Bibliothek ist derzeit offen.", False),
    ("Das Stadtteilzentrum bleibt offen, auch in den Ferien.", False),
    ("Offene Fragen zur Beteiligung beantwortet das QM-Team.", False),
    ("Offene Punkte aus der letzten Sitzung: Der Spielplatz wird eröffnet.", False),
])
def test_a_document_saying_it_does_not_know(sentence, note):
    from assistant.answer import says_not_documented

    assert says_not_documented(sentence, Cues.load(CORPUS)) is note


def test_the_rest_of_a_row_with_a_note_still_answers():
    from assistant.answer import _without_notes

    cues = Cues.load(CORPUS)
    row = "Online-Beteiligung | bis 27.03.2022 (Beginn nicht belegt, spätestens 04.03.2022)"
    assert _without_notes(row, cues).strip() == "Online-Beteiligung | bis 27.03.2022"
    end = build_query("Bis wann lief die Online-Beteiligung?", cues=cues)
    start = build_query("Ab wann lief die Online-Beteiligung?", cues=cues)
    finder = SpanFinder(cues)
    assert finder.strength("date", _without_notes(row, cues), end) == 1.0  # until when: stated
    assert finder.strength("date", _without_notes(row, cues), start) == 0.0  # since when: the note says unknown


def test_again_asks_for_the_next_time_only_in_a_question_about_a_coming_one():
    cues = Cues.load(CORPUS)
    assert build_query("Wann gibt es wieder eine Sprechstunde?", cues=cues).next_event
    assert not build_query("Wann wurde das Quartiersmanagement wieder verlängert?", cues=cues).next_event
    assert not build_query("Seit wann steigt die Einwohnerzahl wieder?", cues=cues).upcoming


def test_a_number_noun_asks_for_a_number_only_as_written():
    cues = Cues.load(CORPUS)
    assert build_query("Welche Fläche umfasst das Gebiet?", cues=cues).answer_type == "number"
    assert build_query("Welche Flächen werden begrünt?", cues=cues).answer_type != "number"  # places, not a size
