"""BM25 over chunks with German analysis: Snowball stemming (PyStemmer), stop words, umlaut/ß folding,
compound splitting against the corpus vocabulary, and typo-tolerant query terms (rapidfuzz). Scoring is bm25s.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
import yaml
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_GERMAN

_TOKEN = re.compile(r"[0-9A-Za-zÄÖÜäöüß]+(?:-[0-9A-Za-zÄÖÜäöüß]+)*")
_STEMMER = Stemmer.Stemmer("german")
TYPO_SCORE = 84  # rapidfuzz ratio from which an unknown word is read as a typo of a corpus word …
CLOSE_TYPO_SCORE = 90  # … and from which it is one even where corpus compounds begin with it
# an unknown word this long that begins corpus compounds is read as their first part, unless it is a close typo
MIN_PREFIX_CHARS = 6
STOP_WORDS_FILE = Path(__file__).resolve().parent / "data" / "stoppwoerter.yaml"


_WORD_LISTS = yaml.safe_load(STOP_WORDS_FILE.read_text(encoding="utf-8")) or {}


def _stop_words() -> frozenset[str]:
    """bm25s's German and English lists plus ``data/stoppwoerter.yaml``: bm25s's German list lacks question words,
    which every question carries and no passage answers with."""
    added = {str(w).lower() for w in _WORD_LISTS.get("add") or ()}
    return frozenset(STOPWORDS_GERMAN) | frozenset(STOPWORDS_EN) | added


_STOP = _stop_words()
_LINKERS = ("s", "es", "n", "en", "e", "")


def _modifier_base(modifier: str, known: set[str] | frozenset[str], min_chars: int,
                   stemmed: bool = False) -> str | None:
    """The first part of a compound without its linking letters ("handlungs" -> "handlung"), if that is a known
    word of at least ``min_chars`` letters (``stemmed``: or its stem is, for a set of stems: "entwicklung" is known
    as "entwickl"); None otherwise."""
    for link in _LINKERS:
        base = modifier[:len(modifier) - len(link)]
        if modifier.endswith(link) and len(base) >= min_chars and (base in known or (stemmed and stem(base) in known)):
            return base
    return None


# URLs (with a line-wrapped tail) are no words: "kinderarmut-in-marzahn" in a link is not about Kinderarmut.
_URLISH = re.compile(r"\S*(?:https?:|www\.|\.de/|\.html|\.php)\S*(?:\n\S+(?=\n|$))?")


# "ae", "oe", "ue" spell an umlaut only after a consonant other than q: "neuen", "Steuer", "Bauer", "Quelle" keep
# theirs ("neuen" folded to "neun" was the number nine)
_UMLAUT_SPELLING = re.compile(r"(?<![aeiouq])([aou])e")


def fold(word: str) -> str:
    """Lower-case and fold spelling variants: Maßnahme/Massnahme/Massnahme, Schlüssel/Schluessel."""
    w = unicodedata.normalize("NFC", word.lower())
    w = w.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return _UMLAUT_SPELLING.sub(r"\1", w)


# the feminine plural "-innen" ("Senatorinnen", "Einwohnerinnen"): Snowball stems it apart from the singular
# ("senatorinn" vs "senatorin"), so "Bildungssenatorin" would never meet "Senatorinnen". At least
# FEMININE_STEM_LETTERS letters before "-in"; words ending in "-innen" that are no feminine plurals
# ("Hauptgewinnen", "beginnen") are listed in data/stoppwoerter.yaml (not_feminine)
FEMININE_STEM_LETTERS = 4
_FEMININE_PLURAL = re.compile(r"(?<=[a-z]{" + str(FEMININE_STEM_LETTERS) + r"}in)nen$")
_NOT_FEMININE = tuple(fold(str(w)) for w in _WORD_LISTS.get("not_feminine") or ())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    folded = fold(word)
    if not folded.endswith(_NOT_FEMININE):
        folded = _FEMININE_PLURAL.sub("", folded)
    return _STEMMER.stemWord(folded)


_LETTERS = "A-Za-zÄÖÜäöüß"
# ``list_joiners`` of ``data/stoppwoerter.yaml`` as a regex alternation
_CONJ = "(?:" + "|".join(re.escape(str(w)) for w in _WORD_LISTS.get("list_joiners") or ("und",)) + ")"
# "Lenkungs- oder Steuerungsgruppe", "Kosten-, Finanzierungs- und Zeitplan": a word cut at a hyphen that a list goes on
# from (the Ergänzungsstrich of office prose); "Bauplanung und -durchführung" is the same from the other side.
_ELIDED_HEAD = re.compile(rf"\b([{_LETTERS}]{{2,}})-(?=,\s|\s+{_CONJ}\s)")
_LIST_STEP = re.compile(rf"(?:,\s*|\s+)(?:{_CONJ}\s+)?([{_LETTERS}]+(?:-[{_LETTERS}]+)*-?)")
_ELIDED_TAIL = re.compile(rf"\b([{_LETTERS}]{{5,}})\s+{_CONJ}\s+-([a-zäöüß]{{3,}})\b")
MIN_INFLECTED_STEM = 5  # letters of the shortest stem whose other endings count as the same word
MAX_INFLECTION_CHARS = 3  # "senator" and "senatorinn": the longest ending told apart
MIN_COMPOUND_PART = 3  # letters of the shortest part an elided compound is completed with
MAX_LIST_STEPS = 6  # words looked ahead for the full word that ends a list of cut words


def elided_compounds(text: str, vocabulary: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Whole words the Ergänzungsstrich leaves implied: "Lenkungs- oder Steuerungsgruppe" implies "Lenkungsgruppe",
    "Bauplanung und -durchführung" implies "Baudurchführung".

    With a vocabulary (folded corpus words) the full word's head is its longest ending that is a word ("gruppe"),
    and the other side's modifier the longest beginning that is one, so each cut word adds one word; none when no
    such part is found, so list-heavy text does not fill with non-words that would lengthen it for BM25. Without a
    vocabulary every ending of at least ``MIN_COMPOUND_PART`` letters is tried: the wrong ones never match.
    Written here because no German NLP package on PyPI that fits the stack resolves these."""
    out: list[str] = []
    for m in _ELIDED_HEAD.finditer(text):
        pos, full = m.end(), ""
        for _ in range(MAX_LIST_STEPS):
            step = _LIST_STEP.match(text, pos)
            if not step:
                break
            pos, word = step.end(), step.group(1)
            if not word.endswith("-"):
                full = word
                break
        ends = [full[i:] for i in range(MIN_COMPOUND_PART, len(full) - MIN_COMPOUND_PART + 1)]
        if vocabulary:  # longest first: the head of "Steuerungsgruppe" is "gruppe", not "uppe"
            ends = [e for e in ends if fold(e) in vocabulary][:1]
        out.extend(m.group(1) + e.lower() for e in ends)
    for m in _ELIDED_TAIL.finditer(text):
        first, tail = m.group(1), m.group(2)
        starts = [first[:i] for i in range(len(first) - 2, MIN_COMPOUND_PART - 1, -1)]
        if vocabulary:  # the modifier with its linking letters: "Stadtentwicklung-s-" of "Stadtentwicklungsplanung"
            starts = [b for b in starts if _modifier_base(fold(b), vocabulary, 1)][:1]
        out.extend(b + tail for b in starts)
    return out


