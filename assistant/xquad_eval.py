"""XQuAD-de evaluation: direct answers and honest refusals on real German extractive QA nobody here wrote.

The development half of XQuAD's German file (``../shared/data/xquad-de-dev``, CC BY-SA 4.0, Artetxe et al. 2019)
becomes a corpus folder, one document per article (Markdown, or two-column office PDFs from
``scripts/office_pdfs.py``). Every :data:`LEAVE_OUT_EVERY`-th article is left out of the index, so its
questions have no answer in the corpus and must be refused. Everything else is indexed with the real
:class:`~assistant.core.Assistant` and every question is asked (audience ``general``).

Metrics (any of a question's gold answers counts; texts are compared after NFKC, lower-casing, removing ``[n]``
markers and Markdown emphasis, and collapsing whitespace):

- ``lead_span``: gold span in the lead statement, i.e. the answer text before its first ``[n]`` marker
  (answerable questions; a refusal counts as a miss);
- ``span_anywhere``: gold span anywhere in the answer text (answerable questions; a refusal is a miss);
- ``answerable_refused``: share of questions about indexed articles that were refused;
- ``left_out_refused``: share of questions about left-out articles that were refused;
- ``median_chars``: median length of the answers that were not refused.

Questions are split by a hash of their id into a ``dev`` half (tune on it) and a ``heldout`` half (report it,
never tune on it); the report lists misses for the dev half only, so nobody tunes on held-out examples.

Run: ``python -m assistant.xquad_eval [--format md|pdf] [--limit N] [--out evals/reports/xquad.md]``.
The corpus and index are cached per format under ``evals/cache/xquad-<format>/`` and rebuilt when the source
data, the format, the leave-out rule, the PDF writer or the indexing code (documents, chunking, ingest, store)
change (``--rebuild`` forces it); answering code can change freely, a rerun then only asks the questions.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.citations import lead_statement
from assistant.settings import PROJECT_ROOT

DATA = PROJECT_ROOT.parent / "shared" / "data" / "xquad-de-dev" / "xquad-de-dev.json"
CACHE = PROJECT_ROOT / "evals" / "cache"
DEFAULT_OUT = PROJECT_ROOT / "evals" / "reports" / "xquad.md"
OFFICE_PDFS = PROJECT_ROOT / "scripts" / "office_pdfs.py"
# The index depends on how documents are read, chunked and stored: a change there rebuilds the cached index.
# (Modules missing in a checkout are skipped, so the list may name modules that are still being written.)
INDEX_CODE = tuple(PROJECT_ROOT / "assistant" / f for f in ("documents.py", "pdf_text.py", "ocr.py", "chunking.py",
                                                            "sentences.py", "embeddings.py", "ingest.py", "store.py"))
FORMATS = ("md", "pdf")
LEAVE_OUT_EVERY = 4  # articles 3, 7, 11, … (0-based) are not indexed: their questions are unanswerable
PDF_COLUMNS = 2
CORPUS_VERSION = 2  # bump when write_corpus or load_articles change what the documents contain
WORST_MISSES = 10  # per kind of miss, dev half only
SPLITS = ("dev", "heldout")
# Targets from issue 8 (dev half)
TARGETS = {"lead_span": (">=", 0.90), "span_anywhere": (">=", 0.95), "answerable_refused": ("<=", 0.03),
           "left_out_refused": (">=", 0.95)}
ATTRIBUTION = ("XQuAD (Artetxe, Ruder, Yogatama 2019, google-deepmind/xquad, file xquad.de.json), "
               "development half as provided in ../shared/data/xquad-de-dev; license CC BY-SA 4.0.")


# ---------------------------------------------------------------- data

@dataclass(frozen=True)
class Article:
    index: int  # position in the source file (0-based); decides whether it is left out
    title: str
    paragraphs: tuple[str, ...]

    @property
    def slug(self) -> str:
        return f"{self.index:02d}-" + re.sub(r"[^A-Za-z0-9]+", "-", self.title).strip("-").lower()


@dataclass(frozen=True)
class XQuestion:
    id: str
    article: int
    title: str
    question: str
    answers: tuple[str, ...]
    split: str  # "dev" | "heldout"
    indexed: bool  # False: the article is left out of the index, the question is unanswerable


def read_source(path: Path = DATA) -> dict:
    if not path.exists():
        raise FileNotFoundError(f"XQuAD-de data not found: {path} (see ../shared/data/xquad-de-dev/README.md)")
    return json.loads(path.read_text(encoding="utf-8"))


def load_articles(source: dict) -> list[Article]:
    # U+FEFF left inside a few contexts is no text (invisible in print); it would only split words
    return [Article(i, a["title"].replace("_", " "),
                    tuple(p["context"].replace("\ufeff", "").strip() for p in a["paragraphs"]))
            for i, a in enumerate(source["data"])]


def is_left_out(article_index: int, every: int = LEAVE_OUT_EVERY) -> bool:
    return every > 0 and article_index % every == every - 1


def split_of(question_id: str) -> str:
    """Stable half of a question: a hash of its id, independent of order, article and Python's hash seed."""
    return SPLITS[hashlib.sha1(question_id.encode()).digest()[0] % 2]


