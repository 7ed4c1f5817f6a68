"""Load corpus files (PDF, HTML, Markdown, plain text) into pages with document metadata.

Every problem with a file becomes an :class:`IngestError` with a German reason a user can act on; the caller
reports it and goes on with the other files.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.errors import UserFacingError

SUPPORTED = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "markdown", ".txt": "text"}
CATALOGUE = "documents.yaml"
# Files in the corpus folder that describe the corpus rather than belong to it.
NOT_DOCUMENTS = {CATALOGUE, "SOURCES.md", "README.md", "glossary.yaml", "cues.yaml"}
RECONSTRUCTION_MARK = re.compile(r"Nachbildung.{0,200}?kein amtliches Dokument", re.S | re.I)


class IngestError(UserFacingError):
    """A file that cannot be indexed (reported by name, the other files are indexed)."""


@dataclass(frozen=True)
class DocMeta:
    doc: str  # file name relative to the corpus folder: the document's id
    title: str
    type: str
    stand: str
    areas: tuple[str, ...]
    district: str
    audience: str
    reconstruction: bool
    sha256: str


@dataclass(frozen=True)
class Page:
    page_no: int  # physical page, 1-based
    page_label: str  # printed page label (may differ: cover pages, roman numerals)
    text: str
    ocr: bool = False  # text from optical character recognition (the wording may differ from the page)


@dataclass(frozen=True)
class PageProblem:
    page_no: int
    reason: str  # German, shown in the ingest summary


@dataclass
class Document:
    meta: DocMeta
    pages: list[Page]
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, title) known from the file
    problems: list[PageProblem] = field(default_factory=list)  # pages that could not be read, for the summary


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_catalogue(corpus_dir: Path) -> dict[str, dict]:
    path = corpus_dir / CATALOGUE
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(data.get("documents") or {})


def corpus_files(corpus_dir: Path) -> list[Path]:
    """All candidate files below the corpus folder (hidden files and catalogue files excluded), sorted."""
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
        and p.name not in NOT_DOCUMENTS
    )


def check_file(path: Path, max_mb: float) -> str:
    """Cheap checks before parsing; returns the loader kind or raises IngestError."""
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise IngestError(
            f"Dateityp „{path.suffix or '(ohne Endung)'}“ wird nicht unterstützt "
            "(unterstützt: PDF, HTML, Markdown, TXT)."
        )
    size = path.stat().st_size
    if size == 0:
        raise IngestError("Die Datei ist leer (0 Byte).")
    if size > max_mb * 1024 * 1024:
        raise IngestError(
            f"Die Datei ist zu groß ({size / 1024 / 1024:.1f} MB; Grenze {max_mb:g} MB, "
            "einstellbar über GI_MAX_FILE_MB)."
        )
    with path.open("rb") as fh:
        head = fh.read(1024)
    is_pdf = head.lstrip()[:5] == b"%PDF-"
    if kind == "pdf" and not is_pdf:
        raise IngestError("Die Datei endet auf .pdf, ist aber kein PDF (falsche Dateiendung oder beschädigt).")
    if kind != "pdf" and is_pdf:
        raise IngestError(f"Die Datei ist ein PDF, endet aber auf „{path.suffix}“. Bitte in .pdf umbenennen.")
    return kind


def load(path: Path, corpus_dir: Path, catalogue: dict[str, dict], max_mb: float = 50.0,
         on_page: Callable[[int, int], None] | None = None) -> Document:
    """One file as a document; ``on_page(done, total)`` is called after each PDF page (progress)."""
    kind = check_file(path, max_mb)
    problems: list[PageProblem] = []
    if kind == "pdf":
        pages, headings, found_title, problems = _read_pdf(path, on_page)
    else:
        loader = {"html": _load_html, "markdown": _load_markdown, "text": _load_text}[kind]
        pages, headings, found_title = loader(path)
    if not any(p.text.strip() for p in pages):
        if kind == "pdf":
            raise IngestError(_no_text_reason(problems))
        raise IngestError("Die Datei enthält keinen Text.")
    rel = path.relative_to(corpus_dir).as_posix()
    meta = _metadata(rel, path, kind, pages, headings, found_title, catalogue.get(rel, {}))
    return Document(meta=meta, pages=pages, headings=headings, problems=problems)


def _no_text_reason(problems: list[PageProblem]) -> str:
    from assistant import ocr

    if problems and all("Bild ohne Textebene" in p.reason for p in problems):
        if ocr.available():
            return "Das PDF enthält nur Bilder (Scan); die Texterkennung (OCR) fand darin keinen Text."
        return ("Das PDF enthält nur Bilder (vermutlich ein Scan). Für die Texterkennung (OCR) bitte Tesseract "
                "mit deutschem Sprachpaket installieren (Debian: tesseract-ocr-deu; „make setup“ erledigt das).")
    if problems:
        return ("Der Text des PDFs ist nicht lesbar (Zeichen ohne Zuordnung zu Buchstaben, z. B. Seite "
                f"{problems[0].page_no}). Bitte eine Fassung mit echtem Text ablegen.")
    return "Das PDF enthält keinen Text."


def _metadata(
    rel: str,
    path: Path,
    kind: str,
    pages: list[Page],
    headings: list[tuple[int, str]],
    found_title: str | None,
    entry: dict,
) -> DocMeta:
    """Catalogue entry first; otherwise what the file itself says."""
    first_text = " ".join(p.text for p in pages[:2])
    title = entry.get("title") or found_title or (headings[0][1] if headings else path.stem)
    areas = entry.get("areas") or []
    if isinstance(areas, str):
        areas = [areas]
    return DocMeta(
        doc=rel,
        title=str(title).strip(),
        type=str(entry.get("type") or ("Webseite" if kind == "html" else "Dokument")),
        stand=str(entry.get("stand") or "ohne Angabe"),
        areas=tuple(str(a) for a in areas),
        district=str(entry.get("district") or ""),
        audience=str(entry.get("audience") or "alle"),
        reconstruction=bool(entry.get("reconstruction", bool(RECONSTRUCTION_MARK.search(first_text)))),
        sha256=sha256_file(path),
    )


# ---------------------------------------------------------------- PDF
# pypdf reads what it does well: encryption, metadata, outline, page labels. The text comes from PDFium through
# assistant.pdf_text (reading order, tables, furniture, footnotes); pages without a text layer go to OCR.

_JUNK_TITLE = re.compile(
    r"^(microsoft (word|powerpoint|excel) - |untitled|unbenannt|dokument\d*$|document\d*$|titel$|title$)|"
    r"\.(docx?|odt|rtf|pdf|indd|pptx?|xlsx?)$|[\x00-\x1f\ufffd]",
    re.I,
)


def usable_title(title: object, path: Path) -> str | None:
    """A metadata title worth showing: not empty, not the authoring program's file name ("Microsoft Word -
    Bericht.docx"), not the file's own name, no control characters."""
    if not title:
        return None
    text = re.sub(r"\s+", " ", str(title)).strip()
    if not text or _JUNK_TITLE.search(text) or len(text) < 3:
        return None
    if re.sub(r"\W+", "", text).lower() == re.sub(r"\W+", "", path.stem).lower():
        return None
    return text


