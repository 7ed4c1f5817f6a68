"""The "Konzept schreiben" tab in a real browser: choose a chapter and an area, tick, note, export DOCX, reload."""

from __future__ import annotations

import re
import shutil
import subprocess
from contextlib import contextmanager

import pytest
from docx import Document

from tests.conftest import ARTIFACTS
from tests.test_browser import browser, running  # noqa: F401 - the module's browser fixture and server

pytestmark = [pytest.mark.slow, pytest.mark.browser]
DESKTOP = {"width": 1280, "height": 900}


def _open_workspace(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("tab", name="Konzept schreiben").click()
    page.locator("#gi-ws .gi-ws-item").first.wait_for(timeout=60_000)


@contextmanager
def _workspace_page(shipped, chromium):
    """The app, started for the test, and a desktop-size page showing the workspace tab; closed afterwards."""
    with running(shipped) as url:
        context = chromium.new_context(viewport=DESKTOP)
        try:
            page = context.new_page()
            _open_workspace(page, url)
            yield url, page
        finally:
            context.close()


def _show(page, area: str) -> None:
    """Wait until the outline for ``area`` is on the page."""
    page.wait_for_function("(area) => document.querySelector('#gi-ws h2')?.textContent.includes(area)", arg=area)


def _choose(page, chapter: str, area: str) -> None:
    """Pick a chapter (listed indented under its parent) and an area as a planner does, and wait for the outline."""
    page.get_by_label("Kapitel des Leitfadens").select_option(label=chapter)
    page.get_by_label("Handlungsraum", exact=True).select_option(area)
    _show(page, area)


def test_write_a_chapter_tick_note_export_docx_and_keep_it_after_reload(shipped, browser, tmp_path):  # noqa: F811
    with running(shipped) as url:
        context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "blob:",
                                                                                      "data:")) else None)
        _open_workspace(page, url)
        # the foot of the page names the index the answers come from
        page.wait_for_function("document.getElementById('gi-index-status')?.textContent.includes('9 Dokumente')")
        _choose(page, "\u20034.3 Bestandsaufnahme und Analyse", "Marzahn-Nord")
        items = page.locator("#gi-ws .gi-ws-item")
        first, second = items.nth(0), items.nth(1)
        first_text = first.locator("label").first.inner_text()
        second_text = second.locator("label").first.inner_text()
        first.get_by_role("checkbox").check()
        second.get_by_role("checkbox").check()
        first.locator("textarea").fill("Zahlen beim Amt für Statistik anfragen")
        # drop the third requirement: it must not reach the document
        dropped = items.nth(2).locator("label").first.inner_text()
        # its section's items: after dropping, the focus belongs on the one after it (or before it, if it was last)
        siblings = items.nth(2).evaluate("li => [...li.parentElement.children].map((x) => x.dataset.id)")
        at = siblings.index(items.nth(2).get_attribute("data-id"))
        expected = siblings[at + 1] if at + 1 < len(siblings) else siblings[at - 1]
        items.nth(2).get_by_role("button", name=re.compile("^Streichen")).click()
        assert "Gestrichene Punkte (1)" in page.locator("#gi-ws").inner_text()
        # the keyboard focus stays in the list, on a checkbox, not lost to the page body
        assert page.evaluate("document.activeElement.type") == "checkbox"
        assert page.evaluate("document.activeElement.closest('.gi-ws-item').dataset.id") == expected
        with page.expect_download() as info:
            page.get_by_role("button", name="Als Word-Datei (DOCX)").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert path.suffix == ".docx" and "Bestandsaufnahme" in path.name
        doc = Document(str(path))
        paragraphs = [p.text for p in doc.paragraphs]
        assert doc.paragraphs[0].text == "Kapitel 4.3 Bestandsaufnahme und Analyse"
        assert any(p.startswith("☒ " + first_text) for p in paragraphs)
        assert any(p.startswith("☒ " + second_text) for p in paragraphs)
        assert "Notiz: Zahlen beim Amt für Statistik anfragen" in paragraphs
        assert not any(dropped in p for p in paragraphs)
        cited = {int(n) for p in paragraphs if p[:1] in "☒☐" for n in re.findall(r"\[(\d+)\]", p)}
        sources = {int(m.group(1)): p for p in paragraphs if (m := re.match(r"\[(\d+)\] ", p))}
        assert cited and cited == set(sources)
        assert all("/dokumente/" in p for p in sources.values())
        assert all(re.search(r"S\. \w+", p) for p in sources.values() if ".pdf#page=" in p)  # web pages: no page
        shutil.copy(path, ARTIFACTS / "workspace-export.docx") if ARTIFACTS.exists() else None

        # the planner's work survives a reload, in this browser only
        page.reload()
        _open_workspace(page, url)
        _show(page, "Marzahn-Nord")
        again = page.locator("#gi-ws .gi-ws-item")
        assert again.nth(0).get_by_role("checkbox").is_checked()
        assert again.nth(1).get_by_role("checkbox").is_checked()
        assert again.nth(0).locator("textarea").input_value() == "Zahlen beim Amt für Statistik anfragen"
        assert "Gestrichene Punkte (1)" in page.locator("#gi-ws").inner_text()
        page.screenshot(path=str(ARTIFACTS / "workspace.png")) if ARTIFACTS.exists() else None
        assert not outside, outside
        context.close()


