"""Office-made test PDFs with known text: python-docx writes a Word document, LibreOffice headless prints it.

Why: the product must read PDFs the way offices make them (columns, justified text with automatic hyphenation,
running headers that change per chapter, "Seite N von M" footers, tables, footnotes, ligature fonts). Building
them from a known source gives a ground truth to score extractors against (assistant/extraction_eval.py).

Use as a module::

    from scripts.office_pdfs import write_office_pdf
    write_office_pdf([("Titel", ["Absatz 1 …", "Absatz 2 …"])], Path("out/a.pdf"), columns=2)

or build the committed set: ``python scripts/office_pdfs.py --out tests/data/office``.
Needs LibreOffice writer (Debian libreoffice-writer-nogui), hyphen-de (German hyphenation patterns) and
fonts-linuxlibertine; python-docx and pypdf (+ cryptography for AES) in the venv.

Next to every PDF goes ``<name>.json``: title, headings (with the page pypdf finds them on via the PDF outline),
body paragraphs in reading order, tables (rows of cells), footnotes, and the running header/footer strings per
page, which must not show up inside body text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

XQUAD_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "xquad-de-dev" / "xquad-de-dev.json"
DEFAULT_FONT = "Linux Libertine O"  # OpenType liga feature: LibreOffice shapes fi, fl, ff, ffi into one glyph
LANGUAGE = "de-DE"  # without it LibreOffice hyphenates with the wrong (or no) patterns
SOFFICE_TIMEOUT_S = 300
FIXED_DATE = dt.datetime(2024, 1, 15, 9, 0, 0, tzinfo=dt.UTC)  # same input -> same document properties
CM = 360000  # EMU per centimetre
TWIPS_PER_CM = 567
PAGE_W_CM, PAGE_H_CM = 21.0, 29.7
MARGIN_CM = {"left": 2.5, "right": 2.0, "top": 2.5, "bottom": 2.0}
COLUMN_GAP_CM = 0.8
# Body font size by column count: narrower columns get smaller type, as office templates do.
FONT_PT = {1: 11.0, 2: 10.0, 3: 9.0}
LIGATURE_FORMS = {"ff": "\ufb00", "fi": "\ufb01", "fl": "\ufb02", "ffi": "\ufb03", "ffl": "\ufb04"}


@dataclass
class Table:
    """rows[0] is the header row. widths are relative column widths."""

    rows: list[list[str]]
    bordered: bool = True
    widths: tuple[float, ...] | None = None


@dataclass
class Article:
    heading: str
    paragraphs: list[str]
    tables: list[Table] = field(default_factory=list)  # placed after the paragraphs
    footnotes: dict[int, str] = field(default_factory=dict)  # paragraph index -> footnote text (mark at its end)


ArticleLike = Article | tuple[str, Sequence[str]]


# ------------------------------------------------------------------ source text


def load_xquad(path: Path = XQUAD_PATH) -> list[dict]:
    """The articles of the XQuAD-de dev half: [{"title", "paragraphs": [str], "qas": [(question, answer)]}]."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    out = []
    for art in data:
        qas = [(qa["question"], qa["answers"][0]["text"]) for p in art["paragraphs"] for qa in p["qas"]]
        out.append({
            "title": art["title"].replace("_", " "),
            # U+FEFF (a byte-order mark left inside four contexts) is no text: it would be invisible in print.
            "paragraphs": [p["context"].replace("\ufeff", "").strip() for p in art["paragraphs"]],
            "qas": qas,
        })
    return out


def _as_article(item: ArticleLike) -> Article:
    if isinstance(item, Article):
        return item
    heading, paragraphs = item
    return Article(heading=heading, paragraphs=list(paragraphs))


# ------------------------------------------------------------------ OOXML helpers


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _el(tag: str, **attrs: str):
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{tag}")
    for key, val in attrs.items():
        el.set(_w(key), val)
    return el


