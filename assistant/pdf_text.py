"""Page text from PDFs made the way offices make them: columns read one after the other, justified lines kept as
prose, tables as "cell | cell" rows, running headers/footers and footnotes kept out of the body text.

Engine: PDFium (``pypdfium2``) supplies every character with its box and font size in the order the file draws
them. For Word, LibreOffice and InDesign files that order is the reading order (column after column), which is
why PDFium's plain text already keeps ~91 % of sentences whole where pypdf's layout mode keeps 13 % (see
``evals/reports/pdf.md``). What no library offers is the step from characters to logical text for our purpose,
so it is written here, on geometry only (no document's wording is special-cased):

- characters -> *segments*: runs on one line without a wide gap (a gap of ``SEGMENT_GAP_EM`` or more splits);
- segments -> visual lines (same baseline band) -> *tables*: a block of lines whose splits line up at the same x
  on several lines; blocks whose every line is long prose on both sides are text columns, not tables;
- running headers/footers: lines in the top/bottom band of the page whose position recurs on many pages and
  whose text recurs (digits ignored), or that are page numbers or set smaller than the body;
- footnotes: smaller text below the page's last body line; kept apart, after the body;
- paragraphs from vertical gaps, indents, short last lines and font size (headings), and line-end hyphens
  repaired with the document's own vocabulary ("Schlüssel-|maßnahmen" joins, "NFL-|Kategorie" keeps its hyphen).

pypdf stays for what it does well (metadata, outline, page labels, encryption), see ``assistant.documents``.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# ---- tuning constants (units: em = the segment's font size; pt = PDF points)
SPACE_GAP_EM = 0.12  # a gap this wide between two characters is a word space
SEGMENT_GAP_EM = 0.8  # a horizontal gap this wide ends a segment (justified word gaps rarely reach it)
TABLE_GAP_EM = 1.4  # a split this wide on one line is a column gap even if only two lines line up
ALIGN_TOL_PT = 3.0  # segment starts within this distance count as the same column
BAND_SHARE = 0.09  # top/bottom share of the page height where running headers/footers live
HEADING_SIZE = 1.15  # font size ratio to the body size from which a line is a heading
NOTE_SIZE = 0.9  # font size ratio below which text under the body is a footnote
PROSE_COLUMN_CHARS = 25  # mean segment length from which aligned "cells" are text columns, not a table
GARBLED_SHARE = 0.15  # share of unreadable characters from which a page is reported as garbled
SIZE_SAMPLE = 5  # every n-th character is asked for its font size
ANGLE_SAMPLE = 7  # every n-th character is asked for its angle (rotated text is rare and page-wide)
STRETCH_TOL_PT = 0.8  # justified text stretches the gaps of one line equally, up to rounding
RUN_ORDER_STEP = 8  # segments at most this far apart in drawing order can be cells of one row
TABLE_ORDER_REACH = 40  # rows of one table follow each other within this many segments
HYPHEN = "\x02"  # internal mark: line-end hyphen reported by PDFium (resolved when lines are joined)

_LIST_START = re.compile(r"^(?:[•▪◦●■□☐☑☒➢►\-–*]|\[[ xX]?\]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:seite|page|s\.)\s*)?[-–]?\s*[0-9ivxlcdm]{1,5}\s*(?:(?:/|von|of)\s*\d+)?\s*[-–]?\s*$", re.I)
_URL_END = re.compile(r"(?:https?://|www\.)\S*[\w/\-.]$")
_COORDINATION = {"und", "oder", "bzw", "sowie", "bis", "als", "noch", "wie", "and", "or"}
_SPACE_CHARS = {0x00A0, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
                0x202F, 0x205F, 0x3000, 0x0009}


@dataclass
class Segment:
    text: str
    x0: float
    x1: float
    top: float  # distance from the page top (pt)
    bottom: float
    size: float
    order: int  # position in the file's drawing order

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)


@dataclass
class PageText:
    """What one page yields: body paragraphs, footnotes, and what went wrong."""

    paragraphs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chars: int = 0
    unreadable: int = 0  # replacement, private-use and control characters
    rotated: bool = False  # most characters drawn at an angle
    turned: bool = False  # the page is displayed turned (/Rotate): PDFium reorders its text, drawing order is lost
    plain: str = ""  # PDFium's own line text, used where the geometry is in a rotated frame
    has_images: bool = False

    @property
    def garbled(self) -> bool:
        return self.chars > 0 and self.unreadable / self.chars >= GARBLED_SHARE


def normalise_char(code: int) -> str:
    """Compatibility characters that only change the look become plain text: ligatures (ﬁ -> fi), full-width
    forms, odd spaces. NFKC is applied only to these ranges, because for others it changes meaning (² -> 2,
    ½ -> 1⁄2)."""
    if code in _SPACE_CHARS:
        return " "
    if 0xFB00 <= code <= 0xFB4F or 0xFF01 <= code <= 0xFF5E:
        return unicodedata.normalize("NFKC", chr(code))
    if code == 0x00AD:
        return ""  # soft hyphen inside a line: invisible
    return chr(code)


def _unreadable(code: int) -> bool:
    """A character code that carries no text: replacement, private use, a lone surrogate, a control code."""
    return code == 0xFFFD or code < 32 or 0xE000 <= code <= 0xF8FF or 0xD800 <= code <= 0xDFFF


# ---------------------------------------------------------------- characters -> segments

def page_segments(page, order_start: int = 0) -> tuple[list[Segment], PageText]:
    """Segments of one PDFium page, in drawing order, with the page's character statistics."""
    import pypdfium2.raw as raw

    info = PageText()
    textpage = page.get_textpage()
    try:
        # character boxes are in unrotated page space; /Rotate only turns the display
        height = page.get_bbox()[3]
        n = raw.FPDFText_CountChars(textpage.raw)
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        segs: list[Segment] = []
        cur: list[str] = []
        box: list[float] = []  # x0, x1, top, bottom, size
        angled = sampled = 0
        line_break = True
        soft_space = False

        sizes: list[float] = []

        def flush() -> None:
            text = "".join(cur)
            if text.strip():
                # the size most of the segment is set in (a footnote's number may be larger than its text)
                seg_size = statistics.median_low(sizes[:-1] or sizes) if len(sizes) > 2 else box[4]
                segs.append(Segment(text, box[0], box[1], box[2], box[3], seg_size, order_start + len(segs)))
            cur.clear()
            del sizes[:-1]  # the sample that opened the next segment stays

        units = (ctypes.c_ushort * (n + 1))()
        raw.FPDFText_GetText(textpage.raw, 0, n, units)  # UTF-16 code units, one per character index
        tp = textpage.raw
        get_box, is_generated, is_hyphen_at = raw.FPDFText_GetCharBox, raw.FPDFText_IsGenerated, raw.FPDFText_IsHyphen
        font_size, char_angle = raw.FPDFText_GetFontSize, raw.FPDFText_GetCharAngle
        size = 10.0
        prev_x0 = prev_x1 = 0.0
        for i in range(n):
            code = units[i]
            if code == 10 or code == 13:
                line_break = True
                continue
            if code == 32 or code == 0xFFFE or code == 2 or code == 45 or code == 0xAD:
                generated = is_generated(tp, i) == 1
                if code == 32:
                    if generated:
                        soft_space = True  # PDFium's guess; the gap decides below
                    elif cur:
                        cur.append(" ")
                    continue
                is_hyphen = code != 45 or is_hyphen_at(tp, i) == 1
            else:
                is_hyphen = False
                if code < 32 and is_generated(tp, i) == 1:
                    soft_space = True
                    continue
            info.chars += 1
            if not is_hyphen and _unreadable(code):
                info.unreadable += 1
                continue
            if not get_box(tp, i, left, right, bottom, top):
                if is_hyphen and cur:  # PDFium's generated line-end hyphen has no box of its own
                    cur.append(HYPHEN)
                continue
            x0, x1, y_top, y_bottom = left.value, right.value, height - top.value, height - bottom.value
            if not cur or line_break or i % SIZE_SAMPLE == 0:
                size = font_size(tp, i) or max(y_bottom - y_top, 1.0)
                sizes.append(size)
            if i % ANGLE_SAMPLE == 0:
                sampled += 1
                if abs(char_angle(tp, i)) > 0.1:
                    angled += 1
            ch = HYPHEN if is_hyphen else (chr(code) if code < 0x00A0 else normalise_char(code))
            if cur:
                gap = x0 - prev_x1
                # PDFium guesses a space before a justified line's end hyphen ("rüh -"); a real space char stays
                if soft_space and gap > SPACE_GAP_EM * size and cur[-1] != " " and not is_hyphen and code != 45:
                    cur.append(" ")
                mid_prev, mid = (box[2] + box[3]) / 2, (y_top + y_bottom) / 2
                # the letters of a ligature ("tt") share one box: only a start left of the previous start goes back
                if (line_break or gap > SEGMENT_GAP_EM * size or x0 < prev_x0 - 0.1 * size
                        or abs(mid - mid_prev) > 0.6 * max(size, box[4])):
                    flush()
            soft_space = False
            if not cur:
                box = [x0, x1, y_top, y_bottom, size]
            else:
                if x1 > box[1]:
                    box[1] = x1
                if y_top < box[2]:
                    box[2] = y_top
                if y_bottom > box[3]:
                    box[3] = y_bottom
            cur.append(ch)
            prev_x0, prev_x1 = x0, x1
            line_break = False
        flush()
        info.rotated = sampled > 5 and angled / sampled > 0.5
        if info.rotated:
            info.plain = textpage.get_text_range()
        info.turned = raw.FPDFPage_GetRotation(page.raw) != 0
    finally:
        textpage.close()
    info.has_images = _has_images(page)
    for s in segs:
        s.text = re.sub(r" {2,}", " ", s.text).strip()
    return [s for s in segs if s.text], info