def load_questions(source: dict, every: int = LEAVE_OUT_EVERY) -> list[XQuestion]:
    out = []
    for i, a in enumerate(source["data"]):
        for p in a["paragraphs"]:
            for qa in p["qas"]:
                answers = tuple(dict.fromkeys(x["text"] for x in qa["answers"]))  # unique, in order
                out.append(XQuestion(qa["id"], i, a["title"].replace("_", " "), qa["question"], answers,
                                     split_of(qa["id"]), not is_left_out(i, every)))
    return out


def spread(items: Sequence, limit: int | None) -> list:
    """``limit`` items evenly spread over the sequence (so a short run still covers every article)."""
    if limit is None or limit >= len(items):
        return list(items)
    if limit <= 0:
        return []
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


# ---------------------------------------------------------------- corpus folder

def _markdown(article: Article) -> str:
    return f"# {article.title}\n\n" + "\n\n".join(article.paragraphs) + "\n"


def _office_pdfs():
    if not OFFICE_PDFS.exists():
        raise RuntimeError(f"--format pdf needs {OFFICE_PDFS} with "
                           "write_office_pdf(articles, out_pdf, columns=2); it does not exist yet. Use --format md.")
    spec = importlib.util.spec_from_file_location("office_pdfs", OFFICE_PDFS)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # dataclasses in the script look their module up while it executes
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    if not hasattr(module, "write_office_pdf"):
        raise RuntimeError(f"{OFFICE_PDFS} has no function write_office_pdf(articles, out_pdf, columns=2)")
    return module


