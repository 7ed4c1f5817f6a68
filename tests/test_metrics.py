"""Metric functions on small hand-made cases, including failures that must score as failures."""

from assistant.evaluation import (
    Result,
    answer_hit,
    citation_validity,
    hit_at,
    normalise,
    percentile,
    source_rank,
    summarise,
)

PASSAGE = "Die mobile Sprechstunde fand am 29.03.2022 auf dem Alice-Salomon-Platz statt."


def _result(rid, gold, doc, answer, refused, cited, rank=None, hit=False, validity=None):
    return Result(rid, "citizen", [], "?", gold, doc, answer, refused, [{"doc": d} for d in cited], 10.0, rank, hit,
                  validity)


def test_answer_hit_normalises_but_a_wrong_answer_fails():
    assert answer_hit("29.03.2022", "Am **29.03.2022** [1] war es.", refused=False)
    assert answer_hit("2025 bis 2027", "im Zeitraum 2025–2027 [1]", refused=False)
    assert not answer_hit("29.03.2022", "Am 27.03.2022 war es. [1]", refused=False)
    assert not answer_hit("29.03.2022", "Am 29.03.2022 war es. [1]", refused=True)
    assert normalise("„Straße“  [2]") == "straße"


def test_source_rank_and_hits():
    assert source_rank("a.pdf", ["b.pdf", "a.pdf"], refused=False) == 2
    assert source_rank("a.pdf", ["a.pdf"], refused=True) is None
    assert hit_at(2, 3) and not hit_at(4, 3) and not hit_at(None, 5)


def test_citation_validity():
    sources = {1: PASSAGE}
    assert citation_validity("Die Sprechstunde war am 29.03.2022 auf dem Alice-Salomon-Platz. [1]", sources) == 1.0
    assert citation_validity("Die Sprechstunde war am 29.03.2022. [3]", sources) == 0.0  # no such source
    assert citation_validity("Es gab Freibier für alle Gäste. [1]", sources) == 0.0  # not supported
    half = citation_validity("Die Sprechstunde war auf dem Alice-Salomon-Platz. [1] Ohne Quelle gesagt.", sources)
    assert half == 0.5


def test_summary_counts_wrong_answers_and_wrong_refusals_as_failures():
    results = [
        _result("1", "29.03.2022", "f.pdf", "29.03.2022 [1]", False, ["f.pdf"], rank=1, hit=True, validity=1.0),
        _result("2", "27.03.2022", "f.pdf", "Am 29.03.2022 [1]", False, ["f.pdf"], rank=1, hit=False, validity=1.0),
        _result("3", "13", "g.pdf", "Dazu steht … nichts.", True, ["x.pdf"]),  # wrong refusal
        _result("4", "nicht im Korpus", None, "Dazu steht … nichts.", True, []),  # right refusal
        _result("5", "nicht im Korpus", None, "Erfunden [1]", False, ["f.pdf"], validity=0.0),  # should refuse
    ]
    s = summarise(results)
    assert s["answerable"] == 3 and s["unanswerable"] == 2
    assert s["answer_hit"] == 1 / 3
    assert s["hit@1"] == 2 / 3
    assert s["false_refusal_rate"] == 1 / 3
    assert s["refusal_rate"] == 0.5
    assert s["citation_validity"] == 2 / 3


def test_percentile():
    assert percentile([1, 2, 3, 4, 100], 0.5) == 3
    assert percentile([1, 2, 3, 4, 100], 0.95) == 100
    assert percentile([], 0.5) == 0.0


def test_a_cut_sentence_is_not_a_whole_statement():
    from assistant.eval_runner import whole_statement

    assert whole_statement("Die mobile Sprechstunde fand am **29.03.2022** statt.")
    assert whole_statement("Vor Ort: mobile Sprechstunde | 29.03.2022")
    assert not whole_statement("… Integrierte Handlungs- und Entwicklungskonzepte der")
    assert not whole_statement("ein neues Stadtteilhaus am")


def test_readability_grades_a_plain_sentence_easier_than_official_prose():
    from assistant.eval_runner import _plain, wiener_sachtextformel

    plain = ["Die Sprechstunde war am Dienstag. Sie war auf dem Platz. Viele Leute kamen."]
    official = ["Die ressortübergreifende Gemeinschaftsinitiative zur Stärkung sozial benachteiligter Quartiere "
                "koordiniert integrierte Handlungskonzepte der Bezirksverwaltungen."]
    assert wiener_sachtextformel(plain) < wiener_sachtextformel(official)
    assert _plain("Am **29.03.2022** war es. [1]") == "Am 29.03.2022 war es."
