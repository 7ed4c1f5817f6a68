"""Structure-aware chunking: a heading starts a new chunk and stays with its text; every chunk knows its
document, page span, section path and character span in the document's text.

Headings come from the file (PDF outline, HTML/Markdown headings); where a file has none, numbered lines such
as "4.7 Schlüsselmaßnahmen" are taken as headings. Long sections are split with langchain's
RecursiveCharacterTextSplitter.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.documents import Document

PAGE_SEP = "\n\n"
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÄÖÜ„\"].{2,90})$")


@dataclass(frozen=True)
class Chunk:
    id: str
    doc: str
    title: str
    type: str
    stand: str
    areas: tuple[str, ...]
    audience: str
    reconstruction: bool
    page: int  # physical page where the chunk starts (1-based)
    page_end: int
    page_label: str
    page_label_end: str
    section: str  # "4 Die Kapitel … > 4.7 Schlüsselmaßnahmen"
    text: str  # the passage as it stands in the document (quoted in citations)
    start: int  # character span in the document text (pages joined by a blank line)
    end: int

    def embedding_text(self) -> str:
        """What gets embedded and BM25-indexed: the section heading gives short passages their topic."""
        head = self.section.split(" > ")[-1] if self.section else ""
        if head and not self.text.startswith(head):
            return f"{self.title}. {head}\n{self.text}"
        return f"{self.title}\n{self.text}"


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().lower()


def _find_headings(text: str, known: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """(offset, level, title) of heading lines in ``text``, in order."""
    known_norm: dict[str, int] = {}
    for level, title in known:
        known_norm.setdefault(_norm(title), level)
    found: list[tuple[int, int, str]] = []
    offset = 0
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        hit: tuple[int, str] | None = None
        consumed = 1
        if stripped and known_norm:
            key = _norm(stripped)
            if key in known_norm:
                hit = (known_norm[key], stripped)
            elif i + 1 < len(lines):  # a long heading wrapped over two lines in a PDF
                two = _norm(stripped + " " + lines[i + 1].strip())
                if two in known_norm:
                    hit, consumed = (known_norm[two], stripped + " " + lines[i + 1].strip()), 2
        if hit is None and not known_norm:
            m = _NUMBERED_HEADING.match(stripped)
            if m and not stripped.endswith((".", ",", ";", ":")):
                hit = (m.group(1).count(".") + 2, stripped)
        if hit:
            found.append((offset, hit[0], hit[1]))
        for _ in range(consumed):
            offset += len(lines[i]) + 1
            i += 1
    return found


def chunk_document(doc: Document, chunk_size: int = 900, chunk_overlap: int = 120) -> list[Chunk]:
    page_starts: list[int] = []
    parts: list[str] = []
    pos = 0
    for page in doc.pages:
        page_starts.append(pos)
        parts.append(page.text)
        pos += len(page.text) + len(PAGE_SEP)
    full = PAGE_SEP.join(parts)
    headings = _find_headings(full, doc.headings)

    # Sections: [start, end) with their heading path.
    sections: list[tuple[int, int, str]] = []
    stack: list[tuple[int, str]] = []
    bounds = [(0, 0, ""), *headings]
    for idx, (start, level, title) in enumerate(bounds):
        end = bounds[idx + 1][0] if idx + 1 < len(bounds) else len(full)
        if title:
            # The document title (top outline level) is not a section of itself.
            while stack and stack[-1][0] >= level:
                stack.pop()
            if (_norm(title) != _norm(doc.meta.title) and level > 1) or (not stack and level > 1):
                stack.append((level, title))
            elif level == 1:
                stack = []
        path = " > ".join(t for _, t in stack)
        if end > start:
            sections.append((start, end, path))

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
    )
    chunks: list[Chunk] = []
    for start, end, path in sections:
        body = full[start:end]
        if not body.strip():
            continue
        cursor = 0
        for piece in splitter.split_text(body):
            text = piece.strip()
            if len(text) < 3:
                continue
            local = body.find(text, max(0, cursor - chunk_overlap - len(text)))
            if local < 0:
                local = body.find(text)
            cursor = local + len(text)
            a, b = start + local, start + local + len(text)
            p0 = bisect.bisect_right(page_starts, a) - 1
            p1 = bisect.bisect_right(page_starts, max(a, b - 1)) - 1
            if len(text) < 40 and chunks and chunks[-1].doc == doc.meta.doc and path == chunks[-1].section:
                continue  # a stray tail (e.g. a lone bullet) is already inside the previous chunk's overlap
            chunks.append(
                Chunk(
                    id=f"{doc.meta.doc}::{len(chunks):04d}",
                    doc=doc.meta.doc,
                    title=doc.meta.title,
                    type=doc.meta.type,
                    stand=doc.meta.stand,
                    areas=doc.meta.areas,
                    audience=doc.meta.audience,
                    reconstruction=doc.meta.reconstruction,
                    page=doc.pages[p0].page_no,
                    page_end=doc.pages[p1].page_no,
                    page_label=doc.pages[p0].page_label,
                    page_label_end=doc.pages[p1].page_label,
                    section=path,
                    text=text,
                    start=a,
                    end=b,
                )
            )
    return chunks