def _has_images(page) -> bool:
    import pypdfium2.raw as raw

    return any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))


# ---------------------------------------------------------------- furniture and footnotes

def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def find_furniture(pages: list[list[Segment]], heights: list[float], body_size: float) -> set[tuple[int, int]]:
    """(page index, segment order) of running headers/footers and page numbers.

    Candidates stand in the top or bottom band of the page. Walking from the page edge inwards, a block of lines
    (lines closer than a line height) is furniture when each of its lines is a page number or recurs at about the
    same height on many pages with text that recurs (digits ignored; headers that change with the chapter recur
    within it); a single short line at the very edge set smaller than the body counts too. The walk stops at the
    first block that is not furniture, so footnotes above a footer stay."""
    bands: list[list[tuple[str, float, Segment]]] = []
    for segs, h in zip(pages, heights, strict=True):
        here = []
        for s in segs:
            if not re.search(r"\w", s.text):
                continue  # a lone bullet or rule is never a running header
            if s.bottom <= BAND_SHARE * h:
                here.append(("top", s.top, s))
            elif s.top >= h * (1 - BAND_SHARE):
                here.append(("bottom", h - s.bottom, s))
        bands.append(here)
    texts = Counter(_furniture_key(s.text) for here in bands for _, _, s in here)
    positions: Counter[tuple[str, int]] = Counter()
    for here in bands:
        for key in {(band, round(y / 4)) for band, y, _ in here}:
            positions[key] += 1
    many = max(2, round(0.4 * len(pages)))

    def recurring(band: str, y: float, s: Segment) -> bool:
        place = max(positions[(band, round(y / 4) + d)] for d in (-1, 0, 1)) >= many
        return place and texts[_furniture_key(s.text)] >= 2

    out: set[tuple[int, int]] = set()
    for i, here in enumerate(bands):
        for band in ("top", "bottom"):
            cands = sorted(((y, s) for b, y, s in here if b == band), key=lambda c: (c[0], c[1].x0))  # edge first
            blocks: list[list[tuple[float, Segment]]] = []
            for y, s in cands:
                if blocks and y - (blocks[-1][-1][0] + blocks[-1][-1][1].height) < 0.5 * s.height:
                    blocks[-1].append((y, s))
                else:
                    blocks.append([(y, s)])
            for k, block in enumerate(blocks):
                lines = {round(y) for y, _ in block}
                edge_line = (k == 0 and len(lines) == 1 and all(len(s.text) <= 90 for _, s in block)
                             and all(s.size < 0.95 * body_size for _, s in block))
                if all(_PAGE_NUMBER.match(s.text) or recurring(band, y, s) for y, s in block) or (
                        edge_line and max(positions[(band, round(block[0][0] / 4) + d)] for d in (-1, 0, 1)) >= many):
                    out.update((i, s.order) for _, s in block)
                else:
                    break
    return out


