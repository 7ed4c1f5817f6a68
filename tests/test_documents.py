"""Loaders on real files: the shipped PDFs and HTML page, and small files made here."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.documents import (
    IngestError,
    layout_to_text,
    load,
    load_catalogue,
    rejoin_hyphenation,
    strip_running_lines,
)
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


def test_rejoin_hyphenation_keeps_real_compounds():
    assert rejoin_hyphenation("Schlüssel-\nmaßnahmen") == "Schlüsselmaßnahmen"
    assert rejoin_hyphenation("Marzahn-\nHellersdorf") == "Marzahn-Hellersdorf"
    assert rejoin_hyphenation("Kinder-\nund Jugendhilfe") == "Kinder- und Jugendhilfe"
    assert rejoin_hyphenation("Sozial\u00adraum") == "Sozialraum"


def test_running_lines_are_stripped_only_when_they_repeat():
    bodies = [("Einleitung", "Worum es geht."), ("Analyse der Lage", "Viele Daten."),
              ("Maßnahmen im Überblick", "Zehn Vorhaben."), ("Finanzierung", "Woher das Geld kommt.")]
    pages = [["Kopfzeile Bericht", a, b, f"Seite {i}"] for i, (a, b) in enumerate(bodies, 1)]
    cleaned = strip_running_lines(pages)
    assert cleaned[0] == ["Einleitung", "Worum es geht."]
    single = strip_running_lines([["Einzige Überschrift", "Text"]])
    assert single[0] == ["Einzige Überschrift", "Text"]


def test_layout_tables_become_rows():
    lines = [
        "Weg            Wann und wo",
        "Online         bis zum 27.03.2022 auf der",
        "               Plattform mein.berlin.de",
        "Vor Ort        mobile Sprechstunde",
    ]
    assert layout_to_text(lines).split("\n") == [
        "Weg | Wann und wo",
        "Online | bis zum 27.03.2022 auf der Plattform mein.berlin.de",
        "Vor Ort | mobile Sprechstunde",
    ]


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
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # an image-like page without a text layer
    pdf.output(str(path))
    return path


BAD_FILES = {
    "kaputt.pdf": (lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj <<< kaputt >>\n%%EOF garbage"), "beschädigt"),
    "verschluesselt.pdf": (_encrypted, "passwortgeschützt"),
    "leer.pdf": (lambda p: p.write_bytes(b""), "leer (0 Byte)"),
    "scan.pdf": (_scanned, "OCR"),
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
