"""Berlin spellings are read as standard German (assistant/dialect.py, assistant/data/berlinisch.yaml)."""

from __future__ import annotations

from assistant.dialect import Dialect
from assistant.query import Cues, build_query
from tests.conftest import CORPUS

KNOWN = {"geld", "gebiet", "bürger"}


def test_berlin_words_and_fused_endings_are_read_in_standard_german():
    dialect = Dialect.load()
    assert dialect.standard("wie ville leute jibt et in dit jebiet?") == "wie viele leute gibt es in das jebiet?"
    assert dialect.standard("Wat soll'n dit kosten?") == "Was soll das kosten?"


def test_j_for_g_only_turns_an_unknown_word_into_a_known_one():
    dialect = Dialect.load()
    known = KNOWN.__contains__
    assert dialect.standard("wie viel jeld im jebiet", lambda w: w.lower() in KNOWN) == "wie viel geld im gebiet"
    # a word the documents know, or whose g-form they do not, stays as written
    assert dialect.standard("ja jetzt Jugend", known) == "ja jetzt Jugend"


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
