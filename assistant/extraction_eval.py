"""PDF text extraction scored against known source text, and a comparison of extraction engines.

The set (tests/data/office, built by scripts/office_pdfs.py) holds office-made PDFs with a JSON ground truth
beside each. Metrics per file (pure functions, all in 0..1 unless said otherwise):

- word accuracy: longest common subsequence of the source's word sequence (title, headings, body paragraphs in
  reading order) and the extraction's, divided by the number of source words. Interleaved columns, lost text
  and words split by a hyphen at a line end all lower it; extra text (headers, tables) does not.
- sentence contiguity: share of source body sentences found verbatim in the extraction after whitespace
  normalisation only. No de-hyphenation and no ligature mapping on the scoring side: the engine must deliver
  clean text.
- table rows kept: share of truth table rows whose cells all appear, in order, on one line of the extraction.
- ligatures: number of U+FB00–FB06 characters in the extraction (0 = ligature-free).
- header/footer leakage: share of the pages' running header and footer strings that stand inside a body
  sentence (the words on both sides of them continue one source sentence). "kept" is the share found at all.
- footnotes: share of footnote texts found contiguous; share standing inside a body sentence.
- space-run share: share of characters that belong to runs of two or more spaces.

Run: ``python -m assistant.extraction_eval [--set tests/data/office] [--out evals/reports/pdf.md]``.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import itertools
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from assistant.settings import PROJECT_ROOT

DEFAULT_SET = PROJECT_ROOT / "tests" / "data" / "office"
DEFAULT_REPORT = PROJECT_ROOT / "evals" / "reports" / "pdf.md"
LIGATURES = re.compile("[\ufb00-\ufb06]")
SPACE_RUN = re.compile(r" {2,}")
WORD = re.compile(r"\w+")
MAX_SKIP_WORDS = 60  # unaligned words (a footnote, the next header) looked past to find the sentence's next word
EXAMPLES_PER_ENGINE = 2
SNIPPET_CHARS = 170

# ------------------------------------------------------------------ normalisation and truth


def normalise_ws(text: str) -> str:
    """NFC and whitespace runs (line breaks, form feeds, NBSP) to one space. Nothing else: a hyphen left at a
    line end or a ligature character stays and costs the engine."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFC", text))


def split_sentences(paragraph: str) -> list[str]:
    """German sentence split (sentencex, the project's splitter); deterministic for a given text."""
    from sentencex import segment

    return [s for s in (normalise_ws(x) for x in segment("de", paragraph)) if s]


@dataclass
class Truth:
    file: str
    layout: str
    pages: int
    title: str | None
    headings: list[dict]
    body: list[str]
    tables: list[dict]
    footnotes: list[str]
    furniture: list[dict]
    encryption: dict | None = None
    rotation: dict | None = None
    sentences: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Truth:
        d = json.loads(path.read_text(encoding="utf-8"))
        truth = cls(file=d["file"], layout=d["layout"], pages=d["pages"], title=d.get("title"),
                    headings=d["headings"], body=d["body"], tables=d.get("tables", []),
                    footnotes=d.get("footnotes", []), furniture=d.get("furniture", []),
                    encryption=d.get("encryption"), rotation=d.get("rotation"))
        truth.sentences = [s for p in truth.body for s in split_sentences(p)]
        return truth

    def reading_words(self) -> list[str]:
        """Title, then each heading followed by its chapter's paragraphs: the order a reader meets them."""
        out = words(self.title) if self.title else []
        starts = [h.get("body_start", 0) for h in self.headings] + [len(self.body)]
        for h, (a, b) in zip(self.headings, itertools.pairwise(starts), strict=True):
            out += words(h["text"])
            for p in self.body[a:b]:
                out += words(p)
        return out

    def furniture_strings(self) -> list[str]:
        return [s for f in self.furniture for s in (f["header"], f["footer"])]


# ------------------------------------------------------------------ metrics


def word_accuracy(source_words: Sequence[str], extracted: str) -> float:
    """LCS of the word sequences / number of source words: words recovered, in order."""
    from rapidfuzz.distance import LCSseq

    if not source_words:
        return 1.0
    return LCSseq.similarity(list(source_words), words(extracted)) / len(source_words)


def sentence_contiguity(sentences: Sequence[str], extracted: str) -> float:
    if not sentences:
        return 1.0
    flat = normalise_ws(extracted)
    return sum(normalise_ws(s) in flat for s in sentences) / len(sentences)


