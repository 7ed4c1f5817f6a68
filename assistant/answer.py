"""Answers without an LLM: a direct lead statement that answers the question, up to two supporting statements,
each cited; or an honest refusal when the passages do not carry the answer.

The composer reads a ``Query`` (assistant/query.py) and passages, nothing else. The lead is the sentence (or table
row) with the best score from: the expected answer type being present (a date for "wann", a number for
"wie viele" …, recognised by ``assistant.spans``), coverage of the question's focus terms, the passage's retrieval
score, optionally the dense similarity of the sentence to the question, and a penalty when the sentence is about
another area or year than the one asked about. The phrase that answers is bolded and returned as
``answer_span``.

Style by audience: ``staff`` (Verwaltung) gets the lead and up to two supporting statements and, for "how do I
write chapter X" questions, the guideline's requirements as a checklist; ``citizen`` (Bürgerinnen und Bürger)
gets the lead and at most one more sentence without the guideline's [GI]/[Praxis] tags; ``general`` sits in
between.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from assistant.citations import (
    LEGEND,
    TAGS,
    Citation,
    answer_units,
    content_terms,
    row_as_prose,
    without_tags,
)
from assistant.errors import UserFacingError
from assistant.glossary import Contact, Glossary
from assistant.places import Relation
from assistant.query import (  # noqa: F401  (re-exported: the ask path and tests import them from here)
    Concept,
    Cues,
    Query,
    answer_type,
    concepts,
    coverage,
    is_english,
    phrase_pattern,
    rewrite_followup,
    user_turns,
)
from assistant.retrieval import Passage
from assistant.scope import (
    other_times,
    overlap,
    place_penalty,
    place_scope,
    scope_penalty,
    time_penalty,
    wider_figure,
)
from assistant.scoring import SCORING, Scoring
from assistant.spans import SpanFinder, older_than, past_dates

REFUSAL = "Dazu steht in den vorliegenden Unterlagen nichts."
CONTACT_ANSWER = "Ansprechstelle"  # opens the answer to "An wen kann ich mich wenden?"
# closest documents a refusal shows as sources: (others, citizens); on a phone each card is a third of a screen
CLOSEST_DOCUMENTS = (3, 1)
# an English question is answered from German documents, in their words; the notice says so in both languages
ENGLISH_NOTICE = ("Die Unterlagen sind deutschsprachig; die Antwort gibt sie auf Deutsch wieder. "
                  "(The documents are in German; the answer quotes them in German.)")
ONLY_PAST = "Die Unterlagen nennen nur vergangene Termine"
CLOSEST_PLACE = "Die nächstliegende Angabe betrifft"
CLOSEST_TIME = "Die nächstliegende Angabe bezieht sich auf einen anderen Zeitpunkt"
MAX_LISTED_DATES = 4
GUIDELINE_TYPE = "Leitfaden"  # the document type whose chapters the staff checklist follows
# for the place-only check: a question's stem this long or longer also counts as the first or last part of a
# compound in the passage, whose other part has at least PART_REST_MIN_CHARS letters
PART_MIN_CHARS = 5
PART_REST_MIN_CHARS = 3
UNKNOWN_THING_CHARS = 6  # an unknown word this long (as a stem) names a thing ("spielplatz"), not a filler ("jo")
AUDIENCES = {
    "general": "general", "allgemein": "general", "alle": "general",
    "staff": "staff", "verwaltung": "staff",
    "citizen": "citizen", "bürgerinnen und bürger": "citizen", "buergerinnen und buerger": "citizen",
    "bürger": "citizen", "citizens": "citizen",
}


BACK_REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "verweiswoerter.txt"


def absent_words(words: Sequence[str], *, answered: bool) -> str:
    """The sentence naming the question's words that no document uses (``Query.absent``): with an answer, it says
    the answer is only the nearest thing; with a refusal, it says why."""
    if not words:
        return ""
    quoted = _joined([f"„{w}“" for w in words])
    verb = "kommt" if len(words) == 1 else "kommen"
    rest = " Die Antwort zeigt, was am nächsten dazu steht." if answered else ""
    return f"{'Das Wort' if len(words) == 1 else 'Die Wörter'} {quoted} {verb} in den Unterlagen nicht vor.{rest}"


@functools.cache
def _back_references() -> frozenset[str]:
    lines = BACK_REFERENCE_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def points_back(sentence: str) -> bool:
    """The sentence opens with a word (or a pronoun and its verb: "Das macht …") that refers to the sentence before
    it, so it does not stand alone."""
    m = re.match(r"[\W_]*([^\W\d_]+)(?:\s+([^\W\d_]+))?", sentence)
    if not m:
        return False
    first = m.group(1).lower()
    return first in _back_references() or f"{first} {(m.group(2) or '').lower()}" in _back_references()

PERSON_FACT = "person"  # the required fact (cues.yaml ``required_facts``) that asks for a name: the name is marked


def missing_facts(query: Query, cues: Cues, statement: str) -> list[str]:
    """The kinds of fact the question insists on (``Query.needs``: a price, opening hours, a contact) that the
    statement does not state."""
    return [kind for kind in query.needs if kind in cues.required_facts
            and not cues.required_facts[kind][1].search(statement)]


def says_not_documented(sentence: str, cues: Cues) -> bool:
    """The sentence is a document saying a fact is not documented (``not_documented`` in cues.yaml)."""
    return bool(cues.not_documented and cues.not_documented.search(sentence))


class UnsupportedAudience(UserFacingError, ValueError):
    """An audience name the assistant does not know."""


def normalise_audience(audience: str | None) -> str:
    key = (audience or "general").strip().lower()
    if key not in AUDIENCES:
        raise UnsupportedAudience(
            f"Unbekannte Zielgruppe „{audience}“. Erlaubt: general, staff (Verwaltung), citizen (Bürgerinnen und "
            "Bürger)."
        )
    return AUDIENCES[key]


@dataclass
class Answer:
    question: str
    text: str
    refused: bool
    citations: list[Citation]
    timings: dict[str, float] = field(default_factory=dict)
    audience: str = "general"
    search_query: str = ""  # the question as searched (after follow-up rewriting)
    notice: str = ""  # e.g. the LLM endpoint failed and the extractive answer is shown
    answerer: str = "extractive"
    answer_span: str = ""  # the phrase of the lead statement that answers (bold in the text)
    # what the question asks for: date, number, organisation, place, definition, checklist, reason
    answer_type: str = ""
    # the question's nouns no document uses (named in the notice of a composed answer or in a refusal by the gate)
    absent: list[str] = field(default_factory=list)

    def plain_text(self, base_url: str = "") -> str:
        """The answer as one copies it: no Markdown, the notice, then the sources as a plain list."""
        text = self.text.replace("- [ ] ", "☐ ").replace("**", "")
        if self.notice:
            text += f"\n\nHinweis: {self.notice}"
        if self.citations:
            heading = "Nächstliegende Dokumente:" if self.refused else "Quellen:"
            text += f"\n\n{heading}\n" + "\n".join(c.source_line(base_url=base_url) for c in self.citations)
        return text

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [c.to_dict() for c in self.citations]
        data["text_plain"] = self.plain_text()
        return data


# ---------------------------------------------------------------- judging the passages

# ---------------------------------------------------------------- candidate sentences

@dataclass
class _Candidate:
    sentence: str  # as cleaned for the answer
    raw: str  # verbatim, to highlight in the quote
    passage_rank: int
    position: int
    score: float
    terms: set[str]
    typed: bool = False  # holds what the question word asks for
    place_penalty: float = 0.0  # the part of the score's scope penalty that is about places
    meaning_aside: float = 0.0  # meaning bonus not in ``score`` (a candidate only the place-blind view ranks high)
    header: bool = False  # a table's first row of short labels ("Kennzahl | Wert | Stand / Quelle")
    before: frozenset[str] = frozenset()  # the terms of the sentence before it in its passage
    not_documented: bool = False  # a document saying a fact is not documented (``says_not_documented``)


def _clean(sentence: str, audience: str) -> str:
    s = re.sub(r"^[•▪*–-]\s*", "", sentence.strip())
    s = re.sub(r"\s{2,}", " ", s)
    if audience == "citizen":
        s = without_tags(s).strip()
        s = re.sub(r"^[–-]\s*", "", s)  # a dash a mark stood before
        s = re.sub(r"[;,]\s+\(", " (", s)  # "beschließt das Konzept; [GI] (Beispiel …)" without its mark
    return s


# a file name in quotation marks: "Ausführlich: Dokument „ihk-marzahn-nord-2020.md“"
_QUOTED_FILE = re.compile(r"[„\"»][^“”\"«]+\.(?:md|pdf|docx?|odt|html?|txt)[“”\"«]", re.I)
POINTER_WORDS = 10  # a sentence this short that points to another document says nothing itself


def points_elsewhere(sentence: str, cues: Cues) -> bool:
    """A short sentence that only refers to another document ("Ausführlich: Dokument „….md“", "Siehe Anlage 3",
    "Hinweise enthält das Dokument „….pdf“"): no statement of an answer."""
    if len(sentence.split()) > POINTER_WORDS:
        return False
    pointer = phrase_pattern(cues.pointer_phrases, end=r"\b")
    return bool(_QUOTED_FILE.search(sentence) or (pointer is not None and pointer.match(sentence.strip(" *"))))


def title_like(sentence: str, p: Passage) -> bool:
    """Headings, cover lines and the reconstruction notice are no answers."""
    norm = re.sub(r"\W+", " ", sentence).strip().lower()
    if not norm:
        return True
    if norm in re.sub(r"\W+", " ", f"{p.title} {p.section}").lower() or "nachbildung auf grundlage" in norm:
        return True
    words = sentence.split()
    if " · " in sentence or ("|" not in sentence and len([w for w in words if re.search(r"[^\W\d_]{2}", w)]) < 3):
        return True  # fragments and cover lines ("Konzept · Stand: 2020")
    if sentence.rstrip().endswith((".", "!", "?", ";")) or "|" in sentence or len(words) >= 15:
        return False
    if p.page == 1 and p.page_label != "1":
        return True  # an unpunctuated short line on a cover page is a title or subtitle
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised / len(words) > 0.6


def _questions_together(units: list[str]) -> tuple[list[str], list[str]]:
    """Consecutive questions as one unit: "Leitfragen waren: Was gefällt Ihnen besonders?", "Wo sollte sich etwas
    ändern?" and "Welche Ideen haben Sie?" answer "Welche Leitfragen gab es?" only together. Returns the units and,
    for each, the text its citation quotes: the first question, which is verbatim in the passage (the merged text
    is not, when the questions stood on separate lines). The meaning step looks up the quoted text's vector stored
    at ingest, so the merged unit is weighed by its first question's meaning."""
    out: list[str] = []
    quotes: list[str] = []
    for unit in units:
        if out and out[-1].rstrip(" *").endswith("?") and unit.rstrip(" *").endswith("?") \
                and "|" not in unit and "|" not in out[-1]:
            out[-1] = f"{out[-1]} {unit}"
        else:
            out.append(unit)
            quotes.append(unit)
    return out, quotes


