"""Structure-aware chunking on sentence boundaries: a heading starts a new chunk and stays with its text; every
chunk knows its document, page span, section path and character span in the document's text.

1. The pages are joined into one text (:func:`document_text`). A sentence that runs over a page break (the page
   ends without sentence-final punctuation and the next page goes on mid-sentence) is joined with a space, and a
   word hyphenated across the break is repaired ("Entwick-" + "lungskonzepte"), so it is one sentence with both
   pages. Other page breaks become a blank line.
2. Headings come from the file (PDF outline, HTML/Markdown headings); where a file has none, numbered lines such
   as "4.7 Schlüsselmaßnahmen" are taken as headings.
3. Each section is split into whole units (sentences, list items, table rows: :mod:`assistant.sentences`) and
   chunks are packed from whole units up to ``chunk_size``; the overlap is the previous chunk's last whole units
   up to ``chunk_overlap`` characters. A unit longer than a chunk (rare: a giant table row) is cut by langchain's
   RecursiveCharacterTextSplitter at clause boundaries, the only place a chunk can end inside a sentence.
4. A heading is never a chunk on its own: a heading directly followed by another heading goes into the next
   section's first chunk, and a heading or an introducing line ("Tipps:") never ends a chunk.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.documents import Document
from assistant.records import FromRecord, PageBreak, SourceRecord
from assistant.sentences import (
    INTRODUCER,
    LABEL_MAX,
    LIST_ITEM,
    Splitter,
    Unit,
    continues_sentence,
    default_splitter,
    heading_key,
)

PAGE_SEP = "\n\n"
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÄÖÜ„\"].{2,90})$")
# Coordination ellipsis: "Sozial-" + "und Gesundheitsberichte" keeps its hyphen.
_KEEP_HYPHEN_BEFORE = frozenset({"und", "oder", "bzw", "sowie", "bis", "als", "noch", "wie"})


@dataclass(frozen=True)
class Chunk(FromRecord):
    id: str
    record: SourceRecord  # document, pages, section: carried unchanged to the passage and the citation
    text: str  # the passage as it stands in the document text (quoted in citations)
    start: int  # character span in the document text (see document_text)
    end: int

    def embedding_text(self) -> str:
        """What gets embedded and BM25-indexed: the section heading gives short passages their topic."""
        head = self.section.split(" > ")[-1] if self.section else ""
        if head and not self.text.startswith(head):
            return f"{self.title}. {head}\n{self.text}"
        return f"{self.title}\n{self.text}"


@dataclass(frozen=True)
class DocumentText:
    text: str
    page_starts: list[int]  # offset in ``text`` where each page's text begins

    def page_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.page_starts, offset) - 1)


def _norm(s: str) -> str:
    return heading_key(s)


def _join(left: str, right: str) -> str:
    """The text to put between a page ending in ``left`` and a next page starting with ``right``: hyphenated
    words are rejoined ("Entwick-" + "lungskonzepte"), compounds keep their hyphen ("Marzahn-" + "Hellersdorf")."""
    if re.search(r"[^\W\d_]-$", left):
        first = re.match(r"\w+", right)
        word = first.group(0) if first else ""
        if word and word[0].islower() and word not in _KEEP_HYPHEN_BEFORE:
            return "\x00"  # marker: drop the hyphen, no space
        if word and (word[0].isupper() or word[0].isdigit()):
            return ""
    return " "


def document_text(doc: Document) -> DocumentText:
    """The document's pages as one text; chunk spans (``start``, ``end``) refer to it."""
    headings = {_norm(t) for _, t in doc.headings}
    text = ""
    starts: list[int] = []
    for page in doc.pages:
        body = page.text.strip()
        if not starts:
            starts.append(0)
            text = body
            continue
        prev_line = text.rstrip().rsplit("\n", 1)[-1].strip()
        next_line = body.split("\n", 1)[0].strip()
        if continues_sentence(prev_line, next_line, headings, page_break=True):
            sep = _join(prev_line, next_line)
            text = text.rstrip()
            if sep == "\x00":
                text, sep = text[:-1], ""
            text += sep
        else:
            text += PAGE_SEP
        starts.append(len(text))
        text += body
    return DocumentText(text, starts)


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


def _sections(full: str, doc: Document) -> tuple[list[tuple[int, int, str]], set[int]]:
    """Sections [start, end) with their heading path, and the offsets where a heading line starts."""
    headings = _find_headings(full, doc.headings)
    sections: list[tuple[int, int, str]] = []
    stack: list[tuple[int, str]] = []
    bounds = [(0, 0, ""), *headings]
    # A single top-level outline entry is the document's title, not a section of itself; several top-level
    # entries are chapters (office documents: one "Heading 1" per chapter).
    title_on_top = sum(1 for level, _ in doc.headings if level == 1) <= 1
    for idx, (start, level, title) in enumerate(bounds):
        end = bounds[idx + 1][0] if idx + 1 < len(bounds) else len(full)
        if title:
            while stack and stack[-1][0] >= level:
                stack.pop()
            if level == 1 and (title_on_top or _norm(title) == _norm(doc.meta.title)):
                stack = []
            elif _norm(title) != _norm(doc.meta.title) or not stack:
                stack.append((level, title))
        path = " > ".join(t for _, t in stack)
        if end > start:
            sections.append((start, end, path))
    return sections, {start for start, _, _ in headings}


def _sticky(u: Unit) -> bool:
    """Units that belong with what follows them: headings, introductions ("Tipps [Praxis]:"), labels."""
    if u.kind == "heading" or INTRODUCER.search(u.text):
        return True
    return u.kind == "line" and len(u.text) <= LABEL_MAX


