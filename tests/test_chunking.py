from assistant.chunking import chunk_document
from assistant.documents import load, load_catalogue
from tests.conftest import CORPUS


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
    full = "\n\n".join(p.text for p in doc.pages)
    labels = {p.page_no: p.page_label for p in doc.pages}
    for c in chunks:
        assert full[c.start:c.end] == c.text
        assert c.page <= c.page_end and labels[c.page] == c.page_label
        assert len(c.text) <= 600
        assert c.doc == "leitfaden-gi-ihk.pdf" and c.type == "Leitfaden" and c.reconstruction
    assert len({c.id for c in chunks}) == len(chunks)


def test_numbered_lines_are_headings_when_the_file_has_no_outline(tmp_path):
    from assistant.documents import DocMeta, Document, Page

    text = "1. Einleitung\nDas ist der Anfang.\n2. Finanzierung\nDas Geld kommt vom Land."
    meta = DocMeta("x.txt", "X", "Dokument", "", (), "", "alle", False, "0")
    chunks = chunk_document(Document(meta, [Page(1, "1", text)]), chunk_size=300, chunk_overlap=0)
    assert [c.section for c in chunks] == ["1. Einleitung", "2. Finanzierung"]
