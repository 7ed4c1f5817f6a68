"""Shared fixtures: the shipped corpus indexed once per session, and helpers that make real test files."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pytest
from fpdf import FPDF

from assistant import Assistant

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
ARTIFACTS = ROOT / "tests" / "artifacts"


def make_pdf(path: Path, pages: list[str], *, title: str | None = None, header: str | None = None,
             outline: list[str] | None = None) -> Path:
    """A real PDF with a Unicode font; optional running header and page-number footer on every page."""

    class Doc(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("DejaVu", size=8)
                self.cell(0, 5, header)
                self.ln(8)

        def footer(self) -> None:
            if header:
                self.set_y(-12)
                self.set_font("DejaVu", size=8)
                self.cell(0, 5, f"Seite {self.page_no()}", align="C")

    pdf = Doc()
    pdf.add_font("DejaVu", "", str(FONT))
    if title:
        pdf.set_title(title)
    for i, text in enumerate(pages):
        pdf.add_page()
        pdf.set_font("DejaVu", size=11)
        if outline and i < len(outline):
            pdf.start_section(outline[i])
            pdf.multi_cell(0, 6, outline[i])
            pdf.ln(4)
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


@pytest.fixture(scope="session")
def shipped(tmp_path_factory) -> Assistant:
    """The shipped corpus, ingested once with the real embedding model (about 40 s on 2 cores)."""
    index = tmp_path_factory.mktemp("shipped-index")
    assistant = Assistant.from_settings(corpus_dir=CORPUS, index_dir=index)
    report = assistant.ingest(progress=False)
    assert report.documents == 9 and not report.skipped
    return assistant


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of two small shipped documents plus the glossary."""
    target = tmp_path / "corpus"
    target.mkdir()
    for name in ("flyer-ideen-fuer-hellersdorf.pdf", "documents.yaml", "glossary.yaml"):
        shutil.copy(CORPUS / name, target / name)
    return target
