"""Where a passage comes from: one record from the chunker through the store and retrieval to the citation.

Before, the same fields (document, title, type, Stand, areas, pages, section …) were copied between five shapes,
and the areas joined and split again on the way. Now ``Chunk``, ``Passage`` and ``Citation`` carry one
``SourceRecord``, and converting to and from the store's flat metadata happens here only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

AREA_SEPARATOR = "|"  # chroma metadata must be flat scalars: the areas tuple is stored as one string


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

    def to_metadata(self) -> dict:
        data = asdict(self)
        data["areas"] = AREA_SEPARATOR.join(self.areas)
        return data

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