def words(text: str) -> list[str]:
    """Surface words; hyphenated compounds yield the whole and their parts (GI-IHK -> gi-ihk, gi, ihk)."""
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        w = m.group(0)
        if "-" in w:
            out.extend(p for p in w.split("-") if p)
            out.append(w.replace("-", ""))
        else:
            out.append(w)
    return out


class Analyzer:
    """Turns text into BM25 terms. Knows the corpus vocabulary, which it uses to split compounds.

    Compound splitting is written here because the one packaged German splitter on PyPI (compound-split) is
    GPL-3 and 185 MB; splitting against the corpus's own vocabulary is small and fits a domain corpus:
    "Schlüsselmaßnahmen" also yields "massnahm" when "Maßnahmen" occurs in the corpus.
    """

    def __init__(self, vocabulary: Sequence[str] = ()) -> None:
        self.vocab = {fold(w) for w in vocabulary if len(w) >= 4}
        self._split_cache: dict[str, tuple[str, ...]] = {}

    def split_compound(self, word: str) -> tuple[str, ...]:
        w = fold(word)
        if len(w) < 9:
            return ()
        if w in self._split_cache:
            return self._split_cache[w]
        parts: tuple[str, ...] = ()
        # The head is the right-most part: take the longest head (5+ letters) whose modifier is a corpus word too
        # (after dropping a linking element: Handlung-s-konzept), so "verwendet" is not "verw" + "endet".
        for cut in range(4, len(w) - 4):
            head, mod = w[cut:], w[:cut]
            if head not in self.vocab and stem(head) not in self.vocab:
                continue
            base = _modifier_base(mod, self.vocab, 4)
            if base is not None:
                parts = (base, head)
                break
        self._split_cache[w] = parts
        return parts

    def terms(self, text: str, *, complete: bool = False) -> list[str]:
        """BM25 terms of ``text``; ``complete`` adds the words an Ergänzungsstrich leaves implied. Only for
        document text: a question's own "Kinder- und Jugendhilfe" must not gain words to look for."""
        out: list[str] = []
        text = _URLISH.sub(" ", text)
        for w in words(text):
            low = w.lower()
            if low in _STOP or len(low) < 2:
                continue
            out.append(stem(w))
            out.extend(stem(p) for p in self.split_compound(w))
        if complete:
            out.extend(stem(w) for w in elided_compounds(text, self.vocab))
        return out