def missed_sentences(sentences: Sequence[str], extracted: str) -> list[str]:
    flat = normalise_ws(extracted)
    return [s for s in sentences if normalise_ws(s) not in flat]


def row_on_line(cells: Sequence[str], line: str) -> bool:
    pos = 0
    for cell in cells:
        cell = normalise_ws(cell)
        if not cell:
            continue
        at = line.find(cell, pos)
        if at < 0:
            return False
        pos = at + len(cell)
    return True


def table_rows_kept(rows: Sequence[Sequence[str]], extracted: str) -> float:
    """Share of rows whose cells all stand, in order, on one line of the extraction."""
    if not rows:
        return 1.0
    lines = [normalise_ws(x) for x in extracted.splitlines() if x.strip()]
    return sum(any(row_on_line(r, ln) for ln in lines) for r in rows) / len(rows)


def ligature_count(text: str) -> int:
    return len(LIGATURES.findall(text))


def space_run_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(len(m.group(0)) for m in SPACE_RUN.finditer(text)) / len(text)


def source_tokens(truth: Truth) -> tuple[list[str], list[int | None]]:
    """The source's words in reading order and, per word, the index of its body sentence (None: title,
    heading)."""
    toks: list[str] = []
    sids: list[int | None] = []
    if truth.title:
        w = words(truth.title)
        toks += w
        sids += [None] * len(w)
    sid = 0
    starts = [h.get("body_start", 0) for h in truth.headings] + [len(truth.body)]
    for h, (a, b) in zip(truth.headings, itertools.pairwise(starts), strict=True):
        w = words(h["text"])
        toks += w
        sids += [None] * len(w)
        for para in truth.body[a:b]:
            for sentence in split_sentences(para):
                w = words(sentence)
                toks += w
                sids += [sid] * len(w)
                sid += 1
    return toks, sids


def inserts_inside_sentences(
    inserts: Sequence[str], source: tuple[list[str], list[int | None]], extracted: str
) -> tuple[int, int]:
    """(found, inside) for insert strings (running headers, footers, footnotes) in the extraction.

    An occurrence is inside a sentence when the nearest extraction words on either side of it that align to
    the source (word LCS) are consecutive words of one source sentence, or one apart (the word split by a
    hyphen at the page end does not align). Unaligned text between (a footnote, hyphen fragments) is skipped,
    so "… Wort / Seite 2 von 4 / Kapitel 1 / Wort …" counts the footer and the header.
    """
    from rapidfuzz.distance import Indel

    flat = normalise_ws(extracted)
    spans: list[tuple[int, int]] = []
    for ins in sorted({normalise_ws(x) for x in inserts if x.strip()}, key=len, reverse=True):
        for m in re.finditer(re.escape(ins), flat):
            if not any(a < m.end() and m.start() < b for a, b in spans):
                spans.append((m.start(), m.end()))
    if not spans:
        return 0, 0
    src_words, sids = source
    ext = [(m.start(), m.group(0)) for m in WORD.finditer(flat)]
    aligned: dict[int, int] = {}
    for op in Indel.opcodes(src_words, [w for _, w in ext]):
        if op.tag == "equal":
            for k in range(op.dest_end - op.dest_start):
                aligned[op.dest_start + k] = op.src_start + k
    starts = [pos for pos, _ in ext]
    inside = 0
    for a, b in spans:
        first = bisect.bisect_left(starts, a)  # first word at or after the insert
        after_first = bisect.bisect_left(starts, b)
        before = next((aligned[i] for i in range(first - 1, max(-1, first - 1 - MAX_SKIP_WORDS), -1)
                       if i in aligned and not _in_spans(starts[i], spans)), None)
        after = next((aligned[i] for i in range(after_first, min(len(ext), after_first + MAX_SKIP_WORDS))
                      if i in aligned and not _in_spans(starts[i], spans)), None)
        if before is None or after is None:
            continue
        if sids[before] is not None and sids[before] == sids[after] and 1 <= after - before <= 2:
            inside += 1
    return len(spans), inside


