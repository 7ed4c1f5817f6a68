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
from assistant.errors import UserFacingError

NOT_IN_CORPUS = "nicht im Korpus"


PLACEHOLDER = "BITTE AUSFÜLLEN"  # marks what a person still has to fill in (feedback export skeletons)
PERSONAS = ("staff", "citizen", "general")
MAX_ERRORS_SHOWN = 10


class QuestionFileError(UserFacingError, ValueError):
    """A question or results file that cannot be used; the reason names the file and the lines.
    A ValueError too, so callers that caught the old ``load_questions`` error keep working."""


@dataclass
class Question:
    id: str
    question: str
    answer: str  # the first accepted answer (``answers`` holds all of them)
    doc: str | None  # the first document that answers it (``docs`` holds all of them)
    persona: str
    history: list = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    kind: str = ""

    def __post_init__(self) -> None:
        if not self.answers:
            self.answers = [self.answer]
        if not self.docs and self.doc:
            self.docs = [self.doc]

    @property
    def answerable(self) -> bool:
        return self.answer != NOT_IN_CORPUS


def _doc_names(corpus_dir: Path) -> dict[str, set[str]]:
    """Every way a user may name a corpus file (relative path or file name, with or without extension, any
    case) -> the relative paths it may mean; citations name documents by their relative path."""
    from assistant.documents import corpus_files

    names: dict[str, set[str]] = {}
    for path in corpus_files(corpus_dir):
        rel = path.relative_to(corpus_dir)
        for key in {rel.as_posix(), rel.with_suffix("").as_posix(), path.name, path.stem}:
            names.setdefault(key.casefold(), set()).add(rel.as_posix())
    return names


def _resolve_doc(name: str, names: dict[str, set[str]], corpus_dir: Path) -> tuple[str | None, str | None]:
    """(relative path, None) or (None, German reason)."""
    found = names.get(name.strip().casefold(), set())
    if len(found) == 1:
        return next(iter(found)), None
    if found:
        return None, f"Dokument „{name}“ ist nicht eindeutig ({', '.join(sorted(found))}); bitte mit Endung angeben"
    known = sorted({rel for rels in names.values() for rel in rels})
    shown = ", ".join(known[:8]) + (" …" if len(known) > 8 else "")
    return None, (f"Dokument „{name}“ gibt es im Korpus-Ordner {corpus_dir} nicht "
                  f"(vorhanden: {shown or 'keine Dateien'})")