def test_reset_asks_first_unsaved_work_is_named_and_notes_of_vanished_items_stay(shipped, browser):  # noqa: F811
    with _workspace_page(shipped, browser) as (url, page):
        _choose(page, "\u20034.3 Bestandsaufnahme und Analyse", "Marzahn-Nord")
        first = page.locator("#gi-ws .gi-ws-item").first
        first.get_by_role("checkbox").check()
        first.locator("textarea").fill("Bleibt")

        # "Zurücksetzen" asks first: "Abbrechen" keeps everything, "OK" clears it
        questions: list[str] = []

        def answer(accept: bool):
            def handle(dialog):
                questions.append(dialog.message)
                dialog.accept() if accept else dialog.dismiss()
            return handle

        page.once("dialog", answer(False))
        page.get_by_role("button", name="Zurücksetzen").click()
        assert questions == ["Alle Haken, Notizen und Änderungen an diesem Kapitel löschen?"]
        assert first.get_by_role("checkbox").is_checked() and first.locator("textarea").input_value() == "Bleibt"
        page.once("dialog", answer(True))
        page.get_by_role("button", name="Zurücksetzen").click()
        page.wait_for_function("!document.querySelector('#gi-ws .gi-ws-item input').checked")
        assert len(questions) == 2 and page.locator("#gi-ws .gi-ws-item textarea").first.input_value() == ""

        # a note whose item a rebuilt outline no longer has is listed with the item's text, and can be deleted
        first.locator("textarea").fill("Neu")  # stored again after the reset
        key = "gi-konzept:v1:" + page.get_by_label("Kapitel des Leitfadens").input_value() + ":Marzahn-Nord"
        page.evaluate("""(key) => { const s = JSON.parse(localStorage.getItem(key));
            s.notes['weg-123'] = 'Mit dem Amt klären'; s.texts['weg-123'] = 'Ein alter Punkt';
            localStorage.setItem(key, JSON.stringify(s)); }""", key)
        page.reload()
        _open_workspace(page, url)
        orphans = page.locator("#gi-ws-orphans")
        orphans.wait_for(timeout=60_000)
        text = orphans.inner_text()
        assert "Notizen zu Punkten, die nicht mehr in der Gliederung stehen (1)" in text
        assert "Ein alter Punkt" in text and "Mit dem Amt klären" in text
        orphans.get_by_role("button", name=re.compile("^Notiz löschen")).click()
        assert orphans.count() == 0
        assert "weg-123" not in page.evaluate("(key) => localStorage.getItem(key)", key)

        # storage refused (full or blocked): the planner is told that the change is not kept
        page.evaluate("() => { Storage.prototype.setItem = () => { throw new DOMException('voll', "
                      "'QuotaExceededError'); }; }")
        page.locator("#gi-ws .gi-ws-item").first.get_by_role("checkbox").check()
        status = page.locator("#gi-ws .gi-ws-status")
        assert "nicht gespeichert" in status.inner_text() and status.get_attribute("role") == "alert"


def test_a_late_outline_for_an_earlier_choice_is_discarded(shipped, browser):  # noqa: F811
    with _workspace_page(shipped, browser) as (_, page):
        held = []
        # the next outline request (for Marzahn-Nord) is held back until the newer one (Hellersdorf-Nord) is shown
        page.route("**/api/outline", lambda route: held.append(route) if not held else route.continue_())
        page.get_by_label("Handlungsraum", exact=True).select_option("Marzahn-Nord")
        for _ in range(200):  # the route handler runs while Playwright waits
            if held:
                break
            page.wait_for_timeout(50)
        assert len(held) == 1
        page.get_by_label("Handlungsraum", exact=True).select_option("Hellersdorf-Nord")
        page.wait_for_function("document.querySelector('#gi-ws h2')?.textContent.includes('Hellersdorf-Nord')",
                               timeout=60_000)
        with page.expect_response("**/api/outline"):
            held[0].continue_()
        page.wait_for_timeout(500)
        assert "Hellersdorf-Nord" in page.locator("#gi-ws h2").inner_text()
        assert page.get_by_label("Handlungsraum", exact=True).input_value() == "Hellersdorf-Nord"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice missing: `make test` installs it (make office)")
