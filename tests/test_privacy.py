"""Nothing leaves the machine: a socket guard fails on any non-loopback connection (or name lookup) while
ingesting, answering, evaluating and serving the UI; the app binds to 127.0.0.1; logs and feedback hold no IP
addresses, and question texts reach the logs only when enabled."""

from __future__ import annotations

import ipaddress
import logging
import socket

import httpx
import pytest

from assistant import Assistant
from assistant.evaluation import load_questions, run_questions
from assistant.settings import Settings
from tests.conftest import ROOT, make_corpus
from tests.test_browser import running

pytestmark = pytest.mark.slow


def _local(host) -> bool:
    if not isinstance(host, str):
        return True
    if host in ("localhost", "") or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def socket_guard(monkeypatch):
    attempts: list = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
            attempts.append(("connect", address))
            raise ConnectionRefusedError(f"test socket guard: no outbound connection to {address}")
        return real_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
            attempts.append(("connect_ex", address))
            return 111
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _local(host if isinstance(host, str) else str(host)):
            attempts.append(("dns", host))
            raise socket.gaierror(f"test socket guard: no lookup of {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def test_guard_itself_blocks_outbound(socket_guard):
    with pytest.raises(OSError):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    assert socket_guard


def test_no_outbound_connection_in_ingest_ask_eval_and_ui(tmp_path, socket_guard):
    corpus = make_corpus(tmp_path / "corpus")
    a = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index",
                                feedback_path=tmp_path / "fb.jsonl")
    a.ingest(progress=False)
    assert not a.ask("Wann war die mobile Sprechstunde?").refused
    questions = load_questions(ROOT / "evals" / "questions.jsonl")[:5]
    assert len(run_questions(a, questions)) == 5
    with running(a) as url, httpx.Client(timeout=60) as client:
        assert client.get(url + "/").status_code == 200
        assert client.post(url + "/api/ask", json={"question": "Was ist am Barnimplatz?"}).status_code == 200
        r = client.post(url + "/gradio_api/call/chat", json={"data": ["Was ist am Barnimplatz?", [], "Allgemein",
                                                                    [], [], [], [], ""]})  # … answers, Kiez
        assert r.status_code == 200
        with client.stream("GET", url + f"/gradio_api/call/chat/{r.json()['event_id']}") as stream:
            assert any(line.startswith("event: complete") for line in stream.iter_lines())
    assert socket_guard == []


def test_binds_to_loopback_by_default(monkeypatch):
    monkeypatch.delenv("GI_HOST", raising=False)
    assert Settings.load().host == "127.0.0.1"


def test_question_texts_reach_logs_only_when_enabled(shipped, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Wann war die Sprechstunde auf dem Alice-Salomon-Platz für Frau Beispiel?"
    shipped.ask(secret)
    assert all("Frau Beispiel" not in r.getMessage() for r in caplog.records)
    verbose = Assistant.from_settings(corpus_dir=shipped.settings.corpus_dir, index_dir=shipped.settings.index_dir,
                                      log_questions=True)
    caplog.clear()
    verbose.ask(secret)
    assert any("Frau Beispiel" in r.getMessage() for r in caplog.records)
    assert not any("127.0.0.1" in r.getMessage() for r in caplog.records)
