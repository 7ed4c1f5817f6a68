"""The web app in a real browser (Debian's chromium driven by Playwright): ask, read the answer with [1], open
the sources, follow a source link to the PDF page, give feedback; and hostile documents stay inert."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn

from assistant import Assistant, feedback
from assistant.kiez import KiezConfig, KiezGuide
from assistant.ui import ALL_AREAS, create_app
from tests.conftest import ARTIFACTS, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ACCESSIBILITY_REPORT = ROOT / "evals" / "reports" / "accessibility.md"
VIEWPORTS = {"Desktop": {"width": 1280, "height": 900}, "Telefon": {"width": 390, "height": 844}}
PHONE_WIDTH = 640  # the phone layout of assistant/ui.py (its @media max-width)
BLOCKING_IMPACTS = ("serious", "critical")
ENGLISH_GRADIO_LABELS = {"Like", "Dislike", "Liked", "Disliked", "Copy message", "Copy conversation", "Clear", "Share"}
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
        page.locator("#gi-chat button[aria-label='Gefällt mir nicht']").last.click()
        page.get_by_text("Danke! Ihre Rückmeldung wurde gespeichert.").wait_for(timeout=10_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)
        context.close()
    stored = feedback.read_all(tmp_path / "feedback.jsonl")
    assert len(stored) == 1
    assert stored[0]["rating"] == "down" and stored[0]["reason"] == "Datum fehlt"
    assert "Alice-Salomon-Platz" in stored[0]["question"] and stored[0]["citations"]
    assert stored[0]["settings"]["audience"] == "citizen"


def test_citizen_on_a_phone_gets_an_honest_refusal_past_dates_as_past_and_absent_words_named(shipped, browser):
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

        # a word no document uses is named under the nearest answer (or in the refusal)
        page.get_by_label("Ihre Frage").fill("Gibt es im Kosmosviertel ein Schwimmbad?")
        page.get_by_role("button", name="Fragen", exact=True).click()
        page.get_by_text("„Schwimmbad“ kommt in den Unterlagen nicht vor").wait_for(timeout=60_000)
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


def _ask(page, question: str) -> None:
    box = page.get_by_label("Ihre Frage")
    box.fill(question)
    box.press("Enter")  # Enter sends (Shift+Enter would start a new line)
    page.locator("#gi-sources .gi-source").first.wait_for(timeout=60_000)


def test_input_and_ratings_are_never_lost_or_mixed_up(shipped, browser, tmp_path):
    path = tmp_path / "feedback.jsonl"
    assistant = Assistant.from_settings(corpus_dir=shipped.settings.corpus_dir, index_dir=shipped.settings.index_dir,
                                        feedback_path=path)
    limit = assistant.settings.max_question_chars
    with running(assistant) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url)
        box = page.get_by_label("Ihre Frage")
        # a question over the limit is rejected with the German reason and stays in the input
        long_question = "Was plant die Gemeinschaftsinitiative in Hellersdorf-Nord? " * (limit // 50)
        box.fill(long_question.strip())
        box.press("Shift+Enter")
        box.type("Zweite Zeile")
        assert box.input_value().endswith("\nZweite Zeile")
        box.press("Enter")
        page.locator("#gi-question-status [role=alert]").wait_for(timeout=30_000)
        assert "zu lang" in page.locator("#gi-question-status").inner_text()
        assert box.input_value() == long_question.strip() + "\nZweite Zeile"
        assert page.locator("#gi-chat .message").count() == 0

        _ask(page, "Was ist die Gemeinschaftsinitiative?")
        assert box.input_value() == "" and page.locator("#gi-question-status").inner_text().strip() == ""
        # rate with a reason: stored, the reason box is emptied, the confirmation shows right under the chat
        page.locator("#gi-reason textarea").fill("klar und kurz")
        page.locator("#gi-chat button[aria-label='Gefällt mir']").last.click()
        status = page.locator("#gi-feedback-status [role=status]")
        status.wait_for(timeout=10_000)
        assert "gespeichert" in status.inner_text()
        assert page.locator("#gi-reason textarea").input_value() == ""
        chat_box, status_box = page.locator("#gi-chat").bounding_box(), status.bounding_box()
        assert 0 <= status_box["y"] - (chat_box["y"] + chat_box["height"]) < 80
        # un-clicking 👍 takes the rating back instead of storing 👎
        page.locator("#gi-chat button[aria-label^='Gefällt mir (ausgewählt']").last.click()
        page.get_by_text("zurückgenommen").wait_for(timeout=10_000)
        first_answer = feedback.read_all(path)[0]

        page.get_by_role("button", name="Neue Unterhaltung").click()
        page.get_by_text("Noch keine Quellen").wait_for(timeout=10_000)
        assert page.locator("#gi-feedback-status").inner_text().strip() == ""
        _ask(page, "Wann war die Sprechstunde auf dem Alice-Salomon-Platz?")
        page.locator("#gi-chat button[aria-label='Gefällt mir nicht']").last.click()
        page.get_by_text("Danke! Ihre Rückmeldung wurde gespeichert.").wait_for(timeout=10_000)

        # the chat's own trash icon resets the sources and the answers too: a rating afterwards binds to the new one
        page.locator("#gi-chat button[aria-label='Chat leeren']").click()
        page.get_by_text("Noch keine Quellen").wait_for(timeout=10_000)
        _ask(page, "Was wird am Barnimplatz geplant?")
        page.locator("#gi-chat button[aria-label='Gefällt mir']").last.click()
        page.get_by_text("Danke! Ihre Rückmeldung wurde gespeichert.").wait_for(timeout=10_000)
        context.close()
    raw = feedback.read_all(path)
    assert [r["rating"] for r in raw] == ["up", "withdrawn", "down", "up"]
    standing = feedback.effective(raw)
    assert [(r["question"], r["rating"]) for r in standing] == [
        ("Wann war die Sprechstunde auf dem Alice-Salomon-Platz?", "down"), ("Was wird am Barnimplatz geplant?", "up")]
    assert first_answer["question"] == "Was ist die Gemeinschaftsinitiative?"
    assert first_answer["reason"] == "klar und kurz" and standing[0]["reason"] == ""
    assert len({r["answer_id"] for r in raw}) == 3


def _axe(page) -> dict:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")


def _axe_page(page, name: str, viewport: str, rows: list, blocking: list, checked: dict) -> None:
    result = _axe(page)
    checked[(name, viewport)] = (len(result["passes"]), len(result["incomplete"]), len(result["violations"]))
    for v in result["violations"]:
        rows.append((name, viewport, v["id"], v["impact"], len(v["nodes"]), v["help"]))
        if v["impact"] in BLOCKING_IMPACTS:
            blocking.append((name, viewport, v["id"], [n["target"] for n in v["nodes"]]))


def _settled(page) -> None:
    """No Gradio event still running: while one runs, Gradio dims its outputs (a contrast check would measure the
    fading, not the page)."""
    page.wait_for_function("!document.querySelector('.pending, .generating, .eta-bar')", timeout=60_000)
    page.wait_for_timeout(400)  # the dimming's transition back


def _choose_kiez(page, area: str) -> None:
    """The header's "Mein Kiez" choice, as a user makes it (Gradio's dropdown is a combobox with a list)."""
    page.locator("#gi-kiez input").click()
    page.get_by_role("option", name=area, exact=True).click()
    _wait_for_kiez(page, area)


def _wait_for_kiez(page, area: str) -> None:
    page.wait_for_function("(area) => document.querySelector('#gi-kiez input')?.value === area", arg=area,
                           timeout=60_000)


def test_every_page_is_accessible_at_desktop_and_phone_size(shipped, browser):
    """axe-core on the chat (after an answer, with the first-visit Kiez question), the "Mein Kiez" area page and
    the "Konzept schreiben" tab, at 1280x900 and 390x844."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make browser` installs it (npm ci in tests/axe)")
    rows, blocking, checked = [], [], {}
    area = KiezGuide(shipped).areas()[0].name
    with running(shipped) as url:
        for name, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            page.goto(url)
            page.locator("#gi-kiez-welcome").wait_for(timeout=30_000)  # a first visit: the Kiez question shows
            _ask(page, "Was ist die Gemeinschaftsinitiative?")
            page.locator("#gi-chat button[aria-label='Gefällt mir']").last.wait_for()
            assert page.evaluate("document.documentElement.lang") == "de"
            labels = {b.get_attribute("aria-label") for b in page.locator("#gi-chat button").all()}
            assert not labels & ENGLISH_GRADIO_LABELS, labels
            # the keyboard hint on a desktop; a phone's on-screen keyboard has no Umschalt+Enter
            hint = "Enter sendet die Frage" in page.locator("#gi-question").inner_text()
            assert hint == (viewport["width"] > PHONE_WIDTH), name
            # keyboard focus is visible: the focused "Fragen" button gets an outline
            page.get_by_role("button", name="Fragen", exact=True).focus()
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Tab")
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert page.evaluate("document.activeElement.id") == "gi-ask" and outline != "none"
            _axe_page(page, "Fragen (Chat)", name, rows, blocking, checked)

            _choose_kiez(page, area)
            page.get_by_role("tab", name="Mein Kiez").click()
            kiez_page = page.locator("#gi-kiez-page")
            kiez_page.locator("h2", has_text=f"Mein Kiez: {area}").wait_for(timeout=60_000)
            _settled(page)
            kiez_page.locator("details").first.evaluate("d => d.open = true")  # the sources are checked too
            _axe_page(page, "Mein Kiez", name, rows, blocking, checked)

            page.get_by_role("tab", name="Konzept schreiben").click()
            page.locator("#gi-ws .gi-ws-item").first.wait_for(timeout=60_000)  # the outline, not its loading line
            _settled(page)
            _axe_page(page, "Konzept schreiben", name, rows, blocking, checked)
            context.close()
    version = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
    _write_accessibility_report(rows, checked, version)
    assert not blocking, blocking