def _text_list(value, field_name: str, *, allow_empty: bool = False) -> tuple[list[str], str | None]:
    """A string or a list of strings -> the list, or a German reason why not."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return [], f"„{field_name}“ muss ein Text oder eine Liste von Texten sein"
    values = [v.strip() for v in values]
    if (not values and not allow_empty) or any(not v for v in values):
        return [], f"„{field_name}“ ist leer"
    if any(v.startswith(PLACEHOLDER) for v in values):
        return [], f"„{field_name}“ ist noch nicht ausgefüllt (Platzhalter „{PLACEHOLDER}“)"
    return values, None


def _parse_question(row, names: dict[str, set[str]] | None, corpus_dir: Path | None) -> tuple[Question | None,
                                                                                              list[str]]:
    if not isinstance(row, dict):
        return None, ["jede Zeile muss ein JSON-Objekt {…} sein"]
    missing = [f for f in ("id", "question", "answer") if f not in row]
    if missing:
        return None, [f"Feld „{f}“ fehlt" for f in missing]
    errors: list[str] = []
    qid = row["id"]
    if not isinstance(qid, str | int) or isinstance(qid, bool) or not str(qid).strip():
        errors.append("„id“ muss ein nicht leerer Text sein")
    question = row["question"]
    if not isinstance(question, str) or not question.strip():
        errors.append("„question“ muss ein nicht leerer Text sein")
    answers, err = _text_list(row["answer"], "answer")
    if err:
        errors.append(err)
    unanswerable = NOT_IN_CORPUS in answers
    if unanswerable and len(answers) > 1:
        errors.append(f"„{NOT_IN_CORPUS}“ darf nicht mit anderen Antworten gemischt werden")
    raw_doc = row.get("doc")
    docs: list[str] = []
    doc_err = None
    if raw_doc is not None:
        docs, doc_err = _text_list(raw_doc, "doc", allow_empty=True)
        if doc_err:
            errors.append(doc_err)
    if unanswerable and docs:
        errors.append(f"bei „{NOT_IN_CORPUS}“ muss „doc“ null sein")
    if answers and not unanswerable and not docs and not doc_err:
        errors.append("„doc“ fehlt: welches Dokument beantwortet die Frage? (Dateiname, mit oder ohne Endung)")
    if names is not None and corpus_dir is not None:
        resolved = []
        for d in docs:
            rel, reason = _resolve_doc(d, names, corpus_dir)
            if reason:
                errors.append(reason)
            resolved.append(rel or d)
        docs = resolved
    persona = row.get("persona") or "general"
    if persona not in PERSONAS:
        errors.append(f"„persona“ muss einer von {', '.join(PERSONAS)} sein, nicht „{persona}“")
    history = row.get("history") or []
    if not isinstance(history, list) or not all(isinstance(t, dict) and isinstance(t.get("content"), str)
                                                for t in history):
        errors.append("„history“ muss eine Liste von {\"role\": …, \"content\": …} sein")
    tags = row.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        errors.append("„tags“ muss eine Liste von Texten sein")
    kind = row.get("kind") or ""
    if not isinstance(kind, str):
        errors.append("„kind“ muss ein Text sein")
    if errors:
        return None, errors
    return Question(str(qid).strip(), question.strip(), answers[0], docs[0] if docs else None, persona, history,
                    tags, answers, docs, kind.strip()), []


def _json_lines(lines: list[str], errors: list[str]):
    """(line number, parsed value) of the non-empty lines of a JSONL file; a line that is no JSON is reported in
    ``errors`` (German, with its number) and skipped, so every bad line of a file is named at once."""
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except ValueError as exc:
            errors.append(f"Zeile {n}: kein gültiges JSON (Fehler bei Zeichen {getattr(exc, 'colno', '?')})")


def load_questions(path: Path, corpus_dir: Path | None = None) -> list[Question]:
    """Read and check a question file (schema: evals/README.md). With ``corpus_dir`` every ``doc`` must name a
    file of that folder and is replaced by its relative path. Raises QuestionFileError listing every bad line."""
    path = Path(path)
    if not path.is_file():
        raise QuestionFileError(f"Die Fragendatei {path} existiert nicht.")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise QuestionFileError(f"Die Fragendatei {path} ist nicht UTF-8-kodiert (Byte {exc.start}).") from exc
    names = _doc_names(corpus_dir) if corpus_dir is not None else None
    out: list[Question] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for n, row in _json_lines(lines, errors):
        q, problems = _parse_question(row, names, corpus_dir)
        errors += [f"Zeile {n}: {p}" for p in problems]
        if q is None:
            continue
        if q.id in seen:
            errors.append(f"Zeile {n}: die id „{q.id}“ steht schon in Zeile {seen[q.id]}")
            continue
        seen[q.id] = n
        out.append(q)
    if not errors and not out:
        errors.append("keine einzige Frage gefunden")
    if errors:
        more = len(errors) - MAX_ERRORS_SHOWN
        shown = errors[:MAX_ERRORS_SHOWN] + ([f"… und {more} weitere Fehler"] if more > 0 else [])
        raise QuestionFileError(f"Die Fragendatei {path} ist fehlerhaft:\n  " + "\n  ".join(shown))
    return out


# ---------------------------------------------------------------- metric functions

def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\[\d+\]", " ", text)
    text = re.sub(r"[„“\"'‚‘’*_`]", "", text)
    text = re.sub(r"(?<=\d)\s*[–-]\s*(?=\d)", " bis ", text)  # "2025–2027" says "2025 bis 2027"
    return re.sub(r"\s+", " ", text).strip()


def answer_hit(gold: str | list[str], answer_text: str, refused: bool) -> bool:
    """Any accepted gold answer occurs in the answer (a refusal is never a hit)."""
    golds = [gold] if isinstance(gold, str) else gold
    text = normalise(answer_text)
    return not refused and any(normalise(g) in text for g in golds)


def source_rank(expected_doc: str | list[str] | None, cited_docs: list[str], refused: bool) -> int | None:
    """1-based position of the first citation from the expected document (any of them, if a list)."""
    expected = [expected_doc] if isinstance(expected_doc, str) else expected_doc or []
    if refused or not expected:
        return None
    for i, doc in enumerate(cited_docs, start=1):
        if doc in expected:
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
    golds: list[str] = field(default_factory=list)  # every accepted answer (gold is the first)
    docs: list[str] = field(default_factory=list)  # every document that counts as a hit (doc is the first)
    kind: str = ""
    absent: list[str] = field(default_factory=list)  # nouns of the question no document uses (``Answer.absent``)

    @property
    def answerable(self) -> bool:
        return self.gold != NOT_IN_CORPUS

    @property
    def correct(self) -> bool:
        """Right for a non-programmer's count: the gold answer given, or an unanswerable question refused."""
        return self.answer_hit if self.answerable else self.refused


