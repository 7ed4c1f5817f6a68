"""German sentence units: ordinals, dates, abbreviations, list items and table rows, with character spans."""

from __future__ import annotations

import re

import pytest

from assistant.chunking import document_text
from assistant.sentences import Splitter, heading_key, sentences, split_units
from tests.sentence_corpus import build_sentence_corpus


def _core(unit: str) -> str:
    """A unit's words without list marker or cell bars (how the PDF loader marks items is not tested here)."""
    return re.sub(r"\s+", " ", re.sub(r"^(?:[•\-–*]|\d{1,2}\.)?\s*\|?\s*", "", unit)).strip()


def texts(passage: str, splitter: Splitter | None = None) -> list[str]:
    units = split_units(passage, splitter=splitter)
    assert all(passage[u.start:u.end] == u.text for u in units)  # spans locate every unit
    return [u.text for u in units]


@pytest.mark.parametrize("passage, expected", [
    ("Die Siedlung begann Mitte des 18. Jahrhunderts. Danach wuchs sie.",
     ["Die Siedlung begann Mitte des 18. Jahrhunderts.", "Danach wuchs sie."]),
    ("Im 3. Quartal 2021 kam der Beschluss. Er gilt.", ["Im 3. Quartal 2021 kam der Beschluss.", "Er gilt."]),
    ("Die Sprechstunde war am 12. Mai 2022. Sie war voll.", ["Die Sprechstunde war am 12. Mai 2022.", "Sie war voll."]),
    ("Am 10.03.2022 fand sie statt. Dann nicht mehr.", ["Am 10.03.2022 fand sie statt.", "Dann nicht mehr."]),
    ("Siehe Nr. 3. Das ist wichtig.", ["Siehe Nr. 3.", "Das ist wichtig."]),
    ("Die Zahl stieg um 3. Danach sank sie.", ["Die Zahl stieg um 3.", "Danach sank sie."]),
    ("Es gibt z. B. Schulen, u. a. Kitas, d. h. viele Orte. Gut.",
     ["Es gibt z. B. Schulen, u. a. Kitas, d. h. viele Orte.", "Gut."]),
    ("Siehe S. 2 und Abs. 1 der Satzung. Ende.", ["Siehe S. 2 und Abs. 1 der Satzung.", "Ende."]),
    ("Es sind ca. 30 bzw. 40 Orte. Ende.", ["Es sind ca. 30 bzw. 40 Orte.", "Ende."]),
    ("Das Büro liegt in der Hauptstr. 5 in Berlin. Es ist offen.",
     ["Das Büro liegt in der Hauptstr. 5 in Berlin.", "Es ist offen."]),
    ("Das Büro liegt in der Hauptstr. 5. Es ist offen.", ["Das Büro liegt in der Hauptstr. 5.", "Es ist offen."]),
    ("Es gab 13 Gebiete. 2019 kamen weitere hinzu.", ["Es gab 13 Gebiete.", "2019 kamen weitere hinzu."]),
    ("Was ist das? Ein Test! Gut.", ["Was ist das?", "Ein Test!", "Gut."]),
])
def test_sentence_ends_in_german_text(passage, expected):
    assert texts(passage) == expected


def test_list_items_and_table_rows_are_one_unit_each():
    passage = ("Themen:\n• Klimawandel\n• Bildung und Schule\n1. Erster Schritt: Daten sammeln.\n"
               "a) Die Schule wird saniert\n"
               "Beteiligung | Sprechstunden am 10.03.2022. Danach eine Umfrage. | 2. Quartal 2022")
    units = split_units(passage)
    assert [(u.kind, u.text) for u in units] == [
        ("sentence", "Themen:"),
        ("item", "• Klimawandel"),
        ("item", "• Bildung und Schule"),
        ("item", "1. Erster Schritt: Daten sammeln."),
        ("item", "a) Die Schule wird saniert"),
        ("row", "Beteiligung | Sprechstunden am 10.03.2022. Danach eine Umfrage. | 2. Quartal 2022"),
    ]
    assert all(u.complete for u in units)


def test_a_line_broken_mid_sentence_is_one_unit_and_headings_stay_whole():
    passage = "2.1 Ziele\nDas Konzept verfolgt drei\nwichtige Ziele. Es gilt für alle Teilgebiete."
    units = split_units(passage, headings={heading_key("2.1 Ziele")})
    assert [(u.kind, u.text) for u in units] == [
        ("heading", "2.1 Ziele"), ("sentence", "Das Konzept verfolgt drei\nwichtige Ziele."),
        ("sentence", "Es gilt für alle Teilgebiete.")]
    assert not split_units("Der Satz geht\nweiter und endet hier.")[0].text.endswith("geht")


