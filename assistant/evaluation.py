"""Evaluation: metrics (pure functions), the question-set runner and its reports.

Definitions (also in evals/README.md):
- source hit@k: the expected document is among the first k citations of an answer that was not refused.
- MRR: 1 / position of the first citation from the expected document (0 if none or refused).
- answer hit: the normalised gold answer occurs in the normalised answer text (answerable questions).
- refusal rate: share of unanswerable questions (gold "nicht im Korpus") that were refused.
- false refusal rate: share of answerable questions that were refused.
- citation validity: share of the answer's sentences that carry at least one [n], where every n is a listed
  citation and the cited passage supports the sentence (see assistant.citations.support); averaged over
  answers that were not refused.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.citations import SUPPORT_MIN, claims, support

NOT_IN_CORPUS = "nicht im Korpus"


@dataclass
class Question:
    id: str
    question: str
    answer: str
    doc: str | None
    persona: str
    history: list = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return self.answer != NOT_IN_CORPUS


def load_questions(path: Path) -> list[Question]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append(Question(row["id"], row["question"], row["answer"], row.get("doc"), row["persona"],
                                row.get("history") or [], row.get("tags") or []))
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}:{n}: keine gültige Frage ({exc})") from exc
    return out


# ---------------------------------------------------------------- metric functions

def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\[\d+\]", " ", text)
    text = re.sub(r"[„“\"'‚‘’*_`]", "", text)
    text = re.sub(r"(?<=\d)\s*[–-]\s*(?=\d)", " bis ", text)  # "2025–2027" says "2025 bis 2027"
    return re.sub(r"\s+", " ", text).strip()


def answer_hit(gold: str, answer_text: str, refused: bool) -> bool:
    return not refused and normalise(gold) in normalise(answer_text)


def source_rank(expected_doc: str | None, cited_docs: list[str], refused: bool) -> int | None:
    """1-based position of the first citation from the expected document."""
    if refused or expected_doc is None:
        return None
    for i, doc in enumerate(cited_docs, start=1):
        if doc == expected_doc:
            return i
    return None


def hit_at(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def citation_validity(answer_text: str, citations: dict[int, str]) -> float:
    """Share of sentences with at least one [n] whose every n is listed and supports the sentence."""
    body = claims(answer_text)
    if not body:
        return 0.0
    valid = sum(
        1 for s, nums in body
        if nums and all(n in citations and support(s, citations[n]) >= SUPPORT_MIN for n in nums)
    )
    return valid / len(body)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    idx = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[idx]


# ---------------------------------------------------------------- runner

@dataclass
class Result:
    id: str
    persona: str
    tags: list[str]
    question: str
    gold: str
    doc: str | None
    answer: str
    refused: bool
    citations: list[dict]
    latency_ms: float
    rank: int | None
    answer_hit: bool
    validity: float | None
    answerability: float | None = None  # the gate's P(answerable)

    @property
    def answerable(self) -> bool:
        return self.gold != NOT_IN_CORPUS


def run_questions(assistant, questions: Iterable[Question]) -> list[Result]:
    results = []
    for q in questions:
        audience = {"staff": "staff", "citizen": "citizen"}.get(q.persona, "general")
        t = time.perf_counter()
        ans = assistant.ask(q.question, history=q.history, audience=audience)
        latency = (time.perf_counter() - t) * 1000
        docs = [c.doc for c in ans.citations]
        rank = source_rank(q.doc, docs, ans.refused)
        validity = None if ans.refused else citation_validity(ans.text, {c.n: c.text for c in ans.citations})
        results.append(Result(
            q.id, q.persona, q.tags, q.question, q.answer, q.doc, ans.text, ans.refused,
            [{"n": c.n, "doc": c.doc, "page": c.page, "page_label": c.page_label} for c in ans.citations],
            round(latency, 1), rank, answer_hit(q.answer, ans.text, ans.refused) if q.answerable else False,
            validity, ans.timings.get("answerability"),
        ))
    return results


def summarise(results: list[Result]) -> dict[str, float]:
    ans = [r for r in results if r.answerable]
    unans = [r for r in results if not r.answerable]
    valid = [r.validity for r in results if r.validity is not None]
    lat = [r.latency_ms for r in results]

    def mean(xs) -> float:
        xs = list(xs)
        return sum(xs) / len(xs) if xs else float("nan")

    return {
        "n": len(results),
        "answerable": len(ans),
        "unanswerable": len(unans),
        "hit@1": mean(hit_at(r.rank, 1) for r in ans),
        "hit@3": mean(hit_at(r.rank, 3) for r in ans),
        "hit@5": mean(hit_at(r.rank, 5) for r in ans),
        "mrr": mean((1 / r.rank if r.rank else 0.0) for r in ans),
        "answer_hit": mean(r.answer_hit for r in ans),
        "refusal_rate": mean(r.refused for r in unans),
        "false_refusal_rate": mean(r.refused for r in ans),
        "citation_validity": mean(valid),
        "latency_p50_ms": statistics.median(lat) if lat else 0.0,
        "latency_p95_ms": percentile(lat, 0.95),
    }


def summarise_by(results: list[Result], key) -> dict[str, dict[str, float]]:
    groups: dict[str, list[Result]] = {}
    for r in results:
        for k in key(r):
            groups.setdefault(k, []).append(r)
    return {k: summarise(v) for k, v in sorted(groups.items())}


def write_results(path: Path, results: list[Result], config: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in results:
            row = {"config": config, **{k: getattr(r, k) for k in (
                "id", "persona", "tags", "question", "gold", "doc", "answer", "refused", "citations", "latency_ms",
                "rank", "answer_hit", "validity", "answerability")}}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