# ---------------------------------------------------------------- lines, tables, reading order

def visual_lines(segs: list[Segment]) -> list[list[Segment]]:
    """Segments grouped by baseline band, top to bottom, each line left to right."""
    lines: list[list[Segment]] = []
    for s in sorted(segs, key=lambda s: (s.top, s.x0)):
        for line in reversed(lines[-6:]):
            ref = line[0]
            overlap = min(ref.bottom, s.bottom) - max(ref.top, s.top)
            if overlap >= 0.5 * min(ref.height, s.height):
                line.append(s)
                break
        else:
            lines.append([s])
    return [sorted(line, key=lambda s: s.x0) for line in lines]


@dataclass
class Table:
    segments: list[Segment]
    columns: list[float]
    rows: list[list[str]]
    prose_columns: bool  # text columns drawn line by line across the page, not a table
    is_list: bool = False  # list markers in the first column: items, not rows

    @property
    def first_order(self) -> int:
        return min(s.order for s in self.segments)


def _col_index(x: float, cols: list[float]) -> int:
    idx = 0
    for i, c in enumerate(cols):
        if c <= x + ALIGN_TOL_PT:
            idx = i
    return idx


def _drawing_runs(line: list[Segment]) -> list[list[Segment]]:
    """Parts of a visual line that the file draws one right after the other, left to right: the cells of a table
    row are such a run, while lines of neighbouring text columns are drawn far apart."""
    runs: list[list[Segment]] = []
    for s in line:
        if runs and 0 < s.order - runs[-1][-1].order <= RUN_ORDER_STEP:
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def _justified_stretch(run: list[Segment]) -> bool:
    """Justified text stretches every word gap of a line alike; a table row has narrow gaps inside its cells and
    wide ones between them. A run of single words with (nearly) equal gaps is a stretched text line."""
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(run)]
    return (len(gaps) >= 2 and all(" " not in s.text for s in run) and max(gaps) - min(gaps) <= STRETCH_TOL_PT
            and max(gaps) < 4 * run[0].size)