def write_corpus(articles: Iterable[Article], folder: Path, fmt: str) -> list[Path]:
    """One document per article: ``# Title`` + paragraphs, or an office-style PDF."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    folder.mkdir(parents=True, exist_ok=True)
    writer = _office_pdfs() if fmt == "pdf" else None
    paths = []
    for a in articles:
        path = folder / f"{a.slug}.{fmt}"
        if writer is None:
            path.write_text(_markdown(a), encoding="utf-8")
        else:
            # the writer takes (heading, paragraphs) items; one article per file keeps one document each
            writer.write_office_pdf([(a.title, list(a.paragraphs))], path, columns=PDF_COLUMNS)
            # its ground-truth JSON beside the PDF is not a document of this corpus
            path.with_suffix(".json").unlink(missing_ok=True)
        paths.append(path)
    return paths


def _stamp(source_path: Path, fmt: str, every: int, titles: Sequence[str]) -> str:
    h = hashlib.sha1()
    h.update(source_path.read_bytes())
    h.update(f"{CORPUS_VERSION}|{fmt}|{every}|{'|'.join(titles)}".encode())
    for code in (*INDEX_CODE, *((OFFICE_PDFS,) if fmt == "pdf" else ())):
        if code.exists():
            h.update(code.read_bytes())
    return h.hexdigest()


def prepare(articles: Sequence[Article], fmt: str, workdir: Path, *, source_path: Path = DATA,
            every: int = LEAVE_OUT_EVERY, rebuild: bool = False, progress: bool = False):
    """The indexed articles as a corpus folder under ``workdir`` and an :class:`Assistant` over its index.

    The folder is rewritten and the index rebuilt only when the stamp (source bytes, format, leave-out rule,
    article set, PDF writer, the indexing code) changes; otherwise ingestion finds nothing to do and the run
    costs only opening the index."""
    from assistant.core import Assistant

    kept = [a for a in articles if not is_left_out(a.index, every)]
    corpus, index = workdir / "corpus", workdir / "index"
    stamp_file = workdir / "source.sha1"
    stamp = _stamp(source_path, fmt, every, [a.title for a in kept])
    fresh = rebuild or not stamp_file.exists() or stamp_file.read_text().strip() != stamp
    if fresh:
        shutil.rmtree(corpus, ignore_errors=True)
        write_corpus(kept, corpus, fmt)
    assistant = Assistant.from_settings(corpus_dir=corpus, index_dir=index)
    assistant.ingest(rebuild=fresh, progress=progress, log=lambda *a, **k: None)
    stamp_file.write_text(stamp + "\n")
    return assistant


# ---------------------------------------------------------------- metrics

_MARKER = re.compile(r"\[\d+\]")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = _MARKER.sub(" ", text).replace("*", "")  # bold answer spans must not break a match
    return re.sub(r"\s+", " ", text).strip()


def lead_of(text: str) -> str:
    """The lead statement (see ``citations.lead_statement``)."""
    return lead_statement(text)


def contains_any(golds: Iterable[str], text: str) -> bool:
    hay = normalise(text)
    return any(normalise(g) and normalise(g) in hay for g in golds)


@dataclass
class XResult:
    id: str
    split: str
    article: int
    title: str
    indexed: bool
    question: str
    answers: list[str]
    answer: str
    refused: bool
    lead: str
    lead_hit: bool
    any_hit: bool
    chars: int
    confidence: float | None
    latency_ms: float
    absent: list[str] = field(default_factory=list)  # nouns of the question no indexed document uses


def judge(q: XQuestion, text: str, refused: bool, confidence: float | None = None,
          latency_ms: float = 0.0, absent: Sequence[str] = ()) -> XResult:
    lead = "" if refused else lead_of(text).strip()
    return XResult(q.id, q.split, q.article, q.title, q.indexed, q.question, list(q.answers), text, refused, lead,
                   not refused and contains_any(q.answers, lead), not refused and contains_any(q.answers, text),
                   len(text), confidence, round(latency_ms, 1), list(absent))


def ask_all(assistant, questions: Iterable[XQuestion], *, log=None) -> list[XResult]:
    out = []
    questions = list(questions)
    for n, q in enumerate(questions, start=1):
        t = time.perf_counter()
        ans = assistant.ask(q.question, audience="general")
        ms = (time.perf_counter() - t) * 1000
        out.append(judge(q, ans.text, ans.refused, ans.timings.get("answerability"), ms, ans.absent))
        if log and n % 100 == 0:
            log(f"  {n}/{len(questions)} questions asked")
    return out


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def summarise(results: Iterable[XResult]) -> dict[str, float]:
    results = list(results)
    answerable = [r for r in results if r.indexed]
    left_out = [r for r in results if not r.indexed]
    answered = [r.chars for r in results if not r.refused]
    latencies = [r.latency_ms for r in results]
    return {
        "n": len(results),
        "n_answerable": len(answerable),
        "n_left_out": len(left_out),
        "lead_span": _share([r.lead_hit for r in answerable]),
        "span_anywhere": _share([r.any_hit for r in answerable]),
        "answerable_refused": _share([r.refused for r in answerable]),
        "left_out_refused": _share([r.refused for r in left_out]),
        # answered with the note that a word of the question is in no document: on answerable questions, a
        # paraphrase ("Zuschauer" for "Publikum") the note flags although the answer is right there
        "answerable_absent_noted": _share([bool(r.absent) and not r.refused for r in answerable]),
        "left_out_absent_noted": _share([bool(r.absent) and not r.refused for r in left_out]),
        "median_chars": statistics.median(answered) if answered else float("nan"),
        "latency_p50_ms": statistics.median(latencies) if latencies else float("nan"),
    }


def worst_misses(results: Iterable[XResult], n: int = WORST_MISSES) -> dict[str, list[XResult]]:
    """The misses of each kind, most confident first (a confident miss is the worse one)."""
    results = list(results)

    def top(rows: list[XResult]) -> list[XResult]:
        return sorted(rows, key=lambda r: (-(r.confidence or 0.0), r.id))[:n]

    return {
        "answerable question refused": top([r for r in results if r.indexed and r.refused]),
        "gold span not in the answer": top([r for r in results if r.indexed and not r.refused and not r.any_hit]),
        "gold span in the answer but not in the lead": top([r for r in results if r.any_hit and not r.lead_hit]),
        "left-out article answered": top([r for r in results if not r.indexed and not r.refused]),
    }


# ---------------------------------------------------------------- report

def _fmt(key: str, v: float) -> str:
    if isinstance(v, float) and v != v:  # NaN
        return "–"
    if key.startswith("n") or key.endswith("_chars") or key.endswith("_ms"):
        return f"{v:.0f}"
    return f"{v:.3f}"


def _target(key: str, v: float) -> str:
    if key not in TARGETS:
        return ""
    op, t = TARGETS[key]
    ok = v >= t if op == ">=" else v <= t
    return ("met" if ok else "**missed**") + f" ({op} {t})"


def _clip(s: str, n: int = 160) -> str:
    s = re.sub(r"\s+", " ", s).strip().replace("|", "/")
    return s if len(s) <= n else s[: n - 1] + "…"


def write_report(results: list[XResult], out: Path, *, fmt: str, meta: dict) -> dict[str, dict]:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.with_suffix(".jsonl").open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")
    sums = {s: summarise(r for r in results if r.split == s) for s in SPLITS}
    sums["all"] = summarise(results)
    keys = ["n", "n_answerable", "n_left_out", "lead_span", "span_anywhere", "answerable_refused",
            "left_out_refused", "answerable_absent_noted", "left_out_absent_noted", "median_chars", "latency_p50_ms"]
    lines = [
        f"# XQuAD-de: direct answers and refusals ({fmt})",
        "",
        f"Data: {ATTRIBUTION} Corpus: {meta['indexed_articles']} of {meta['articles']} articles indexed as "
        f"`{fmt}` documents (one per article); every {LEAVE_OUT_EVERY}th article is left out, so its questions "
        f"are unanswerable. Questions asked with audience `general`{meta.get('limit_note', '')}. "
        f"Regenerate with `python -m assistant.xquad_eval --format {fmt}`. Code: {meta.get('code', 'unknown')}. "
        f"{meta['machine']}; "
        f"ingest {meta['ingest_s']:.0f} s, questions {meta['ask_s']:.0f} s.",
        "",
        "Split: a hash of the question id puts each question in the **dev** half (tune on it) or the "
        "**held-out** half (report only, never tune on it).",
        "",
        "Definitions: *lead* = answer text before the first `[n]` marker; a gold span counts if any of the "
        "question's gold answers occurs after NFKC, lower-casing, dropping `[n]` and `*`, collapsing whitespace; "
        "refused answers count as misses for the span metrics.",
        "",
        "| metric | dev | held-out | all | target (dev) |",
        "|---|---|---|---|---|",
    ]
    for k in keys:
        lines.append(f"| {k} | {_fmt(k, sums['dev'][k])} | {_fmt(k, sums['heldout'][k])} | "
                     f"{_fmt(k, sums['all'][k])} | {_target(k, sums['dev'][k])} |")
    lines += ["", "## Worst misses (dev half only)", ""]
    for kind, rows in worst_misses([r for r in results if r.split == "dev"]).items():
        lines += [f"### {kind} ({len(rows)} shown)", ""]
        if not rows:
            lines += ["none", ""]
            continue
        lines += ["| id | question | gold | lead / answer | conf. |", "|---|---|---|---|---|"]
        for r in rows:
            shown = r.lead or r.answer
            conf = "–" if r.confidence is None else f"{r.confidence:.2f}"
            lines.append(f"| {r.id[-6:]} | {_clip(r.question, 90)} | {_clip(' / '.join(r.answers), 50)} | "
                         f"{_clip(shown)} | {conf} |")
        lines.append("")
    lines += [f"Per-question results: `{out.with_suffix('.jsonl').name}` (fields: id, split, article, indexed, "
              "question, answers, answer, refused, lead, lead_hit, any_hit, chars, confidence, latency_ms).", ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    return sums


# ---------------------------------------------------------------- entry point

def code_version(root: Path = PROJECT_ROOT) -> str:
    """The commit the numbers belong to, flagged when the answering code has uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "assistant"], cwd=root, capture_output=True,
                               text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}" + (" + uncommitted changes in assistant/" if dirty else "")


