"""The web app in a real browser (Debian's chromium driven by Playwright): ask, read the answer with [1], open
the sources, follow a source link to the PDF page, give feedback; and hostile documents stay inert."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from assistant import Assistant, feedback
from assistant.ui import create_app
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(assistant: Assistant):
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(assistant=assistant), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_ask_read_sources_open_pdf_and_give_feedback(shipped, browser, tmp_path):
    assistant = Assistant.from_settings(corpus_dir=shipped.settings.corpus_dir, index_dir=shipped.settings.index_dir,
                                        feedback_path=tmp_path / "feedback.jsonl")
    with running(assistant) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        page = context.new_page()
        page.goto(url)
        page.get_by_label("Ihre Frage").fill("Wann war die mobile Sprechstunde auf dem Alice-Salomon-Platz?")
        page.get_by_label("Bürgerinnen und Bürger").check()
        page.get_by_role("button", name="Fragen", exact=True).click()
        page.locator("#gi-sources .gi-source").first.wait_for(timeout=60_000)
        chat_text = page.locator("#gi-chat").inner_text()
        assert "[1]" in chat_text and "29.03.2022" in chat_text

        source = page.locator("#gi-sources .gi-source").first
        assert "Nachbildung – kein amtliches Dokument" in source.inner_text()
        assert source.locator("mark").count() >= 1  # the supporting sentence is highlighted
        link = source.get_by_role("link")
        href = link.get_attribute("href")
        assert href.startswith("/dokumente/") and "#page=" in href
        with context.expect_page() as opened:
            link.click()
        pdf_page = opened.value
        assert "/dokumente/" in pdf_page.url and "#page=" in pdf_page.url
        assert page.request.get(url + href.split("#")[0]).headers["content-type"] == "application/pdf"
        pdf_page.close()

        page.get_by_label("Begründung zur Bewertung (optional, vor dem Klick auf 👍/👎)").fill("Datum fehlt")
        page.locator("#gi-chat button[aria-label='Dislike']").last.click()
        page.get_by_text("Danke! Ihre Rückmeldung wurde gespeichert.").wait_for(timeout=10_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)
        context.close()
    stored = feedback.read_all(tmp_path / "feedback.jsonl")
    assert len(stored) == 1
    assert stored[0]["rating"] == "down" and stored[0]["reason"] == "Datum fehlt"
    assert "Alice-Salomon-Platz" in stored[0]["question"] and stored[0]["citations"]
    assert stored[0]["settings"]["audience"] == "citizen"


def test_citizen_on_a_phone_gets_an_honest_refusal_and_past_dates_as_past(shipped, browser):
    with running(shipped) as url:
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                      has_touch=True)
        page = context.new_page()
        page.goto(url)
        page.get_by_label("Bürgerinnen und Bürger").check()
        page.get_by_label("Ihre Frage").fill("Wann öffnet das Stadtteilhaus am Barnimplatz?")
        page.get_by_role("button", name="Fragen", exact=True).click()
        page.get_by_text("Dazu steht in den vorliegenden Unterlagen nichts").wait_for(timeout=60_000)
        assert "Bezirksamt Marzahn-Hellersdorf" in page.locator("#gi-chat").inner_text()

        page.get_by_label("Ihre Frage").fill("Wann ist die nächste mobile Sprechstunde in Hellersdorf-Nord?")
        page.get_by_role("button", name="Fragen", exact=True).click()
        page.get_by_text("nur vergangene Termine").wait_for(timeout=60_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ui-phone-refusal.png"), full_page=True)
        context.close()


HOSTILE = """# Hinweise zum Kiezfest

Das Kiezfest findet auf dem Festplatz statt. <script>window.__pwned = 1; fetch('http://evil.example/x')</script>

Beim Kiezfest gibt es Musik <img src="http://evil.example/pixel.png" onerror="window.__pwned = 2"> und Essen.

Mehr zum Kiezfest: [klick mich](javascript:window.__pwned=3) und ![Bild](http://evil.example/bild.png)

<b onmouseover="window.__pwned=4">Das Kiezfest ist kostenlos.</b>
"""


def test_hostile_document_content_is_rendered_inert(browser, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kiezfest.md").write_text(HOSTILE, encoding="utf-8")
    (corpus / "kiezfest.html").write_text(
        "<html><head><title>Kiezfest Seite</title><script>window.__pwned=5</script></head><body><main>"
        "<h1>Kiezfest Programm</h1><p onclick=\"window.__pwned=6\">Das Kiezfest Programm beginnt mittags.</p>"
        "<img src=\"http://evil.example/p.png\"></main></body></html>", encoding="utf-8")
    assistant = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index", refusal_threshold=0.0)
    assistant.ingest(progress=False)
    remote: list[str] = []
    with running(assistant) as url:
        context = browser.new_context()
        context.route("**/*", lambda route: (remote.append(route.request.url), route.abort())
                      if not route.request.url.startswith(url) else route.continue_())
        page = context.new_page()
        page.goto(url)
        for question in ("Was gibt es beim Kiezfest?", "Wann beginnt das Kiezfest Programm?"):
            page.get_by_label("Ihre Frage").fill(question)
            page.get_by_role("button", name="Fragen", exact=True).click()
            page.locator("#gi-sources .gi-source").first.wait_for(timeout=60_000)
            page.locator("#gi-sources").hover()
            time.sleep(0.5)
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("#gi-chat script, #gi-sources script, #gi-sources img, #gi-chat img").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        # the served HTML document runs no script either (Content-Security-Policy: sandbox)
        doc = context.new_page()
        doc.goto(url + "/dokumente/kiezfest.html")
        assert doc.evaluate("window.__pwned === undefined")
        context.close()
    assert not [u for u in remote if "evil.example" in u]