def _crosses(s: Segment, column_start: float) -> bool:
    """A segment that runs across a column boundary cannot be inside a table cell."""
    return s.x0 < column_start - ALIGN_TOL_PT and s.x1 > column_start + ALIGN_TOL_PT


def find_tables(segs: list[Segment]) -> list[Table]:
    """Tables: rows are runs of segments drawn side by side (see :func:`_drawing_runs`) whose column starts line
    up on at least two rows; the table is the stretch of the drawing order from its first to its last row, plus
    the wrapped cell lines drawn right after, so every cell line belongs to its row."""
    rows_found: list[list[Segment]] = []
    for line in visual_lines(segs):
        for run in _drawing_runs(line):
            if len(run) >= 2 and not _justified_stretch(run):
                rows_found.append(run)
    if len(rows_found) < 2:
        return []
    rows_found.sort(key=lambda r: r[0].order)
    # group candidate rows into blocks: consecutive in drawing order and sharing an aligned column start
    by_order = sorted(segs, key=lambda s: s.order)
    blocks: list[list[list[Segment]]] = []
    for run in rows_found:
        starts = [s.x0 for s in run[1:]]
        if blocks:
            last = blocks[-1]
            cols = {s.x0 for r in last for s in r[1:]}
            near = run[0].order - last[-1][-1].order <= TABLE_ORDER_REACH
            between = by_order[last[-1][-1].order - by_order[0].order + 1: run[0].order - by_order[0].order]
            if (near and any(abs(x - c) <= ALIGN_TOL_PT for x in starts for c in cols)
                    and not any(_crosses(s, min(cols)) or s.size >= HEADING_SIZE * run[0].size for s in between)):
                last.append(run)
                continue
        blocks.append([run])
    tables: list[Table] = []
    for block in blocks:
        wide = any(b.x0 - a.x1 >= TABLE_GAP_EM * a.size for r in block for a, b in itertools.pairwise(r))
        if len(block) < 3 and not (len(block) == 2 and wide):
            continue
        first, last = block[0][0].order, block[-1][-1].order
        x_lo = min(s.x0 for r in block for s in r) - ALIGN_TOL_PT
        x_hi = max(s.x1 for r in block for s in r) + ALIGN_TOL_PT
        members = [s for s in by_order if first <= s.order <= last]
        split = min(s.x0 for r in block for s in r[1:])
        if any(_crosses(s, split) for s in members):
            continue  # text running across the column boundary: prose between aligned lines, not a table
        top, bottom = min(s.top for s in members), max(s.bottom for s in members)
        last_row_top = min(s.top for s in block[-1])
        for s in by_order:  # the rest of the last row: later cells and wrapped cell lines
            if s.order <= last:
                continue
            in_last_row = s.top >= last_row_top - 1 and s.top - bottom <= 1.0 * s.size
            first_column_line = s.x0 <= x_lo + 2 * ALIGN_TOL_PT and s.top > bottom
            if in_last_row and s.x0 < x_hi and s.top >= top and not first_column_line and not _crosses(s, split):
                members.append(s)
                bottom = max(bottom, s.bottom)
            else:
                break
        cols = sorted({round(x, 0) for x in [min(s.x0 for s in members)] + [s.x0 for r in block for s in r[1:]]})
        merged: list[float] = []
        for c in cols:
            if not merged or c - merged[-1] > ALIGN_TOL_PT:
                merged.append(c)
        lines = visual_lines(members)
        rows = _rows(members, merged)
        multi = [ln for ln in lines if len(ln) >= 2]
        mean_len = statistics.mean(len(s.text) for s in members)
        filled = sum(len(ln) == len(merged) for ln in multi) / max(len(multi), 1)
        edges = [*merged[1:], max(s.x1 for s in members)]
        widths = [b - a for a, b in zip(merged, edges, strict=True)]
        is_list = _is_list(rows)
        # text columns drawn line by line: every row is one line, columns about equally wide, long lines
        prose = (not is_list and 2 <= len(merged) <= 3 and len(rows) == len(lines) and len(multi) >= 3
                 and filled >= 0.8 and mean_len >= PROSE_COLUMN_CHARS and min(widths) >= 0.6 * max(widths))
        tables.append(Table(members, merged, rows, prose, is_list=is_list))
    return tables