def test_exported_docx_opens_in_libreoffice(shipped, tmp_path):
    from assistant.outline import Workspace
    from assistant.outline_export import apply_edits, to_docx

    outline = Workspace(shipped).outline("Bestandsaufnahme", "Marzahn-Nord")
    source = tmp_path / "kapitel.docx"
    source.write_bytes(to_docx(apply_edits(outline, None, base_url="http://127.0.0.1:7860")))
    run = subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                         capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "kapitel.pdf"
    assert run.returncode == 0 and pdf.exists(), run.stderr
    from assistant.documents import pdf_page_texts

    text = " ".join(pdf_page_texts(pdf))
    assert "Kapitel 4.3 Bestandsaufnahme und Analyse" in text and "Quellen" in text


def test_chat_copy_gives_the_text_as_read_with_its_sources(shipped, browser):  # noqa: F811
    with running(shipped) as url:
        context = browser.new_context(viewport=DESKTOP)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page = context.new_page()
        page.goto(url)
        # a title with brackets: Markdown escapes "\(GI\)" must not reach the clipboard
        page.get_by_label("Ihre Frage").fill("Wann hat der Senat die Gemeinschaftsinitiative beschlossen?")
        page.get_by_role("button", name="Fragen", exact=True).click()
        page.locator("#gi-sources .gi-source").first.wait_for(timeout=60_000)
        first_sources = page.locator("#gi-sources .gi-source strong").all_inner_texts()
        # "Nachricht kopiert" for two seconds after a click
        copy_buttons = page.locator('#gi-chat .message-buttons-left button[aria-label^="Nachricht kopier"]')
        first_copy = _copy(page, copy_buttons.last)
        shown = page.locator('#gi-chat [data-testid="bot"]').last.inner_text()
        assert "\\" not in first_copy and "[1]" in first_copy
        text, sources = _split_copy(first_copy)
        # as read, except the chat's closing line on reconstructions: each source line names that itself
        assert text == _without_reconstruction_line(shown)
        assert sources[0].startswith("[1] ") and f"{url}/dokumente/" in sources[0] and "S. " in sources[0]
        assert _same_sources(sources, first_sources)

        # a second answer from other documents: copying the FIRST answer still gives the first one's sources
        page.get_by_label("Ihre Frage").fill("Was wird am Barnimplatz geplant?")
        page.get_by_role("button", name="Fragen", exact=True).click()
        page.locator('#gi-chat [data-testid="bot"]').nth(1).wait_for(timeout=60_000)
        page.wait_for_function("(t) => document.querySelector('#gi-sources strong')?.innerText !== t",
                               arg=first_sources[0], timeout=60_000)
        second_sources = page.locator("#gi-sources .gi-source strong").all_inner_texts()
        assert second_sources != first_sources
        assert _copy(page, copy_buttons.first) == first_copy
        second_copy = _copy(page, copy_buttons.last)
        assert _split_copy(second_copy)[0] == _without_reconstruction_line(
            page.locator('#gi-chat [data-testid="bot"]').last.inner_text())
        assert _same_sources(_split_copy(second_copy)[1], second_sources)

        # "Neue Unterhaltung" empties the stored copy texts with the chat
        page.get_by_role("button", name="Neue Unterhaltung").click()
        page.wait_for_function("!document.querySelector('#gi-copy-store [data-answer]')", timeout=10_000)
        context.close()


def _copy(page, button) -> str:
    page.evaluate("navigator.clipboard.writeText('')")
    button.click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''", timeout=5_000)
    return page.evaluate("navigator.clipboard.readText()")


def _same_sources(lines: list[str], card_titles: list[str]) -> bool:
    """The copied source list names the cards' sources ("[n] title"), in their order."""
    return len(lines) == len(card_titles) and all(line.startswith(t) and not line[len(t):len(t) + 1].isalnum()
                                                  for line, t in zip(lines, card_titles, strict=True))


def _split_copy(copied: str) -> tuple[str, list[str]]:
    text, _, sources = copied.partition("\n\nQuellen:\n")
    return text.strip(), sources.splitlines()


def _without_reconstruction_line(shown: str) -> str:
    return "\n".join(line for line in shown.strip().splitlines()
                     if not line.startswith("Die zitierten Unterlagen sind Nachbildungen")).strip()
