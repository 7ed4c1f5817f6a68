"""Fitting the answerability model (``assistant/answerability.py`` applies it at question time).

Training data: the project's development questions (``evals/dev.jsonl``: answerable vs ``"nicht im Korpus"``)
and the development half of XQuAD-de (questions about indexed articles vs articles left out of the index, see
``assistant/xquad_eval.py``). Never the held-out split (``evals/questions.jsonl``) or XQuAD's held-out half.
The operating point is the highest threshold whose cross-validated false refusals (answerable questions refused)
stay at most ``MAX_FALSE_REFUSALS`` on each training source.

Rebuild the model file: ``python -m assistant.answerability_fit fit`` (about two minutes on 2 cores; builds the XQuAD
index under ``evals/cache/`` the first time). Kept apart from the runtime module because it drives a whole
``Assistant`` and scikit-learn, which answering needs neither of.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.answerability import (
    ALL_FEATURES,
    MAX_FALSE_REFUSALS,
    MODEL_PATH,
    SELECTED,
    AnswerabilityModel,
    feature_value,
)

if TYPE_CHECKING:
    from assistant.core import Assistant

CV_FOLDS = 5
C_REGULARISATION = 1.0  # inverse L2 strength of the logistic regression (scikit-learn's default)

# ---------------------------------------------------------------- training data

@dataclass
class Row:
    source: str  # "gi" | "xquad"
    id: str
    group: str  # questions of one group stay in one fold (an XQuAD article, a GI question)
    question: str
    answerable: bool
    lead: str
    values: dict[str, float]


def observe(assistant: Assistant, question: str, history: list | None = None,
            audience: str = "general") -> tuple[dict[str, float], str]:
    """The gate's features of one question and the lead candidate it saw (as ``Assistant.ask`` computes them)."""
    query = assistant.parse(question, history, audience)
    passages = assistant.search(query.text, assistant.settings.answer_passages, query.filters)
    # the same similarity hook ``ask`` passes (stored sentence vectors; None without them)
    similarity = assistant._similarity(assistant.index().retriever, query, passages)
    evidence, values = assistant.gate_features(query, passages, similarity)
    return values, evidence.sentence if evidence else ""


def gi_rows(assistant: Assistant, path: Path) -> list[Row]:
    from assistant.evaluation import load_questions

    rows = []
    for q in load_questions(path):
        audience = {"staff": "staff", "citizen": "citizen"}.get(q.persona, "general")
        values, lead = observe(assistant, q.question, q.history, audience)
        rows.append(Row("gi", q.id, q.id, q.question, q.answerable, lead, values))
    return rows


def xquad_rows(split: str = "dev", cache: Path | None = None, *, log=print) -> list[Row]:
    """XQuAD-de questions of one half: about indexed articles (answerable) or left-out ones (unanswerable)."""
    from assistant import xquad_eval as xq

    source = xq.read_source()
    articles = xq.load_articles(source)
    questions = [q for q in xq.load_questions(source) if q.split == split]
    log(f"XQuAD-de ({split}): index under {(cache or xq.CACHE) / 'xquad-md'} …")
    assistant = xq.prepare(articles, "md", (cache or xq.CACHE) / "xquad-md")
    rows = []
    for q in questions:
        values, lead = observe(assistant, q.question)
        rows.append(Row("xquad", q.id, f"article-{q.article}", q.question, q.indexed, lead, values))
    return rows


# ---------------------------------------------------------------- fitting (needs scikit-learn)

def _matrix(rows: Sequence[Row], names: Sequence[str], impute: dict[str, float]) -> np.ndarray:
    return np.array([[feature_value(r.values, n, impute) for n in names] for r in rows], dtype=float)


def _impute_values(rows: Sequence[Row], names: Sequence[str]) -> dict[str, float]:
    """Training mean of each feature over the rows where it was available (0 when it never was)."""
    out = {}
    for n in names:
        seen = [r.values[n] for r in rows if not math.isnan(r.values.get(n, float("nan")))]
        out[n] = float(np.mean(seen)) if seen else 0.0
    return out


def _weights(rows: Sequence[Row]) -> np.ndarray:
    """Each source weighs as much as the other, whatever its number of questions."""
    counts = {s: sum(r.source == s for r in rows) for s in {r.source for r in rows}}
    return np.array([len(rows) / (len(counts) * counts[r.source]) for r in rows])


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)  # a constant feature (never available) adds nothing
    clf = LogisticRegression(C=C_REGULARISATION, max_iter=2000).fit((x - scaler.mean_) / scale, y, sample_weight=w)
    return scaler.mean_, scale, clf.coef_[0], float(clf.intercept_[0])