def pdf_page_texts(path: Path) -> list[str]:
    """The text the product indexes for each page of a PDF (used by the extraction benchmark)."""
    return [p.text for p in _read_pdf(path)[0]]


def _open_pypdf(path: Path):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")  # many PDFs are "encrypted" with an empty user password
            except DependencyError as exc:
                raise IngestError(
                    "Das PDF ist verschlüsselt (AES); dafür fehlt das Paket „cryptography“. Bitte „make setup“ "
                    "ausführen."
                ) from exc
            except (FileNotDecryptedError, PdfReadError, ValueError, NotImplementedError):
                ok = 0
            if not ok:
                raise IngestError(
                    "Das PDF ist passwortgeschützt und kann ohne Passwort nicht gelesen werden. Bitte eine "
                    "ungeschützte Fassung ablegen."
                )
        return reader
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(f"Das PDF ist beschädigt und kann nicht gelesen werden ({type(exc).__name__}).") from exc


def _pdf_meta(reader) -> tuple[list[str], list[tuple[int, str]], object]:
    """Page labels, outline and title; each is optional, so a damaged part costs only that part."""
    try:
        labels = list(reader.page_labels) if reader.page_labels else []
    except Exception:
        labels = []
    headings = _pdf_outline(reader)
    try:
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except Exception:
        title = None
    return labels, headings, title


