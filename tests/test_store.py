"""The dense store on real chroma: nearest chunks are the exact ones, the same in every process, and an index
written before the wider search gets it when opened."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import Assistant
from assistant.store import SEARCH_EF, VectorStore, make_client, release_cached_client

pytestmark = pytest.mark.slow

# questions nobody tuned the search on: everyday wording, near misses, another district
QUESTIONS = [
    "Wann öffnet das Stadtteilhaus am Barnimplatz?",
    "Wie viele Kinder sind in Marzahn-Nord arm?",
    "Wer bezahlt die neuen Treffpunkte?",
    "Was macht das Bezirksamt mit meinen Vorschlägen?",
    "Wie hoch ist die Arbeitslosigkeit in Spandau?",
    "Welche Unterlagen brauche ich für einen Antrag?",
]


def _store(assistant: Assistant) -> VectorStore:
    s = assistant.settings
    return VectorStore(s.index_dir, s.chroma_url, s.collection, assistant.embedder)


def test_nearest_chunks_are_the_exact_ones(shipped):
    store = _store(shipped)
    got = store.collection.get(include=["embeddings"])
    ids, vectors = got["ids"], np.asarray(got["embeddings"], dtype=float)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    k = 30
    for question in QUESTIONS:
        q = shipped.embedder.embed_query(question)
        exact = [ids[i] for i in np.argsort(-(vectors @ q))[:k]]
        found = store.query(q, k)
        assert [cid for cid, _ in found] == exact, question
        # cosine similarity, not another distance
        assert found[0][1] == pytest.approx(float(vectors[ids.index(exact[0])] @ q), abs=1e-4)


def test_an_index_written_with_the_default_search_breadth_is_widened_when_opened(tmp_path, shipped):
    client = make_client(tmp_path, None)
    client.create_collection("older_index", metadata={"hnsw:space": "cosine", "embedding_model": "x"})
    assert client.get_collection("older_index").configuration_json["hnsw"]["ef_search"] < SEARCH_EF

    store = VectorStore(tmp_path, None, "older_index", shipped.embedder)
    hnsw = store.collection.configuration_json["hnsw"]
    assert hnsw["ef_search"] == SEARCH_EF and hnsw["space"] == "cosine"
    # stored with the collection: a client opened afresh on the folder sees it
    release_cached_client(tmp_path)
    reopened = make_client(tmp_path, None).get_collection("older_index").configuration_json["hnsw"]
    assert reopened["ef_search"] == SEARCH_EF and reopened["space"] == "cosine"


def test_a_new_index_measures_cosine_similarity(tmp_path, shipped):
    store = VectorStore(tmp_path, None, "new_index", shipped.embedder)
    hnsw = store.collection.configuration_json["hnsw"]
    assert hnsw["space"] == "cosine" and hnsw["ef_search"] == SEARCH_EF