def _question_list(unit: str) -> bool:
    """Questions the document asks ("Leitfragen waren: Was …? Wo …?"), not one question heading what follows (an
    FAQ's "Wie umfangreich soll das Konzept sein? Eine Seitenvorgabe …"): several questions, or one after a label."""
    unit = unit.strip(" *")
    return unit.endswith("?") and (unit.count("?") >= 2 or ": " in unit)


def _candidates(query: Query, passages: list[Passage], finder: SpanFinder, w: Scoring) -> list[_Candidate]:
    top = passages[0].score if passages and passages[0].score > 0 else 1.0
    asked_days = finder.days_named(query.text)
    out: list[_Candidate] = []
    for rank, p in enumerate(passages):
        framed = _context_terms(p)  # heading, title and areas; and a question line (below)
        previous, previous_raw = "", ""
        before: set[str] = set()  # the terms of the sentence before, in the same passage
        faq = False  # the last question line (an FAQ's, or the heading opening the passage) asks the user's question
        units = answer_units(p.text)
        # what a statement quotes to find its place on the page: merged questions quote their first one
        units, quotes = _questions_together(units) if query.asks_questions else (units, units)
        indicator = ""  # what the last table row measured: the first cell's part before its first comma
        for pos, raw in enumerate(units):
            s = _clean(raw, query.audience)
            s, indicator = _read_ditto(s, indicator, finder.cues)
            # "Diese Verwaltung …" right under the heading that names it stands on its own; elsewhere it does not
            alone = not points_back(s) or not previous or title_like(previous, p)
            header = "|" not in previous_raw and _labels_only(raw, w)
            previous, previous_raw = s, raw
            # a question ("Was tun mit Ideen …?", an FAQ heading) is never an answer, but an FAQ's question line
            # that asks the user's question makes the statement after it the document's own answer
            if s.strip(" *").endswith("?") and not (query.asks_questions and _question_list(s)):
                # each question line heads what follows, as a heading would, until the next one
                faq = _asks(query, TAGS.sub(" ", s).strip(" *"), finder.cues)
                framed, before = _context_terms(p) | content_terms(s), set()
                continue
            if len(s) < 12 or (s.endswith(":") and len(s) < 60) or "http" in s or title_like(s, p) \
                    or points_elsewhere(s, finder.cues):
                continue
            terms = content_terms(s)
            if not terms:
                continue
            cov = _held(query.focus, terms, framed, w, before)
            previous_terms, before = frozenset(before), terms
            # a sentence saying the fact is unknown does not hold it, whatever numbers or dates it names
            # … unless the question asks for one end of a period, the note is a remark in brackets and the rest holds
            # that end: "bis 27.03.2022 (Beginn nicht belegt)" says until when, not since when
            unknown = says_not_documented(s, finder.cues)
            known = _without_notes(s, finder.cues) if unknown and query.asks_bound else s
            strength = finder.strength(query.answer_type, known, query) \
                if query.answer_type and (not unknown or known != s) else 0.0
            unknown = unknown and not strength
            place = place_penalty(s, p, query, finder, w)
            score = (w.coverage * cov + w.retrieval * (p.score / top) + w.answer_type * strength
                     - (w.long_sentence if len(s) > w.long_chars else 0.0)
                     - (0.0 if alone else w.back_reference)
                     - place - time_penalty(s, p, query, finder, w, asked_days)
                     + (w.category if terms & query.category_terms else 0.0)
                     # a question for the questions asked is answered by questions, as a "wann" by a date
                     + (w.answer_type if query.asks_questions and _question_list(s) else 0.0))
            cand = _Candidate(s, quotes[pos].strip(), rank, pos, score, terms, strength > 0, place, header=header,
                              not_documented=unknown, before=previous_terms)
            if faq and _states(cand, w):
                cand.score += w.faq_answer  # the document's own answer to the question its heading asks
                faq = False
            out.append(cand)
    return out


