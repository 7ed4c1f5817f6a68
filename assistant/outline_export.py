"""The planner's chapter outline as a Word document, as Markdown and as plain text.

The planner's edits (ticks, notes, order, dropped items) come from the browser as a list of ``Edit`` s in the
order the items should appear; items not in the list were dropped. The sources are numbered again in the order the
kept items cite them, so the exported list has no gaps and no sources of dropped items.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from assistant.citations import LEGEND, Citation
from assistant.errors import UserFacingError
from assistant.outline import KINDS, Item, Outline, section_title

NOTE_MAX_CHARS = 5000  # a planner's note per item; longer input is refused, not cut
GENERATOR = "GI-Assistent"
# Characters XML 1.0 (and so Word) does not allow. Word writes a line break typed with Shift+Enter as \x0b, and
# text copied from it brings that along: it becomes a line break, the rest is dropped.
_XML_INVALID = re.compile("[\x00-\x08\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _XML_INVALID.sub("", text.replace("\x0b", "\n"))


class ExportError(UserFacingError, ValueError):
    """The edits cannot be applied (malformed), or the format is unknown."""


@dataclass(frozen=True)
class Edit:
    id: str
    checked: bool = False
    note: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Edit:
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ExportError("Jeder Punkt braucht eine Kennung („id“).")
        note = data.get("note") or ""
        if not isinstance(note, str):
            raise ExportError("Eine Notiz muss Text sein.")
        if len(note) > NOTE_MAX_CHARS:
            raise ExportError(f"Eine Notiz ist zu lang ({len(note):,} Zeichen; höchstens {NOTE_MAX_CHARS:,}). "
                              "Bitte kürzen.".replace(",", "."))
        return cls(data["id"], bool(data.get("checked", False)), xml_safe(note).strip())


@dataclass(frozen=True)
class Entry:
    item: Item
    checked: bool
    note: str
    n: int | None  # the source number in the export


@dataclass(frozen=True)
class Export:
    outline: Outline
    parts: list[tuple[str, list[Entry]]]  # (section heading, entries) in KINDS order, empty parts left out
    sources: list[tuple[int, Citation]]  # (export number, citation)
    base_url: str
    today: date

    @property
    def title(self) -> str:
        return f"Kapitel {self.outline.chapter.title}"

    def subtitle(self) -> str:
        area = f"Handlungsraum: {self.outline.area} · " if self.outline.area else ""
        return (f"{area}Erstellt mit dem {GENERATOR}en am {self.today:%d.%m.%Y}. Jede Aussage ist mit [n] belegt; "
                "die Quellen stehen am Ende.")

    def uses_tags(self) -> bool:
        return any(re.search(r"\[(GI|Praxis)\]", e.item.text) for _, entries in self.parts for e in entries)

    def source_line(self, n: int, c: Citation) -> str:
        return c.source_line(n, self.base_url)

    def url(self, c: Citation) -> str:
        return f"{self.base_url.rstrip('/')}{c.url}" if self.base_url else c.url


def apply_edits(outline: Outline, edits: Sequence[Edit | dict] | None, *, base_url: str = "",
                today: date | None = None) -> Export:
    """The outline as the planner shaped it. ``edits`` None keeps every item, unticked, in the outline's order;
    ids the outline does not know (an outline rebuilt after a re-ingest) are skipped."""
    items = {i.id: i for i in outline.items}
    if edits is None:
        chosen = [Edit(i.id) for i in outline.items]
    else:
        chosen = [e if isinstance(e, Edit) else Edit.from_dict(e) for e in edits]
    by_cite = {c.n: c for c in outline.citations}
    renumber: dict[int, int] = {}
    per_kind: dict[str, list[Entry]] = {k: [] for k in KINDS}
    seen: set[str] = set()
    for e in chosen:
        item = items.get(e.id)
        if item is None or e.id in seen:
            continue
        seen.add(e.id)
        n = None
        if item.n is not None:
            n = renumber.setdefault(item.n, len(renumber) + 1)
        per_kind[item.kind].append(Entry(item, e.checked, e.note, n))
    parts = [(section_title(k, outline.area), per_kind[k]) for k in KINDS if per_kind[k]]
    sources = sorted(((new, by_cite[old]) for old, new in renumber.items()), key=lambda s: s[0])
    return Export(outline, parts, sources, base_url, today or date.today())


def _line(entry: Entry) -> str:
    cite = f" [{entry.n}]" if entry.n else ""
    extra = f" ({entry.item.note})" if entry.item.note else ""
    return f"{entry.item.text}{extra}{cite}"


def _note_lines(note: str, first_prefix: str, prefix: str) -> list[str]:
    first, *rest = note.splitlines()
    return [f"{first_prefix}{first}", *(f"{prefix}{line}" for line in rest)]


def _body(export: Export, *, heading: str, item: str, note: str, note_more: str, esc=lambda t: t) -> list[str]:
    """The parts with their items and notes, then the legend: the same for Markdown and plain text, which differ
    only in the prefixes (``heading``, ``item`` with "{tick}", the note's first and further lines) and escaping."""
    out: list[str] = []
    for title, entries in export.parts:
        out += [f"{heading}{esc(title)}", *([""] if heading else [])]
        for e in entries:
            out.append(item.format(tick="x" if e.checked else " ") + esc(_line(e)))
            if e.note:
                out += _note_lines(esc(e.note), note, note_more)
        out.append("")
    if export.uses_tags():
        out += [esc(LEGEND), ""]
    return out


def to_markdown(export: Export) -> str:
    def esc(text: str) -> str:  # only what would change the meaning in Markdown; [n] stays readable
        return re.sub(r"^#", r"\\#", re.sub(r"([\\`*_<>])", r"\\\1", text), flags=re.M)

    out = [f"# {esc(export.title)}", "", esc(export.subtitle()), ""]
    for notice in export.outline.notices:
        out += [f"> {esc(notice)}", ""]
    out += _body(export, heading="## ", item="- [{tick}] ", note="  > Notiz: ", note_more="  > ", esc=esc)
    out += ["## Quellen", ""]
    for n, c in export.sources:
        stand = f" (Stand: {c.stand})" if c.stand else ""
        notice = f" – {c.notice}" if c.notice else ""
        out.append(f"- [{n}] {esc(c.title + stand + c.pages())}. <{export.url(c)}>{esc(notice)}")
    return "\n".join(out).rstrip() + "\n"


def to_text(export: Export) -> str:
    """Plain text for the clipboard: no Markdown, ticks as [x] / [ ], ends with the source list."""
    out = [export.title, export.subtitle(), ""]
    out += [*export.outline.notices, ""] if export.outline.notices else []
    out += _body(export, heading="", item="[{tick}] ", note="    Notiz: ", note_more="    ")
    out += ["Quellen"] + [export.source_line(n, c) for n, c in export.sources]
    return "\n".join(out).rstrip() + "\n"


def _hyperlink(paragraph, url: str, text: str) -> None:
    """python-docx has no API to add a hyperlink run (only to read them), so the relationship and the
    ``w:hyperlink`` element are written here, styled like Word's own links."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "1F4E9B")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(color)
    props.append(underline)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def to_docx(export: Export) -> bytes:
    """A Word document: the chapter as heading, the parts as subheadings, items with ☒/☐, the planner's notes
    indented in italics, then the numbered source list with title, Stand, page, link and notices."""
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    doc.core_properties.title = export.title
    doc.core_properties.author = GENERATOR
    doc.core_properties.language = "de-DE"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(xml_safe(export.title), level=1)
    doc.add_paragraph(xml_safe(export.subtitle()))
    for notice in export.outline.notices:
        doc.add_paragraph(xml_safe(notice)).runs[0].italic = True
    for heading, entries in export.parts:
        doc.add_heading(heading, level=2)
        for e in entries:
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(0.6)
            p.paragraph_format.first_line_indent = Cm(-0.6)
            p.add_run(xml_safe(("☒ " if e.checked else "☐ ") + _line(e)))
            if e.note:
                note = doc.add_paragraph()
                note.paragraph_format.left_indent = Cm(1.2)
                run = note.add_run("Notiz: " + e.note)
                run.italic = True
    if export.uses_tags():
        doc.add_paragraph(LEGEND).runs[0].italic = True
    doc.add_heading("Quellen", level=2)
    for n, c in export.sources:
        p = doc.add_paragraph()
        stand = f" (Stand: {c.stand})" if c.stand else ""
        p.add_run(xml_safe(f"[{n}] {c.title}{stand}{c.pages()}. "))
        _hyperlink(p, export.url(c), export.url(c))
        if c.notice:
            p.add_run(f" – {c.notice}").italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


FORMATS = {"docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
           "md": ("text/markdown; charset=utf-8", "md"), "txt": ("text/plain; charset=utf-8", "txt")}


def render(export: Export, fmt: str) -> bytes:
    if fmt == "docx":
        return to_docx(export)
    if fmt == "md":
        return to_markdown(export).encode("utf-8")
    if fmt == "txt":
        return to_text(export).encode("utf-8")
    raise ExportError(f"Unbekanntes Format „{fmt}“. Möglich: {', '.join(FORMATS)}.")


def file_name(outline: Outline, fmt: str) -> str:
    """A file name a Windows desktop accepts: ASCII letters, digits and dashes."""
    base = f"Kapitel {outline.chapter.title} {outline.area or ''}"
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss")):
        base = base.replace(a, b)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", base).strip("-")
    return f"{slug}.{FORMATS[fmt][1]}"