def vocabulary_of(texts: Sequence[str]) -> list[str]:
    """Words of the corpus (URLs left out: their line-wrapped fragments are no words)."""
    vocab: set[str] = set()
    for t in texts:
        vocab.update(w for w in words(_URLISH.sub(" ", t)) if len(w) >= 4)
    return sorted(vocab)


# Bump when the analysis changes: a saved index with another version is rebuilt from chroma on open.
ANALYZER_VERSION = 8


class LexicalIndex:
    """A BM25 index over chunk ids; persisted as a folder (bm25s arrays + ids + vocabulary)."""

    def __init__(self, ids: list[str], texts: Sequence[str] | None = None, *, _retriever=None,
                 _vocab: list[str] | None = None, _df: dict[str, int] | None = None) -> None:
        self.ids = list(ids)
        self._pos = {cid: i for i, cid in enumerate(self.ids)}
        if _retriever is not None:
            self.vocabulary = _vocab or []
            self.analyzer = Analyzer(self.vocabulary)
            self._bm25 = _retriever
            self.df = dict(_df or {})
            self._index_terms()
            return
        texts = list(texts or [])
        self.vocabulary = vocabulary_of(texts)
        self.analyzer = Analyzer(self.vocabulary)
        corpus_terms = [self.analyzer.terms(t, complete=True) or ["<leer>"] for t in texts]
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        if corpus_terms:
            self._bm25.index(corpus_terms, show_progress=False)
        self.df: dict[str, int] = {}
        for ts in corpus_terms:
            for t in set(ts):
                self.df[t] = self.df.get(t, 0) + 1
        self._index_terms()

    def _index_terms(self) -> None:
        self._term_set = set(self.df)
        # Typo matching looks only at corpus words with the same first letter (people rarely mistype it: a corpus
        # word with another first letter is another word, "geschrieben" is no typo of "beschrieben"), so they are
        # grouped by it once. It picks the first of equally close words: from sorted lists, not a set, so the same
        # question gets the same answer in every process (set order changes with Python's hash seed).
        self._sorted_terms = sorted(self._term_set)
        by_start: dict[str, list[str]] = {}
        for w in self._sorted_terms:
            by_start.setdefault(w[:1], []).append(w)
        self._terms_by_start = by_start
        self._kinds: dict[str, frozenset[str]] = {}  # kinds_of, per asked kind: it reads every term

    def inflected(self, term: str) -> bool:
        """The corpus uses the term with another short ending that the stemmer keeps apart: "Senatoren" (senator)
        where the documents write "Senatorinnen" (senatorinn), or the other way round. Only for terms of at least
        ``MIN_INFLECTED_STEM`` letters, so that "rat" does not count as known through "ratgeb"."""
        if len(term) < MIN_INFLECTED_STEM:
            return False
        for i in range(bisect.bisect_left(self._sorted_terms, term), len(self._sorted_terms)):
            t = self._sorted_terms[i]
            if not t.startswith(term):
                break
            if len(t) - len(term) <= MAX_INFLECTION_CHARS:
                return True
        return any(term[:-k] in self._term_set for k in range(1, MAX_INFLECTION_CHARS + 1)
                   if len(term) - k >= MIN_INFLECTED_STEM)

    def kinds_of(self, term: str) -> frozenset[str]:
        """The corpus terms that name a kind of ``term``: itself and the compounds ending in it whose first part
        (without its linking letters) is a corpus term too, or its stem is: "planungsburo" for "buro"
        ("Planung-s-büro"), "stadtentwicklungsamt" for "amt" ("Stadtentwicklung" is known as "stadtentwickl"), but
        not "vertrag" or "ressortbeitrag" for "trag" ("Träger"), nor "darstell" for "stell"."""
        if term not in self._kinds:
            self._kinds[term] = frozenset(t for t in self._term_set if t == term or (
                t.endswith(term) and _modifier_base(t[:-len(term)], self._term_set, MIN_COMPOUND_PART, stemmed=True)))
        return self._kinds[term]

    def idf(self, term: str) -> float:
        """Inverse document frequency over chunks (unknown terms count as rare)."""
        n = max(1, len(self.ids))
        return float(np.log(1 + (n - self.df.get(term, 0) + 0.5) / (self.df.get(term, 0) + 0.5)))

    def __len__(self) -> int:
        return len(self.ids)

    def query_terms(self, query: str) -> list[str]:
        """Query terms; unknown words are mapped to the closest corpus word (typos in citizen questions)."""
        from rapidfuzz import fuzz, process

        out: list[str] = []
        for t in self.analyzer.terms(query):
            if t in self._term_set or len(t) < 5:
                out.append(t)
                continue
            candidates = self._terms_by_start.get(t[:1], [])
            match = process.extractOne(t, candidates, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
            if (match is None or match[1] < CLOSE_TYPO_SCORE) and len(t) >= MIN_PREFIX_CHARS:
                # a word the documents use only as the first part of compounds ("ansprechen": "Ansprechstellen") is
                # no typo of a merely similar word ("Anspruch"); a close one ("Nachbar": "Nachbarn") still is
                longer = [c for c in candidates if c.startswith(t)]
                if longer:
                    out.append(max(longer, key=lambda c: (self.df.get(c, 0), -len(c))))
                    continue
            out.append(match[0] if match else t)
        return out

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        if not self.ids:
            return []
        # each term once: "Beschlussnummer … Senatsbeschluss" must not count "beschluss" twice
        terms = list(dict.fromkeys(t for t in self.query_terms(query) if t in self._term_set))
        if not terms:
            return []
        mask = None
        if allowed is not None:
            mask = np.array([1.0 if cid in allowed else 0.0 for cid in self.ids], dtype=np.float32)
            if not mask.any():
                return []
        k = min(k, len(self.ids))
        docs, scores = self._bm25.retrieve([terms], k=k, show_progress=False, weight_mask=mask)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    # ---- persistence: write to a temp folder, then swap, so a crash never leaves a half-written index
    def save(self, folder: Path) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=folder.parent))
        try:
            if self.ids:
                self._bm25.save(str(tmp), show_progress=False)
            meta = {"version": ANALYZER_VERSION, "ids": self.ids, "vocabulary": self.vocabulary, "df": self.df}
            (tmp / "ids.json").write_text(json.dumps(meta), encoding="utf-8")
            old = folder.with_name(folder.name + ".old")
            if old.exists():
                shutil.rmtree(old)
            if folder.exists():
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        meta = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        if meta.get("version") != ANALYZER_VERSION:
            raise ValueError("BM25 index was built by another analyzer version")
        if not meta["ids"]:
            return cls([], [])
        retriever = bm25s.BM25.load(str(folder), show_progress=False)
        return cls(meta["ids"], _retriever=retriever, _vocab=meta.get("vocabulary", []), _df=meta.get("df", {}))