def _read_ditto(row: str, indicator: str, cues: Cues) -> tuple[str, str]:
    """(the row as read, what it measures): a table row opening with "dasselbe" (``Cues.ditto``) repeats the
    indicator of the row above ("dasselbe, Bezirksregion Marzahn-Nord | 31,8 %" is read as "Minderjährige in
    SGB-II-Bedarfsgemeinschaften, Bezirksregion Marzahn-Nord | 31,8 %"); another row sets the indicator."""
    if "|" not in row:
        return row, indicator
    first = row.split("|", 1)[0].strip()
    pattern = phrase_pattern(cues.ditto)
    m = pattern.match(first) if pattern is not None else None
    if m is None or first[m.end():].strip()[:1] not in ("", ","):
        return row, first.split(",", 1)[0].strip()
    if not indicator:
        return row, indicator
    start = row.find(m.group(0))
    return f"{row[:start]}{indicator}{row[start + len(m.group(0)):]}", indicator


def _labels_only(raw: str, w: Scoring) -> bool:
    """A table row of short cells without a figure: a header when it opens the table, a data row of names
    ("Ansprechpartnerin | Frau Schulz | Quartiersbüro Nord") further down."""
    cells = [x for x in (cell.strip() for cell in raw.split("|")) if x]
    return len(cells) >= 2 and all(len(re.findall(r"\w+", x)) <= w.label_words and not re.search(r"\d", x)
                                   for x in cells)


def _asks(query: Query, question: str, cues: Cues) -> bool:
    """A question in a document (a heading: "Was ist die Gemeinschaftsinitiative?" for "Was ist eigentlich die
    GI?", or an FAQ's question line) is the user's question in the document's words: the same kind of question, and
    every focus term the corpus knows, or its long form or synonym, in it."""
    if not question.endswith("?") or answer_type(question, cues) != query.answer_type:
        return False
    known = [c for c in query.focus if c.term not in query.unknown]
    terms = content_terms(question)
    # one word of a long form will do here ("Gemeinschaftsinitiative" for "GI"): the question is short, and the
    # kind of question and every other focus term must match as well
    return bool(known) and all(c.term in terms or c.alternatives & terms for c in known)


def _context_terms(p: Passage) -> set[str]:
    """Terms of a passage's own heading, title and areas: "Wann …?" finds the row in "Zeitplan"."""
    heading = p.section.split(" > ")[-1] if p.section else ""
    return content_terms(heading) | content_terms(p.title) | {t for a in p.areas for t in content_terms(a)}


def _held(focus: Sequence[Concept], terms: set[str], context: set[str], w: Scoring,
          before: set[str] = frozenset()) -> float:
    """How much of ``focus`` a sentence holds: its own terms fully, its heading's and title's partly, and those of
    the sentence ``before`` it less: a sentence often goes on about what the one before named ("Das KulturGut …
    Träger ist …; das Haus bietet Kunstwerkstätten", "Peyton Manning … Mit 39 Jahren ist er …")."""
    own = coverage(focus, terms)
    framed = coverage(focus, terms | context)
    return own + w.context_share * (framed - own) \
        + w.previous_share * (coverage(focus, terms | context | before) - framed)


def _states(c: _Candidate, w: Scoring) -> bool:
    """A statement states something: "Handlungsraum: Marzahn-Nord." only labels, and neither does a table's header
    row ("Kennzahl | Wert | Stand / Quelle")."""
    return len(re.findall(r"\w+", c.sentence)) >= w.min_lead_words and not c.header


def _rerank_by_meaning(cands: list[_Candidate], similarity: Callable[[list[str]], Sequence[float]] | None,
                       w: Scoring, aside: Callable[[list[str]], Sequence[float]] | None = None) -> None:
    """Add the dense similarity of the best few sentences to the question (meaning, not only shared words).
    ``aside`` (the same similarity, not recorded for the gate) gives the best few before the place penalty their
    meaning too, kept apart from their score: ``_answered_elsewhere`` judges them on it."""
    if similarity is None or not cands:
        return
    head = cands[: w.dense_candidates]
    for c, sim in zip(head, similarity([c.raw for c in head]), strict=True):
        c.score += _meaning(sim, w)
    if aside is not None and any(c.place_penalty for c in cands):
        blind = sorted(cands, key=lambda c: -(c.score + c.place_penalty))[: w.dense_candidates]
        extra = [c for c in blind if c not in head]
        for c, sim in zip(extra, aside([c.raw for c in extra]) if extra else (), strict=True):
            c.meaning_aside = _meaning(sim, w)
    cands.sort(key=lambda c: -c.score)


def _meaning(sim: float, w: Scoring) -> float:
    if math.isnan(sim):
        return 0.0  # no stored vector for this unit (an index built before unit vectors)
    return w.dense * min(1.0, max(0.0, (float(sim) - w.dense_floor) / (w.dense_ceiling - w.dense_floor)))


def _near_duplicate(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) > 0.6


def _adds(c: _Candidate, chosen: list[_Candidate], query: Query, w: Scoring) -> bool:
    """A supporting statement must add to the lead: a focus term the chosen statements lack, the date, number
    or body the lead lacks, or the lead's own context (a neighbouring sentence of the same passage)."""
    have = set().union(*(x.terms for x in chosen))
    if coverage(query.focus, have | c.terms) > coverage(query.focus, have) + 1e-9:
        return True
    if c.typed and not any(x.typed for x in chosen):
        return True
    lead = chosen[0]
    return c.passage_rank == lead.passage_rank and abs(c.position - lead.position) <= w.neighbour_distance


# ---------------------------------------------------------------- composition

@dataclass
class Composition:
    text: str
    citations: list[Citation]
    # set when the best sentence is a document saying it does not know: (sentence, passage)
    not_documented: tuple[str, Passage] | None = None
    answer_span: str = ""
    notice: str = ""  # e.g. the source is older than three years
    refused: bool = False  # answered, but not what was asked (only past dates for "the next …")


@dataclass
class Ranking:
    """The candidate sentences of one question, scored and ordered once: the answerability gate judges its lead
    and the composer answers from it, so lead selection is one piece of code run once per question."""

    finder: SpanFinder
    candidates: list[_Candidate]  # best first, the lead first
    similarities: list[float]  # the dense similarities the meaning step saw


