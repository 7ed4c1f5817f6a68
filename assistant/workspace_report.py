"""Report on the staff workspace: ``python -m assistant.workspace_report`` writes ``evals/reports/workspace.md``
(items per part and build time for every chapter and area, warm and uncached) and renders page 1 of an exported
DOCX through LibreOffice to ``evals/reports/workspace-docx.png``, so a reader sees what a planner gets."""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from assistant.core import Assistant
from assistant.machine import machine
from assistant.outline import KINDS, Workspace
from assistant.outline_export import apply_edits, to_docx
from assistant.settings import PROJECT_ROOT

BUILD_TARGET_MS = 300  # the bound for building one chapter's outline, warm
SAMPLE = ("Bestandsaufnahme", "Marzahn-Nord")  # the chapter rendered as the example page


def _render_docx_page(docx: bytes, png: Path) -> str:
    """DOCX → PDF (LibreOffice headless) → PNG of page 1 (poppler's pdftoppm); the reason when a tool is missing."""
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        return "LibreOffice (soffice) oder pdftoppm fehlt: `make office ocr` installiert sie."
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "kapitel.docx"
        src.write_bytes(docx)
        subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/lo",
                        "--convert-to", "pdf", "--outdir", tmp, str(src)], check=True, capture_output=True,
                       timeout=300)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(Path(tmp) /
                        "kapitel.pdf"), str(png.with_suffix(""))], check=True, capture_output=True, timeout=120)
    return ""


def run(out: Path) -> Path:
    assistant = Assistant.from_settings()
    assistant.warm_up()
    workspace = Workspace(assistant)
    chapters = workspace.chapters()
    areas = [None, *workspace.areas()]
    workspace.outline(chapters[0], None)  # first call loads the search's lazily built parts
    rows, times = [], []
    for chapter in chapters:
        for area in areas:
            workspace.forget()  # uncached: every outline is built from the index
            t = time.perf_counter()
            outline = workspace.outline(chapter, area)
            ms = (time.perf_counter() - t) * 1000
            times.append(ms)
            counts = [len(outline.part(k)) for k in KINDS]
            rows.append(f"| {chapter.title} | {area or '–'} | " + " | ".join(map(str, counts)) +
                        f" | {len(outline.citations)} | {ms:.0f} |")
    t = time.perf_counter()
    workspace.outline(chapters[0], None)
    cached_ms = (time.perf_counter() - t) * 1000
    p50, worst = statistics.median(times), max(times)
    verdict = "erfüllt" if p50 < BUILD_TARGET_MS else "nicht erfüllt"
    out.mkdir(parents=True, exist_ok=True)
    sample = workspace.outline(*SAMPLE)
    docx = to_docx(apply_edits(sample, None, base_url="http://127.0.0.1:7860"))
    png = out / "workspace-docx.png"
    problem = _render_docx_page(docx, png)
    lines = [
        "# Staff workspace (Konzept schreiben)", "",
        f"Machine: {machine()}. Index: {assistant.index().chunk_count} chunks. Regenerate: "
        "`python -m assistant.workspace_report`.", "",
        f"Outline build, warm (model and index loaded), not cached: median **{p50:.0f} ms**, slowest {worst:.0f} ms "
        f"over {len(times)} chapter × area pairs (bound {BUILD_TARGET_MS} ms: {verdict}). From the cache (the same "
        f"chapter again): {cached_ms:.2f} ms.", "",
        "Every item is a quoted unit with its page; `tests/test_workspace.py` checks that each quote stands on its "
        "cited page for all pairs below.", "",
        "| chapter | area | requirements | examples | figures | tips | gaps | sources | ms |",
        "|---|---|---|---|---|---|---|---|---|", *rows, "",
        f"Page 1 of the exported DOCX for „{SAMPLE[0]}“ / {SAMPLE[1]}, rendered by LibreOffice:", "",
        f"![DOCX page 1]({png.name})" if not problem else f"(not rendered: {problem})", "",
    ]
    report = out / "workspace.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    print(f"{report}: median {p50:.0f} ms, slowest {worst:.0f} ms")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description="Bericht zum Arbeitsbereich „Konzept schreiben“")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "evals" / "reports")
    run(parser.parse_args().out)


if __name__ == "__main__":
    main()