def _set_run_font(rpr, font: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    """Explicit font on every script slot; theme attributes would override the name otherwise."""
    for old in rpr.findall(_w("rFonts")):
        rpr.remove(old)
    rpr.insert(0, _el("rFonts", ascii=font, hAnsi=font, cs=font, eastAsia=font))
    if size_pt is not None:
        for tag in ("sz", "szCs"):
            for old in rpr.findall(_w(tag)):
                rpr.remove(old)
            rpr.append(_el(tag, val=str(round(size_pt * 2))))
    if bold is not None:
        for old in rpr.findall(_w("b")):
            rpr.remove(old)
        if bold:
            rpr.append(_el("b"))
    for old in rpr.findall(_w("lang")):
        rpr.remove(old)
    rpr.append(_el("lang", val=LANGUAGE, eastAsia=LANGUAGE, bidi="ar-SA"))


def _style_fonts(doc, font: str, body_pt: float) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    # docDefaults carry the language too: LibreOffice reads hyphenation language from there.
    styles_el = doc.styles.element
    rpr_default = styles_el.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if rpr_default is not None:
        _set_run_font(rpr_default, font)
    normal = doc.styles["Normal"]
    _set_run_font(normal.element.get_or_add_rPr(), font, body_pt)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, bold in (("Heading 1", body_pt + 4, True), ("Title", body_pt + 10, True),
                             ("Header", body_pt - 1.5, False), ("Footer", body_pt - 1.5, False)):
        style = doc.styles[name]
        _set_run_font(style.element.get_or_add_rPr(), font, size, bold)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    doc.styles["Title"].paragraph_format.space_after = Pt(10)
    # The template's title has a bottom border and theme colour; offices use plain bold titles just as often.
    title_ppr = doc.styles["Title"].element.get_or_add_pPr()
    for old in title_ppr.findall(_w("pBdr")):
        title_ppr.remove(old)
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(6)
    doc.styles["Heading 1"].paragraph_format.space_after = Pt(6)


def _auto_hyphenation(doc) -> None:
    """w:autoHyphenation in settings.xml: Word and LibreOffice then hyphenate every paragraph (schema order:
    after w:defaultTabStop)."""
    settings = doc.settings.element
    if settings.find(_w("autoHyphenation")) is not None:
        return
    anchor = settings.find(_w("defaultTabStop"))
    el = _el("autoHyphenation")
    if anchor is not None:
        anchor.addnext(el)
    else:
        settings.insert(0, el)


def _set_page(section, columns: int) -> None:
    from docx.shared import Cm

    section.page_width, section.page_height = Cm(PAGE_W_CM), Cm(PAGE_H_CM)
    section.left_margin, section.right_margin = Cm(MARGIN_CM["left"]), Cm(MARGIN_CM["right"])
    section.top_margin, section.bottom_margin = Cm(MARGIN_CM["top"]), Cm(MARGIN_CM["bottom"])
    section.header_distance, section.footer_distance = Cm(1.2), Cm(1.0)
    sect_pr = section._sectPr
    for old in sect_pr.findall(_w("cols")):
        sect_pr.remove(old)
    cols = _el("cols", num=str(columns), space=str(round(COLUMN_GAP_CM * TWIPS_PER_CM)))
    # w:cols belongs after w:pgMar/w:pgNumType in CT_SectPr; appending before docGrid keeps Word happy too.
    grid = sect_pr.find(_w("docGrid"))
    if grid is not None:
        grid.addprevious(cols)
    else:
        sect_pr.append(cols)


def _column_width_cm(columns: int) -> float:
    text_w = PAGE_W_CM - MARGIN_CM["left"] - MARGIN_CM["right"]
    return (text_w - (columns - 1) * COLUMN_GAP_CM) / columns


def _add_field(paragraph, instr: str, placeholder: str) -> None:
    fld = _el("fldSimple", instr=f" {instr} ")
    run = _el("r")
    text = _el("t")
    text.text = placeholder
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _write_header_footer(section, header_text: str | None, with_footer: bool) -> None:
    if header_text is not None:
        section.header.is_linked_to_previous = False
        hp = section.header.paragraphs[0]
        hp.text = header_text
    if with_footer:
        section.footer.is_linked_to_previous = False
        fp = section.footer.paragraphs[0]
        fp.text = ""
        fp.add_run("Seite ")
        _add_field(fp, "PAGE", "1")
        fp.add_run(" von ")
        _add_field(fp, "NUMPAGES", "1")


def _add_table(doc, table: Table, width_cm: float) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    ncols = len(table.rows[0])
    t = doc.add_table(rows=len(table.rows), cols=ncols)
    if table.bordered:
        t.style = doc.styles["Table Grid"]
    t.autofit = False
    rel = table.widths or tuple(1.0 for _ in range(ncols))
    widths = [Cm(width_cm * r / sum(rel)) for r in rel]
    for r, row in enumerate(table.rows):
        for c, cell_text in enumerate(row):
            cell = t.cell(r, c)
            cell.width = widths[c]
            para = cell.paragraphs[0]
            para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            para.paragraph_format.space_after = Pt(0)
            run = para.add_run(cell_text)
            run.bold = r == 0
    # Word reads column widths from tblGrid; set it so LibreOffice does not spread columns evenly.
    grid = t._tbl.tblGrid
    for gc, w in zip(grid.findall(_w("gridCol")), widths, strict=True):
        gc.set(_w("w"), str(round(w.cm * TWIPS_PER_CM)))
    doc.add_paragraph()  # offices leave an empty paragraph after a table; it also keeps tables apart


class _Footnotes:
    """Raw OOXML footnotes part: python-docx 1.2 has no footnote API."""

    def __init__(self, doc, font: str, size_pt: float) -> None:
        self.doc = doc
        self.font = font
        self.size_pt = size_pt
        self.notes: list[str] = []

    def reference(self, paragraph, text: str) -> None:
        self.notes.append(text)
        run = _el("r")
        rpr = _el("rPr")
        rpr.append(_el("vertAlign", val="superscript"))
        run.append(rpr)
        run.append(_el("footnoteReference", id=str(len(self.notes))))
        paragraph._p.append(run)

    def attach(self) -> None:
        if not self.notes:
            return
        from xml.sax.saxutils import escape

        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        size = str(round(self.size_pt * 2))
        rfonts = f'<w:rFonts w:ascii="{self.font}" w:hAnsi="{self.font}" w:cs="{self.font}"/>'
        body = [
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
            "</w:p></w:footnote>",
        ]
        for i, note in enumerate(self.notes, start=1):
            rpr = f'<w:rPr>{rfonts}<w:sz w:val="{size}"/><w:lang w:val="{LANGUAGE}"/></w:rPr>'
            body.append(
                f'<w:footnote w:id="{i}"><w:p><w:pPr><w:jc w:val="both"/></w:pPr>'
                f'<w:r><w:rPr>{rfonts}<w:vertAlign w:val="superscript"/><w:sz w:val="{size}"/></w:rPr>'
                f"<w:footnoteRef/></w:r>"
                f'<w:r>{rpr}<w:t xml:space="preserve"> {escape(note)}</w:t></w:r></w:p></w:footnote>'
            )
        xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{ns}">'
        xml += "".join(body) + "</w:footnotes>"
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), self.doc.part.package)
        self.doc.part.relate_to(part, RT.FOOTNOTES)


