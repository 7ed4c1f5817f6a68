"""Where a passage comes from: one record from the chunker through the store and retrieval to the citation.

Before, the same fields (document, title, type, Stand, areas, pages, section …) were copied between five shapes,
and the areas joined and split again on the way. Now ``Chunk``, ``Passage`` and ``Citation`` carry one
``SourceRecord``, and converting to and from the store's flat metadata happens here only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace

AREA_SEPARATOR = "|"  # chroma metadata must be flat scalars: the areas tuple is stored as one string


@dataclass(frozen=True)
class PageBreak:
    """Where, inside a passage that runs over pages, the next page begins (so one sentence is cited by its page)."""

    offset: int  # character offset in the passage text
    page: int
    label: str


@dataclass(frozen=True)
class SourceRecord:
    doc: str  # file name relative to the corpus folder: the document's id
    title: str
    type: str
    stand: str
    areas: tuple[str, ...]
    audience: str
    reconstruction: bool
    page: int  # physical page where the passage starts (1-based)
    page_end: int
    page_label: str  # printed page label (may differ from the physical page)
    page_label_end: str
    section: str  # "4 Die Kapitel … > 4.7 Schlüsselmaßnahmen"
    ocr: bool = False  # some of the text comes from optical character recognition
    page_breaks: tuple[PageBreak, ...] = ()  # pages after the first, for passages that span pages

    def to_metadata(self) -> dict:
        data = asdict(self)
        data["areas"] = AREA_SEPARATOR.join(self.areas)
        data["page_breaks"] = json.dumps([[b.offset, b.page, b.label] for b in self.page_breaks])
        return data

    def at(self, start: int, end: int | None = None) -> SourceRecord:
        """The record narrowed to the pages of the text span [start, end) of the passage: a sentence is cited
        with the page it stands on (both pages when it runs over a page break)."""
        end = start + 1 if end is None else max(end, start + 1)
        page, label = self.page, self.page_label
        page_end, label_end = self.page, self.page_label
        for b in self.page_breaks:
            if b.offset <= start:
                page, label = b.page, b.label
            if b.offset < end:
                page_end, label_end = b.page, b.label
        page_end, label_end = (page_end, label_end) if page_end >= page else (page, label)
        return replace(self, page=page, page_end=page_end, page_label=label, page_label_end=label_end,
                       page_breaks=tuple(b for b in self.page_breaks if start < b.offset < end))

    @classmethod
    def from_metadata(cls, m: dict) -> SourceRecord:
        """From the store's metadata; tolerant of indexes written before a field existed."""
        page = int(m.get("page", 1))
        label = str(m.get("page_label", page))
        return cls(
            doc=m["doc"],
            title=m.get("title", m["doc"]),
            type=m.get("type", ""),
            stand=m.get("stand", ""),
            areas=tuple(a for a in str(m.get("areas", "")).split(AREA_SEPARATOR) if a),
            audience=m.get("audience", "alle"),
            reconstruction=bool(m.get("reconstruction", False)),
            page=page,
            page_end=int(m.get("page_end", page)),
            page_label=label,
            page_label_end=str(m.get("page_label_end", label)),
            section=m.get("section", ""),
            ocr=bool(m.get("ocr", False)),
            # indexes written before page breaks were stored cite the passage's whole page span
            page_breaks=tuple(PageBreak(int(o), int(pg), str(lb)) for o, pg, lb in json.loads(m.get("page_breaks")
                                                                                          or "[]")),
        )


RECORD_FIELDS = frozenset(f.name for f in fields(SourceRecord))


class FromRecord:
    """Read access to the record's fields on the objects that carry one (``passage.doc``, ``citation.page``), so
    code reads them where they are used without copying them."""

    record: SourceRecord

    @property
    def doc(self) -> str:
        return self.record.doc

    @property
    def title(self) -> str:
        return self.record.title

    @property
    def type(self) -> str:
        return self.record.type

    @property
    def stand(self) -> str:
        return self.record.stand

    @property
    def areas(self) -> tuple[str, ...]:
        return self.record.areas

    @property
    def audience(self) -> str:
        return self.record.audience

    @property
    def reconstruction(self) -> bool:
        return self.record.reconstruction

    @property
    def page(self) -> int:
        return self.record.page

    @property
    def page_end(self) -> int:
        return self.record.page_end

    @property
    def page_label(self) -> str:
        return self.record.page_label

    @property
    def page_label_end(self) -> str:
        return self.record.page_label_end

    @property
    def section(self) -> str:
        return self.record.section

    @property
    def ocr(self) -> bool:
        return self.record.ocr
