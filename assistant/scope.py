"""Is a sentence about what the question names: the place, the year, the day? A figure for Marzahn-Nord is no
answer about Hellersdorf-Nord, one for 2024 none about 2020 (issue 8). The composer (assistant/answer.py) scores
candidates with these penalties and judges its lead with them; places come from assistant/places.py, dates from
assistant/spans.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from assistant.places import Gazetteer, Relation
from assistant.query import YEAR_BOUND_WORDS, Query, phrase_pattern
from assistant.retrieval import Passage
from assistant.scoring import Scoring
from assistant.spans import SpanFinder


def place_scope(sentence: str, p: Passage, asked: Sequence[str], finder: SpanFinder, figure: bool = False,
                ) -> tuple[Relation | None, list[str]]:
    """Where the sentence is, relative to the ``asked`` places, and the places that say so: those the sentence
    names, else those of its heading and title, else its document's areas. (None, []) when none names a place.
    ``figure``: the question asks for a number (see ``Gazetteer.best_relation``)."""
    gazetteer = finder.places
    where = finder.places_in(sentence) or finder.places_in(f"{p.title} {p.section}") \
        or [a for a in p.areas if a in gazetteer.parents]
    return gazetteer.best_relation(where, asked, figure), where


def place_penalty(sentence: str, p: Passage, query: Query, finder: SpanFinder, w: Scoring) -> float:
    """A sentence about another place is no answer, nor is a figure for the place around an asked area. One about
    no place, about a place around or inside the asked one (the district for one of its areas, or the reverse) or
    about a place of unknown location is a weak one, but only for the corpus's own areas: for a district or
    Ortsteil named in passing ("Wo in Hellersdorf …") a sentence naming no place is often the answer (measured on
    evals/dev.jsonl)."""
    if not query.places:
        return 0.0
    relation, where = place_scope(sentence, p, query.places, finder, query.answer_type == "number")
    if relation is Relation.OTHER or wider_figure(relation, query, where, finder.places):
        return w.wrong_scope
    if query.areas and relation is not Relation.SAME:
        return w.unscoped
    return 0.0


def wider_figure(relation: Relation | None, query: Query, where: Sequence[str] = (),
                 gazetteer: Gazetteer | None = None) -> bool:
    """A figure for a place around the asked one (the Ortsteil's population for an area, the district's rate for
    an Ortsteil) is no figure for it, nor is a figure for a place (``where``) inside one the question asks about as
    a whole ("in ganz Berlin"); only for number questions: who coordinates or when something happens in the
    district usually holds for its parts too. "im alten QM-Gebiet in Marzahn" names the Ortsteil only to locate a
    part of it."""
    if not query.places or query.answer_type != "number" or relation is Relation.SAME:
        return False
    inside = gazetteer is not None and any(gazetteer.relation(place, whole) is Relation.INSIDE
                                           for place in where for whole in query.whole_places)
    return relation is Relation.AROUND or inside


def scope_penalty(sentence: str, p: Passage, query: Query, finder: SpanFinder, w: Scoring,
                  asked_days: set[tuple[int, int]]) -> float:
    """A question about one area, year or day is not answered by a sentence about another: "a figure for
    Marzahn-Nord is no answer about Hellersdorf-Nord"; a district-wide figure is a weak answer about one of its
    areas. ``asked_days``: the calendar days the question names (``SpanFinder.days_named``, read once per question)."""
    return place_penalty(sentence, p, query, finder, w) + time_penalty(sentence, p, query, finder, w, asked_days)


def time_penalty(sentence: str, p: Passage, query: Query, finder: SpanFinder, w: Scoring,
                 asked_days: set[tuple[int, int]]) -> float:
    """The day and year part of ``scope_penalty``."""
    penalty = 0.0
    if asked_days:  # "Was war am 3. März …?": a sentence naming that day answers, one naming other days does not
        days = finder.days_named(sentence)
        if days & asked_days:
            penalty -= w.named_day
        elif days:
            penalty += w.wrong_scope
    # "heute" is not answered by "damals", and better by a recent statement than by one of 2017
    if present_against_past(query.text, sentence, finder, query.today, w.stale_years)[0]:
        penalty += w.wrong_scope
    if query.asked_years:  # not a bound ("seit 2015" is answered by a sentence on 2017)
        years = set(finder.years_in(sentence))
        # a source whose Stand is the asked year may speak of it without naming it, but not in a sentence that
        # names a later year ("Ende 2024 …" in a source of 2020)
        stand_holds = any(y in p.stand for y in query.asked_years) and not any(
            y > max(query.asked_years) for y in years)
        if years and not years & set(query.asked_years) and not stand_holds:
            penalty += w.wrong_scope
    elif _apart_from_asked_period(query, sentence, p, finder):
        penalty += w.wrong_scope
    return penalty


def _apart_from_asked_period(query: Query, sentence: str, p: Passage, finder: SpanFinder) -> bool:
    """The question asks about a period ("im Zeitraum 2025 bis 2027") and every time the sentence names lies
    outside it ("2021–2024: 25 Mio. Euro"): a figure for another period is no answer. A sentence naming no time
    may hold for any, and so may a bound ("Seit 2019 stehen jährlich …", "bis 2030") or a source whose Stand lies
    in the period."""
    periods = [(lo, hi) for lo, hi, _ in finder.asked_dates(query.text) if lo.year != hi.year]
    if not periods:
        return False
    starts, ends = phrase_pattern(finder.cues.start_words), phrase_pattern(finder.cues.end_words)
    named: list[tuple[date, date]] = []
    for lo, hi, written in finder.dates(sentence):
        before = " ".join(_words_before(sentence, written)[-1:])  # the word right before: "seit 2019", "bis 2030"
        if starts is not None and starts.fullmatch(before):
            hi = date.max  # from then on
        elif ends is not None and ends.fullmatch(before):
            lo = date.min  # until then
        named.append((lo, hi))
    # a source whose Stand lies in the period may speak of it, but not in a sentence on a later time
    # ("2021–2024: 25 Mio. Euro" in a source of 2018 is no answer about 2015 to 2018)
    later = any(lo > max(end for _, end in periods) for lo, _ in named)
    if not later and any(str(y) in p.stand for lo, hi in periods for y in range(lo.year, hi.year + 1)):
        return False
    return bool(named) and not overlap(named, periods)


def overlap(spans: Sequence[tuple], others: Sequence[tuple]) -> bool:
    """Some time span of ``spans`` shares a day with one of ``others`` (each: first day, last day, …)."""
    return any(a[0] <= b[1] and b[0] <= a[1] for a in spans for b in others)


def other_times(query: Query, sentence: str, finder: SpanFinder,
                p: Passage | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the times the question asks about, the times the sentence names), as written, when the sentence names only
    other times: "im Jahr 2020" is not answered by a figure for "Ende 2024", "an welchem Tag im Oktober 2022" not by
    "09.12.2022", "2025 bis 2027" (with the sentence's passage ``p``) not by "2021–2024". Empty tuples otherwise, and
    for a sentence naming no time (it may hold for any time). The asked
    times are the question's dates and months in the years it asks about (``Query.asked_years``: no bounds); a
    bound in the sentence ("Seit 2015 gibt es …") may hold for the asked time and is left aside."""
    now = present_against_past(query.text, sentence, finder)
    if now[0]:
        return now
    if not query.asked_years:
        # a period asked about ("2025 bis 2027") and a sentence only on times outside it ("2021–2024: 25 Mio. Euro")
        if p is None or not _apart_from_asked_period(query, sentence, p, finder):
            return (), ()
        asked_periods = [w for lo, hi, w in finder.asked_dates(query.text) if lo.year != hi.year]
        return tuple(asked_periods), tuple(dict.fromkeys(w for _, _, w in finder.dates(sentence)))
    asked = [d for d in finder.asked_dates(query.text) if any(y in d[2] for y in query.asked_years)] or \
        [(date(int(y), 1, 1), date(int(y), 12, 31), y) for y in query.asked_years]
    bound = phrase_pattern(finder.cues.year_bounds)
    named = [d for d in finder.dates(sentence)
             if bound is None or not bound.search(" ".join(_words_before(sentence, d[2])))]
    if query.asks_day and any(lo == hi for lo, hi, _ in named):
        named = [d for d in named if d[0] == d[1]]  # the days it names, not the month it names besides them
    if not named or overlap(named, asked):
        return (), ()
    return tuple(w for _, _, w in asked), tuple(dict.fromkeys(w for _, _, w in named))


