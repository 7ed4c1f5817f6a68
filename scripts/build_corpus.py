"""Build the shipped corpus (PDFs + one HTML page) from the Markdown drafts in ../shared/corpus-drafts.

Run with `python scripts/build_corpus.py [--drafts DIR] [--out corpus]` (or `make corpus`). The built files are
committed, so a fresh machine does not need to run this; it exists so the corpus is reproducible.

Every PDF gets a cover page carrying the draft's reconstruction notice, a running header and footer, printed page
numbers that start at 1 on the first content page (the cover is labelled "Titel", so the printed label differs
from the physical page index, as in real publications), a PDF outline (bookmarks) for every heading, and tables
rendered as tables. Markdown is parsed with markdown-it-py (already installed with Gradio); no text is added
that is not in the drafts, apart from layout furniture (header, footer, document type line).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import yaml
from fpdf import FPDF
from fpdf.fonts import FontFace
from markdown_it import MarkdownIt
from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[1]
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu ships inside matplotlib (free licence)
NOTICE_SHORT = "Nachbildung – kein amtliches Dokument"
# A fixed creation date keeps rebuilt PDFs byte-identical (stable hashes for the ingest manifest).
FIXED_DATE = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
# A draft line "<!-- seitenumbruch -->" forces a page break (test drafts use it to break a sentence over pages).
PAGE_BREAK = "seitenumbruch"


@dataclass
class Block:
    """One rendered unit of a draft: heading, paragraph, list item, quote or table."""

    kind: str  # heading | para | bullet | ordered | quote | table | pagebreak
    text: str = ""
    level: int = 0
    number: str = ""
    rows: list[list[str]] = field(default_factory=list)


def _inline(token) -> str:
    """Inline token -> text with **bold** kept (fpdf2's markdown mode understands it)."""
    out: list[str] = []
    for child in token.children or []:
        if child.type == "text":
            out.append(child.content)
        elif child.type in ("strong_open", "strong_close"):
            out.append("**")
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")  # the drafts break lines deliberately ("**Inhalt:** …" / "**Tipps:** …")
        elif child.type == "code_inline":
            out.append(child.content)
        elif child.type == "link_open" or child.type == "link_close":
            continue
        elif child.content:
            out.append(child.content)
    return "".join(out).replace("****", "")


def parse_blocks(markdown: str) -> list[Block]:
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    blocks: list[Block] = []
    list_stack: list[list] = []  # [kind, counter]
    in_quote = False
    quote_parts: list[str] = []
    row: list[str] = []
    table: list[list[str]] | None = None
    heading_level = 0
    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            heading_level = int(tok.tag[1])
        elif t == "blockquote_open":
            in_quote, quote_parts = True, []
        elif t == "blockquote_close":
            blocks.append(Block("quote", "\n".join(quote_parts)))
            in_quote = False
        elif t == "bullet_list_open":
            list_stack.append(["bullet", 0])
        elif t == "ordered_list_open":
            list_stack.append(["ordered", int(tok.attrGet("start") or 1) - 1])
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif t == "list_item_open" and list_stack and list_stack[-1][0] == "ordered":
            list_stack[-1][1] += 1
        elif t == "html_block" and PAGE_BREAK in tok.content:
            blocks.append(Block("pagebreak"))
        elif t == "table_open":
            table = []
        elif t == "tr_open":
            row = []
        elif t == "tr_close" and table is not None:
            table.append(row)
        elif t == "table_close" and table is not None:
            blocks.append(Block("table", rows=table))
            table = None
        elif t == "inline":
            text = _inline(tok)
            if table is not None:
                row.append(text)
            elif heading_level:
                blocks.append(Block("heading", text.replace("**", ""), level=heading_level))
                heading_level = 0
            elif in_quote:
                quote_parts.append(text)
            elif list_stack:
                kind, counter = list_stack[-1]
                blocks.append(Block(kind, text, level=len(list_stack), number=f"{counter}."))
            else:
                blocks.append(Block("para", text))
    return blocks


class CorpusPDF(FPDF):
    def __init__(self, short_title: str, page_format: str) -> None:
        super().__init__(format=page_format)
        self.short_title = short_title
        self.set_creation_date(FIXED_DATE)
        self.set_auto_page_break(auto=True, margin=20)
        for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"),
                            ("I", "DejaVuSans-Oblique.ttf"), ("BI", "DejaVuSans-BoldOblique.ttf")):
            self.add_font("DejaVu", style, str(FONT_DIR / name))
        self.set_font("DejaVu", size=10)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(90)
        self.cell(0, 5, f"{self.short_title} · {NOTICE_SHORT}", align="L")
        self.ln(8)
        self.set_text_color(0)
        self.set_font("DejaVu", "", 10)

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-13)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(90)
        # Printed label: the cover is not counted, so content pages start at 1.
        self.cell(0, 5, f"Seite {self.page_no() - 1}", align="C")
        self.set_text_color(0)


