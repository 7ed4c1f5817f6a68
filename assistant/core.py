"""The ``Assistant`` facade: the one API under the UI, the CLI, the HTTP API and the eval runner."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.embeddings import Embedder, load_embedder
from assistant.glossary import Glossary
from assistant.ingest import BM25_DIR, IngestReport, ingest
from assistant.lexical import LexicalIndex
from assistant.retrieval import Filters, Mode, Passage, Retriever
from assistant.settings import Settings
from assistant.store import StoreUnavailable, VectorStore

log = logging.getLogger("assistant")


class IndexNotReady(Exception):
    """No usable index; ``reason`` is German, for users."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class OpenIndex:
    store: VectorStore
    retriever: Retriever
    chunk_count: int


def open_index(settings: Settings, embedder: Embedder, glossary: Glossary) -> OpenIndex:
    """Open chroma and BM25; if they disagree on the chunk set (a killed ingest), rebuild BM25 from chroma."""
    store = VectorStore(settings.index_dir, settings.chroma_url, settings.collection, embedder)
    rows = store.all_chunks()
    if not rows:
        raise IndexNotReady(
            "Der Suchindex ist leer. Bitte zuerst „python -m assistant ingest“ ausführen (oder „make run“)."
        )
    chunks = {cid: meta for cid, meta, _ in rows}
    lexical_dir = settings.index_dir / BM25_DIR
    lexical: LexicalIndex | None = None
    try:
        lexical = LexicalIndex.load(lexical_dir)
    except (OSError, ValueError, KeyError):
        lexical = None
    if lexical is None or set(lexical.ids) != set(chunks):
        log.warning("BM25 index missing or out of step with chroma; rebuilding it from chroma's chunks")
        lexical = LexicalIndex([r[0] for r in rows], [r[2] for r in rows])
        try:
            lexical.save(lexical_dir)
        except OSError:
            pass  # read-only index folder: the in-memory copy serves
    retriever = Retriever(
        store, lexical, chunks, embedder, glossary,
        candidates=settings.candidates, rrf_k=settings.rrf_k,
        bm25_weight=settings.bm25_weight, dense_weight=settings.dense_weight,
    )
    return OpenIndex(store, retriever, len(chunks))


class Assistant:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.glossary = Glossary.load(settings.corpus_dir)
        self._embedder: Embedder | None = None
        self._index: OpenIndex | None = None
        self._lock = threading.Lock()  # guards (re)opening the index, not queries

    @classmethod
    def from_settings(cls, **overrides: object) -> Assistant:
        return cls(Settings.load(**overrides))

    # ---- components (lazy: importing and loading models costs seconds)
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self.settings
            self._embedder = load_embedder(s.embedding_model, s.embedding_threads, s.embedding_batch_size)
        return self._embedder

    def index(self) -> OpenIndex:
        with self._lock:
            if self._index is None:
                try:
                    self._index = open_index(self.settings, self.embedder, self.glossary)
                except StoreUnavailable as exc:
                    raise IndexNotReady(exc.reason) from exc
            return self._index

    def reset(self) -> None:
        """Forget the open index (after an ingest, or to reconnect to a restarted chroma server)."""
        with self._lock:
            self._index = None

    # ---- API
    def ingest(self, *, rebuild: bool = False, progress: bool = True, log=print) -> IngestReport:
        report = ingest(self.settings, self.embedder, rebuild=rebuild, progress=progress, log=log)
        self.reset()
        return report

    def search(self, question: str, k: int | None = None, filters: Filters | dict | None = None,
               mode: Mode | None = None) -> list[Passage]:
        if not isinstance(filters, Filters):
            filters = Filters.from_dict(filters)
        index = self.index()
        try:
            return index.retriever.search(question, k or self.settings.top_k, filters,
                                          mode or self.settings.fusion)
        except StoreUnavailable as exc:
            self.reset()  # reconnect on the next call (e.g. after a chroma server restart)
            raise IndexNotReady(exc.reason) from exc

    def documents(self) -> list[dict]:
        return self.index().retriever.documents()

    def warm_up(self) -> float:
        t = time.perf_counter()
        self.index()
        self.embedder.embed_query("Aufwärmen")
        return time.perf_counter() - t

    @property
    def index_dir(self) -> Path:
        return self.settings.index_dir
