"""Citation records and the check that a sentence is backed by the passage it cites.

Support check (used for LLM answers and for the eval's citation validity): a sentence is supported by a passage
when at least ``SUPPORT_MIN`` of its content terms (stemmed, stop words removed, numbers kept) occur in the
passage. Extractive sentences are copied from their passage and so score 1.0. Sentence splitting lives in
:mod:`assistant.sentences` (re-exported here).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from urllib.parse import quote

from assistant.lexical import Analyzer
from assistant.records import FromRecord, SourceRecord
from assistant.retrieval import Passage
from assistant.sentences import sentences as sentences  # moved there; callers import it from here

SUPPORT_MIN = 0.6
_ANALYZER = Analyzer()
_MARKER = re.compile(r"\s*\[(\d{1,2})\]")
RECONSTRUCTION_NOTICE = "Nachbildung – kein amtliches Dokument"
OCR_NOTICE = "Texterkennung – Wortlaut kann abweichen"
LEGEND = "[GI] = für die Berliner GI belegt; [Praxis] = allgemeine gute Praxis, keine verbindliche Vorgabe."
# the source tags the legend explains (citizens get the text without them)
TAGS = re.compile(r"\s*\[(GI|Praxis|GI-Umfeld)\]\s*")


def without_tags(text: str) -> str:
    """``text`` without the guideline's source marks and the punctuation they leave behind ("bis zu 40 % [GI].",
    "schaffen [GI]. [Praxis]: Analyse" → "schaffen. Analyse"); for readers whose text does not explain them."""
    text = re.sub(r"\s+([.,;:!?])", r"\1", TAGS.sub(" ", text))
    text = re.sub(r"([.;:!?])[.,;:]+", r"\1", text)  # "schaffen.:" where a mark stood between
    return re.sub(r"^\s*[:;,.]\s*", "", text)  # "[Praxis]: Im Konzept …" without its mark


@dataclass
class Citation(FromRecord):
    n: int
    record: SourceRecord  # the passage's record, unchanged (``citation.page`` etc. read it)
    text: str
    score: float
    highlights: list[str] = field(default_factory=list)  # the sentences of the passage the answer uses
    url: str = ""

    @classmethod
    def from_passage(cls, n: int, p: Passage, highlights: list[str] | None = None) -> Citation:
        """The passage cited with the pages of the sentences the answer uses (a passage may run over pages)."""
        wanted = [h for h in highlights or [] if h]
        spans = [(i, i + len(h)) for h in wanted if (i := p.text.find(h)) >= 0]
        # narrowed only when every quoted sentence was found verbatim: a list run joined for the answer is not,
        # and narrowing to the others' pages could leave it off the cited pages
        record = p.record.at(min(a for a, _ in spans), max(b for _, b in spans)) \
            if spans and len(spans) == len(wanted) else p.record
        return cls(n=n, record=record, text=p.text, score=round(p.score, 5), highlights=list(highlights or []),
                   url=document_url(p.doc, record.page))

    def to_dict(self) -> dict:
        """Flat, as the API and the feedback store have always given it."""
        record = asdict(self.record)
        record["areas"] = list(self.record.areas)
        del record["page_breaks"]  # internal: the citation's page span already says where the quote stands
        return {"n": self.n, **record, "text": self.text, "score": self.score, "highlights": list(self.highlights),
                "url": self.url}

    def pages(self) -> str:
        """", S. 2" as printed on the page, with the PDF's own page number where they differ (links open that one);
        empty for documents without pages (web pages)."""
        if not self.doc.lower().endswith(".pdf"):
            return ""
        printed = self.page_label if self.page == self.page_end else f"{self.page_label}–{self.page_label_end}"
        physical = str(self.page) if self.page == self.page_end else f"{self.page}–{self.page_end}"
        return f", S. {printed}" + (f" (PDF-Seite {physical})" if printed != physical else "")

    def source_line(self, n: int | None = None, base_url: str = "") -> str:
        """One entry of a plain-text source list: number, title, Stand, page, link and notices."""
        stand = f" (Stand: {self.stand})" if self.stand else ""
        notice = f" – {self.notice}" if self.notice else ""
        return f"[{self.n if n is None else n}] {self.title}{stand}{self.pages()}. {base_url.rstrip('/')}{self.url}" \
               f"{notice}"

    @property
    def notice(self) -> str:
        notices = [RECONSTRUCTION_NOTICE if self.reconstruction else "", OCR_NOTICE if self.ocr else ""]
        return "; ".join(n for n in notices if n)


def answer_units(passage_text: str) -> list[str]:
    """The sentence units an answer may quote from a passage: its sentences, list items and table rows, without
    the reconstruction notice (shown as a badge instead). Ingest embeds exactly these units, so the composer can
    weigh a sentence's meaning without embedding anything at question time."""
    from assistant.documents import RECONSTRUCTION_MARK

    body = "\n".join(line for line in passage_text.split("\n") if not RECONSTRUCTION_MARK.search(line))
    return sentences(body)


def row_as_prose(unit: str) -> str:
    """A table row reads as "Vor Ort: mobile Sprechstunde …; …" in an answer or an outline (the quote keeps the
    row); empty cells (a row continuing the one above) are left out."""
    if "|" not in unit:
        return unit
    cells = [c.strip() for c in re.split(r"\s*\|\s*", unit) if c.strip()]
    if len(cells) < 2:
        return cells[0] if cells else unit
    return f"{cells[0]}: " + "; ".join(cells[1:])


def document_url(doc: str, page: int) -> str:
    """Where the app serves the file; PDF viewers open ``#page=N``."""
    url = f"/dokumente/{quote(doc)}"
    return f"{url}#page={page}" if doc.lower().endswith(".pdf") else url


def claims(answer_text: str) -> list[tuple[str, list[int]]]:
    """The answer's statements with the source numbers they cite: a statement is the text up to a group of
    markers ("… [1] [2]"); text after the last group is a statement that cites nothing."""
    out: list[tuple[str, list[int]]] = []
    pos = 0
    for m in re.finditer(r"(?:\s*\[\d{1,2}\])+", answer_text):
        out.append((answer_text[pos : m.start()].strip(), cited_numbers(m.group(0))))
        pos = m.end()
    out.append((answer_text[pos:].strip(), []))
    cleaned = [(re.sub(r"^[-*•]\s*(\[ \]\s*)?", "", text).strip(), nums) for text, nums in out]
    # A list's introduction ("… Folgendes:") and the tag legend are framing, not statements.
    return [(text, nums) for text, nums in cleaned
            if re.search(r"\w", text) and not text.endswith(":") and not text.startswith(LEGEND[:8])]


def content_terms(text: str) -> set[str]:
    return set(_ANALYZER.terms(_MARKER.sub(" ", text)))


def support(sentence: str, passage_text: str) -> float:
    terms = content_terms(sentence)
    if not terms:
        return 0.0
    return len(terms & content_terms(passage_text)) / len(terms)


def cited_numbers(sentence: str) -> list[int]:
    return [int(m) for m in _MARKER.findall(sentence)]


def lead_statement(answer_text: str) -> str:
    """The answer's first statement: its text before the first ``[n]`` (all of it when nothing is cited)."""
    m = _MARKER.search(answer_text)
    return answer_text[: m.start()] if m else answer_text


def strip_markers(text: str) -> str:
    return _MARKER.sub("", text).strip()
