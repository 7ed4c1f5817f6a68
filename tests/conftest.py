"""Shared fixtures: the shipped corpus indexed once per session, and helpers that make real test files."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
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


TOPICS = {
    "sprechstunde.pdf": "Die mobile Sprechstunde fand am 29.03.2022 auf dem Alice-Salomon-Platz statt.",
    "barnimplatz.pdf": "Am Barnimplatz soll ein neues Stadtteilhaus mit Bibliothek entstehen.",
    "finanzierung.pdf": "Das Programm Soziale Infrastrukturmaßnahmen stellte 25 Mio. Euro bereit.",
}


def make_corpus(root: Path, topics: dict[str, str] = TOPICS) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, sentence in topics.items():
        make_pdf(root / name, [sentence, f"Weitere Angaben: {sentence}"], title=name[:-4].title())
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    port = _free_port()
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield f"http://127.0.0.1:{port}", proc
    proc.terminate()
    proc.wait(timeout=20)
