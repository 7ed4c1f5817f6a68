"""The ``Assistant`` facade: the one API under the UI, the CLI, the HTTP API and the eval runner."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from dataclasses import dataclass

from assistant.answer import (
    Answer,
    compose,
    concepts,
    confidence,
    normalise_audience,
    refusal_text,
    rewrite_followup,
)
from assistant.embeddings import Embedder, load_embedder
from assistant.errors import UserFacingError
from assistant.glossary import Glossary
from assistant.ingest import BM25_DIR, IngestReport, ingest
from assistant.lexical import LexicalIndex
from assistant.retrieval import Filters, Mode, Passage, Retriever
from assistant.settings import Settings
from assistant.store import StoreUnavailable, VectorStore, release_cached_client

log = logging.getLogger("assistant")


class IndexNotReady(UserFacingError):
    """No usable index (empty, damaged, or the chroma server is unreachable)."""


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
    except Exception:
        lexical = None
    if lexical is None or set(lexical.ids) != set(chunks):
        log.warning("BM25 index missing or out of step with chroma; rebuilding it from chroma's chunks")
        lexical = LexicalIndex([r[0] for r in rows], [r[2] for r in rows])
        with contextlib.suppress(OSError):  # read-only index folder: the in-memory copy serves
            lexical.save(lexical_dir)
    retriever = Retriever(
        store, lexical, chunks, embedder, glossary,
        candidates=settings.candidates, rrf_k=settings.rrf_k,
        bm25_weight=settings.bm25_weight, dense_weight=settings.dense_weight,
    )
    return OpenIndex(store, retriever, len(chunks))


class InvalidQuestion(UserFacingError, ValueError):
    """The question cannot be answered as given (empty, too long, no words)."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_question(question: str, max_chars: int) -> str:
    if not isinstance(question, str):
        raise InvalidQuestion("Bitte eine Frage als Text eingeben.")
    cleaned = _CONTROL.sub(" ", question).strip()
    if not cleaned:
        raise InvalidQuestion("Bitte eine Frage eingeben.")
    if len(cleaned) > max_chars:
        raise InvalidQuestion(
            f"Die Frage ist zu lang ({len(cleaned):,} Zeichen; höchstens {max_chars:,}). Bitte kürzer fassen."
            .replace(",", ".")
        )
    if not re.search(r"\w", cleaned):
        raise InvalidQuestion("Die Frage enthält keine Wörter. Bitte eine Frage in Worten stellen.")
    return cleaned


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
                    release_cached_client(self.settings.index_dir)
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
            self.reset()  # reconnect on the next call (e.g. after a chroma server restart or a rebuild)
            release_cached_client(self.settings.index_dir)
            raise IndexNotReady(exc.reason) from exc

    def ask(self, question: str, history: list | None = None, audience: str = "general",
            filters: Filters | dict | None = None) -> Answer:
        """Answer a question from the documents, with citations; refuses when they do not say."""
        t0 = time.perf_counter()
        audience = normalise_audience(audience)
        question = validate_question(question, self.settings.max_question_chars)
        query = rewrite_followup(question, history, self.glossary)
        passages = self.search(query, self.settings.answer_passages, filters)
        t1 = time.perf_counter()
        index = self.index()
        lexical = index.retriever.lexical
        # the question's concepts (fuzzy term matching is the costly part) serve both the judgement and the answer
        asked = concepts(query, lexical, self.glossary)
        conf = confidence(query, asked, passages)
        if not passages or conf < self.settings.refusal_threshold:
            text, citations = refusal_text(self.glossary, passages, audience)
            refused = True
        else:
            composed = compose(query, asked, passages, audience, index.retriever.chunks)
            text, citations, refused = composed.text, composed.citations, not composed.text
            if refused:
                text, citations = refusal_text(self.glossary, passages, audience, composed.not_documented)
        answer = Answer(question=question, text=text, refused=refused, citations=citations, audience=audience,
                        search_query=query)
        if not refused and self.settings.answerer == "llm" and self.settings.llm_base_url:
            from assistant.llm import llm_answer

            answer = llm_answer(self.settings, answer, passages)
        t2 = time.perf_counter()
        answer.timings = {"retrieval_ms": round((t1 - t0) * 1000, 1), "answer_ms": round((t2 - t1) * 1000, 1),
                          "total_ms": round((t2 - t0) * 1000, 1), "confidence": round(conf, 3)}
        if self.settings.log_questions:
            log.info("question=%r refused=%s", question, refused)
        return answer

    def describe(self) -> dict:
        """The configuration an answer was produced with (stored with feedback, shown in reports)."""
        s = self.settings
        return {"embedding_model": s.embedding_model, "fusion": s.fusion, "bm25_weight": s.bm25_weight,
                "dense_weight": s.dense_weight, "top_k": s.top_k, "chunk_size": s.chunk_size,
                "refusal_threshold": s.refusal_threshold, "answerer": s.answerer}

    def documents(self) -> list[dict]:
        return self.index().retriever.documents()

    def warm_up(self) -> float:
        t = time.perf_counter()
        self.index()
        self.embedder.embed_query("Aufwärmen")
        return time.perf_counter() - t
