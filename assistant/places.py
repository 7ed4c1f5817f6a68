"""The places a text names, and how two places relate: the same place, one inside the other, or unrelated.

Issue 8 asks that "a figure for Marzahn-Nord is no answer about Hellersdorf-Nord, a figure for the whole district is
no answer about one of its areas". That needs to know which names are places and which place lies in which; the
corpus glossary only knows its own Handlungsräume, so "Wie hoch ist die Arbeitslosigkeit in Spandau?" used to get
the Marzahn-Hellersdorf figure. The places come from ``assistant/data/orte-berlin.yaml`` (public administrative
facts: districts, their Ortsteile, smaller named areas) plus the corpus's own areas. Written here because no
maintained German gazetteer package ships offline; the matching is a regular expression over known names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import yaml

PLACES_FILE = Path(__file__).resolve().parent / "data" / "orte-berlin.yaml"
# before an ambiguous name ("Mitte", "Buch"): the words that make it a place ("Bezirk Mitte", "Berlin-Mitte")
_AMBIGUOUS_PREFIX = r"(?:Bezirks?|Ortsteils?|Berlin)[\s-]+"
_JOIN = r"[-–\s]+"  # between the parts of a name: hyphen, en dash or space ("Marzahn-Nord", "Marzahn Nord")
_CACHE_SIZE = 4096  # texts whose places are remembered (sentences of the corpus are scored again and again)


class Relation(Enum):
    SAME = "same"
    INSIDE = "inside"  # the place lies in the asked one (a Bezirksregion for a question about its district)
    AROUND = "around"  # the place contains the asked one (the district's figure for a question about an area)
    OTHER = "other"
    UNKNOWN = "unknown"  # one of the two is a place whose location the gazetteer does not know


def _name_pattern(name: str) -> str:
    """A regular expression for one name as people write it: hyphen or space between its parts, an inflected
    adjective in front ("im Märkischen Viertel"), a genitive s ("Spandaus")."""
    parts = re.split(r"[-–\s]+", name)
    if len(parts) > 1 and parts[0].endswith("es") and parts[0][:1].isupper():
        parts[0] = re.escape(parts[0][:-2]) + "(?:es|en|e|em)"
    else:
        parts[0] = re.escape(parts[0])
    body = _JOIN.join([parts[0], *(re.escape(p) for p in parts[1:])])
    return body + "s?"


@dataclass(frozen=True, eq=False)  # identity equality and hash: one object per loaded file (a cache key)
class Gazetteer:
    parents: dict[str, str]  # place -> the place it lies in ("" for the city and for a place of unknown location)
    root: str = ""  # the city every known place lies in ("" when the file names none)
    ambiguous: frozenset[str] = frozenset()
    # compass points ("Nord") that name a part of a place in ``compassable`` ("Neukölln-Nord", "Nord-Neukölln")
    points: tuple[str, ...] = ()
    compassable: frozenset[str] = frozenset()
    _names: tuple[str, ...] = field(default=(), repr=False, compare=False)
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, parents: dict[str, str], ambiguous: Iterable[str] = (), root: str = "",
              points: Iterable[str] = (), compassable: Iterable[str] = ()) -> Gazetteer:
        amb, points = frozenset(ambiguous), tuple(points)
        # longest first ("Marzahn-Nord" before "Marzahn"), an ambiguous name with its prefix before all ("Berlin
        # Mitte" is Mitte, not Berlin)
        names = tuple(sorted(parents, key=lambda n: (n not in amb, -len(n))))
        # the group holds the name only, not the words that make an ambiguous name a place (``replace``)
        alternatives = [f"{_AMBIGUOUS_PREFIX if n in amb else ''}(?P<p{i}>{_name_pattern(n)})"
                        for i, n in enumerate(names)]
        # a compass point before or after a name, read in the same pass (one alternative per name and point would
        # make the pattern a hundred times slower)
        pts = "|".join(re.escape(p) for p in sorted(points, key=len, reverse=True))
        before = f"(?:(?P<before>{pts})-)?" if pts else ""
        after = f"(?:{_JOIN}(?P<after>{pts}))?" if pts else ""
        # "Berlin-Spandau", "Berlin-Marzahn": the city's name in front is part of the place's
        pattern = re.compile(r"(?<![\w-])(?:Berlin-)?" + before + "(?:" + "|".join(alternatives) + ")" + after
                             + r"(?![\w-])", re.I) if names else None
        return cls(dict(parents), root, amb, tuple(points), frozenset(compassable), names, pattern)

    def _found(self, m: re.Match[str]) -> tuple[str, int, int]:
        """(the place, where its name starts and ends) of one match: a compass point makes it that part of a
        compassable place ("Neukölln-Nord"), else it is ignored with the name it stands by."""
        group = next(k for k, v in m.groupdict().items() if v is not None and k[0] == "p" and k[1:].isdigit())
        name, start, end = self._names[int(group[1:])], m.start(group), m.end(group)
        if name in self.compassable:
            point = m.group("after") if "after" in m.re.groupindex else None
            if point:
                return f"{name}-{self._point(point)}", start, m.end("after")
            point = m.group("before") if "before" in m.re.groupindex else None
            if point:
                return f"{self._point(point)}-{name}", m.start("before"), end
        return name, start, end

    def _point(self, written: str) -> str:
        return next((p for p in self.points if p.lower() == written.lower()), written)

    def places_in(self, text: str) -> list[str]:
        """The places the text names, each once, in order of first mention."""
        return list(_places_in(self, text))

    def place_at(self, text: str) -> str | None:
        """The place ``text`` begins with, if any ("dem Bezirk Mitte …" begins with none, "Mitte …" neither)."""
        m = self._pattern.match(text) if self._pattern is not None else None
        return self._found(m)[0] if m else None

    def replace(self, text: str, old: str, new: str) -> str:
        """``text`` with every mention of the place ``old`` (as ``places_in`` finds it) written as ``new``."""
        if self._pattern is None:
            return text

        def swap(m: re.Match[str]) -> str:
            name, start, end = self._found(m)
            if name != old:
                return m.group(0)
            return text[m.start():start] + new + text[end:m.end()]

        return self._pattern.sub(swap, text)

    def parent(self, place: str) -> str:
        """The place ``place`` lies in; a compass part lies in its place ("Neukölln-Nord" in Neukölln)."""
        if place in self.parents:
            return self.parents[place]
        for point in self.points:
            for base in (place[:-len(point) - 1] if place.endswith(f"-{point}") else "",
                         place[len(point) + 1:] if place.startswith(f"{point}-") else ""):
                if base in self.compassable:
                    return base
        return ""

    def ancestors(self, place: str) -> list[str]:
        out: list[str] = []
        parent = self.parent(place)
        while parent and parent not in out and parent != place:
            out.append(parent)
            parent = self.parent(parent)
        return out

    def located(self, place: str) -> bool:
        """The gazetteer knows where the place lies (it is the city or lies in it)."""
        return bool(self.root) and (place == self.root or self.root in self.ancestors(place))

    def relation(self, place: str, asked: str) -> Relation:
        if place == asked:
            return Relation.SAME
        if asked in self.ancestors(place):
            return Relation.INSIDE
        if place in self.ancestors(asked):
            return Relation.AROUND
        # a corpus area the file does not list may lie anywhere: no claim that it is another place
        return Relation.OTHER if self.located(place) and self.located(asked) else Relation.UNKNOWN

    def best_relation(self, places: Iterable[str], asked: Iterable[str], figure: bool = False) -> Relation | None:
        """The closest relation between any of ``places`` and any asked place; None when ``places`` is empty.
        For a ``figure``, a place around the asked one counts last: a figure for another place given beside the
        city's ("In Marzahn-Nord lebten 31,8 % …, in Berlin 22,5 %") is that other place's; otherwise the wider
        place holds ("Im Bezirk koordiniert die SPK …, von Marzahn-Nord bis …" holds for Hellersdorf-Nord too)."""
        order = (Relation.SAME, Relation.INSIDE, Relation.UNKNOWN, Relation.OTHER, Relation.AROUND) if figure \
            else (Relation.SAME, Relation.INSIDE, Relation.AROUND, Relation.UNKNOWN, Relation.OTHER)
        found = {self.relation(p, a) for p in places for a in asked}
        return next((r for r in order if r in found), None)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _places_in(gazetteer: Gazetteer, text: str) -> tuple[str, ...]:
    if gazetteer._pattern is None:
        return ()
    found: dict[str, None] = {}
    for m in gazetteer._pattern.finditer(text):
        found[gazetteer._found(m)[0]] = None
    return tuple(found)


@functools.lru_cache(maxsize=8)
def load_gazetteer(extra: tuple[str, ...] = (), path: Path = PLACES_FILE) -> Gazetteer:
    """Berlin's places from ``path`` plus ``extra`` (the corpus glossary's areas; a name unknown to the file is a
    place of unknown location: the same as itself, never "another place"). ``extra`` is a cache key."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    data = data or {}
    parents: dict[str, str] = {}
    city = str(data.get("stadt") or "")
    if city:
        parents[city] = ""
    for district, localities in (data.get("bezirke") or {}).items():
        parents.setdefault(str(district), city)
        for locality in localities or ():
            if str(locality) != str(district):
                parents[str(locality)] = str(district)
    ambiguous = {str(x) for x in data.get("mehrdeutig") or ()}
    # "Neukölln-Nord" and "Nord-Neukölln" lie in Neukölln: for districts and Ortsteile, not for the city
    # ("Berlin-Mitte" is a district) nor for a name that is an everyday word too
    compassable = {p for p in parents if p != city and p not in ambiguous}
    for area, inside in (data.get("teilgebiete") or {}).items():
        parents[str(area)] = str(inside or "")
    for area in extra:
        parents.setdefault(str(area), "")
    return Gazetteer.build(parents, ambiguous, city, (str(x) for x in data.get("himmelsrichtungen") or ()),
                           compassable)
