"""The question as the answer composer sees it: a ``Query`` built once per question.

It carries the validated text, the follow-up rewrite, the expected answer type (from the cue data in
``corpus/cues.yaml``), the question's focus terms with weights, the glossary expansions, the areas and years the
question names, the guideline chapter it names (for the staff checklist), the audience and the filters.
Parsing needs no model: the focus terms use the BM25 vocabulary when one is given, plain analysis otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml

from assistant.dialect import Dialect
from assistant.glossary import Glossary
from assistant.language import is_english
from assistant.lexical import Analyzer, stem
from assistant.places import load_gazetteer

if TYPE_CHECKING:
    from assistant.lexical import LexicalIndex
    from assistant.retrieval import Filters

CUES = "cues.yaml"
# The German cue lists ship with the code's corpus folder; a user's corpus folder may bring its own.
DEFAULT_CUES = Path(__file__).resolve().parents[1] / "corpus" / CUES

AnswerType = Literal["date", "number", "organisation", "place", "definition", "checklist", "reason", ""]
ANSWER_TYPES: tuple[str, ...] = ("date", "number", "organisation", "place", "definition", "checklist", "reason")

_FOLLOWUP_START = re.compile(r"^\s*(und|aber|and|what about|und was ist mit|was ist mit|wie ist es (mit|in)|"
                             r"auch|dort|da)\b", re.I)
_YEAR = re.compile(r"(?<![\d.])(19[5-9]\d|20\d\d)(?![\d.])")
_ANALYZER = Analyzer()
YEAR_BOUND_WORDS = 3  # words before a year in which "seit", "bis" … make it a bound ("seit dem Jahr 2015")


# ---------------------------------------------------------------- cue data

def _phrases(items: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(x).strip().lower() for x in items or () if str(x).strip())


@dataclass(frozen=True)
class Cues:
    """Question words and answer-type cues, loaded from ``cues.yaml``."""

    question: dict[str, tuple[str, ...]] = field(default_factory=dict)  # answer type -> question phrases
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # answer type -> words in an answer
    endings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # answer type -> word endings
    units: tuple[str, ...] = ()  # units that belong to a number ("Mio. Euro", "%")
    year_question: tuple[str, ...] = ()  # "in welchem Jahr": a bare year answers fully
    day_question: tuple[str, ...] = ()  # "an welchem Tag": the day must lie in the asked time
    condition_markers: tuple[str, ...] = ()  # "wenn", "deren": a condition answers "wann" too
    time_question: tuple[str, ...] = ()  # "um welche Uhrzeit": only a time of day answers
    start_question: tuple[str, ...] = ()  # "ab wann": asks when something began, not until when it ran
    end_question: tuple[str, ...] = ()  # "bis wann": asks when something ended or ends
    start_words: tuple[str, ...] = ()  # "ab", "seit": a date after one is a beginning
    end_words: tuple[str, ...] = ()  # "bis": a date after one is an end
    online_words: tuple[str, ...] = ()  # place words on the web ("online", "Plattform")
    online_question: tuple[str, ...] = ()  # "im Netz", "finde": a web address answers "wo" fully
    contact_question: tuple[str, ...] = ()  # "An wen kann ich mich wenden?": the contact answers
    contact_generic: tuple[str, ...] = ()  # "mit Fragen": words beside it that ask nothing else
    end_markers: tuple[str, ...] = ()  # "endete", "bis": a sentence with one gives an end
    weekdays: tuple[str, ...] = ()  # "am Sonntag" names a day
    recurrence: tuple[str, ...] = ()  # "jährlich", "alle zwei Jahre": how often, an answer to "wann" too
    count_question: tuple[str, ...] = ()  # "wie viele": counts the noun that follows
    duration_question: tuple[str, ...] = ()  # "wie lange": a period answers as well as a length
    asked_units: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "hektar": ("Hektar", "ha"), as written
    unit_question: tuple[str, ...] = ()  # "in", "wie viel": a unit after them is the one asked for
    multipliers: tuple[str, ...] = ()  # "Mio.": may stand between a number and its unit
    measure_question: tuple[str, ...] = ()  # "wie hoch ist die …": measures the noun that follows
    measure_skip: tuple[str, ...] = ()  # verbs and fillers between "wie hoch" and that noun
    articles: tuple[str, ...] = ()  # "der", "die": in a lower-case question the measured noun follows one
    measure_generic: tuple[str, ...] = ()  # "Zeit", "Geld": the unit tells what they measure
    genitive: tuple[str, ...] = ()  # "der", "von": after a generic measure, the measured thing follows
    number_nouns: tuple[str, ...] = ()  # "Welche Nummer …?", "Welche Summe …?": the kind of thing is a number
    number_noun_endings: tuple[str, ...] = ()  # … and compounds ending so ("Seitenumfang"), lower case
    any_counter: tuple[str, ...] = ()  # "Personen", "Hälfte": a number so written may count any thing
    definition_verbs: tuple[str, ...] = ()
    checklist_verbs: tuple[str, ...] = ()
    chapter_words: tuple[str, ...] = ()
    upcoming: tuple[str, ...] = ()
    next_event: tuple[str, ...] = ()  # of those, the ones asking for a coming event whatever the question word
    past_markers: tuple[str, ...] = ()
    reference_markers: tuple[str, ...] = ()  # a date in such a sentence is when a figure held, not an event
    ditto: tuple[str, ...] = ()  # "dasselbe": a table row opening so repeats the first cell of the row above
    present_words: tuple[str, ...] = ()  # "heute": the question asks about the present …
    name_heads: tuple[str, ...] = ()  # "Programm": the capitalised words after it name one
    name_inner: tuple[str, ...] = ()  # "im": a lower-case word inside such a name ("Europa im Quartier")
    name_joiners: tuple[str, ...] = ()  # "für": "die Senatsverwaltung für Stadtentwicklung" names the office
    reference_prepositions: tuple[str, ...] = ()  # "laut": "laut Planungsbüro" refers back as "das Planungsbüro"
    pointer_phrases: tuple[str, ...] = ()  # "Ausführlich:", "Siehe": a short sentence that only points elsewhere
    past_words: tuple[str, ...] = ()  # … which a sentence saying "damals" is not about
    place_exclusion: tuple[str, ...] = ()  # "außer", "neben": the place named next is not the one asked about
    year_bounds: tuple[str, ...] = ()  # "seit", "bis": the year named next bounds a period, it is not asked about
    category_question: tuple[str, ...] = ()  # "welches": the noun after it names the kind of thing asked for
    period_joiners: tuple[str, ...] = ()  # "2025 bis 2027": after a year, the word that makes it a period's start
    place_fillers: tuple[str, ...] = ()  # words between "außer" and the excluded place ("außer dem Bezirk Mitte")
    place_whole: tuple[str, ...] = ()  # "ganz": "in ganz Berlin" asks about all of the place
    # answer types a lead must hold, else the question is refused -> what the refusal says is missing
    required_types: dict[str, str] = field(default_factory=dict)
    street_endings: tuple[str, ...] = ()  # a number right after a word ending so is a house number, no amount
    fact_missing: dict[str, str] = field(default_factory=dict)  # kind of fact -> what a refusal says is missing
    months: dict[str, int] = field(default_factory=dict)
    vague_months: tuple[str, ...] = ()  # month words that name a part of the year ("Mitte", "Sommer")
    # kind of fact -> (how a question asks for it, how a sentence states it): price, opening hours, contact
    required_facts: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = field(default_factory=dict)
    # "Welche Leitfragen …?": the document's own questions are the answer, not headings to skip
    question_request: re.Pattern[str] | None = None
    person_roles: tuple[str, ...] = ()  # "Bürgermeisterin": the two capitalised words after one are a name
    # a document saying a fact is not documented ("Das Datum ist nicht belegt"); None: no sentence does
    not_documented: re.Pattern[str] | None = None
    # a sentence giving a reason or a purpose ("weil …", "um … zu", "führte dazu, dass"); None: no cue for it
    reason: re.Pattern[str] | None = None

    @classmethod
    def load(cls, corpus_dir: Path | None = None) -> Cues:
        path = corpus_dir / CUES if corpus_dir is not None and (corpus_dir / CUES).exists() else DEFAULT_CUES
        return _load_cues(path)

    @classmethod
    def from_dict(cls, data: dict) -> Cues:
        types = data.get("answer_types") or {}
        return cls(
            question={t: _phrases((types.get(t) or {}).get("question")) for t in ANSWER_TYPES},
            words={t: _phrases((types.get(t) or {}).get("words")) for t in ANSWER_TYPES},
            endings={t: _phrases((types.get(t) or {}).get("endings")) for t in ANSWER_TYPES},
            units=_phrases((types.get("number") or {}).get("units")),
            year_question=_phrases((types.get("date") or {}).get("year_question")),
            day_question=_phrases((types.get("date") or {}).get("day_question")),
            condition_markers=_phrases((types.get("date") or {}).get("condition_markers")),
            time_question=_phrases((types.get("date") or {}).get("time_question")),
            start_question=_phrases((types.get("date") or {}).get("start_question")),
            end_question=_phrases((types.get("date") or {}).get("end_question")),
            start_words=_phrases((types.get("date") or {}).get("start_words")),
            end_words=_phrases((types.get("date") or {}).get("end_words")),
            online_words=_phrases((types.get("place") or {}).get("online_words")),
            online_question=_phrases((types.get("place") or {}).get("online_question")),
            contact_question=_phrases((types.get("organisation") or {}).get("contact_question")),
            contact_generic=_phrases((types.get("organisation") or {}).get("contact_generic")),
            end_markers=_phrases((types.get("date") or {}).get("end_markers")),
            weekdays=_phrases((types.get("date") or {}).get("weekdays")),
            recurrence=_phrases((types.get("date") or {}).get("recurrence")),
            count_question=_phrases((types.get("number") or {}).get("count_question")),
            duration_question=_phrases((types.get("number") or {}).get("duration_question")),
            asked_units={str(k).lower(): tuple(str(x) for x in v or ()) for k, v in
                         ((types.get("number") or {}).get("asked_units") or {}).items()},
            unit_question=_phrases((types.get("number") or {}).get("unit_question")),
            multipliers=tuple(str(x) for x in (types.get("number") or {}).get("multipliers") or ()),
            measure_question=_phrases((types.get("number") or {}).get("measure_question")),
            measure_skip=_phrases((types.get("number") or {}).get("measure_skip")),
            articles=_phrases((types.get("number") or {}).get("articles")),
            measure_generic=_phrases((types.get("number") or {}).get("measure_generic")),
            genitive=_phrases((types.get("number") or {}).get("genitive")),
            number_nouns=_phrases((types.get("number") or {}).get("nouns")),
            number_noun_endings=tuple(e.lower() for e in _phrases((types.get("number") or {}).get("noun_endings"))),
            any_counter=_phrases((types.get("number") or {}).get("any_counter")),
            definition_verbs=_phrases((types.get("definition") or {}).get("verbs")),
            checklist_verbs=_phrases((types.get("checklist") or {}).get("verbs")),
            chapter_words=_phrases((types.get("checklist") or {}).get("chapter_words")),
            upcoming=_phrases(data.get("upcoming")),
            next_event=_phrases(data.get("next_event")),
            past_markers=_phrases(data.get("past_markers")),
            reference_markers=_phrases(data.get("reference_markers")),
            ditto=_phrases(data.get("ditto")),
            present_words=_phrases(data.get("present_words")),
            name_heads=_phrases(data.get("name_heads")),
            name_inner=_phrases(data.get("name_inner")),
            name_joiners=_phrases(data.get("name_joiners")),
            reference_prepositions=_phrases(data.get("reference_prepositions")),
            pointer_phrases=_phrases(data.get("pointer_phrases")),
            past_words=_phrases(data.get("past_words")),
            place_exclusion=_phrases(data.get("place_exclusion")),
            year_bounds=_phrases(data.get("year_bounds")),
            category_question=_phrases(data.get("category_question")),
            period_joiners=_phrases(data.get("period_joiners")),
            place_fillers=_phrases(data.get("place_fillers")),
            place_whole=_phrases(data.get("place_whole")),
            required_types=_required_types(data.get("required_types")),
            street_endings=_phrases(data.get("street_endings")),
            fact_missing={str(kind): str(spec.get("missing") or "")
                          for kind, spec in (data.get("required_facts") or {}).items() if spec.get("missing")},
            months={str(k).lower(): int(v) for k, v in (data.get("months") or {}).items()},
            vague_months=_phrases(data.get("vague_months")),
            required_facts={str(kind): (_any(spec.get("question")), _any(spec.get("answer")))
                            for kind, spec in (data.get("required_facts") or {}).items()
                            if spec.get("question") and spec.get("answer")},
            question_request=_any(data.get("question_request")) if data.get("question_request") else None,
            person_roles=_phrases(((data.get("required_facts") or {}).get("person") or {}).get("roles")),
            not_documented=_any(data.get("not_documented")) if data.get("not_documented") else None,
            reason=_any((types.get("reason") or {}).get("patterns")) if (types.get("reason") or {}).get("patterns")
            else None,
        )


def _required_types(spec: object) -> dict[str, str]:
    """``required_types`` as a mapping (type -> what a refusal says is missing) or a plain list of types."""
    if isinstance(spec, dict):
        items = {str(k).strip().lower(): str(v or "") for k, v in spec.items()}
    else:
        items = {t: "" for t in _phrases(spec if isinstance(spec, list) else ())}
    unknown = sorted(set(items) - set(ANSWER_TYPES))
    if unknown:
        raise ValueError(f"cues.yaml: required_types kennt {', '.join(unknown)} nicht "
                         f"(möglich: {', '.join(ANSWER_TYPES)})")
    return items


def _any(patterns: Iterable[object] | None) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns or ()), re.I)


@lru_cache(maxsize=8)
def _load_cues(path: Path) -> Cues:
    if not path.exists():
        return Cues()
    cues = Cues.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    if cues.not_documented is None and path != DEFAULT_CUES and DEFAULT_CUES.exists():
        # a corpus's own cues.yaml from before the list existed: its documents' notes are still read
        cues = replace(cues, not_documented=_load_cues(DEFAULT_CUES).not_documented)
    return cues


@lru_cache(maxsize=128)  # the cue lists are tuples of a loaded Cues: built once, not for every question
def phrase_pattern(phrases: tuple[str, ...], end: str = r"(?![\w-])") -> re.Pattern[str] | None:
    """Whole-word, case-insensitive alternation; longer phrases first so "was ist mit" beats "was ist". ``end``:
    what may follow a phrase (by default no letter and no hyphen)."""
    if not phrases:
        return None
    alts = sorted({re.escape(p).replace(r"\ ", r"\s+") for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")" + end, re.I)


# ---------------------------------------------------------------- focus terms (concepts)

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


def _lower_case_terms(question: str, lexical: LexicalIndex) -> set[str]:
    """The terms of the words written in lower case, in a question that writes its nouns with capitals (some noun
    other than the first word is capitalised); empty otherwise: in a question written all in lower case, nouns
    and verbs cannot be told apart."""
    if not any(not _SENTENCE_START.search(question[:m.start()]) for m in _NOUN.finditer(question)):
        return set()
    return {t for w in re.findall(r"[\wÄÖÜäöüß]+", question) if w[:1].islower() for t in lexical.query_terms(w)}


def concepts(question: str, lexical: LexicalIndex | None, glossary: Glossary) -> list[Concept]:
    """The question's content terms with IDF weights (typos mapped to corpus words when ``lexical`` is given)."""
    analyzer = lexical.analyzer if lexical is not None else _ANALYZER
    out: dict[str, Concept] = {}
    if lexical is not None:
        # A term the corpus does not have at all is strong evidence that the question asks about something the
        # documents do not cover ("Budget", "Gehweg"), so it weighs twice the rarest known term.
        unknown = 2.0 * lexical.idf("\x00")
        # ... but not a verb or particle no document uses ("leitet": the documents say "Leitung"; "kam", "raus"):
        # it weighs like the question's median known term, so it neither decides the lead nor, by holding half the
        # question's weight, refuses it. Only nouns are told by their capital, so only cased questions gain this.
        terms = lexical.query_terms(question)
        known = sorted(lexical.idf(t) for t in terms if t in lexical.df)
        lower = _lower_case_terms(question, lexical) if known else set()
        verb = known[len(known) // 2] if known else unknown
        for t in terms:
            out.setdefault(t, Concept(t, lexical.idf(t) if t in lexical.df else verb if t in lower else unknown))
    else:
        for t in analyzer.terms(question):
            out.setdefault(t, Concept(t, 1.0))
    for short, long in glossary.abbreviations.items():
        key = stem(short.replace(" ", ""))
        if key in out:
            alts = frozenset(analyzer.terms(long))
            out[key] = Concept(key, out[key].weight, alts, need=max(1, (len(alts) + 1) // 2))
    for short, long in glossary.abbreviations.items():
        # the other way round: a one-word long form in the question ("Grundsicherung") is also found as its short
        # form in a document ("SGB-II-Bedarfsgemeinschaften")
        short_terms, long_terms = analyzer.terms(short), analyzer.terms(long)
        key = long_terms[0] if re.fullmatch(r"\w+", long.strip()) and long_terms else ""
        if key in out and short_terms:
            c = out[key]
            out[key] = Concept(key, c.weight, c.alternatives | {max(short_terms, key=len)}, need=1)
    for word, alternatives in glossary.synonyms_for(question).items():
        key = stem(word)
        if key in out:
            alts = frozenset(t for a in alternatives for t in analyzer.terms(a))
            c = out[key]
            out[key] = Concept(key, c.weight, c.alternatives | alts, need=1)
    if lexical is not None:
        # A word the corpus lacks but the glossary translates ("Kohle" -> Geld, Finanzierung) is as telling as its
        # most common translation, not as rare as an unknown word: otherwise any sentence naming money outweighs
        # the rest of the question ("gibts Kohle für Nachbarschaftsprojekte").
        for key, c in out.items():
            known = [lexical.idf(a) for a in c.alternatives if a in lexical.df]
            if key not in lexical.df and known:
                out[key] = Concept(key, min(known), c.alternatives, c.need)
    return list(out.values())


def coverage(cs: Sequence[Concept], terms: set[str]) -> float:
    total = sum(c.weight for c in cs)
    return 0.0 if total <= 0 else sum(c.weight for c in cs if c.found_in(terms)) / total


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
    places = load_gazetteer(glossary.areas)
    new_areas, old_areas = places.places_in(question), places.places_in(last)
    if new_areas and old_areas and set(new_areas) != set(old_areas):
        rewritten = last
        for old in old_areas:
            rewritten = places.replace(rewritten, old, new_areas[0])
        return rewritten
    rest = _FOLLOWUP_START.sub("", question).strip(" ?.!")
    return f"{last} {rest}".strip()


# ---------------------------------------------------------------- answer type and chapter

def answer_type(text: str, cues: Cues) -> str:
    """The earliest question cue decides ("Welche Schlüsselmaßnahmen … und wie viele?" asks for a number, because
    "welche" is no cue); a checklist cue beats the others, since "Wie schreibe …" also starts with "wie"."""
    if is_howto(text, cues):
        return "checklist"
    best: tuple[int, int, str] | None = None
    for t in ANSWER_TYPES:
        if t == "checklist":
            continue
        pattern = phrase_pattern(cues.question.get(t, ()))
        m = pattern.search(text) if pattern else None
        # earliest cue first; at the same place the longer cue ("wie viele" over "wie")
        if m and (best is None or (m.start(), -len(m.group(0))) < best[:2]):
            best = (m.start(), -len(m.group(0)), t)
    return best[2] if best else ""


def without_cue_words(focus: list[Concept], text: str, kind: str, cues: Cues) -> list[Concept]:
    """Weigh the words of the question phrase that sets the answer type ("hoch" in "Wie hoch ist …", "Jahr" in "In
    welchem Jahr …", "alt" in "Wie alt …") no more than the least of the question's other terms: the answer
    states a figure or a date and rarely repeats the frame, and as rare words they would outweigh what the question
    is about. They stay in the focus, since some answers do repeat them ("18 Jahre alt" for "Wie alt …"). A word
    the question also uses outside that phrase keeps its weight, and so does one the glossary translates ("groß":
    Fläche, "kostet": Kosten), since the documents say it in those words."""
    pattern = phrase_pattern(cues.question.get(kind, ())) if kind and kind != "checklist" else None
    m = pattern.search(text) if pattern else None
    if m is None:
        return focus
    frame = set(_ANALYZER.terms(m.group(0))) - set(_ANALYZER.terms(text[:m.start()] + " " + text[m.end():]))
    framed = {c.term for c in focus if c.term in frame and not c.alternatives}
    rest = [c.weight for c in focus if c.term not in framed]
    if not framed or not rest:
        return focus
    return [replace(c, weight=min(c.weight, min(rest))) if c.term in framed else c for c in focus]


def is_howto(text: str, cues: Cues) -> bool:
    """"Wie schreibe ich …", "Was gehört in …", "Was muss ich im Kapitel … beschreiben?"."""
    pattern = phrase_pattern(cues.question.get("checklist", ()))
    if pattern and pattern.search(text):
        return True
    low = text.lower()
    if not re.match(r"\s*(wie|was|how|what)\b", low):
        return False
    named_chapter = phrase_pattern(cues.chapter_words)
    verbs = any(re.search(rf"(?<!\w){re.escape(v)}", low) for v in cues.checklist_verbs)
    return verbs and bool(named_chapter and named_chapter.search(text))


def _heading_terms(heading: str) -> set[str]:
    leaf = heading.split(" > ")[-1]
    leaf = re.sub(r"^\s*[\d.]+\s*", "", leaf)  # "4.3 Bestandsaufnahme …"
    return set(_ANALYZER.terms(leaf))


def _same_head(a: str, b: str) -> bool:
    """The same term, or one a compound of the other ending in it ("gebietsabgrenzung", "abgrenzung")."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= MIN_HEAD_CHARS and long.endswith(short)


def named_chapter(text: str, headings: Sequence[tuple[str, str]], cues: Cues) -> tuple[str, str] | None:
    """The guideline chapter a question names, matched against the guideline's own headings ``(doc, section)``:
    the heading whose own words the question covers best. Words that only say "chapter" never identify one."""
    generic = {t for w in cues.chapter_words for t in _ANALYZER.terms(w)}
    generic |= {t for p in cues.question.get("checklist", ()) for t in _ANALYZER.terms(p)}
    asked = set(_ANALYZER.terms(text)) - generic
    best: tuple[float, int, int] = (0.0, 0, 0)
    found: tuple[str, str] | None = None
    for doc, section in headings:
        terms = _heading_terms(section) - generic
        if not terms:
            continue
        # a compound and its head name the same chapter: "Abgrenzung des Gebiets" names "Gebietsabgrenzung"
        shared = {t for t in terms if len(t) >= 4 and any(_same_head(t, a) for a in asked)}
        if not shared:
            continue
        key = (len(shared) / len(terms), len(shared), section.count(" > "))  # deeper (sub-chapter) wins ties
        if key > best:
            best, found = key, (doc, section)
    # half the heading's words must be asked for: "Bestandsaufnahme" names "Bestandsaufnahme und Analyse"
    return found if best[0] >= 0.5 else None


def subject_terms(text: str, focus: Sequence[Concept], cues: Cues, kind: str) -> tuple[str, ...]:
    """The focus terms that follow the question word ("Was macht die SPK?" -> spk, not "macht")."""
    pattern = phrase_pattern(cues.question.get(kind, ())) if kind else None
    m = pattern.search(text) if pattern else None
    rest = set(_ANALYZER.terms(text[m.end():])) if m else set()
    cue = set(_ANALYZER.terms(m.group(0))) if m else set()
    return tuple(c.term for c in focus if c.term not in cue and (not rest or c.term in rest or c.alternatives & rest))


# ---------------------------------------------------------------- the query

@dataclass
class Query:
    question: str  # as asked (validated)
    text: str  # as searched: after follow-up rewriting
    audience: str = "general"
    filters: Filters | None = None
    today: date = field(default_factory=date.today)  # the day it is asked: what is "heute" and what is long past
    answer_type: str = ""
    focus: list[Concept] = field(default_factory=list)
    subject: tuple[str, ...] = ()  # focus terms after the question word: what "Was ist …?" asks to define
    expansions: tuple[str, ...] = ()  # the glossary's long forms and synonyms added to the search
    areas: tuple[str, ...] = ()  # the areas (Handlungsräume) the question names
    places: tuple[str, ...] = ()  # every place it asks about (areas, districts, Ortsteile; see assistant/places.py)
    years: tuple[str, ...] = ()  # the years the question names
    asked_years: tuple[str, ...] = ()  # … as the time asked about ("im Jahr 2020"), not as a bound ("seit 2015")
    chapter: tuple[str, str] | None = None  # (doc, section) of a guideline chapter the question names
    upcoming: bool = False  # asks for the next / current event
    next_event: bool = False  # … with a word that asks for a coming event ("nächste"), not "aktuell"
    asks_year: bool = False  # "in welchem Jahr …": a year is a full answer, not only a day
    asks_day: bool = False  # "an welchem Tag …": only a day answers
    asks_time: bool = False  # "um welche Uhrzeit …": only a time of day answers
    asks_duration: bool = False  # "wie lange …": a period ("1999 bis 2020") answers as well as a length
    unit: tuple[str, ...] = ()  # the ways of writing the unit the question asks the figure in ("in Hektar": ha)
    asks_online: bool = False  # "wo … im Netz", "wo finde ich …": a web address answers "wo" as well as a place
    # "in ganz Berlin": the places the question asks about as a whole, which a figure for a part does not answer
    whole_places: tuple[str, ...] = ()
    asks_contact: bool = False  # "An wen kann ich mich wenden?": whom to ask
    asks_bound: str = ""  # "start" for "ab wann …", "end" for "bis wann …": a date bounding the other end is none
    needs: tuple[str, ...] = ()  # kinds of fact the answer must state (price, opening hours, contact)
    # the kind of thing "Welches Büro …?" asks for (its stem), and the corpus terms that name such a thing (itself
    # and compounds ending in it: "planungsburo"): "Planungsbüro … raumscript" names one
    category: str = ""
    category_terms: frozenset[str] = frozenset()
    asks_questions: bool = False  # "Welche Leitfragen …?": questions in the documents answer it
    english: bool = False
    absent: tuple[str, ...] = ()  # nouns of the question, as written, that no indexed document uses
    unknown: frozenset[str] = frozenset()  # focus terms the corpus never uses (nor a long form or synonym of them)
    names: tuple[tuple[str, str], ...] = ()  # (as written, focus term) of the names it asks about ("KulturGut", "BENE",
    # "Seilbahn" in "Was kostet die Seilbahn?")
    quoted: tuple[tuple[str, str], ...] = ()  # (as written, rarest term) of names in quotation marks („Programm X“)

    @property
    def expanded(self) -> str:
        return f"{self.text} ({'; '.join(self.expansions)})" if self.expansions else self.text


def asks_only_contact(text: str, cues: Cues, places: Sequence[str]) -> bool:
    """The question asks whom to ask and nothing else: besides the phrase only places and words such as "Fragen"
    ("An wen kann ich mich mit Fragen zu Marzahn-Nord wenden?"; not "Wer ist Ansprechpartner für Wohngeld?")."""
    phrases = cues.contact_question
    if not says_phrase(text, phrases):
        return False
    beside = {t for p in (*phrases, *cues.contact_generic, *places) for t in _ANALYZER.terms(p.replace(GAP, " "))}
    return not set(_ANALYZER.terms(text)) - beside


def whole_places(text: str, glossary: Glossary, cues: Cues) -> tuple[str, ...]:
    """The places after a word that asks about all of them ("in ganz Berlin", "im gesamten Bezirk Mitte", "the
    whole of Berlin")."""
    whole = _places_after(text, phrase_pattern(cues.place_whole), glossary, cues)
    return tuple(dict.fromkeys(p for p in whole if p is not None))


def _places_after(text: str, words: re.Pattern[str] | None, glossary: Glossary, cues: Cues) -> list[str | None]:
    """For each of ``words`` in ``text``, the place right after it, past articles and words such as "Bezirk"
    (``place_fillers``: "außer dem Bezirk Mitte", "in ganz Berlin"); None where no place follows."""
    if words is None:
        return []
    gazetteer = load_gazetteer(glossary.areas)
    fillers = phrase_pattern(cues.place_fillers)
    out: list[str | None] = []
    for m in words.finditer(text):
        rest = text[m.end():].lstrip()
        place = gazetteer.place_at(rest)
        while place is None and fillers is not None and (f := fillers.match(rest)):
            rest = rest[f.end():].lstrip()
            place = gazetteer.place_at(rest)  # "dem Bezirk Mitte": "Bezirk" is part of the name here
        out.append(place)
    return out


def asked_places(text: str, glossary: Glossary, cues: Cues) -> tuple[str, ...]:
    """The places a question asks about: those it names, except a place it excludes ("außer Marzahn-Nord",
    "neben dem Bezirk Mitte": the answer is about other places). Only a place right after the excluding word
    (articles and words such as "Bezirk" between them) is excluded: "ohne Kitaplatz in Hellersdorf-Nord" asks
    about Hellersdorf-Nord."""
    excluded = set(_places_after(text, phrase_pattern(cues.place_exclusion), glossary, cues))
    return tuple(p for p in load_gazetteer(glossary.areas).places_in(text) if p not in excluded)


MIN_CATEGORY_CHARS = 4
# a compound's head this long names the compound's chapter ("abgrenzung" of "gebietsabgrenzung"; not "ziel")
MIN_HEAD_CHARS = 6


def asked_unit(text: str, cues: Cues) -> tuple[str, ...]:
    """How a document writes the unit the question asks the figure in ("Wie groß ist das Gebiet in Hektar?",
    "Wie viel Prozent …?", "How many hectares …?"); () when it asks for none."""
    lead = phrase_pattern(cues.unit_question, end=r"\s+")
    if lead is None:
        return ()
    units = _unit_forms(cues)
    for m in lead.finditer(text):
        word = re.match(r"[^\s?!.,;:]+", text[m.end():])
        if word and text[m.end() + word.end():][:1] != "-":  # "in Euro-Regionen" asks for no unit
            forms = units.get(word.group(0).lower()) or units.get(word.group(0))
            if forms:
                return forms
    return ()


def _unit_forms(cues: Cues) -> dict[str, tuple[str, ...]]:
    """Every way of asking for a unit ("hektar", "ha", "%") -> how documents write it; a written form of up to three
    characters only as written ("ha", not "HA")."""
    out: dict[str, tuple[str, ...]] = {}
    for name, forms in cues.asked_units.items():
        out[name] = forms
    for forms in cues.asked_units.values():
        for form in forms:
            # a unit's own entry wins: "Euro" asks for euros, though "Wie viel Geld …?" accepts any currency
            out.setdefault(form if len(form) <= SHORT_UNIT else form.lower(), forms)
    return out


SHORT_UNIT = 3  # a unit written with at most this many characters is matched as written


def is_number_noun(written: str, cues: Cues) -> bool:
    """``written`` (as written) is a kind of number: one of ``number_nouns``, or a compound ending in one of
    ``number_noun_endings`` ("Seitenumfang", "Gesamtbudget")."""
    word = written.lower()
    return bool(word) and (word in {n.lower() for n in cues.number_nouns} or any(
        word.endswith(n) and len(word) - len(n) >= MIN_CATEGORY_CHARS for n in cues.number_noun_endings))


def asked_bound(text: str, cues: Cues) -> str:
    """ "start" for a question for a beginning ("Ab wann …", "Seit welchem Jahr …"), "end" for one for an end ("Bis
    wann …"), "" otherwise."""
    for kind, phrases in (("start", cues.start_question), ("end", cues.end_question)):
        if says_phrase(text, phrases):
            return kind
    return ""


def says_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    """``text`` holds one of the cue ``phrases``, those with a gap ("wann läuft … aus") included."""
    pattern = phrase_pattern(tuple(p for p in phrases if GAP not in p))
    return bool(pattern is not None and pattern.search(text)) or any(
        _gapped(p).search(text) for p in phrases if GAP in p)


GAP = "…"  # in a cue phrase: the words between a separable verb and its particle ("wann läuft … aus")
GAP_WORDS = 8  # at most this many words between them


@lru_cache(maxsize=256)
def _gapped(phrase: str) -> re.Pattern[str]:
    """``phrase`` with its "…" matching up to GAP_WORDS words; what follows the gap ends a clause of the question
    ("Wann läuft das Programm aus?", "Wann läuft das QM aus, und wer übernimmt?", not "Wann läuft die Förderung aus
    dem Programm …"). An English phrase's last word is a verb of its own ("When does the funding end for …?")."""
    head, _, tail = phrase.partition(GAP)
    words = r"(?:\s+[\w\-–.„“\"]+){1," + str(GAP_WORDS) + "}"
    english = is_english(phrase.replace(GAP, " "))
    ending = r"(?![\w-])" if english else r"\s*(?:[,;?!.]|$)"
    return re.compile(r"(?<![\w-])" + re.escape(head.strip()).replace(r"\ ", r"\s+") + words + r"\s+"
                      + re.escape(tail.strip()).replace(r"\ ", r"\s+") + ending, re.I)


def asked_noun(text: str, cues: Cues) -> str:
    """The noun, as written, a "welche/welcher/welches …" question asks for an instance of ("Welches Büro hat …?",
    "Welche beiden Verbindungen …?": one lower-case word may stand between); "" for other questions. In a question
    written all in lower case a noun cannot be told from other words: only a word of the organisation and place
    lists right after the question word counts ("welches büro …")."""
    asking = phrase_pattern(cues.category_question)
    m = asking.match(text.strip()) if asking is not None else None
    if not m:
        return ""
    rest = text.strip()[m.end():]
    noun = re.match(r"\s+(?:[a-zäöüß]+\s+)?([A-ZÄÖÜ][\wäöüß]+)", rest)
    if noun:
        return noun.group(1)
    # written all in lower case: the word right after it, if it is a kind of body or place ("welches büro")
    word = re.match(r"\s+([a-zäöüß]+)", rest) if text == text.lower() else None
    kinds = {w.lower() for t in ("organisation", "place") for w in cues.words.get(t, ())}
    return word.group(1) if word and word.group(1) in kinds else ""


def asked_years(text: str, cues: Cues) -> tuple[str, ...]:
    """The years a question asks about as a point in time: "im Jahr 2020", "2018", "2010 und 2015"; not "seit dem
    Jahr 2015", "bis 2027", "zwischen 2015 und 2020", "2025 bis 2027" (a bound or a period is answered by sentences
    on other years too)."""
    bound = phrase_pattern(cues.year_bounds)
    joiner = phrase_pattern(cues.period_joiners)
    out: list[str] = []
    for m in _YEAR.finditer(text):
        before = " ".join(text[:m.start()].split()[-YEAR_BOUND_WORDS:])
        after = text[m.end():].lstrip()
        if (bound is not None and bound.search(before)) or (joiner is not None and joiner.match(after)):
            continue
        if re.match(r"[/–-]\s*\d", after) or re.search(r"\d\s*[/–-]\s*$", text[:m.start()]):
            continue  # one end of a period ("2025–2027", "2019/2020")
        out.append(m.group(1))
    return tuple(dict.fromkeys(out))


_NOUN = re.compile(r"(?<![\w-])[A-ZÄÖÜ][\wÄÖÜäöüß]*(?:-[\wÄÖÜäöüß]+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+)$")


def unknown_terms(focus: Sequence[Concept], lexical: LexicalIndex | None) -> frozenset[str]:
    """The focus terms the corpus never uses, nor any long form or synonym of them (none without an index)."""
    if lexical is None:
        return frozenset()
    return frozenset(c.term for c in focus
                     if c.term not in lexical.df and not any(a in lexical.df for a in c.alternatives))


def absent_nouns(question: str, focus: Sequence[Concept], lexical: LexicalIndex | None) -> tuple[str, ...]:
    """The nouns of a German question, as written, that the corpus never uses, not even as a typo, a compound's
    parts or a glossary synonym ("Welche Software …", "Gibt es ein Schwimmbad …"): the answer can at best be
    the nearest thing, and says so. Nouns are the capitalised words after a sentence's first word; an all-lower-case
    question names none that can be told from verbs or fillers, so it gets no such note."""
    if lexical is None or not lexical.df:
        return ()
    asked, unknown = {c.term for c in focus}, unknown_terms(focus, lexical)

    def known(word: str) -> bool | None:  # None: a stop word or a number, which says nothing
        terms = lexical.query_terms(word)
        if not terms or terms[0].isdigit():
            return None
        whole, parts = terms[0], terms[1:]
        return whole in lexical.df or (whole in asked and whole not in unknown) \
            or bool(parts and all(t in lexical.df for t in parts)) or lexical.inflected(whole)

    out: list[str] = []
    for m in _NOUN.finditer(question):
        if _SENTENCE_START.search(question[:m.start()]):
            continue  # the question word, or any sentence's first word
        # "Schwimmbad-Zeiten": every part must be known
        verdicts = [v for v in (known(part) for part in m.group(0).split("-")) if v is not None]
        if verdicts and not all(verdicts) and m.group(0) not in out:
            out.append(m.group(0))
    return tuple(out)


# a name, not a word: an abbreviation ("BENE", "SPK") or a word with a capital inside ("KulturGut", "AktionsRaum")
_NAME = re.compile(r"(?<![\w-])(?:[A-ZÄÖÜ]{2,}|[A-ZÄÖÜ][a-zäöüß]+[A-ZÄÖÜ][\wäöüß]*)(?![\w-])")


# A question about one rare thing ("Was kostet die Seilbahn?") is not answered by a passage that never names it.
# Rare: a noun the corpus uses in at most this many chunks (a thing, not a general word like "Nutzung").
RARE_THING_CHUNKS = 4
# … and only when the question asks about little else: with more topic terms a question usually describes its
# thing in other words too ("Welche Theorie hat Norman Cantor über die Pest?"), and lacking one noun says little.
RARE_THING_MAX_TOPIC = 2


def _rare_thing(question: str, focus: Sequence[Concept], lexical: LexicalIndex, places: Sequence[str],
                unknown: set[str]) -> list[tuple[str, str]]:
    """(as written, focus term) of the rare nouns a short question asks about (see ``RARE_THING_CHUNKS``).
    Only capitalised nouns: in a question written in lower case every rare verb or filler would count."""
    place_terms = set(_ANALYZER.terms(" ".join(places)))
    topic = [c for c in focus if c.term not in place_terms and c.term not in unknown]
    if len(topic) > RARE_THING_MAX_TOPIC:
        return []
    asked = {c.term for c in topic}
    out = []
    for m in _NOUN.finditer(question):
        if _SENTENCE_START.search(question[:m.start()]):
            continue  # the question word, or any sentence's first word
        terms = lexical.query_terms(m.group(0))
        if len(terms) == 1 and terms[0] in asked and 0 < lexical.df.get(terms[0], 0) <= RARE_THING_CHUNKS:
            out.append((m.group(0), terms[0]))
    return out


def asked_names(question: str, focus: Sequence[Concept], lexical: LexicalIndex | None,
                places: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The names of things the question asks about that the corpus knows, with their focus term: abbreviations,
    words with an inner capital, and the rare thing a short question asks about. Places are left to the place
    checks."""
    words = re.findall(r"[A-Za-zÄÖÜäöüß]{2,}", question)
    if lexical is None or sum(w.isupper() for w in words) > len(words) / 2:
        return ()  # a question written in capitals ("WIE VIEL KOSTET DER KURS?") marks no name by its case
    asked, unknown = {c.term for c in focus}, unknown_terms(focus, lexical)
    out: list[tuple[str, str]] = []
    for m in _NAME.finditer(question):
        name = m.group(0)
        terms = lexical.query_terms(name)
        term = terms[0] if terms else ""
        if term in asked and term not in unknown and not any(name in place for place in places) \
                and (name, term) not in out:
            out.append((name, term))
    for name, term in _rare_thing(question, focus, lexical, places, unknown):
        if (name, term) not in out:
            out.append((name, term))
    return tuple(out)


# a name in quotation marks ("im Programm „Soziale Infrastrukturmaßnahmen“", "'Europa im Quartier'")
QUOTED_CHARS = 80  # a name in quotation marks is at most this long
# (an apostrophe inside a word, "what's", "gibt's", opens and closes no quotation)
_QUOTED = re.compile(r"(?:[„“\"‚»«]|(?<!\w)')([^„“\"‚‘’'»«]{3," + str(QUOTED_CHARS) + r"})(?:[“”\"‘’«»]|'(?!\w))")


def quoted_names(question: str, focus: Sequence[Concept], lexical: LexicalIndex | None,
                 places: Sequence[str], cues: Cues | None = None) -> tuple[tuple[str, str], ...]:
    """The names the question puts in quotation marks or right after the kind of thing they name (``name_heads``:
    "im Programm Soziale Infrastrukturmaßnahmen"), each with its rarest term the corpus knows: a statement that
    lacks that term (and whose heading and sentence before lack it) is about another programme or project."""
    if lexical is None:
        return ()
    asked, unknown = {c.term for c in focus}, unknown_terms(focus, lexical)
    out: list[tuple[str, str]] = []
    written = [m.group(1) for m in _QUOTED.finditer(question)]
    heads = phrase_pattern(cues.name_heads, end=r"\s+") if cues is not None else None
    if heads is not None:
        # a name after the kind of thing it names, unquoted: "im Programm Soziale Infrastrukturmaßnahmen"
        inner = "|".join(re.escape(w) for w in cues.name_inner) or "und"
        written += [m.group(1) for m in re.finditer(heads.pattern + r"((?-i:[A-ZÄÖÜ][\w-]+(?:\s+(?:" + inner
                                                     + r")?\s*[A-ZÄÖÜ][\w-]+)*))", question, heads.flags)]
    for name in written:
        name = name.strip()
        if any(name in place or place in name for place in places):
            continue
        known = [t for t in lexical.query_terms(name) if t in asked and t not in unknown and lexical.df.get(t, 0) > 0]
        if known:
            out.append((name, min(known, key=lambda t: lexical.df.get(t, 0))))
    return tuple(out)


def _known_word(lexical: LexicalIndex | None, glossary: Glossary) -> Callable[[str], bool] | None:
    """Whether the documents use a word (all its search terms) or the glossary translates it, for reading Berlin
    spellings ("Bürjertreffen": the glossary's "Bürgertreffen")."""
    if lexical is None:
        return None
    everyday = {w.lower() for w in glossary.synonyms}

    def known(word: str) -> bool:
        # as the documents write it, without typo correction: "Gelbi" is no "gelb"
        terms = lexical.analyzer.terms(word)
        return word.lower() in everyday or (bool(terms) and all(lexical.df.get(t, 0) > 0 for t in terms))
    return known


def build_query(question: str, *, history: list | None = None, audience: str = "general",
                filters: Filters | None = None, glossary: Glossary | None = None, cues: Cues | None = None,
                lexical: LexicalIndex | None = None, headings: Sequence[tuple[str, str]] = (),
                today: date | None = None) -> Query:
    """Parse a validated question once: everything downstream reads this record. ``today``: the day it is asked
    (default: the real date)."""
    glossary = glossary or Glossary()
    cues = cues or Cues.load()
    # Berlin spellings in standard German ("wie ville jeld kricht …"); the question as written stays for display
    dialect, known = Dialect.load(), _known_word(lexical, glossary)
    written_question, question = question, dialect.standard(question, known)
    text = dialect.standard(rewrite_followup(written_question, history, glossary), known)
    expanded = glossary.expand(text)
    expansions = tuple(x.strip() for x in expanded[len(text):].strip(" ()").split(";") if x.strip())
    # the question word of the follow-up itself wins ("Und wie groß …?" after a "Wann …?" question)
    kind = answer_type(question, cues) or answer_type(text, cues)
    written = asked_noun(text, cues)
    noun = stem(written) if written else ""
    # as written: "Welche Fläche …?" asks for a size, "Welche Flächen werden begrünt?" for places
    if not kind and is_number_noun(written, cues):
        kind = "number"  # "Welche amtliche Nummer trägt …?", "Welche Höhe hat …?" are answered by a number
    # a short stem ("art" of "Welche Art …") would be the ending of unrelated words ("Start")
    category = noun if len(noun) >= MIN_CATEGORY_CHARS else ""
    # with the glossary's words: "Mitsprache der Anwohnerschaft" names the chapter "Beteiligung"
    chapter = named_chapter(expanded, headings, cues) if kind == "checklist" else None
    upcoming = phrase_pattern(cues.upcoming)
    next_event = phrase_pattern(cues.next_event)
    year = phrase_pattern(cues.year_question)
    day = phrase_pattern(cues.day_question)
    focus = without_cue_words(concepts(text, lexical, glossary), text, kind, cues)
    places = asked_places(text, glossary, cues)
    asks_contact = asks_only_contact(text, cues, places)
    english = is_english(text)
    areas = tuple(p for p in places if p in glossary.areas)
    if not areas and filters is not None:
        # a search limited to one area (the citizen's Kiez, the area filter) asks about that area: a sentence about
        # another area, quoted from a city-wide document, is no answer
        limited = [a for a in filters.areas if a in glossary.areas]
        areas = tuple(limited) if len(limited) == 1 else ()
        places = places or areas
    return Query(
        question=written_question, text=text, audience=audience, filters=filters, answer_type=kind,
        today=today or date.today(),
        focus=focus, subject=subject_terms(text, focus, cues, kind), expansions=expansions,
        areas=areas, places=places, years=tuple(dict.fromkeys(_YEAR.findall(text))),
        asked_years=asked_years(text, cues),
        chapter=chapter, upcoming=bool(upcoming and upcoming.search(text)), english=english,
        next_event=bool(next_event and next_event.search(text)),
        asks_year=bool(year and year.search(text)),
        asks_day=bool(day and day.search(text)),
        asks_bound=asked_bound(text, cues),
        asks_time=bool((clock := phrase_pattern(cues.time_question)) and clock.search(text)),
        asks_online=bool((web := phrase_pattern(cues.online_question)) and web.search(text)),
        whole_places=whole_places(text, glossary, cues) if places else (),
        asks_contact=asks_contact,
        asks_duration=bool((lasting := phrase_pattern(cues.duration_question)) and lasting.search(text)),
        unit=asked_unit(text, cues) if kind == "number" else (),
        needs=tuple(kind for kind, (asked, _) in cues.required_facts.items() if asked.search(question)),
        category=category,
        category_terms=(lexical.kinds_of(category) if lexical is not None else frozenset({category}))
        if category else frozenset(),
        asks_questions=bool(cues.question_request and cues.question_request.search(text)),
        # the words of "Wer ist mein Ansprechpartner?" ask whom to ask, whether or not a document uses them
        absent=() if is_english(question) or asks_contact else absent_nouns(question, focus, lexical),
        unknown=unknown_terms(focus, lexical),
        # an English question's names are those with an inner capital ("KulturGut"): its all-capital words ("EU")
        # and rare words are English, not the documents' names
        names=() if kind == "checklist" else tuple(
            (name, term) for name, term in asked_names(text, focus, lexical, places)
            if not english or (not name.isupper() and not name.istitle() and not name.islower())),
        quoted=() if kind == "checklist" else quoted_names(text, focus, lexical, places, cues),
    )
