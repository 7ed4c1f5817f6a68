"""Index generations: every ingest that changes the index ends by publishing a new generation id.

The id lives in the chunk collection's metadata in chroma, so a chroma server carries it to every app instance
that reads from it (and the embedded database to every process on the same folder). A running app compares the
generation it serves with the published one (a cheap read, see ``Assistant.index``) and, when they differ, loads
the new BM25 and chunk table in the background and swaps them in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

GENERATION_KEY = "gi_generation"
UPDATED_KEY = "gi_updated"  # ISO time the generation was published (UTC)
DOCUMENTS_KEY = "gi_documents"
CHUNKS_KEY = "gi_chunks"
# chroma keeps the distance function in the collection's configuration; its "hnsw:*" keys may not be sent again
# (modify() refuses to "change" them), and modify() replaces the metadata as a whole
_FIXED_PREFIX = "hnsw:"


@dataclass(frozen=True)
class Generation:
    id: str
    updated: str  # ISO 8601, UTC
    documents: int
    chunks: int

    @classmethod
    def from_metadata(cls, meta: dict | None) -> Generation | None:
        meta = meta or {}
        gid = meta.get(GENERATION_KEY)
        if not gid:
            return None  # an index written before generations existed
        return cls(str(gid), str(meta.get(UPDATED_KEY, "")), int(meta.get(DOCUMENTS_KEY, 0)),
                   int(meta.get(CHUNKS_KEY, 0)))


def new_generation(documents: int, chunks: int) -> Generation:
    now = datetime.now(UTC).replace(microsecond=0)
    # time first: ids sort by age in logs; the random tail keeps two ingests in the same second apart
    gid = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
    return Generation(gid, now.isoformat(), documents, chunks)


def read_generation(client, collection_name: str) -> Generation | None:
    """The published generation (a fresh read from chroma, not the metadata a collection object cached)."""
    return Generation.from_metadata(client.get_collection(collection_name, embedding_function=None).metadata)


def publish_generation(client, collection_name: str, documents: int, chunks: int) -> Generation:
    """Store a new generation in the collection's metadata, keeping the other keys (e.g. the embedding model)."""
    gen = new_generation(documents, chunks)
    collection = client.get_collection(collection_name, embedding_function=None)
    meta = {k: v for k, v in (collection.metadata or {}).items() if not k.startswith(_FIXED_PREFIX)}
    meta.update({GENERATION_KEY: gen.id, UPDATED_KEY: gen.updated, DOCUMENTS_KEY: documents, CHUNKS_KEY: chunks})
    collection.modify(metadata=meta)
    return gen
