"""Berlin spellings read as standard German ("wie ville jeld kricht dit zentrum" -> "wie viele geld kriegt das
zentrum"). Question words, search terms and the facts a question insists on are all found in standard German, so a
citizen writing as they speak is understood like one writing the documents' words. The word list lives in
``data/berlinisch.yaml``; the j-for-g rule only changes a word the documents do not know into one they do, so
ordinary words ("ja", "jetzt", "Jugend") stay as written. Written by hand: spelling normalisers for German
dialects on PyPI target historical texts or need models this machine cannot download."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DIALECT_FILE = Path(__file__).resolve().parent / "data" / "berlinisch.yaml"
# a word, with a fused "'n" ("is'n") but not the "'n" of "Rock'n'Roll"; not part of a hyphenated name ("Dit-Zentrum")
_WORD = re.compile(r"(?<![\w-])[\wäöüÄÖÜß]+(?:['’]n\b)?(?![\w'’-])")


@dataclass(frozen=True)
class Dialect:
    words: dict[str, str]
    j_for_g: bool = False
    fused_endings: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path = DIALECT_FILE) -> Dialect:
        return _load(path)

    def standard(self, text: str, known: Callable[[str], bool] | None = None) -> str:
        """``text`` with every Berlin spelling in standard German; ``known`` tells whether the documents know a
        word (for the j-for-g rule; without it the rule is not applied). The word list changes only words in lower
        case and the question's first word ("Wat is dit?"): a capital inside the question marks a name ("Sebastian
        Det", "ET"). The j-for-g rule, which only turns unknown words into known ones, reads nouns too ("Jeld")."""
        first = re.search(r"[\wäöüÄÖÜß]", text)
        start = first.start() if first else 0

        def swap(m: re.Match[str]) -> str:
            word = m.group(0)
            return self._word(word, known, listed=word.islower() or m.start() == start)
        return _WORD.sub(swap, text)

    def _word(self, word: str, known: Callable[[str], bool] | None, listed: bool = True) -> str:
        if listed and word.lower() in self.words:  # "wer'n" is a word of the list as written
            return _same_case(word, self.words[word.lower()])
        word = next((word[:-len(e)] for e in self.fused_endings if word.lower().endswith(e) and len(word) > len(e)),
                    word)  # "is'n": "is"
        low = word.lower()
        if listed and low in self.words:
            return _same_case(word, self.words[low])
        if self.j_for_g and known is not None and "j" in low and not known(word):
            guess = low.replace("j", "g")
            if known(guess):
                return _same_case(word, guess)
        return word


def _same_case(written: str, standard: str) -> str:
    return standard[:1].upper() + standard[1:] if written[:1].isupper() else standard


@lru_cache(maxsize=4)
def _load(path: Path) -> Dialect:
    if not path.exists():
        return Dialect({})
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Dialect({str(k).lower(): str(v) for k, v in (data.get("words") or {}).items()},
                   bool(data.get("j_for_g")), tuple(str(e) for e in data.get("fused_endings") or ()))