def _read_pdf(path: Path, on_page: Callable[[int, int], None] | None = None,
              ) -> tuple[list[Page], list[tuple[int, str]], str | None, list[PageProblem]]:
    import pypdfium2 as pdfium

    from assistant.pdf_text import read_pdf_pages

    reader = _open_pypdf(path)
    labels, headings, raw_title = _pdf_meta(reader)
    try:
        pdf = pdfium.PdfDocument(str(path), password=None)
    except pdfium.PdfiumError:
        try:
            pdf = pdfium.PdfDocument(str(path), password="")
        except pdfium.PdfiumError as exc:
            raise IngestError(f"Das PDF ist beschädigt und kann nicht gelesen werden ({exc}).") from exc
    try:
        read = read_pdf_pages(pdf, on_page=on_page)
        ocr_pages = _ocr_where_needed(pdf, read)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(f"Das PDF ist beschädigt und kann nicht gelesen werden ({type(exc).__name__}).") from exc
    finally:
        pdf.close()
    pages: list[Page] = []
    problems: list[PageProblem] = []
    for i, text in enumerate(read.texts):
        info = read.info[i]
        label = labels[i] if i < len(labels) else str(i + 1)
        ocr = i in ocr_pages
        if ocr:
            text = ocr_pages[i]
        elif info.garbled:
            problems.append(PageProblem(i + 1, "Text unleserlich (Zeichen ohne Zuordnung); Seite übersprungen"))
            text = ""
        elif info.chars and not text.strip():
            problems.append(PageProblem(i + 1, "Text konnte nicht gelesen werden"))
        elif not info.chars and info.has_images:
            problems.append(PageProblem(i + 1, "Bild ohne Textebene (Texterkennung nicht verfügbar)"))
        text = _with_notes(text, read.notes[i])
        pages.append(Page(page_no=i + 1, page_label=str(label), text=text.strip(), ocr=ocr))
    title = usable_title(raw_title, path) or (headings[0][1] if headings else None) or _first_heading(pages)
    return pages, headings, title, problems


def _with_notes(text: str, notes: list[str]) -> str:
    """Footnotes stay apart from the body: after the page's first paragraph (which completes a sentence begun on
    the page before), so they never split a sentence that runs on to the next page."""
    if not notes:
        return text
    paras = text.split("\n")
    at = 1 if len(paras) > 1 else len(paras)
    return "\n".join(paras[:at] + notes + paras[at:])


def _first_heading(pages: list[Page]) -> str | None:
    for page in pages[:2]:
        for line in page.text.split("\n"):
            line = line.strip()
            if 3 <= len(line) <= 120 and not line.endswith((".", ",", ";")) and " | " not in line:
                return line
    return None


def _ocr_where_needed(pdf, read) -> dict[int, str]:
    """Pages with no text layer but an image (scans) are read by OCR where Tesseract is installed."""
    from assistant import ocr

    wanted = [i for i, info in enumerate(read.info)
              if (not info.chars and info.has_images) or info.garbled]
    if not wanted or not ocr.available():
        return {}
    out: dict[int, str] = {}
    for i in wanted:
        text = ocr.page_text(pdf, i)
        if text.strip():
            out[i] = text
    return _strip_ocr_furniture(out)