def rank(query: Query, passages: list[Passage], *, cues: Cues | None = None, glossary: Glossary | None = None,
         similarity: Callable[[list[str]], Sequence[float]] | None = None, scoring: Scoring = SCORING) -> Ranking:
    cues = cues or Cues.load()
    finder = SpanFinder.for_cues(cues, (glossary or Glossary()).areas)
    cands = _candidates(query, passages, finder, scoring)
    seen: list[float] = []
    if cands:
        cands.sort(key=lambda c: -c.score)

        def recording(sentences: list[str]) -> Sequence[float]:
            sims = list(similarity(sentences)) if similarity is not None else []
            seen.extend(float(s) for s in sims if not math.isnan(s))
            return sims

        _rerank_by_meaning(cands, recording if similarity is not None else None, scoring, similarity)
        stating = [c for c in cands if _states(c, scoring)]
        lead = stating[0] if stating else cands[0]
        if stating and query.places and _topic(query) and not _close(seen, scoring) \
                and _place_only(query, _passage_terms(passages[lead.passage_rank])):
            # The best sentence's passage shares only the place with the question: a sentence on what is asked
            # leads instead ("An wen kann ich mich mit Fragen zu Hellersdorf-Nord wenden?"). It holds the weightiest
            # asked-about term ("Soziale Dienste" is no answer about the "Gesamtindex Soziale Ungleichheit").
            main = _main_topic(query)
            lead = _instead(lead, stating, scoring,
                            lambda c: main.found_in(c.terms | _context_terms(passages[c.passage_rank])))
        if stating and _counts_other(query, lead.sentence, finder, glossary):
            # The lead's number counts another thing ("447 Planungsräume" for "Wie viele Handlungsräume …?"): a
            # sentence with a number of the asked thing leads instead
            lead = _instead(lead, stating, scoring, lambda c: finder.counts_asked(c.sentence, query, glossary))
        if stating and _measures_other(query, lead, passages, finder):
            # The lead's figure measures another thing ("31,8 % der Minderjährigen" for "Wie hoch ist die
            # Arbeitslosenquote?"): a sentence about the measured thing leads instead
            lead = _instead(lead, stating, scoring, lambda c: not _measures_other(query, c, passages, finder))
        if stating and query.answer_type == "organisation" and finder.refers_back(lead.sentence, query):
            # "Welches Büro …?" led by "Das Planungsbüro hat …", which only refers back to an office: a sentence
            # naming one leads instead (Planungsbüro „die raumplaner“)
            lead = _instead(lead, stating, scoring, lambda c: finder.strength("organisation", c.sentence, query) >= 1.0)
        if stating and _unquoted(query, lead, passages):
            # The question names a programme in quotation marks that the lead does not: one that does leads
            lead = _instead(lead, stating, scoring, lambda c: not _unquoted(query, c, passages))
        if stating and query.needs and missing_facts(query, cues, lead.sentence):
            # The question insists on a fact the lead lacks (a name for "Wer war 2018 Bildungssenatorin?", a price):
            # a sentence stating it leads instead, at the same time, from the lead's passage or with the weightiest
            # thing asked about, or "How much money does the KulturGut receive?" would lead with another programme's
            # budget and "Wer leitet das Bezirksamt?" with whoever signed a document
            main = _main_topic(query)
            first = lead
            lead = _instead(lead, stating, scoring, lambda c: not missing_facts(query, cues, c.sentence)
                            and not _dated_apart(query, c.sentence, finder)
                            and (main is None or c.passage_rank == first.passage_rank
                                 or main.found_in(c.terms | _passage_terms(passages[c.passage_rank]))))
        if not lead.not_documented:
            lead = _note_instead(query, lead, cands, passages, cues, scoring, glossary or Glossary())
        cands.remove(lead)
        cands.insert(0, lead)
    return Ranking(finder, cands, seen)


def _note_instead(query: Query, lead: _Candidate, cands: list[_Candidate], passages: list[Passage], cues: Cues,
                  w: Scoring, glossary: Glossary) -> _Candidate:
    """A document saying the asked fact is not documented ("wie der vierte Teilbereich heißt, ist nicht belegt")
    outranks a related sentence that holds less of the question: the honest answer is to say so. Only a note from a
    passage retrieved as high as the lead's ("Veröffentlichung: Datum nicht belegt" further down does not silence
    the Eckdaten that say when the Konzept was finished), not about another place, and holding only what it says is
    unknown: in "Veröffentlichung | Datum nicht belegt; die Konzepte … sind abrufbar" the clause after the note is
    known, and its words do not make the note about the question."""
    def terms(text: str) -> set[str]:
        # an abbreviation holds its long form: "die Bildung der OE SPK" is about the "Organisationseinheit"
        return content_terms(glossary.with_long_forms(text))

    def holds_more(c: _Candidate) -> bool:
        unknown = terms(_unknown_part(c.sentence, cues))
        # the note itself must name something asked about: under the heading "Die Kapitel eines GI-IHK", "Die
        # genaue Gliederung des amtlichen Leitfadens ist nicht bekannt" is no answer to "Welche Kapitel …?"
        return coverage(query.focus, unknown) > 0 \
            and coverage(query.focus, unknown | _context_terms(passages[c.passage_rank])) > own + 1e-9

    floor = w.not_documented_ratio * lead.score
    own = coverage(query.focus, terms(lead.sentence) | _context_terms(passages[lead.passage_rank]))
    return next((c for c in cands if c.not_documented and c.score >= floor and c.passage_rank <= lead.passage_rank
                 and c.place_penalty < w.wrong_scope and holds_more(c)), lead)


_REMARK = re.compile(r"\([^()]*\)")  # a remark in brackets ("(Beginn nicht belegt, spätestens 04.03.2022)")


def _without_notes(sentence: str, cues: Cues) -> str:
    """The sentence without the remarks in brackets that say something is not documented: such a remark qualifies
    the statement around it ("bis 27.03.2022 (Beginn nicht belegt)"), where a note in the sentence itself is what
    the sentence says ("Das Datum des dritten Termins … liegt uns nicht vor")."""
    return _REMARK.sub(lambda m: "" if says_not_documented(m.group(0), cues) else m.group(0), sentence)


def _unknown_part(sentence: str, cues: Cues, heading_words: int = 4) -> str:
    """A note up to the end of the clause that says something is not documented: what follows a semicolon after it
    is known ("Datum nicht belegt; die Konzepte sind inzwischen abrufbar"). A note that heads a list names the
    unknowns after it ("Was nicht bekannt ist; Datum des Beschlusses; …"): all of it counts."""
    found = cues.not_documented.search(sentence) if cues.not_documented else None
    end = sentence.find(";", found.end()) if found else -1
    if end < 0 or (";" not in sentence[:found.start()] and len(sentence[:end].split()) <= heading_words):
        return sentence
    return sentence[:end]


def _main_topic(query: Query) -> Concept | None:
    """The weightiest term the question asks about besides its places (``_topic``); None when there is none."""
    return max(_topic(query), key=lambda c: c.weight, default=None)


def _instead(lead: _Candidate, stating: list[_Candidate], w: Scoring,
             answers: Callable[[_Candidate], bool]) -> _Candidate:
    """The best candidate that ``answers`` where the lead does not: one not about another place that scores like a
    supporting statement would (``support_ratio`` of the lead); the lead itself when there is none."""
    floor = w.support_ratio * lead.score
    return next((c for c in stating if c.place_penalty < w.wrong_scope and c.score >= floor and answers(c)), lead)


def _dated_apart(query: Query, sentence: str, finder: SpanFinder) -> bool:
    """The sentence names times and all lie outside every time the question names, periods and bounds included
    ("Für 2021 bis 2024 standen 25 Mio. Euro bereit" for a question on 2025 bis 2027). Stricter than the lead's
    time check (``other_times``), which lets a bound or a period be answered by other years: a sentence that only
    takes the lead's place must not also change the time."""
    asked, named = finder.asked_dates(query.text), finder.dates(sentence)
    return bool(asked and named) and not overlap(named, asked)


def _passage_terms(p: Passage) -> set[str]:
    return content_terms(p.text) | content_terms(p.section) | content_terms(p.title)


def _close(seen: Sequence[float], w: Scoring) -> bool:
    """A candidate sentence means the question closely, whatever words it uses (see ``place_only_meaning``)."""
    return bool(seen) and _meaning(max(seen), w) >= w.dense * w.place_only_meaning


