"""“Mein Kiez”: a citizen's own area. The areas to choose come from the documents' metadata and the glossary
(never from code); a chosen area filters and frames answers, and its page of essentials (what is planned, where
to take part, whom to ask) is built by asking the assistant itself, so every statement on it is cited, and a
question the documents do not answer gets the assistant's honest refusal with whom to ask.

The essential questions, the city-wide area labels and the wording of the frame live in
``assistant/data/kiez.yaml``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from assistant.errors import UserFacingError
from assistant.places import Relation, load_gazetteer

if TYPE_CHECKING:
    from assistant.answer import Answer
    from assistant.core import Assistant

KIEZ_DATA = Path(__file__).parent / "data" / "kiez.yaml"
CITIZEN = "citizen"  # the area page speaks to citizens


class UnknownArea(UserFacingError):
    """An area that no document and no glossary entry names."""


@dataclass(frozen=True)
class Essential:
    key: str
    title: str
    question: str  # with an ``{area}`` placeholder

    def for_area(self, area: str) -> str:
        return self.question.replace("{area}", area)


@dataclass(frozen=True)
class KiezConfig:
    citywide: tuple[str, ...] = ()
    kind: str = ""
    frame: str = "{area}"
    essentials: tuple[Essential, ...] = ()
    elsewhere: str = ""  # the notice on an answer found outside the chosen Kiez ("" : no such answer is given)

    @classmethod
    def load(cls, path: Path = KIEZ_DATA) -> KiezConfig:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            citywide=tuple(str(a) for a in data.get("citywide") or ()),
            kind=str(data.get("kind") or ""),
            frame=str(data.get("frame") or "{area}"),
            elsewhere=str(data.get("elsewhere") or ""),
            essentials=tuple(Essential(str(e["key"]), str(e["title"]), str(e["question"]))
                             for e in data.get("essentials") or ()),
        )

    def frame_for(self, areas: list[str] | tuple[str, ...]) -> str:
        """"Für Hellersdorf-Nord" (several areas joined with "und")."""
        return self.frame.replace("{area}", " und ".join(areas))


@dataclass(frozen=True)
class Area:
    name: str
    kind: str  # e.g. "Handlungsraum"
    documents: int  # documents about this area (city-wide ones not counted)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind})" if self.kind else self.name

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "label": self.label, "documents": self.documents}


def list_areas(documents: list[dict], glossary_areas: tuple[str, ...] | list[str], config: KiezConfig) -> list[Area]:
    """The areas a citizen can choose: every area the documents' metadata names, in the glossary's order first,
    without the city-wide labels. An area only the glossary knows is left out: no document could answer for it."""
    citywide = {a.lower() for a in config.citywide}
    counts: dict[str, int] = {}
    for d in documents:
        for a in d.get("areas") or ():
            if a.lower() not in citywide:
                counts[a] = counts.get(a, 0) + 1
    order = [a for a in glossary_areas if a in counts] + sorted(a for a in counts if a not in glossary_areas)
    return [Area(a, config.kind, counts[a]) for a in order]


@dataclass
class EssentialAnswer:
    essential: Essential
    question: str
    answer: Answer

    def to_dict(self) -> dict:
        return {"key": self.essential.key, "title": self.essential.title, "question": self.question,
                "answered": not self.answer.refused, "answer": self.answer.to_dict()}


@dataclass
class KiezPage:
    area: Area
    frame: str
    items: list[EssentialAnswer] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"area": self.area.to_dict(), "frame": self.frame, "items": [i.to_dict() for i in self.items]}


@dataclass
class Scoped:
    """An answer with the areas it was asked for (empty when no Kiez applied)."""

    answer: Answer
    areas: tuple[str, ...]
    frame: str  # "Für Hellersdorf-Nord", or "" without a Kiez
    filters: dict  # as applied (stored with feedback)


class KiezGuide:
    """Areas, Kiez-scoped answers and area pages for one assistant. Pages are cached per area on the index they
    were built from: the essentials cost a few questions each, and the documents only change with a new ingest."""

    def __init__(self, assistant: Assistant, config: KiezConfig | None = None) -> None:
        self.assistant = assistant
        self.config = config or KiezConfig.load()
        self._lock = threading.Lock()  # guards creating the cache on a retriever

    def areas(self) -> list[Area]:
        return list_areas(self.assistant.documents(), self.assistant.glossary.areas, self.config)

    def area(self, name: str) -> Area:
        for a in self.areas():
            if a.name.lower() == (name or "").strip().lower():
                return a
        raise UnknownArea(f"Das Gebiet „{name}“ kommt in den Unterlagen nicht vor. Bitte eines aus der Liste wählen.")

    def filters(self, areas: list[str] | tuple[str, ...], filters: dict | None = None) -> dict:
        """The search filter for a Kiez: documents about it and city-wide ones, never another area's."""
        merged = dict(filters or {})
        merged["areas"] = [*areas, *self.config.citywide]
        return merged

    def scope(self, question: str, kiez: str, filters: dict | None = None) -> tuple[str, ...]:
        """The areas an answer is for: the areas the question names itself win over the chosen Kiez ("Was ist in
        Marzahn-Nord geplant?" asked from Hellersdorf-Nord); a question about another place that is no area ("Und
        in Hellersdorf?" asked from Marzahn-Nord, "im ganzen Bezirk") is not about the Kiez at all; an explicit area
        filter wins over all."""
        if not kiez or (filters or {}).get("areas"):
            return ()
        known = {a.name for a in self.areas()}
        gazetteer = load_gazetteer(self.assistant.glossary.areas)
        places = gazetteer.places_in(question)
        named = [a for a in places if a in known]
        if named:
            return tuple(named)
        area = self.area(kiez).name
        if any(gazetteer.relation(p, area) in (Relation.OTHER, Relation.AROUND) for p in places):
            return ()  # a place known to lie elsewhere or around the Kiez (unknown locations keep the Kiez)
        return (area,)

    def ask(self, question: str, kiez: str, *, history: list | None = None, audience: str = "general",
            filters: dict | None = None) -> Scoped:
        areas = self.scope(question, kiez, filters)
        scoped = self.filters(areas, filters) if areas else filters
        answer = self.assistant.ask(question, history=history, audience=audience, filters=scoped)
        if areas and answer.refused and self.config.elsewhere:
            # the chosen Kiez is a preference, not a wall: a question about a place elsewhere ("das Stadtteilhaus am
            # Barnimplatz" from Hellersdorf-Nord) gets the answer the other documents give, marked as theirs
            wider = self.assistant.ask(question, history=history, audience=audience, filters=filters)
            if not wider.refused:
                notice = self.config.elsewhere.replace("{area}", " und ".join(areas))
                wider.notice = " ".join(n for n in (notice, wider.notice) if n)
                return Scoped(wider, (), "", dict(filters or {}))
        # a refusal is not framed ("Für Marzahn-Nord: Dazu steht … nichts"): all documents were asked by then
        frame = self.config.frame_for(areas) if areas and not answer.refused else ""
        return Scoped(answer, areas, frame, dict(scoped or {}))

    def page(self, name: str) -> KiezPage:
        # one generation for the area list and every answer on the page, even if a reload swaps in a newer one
        with self.assistant.pinned() as index:
            area = self.area(name)
            # the cache lives on the index's retriever, so it goes with that index: a new generation (a new
            # retriever) starts empty, and no key can match an older index's pages (as an ``id()`` could once
            # CPython reuses a freed object's id). Keyed by config too: guides with other essentials share it.
            retriever = index.retriever
            with self._lock:
                pages: dict[tuple[str, KiezConfig], KiezPage] | None = getattr(retriever, "_gi_kiez_pages", None)
                if pages is None:
                    pages = {}
                    retriever._gi_kiez_pages = pages  # type: ignore[attr-defined]
                cached = pages.get((area.name, self.config))
            if cached is not None:
                return cached
            page = KiezPage(area, self.config.frame_for([area.name]))
            for essential in self.config.essentials:
                question = essential.for_area(area.name)
                answer = self.assistant.ask(question, audience=CITIZEN, filters=self.filters([area.name]))
                page.items.append(EssentialAnswer(essential, question, answer))
        with self._lock:
            pages[(area.name, self.config)] = page
        return page
