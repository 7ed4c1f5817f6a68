"""The extraction metrics on real cases, and the committed office-made PDF set (tests/data/office)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from assistant import extraction_eval as ev

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "tests" / "data" / "office"
MAX_PDF_BYTES = 150 * 1024
MAX_SET_BYTES = int(1.5 * 1024 * 1024)


def _office_pdfs():
    """scripts/ is no package; dataclasses need the module registered before it runs."""
    if "office_pdfs" in sys.modules:
        return sys.modules["office_pdfs"]
    spec = importlib.util.spec_from_file_location("office_pdfs", ROOT / "scripts" / "office_pdfs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["office_pdfs"] = module
    spec.loader.exec_module(module)
    return module


def _truth(name: str) -> ev.Truth:
    return ev.Truth.load(OFFICE / f"{name}.json")


def _reader(pdf: Path) -> PdfReader:
    truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    password = (truth.get("encryption") or {}).get("user_password", "")
    reader = PdfReader(str(pdf))
    if reader.is_encrypted:
        assert reader.decrypt(password)
    return reader


def _interleave_lines(a: str, b: str, width: int = 45) -> str:
    """Two paragraphs side by side read line by line: what a column-blind extractor produces."""
    import textwrap

    la, lb = textwrap.wrap(a, width), textwrap.wrap(b, width)
    out = []
    for i in range(max(len(la), len(lb))):
        out.append(f"{la[i] if i < len(la) else ''}   {lb[i] if i < len(lb) else ''}")
    return "\n".join(out)


# ------------------------------------------------------------------ metrics


def test_interleaved_columns_lower_contiguity_and_word_accuracy():
    truth = _truth("office-2col")
    a, b = truth.body[0], truth.body[1]
    sentences = ev.split_sentences(a) + ev.split_sentences(b)
    source = ev.words(a) + ev.words(b)
    cut_mid_word = "\n".join(a[i:i + 45] for i in range(0, len(a), 45)) + "\n" + b
    read_in_order = f"{a}\n{b}"
    interleaved = _interleave_lines(a, b)
    assert ev.sentence_contiguity(sentences, read_in_order) == 1.0
    assert ev.word_accuracy(source, read_in_order) == 1.0
    assert ev.sentence_contiguity(sentences, interleaved) < 0.2
    assert ev.word_accuracy(source, interleaved) < 0.8
    # lines cut mid-word are not whitespace: the metric sees the broken words
    assert ev.word_accuracy(source, cut_mid_word) < 1.0


def test_scoring_does_not_repair_hyphens_or_ligatures():
    sentence = "Die Verteidigung der Panthers gab nur 308 Punkte ab."
    assert ev.sentence_contiguity([sentence], "Die Verteidigung der\nPanthers gab nur 308\nPunkte ab.") == 1.0
    assert ev.sentence_contiguity([sentence], "Die Vertei-\ndigung der Panthers gab nur 308 Punkte ab.") == 0.0
    assert ev.sentence_contiguity(["Die offizielle Definition."], "Die o\ufb03zielle De\ufb01nition.") == 0.0
    assert ev.ligature_count("Die o\ufb03zielle De\ufb01nition.") == 2
    assert ev.ligature_count("Die offizielle Definition.") == 0


def test_table_rows_need_all_cells_in_order_on_one_line():
    rows = [["Nr.", "Frage", "Antwort"], ["1", "Wie viele Punkte gab die Verteidigung ab?", "308"]]
    one_line = "Nr. Frage Antwort\n1 Wie viele Punkte gab die Verteidigung ab? 308\n"
    wrapped = "Nr. Frage Antwort\n1 Wie viele Punkte gab die\nVerteidigung ab? 308\n"
    swapped = "Nr. Frage Antwort\n308 1 Wie viele Punkte gab die Verteidigung ab?\n"
    assert ev.table_rows_kept(rows, one_line) == 1.0
    assert ev.table_rows_kept(rows, wrapped) == 0.5
    assert ev.table_rows_kept(rows, swapped) == 0.5
    assert ev.table_rows_kept(rows, "Nr. | Frage | Antwort\n1 | Wie viele Punkte gab die Verteidigung ab? | 308") == 1.0


def test_header_inside_a_sentence_counts_as_leakage_between_sentences_not():
    truth = _truth("office-1col")
    source = ev.source_tokens(truth)
    sentence = next(s for s in truth.sentences if len(ev.words(s)) > 12)
    header = truth.furniture[0]["header"]
    cut = sentence.index(" ", len(sentence) // 2)
    inside = f"{sentence[:cut]}\nSeite 1 von 4\n{header}\n{sentence[cut + 1:]}"
    assert ev.inserts_inside_sentences([header, "Seite 1 von 4"], source, inside) == (2, 2)
    k = truth.sentences.index(sentence)
    between = f"{sentence}\n{header}\n{truth.sentences[k + 1]}"
    assert ev.inserts_inside_sentences([header], source, between) == (1, 0)
    # a word split by a hyphen at the page end does not hide the leak
    word_cut = sentence.index(" ", cut + 1) - 3
    hyphen = f"{sentence[:word_cut]}-\n{header}\n{sentence[word_cut:]}"
    assert ev.inserts_inside_sentences([header], source, hyphen) == (1, 1)


def test_space_run_share():
    assert ev.space_run_share("ein Satz ohne Läufe") == 0.0
    assert ev.space_run_share("a    b") == pytest.approx(4 / 6)


def test_column_blind_engine_scores_lower_on_the_real_two_column_pdf():
    """pypdf's layout mode reads a two-column page line by line across both columns; plain mode follows
    LibreOffice's content stream, column after column. The metrics must show that difference."""
    truth = _truth("office-2col")
    pdf = OFFICE / "office-2col.pdf"
    plain = ev.score_text(truth, ev.pypdf_plain(pdf), "plain")
    layout = ev.score_text(truth, ev.pypdf_layout(pdf), "layout")
    assert plain.word_accuracy > 0.9
    assert layout.word_accuracy < plain.word_accuracy - 0.2
    assert layout.sentence_contiguity < plain.sentence_contiguity
    # the raw engines keep running headers and footers; the set is built so that some land mid-sentence
    assert plain.furniture_kept == 1.0
    assert plain.leakage > 0


