"""The ``Assistant`` facade: the one API under the UI, the CLI, the HTTP API and the eval runner."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import numpy as np

from assistant.answer import (
    ENGLISH_NOTICE,
    GUIDELINE_TYPE,
    Answer,
    LeadEvidence,
    Ranking,
    RefusalReason,
    absent_words,
    checklist_section,
    compose,
    contact_answer,
    lead_evidence,
    normalise_audience,
    rank,
    refusal_reason,
    refusal_text,
)
from assistant.embedding_client import EmbeddingServiceUnavailable
from assistant.embeddings import Embedder, embedder_for
from assistant.errors import UserFacingError
from assistant.generations import Generation
from assistant.glossary import Glossary
from assistant.ingest import BM25_DIR, IngestReport, ingest
from assistant.lexical import LexicalIndex
from assistant.query import Cues, Query, build_query
from assistant.retrieval import Filters, Mode, Passage, Retriever
from assistant.scoring import SCORING, Scoring
from assistant.settings import Settings
from assistant.store import MANIFEST, StoreUnavailable, VectorStore, release_cached_client

if TYPE_CHECKING:
    from assistant.answerability import Judgement

log = logging.getLogger("assistant")

# ``search`` drops passages of removed documents (see ``Assistant._live``); it then searches this many times deeper,
# so the answer still reads k passages while the old chunk table lasts (a few removed documents among the top hits)
DEEPER_SEARCH_FACTOR = 3
CONTACT_SEARCH = 5  # passages searched for the one that names a contact


class IndexNotReady(UserFacingError):
    """No usable index (empty, damaged, or the chroma server is unreachable)."""


@dataclass
class OpenIndex:
    store: VectorStore
    retriever: Retriever
    chunk_count: int
    generation: Generation | None = None  # the generation published when this copy was read (None: none yet)
    # False: an ingest was writing while this copy was read (it may hold a document in two versions); it serves
    # only until a copy can be read that no ingest is writing
    settled: bool = True


def open_index(settings: Settings, embedder: Embedder, glossary: Glossary) -> OpenIndex:
    """Open chroma and BM25; if they disagree on the chunk set (a killed ingest), rebuild BM25 from chroma.
    The published state is read before and after the chunks: the copy is ``settled`` only if no ingest was
    writing at either moment and no generation was published in between."""
    store = VectorStore(settings.index_dir, settings.chroma_url, settings.collection, embedder)
    # read before the chunks: if an ingest publishes while we load, the app sees a newer generation and reloads
    before = store.state()
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
    after = store.state()
    stale_s = settings.ingest_stale_s
    settled = (not before.ingest_running(stale_s) and not after.ingest_running(stale_s)
               and before.generation == after.generation)
    return OpenIndex(store, retriever, len(chunks), before.generation, settled)


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
        self.cues = Cues.load(settings.corpus_dir)
        self.scoring: Scoring = SCORING
        self._embedder: Embedder | None = None
        self._index: OpenIndex | None = None
        self._lock = threading.Lock()  # guards (re)opening the index, not queries
        # index generations (see assistant/generations.py): one question is answered from one OpenIndex, pinned
        # per thread, even if a reload swaps in a newer one meanwhile
        self._pinned = threading.local()
        self._check_lock = threading.Lock()
        self._checked_at = 0.0
        self._reloading = False

    @classmethod
    def from_settings(cls, **overrides: object) -> Assistant:
        return cls(Settings.load(**overrides))

    # ---- components (lazy: importing and loading models costs seconds)
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = embedder_for(self.settings)
        return self._embedder

    def index(self) -> OpenIndex:
        """The index questions are answered from. Opened on first use; afterwards swapped for a newer generation
        in the background (see :meth:`_check_generation`), so this never waits for a reload."""
        pinned = getattr(self._pinned, "index", None)
        if pinned is not None:
            return pinned
        with self._lock:
            if self._index is None:
                try:
                    self._index = open_index(self.settings, self.embedder, self.glossary)
                except (StoreUnavailable, EmbeddingServiceUnavailable) as exc:
                    release_cached_client(self.settings.index_dir)
                    raise IndexNotReady(exc.reason) from exc
                if not self._index.settled:  # nothing older to serve; replaced once the ingest publishes
                    log.warning("index read while an ingest was writing; it is reloaded when the ingest ends")
                self._checked_at = time.monotonic()
            current = self._index
        self._check_generation(current)
        return current

    # ---- index generations
    def _check_generation(self, current: OpenIndex) -> None:
        """Compare the served generation with the published one, at most every ``GI_GENERATION_CHECK_S``
        seconds (one small chroma read); a newer one is loaded in a background thread, but never while an ingest
        is writing (its "ingest running" mark is fresh): that state is neither the old generation nor the new one.
        """
        if time.monotonic() - self._checked_at < self.settings.generation_check_s:
            return
        if not self._check_lock.acquire(blocking=False):
            return  # another request is checking right now
        try:
            if time.monotonic() - self._checked_at < self.settings.generation_check_s or self._reloading:
                return
            self._checked_at = time.monotonic()
            try:
                state = current.store.state()
            except StoreUnavailable:
                return  # the search reports it
            if state.ingest_running(self.settings.ingest_stale_s):
                return  # the old copy serves until the ingest publishes (checked again after the interval)
            published, served = state.generation, current.generation
            if current.settled and (published is None or (served is not None and published.id == served.id)):
                return
            self._reloading = True
            threading.Thread(target=self._reload, args=(current,), name="index-reload", daemon=True).start()
        finally:
            self._check_lock.release()

    def _reload(self, current: OpenIndex) -> None:
        """Load the new generation completely (chunk table, BM25, a fresh chroma handle), then swap it in with
        one assignment: a question either gets the old index or the new one, never a half-loaded one."""
        try:
            if not self.settings.chroma_url:
                # the embedded database: this process's vector index does not see another process's writes;
                # a fresh client system reads them from disk (the old one keeps serving until the swap)
                release_cached_client(self.settings.index_dir)
            fresh = open_index(self.settings, self.embedder, self.glossary)
            if not fresh.settled:  # an ingest began writing meanwhile: keep the old copy, try after it publishes
                log.info("an ingest began writing while the index was reloaded; the old index keeps serving")
                return
            with self._lock:
                if self._index is current:  # not reset or replaced meanwhile
                    self._index = fresh
            log.info("index generation %s loaded (%d chunks)", fresh.generation.id if fresh.generation else "-",
                     fresh.chunk_count)
        except Exception as exc:  # keep serving the old index; the next check tries again
            log.warning("reloading the index failed: %s", exc)
        finally:
            self._checked_at = time.monotonic()  # a failed reload is tried again after the next interval
            self._reloading = False

    def index_status(self) -> dict:
        """What the UI shows about the index: documents, chunks, last update (ISO time), generation id, and
        whether a newer generation is being loaded."""
        try:
            index = self.index()
        except IndexNotReady:
            return {"ready": False, "documents": 0, "chunks": 0, "updated": None, "generation": None,
                    "reloading": self._reloading}
        gen = index.generation
        return {"ready": True, "documents": len(index.retriever.doc_meta), "chunks": index.chunk_count,
                "updated": gen.updated if gen else self._manifest_time(), "generation": gen.id if gen else None,
                "reloading": self._reloading}

    def _manifest_time(self) -> str | None:
        """Last update of an index published before generations existed: when its manifest was written."""
        path = self.settings.index_dir / MANIFEST
        if not path.exists():
            return None
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0).isoformat()

    def _live(self, index: OpenIndex, passages: list[Passage]) -> list[Passage]:
        """Only passages whose chunk chroma still holds: between an ingest removing a document and the swap to
        the new generation, the old chunk table still knows it (one small read by id)."""
        if not passages:
            return passages
        alive = index.store.existing([p.id for p in passages])
        return passages if len(alive) == len(passages) else [p for p in passages if p.id in alive]

    def _headings(self, retriever: Retriever) -> list[tuple[str, str]]:
        """The guideline's own section headings (a question naming one of them gets its checklist)."""
        cached = getattr(retriever, "_gi_guideline_headings", None)
        if cached is None:
            cached = retriever.sections(GUIDELINE_TYPE)
            retriever._gi_guideline_headings = cached  # type: ignore[attr-defined]
        return cached

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
        k = k or self.settings.top_k
        mode = mode or self.settings.fusion
        try:
            found = index.retriever.search(question, k, filters, mode)
            passages = self._live(index, found)
            if len(passages) < len(found):
                # some hits were of removed documents: look deeper so the answer still reads k passages
                deeper = index.retriever.search(question, DEEPER_SEARCH_FACTOR * k, filters, mode)
                passages = self._live(index, deeper)[:k]
            return passages
        except StoreUnavailable as exc:
            self.reset()  # reconnect on the next call (e.g. after a chroma server restart or a rebuild)
            release_cached_client(self.settings.index_dir)
            raise IndexNotReady(exc.reason) from exc
        except EmbeddingServiceUnavailable as exc:
            raise IndexNotReady(exc.reason) from exc

    def _naming_passage(self, name: str) -> Passage | None:
        """A passage that names ``name`` as written (whitespace aside): the source of a contact's name."""
        wanted = " ".join(name.split())
        return next((p for p in self.search(name, CONTACT_SEARCH) if wanted in " ".join(p.text.split())), None)

    def parse(self, question: str, history: list | None = None, audience: str = "general",
              filters: Filters | dict | None = None, *, today: date | None = None) -> Query:
        """The question as the composer reads it (validated, follow-up rewritten, answer type, focus terms), asked
        on ``today`` (default: the real date)."""
        audience = normalise_audience(audience)
        question = validate_question(question, self.settings.max_question_chars)
        if not isinstance(filters, Filters):
            filters = Filters.from_dict(filters)
        retriever = self.index().retriever
        return build_query(question, history=history, audience=audience, filters=filters, glossary=self.glossary,
                           cues=self.cues, lexical=retriever.lexical, headings=self._headings(retriever), today=today)

    def ask(self, question: str, history: list | None = None, audience: str = "general",
            filters: Filters | dict | None = None, *, today: date | None = None) -> Answer:
        """Answer a question from the documents, with citations; refuses when they do not say. ``today`` is the
        date past events are judged against (default: the real date)."""
        t0 = time.perf_counter()
        with self.pinned():  # the whole answer from one generation, even if a swap happens meanwhile
            return self._ask(question, history, audience, filters, today, t0)

    @contextlib.contextmanager
    def pinned(self) -> Iterator[OpenIndex]:
        """Everything done inside (an answer, an outline, an area page of several answers) reads one index
        generation, even if a reload swaps in a newer one meanwhile. Nested uses share the outer pin."""
        outer = getattr(self._pinned, "index", None)
        if outer is not None:
            yield outer
            return
        self._pinned.index = self.index()
        try:
            yield self._pinned.index
        finally:
            self._pinned.index = None

    def live(self, passages: list[Passage]) -> list[Passage]:
        """Only the passages whose chunks the index still holds (see :meth:`_live`)."""
        return self._live(self.index(), passages)

    def _ask(self, question: str, history: list | None, audience: str, filters: Filters | dict | None,
             today: date | None, t0: float) -> Answer:
        query = self.parse(question, history, audience, filters, today=today)
        passages = self.search(query.text, self.settings.answer_passages, query.filters)
        t1 = time.perf_counter()
        retriever = self.index().retriever
        similarity = self._similarity(retriever, query, passages)
        # the candidate sentences are scored once: the gate judges the lead, the composer answers from them
        ranking = rank(query, passages, cues=self.cues, glossary=self.glossary, similarity=similarity,
                       scoring=self.scoring)
        # One gate for every answerer: the LLM is only called for questions the documents answer.
        judgement, evidence = self.judge(query, passages, similarity, ranking)
        t_gate = time.perf_counter()
        span, notice = "", ""
        # a question about Spandau is not answered by the best sentence about Marzahn-Hellersdorf, one about 2020
        # not by a figure for 2024, "wie viele" not by a sentence without a number, one insisting on a price,
        # opening hours or a name not by a lead without one
        reason = refusal_reason(query, evidence, self.cues)
        refusing = not passages or not judgement.answerable or reason is not None
        # "An wen kann ich mich wenden?": the contact answers, unless a document says something about the question
        # itself (a note, or what holds for another place or time)
        contact = contact_answer(query, self.glossary, self._naming_passage) \
            if refusing and not (evidence is not None and evidence.not_documented) \
            and not (reason is not None and reason.quote) else None
        if contact is not None:
            text, citations, span, refused = contact.text, contact.citations, contact.answer_span, contact.refused
        elif refusing:
            if reason is None and query.absent:  # the gate refused: a word no document uses is a reason to name
                reason = RefusalReason(absent_words(query.absent, answered=False))
            # a document saying itself that the fact is not documented is quoted
            note = (evidence.sentence, passages[evidence.passage_rank]) \
                if evidence is not None and evidence.not_documented else None
            text, citations = refusal_text(self.glossary, passages, query, note, reason)
            refused = True
        else:
            section = checklist_section(query, passages)
            composed = compose(
                query, passages, cues=self.cues, glossary=self.glossary,
                chapter_passages=self._live(self.index(), retriever.section_passages(*section)) if section else None,
                similarity=similarity, today=today, scoring=self.scoring, ranking=ranking,
            )
            text, citations, span, notice = composed.text, composed.citations, composed.answer_span, composed.notice
            refused = composed.refused or not composed.text
            if not composed.text:
                text, citations = refusal_text(self.glossary, passages, query, composed.not_documented)
        if query.english:
            notice = f"{ENGLISH_NOTICE} {notice}".strip()
        answer = Answer(question=query.question, text=text, refused=refused, citations=citations,
                        audience=query.audience, search_query=query.text, notice=notice, answer_span=span,
                        answer_type=query.answer_type, absent=list(query.absent))
        if not refused and self.settings.answerer == "llm" and self.settings.llm_base_url:
            from assistant.llm import llm_answer

            answer = llm_answer(self.settings, answer, passages)
            if answer.answerer == "llm" and answer.answer_span not in answer.text:
                answer.answer_span = ""
        t2 = time.perf_counter()
        p = round(judgement.probability, 3)
        answer.timings = {"retrieval_ms": round((t1 - t0) * 1000, 1), "answer_ms": round((t2 - t1) * 1000, 1),
                          "total_ms": round((t2 - t0) * 1000, 1),
                          "answerability_ms": round((t_gate - t1) * 1000, 1), "answerability": p}
        if self.settings.log_questions:
            log.info("question=%r refused=%s", question, refused)
        return answer

    def judge(self, query: Query, passages: list[Passage],
              similarity: Callable[[list[str]], Sequence[float]] | None = None, ranking: Ranking | None = None,
              ) -> tuple[Judgement, LeadEvidence | None]:
        """The answerability gate: P(answerable) from the fitted model (``assistant/answerability.py``) and the
        lead candidate it judged. ``GI_REFUSAL_THRESHOLD`` overrides the model's operating point."""
        # imported here: ``python -m assistant.answerability`` must not find itself imported by the package
        from assistant.answerability import Judgement, load_model

        evidence, values = self.gate_features(query, passages, similarity, ranking)
        model = load_model()
        return Judgement(model.probability(values), self.operating_point(), values), evidence

    def operating_point(self) -> float:
        """The P(answerable) below which ``ask`` refuses: the setting, else the fitted model's threshold."""
        from assistant.answerability import load_model

        return self.settings.refusal_threshold if self.settings.refusal_threshold is not None \
            else load_model().threshold

    def gate_features(self, query: Query, passages: list[Passage],
                      similarity: Callable[[list[str]], Sequence[float]] | None = None,
                      ranking: Ranking | None = None) -> tuple[LeadEvidence | None, dict[str, float]]:
        """What the gate judges: the composer's lead candidate and the answerability features (also the training
        rows of ``python -m assistant.answerability_fit fit``)."""
        from assistant.answerability import features

        evidence = lead_evidence(query, passages, cues=self.cues, glossary=self.glossary, similarity=similarity,
                                 scoring=self.scoring, ranking=ranking)
        return evidence, features(query, passages, evidence, self.index().retriever.lexical.df, self.cues)

    def _similarity(self, retriever: Retriever, query: Query, passages: list[Passage],
                    ) -> Callable[[list[str]], Sequence[float]] | None:
        """Dense similarity of candidate sentences to the question, from the answer-unit vectors stored at ingest
        and the query vector retrieval already computed (no embedding here); None when switched off, for English
        questions (cross-lingual scores sit on another scale) or for an index without unit vectors."""
        if self.scoring.dense_candidates <= 0 or query.english:
            return None
        stored = retriever.sentence_vectors([p.id for p in passages])
        if not stored:
            return None
        vectors: dict[str, np.ndarray] = {}
        for units in stored.values():
            vectors.update(units)
        q = retriever.query_vector(query.text)

        def similarity(sentences: list[str]) -> Sequence[float]:
            return [float(vectors[s] @ q) if s in vectors else float("nan") for s in sentences]

        return similarity

    def describe(self) -> dict:
        """The configuration an answer was produced with (stored with feedback, shown in reports)."""
        s = self.settings
        return {"embedding_model": s.embedding_model, "fusion": s.fusion, "bm25_weight": s.bm25_weight,
                "dense_weight": s.dense_weight, "top_k": s.top_k, "chunk_size": s.chunk_size,
                "refusal_threshold": s.refusal_threshold if s.refusal_threshold is not None else self.operating_point(),
                "answerer": s.answerer}

    def documents(self) -> list[dict]:
        return self.index().retriever.documents()

    def warm_up(self) -> float:
        t = time.perf_counter()
        self.index()
        self.embedder.embed_query("Aufwärmen")
        return time.perf_counter() - t