# ------------------------------------------------------------------ document


def build_docx(
    articles: Sequence[ArticleLike],
    out_docx: Path,
    columns: int = 2,
    *,
    doc_title: str | None = None,
    title_area: bool = False,
    font: str = DEFAULT_FONT,
    font_pt: float | None = None,
) -> dict:
    """Write the Word document; return the ground truth known before printing (pages are added later).

    Each article is a chapter in its own section starting on a new page, with a running header naming the
    chapter; one footer "Seite N von M" (PAGE/NUMPAGES fields) for all. title_area puts the document title, the
    first heading and the first paragraph in a one-column area above the columns (continuous section break).
    """
    import docx
    from docx.enum.section import WD_SECTION

    arts = [_as_article(a) for a in articles]
    if not arts:
        raise ValueError("no articles")
    body_pt = font_pt or FONT_PT.get(columns, 9.0)
    doc = docx.Document()
    _style_fonts(doc, font, body_pt)
    _auto_hyphenation(doc)
    props = doc.core_properties
    props.title = doc_title or arts[0].heading
    props.author = "GI-Assistent Testsatz"
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1
    footnotes = _Footnotes(doc, font, body_pt - 2)
    col_w = _column_width_cm(columns)
    header_prefix = doc_title or "Testsatz"
    truth: dict = {
        "title": doc_title, "headings": [], "body": [], "tables": [], "footnotes": [], "chapter_headers": [],
    }

    for n, art in enumerate(arts, start=1):
        header = f"{header_prefix} · Kapitel {n}: {art.heading}"
        truth["chapter_headers"].append(header)
        if n == 1:
            section = doc.sections[0]
            first_cols = 1 if title_area else columns
            _set_page(section, first_cols)
            _write_header_footer(section, header, with_footer=True)
            if doc_title and title_area:
                doc.add_paragraph(doc_title, style="Title")
        else:
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            _set_page(section, columns)
            _write_header_footer(section, header, with_footer=False)
        doc.add_paragraph(art.heading, style="Heading 1")
        truth["headings"].append({"text": art.heading, "body_start": len(truth["body"])})
        for i, text in enumerate(art.paragraphs):
            para = doc.add_paragraph(text)
            truth["body"].append(text)
            if i in art.footnotes:
                footnotes.reference(para, art.footnotes[i])
                truth["footnotes"].append(art.footnotes[i])
            if n == 1 and i == 0 and title_area:
                # Continuous break: the lead paragraph spans the page, the rest runs in columns below it.
                section = doc.add_section(WD_SECTION.CONTINUOUS)
                _set_page(section, columns)
        for table in art.tables:
            _add_table(doc, table, col_w)
            truth["tables"].append({"bordered": table.bordered, "rows": table.rows})
    footnotes.attach()
    out_docx.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out_docx))
    return truth