def run(fmt: str = "md", *, limit: int | None = None, out: Path = DEFAULT_OUT, data: Path = DATA,
        cache: Path = CACHE, rebuild: bool = False, code: str | None = None, log=print) -> dict[str, dict]:
    from assistant.machine import machine

    source = read_source(data)
    articles = load_articles(source)
    questions = spread(load_questions(source), limit)
    t = time.perf_counter()
    log(f"XQuAD-de ({fmt}): preparing the index under {cache / f'xquad-{fmt}'} …")
    assistant = prepare(articles, fmt, cache / f"xquad-{fmt}", source_path=data, rebuild=rebuild, progress=True)
    ingest_s = time.perf_counter() - t
    log(f"asking {len(questions)} questions …")
    t = time.perf_counter()
    results = ask_all(assistant, questions, log=log)
    ask_s = time.perf_counter() - t
    meta = {"articles": len(articles), "indexed_articles": sum(not is_left_out(a.index) for a in articles),
            "machine": machine(), "ingest_s": ingest_s, "ask_s": ask_s, "code": code or code_version(),
            "limit_note": f"; limited to {len(questions)} of the questions (--limit)" if limit else ""}
    sums = write_report(results, out, fmt=fmt, meta=meta)
    log(f"report: {out}")
    for s in ("dev", "heldout"):
        m = sums[s]
        log(f"  {s}: lead span {m['lead_span']:.3f}, span anywhere {m['span_anywhere']:.3f}, answerable refused "
            f"{m['answerable_refused']:.3f}, left-out refused {m['left_out_refused']:.3f}, "
            f"median {m['median_chars']:.0f} chars")
    return sums