def run_questions(assistant, questions: Iterable[Question]) -> list[Result]:
    results = []
    for q in questions:
        audience = {"staff": "staff", "citizen": "citizen"}.get(q.persona, "general")
        t = time.perf_counter()
        ans = assistant.ask(q.question, history=q.history, audience=audience)
        latency = (time.perf_counter() - t) * 1000
        docs = [c.doc for c in ans.citations]
        rank = source_rank(q.docs, docs, ans.refused)
        validity = None if ans.refused else citation_validity(ans.text, {c.n: c.text for c in ans.citations})
        results.append(Result(
            q.id, q.persona, q.tags, q.question, q.answer, q.doc, ans.text, ans.refused,
            [{"n": c.n, "doc": c.doc, "page": c.page, "page_label": c.page_label} for c in ans.citations],
            round(latency, 1), rank, answer_hit(q.answers, ans.text, ans.refused) if q.answerable else False,
            validity, ans.timings.get("answerability"), list(q.answers), list(q.docs), q.kind, list(ans.absent),
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
        # answered with the note that a word of the question is in no document ("nearest thing only")
        "absent_noted_unanswerable": mean(bool(r.absent) and not r.refused for r in unans),
        "absent_noted_answerable": mean(bool(r.absent) and not r.refused for r in ans),
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


RESULT_FIELDS = ("id", "persona", "tags", "question", "gold", "doc", "answer", "refused", "citations", "latency_ms",
                 "rank", "answer_hit", "validity", "answerability", "golds", "docs", "kind", "absent")


RESULT_DEFAULTS = {"persona": "general", "tags": [], "doc": None, "citations": [], "latency_ms": 0.0, "rank": None,
                   "validity": None, "absent": []}


def write_results(path: Path, results: list[Result], config: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in results:
            row = {"config": config, **{k: getattr(r, k) for k in RESULT_FIELDS}}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_results(path: Path) -> dict[str, list[Result]]:
    """A previous run's per-question results (``write_results``), grouped by configuration name. Older files
    without ``golds``/``docs``/``kind`` load too. Raises QuestionFileError naming the bad lines."""
    path = Path(path)
    if not path.is_file():
        raise QuestionFileError(f"Die Ergebnisdatei {path} existiert nicht.")
    groups: dict[str, list[Result]] = {}
    errors = []
    for n, row in _json_lines(path.read_text(encoding="utf-8", errors="replace").splitlines(), errors):
        if not isinstance(row, dict):
            errors.append(f"Zeile {n}: jede Zeile muss ein JSON-Objekt {{…}} sein")
            continue
        missing = [f for f in ("id", "question", "gold", "answer", "refused", "answer_hit") if f not in row]
        if missing:
            errors.append(f"Zeile {n}: " + ", ".join(f"„{f}“" for f in missing)
                          + (" fehlt" if len(missing) == 1 else " fehlen"))
            continue
        try:
            values = {**RESULT_DEFAULTS, **{k: row[k] for k in RESULT_FIELDS if row.get(k) is not None}}
            r = Result(**values)
            r.id = str(r.id)
            r.golds = r.golds or [r.gold]
            r.docs = r.docs or ([r.doc] if r.doc else [])
        except (TypeError, ValueError):
            errors.append(f"Zeile {n}: keine gültige Ergebniszeile (Felder mit falschem Typ)")
            continue
        groups.setdefault(str(row.get("config") or ""), []).append(r)
    if errors or not groups:
        shown = errors[:MAX_ERRORS_SHOWN] or ["keine einzige Ergebniszeile gefunden"]
        raise QuestionFileError(f"Die Ergebnisdatei {path} ist fehlerhaft:\n  " + "\n  ".join(shown))
    return groups
