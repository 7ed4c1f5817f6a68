"""The staff workspace ("Konzept schreiben") on the shipped corpus with the real index: chapters from the guideline's
headings, outlines whose every quote stands on its cited page, exports (DOCX opened with python-docx, Markdown,
plain text), the HTTP API and the CLI."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from docx import Document
from fastapi.testclient import TestClient

from assistant.documents import load, load_catalogue
from assistant.outline import ChapterNotFound, Workspace, is_figure, resolve_chapter
from assistant.outline_export import ExportError, apply_edits, to_docx, to_markdown, to_text
from assistant.ui import create_app
from tests.conftest import CORPUS, ROOT


def _norm(text: str) -> str:
    """Compare text as read: no line breaks, hyphens at line ends, list markers or table bars."""
    text = re.sub(r"-\s*\n\s*", "-", text)
    text = re.sub(r"[\s|•▪]+", " ", text)
    return text.strip().lower()


@pytest.fixture(scope="module")
def workspace(shipped) -> Workspace:
    return Workspace(shipped)


@pytest.fixture(scope="module")
def page_texts() -> dict[str, list[str]]:
    return {}


def _on_pages(page_texts: dict, doc: str, first: int, last: int, quote: str) -> bool:
    """The quote stands on the cited pages of the document as the loader reads it (the page texts the PDF gives)."""
    if doc not in page_texts:
        loaded = load(CORPUS / doc, CORPUS, load_catalogue(CORPUS))
        page_texts[doc] = {p.page_no: _norm(p.text) for p in loaded.pages}
    pages = page_texts[doc]
    return _norm(quote) in " ".join(pages.get(n, "") for n in range(first, last + 1))


def test_chapters_come_from_the_guideline_in_document_order(workspace):
    chapters = workspace.chapters()
    titles = [c.title for c in chapters]
    assert "4.3 Bestandsaufnahme und Analyse" in titles and "4.7 Schlüsselmaßnahmen" in titles
    assert "Quellen" not in titles  # the guideline's list of web addresses is nothing to write a chapter from
    # document order, not alphabetical: 4.9 before 4.10
    assert titles.index("4.9 Beteiligung") < titles.index("4.10 Finanzierung")
    pages = [c.page for c in chapters]
    assert pages == sorted(pages)
    assert len({c.id for c in chapters}) == len(chapters)
    assert workspace.areas() == ["Marzahn-Nord", "Hellersdorf-Nord"]


def test_a_chapter_is_found_by_number_title_or_a_unique_part(workspace):
    chapters = workspace.chapters()
    assert resolve_chapter(chapters, "4.3").title == "4.3 Bestandsaufnahme und Analyse"
    assert resolve_chapter(chapters, "bestandsaufnahme").title == "4.3 Bestandsaufnahme und Analyse"
    assert resolve_chapter(chapters, "4.3 Bestandsaufnahme und Analyse").title.startswith("4.3")
    with pytest.raises(ChapterNotFound, match="mehreren Kapiteln"):
        resolve_chapter(chapters, "Handlungs")  # 4.5 Handlungsfelder und Ziele, 4.6 Handlungsbedarfe
    with pytest.raises(ChapterNotFound, match=r"nicht gefunden.*4\.3 Bestandsaufnahme"):
        resolve_chapter(chapters, "Verkehrsplanung")
    with pytest.raises(ChapterNotFound, match="Gebiet „Spandau“ unbekannt"):
        workspace.outline("4.3", "Spandau")


def test_every_chapter_has_requirements_and_every_quote_is_on_its_cited_page(workspace, page_texts):
    checked = 0
    for chapter in workspace.chapters():
        for area in (None, "Marzahn-Nord", "Hellersdorf-Nord"):
            outline = workspace.outline(chapter, area)
            by_n = {c.n: c for c in outline.citations}
            assert outline.part("requirement"), chapter.title  # the chapter list offers no empty section
            for item in outline.items:
                if item.n is None:
                    assert item.kind == "gap"  # only the workspace's own notes on what is missing go uncited
                    continue
                c = by_n[item.n]
                assert _on_pages(page_texts, c.doc, c.page, c.page_end, item.quote), (chapter.title, item.quote, c.page)
                checked += 1
            # the numbers run 1..n in the order the items first cite them
            assert sorted(by_n) == list(range(1, len(by_n) + 1))
    assert checked > 200


def test_an_outline_keeps_to_its_area(workspace):
    mn = workspace.outline("Bestandsaufnahme", "Marzahn-Nord")
    figures = mn.part("figure")
    assert figures and all(is_figure(i.text) for i in figures)
    assert not any("Hellersdorf" in i.text for i in figures)
    assert all(i.note.startswith("Stand:") for i in figures)
    hn = workspace.outline("Bestandsaufnahme", "Hellersdorf-Nord")
    assert not any("Marzahn-Nord" in i.text and "Hellersdorf" not in i.text for i in hn.part("figure"))
    # no concept for Hellersdorf-Nord: the examples come from another area, and the outline says so
    assert any("kein bestehendes Konzept" in n for n in hn.notices)
    assert all(i.note.startswith("Beispiel aus") for i in hn.part("example"))
    # the guideline here is a reconstruction: the outline says where the official one may differ
    assert any("Nachbildung" in i.text and i.n is None for i in hn.part("gap"))


def test_export_applies_the_planners_edits_and_renumbers_the_sources(workspace):
    outline = workspace.outline("4.7", "Marzahn-Nord")
    kept = [outline.part("requirement")[2], outline.part("example")[0], outline.part("tip")[0]]
    edits = [{"id": kept[1].id, "checked": True, "note": "Steckbrief für „Stadtteilzentrum“ <prüfen> *bald*"},
             {"id": kept[0].id, "checked": True}, {"id": kept[2].id}, {"id": "unbekannt"}]
    export = apply_edits(outline, edits, base_url="http://127.0.0.1:7860")
    entries = [e for _, part in export.parts for e in part]
    assert [e.item.id for e in entries] == [kept[0].id, kept[1].id, kept[2].id]  # parts keep their order
    assert [n for n, _ in export.sources] == list(range(1, len(export.sources) + 1))
    text = to_text(export)
    assert "[x] " + kept[1].text in text and "Notiz: Steckbrief für „Stadtteilzentrum“ <prüfen> *bald*" in text
    assert "\\" not in text  # plain text: no Markdown escapes
    assert text.rstrip().splitlines()[-1].startswith(f"[{len(export.sources)}] ")  # ends with the source list
    assert "http://127.0.0.1:7860/dokumente/" in text and "Nachbildung – kein amtliches Dokument" in text
    md = to_markdown(export)
    assert "- [x] " in md and "## Quellen" in md and r"\<prüfen\> \*bald\*" in md
    with pytest.raises(ExportError, match="Notiz ist zu lang"):
        apply_edits(outline, [{"id": kept[0].id, "note": "x" * 6000}])


def test_docx_has_heading_items_notes_and_a_source_for_every_number(workspace):
    outline = workspace.outline("Bestandsaufnahme", "Marzahn-Nord")
    first, second = outline.part("requirement")[:2]
    export = apply_edits(outline, [{"id": first.id, "checked": True, "note": "Daten vom Amt anfragen"},
                                   {"id": second.id, "checked": False}], base_url="http://127.0.0.1:7860")
    doc = Document(io.BytesIO(to_docx(export)))
    paragraphs = [p.text for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Kapitel 4.3 Bestandsaufnahme und Analyse" and "Quellen" in headings
    assert any(p.startswith("☒ " + first.text) for p in paragraphs)
    assert any(p.startswith("☐ " + second.text) for p in paragraphs)
    assert "Notiz: Daten vom Amt anfragen" in paragraphs
    cited = {int(n) for p in paragraphs if p[:1] in "☒☐" for n in re.findall(r"\[(\d+)\]", p)}
    sources = {int(m.group(1)): p for p in paragraphs if (m := re.match(r"\[(\d+)\] ", p))}
    assert cited and cited == set(sources)
    for p in sources.values():
        assert "Leitfaden" in p and re.search(r"S\. \d", p) and "http://127.0.0.1:7860/dokumente/" in p
    assert doc.core_properties.title == "Kapitel 4.3 Bestandsaufnahme und Analyse"


def test_api_chapters_outline_and_export(shipped):
    client = TestClient(create_app(assistant=shipped))
    data = client.get("/api/chapters").json()
    chapter = next(c for c in data["chapters"] if c["title"].startswith("4.3"))
    assert data["areas"] == ["Marzahn-Nord", "Hellersdorf-Nord"]
    outline = client.post("/api/outline", json={"chapter": chapter["id"], "area": "Marzahn-Nord"}).json()
    assert [s["kind"] for s in outline["sections"]] == ["requirement", "example", "figure", "tip", "gap"]
    assert outline["sections"][0]["items"][0]["n"] == 1 and outline["citations"][0]["url"].startswith("/dokumente/")
    bad = client.post("/api/outline", json={"chapter": "Verkehrsplanung"})
    assert bad.status_code == 404 and "nicht gefunden" in bad.json()["detail"]
    item = outline["sections"][0]["items"][0]
    r = client.post("/api/outline/export", json={"chapter": chapter["id"], "area": "Marzahn-Nord", "format": "docx",
                                                 "items": [{"id": item["id"], "checked": True, "note": "ok"}]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "Bestandsaufnahme" in r.headers["content-disposition"]
    assert Document(io.BytesIO(r.content)).paragraphs[0].text.startswith("Kapitel 4.3")
    # a note pasted from Word keeps its line break (Shift+Enter is \x0b there); characters Word cannot hold go
    r = client.post("/api/outline/export", json={"chapter": "4.3", "format": "docx", "items": [
        {"id": item["id"], "checked": True, "note": "Zeile eins\x0bZeile zwei\x01"}]})
    assert r.status_code == 200
    assert "Notiz: Zeile eins\nZeile zwei" in [p.text for p in Document(io.BytesIO(r.content)).paragraphs]
    r = client.post("/api/outline/export", json={"chapter": "4.3", "format": "pdf"})
    assert r.status_code == 422
    r = client.post("/api/outline/export", json={"chapter": "4.3", "format": "txt"})
    assert r.status_code == 200 and r.text.startswith("Kapitel 4.3") and "Quellen" in r.text


@pytest.mark.slow
def test_cli_outline_writes_docx_and_markdown(shipped, tmp_path):
    out, md = tmp_path / "kapitel.docx", tmp_path / "kapitel.md"
    env_index = str(shipped.settings.index_dir)
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "outline", "Bestandsaufnahme", "--area", "Marzahn-Nord",
         "--docx", str(out), "--md", str(md)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"GI_INDEX_DIR": env_index, "GI_CORPUS_DIR": str(CORPUS), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
    )
    assert run.returncode == 0, run.stderr
    assert "Was der Leitfaden verlangt" in run.stdout and "Quellen" in run.stdout
    assert Document(str(out)).paragraphs[0].text == "Kapitel 4.3 Bestandsaufnahme und Analyse"
    assert md.read_text(encoding="utf-8").startswith("# Kapitel 4.3")
    bad = subprocess.run([sys.executable, "-m", "assistant", "outline", "Verkehrsplanung"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300,
                         env={"GI_INDEX_DIR": env_index, "GI_CORPUS_DIR": str(CORPUS), "PATH": "/usr/bin:/bin"})
    assert bad.returncode != 0 and "nicht gefunden" in bad.stderr
