"""The HTTP API and document serving, through FastAPI's test client on the real app."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from assistant import Assistant
from assistant.ui import create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(shipped):
    return TestClient(create_app(assistant=shipped))


def test_ask_returns_the_answer_as_json(client):
    r = client.post("/api/ask", json={"question": "Was ist die Gemeinschaftsinitiative?", "audience": "citizen"})
    assert r.status_code == 200
    data = r.json()
    assert set(data) >= {"text", "refused", "citations", "timings"}
    assert not data["refused"] and "[1]" in data["text"]
    c = data["citations"][0]
    assert set(c) >= {"n", "doc", "title", "page", "page_label", "section", "text", "score"}


def test_ask_with_history_and_filters(client):
    r = client.post("/api/ask", json={
        "question": "Und in Marzahn-Nord?",
        "history": [{"role": "user", "content": "Wie viele Minderjährige in Hellersdorf-Nord leben in "
                                                "SGB-II-Bedarfsgemeinschaften?"}],
        "filters": {"docs": ["ihk-marzahn-nord-2020.pdf"]}})
    assert r.status_code == 200
    assert {c["doc"] for c in r.json()["citations"]} == {"ihk-marzahn-nord-2020.pdf"}


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"question": ""}, 400, "Bitte eine Frage eingeben."),
    ({"question": "x" * 20000}, 400, "zu lang"),
    ({"question": "🙂🙂🙂"}, 400, "keine Wörter"),
    ({"question": "Was ist die GI?", "audience": "robots"}, 400, "Unbekannte Zielgruppe"),
    ({"frage": "falsches Feld"}, 422, "Das Feld „question“ fehlt."),
])
def test_bad_requests_get_4xx_with_a_message(client, body, status, message):
    r = client.post("/api/ask", json=body)
    assert r.status_code == status
    assert message in r.text


@pytest.mark.parametrize(("method", "path", "kwargs", "field", "problem"), [
    ("post", "/api/ask", {"content": b'{"question": "Was', "headers": {"Content-Type": "application/json"}},
     "", "kein gültiges JSON"),
    ("post", "/api/ask", {"json": ["keine", "Frage"]}, "", "muss ein JSON-Objekt sein"),
    ("post", "/api/ask", {"json": {"question": 42}}, "„question“", "muss Text sein"),
    ("get", "/api/kiez", {}, "„area“", "fehlt in der Adresse (?area=…)"),
    ("post", "/api/outline/export", {"json": {"chapter": "4.3", "format": "pdf"}}, "„format“",
     "muss einer dieser Werte sein: 'docx', 'md' oder 'txt'"),
])
def test_invalid_requests_are_explained_in_german(client, method, path, kwargs, field, problem):
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == 422
    data = r.json()
    assert isinstance(data["detail"], str) and field in data["detail"] and problem in data["detail"], data
    assert "Input should" not in data["detail"] and "Field required" not in data["detail"]
    assert data["errors"] and all("loc" in e and "type" in e for e in data["errors"])  # for programs, as before


def test_unknown_addresses_and_methods_are_answered_in_german(client):
    unknown = client.get("/api/gibt-es-nicht")
    assert unknown.status_code == 404 and "gibt es in der API nicht" in unknown.json()["detail"]
    page = client.get("/gibt-es-nicht")  # answered by the mounted Gradio app
    assert page.status_code == 404 and page.json()["detail"] == "Diese Adresse gibt es nicht."
    wrong = client.get("/api/ask")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
    assert wrong.json()["detail"] == "Diese Adresse kann nicht mit GET aufgerufen werden, nur mit POST."
    # the German 404s of the routes themselves stay as they were
    assert client.get("/api/kiez", params={"area": "Atlantis"}).json()["detail"].startswith("Das Gebiet")


def test_an_unexpected_failure_gives_a_german_500_without_internals(shipped, monkeypatch, caplog):
    def broken() -> dict:
        raise RuntimeError("interner Zustand /geheim/pfad")

    monkeypatch.setattr(shipped, "index_status", broken)
    client = TestClient(create_app(assistant=shipped), raise_server_exceptions=False)
    with caplog.at_level("ERROR", logger="assistant.api"):
        r = client.get("/api/status")
    assert r.status_code == 500
    assert r.json() == {"detail": "Es ist ein interner Fehler aufgetreten. Bitte versuchen Sie es später noch "
                                  "einmal."}
    assert "geheim" not in r.text and "Traceback" not in r.text
    assert any(rec.exc_info and "geheim" in str(rec.exc_info[1]) for rec in caplog.records)  # logged for operators


def test_the_page_and_the_api_share_one_kiez_guide(shipped, monkeypatch):
    """Area pages cost several questions each: built and cached once for the page and /api/kiez together."""
    import assistant.ui as ui

    made = []

    class Counted(ui.KiezGuide):
        def __init__(self, *args, **kwargs) -> None:
            made.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(ui, "KiezGuide", Counted)
    create_app(assistant=shipped)
    assert len(made) == 1


def test_documents_are_served_and_nothing_else(client):
    r = client.get("/dokumente/leitfaden-gi-ihk.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    html = client.get("/dokumente/marzahn-hellersdorf-spk.html")
    assert "sandbox" in html.headers["content-security-policy"]
    for bad in ("/dokumente/../pyproject.toml", "/dokumente/%2e%2e/pyproject.toml", "/dokumente/fehlt.pdf",
                "/dokumente/documents.yaml"):
        assert client.get(bad).status_code == 404, bad


def test_health_and_gradio_page(client):
    assert client.get("/api/health").json()["chunks"] > 100
    assert client.get("/").status_code == 200


def test_login_protects_ui_and_api(shipped):
    guarded = Assistant.from_settings(corpus_dir=shipped.settings.corpus_dir, index_dir=shipped.settings.index_dir,
                                      auth_user="amt", auth_password="geheim")
    c = TestClient(create_app(assistant=guarded))
    assert c.post("/api/ask", json={"question": "Was ist die GI?"}).status_code == 401
    token = base64.b64encode(b"amt:geheim").decode()
    ok = c.post("/api/ask", json={"question": "Was ist die GI?"}, headers={"Authorization": f"Basic {token}"})
    assert ok.status_code == 200
    assert c.get("/dokumente/leitfaden-gi-ihk.pdf").status_code == 401
    chat = {"data": ["Was ist die GI?", [], "Allgemein", [], [], [], [], ""]}  # question … answers state, Kiez
    assert c.post("/gradio_api/call/chat", json=chat).status_code == 401  # Gradio's own API too
    assert c.get("/config").status_code == 401
    assert c.post("/login", data={"username": "amt", "password": "geheim"}).status_code == 200
    assert c.post("/gradio_api/call/chat", json=chat).status_code == 200


def test_a_near_miss_is_refused_and_names_whom_to_ask(client):
    # the documents speak of the Stadtteilhaus am Barnimplatz, but give no opening date
    data = client.post("/api/ask", json={"question": "Wann öffnet das Stadtteilhaus am Barnimplatz?",
                                         "audience": "citizen"}).json()
    assert data["refused"] and data["answer_span"] == ""
    assert "Unterlagen" in data["text"] and "Bezirksamt Marzahn-Hellersdorf" in data["text"]
    # the documents name no time for it: the refusal says so (the gate's P(answerable) is in the record too)
    assert "Einen Zeitpunkt nennen sie nicht." in data["text"], data["text"]
    assert 0 <= data["timings"]["answerability"] <= 1


def test_a_word_no_document_uses_is_named_in_the_api_record(client):
    data = client.post("/api/ask", json={"question": "Gibt es im Kosmosviertel ein Schwimmbad?",
                                         "audience": "citizen"}).json()
    assert data["absent"] == ["Schwimmbad"]
    shown = data["text"] if data["refused"] else data["notice"]
    assert "Das Wort „Schwimmbad“ kommt in den Unterlagen nicht vor." in shown, data
    assert "Schwimmbad" in data["text_plain"]  # copied with the answer


def test_the_next_event_when_all_documented_dates_are_past(client):
    data = client.post("/api/ask", json={"question": "Wann ist die nächste mobile Sprechstunde in Hellersdorf-Nord?",
                                         "audience": "citizen"}).json()
    assert "nur vergangene Termine" in data["text"] and "2022" in data["text"]
    assert "Bezirksamt Marzahn-Hellersdorf" in data["text"]  # whom to ask for current dates
    assert data["citations"] and "[1]" in data["text"]


def test_status_reports_the_index_the_app_answers_from(client):
    status = client.get("/api/status").json()
    assert status["ready"] is True and status["reloading"] is False
    assert status["documents"] == 9 and status["chunks"] > 100
    assert status["generation"] and status["updated"].startswith("20")
