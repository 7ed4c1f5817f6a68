"""One record from the chunker to the citation: stored as chroma's flat metadata and read back unchanged."""

from __future__ import annotations

from assistant.chunking import chunk_document
from assistant.citations import Citation
from assistant.documents import load, load_catalogue
from assistant.records import SourceRecord
from assistant.retrieval import Passage
from assistant.store import chunk_metadata
from tests.conftest import CORPUS


def test_a_chunks_record_survives_the_store_and_reaches_the_citation_unchanged():
    doc = load(CORPUS / "ihk-marzahn-nord-2020.pdf", CORPUS, load_catalogue(CORPUS))
    chunk = next(c for c in chunk_document(doc) if c.areas)
    meta = chunk_metadata(chunk, "abc")
    assert isinstance(meta["areas"], str)  # chroma stores flat scalars
    passage = Passage.from_meta(chunk.id, meta)
    assert passage.record == chunk.record and passage.text == chunk.text
    citation = Citation.from_passage(1, passage, [chunk.text[:40]])
    # a citation carries the record narrowed to the quoted sentences' pages: for a one-page passage, the same
    assert chunk.page == chunk.page_end and citation.record == passage.record
    flat = citation.to_dict()
    assert flat["areas"] == list(chunk.areas) and flat["page_label"] == chunk.page_label
    expected = {"n", "doc", "title", "page", "page_end", "section", "text", "score", "highlights", "url", "ocr"}
    assert expected <= set(flat)


def test_metadata_of_an_older_index_still_reads():
    record = SourceRecord.from_metadata({"doc": "alt.pdf", "page": 3, "areas": "Marzahn-Nord|Hellersdorf-Nord"})
    assert record.areas == ("Marzahn-Nord", "Hellersdorf-Nord")
    assert (record.page_end, record.page_label, record.page_label_end, record.ocr) == (3, "3", "3", False)
