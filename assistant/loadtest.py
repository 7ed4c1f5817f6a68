"""A bounded load test against a running app on this machine: concurrent clients on the JSON API and on
Gradio's own HTTP API (``/gradio_api/call/chat``), for a fixed time, loopback only.

Used by ``python -m assistant bench`` (20 clients, 60 s, report ``evals/reports/load.md``) and, shorter, by the
test suite. The request loop is bounded in time and count and refuses non-loopback targets.
"""

from __future__ import annotations

import ipaddress
import json
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx

from assistant.evaluation import percentile

QUESTIONS = [
    "Was ist die Gemeinschaftsinitiative?",
    "Wann war die mobile Sprechstunde auf dem Alice-Salomon-Platz?",
    "Wie schreibe ich das Kapitel Bestandsaufnahme und Analyse?",
    "Was wird am Barnimplatz geplant?",
    "Welche Mindestgröße haben Projekte bei Europa im Quartier?",
    "Wer ist der Bezirksbürgermeister?",
]


@dataclass
class LoadResult:
    kind: str
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self, seconds: float) -> dict:
        lat = self.latencies_ms
        return {"kind": self.kind, "requests": len(lat), "failures": len(self.failures),
                "p50_ms": statistics.median(lat) if lat else 0.0, "p95_ms": percentile(lat, 0.95),
                "throughput_rps": len(lat) / seconds if seconds else 0.0}


def _check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"load tests only target this machine, not {host}")


def _api_call(client: httpx.Client, base: str, question: str) -> None:
    r = client.post(f"{base}/api/ask", json={"question": question, "audience": "general"})
    r.raise_for_status()
    if "text" not in r.json():
        raise RuntimeError("answer without text")


def _gradio_call(client: httpx.Client, base: str, question: str) -> None:
    r = client.post(f"{base}/gradio_api/call/chat",
                    json={"data": [question, [], "Allgemein", [], [], [], [], ""]})  # … answers state, Kiez
    r.raise_for_status()
    event_id = r.json()["event_id"]
    with client.stream("GET", f"{base}/gradio_api/call/chat/{event_id}") as stream:
        event = ""
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(f"gradio error: {line[:200]}")
                data = json.loads(line[5:])
                if "[1]" not in json.dumps(data, ensure_ascii=False) and "Unterlagen" not in json.dumps(
                        data, ensure_ascii=False):
                    raise RuntimeError("gradio answer without citation or refusal")
                return
    raise RuntimeError("gradio stream ended without a result")


def run_load(base: str, clients: int = 20, seconds: float = 60.0, max_requests: int = 20_000,
             auth: tuple[str, str] | None = None) -> tuple[dict[str, LoadResult], float]:
    """Half the clients call the JSON API, half Gradio's API, until ``seconds`` pass or ``max_requests`` are sent."""
    _check_loopback(base)
    results = {"api": LoadResult("api"), "gradio": LoadResult("gradio")}
    lock = threading.Lock()
    sent = [0]
    stop_at = time.monotonic() + seconds

    def worker(i: int) -> None:
        kind = "api" if i % 2 == 0 else "gradio"
        call = _api_call if kind == "api" else _gradio_call
        with httpx.Client(timeout=60, auth=auth) as client:
            n = 0
            while time.monotonic() < stop_at:
                with lock:
                    if sent[0] >= max_requests:
                        return
                    sent[0] += 1
                question = QUESTIONS[(i + n) % len(QUESTIONS)]
                n += 1
                t = time.perf_counter()
                try:
                    call(client, base, question)
                    with lock:
                        results[kind].latencies_ms.append((time.perf_counter() - t) * 1000)
                except Exception as exc:
                    with lock:
                        results[kind].failures.append(f"{type(exc).__name__}: {exc}"[:200])

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    return results, time.monotonic() - start
