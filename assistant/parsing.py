"""Parse corpus files in worker processes.

Why not in the ingesting process: a file that makes a parser hang or crash (hostile or damaged PDFs exist, and
OCR of a long scan takes minutes) must cost only its own time limit and be reported by name, while the other
files are indexed. Two files are parsed at once on two cores, and every page read moves a progress bar.
Workers are forked from a clean ``forkserver`` process, not from the ingesting process, which already holds the
embedding model's threads.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from tqdm import tqdm

from assistant.documents import Document, IngestError, load

POLL_S = 0.5  # how often running workers are checked against their time limit


@dataclass(frozen=True)
class ParseJob:
    path: Path
    rel: str
    sha: str


def _work(conn: Connection, path: Path, corpus_dir: Path, catalogue: dict, max_mb: float) -> None:
    def on_page(done: int, total: int) -> None:
        conn.send(("page", done, total))

    try:
        conn.send(("ok", load(path, corpus_dir, catalogue, max_mb, on_page=on_page)))
    except IngestError as err:
        conn.send(("error", err.reason))
    except Exception as exc:  # a parser bug must not lose the other files
        conn.send(("error", f"Die Datei konnte nicht gelesen werden ({type(exc).__name__})."))
    finally:
        conn.close()


@contextlib.contextmanager
def _main_script_hidden():
    """multiprocessing re-runs the caller's main *script* in every new process (to find functions defined there);
    a script that calls ``Assistant.ingest()`` without an ``if __name__ == "__main__"`` guard would then ingest
    again inside each worker. The worker's function lives in this module, so the main script is not needed:
    its file name is hidden while a worker starts."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _context():
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["assistant.documents", "assistant.pdf_text", "pypdf", "pypdfium2"])
    return ctx


def parse_files(jobs: list[ParseJob], corpus_dir: Path, catalogue: dict, max_mb: float, *, workers: int = 2,
                timeout_s: float = 300.0, progress: bool = True) -> Iterator[tuple[ParseJob, Document | IngestError]]:
    """Each job's document, or the reason it could not be read, as they finish. ``workers=0`` parses in this
    process (no time limit)."""
    bar = tqdm(total=0, desc="Lesen", unit="Seite", disable=not progress or not jobs)
    try:
        if workers <= 0:
            for job in jobs:
                try:
                    yield job, load(job.path, corpus_dir, catalogue, max_mb,
                                    on_page=lambda done, total: bar.update(1))
                except IngestError as err:
                    yield job, err
            return
        yield from _in_workers(jobs, corpus_dir, catalogue, max_mb, workers, timeout_s, bar)
    finally:
        bar.close()


def _in_workers(jobs, corpus_dir, catalogue, max_mb, workers, timeout_s, bar):
    ctx = _context()
    queue = deque(jobs)
    running: dict[Connection, tuple[ParseJob, mp.process.BaseProcess, float, list[int]]] = {}
    try:
        while queue or running:
            while queue and len(running) < workers:
                job = queue.popleft()
                receiver, sender = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_work, args=(sender, job.path, corpus_dir, catalogue, max_mb), daemon=True)
                with _main_script_hidden():
                    proc.start()
                sender.close()
                running[receiver] = (job, proc, time.monotonic() + timeout_s, [0])
            for conn in wait(list(running), timeout=POLL_S):
                job, proc, _, seen = running[conn]
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    msg = ("error", "Das Lesen der Datei ist abgebrochen (der Leseprozess endete unerwartet).")
                if msg[0] == "page":
                    if seen[0] == 0:
                        bar.total += msg[2]
                        bar.refresh()
                    seen[0] = msg[1]
                    bar.update(1)
                    continue
                del running[conn]
                conn.close()
                proc.join(timeout=5)
                yield job, (msg[1] if msg[0] == "ok" else IngestError(msg[1]))
            now = time.monotonic()
            for conn, (job, proc, deadline, _) in list(running.items()):
                if now > deadline:
                    proc.kill()
                    proc.join(timeout=5)
                    del running[conn]
                    conn.close()
                    yield job, IngestError(
                        f"Das Lesen dauerte länger als {timeout_s:g} s und wurde abgebrochen (Grenze einstellbar "
                        "über GI_PARSE_TIMEOUT_S). Die übrigen Dateien werden indexiert."
                    )
    finally:
        for conn, (_, proc, _, _) in running.items():
            proc.kill()
            conn.close()
