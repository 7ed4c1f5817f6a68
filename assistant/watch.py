"""``python -m assistant ingest --watch``: index once, then again whenever ``corpus/`` changes.

Changes are collected until the folder has been quiet for ``GI_WATCH_DEBOUNCE_S`` (copying 50 PDFs is one
re-index, not 50). Every run publishes a new index generation, which running apps pick up by themselves.
A failed run (embedding server down, a broken file) is reported and the watch goes on; Ctrl+C ends it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

from assistant.errors import UserFacingError
from assistant.ingest import IngestReport

log = logging.getLogger("assistant")

# a copy that goes on without a pause is indexed in parts of at most this long, rather than only when it ends
MAX_GROUP_MS = 60_000
# editors' and office programs' temporary files come and go while a document is saved
_TEMPORARY_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp", "~")


class CorpusFilter(DefaultFilter):
    """watchfiles' defaults (.git, __pycache__ …) plus hidden and temporary files (``.~lock.x.odt#``, ``x.pdf~``)."""

    def __call__(self, change: Change, path: str) -> bool:
        name = Path(path).name
        if name.startswith((".", "~$")) or name.endswith(_TEMPORARY_SUFFIXES):
            return False
        return super().__call__(change, path)


def watch_corpus(corpus_dir: Path, run: Callable[[], IngestReport], *, debounce_s: float,
                 out: Callable[[str], None] | None = None) -> int:
    """Run ``run`` now and after every settled change; returns the exit code when Ctrl+C ends the watch."""
    out = out or _say
    try:
        _run_once(run, out)
        out(f"Beobachte {corpus_dir} auf Änderungen (Strg+C beendet) …")
        quiet_ms = int(debounce_s * 1000)
        # watchfiles yields once no change came for ``step`` ms (the quiet time we want), or after ``debounce`` ms
        # of changes without a pause (a long copy is then indexed in parts rather than never)
        for changes in watch(corpus_dir, watch_filter=CorpusFilter(), step=quiet_ms,
                             debounce=max(MAX_GROUP_MS, quiet_ms), raise_interrupt=True):
            names = sorted({Path(p).name for _, p in changes})
            out(f"Änderung erkannt ({', '.join(names[:5])}{' …' if len(names) > 5 else ''}): indexiere neu.")
            _run_once(run, out)
            out("Warte auf weitere Änderungen …")
    except KeyboardInterrupt:
        out("Beobachtung beendet. Der Index ist auf dem Stand des letzten abgeschlossenen Laufs; ein "
            "unterbrochener Lauf wird beim nächsten „python -m assistant ingest“ fortgesetzt.")
        return 0
    return 0


def _say(text: str) -> None:
    print(text, flush=True)  # a log collector reading the pipe sees each run when it ends


def _run_once(run: Callable[[], IngestReport], out: Callable[[str], None]) -> bool:
    """One ingest; any failure is reported and the watch goes on (the next change, or the next run, retries).
    Returns whether the run succeeded. Ctrl+C (KeyboardInterrupt) is not caught: it ends the watch."""
    try:
        report = run()
    except UserFacingError as exc:
        print(f"Fehler: {exc.reason}", file=sys.stderr, flush=True)
        return False
    except Exception as exc:  # chromadb, a parser, the disk …: one failed run must not end the watch
        log.debug("ingest run failed", exc_info=True)  # the traceback for whoever turns on debug logging
        print(f"Fehler beim Indexieren ({type(exc).__name__}: {exc}). Die Beobachtung läuft weiter; bei der "
              "nächsten Änderung in corpus/ wird erneut indexiert. Bleibt der Fehler bestehen, hilft oft "
              "„python -m assistant ingest --rebuild“.", file=sys.stderr, flush=True)
        return False
    out(report.summary())
    return True