def _rows(members: list[Segment], cols: list[float]) -> list[list[str]]:
    """Rows of a table from its segments in drawing order. Office programs draw a table cell by cell, row by
    row, so a row ends where the drawing goes back to an earlier column further down the page; lines of a
    wrapped cell follow each other in the same column and join into one cell."""
    rows: list[tuple[float, list[str]]] = []
    row_top = row_bottom = 0.0
    prev_col = 0
    for s in sorted(members, key=lambda s: s.order):
        k = _col_index(s.x0, cols)
        if not rows or (k < prev_col and s.top > row_top + 0.5 * s.size) or s.top > row_bottom + 1.5 * s.height:
            rows.append((s.top, [""] * len(cols)))
            row_top, row_bottom = s.top, s.bottom
        cells = rows[-1][1]
        cells[k] = _join_words(cells[k], s.text) if cells[k] else s.text
        row_bottom = max(row_bottom, s.bottom)
        prev_col = k
    # some files draw a repeated header row last: the page's top-to-bottom order is the truth
    return [cells for _, cells in sorted(rows, key=lambda r: r[0])]


_MARKER_CELL = re.compile(r"^(?:[•▪◦●■□➢►\-–*]|\(?\d{1,2}[.)]|\(?[a-z][.)])$")


def _is_list(rows: list[list[str]]) -> bool:
    """A hanging-indent list looks like a two-column table whose first column holds only list markers."""
    firsts = [r[0] for r in rows if r[0]]
    return bool(firsts) and all(_MARKER_CELL.match(c) for c in firsts)


# ---------------------------------------------------------------- paragraphs

def _join_words(left: str, right: str, vocabulary: set[str] | None = None) -> str:
    """Join two lines; a line-end hyphen is resolved here (see :func:`resolve_hyphen`)."""
    if not left:
        return right
    if _URL_END.search(left) or re.search(r"\w[–—/]$", left):
        return left + right  # a web address, or a range or pair ("1008–1074", "und/oder") broken over two lines
    if left.endswith((HYPHEN, "-")) and right:
        return resolve_hyphen(left[:-1], right, vocabulary or set())
    return f"{left} {right}"


