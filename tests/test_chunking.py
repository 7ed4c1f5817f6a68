import itertools

import pytest

from assistant.chunking import chunk_document, document_text
from assistant.documents import load, load_catalogue
from assistant.sentences import heading_key, split_units
from tests.conftest import CORPUS
from tests.sentence_corpus import build_sentence_corpus


def _leitfaden_chunks(size=900):
    doc = load(CORPUS / "leitfaden-gi-ihk.pdf", CORPUS, load_catalogue(CORPUS))
    return doc, chunk_document(doc, chunk_size=size, chunk_overlap=100)


def test_headings_start_chunks_and_name_their_section():
    _, chunks = _leitfaden_chunks()
    starts = [c for c in chunks if c.text.startswith("4.7 Schlüsselmaßnahmen")]
    assert len(starts) == 1
    assert starts[0].section.endswith("> 4.7 Schlüsselmaßnahmen")
    assert starts[0].section.startswith("4. Die Kapitel eines GI-IHK")
    # no chunk mixes two numbered subsections
    for c in chunks:
        assert not ("4.6 Handlungsbedarfe" in c.text and "4.7 Schlüsselmaßnahmen" in c.text)


def test_spans_pages_and_sizes_are_consistent():
    doc, chunks = _leitfaden_chunks(size=600)
    full = document_text(doc).text
    labels = {p.page_no: p.page_label for p in doc.pages}
    for c in chunks:
        assert full[c.start:c.end] == c.text
        assert c.page <= c.page_end and labels[c.page] == c.page_label
        assert len(c.text) <= 600
        assert c.doc == "leitfaden-gi-ihk.pdf" and c.type == "Leitfaden" and c.reconstruction
    assert len({c.id for c in chunks}) == len(chunks)


def test_a_chunk_that_continues_a_list_item_starts_at_its_label():
    # "4. Stadtteilhaus am Barnimplatz: geplanter Neubau. … Die Kosten wurden auf rund 11,5 Mio. Euro geschätzt."
    # is longer than the room left in its chunk: the next chunk repeats the item from its label on, so the cost
    # sentence is never in a chunk that does not say what it is about
    doc = load(CORPUS / "ihk-marzahn-nord-2020.pdf", CORPUS, load_catalogue(CORPUS))
    chunks = chunk_document(doc, chunk_size=900, chunk_overlap=120)
    costs = [c for c in chunks if "Die Kosten wurden auf rund 11,5 Mio. Euro" in c.text]
    assert costs and all("Stadtteilhaus am Barnimplatz" in c.text for c in costs)
    # without any overlap asked for, nothing is repeated
    chunks = chunk_document(doc, chunk_size=900, chunk_overlap=0)
    assert sum("Stadtteilhaus am Barnimplatz: geplanter Neubau" in c.text for c in chunks) == 1


def test_numbered_lines_are_headings_when_the_file_has_no_outline(tmp_path):
    from assistant.documents import DocMeta, Document, Page

    text = "1. Einleitung\nDas ist der Anfang.\n2. Finanzierung\nDas Geld kommt vom Land."
    meta = DocMeta("x.txt", "X", "Dokument", "", (), "", "alle", False, "0")
    chunks = chunk_document(Document(meta, [Page(1, "1", text)]), chunk_size=300, chunk_overlap=0)
    assert [c.section for c in chunks] == ["1. Einleitung", "2. Finanzierung"]


# ---------------------------------------------------------------- the sentence test corpus (real PDFs)

@pytest.fixture(scope="module")
def sentence_doc(tmp_path_factory):
    return build_sentence_corpus(tmp_path_factory.mktemp("sentence-corpus"))["satzgrenzen.pdf"]


@pytest.mark.parametrize("size, overlap", [(900, 120), (300, 80), (200, 0)])
def test_chunks_end_on_sentence_ends_and_never_are_a_heading_alone(sentence_doc, size, overlap):
    joined = document_text(sentence_doc)
    headings = {heading_key(t) for _, t in sentence_doc.headings}
    units = split_units(joined.text, headings)
    starts, ends = {u.start for u in units}, {u.end for u in units}
    chunks = chunk_document(sentence_doc, chunk_size=size, chunk_overlap=overlap)
    assert len(chunks) >= 4
    for c in chunks:
        assert joined.text[c.start:c.end] == c.text
        # only a unit longer than a whole chunk may be cut (at a clause boundary)
        oversize = [u for u in units if len(u.text) > size]
        assert c.start in starts or any(u.start < c.start < u.end for u in oversize), c.text
        assert c.end in ends or any(u.start < c.end < u.end for u in oversize), f"chunk cuts a unit: {c.text!r}"
        assert len(c.text) <= size
        inner = split_units(c.text, headings)
        assert any(u.kind != "heading" for u in inner), f"heading alone: {c.text!r}"
        assert inner[-1].kind != "heading" and not inner[-1].text.endswith(":")
    # overlap is made of whole units and never longer than asked for
    for a, b in itertools.pairwise(chunks):
        if a.section == b.section and b.start < a.end:
            assert a.end - b.start <= overlap


def test_a_sentence_over_a_page_break_is_in_one_chunk_with_both_pages(sentence_doc):
    chunks = chunk_document(sentence_doc, chunk_size=400, chunk_overlap=0)
    hit = [c for c in chunks if "Entwicklungskonzepte der Nachbarschaftsbüros." in c.text]
    assert len(hit) == 1
    assert "Für die Bestandsaufnahme nutzt das Team" in hit[0].text
    assert (hit[0].page, hit[0].page_end) == (2, 3)  # physical pages (the cover is page 1)
    assert (hit[0].page_label, hit[0].page_label_end) == ("1", "2")
    item = [c for c in chunks if "Stadtteilhaus am Marktplatz geplant." in c.text]
    assert len(item) == 1 and item[0].page < item[0].page_end


def test_a_heading_followed_by_a_heading_stays_with_the_text(sentence_doc):
    chunks = chunk_document(sentence_doc, chunk_size=900, chunk_overlap=120)
    with_both = [c for c in chunks if c.text.startswith("2. Planung\n2.1 Ziele\nDas Konzept")]
    assert len(with_both) == 1 and with_both[0].section == "2. Planung > 2.1 Ziele"
    assert not any(c.text.strip() in {"2. Planung", "2.1 Ziele"} for c in chunks)


def test_shipped_corpus_chunks_end_on_sentence_ends():
    """The cases from issue 8 on the shipped corpus: no chunk ends inside a sentence over a page break."""
    doc = load(CORPUS / "leitfaden-gi-ihk.pdf", CORPUS, load_catalogue(CORPUS))
    chunks = chunk_document(doc)
    assert any("Integrierte Handlungs- und Entwicklungskonzepte der Quartiersmanagements." in c.text
               for c in chunks)
    assert not any(c.text.rstrip().endswith("Entwicklungskonzepte der") for c in chunks)