def _strip_ocr_furniture(pages: dict[int, str]) -> dict[int, str]:
    """Running headers/footers of scanned pages: a first or last line that recurs on other scanned pages (digits
    ignored) or is a bare page number."""
    from assistant.pdf_text import _PAGE_NUMBER, _furniture_key

    edges = Counter(_furniture_key(ln) for text in pages.values() for ln in _edge_lines(text))
    out = {}
    for i, text in pages.items():
        lines = text.split("\n")
        for edge in (0, -1):
            if len(lines) > 1 and (_PAGE_NUMBER.match(lines[edge]) or edges[_furniture_key(lines[edge])] >= 2):
                lines.pop(edge)
        out[i] = "\n".join(lines)
    return out


def _edge_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[:1] + lines[-1:] if len(lines) > 1 else []


def _pdf_outline(reader) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def walk(items, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                title = getattr(item, "title", None)
                if title:
                    out.append((level, str(title).strip()))

    try:
        walk(reader.outline, 1)
    except Exception:
        return []
    return out


# ---------------------------------------------------------------- HTML

def _load_html(path: Path) -> tuple[list[Page], list[tuple[int, str]], str | None]:
    from bs4 import BeautifulSoup

    raw = _read_text(path)
    soup = BeautifulSoup(raw, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(["script", "style", "noscript", "template", "nav", "header", "footer", "form", "iframe"]):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    lines: list[str] = []
    headings: list[tuple[int, str]] = []
    for el in root.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "blockquote", "dt", "dd"]):
        if el.name == "blockquote":
            continue  # its <p> children are visited on their own
        if el.name == "tr":
            text = " | ".join(c.get_text(" ", strip=True) for c in el.find_all(["td", "th"]))
        elif el.name == "li" and el.find(["p", "ul", "ol"]):
            text = el.find(string=True, recursive=False) or ""
            text = str(text).strip()
        else:
            text = el.get_text(" ", strip=True)
        text = re.sub(r"\s+", " ", text).strip()
        if not text:
            continue
        if el.name[0] == "h" and el.name[1:].isdigit():
            headings.append((int(el.name[1]), text))
        elif el.name == "li":
            text = f"- {text}"
        lines.append(text)
    return [Page(1, "1", "\n".join(lines))], headings, title


# ---------------------------------------------------------------- Markdown / text

def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"Die Textdatei ist nicht UTF-8-kodiert (ungültiges Byte an Position {exc.start}). "
            "Bitte als UTF-8 speichern."
        ) from exc


_MD_LIST_ITEM = re.compile(r"^(?:[-*+•]|\d{1,9}[.)])\s")  # a Markdown list item starts a line of its own


def _load_markdown(path: Path) -> tuple[list[Page], list[tuple[int, str]], str | None]:
    lines: list[str] = []
    headings: list[tuple[int, str]] = []
    wraps = False  # the last line is paragraph or list text that a soft line break continues
    for raw in _read_text(path).splitlines():
        m = re.match(r"^(#{1,6})\s+(.*)$", raw)
        if m:
            text = m.group(2).replace("**", "").strip()
            headings.append((len(m.group(1)), text))
            lines.append(text)
            wraps = False
            continue
        if re.match(r"^\s*\|?\s*:?-{3,}", raw):
            continue  # table separator row
        line = raw.replace("**", "").lstrip("> ").strip()
        if line.startswith("|"):
            line = " | ".join(c.strip() for c in line.strip("|").split("|"))
            wraps = False
        elif line and wraps and not _MD_LIST_ITEM.match(line):
            # in Markdown a single line break inside a paragraph is a space: "… kostet rund\n4 Mio. Euro." is one
            # sentence (a hard break, two spaces or a backslash at the line's end, keeps its line)
            lines[-1] += " " + line
            wraps = not raw.endswith(("  ", "\\"))
            continue
        else:
            wraps = bool(line) and not raw.endswith(("  ", "\\"))
        lines.append(line)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return [Page(1, "1", text)], headings, None


def _load_text(path: Path) -> tuple[list[Page], list[tuple[int, str]], str | None]:
    return [Page(1, "1", _read_text(path).strip())], [], None
