"""The corpus glossary (``corpus/glossary.yaml``): abbreviations, contacts for refusals, known areas."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.language import is_english

GLOSSARY = "glossary.yaml"


@dataclass(frozen=True)
class Contact:
    name: str
    purpose: str


@functools.lru_cache(maxsize=1024)
def _word_start(word: str) -> re.Pattern[str]:
    """A synonym's pattern, compiled once: ``expand`` runs for every question and every search."""
    return re.compile(rf"\b{re.escape(word)}")


@functools.lru_cache(maxsize=1024)
def _abbreviation(short: str) -> re.Pattern[str]:
    """An abbreviation as a word of its own ("SPK", not the "spk" in a URL part "spk-")."""
    return re.compile(rf"(?<![\w-]){re.escape(short)}(?![\w-])")


def _word_lists(data: dict | None) -> dict[str, tuple[str, ...]]:
    """{word: (alternatives, …)} from a YAML mapping whose values are a list or one word."""
    return {str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v])) for k, v in (data or {}).items()}


@dataclass(frozen=True)
class Glossary:
    abbreviations: dict[str, str] = field(default_factory=dict)
    contacts: tuple[Contact, ...] = ()
    areas: tuple[str, ...] = ()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # abbreviations that, written in lower case, are ordinary words ("qm": Quadratmeter, not Quartiersmanagement)
    lowercase_words: frozenset[str] = frozenset()
    # English words with the German words documents use: applied to English questions only, since their stems
    # meet German words ("senate" is stemmed like "Senat", "rate" like "Rat")
    english: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, corpus_dir: Path) -> Glossary:
        path = corpus_dir / GLOSSARY
        if not path.exists():
            return cls()
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        contacts = tuple(Contact(str(c.get("name", "")), str(c.get("for", ""))) for c in data.get("contacts") or [])
        return cls(
            abbreviations={str(k): str(v) for k, v in (data.get("abbreviations") or {}).items()},
            contacts=contacts,
            areas=tuple(str(a) for a in data.get("areas") or []),
            synonyms=_word_lists(data.get("synonyms")),
            lowercase_words=frozenset(str(w).lower() for w in data.get("lowercase_words") or []),
            english=_word_lists(data.get("english")),
        )

    def synonyms_for(self, question: str) -> dict[str, tuple[str, ...]]:
        """The synonyms that apply to ``question``: with the English entries when it is written in English."""
        return {**self.synonyms, **self.english} if self.english and is_english(question) else self.synonyms

    @functools.cached_property
    def _synonym_groups(self) -> tuple[frozenset[str], ...]:
        """The terms of each synonym entry, the word and its alternatives together (analysed once)."""
        from assistant.lexical import Analyzer

        analyzer = Analyzer()
        return tuple(frozenset(analyzer.terms(word)).union(*(analyzer.terms(x) for x in alternatives))
                     for word, alternatives in self.synonyms.items())

    def synonymous(self, a: str, b: str) -> bool:
        """``a`` and ``b`` stand for each other: both belong to one synonym entry (the word or its alternatives),
        compared by their stems, whichever of them the entry lists first ("Ressorts" and "Senatsverwaltungen")."""
        from assistant.lexical import Analyzer

        analyzer = Analyzer()
        ta, tb = set(analyzer.terms(a)), set(analyzer.terms(b))
        return any(ta & group and tb & group for group in self._synonym_groups)

    def with_long_forms(self, text: str) -> str:
        """``text`` with the long form of each abbreviation it uses appended (a document's sentence: "die Bildung der
        OE SPK" is about the "Organisationseinheit Sozialraumorientierte Planungskoordination"); no synonyms."""
        extra = [long for short, long in self.abbreviations.items()
                 if _abbreviation(short).search(text) and long.lower() not in text.lower()]
        return text if not extra else f"{text} ({'; '.join(extra)})"

    def expand(self, question: str) -> str:
        """Append the long form of every abbreviation the question uses (case-sensitive for short ones,
        so "BA" matches but "ba" in a word does not; not in a question written all in lower case, whose writer
        marks no abbreviation: "wann wurde die gi beschlossen")."""
        extra: list[str] = []
        lowered = question.lower()
        uncased = question == lowered
        for word, alternatives in self.synonyms_for(question).items():
            if _word_start(word.lower()).search(lowered):
                extra.extend(a for a in alternatives if a.lower() not in lowered)
        for short, long in sorted(self.abbreviations.items(), key=lambda kv: -len(kv[0])):
            cased = len(short) <= 3 and short.isupper()
            if uncased and cased and short.lower() in self.lowercase_words:
                continue  # "wie viele qm": square metres
            flags = 0 if cased and not uncased else re.I
            if re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", question, flags) and long.lower() not in \
                    question.lower():
                extra.append(long)
        return question if not extra else f"{question} ({'; '.join(extra)})"

    def explain(self, text: str, explained: set[str]) -> str:
        """Plain language for citizens: the first use of an abbreviation in an answer gets its long form in
        brackets ("SPK (Sozialraumorientierte Planungskoordination)"); ``explained`` carries what an earlier
        statement of the same answer already explained. Parts of compounds ("GI-Handlungsraum") stay as they
        are, and so does an abbreviation whose long form stands in the text already."""
        for short, long in sorted(self.abbreviations.items(), key=lambda kv: -len(kv[0])):
            if short in explained:
                continue
            m = re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text)
            if not m:
                continue
            explained.add(short)
            if long.lower() in text.lower() or f"({short})" in text:
                continue
            text = f"{text[:m.end()]} ({long}){text[m.end():]}"
        return text
