"""The "Konzept schreiben" tab in a real browser: choose a chapter and an area, tick, note, export DOCX, reload."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from docx import Document

from tests.conftest import ARTIFACTS
from tests.test_browser import browser, running  # noqa: F401 - the module's browser fixture and server

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _open_workspace(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("tab", name="Konzept schreiben").click()
    page.locator("#gi-ws .gi-ws-item").first.wait_for(timeout=60_000)


def test_write_a_chapter_tick_note_export_docx_and_keep_it_after_reload(shipped, browser, tmp_path):  # noqa: F811
    with running(shipped) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "blob:",
                                                                                      "data:")) else None)
        _open_workspace(page, url)
        # the foot of the page names the index the answers come from
        page.wait_for_function("document.getElementById('gi-index-status')?.textContent.includes('9 Dokumente')")
        page.get_by_label("Kapitel des Leitfadens").select_option(label="\u20034.3 Bestandsaufnahme und Analyse")
        page.get_by_label("Handlungsraum", exact=True).select_option("Marzahn-Nord")
        page.wait_for_function("document.querySelector('#gi-ws h2')?.textContent.includes('Marzahn-Nord')")
        items = page.locator("#gi-ws .gi-ws-item")
        first, second = items.nth(0), items.nth(1)
        first_text = first.locator("label").first.inner_text()
        second_text = second.locator("label").first.inner_text()
        first.get_by_role("checkbox").check()
        second.get_by_role("checkbox").check()
        first.locator("textarea").fill("Zahlen beim Amt für Statistik anfragen")
        # drop the third requirement: it must not reach the document
        dropped = items.nth(2).locator("label").first.inner_text()
        items.nth(2).get_by_role("button", name=re.compile("^Streichen")).click()
        assert "Gestrichene Punkte (1)" in page.locator("#gi-ws").inner_text()
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
        page.wait_for_function("document.querySelector('#gi-ws h2')?.textContent.includes('Marzahn-Nord')")
        again = page.locator("#gi-ws .gi-ws-item")
        assert again.nth(0).get_by_role("checkbox").is_checked()
        assert again.nth(1).get_by_role("checkbox").is_checked()
        assert again.nth(0).locator("textarea").input_value() == "Zahlen beim Amt für Statistik anfragen"
        assert "Gestrichene Punkte (1)" in page.locator("#gi-ws").inner_text()
        page.screenshot(path=str(ARTIFACTS / "workspace.png")) if ARTIFACTS.exists() else None
        assert not outside, outside
        context.close()


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
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page = context.new_page()
        page.goto(url)
        # a title with brackets: Markdown escapes "\(GI\)" must not reach the clipboard
        page.get_by_label("Ihre Frage").fill("Wann hat der Senat die Gemeinschaftsinitiative beschlossen?")
        page.get_by_role("button", name="Fragen", exact=True).click()
        page.locator("#gi-sources .gi-source").first.wait_for(timeout=60_000)
        page.locator('#gi-chat button[aria-label="Nachricht kopieren"]').last.click()
        page.wait_for_timeout(300)
        copied = page.evaluate("navigator.clipboard.readText()")
        shown = page.locator('#gi-chat [data-testid="bot"]').last.inner_text()
        assert "\\" not in copied and "[1]" in copied
        assert copied.split("\n\nQuellen:\n")[0].strip() == shown.strip()
        sources = copied.split("\n\nQuellen:\n")[1].splitlines()
        assert sources[0].startswith("[1] ") and "/dokumente/" in sources[0] and "S. " in sources[0]
        context.close()
