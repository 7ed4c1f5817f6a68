"""“Mein Kiez”: areas from the documents' metadata and the glossary, answers filtered and framed for the chosen
area, the area page built by the real assistant (cited, or honestly refused with whom to ask), and the API."""

from __future__ import annotations

import pytest
import yaml
from fastapi.testclient import TestClient

from assistant import Assistant
from assistant.core import open_index
from assistant.kiez import KiezConfig, KiezGuide, UnknownArea, list_areas
from assistant.render import kiez_html
from assistant.retrieval import Filters
from assistant.ui import create_app

CONFIG = KiezConfig.load()


def test_areas_come_from_metadata_and_glossary_without_citywide_labels():
    docs = [{"areas": ["Berlin"]}, {"areas": ["Südhafen"]}, {"areas": ["Nordpark", "Südhafen"]},
            {"areas": []}]
    areas = list_areas(docs, ("Nordpark", "Weststadt"), CONFIG)
    # the glossary's order first; an area only the glossary names has no document and is not offered
    assert [(a.name, a.documents) for a in areas] == [("Nordpark", 1), ("Südhafen", 2)]
    assert all(a.kind == CONFIG.kind for a in areas)
    assert CONFIG.essentials and all("{area}" in e.question for e in CONFIG.essentials)
    assert CONFIG.frame_for(["Nordpark"]) == CONFIG.frame.replace("{area}", "Nordpark")


NORDPARK = """# Nordpark im Wandel

## Geplante Vorhaben

Im Nordpark ist ein neuer Jugendtreff am Lindenplatz geplant. Der Jugendtreff soll 2027 eröffnen.

## Mitmachen

Bewohnerinnen und Bewohner können sich im Nordpark beim Stadtteilforum beteiligen, das jeden Monat tagt.
"""
SUEDHAFEN = """# Südhafen heute

## Geplante Vorhaben

Im Südhafen ist eine neue Kita an der Kaimauer geplant. Die Kita soll 2026 eröffnen. Der Bau der Kita kostet rund
4 Mio. Euro.
"""
STADT = """# Die Stadt fördert Quartiere

Die Stadt unterstützt benachteiligte Quartiere mit einem eigenen Programm für Nachbarschaften.
"""


ENTRY = {"type": "Übersicht", "stand": "2025", "audience": "alle"}


def _indexed(root, files: dict[str, str], catalogue: dict, glossary: dict) -> Assistant:
    """A corpus of Markdown files with its documents.yaml and glossary.yaml, ingested with the real model."""
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    (corpus / "documents.yaml").write_text(yaml.safe_dump({"documents": catalogue}, allow_unicode=True),
                                           encoding="utf-8")
    (corpus / "glossary.yaml").write_text(yaml.safe_dump(glossary, allow_unicode=True), encoding="utf-8")
    assistant = Assistant.from_settings(corpus_dir=corpus, index_dir=root / "index")
    assistant.ingest(progress=False)
    return assistant


@pytest.fixture(scope="module")
def invented(tmp_path_factory) -> Assistant:
    """A corpus whose areas the code has never seen: nothing may depend on our own area names."""
    return _indexed(tmp_path_factory.mktemp("kiez"), {"nordpark.md": NORDPARK, "suedhafen.md": SUEDHAFEN,
                                                      "stadt.md": STADT}, {
        "nordpark.md": {"title": "Nordpark im Wandel", "areas": ["Nordpark"], **ENTRY},
        "suedhafen.md": {"title": "Südhafen heute", "areas": ["Südhafen"], **ENTRY},
        "stadt.md": {"title": "Die Stadt fördert Quartiere", "areas": list(CONFIG.citywide), **ENTRY},
    }, {"areas": ["Nordpark", "Südhafen"],
        "contacts": [{"name": "Stadtteilbüro Nordpark", "for": "Fragen zum Quartier"}]})


@pytest.mark.slow
def test_area_page_is_asked_of_the_assistant_for_that_area_only(invented):
    guide = KiezGuide(invented)
    assert [a.name for a in guide.areas()] == ["Nordpark", "Südhafen"]
    page = guide.page("nordpark")  # case does not matter
    assert page.area.name == "Nordpark" and page.frame == CONFIG.frame_for(["Nordpark"])
    assert [i.essential.key for i in page.items] == [e.key for e in CONFIG.essentials]
    for item in page.items:
        assert "Nordpark" in item.question and "{area}" not in item.question
        assert item.answer.audience == "citizen"
        # never a document about another area; city-wide ones may serve
        assert {c.doc for c in item.answer.citations} <= {"nordpark.md", "stadt.md"}
        if item.answer.refused:  # honest, with whom to ask from the glossary
            assert "Stadtteilbüro Nordpark" in item.answer.text
        else:
            assert "[1]" in item.answer.text and item.answer.citations
    planned = page.items[0].answer
    assert not planned.refused and "Jugendtreff" in planned.text
    assert guide.page("Nordpark") is page  # cached until the index changes
    html = kiez_html(page, CONFIG.citywide)
    assert "Mein Kiez: Nordpark" in html and 'href="#quelle-k1-1"' in html and 'id="quelle-k1-1"' in html
    with pytest.raises(UnknownArea):
        guide.page("Weststadt")