def _write_accessibility_report(rows: list[tuple], checked: dict, version: str) -> None:
    lines = [
        "# Barrierefreiheit (axe-core)", "",
        f"axe-core {version}, eingefügt mit Playwright in Debians Chromium. Seiten: „Fragen“ (Chat nach einer "
        "beantworteten Frage, Quellen sichtbar, beim ersten Besuch mit der Frage nach dem Kiez), „Mein Kiez“ "
        "(Seite eines Gebiets, Quellen aufgeklappt) und „Konzept schreiben“. Geschrieben von "
        "`tests/test_browser.py::test_every_page_is_accessible_at_desktop_and_phone_size`.", "",
        "Ziel: keine Verstöße der Schwere „serious“ oder „critical“.", "",
        "| Seite | Ansicht | Regel | Schwere | Stellen | Beschreibung |", "|---|---|---|---|---|---|",
    ]
    lines += [f"| {p} | {v} | {rule} | {impact} | {n} | {text} |" for p, v, rule, impact, n, text in rows]
    for page, view in checked:
        if not any(r[0] == page and r[1] == view for r in rows):
            size = VIEWPORTS[view]
            lines.append(f"| {page} | {view} ({size['width']}×{size['height']}) | – | – | 0 | keine Verstöße |")
    lines += ["", "| Seite | Ansicht | Regeln bestanden | Regeln zu prüfen (axe „incomplete“) | Regeln verletzt |",
              "|---|---|---|---|---|"]
    lines += [f"| {page} | {view} | {p} | {i} | {v} |" for (page, view), (p, i, v) in checked.items()]
    counts = {i: sum(r[4] for r in rows if r[3] == i) for i in ("critical", "serious", "moderate", "minor")}
    lines += ["", "Stellen je Schwere (alle Seiten und Ansichten): " + ", ".join(f"{k} {v}" for k, v in counts.items()),
              ""]
    ACCESSIBILITY_REPORT.write_text("\n".join(lines), encoding="utf-8")