def compose(query: Query, passages: list[Passage], *, cues: Cues | None = None,
            glossary: Glossary | None = None, chapter_passages: list[Passage] | None = None,
            similarity: Callable[[list[str]], Sequence[float]] | None = None, today: date | None = None,
            scoring: Scoring = SCORING, ranking: Ranking | None = None) -> Composition:
    """The extractive answer: the lead statement, then up to two supporting statements in document order.
    ``ranking`` is the question's ranking when the gate already made it (see :func:`rank`)."""
    if chapter_passages:
        checklist = _checklist(chapter_passages, passages)
        if checklist:
            return Composition(*checklist)
    ranking = ranking or rank(query, passages, cues=cues, glossary=glossary, similarity=similarity,
                              scoring=scoring)
    finder, cands = ranking.finder, list(ranking.candidates)
    today = today or date.today()
    if not cands:
        return Composition("", [])
    lead = cands[0]
    # When the best sentence is the document saying the asked-for fact is not documented, that is the honest
    # answer (``rank`` puts a note first only where it holds more of the question than the best statement)
    if lead.not_documented:
        return Composition("", [], (lead.sentence, passages[lead.passage_rank]))
    # "Wann/Wo ist die nächste Sprechstunde?": an answer naming only dates that are over is no answer ("Wie hoch ist
    # die Arbeitslosigkeit aktuell?" is answered by the latest figure, whatever its date)
    if query.upcoming and (query.answer_type == "date" or (query.next_event and finder.dates(lead.sentence))):
        past = _only_past_dates(lead, cands if query.answer_type == "date" else [lead], finder, today, query.focus)
        if past:
            return _only_past_answer(query, lead, past, passages, glossary or Glossary())
    chosen = _supporting(query, lead, cands, scoring)
    return _render(query, [lead, *chosen], passages, finder, today, scoring, glossary)


@dataclass(frozen=True)
class LeadEvidence:
    """What the composer sees in its best candidates, without composing: the inputs of the answerability model
    (assistant/answerability.py). Scores are those of ``compose``'s lead selection."""

    sentence: str  # the lead candidate, as cleaned for the answer
    passage_rank: int  # position of its passage among the passages
    score: float  # its lead score (coverage, retrieval, answer type, meaning, minus scope penalties)
    runner_up: float  # the best score of another sentence (0 when there is none)
    coverage: float  # IDF-weighted share of the focus terms in the sentence itself
    passage_coverage: float  # … in its whole passage with section heading and title
    answer_type: float  # strength of the expected answer type in the sentence (0 when none is expected)
    scope_penalty: float  # about another area or year than the question names
    other_places: tuple[str, ...]  # the places the documents answer for when none of them is or holds an asked one
    # (statement, verbatim, passage rank) about that other place or time: what the documents do say
    elsewhere: tuple[str, str, int] | None
    # (the times asked about, the times it names) when the question asks about another time; empty tuples otherwise
    other_times: tuple[tuple[str, ...], tuple[str, ...]]
    similarity: float | None  # best dense similarity of a candidate sentence; None without the hook
    not_documented: bool  # the sentence is a document saying the fact is not documented
    # the lead's passage shares only the asked place with the question: of the other terms the corpus knows, none
    place_only: bool = False
    # names the question asks about ("KulturGut") that the lead's passage lacks, and names it puts in quotation
    # marks or after "Programm" that the lead, its heading and the sentence before lack
    unnamed: tuple[str, ...] = ()
    # (what the lead's numbers count, what the question counts): "drei Wege" for "Wie viele Menschen …?"
    counts_other: tuple[str, str] | None = None
    measures_other: str | None = None  # what a "wie hoch" question measures, when the lead's figure is of another


def lead_evidence(query: Query, passages: list[Passage], *, cues: Cues | None = None,
                  glossary: Glossary | None = None,
                  similarity: Callable[[list[str]], Sequence[float]] | None = None,
                  scoring: Scoring = SCORING, ranking: Ranking | None = None) -> LeadEvidence | None:
    """The lead candidate ``compose`` would choose, with the parts of its score; None without any candidate."""
    ranking = ranking or rank(query, passages, cues=cues, glossary=glossary, similarity=similarity,
                              scoring=scoring)
    finder, cands, seen = ranking.finder, ranking.candidates, ranking.similarities
    if not cands:
        return None
    lead = cands[0]
    p = passages[lead.passage_rank]
    context = _passage_terms(p)
    strength = finder.strength(query.answer_type, lead.sentence, query) if query.answer_type else 0.0
    other_places, about = _answered_elsewhere(query, passages, lead, cands, finder, scoring) \
        if query.places else ((), None)
    times = other_times(query, lead.sentence, finder, p)
    if about is None and times[1]:
        about = lead
    close = _close(seen, scoring)
    return LeadEvidence(
        sentence=lead.sentence, passage_rank=lead.passage_rank, score=lead.score,
        runner_up=max((c.score for c in cands if c.sentence != lead.sentence), default=0.0),
        coverage=coverage(query.focus, lead.terms), passage_coverage=coverage(query.focus, context),
        answer_type=strength, scope_penalty=scope_penalty(lead.sentence, p, query, finder, scoring,
                                                   finder.days_named(query.text)),
        similarity=max(seen) if seen else None, not_documented=lead.not_documented,
        other_places=other_places, other_times=times,
        elsewhere=(about.sentence, about.raw, about.passage_rank) if about is not None else None,
        place_only=_place_only(query, context) and not close,
        # a name asked about may stand just before the lead's passage (the item heading "Stadtteilhaus am
        # Barnimplatz" ends the chunk before the cost sentence): retrieved passages of the same section count
        unnamed=() if close else tuple(dict.fromkeys([*_unnamed(query, set().union(*(
            _passage_terms(q) for q in passages if q.doc == p.doc and q.section == p.section))),
            *_unquoted(query, lead, passages)])),
        counts_other=_counts_other(query, lead.sentence, finder, glossary),
        measures_other=_measures_other(query, lead, passages, finder),
    )


def _counts_other(query: Query, sentence: str, finder: SpanFinder,
                  glossary: Glossary | None) -> tuple[str, str] | None:
    """(what the lead's numbers count, what the question counts) when those differ (``SpanFinder.counts_other``)."""
    return finder.counts_other(sentence, query, glossary) if query.answer_type == "number" else None


def _measures_other(query: Query, c: _Candidate, passages: list[Passage], finder: SpanFinder) -> str | None:
    """The thing a "wie hoch / wie viel" question measures (``SpanFinder.measured_noun``), as written, when the
    candidate, its heading and title and the sentence before it do not name it (also not as part of a compound, a
    long form or a synonym): its figure measures something else. None otherwise."""
    if query.answer_type != "number":
        return None
    noun = finder.measured_noun(query.question) or finder.measured_noun(query.text)
    terms = set(content_terms(noun)) if noun else set()
    concept = next((x for x in query.focus if x.term in terms), None)
    if concept is None:
        return None  # a stop word or a word the question's focus dropped: nothing to check
    return None if _part_of(concept, _near_terms(c, passages)) else noun


def _unquoted(query: Query, c: _Candidate, passages: list[Passage]) -> tuple[str, ...]:
    """The names the question puts in quotation marks that the candidate, its heading and the sentence before do
    not name ("Förderquote im Programm „Soziale Infrastrukturmaßnahmen“" and a sentence on another programme)."""
    if not query.quoted:
        return ()
    near = _near_terms(c, passages)
    return tuple(name for name, term in query.quoted if term not in near)