def resolve_hyphen(left: str, right: str, vocabulary: set[str]) -> str:
    """``left`` ended with a line-end hyphen before ``right``. German keeps the hyphen before a capital or a digit
    ("Marzahn-Hellersdorf", "NFL-Kategorie"), after a digit or an acronym, and in coordination ("Kinder- und");
    otherwise the hyphen was the typesetter's and the word is joined, unless the document itself spells the
    hyphenated form elsewhere ("in-se" in "Malum-in-se-Erwägungen")."""
    lw = re.search(r"(\w+)$", left)
    rw = re.match(r"(\w+)", right)
    if not lw or not rw:
        return f"{left}-{right}"
    a, b = lw.group(1), rw.group(1)
    joined, hyphenated = (a + b).lower(), f"{a}-{b}".lower()
    if joined in vocabulary and hyphenated not in vocabulary:
        return f"{left}{right}"  # the document spells it as one word elsewhere ("DuMont")
    if hyphenated in vocabulary:
        return f"{left}-{right}"
    if b[0].isupper() or b[0].isdigit() or a[-1].isdigit() or (len(a) >= 2 and a.isupper()):
        return f"{left}-{right}"
    if b.lower() in _COORDINATION:
        return f"{left}- {right}"
    return f"{left}{right}"


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    kind: str = "text"  # text | table | heading


def _lines_in_order(units: list[Segment | Table], body_size: float) -> list[_Line]:
    """Segments in reading order merged into lines (segments side by side on one baseline join)."""
    out: list[_Line] = []
    for u in units:
        if isinstance(u, Table) and u.is_list:
            for row in u.rows:
                item = " ".join(c for c in row if c).replace(HYPHEN, "-")
                out.append(_Line(item, 0, 0, 0, 0, body_size, "item"))
            continue
        if isinstance(u, Table):
            for row in u.rows:
                cells = [re.sub(r"\s+", " ", c.replace(HYPHEN + " ", "").replace(HYPHEN, "-")).strip() for c in row]
                out.append(_Line(" | ".join(cells), 0, 0, 0, 0, body_size, "table"))
            continue
        s = u
        prev = out[-1] if out else None
        if (prev and prev.kind != "table" and s.x0 >= prev.x1 - 1
                and min(prev.bottom, s.bottom) - max(prev.top, s.top) >= 0.5 * min(prev.bottom - prev.top, s.height)):
            prev.text = f"{prev.text} {s.text}"
            prev.x1, prev.bottom = s.x1, max(prev.bottom, s.bottom)
            continue
        kind = "heading" if s.size >= HEADING_SIZE * body_size else "text"
        out.append(_Line(s.text, s.x0, s.x1, s.top, s.bottom, s.size, kind))
    return out


def paragraphs(lines: list[_Line], vocabulary: set[str]) -> list[str]:
    """Lines -> paragraphs (one per output line). A paragraph ends at a heading, a table row, a list item, a
    larger vertical gap than the page's usual line gap, a first-line indent, or a short line ending a sentence."""
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(lines)
            if a.kind == b.kind == "text" and 0 <= b.top - a.bottom < 2 * a.size and abs(a.x0 - b.x0) < 2]
    usual_gap = statistics.median(gaps) if gaps else 3.0
    right_edges = [ln.x1 for ln in lines if ln.kind == "text"]
    out: list[str] = []
    current = ""
    prev: _Line | None = None
    para_right = 0.0
    for ln in lines:
        new = prev is None or ln.kind != "text" or prev.kind != "text" or bool(_LIST_START.match(ln.text))
        if (prev is not None and ln.kind == prev.kind == "heading" and abs(ln.size - prev.size) < 0.5
                and 0 <= ln.top - prev.bottom < 0.8 * ln.size):
            new = False  # a heading set over several lines
        elif not new and prev is not None:
            gap = ln.top - prev.bottom
            same_column = abs(ln.x0 - prev.x0) < 40 and gap >= -0.5 * ln.size
            ends_sentence = prev.text.rstrip().endswith((".", "!", "?", ":", "“", '"'))
            short = prev.x1 < max(para_right, prev.x1) - 2 * prev.size
            if same_column:
                indented = ln.x0 > prev.x0 + 0.8 * ln.size and not _LIST_START.match(current)
                new = gap > usual_gap + 0.45 * ln.size or indented or (ends_sentence and short)
            else:  # next column or page area: the paragraph goes on unless the last line closed it
                new = ends_sentence and (short or prev.x1 < max(right_edges or [prev.x1]) - 2 * prev.size)
        if new:
            if current:
                out.append(current)
            current, para_right = ln.text, ln.x1
        else:
            current = _join_words(current, ln.text, vocabulary)
            para_right = max(para_right, ln.x1)
        prev = ln
    if current:
        out.append(current)
    # a hyphen that ends the page's text stays marked: the next page may continue the word
    return [p[:-1].replace(HYPHEN, "-") + p[-1] if p.endswith(HYPHEN) else p.replace(HYPHEN, "-") for p in out]


