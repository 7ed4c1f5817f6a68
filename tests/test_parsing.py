"""Files are parsed in worker processes: a file over its time limit is reported by name, the others are read,
and pages read move the progress counter."""

from __future__ import annotations

import time

import pytest

from assistant.documents import Document, IngestError
from assistant.parsing import ParseJob, parse_files
from tests.conftest import make_pdf


@pytest.mark.slow
def test_a_file_over_its_time_limit_is_reported_and_the_others_are_read(tmp_path):
    big = make_pdf(tmp_path / "gross.pdf", [f"Seite {n}: " + "Marzahn-Nord und Hellersdorf-Nord. " * 60
                                            for n in range(500)])
    small = tmp_path / "notiz.md"
    small.write_text("# Notiz\n\nDie Sprechstunde ist im Stadtteilzentrum.\n", encoding="utf-8")
    jobs = [ParseJob(big, "gross.pdf", "a"), ParseJob(small, "notiz.md", "b")]
    t0 = time.monotonic()
    results = dict((job.rel, r) for job, r in parse_files(jobs, tmp_path, {}, 50.0, workers=2, timeout_s=3.0,
                                                          progress=False))
    assert time.monotonic() - t0 < 30  # the big file was stopped, not waited for
    assert isinstance(results["gross.pdf"], IngestError) and "länger als 3 s" in results["gross.pdf"].reason
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