def _near_terms(c: _Candidate, passages: list[Passage]) -> set[str]:
    """The terms of a candidate, its passage's heading, title and areas, and the sentence before it."""
    return c.terms | _context_terms(passages[c.passage_rank]) | c.before


def _unnamed(query: Query, passage_terms: set[str]) -> tuple[str, ...]:
    """The names the question asks about ("Wie viel Geld erhält das KulturGut?") that the lead's passage (text,
    heading, title) does not name, not even by a long form or synonym: it is about something else."""
    by_term = {c.term: c for c in query.focus}
    return tuple(name for name, term in query.names if term in by_term and not by_term[term].found_in(passage_terms))


def _place_only(query: Query, passage_terms: set[str]) -> bool:
    """The question names a place, and the lead's passage (text, heading, title) holds none of its other terms
    that the corpus knows ("Welche Kitas gibt es im Gelben Viertel?" and a passage on the Gelbes Viertel without
    any Kita): whatever the passage says about the place, it is not what is asked. Terms no document uses say
    nothing either way (colloquial words); an English question matches few German terms at all. (A sentence
    that means the question closely lifts it: see ``Scoring.place_only_meaning``.)"""
    if not query.places or query.english:
        return False
    topic = _topic(query)
    if not topic:
        # nothing but unknown words besides the place: a thing no document names ("spielplätze in marzahn nord")
        # is not asked about in filler words; a long unknown word is such a thing (short ones are fillers)
        return any(len(t) >= UNKNOWN_THING_CHARS for t in query.unknown if t not in _place_terms(query))
    return not any(_part_of(c, passage_terms) for c in topic)


def _part_of(c: Concept, terms: set[str]) -> bool:
    """``c`` is found in ``terms``, or opens or ends one of them: a passage on the "Handlungskonzept" and its
    "Fertigstellung" is about when the "Konzept" was "fertig". Looser than lead scoring (where such matches let near
    misses through), because it only decides whether to refuse; short stems ("arm" in "Armee") never match."""
    if c.found_in(terms):
        return True
    if len(c.term) < PART_MIN_CHARS:
        return False
    # the rest must be a word part too: "Schulden" is no compound of "Schule"
    return any(len(t) - len(c.term) >= PART_REST_MIN_CHARS and (t.startswith(c.term) or t.endswith(c.term))
               for t in terms)



def _place_terms(query: Query) -> set[str]:
    """The terms of the places the question names ("Marzahn-Nord": marzahn, nord, marzahnnord)."""
    return content_terms(" ".join(query.places))


def _topic(query: Query) -> list[Concept]:
    """The question's focus terms that the corpus knows, besides the places it names."""
    place_terms = _place_terms(query)
    return [c for c in query.focus if c.term not in place_terms and c.term not in query.unknown
            and not (c.alternatives and c.alternatives <= place_terms)]


def _answered_elsewhere(query: Query, passages: list[Passage], lead: _Candidate, cands: list[_Candidate],
                        finder: SpanFinder, w: Scoring) -> tuple[tuple[str, ...], _Candidate | None]:
    """The other places the documents answer the question for, when they do not answer it for the asked one:
    the lead is about another place, or the lead names none of the asked places (nor an area inside one) while
    the best sentence without the place penalty is about another place ("Arbeitslosigkeit in Spandau?": the
    documents only give the figure for Marzahn-Hellersdorf). Returns those places and the statement about them;
    ((), None) when the question is answered for its place."""
    figure = query.answer_type == "number"
    relation, where = place_scope(lead.sentence, passages[lead.passage_rank], query.places, finder, figure)
    if relation is Relation.OTHER or (wider_figure(relation, query, where, finder.places) and lead.typed):
        return tuple(where), lead
    blind = max((c for c in cands if _states(c, w)), key=lambda c: c.score + c.place_penalty + c.meaning_aside,
                default=None)
    if blind is None or blind is lead:
        return (), None
    # what the question asks about the place: its focus terms that are not the place's own name
    place_terms = _place_terms(query)
    topic = [c for c in query.focus if c.term not in place_terms]

    def held(c: _Candidate) -> float:  # as the lead score counts it
        return _held(topic, c.terms, _context_terms(passages[c.passage_rank]), w)

    if relation in (Relation.SAME, Relation.INSIDE) and held(lead) >= w.place_topic_share * held(blind):
        return (), None  # the lead is about the place and about what is asked
    relation, where = place_scope(blind.sentence, passages[blind.passage_rank], query.places, finder, figure)
    # … or about the place around it, for a figure ("Arbeitslosigkeit in Hellersdorf?": the documents give the
    # district's rate; the Ortsteil's population, which the table also holds, is no answer)
    elsewhere = relation is Relation.OTHER or (wider_figure(relation, query, where, finder.places) and blind.typed)
    return (tuple(where), blind) if elsewhere else ((), None)


def _supporting(query: Query, lead: _Candidate, cands: list[_Candidate], w: Scoring) -> list[_Candidate]:
    limit, budget = w.max_support[query.audience], w.max_chars[query.audience]
    chosen = [lead]
    length = len(lead.sentence)
    if lead.sentence.rstrip().endswith(":"):
        # a lead that announces what follows ("… aus Sozialdaten dreier Fachbereiche abgeleitet:") is followed by
        # it: the next statements of its passage (a table's header row is no statement), whatever they score
        after = sorted((c for c in cands if c.passage_rank == lead.passage_rank and c.position > lead.position
                        and _states(c, w)), key=lambda c: c.position)
        for c in after[:limit]:
            if length + len(c.sentence) > budget:
                break
            chosen.append(c)
            length += len(c.sentence)
        return chosen[1:]
    for c in cands[1:]:
        if len(chosen) > limit or c.score < max(w.support_floor, w.support_ratio * lead.score):
            break
        if any(_near_duplicate(c.terms, x.terms) or c.sentence == x.sentence for x in chosen) \
                or c.not_documented or not _states(c, w) or c.place_penalty >= w.wrong_scope \
                or (points_back(c.sentence) and not _follows(c, lead)):
            # "… is not known" supports no answer, nor does a label, a table's header row, a sentence about
            # another place than the asked one, or one that points back to a sentence the answer does not show
            continue
        if length + len(c.sentence) > budget or not _adds(c, chosen, query, w):
            continue
        chosen.append(c)
        length += len(c.sentence)
    return sorted(chosen[1:], key=lambda c: (c.passage_rank, c.position))


def _follows(c: _Candidate, lead: _Candidate) -> bool:
    """``c`` is the statement right after the lead in the same passage."""
    return c.passage_rank == lead.passage_rank and c.position == lead.position + 1


