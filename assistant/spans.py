"""What an answer of a given type looks like: dates and periods, numbers and amounts, organisations and roles,
places and web addresses, defining sentences. Recognised with regular expressions built from the cue lists in
``corpus/cues.yaml``; used to pick the lead statement, to mark its answering phrase, and to compare dates with
today's date."""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from assistant.glossary import Glossary
from assistant.lexical import Analyzer, stem
from assistant.places import load_gazetteer
from assistant.query import SHORT_UNIT, Cues, Query, phrase_pattern

_ANALYZER = Analyzer()
_WORD = re.compile(r"[0-9A-Za-zÄÖÜäöüß][0-9A-Za-zÄÖÜäöüß.\-]*")
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_NUMBER = re.compile(r"(?<![\w.,/-])(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?(?![\w/]|\.\d)")
# a web address: any after "http(s)://", else one ending in a common domain ("mein.berlin.de"); also used by the
# workspace to leave addresses out of its items
URL = re.compile(r"(?<![\w@])(?:https?://[^\s,;)]+|(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:de|com|org|net|eu|berlin)"
                 r"(?:/[^\s,;)]*)?)", re.I)
PARTIAL = 0.5  # answer-type strength of a number next to nothing the question asks about
YEAR_ONLY = 0.75  # answer-type strength of a bare year or period for "wann" (a day is more specific)
CONDITION = 0.5  # … of a condition ("wenn …", "…, deren Familien …") for "wann": it may answer, a time is likelier
STREET_REACH = 40  # characters before a number searched for the street it would be the house number of
COUNT_WINDOW = 3  # words around a number in which the counted thing must appear
ARTICLE_REACH = 8  # how far before an organisation word its article is looked for
UNIT_REACH = 30  # how far after a number its unit may follow ("11,5 Mio. Euro", "587.000 Quadratkilometer")
YEAR_LABEL = 8  # how far before a value its year label ("2020: 27,7 %") is looked for
MEASURE_WINDOW = 8  # words after "wie hoch" in which the measured thing must appear
MEASURE_ADJECTIVES = 2  # lower-case words before it ("die durchschnittliche monatliche Miete")
DEFINITION_WINDOW = 4  # words after the defined term in which "ist", "bezeichnet" … must follow
_JOINERS = {"für", "und", "der", "des", "von", "im", "in", "zur", "zum"}
# words before a run of capitalised nouns that make it a noun phrase, not a name (see SpanFinder._name_pair)
_DETERMINERS = frozenset("der die das den dem des ein eine einer einen einem eines im am zum zur vom beim ins "
                         "ans aufs dieser diese dieses diesen diesem jede jeder jedes kein keine keinen".split())
MONTHS_PER_YEAR = 12
_DAY_MONTH = re.compile(r"\b\d{1,2}\.\s?(\d{1,2})\.")  # "3.10.", "03. 10." (a day and month without the year)
_QUOTED_NAME = re.compile(r"\s?[„\"»][^“”\"«]{1,60}[“”\"«]")
_PRONOUNS = frozenset("sie ihr ihre ihren ihrem ihnen ich er es wir".split())
# a time of day or span of one: "17 Uhr", "13–16 Uhr", "von 13 bis 16 Uhr", "zwischen 10 und 12 Uhr"
_CLOCK = re.compile(r"(?<![\d.,])\d{1,2}(?:[:.]\d{2})?(?:\s?(?:[–-]|bis|und)\s?\d{1,2}(?:[:.]\d{2})?)?\s?Uhr\b")
BOUND_CHARS = 12  # how far before a date "bis zum" / "seit" is looked for
NAME_WORDS = 2  # a person's name as marked: first name and surname
SENTENCE_END_LETTERS = 4  # a word of at least this many letters before a period ends a sentence ("Abt." does not)
_T = TypeVar("_T")
QUESTIONS_REMEMBERED = 64  # questions whose dates and counted noun a finder keeps (one server asks many)


def _ends_sentence(token: str) -> bool:
    return token.endswith(".") and len(token.rstrip(".")) >= SENTENCE_END_LETTERS


# DateRange: (first day, last day, text as written)
DateRange = tuple[date, date, str]


def _months_between(lo: date, hi: date) -> set[int]:
    """The calendar months from ``lo`` to ``hi`` (all twelve for a span of a year or more)."""
    if (hi.year - lo.year) * MONTHS_PER_YEAR + hi.month - lo.month >= MONTHS_PER_YEAR - 1:
        return set(range(1, MONTHS_PER_YEAR + 1))
    months, y, m = set(), lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        months.add(m)
        y, m = (y + 1, 1) if m == MONTHS_PER_YEAR else (y, m + 1)
    return months


