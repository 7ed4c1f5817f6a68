"""Load corpus files (PDF, HTML, Markdown, plain text) into pages with document metadata.

Every problem with a file becomes an :class:`IngestError` with a German reason a user can act on; the caller
reports it and goes on with the other files.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.errors import UserFacingError

SUPPORTED = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "markdown", ".txt": "text"}
CATALOGUE = "documents.yaml"
# Files in the corpus folder that describe the corpus rather than belong to it.
NOT_DOCUMENTS = {CATALOGUE, "SOURCES.md", "README.md", "glossary.yaml"}
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


@dataclass
class Document:
    meta: DocMeta
    pages: list[Page]
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, title) known from the file


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


def load(path: Path, corpus_dir: Path, catalogue: dict[str, dict], max_mb: float = 50.0) -> Document:
    kind = check_file(path, max_mb)
    loader = {"pdf": _load_pdf, "html": _load_html, "markdown": _load_markdown, "text": _load_text}[kind]
    pages, headings, found_title = loader(path)
    if not any(p.text.strip() for p in pages):
        if kind == "pdf":
            raise IngestError(
                "Das PDF enthält keinen auslesbaren Text (vermutlich ein Scan). "
                "Texterkennung (OCR) wird nicht unterstützt."
            )
        raise IngestError("Die Datei enthält keinen Text.")
    rel = path.relative_to(corpus_dir).as_posix()
    meta = _metadata(rel, path, kind, pages, headings, found_title, catalogue.get(rel, {}))
    return Document(meta=meta, pages=pages, headings=headings)


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

_SOFT_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w+)")
_KEEP_HYPHEN_BEFORE = {"und", "oder", "bzw", "sowie", "bis", "als", "noch", "wie"}
_PAGE_NUMBER_LINE = re.compile(r"^\s*(?:Seite\s+)?[-–]?\s*[0-9ivxlcdm]+\s*(?:/\s*\d+|von\s+\d+)?\s*[-–]?\s*$", re.I)


def rejoin_hyphenation(text: str) -> str:
    """Rejoin words split by a line-end hyphen, but keep real compounds.

    "Schlüssel-\\nmaßnahmen" becomes "Schlüsselmaßnahmen"; "Marzahn-\\nHellersdorf" (capital after the hyphen) and
    "Kinder-\\nund Jugend" (coordination ellipsis) keep their hyphen. pypdf offers no such step, so it is here.
    """
    text = text.replace("\u00ad\n", "").replace("\u00ad", "")

    def join(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        if right[0].isupper() or right[0].isdigit() or right.lower() in _KEEP_HYPHEN_BEFORE:
            return f"{left}-{right}" if right[0].isupper() or right[0].isdigit() else f"{left}- {right}"
        return f"{left}{right}"

    return _SOFT_HYPHEN_BREAK.sub(join, text)


def _norm_furniture(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove running headers/footers: a line is furniture when the same text (digits ignored) stands at the
    same edge position (first, second, last, second-to-last text line) on at least half of the pages (three
    pages or more). Bare page numbers at the edges go too. Stripping works outside-in and never empties a page."""
    def text_lines(lines: list[str]) -> list[str]:
        return [x for x in lines if x.strip()]

    furniture: set[tuple[int, str]] = set()
    if len(pages) >= 3:
        seen: Counter[tuple[int, str]] = Counter()
        for lines in pages:
            tl = text_lines(lines)
            for pos in (0, 1, -1, -2):
                if -len(tl) <= pos < len(tl):
                    seen[(pos, _norm_furniture(tl[pos]))] += 1
        threshold = max(2, (len(pages) + 1) // 2)
        furniture = {key for key, n in seen.items() if n >= threshold}

    cleaned = []
    for lines in pages:
        out = list(lines)
        for edge in (0, -1):
            for depth in (0, 1):
                while out and not out[edge].strip():
                    out.pop(edge)
                if not out:
                    break
                pos = depth if edge == 0 else -1 - depth
                line = out[edge]
                is_furniture = (pos, _norm_furniture(line)) in furniture or bool(_PAGE_NUMBER_LINE.match(line))
                if not is_furniture or len(text_lines(out)) <= 1:
                    break
                out.pop(edge)
        cleaned.append(out)
    return cleaned


_LIST_START = re.compile(r"^\s*(?:[•\-–*▪]|\d{1,2}[.)]\s|\d{1,2}(?:\.\d{1,2})+\s)")
_GAP = re.compile(r"\S(?:.*?\S)?(?=\s{3,}|$)")


def _segments(line: str) -> list[tuple[int, str]]:
    """Text runs of a layout line separated by 3+ spaces: [(column, text)]."""
    return [(m.start(), m.group(0)) for m in _GAP.finditer(line) if m.group(0).strip()]


def _table_rows(lines: list[str]) -> list[str]:
    """Rebuild table rows from layout-mode lines: columns from the header line, a new row wherever every
    column has text (cells are top-aligned), wrapped cell lines appended to their cell."""
    cols = [c for c, _ in _segments(lines[0])]
    rows: list[list[str]] = []
    for line in lines:
        cells = [""] * len(cols)
        for pos, text in _segments(line):
            idx = max([i for i, c in enumerate(cols) if c <= pos + 2] or [0])
            cells[idx] = f"{cells[idx]} {text}".strip()
        if not rows or all(cells) or (len(cells) > 2 and cells[0] and cells[1]):
            rows.append(cells)
        else:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
    return [" | ".join(r) for r in rows]


def _heading_key(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().lower()


def layout_to_text(lines: list[str], headings: set[str] | frozenset[str] = frozenset()) -> str:
    """Turn pypdf's layout-mode lines into logical lines: paragraphs and list items joined, tables as
    "cell | cell" rows, a known heading (from the PDF outline) always on a line of its own. Blocks are
    separated by blank lines in layout mode."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    out: list[str] = []
    for block in blocks:
        if not block:
            continue
        indent = min(len(x) - len(x.lstrip()) for x in block)
        block = [x[indent:] for x in block]
        if len(block) >= 2 and len(_segments(block[0])) >= 2 and not _LIST_START.match(block[0]):
            out.extend(_table_rows(block))
            continue
        logical: list[str] = []
        after_heading = False
        for line in block:
            stripped = line.strip()
            is_heading = _heading_key(stripped) in headings
            starts_item = bool(_LIST_START.match(stripped)) or is_heading or after_heading
            after_heading = is_heading
            if logical and not starts_item and not logical[-1].endswith(":"):
                logical[-1] = f"{logical[-1]}\n{stripped}"  # joined after hyphenation repair
            elif logical and not starts_item and line.startswith(" "):
                logical[-1] = f"{logical[-1]}\n{stripped}"
            else:
                logical.append(stripped)
        out.extend(re.sub(r"\s*\n\s*", " ", rejoin_hyphenation(x)) for x in logical)
    return "\n".join(out)


def _load_pdf(path: Path) -> tuple[list[Page], list[tuple[int, str]], str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")  # many PDFs are "encrypted" with an empty user password
            except Exception:
                ok = 0
            if not ok:
                raise IngestError("Das PDF ist passwortgeschützt und kann nicht gelesen werden.")
        raw_pages = [_page_lines(page) for page in reader.pages]
        labels = list(reader.page_labels) if reader.page_labels else []
        headings = _pdf_outline(reader)
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, AssertionError, ZeroDivisionError) as exc:
        raise IngestError(f"Das PDF ist beschädigt und kann nicht gelesen werden ({type(exc).__name__}).") from exc
    except Exception as exc:
        raise IngestError(f"Das PDF ist beschädigt und kann nicht gelesen werden ({type(exc).__name__}).") from exc
    line_pages = strip_running_lines(raw_pages)
    heading_keys = {_heading_key(t) for _, t in headings}
    pages = []
    for i, lines in enumerate(line_pages):
        label = labels[i] if i < len(labels) else str(i + 1)
        text = layout_to_text(lines, heading_keys).strip()
        pages.append(Page(page_no=i + 1, page_label=str(label), text=text))
    return pages, headings, (str(title).strip() or None) if title else None


def _page_lines(page) -> list[str]:
    """Layout mode keeps blank lines between blocks and table columns; fall back to plain mode."""
    try:
        text = page.extract_text(extraction_mode="layout") or ""
    except Exception:
        text = page.extract_text() or ""
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


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


def _load_markdown(path: Path) -> tuple[list[Page], list[tuple[int, str]], str | None]:
    lines: list[str] = []
    headings: list[tuple[int, str]] = []
    for line in _read_text(path).splitlines():
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            text = m.group(2).replace("**", "").strip()
            headings.append((len(m.group(1)), text))
            lines.append(text)
            continue
        if re.match(r"^\s*\|?\s*:?-{3,}", line):
            continue  # table separator row
        line = line.replace("**", "").lstrip("> ").strip()
        if line.startswith("|"):
            line = " | ".join(c.strip() for c in line.strip("|").split("|"))
        lines.append(line)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return [Page(1, "1", text)], headings, None


def _load_text(path: Path) -> tuple[list[Page], list[tuple[int, str]], str | None]:
    return [Page(1, "1", _read_text(path).strip())], [], None
