"""German sentence units with character spans: the pieces a passage is quoted, highlighted and chunked in.

A unit is a whole sentence, a list item, a table row ("a | b"), a heading, or a line that is none of these (a
label, an address): never part of a sentence. Every unit knows its span, so ``text[u.start:u.end] == u.text``.

How it works, and why:
1. Lines first. The loaders put every paragraph, list item, table row and heading on a line of its own, so a
   line end is a unit end, except where a line breaks mid-sentence (no sentence-final punctuation, and the next
   line goes on in lower case or the line ends in a comma or a function word such as "der", "und"): such lines
   are one block (:func:`continues_sentence`, also used for page breaks by :mod:`assistant.chunking`).
2. Within a prose line or list item, sentencex (a kept dependency) proposes sentence ends; it knows many
   abbreviations and is right most of the time.
3. Rules fix what sentencex gets wrong in German text: it splits after ordinals before a noun ("Mitte des 18. |
   Jahrhunderts", "im 3. | Quartal") and misses a sentence that starts with a number ("13 Gebiete. 2019 …").
   A proposed end after a full stop is vetoed when the word before it is an abbreviation (data file
   ``assistant/data/abbreviations.txt`` plus dotted abbreviations from the corpus glossary), a single letter
   ("z. B.", "d. h.", initials), or a number followed by a word that does not start sentences (word list in
   ``assistant/data/satzanfaenge.txt``): "18. Jahrhunderts" stays together, "um 3. Danach …" splits.
   Table rows and headings are never split.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from bm25s.stopwords import STOPWORDS_GERMAN
from sentencex import segment

DATA_DIR = Path(__file__).resolve().parent / "data"
ABBREVIATIONS_FILE = DATA_DIR / "abbreviations.txt"
SENTENCE_STARTERS_FILE = DATA_DIR / "satzanfaenge.txt"

# Sentence-final punctuation, optionally followed by closing quotes or brackets.
FINAL = re.compile(r"[.!?…][\"'”“»)\]]*$")
# A line that ends like this introduces what follows (a list, a table) and is complete as a unit.
INTRODUCER = re.compile(r":[\"'”“»)\]]*$")
LIST_ITEM = re.compile(r"^(?:[•▪◦*–-]|\d{1,2}[.)]|[a-zA-Z]\)|\[[ xX]\])\s+")
TABLE_CELL_SEP = " | "
_CLOSERS = "\"'”“»)]"
_OPENERS = "„\"'“«»([‚"
_SINGLE_LETTER = re.compile(r"^[^\W\d_]\.$")
_DOTTED_LETTERS = re.compile(r"^(?:[^\W\d_]{1,2}\.){2,}$")  # z.B., u.a., i.d.R.
_NUMBER_DOT = re.compile(r"^\d{1,3}\.(?:\d{1,2}\.)?$")  # "18.", "3.", "12.05." (ordinals, dates without year)
_NUMBER_START = re.compile(r"[.!?][\"'”“»)\]]*\s+(?=\d)")
# A page's last line longer than this is a paragraph, not a label or an unlisted heading, so when it has no
# sentence-final punctuation, its sentence goes on on the next page.
LABEL_MAX = 80
# A line ending in one of these words ("… der", "… und") stops mid-sentence (bm25s's German stop words).
_FUNCTION_WORDS = frozenset(STOPWORDS_GERMAN)


@dataclass(frozen=True)
class Unit:
    text: str  # exactly the passage text at [start, end)
    start: int
    end: int
    kind: str  # "sentence" | "item" | "row" | "heading" | "line"

    @property
    def complete(self) -> bool:
        """A whole unit by construction: a finished sentence, list item, table row or heading."""
        return self.kind in ("item", "row", "heading") or bool(FINAL.search(self.text)) or bool(
            INTRODUCER.search(self.text))


def _read_list(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def heading_key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()




def continues_sentence(prev_line: str, next_line: str, headings: Collection[str] = (),
                       page_break: bool = False) -> bool:
    """Does the sentence at the end of ``prev_line`` go on in ``next_line``? Within a page only clear signs
    count (lower-case start, trailing comma, dash or function word), since an unlisted heading ("Wozu die Kulisse
    dient") looks like an unfinished line; across a page break a lower-case last word or a paragraph-long line
    count too, because the page break itself cut the paragraph."""
    if not prev_line or not next_line:
        return False
    if FINAL.search(prev_line) or INTRODUCER.search(prev_line) or prev_line.endswith(";"):
        return False
    if TABLE_CELL_SEP in prev_line or TABLE_CELL_SEP in next_line:
        return False  # tables across pages are the loader's business
    if heading_key(prev_line) in headings or heading_key(next_line) in headings:
        return False
    if next_line[0].islower():
        return True
    if LIST_ITEM.match(next_line) or "http" in prev_line.rsplit(" ", 1)[-1]:
        return False
    words = re.findall(r"[^\W\d_]+", prev_line)
    last = words[-1] if words else ""
    # Mid-sentence signs: a trailing comma or dash, a function word ("der", "und"), a lower-case word (German
    # nouns are capitalised, and a sentence ending in a verb has its full stop), or a paragraph-long line.
    if prev_line.endswith((",", "-", "–")) or last.lower() in _FUNCTION_WORDS:
        return True
    return page_break and (last[:1].islower() or len(LIST_ITEM.sub("", prev_line)) > LABEL_MAX)


class Splitter:
    """Splits passages into :class:`Unit` s; holds the abbreviation lists (data file + glossary)."""

    def __init__(self, abbreviations: Iterable[str] = ()) -> None:
        self.always: set[str] = set()
        self.before_number: set[str] = set()
        self.suffixes: list[str] = []
        for entry in [*_read_list(ABBREVIATIONS_FILE), *abbreviations]:
            word, _, flag = entry.partition(" ")
            word = word.lower()
            if not word.endswith("."):
                continue  # an abbreviation without a full stop ("GI") never hides a sentence end
            if word.startswith("-"):
                self.suffixes.append(word[1:])
            elif flag.strip() == "+zahl":
                self.before_number.add(word)
            else:
                self.always.add(word)
        self.starters = {w.lower() for w in _read_list(SENTENCE_STARTERS_FILE)}

    @classmethod
    def for_corpus(cls, corpus_dir: Path) -> Splitter:
        """The data file's abbreviations plus the dotted ones in the corpus glossary."""
        from assistant.glossary import Glossary

        return cls(Glossary.load(corpus_dir).abbreviations.keys())

    # ------------------------------------------------------------------ lines and blocks

    @staticmethod
    def line_kind(line: str, headings: Collection[str] = ()) -> str:
        stripped = line.strip()
        if TABLE_CELL_SEP in stripped:
            return "row"
        if headings and heading_key(stripped) in headings:
            return "heading"
        if LIST_ITEM.match(stripped):
            return "item"
        return "sentence"

    def _blocks(self, text: str, headings: Collection[str]) -> list[tuple[int, int, str]]:
        """(start, end, kind) of each logical line; a line cut mid-sentence is joined with its continuation."""
        lines: list[tuple[int, int, str]] = []
        pos = 0
        for raw in text.split("\n"):
            a = pos + len(raw) - len(raw.lstrip())
            b = pos + len(raw.rstrip())
            pos += len(raw) + 1
            if b > a:
                lines.append((a, b, self.line_kind(text[a:b], headings)))
        blocks: list[tuple[int, int, str]] = []
        for a, b, kind in lines:
            if blocks and kind == "sentence":
                pa, pb, pkind = blocks[-1]
                last_line = text[pa:pb].rsplit("\n", 1)[-1]
                if pkind in ("sentence", "item") and continues_sentence(last_line, text[a:b], headings):
                    blocks[-1] = (pa, b, pkind)  # the same sentence goes on
                    continue
            blocks.append((a, b, kind))
        return blocks

    # ------------------------------------------------------------------ sentences within a block

    def _keeps_going(self, before: str, after: str) -> bool:
        """True when a proposed sentence end between ``before`` and ``after`` is not one."""
        before = before.rstrip()
        after = after.lstrip()
        if not after:
            return False
        nxt = after.lstrip(_OPENERS)
        if nxt[:1].islower():
            return True
        stripped = before.rstrip(_CLOSERS)
        if not stripped.endswith("."):
            return False  # "?" and "!" end sentences
        words = stripped.split()
        if not words:
            return False
        token = words[-1].lstrip(_OPENERS)
        low = token.lower()
        if low in self.always or _SINGLE_LETTER.match(token) or _DOTTED_LETTERS.match(token):
            return True
        if any(low.endswith(s) and len(low) > len(s) for s in self.suffixes):
            return True
        if low in self.before_number and nxt[:1].isdigit():
            return True
        if _NUMBER_DOT.match(token):
            # After "Nr.", "S.", "Hauptstr." the number is a count or house number, and its full stop ends
            # the sentence ("… in der Musterstr. 5. Ende …").
            if len(words) >= 2 and self._counts_before_number(words[-2]):
                return False
            # An ordinal or a day ("18. Jahrhunderts", "12. Mai", "1. 3."), unless a sentence starts after it.
            next_word = re.match(r"[^\W\d_]+", nxt)
            return next_word is None or next_word.group(0).lower() not in self.starters
        return False

    def _counts_before_number(self, word: str) -> bool:
        low = word.lower().lstrip(_OPENERS)
        return low in self.before_number or bool(_SINGLE_LETTER.match(low)) or any(
            low.endswith(s) for s in self.suffixes)

    def _sentence_spans(self, text: str, a: int, b: int) -> list[tuple[int, int]]:
        """Sentence spans within text[a:b]."""
        chunk = text[a:b]
        cuts: set[int] = set()
        pos = 0
        for seg in segment("de", chunk):
            pos += len(seg)
            if 0 < pos < len(chunk):
                cuts.add(pos)
        cuts |= {m.end() for m in _NUMBER_START.finditer(chunk)}  # "… Gebiete. 2019 wurden …"
        spans: list[tuple[int, int]] = []
        start = 0
        for cut in sorted(cuts):
            # A cut may sit anywhere in the whitespace between two sentences; look at the text around it.
            end = len(chunk[:cut].rstrip())
            if end <= start or self._keeps_going(chunk[start:end], chunk[end:]):
                continue
            spans.append((start, end))
            start = cut + (len(chunk[cut:]) - len(chunk[cut:].lstrip()))
        spans.append((start, len(chunk)))
        return [(a + s, a + e) for s, e in spans if e > s]

    # ------------------------------------------------------------------ public

    def split(self, text: str, headings: Collection[str] = ()) -> list[Unit]:
        """Units of ``text`` in order. ``headings`` are :func:`heading_key` s of lines known to be headings."""
        units: list[Unit] = []
        for a, b, kind in self._blocks(text, headings):
            if kind in ("row", "heading"):
                units.append(Unit(text[a:b], a, b, kind))
                continue
            body_start = a
            if kind == "item":
                body_start = a + LIST_ITEM.match(text[a:b]).end()  # type: ignore[union-attr]
            spans = self._sentence_spans(text, body_start, b)
            for i, (s, e) in enumerate(spans):
                s = a if i == 0 else s  # the list marker belongs to the item's first sentence
                piece = text[s:e]
                finished = FINAL.search(piece) or INTRODUCER.search(piece)
                unit_kind = kind if kind == "item" else ("sentence" if finished else "line")
                units.append(Unit(piece, s, e, unit_kind))
        return units


@functools.cache
def default_splitter() -> Splitter:
    """The data file's abbreviations plus those of the configured corpus's glossary."""
    from assistant.settings import Settings

    try:
        return Splitter.for_corpus(Settings().corpus_dir)
    except Exception:  # a broken glossary must not stop chunking or answering; the data file still applies
        return Splitter()


def split_units(text: str, headings: Collection[str] = (), splitter: Splitter | None = None) -> list[Unit]:
    return (splitter or default_splitter()).split(text, headings)


SHORT_ITEM = 100  # list items up to this length are short enough to be read together as one answer unit


def sentences(text: str, headings: Collection[str] = ()) -> list[str]:
    """Answer units of a passage as plain strings: sentences, table rows, headings, and list items without
    their markers. A run of short list items ("• Klimawandel") becomes one unit, so a list can answer
    "Welche Themen …?". ``headings`` (:func:`heading_key` s, e.g. of the passage's section path) keep heading
    lines apart from the sentence after them."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append("; ".join(run) if len(run) > 1 else run[0])
            run.clear()

    units = split_units(text, headings)
    for i, u in enumerate(units):
        clean = re.sub(r"\s*\n\s*", " ", u.text)
        if u.kind == "item" and LIST_ITEM.match(clean):
            item = LIST_ITEM.sub("", clean)
            whole_item = i + 1 == len(units) or units[i + 1].kind != "item" or LIST_ITEM.match(units[i + 1].text)
            if whole_item and len(clean) <= SHORT_ITEM:
                run.append(item.rstrip(";,"))
                continue
            clean = item
        flush()
        out.append(clean)
    flush()
    return out