def test_chat_area_page_and_api_docs_make_no_request_beyond_loopback(shipped, browser):
    requests: list[str] = []
    with running(shipped) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto(url)
        _ask(page, "Wann war die Sprechstunde auf dem Alice-Salomon-Platz?")
        with context.expect_page() as opened:
            page.locator("#gi-sources .gi-source").first.get_by_role("link").click()
        opened.value.wait_for_load_state()
        # the area page: chosen in the header, its sources unfolded, a source document opened from it
        _choose_kiez(page, KiezGuide(shipped).areas()[0].name)
        page.get_by_role("tab", name="Mein Kiez").click()
        kiez_page = page.locator("#gi-kiez-page")
        kiez_page.locator("details").first.evaluate("d => d.open = true")
        with context.expect_page() as opened:
            kiez_page.locator(".gi-source").first.get_by_role("link").click()
        opened.value.wait_for_load_state()
        docs = context.new_page()
        docs.goto(url + "/api/docs")
        # the docs page is readable without any network: German, and it describes POST /api/ask with its fields
        assert docs.evaluate("document.documentElement.lang") == "de"
        text = docs.locator("main").inner_text()
        assert "POST /api/ask" in text and "question" in text and "audience" in text
        assert docs.locator("script").count() == 0
        schema = docs.request.get(url + "/api/openapi.json").json()
        assert "/api/ask" in schema["paths"]
        context.close()
    assert any("/api/docs" in u for u in requests) and sum("/dokumente/" in u for u in requests) >= 2
    # chrome://, chrome-extension:// (the built-in PDF viewer), data: and blob: never touch the network
    remote = [u for u in requests
              if urlsplit(u).scheme in ("http", "https", "ws", "wss", "ftp") and urlsplit(u).hostname != "127.0.0.1"]
    assert remote == [], remote