def _in_spans(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


# ------------------------------------------------------------------ scoring a file


@dataclass
class Score:
    file: str
    layout: str
    engine: str
    pages: int
    seconds: float
    error: str | None = None
    word_accuracy: float = 0.0
    sentence_contiguity: float = 0.0
    table_rows: float | None = None
    ligatures: int = 0
    leakage: float = 0.0
    furniture_kept: float = 0.0
    footnotes_found: float | None = None
    footnotes_inside: float | None = None
    space_runs: float = 0.0
    sentences: int = 0
    missed: list[str] = field(default_factory=list)
    missed_rows: list[list[str]] = field(default_factory=list)
    text: str = ""

    @property
    def seconds_per_page(self) -> float:
        return self.seconds / max(1, self.pages)


def score_text(truth: Truth, page_texts: Sequence[str], engine: str = "", seconds: float = 0.0) -> Score:
    text = "\n".join(page_texts)
    source_toks = source_tokens(truth)
    source = source_toks[0]
    s = Score(file=truth.file, layout=truth.layout, engine=engine, pages=truth.pages, seconds=seconds, text=text)
    s.word_accuracy = word_accuracy(source, text)
    s.sentence_contiguity = sentence_contiguity(truth.sentences, text)
    s.missed = missed_sentences(truth.sentences, text)
    s.sentences = len(truth.sentences)
    rows = [r for t in truth.tables for r in t["rows"]]
    if rows:
        s.table_rows = table_rows_kept(rows, text)
        lines = [normalise_ws(x) for x in text.splitlines() if x.strip()]
        s.missed_rows = [r for r in rows if not any(row_on_line(r, ln) for ln in lines)]
    s.ligatures = ligature_count(text)
    furniture = truth.furniture_strings()
    if furniture:
        found, inside = inserts_inside_sentences(furniture, source_toks, text)
        s.leakage = inside / len(furniture)
        s.furniture_kept = min(found, len(furniture)) / len(furniture)
    if truth.footnotes:
        s.footnotes_found = sentence_contiguity(truth.footnotes, text)
        _, inside = inserts_inside_sentences(truth.footnotes, source_toks, text)
        s.footnotes_inside = inside / len(truth.footnotes)
    s.space_runs = space_run_share(text)
    return s


# ------------------------------------------------------------------ engines


def _pypdf_reader(path: Path):
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted and not reader.decrypt(""):
        raise PermissionError("password required")
    return reader


def pypdf_plain(path: Path) -> list[str]:
    return [p.extract_text() or "" for p in _pypdf_reader(path).pages]


def pypdf_layout(path: Path) -> list[str]:
    return [p.extract_text(extraction_mode="layout") or "" for p in _pypdf_reader(path).pages]


def pdfminer_text(path: Path) -> list[str]:
    from pdfminer.high_level import extract_text

    pages = extract_text(str(path)).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdfplumber_text(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def pypdfium2_text(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        out = []
        for page in doc:
            textpage = page.get_textpage()
            out.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return out
    finally:
        doc.close()


def product_loader(path: Path) -> list[str]:
    """The texts the product indexes: pdf_page_texts when the loader offers it, else the loaded pages."""
    from assistant import documents

    page_texts = getattr(documents, "pdf_page_texts", None)
    if page_texts is not None:
        return list(page_texts(path))
    return [p.text for p in documents.load(path, path.parent, {}).pages]


ENGINES: dict[str, Callable[[Path], list[str]]] = {
    "pypdf plain": pypdf_plain,
    "pypdf layout": pypdf_layout,
    "pdfminer.six": pdfminer_text,
    "pdfplumber": pdfplumber_text,
    "pypdfium2": pypdfium2_text,
    "GI-Assistent": product_loader,
}
ENGINE_PACKAGES = {"pypdf plain": "pypdf", "pypdf layout": "pypdf", "pdfminer.six": "pdfminer.six",
                   "pdfplumber": "pdfplumber", "pypdfium2": "pypdfium2", "GI-Assistent": "gi-assistent"}


def run_engine(name: str, path: Path, truth: Truth) -> Score:
    fn = ENGINES[name]
    start = time.perf_counter()
    try:
        texts = fn(path)
    except Exception as exc:  # every engine fails in its own way; the report shows how
        return Score(file=truth.file, layout=truth.layout, engine=name, pages=truth.pages,
                     seconds=time.perf_counter() - start, error=f"{type(exc).__name__}: {str(exc)[:120]}")
    return score_text(truth, texts, name, time.perf_counter() - start)


def evaluate(set_dir: Path = DEFAULT_SET, engines: Sequence[str] | None = None) -> list[Score]:
    names = list(engines or ENGINES)
    for name in names:  # imports and first-call set-up are not page time
        with contextlib.suppress(Exception):
            ENGINES[name](sorted(set_dir.glob("*.pdf"))[0])
    scores = []
    for json_path in sorted(set_dir.glob("*.json")):
        truth = Truth.load(json_path)
        pdf = json_path.with_suffix(".pdf")
        for name in names:
            scores.append(run_engine(name, pdf, truth))
    return scores


# ------------------------------------------------------------------ report


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.1f}"


def _snippet(needle: str, haystack: str) -> str:
    """The part of the extraction that best matches a missed sentence (shows what the engine made of it)."""
    from rapidfuzz import fuzz

    flat = normalise_ws(haystack)
    al = fuzz.partial_ratio_alignment(needle, flat)
    if al is None or al.score < 50:
        return "(nicht gefunden)"
    piece = flat[max(0, al.dest_start - 10): al.dest_end + 10]
    return piece[:SNIPPET_CHARS] + ("…" if len(piece) > SNIPPET_CHARS else "")


def _cell(s: Score, attr: str) -> str:
    if s.error:
        return "Fehler"
    v = getattr(s, attr)
    if attr == "ligatures":
        return str(v)
    return _pct(v)


def report(scores: list[Score], set_dir: Path) -> str:
    from assistant.machine import machine

    engines = list(dict.fromkeys(s.engine for s in scores))
    # base layouts first, derived variants (ligatures, encryption, rotation) after them
    files = sorted(dict.fromkeys(s.file for s in scores), key=lambda f: (f.count("-") > 1, f))
    by = {(s.engine, s.file): s for s in scores}
    layout = {s.file: s.layout for s in scores}
    versions = []
    for eng in engines:
        pkg = ENGINE_PACKAGES.get(eng, eng)
        try:
            versions.append(f"{eng} ({pkg} {metadata.version(pkg)})")
        except metadata.PackageNotFoundError:
            versions.append(eng)
    try:
        rel_set = set_dir.resolve().relative_to(PROJECT_ROOT)
    except ValueError:
        rel_set = set_dir
    from assistant import documents

    product_api = "pdf_page_texts" if hasattr(documents, "pdf_page_texts") else "documents.load(...).pages"
    out = [
        "# PDF text extraction: engines compared on office-made PDFs",
        "",
        f"Machine: {machine()}. Set: `{rel_set}` ({len(files)} PDFs with known source text, made by "
        "`scripts/office_pdfs.py`: python-docx → LibreOffice headless; justified German text with automatic "
        "hyphenation, running headers per chapter, \"Seite N von M\" footers, tables, footnotes, Linux Libertine "
        f"ligatures). Engines: {', '.join(versions)}; the product is read through `{product_api}`. "
        "Regenerate with `python -m assistant.extraction_eval`.",
        "",
        "All values in % except ligatures (count of U+FB00–FB06 characters) and speed. Scoring normalises only "
        "whitespace: hyphens left at line ends and ligature characters count against the engine. "
        "Metric definitions: module docstring of `assistant/extraction_eval.py`.",
        "",
    ]
    sections = [
        ("Sentence contiguity (share of source sentences found verbatim)", "sentence_contiguity"),
        ("Word accuracy (source words recovered in order)", "word_accuracy"),
        ("Table rows kept (all cells of a row in order on one line)", "table_rows"),
        ("Ligature characters U+FB00–FB06 in the text (0 = ligature-free)", "ligatures"),
        ("Header/footer leakage (share of running headers/footers standing inside a body sentence)", "leakage"),
        ("Header/footer kept at all (share of the pages' header and footer strings found)", "furniture_kept"),
        ("Footnotes found verbatim", "footnotes_found"),
        ("Footnotes inside a body sentence", "footnotes_inside"),
        ("Space-run share (characters in runs of 2+ spaces)", "space_runs"),
    ]
    head = "| engine | " + " | ".join(f"{f.removesuffix('.pdf')}" for f in files) + " |"
    sep = "|---|" + "---|" * len(files)
    for title, attr in sections:
        out += [f"## {title}", "", head, sep]
        for eng in engines:
            out.append(f"| {eng} | " + " | ".join(_cell(by[(eng, f)], attr) for f in files) + " |")
        out.append("")
    out += ["## Layouts", "", "| file | layout | pages |", "|---|---|---|"]
    for f in files:
        out.append(f"| {f} | {layout[f]} | {by[(engines[0], f)].pages} |")
    out += ["", "## Speed (seconds per page, all files that opened)", "",
            "One run per file after a warm-up call, wall clock, on a machine shared with other jobs: compare "
            "engines with each other, not with other reports.", "", "| engine | s/page | total s |", "|---|---|---|"]
    for eng in engines:
        ok = [by[(eng, f)] for f in files if not by[(eng, f)].error]
        pages = sum(s.pages for s in ok)
        total = sum(s.seconds for s in ok)
        out.append(f"| {eng} | {total / max(1, pages):.4f} | {total:.2f} |")
    errors = [s for s in scores if s.error]
    if errors:
        out += ["", "## Errors", "", "| engine | file | error |", "|---|---|---|"]
        out += [f"| {s.engine} | {s.file} | `{s.error.replace('|', '/')}` |" for s in errors]
    focus = "office-2col.pdf" if "office-2col.pdf" in files else files[0]
    out += ["", f"## Examples from `{focus}`: missed sentences and what the engine has there", ""]
    for eng in engines:
        s = by[(eng, focus)]
        if s.error:
            continue
        out.append(f"**{eng}**: {len(s.missed)} of {s.sentences} sentences missed, "
                   f"{len(s.missed_rows)} table rows not on one line.")
        out.append("")
        for miss in s.missed[:EXAMPLES_PER_ENGINE]:
            out.append(f"- source: „{miss[:SNIPPET_CHARS]}“  \n  engine: `{_snippet(miss, s.text)}`")
        for row in s.missed_rows[:1]:
            out.append(f"- table row not on one line: {' | '.join(row)[:SNIPPET_CHARS]}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


LARGE_COPIES = 28  # copies of the 24 XQuAD articles: about 760 two-column pages, the size of a large report
# measured once on 2026-11-27 on this machine kind; that loader no longer exists in the code
PREVIOUS_LOADER_LARGE = ("125 s for a 764-page file of the same construction (pypdf layout mode with the line "
                         "post-processing of commit 651bd52)")


def large_file_benchmark(workdir: Path, copies: int = LARGE_COPIES) -> dict:
    """Load a long office PDF (two columns, justified, hyphenated, running headers) with the product's loader:
    pages, seconds, pages/s, peak memory of the loading process."""
    import importlib.util
    import resource

    from assistant.documents import load

    spec = importlib.util.spec_from_file_location("office_pdfs", PROJECT_ROOT / "scripts" / "office_pdfs.py")
    office = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["office_pdfs"] = office  # its dataclasses look their module up while being defined
    spec.loader.exec_module(office)
    articles = [(f"{a['title']} ({k + 1})", a["paragraphs"]) for k in range(copies) for a in office.load_xquad()]
    pdf = office.write_office_pdf(articles, workdir / "gross-2spaltig.pdf", columns=2)
    t0 = time.perf_counter()
    doc = load(pdf, pdf.parent, {})
    seconds = time.perf_counter() - t0
    return {"pages": len(doc.pages), "seconds": seconds, "pages_per_s": len(doc.pages) / seconds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "mb": pdf.stat().st_size / 2**20}


def large_file_section(result: dict) -> str:
    return (
        "\n## A large file\n\n"
        f"A {result['pages']}-page two-column office PDF ({result['mb']:.1f} MB, the 24 XQuAD articles "
        f"{LARGE_COPIES} times, made by `scripts/office_pdfs.py`) loads in **{result['seconds']:.1f} s** "
        f"({result['pages_per_s']:.0f} pages/s, peak RSS {result['peak_rss_mb']:.0f} MB, one process). "
        f"The previous loader took {PREVIOUS_LOADER_LARGE}. Ingest reads files in worker "
        "processes (two at once, a time limit per file: `GI_PARSE_WORKERS`, `GI_PARSE_TIMEOUT_S`).\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="PDF-Textextraktion gegen bekannten Quelltext bewerten.")
    ap.add_argument("--set", type=Path, default=DEFAULT_SET, help="Ordner mit PDF + JSON")
    ap.add_argument("--out", type=Path, default=DEFAULT_REPORT, help="Markdown-Bericht")
    ap.add_argument("--engines", nargs="*", choices=list(ENGINES), help="nur diese Engines")
    ap.add_argument("--large", action="store_true", help="auch eine große Datei (≈760 Seiten) messen")
    args = ap.parse_args(argv)
    scores = evaluate(args.set, args.engines)
    text = report(scores, args.set)
    if args.large:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            large = large_file_benchmark(Path(tmp))
        print(f"large file: {large['pages']} pages in {large['seconds']:.1f} s")
        text += large_file_section(large)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    for s in scores:
        print(f"{s.engine:14s} {s.file:36s} sent {_pct(s.sentence_contiguity):>5} words {_pct(s.word_accuracy):>5} "
              f"rows {_pct(s.table_rows):>5} lig {s.ligatures:3d} leak {_pct(s.leakage):>5} "
              f"{s.seconds_per_page:.3f}s/p {s.error or ''}")
    print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
