import pytest

from assistant.lexical import Analyzer, LexicalIndex, elided_compounds, fold, stem

TEXTS = [
    "Die Schlüsselmaßnahmen bilden den Kern des Konzepts.",
    "Jede Maßnahme wird in einem Steckbrief beschrieben.",
    "Die mobile Sprechstunde fand auf dem Alice-Salomon-Platz statt.",
    "Das Quartiersmanagement endete nach über 20 Jahren.",
]


def test_umlaut_and_sharp_s_variants_meet():
    assert stem("Maßnahme") == stem("Massnahme") == stem("Maßnahmen")
    assert fold("Schlüssel") == fold("Schluessel")
    assert stem("Straße") == stem("Strasse")
    assert fold("Ärzte") == fold("Aerzte") and fold("Öffnung") == fold("Oeffnung")


def test_a_vowel_before_ue_is_no_umlaut_spelling():
    # "neuen" is not "neun", nor "Steuer" "Stür": after a vowel or a q, "ue" is two letters
    assert stem("neuen") == stem("neue") != stem("neun")
    assert fold("Steuer") == "steuer" and fold("Quelle") == "quelle"


def test_compounds_are_split_against_the_corpus_vocabulary():
    analyzer = Analyzer(["Maßnahmen", "Schlüssel", "Konzept"])
    assert analyzer.split_compound("Schlüsselmaßnahmen") == ("schlussel", "massnahmen")
    assert stem("Maßnahme") in analyzer.terms("Schlüsselmaßnahmen")
    assert analyzer.split_compound("Marzahn") == ()


def test_a_compound_split_needs_a_corpus_word_on_both_sides():
    analyzer = Analyzer(["endet", "Handlung", "Konzept", "Tischer"])
    assert analyzer.split_compound("verwendet") == ()  # "verw" is no word, though "endet" is
    assert analyzer.split_compound("theoretischer") == ()  # nor is "theore", though "Tischer" is
    assert analyzer.split_compound("Handlungskonzept") == ("handlung", "konzept")  # linking "s" dropped


def test_a_word_cut_at_a_hyphen_is_completed_in_documents_only():
    # the Ergänzungsstrich of office prose: "Lenkungs- oder Steuerungsgruppe" is a Lenkungsgruppe too
    assert "Lenkungsgruppe" in elided_compounds("Eine Lenkungs- oder Steuerungsgruppe begleitet den Prozess.")
    implied = elided_compounds("Kosten-, Finanzierungs- und Zeitplan als Tabelle")
    assert {"Kostenplan", "Finanzierungsplan"} <= set(implied)
    assert "Jugendarbeit" in elided_compounds("Jugendhilfe und -arbeit")
    assert elided_compounds("Die Nord-Süd-Achse und 2019- bis 2021 und") == []  # no cut word, no years
    # with the corpus vocabulary only the longest ending that is a word is used, and nothing when none is
    analyzer = Analyzer(["Steuerung", "Gruppe", "Steuerungsgruppe"])
    assert elided_compounds("Lenkungs- oder Steuerungsgruppe", analyzer.vocab) == ["Lenkungsgruppe"]
    assert elided_compounds("Sozial- und Gesundheitsberichte", analyzer.vocab) == []
    text = "Lenkungs- oder Steuerungsgruppe"
    assert stem("Lenkungsgruppe") in analyzer.terms(text, complete=True)
    assert stem("Lenkungsgruppe") not in analyzer.terms(text)  # a question's words are taken as written


def test_search_finds_the_word_an_elided_compound_implies():
    texts = ["Kosten-, Finanzierungs- und Zeitplan als Tabelle führen.", "Der Finanzbericht erscheint jährlich.",
             "Ein Plan für die Finanzierung der Zeit danach."]
    index = LexicalIndex(["c0", "c1", "c2"], texts)
    assert index.search("Finanzierungsplan", 1)[0][0] == "c0"


def test_search_finds_compound_parts_typos_and_filters(tmp_path):
    ids = [f"c{i}" for i in range(len(TEXTS))]
    index = LexicalIndex(ids, TEXTS)
    assert index.search("Massnahme", 2)[0][0] in {"c0", "c1"}
    assert index.search("Sprechstunde Alice Salomon", 1)[0][0] == "c2"
    assert index.search("Sprechstnde", 1)[0][0] == "c2"  # typo mapped to the corpus word
    assert index.search("Sprechstunde", 3, allowed={"c3"}) == []
    assert index.search("Wetter morgen", 3) == []
    index.save(tmp_path / "bm25")
    again = LexicalIndex.load(tmp_path / "bm25")
    assert again.search("Quartiersmanagement", 1) == index.search("Quartiersmanagement", 1)
    assert again.idf("quartiersmanag") == index.idf("quartiersmanag")