def convert_to_pdf(docx_files: Sequence[Path], outdir: Path, profile_dir: Path | None = None) -> list[Path]:
    """LibreOffice headless, one call for all files, with a private profile so parallel runs don't clash."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RuntimeError("LibreOffice fehlt: apt-get install libreoffice-writer-nogui hyphen-de fonts-linuxlibertine")
    outdir.mkdir(parents=True, exist_ok=True)
    own_profile = profile_dir is None
    profile = profile_dir or Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        cmd = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docx_files)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT_S, check=False)
    finally:
        if own_profile:
            shutil.rmtree(profile, ignore_errors=True)
    pdfs = [outdir / (Path(f).stem + ".pdf") for f in docx_files]
    missing = [p.name for p in pdfs if not p.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(f"soffice failed ({proc.returncode}), missing {missing}: {proc.stderr[-500:]}")
    return pdfs


# ------------------------------------------------------------------ truth from the printed PDF


def _outline_pages(reader) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return out


def ligature_glyphs(pdf: Path) -> list[str]:
    """Character sequences that some font in the PDF draws with one glyph (multi-character ToUnicode entries)."""
    from pypdf import PdfReader

    found: set[str] = set()
    reader = PdfReader(str(pdf))
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            tu = font.get_object().get("/ToUnicode")
            if tu is None:
                continue
            cmap = tu.get_object().get_data().decode("latin-1")
            for hexstr in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{8,})>", cmap):
                chars = bytes.fromhex(hexstr).decode("utf-16-be", errors="replace")
                if chars.isalpha():
                    found.add(chars)
    return sorted(found)


def complete_truth(pdf: Path, truth: dict) -> dict:
    """Add what only the printed file knows: pages, the page of each heading (from LibreOffice's outline), and
    the header/footer strings per page."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    n_pages = len(reader.pages)
    outline = _outline_pages(reader)
    starts: list[int] = []
    remaining = list(outline)
    for heading in truth["headings"]:
        at = next((i for i, (t, _) in enumerate(remaining) if t.strip() == heading["text"]), None)
        if at is None:
            raise RuntimeError(f"heading {heading['text']!r} not in the PDF outline of {pdf.name}")
        heading["page"] = remaining[at][1]
        starts.append(heading["page"])
        remaining = remaining[at + 1:]
    furniture = []
    for p in range(1, n_pages + 1):
        chapter = max(i for i, s in enumerate(starts) if s <= p or i == 0)
        furniture.append({"page": p, "header": truth["chapter_headers"][chapter], "footer": f"Seite {p} von {n_pages}"})
    truth = {k: v for k, v in truth.items() if k != "chapter_headers"}
    truth["pages"] = n_pages
    truth["furniture"] = furniture
    plain = "\n".join(pg.extract_text() or "" for pg in reader.pages)
    truth["checks"] = {
        "ligature_glyphs": ligature_glyphs(pdf),
        "hyphenated_line_ends_pypdf": len(re.findall(r"\w-\n\w", plain)),
        # Characters of the source that the printed text layer lacks (a glyph missing from the font, say);
        # empty means every engine can in principle recover the whole text.
        "source_chars_missing": sorted(set("".join(truth["body"])) - set(plain) - set(" \n")),
        "bytes": pdf.stat().st_size,
    }
    return truth


def write_office_pdf(
    articles: Sequence[ArticleLike],
    out_pdf: Path,
    columns: int = 2,
    *,
    doc_title: str | None = None,
    title_area: bool = False,
    font: str = DEFAULT_FONT,
    font_pt: float | None = None,
    layout: str | None = None,
    keep_docx: bool = False,
    profile_dir: Path | None = None,
) -> Path:
    """Build an office PDF from (heading, paragraphs) or Article items and write <out_pdf>.json beside it.

    Deterministic: the same articles give the same text and layout (LibreOffice stamps only dates and IDs).
    """
    out_pdf = Path(out_pdf)
    with tempfile.TemporaryDirectory(prefix="office-pdf-") as tmp:
        docx_path = Path(tmp) / (out_pdf.stem + ".docx")
        truth = build_docx(articles, docx_path, columns, doc_title=doc_title, title_area=title_area,
                           font=font, font_pt=font_pt)
        (pdf,) = convert_to_pdf([docx_path], Path(tmp), profile_dir)
        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(pdf), out_pdf)
        if keep_docx:
            shutil.copy(docx_path, out_pdf.with_suffix(".docx"))
    truth = complete_truth(out_pdf, truth)
    meta = {"file": out_pdf.name, "layout": layout or f"{columns} Spalten", "columns": columns,
            "title_area": title_area, "font": font, "producer": "python-docx + LibreOffice headless"}
    write_truth(out_pdf, {**meta, **truth})
    return out_pdf


