"""Incremental, crash-safe ingestion: corpus folder -> chunks -> chroma (dense) + BM25 (lexical).

Order of writes, so that a kill at any moment leaves a usable index:
1. a changed file's new chunks are upserted under new ids (the ids carry the content hash), then its old
   chunks are deleted, then the manifest (written atomically) records the new hash;
2. BM25 is rebuilt from the chunks chroma holds and swapped in atomically at the end.
A run killed in between leaves chroma with whole chunks; the retriever notices that BM25's chunk set differs
from chroma's and rebuilds BM25 in memory (see :func:`assistant.core.open_index`), and the next ingest redoes
the files whose manifest entry is missing or stale.

While it writes, the run keeps an "ingest running" mark in chroma (see :mod:`assistant.generations`): running
apps load nothing until it publishes the new generation. A run that stops early (Ctrl+C, an embedding server
gone) first undoes the document it was writing, so what it publishes never holds a document in two versions.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.chunking import chunk_document
from assistant.citations import answer_units
from assistant.documents import (
    Document,
    IngestError,
    check_file,
    corpus_files,
    load_catalogue,
    sha256_file,
)
from assistant.embeddings import Embedder, embed_batches, parallel_batches
from assistant.errors import UserFacingError
from assistant.generations import IngestMark
from assistant.lexical import LexicalIndex
from assistant.parsing import ParseJob, parse_files
from assistant.settings import Settings
from assistant.store import INDEX_VERSION, FileRecord, Manifest, StoreUnavailable, VectorStore

BM25_DIR = "bm25"


class IngestFailed(UserFacingError):
    """Ingestion had to stop (index not writable, disk full …); the previous index still serves."""


@dataclass
class IngestReport:
    documents: int = 0  # documents in the index after the run
    pages: int = 0
    chunks: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, German reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file, German note): pages unread, OCR used
    embedded_chunks: int = 0
    generation: str = ""  # the index generation this run published ("" when nothing changed)
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"Index: {self.documents} Dokumente, {self.pages} Seiten, {self.chunks} Abschnitte "
            f"({self.embedded_chunks} neu eingebettet) in {self.seconds:.1f} s.",
            f"Neu: {len(self.added)}, geändert: {len(self.updated)}, unverändert: {len(self.unchanged)}, "
            f"entfernt: {len(self.removed)}, übersprungen: {len(self.skipped)}.",
        ]
        for name, reason in self.skipped:
            lines.append(f"  Übersprungen: {name}: {reason}")
        for name, note in self.warnings:
            lines.append(f"  Hinweis: {name}: {note}")
        return "\n".join(lines)


def _reset_index(settings: Settings) -> None:
    """--rebuild: throw the old index away. A healthy store drops its collection (other clients in this
    process stay valid); a store too damaged to open is deleted from disk."""
    from assistant.store import make_client, release_cached_client

    try:
        client = make_client(settings.index_dir, settings.chroma_url)
        with contextlib.suppress(ValueError, KeyError):  # no such collection yet
            client.delete_collection(settings.collection)
    except Exception:
        if settings.chroma_url:
            raise
        release_cached_client(settings.index_dir)
        shutil.rmtree(settings.index_dir / "chroma", ignore_errors=True)
    shutil.rmtree(settings.index_dir / BM25_DIR, ignore_errors=True)
    (settings.index_dir / "manifest.json").unlink(missing_ok=True)


def ingest(
    settings: Settings,
    embedder: Embedder,
    *,
    rebuild: bool = False,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> IngestReport:
    t0 = time.perf_counter()
    corpus_dir, index_dir = settings.corpus_dir, settings.index_dir
    if not corpus_dir.is_dir():
        raise IngestFailed(f"Der Korpus-Ordner {corpus_dir} existiert nicht.")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        probe = index_dir / f".schreibtest-{os.getpid()}"
        probe.write_bytes(b"")  # a read-only folder or full disk shows here, before anything is touched
        probe.unlink()
    except OSError as exc:
        raise IngestFailed(
            f"Der Index in {index_dir} konnte nicht geschrieben werden ({exc.strerror or exc}). "
            "Der bisherige Index bleibt nutzbar; bitte Speicherplatz und Schreibrechte prüfen."
        ) from exc

    manifest = Manifest.load(index_dir)
    params_changed = manifest.files and (
        manifest.embedding_model != embedder.name
        or (manifest.chunk_size, manifest.chunk_overlap) != (settings.chunk_size, settings.chunk_overlap)
        or manifest.version != INDEX_VERSION
    )
    if params_changed and not rebuild:
        log("Einbettungsmodell oder Abschnittsgröße hat sich geändert: der Index wird neu aufgebaut.")
        rebuild = True
    if rebuild:
        _reset_index(settings)
        manifest = Manifest()
    manifest.embedding_model = embedder.name
    manifest.version = INDEX_VERSION
    manifest.chunk_size, manifest.chunk_overlap = settings.chunk_size, settings.chunk_overlap

    try:
        store = VectorStore(index_dir, settings.chroma_url, settings.collection, embedder)
    except StoreUnavailable as exc:
        raise IngestFailed(exc.reason) from exc
    report = IngestReport()
    catalogue = load_catalogue(corpus_dir)

    # 1. Which files are new, changed, unchanged, duplicates or unreadable?
    pending: list[tuple[Path, str, str]] = []  # (path, rel, sha)
    seen_sha: dict[str, str] = {}
    present: set[str] = set()
    for path in corpus_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            check_file(path, settings.max_file_mb)
            stat = path.stat()
            old = manifest.files.get(rel)
            if old and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns:
                sha = old.sha256  # unchanged by size and time: no need to read it
            else:
                sha = sha256_file(path)
        except IngestError as err:
            report.skipped.append((rel, err.reason))
            if rel in manifest.files:
                present.add(rel)  # keep what was indexed before; the file is broken now, not gone
            continue
        if sha in seen_sha:
            report.skipped.append((rel, f"Gleicher Inhalt wie „{seen_sha[sha]}“; das Dokument wird nur einmal "
                                        "indexiert."))
            continue
        seen_sha[sha] = rel
        present.add(rel)
        old = manifest.files.get(rel)
        if old and old.sha256 == sha:
            if old.mtime_ns != stat.st_mtime_ns:
                old.mtime_ns, old.size = stat.st_mtime_ns, stat.st_size
            report.unchanged.append(rel)
        else:
            pending.append((path, rel, sha))

    gone = sorted(set(manifest.files) - present)
    mark = store.ingest_mark(settings.ingest_stale_s)
    writing: _Writing | None = None  # the document whose chunks are being written (undone if the run stops)
    try:
        if rebuild or gone or pending:
            mark.set()  # before the first write: apps wait for the generation this run publishes
        # 2. Files that disappeared leave both indexes.
        for rel in gone:
            store.delete_doc(rel)
            del manifest.files[rel]
            manifest.save(index_dir)
            report.removed.append(rel)

        # 3. Parse (worker processes, a time limit per file) and chunk what is new or changed, then embed with a
        #    progress bar (slow).
        jobs = [ParseJob(path, rel, sha) for path, rel, sha in pending]
        parsed: dict[str, Document | IngestError] = {}
        for job, result in parse_files(jobs, corpus_dir, catalogue, settings.max_file_mb,
                                       workers=settings.parse_workers, timeout_s=settings.parse_timeout_s,
                                       progress=progress):
            parsed[job.rel] = result
        loaded: list[tuple[Document, list, str, Path]] = []
        for job in jobs:  # in corpus order, whatever order the workers finished in
            result = parsed[job.rel]
            if isinstance(result, IngestError):
                report.skipped.append((job.rel, result.reason))
                continue
            doc = result
            for problem in doc.problems:
                report.warnings.append((job.rel, f"Seite {problem.page_no}: {problem.reason}"))
            ocr_pages = [p.page_no for p in doc.pages if p.ocr]
            if ocr_pages:
                report.warnings.append((job.rel, "per Texterkennung gelesen: Seite " + ", ".join(map(str, ocr_pages))))
            chunks = chunk_document(doc, settings.chunk_size, settings.chunk_overlap)
            if not chunks:
                report.skipped.append((job.rel, "Die Datei enthält keinen verwertbaren Text."))
                continue
            loaded.append((doc, chunks, job.sha, job.path))

        total = sum(len(c) for _, c, _, _ in loaded)
        bar = tqdm(total=total, desc="Einbetten", unit="Abschnitt", disable=not progress or total == 0)
        batch = settings.embedding_batch_size
        for group in _groups(loaded, parallel_batches(embedder) * batch * BATCHES_PER_WORKER):
            # a group's vectors are all in hand before the first of its documents is written (an embedding server
            # dying mid-group leaves those documents out of chroma and the manifest: the next run embeds them)
            embedded = _embed_group(embedder, [chunks for _, chunks, _, _ in group], batch, bar.update)
            for (doc, chunks, sha, path), (vectors, units, unit_vectors) in zip(group, embedded, strict=True):
                rel = doc.meta.doc
                writing = _Writing(rel, sha)
                for i in range(0, len(chunks), batch):
                    # ids carry the content hash, so a changed file's new chunks never overwrite the old ones
                    part = [_with_version(c, sha) for c in chunks[i : i + batch]]
                    part_units = units[i : i + batch]
                    # the answer units first: a kill between the two writes leaves units without their chunk
                    # (unused), never a chunk whose units are missing
                    store.add_sentences(part, part_units, sha, [unit_vectors[u] for us in part_units for u in us])
                    store.add(part, sha, vectors[i : i + batch])
                    report.embedded_chunks += len(part)
                writing.complete = True
                store.delete_doc(rel, keep_sha=sha)
                writing = None
                stat = path.stat()
                (report.updated if rel in manifest.files else report.added).append(rel)
                manifest.files[rel] = FileRecord(sha, stat.st_size, stat.st_mtime_ns, doc.meta.title,
                                                 len(doc.pages), len(chunks))
                manifest.save(index_dir)
        bar.close()

        # 4. BM25 from exactly the chunk set chroma holds.
        rows = store.all_chunks()
        lexical_dir = index_dir / BM25_DIR
        if report.added or report.updated or report.removed or not (lexical_dir / "ids.json").exists():
            LexicalIndex([r[0] for r in rows], [r[2] for r in rows]).save(lexical_dir)
        else:
            manifest.save(index_dir)  # refreshed mtimes
    except OSError as exc:
        _publish_partial(store, manifest, report, rebuild, mark, writing)
        raise IngestFailed(
            f"Der Index in {index_dir} konnte nicht geschrieben werden ({exc.strerror or exc}). "
            "Der bisherige Index bleibt nutzbar; bitte Speicherplatz und Schreibrechte prüfen."
        ) from exc
    except (Exception, KeyboardInterrupt) as exc:
        _publish_partial(store, manifest, report, rebuild, mark, writing)
        if isinstance(exc, Exception) and _is_write_failure(exc):
            raise IngestFailed(
                f"Der Index in {index_dir} konnte nicht geschrieben werden ({exc}). "
                "Der bisherige Index bleibt nutzbar; bitte Speicherplatz und Schreibrechte prüfen."
            ) from exc
        raise

    report.documents = len({r[1]["doc"] for r in rows})
    report.chunks = len(rows)
    # 5. Tell every running app (through chroma) that the index changed; they reload and swap (see core.py).
    #    Last, so an app that reloads finds the finished BM25 beside the finished chunk set; the same write removes
    #    this run's "ingest running" mark.
    try:
        if _changed(report, rebuild) or store.generation() is None:
            report.generation = mark.publish(report.documents, report.chunks).id
        else:
            mark.clear()  # every pending file was skipped: nothing was written
    finally:
        mark.stop_heartbeat()
    report.pages = sum(rec.pages for rec in manifest.files.values())
    report.seconds = time.perf_counter() - t0
    return report


UNIT_BATCH = 64  # answer units are short: large batches of similar length embed about 2.5x faster than 8 at a time
# an embedding service gets enough batches per group that every request slot stays busy while the group lasts
BATCHES_PER_WORKER = 4


def _groups(loaded: list, min_chunks: int) -> list[list]:
    """Consecutive documents, each group holding at least ``min_chunks`` chunks (in-process: one document)."""
    groups: list[list] = []
    current: list = []
    size = 0
    for item in loaded:
        current.append(item)
        size += len(item[1])
        if size >= min_chunks:
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups


def _embed_group(embedder: Embedder, docs: list[list], batch: int, on_done: Callable[[int], None],
                 ) -> list[tuple[np.ndarray, list[list[str]], dict[str, np.ndarray]]]:
    """Per document: chunk vectors, the chunks' answer units and the units' vectors. Chunks go out in batches of
    ``batch`` (the progress bar counts them), units once each, sorted by length, in batches of ``UNIT_BATCH``."""
    batches = [[c.embedding_text() for c in chunks[i : i + batch]]
               for chunks in docs for i in range(0, len(chunks), batch)]
    chunk_vectors = embed_batches(embedder, batches, on_done)
    units = [[answer_units(c.text) for c in chunks] for chunks in docs]
    ordered = sorted({u for doc_units in units for us in doc_units for u in us}, key=len)
    unit_vectors = embed_batches(embedder, [ordered[i : i + UNIT_BATCH] for i in range(0, len(ordered), UNIT_BATCH)])
    by_unit = dict(zip(ordered, unit_vectors, strict=True))
    out = []
    start = 0
    for chunks, doc_units in zip(docs, units, strict=True):
        out.append((chunk_vectors[start : start + len(chunks)], doc_units, by_unit))
        start += len(chunks)
    return out


def _changed(report: IngestReport, rebuild: bool) -> bool:
    return bool(rebuild or report.added or report.updated or report.removed)


@dataclass
class _Writing:
    """The document an ingest is writing: its name, new version, and whether all its new chunks are in."""

    doc: str
    sha: str
    complete: bool = False


def _publish_partial(store: VectorStore, manifest: Manifest, report: IngestReport, rebuild: bool,
                     mark: IngestMark, writing: _Writing | None) -> None:
    """A run that stopped after changing chroma (documents removed or added before an embedding server died)
    still publishes: running apps then reload the chunk set chroma really holds. The document it was writing is
    first made whole: with all new chunks in, its old version goes (as the run would have done next); otherwise its
    new chunks go, and its old version (or, for a new document, nothing) stays. The manifest still records the old
    version either way, so the next run writes that document again."""
    mark.stop_heartbeat()
    # the store may be what failed; the original error is the one to report
    try:
        if writing is not None:
            if writing.complete:
                store.delete_doc(writing.doc, keep_sha=writing.sha)
            else:
                store.delete_version(writing.doc, writing.sha)
    except Exception:
        # not undone: publishing now would let apps load the document in both versions. The mark stays; apps
        # ignore it once it is stale (GI_INGEST_STALE_S), and the next run completes the document.
        return
    with contextlib.suppress(Exception):
        # a document undone before its old version went changed nothing; one finished just now did
        if _changed(report, rebuild) or (writing is not None and writing.complete):
            report.generation = mark.publish(len(manifest.files), store.count()).id
        else:
            mark.clear()


def _with_version(chunk, sha: str):
    from dataclasses import replace

    return replace(chunk, id=f"{chunk.doc}::{sha[:10]}::{chunk.id.rsplit('::', 1)[-1]}")


def _is_write_failure(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(s in text for s in ("readonly", "read-only", "read only", "disk is full", "no space", "disk full",
                                   "permission denied", "database or disk is full", "disk i/o error",
                                   "file too large", "input/output error"))
