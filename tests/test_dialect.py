"""Berlin spellings are read as standard German (assistant/dialect.py, assistant/data/berlinisch.yaml)."""

from __future__ import annotations

from assistant.dialect import Dialect
from assistant.query import Cues, build_query
from tests.conftest import CORPUS


def test_berlin_words_and_fused_endings_are_read_in_standard_german():
    dialect = Dialect.load()
    assert dialect.standard("wie ville leute jibt et in dit jebiet?") == "wie viele leute gibt es in das jebiet?"
    assert dialect.standard("Wat soll'n dit kosten?") == "Was soll das kosten?"


def test_j_for_g_only_turns_an_unknown_word_into_a_known_one():
    dialect = Dialect.load()
    known = {"geld", "gebiet", "jugend", "gugend", "jazz"}.__contains__
    assert dialect.standard("wie viel jeld im jebiet", known) == "wie viel geld im gebiet"
    assert dialect.standard("Wie viel Jeld jibt et?", known) == "Wie viel Geld gibt es?"  # a noun, capitalised
    # a word the documents know stays, though its g-form is known too ("jugend", "gugend"); so does one whose
    # g-form they do not know ("jelbi": no "gelbi")
    assert dialect.standard("jugend und jelbi", known) == "jugend und jelbi"


def test_names_and_abbreviations_stay_as_written():
    dialect = Dialect.load()
    # a capital inside the question marks a name or an abbreviation; the first word may be Berlinisch ("Wat")
    assert dialect.standard("Wat is dit, ET oder Sebastian Det?") == "Was is das, ET oder Sebastian Det?"
    # parts of hyphenated names and the "'n" of "Rock'n'Roll" are no fused words
    assert dialect.standard("wo is dit-zentrum mit rock'n'roll") == "wo is dit-zentrum mit rock'n'roll"
    # a word of the list with its apostrophe is taken whole ("wer'n" is "werden", not "wer")
    assert dialect.standard("wer'n die pläne geändert?") == "werden die pläne geändert?"


def test_a_question_in_berlin_spelling_is_parsed_like_one_in_standard_german(shipped):
    cues = Cues.load(CORPUS)
    query = build_query("wie ville kitas jibt et in hellersdorf", cues=cues)
    assert query.answer_type == "number"
    assert query.question == "wie ville kitas jibt et in hellersdorf"  # shown as written
    # the district's figure is no answer about one of its areas, however the question is spelt
    answer = shipped.ask("wie ville arbeitslose jab et ende 2019 in hellersdorf nord?", audience="citizen")
    assert answer.refused and "nicht Hellersdorf-Nord" in answer.text, answer.text
    # a Berlin spelling of a word the glossary translates: "Bürjertreffen" is a "Bürgertreffen"
    query = build_query("wo war dit bürjertreffen", cues=cues, glossary=shipped.glossary,
                        lexical=shipped.index().retriever.lexical)
    assert "bürgertreffen" in query.text
