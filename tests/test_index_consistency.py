"""No app loads a half-written index: an ingest marks the index "being written" in chroma until it publishes, apps
wait for it (unless the mark was left by a killed ingest), a reload that an ingest overlapped is thrown away, and
an ingest stopped mid-document (Ctrl+C) undoes that document before it lets apps reload. Real chroma, real
embedding model, real ingests."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from assistant import Assistant
from assistant.core import open_index
from assistant.documents import sha256_file
from assistant.generations import IndexState, clear_ingest_mark, set_ingest_mark
from assistant.store import VectorStore
from tests.conftest import make_corpus, make_pdf
from tests.services import wait_until

pytestmark = pytest.mark.slow

CHANGED = "barnimplatz.pdf"  # from tests.conftest.TOPICS
CHANGED_TEXT = "Am Barnimplatz entsteht statt des Stadtteilhauses ein Nachbarschaftsgarten mit Werkstatt."
REMOVED = "sprechstunde.pdf"
SWAP_S = 15.0  # a reload of a three-document index on a busy machine


def _now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _state(assistant: Assistant) -> IndexState:
    """What chroma says now, read beside the app (``assistant.index()`` would make the app check, and reload)."""
    s = assistant.settings
    return VectorStore(s.index_dir, s.chroma_url, s.collection, assistant.embedder).state()


def _versions(assistant: Assistant, doc: str) -> set[str]:
    """The file versions of ``doc`` in the chunk table the assistant serves."""
    return {m["sha256"] for m in assistant.index().retriever.chunks.values() if m["doc"] == doc}


def test_apps_wait_for_a_running_ingest_but_not_for_a_dead_one(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "corpus")
    settings = {"corpus_dir": corpus, "index_dir": tmp_path / "index"}
    writer = Assistant.from_settings(**settings)
    first = writer.ingest(progress=False)
    reader = Assistant.from_settings(**settings, generation_check_s=0)
    assert reader.index_status()["generation"] == first.generation
    stale_s = reader.settings.ingest_stale_s
    store = VectorStore(reader.settings.index_dir, None, reader.settings.collection, writer.embedder)

    # an ingest on another machine begins writing; meanwhile this one publishes (its publish keeps the other mark)
    set_ingest_mark(store.client, store.collection.name, "anderer-lauf", _now_iso(), time.time())
    (corpus / REMOVED).unlink()
    second = writer.ingest(progress=False)
    assert second.generation != first.generation
    state = _state(reader)
    assert state.generation.id == second.generation and state.ingest_running(stale_s)
    assert [run for run, _, _ in state.ingests] == ["anderer-lauf"]
    deadline = time.time() + 1.0
    while time.time() < deadline:  # the app checks on every question, but loads nothing while the mark is fresh
        assert reader.index_status()["generation"] == first.generation and not reader._reloading
        time.sleep(0.1)

    # the other ingest was killed: its heartbeat stopped, its mark goes stale, the app loads the new generation
    set_ingest_mark(store.client, store.collection.name, "anderer-lauf", _now_iso(), time.time() - stale_s - 1)
    wait_until(lambda: reader.index_status()["generation"] == second.generation, SWAP_S, "swap after a stale mark")
    assert REMOVED not in {d["doc"] for d in reader.documents()}

    # an ingest that begins writing while the app reads the chunks: that copy is thrown away, the old one serves
    (corpus / CHANGED).unlink()
    third = writer.ingest(progress=False)
    assert not _state(reader).ingests  # the stale mark was removed with the publish
    read_chunks = VectorStore.all_chunks

    def overlapped(self: VectorStore):
        rows = read_chunks(self)
        set_ingest_mark(self.client, self.collection.name, "spaeter-lauf", _now_iso(), time.time())
        return rows

    monkeypatch.setattr(VectorStore, "all_chunks", overlapped)
    assert not open_index(reader.settings, reader.embedder, reader.glossary).settled
    clear_ingest_mark(store.client, store.collection.name, "spaeter-lauf")
    served = reader.index()  # the check sees the third generation and starts a reload, which meets the mark
    wait_until(lambda: not reader._reloading, SWAP_S, "reload attempt")
    assert _state(reader).ingest_running(stale_s)  # the reload really ran into the mark
    assert reader.index() is served and reader.index_status()["generation"] == second.generation
    monkeypatch.setattr(VectorStore, "all_chunks", read_chunks)
    clear_ingest_mark(store.client, store.collection.name, "spaeter-lauf")  # that ingest published nothing
    wait_until(lambda: reader.index_status()["generation"] == third.generation, SWAP_S, "swap after the mark")
    assert reader.index().settled


def test_an_ingest_stopped_mid_document_undoes_it_and_apps_never_see_both_versions(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "corpus")
    settings = {"corpus_dir": corpus, "index_dir": tmp_path / "index"}
    writer = Assistant.from_settings(**settings)
    writer.ingest(progress=False)
    old_sha = sha256_file(corpus / CHANGED)
    reader = Assistant.from_settings(**settings, generation_check_s=0)
    assert _versions(reader, CHANGED) == {old_sha}

    make_pdf(corpus / CHANGED, [CHANGED_TEXT, f"Weitere Angaben: {CHANGED_TEXT}"], title="Barnimplatz")
    new_sha = sha256_file(corpus / CHANGED)
    seen: dict[str, object] = {}
    add = VectorStore.add

    def add_then_ctrl_c(self: VectorStore, chunks, sha256, vectors):
        add(self, chunks, sha256, vectors)
        if chunks[0].doc != CHANGED:
            return
        # the moment the review found: the new version's first chunks are in, the old version not yet gone
        rows = self.collection.get(where={"doc": CHANGED}, include=["metadatas"])["metadatas"]
        seen["both"] = {m["sha256"] for m in rows}
        seen["running"] = self.state().ingest_running(reader.settings.ingest_stale_s)
        seen["settled"] = open_index(reader.settings, reader.embedder, reader.glossary).settled
        raise KeyboardInterrupt

    monkeypatch.setattr(VectorStore, "add", add_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        writer.ingest(progress=False)
    monkeypatch.setattr(VectorStore, "add", add)
    assert seen == {"both": {old_sha, new_sha}, "running": True, "settled": False}

    # undone: the old version alone, the mark removed, the manifest still on the old version
    fresh = Assistant.from_settings(**settings)
    assert _versions(fresh, CHANGED) == {old_sha} and fresh.index().settled
    assert not _state(fresh).ingests
    assert reader.index_status()["generation"] == fresh.index_status()["generation"]
    assert _versions(reader, CHANGED) == {old_sha}

    # the next run writes the new version completely; the app swaps to it and never holds both
    done = writer.ingest(progress=False)
    assert done.updated == [CHANGED] and done.generation
    wait_until(lambda: reader.index_status()["generation"] == done.generation, SWAP_S, "swap to the finished run")
    assert _versions(reader, CHANGED) == {new_sha} and not _state(reader).ingests
    answer = reader.ask("Was entsteht am Barnimplatz?")
    assert CHANGED in {c.doc for c in answer.citations} and "Nachbarschaftsgarten" in answer.text
