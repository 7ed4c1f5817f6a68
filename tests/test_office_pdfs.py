"""PDFs made the way offices make them (LibreOffice from Word documents: columns, justified and hyphenated text,
running headers per chapter, tables, footnotes, ligatures, encryption, rotation), read through the product's own
loader and scored against their known source text (tests/data/office, built by scripts/office_pdfs.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assistant import ocr
from assistant.documents import IngestError, load
from assistant.extraction_eval import Truth, normalise_ws, row_on_line, sentence_contiguity

OFFICE = Path(__file__).resolve().parent / "data" / "office"


def _read(name: str) -> tuple[Truth, str, list]:
    truth = Truth.load(OFFICE / f"{name}.json")
    doc = load(OFFICE / f"{name}.pdf", OFFICE, {})
    return truth, "\n".join(p.text for p in doc.pages), doc.pages


@pytest.mark.parametrize("name", ["office-1col", "office-2col", "office-3col", "office-mixed"])
def test_columns_are_read_one_after_the_other(name):
    truth, text, _ = _read(name)
    # whole source sentences appear contiguous: no line of the left column glued to one of the right column
    assert sentence_contiguity(truth.sentences, text) >= (0.98 if "3col" not in name else 0.95)


@pytest.mark.parametrize("name", ["office-2col", "office-3col"])
def test_justified_prose_is_not_split_into_cells(name):
    truth, text, _ = _read(name)
    rows = [r for t in truth.tables for r in t["rows"]]
    cell_lines = [ln for ln in text.split("\n") if " | " in ln]
    table_text = " ".join(normalise_ws(c) for r in rows for c in r).replace("- ", "")
    # every cell of every "a | b" line is table content of the source, never justified prose cut at wide gaps
    # (a row that the layout splits over a column break may come out as two partial rows)
    for line in cell_lines:
        for cell in (c.strip().rstrip("-") for c in line.split("|")):
            assert cell in table_text, (cell, line)
    assert len(cell_lines) <= len(rows) + 2


def test_real_tables_keep_their_rows_with_wrapped_cells():
    truth, text, _ = _read("office-2col")
    lines = [normalise_ws(ln) for ln in text.split("\n")]
    for table in truth.tables:
        for row in table["rows"]:
            assert any(row_on_line(row, ln) for ln in lines), row


def test_running_headers_and_footers_are_gone_and_footnotes_stay_apart():
    truth, text, pages = _read("office-2col")
    for f in truth.furniture:
        assert f["header"] not in text and f["footer"] not in text
    for note in truth.footnotes:
        assert sentence_contiguity([note], text) == 1.0  # kept, whole, on its own line
    assert all(not p.text.startswith(("Seite", "Themenheft")) for p in pages)


def test_ligatures_become_letters():
    truth, text, _ = _read("office-2col-ligatures")
    assert not any(0xFB00 <= ord(c) <= 0xFB06 for c in text)
    # the words written with ligature characters in the text layer come out as the source spells them
    assert sentence_contiguity(truth.sentences, text) >= 0.98


def test_aes256_with_empty_password_opens_and_with_a_password_says_so():
    truth, text, _ = _read("office-1col-aes256-empty")
    assert sentence_contiguity(truth.sentences, text) >= 0.98
    with pytest.raises(IngestError, match="passwortgeschützt"):
        load(OFFICE / "office-1col-aes256-password.pdf", OFFICE, {})


def test_rotated_pages_are_read():
    truth, text, pages = _read("office-1col-rotated")
    assert sentence_contiguity(truth.sentences, text) >= 0.95
    assert pages[0].text and pages[1].text


@pytest.mark.skipif(not (ocr.available() and shutil.which("pdftoppm")), reason="Tesseract/pdftoppm fehlen")
def test_a_scanned_page_is_read_by_ocr_on_its_own_page(tmp_path):
    from PIL import Image

    # a scan: page 2 of an office PDF rendered to an image by pdftoppm and wrapped back into a PDF
    subprocess.run(["pdftoppm", "-r", "200", "-f", "2", "-l", "2", "-png", str(OFFICE / "office-1col.pdf"),
                    str(tmp_path / "seite")], check=True)
    image = Image.open(next(tmp_path.glob("seite*.png"))).convert("L")
    text_pdf = load(OFFICE / "office-1col.pdf", OFFICE, {}).pages[1].text
    scan = tmp_path / "scan.pdf"
    image.save(scan, "PDF", resolution=200)
    doc = load(scan, tmp_path, {})
    assert doc.pages[0].ocr
    words = [w for w in normalise_ws(text_pdf).split() if len(w) > 5][:40]
    found = sum(w in doc.pages[0].text for w in words)
    assert found >= 0.8 * len(words)


@pytest.mark.slow
@pytest.mark.skipif(not (ocr.available() and shutil.which("pdftoppm")), reason="Tesseract/pdftoppm fehlen")
def test_a_question_about_a_scanned_page_cites_it_with_the_ocr_notice(tmp_path):
    from PIL import Image

    from assistant import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notiz.md").write_text("# Stadtteilzentrum\n\nDas Stadtteilzentrum liegt am Alice-Salomon-Platz.\n",
                                     encoding="utf-8")
    subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "2", "-png", str(OFFICE / "office-1col.pdf"),
                    str(tmp_path / "seite")], check=True)
    images = [Image.open(p).convert("L") for p in sorted(tmp_path.glob("seite*.png"))]
    images[0].save(corpus / "scan.pdf", "PDF", resolution=200, save_all=True, append_images=images[1:])
    a = Assistant.from_settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    report = a.ingest(progress=False)
    assert any("Texterkennung" in note for _, note in report.warnings)
    answer = a.ask("Welcher Premierminister der DDR war Nachfahre einer hugenottischen Familie?")
    assert not answer.refused and "Maizi" in answer.text
    cited = [c for c in answer.citations if c.doc == "scan.pdf"]
    assert cited and cited[0].page <= 2 <= cited[0].page_end
    assert not cited[0].title.startswith("Themenheft")  # the scan's running header is no title
    assert "Texterkennung – Wortlaut kann abweichen" in cited[0].notice


def test_chapters_of_an_office_document_become_sections():
    from assistant.chunking import chunk_document

    truth = Truth.load(OFFICE / "office-2col.json")
    doc = load(OFFICE / "office-2col.pdf", OFFICE, {})
    sections = {c.section for c in chunk_document(doc)}
    # one "Heading 1" per chapter: each is a section of its own, none is taken for the document title
    assert {h["text"] for h in truth.headings} <= sections
