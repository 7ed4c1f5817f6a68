"""Loaders on real files: the shipped PDFs and HTML page, and small files made here."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.documents import IngestError, load, load_catalogue, usable_title
from assistant.pdf_text import normalise_char, resolve_hyphen
from tests.conftest import CORPUS, make_pdf


def test_shipped_pdf_pages_labels_and_metadata():
    doc = load(CORPUS / "leitfaden-gi-ihk.pdf", CORPUS, load_catalogue(CORPUS))
    assert doc.meta.type == "Leitfaden" and doc.meta.reconstruction
    assert [p.page_label for p in doc.pages[:3]] == ["Titel", "1", "2"]
    assert [p.page_no for p in doc.pages[:3]] == [1, 2, 3]
    text = "\n".join(p.text for p in doc.pages)
    # running header and footer are gone, the body is intact
    assert "Leitfaden GI-IHK · Nachbildung" not in text
    assert "Seite 3" not in text
    assert "Schlüsselmaßnahmen bilden den Kern des Konzepts" in text
    # tables come out as rows, headings from the outline
    assert "Feld | Inhalt" in text
    assert (3, "4.7 Schlüsselmaßnahmen") in doc.headings


def test_shipped_html_main_text_and_headings():
    doc = load(CORPUS / "marzahn-hellersdorf-spk.html", CORPUS, load_catalogue(CORPUS))
    text = doc.pages[0].text
    assert "Sozialraumorientierte Planungskoordination" in text
    assert "Politik und Verwaltung" not in text  # site navigation is not content
    assert any(title.startswith("6. Soziale Lage") for _, title in doc.headings)
    assert "Hellersdorf-Nord | 36,8 %" in text


def test_line_end_hyphens_join_unless_german_keeps_them():
    vocab = {"dumont", "in-se", "sowie"}
    assert resolve_hyphen("Schlüssel", "maßnahmen", vocab) == "Schlüsselmaßnahmen"
    assert resolve_hyphen("Marzahn", "Hellersdorf", vocab) == "Marzahn-Hellersdorf"
    assert resolve_hyphen("Kinder", "und Jugendhilfe", vocab) == "Kinder- und Jugendhilfe"
    assert resolve_hyphen("NFL", "Kategorie", vocab) == "NFL-Kategorie"
    assert resolve_hyphen("so", "wie", vocab) == "sowie"  # the document's own spelling wins
    assert resolve_hyphen("Du", "Mont", vocab) == "DuMont"
    assert resolve_hyphen("Malum-in", "se", vocab) == "Malum-in-se"


def test_compatibility_characters_become_plain_text():
    text = "oﬀenen Deﬁnition\u00a0Straße ½ m²"
    assert "".join(normalise_char(ord(c)) for c in text) == "offenen Definition Straße ½ m²"


def test_junk_metadata_titles_are_not_shown():
    p = Path("bericht-2024.pdf")
    for junk in ("Microsoft Word - Bericht_final.docx", "bericht-2024", "Unbenannt", "Titel\x00", "Dokument1", ""):
        assert usable_title(junk, p) is None, junk
    assert usable_title("Integriertes Handlungskonzept Hellersdorf-Nord", p) == (
        "Integriertes Handlungskonzept Hellersdorf-Nord")


def test_running_lines_are_stripped_and_a_single_page_keeps_its_text(tmp_path):
    path = make_pdf(tmp_path / "bericht.pdf", ["Einleitung. Worum es geht.", "Analyse. Viele Daten.",
                                                "Maßnahmen. Zehn Vorhaben.", "Finanzierung. Woher das Geld kommt."],
                    header="Kopfzeile Bericht")
    pages = load(path, tmp_path, {}).pages
    assert [p.text for p in pages] == ["Einleitung. Worum es geht.", "Analyse. Viele Daten.",
                                       "Maßnahmen. Zehn Vorhaben.", "Finanzierung. Woher das Geld kommt."]
    single = make_pdf(tmp_path / "eine.pdf", ["Einzige Seite mit Text."])
    assert load(single, tmp_path, {}).pages[0].text == "Einzige Seite mit Text."


def test_pdf_without_catalogue_entry_gets_metadata_from_file(tmp_path):
    path = make_pdf(tmp_path / "bericht.pdf", [f"Seite {n} mit Text über Marzahn-Nord." for n in "ABC"],
                    title="Mein Bericht", header="Bericht 2024 · Bezirksamt")
    doc = load(path, tmp_path, {})
    assert doc.meta.title == "Mein Bericht"
    assert doc.meta.type == "Dokument" and not doc.meta.reconstruction
    assert all("Bericht 2024" not in p.text for p in doc.pages)


def test_markdown_and_text_loaders(tmp_path):
    md = tmp_path / "notiz.md"
    md.write_text("# Titel\n\n## 1. Abschnitt\n\nDas ist **wichtig**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
                  encoding="utf-8")
    doc = load(md, tmp_path, {})
    assert doc.headings == [(1, "Titel"), (2, "1. Abschnitt")]
    assert "Das ist wichtig." in doc.pages[0].text and "1 | 2" in doc.pages[0].text
    txt = tmp_path / "notiz.txt"
    txt.write_text("Straße und Maßnahme", encoding="utf-8")
    assert load(txt, tmp_path, {}).pages[0].text == "Straße und Maßnahme"


def test_a_markdown_paragraph_wrapped_over_lines_is_one_paragraph(tmp_path):
    from assistant.citations import answer_units

    md = tmp_path / "umbruch.md"
    md.write_text("# Kita\n\nDer Bau der Kita kostet rund\n4 Mio. Euro. Sie öffnet 2026.\n\n"
                  "- ein Punkt, der\n  weitergeht\n- ein zweiter Punkt\n\n"
                  "erste Zeile mit hartem Umbruch  \nzweite Zeile\n", encoding="utf-8")
    text = load(md, tmp_path, {}).pages[0].text
    units = answer_units(text)
    assert "Der Bau der Kita kostet rund 4 Mio. Euro." in units, units  # a soft line break is a space
    assert "ein Punkt, der weitergeht" in text and "\n- ein zweiter Punkt" in text  # an item's wrap, not the next
    assert "erste Zeile mit hartem Umbruch\nzweite Zeile" in text  # two spaces at the end keep the line


# ---------------------------------------------------------------- bad input, file by file

def _encrypted(path: Path) -> Path:
    src = make_pdf(path.with_suffix(".plain.pdf"), ["Geheimer Inhalt"])
    writer = PdfWriter(clone_from=PdfReader(str(src)))
    writer.encrypt(user_password="geheim", owner_password="geheim")
    with path.open("wb") as fh:
        writer.write(fh)
    src.unlink()
    return path


def _scanned(path: Path) -> Path:
    """A page that is only a picture (a grey area, no words): what a scanner makes of an empty form."""
    from PIL import Image

    Image.new("L", (1240, 1754), 200).save(path, "PDF", resolution=150)
    return path


def _drawing(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # vector drawing only: no text, no image
    pdf.output(str(path))
    return path


BAD_FILES = {
    "kaputt.pdf": (lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj <<< kaputt >>\n%%EOF garbage"), "beschädigt"),
    "verschluesselt.pdf": (_encrypted, "passwortgeschützt"),
    "leer.pdf": (lambda p: p.write_bytes(b""), "leer (0 Byte)"),
    "scan.pdf": (_scanned, "Scan"),
    "zeichnung.pdf": (_drawing, "keinen Text"),
    "text-statt-pdf.pdf": (lambda p: p.write_text("nur Text", encoding="utf-8"), "kein PDF"),
    "pdf-statt-text.txt": (lambda p: make_pdf(p, ["Inhalt"]), "in .pdf umbenennen"),
    "latin1.txt": (lambda p: p.write_bytes("Straße".encode("latin-1")), "nicht UTF-8"),
    "tabelle.docx": (lambda p: p.write_bytes(b"PK\x03\x04"), "nicht unterstützt"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_raise_clear_german_errors(tmp_path, name):
    make, reason = BAD_FILES[name]
    path = tmp_path / name
    make(path)
    with pytest.raises(IngestError) as err:
        load(path, tmp_path, {})
    assert reason in err.value.reason


def test_oversize_file_is_refused(tmp_path):
    path = make_pdf(tmp_path / "gross.pdf", ["Text " * 400])
    with pytest.raises(IngestError, match="zu groß"):
        load(path, tmp_path, {}, max_mb=0.001)


def test_scan_without_tesseract_says_how_to_get_ocr(tmp_path, monkeypatch):
    from assistant import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(IngestError, match="tesseract-ocr-deu"):
        load(_scanned(tmp_path / "scan.pdf"), tmp_path, {})