def test_an_index_from_another_analyzer_version_is_not_loaded(tmp_path):
    import json

    LexicalIndex(["c0"], TEXTS[:1]).save(tmp_path / "bm25")
    meta_path = tmp_path / "bm25" / "ids.json"
    meta = json.loads(meta_path.read_text())
    meta["version"] = -1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="another analyzer version"):
        LexicalIndex.load(tmp_path / "bm25")


def test_a_word_that_begins_corpus_compounds_is_no_typo_of_a_similar_word():
    index = LexicalIndex(["c0", "c1"], ["Der Anspruch auf Förderung besteht.", "Ansprechstellen: das Bezirksamt."])
    # "ansprechen" is one letter from "Anspruch", but the documents use it as the first part of "Ansprechstellen"
    assert index.query_terms("ansprechen") == ["ansprechstell"]
    assert index.search("Wen kann ich ansprechen?", 1)[0][0] == "c1"
    assert index.query_terms("Anspruhc") == ["anspruch"]  # a typo is still corrected
    # a close typo or inflection wins over a compound the word begins ("Nachbar": "Nachbarn", not "Nachbarschaft")
    neighbours = LexicalIndex(["c0", "c1"], ["Die Nachbarn treffen sich.", "Die Nachbarschaft wächst."])
    assert neighbours.query_terms("Nachbar") == neighbours.query_terms("Nachbarn")


def test_typo_matching_is_the_same_in_every_process():
    """Equally close corpus words: the choice must not depend on Python's hash seed (set order), or the same
    question gets different answers after a restart."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("from assistant.lexical import LexicalIndex\n"
            "ix = LexicalIndex(['a', 'b', 'c'], ['Der Gartenzaun ist neu.', 'Der Gartenbaum ist alt.', "
            "'Der Gartenraum steht.'])\n"
            "print(ix.query_terms('Gartenxaum')[0])\n")
    seen = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout.strip() for seed in range(6)}
    assert seen == {"gartenbaum"}


def test_a_word_with_another_first_letter_is_no_typo():
    index = LexicalIndex(["c0"], ["Das Verfahren ist im Leitfaden beschrieben."])
    assert index.query_terms("Leitfadn beschriebn") == ["leitfad", "beschrieb"]  # typos
    assert index.query_terms("geschrieben")[0] != "beschrieb"  # a word of its own, unknown to the corpus


def test_kinds_of_a_thing_include_compounds_whose_first_part_the_corpus_uses_only_as_a_stem():
    # "Stadtentwicklung" stems to "stadtentwickl": the Stadtentwicklungsamt is still a kind of Amt, the
    # "insgesamt" of a sum is not
    index = LexicalIndex(["c0", "c1", "c2"], ["Die Stadtentwicklung plant.", "Das Stadtentwicklungsamt koordiniert.",
                                              "Insgesamt gibt es ein Amt und ein Jugendamt für die Jugend."])
    kinds = index.kinds_of(stem("Amt"))
    assert {stem("Stadtentwicklungsamt"), stem("Jugendamt"), stem("Amt")} <= kinds
    assert stem("insgesamt") not in kinds


def test_spoken_and_berlin_function_words_are_no_search_terms():
    # "dit" (das), "gabs" (gab es), "ham" (haben) would weigh as rare words no document uses
    terms = Analyzer().terms("wie lange gabs dit quartiersmanagement, wat ham die leute gesagt")
    assert "quartiersmanagement" in terms
    assert not {"dit", "gab", "gabs", "ham", "wat"} & set(terms)


def test_a_feminine_plural_meets_its_singular():
    assert stem("Senatorinnen") == stem("Senatorin")
    assert stem("Mitarbeiterinnen") == stem("Mitarbeiterin")
    assert stem("Lehrerinnen") == stem("Lehrerin")
    # words in "-innen" that are no feminine plurals keep their stems, also in compounds
    assert stem("beginnen") == "beginn" and stem("Hauptgewinnen") == stem("Hauptgewinn")
