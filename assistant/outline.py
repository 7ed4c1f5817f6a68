"""The staff workspace ("Konzept schreiben"): for one chapter of the guideline and one area, what the guideline
requires, how an existing concept handled it, the area's figures, pitfalls and practice tips, and what the documents
do not say. Every item is a unit (sentence, list item, table row) quoted from a document and cited with the page it
stands on.

Why quoted units and not generated text: planners copy these items into an official concept, so each line must be
traceable to its page. Why the chapters come from the index: an official guideline dropped into ``corpus/`` brings
its own headings, so nothing here knows our guideline's chapters.

The items are chosen by retrieval (the same hybrid search as questions) and ranked by meaning: the cosine of each
unit's vector, stored at ingest, to a vector of the chapter (its title and requirements). Figures and tips that
name another area than the chosen one are left out, as the answer composer does for questions.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

from assistant.answer import GUIDELINE_TYPE, points_back, says_not_documented, title_like
from assistant.citations import RECONSTRUCTION_NOTICE, Citation, content_terms, document_url, row_as_prose
from assistant.documents import RECONSTRUCTION_MARK
from assistant.errors import UserFacingError
from assistant.records import SourceRecord
from assistant.retrieval import Filters, Passage, Retriever
from assistant.sentences import INTRODUCER, LIST_ITEM, Unit, heading_key, split_units
from assistant.spans import URL

if TYPE_CHECKING:
    from assistant.core import Assistant

WORDS_FILE = Path(__file__).resolve().parent / "data" / "workspace.yaml"

# How many items each part shows at most (the planner drops what does not fit; more would bury the good ones).
EXAMPLES_MAX = 4
FIGURES_MAX = 6
TIPS_MAX = 5
GAPS_MAX = 3
SEARCH_K = 8  # passages per search; the units of these are the candidates
CHAPTER_VECTOR_CHARS = 400  # of the chapter's requirement text that, with its title, makes the chapter's vector
CACHE_SIZE = 64  # outlines kept per open index (the same chapter is opened again and again while writing)
MIN_UNIT_CHARS = 12  # shorter units are labels ("Tipps:"), not items
INTRODUCER_MAX_CHARS = 36  # a line ending in ":" up to this long only introduces a list ("Tipps [Praxis]:")
# Unit vectors of one model sit close together (e5: 0.80-0.90 for anything on the topic), so a unit that shares the
# chapter's words (title and requirements) is preferred: each shared term adds this much, up to TERM_CAP terms.
TERM_WEIGHT = 0.02
TERM_CAP = 3

KINDS = ("requirement", "example", "figure", "tip", "gap")


def section_title(kind: str, area: str | None) -> str:
    """The German heading of each part of the outline."""
    where = f" für {area}" if area else ""
    return {
        "requirement": "Was der Leitfaden verlangt",
        "example": "So hat es ein bestehendes Konzept gemacht",
        "figure": f"Zahlen{where}",
        "tip": "Stolpersteine und Praxistipps",
        "gap": "Was die Unterlagen nicht sagen",
    }[kind]


# A figure: a percentage, a grouped or decimal number, or a number counting something ("13 Gebiete"). Bare years,
# dates and times of day are not figures; web addresses are taken out before looking.
_FIGURE = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|Prozent)|(?<![\w.])\d{1,3}(?:\.\d{3})+(?![\w.])|(?<![\w.,])\d+,\d+(?![\w,])|"
    r"(?<![\w.,:/–-])\d{1,4}\s+(?!Uhr\b)(?:[A-ZÄÖÜ][a-zäöüß]|Mio|Mrd|Euro|€)"
)


def is_figure(text: str) -> bool:
    return bool(_FIGURE.search(URL.sub(" ", text)))


class ChapterNotFound(UserFacingError, LookupError):
    """The chapter asked for is not among the guideline's headings."""


@dataclass(frozen=True)
class Words:
    example_types: tuple[str, ...]
    tip_words: re.Pattern
    tip_search: str
    gap_search: str
    figure_search: str


@functools.cache
def load_words(path: Path = WORDS_FILE) -> Words:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    words = [str(w) for w in data.get("tip_words") or []]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.I) if words \
        else re.compile(r"(?!x)x")
    return Words(tuple(str(t) for t in data.get("example_types") or []), pattern, str(data.get("tip_search", "")),
                 str(data.get("gap_search", "")), str(data.get("figure_search", "")))