def write_truth(pdf: Path, truth: dict) -> Path:
    path = pdf.with_suffix(".json")
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ derived variants (pypdf)


def presentation_form_ligatures(src: Path, dst: Path) -> int:
    """Copy of src whose ToUnicode maps ligature glyphs to U+FB00–FB04 instead of their letters.

    LibreOffice writes "f"+"i" for its fi glyph, so its text is clean; many other producers map the glyph to
    U+FB01 ("Deﬁnition"), which breaks search. The page looks the same; only the text layer differs.
    Returns the number of ToUnicode entries rewritten.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(str(src)))
    by_hex = {
        "".join(f"{ord(c):04X}" for c in seq): f"{ord(form):04X}" for seq, form in LIGATURE_FORMS.items()
    }
    changed = 0
    done: set[int] = set()
    for page in writer.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            tu_ref = font.get_object().get(NameObject("/ToUnicode"))
            if tu_ref is None or id(tu_ref.get_object()) in done:
                continue
            stream = tu_ref.get_object()
            done.add(id(stream))
            cmap = stream.get_data().decode("latin-1")

            def swap(m: re.Match[str]) -> str:
                nonlocal changed
                form = by_hex.get(m.group(2).upper())
                if form is None:
                    return m.group(0)
                changed += 1
                return f"{m.group(1)}<{form}>"

            new = re.sub(r"(<[0-9A-Fa-f]+>\s*)<([0-9A-Fa-f]{8,12})>", swap, cmap)
            stream.set_data(new.encode("latin-1"))
    with dst.open("wb") as fh:
        writer.write(fh)
    return changed


def encrypted_copy(src: Path, dst: Path, user_password: str, owner_password: str = "Besitzer-7") -> Path:
    """AES-256 (needs the cryptography package); an empty user password opens in every viewer."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(src)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    with dst.open("wb") as fh:
        writer.write(fh)
    return dst