PHONE_SCREENSHOT = ROOT / "evals" / "reports" / "ui-phone.png"


def _within_viewport(box: dict | None, viewport: dict) -> bool:
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]


# The newest question's top and its answer's first line lie inside the chat's visible area.
_NEWEST_IN_CHAT_VIEW = """() => {
  const chat = document.getElementById("gi-chat").getBoundingClientRect();
  const question = [...document.querySelectorAll('#gi-chat [data-testid="user"]')].pop().getBoundingClientRect();
  const answer = [...document.querySelectorAll('#gi-chat [data-testid="bot"]')].pop().getBoundingClientRect();
  return question.top >= chat.top - 1 && question.top < chat.bottom && answer.top >= chat.top
    && answer.top + 20 <= chat.bottom;
}"""


def test_phone_shows_question_answer_and_source_first_and_citations_link_to_sources(shipped, browser, tmp_path):
    path = tmp_path / "feedback.jsonl"
    assistant = Assistant.from_settings(corpus_dir=shipped.settings.corpus_dir, index_dir=shipped.settings.index_dir,
                                        feedback_path=path)
    viewport = VIEWPORTS["Telefon"]
    with running(assistant) as url:
        context = browser.new_context(viewport=viewport, device_scale_factor=1, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(url)
        examples = page.locator("#gi-examples")
        example = examples.get_by_text("Was wird am Barnimplatz geplant?")
        example.wait_for(state="visible", timeout=30_000)  # open on the first visit
        # the audience choice is at the top of the phone page, above the question
        audience_box = page.locator("#gi-audience").bounding_box()
        assert _within_viewport(audience_box, viewport)
        assert audience_box["y"] < page.locator("#gi-question").bounding_box()["y"]
        page.get_by_label("Bürgerinnen und Bürger").check()
        _ask(page, "Wann war die Sprechstunde auf dem Alice-Salomon-Platz?")
        example.wait_for(state="hidden", timeout=10_000)  # examples folded away after the first question

        # without any scrolling: the question box, the whole first answer (its bubble, with the notes below the
        # answer and the rating buttons) and the first source card's title and page line
        assert page.evaluate("window.scrollY") == 0
        answer = page.locator("#gi-chat [data-testid='bot']").first
        assert _within_viewport(page.locator("#gi-question").bounding_box(), viewport)
        assert _within_viewport(page.locator("#gi-chat .bot.message").first.bounding_box(), viewport)
        assert _within_viewport(page.locator("#gi-chat button[aria-label='Gefällt mir']").first.bounding_box(),
                                viewport)
        assert "29.03.2022" in answer.inner_text() and "Nachbildungen" in answer.inner_text()
        card = page.locator("#gi-sources .gi-source").first
        assert _within_viewport(card.locator("strong").first.bounding_box(), viewport)
        assert _within_viewport(card.locator(".gi-meta").first.bounding_box(), viewport)
        PHONE_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(PHONE_SCREENSHOT))

        # [n] is a link to its card: clicking scrolls the card into view and marks it
        links = answer.locator("a[href^='#quelle-']")
        assert links.count() >= 1
        href = links.last.get_attribute("href")
        target = page.locator(href)
        assert target.count() == 1 and "gi-target" not in (target.get_attribute("class") or "")
        links.last.click()
        page.wait_for_function(
            "(sel) => { const r = document.querySelector(sel).getBoundingClientRect();"
            " return r.top >= 0 && r.top < innerHeight / 2; }", arg=href, timeout=10_000)
        assert "gi-target" in target.get_attribute("class")
        assert page.evaluate("window.scrollY") > 0

        # the examples are still reachable: the folded section opens again
        examples.get_by_role("button", name="Beispielfragen").click()
        example.wait_for(state="visible", timeout=10_000)

        # a second answer: only it links to the (now its) source cards; the first one's markers are plain text
        page.evaluate("window.scrollTo(0, 0)")
        _ask(page, "Was wird am Barnimplatz geplant?")
        page.locator("#gi-chat [data-testid='bot']").nth(1).wait_for()
        # the chat shows the new question and the start of its answer (it had stayed scrolled to its top)
        page.wait_for_function(_NEWEST_IN_CHAT_VIEW, timeout=10_000)
        assert page.locator("#gi-chat [data-testid='bot']").first.locator("a[href^='#quelle-']").count() == 0
        assert "[1]" in page.locator("#gi-chat [data-testid='bot']").first.inner_text()
        # and a rating of the first answer still binds to it
        page.locator("#gi-chat button[aria-label='Gefällt mir']").first.click()
        page.get_by_text("Danke! Ihre Rückmeldung wurde gespeichert.").wait_for(timeout=10_000)
        context.close()
    stored = feedback.read_all(path)
    assert [(r["question"], r["rating"]) for r in stored] == [
        ("Wann war die Sprechstunde auf dem Alice-Salomon-Platz?", "up")]