def test_dotted_abbreviations_from_the_glossary(tmp_path):
    (tmp_path / "glossary.yaml").write_text("abbreviations:\n  Bez.: Bezirk\n  GI: Gemeinschaftsinitiative\n",
                                            encoding="utf-8")
    passage = "Das gilt im Bez. Marzahn-Hellersdorf. Die GI. Das ist neu."
    assert texts(passage, Splitter()) != texts(passage, Splitter.for_corpus(tmp_path))
    # the undotted "GI" never hides a sentence end
    assert texts(passage, Splitter.for_corpus(tmp_path)) == [
        "Das gilt im Bez. Marzahn-Hellersdorf.", "Die GI.", "Das ist neu."]


def test_sentences_keeps_its_answer_unit_contract():
    # callers import it from assistant.citations, as before the move
    from assistant.citations import sentences as reexported

    passage = "Themen:\n• Klimawandel\n• Bildung\nDie Siedlung begann Mitte des 18. Jahrhunderts. Gut."
    assert reexported is sentences
    assert sentences(passage) == ["Themen:", "Klimawandel; Bildung",
                                  "Die Siedlung begann Mitte des 18. Jahrhunderts.", "Gut."]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_sentence_corpus(tmp_path_factory.mktemp("sentence-corpus"))


def test_no_unit_of_the_test_pdfs_is_cut(corpus):
    doc = corpus["satzgrenzen.pdf"]
    joined = document_text(doc)
    headings = {heading_key(t) for _, t in doc.headings}
    units = split_units(joined.text, headings)
    cover = joined.page_starts[1]  # the cover's title lines are no sentences
    for u in units:
        if u.start >= cover and "http" not in u.text:
            assert u.complete, f"cut unit: {u.text!r}"
    found = {_core(u.text) for u in units}
    for whole in ["Die Siedlung Musterstadt-Nord begann Mitte des 18. Jahrhunderts als kleines Straßendorf.",
                  "Im 3. Quartal 2021 beschloss der Rat einen neuen Plan für das Gebiet.",
                  "Die erste Sprechstunde fand am 12. Mai 2022 statt, die zweite am 10.03.2023 im Rathaus.",
                  "Einzelheiten stehen in Nr. 3.",
                  "Die Unterlagen nennen z. B. Schulen, Kitas u. a. Treffpunkte, d. h. alle Orte des Alltags.",
                  "Die Regel steht auf S. 2 in Abs. 1 der Satzung.",
                  "Im Gebiet wohnen ca. 12.000 Menschen bzw. rund 6.000 Haushalte.",
                  "In Musterstadt-Nord wurde zum Beispiel ein neues Stadtteilhaus am Marktplatz geplant.",
                  "Klimawandel", "Bildung und Schule"]:
        assert whole in found


def test_the_sentence_over_the_page_break_is_one_unit_with_repaired_hyphenation(corpus):
    doc = corpus["satzgrenzen.pdf"]
    joined = document_text(doc)
    units = split_units(joined.text, {heading_key(t) for _, t in doc.headings})
    across = [u for u in units if "Entwicklungskonzepte" in u.text]
    assert len(across) == 1
    assert across[0].text.startswith("Für die Bestandsaufnahme nutzt das Team")
    assert across[0].text.endswith("der Nachbarschaftsbüros.")
    assert "Handlungs- und Entwicklungskonzepte" in across[0].text  # ellipsis hyphen kept, break hyphen gone
    first, last = joined.page_index(across[0].start), joined.page_index(across[0].end - 1)
    assert (doc.pages[first].page_no, doc.pages[last].page_no) == (2, 3)


def test_table_row_lines_from_the_pdf_are_single_units(corpus):
    # Rebuilding wrapped cells into rows is the PDF loader's job; here: whatever row lines it yields stay whole.
    doc = corpus["satzgrenzen.pdf"]
    text = document_text(doc).text
    row_lines = [line.strip() for line in text.split("\n") if " | " in line.strip()]
    assert any(line.startswith("Bestandsaufnahme | ") for line in row_lines)
    for line in row_lines:
        assert [(u.kind, u.text) for u in split_units(line)] == [("row", line)]
