"""Whether a question is written in English: English questions get the glossary's English words in German and
their own cues (cross-lingual similarities run lower). A share of common English function words is enough here;
a language-identification library would be one more dependency for a two-way decision."""

from __future__ import annotations

import re

# English function words that are no German words ("was", "in", "an", "die", "is" in Berlin German are)
_EN_STOP = frozenset(
    "the a are were what when where who which how many much does do did of on for to and or with by at from this "
    "that there their it its be can i you we may might must will would should could has have had not any all per "
    "as about under into than they he she his her our your my me us them these those here why whose whom been "
    "long far get gets got".split()
)
_DE_STOP = frozenset(
    "der die das den dem des ein eine einen einem einer und oder ist sind war waren wie wer was wann wo welche "
    "welcher welches welchen im am zum zur für mit von bei auf aus nicht es gibt hat haben wird werden kann ich "
    "man wir sie er ihr".split()
)
ENGLISH_SHARE = 0.3  # this share of a question's words are English function words …
ENGLISH_WITHOUT_GERMAN = 2  # … or this many, and no German function word ("Which body adopts the concept?")


def is_english(question: str) -> bool:
    words = re.findall(r"[a-zäöüß]+", question.lower())
    english = sum(w in _EN_STOP for w in words)
    return bool(words) and (english / len(words) >= ENGLISH_SHARE or (
        english >= ENGLISH_WITHOUT_GERMAN and not any(w in _DE_STOP for w in words)))
