"""Optical character recognition for PDF pages without a text layer (scans), with Tesseract's German model.

Direct calls to the ``tesseract`` program (Debian ``tesseract-ocr-deu``) instead of OCRmyPDF: we need only the
text of a page, not a rewritten PDF, and the page number stays ours. The page is rendered by PDFium, which the
text reader already has open.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

OCR_DPI = 300  # Tesseract reads body text best at about 300 dpi
OCR_LANGUAGES = "deu+eng"
OCR_TIMEOUT_S = 120  # per page


@functools.cache
def available() -> bool:
    """Tesseract with the German model is installed."""
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return "deu" in out.stdout.split()


def page_text(pdf, index: int) -> str:
    """The recognised text of one page of an open ``pypdfium2.PdfDocument`` (paragraphs one per line)."""
    page = pdf[index]
    try:
        image = page.render(scale=OCR_DPI / 72).to_pil()
    finally:
        page.close()
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "seite.png"
        image.save(png)
        try:
            out = subprocess.run(["tesseract", str(png), "stdout", "-l", OCR_LANGUAGES, "--psm", "3"],
                                 capture_output=True, text=True, timeout=OCR_TIMEOUT_S)
        except (OSError, subprocess.SubprocessError):
            return ""
    return paragraphs_from_ocr(out.stdout)


def paragraphs_from_ocr(raw: str) -> str:
    """Tesseract separates paragraphs by blank lines; lines inside a paragraph are joined, line-end hyphens
    before a lower-case continuation removed."""
    from assistant.pdf_text import resolve_hyphen

    vocabulary = {w.lower() for w in raw.split()}
    out: list[str] = []
    for block in raw.replace("\f", "").split("\n\n"):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        text = lines[0]
        for ln in lines[1:]:
            text = resolve_hyphen(text[:-1], ln, vocabulary) if text.endswith("-") else f"{text} {ln}"
        out.append(text)
    return "\n".join(out)