def rotated_copy(src: Path, dst: Path) -> Path:
    """Page 1 carries /Rotate 90 (a landscape scan-to-PDF habit); page 2's content is drawn rotated by 90° on
    a landscape page (text runs bottom to top, as a rotated text box or a page turned by a PDF tool does)."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import RectangleObject

    writer = PdfWriter(clone_from=PdfReader(str(src)))
    writer.pages[0].rotate(90)
    if len(writer.pages) > 1:
        page = writer.pages[1]
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        # rotate counter-clockwise about the origin, then shift right by the old height: lands in (0..h, 0..w)
        page.add_transformation(Transformation().rotate(90).translate(tx=h, ty=0))
        page.mediabox = RectangleObject([0, 0, h, w])
        page.cropbox = RectangleObject([0, 0, h, w])
    with dst.open("wb") as fh:
        writer.write(fh)
    return dst


# ------------------------------------------------------------------ the committed set


def _qa_table(qas: list[tuple[str, str]], start: int, n: int) -> Table:
    rows = [["Nr.", "Frage", "Antwort"]]
    for i, (q, a) in enumerate(qas[start:start + n], start=1):
        rows.append([str(i), q, a])
    return Table(rows=rows, bordered=True, widths=(2, 6, 3.5))


def _facts_table(art: dict) -> Table:
    words = sum(len(p.split()) for p in art["paragraphs"])
    return Table(
        rows=[
            ["Angabe", "Wert"],
            ["Absätze", str(len(art["paragraphs"]))],
            ["Wörter", str(words)],
            ["Fragen im Datensatz", str(len(art["qas"]))],
            ["Quelle", "XQuAD, deutsche Fassung, Entwicklungshälfte (Lizenz CC BY-SA 4.0)"],
        ],
        bordered=False,
        widths=(1, 1.6),
    )


def _footnote(art: dict, par: int) -> str:
    return (f"Absatz {par + 1} des Artikels „{art['title']}“ aus XQuAD (deutsche Fassung), "
            "Lizenz CC BY-SA 4.0; hier unverändert wiedergegeben.")


def set_articles(xquad: list[dict], indices: Sequence[int], *, tables: bool = True) -> list[Article]:
    """Articles for the committed set: a bordered question table after the first, a borderless facts table
    after the second, a footnote at the end of the second paragraph of each article."""
    arts = []
    for k, idx in enumerate(indices):
        src = xquad[idx]
        art = Article(heading=src["title"], paragraphs=src["paragraphs"],
                      footnotes={1: _footnote(src, 1)})
        if tables and k == 0:
            art.tables.append(_qa_table(src["qas"], 0, 4))
        if tables and k == 1:
            art.tables.append(_facts_table(src))
        arts.append(art)
    return arts


# name -> (article indices in XQuAD-de dev, columns, title area)
OFFICE_SET: dict[str, tuple[tuple[int, ...], int, bool]] = {
    # Long articles first (Huguenot, Black Death …) so chapters run over page breaks mid-sentence: that is
    # where running headers and footers land inside body text.
    "office-1col": ((5, 1), 1, False),
    "office-2col": ((10, 0, 12), 2, False),
    "office-3col": ((13, 16, 6), 3, False),
    "office-mixed": ((22, 20), 2, True),
}
DOC_TITLES = {
    "office-1col": "Themenheft Geschichte",
    "office-2col": "Themenheft Gesundheit, Sport und Medien",
    "office-3col": "Themenheft Natur, Städte und Gesundheit",
    "office-mixed": "Themenheft Politik und Mathematik",
}


def build_set(out_dir: Path, xquad_path: Path = XQUAD_PATH) -> list[Path]:
    """The committed extraction set: four LibreOffice layouts plus variants derived with pypdf."""
    xquad = load_xquad(xquad_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        for name, (indices, columns, title_area) in OFFICE_SET.items():
            arts = set_articles(xquad, indices)
            layout = f"{columns} Spalte{'n' if columns > 1 else ''}" + (", Titel einspaltig" if title_area else "")
            made.append(write_office_pdf(arts, out_dir / f"{name}.pdf", columns, doc_title=DOC_TITLES[name],
                                         title_area=title_area, layout=layout, profile_dir=Path(profile)))
    base_truth = {p.stem: json.loads(p.with_suffix(".json").read_text(encoding="utf-8")) for p in made}

    def derive(src: str, name: str, layout: str, make, **extra) -> None:
        dst = out_dir / f"{name}.pdf"
        info = make(out_dir / f"{src}.pdf", dst)
        truth = {**base_truth[src], "file": dst.name, "layout": layout, "derived_from": f"{src}.pdf", **extra}
        truth["checks"] = {**truth["checks"], "bytes": dst.stat().st_size}
        if isinstance(info, int):
            truth["checks"]["tounicode_entries_rewritten"] = info
        write_truth(dst, truth)
        made.append(dst)

    derive("office-2col", "office-2col-ligatures", "2 Spalten, Ligaturen als U+FB0x im Textlayer",
           presentation_form_ligatures)
    derive("office-1col", "office-1col-aes256-empty", "1 Spalte, AES-256, leeres Benutzerpasswort",
           lambda s, d: encrypted_copy(s, d, ""), encryption={"algorithm": "AES-256", "user_password": ""})
    derive("office-1col", "office-1col-aes256-password", "1 Spalte, AES-256, Passwort nötig",
           lambda s, d: encrypted_copy(s, d, "Geheim-42"),
           encryption={"algorithm": "AES-256", "user_password": "Geheim-42"})
    derive("office-1col", "office-1col-rotated", "1 Spalte, S. 1 /Rotate 90, S. 2 Inhalt gedreht",
           rotated_copy, rotation={"1": "/Rotate 90", "2": "content rotated 90° on a landscape page"})
    return made


README = """# Office-made extraction set

