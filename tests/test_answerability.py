"""The answerability gate: features from real Passage objects, the stored model applied with numpy, and (slow) the
real model on the shipped corpus refusing a new near miss and answering a new answerable question."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from assistant.answer import REFUSAL, lead_evidence
from assistant.answerability import (
    FEATURE_DOC,
    MODEL_PATH,
    SELECTED,
    AnswerabilityModel,
    features,
    load_model,
)
from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex
from assistant.query import Cues, build_query
from assistant.records import SourceRecord
from assistant.retrieval import Passage

TEXTS = {
    "p1": "Die mobile Sprechstunde fand am 29.03.2022 auf dem Alice-Salomon-Platz statt. Sie dauerte drei Stunden.",
    "p2": "Das Stadtteilhaus am Barnimplatz soll eine Bibliothek und einen Saal erhalten.",
    "p3": "Die Kosten des Stadtteilhauses wurden auf rund 11,5 Mio. Euro geschätzt.",
}


def _record(doc: str, stand: str, section: str) -> SourceRecord:
    return SourceRecord(doc=doc, title="Beispiel", type="Bericht", stand=stand, areas=(), audience="alle",
                        reconstruction=False, page=1, page_end=1, page_label="1", page_label_end="1",
                        section=section)


def _passage(cid: str, *, bm25: int, dense: int, sim: float) -> Passage:
    p = Passage(id=cid, record=_record(f"{cid}.pdf", "2022", "Abschnitt"), text=TEXTS[cid],
                score=1 / (60 + bm25) + 1 / (60 + dense), dense_sim=sim)
    p.ranks = {"bm25": bm25, "dense": dense}
    return p


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return LexicalIndex(list(TEXTS), list(TEXTS.values()))


def _judge(question: str, passages: list[Passage], lexical: LexicalIndex) -> dict[str, float]:
    query = build_query(question, glossary=Glossary(), cues=Cues.load(), lexical=lexical)
    evidence = lead_evidence(query, passages, cues=Cues.load(), glossary=Glossary())
    return features(query, passages, evidence, lexical.df, Cues.load())


def test_features_of_an_answered_question(lexical):
    passages = [_passage("p1", bm25=1, dense=1, sim=0.91), _passage("p2", bm25=2, dense=3, sim=0.80)]
    f = _judge("Wann war die mobile Sprechstunde auf dem Alice-Salomon-Platz?", passages, lexical)
    assert set(f) == set(FEATURE_DOC)
    assert f["lead_coverage"] > 0.8 and f["passage_coverage"] >= f["lead_coverage"]
    assert f["answer_type_missing"] == 0.0 and f["answer_type_strength"] == 1.0  # the lead holds a day
    assert f["unknown_share"] == 0.0 and f["top_dense"] == pytest.approx(0.91)
    assert f["rank_agreement"] == pytest.approx(1.0)  # both sides rank the top passage first
    assert math.isnan(f["sentence_similarity"])  # no similarity hook: imputed by the model


def test_features_of_a_near_miss(lexical):
    passages = [_passage("p3", bm25=1, dense=4, sim=0.84), _passage("p2", bm25=3, dense=1, sim=0.86)]
    f = _judge("Wie hoch ist die Miete im Stadtteilhaus?", passages, lexical)
    assert f["unknown_share"] > 0.3  # "Miete" is not a word of this corpus
    assert f["passage_coverage"] < 1.0
    assert f["rank_agreement"] == pytest.approx(2 / 5)


def test_not_documented_statement_is_a_feature(lexical):
    TEXTS["p4"] = "Die Öffnungszeiten der Sprechstunde sind in den ausgewerteten Quellen nicht belegt."
    try:
        p = Passage(id="p4", record=_record("p4.pdf", "", ""), text=TEXTS["p4"], score=0.03, dense_sim=0.9)
        f = _judge("Welche Öffnungszeiten hat die Sprechstunde?", [p], lexical)
    finally:
        del TEXTS["p4"]
    assert f["not_documented"] > 0.5


def test_shipped_model_file_has_the_promised_fields():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    for key in ("features", "descriptions", "scaler", "coefficients", "intercept", "threshold", "impute", "training"):
        assert key in data, key
    assert tuple(data["features"]) == SELECTED
    assert len(data["coefficients"]) == len(data["scaler"]["mean"]) == len(data["scaler"]["scale"])
    assert 0.0 < data["threshold"] < 1.0
    training = data["training"]
    assert training["rows"]["gi"] > 100 and training["rows"]["xquad"] > 100
    assert "questions.jsonl" not in json.dumps(training["data"])  # never the held-out split
    cv = training["cv"]["rates"]
    assert cv["gi"]["answerable_refused"] <= training["max_false_refusals"] + 1e-9
    assert cv["xquad"]["answerable_refused"] <= training["max_false_refusals"] + 1e-9


def test_model_is_a_logistic_function_of_standardised_features():
    model = AnswerabilityModel(("a", "b"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.5, -0.5]),
                               0.2, 0.5, impute={"b": 0.0})
    z = (3.0 - 1.0) / 2.0 * 1.5 + 0.2  # b missing: imputed with its mean, so it adds nothing
    assert model.probability({"a": 3.0, "b": float("nan")}) == pytest.approx(1 / (1 + math.exp(-z)))
    assert model.contributions({"a": 3.0, "b": 2.0})["b"] == pytest.approx(-1.0)
    again = AnswerabilityModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.probability({"a": 0.3, "b": 1.0}) == pytest.approx(model.probability({"a": 0.3, "b": 1.0}))


def test_shipped_model_prefers_a_covered_question(lexical):
    model = load_model()
    answered = _judge("Wann war die mobile Sprechstunde auf dem Alice-Salomon-Platz?",
                      [_passage("p1", bm25=1, dense=1, sim=0.91)], lexical)
    near_miss = _judge("Wie hoch ist die Miete im Stadtteilhaus?", [_passage("p3", bm25=1, dense=4, sim=0.80)],
                       lexical)
    assert model.probability(answered) > model.probability(near_miss)


@pytest.mark.slow
def test_near_miss_is_refused_and_answerable_is_answered(shipped):
    # new questions, in none of evals/*.jsonl. The fitted gate alone lets this near miss through (it separates GI
    # near misses poorly: cross-validated ROC AUC about 0.57, see evals/reports/eval.md); it is refused because the
    # question insists on a price and no candidate lead states an amount (required_facts in corpus/cues.yaml).
    near_miss = shipped.ask("Wie hoch ist die Miete im Stadtteilzentrum?")
    answered = shipped.ask("Auf wie viel Euro wurden die Kosten des Stadtteilhauses am Barnimplatz geschätzt?")
    assert "answerability_ms" in answered.timings
    assert not answered.refused and "11,5 Mio. Euro" in answered.text
    assert answered.timings["answerability"] >= shipped.operating_point()
    assert near_miss.refused and near_miss.text.startswith(REFUSAL)
    assert "Fragen Sie am besten bei dieser Stelle nach" in near_miss.text  # names whom to ask