def test_evaluate_and_report_on_a_subset(tmp_path):
    for name in ("office-1col", "office-1col-aes256-password"):
        for ext in (".pdf", ".json"):
            shutil.copy(OFFICE / f"{name}{ext}", tmp_path / f"{name}{ext}")
    scores = ev.evaluate(tmp_path, ["pypdf plain", "pypdfium2"])
    by = {(s.engine, s.file): s for s in scores}
    assert by[("pypdf plain", "office-1col-aes256-password.pdf")].error  # no password given: must not open
    assert by[("pypdfium2", "office-1col.pdf")].word_accuracy > 0.9
    text = ev.report(scores, tmp_path)
    assert "| pypdf plain |" in text and "s/page" in text and "office-1col-aes256-password" in text


# ------------------------------------------------------------------ the committed set


def test_every_pdf_has_its_truth_and_the_set_stays_small():
    pdfs = sorted(OFFICE.glob("*.pdf"))
    jsons = sorted(OFFICE.glob("*.json"))
    assert len(pdfs) >= 8
    assert [p.stem for p in pdfs] == [j.stem for j in jsons]
    assert all(p.stat().st_size < MAX_PDF_BYTES for p in pdfs)
    assert sum(p.stat().st_size for p in OFFICE.iterdir()) < MAX_SET_BYTES
    readme = (OFFICE / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in readme and "XQuAD" in readme
    for pdf in pdfs:
        assert pdf.name in readme


@pytest.mark.parametrize("pdf", sorted(OFFICE.glob("*.pdf")), ids=lambda p: p.stem)
def test_headings_and_footers_stand_on_the_pages_the_truth_names(pdf):
    truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    reader = _reader(pdf)
    assert len(reader.pages) == truth["pages"]
    texts = [re.sub(r"\s+", " ", p.extract_text() or "") for p in reader.pages]
    for heading in truth["headings"]:
        assert heading["text"] in texts[heading["page"] - 1]
    for furniture in truth["furniture"]:
        page_text = texts[furniture["page"] - 1]
        assert furniture["footer"] in page_text
        assert furniture["header"] in page_text
    # running headers and footers are not body text
    body = " ".join(truth["body"])
    for furniture in truth["furniture"]:
        assert furniture["header"] not in body and furniture["footer"] not in body


def test_body_text_is_the_xquad_source_unchanged():
    mod = _office_pdfs()
    if not mod.XQUAD_PATH.exists():
        pytest.skip("shared/data/xquad-de-dev is not beside the repository")
    contexts = {p for art in mod.load_xquad() for p in art["paragraphs"]}
    for json_path in OFFICE.glob("*.json"):
        truth = json.loads(json_path.read_text(encoding="utf-8"))
        assert truth["body"] and all(p in contexts for p in truth["body"]), json_path.name


def test_the_set_really_has_what_it_claims():
    """Hyphenation, ligature glyphs, presentation-form ligatures, encryption and rotation are in the files,
    checked on the files themselves, not taken from the JSON."""
    plain = "\n".join(p.extract_text() for p in PdfReader(str(OFFICE / "office-2col.pdf")).pages)
    assert len(re.findall(r"\w-\n\w", plain)) > 20  # automatic hyphenation happened
    assert ev.ligature_count(plain) == 0  # LibreOffice maps its ligature glyphs back to letters …
    mod = _office_pdfs()
    assert {"fi", "fl", "ff"} <= set(mod.ligature_glyphs(OFFICE / "office-2col.pdf"))  # … but draws them
    lig = "\n".join(p.extract_text() for p in PdfReader(str(OFFICE / "office-2col-ligatures.pdf")).pages)
    assert "\ufb01" in lig and "\ufb02" in lig
    empty = PdfReader(str(OFFICE / "office-1col-aes256-empty.pdf"))
    assert empty.is_encrypted and empty.decrypt("")
    locked = PdfReader(str(OFFICE / "office-1col-aes256-password.pdf"))
    assert locked.is_encrypted and not locked.decrypt("")
    assert locked.decrypt("Geheim-42")
    assert "/AESV3" in str(locked.trailer["/Encrypt"].get_object().get("/CF"))
    rotated = PdfReader(str(OFFICE / "office-1col-rotated.pdf"))
    assert rotated.pages[0].rotation == 90
    assert float(rotated.pages[1].mediabox.width) > float(rotated.pages[1].mediabox.height)


def test_docx_carries_columns_hyphenation_language_and_footnotes(tmp_path):
    """The Word document itself (no LibreOffice needed): what an office template would set."""
    mod = _office_pdfs()
    article = mod.Article("Testkapitel", ["Erster Absatz mit Text.", "Zweiter Absatz."], footnotes={1: "Fußnote."},
                          tables=[mod.Table(rows=[["A", "B"], ["1", "2"]], bordered=True)])
    truth = mod.build_docx([article, ("Zweites Kapitel", ["Noch ein Absatz."])], tmp_path / "t.docx", columns=3,
                           doc_title="Heft")
    with zipfile.ZipFile(tmp_path / "t.docx") as z:
        document = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
        styles = z.read("word/styles.xml").decode()
        footnotes = z.read("word/footnotes.xml").decode()
        headers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/header")]
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
    assert 'w:num="3"' in document and "w:footnoteReference" in document
    assert any('w:instr=" PAGE "' in f and 'w:instr=" NUMPAGES "' in f for f in footers)
    assert "<w:autoHyphenation/>" in settings
    assert 'w:val="de-DE"' in styles and 'w:val="both"' in styles  # German, justified
    assert "Fußnote." in footnotes
    assert sorted(h for x in headers for h in re.findall(r"Kapitel \d", x)) == ["Kapitel 1", "Kapitel 2"]
    assert truth["body"] == ["Erster Absatz mit Text.", "Zweiter Absatz.", "Noch ein Absatz."]
    assert truth["tables"][0]["rows"] == [["A", "B"], ["1", "2"]]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) not installed")
def test_write_office_pdf_end_to_end(tmp_path):
    mod = _office_pdfs()
    paragraphs = ["Die offizielle Definition der Pflichtaufgaben ist auffallend ausführlich. " * 12]
    pdf = mod.write_office_pdf([("Erstes Kapitel", paragraphs), ("Zweites Kapitel", paragraphs)],
                               tmp_path / "a.pdf", columns=2, doc_title="Heft")
    truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    assert [h["page"] for h in truth["headings"]] == [1, 2]
    assert truth["furniture"][1] == {"page": 2, "header": "Heft · Kapitel 2: Zweites Kapitel",
                                     "footer": "Seite 2 von 2"}
    assert {"fi", "fl", "ff"} & set(truth["checks"]["ligature_glyphs"])
    assert truth["checks"]["source_chars_missing"] == []