@dataclass
class SpanFinder:
    cues: Cues
    areas: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        months = sorted(self.cues.months, key=len, reverse=True)
        month = "(?:" + "|".join(re.escape(m) for m in months) + ")" if months else "(?!x)x"
        self._day = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(" + _YEAR + r"|\d{2})(?!\d)")
        self._day_named = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(" + month + r")\s+(" + _YEAR + r")(?!\d)", re.I)
        # a day and month with or without a year ("3. März", "03.03.", "29.03.2022"): the day a question names
        self._day_month = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(?:(\d{1,2})\.|(" + month + r")\b)", re.I)
        self._month = re.compile(r"(?<![\w.])(" + month + r")\s+(" + _YEAR + r")(?!\d)", re.I)
        self._period = re.compile(
            r"(?<![\d./])(" + _YEAR + r")\s?(?:[/–-]|\s+bis\s+)\s?(" + _YEAR + r"|\d{2})(?!\d|\.\d)")
        self._year = re.compile(r"(?<![\d./,-])(" + _YEAR + r")(?![\d/,]|\.\d|er)")
        # a decade: "in den 1980er Jahren", "1990er-Jahre" (its own period, not the year 1980)
        self._decade = re.compile(r"(?<![\d./,-])((?:1[0-9]|20)\d0)er(?:[\s-]+Jahren?|[\s-]+Jahre)?(?!\w)")
        # Times that answer "wann" besides the dates above, read only for that answer type (as dates everywhere,
        # "1200" or "1500" would be years in every figure): earlier years ("am 12. Mai 1705", "um 1347"; a bare year
        # only when no noun follows, after at most one lower-case word: "1200 neue Wohnungen" is a count),
        # centuries, a day or month without a year ("am 3. März", "im März"), a time of day ("um 18 Uhr") and how
        # often something recurs ("alle zwei Jahre", "jeden Dienstag": cues.yaml date.recurrence).
        old = r"(?:1[0-8]\d\d|19[0-4]\d)"
        # no noun right after, nor after an adjective ("1200 neue Wohnungen"; "1347 in Europa" is a year)
        adjective = r"(?:(?!(?:der|die|das|den|dem|des|eine?[mnrs]?)\s)[a-zäöüß]+(?:e|en|er|es|em)\s+)"
        no_noun = r"(?!\s+" + adjective + r"?[A-ZÄÖÜ])(?!\s*[%€])"
        self._other_times = [
            re.compile(r"(?<![\d.])\d{1,2}\.\s?(?:" + month + r")\s+" + old + r"(?!\d)", re.I),
            re.compile(r"(?<![\w.])(?:" + month + r")\s+" + old + r"(?!\d)", re.I),
            re.compile(r"(?<![\d./])" + old + r"\s?(?:[/–-]|\s+bis\s+)\s?(?:" + old + r"|\d{2})(?!\d|\.\d)" + no_noun),
            re.compile(r"(?<![\d./,-])" + old + r"(?![\d/,]|\.\d)(?!\s*(?:bis|und|–|-)\s*\d)" + no_noun),
            re.compile(r"\b(?:im\s+Jahre?|anno)\s+\d{3,4}\b", re.I),
            re.compile(r"(?<![\d.])\d{1,2}\.\s?(?:Jahrhunderts?|Jh\.)", re.I),
            self._day_month,
            re.compile(r"\b(?:im|ab|bis|seit|Anfang|Mitte|Ende)\s+(?:" + month + r")\b", re.I),
            re.compile(r"(?<![\d.,])\d{1,2}(?:[:.]\d{2})?\s?Uhr\b"),
        ]
        recurrence = phrase_pattern(self.cues.recurrence)
        if recurrence is not None:
            self._other_times.append(recurrence)
        # a weekday is a day ("am Sonntag"), for "an welchem Tag"
        weekday = phrase_pattern(tuple(f"am {d}" for d in self.cues.weekdays) + tuple(f"on {d}" for d in
                                                                                     self.cues.weekdays))
        self._day_exact = [self._other_times[0], self._day_month]
        if weekday is not None:
            self._other_times.append(weekday)
            self._day_exact.append(weekday)
        self._condition = phrase_pattern(self.cues.condition_markers)
        # "bis zum" / "seit" right before a date: the end or the beginning of something
        self._end_bound = phrase_pattern(self.cues.end_words, end=r"\s*$")
        self._end_markers = phrase_pattern(self.cues.end_markers)
        self._start_bound = phrase_pattern(self.cues.start_words, end=r"\s*$")
        self._roles = tuple(r.lower() for r in self.cues.person_roles)
        self._count_question = phrase_pattern(self.cues.count_question)
        self._measure_question = phrase_pattern(self.cues.measure_question)
        self._any_counter = {w.lower() for w in self.cues.any_counter}
        # what is read from a question once and asked of every candidate sentence (its dates, the counted noun)
        self._asked: dict[tuple[str, str], object] = {}
        # also as the first part of a hyphenated adjective: "die sechs-malige Gewinnerin" won six times; not of a
        # noun compound, which names a thing ("Vier-Felder-Tabelle")
        self._number_words = phrase_pattern(self.cues.words.get("number", ()),
                                            end=r"(?=(?-i:-[a-zäöüß])|(?![\w-]))")
        streets = "|".join(re.escape(e) for e in sorted(self.cues.street_endings, key=len, reverse=True))
        # a street name right before the number: "Märkische Allee 410", "Rosenbecker Str. 3"
        self._street = re.compile(r"(?:" + streets + r")\.?\s+$", re.I) if streets else None
        units = sorted(self.cues.units, key=len, reverse=True)
        self._units = re.compile(r"\s?(?:" + "|".join(re.escape(u) for u in units) + r")(?![\w])", re.I) \
            if units else None
        self._past = phrase_pattern(self.cues.past_markers)
        self._reference = phrase_pattern(self.cues.reference_markers)
        self._definition = phrase_pattern(self.cues.definition_verbs)
        self._org_words = {w.lower() for w in self.cues.words.get("organisation", ())}
        self._org_endings = tuple(e.lower() for e in self.cues.endings.get("organisation", ()))
        self._place_words = {w.lower() for w in self.cues.words.get("place", ())}
        self._place_endings = tuple(e.lower() for e in self.cues.endings.get("place", ()))
        self._online_words = {w.lower() for w in self.cues.online_words}
        self._articles = {w.lower() for w in self.cues.articles}
        self._referring = self._articles | {w.lower() for w in self.cues.reference_prepositions}
        # a name after an office word: in quotation marks or brackets, an abbreviation, a hyphenated proper name, or
        # a genitive or "für" phrase ("die Senatsverwaltung für Stadtentwicklung")
        joiners = "|".join(re.escape(w) for w in self.cues.name_joiners) or "für"
        self._named_after = re.compile(r"\s*(?:[(„\"»]|(?:" + joiners + r")\s+[A-ZÄÖÜ]|[A-ZÄÖÜ]{2,}\b|"
                                       r"[A-ZÄÖÜ]\w*-[A-ZÄÖÜ])")
        self.places = load_gazetteer(tuple(self.areas))

    @classmethod
    def for_cues(cls, cues: Cues, areas: tuple[str, ...] = ()) -> SpanFinder:
        key = (id(cues), areas)
        if key not in _FINDERS:
            _FINDERS[key] = cls(cues, areas)
        return _FINDERS[key]

    # ---- places and years a text names
    def places_in(self, text: str) -> list[str]:
        """Districts, Ortsteile and the corpus's areas the text names (``assistant/places.py``)."""
        return self.places.places_in(text)

    def years_in(self, text: str) -> list[str]:
        return [m.group(1) for m in self._year.finditer(text)]

    def days_named(self, text: str) -> set[tuple[int, int]]:
        """(day, month) of every calendar day the text names, with or without its year."""
        out: set[tuple[int, int]] = set()
        for m in self._day_month.finditer(text):
            day = int(m.group(1))
            month = int(m.group(2)) if m.group(2) else self.cues.months.get(m.group(3).lower(), 0)
            # "Mitte", "Ende" … are month words for periods, not calendar months of a day
            if 1 <= day <= 31 and 1 <= month <= 12 and (m.group(2) or m.group(3).lower() not in
                                                         self.cues.vague_months):
                out.add((day, month))
        return out

    def speaks_of_past(self, sentence: str) -> bool:
        return bool(self._past and self._past.search(sentence))

    def states_a_figure(self, sentence: str) -> bool:
        """The sentence gives a figure with its reference date ("36,8 % | 31.12.2024"): the date is no event."""
        return "%" in sentence or bool(self._reference and self._reference.search(sentence))

    # ---- dates
    def dates(self, text: str) -> list[DateRange]:
        """Dates and periods with their first and last day; more specific forms first, no overlaps."""
        out: list[DateRange] = []
        taken: list[tuple[int, int]] = []

        def add(m: re.Match, lo: date | None, hi: date | None) -> None:
            if lo is None or hi is None or any(m.start() < e and s < m.end() for s, e in taken):
                return
            taken.append((m.start(), m.end()))
            out.append((lo, hi, m.group(0).strip()))

        for m in self._day.finditer(text):
            year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
            d = _safe_date(year, int(m.group(2)), int(m.group(1)))
            add(m, d, d)
        for m in self._day_named.finditer(text):
            d = _safe_date(int(m.group(3)), self.cues.months[m.group(2).lower()], int(m.group(1)))
            add(m, d, d)
        for m in self._month.finditer(text):
            year, month = int(m.group(2)), self.cues.months[m.group(1).lower()]
            add(m, _safe_date(year, month, 1), _safe_date(year, month, calendar.monthrange(year, month)[1]))
        for m in self._period.finditer(text):
            first, last = int(m.group(1)), m.group(2)
            end = int(last) if len(last) == 4 else (first // 100) * 100 + int(last)
            if end >= first:
                add(m, date(first, 1, 1), date(end, 12, 31))
        for m in self._decade.finditer(text):
            add(m, date(int(m.group(1)), 1, 1), date(int(m.group(1)) + 9, 12, 31))
        for m in self._year.finditer(text):
            add(m, date(int(m.group(1)), 1, 1), date(int(m.group(1)), 12, 31))
        return out

    def _date_spans(self, text: str, *, answer: bool = False) -> list[tuple[int, int, bool]]:
        """(start, end, day-exact) of every date or period; with ``answer``, also the other times that answer
        "wann" (earlier years, a day without a year, recurrences …)."""
        spans = []
        for lo, hi, written in self.dates(text):
            start = text.find(written)
            spans.append((start, start + len(written), lo == hi))
        if answer:
            day_exact = self._day_exact
            for pattern in self._other_times:
                for m in pattern.finditer(text):
                    if not any(m.start() < e and s < m.end() for s, e, _ in spans):
                        spans.append((m.start(), m.end(), pattern in day_exact))
        return spans

    # ---- answer types
    def strength(self, kind: str, sentence: str, query: Query) -> float:
        """How clearly the sentence holds what the question word asks for: 1 for a day-exact date, a number
        right before an asked-about word ("13 Gebieten"), a named body or place; less for a bare year or a number
        about something else; 0 when absent."""
        if kind == "definition":
            return 1.0 if self._defines(sentence, query) else 0.0
        if kind == "reason":  # "Warum …?" is answered by a reason or a purpose, not by what happened
            return 1.0 if self.cues.reason is not None and self.cues.reason.search(sentence) else 0.0
        if kind == "date":
            if query.asks_time:  # "Um welche Uhrzeit …?": a day is no answer
                return 1.0 if _CLOCK.search(sentence) else 0.0
            # a time the question itself names ("… Infrastrukturmaßnahmen 2025 bis 2027") answers no "wann"
            spans = [sp for sp in self._date_spans(sentence, answer=True)
                     if not self._named_by(sentence[sp[0]:sp[1]], query) and not self._other_end(sentence, sp, query)]
            if spans and query.asks_bound == "end" and self._end_markers is not None \
                    and not self._end_markers.search(sentence):
                return 0.0  # "Wann ist das QM zu Ende?": the date of a survey it held gives no end
            if not spans:
                # "wann" as "under what condition": "wenn …" or a relative clause ("…, deren Familien …") answers
                # (not for "in welchem Jahr" or "an welchem Tag", which ask for a time)
                conditional = not query.asks_year and not query.asks_day and self._condition is not None
                return CONDITION if conditional and self._condition.search(sentence) else 0.0
            if query.asks_day:
                # "An welchem Tag im Oktober …?" is not answered by a day in December
                months = self.asked_months(query.text)
                spans = [sp for sp in spans if not months or self._in_months(sentence[sp[0]:sp[1]], months)]
            if any(day for _, _, day in spans):
                return 1.0
            # a year or month answers "wann", but not "an welchem Tag" or "welches Datum"
            return 0.0 if query.asks_day else 1.0 if query.asks_year else YEAR_ONLY
        if kind == "number":
            if query.asks_duration and self._period_span(sentence, query):
                # a period of what is asked about ("Förderzeitraum | 1999 bis 2020" … of the QM); another one
                # ("Pilotphase 2019/2020" for "Wie lange dauert die Sprechstunde?") only half answers
                terms = set(_ANALYZER.terms(sentence))
                return 1.0 if any(c.found_in(terms) for c in query.focus) else PARTIAL
            spans = self._answer_numbers(sentence, query)
            if query.unit:
                # "… in Hektar?": only a figure in hectares answers
                spans = [sp for sp in spans if self._in_unit(sentence, sp, query.unit)]
            return 0.0 if not spans else (1.0 if any(self._counts_focus(sentence, sp, query) for sp in spans)
                                          else PARTIAL)
        if kind == "place":
            place, reachable = self._place_span(sentence, query)
            return 0.0 if place is None else 1.0 if reachable else PARTIAL
        found = self.span(kind, sentence, query)
        if found:
            return PARTIAL if kind == "organisation" and self._refers_back(sentence, found, query) else 1.0
        return PARTIAL if kind == "organisation" and self._name_pair(sentence, query) else 0.0

    def _period_span(self, sentence: str, query: Query) -> tuple[int, int] | None:
        """The first period over more than one year the sentence names ("1999 bis 2020"), unless the question
        names it itself."""
        for lo, hi, written in self.dates(sentence):
            at = sentence.find(written)
            if hi.year > lo.year and at >= 0 and not self._named_by(written, query):
                return at, at + len(written)
        return None

    def refers_back(self, sentence: str, query: Query) -> bool:
        """The office that answers a "Welches Büro …?" question is only referred back to ("Das Planungsbüro hat
        …"): the sentence does not name it."""
        if not query.category or self.strength("organisation", sentence, query) >= 1.0:
            return False
        return any(stem(m.group(0)).endswith(query.category) and self._bare_reference(sentence, m.span())
                   for m in _WORD.finditer(sentence))

    def _refers_back(self, sentence: str, found: tuple[int, int], query: Query) -> bool:
        # "Welches Büro …?" is not answered by "Das Planungsbüro hat …", which refers back to an office named
        # elsewhere ("wer bezahlt …?" is answered by "das Jugendamt")
        return bool(query.category) and stem(sentence[found[0]:found[1]]).endswith(query.category) \
            and self._bare_reference(sentence, found)

    def _bare_reference(self, sentence: str, span: tuple[int, int]) -> bool:
        """The organisation is one common noun after a definite article or a word that refers back as one does, with
        no name after it ("das Planungsbüro hat …", "laut Planungsbüro", "das Planungsbüro Entwürfe vorlegte"; not
        "das Planungsbüro „die raumplaner“", "die SPK", "die Senatsverwaltung für Stadtentwicklung" or "das
        Bezirksamt Marzahn-Hellersdorf")."""
        words = sentence[span[0]:span[1]].split()
        # the name's capitalised words before the office may be the referring word itself ("Laut Planungsbüro")
        before = _WORD.findall(sentence[max(0, span[0] - ARTICLE_REACH):span[0]])
        while len(words) > 1 and words[0].lower() in self._referring:
            before.append(words.pop(0))
        if len(words) > 1 or words[0].isupper():
            return False
        return bool(before) and before[-1].lower() in self._referring and not self._named_after.match(sentence,
                                                                                                  span[1])

    def _name_pair(self, sentence: str, query: Query) -> bool:
        """A person's or a team's name may answer "wer" where no body or office is named ("Den Rekord hielt John
        Elway.")."""
        return bool(self.names(sentence, query))

    def names(self, sentence: str, query: Query) -> list[tuple[int, int]]:
        """Spans of runs of two or more capitalised words that may be a name. German capitalises every noun, so
        only a run counts that does not open the sentence, does not follow an article or a preposition fused with
        one ("das Programm Soziale Stadt", "im Sommer Kinder") and holds no pronoun ("Sie") and no word the
        question uses."""
        asked = {c.term for c in query.focus}
        tokens = list(_WORD.finditer(sentence))
        out: list[tuple[int, int]] = []
        run: list[re.Match[str]] = []
        before = ""
        roles = self._roles

        def close() -> None:
            # a role and the name after it ("die Bezirksbürgermeisterin Erika Mustermann"): the two words after
            # the role are the name, whatever stands before the role
            at = next((k for k in range(len(run) - NAME_WORDS) if run[k].group(0).rstrip(".").lower().endswith(roles)),
                      None) if roles else None
            if at is not None:
                out.append((run[at + 1].start(), run[at + NAME_WORDS].end()))
            elif len(run) >= NAME_WORDS and before not in _DETERMINERS:
                out.append((run[0].start(), run[-1].end()))
            run.clear()

        for i, m in enumerate(tokens):
            word = m.group(0).rstrip(".")  # "Sandra Scheeres." ends a sentence, the name is "Sandra Scheeres"
            if run and sentence[run[-1].end():m.start()].strip():
                close()  # punctuation between: "Katrin Lompscher (Stadtentwicklung …" ends the name
            opens = i == 0 or _ends_sentence(tokens[i - 1].group(0))
            if not opens and word[:1].isupper() and word.replace("-", "").isalpha() and not word.isupper() \
                    and word.lower() not in _PRONOUNS and stem(word) not in asked:
                if not run:
                    before = tokens[i - 1].group(0).lower()
                run.append(m)
            else:
                close()
            if _ends_sentence(m.group(0)):
                close()
        close()
        return [(start, start + len(sentence[start:end].rstrip("."))) for start, end in out]

    def person(self, sentence: str, query: Query) -> tuple[int, int] | None:
        """The name closest to what the question asks about ("Wer war 2018 Senatorin für Integration, Arbeit und
        Soziales?": of three senators, the one whose bracket names that office)."""
        names = self.names(sentence, query)
        focus = {c.term for c in query.focus}
        # "Elke Breitenbach (Integration, Arbeit und Soziales)": a bracket right after a name says whose it is
        for start, end in names:
            bracket = re.match(r"\s*\(([^)]*)\)", sentence[end:])
            if bracket and set(_ANALYZER.terms(bracket.group(1))) & focus:
                return start, end
        return self._nearest(names, sentence, query)

    def span(self, kind: str, sentence: str, query: Query) -> tuple[int, int] | None:
        """Character span of the phrase that answers a question of this type, or None."""
        if kind == "date":
            clock = _CLOCK.search(sentence) if query.asks_time else None
            if clock:
                return clock.start(), clock.end()
            # a calendar date beats the other times ("am Dienstag, 29.03.2022"), a full date beats a year; a time
            # the question itself names is no answer to "wann"
            for answer in (False, True):
                spans = self._date_spans(sentence, answer=answer)
                spans = [s for s in spans if not self._named_by(sentence[s[0]:s[1]], query)
                         and not self._other_end(sentence, s, query)] or spans
                if spans:
                    spans.sort(key=lambda s: (not s[2], s[0]))
                    return spans[0][0], spans[0][1]
            return None
        if kind == "number":
            spans = self._answer_numbers(sentence, query)
            if query.unit:
                spans = [sp for sp in spans if self._in_unit(sentence, sp, query.unit)]
            # the value given for the asked year: "25,0 % (2015: 37,9 %; 2020: 27,7 %)" for "… 2020?"
            dated = [sp for sp in spans if any(re.search(rf"\b{y}\s*:\s*$", sentence[max(0, sp[0] - YEAR_LABEL):sp[0]])
                                               for y in query.asked_years)]
            if dated:
                return dated[0]
            counted = [sp for sp in spans if self._counts_focus(sentence, sp, query)]
            # a number about something else is no answer to mark ("31,8 % der Minderjährigen" for "wie viel Miete")
            if counted:
                return self._nearest(counted, sentence, query)
            return self._period_span(sentence, query) if query.asks_duration else None
        if kind == "organisation":
            # "Welches Planungsbüro …?" is answered by the name after that word: Planungsbüro „die raumplaner“
            kind_named = self._kind_named(sentence, query)
            if kind_named:
                return kind_named
            named = self._named(sentence, query, self._org_words, self._org_endings, abbreviations=True)
            quoted = _QUOTED_NAME.match(sentence, named[1]) if named else None
            # the name in quotation marks after it is part of it: Planungsbüro „die raumplaner“
            return (named[0], quoted.end()) if named and quoted else named
        if kind == "place":
            return self._place_span(sentence, query)[0]
        return None

    def _kind_named(self, sentence: str, query: Query) -> tuple[int, int] | None:
        """The kind of thing a "welches …" question asks for, followed by a name in quotation marks: the word and
        the name ("Planungsbüro „die raumplaner“" for "Welches Planungsbüro …?")."""
        if not query.category_terms:
            return None
        for m in _WORD.finditer(sentence):
            if stem(m.group(0)) in query.category_terms:
                quoted = _QUOTED_NAME.match(sentence, m.end())
                if quoted:
                    return m.start(), quoted.end()
        return None

    def _place_span(self, sentence: str, query: Query) -> tuple[tuple[int, int] | None, bool]:
        """(the place that answers "wo", whether one can go there): for a question about the web or about finding
        something to read, a web address first; else a place one can go to, and only then a web address."""
        urls = [(m.start(), m.end()) for m in URL.finditer(sentence)]
        if query.asks_online and urls:
            return urls[0], True
        physical = self._named(sentence, query, self._place_words - self._online_words, self._place_endings)
        if physical or query.asks_online:
            return physical or self._named(sentence, query, self._place_words, self._place_endings), True
        web = urls[0] if urls else self._named(sentence, query, self._online_words, ())
        return web, False

    def _counts_focus(self, sentence: str, span: tuple[int, int], query: Query) -> bool:
        """A number next to a noun the question asks about, in the same clause, counts or measures that thing
        ("zehn Schlüsselmaßnahmen", "36,8 % der Minderjährigen", "Arbeitslosigkeit im Bezirk: 6,3 %")."""
        after = re.split(r"[:;,.(]\s", sentence[span[1]:span[1] + 60] + " ", maxsplit=1)[0]
        before = re.split(r"[;,.(]\s", " " + sentence[max(0, span[0] - 60):span[0]])[-1]
        near = _WORD.findall(after)[:COUNT_WINDOW] + _WORD.findall(before)[-COUNT_WINDOW - 1:]
        # only nouns (capitalised): "100 % gefördert" does not count "gefördert"
        terms = {t for w in near if w[:1].isupper() for t in (*_ANALYZER.terms(w), stem(w.strip(".-")))}
        return any(c.found_in(terms) for c in query.focus)

    def _other_end(self, sentence: str, span: tuple[int, ...], query: Query) -> bool:
        """The date bounds the other end than the question asks for: "bis zum 27.03.2022" for "Ab welchem Datum
        …?", "seit 2015" for "Bis wann …?"."""
        if not query.asks_bound:
            return False
        pattern = self._end_bound if query.asks_bound == "start" else self._start_bound
        return bool(pattern and pattern.search(sentence[max(0, span[0] - BOUND_CHARS):span[0]]))

    def _named_by(self, written: str, query: Query) -> bool:
        """The time as written is one the question names itself: "2025–2027" for a question about "… 2025 bis
        2027", "2019/2020" for one about "die Pilotphase 2019/2020" (the same first and last day)."""
        ranges = {(lo, hi) for lo, hi, _ in self.dates(written)}
        return bool(ranges) and ranges <= {(lo, hi) for lo, hi, _ in self.asked_dates(query.text)}

    def counted_noun(self, question: str) -> str | None:
        """The thing a "wie viele" question counts, as written: the first capitalised word within a few words
        after the question phrase, places skipped ("Wie viele neue Kitas …", "Wie viele in Berlin lebende Kinder
        …"); None when that word is a unit ("Wie viele Euro …": an amount, not things) and in a question without
        capitals."""
        return self._read_once("counted", question, self._read_counted_noun)

    def measured_noun(self, question: str) -> str | None:
        """The thing a "wie hoch / wie viel" question measures, as written: the first capitalised word after the
        question phrase, past verbs, fillers, times, places and up to two adjectives ("Wie hoch ist die
        Arbeitslosenquote …", "Wie viel Geld …"); a generic measure ("Anteil", "Höhe") hands on to the thing after
        it ("Wie hoch ist der Anteil der Kinder …": "Kinder"). In a question without capitals only a word right
        after an article counts ("wie hoch is die miete"). None when no such word follows ("Wie viel kostet …?")."""
        return self._read_once("measured", question, self._read_measured_noun)

    def _read_measured_noun(self, question: str) -> str | None:
        m = self._measure_question.search(question) if self._measure_question else None
        if m is None:
            return None
        lower = question == question.lower()
        skip = {w.lower() for w in self.cues.measure_skip}
        articles = {w.lower() for w in self.cues.articles}
        generic = {w.lower() for w in (*self.cues.number_nouns, *self.cues.measure_generic)}
        genitive = {w.lower() for w in self.cues.genitive}
        times = {w.lower() for w in (*self.cues.months, *self.cues.vague_months, *self.cues.weekdays)}
        after_article, after_generic, adjectives = False, False, 0
        for word in _WORD.findall(question[m.end():])[:MEASURE_WINDOW]:
            low = word.lower().strip(".-")
            if after_generic and low not in genitive:
                return None  # "Wie viel Geld sollte im Rahmen …": the unit will tell
            if low in skip or low in times or low.isdigit():
                continue  # "Wie hoch war Ende 2024 die …": when, not what
            if self.places_in(word):
                continue  # "Wie hoch ist in Marzahn-Nord die …": where, not what
            if low in articles or (after_generic and low in genitive):
                after_article, after_generic = True, False
                continue
            # a noun right after the phrase ("wie viel Geld") or after an article ("wie lange gilt die Zweckbindung");
            # not after other words ("wie viel müssen private Antragsteller tragen": the payers)
            if (word[:1].isupper() and not lower and (after_article or not adjectives)) or (lower and after_article):
                # a unit is a measure too: "Wie viel Prozent der Kinder …" measures the children
                if low in generic or (self._units and self._units.fullmatch(word)):
                    after_article, after_generic = False, True
                    continue
                return word.strip(".-")
            if word[:1].isupper() or lower or adjectives >= MEASURE_ADJECTIVES:
                return None
            adjectives += 1  # a verb before the article ("gilt"), an adjective after it ("durchschnittliche")
        return None

    def asked_dates(self, question: str) -> list[DateRange]:
        """The dates and periods a question names (``dates``), read once per question."""
        return self._read_once("dates", question, self.dates)

    def asked_months(self, question: str) -> set[int]:
        """The calendar months a question names by name ("im Oktober"), with or without a year; not the words for
        a part of the year ("Mitte", "Sommer"), which also name other things (the district Mitte)."""
        vague = {w.lower() for w in self.cues.vague_months}
        return self._read_once("months", question, lambda q: {
            self.cues.months[w.lower()] for w in _WORD.findall(q)
            if w.lower() in self.cues.months and w.lower() not in vague})

    def _in_months(self, written: str, months: set[int]) -> bool:
        """A date as written lies in one of the months, or may: a period ("vom 28.09. bis 02.10.") counts if any
        of its months is asked, a day without a year is read by its month ("3.10.", "3. Oktober"), and a date whose
        month cannot be read is kept."""
        found = self.dates(written)
        if found:
            return any(m in months for lo, hi, _ in found for m in _months_between(lo, hi))
        named = {self.cues.months[w.lower()] for w in _WORD.findall(written) if w.lower() in self.cues.months}
        named |= {int(m.group(1)) for m in _DAY_MONTH.finditer(written) if 1 <= int(m.group(1)) <= MONTHS_PER_YEAR}
        return not named or bool(named & months)

    def _read_once(self, kind: str, question: str, read: Callable[[str], _T]) -> _T:
        """``read(question)``, remembered for the last few questions: ranking asks it of every candidate."""
        key = (kind, question)
        if key not in self._asked:
            if len(self._asked) >= QUESTIONS_REMEMBERED:
                self._asked.clear()
            self._asked[key] = read(question)
        return self._asked[key]  # type: ignore[return-value]  # stored under its kind by this method only

    def _read_counted_noun(self, question: str) -> str | None:
        m = self._count_question.search(question) if self._count_question else None
        if m is None or question == question.lower():
            return None
        for word in _WORD.findall(question[m.end():])[:COUNT_WINDOW + 1]:
            if not word[:1].isupper() or self.places_in(word):
                continue
            return None if self._units and self._units.fullmatch(word) else word.strip(".-")
        return None

    def counts_other(self, sentence: str, query: Query, glossary: Glossary | None = None) -> tuple[str, str] | None:
        """(the thing the sentence's numbers count, the thing the question counts) when each number is followed
        by a noun (after at most two lower-case words) that is not the asked one: "drei Wege der Beteiligung" for
        "Wie viele Menschen …?", "zehn Schlüsselmaßnahmen" for "Wie viele Kommentare …?". None when a number
        counts the asked thing (also as a ``glossary`` synonym: "Ressorts" for "Senatsverwaltungen"), stands without
        a noun ("Einwohner: 23.997") or the question counts nothing named."""
        counted = self._counted(sentence, query, glossary)
        if not counted or not counted[1] or any(noun is None or same for noun, same in counted[1]):
            return None
        return counted[1][0][0], counted[0]

    def counts_asked(self, sentence: str, query: Query, glossary: Glossary | None = None) -> bool:
        """A number of the sentence is followed by the thing a "wie viele" question counts ("13. Handlungsraum")."""
        counted = self._counted(sentence, query, glossary)
        return bool(counted) and any(same for _, same in counted[1])

    def _counted(self, sentence: str, query: Query,
                 glossary: Glossary | None) -> tuple[str, list[tuple[str | None, bool]]] | None:
        """(the asked thing, [(the noun after each answer number or None, whether it is the asked thing)]); None
        when the question counts nothing named. A share ("75 %", "die Hälfte der …") and a counter for anything
        ("390 Personen") have no noun of their own: they may count anything."""
        asked = self.counted_noun(query.question) or self.counted_noun(query.text)
        if not asked:
            return None
        key = stem(asked)
        alternatives = set().union(*(c.alternatives for c in query.focus if c.term == key or c.term in
                                     _ANALYZER.terms(asked))) if query.focus else set()
        out: list[tuple[str | None, bool]] = []
        for start, end in self._answer_numbers(sentence, query):
            noun = next((w for w in _WORD.findall(sentence[end:end + 60])[:COUNT_WINDOW] if w[:1].isupper()), None)
            if "%" in sentence[start:end] or any(w.lower() in self._any_counter for w in _WORD.findall(
                    sentence[start:end])) or noun is None \
                    or not re.match(r"\s*(?:[a-zäöüß]+\s+){0,2}" + re.escape(noun), sentence[end:]) \
                    or noun.strip(".-").lower() in self._any_counter:
                out.append((None, False))
                continue
            got = stem(noun.strip(".-"))
            same = got == key or (min(len(got), len(key)) >= 4 and (got.endswith(key) or key.endswith(got))) \
                or got in alternatives or bool(set(_ANALYZER.terms(noun)) & alternatives) \
                or (glossary is not None and glossary.synonymous(noun, asked))
            out.append((noun.strip(".-"), same))
        return asked, out

    def _answer_numbers(self, sentence: str, query: Query) -> list[tuple[int, int]]:
        """The numbers that may answer: not one the question itself names ("Wie viele Schulen haben mindestens
        75 %?" is not answered by "die Grenze liegt bei 75 %")."""
        found = self._numbers(sentence)
        if self._count_question and self._count_question.search(query.text):
            # a time of day counts nothing: "Einwohnerversammlung …, 17 Uhr" does not say how many came
            clocks = [m.span() for m in _CLOCK.finditer(sentence)]
            found = [sp for sp in found if not any(s <= sp[0] < e for s, e in clocks)]
        asked = {self._number_key(query.text[s:e]) for s, e in self._numbers(query.text)}
        return [sp for sp in found if self._number_key(sentence[sp[0]:sp[1]]) not in asked] if asked else found

    def _number_key(self, written: str) -> str:
        """A number as written, without its unit and case ("75 %" and "75" are the same number)."""
        m = _NUMBER.match(written)
        return m.group(0) if m else written.split()[0].lower() if written.split() else written

    def _numbers(self, sentence: str) -> list[tuple[int, int]]:
        in_dates = self._date_spans(sentence)
        found: list[tuple[int, int]] = []
        for m in _NUMBER.finditer(sentence):
            if any(s <= m.start() < e for s, e, _ in in_dates):
                continue  # a date or a year is no amount
            if self._house_number(sentence, m):
                continue  # "Märkische Allee 410" is an address, no amount
            found.append((m.start(), self._with_units(sentence, m.end())))
        if self._number_words:
            for m in self._number_words.finditer(sentence):
                if not any(s <= m.start() < e for s, e in found):
                    found.append((m.start(), self._with_units(sentence, m.end())))
        return sorted(found)

    def _house_number(self, sentence: str, m: re.Match[str]) -> bool:
        """A street name right before, a plain number of up to four digits, and no unit or noun after it: "(Märkische
        Allee 410)", "Rosenbecker Str. 3 in Marzahn"; not "je Kitaplatz 250 Euro", "Ausbildungsmarkt 500 Stellen"."""
        if self._street is None or not re.fullmatch(r"\d{1,4}", m.group(0)):
            return False
        if not self._street.search(sentence[max(0, m.start() - STREET_REACH):m.start()]):
            return False
        if self._with_units(sentence, m.end()) != m.end():
            return False
        following = re.match(r"[a-z]?\s*(\S*)", sentence[m.end():])  # "4a", then the next word
        return not (following and following.group(1)[:1].isupper())

    def _in_unit(self, sentence: str, span: tuple[int, int], forms: tuple[str, ...]) -> bool:
        """The number at ``span`` is written with one of the unit's ``forms`` ("250,41 ha", "75 %", "11,5 Mio.
        Euro"), short forms only as written."""
        after, within = _unit_patterns(forms, self.cues.multipliers)
        # from the number's last character on; or the unit is already part of the marked number
        return bool(after.match(sentence, span[1] - 1, span[1] + UNIT_REACH)
                    or within.search(sentence[span[0]:span[1]]))

    def _with_units(self, sentence: str, end: int) -> int:
        for _ in range(2):  # "11,5 Mio. Euro"
            m = self._units.match(sentence, end) if self._units else None
            if not m:
                break
            end = m.end()
        return end

    def _nearest(self, spans: list[tuple[int, int]], sentence: str, query: Query) -> tuple[int, int] | None:
        """Of several candidates, the one closest to a word the question asks about."""
        if not spans:
            return None
        focus = {c.term for c in query.focus}
        anchors = [m.start() for m in _WORD.finditer(sentence)
                   if stem(m.group(0).strip(".-")) in focus or set(_ANALYZER.terms(m.group(0))) & focus]
        if not anchors:
            return spans[0]
        return min(spans, key=lambda s: (min(abs(s[0] - a) for a in anchors), s[0]))

    def _named(self, sentence: str, query: Query, words: set[str], endings: tuple[str, ...],
               abbreviations: bool = False) -> tuple[int, int] | None:
        """An organisation or place word (by list, by ending, or an abbreviation like "SPK") the question does not
        itself name, extended over the capitalised words of its name; of several, the longest name (the most
        specific: "Sozialraumorientierte Planungskoordination (SPK)" rather than "Bezirk")."""
        asked = {c.term for c in query.focus}
        tokens = list(_WORD.finditer(sentence))
        found: list[tuple[int, int]] = []
        for i, m in enumerate(tokens):
            word = m.group(0).rstrip(".")
            low = word.lower()
            is_named = low in words or (word[:1].isupper() and len(low) >= 6 and low.endswith(endings)) or (
                abbreviations and 2 <= len(word) <= 5 and word.isupper() and word.isalpha())
            if not is_named or stem(word) in asked or any(s <= m.start() < e for s, e in found):
                continue
            if sentence[m.start() - 1:m.start()] == "[" and sentence[m.end():m.end() + 1] == "]":
                continue  # a source mark ("[GI]": belegt für die GI), no body
            found.append(self._extend(sentence, tokens, i, asked))
        return max(found, key=lambda s: (s[1] - s[0], -s[0])) if found else None

    @staticmethod
    def _extend(sentence: str, tokens: list[re.Match], i: int, asked: set[str]) -> tuple[int, int]:
        """The whole name around token i: capitalised words before and after, joiners ("für", "und") between
        capitalised words, and an abbreviation in brackets after it."""
        m = tokens[i]
        end = m.start() + len(m.group(0).rstrip("."))
        j = i + 1
        while j < len(tokens) and j <= i + 6:
            nxt = tokens[j].group(0).rstrip(".,")
            gap = sentence[end:tokens[j].start()]
            if gap.strip() not in ("", ",") or (gap.strip() == "," and not nxt[:1].isupper()):
                break
            if nxt[:1].isupper():
                token = tokens[j].group(0)
                if _ends_sentence(token):
                    end = tokens[j].start() + len(nxt)
                    break  # a sentence ends there: "… den Plan. Sozialraumorientierte …" is no one name
                # an abbreviation keeps its period and the name goes on ("Abt. Stadtplanung")
                end = tokens[j].end() if token.endswith(".") else tokens[j].start() + len(nxt)
            elif not (nxt.lower() in _JOINERS and j + 1 < len(tokens) and tokens[j + 1].group(0)[:1].isupper()):
                break
            j += 1
        start = m.start()
        k = i - 1  # capitalised words before belong to the name ("Sozialraumorientierte Planungskoordination")
        while k > 0 and k >= i - 3 and tokens[k].group(0)[:1].isupper() and not _ends_sentence(tokens[k].group(0)) \
                and sentence[tokens[k].end():start].strip() == "" and stem(tokens[k].group(0)) not in asked:
            start = tokens[k].start()
            k -= 1
        short = re.match(r"\s?\([A-ZÄÖÜ][\w-]{1,9}\)", sentence[end:])  # and its abbreviation: "(SPK)"
        return start, end + (short.end() if short else 0)

    def _defines(self, sentence: str, query: Query) -> bool:
        """A defining sentence names the asked-about term and right after it says what it is: "X ist ein …",
        "X bezeichnet …", "„X“: …"."""
        subject = [c for c in query.focus if c.term in query.subject] or query.focus
        if not subject or not self._definition:
            return False
        main = max(subject, key=lambda c: c.weight)
        for m in _WORD.finditer(sentence):
            terms = set(_ANALYZER.terms(m.group(0)))
            if not main.found_in(terms) and stem(m.group(0).strip(".-")) != main.term:
                continue
            # the term is what the clause is about: articles, prepositions and adjectives before it ("Ein
            # integriertes Handlungskonzept ist …", "Integrierte Handlungskonzepte sind …", "Der Begriff X …"), but
            # no noun that the term only completes ("Wunschliste statt Schlüsselmaßnahmen: …", "Die Liste der
            # Schlüsselmaßnahmen ist …"). A bracketed source mark such as "[GI]" is no part of the clause.
            clause = re.sub(r"\[[^\]]*\]", " ", re.split(r"[.;:!?]\s", sentence[:m.start()])[-1])
            before = _WORD.findall(clause)
            if any(w[:1].isupper() and _ANALYZER.terms(w) for w in before[:-1]):
                continue
            rest = sentence[m.end():m.end() + 80]
            # the colon, dash or verb within the next few words (the term may run on: "Berlin bewegt sich“: …")
            head = re.match(rf"(?:\W*\w+){{0,{DEFINITION_WINDOW}}}\W*", rest)
            head_text = head.group(0) if head else rest
            if re.search(r"[:=–]\s*\S", head_text + rest[len(head_text):len(head_text) + 2]) \
                    or self._definition.search(head_text):
                return True
        return False


_FINDERS: dict[tuple[int, tuple[str, ...]], SpanFinder] = {}


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def past_dates(sentence: str, finder: SpanFinder, today: date) -> list[str]:
    """The day-exact dates of a sentence when every date it names lies before today (else nothing)."""
    dates = finder.dates(sentence)
    if not dates or any(hi >= today for _, hi, _ in dates):
        return []
    return [written for lo, hi, written in dates if lo == hi]


@functools.lru_cache(maxsize=32)
def _unit_patterns(forms: tuple[str, ...], multipliers: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a unit right after a number, perhaps after a multiplier; the unit anywhere in a marked number)."""
    unit = "(?:" + "|".join(f"(?-i:{re.escape(f)})" if len(f) <= SHORT_UNIT else re.escape(f) for f in forms) + ")"
    mult = "|".join(re.escape(m) for m in multipliers)
    after = re.compile(r"\S*?\d?\s?(?:(?:" + mult + r")\s)?" + unit + r"(?![\w-])" if mult else
                       r"\S*?\d?\s?" + unit + r"(?![\w-])", re.I)
    return after, re.compile(r"(?<![\w-])" + unit + r"(?![\w-])", re.I)


def older_than(stand: str, years: int, today: date, finder: SpanFinder) -> bool:
    """Whether a document's Stand ("2020", "März 2022", "2020/21 (…)") lies more than ``years`` years back."""
    dates = finder.dates(stand or "")
    if not dates:
        return False
    newest = max(hi for _, hi, _ in dates)
    try:
        limit = newest.replace(year=newest.year + years)
    except ValueError:  # 29 February
        limit = newest.replace(year=newest.year + years, day=28)
    return limit < today
