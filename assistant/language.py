"""Whether a question is written in English: English questions get the glossary's English words in German and
their own cues (cross-lingual similarities run lower). Shares of common function words (``data/sprachen.yaml``)
are enough for this two-way decision; a language-identification library would be one more dependency, and short
questions full of German names ("How long may projects run under Europa im Quartier?") are where such tools err."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).resolve().parent / "data" / "sprachen.yaml"
ENGLISH_SHARE = 0.3  # this share of a question's words are English function words …
ENGLISH_AT_LEAST = 2  # … and at least this many, or no German function word stands beside them


@lru_cache(maxsize=1)
def _function_words() -> tuple[frozenset[str], frozenset[str]]:
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    return (frozenset(str(w).lower() for w in data.get("english") or ()),
            frozenset(str(w).lower() for w in data.get("german") or ()))


def is_english(question: str) -> bool:
    """The question is English: enough English function words, or some and no German ones ("Which body adopts the
    integrated action concept?")."""
    english_words, german_words = _function_words()
    # a name in quotation marks is in the documents' language: "… budget for 'Europa im Quartier' in Berlin?"
    unquoted = re.sub(r"[„“\"»«]([^„“”\"»«]*)[“”\"«»]|(?<!\w)'[^']*'(?!\w)", " ", question)
    words = re.findall(r"[a-zäöüß]+", unquoted.lower())
    english = sum(w in english_words for w in words)
    if not english:
        return False
    german = any(w in german_words for w in words)
    if english / len(words) >= ENGLISH_SHARE:
        return english >= ENGLISH_AT_LEAST or not german  # "What is GI?"; not "Kosten for Teilnehmer?"
    return english >= ENGLISH_AT_LEAST and not german
