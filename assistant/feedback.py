"""Thumbs up/down with an optional reason, stored locally as JSON lines.

Each record keeps the question, the answer, its citations and the settings it was given (audience, filters,
retrieval and answerer configuration), so every complaint can be reproduced. No IP addresses or user names.
Appends are atomic: one ``write`` of a whole line under an exclusive ``flock``, so concurrent clicks (threads
or several app processes) never interleave or lose lines.

The file is append-only: a rating carries the id of the answer it was given on, a later rating of the same answer
supersedes it, and taking a rating back (un-clicking 👍) appends a ``withdrawn`` record instead of rewriting the
file (a rewrite could lose a concurrent append). ``effective`` gives the ratings that stand.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path

_LOCK = threading.Lock()


RATINGS = ("up", "down")
WITHDRAWN = "withdrawn"


def record(path: Path, *, rating: str, question: str, answer: dict, reason: str = "",
           settings: dict | None = None, answer_id: str | None = None) -> dict:
    if rating not in RATINGS:
        raise ValueError("rating must be 'up' or 'down'")
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "rating": rating,
        "answer_id": answer_id,
        "reason": reason.strip()[:2000],
        "question": question,
        "answer": answer.get("text", ""),
        "refused": answer.get("refused"),
        "citations": [
            {k: c.get(k) for k in ("n", "doc", "page", "page_label", "section")} for c in answer.get("citations", [])
        ],
        "settings": settings or {},
    }
    _append(path, entry)
    return entry


def withdraw(path: Path, *, answer_id: str) -> dict:
    """Take back the rating of one answer: the earlier record stays, ``effective`` no longer counts it."""
    if not answer_id:
        raise ValueError("answer_id is required to withdraw a rating")
    entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "rating": WITHDRAWN, "answer_id": answer_id}
    _append(path, entry)
    return entry


def effective(records: list[dict]) -> list[dict]:
    """The ratings that stand, in file order: per answer id only the last record counts, and a ``withdrawn`` one
    removes it. Records without an answer id (older files) each stand alone."""
    last: dict[str, int] = {}
    for i, rec in enumerate(records):
        if rec.get("answer_id"):
            last[rec["answer_id"]] = i
    return [rec for i, rec in enumerate(records)
            if rec.get("rating") in RATINGS and (not rec.get("answer_id") or last[rec["answer_id"]] == i)]


def _append(path: Path, entry: dict) -> None:
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def read_all(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


# ---------------------------------------------------------------- export as a question-file skeleton

# Free text may carry an e-mail address or a phone number someone typed; an export drops them.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.])\+?\d[\d /()-]{6,}\d(?![\w.])")
REMOVED = "[entfernt]"
PERSONAS = ("staff", "citizen", "general")
FEEDBACK_KIND = "rückmeldung"


def scrub(text: str) -> str:
    return _PHONE.sub(REMOVED, _EMAIL.sub(REMOVED, text or ""))


def question_skeleton(records: list[dict], *, ratings: tuple[str, ...] = ("up", "down")) -> list[dict]:
    """Stored ratings -> question-file lines (schema: evals/README.md) for a person to complete: ``answer`` and
    ``doc`` hold a placeholder the evaluation refuses until it is replaced. One line per distinct question (the
    ratings of the same question are merged); the id comes from the question text, so a second export gives the
    same ids. Only the question, the audience, the rating, its reason, the answer given and the cited documents
    leave the store: no time stamps, no settings."""
    from assistant.evaluation import NOT_IN_CORPUS, PLACEHOLDER

    lines: dict[str, dict] = {}
    for rec in effective(records):
        if rec.get("rating") not in ratings or not str(rec.get("question") or "").strip():
            continue
        question = scrub(" ".join(str(rec["question"]).split()))
        key = question.casefold()
        audience = (rec.get("settings") or {}).get("audience")
        line = lines.setdefault(key, {
            "id": "fb-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8],
            "question": question,
            "answer": f"{PLACEHOLDER}: erwartete Antwort (kurzer Wortlaut aus dem Dokument, mehrere als Liste) "
                      f"oder \"{NOT_IN_CORPUS}\"",
            "doc": f"{PLACEHOLDER}: Dateiname des Dokuments, das die Frage beantwortet (bei \"{NOT_IN_CORPUS}\": null)",
            "persona": audience if audience in PERSONAS else "general",
            "kind": FEEDBACK_KIND,
            "feedback": [],
        })
        line["feedback"].append({
            "rating": rec["rating"],
            "reason": scrub(rec.get("reason") or ""),
            "answer_given": rec.get("answer") or "",
            "refused": rec.get("refused"),
            "cited": list(dict.fromkeys(c.get("doc") for c in rec.get("citations") or [] if c.get("doc"))),
        })
    return list(lines.values())


def export_questions(feedback_path: Path, out: Path, *, ratings: tuple[str, ...] = ("up", "down"),
                     overwrite: bool = False) -> int:
    """Write the skeleton of ``question_skeleton`` to ``out`` (whole or not at all); returns the number of lines."""
    from assistant.errors import UserFacingError

    if out.exists() and not overwrite:
        raise UserFacingError(f"Die Datei {out} gibt es schon; sie wird nicht überschrieben (anderen Namen wählen "
                              "oder --overwrite angeben).")
    try:
        records = read_all(feedback_path)
    except ValueError as exc:
        raise UserFacingError(f"Die Rückmeldungsdatei {feedback_path} ist beschädigt ({exc}).") from exc
    lines = question_skeleton(records, ratings=ratings)
    if not lines:
        raise UserFacingError(f"In {feedback_path} gibt es keine passenden Bewertungen mit Frage.")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".jsonl", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return len(lines)
