"""Files are parsed in worker processes: a file over its time limit is reported by name, the others are read,
and pages read move the progress counter."""

from __future__ import annotations

import time

import pytest

from assistant import ocr
from assistant.documents import Document, IngestError
from assistant.parsing import ParseJob, parse_files
from tests.conftest import ROOT, make_pdf

OFFICE = ROOT / "tests" / "data" / "office"


@pytest.mark.slow
@pytest.mark.skipif(not ocr.available(), reason="Tesseract fehlt")
def test_a_file_over_its_time_limit_is_reported_and_the_others_are_read(tmp_path):
    import pypdfium2 as pdfium

    # a scan of several text pages: OCR takes seconds per page, far beyond a one-second limit
    source = pdfium.PdfDocument(str(OFFICE / "office-1col.pdf"))
    images = [source[i].render(scale=2).to_pil().convert("L") for i in range(len(source))]
    big = tmp_path / "scan.pdf"
    images[0].save(big, "PDF", resolution=144, save_all=True, append_images=images[1:])
    small = tmp_path / "notiz.md"
    small.write_text("# Notiz\n\nDie Sprechstunde ist im Stadtteilzentrum.\n", encoding="utf-8")
    jobs = [ParseJob(big, "scan.pdf", "a"), ParseJob(small, "notiz.md", "b")]
    t0 = time.monotonic()
    results = {job.rel: r for job, r in parse_files(jobs, tmp_path, {}, 50.0, workers=2, timeout_s=1.0,
                                                     progress=False)}
    assert time.monotonic() - t0 < 30  # the slow file was stopped, not waited for
    assert isinstance(results["scan.pdf"], IngestError) and "länger als 1 s" in results["scan.pdf"].reason
    assert isinstance(results["notiz.md"], Document)
    assert "Stadtteilzentrum" in results["notiz.md"].pages[0].text


def test_worker_results_equal_in_process_results_and_bad_files_keep_their_reason(tmp_path):
    pdf = make_pdf(tmp_path / "bericht.pdf", ["Erste Seite über das Quartier.", "Zweite Seite über Schulen."])
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj <<< kaputt >>\n%%EOF garbage")
    jobs = [ParseJob(pdf, "bericht.pdf", "a"), ParseJob(broken, "kaputt.pdf", "b")]
    forked = {j.rel: r for j, r in parse_files(jobs, tmp_path, {}, 50.0, workers=2, progress=False)}
    inline = {j.rel: r for j, r in parse_files(jobs, tmp_path, {}, 50.0, workers=0, progress=False)}
    assert [p.text for p in forked["bericht.pdf"].pages] == [p.text for p in inline["bericht.pdf"].pages]
    assert isinstance(forked["kaputt.pdf"], IngestError) and "beschädigt" in forked["kaputt.pdf"].reason
    assert forked["kaputt.pdf"].reason == inline["kaputt.pdf"].reason


def test_a_script_without_main_guard_is_not_run_again_by_the_workers(tmp_path):
    import subprocess
    import sys


    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.md").write_text("# Titel\n\nText über das Quartier.\n", encoding="utf-8")
    script = tmp_path / "skript.py"
    script.write_text(
        "from pathlib import Path\n"
        "from assistant.parsing import ParseJob, parse_files\n"
        "print('OBERSTE EBENE', flush=True)\n"
        f"c = Path({str(tmp_path / 'c')!r})\n"
        "r = list(parse_files([ParseJob(c / 'a.md', 'a.md', 'x')], c, {}, 50, workers=1, progress=False))\n"
        "print(type(r[0][1]).__name__)\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.stdout.count("OBERSTE EBENE") == 1, out.stdout + out.stderr
    assert "Document" in out.stdout