def cross_validated(rows: Sequence[Row], names: Sequence[str], folds: int = CV_FOLDS, seed: int = 7) -> np.ndarray:
    """Out-of-fold P(answerable) for every row (stratified by label and source, grouped by article/question)."""
    from sklearn.model_selection import StratifiedGroupKFold

    impute = _impute_values(rows, names)
    x, y, w = _matrix(rows, names, impute), np.array([r.answerable for r in rows]), _weights(rows)
    strata = np.array([f"{r.source}-{r.answerable}" for r in rows])
    groups = np.array([r.group for r in rows])
    out = np.zeros(len(rows))
    for train, test in StratifiedGroupKFold(folds, shuffle=True, random_state=seed).split(x, strata, groups):
        mean, scale, coef, b = _fit(x[train], y[train], w[train])
        out[test] = 1.0 / (1.0 + np.exp(-(((x[test] - mean) / scale) @ coef + b)))
    return out


def operating_point(rows: Sequence[Row], probs: np.ndarray, max_false: float = MAX_FALSE_REFUSALS) -> float:
    """The highest threshold at which, on every source, at most ``max_false`` of answerable questions fall below."""
    limits = []
    for source in sorted({r.source for r in rows}):
        p = np.sort([pr for r, pr in zip(rows, probs, strict=True) if r.source == source and r.answerable])
        allowed = math.floor(max_false * len(p))  # this many may be refused
        limits.append(float(p[allowed]) if allowed < len(p) else 1.0)
    return min(limits)


def rates(rows: Sequence[Row], probs: np.ndarray, threshold: float) -> dict[str, dict[str, float]]:
    """Per source: share of unanswerable refused, answerable refused, ROC AUC."""
    from sklearn.metrics import roc_auc_score

    out = {}
    for source in [*sorted({r.source for r in rows}), "all"]:
        idx = [i for i, r in enumerate(rows) if source in ("all", r.source)]
        y = np.array([rows[i].answerable for i in idx])
        p = probs[idx]
        out[source] = {
            "n": len(idx), "answerable": int(y.sum()), "unanswerable": int((~y).sum()),
            "unanswerable_refused": float(np.mean(p[~y] < threshold)) if (~y).any() else float("nan"),
            "answerable_refused": float(np.mean(p[y] < threshold)) if y.any() else float("nan"),
            "auc": float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan"),
        }
    return out


def fit_model(rows: Sequence[Row], names: Sequence[str] = SELECTED) -> tuple[AnswerabilityModel, np.ndarray]:
    """The model on all rows, its threshold from the cross-validated predictions; returns it and those."""
    import sklearn

    probs = cross_validated(rows, names)
    threshold = operating_point(rows, probs)
    impute = _impute_values(rows, names)
    x, y = _matrix(rows, names, impute), np.array([r.answerable for r in rows])
    mean, scale, coef, b = _fit(x, y, _weights(rows))
    available = {n: sum(not math.isnan(r.values.get(n, float("nan"))) for r in rows) for n in names}
    meta = {
        "fitted": date.today().isoformat(), "scikit_learn": sklearn.__version__,
        "data": {"gi": "evals/dev.jsonl", "xquad": "XQuAD-de dev half (assistant/xquad_eval.py), md corpus, "
                 "every 4th article left out"},
        "rows": {s: sum(r.source == s for r in rows) for s in ("gi", "xquad")},
        "available": available,
        "cv": {"folds": CV_FOLDS, "grouping": "XQuAD article / GI question", "rates": rates(rows, probs, threshold)},
        "max_false_refusals": MAX_FALSE_REFUSALS, "regularisation_C": C_REGULARISATION,
        "sample_weights": "each source weighs equally",
    }
    return AnswerabilityModel(tuple(names), np.asarray(mean), np.asarray(scale), np.asarray(coef), b, threshold,
                              impute, meta), probs


