"""Hybrid retrieval: BM25 (German analysis) and dense vectors, fused by weighted reciprocal-rank fusion, with
filters by document, document type and area."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from assistant.embeddings import Embedder
from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex
from assistant.records import FromRecord, SourceRecord
from assistant.store import VectorStore

Mode = Literal["hybrid", "bm25", "dense"]


@dataclass(frozen=True)
class Filters:
    docs: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict | None) -> Filters:
        data = data or {}

        def tup(key: str) -> tuple[str, ...]:
            v = data.get(key) or ()
            return (v,) if isinstance(v, str) else tuple(str(x) for x in v)

        return cls(tup("docs"), tup("types"), tup("areas"))

    def active(self) -> bool:
        return bool(self.docs or self.types or self.areas)


@dataclass
class Passage(FromRecord):
    id: str
    record: SourceRecord  # where it comes from (see assistant.records); ``passage.doc`` etc. read it
    text: str
    score: float = 0.0
    dense_sim: float = 0.0
    bm25_score: float = 0.0
    ranks: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_meta(cls, cid: str, m: dict) -> Passage:
        return cls(id=cid, record=SourceRecord.from_metadata(m), text=m.get("text", ""))


class Retriever:
    def __init__(
        self,
        store: VectorStore,
        lexical: LexicalIndex,
        chunks: dict[str, dict],
        embedder: Embedder,
        glossary: Glossary,
        *,
        candidates: int = 30,
        rrf_k: int = 60,
        bm25_weight: float = 1.0,
        dense_weight: float = 1.0,
    ) -> None:
        self.store, self.lexical, self.chunks, self.embedder = store, lexical, chunks, embedder
        self.glossary = glossary
        self.candidates, self.rrf_k = candidates, rrf_k
        self.weights = {"bm25": bm25_weight, "dense": dense_weight}
        self.records = {cid: SourceRecord.from_metadata(m) for cid, m in chunks.items()}
        self.doc_meta: dict[str, SourceRecord] = {}
        for r in self.records.values():
            self.doc_meta.setdefault(r.doc, r)

    # ---- filters
    def documents(self) -> list[dict]:
        return [
            {"doc": d, "title": r.title, "type": r.type, "areas": list(r.areas), "stand": r.stand,
             "reconstruction": r.reconstruction}
            for d, r in sorted(self.doc_meta.items(), key=lambda kv: kv[1].title)
        ]

    def allowed_docs(self, filters: Filters | None) -> set[str] | None:
        if not filters or not filters.active():
            return None
        docs = set(self.doc_meta)
        if filters.docs:
            docs &= set(filters.docs)
        if filters.types:
            docs = {d for d in docs if self.doc_meta[d].type in filters.types}
        if filters.areas:
            # a document without any area (dropped into corpus/ without catalogue metadata) may be about any area:
            # its scope is unknown, and hiding it from everyone who chose a Kiez is worse than showing it
            docs = {d for d in docs if not self.doc_meta[d].areas or set(self.doc_meta[d].areas) & set(filters.areas)}
        return docs

    # ---- whole sections (the staff checklist reads a guideline chapter in full)
    def sections(self, doc_type: str) -> list[tuple[str, str]]:
        """(doc, section) of every section of the documents of one type, in document order."""
        first: dict[tuple[str, str], int] = {}
        for cid, r in self.records.items():
            if r.type == doc_type and r.section:
                start = int(self.chunks[cid].get("start", 0))
                first[(r.doc, r.section)] = min(start, first.get((r.doc, r.section), start))
        return sorted(first, key=lambda key: (key[0], first[key]))

    def section_passages(self, doc: str, section: str) -> list[Passage]:
        """All passages of one section of one document, in document order."""
        rows = [(cid, self.chunks[cid]) for cid, r in self.records.items() if r.doc == doc and r.section == section]
        return [Passage.from_meta(cid, m) for cid, m in sorted(rows, key=lambda r: int(r[1].get("start", 0)))]

    # ---- what the composer needs besides passages
    def query_vector(self, question: str) -> np.ndarray:
        """The (normalised) vector search used for ``question``; the embedder caches it, so this is a lookup."""
        return self.embedder.embed_query(self.glossary.expand(question))

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, dict[str, np.ndarray]]:
        """{chunk id: {answer unit: vector}} stored at ingest for these passages."""
        return self.store.sentence_vectors(chunk_ids)

    # ---- search
    def search(self, question: str, k: int = 5, filters: Filters | None = None,
               mode: Mode = "hybrid") -> list[Passage]:
        query = self.glossary.expand(question)
        docs = self.allowed_docs(filters)
        allowed_ids = None if docs is None else {cid for cid, r in self.records.items() if r.doc in docs}
        n = max(self.candidates, k)
        ranked: dict[str, list[tuple[str, float]]] = {}
        if mode in ("hybrid", "bm25"):
            ranked["bm25"] = self.lexical.search(query, n, allowed_ids)
        if mode in ("hybrid", "dense"):
            ranked["dense"] = self.store.query(self.embedder.embed_query(query), n, docs)

        fused: dict[str, Passage] = {}
        for name, hits in ranked.items():
            for rank, (cid, raw) in enumerate(hits, start=1):
                meta = self.chunks.get(cid)
                if meta is None:
                    continue  # in one index but not the other (a killed ingest): ignore until rebuilt
                p = fused.get(cid) or Passage.from_meta(cid, meta)
                p.ranks[name] = rank
                if name == "dense":
                    p.dense_sim = raw
                else:
                    p.bm25_score = raw
                p.score += self.weights[name] / (self.rrf_k + rank)
                fused[cid] = p
        return sorted(fused.values(), key=lambda p: (-p.score, p.id))[:k]