PDFs made the way offices make them, with known text, to score PDF text extraction
(`python -m assistant.extraction_eval`). Built by `python scripts/office_pdfs.py --out tests/data/office`:
python-docx writes a Word document, LibreOffice {lo} (headless) prints it to PDF. Tests read the committed files
and need no LibreOffice.

Every file: A4, justified text ("Blocksatz") with automatic hyphenation (`w:autoHyphenation`, language de-DE,
Debian `hyphen-de`), font Linux Libertine O (LibreOffice draws ff/fi/fl/ffi as single ligature glyphs), one
chapter per article in its own section with a running header naming the chapter, a footer "Seite N von M"
(PAGE/NUMPAGES fields), a heading per article, a bordered table (question cells wrap over 2–3 lines) after the
first article, a borderless table after the second, a footnote at the end of each article's second paragraph.

| file | layout |
|---|---|
{rows}

`<name>.json` is the ground truth: `headings` (text, page), `body` (paragraphs in reading order, without
headings, tables and footnotes), `tables` (rows of cells, header row first), `footnotes`, `furniture` (header and
footer string of every page: they must not appear inside body text), `checks` (ligature glyphs found in the fonts'
ToUnicode maps, hyphenated line ends pypdf sees, file size).

Derived files (pypdf, from the LibreOffice files): `-ligatures` maps the ligature glyphs to U+FB00–FB04 in the
text layer as many producers do (LibreOffice itself writes the letters); `-aes256-empty` / `-aes256-password`
are AES-256 encrypted with an empty user password / the user password `Geheim-42`; `-rotated` has /Rotate 90 on
page 1 and the content of page 2 drawn rotated by 90°.

The encrypted, rotated and ligature files stand in for real public test PDFs of those kinds: the public
collections looked at either carry a non-commercial/no-derivatives licence (py-pdf/sample-files: CC BY-NC-ND)
or could not be taken into this repository under the project's rules for outside material, so equivalents are
generated here from the same known text.

## Source and licence of the text

Paragraphs, article titles and the questions/answers in the tables are taken unchanged from XQuAD
(Artetxe, Ruder, Yogatama 2019, "On the Cross-lingual Transferability of Monolingual Representations"),
file `xquad.de.json` of the public repository google-deepmind/xquad, via the project's copy
`shared/data/xquad-de-dev` (development half). Licence: CC BY-SA 4.0
(https://creativecommons.org/licenses/by-sa/4.0/). These PDFs and JSON files are derived from it and are
distributed under the same licence. Headers, footers, footnotes and the facts tables are written by the
generator.
"""


def write_readme(out_dir: Path, made: Sequence[Path]) -> Path:
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True, check=False).stdout.split()
    lo = " ".join(version[1:2]) if len(version) > 1 else ""
    rows = []
    for pdf in made:
        truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
        rows.append(f"| `{pdf.name}` | {truth['layout']}, {truth['pages']} Seiten, {pdf.stat().st_size // 1024} KB |")
    path = out_dir / "README.md"
    path.write_text(README.format(lo=lo, rows="\n".join(rows)), encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Office-PDFs mit bekanntem Text erzeugen (python-docx + LibreOffice).")
    ap.add_argument("--out", type=Path, required=True, help="Zielordner")
    ap.add_argument("--xquad", type=Path, default=XQUAD_PATH, help="xquad-de-dev.json")
    args = ap.parse_args(argv)
    made = build_set(args.out, args.xquad)
    write_readme(args.out, made)
    for pdf in made:
        print(f"{pdf}  {pdf.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
