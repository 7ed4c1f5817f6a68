"""Thumbs up/down with an optional reason, stored locally as JSON lines.

Each record keeps the question, the answer, its citations and the settings it was given (audience, filters,
retrieval and answerer configuration), so every complaint can be reproduced. No IP addresses or user names.
Appends are atomic: one ``write`` of a whole line under an exclusive ``flock``, so concurrent clicks (threads
or several app processes) never interleave or lose lines.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from pathlib import Path

_LOCK = threading.Lock()


def record(path: Path, *, rating: str, question: str, answer: dict, reason: str = "",
           settings: dict | None = None) -> dict:
    if rating not in ("up", "down"):
        raise ValueError("rating must be 'up' or 'down'")
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "rating": rating,
        "reason": reason.strip()[:2000],
        "question": question,
        "answer": answer.get("text", ""),
        "refused": answer.get("refused"),
        "citations": [
            {k: c.get(k) for k in ("n", "doc", "page", "page_label", "section")} for c in answer.get("citations", [])
        ],
        "settings": settings or {},
    }
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
    return entry


def read_all(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