@pytest.mark.slow
def test_area_pages_go_with_their_index_and_one_page_reads_one_generation(invented, monkeypatch):
    guide = KiezGuide(invented)
    page = guide.page("Nordpark")
    assert guide.page("Nordpark") is page
    # a new index (as after a reload): a page of the old one is never served, however ids are reused
    old = invented.index()
    invented.reset()
    assert invented.index() is not old
    rebuilt = guide.page("Nordpark")
    assert rebuilt is not page and guide.page("Nordpark") is rebuilt

    # a reload swapping in another index while a page is built: every answer on it still comes from one index
    answered_from = []
    ask = invented.ask

    def ask_then_swap(*args, **kwargs):
        answered_from.append(invented.index())
        answer = ask(*args, **kwargs)
        invented._index = open_index(invented.settings, invented.embedder, invented.glossary)  # as _reload does
        return answer

    monkeypatch.setattr(invented, "ask", ask_then_swap)
    swapped = guide.page("Südhafen")
    assert len(answered_from) == len(CONFIG.essentials) and all(i is answered_from[0] for i in answered_from)
    assert invented.index() is not answered_from[0]  # the swaps did happen
    monkeypatch.setattr(invented, "ask", ask)
    assert guide.page("Südhafen") is not swapped  # cached on the index it was built from, not on the new one


@pytest.mark.slow
def test_kiez_filters_and_frames_answers_and_a_named_area_wins(invented):
    guide = KiezGuide(invented)
    unscoped = guide.ask("Was ist geplant?", "", audience="citizen")
    assert unscoped.frame == "" and unscoped.areas == ()
    scoped = guide.ask("Was ist geplant?", "Südhafen", audience="citizen")
    assert scoped.frame == CONFIG.frame_for(["Südhafen"]) and scoped.filters["areas"][0] == "Südhafen"
    assert {c.doc for c in scoped.answer.citations} <= {"suedhafen.md", "stadt.md"}
    assert "Kita" in scoped.answer.text
    # the question names another area: that area is searched and named, not the chosen Kiez
    other = guide.ask("Was ist im Nordpark geplant?", "Südhafen", audience="citizen")
    assert other.areas == ("Nordpark",) and "suedhafen.md" not in {c.doc for c in other.answer.citations}
    # an explicit area filter (the "Suche eingrenzen" box) wins over the Kiez
    explicit = guide.ask("Was ist geplant?", "Südhafen", audience="citizen", filters={"areas": ["Nordpark"]})
    assert explicit.frame == "" and {c.doc for c in explicit.answer.citations} <= {"nordpark.md"}


@pytest.mark.slow
def test_an_answer_only_another_areas_documents_give_comes_with_a_notice(invented):
    guide = KiezGuide(invented)
    # the Kita at the Kaimauer is the Südhafen's: asked from Nordpark, its documents and the city's do not say
    found = guide.ask("Was kostet die Kita an der Kaimauer?", "Nordpark", audience="citizen")
    assert not found.answer.refused and "4 Mio. Euro" in found.answer.text, found.answer.text
    assert found.frame == "" and found.areas == ()  # not framed as the Kiez's answer
    assert found.answer.notice.startswith(CONFIG.elsewhere.replace("{area}", "Nordpark"))
    assert {c.doc for c in found.answer.citations} == {"suedhafen.md"}
    # what no document answers stays an honest refusal, searched for the Kiez but not framed as its answer
    # ("Für Nordpark: Dazu steht … nichts" reads as if other documents had said more)
    refused = guide.ask("Wann hat das Stadtteilbüro am Samstag geöffnet?", "Nordpark", audience="citizen")
    assert refused.answer.refused and refused.areas == ("Nordpark",) and refused.frame == ""


