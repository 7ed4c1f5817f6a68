"""Retrieval and answers on the shipped corpus (indexed once per session with the real model)."""

from __future__ import annotations

import pytest

from assistant.answer import REFUSAL, normalise_audience, rewrite_followup
from assistant.citations import claims, support
from assistant.glossary import Glossary
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow

KNOWN = [
    ("Welche Beschlussnummer hat der Senatsbeschluss zur GI?", "senatsbeschluss-2018.pdf", "S-1658/2018"),
    ("Wann war die mobile Sprechstunde auf dem Alice-Salomon-Platz?", "flyer-ideen-fuer-hellersdorf.pdf",
     "29.03.2022"),
    ("Wie hoch wurden die Kosten für das Stadtteilhaus am Barnimplatz geschätzt?", "ihk-marzahn-nord-2020.pdf",
     "11,5 Mio. Euro"),
    ("Ab welchem Anteil lernmittelbefreiter Schüler zählt eine Grundschule?", "handlungsraeume.pdf", "75 %"),
    ("Mit wie vielen Stellen startete die OE SPK?", "marzahn-hellersdorf-spk.html", "drei Stellen"),
]


@pytest.mark.parametrize(("question", "doc", "fact"), KNOWN)
def test_known_questions_find_their_document_and_fact(shipped, question, doc, fact):
    passages = shipped.search(question, 3)
    assert doc in [p.doc for p in passages]
    answer = shipped.ask(question)
    assert not answer.refused
    assert fact in answer.text
    assert doc in [c.doc for c in answer.citations[:3]]


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


def test_staff_howto_gets_a_checklist_from_the_guideline(shipped):
    answer = shipped.ask("Wie schreibe ich das Kapitel Bestandsaufnahme und Analyse?", audience="staff")
    assert answer.text.startswith("Laut Leitfaden gehört in das Kapitel „4.3 Bestandsaufnahme und Analyse“")
    assert answer.text.count("- [ ]") >= 3
    assert {c.doc for c in answer.citations} == {"leitfaden-gi-ihk.pdf"}
    assert all("4.3 Bestandsaufnahme" in c.section for c in answer.citations)


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


def test_audience_names():
    assert normalise_audience("Verwaltung") == "staff"
    assert normalise_audience("Bürgerinnen und Bürger") == "citizen"
    with pytest.raises(ValueError, match="Unbekannte Zielgruppe"):
        normalise_audience("alien")