# ---------------------------------------------------------------- document

@dataclass
class PdfPages:
    texts: list[str]
    notes: list[list[str]]
    info: list[PageText]


def read_pdf_pages(pdf, on_page: Callable[[int, int], None] | None = None) -> PdfPages:
    """All pages of an open ``pypdfium2.PdfDocument`` as logical text (see the module docstring);
    ``on_page(done, total)`` reports progress."""
    pages: list[list[Segment]] = []
    infos: list[PageText] = []
    heights: list[float] = []
    for idx in range(len(pdf)):
        page = pdf[idx]
        try:
            segs, info = page_segments(page)
            heights.append(page.get_bbox()[3])
        finally:
            page.close()
        pages.append(segs)
        infos.append(info)
        if on_page:
            on_page(idx + 1, len(pdf))
    sizes = Counter()
    for segs in pages:
        for s in segs:
            sizes[round(s.size, 1)] += len(s.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    furniture = find_furniture(pages, heights, body_size)
    vocabulary = {w.lower() for segs in pages for s in segs for w in re.findall(r"\w+(?:-\w+)+", s.text)}
    vocabulary |= {w.lower() for segs in pages for s in segs for w in re.findall(r"\w+", s.text)}

    texts: list[str] = []
    notes: list[list[str]] = []
    for i, segs in enumerate(pages):
        body = [s for s in segs if (i, s.order) not in furniture]
        if infos[i].rotated:  # text drawn at an angle: PDFium's own lines, joined into paragraphs
            running = {_furniture_key(s.text) for k, other in enumerate(pages) for s in other
                       if (k, s.order) in furniture}
            plain = "\n".join(ln for ln in infos[i].plain.replace("\r\n", "\n").split("\n")
                               if _furniture_key(ln) not in running and not _PAGE_NUMBER.match(ln))
            texts.append(plain_paragraphs(plain, vocabulary))
            notes.append([])
            continue
        body, page_notes = _split_notes(body, body_size)
        if infos[i].turned:
            body = geometric_order(body)
        units = _reading_order(body)
        lines = _lines_in_order(units, body_size)
        texts.append("\n".join(paragraphs(lines, vocabulary)))
        note_lines = _lines_in_order(_reading_order(page_notes), body_size)
        for ln in note_lines:
            ln.kind = "text"
        notes.append(paragraphs(note_lines, vocabulary))
    return PdfPages(join_hyphens_across_pages(texts, vocabulary), notes, infos)


def join_hyphens_across_pages(texts: list[str], vocabulary: set[str]) -> list[str]:
    """A word hyphenated at the end of a page ("islami-" | "schen Welt") is made whole on the first page; the
    rest of the sentence stays on the next page, where it stands."""
    out = list(texts)
    for i in range(len(out)):
        if not out[i].endswith(HYPHEN):
            continue
        nxt = out[i + 1] if i + 1 < len(out) else ""
        m = re.match(r"(\w+[.,;:!?)]?)\s*", nxt)
        if m and nxt[:1].isalpha():
            out[i] = resolve_hyphen(out[i][:-1], m.group(1), vocabulary)
            out[i + 1] = nxt[m.end():]
        else:
            out[i] = out[i][:-1] + "-"
    return out


def plain_paragraphs(text: str, vocabulary: set[str]) -> str:
    """PDFium's plain page text (lines ending in CR LF, U+FFFE for a line-end hyphen) as paragraphs: lines are
    joined, a paragraph ends after a line that closes a sentence and is clearly shorter than the longest."""
    lines = [ln.strip() for ln in text.replace("\ufffe", HYPHEN).replace("\r\n", "\n").split("\n") if ln.strip()]
    width = max((len(ln) for ln in lines), default=0)
    out: list[str] = []
    current = prev = ""
    for ln in lines:
        if not current:
            current = ln
        elif current.rstrip().endswith((".", "!", "?", ":")) and len(prev) < 0.8 * width:
            out.append(current)
            current = ln
        else:
            current = _join_words(current, ln, vocabulary)
        prev = ln
    if current:
        out.append(current)
    return "\n".join(p.replace(HYPHEN, "-") for p in out)


def geometric_order(segs: list[Segment]) -> list[Segment]:
    """Reading order from position alone, for pages whose drawing order PDFium does not keep (displayed turned):
    text columns left to right (a gutter is an x that no segment crosses while text stands on both sides of it
    on many lines), top to bottom inside each; lines across the gutter read in their place."""
    if not segs:
        return segs
    lines = []
    for ln in visual_lines(segs):  # pieces of one line that PDFium split apart (a line-end hyphen) join again
        merged = [ln[0]]
        for s in ln[1:]:
            last = merged[-1]
            if 0 <= s.x0 - last.x1 < SEGMENT_GAP_EM * last.size:
                merged[-1] = Segment(last.text + s.text, last.x0, s.x1, min(last.top, s.top),
                                     max(last.bottom, s.bottom), last.size, last.order)
            else:
                merged.append(s)
        lines.append(merged)
    segs = [s for ln in lines for s in ln]
    edges = sorted({round(s.x1) for s in segs})
    gutters = []
    for x in edges:
        both = sum(1 for ln in lines if any(s.x1 <= x + 1 for s in ln) and any(s.x0 >= x + 2 for s in ln))
        crossing = sum(1 for s in segs if s.x0 < x - 1 and s.x1 > x + 2)
        if crossing == 0 and both >= max(3, 0.3 * len(lines)):
            gutters.append(x)
    gutter = gutters[0] if gutters else None
    ordered: list[Segment] = []
    band: list[Segment] = []
    for ln in lines:
        if gutter is not None and any(s.x0 < gutter - 1 and s.x1 > gutter + 2 for s in ln):
            ordered += sorted(band, key=lambda s: (s.x0 >= gutter, s.top, s.x0)) + ln
            band = []
        else:
            band.extend(ln)
    key = (lambda s: (s.x0 >= gutter, s.top, s.x0)) if gutter is not None else (lambda s: (s.top, s.x0))
    ordered += sorted(band, key=key)
    for n, s in enumerate(ordered):
        s.order = n
    return ordered


def _split_notes(segs: list[Segment], body_size: float) -> tuple[list[Segment], list[Segment]]:
    """Footnotes: text set smaller than the body that stands below every body line of its own column (body
    lines that overlap it horizontally), so a footnote under the left column is found while the right column
    runs on further down."""
    body_lines = [s for s in segs if s.size >= NOTE_SIZE * body_size]
    if not body_lines:
        return segs, []
    notes = []
    for s in segs:
        if s.size >= NOTE_SIZE * body_size:
            continue
        above = [b.bottom for b in body_lines if min(b.x1, s.x1) - max(b.x0, s.x0) > 0]
        if above and s.top >= max(above) - 1:
            notes.append(s)
    if not notes:
        return segs, []
    note_ids = {id(s) for s in notes}
    return [s for s in segs if id(s) not in note_ids], notes


def _reading_order(segs: list[Segment]) -> list[Segment | Table]:
    """Drawing order, with each table as one unit at the place of its first segment; text columns that a file
    draws line by line across the page are read column after column."""
    tables = find_tables(segs)
    in_table: dict[int, Table] = {}
    for t in tables:
        for s in t.segments:
            in_table[id(s)] = t
    units: list[tuple[tuple, Segment | Table]] = []
    emitted: set[int] = set()
    for s in segs:
        t = in_table.get(id(s))
        if t is None:
            units.append(((s.order, 0, 0.0), s))
        elif t.prose_columns:
            col = _col_index(s.x0, t.columns)
            units.append(((t.first_order, col, s.top), s))
        elif id(t) not in emitted:
            emitted.add(id(t))
            units.append(((t.first_order, 0, 0.0), t))
    return [u for _, u in sorted(units, key=lambda x: x[0])]
