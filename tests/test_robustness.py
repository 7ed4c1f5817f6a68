"""Faults and hostile input: damaged index, chroma server outage, full or read-only disk during ingest,
odd questions, and a fuzz run over the loaders."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import Assistant
from assistant.core import IndexNotReady, InvalidQuestion
from assistant.documents import IngestError, load
from tests.conftest import CORPUS, ROOT, make_corpus, make_pdf

pytestmark = pytest.mark.slow


def _indexed(tmp_path: Path) -> Assistant:
    corpus = make_corpus(tmp_path / "corpus")
    a = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    a.ingest(progress=False)
    return a


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


def test_damaged_index_gives_a_german_message_and_rebuild_recovers(tmp_path):
    a = _indexed(tmp_path)
    index = tmp_path / "index"
    for f in (index / "chroma").rglob("*"):
        if f.is_file():
            f.write_bytes(b"\x00kaputt" * 64)
    shutil.rmtree(index / "bm25")
    damaged = Assistant.from_settings(corpus_dir=a.settings.corpus_dir, index_dir=index)
    with pytest.raises(IndexNotReady) as err:
        damaged.ask("Wann war die Sprechstunde?")
    assert "ingest --rebuild" in err.value.reason

    cli = _cli("ask", "Wann war die Sprechstunde?", "--index", str(index), "--corpus", str(a.settings.corpus_dir))
    assert cli.returncode == 2 and "--rebuild" in cli.stderr and "Traceback" not in cli.stderr
    rebuilt = _cli("ingest", "--rebuild", "--quiet", "--index", str(index), "--corpus", str(a.settings.corpus_dir))
    assert rebuilt.returncode == 0, rebuilt.stderr
    fresh = Assistant.from_settings(corpus_dir=a.settings.corpus_dir, index_dir=index)
    assert "29.03.2022" in fresh.ask("Wann war die mobile Sprechstunde?").text


def test_chroma_server_down_and_back(tmp_path, chroma_server):
    url, proc = chroma_server
    corpus = make_corpus(tmp_path / "corpus")
    a = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index", chroma_url=url)
    a.ingest(progress=False)
    assert not a.ask("Wann war die mobile Sprechstunde?").refused
    data = Path(proc.args[3])
    port = url.rsplit(":", 1)[1]
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)
    with pytest.raises(IndexNotReady) as err:
        a.ask("Wann war die mobile Sprechstunde?")
    assert "nicht erreichbar" in err.value.reason and url in err.value.reason
    chroma = Path(sys.executable).parent / "chroma"
    restarted = subprocess.Popen([str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", port],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                answer = a.ask("Wann war die mobile Sprechstunde?")
                break
            except IndexNotReady:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        assert "29.03.2022" in answer.text
    finally:
        restarted.terminate()
        restarted.wait(timeout=20)


def _ingest_with_limit(corpus: Path, index: Path, limit_bytes: int) -> subprocess.CompletedProcess:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, like a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "assistant", "ingest", "--quiet", "--corpus", str(corpus),
                           "--index", str(index)], cwd=ROOT, capture_output=True, text=True, preexec_fn=limit,
                          timeout=300)


def test_disk_full_during_ingest_is_a_clear_error_and_the_old_index_still_serves(tmp_path):
    a = _indexed(tmp_path)
    for i in range(3):
        text = f"Neues Dokument {i}: " + "Langer Text über Quartiere. " * 400
        make_pdf(a.settings.corpus_dir / f"neu-{i}.pdf", [text])
    result = _ingest_with_limit(a.settings.corpus_dir, a.settings.index_dir, 64 * 1024)
    assert result.returncode == 2, result.stderr
    assert "konnte nicht geschrieben werden" in result.stderr and "Traceback" not in result.stderr
    still = Assistant.from_settings(corpus_dir=a.settings.corpus_dir, index_dir=a.settings.index_dir)
    assert "29.03.2022" in still.ask("Wann war die mobile Sprechstunde?").text


def test_read_only_index_folder_during_ingest(tmp_path):
    a = _indexed(tmp_path)
    assert "29.03.2022" in a.ask("Wann war die mobile Sprechstunde?").text  # a running app has the index open
    index = a.settings.index_dir
    make_pdf(a.settings.corpus_dir / "neu.pdf", ["Ein neues Dokument über den Festplatz."])
    if subprocess.run(["mount", "--bind", str(index), str(index)], capture_output=True).returncode != 0:
        pytest.skip("bind mounts are not permitted here (needs root); the disk-full test covers write errors")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(index)], check=True, capture_output=True)
        result = _cli("ingest", "--quiet", "--corpus", str(a.settings.corpus_dir), "--index", str(index))
        assert result.returncode == 2
        assert "konnte nicht geschrieben werden" in result.stderr and "Traceback" not in result.stderr
        assert "29.03.2022" in a.ask("Wann war die mobile Sprechstunde?").text  # and keeps serving
    finally:
        subprocess.run(["umount", str(index)], capture_output=True)
    served = _cli("ask", "Wann war die mobile Sprechstunde?", "--corpus", str(a.settings.corpus_dir),
                  "--index", str(index))
    assert served.returncode == 0 and "29.03.2022" in served.stdout


ODD_QUESTIONS = [
    ("", "Bitte eine Frage eingeben."),
    ("   \n\t ", "Bitte eine Frage eingeben."),
    ("x" * 20_000, "zu lang"),
    ("🙂🏠🌳", "keine Wörter"),
]
ODD_BUT_ANSWERED = [
    "Was\x00 ist\x07 die\x1b Gemeinschaftsinitiative?",
    "'; DROP TABLE chunks; --",
    "<script>alert(1)</script> Was ist die GI?",
    "\" OR 1=1 -- Sprechstunde",
    "{{7*7}} ${jndi:ldap://x} Handlungsraum",
    "Wann war die Sprechstunde 🙂?",
]


@pytest.mark.parametrize(("question", "message"), ODD_QUESTIONS)
def test_odd_questions_get_a_clear_limit_message(shipped, question, message):
    with pytest.raises(InvalidQuestion, match=message):
        shipped.ask(question)


@pytest.mark.parametrize("question", ODD_BUT_ANSWERED)
def test_hostile_questions_get_a_useful_reply(shipped, question):
    answer = shipped.ask(question)
    assert answer.text and (answer.refused or "[1]" in answer.text)
    assert "\x00" not in answer.question


# ---------------------------------------------------------------- fuzzing the loaders

SEED_PDF = (CORPUS / "flyer-ideen-fuer-hellersdorf.pdf").read_bytes()
# office-made seeds reach the new reading paths: columns, tables, footnotes, AES decryption, rotated pages
OFFICE = ROOT / "tests" / "data" / "office"
SEEDS = [SEED_PDF] + [(OFFICE / f"office-{n}.pdf").read_bytes() for n in ("2col", "1col-aes256-empty", "1col-rotated")]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS),
       cuts=st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=0, max_size=40)), min_size=1, max_size=6),
       keep=st.floats(0.05, 1.0))
def test_fuzzed_pdfs_raise_only_documented_errors(tmp_path, seed, cuts, keep):
    data = bytearray(seed[: max(200, int(len(seed) * keep))])
    for pos, junk in cuts:
        pos = pos % max(1, len(data))
        data[pos : pos + len(junk)] = junk
    path = tmp_path / "fuzz.pdf"
    path.write_bytes(bytes(data))
    try:
        doc = load(path, tmp_path, {})
        assert doc.pages
    except IngestError as err:
        assert err.reason


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=400) | st.binary(max_size=400).map(lambda b: b.decode("utf-8", "replace")),
       tags=st.lists(st.sampled_from(["<p>", "</p>", "<h1>", "<li>", "<table><tr><td>", "<script>", "<main>",
                                      "<!--", "<![CDATA[", "<", ">", "&amp;", "&#0;"]), max_size=12))
def test_fuzzed_html_raises_only_documented_errors(tmp_path, body, tags):
    path = tmp_path / "fuzz.html"
    path.write_text("".join(tags) + body + "".join(reversed(tags)), encoding="utf-8")
    try:
        load(path, tmp_path, {})
    except IngestError as err:
        assert err.reason


def test_fuzzed_corpus_never_crashes_an_ingest_run(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"gut.pdf": "Die mobile Sprechstunde fand auf dem Platz statt."})
    for i in range(10):
        data = bytearray(SEED_PDF)
        data[1000 + i * 500 : 1300 + i * 500] = os.urandom(300)
        (corpus / f"zerstoert-{i}.pdf").write_bytes(bytes(data[: len(data) - i * 3000]))
    (corpus / "zerstoert.html").write_bytes(b"<html><body><main><h1>\xff\xfe</h1><p>" + os.urandom(500))
    report = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index").ingest(progress=False)
    assert "gut.pdf" in report.added
    assert report.documents + len(report.skipped) == 12
