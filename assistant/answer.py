"""Answers without an LLM: pick the sentences of the retrieved passages that answer the question, cite each,
or refuse honestly when the passages do not carry the answer.

Style by audience: ``staff`` (Verwaltung) gets more sentences and, for "how do I write chapter X" questions, the
guideline's requirements as a checklist; ``citizen`` (Bürgerinnen und Bürger) gets at most three short sentences
without the guideline's [GI]/[Praxis] tags; ``general`` sits in between.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from assistant.citations import LEGEND, Citation, content_terms, sentences
from assistant.documents import RECONSTRUCTION_MARK
from assistant.errors import UserFacingError
from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex
from assistant.retrieval import Passage

REFUSAL = "Dazu steht in den vorliegenden Unterlagen nichts."
AUDIENCES = {
    "general": "general", "allgemein": "general", "alle": "general",
    "staff": "staff", "verwaltung": "staff",
    "citizen": "citizen", "bürgerinnen und bürger": "citizen", "buergerinnen und buerger": "citizen",
    "bürger": "citizen", "citizens": "citizen",
}
MAX_SENTENCES = {"staff": 5, "general": 4, "citizen": 3}
_HOWTO = re.compile(
    r"(wie|was)\b.{0,60}\b(schreib|verfass|erstell|formulier|aufbau|gliedern|gehört|gehoert|hinein|rein\b|"
    r"enthalten|beachten|ausfüll|muss.{0,20}(in|im))|kapitel|abschnitt|steckbrief|checkliste|how (do|should) i write",
    re.I,
)
_FOLLOWUP_START = re.compile(r"^\s*(und|aber|and|what about|und was ist mit|was ist mit|wie ist es (mit|in)|"
                             r"auch|dort|da)\b", re.I)
_TAGS = re.compile(r"\s*\[(GI|Praxis|GI-Umfeld)\]\s*")
# Sentences in which a document says that it does not know something ("Datum nicht belegt", "lag nicht vor").
_NOT_DOCUMENTED = re.compile(
    r"nicht (belegt|bekannt|genannt|benannt|aufgeführt|ermittelt|veröffentlicht|beschrieben)|"
    r"nicht in den ausgewerteten Quellen|(lag|lagen|liegen|liegt) (uns )?(hier )?nicht vor|"
    r"geht aus .{0,60} nicht (eindeutig )?hervor|ließ sich .{0,80} nicht ermitteln|nicht ermitteln|"
    r"ist öffentlich nicht bekannt|sind in den ausgewerteten Quellen \*?\*?nicht",
    re.I,
)


def says_not_documented(sentence: str) -> bool:
    return bool(_NOT_DOCUMENTED.search(sentence))


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

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [c.to_dict() for c in self.citations]
        return data


# ---------------------------------------------------------------- follow-ups

def user_turns(history: list | None) -> list[str]:
    """Earlier user questions from a history given as [{"role", "content"}] or [[user, assistant], …]."""
    out: list[str] = []
    for turn in history or []:
        if isinstance(turn, dict):
            if turn.get("role") == "user" and isinstance(turn.get("content"), str):
                out.append(turn["content"])
        elif isinstance(turn, list | tuple) and turn and isinstance(turn[0], str):
            out.append(turn[0])
    return out


def rewrite_followup(question: str, history: list | None, glossary: Glossary) -> str:
    """Make a follow-up self-contained: "Und in Marzahn-Nord?" after a question about Hellersdorf-Nord becomes
    that question with the area swapped; other short follow-ups are searched together with the last question."""
    previous = user_turns(history)
    if not previous:
        return question
    last = previous[-1]
    words = re.findall(r"\w+", question)
    is_followup = bool(_FOLLOWUP_START.match(question)) or len(words) <= 4
    if not is_followup:
        return question
    new_areas, old_areas = glossary.areas_in(question), glossary.areas_in(last)
    if new_areas and old_areas and set(new_areas) != set(old_areas):
        rewritten = last
        for old in old_areas:
            rewritten = re.sub(re.escape(old), new_areas[0], rewritten, flags=re.I)
        return rewritten
    rest = _FOLLOWUP_START.sub("", question).strip(" ?.!")
    return f"{last} {rest}".strip()


# ---------------------------------------------------------------- extractive composer

@dataclass
class _Candidate:
    sentence: str
    passage_rank: int
    position: int
    score: float
    terms: set[str]


def _clean(sentence: str, audience: str) -> str:
    s = re.sub(r"^[•▪*–-]\s*", "", sentence.strip())
    s = re.sub(r"\s{2,}", " ", s)
    if audience == "citizen":
        s = _TAGS.sub(" ", s).strip()
    return s


@dataclass(frozen=True)
class Concept:
    """One thing the question asks about: a term, with the terms that may stand for it (an abbreviation's long
    form, a glossary synonym). ``need`` of the alternatives must occur for them to count."""

    term: str
    weight: float
    alternatives: frozenset[str] = frozenset()
    need: int = 1

    def found_in(self, terms: set[str]) -> bool:
        return self.term in terms or (bool(self.alternatives) and len(self.alternatives & terms) >= self.need)


_EN_STOP = frozenset(
    "the a an is are was were what when where who which how many much does do did of in on for to and or with "
    "by at from this that there their it its be can i you we".split()
)


def is_english(question: str) -> bool:
    words = re.findall(r"[a-zäöüß]+", question.lower())
    return bool(words) and sum(w in _EN_STOP for w in words) / len(words) >= 0.3


def concepts(question: str, lexical: LexicalIndex, glossary: Glossary) -> list[Concept]:
    from assistant.lexical import stem

    out: dict[str, Concept] = {}
    # A term the corpus does not have at all is strong evidence that the question asks about something the
    # documents do not cover ("Budget", "Gehweg"), so it weighs twice the rarest known term.
    unknown = 2.0 * lexical.idf("\x00")
    for t in lexical.query_terms(question):
        out.setdefault(t, Concept(t, lexical.idf(t) if t in lexical.df else unknown))
    for short, long in glossary.abbreviations.items():
        key = stem(short.replace(" ", ""))
        if key in out:
            alts = frozenset(lexical.analyzer.terms(long))
            out[key] = Concept(key, out[key].weight, alts, need=max(1, (len(alts) + 1) // 2))
    for word, alternatives in glossary.synonyms.items():
        key = stem(word)
        if key in out:
            alts = frozenset(t for a in alternatives for t in lexical.analyzer.terms(a))
            c = out[key]
            out[key] = Concept(key, c.weight, c.alternatives | alts, need=1)
    return list(out.values())


def coverage(cs: list[Concept], terms: set[str]) -> float:
    total = sum(c.weight for c in cs)
    return 0.0 if total <= 0 else sum(c.weight for c in cs if c.found_in(terms)) / total


def confidence(question: str, cs: list[Concept], passages: list[Passage]) -> float:
    """How well the best passages carry the question: the share of the question's concepts (IDF-weighted)
    found in the best single sentence of the top passages, blended with the top dense similarity (rescaled:
    e5 similarities of unrelated German texts sit around 0.75, close paraphrases above 0.9). For English
    questions only the (multilingual) dense side can judge."""
    if not passages:
        return 0.0
    dense = max(p.dense_sim for p in passages[:3])
    if is_english(question):
        # cross-lingual similarities run lower than German-German ones
        return min(1.0, max(0.0, (dense - 0.75) / (0.85 - 0.75)))
    dense_part = min(1.0, max(0.0, (dense - 0.78) / (0.92 - 0.78)))
    best = 0.0
    for p in passages[:3]:
        context = content_terms(p.section) | content_terms(p.title)
        for s in sentences(p.text):
            best = max(best, coverage(cs, content_terms(s) | context))
    return 0.6 * best + 0.4 * dense_part if dense else best


def _title_like(sentence: str, p: Passage) -> bool:
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


def _candidates(cs: list[Concept], passages: list[Passage], audience: str) -> list[_Candidate]:
    top = passages[0].score if passages else 1.0
    out: list[_Candidate] = []
    for rank, p in enumerate(passages):
        heading = p.section.split(" > ")[-1] if p.section else ""
        # Terms of the section heading and title count partly: "Wann …?" finds the row in "Zeitplan".
        head_terms = content_terms(heading)
        title_terms = content_terms(p.title) | set(t for a in p.areas for t in content_terms(a))
        # The reconstruction notice is shown as a badge with every citation; it never answers a question.
        body = "\n".join(line for line in p.text.split("\n") if not RECONSTRUCTION_MARK.search(line))
        for pos, raw in enumerate(sentences(body)):
            s = _clean(raw, audience)
            if len(s) < 12 or (s.endswith(":") and len(s) < 60) or "http" in s or _title_like(s, p):
                continue
            terms = content_terms(s)
            if not terms:
                continue
            cov = coverage(cs, terms)
            cov += 0.6 * (coverage(cs, terms | head_terms | title_terms) - cov)
            length_penalty = 0.1 if len(s) > 400 else 0.0
            score = cov + 0.25 * (p.score / top) - length_penalty
            out.append(_Candidate(s, rank, pos, score, terms))
    return out


def _as_prose(sentence: str) -> str:
    """A table row reads as "Vor Ort: mobile Sprechstunde …; …" in an answer (the quote keeps the row)."""
    cells = [c.strip() for c in sentence.split(" | ") if c.strip()]
    if len(cells) < 2:
        return sentence
    return f"{cells[0]}: " + "; ".join(cells[1:])


def _near_duplicate(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) > 0.6


@dataclass
class Composition:
    text: str
    citations: list[Citation]
    # set when the best sentence is a document saying it does not know: (sentence, passage)
    not_documented: tuple[str, Passage] | None = None


def compose(question: str, cs: list[Concept], passages: list[Passage], audience: str = "general",
            chunks: dict[str, dict] | None = None) -> Composition:
    """The extractive answer: a direct first sentence, then the most relevant others, each with [n]."""
    if audience == "staff" and chunks is not None and _HOWTO.search(question):
        checklist = _checklist(question, passages, chunks)
        if checklist:
            return Composition(*checklist)
    cands = _candidates(cs, passages, audience)
    if not cands:
        return Composition("", [])
    cands.sort(key=lambda c: -c.score)
    best = cands[0]
    # When the best sentence is the document saying the asked-for fact is not documented, that is the honest
    # answer. (Measured on evals/dev.jsonl: looking beyond the best sentence refuses answerable questions.)
    if says_not_documented(best.sentence):
        return Composition("", [], (best.sentence, passages[best.passage_rank]))
    chosen = [best]
    limit = MAX_SENTENCES[audience]
    for c in cands[1:]:
        if len(chosen) >= limit:
            break
        if c.score < max(0.25, 0.55 * best.score):
            break
        if any(_near_duplicate(c.terms, x.terms) or c.sentence == x.sentence for x in chosen):
            continue
        chosen.append(c)
    rest = sorted(chosen[1:], key=lambda c: (c.passage_rank, c.position))
    ordered = [best, *rest]

    numbers: dict[int, int] = {}
    highlights: dict[int, list[str]] = {}
    parts: list[str] = []
    for c in ordered:
        n = numbers.setdefault(c.passage_rank, len(numbers) + 1)
        highlights.setdefault(c.passage_rank, []).append(c.sentence)  # verbatim, to mark it in the quote
        sentence = _as_prose(c.sentence)
        sentence = sentence if sentence.endswith((".", "!", "?", ":", ")", "“")) else sentence + "."
        parts.append(f"{sentence} [{n}]")
    citations = [Citation.from_passage(n, passages[rank], highlights[rank]) for rank, n in numbers.items()]
    joiner = "\n\n" if audience == "citizen" else " "
    return Composition(joiner.join(parts), citations)


def _checklist(question: str, passages: list[Passage], chunks: dict[str, dict]) -> tuple[str, list[Citation]] | None:
    """Staff asking how to write a chapter: the guideline section's requirements as a cited checklist."""
    guides = [p for p in passages[:5] if p.type == "Leitfaden" and p.section]
    if not guides:
        return None
    # The chapter the question names ("Kapitel Bestandsaufnahme") beats retrieval order.
    asked = content_terms(question)
    guide = max(guides, key=lambda p: (len(asked & content_terms(p.section.split(" > ")[-1])), -guides.index(p)))
    same = sorted(
        ((cid, m) for cid, m in chunks.items() if m["doc"] == guide.doc and m.get("section") == guide.section),
        key=lambda x: int(x[1].get("start", 0)),
    )
    items: list[tuple[str, str]] = []  # (item, chunk id)
    seen: set[str] = set()
    for cid, m in same:
        previous_was_row = False
        for line in str(m.get("text", "")).split("\n"):
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
            items.append((item, cid))
    if len(items) < 2:
        return None
    heading = guide.section.split(" > ")[-1]
    numbers: dict[str, int] = {}
    highlights: dict[str, list[str]] = {}
    lines = [f"Laut Leitfaden gehört in das Kapitel „{heading}“ Folgendes:"]
    for item, cid in items[:16]:
        n = numbers.setdefault(cid, len(numbers) + 1)
        highlights.setdefault(cid, []).append(item)
        lines.append(f"- [ ] {item} [{n}]")
    lines.append(f"\n{LEGEND}")
    citations = []
    for cid, n in numbers.items():
        p = Passage.from_meta(cid, chunks[cid])
        p.score = guide.score if cid == guide.id else 0.0
        citations.append(Citation.from_passage(n, p, highlights[cid]))
    return "\n".join(lines), citations


