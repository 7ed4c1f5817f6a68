"""``ingest --watch`` survives a failed run of any kind (here a real chromadb error) and goes on watching; only
Ctrl+C ends it. Real file watching on a real folder."""

from __future__ import annotations

import threading

import chromadb

from assistant.ingest import IngestReport
from assistant.watch import watch_corpus


def test_a_failing_run_is_reported_in_german_and_the_watch_goes_on(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"))
    runs: list[str] = []
    said: list[str] = []

    def run() -> IngestReport:
        runs.append("run")
        if len(runs) == 1:
            client.get_collection("gibt-es-nicht")  # chromadb raises its own error, not a UserFacingError
        if len(runs) == 2:
            return IngestReport(documents=1, chunks=2, added=["neu.md"])
        raise KeyboardInterrupt  # the third run: the operator presses Ctrl+C

    def change_later(name: str, delay: float) -> None:
        threading.Timer(delay, lambda: (corpus / name).write_text("# Neu\n\nText.", encoding="utf-8")).start()

    change_later("neu.md", 1.0)
    change_later("noch-eins.md", 4.0)  # after the second run has ended
    code = watch_corpus(corpus, run, debounce_s=0.3, out=said.append)

    assert code == 0 and len(runs) == 3
    err = capsys.readouterr().err
    assert "Fehler beim Indexieren" in err and "Die Beobachtung läuft weiter" in err and "Traceback" not in err
    assert any(line.startswith("Index: 1 Dokumente") for line in said)  # the run after the failure reported
    assert said[-1].startswith("Beobachtung beendet")
