"""Calibrated answerability: does the retrieved text answer the question, or should the assistant say that the
documents do not say?

A small logistic model over a handful of explainable features of the question (``Query``), the retrieved passages
and the composer's best lead candidate (``answer.lead_evidence``). No embedding work beyond the query vector that
retrieval already computed. The model is fitted offline with scikit-learn and stored as plain JSON
(``assistant/data/answerability.json``: feature names, scaler, coefficients, threshold, training metadata);
answering applies it with numpy only, so runtime does not need scikit-learn.

Training data: the project's development questions (``evals/dev.jsonl``: answerable vs ``"nicht im Korpus"``)
and the development half of XQuAD-de (questions about indexed articles vs articles left out of the index, see
``assistant/xquad_eval.py``). Never the held-out split (``evals/questions.jsonl``) or XQuAD's held-out half.
The operating point is the highest threshold whose cross-validated false refusals (answerable questions refused)
stay at most ``MAX_FALSE_REFUSALS`` on each training source.

Rebuild the model file: ``python -m assistant.answerability_fit fit`` (``assistant/answerability_fit.py``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.answer import LeadEvidence, says_not_documented
from assistant.citations import content_terms, sentences
from assistant.query import Cues, Query, coverage

if TYPE_CHECKING:
    from assistant.retrieval import Passage

MODEL_PATH = Path(__file__).resolve().parent / "data" / "answerability.json"
FORMAT_VERSION = 1
MAX_FALSE_REFUSALS = 0.05  # issue 8: at most 5 % of answerable questions refused (cross-validated, per source)
MISSING_RANK = 31  # a passage not in one side's candidate list (30 candidates) ranks just behind it
TOP_PASSAGES = 3  # passages whose "not documented" statements count

# Every feature the extractor computes, with what it measures. The model uses the subset chosen by measurement
# (``SELECTED``); the others stay here so that ``fit --all`` can compare them.
FEATURE_DOC: dict[str, str] = {
    "lead_coverage": "IDF-weighted share of the question's focus terms in the lead sentence",
    "passage_coverage": "… in the lead's whole passage (with section heading and title)",
    "answer_type_missing": "the question word asks for a date, number, body, place or definition the lead lacks",
    "answer_type_strength": "how clearly the lead holds the asked-for type (1 also when no type is asked for)",
    "missing_term": "weight share of the heaviest focus term absent from the lead's passage (heading, title too)",
    "absent_everywhere": "weight share of known focus terms found in none of the retrieved passages",
    "target_in_lead": "the thing asked for (the first focus term after the question word: \"wie viele *Zuschauer*\") "
                      "is named in the lead sentence",
    "target_in_passage": "… in the lead's passage (heading, title too)",
    "year_missing": "the question names a year that the lead's passage (text, title, Stand) does not",
    "lead_score": "the composer's score of the lead sentence",
    "lead_margin": "lead score minus the best other sentence's score",
    "unknown_share": "weight share of focus terms the corpus never uses (not in the BM25 vocabulary)",
    "top_dense": "best dense similarity of question and passage (the retrieval's own cosine; imputed without a "
                 "dense side)",
    "rank_agreement": "2 / (BM25 rank + dense rank) of the top passage: 1 when both sides rank it first",
    "not_documented": "coverage of the best top-passage sentence in which a document says the fact is not documented",
    "scope_penalty": "the lead is about another area or year than the question names",
    "english": "the question is English (cross-lingual similarities run lower)",
    "focus_terms": "log(1 + number of focus terms)",
    "sentence_similarity": "best dense similarity of a candidate sentence to the question (stored sentence vectors; "
                           "imputed with the training mean when the index has none)",
}
ALL_FEATURES: tuple[str, ...] = tuple(FEATURE_DOC)
# Chosen by measurement on the training data (cross-validated refusal of unanswerable questions at the operating
# point, 5 seeds; ``fit --compare`` shows each feature alone and left out). Larger sets did not refuse more GI near
# misses (GI ROC AUC stays 0.6-0.7 with every combination tried) and gave coefficients of unexplainable sign;
# ``unknown_share`` was dropped for that reason: it learned a positive weight (answerable English and colloquial
# questions use words the corpus lacks), which let off-topic questions ("Gehweg", "Wetter") through.
# - top_dense: meaning, separates questions about absent topics (XQuAD's left-out articles);
# - passage_coverage: the lead's passage names what the question names;
# - english: cross-lingual similarities run lower;
# - sentence_similarity: imputed (no effect) until an index stores sentence vectors; refit then.
SELECTED: tuple[str, ...] = ("top_dense", "passage_coverage", "english", "sentence_similarity")


# ---------------------------------------------------------------- features

def features(query: Query, passages: Sequence[Passage], evidence: LeadEvidence | None,
             vocabulary: Container[str], cues: Cues) -> dict[str, float]:
    """Every feature of one question (see ``FEATURE_DOC``). ``vocabulary`` holds the corpus's BM25 terms.
    ``sentence_similarity`` is NaN when no sentence similarity was available (the model imputes it)."""
    total = sum(c.weight for c in query.focus)
    # a term with a known long form or synonym is not unknown
    unknown = sum(c.weight for c in query.focus
                  if c.term not in vocabulary and not any(a in vocabulary for a in c.alternatives))
    top = passages[0] if passages else None
    rank_agreement = 0.0
    if top is not None:
        rank_agreement = 2.0 / (top.ranks.get("bm25", MISSING_RANK) + top.ranks.get("dense", MISSING_RANK))
    not_documented = 0.0
    for p in passages[:TOP_PASSAGES]:
        context = content_terms(p.section) | content_terms(p.title)
        for s in sentences(p.text):
            if says_not_documented(s, cues):
                not_documented = max(not_documented, coverage(query.focus, content_terms(s) | context))
    ev = evidence
    lead_terms: set[str] = set()
    lead_text = ""
    if ev is not None:
        lp = passages[ev.passage_rank]
        lead_terms = content_terms(lp.text) | content_terms(lp.section) | content_terms(lp.title)
        lead_text = f"{lp.text} {lp.title} {lp.stand}"
    target = next((c for c in query.focus if c.term in query.subject), query.focus[0] if query.focus else None)
    sentence_terms = content_terms(ev.sentence) if ev is not None else set()
    missing = [c.weight for c in query.focus if not c.found_in(lead_terms)]
    everywhere: set[str] = set()
    for p in passages:
        everywhere |= content_terms(p.text) | content_terms(p.section) | content_terms(p.title)
    absent = sum(c.weight for c in query.focus if (c.term in vocabulary or any(a in vocabulary for a in
                                                                                c.alternatives))
                 and not c.found_in(everywhere))
    return {
        "lead_coverage": ev.coverage if ev else 0.0,
        "passage_coverage": ev.passage_coverage if ev else 0.0,
        "answer_type_missing": float(bool(query.answer_type) and query.answer_type != "checklist"
                                     and (ev is None or ev.answer_type <= 0.0)),
        "answer_type_strength": (ev.answer_type if ev else 0.0)
        if query.answer_type and query.answer_type != "checklist" else 1.0,
        "missing_term": max(missing, default=0.0) / total if total > 0 else 0.0,
        "absent_everywhere": absent / total if total > 0 else 0.0,
        "target_in_lead": float(target is not None and target.found_in(sentence_terms)),
        "target_in_passage": float(target is not None and target.found_in(lead_terms)),
        "year_missing": float(any(y not in lead_text for y in query.years)),
        "lead_score": ev.score if ev else 0.0,
        "lead_margin": (ev.score - ev.runner_up) if ev else 0.0,
        "unknown_share": unknown / total if total > 0 else 0.0,
        # NaN (imputed) when the dense side did not run (GI_FUSION=bm25): no similarity is not a low similarity
        "top_dense": max((p.dense_sim for p in passages if "dense" in p.ranks), default=float("nan")),
        "rank_agreement": rank_agreement,
        "not_documented": max(not_documented, ev.coverage if ev and ev.not_documented else 0.0),
        "scope_penalty": ev.scope_penalty if ev else 0.0,
        "english": float(query.english),
        "focus_terms": math.log1p(len(query.focus)),
        "sentence_similarity": ev.similarity if ev and ev.similarity is not None else float("nan"),
    }


# ---------------------------------------------------------------- the model (numpy only)

@dataclass
class AnswerabilityModel:
    features: tuple[str, ...]
    mean: np.ndarray  # scaler: (x - mean) / scale
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # refuse when P(answerable) is below it
    impute: dict[str, float] = field(default_factory=dict)  # value for a feature that is NaN (not available)
    meta: dict = field(default_factory=dict)

    def probability(self, values: dict[str, float]) -> float:
        """P(answerable) for one question's features."""
        x = np.array([feature_value(values, name, self.impute) for name in self.features], dtype=float)
        z = float(((x - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        """Each feature's share of the log-odds (what made the model refuse or answer)."""
        x = np.array([feature_value(values, name, self.impute) for name in self.features], dtype=float)
        return {n: float(v) for n, v in zip(self.features, (x - self.mean) / self.scale * self.coef, strict=True)}

    def to_dict(self) -> dict:
        return {"format": FORMAT_VERSION, "kind": "logistic regression on standardised features",
                "features": list(self.features),
                "descriptions": {n: FEATURE_DOC.get(n, "") for n in self.features},
                "scaler": {"mean": self.mean.tolist(), "scale": self.scale.tolist()},
                "coefficients": self.coef.tolist(), "intercept": self.intercept, "threshold": self.threshold,
                "impute": self.impute, "training": self.meta}

    @classmethod
    def from_dict(cls, data: dict) -> AnswerabilityModel:
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unknown answerability model format {data.get('format')!r}")
        names = tuple(data["features"])
        mean = np.array(data["scaler"]["mean"], dtype=float)
        scale = np.array(data["scaler"]["scale"], dtype=float)
        coef = np.array(data["coefficients"], dtype=float)
        if not (len(names) == len(mean) == len(scale) == len(coef)):
            raise ValueError("answerability model: features, scaler and coefficients differ in length")
        return cls(names, mean, scale, coef, float(data["intercept"]), float(data["threshold"]),
                   {k: float(v) for k, v in (data.get("impute") or {}).items()}, data.get("training") or {})

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AnswerabilityModel:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def feature_value(values: dict[str, float], name: str, impute: dict[str, float]) -> float:
    v = float(values.get(name, float("nan")))
    return impute.get(name, 0.0) if math.isnan(v) else v


_LOADED: dict[Path, AnswerabilityModel] = {}


def load_model(path: Path = MODEL_PATH) -> AnswerabilityModel:
    """The shipped model, read once per process."""
    if path not in _LOADED:
        _LOADED[path] = AnswerabilityModel.load(path)
    return _LOADED[path]


@dataclass
class Judgement:
    """The gate's verdict on one question."""

    probability: float  # P(answerable)
    threshold: float
    features: dict[str, float]

    @property
    def answerable(self) -> bool:
        return self.probability >= self.threshold