def _render(query: Query, ordered: list[_Candidate], passages: list[Passage], finder: SpanFinder, today: date,
            w: Scoring, glossary: Glossary | None = None) -> Composition:
    numbers: dict[int, int] = {}
    highlights: dict[int, list[str]] = {}
    parts: list[str] = []
    span = ""
    explained: set[str] = set()
    for i, c in enumerate(ordered):
        n = numbers.setdefault(c.passage_rank, len(numbers) + 1)
        highlights.setdefault(c.passage_rank, []).append(c.raw)  # verbatim, to mark it in the quote
        sentence = row_as_prose(c.sentence)
        # a list item keeps its separator in the document ("… des Bezirksamts;"): the answer ends it as a sentence,
        # and starts it as one ("die Koordination übernimmt …"; not a name written in lower case: "mein.berlin.de")
        sentence = re.sub(r"\s*[;,]$", "", sentence)
        # short list items read as one unit are joined by ";" – after an item that ends as a sentence, a space does
        sentence = re.sub(r"([.!?])\s*;\s+", r"\1 ", sentence)
        if re.match(r"[a-zäöü]+\s", sentence):
            sentence = sentence[0].upper() + sentence[1:]
        # a closing quote or bracket ends a sentence only when what it closes does („… gemacht.“), not after a name
        sentence = sentence if re.search(r"[.!?:…][“”\"«»‘’)]?$", sentence) else sentence + "."
        if query.audience == "citizen" and glossary is not None:
            sentence = glossary.explain(sentence, explained)  # the quote in the sources stays verbatim
        if i == 0:
            # a question insisting on a name marks the name, not the office next to it ("Senatorinnen")
            found = (finder.person(sentence, query) if PERSON_FACT in query.needs else None) \
                or finder.span(query.answer_type, sentence, query)
            if found:
                start, end = found
                span = sentence[start:end]
                sentence = f"{sentence[:start]}**{span}**{sentence[end:]}"
            # past events read as past: a framing prefix, the quoted sentence itself stays as written
            past = _announced_past(c.sentence, passages[c.passage_rank], finder, today)
            if past:
                sentence = f"Bereits vergangen, fand am {', '.join(past)} statt: {sentence}"
        parts.append(f"{sentence} [{n}]")
    citations = [Citation.from_passage(n, passages[rank], highlights[rank]) for rank, n in numbers.items()]
    joiner = "\n\n" if query.audience == "citizen" else " "
    lead_passage = passages[ordered[0].passage_rank]
    notices = [absent_words(query.absent, answered=True)]
    if older_than(lead_passage.stand, w.stale_years, today, finder) \
            and not _asks_about_then(query, lead_passage.stand, finder):
        notices.append(f"Die Quelle „{lead_passage.title}“ hat den Stand {lead_passage.stand} und ist damit älter "
                       f"als {w.stale_years} Jahre.")
    return Composition(joiner.join(parts), citations, answer_span=span, notice=" ".join(n for n in notices if n))


def _asks_about_then(query: Query, stand: str, finder: SpanFinder) -> bool:
    """The question asks about a time no later than the source's Stand ("Wer war 2018 Senatorin?" and a source of
    2018): that the source is old says nothing against the answer."""
    dated = finder.dates(stand)
    return bool(query.years and dated) and max(int(y) for y in query.years) <= max(hi.year for _, hi, _ in dated)


def _announced_past(sentence: str, p: Passage, finder: SpanFinder, today: date) -> list[str]:
    """Day-exact dates of a sentence that announced an event (the date lies after the document's Stand, and the
    sentence does not already speak in the past tense) which is over by today. A chronicle row
    ("30.10.2018: Senatsbeschluss …") written after the fact needs no such framing."""
    past = past_dates(sentence, finder, today)
    if not past or finder.speaks_of_past(sentence) or finder.states_a_figure(sentence) \
            or any(sentence.lstrip().startswith(d) for d in past):
        return []
    stand = finder.dates(p.stand or "")
    if stand and all(lo < min(s[0] for s in stand) for lo, _, written in finder.dates(sentence) if written in past):
        return []
    return past


def _only_past_dates(lead: _Candidate, cands: list[_Candidate], finder: SpanFinder, today: date,
                     focus: Sequence[Concept] = ()) -> list[str]:
    """For "Wann ist die nächste …?": the dates of the relevant dated sentences, if every one lies in the past.
    Relevant: close to the lead in score and about what the lead is about (the question's terms the lead holds):
    the end of another programme in 2027 is no next "Stadtteildialog"."""
    held = [c for c in focus if c.found_in(lead.terms)]
    dated = [c for c in cands[:5] if c.typed and c.score >= SCORING.support_ratio * lead.score
             and all(h.found_in(c.terms) for h in held)] or [lead]
    found: dict[str, date] = {}
    for c in dated:
        dates = finder.dates(c.sentence)
        if not dates:
            continue
        if any(hi >= today for _, hi, _ in dates):
            return []
        for lo, _, text in dates:
            found.setdefault(text, lo)
    # in calendar order, the latest ones when there are many (the question is about the next one)
    return sorted(found, key=found.__getitem__)[-MAX_LISTED_DATES:]


def _only_past_answer(query: Query, lead: _Candidate, past: list[str], passages: list[Passage],
                      glossary: Glossary) -> Composition:
    p = passages[lead.passage_rank]
    text = f"{ONLY_PAST} ({', '.join(past)}): „{row_as_prose(lead.sentence).rstrip('.')}.“ [1]"
    contact = _contact_for(query, glossary.contacts)
    if contact:
        text += (f"\n\nNach aktuellen Terminen fragen Sie am besten bei: {contact.name}"
                 + (f" ({contact.purpose})." if contact.purpose else "."))
    return Composition(text, [Citation.from_passage(1, p, [lead.raw])], answer_span="", refused=True)


def _contact_for(query: Query, contacts: Sequence[Contact]) -> Contact | None:
    """The contact whose name or purpose shares most words with the question; the first one otherwise."""
    if not contacts:
        return None
    asked = content_terms(query.text)
    scored = [(len(asked & content_terms(f"{c.name} {c.purpose}")), -i, c) for i, c in enumerate(contacts)]
    return max(scored, key=lambda x: x[:2])[2]


# ---------------------------------------------------------------- staff checklist

def checklist_section(query: Query, passages: list[Passage]) -> tuple[str, str] | None:
    """The guideline chapter a "how do I write …" question is about: the one it names (for anyone but citizens,
    whose short answers hold no checklist), else, for staff, the best guideline section among the top passages
    (the chapter whose heading shares most words with the question)."""
    if query.audience == "citizen" or query.answer_type != "checklist":
        return None
    if query.chapter:
        return query.chapter
    if query.audience != "staff":
        return None
    guides = [p for p in passages[:5] if p.type == GUIDELINE_TYPE and p.section]
    if not guides:
        return None
    asked = content_terms(query.text)
    guide = max(guides, key=lambda p: (len(asked & content_terms(p.section.split(" > ")[-1])), -guides.index(p)))
    return guide.doc, guide.section


def _checklist(section: list[Passage], passages: list[Passage]) -> tuple[str, list[Citation]] | None:
    """Staff asking how to write a chapter: the guideline section's requirements as a cited checklist.
    ``section`` holds all passages of that chapter in document order (from ``Retriever.section_passages``)."""
    items: list[tuple[str, int]] = []  # (item, index into section)
    seen: set[str] = set()
    for i, p in enumerate(section):
        previous_was_row = False
        for line in p.text.split("\n"):
            line = line.strip()
            is_row = " | " in line
            table_header = is_row and not previous_was_row  # a table's first row names its columns
            previous_was_row = is_row
            is_item = line.startswith(("•", "-", "▪")) or line.startswith(("Inhalt", "Gliederungsvorschlag",
                                                                          "Mögliche Datenquellen"))
            if not (is_item or is_row) or table_header:
                continue
            item = re.sub(r"^[•▪-]\s*", "", line)
            item = re.sub(r"\s*Tipps \[Praxis\]:\s*$", "", item)
            key = item.lower()
            if len(item) < 15 or key in seen:
                continue
            seen.add(key)
            items.append((item, i))
    if len(items) < 2:
        return None
    heading = section[0].section.split(" > ")[-1]
    scores = {p.id: p.score for p in passages}
    numbers: dict[int, int] = {}
    highlights: dict[int, list[str]] = {}
    lines = [f"Laut Leitfaden gehört in das Kapitel „{heading}“ Folgendes:"]
    for item, i in items[:16]:
        n = numbers.setdefault(i, len(numbers) + 1)
        highlights.setdefault(i, []).append(item)
        lines.append(f"- [ ] {item} [{n}]")
    lines.append(f"\n{LEGEND}")
    citations = []
    for i, n in numbers.items():
        p = section[i]
        p.score = scores.get(p.id, 0.0)
        citations.append(Citation.from_passage(n, p, highlights[i]))
    return "\n".join(lines), citations