@dataclass(frozen=True)
class Chapter:
    id: str  # stable while the guideline is unchanged: the browser keeps the planner's ticks and notes under it
    doc: str
    section: str  # the full path, "4. Die Kapitel … > 4.3 Bestandsaufnahme und Analyse"
    title: str  # the last part of the path
    level: int  # 1 for a top-level heading
    page: int

    def to_dict(self) -> dict:
        return {"id": self.id, "doc": self.doc, "section": self.section, "title": self.title, "level": self.level,
                "page": self.page}


@dataclass
class Item:
    id: str  # stable for the same quote in the same chapter: ticks and notes bind to it
    kind: str  # one of KINDS
    text: str  # as shown and exported (a table row reads "Fläche: 250,41 ha")
    n: int | None = None  # the citation number; None for notes the workspace adds itself (gaps it found)
    note: str = ""  # what the planner should know about the source ("Beispiel aus Marzahn-Nord", "Stand 2020")
    quote: str = ""  # the words as they stand in the document (for an item the workspace writes itself: empty)

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "text": self.text, "n": self.n, "note": self.note,
                "quote": self.quote}


@dataclass
class Outline:
    chapter: Chapter
    area: str | None
    items: list[Item]
    citations: list[Citation]
    notices: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def part(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    def to_dict(self) -> dict:
        return {
            "chapter": self.chapter.to_dict(), "area": self.area,
            "sections": [{"kind": k, "title": section_title(k, self.area), "items": [i.to_dict() for i in self.part(k)]}
                         for k in KINDS],
            "citations": [c.to_dict() | {"notice": c.notice} for c in self.citations],
            "notices": list(self.notices), "timings": dict(self.timings),
        }


def _item_id(kind: str, doc: str, text: str) -> str:
    return hashlib.sha1(f"{kind}\x00{doc}\x00{heading_key(text)}".encode()).hexdigest()[:12]


def list_chapters(retriever: Retriever, doc_type: str = GUIDELINE_TYPE) -> list[Chapter]:
    """Every section of the guideline documents that has text of its own to quote (a list of web addresses,
    such as a sources section, has none), in document order."""
    out: list[Chapter] = []
    for doc, section in retriever.sections(doc_type):
        passages = retriever.section_passages(doc, section)
        parts = section.split(" > ")
        if not any(_units(p, parts) for p in passages):
            continue
        out.append(Chapter(id=hashlib.sha1(f"{doc}\x00{section}".encode()).hexdigest()[:12], doc=doc,
                           section=section, title=parts[-1], level=len(parts),
                           page=passages[0].page if passages else 1))
    return out


_NUMBER_PREFIX = re.compile(r"^\s*(?:[A-Z]|\d{1,2})(?:\.\d{1,2})*\.?\s+")


def resolve_chapter(chapters: Sequence[Chapter], wanted: str) -> Chapter:
    """The chapter a planner means: its id, its number ("4.3"), its title or a unique part of it
    ("Bestandsaufnahme"). Several matches or none give a German message that lists the chapters."""
    wanted_key = heading_key(wanted or "")
    if not wanted_key:
        raise ChapterNotFound("Bitte ein Kapitel angeben.")
    for c in chapters:
        if wanted.strip() == c.id or heading_key(c.title) == wanted_key or heading_key(c.section) == wanted_key:
            return c
    number = wanted.strip().rstrip(".")
    by_number = [c for c in chapters if re.match(rf"^{re.escape(number)}\.?\s", c.title)]
    if len(by_number) == 1:
        return by_number[0]
    bare = [c for c in chapters if wanted_key in heading_key(_NUMBER_PREFIX.sub("", c.title))]
    if len(bare) == 1:
        return bare[0]
    names = "; ".join(c.title for c in (bare or chapters))
    if bare:
        raise ChapterNotFound(f"„{wanted}“ passt zu mehreren Kapiteln: {names}. Bitte genauer angeben.")
    raise ChapterNotFound(f"Kapitel „{wanted}“ nicht gefunden. Kapitel des Leitfadens: {names}")


def _units(p: Passage, headings: Iterable[str], *, introducers: bool = False) -> list[Unit]:
    """The quotable units of a passage: no headings, no reconstruction notice, no bare labels or web addresses,
    no table header rows (the first of several rows: it names the columns, it says nothing), and no short line
    that only introduces a list ("Tipps:") unless ``introducers``."""
    keys = {heading_key(h) for h in [*headings, p.title]}
    units = split_units(p.text, keys)
    out = []
    for i, u in enumerate(units):
        text = u.text.strip()
        header_row = u.kind == "row" and (i == 0 or units[i - 1].kind != "row") and i + 1 < len(units) \
            and units[i + 1].kind == "row"
        if u.kind == "heading" or header_row or heading_key(text) in keys or RECONSTRUCTION_MARK.search(text) \
                or (u.kind != "row" and not INTRODUCER.search(text) and title_like(text, p)) \
                or len(URL.sub("", text).strip(" |-–:;,.")) < MIN_UNIT_CHARS \
                or (not introducers and INTRODUCER.search(text) and len(text) <= INTRODUCER_MAX_CHARS):
            continue
        previous = out[-1] if out else None
        if previous is not None and _continues_questions(previous, u, p.text):
            out[-1] = Unit(p.text[previous.start:u.end], previous.start, u.end, previous.kind)
            continue
        out.append(u)
    return out


def _continues_questions(previous: Unit, u: Unit, text: str) -> bool:
    """"Leitfragen waren: Was gefällt Ihnen? Wo sollte sich etwas ändern?" is one item: a question that follows
    a question or a line introducing it, on the same line, belongs to it (split apart, each says nothing)."""
    same_line = "\n" not in text[previous.end:u.start]
    asks = u.text.rstrip().endswith("?")
    return same_line and asks and previous.text.rstrip().endswith(("?", ":")) and u.kind == previous.kind


def _clean(text: str) -> str:
    return LIST_ITEM.sub("", re.sub(r"\s*\n\s*", " ", text)).strip()


class _Citations:
    """Numbers the sources in the order items cite them; one number per document page span."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, int, int], Citation] = {}

    def cite(self, p: Passage, u: Unit) -> int:
        record: SourceRecord = p.record.at(u.start, u.end)
        key = (record.doc, record.page, record.page_end)
        quote = _clean(u.text)
        c = self.by_key.get(key)
        if c is None:
            c = Citation(n=len(self.by_key) + 1, record=record, text=quote, score=round(p.score, 5),
                         highlights=[quote], url=document_url(record.doc, record.page))
            self.by_key[key] = c
        elif quote not in c.highlights:
            c.highlights.append(quote)
        return c.n

    def all(self) -> list[Citation]:
        return sorted(self.by_key.values(), key=lambda c: c.n)


class _Meaning:
    """Cosine of units to the chapter, from the unit vectors stored at ingest (list items that ingest embedded
    together with their neighbours use their run's vector)."""

    def __init__(self, retriever: Retriever, chapter_vector: np.ndarray, chapter_terms: set[str]) -> None:
        self.retriever, self.q, self.terms = retriever, chapter_vector, chapter_terms
        self.vectors: dict[str, np.ndarray] = {}
        self.seen: set[str] = set()

    def load(self, passages: Iterable[Passage]) -> None:
        ids = [p.id for p in passages if p.id not in self.seen]
        self.seen.update(ids)
        for units in self.retriever.sentence_vectors(ids).values():
            for text, vec in units.items():
                self.vectors.setdefault(text, vec)
                for piece in text.split("; "):
                    self.vectors.setdefault(piece, vec)

    def shared(self, text: str) -> int:
        return len(content_terms(text) & self.terms)

    def score(self, text: str) -> float:
        vec = self.vectors.get(text)
        cosine = float(vec @ self.q) if vec is not None else 0.0
        return cosine + TERM_WEIGHT * min(TERM_CAP, self.shared(text))


def _names_other_area(text: str, area: str | None, areas: Sequence[str]) -> bool:
    if not area:
        return False
    lowered = text.lower()
    return area.lower() not in lowered and any(a.lower() in lowered for a in areas if a != area)


def _about_area(p: Passage, text: str, area: str, areas: Sequence[str]) -> bool:
    """A unit is about the area when it names it, or when its document is about this area alone and the unit
    names no other."""
    lowered = text.lower()
    if area.lower() in lowered:
        return True
    return tuple(p.areas) == (area,) and not _names_other_area(text, area, areas)


class Workspace:
    """The workspace's API under the web tab, ``/api/chapters``, ``/api/outline`` and ``python -m assistant
    outline``."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.words = load_words()

    # ---- what can be chosen
    def chapters(self) -> list[Chapter]:
        retriever = self.assistant.index().retriever
        cached = getattr(retriever, "_gi_chapters", None)
        if cached is None:
            cached = list_chapters(retriever)
            retriever._gi_chapters = cached  # type: ignore[attr-defined]  # per index: a new ingest brings new ones
        return cached

    def areas(self) -> list[str]:
        """The areas one can choose, as for "Mein Kiez": those the documents' metadata names, without city-wide
        labels, in the glossary's order."""
        from assistant.kiez import KiezConfig, list_areas

        retriever = self.assistant.index().retriever
        cached = getattr(retriever, "_gi_areas", None)
        if cached is None:  # per index, as the chapters: a new ingest may bring new areas
            cached = [a.name for a in list_areas(retriever.documents(), self.assistant.glossary.areas,
                                                 KiezConfig.load())]
            retriever._gi_areas = cached  # type: ignore[attr-defined]
        return cached

    def chapter(self, wanted: str) -> Chapter:
        chapters = self.chapters()
        if not chapters:
            raise ChapterNotFound("Im Index ist kein Leitfaden (Dokumenttyp „Leitfaden“): keine Kapitel zur Auswahl.")
        return resolve_chapter(chapters, wanted)

    def check_area(self, area: str | None) -> str | None:
        if not area:
            return None
        for a in self.areas():
            if a.lower() == area.strip().lower():
                return a
        raise ChapterNotFound(f"Gebiet „{area}“ unbekannt. Zur Auswahl: {', '.join(self.areas())}.")

    def forget(self) -> None:
        """Drop the outlines kept for the current index (the report measures building them)."""
        getattr(self.assistant.index().retriever, "_gi_outlines", {}).clear()

    # ---- the outline
    def outline(self, chapter: str | Chapter, area: str | None = None) -> Outline:
        """The outline of one chapter for one area (or none), built from one index generation and kept with it:
        a newer generation (after an ingest) starts with an empty cache."""
        t0 = time.perf_counter()
        with self.assistant.pinned() as index:
            ch = chapter if isinstance(chapter, Chapter) else self.chapter(chapter)
            area = self.check_area(area)
            retriever = index.retriever
            cache: OrderedDict[tuple[str, str | None], Outline] | None = getattr(retriever, "_gi_outlines", None)
            if cache is None:
                cache = OrderedDict()
                retriever._gi_outlines = cache  # type: ignore[attr-defined]
            cached = cache.get((ch.id, area))
            if cached is not None:
                cache.move_to_end((ch.id, area))
                return cached
            outline = self._build(retriever, ch, area)
        outline.timings = {"build_ms": round((time.perf_counter() - t0) * 1000, 1)}
        cache[(ch.id, area)] = outline
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
        return outline

    def _search(self, text: str, filters: dict | None = None, k: int = SEARCH_K) -> list[Passage]:
        return self.assistant.search(text, k, Filters.from_dict(filters))

    def _build(self, retriever: Retriever, ch: Chapter, area: str | None) -> Outline:
        w = self.words
        areas = self.areas()
        cites = _Citations()
        items: list[Item] = []
        notices: list[str] = []
        taken: set[str] = set()  # heading keys of quoted units: a sentence appears once in the outline

        def add(kind: str, p: Passage | None, u: Unit | None, text: str, note: str = "") -> None:
            key = heading_key(text)
            if key in taken:
                return
            taken.add(key)
            n = cites.cite(p, u) if p is not None and u is not None else None
            items.append(Item(_item_id(kind, p.doc if p else "", text), kind, row_as_prose(text), n, note,
                              quote=text if n is not None else ""))

        # (a) the chapter's own text: requirements, and the tips it lists
        # a document removed by an ingest since this index was loaded is not quoted
        section = self.assistant.live(retriever.section_passages(ch.doc, ch.section))
        headings = ch.section.split(" > ")
        own: list[tuple[Passage, Unit, str, bool]] = []  # passage, unit, text, is a tip
        in_tips = False
        seen: set[str] = set()
        for p in section:
            for u in _units(p, headings, introducers=True):
                text = _clean(u.text)
                if heading_key(text) in seen:  # chunks overlap
                    continue
                seen.add(heading_key(text))
                tipish = bool(w.tip_words.search(text))
                if INTRODUCER.search(text):  # "Tipps:" introduces the items after it; it is no item itself
                    in_tips = tipish
                    if len(text) <= INTRODUCER_MAX_CHARS:
                        continue
                elif u.kind != "item":
                    in_tips = False
                own.append((p, u, text, tipish or (in_tips and u.kind == "item")))
        for p, u, text, tip in own:
            if not tip:
                add("requirement", p, u, text)
        if not any(i.kind == "requirement" for i in items):
            notices.append(f"Der Abschnitt „{ch.title}“ enthält keinen eigenen Text; die Punkte unten stammen aus "
                           "verwandten Stellen der Unterlagen.")

        requirement_text = " ".join(t for _, _, t, _ in own)[:CHAPTER_VECTOR_CHARS]
        # area names are no topic: a sentence naming the area is not thereby about this chapter
        topic = content_terms(_NUMBER_PREFIX.sub("", ch.title) + " " + requirement_text) - \
            content_terms(" ".join(areas))
        meaning = _Meaning(retriever, retriever.query_vector(f"{ch.title}. {requirement_text}"), topic)

        # (b) how an existing concept handled it: the area's own concept first, else any concept, labelled
        example_filter: dict = {"types": list(w.example_types)}
        examples = self._search(ch.title, {**example_filter, "areas": [area]} if area else example_filter)
        examples = [p for p in examples if p.type in w.example_types]
        if area and not examples:
            examples = [p for p in self._search(ch.title, example_filter) if p.type in w.example_types]
            if examples:
                where = ", ".join(sorted({a for p in examples for a in p.areas}))
                notices.append(f"Für {area} enthalten die Unterlagen kein bestehendes Konzept; die Beispiele stammen "
                               f"aus {where}.")
        meaning.load(examples)
        # an example names something the chapter is about; a concept's sentence on another topic is no example
        fitting = [(p, u, t) for p, u, t in self._ranked(examples, meaning) if meaning.shared(t)]
        for p, u, text in fitting[:EXAMPLES_MAX]:
            add("example", p, u, text, note=f"Beispiel aus {', '.join(p.areas)}" if p.areas else "")

        # (c) the area's figures that fit the chapter, with their Stand
        if area:
            found = self._search(f"{ch.title} {area} {w.figure_search}", k=2 * SEARCH_K)
            meaning.load(found)
            figures = [(p, u, t) for p, u, t in self._ranked(found, meaning)
                       if is_figure(t) and _about_area(p, t, area, areas)]
            for p, u, text in figures[:FIGURES_MAX]:
                add("figure", p, u, text, note=f"Stand: {p.stand}" if p.stand else "")
            if not figures:
                add("gap", None, None, f"Die Unterlagen nennen für {area} keine Zahlen zu „{ch.title}“.")

        # (d) pitfalls and practice tips: the chapter's own first, then what other parts of the documents advise
        for p, u, text, tip in own:
            if tip:
                add("tip", p, u, text)
        # one search serves tips and gaps (each search embeds its text: the bulk of an outline's time)
        advice = self._search(" ".join(x for x in (ch.title, area or "", w.tip_search, w.gap_search) if x),
                              k=2 * SEARCH_K)
        meaning.load(advice)
        found = [p for p in advice if p.doc != ch.doc or p.section != ch.section]
        tips = [(p, u, t) for p, u, t in self._ranked(found, meaning)
                if w.tip_words.search(t) and meaning.shared(t) and not _names_other_area(t, area, areas)]
        for p, u, text in tips[: max(0, TIPS_MAX - len([i for i in items if i.kind == "tip"]))]:
            add("tip", p, u, text)

        # (e) what the documents themselves say is not known, then what this outline could not find
        gaps = [(p, u, t) for p, u, t in self._ranked(advice, meaning)
                if says_not_documented(t, self.assistant.cues) and meaning.shared(t)
                and not _names_other_area(t, area, areas)]
        for p, u, text in gaps[:GAPS_MAX]:
            add("gap", p, u, text)
        if not any(i.kind == "example" for i in items):
            add("gap", None, None, "Die Unterlagen enthalten kein bestehendes Konzept mit einem Beispiel zu diesem "
                                   "Kapitel.")
        guideline = section[0] if section else None
        if guideline is not None and guideline.reconstruction:
            add("gap", None, None, f"Der Leitfaden in den Unterlagen ist eine {RECONSTRUCTION_NOTICE}: Gliederung "
                                   "und Wortlaut des amtlichen Leitfadens können abweichen. Bitte dort prüfen.")
        return Outline(ch, area, items, cites.all(), notices)

    @staticmethod
    def _ranked(passages: Sequence[Passage], meaning: _Meaning, limit: int | None = None,
                ) -> list[tuple[Passage, Unit, str]]:
        """The units of these passages, best fitting the chapter first, each once. A sentence that opens by
        pointing back ("Diese Bedarfe …") or one introducing a list ("… folgende Themen:") is left out: quoted
        alone, it would not say what it is about."""
        seen: set[str] = set()
        scored: list[tuple[float, int, Passage, Unit, str]] = []
        for rank, p in enumerate(passages):
            headings = p.section.split(" > ") if p.section else []
            for u in _units(p, headings):
                text = _clean(u.text)
                key = heading_key(text)
                if key in seen or points_back(text) or INTRODUCER.search(text):
                    continue
                seen.add(key)
                scored.append((meaning.score(text), rank, p, u, text))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [(p, u, t) for _, _, p, u, t in scored[:limit]]