def present_against_past(question: str, sentence: str, finder: SpanFinder, today: date | None = None,
                         stale_years: int | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the word by which the question asks about the present, the words by which the sentence speaks of the past):
    "Wer ist heute Senatorin …?" and "Damals zuständige Senatorinnen: …", or, given ``stale_years``, a sentence all
    of whose times lie more than that back; empty tuples otherwise, also when the question itself looks back ("Wie
    hieß das Programm früher?") or names a year. Only the ranking passes ``stale_years``: a recent statement is the
    better answer to "heute", but where the latest figure is old it still answers, with its age noted."""
    present, past = phrase_pattern(finder.cues.present_words), phrase_pattern(finder.cues.past_words)
    if present is None or past is None or past.search(question) or present.search(sentence):
        return (), ()  # the question looks back itself, or the sentence speaks of the present too
    asked = present.search(question)
    if not asked or finder.years_in(question):
        return (), ()
    named = past.search(sentence)
    if named:
        return (asked.group(0),), (named.group(0),)
    old = _long_past(sentence, finder, today or date.today(), stale_years) if stale_years is not None else ()
    return ((asked.group(0),), old) if old else ((), ())


def _long_past(sentence: str, finder: SpanFinder, today: date, stale_years: int) -> tuple[str, ...]:
    """The times the sentence names, as written, when all ended more than ``stale_years`` before ``today``
    ("am 22.08.2017 … mit einer Startaufstellung von drei Stellen" is no answer to "Wie viele Stellen hat die SPK
    heute?"); () when it names none or one that is recent or still runs ("seit 2018")."""
    starts = phrase_pattern(finder.cues.start_words)
    cutoff = date(today.year - stale_years, today.month, min(today.day, 28))
    named = finder.dates(sentence)
    for _, hi, written in named:
        before = " ".join(_words_before(sentence, written)[-1:])
        if hi >= cutoff or (starts is not None and starts.fullmatch(before)):
            return ()
    return tuple(dict.fromkeys(w for _, _, w in named))


def _words_before(sentence: str, written: str) -> list[str]:
    """The few words right before the first occurrence of ``written`` in ``sentence``."""
    at = sentence.find(written)
    return sentence[:max(at, 0)].split()[-YEAR_BOUND_WORDS:]