# ---------------------------------------------------------------- refusal

@dataclass(frozen=True)
class RefusalReason:
    text: str  # one sentence for the user ("" when there is nothing more to say)
    # (statement, verbatim, passage rank): what the documents say instead, quoted as [1]
    quote: tuple[str, str, int] | None = None


def refusal_reason(query: Query, evidence: LeadEvidence | None, cues: Cues) -> RefusalReason | None:
    """Why the documents do not answer although the gate let the question pass, as a sentence for the user ("" when
    there is nothing more to say); None when nothing speaks against the lead. The lead is about another place or
    year than asked, it lacks a fact the question insists on (a price, opening hours, a name: ``required_facts``
    in cues.yaml) or the kind of answer the question word requires (``required_types``: a "wie viele" question
    is not answered by a sentence without a number, nor by one whose number counts another thing), its passage
    shares only the place with the question
    (``place_only``), or it lacks a name the question asks about (``unnamed``). The more specific reason wins."""
    if evidence is None:  # no candidate sentence at all: only a fact the question insists on can be named
        return RefusalReason(cues.fact_missing.get(query.needs[0], "")) if query.needs else None
    if evidence.other_places and query.places:
        return RefusalReason(f"{CLOSEST_PLACE} {_joined(evidence.other_places)}, nicht {_joined(query.places)}.",
                             evidence.elsewhere)
    asked, named = evidence.other_times
    if named and asked:
        return RefusalReason(f"{CLOSEST_TIME} ({_joined(named)}) als gefragt ({_joined(asked)}).", evidence.elsewhere)
    unstated = missing_facts(query, cues, evidence.sentence)
    if unstated:
        return RefusalReason(cues.fact_missing.get(unstated[0], ""))
    if query.answer_type in cues.required_types and evidence.answer_type <= 0:
        return RefusalReason(cues.required_types[query.answer_type])
    if evidence.place_only:
        if not _topic(query) and query.absent:  # nothing asked but what no document names: say that
            return RefusalReason(absent_words(query.absent, answered=False))
        places = _joined([f"„{place}“" for place in query.places])
        return RefusalReason(f"Zu {places} finden sich Angaben, aber keine zu dem, wonach gefragt ist.")
    if evidence.counts_other:
        counted, asked = evidence.counts_other
        return RefusalReason(f"Die nächstliegende Zahl bezieht sich auf „{counted}“, nicht auf „{asked}“.")
    if evidence.measures_other:
        return RefusalReason(f"Die nächstliegende Zahl betrifft nicht „{evidence.measures_other}“.")
    if evidence.unnamed:
        quoted = _joined([f"„{name}“" for name in evidence.unnamed])
        return RefusalReason(f"Die nächstliegende Angabe betrifft nicht {quoted}.")
    return None


def refusal_text(glossary: Glossary, passages: list[Passage], query: Query,
                 note: tuple[str, Passage] | None = None,
                 reason: RefusalReason | None = None) -> tuple[str, list[Citation]]:
    """The honest "not in the documents" answer: where to ask (the contact whose purpose fits the question best),
    and the closest documents. ``note`` is a sentence in which a document itself says the information is not
    documented; it is quoted as [1]. ``reason``: why the closest statement is no answer (``refusal_reason``), with
    that statement quoted as [1] when it is about another place or time (what the documents do say). Citizens,
    often on a phone, get no list of further contacts and no list of the closest documents in the text: the
    sources below the answer name those."""
    audience = query.audience
    contact = _contact_for(query, glossary.contacts)
    lines = [REFUSAL]
    citations: list[Citation] = []
    if reason and reason.text:
        if reason.quote and not note:
            sentence, raw, rank = reason.quote
            lines[0] += f" {reason.text.rstrip('.')}: „{row_as_prose(sentence).rstrip('.')}.“ [1]"
            citations.append(Citation.from_passage(1, passages[rank], [raw]))
        else:
            lines[0] += f" {reason.text}"
    if note:
        sentence, passage = note
        lines[0] += f" Die Unterlagen vermerken dazu ausdrücklich: „{row_as_prose(sentence).rstrip('.')}.“ [1]"
        citations.append(Citation.from_passage(1, passage, [sentence]))
    if contact is not None:
        lines.append(f"Fragen Sie am besten bei dieser Stelle nach: {contact.name}"
                     + (f" ({contact.purpose})." if contact.purpose else "."))
        if audience != "citizen" and len(glossary.contacts) > 1:
            lines.append(f"Weitere Ansprechstellen laut Unterlagen: {_others(contact, glossary.contacts)}.")
    seen: set[str] = {c.doc for c in citations}
    for p in passages:
        if p.doc in seen:
            continue
        seen.add(p.doc)
        citations.append(Citation.from_passage(len(citations) + 1, p))
        if len(citations) >= CLOSEST_DOCUMENTS[audience == "citizen"]:
            break
    if citations and audience != "citizen":
        lines.append("Am nächsten kommen diese Dokumente: " + "; ".join(f"„{c.title}“" for c in citations) + ".")
    return "\n\n".join(lines), citations


def contact_answer(query: Query, glossary: Glossary, named_in: Callable[[str], Passage | None]) -> Composition | None:
    """"An wen kann ich mich wenden?" with nothing else asked, where the documents name no one for it: the contact
    whose purpose fits (corpus/glossary.yaml) is the answer, not a refusal's afterthought. ``named_in`` finds a
    passage that names the contact; it is cited, and without one the answer is marked as refused (no document says
    it). None without contacts or for a question that asks more."""
    contact = _contact_for(query, glossary.contacts) if query.asks_contact else None
    if contact is None:
        return None
    source = named_in(contact.name)
    mark = " [1]" if source is not None else ""
    lines = [f"{CONTACT_ANSWER} für {contact.purpose}: {contact.name}.{mark}" if contact.purpose
             else f"{CONTACT_ANSWER}: {contact.name}.{mark}"]
    if query.audience != "citizen" and len(glossary.contacts) > 1:
        lines.append(f"Weitere Ansprechstellen: {_others(contact, glossary.contacts)}.")
    citations = [Citation.from_passage(1, source, [contact.name])] if source is not None else []
    return Composition("\n\n".join(lines), citations, answer_span=contact.name, refused=source is None)


def _others(contact: Contact, contacts: Sequence[Contact]) -> str:
    """The names of the contacts besides ``contact``, for a line listing them."""
    return "; ".join(x.name for x in contacts if x is not contact)


def _joined(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} und {names[-1]}"