@pytest.mark.slow
def test_shipped_kiez_keeps_other_areas_documents_out(shipped):
    guide = KiezGuide(shipped)
    names = [a.name for a in guide.areas()]
    assert set(names) == set(shipped.glossary.areas) and not set(names) & set(CONFIG.citywide)
    question = "Wie viele Minderjährige leben in Familien mit Grundsicherung?"
    # without a Kiez the Marzahn-Nord concept answers; for Hellersdorf-Nord its figure comes instead
    assert "ihk-marzahn-nord-2020.pdf" in {c.doc for c in guide.ask(question, "").answer.citations}
    scoped = guide.ask(question, "Hellersdorf-Nord", audience="citizen")
    docs = {d["doc"]: d["areas"] for d in shipped.documents()}
    assert scoped.answer.citations and all(
        "Hellersdorf-Nord" in docs[c.doc] or set(docs[c.doc]) <= set(CONFIG.citywide)
        for c in scoped.answer.citations)
    assert "36,8" in scoped.answer.text
    # a question about a place elsewhere that is no area (the Ortsteil Hellersdorf, asked from Marzahn-Nord) or
    # around the Kiez (the whole district) is not about the Kiez: neither filtered nor framed for it
    assert guide.scope("Und in Hellersdorf?", "Marzahn-Nord") == ()
    assert guide.scope("Wie hoch ist die Arbeitslosigkeit im Bezirk Marzahn-Hellersdorf?", "Marzahn-Nord") == ()
    assert guide.scope("Was ist in Hellersdorf-Nord geplant?", "Marzahn-Nord") == ("Hellersdorf-Nord",)
    assert guide.scope("Was ist geplant?", "Marzahn-Nord") == ("Marzahn-Nord",)
    # the area page's "Wen kann ich fragen?" names the contact where the area's documents name no one
    asked = guide.ask("An wen kann ich mich mit Fragen zu Marzahn-Nord wenden?", "Marzahn-Nord", audience="citizen")
    assert "Planungskoordination" in asked.answer.text and "Dazu steht" not in asked.answer.text, asked.answer.text
    history = [{"role": "user", "content": "Wie viel Geld gibt es für die Projekte?"}]
    follow = guide.ask("Und in Hellersdorf?", "Marzahn-Nord", history=history, audience="citizen")
    assert follow.frame == "" and not follow.answer.text.startswith("Für Marzahn-Nord")


@pytest.mark.slow
def test_api_lists_areas_and_serves_the_area_page(shipped):
    client = TestClient(create_app(assistant=shipped))
    areas = client.get("/api/areas")
    assert areas.status_code == 200
    assert {a["name"] for a in areas.json()} == set(shipped.glossary.areas)
    page = client.get("/api/kiez", params={"area": "Hellersdorf-Nord"})
    assert page.status_code == 200
    data = page.json()
    assert data["area"]["name"] == "Hellersdorf-Nord" and len(data["items"]) == len(CONFIG.essentials)
    for item in data["items"]:
        assert item["answer"]["citations"] and "[1]" in item["answer"]["text"]
        assert item["answered"] == (not item["answer"]["refused"])
    missing = client.get("/api/kiez", params={"area": "Atlantis"})
    assert missing.status_code == 404 and "Atlantis" in missing.json()["detail"]
    assert "/api/kiez" in client.get("/api/openapi.json").json()["paths"]


AUSHANG = """# Aushang des Mieterbeirats

Der Mieterbeirat trifft sich jeden Dienstag um 18 Uhr im Gemeinschaftsraum und nimmt dort Anliegen entgegen.
"""


@pytest.fixture(scope="module")
def unscoped(tmp_path_factory) -> Assistant:
    """Two area documents and one dropped into corpus/ without any catalogue entry (so without areas)."""
    return _indexed(tmp_path_factory.mktemp("kiez-ohne-gebiet"), {
        "nordpark.md": NORDPARK, "suedhafen.md": SUEDHAFEN, "aushang.md": AUSHANG}, {
        "nordpark.md": {"title": "Nordpark im Wandel", "areas": ["Nordpark"], **ENTRY},
        "suedhafen.md": {"title": "Südhafen heute", "areas": ["Südhafen"], **ENTRY},
    }, {"areas": ["Nordpark", "Südhafen"]})


@pytest.mark.slow
def test_a_document_without_areas_reaches_every_kiez(unscoped):
    guide = KiezGuide(unscoped)
    assert {d["doc"]: d["areas"] for d in unscoped.documents()}["aushang.md"] == []
    assert [a.name for a in guide.areas()] == ["Nordpark", "Südhafen"]  # it names no area of its own
    retriever = unscoped.index().retriever
    assert retriever.allowed_docs(Filters(areas=("Südhafen",))) == {"suedhafen.md", "aushang.md"}
    for kiez in ("Nordpark", "Südhafen"):
        scoped = guide.ask("Wann trifft sich der Mieterbeirat?", kiez, audience="citizen")
        assert "aushang.md" in {c.doc for c in scoped.answer.citations}, kiez
        assert "Dienstag" in scoped.answer.text
    # documents about another area stay out as before
    planned = guide.ask("Was ist geplant?", "Südhafen", audience="citizen")
    assert "nordpark.md" not in {c.doc for c in planned.answer.citations} and "Kita" in planned.answer.text