def refusal_text(glossary: Glossary, passages: list[Passage], audience: str,
                 note: tuple[str, Passage] | None = None) -> tuple[str, list[Citation]]:
    """The honest "not in the documents" answer: where to ask, and the closest documents. ``note`` is a
    sentence in which a document itself says the information is not documented; it is quoted as [1]."""
    lines = [REFUSAL]
    citations: list[Citation] = []
    if note:
        sentence, passage = note
        lines[0] += f" Die Unterlagen vermerken dazu ausdrücklich: „{sentence.rstrip('.')}.“ [1]"
        citations.append(Citation.from_passage(1, passage, [sentence]))
    if glossary.contacts:
        c = glossary.contacts[0]
        lines.append(f"Fragen Sie am besten bei dieser Stelle nach: {c.name}" + (f" ({c.purpose})." if c.purpose
                                                                               else "."))
        if audience != "citizen" and len(glossary.contacts) > 1:
            others = "; ".join(x.name for x in glossary.contacts[1:])
            lines.append(f"Weitere Ansprechstellen laut Unterlagen: {others}.")
    seen: set[str] = {c.doc for c in citations}
    for p in passages:
        if p.doc in seen:
            continue
        seen.add(p.doc)
        citations.append(Citation.from_passage(len(citations) + 1, p))
        if len(citations) >= 3:
            break
    if citations:
        lines.append("Am nächsten kommen diese Dokumente: " + "; ".join(f"„{c.title}“" for c in citations) + ".")
    return "\n\n".join(lines), citations