def _split_long(u: Unit, chunk_size: int) -> list[Unit]:
    """A unit longer than a chunk, cut at clause boundaries (the one case of a chunk ending mid-sentence)."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=0,
                                              separators=["; ", ", ", " ", ""], keep_separator="end")
    out: list[Unit] = []
    cursor = 0
    for piece in splitter.split_text(u.text):
        piece = piece.strip()
        local = u.text.find(piece, cursor)
        if not piece or local < 0:
            continue
        cursor = local + len(piece)
        out.append(Unit(piece, u.start + local, u.start + local + len(piece), u.kind))
    return out


ITEM_REACH = 2  # a chunk that continues a list item may repeat up to this many overlaps to reach the item's label


def _item_reach(previous: list[Unit], u: Unit, overlap: list[Unit], chunk_size: int,
                chunk_overlap: int) -> list[Unit]:
    """The overlap of a chunk that starts inside a list item: the item from its first unit on ("4. Stadtteilhaus am
    Barnimplatz: geplanter Neubau. …" before "Die Kosten wurden auf rund 11,5 Mio. Euro geschätzt."), so that the
    chunk says what its sentences are about; the plain overlap when the item's start lies too far back."""
    if not chunk_overlap or u.kind != "item" or LIST_ITEM.match(u.text):
        return overlap
    opening = next((i for i in range(len(previous) - 1, -1, -1) if previous[i].kind != "item"
                    or LIST_ITEM.match(previous[i].text)), None)
    if opening is None or previous[opening].kind != "item":
        return overlap
    reach = previous[opening:]
    fits = reach[-1].end - reach[0].start <= ITEM_REACH * chunk_overlap and u.end - reach[0].start <= chunk_size
    return reach if fits and len(reach) > len(overlap) else overlap


def _pack(units: list[Unit], chunk_size: int, chunk_overlap: int) -> list[list[Unit]]:
    """Greedy packing of whole units into chunks of at most ``chunk_size`` characters (span from the first
    unit's start to the last one's end), each chunk after the first starting with an overlap of whole units."""
    def span(group: list[Unit]) -> int:
        return group[-1].end - group[0].start

    groups: list[list[Unit]] = []
    current: list[Unit] = []
    fresh = 0  # how many units of ``current`` are not overlap from the previous chunk
    for u in units:
        if current and span([*current, u]) > chunk_size and fresh:
            # Headings and introductions go with what follows, never at a chunk's end.
            carry: list[Unit] = []
            while len(current) > 1 and fresh > 1 and _sticky(current[-1]):
                carry.insert(0, current.pop())
                fresh -= 1
            groups.append(current)
            overlap: list[Unit] = []
            for prev in reversed(current):
                if prev.kind == "heading" or span([prev, *overlap]) > chunk_overlap:
                    break
                overlap.insert(0, prev)
            if not carry:
                overlap = _item_reach(current, u, overlap, chunk_size, chunk_overlap)
            if carry and span([*carry, u]) > chunk_size:
                current.extend(carry)  # rare: no room for both; better a heading at the end than a cut
                carry = []
            current = [*overlap, *carry]
            fresh = len(carry)
            while current and span([*current, u]) > chunk_size and len(current) > fresh:
                current.pop(0)  # the overlap gives way to new text
        current.append(u)
        fresh += 1
    if current and fresh:
        groups.append(current)
    return groups


def chunk_document(doc: Document, chunk_size: int = 900, chunk_overlap: int = 120,
                   splitter: Splitter | None = None) -> list[Chunk]:
    splitter = splitter or default_splitter()
    joined = document_text(doc)
    full = joined.text
    sections, _ = _sections(full, doc)
    heading_keys = {_norm(t) for _, t in doc.headings}

    chunks: list[Chunk] = []
    pending: list[Unit] = []  # a heading with no text of its own, waiting for the next section's text
    for start, end, path in sections:
        units = [Unit(u.text, u.start + start, u.end + start, u.kind)
                 for u in splitter.split(full[start:end], heading_keys)]
        if not any(u.kind != "heading" for u in units):
            pending.extend(units)
            continue
        units = [*pending, *units]
        pending = []
        sized = [piece for u in units for piece in (_split_long(u, chunk_size) if len(u.text) > chunk_size
                                                     else [u])]
        for group in _pack(sized, chunk_size, chunk_overlap):
            a, b = group[0].start, group[-1].end
            text = full[a:b]
            if all(u.kind == "heading" for u in group):
                continue
            p0, p1 = joined.page_index(a), joined.page_index(max(a, b - 1))
            chunks.append(
                Chunk(
                    id=f"{doc.meta.doc}::{len(chunks):04d}",
                    record=SourceRecord(
                        doc=doc.meta.doc, title=doc.meta.title, type=doc.meta.type, stand=doc.meta.stand,
                        areas=doc.meta.areas, audience=doc.meta.audience, reconstruction=doc.meta.reconstruction,
                        page=doc.pages[p0].page_no, page_end=doc.pages[p1].page_no,
                        page_label=doc.pages[p0].page_label, page_label_end=doc.pages[p1].page_label,
                        section=path, ocr=any(p.ocr for p in doc.pages[p0:p1 + 1]),
                        page_breaks=tuple(
                            PageBreak(max(0, joined.page_starts[i] - a), doc.pages[i].page_no, doc.pages[i].page_label)
                            for i in range(p0 + 1, p1 + 1)),
                    ),
                    text=text,
                    start=a,
                    end=b,
                )
            )
    return chunks