def render_pdf(blocks: list[Block], meta: dict) -> bytes:
    compact = meta.get("format", "A4") == "A5"
    pdf = CorpusPDF(meta["short_title"], meta.get("format", "A4"))
    pdf.set_title(meta["title"])
    pdf.set_author(meta.get("publisher", "GI-Assistent (Nachbildung)"))
    pdf.set_subject(f"{meta['type']} – {NOTICE_SHORT}")
    pdf.set_keywords("Gemeinschaftsinitiative; GI; Marzahn-Hellersdorf; Nachbildung")
    body = 9.5 if compact else 10
    width = pdf.epw

    # Cover page: title, subtitle, type line, reconstruction notice.
    pdf.add_page()
    blocks = list(blocks)
    title = blocks.pop(0).text if blocks and blocks[0].kind == "heading" else meta["title"]
    subtitle = ""
    if blocks and blocks[0].kind == "heading" and blocks[0].level == 2:
        subtitle = blocks.pop(0).text
    pdf.ln(25 if compact else 45)
    pdf.set_font("DejaVu", "B", 17 if compact else 22)
    pdf.multi_cell(width, 9 if compact else 11, title, align="L")
    if subtitle:
        pdf.ln(3)
        pdf.set_font("DejaVu", "", 11 if compact else 13)
        pdf.multi_cell(width, 7, subtitle, align="L")
    pdf.ln(6)
    pdf.set_font("DejaVu", "I", 9)
    pdf.multi_cell(width, 5, f"{meta['type']} · Stand: {meta['stand']}", align="L")
    pdf.start_section(title, level=0)
    if blocks and blocks[0].kind == "quote":
        pdf.ln(8)
        _quote(pdf, blocks.pop(0).text, body)

    pdf.add_page()
    for block in blocks:
        if block.kind == "heading":
            size = {1: 16, 2: 13.5, 3: 11.5}.get(block.level, 10.5)
            if pdf.get_y() > pdf.h - 45:  # keep headings with their text
                pdf.add_page()
            pdf.ln(4 if block.level <= 2 else 2)
            pdf.set_font("DejaVu", "B", size - (1.5 if compact else 0))
            pdf.start_section(block.text, level=max(0, block.level - 1))
            pdf.multi_cell(width, size * 0.55, block.text, align="L")
            pdf.ln(1.5)
            pdf.set_font("DejaVu", "", body)
        elif block.kind == "para":
            pdf.set_font("DejaVu", "", body)
            pdf.multi_cell(width, 5, block.text, markdown=True, align="L")
            pdf.ln(2)
        elif block.kind in ("bullet", "ordered"):
            indent = 5 * block.level
            marker = "•" if block.kind == "bullet" else block.number
            pdf.set_font("DejaVu", "", body)
            pdf.set_x(pdf.l_margin + indent - 4)
            pdf.cell(6, 5, marker)
            pdf.set_x(pdf.l_margin + indent + 2)
            pdf.multi_cell(width - indent - 2, 5, block.text, markdown=True, align="L")
            pdf.ln(1)
        elif block.kind == "quote":
            _quote(pdf, block.text, body)
        elif block.kind == "pagebreak":
            pdf.add_page()
        elif block.kind == "table":
            _table(pdf, block.rows, body - 1)
    raw = bytes(pdf.output())
    return _with_page_labels(raw)


def _quote(pdf: FPDF, text: str, size: float) -> None:
    pdf.set_fill_color(238, 238, 238)
    pdf.set_font("DejaVu", "", size - 0.5)
    pdf.multi_cell(pdf.epw, 5, text.replace("\n", "\n\n"), markdown=True, fill=True, padding=3, align="L")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", size)


def _table(pdf: FPDF, rows: list[list[str]], size: float) -> None:
    pdf.set_font("DejaVu", "", size)
    ncols = max(len(r) for r in rows)
    with pdf.table(
        text_align="LEFT",
        markdown=True,
        line_height=4.6,
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        col_widths=tuple([1] * ncols),
        v_align="TOP",
    ) as table:
        for r in rows:
            cells = table.row()
            for c in r + [""] * (ncols - len(r)):
                cells.cell(c)
    pdf.ln(3)
    pdf.set_font("DejaVu", "", size + 1)


def _with_page_labels(raw: bytes) -> bytes:
    """Cover labelled "Titel", content pages 1, 2, … (the footer prints the same numbers)."""
    reader = PdfReader(io.BytesIO(raw))
    writer = PdfWriter(clone_from=reader)
    writer.set_page_label(0, 0, prefix="Titel")
    writer.set_page_label(1, len(reader.pages) - 1, style="/D", start=1)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_html(blocks: list[Block], meta: dict) -> str:
    md = MarkdownIt("commonmark").enable("table")
    source = meta["_markdown"]
    body = md.render(source)
    title = html.escape(meta["title"])
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="description" content="{html.escape(meta['type'])} – {NOTICE_SHORT}">
</head>
<body>
<header class="site-header"><nav>Bezirksamt Marzahn-Hellersdorf · Politik und Verwaltung · \
Sozialraumorientierte Planungskoordination</nav><p class="notice">{NOTICE_SHORT}</p></header>
<main id="content">
{body}
</main>
<footer class="site-footer"><p>{NOTICE_SHORT}. Stand: {html.escape(str(meta['stand']))}</p></footer>
</body>
</html>
"""


def build(drafts: Path, out: Path) -> list[Path]:
    catalogue = yaml.safe_load((out / "documents.yaml").read_text(encoding="utf-8"))
    written: list[Path] = []
    for file_name, meta in catalogue["documents"].items():
        source = drafts / meta["draft"]
        markdown = source.read_text(encoding="utf-8")
        blocks = parse_blocks(markdown)
        target = out / file_name
        if target.suffix == ".pdf":
            target.write_bytes(render_pdf(blocks, meta))
        else:
            target.write_text(render_html(blocks, {**meta, "_markdown": markdown}), encoding="utf-8")
        written.append(target)
        print(f"  {target.relative_to(out.parent)}")
    facts = drafts / "facts.md"
    if facts.exists():
        shutil.copyfile(facts, out / "SOURCES.md")
        written.append(out / "SOURCES.md")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=Path, default=ROOT.parent / "shared" / "corpus-drafts")
    parser.add_argument("--out", type=Path, default=ROOT / "corpus")
    args = parser.parse_args()
    print(f"Building corpus from {args.drafts} into {args.out}")
    files = build(args.drafts, args.out)
    print(f"{len(files)} files written")


if __name__ == "__main__":
    main()