FORMAT_GAP = 0.03  # two-column office PDFs must come within 3 points of Markdown (issue: office PDFs)


def format_comparison(md: dict[str, dict], pdf: dict[str, dict]) -> str:
    """The same articles as Markdown and as two-column office PDFs (LibreOffice, justified, hyphenated): what the
    PDF reading costs in answers."""
    lines = ["", "## Markdown vs two-column office PDFs", "",
             "The same indexed articles, once as Markdown and once as two-column justified office PDFs made by "
             "`scripts/office_pdfs.py` (full report of the PDF run: `xquad-pdf.md`). "
             f"Target: the PDFs within {FORMAT_GAP * 100:.0f} points of Markdown.", "",
             "| split | metric | Markdown | PDF | difference | within 3 points |", "|---|---|---|---|---|---|"]
    for split in ("dev", "heldout"):
        for key, name in (("lead_span", "gold span in the lead"), ("span_anywhere", "gold span in the answer"),
                          ("answerable_refused", "answerable refused"), ("left_out_refused", "left-out refused")):
            a, b = md[split][key], pdf[split][key]
            ok = "yes" if abs(b - a) <= FORMAT_GAP + 1e-9 else "no"
            lines.append(f"| {split} | {name} | {a:.3f} | {b:.3f} | {b - a:+.3f} | {ok} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.xquad_eval", description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", choices=[*FORMATS, "both"], default="md", dest="fmt",
                    help="both: Markdown (report --out) and PDF (xquad-pdf.md beside it), compared")
    ap.add_argument("--limit", type=int, default=None, help="ask only N questions, spread over all articles")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached corpus and index")
    ap.add_argument("--code", default=None, help="what code the numbers belong to (default: git HEAD)")
    args = ap.parse_args(argv)
    try:
        if args.fmt == "both":
            md = run("md", limit=args.limit, out=args.out, data=args.data, rebuild=args.rebuild, code=args.code)
            pdf = run("pdf", limit=args.limit, out=args.out.with_name(f"{args.out.stem}-pdf.md"), data=args.data,
                      rebuild=args.rebuild, code=args.code)
            with args.out.open("a", encoding="utf-8") as fh:
                fh.write(format_comparison(md, pdf))
            return 0
        run(args.fmt, limit=args.limit, out=args.out, data=args.data, rebuild=args.rebuild, code=args.code)
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