def test_kiez_is_remembered_after_reload_and_frames_and_filters_answers(shipped, browser):
    """A citizen picks the Kiez on the first visit, reads its page (each [n] leads to its source), comes back
    later (reload): the choice is still there, and an answer is framed for the area and drawn only from its
    own and city-wide documents."""
    config = KiezConfig.load()
    guide = KiezGuide(shipped)
    area = "Hellersdorf-Nord"
    assert area in [a.name for a in guide.areas()]
    allowed = {d["title"] for d in shipped.documents() if area in d["areas"] or set(d["areas"]) <= set(config.citywide)}
    viewport = VIEWPORTS["Telefon"]
    with running(shipped) as url:
        context = browser.new_context(viewport=viewport, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(url)
        welcome = page.locator("#gi-kiez-welcome")
        welcome.wait_for(timeout=30_000)
        assert _within_viewport(welcome.bounding_box(), viewport)  # asked at the top on the first visit
        welcome.get_by_role("button", name=area, exact=True).click()
        welcome.wait_for(state="hidden", timeout=30_000)
        assert page.locator("#gi-kiez input").input_value() == area
        # the clicked button is gone with the box: the focus is on the question box, not lost to the page body
        page.wait_for_function("document.activeElement === document.querySelector('#gi-question textarea')",
                               timeout=10_000)

        page.get_by_role("tab", name="Mein Kiez").click()
        kiez_page = page.locator("#gi-kiez-page")
        kiez_page.locator("h2", has_text=f"Mein Kiez: {area}").wait_for(timeout=60_000)
        sections = kiez_page.locator("section")
        assert sections.count() == len(config.essentials)
        for i, essential in enumerate(config.essentials):
            text = sections.nth(i).inner_text()
            assert essential.title in text and essential.for_area(area) in text and "[1]" in text
        link = sections.first.locator("a[href^='#quelle-']").first
        target = page.locator(link.get_attribute("href"))
        assert not target.is_visible()  # folded away until asked for
        link.click()
        target.wait_for(state="visible", timeout=10_000)
        assert "gi-target" in target.get_attribute("class")

        page.reload()
        _wait_for_kiez(page, area)
        assert not welcome.is_visible()  # the first-visit question is not asked again
        page.get_by_role("tab", name="Mein Kiez").click()
        kiez_page.locator("h2", has_text=f"Mein Kiez: {area}").wait_for(timeout=60_000)
        page.get_by_role("tab", name="Fragen").click()

        page.get_by_label("Bürgerinnen und Bürger").check()
        _ask(page, "Wie viele Minderjährige leben in Familien mit Grundsicherung?")
        answer = page.locator("#gi-chat [data-testid='bot']").last.inner_text()
        assert answer.startswith(config.frame_for([area]) + ":") and "36,8" in answer, answer
        titles = [t.split("] ", 1)[1] for t in page.locator("#gi-sources .gi-source strong").all_inner_texts()]
        assert titles and set(titles) <= allowed, titles
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ui-phone-kiez.png"))

        # "Alle Gebiete" lifts the choice: no frame, and it stays lifted after a reload
        _choose_kiez(page, ALL_AREAS)
        _ask(page, "Wie viele Minderjährige leben in Familien mit Grundsicherung?")
        second = page.locator("#gi-chat [data-testid='bot']").nth(1)
        second.wait_for(timeout=60_000)
        assert not second.inner_text().startswith(config.frame_for([area]))
        page.reload()
        _wait_for_kiez(page, ALL_AREAS)
        assert not welcome.is_visible()
        context.close()