def compare_features(rows: Sequence[Row], log=print) -> None:
    """Each feature alone (AUC) and the full set without it (CV refusal of unanswerable at the operating point)."""
    from sklearn.metrics import roc_auc_score

    y = np.array([r.answerable for r in rows])
    log("feature: single AUC (gi / xquad) | full set without it: refused unanswerable gi / xquad")
    base = cross_validated(rows, ALL_FEATURES)
    t = operating_point(rows, base)
    r = rates(rows, base, t)
    log(f"  ALL: t={t:.3f} gi {r['gi']['unanswerable_refused']:.3f} xquad {r['xquad']['unanswerable_refused']:.3f}"
        f" auc {r['gi']['auc']:.3f}/{r['xquad']['auc']:.3f}")
    for n in ALL_FEATURES:
        single = []
        for s in ("gi", "xquad"):
            idx = [i for i, row in enumerate(rows) if row.source == s]
            v = np.nan_to_num(np.array([rows[i].values[n] for i in idx]), nan=0.0)
            single.append(roc_auc_score(y[idx], v) if len(set(v)) > 1 else 0.5)
        rest = [m for m in ALL_FEATURES if m != n]
        p = cross_validated(rows, rest)
        tr = operating_point(rows, p)
        rr = rates(rows, p, tr)
        log(f"  {n:22s} {single[0]:.3f} / {single[1]:.3f} | {rr['gi']['unanswerable_refused']:.3f} / "
            f"{rr['xquad']['unanswerable_refused']:.3f} (auc {rr['gi']['auc']:.3f}/{rr['xquad']['auc']:.3f})")


# ---------------------------------------------------------------- entry point

def collect(dev: Path, *, index: Path | None = None, cache: Path | None = None, log=print) -> list[Row]:
    from assistant.core import Assistant
    from assistant.settings import Settings

    settings = Settings.load(index_dir=index)
    assistant = Assistant(settings)
    log(f"GI: index {settings.index_dir} (ingest only changes) …")
    assistant.ingest(progress=False, log=lambda *a, **k: None)
    rows = gi_rows(assistant, dev)
    log(f"  {len(rows)} dev questions")
    rows += xquad_rows("dev", cache, log=log)
    log(f"  {sum(r.source == 'xquad' for r in rows)} XQuAD dev questions")
    return rows


def main(argv: list[str] | None = None) -> int:
    from assistant.settings import PROJECT_ROOT

    ap = argparse.ArgumentParser(prog="python -m assistant.answerability_fit",
                                 description="Fit the answerability model (training data: dev splits only).")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fit", help=f"rebuild {MODEL_PATH.relative_to(PROJECT_ROOT)}")
    p.add_argument("--dev", type=Path, default=PROJECT_ROOT / "evals" / "dev.jsonl")
    p.add_argument("--index", type=Path, default=None, help="index of the shipped corpus (default: GI_INDEX_DIR)")
    p.add_argument("--cache", type=Path, default=None, help="XQuAD cache folder (default: evals/cache)")
    p.add_argument("--out", type=Path, default=MODEL_PATH)
    p.add_argument("--compare", action="store_true", help="also compare the features (leave-one-out)")
    p.add_argument("--rows", type=Path, default=None, help="reuse (or write) the training rows as JSONL")
    args = ap.parse_args(argv)
    dev = args.dev.resolve()
    if dev.name == "questions.jsonl":
        print("Fehler: evals/questions.jsonl ist der zurückgehaltene Teil; darauf wird nie trainiert.",
              file=sys.stderr)
        return 2
    t = time.perf_counter()
    if args.rows and args.rows.exists():
        rows = [Row(**json.loads(line)) for line in args.rows.read_text(encoding="utf-8").splitlines() if line]
    else:
        rows = collect(dev, index=args.index, cache=args.cache)
        if args.rows:
            args.rows.write_text("".join(json.dumps(r.__dict__, ensure_ascii=False) + "\n" for r in rows),
                                 encoding="utf-8")
    if args.compare:
        compare_features(rows)
    model, _ = fit_model(rows)
    model.save(args.out)
    cv = model.meta["cv"]["rates"]
    print(f"model: {args.out} (threshold {model.threshold:.3f}, {time.perf_counter() - t:.0f} s)")
    for source, r in cv.items():
        print(f"  CV {source}: unanswerable refused {r['unanswerable_refused']:.3f}, answerable refused "
              f"{r['answerable_refused']:.3f}, AUC {r['auc']:.3f} (n={r['n']})")
    for name, c in zip(model.features, model.coef, strict=True):
        print(f"  {name:22s} {c:+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

