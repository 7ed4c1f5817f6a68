"""Index generations: every ingest that changes the index ends by publishing a new generation id.

The id lives in the chunk collection's metadata in chroma, so a chroma server carries it to every app instance
that reads from it (and the embedded database to every process on the same folder). A running app compares the
generation it serves with the published one (a cheap read, see ``Assistant.index``) and, when they differ, loads
the new BM25 and chunk table in the background and swaps them in.

While an ingest writes, chroma holds a state no generation describes (an updated document in both versions, BM25
behind chroma). So an ingest first sets an "ingest running" mark in the same metadata, keeps it alive with a
heartbeat and removes it when it publishes; apps load nothing while the mark is fresh. A mark whose heartbeat is
older than ``GI_INGEST_STALE_S`` was left by a killed ingest and is ignored (it must not block apps forever).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

GENERATION_KEY = "gi_generation"
UPDATED_KEY = "gi_updated"  # ISO time the generation was published (UTC)
DOCUMENTS_KEY = "gi_documents"
CHUNKS_KEY = "gi_chunks"
# "ingest running" marks, one pair of keys per run (two ingests may write at once, e.g. ``--watch`` beside a manual
# run; each removes only its own mark, so apps wait for the last of them):
INGEST_ALIVE_PREFIX = "gi_ingest_alive:"  # + run id -> Unix time of the run's last heartbeat
INGEST_STARTED_PREFIX = "gi_ingest_started:"  # + run id -> ISO time (UTC) it began writing
# how often a running ingest refreshes its mark; far below the stale timeout, so parsing a long scan or embedding
# a large group never makes a live ingest look dead
INGEST_HEARTBEAT_S = 20.0
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


@dataclass(frozen=True)
class IndexState:
    """What chroma's metadata says now: the published generation and the marks of ingests writing."""

    generation: Generation | None
    ingests: tuple[tuple[str, str, float], ...] = ()  # (run id, started ISO, Unix time of its last heartbeat)

    @classmethod
    def from_metadata(cls, meta: dict | None) -> IndexState:
        meta = meta or {}
        ingests = []
        for key, alive in meta.items():
            if key.startswith(INGEST_ALIVE_PREFIX):
                run = key[len(INGEST_ALIVE_PREFIX):]
                ingests.append((run, str(meta.get(INGEST_STARTED_PREFIX + run, "")), float(alive)))
        return cls(Generation.from_metadata(meta), tuple(sorted(ingests)))

    def ingest_running(self, stale_s: float, now: float | None = None) -> bool:
        """An ingest is writing and alive (its heartbeat is younger than ``stale_s``)."""
        now = time.time() if now is None else now
        return any(now - alive < stale_s for _, _, alive in self.ingests)


def new_generation(documents: int, chunks: int) -> Generation:
    now = datetime.now(UTC).replace(microsecond=0)
    # time first: ids sort by age in logs; the random tail keeps two ingests in the same second apart
    gid = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
    return Generation(gid, now.isoformat(), documents, chunks)


def read_state(client, collection_name: str) -> IndexState:
    """Generation and ingest mark (a fresh read from chroma, not the metadata a collection object cached)."""
    return IndexState.from_metadata(client.get_collection(collection_name, embedding_function=None).metadata)


def read_generation(client, collection_name: str) -> Generation | None:
    """The published generation."""
    return read_state(client, collection_name).generation


def _update_metadata(client, collection_name: str, change) -> None:
    """Read, change and write back the collection's metadata (modify() replaces it as a whole)."""
    collection = client.get_collection(collection_name, embedding_function=None)
    meta = {k: v for k, v in (collection.metadata or {}).items() if not k.startswith(_FIXED_PREFIX)}
    change(meta)
    collection.modify(metadata=meta)


def _drop_mark(meta: dict, run: str | None) -> None:
    if run is not None:
        meta.pop(INGEST_ALIVE_PREFIX + run, None)
        meta.pop(INGEST_STARTED_PREFIX + run, None)


def set_ingest_mark(client, collection_name: str, run: str, started: str, alive: float) -> None:
    """Mark ingest ``run`` as writing (or refresh its heartbeat)."""
    def change(meta: dict) -> None:
        meta.update({INGEST_ALIVE_PREFIX + run: alive, INGEST_STARTED_PREFIX + run: started})

    _update_metadata(client, collection_name, change)


def clear_ingest_mark(client, collection_name: str, run: str) -> None:
    _update_metadata(client, collection_name, lambda meta: _drop_mark(meta, run))


def publish_generation(client, collection_name: str, documents: int, chunks: int,
                       run: str | None = None, stale_s: float | None = None) -> Generation:
    """Store a new generation in the collection's metadata, keeping the other keys (e.g. the embedding model),
    and remove the mark of ingest ``run`` in the same write (and marks older than ``stale_s``: killed runs')."""
    gen = new_generation(documents, chunks)

    def change(meta: dict) -> None:
        meta.update({GENERATION_KEY: gen.id, UPDATED_KEY: gen.updated, DOCUMENTS_KEY: documents,
                     CHUNKS_KEY: chunks})
        _drop_mark(meta, run)
        if stale_s is not None:
            now = time.time()
            for other, _, alive in IndexState.from_metadata(meta).ingests:
                if now - alive >= stale_s:
                    _drop_mark(meta, other)

    _update_metadata(client, collection_name, change)
    return gen


class IngestMark:
    """The "ingest running" mark of one ingest run: :meth:`set` when it begins writing (a background thread then
    refreshes it every ``heartbeat_s``), removed by :meth:`publish` or :meth:`clear`. A killed ingest leaves its
    mark behind; the heartbeat stops with it, so apps treat the mark as stale after ``GI_INGEST_STALE_S``."""

    def __init__(self, client, collection_name: str, stale_s: float) -> None:
        self.client, self.collection_name, self.stale_s = client, collection_name, stale_s
        # well inside the stale timeout, so one late beat (a busy machine) never makes a live ingest look dead
        self.heartbeat_s = min(INGEST_HEARTBEAT_S, stale_s / 4)
        self.run = uuid.uuid4().hex[:12]
        self.started = ""
        self._lock = threading.Lock()  # a heartbeat never writes over a publish (both rewrite the whole metadata)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def active(self) -> bool:
        return self._thread is not None

    def set(self) -> None:
        if self._thread is not None:
            return
        self.started = datetime.now(UTC).replace(microsecond=0).isoformat()
        with self._lock:
            set_ingest_mark(self.client, self.collection_name, self.run, self.started, time.time())
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat, name="ingest-heartbeat", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_s):
            with self._lock:
                if self._stop.is_set():
                    return
                try:
                    set_ingest_mark(self.client, self.collection_name, self.run, self.started, time.time())
                except Exception:  # the store failing is the ingest's error to report, not the heartbeat's
                    continue

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.heartbeat_s)

    def publish(self, documents: int, chunks: int) -> Generation:
        """Publish a new generation and remove the mark, in one metadata write."""
        self.stop_heartbeat()
        with self._lock:
            gen = publish_generation(self.client, self.collection_name, documents, chunks, self.run, self.stale_s)
        self._thread = None
        return gen

    def clear(self) -> None:
        """Remove the mark without publishing (nothing changed, or the changes were undone)."""
        self.stop_heartbeat()
        if self._thread is None:
            return
        with self._lock:
            clear_ingest_mark(self.client, self.collection_name, self.run)
        self._thread = None
