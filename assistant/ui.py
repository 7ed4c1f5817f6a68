"""The web app: Gradio Blocks for people, a JSON API (``POST /api/ask``) for programs, and the corpus files
(``/dokumente/…``) so citations open the PDF at the cited page. No retrieval logic lives here.

Everything shown comes from documents and is escaped: document text can never inject markup, scripts or
requests to remote hosts into the page.
"""


import html
import logging
import re
import secrets
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import FileResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field

from assistant import feedback
from assistant.answer import Answer, UnsupportedAudience
from assistant.core import Assistant, IndexNotReady, InvalidQuestion
from assistant.errors import UserFacingError
from assistant.settings import Settings

log = logging.getLogger("assistant.ui")

AUDIENCE_LABELS = {"Allgemein": "general", "Verwaltung": "staff", "Bürgerinnen und Bürger": "citizen"}
EXAMPLES_STAFF = [
    "Wie schreibe ich das Kapitel Bestandsaufnahme und Analyse?",
    "Was gehört in den Steckbrief einer Schlüsselmaßnahme?",
    "Welche Pflichtinhalte muss ein GI-IHK enthalten?",
    "Welche Mindestgröße haben Projekte bei Europa im Quartier?",
]
EXAMPLES_CITIZENS = [
    "Was ist die Gemeinschaftsinitiative?",
    "Wann war die Sprechstunde auf dem Alice-Salomon-Platz?",
    "Was wird am Barnimplatz geplant?",
    "Wo kann ich die Handlungskonzepte lesen?",
]
SERVED_SUFFIXES = {".pdf", ".html", ".htm", ".md", ".txt"}
# Served corpus HTML may come from anywhere: no scripts, no remote loads, no framing of our app.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox"
CSS = """
.gi-source { border: 1px solid #ccc; border-radius: 6px; padding: .6em .8em; margin-bottom: .6em; }
.gi-source mark { background: #fff1a8; color: inherit; }
.gi-badge { display: inline-block; background: #8a4b00; color: #fff; border-radius: 4px; padding: 0 .4em;
            font-size: .85em; }
.gi-meta { color: #444; font-size: .9em; }
"""


class AskRequest(BaseModel):
    question: str = Field(..., description="Die Frage (Deutsch oder einfaches Englisch)")
    audience: str = Field("general", description="general | staff | citizen")
    history: list = Field(default_factory=list, description='[{"role": "user", "content": "…"}, …]')
    filters: dict | None = Field(None, description='{"docs": [...], "types": [...], "areas": [...]}')


# ---------------------------------------------------------------- rendering (pure)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def safe_markdown(text: str) -> str:
    """Plain text for the Markdown chat: HTML escaped, Markdown syntax backslash-escaped (no links, images or
    markup from documents). Line breaks and the leading "- " of list lines survive."""
    out = []
    for line in text.split("\n"):
        bullet = line.startswith("- ")
        body = line[2:] if bullet else line
        body = _MD_SPECIAL.sub(r"\\\1", html.escape(body, quote=False))
        out.append(("- " if bullet else "") + body)
    return "\n".join(out)


def answer_markdown(answer: Answer) -> str:
    text = safe_markdown(answer.text.replace("- [ ] ", "- ☐ "))
    if answer.answer_span:  # the answering phrase of the lead is the one markup the answer keeps: bold
        marked = safe_markdown(f"**{answer.answer_span}**")
        text = text.replace(marked, f"**{safe_markdown(answer.answer_span)}**", 1)
    if answer.notice:
        text += f"\n\n_Hinweis: {safe_markdown(answer.notice)}_"
    if any(c.reconstruction for c in answer.citations):
        text += "\n\n_Die zitierten Unterlagen sind Nachbildungen – keine amtlichen Dokumente._"
    return text


def sources_html(answer: Answer | None) -> str:
    if answer is None or not answer.citations:
        return "<p>Noch keine Quellen. Stellen Sie eine Frage.</p>"
    title = "Nächstliegende Dokumente" if answer.refused else "Quellen"
    parts = [f"<h3>{title}</h3>"]
    for c in answer.citations:
        quote = html.escape(c.text)
        for h in sorted(set(c.highlights), key=len, reverse=True):
            esc = html.escape(h)
            if esc and esc in quote:
                quote = quote.replace(esc, f"<mark>{esc}</mark>", 1)
        badge = "".join(f' <span class="gi-badge">{html.escape(n)}</span>' for n in c.notice.split("; ") if n)
        page = f"S. {html.escape(c.page_label)}"
        if str(c.page) != str(c.page_label):
            page += f" (PDF-Seite {c.page})"
        parts.append(
            f'<div class="gi-source" id="quelle-{c.n}"><strong>[{c.n}] {html.escape(c.title)}</strong>{badge}'
            f'<div class="gi-meta">{html.escape(c.type)} · Stand: {html.escape(c.stand)} · {page}'
            f'{" · " + html.escape(c.section) if c.section else ""}</div>'
            f'<blockquote style="white-space: pre-wrap">{quote}</blockquote>'
            f'<a href="{html.escape(c.url)}" target="_blank" rel="noopener" '
            f'aria-label="Quelle {c.n} öffnen: {html.escape(c.title)}, Seite {html.escape(c.page_label)}">'
            f"Dokument an dieser Stelle öffnen</a></div>"
        )
    return "\n".join(parts)


def _text_of(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(_text_of(c) for c in content)
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    return str(content or "")


# ---------------------------------------------------------------- app

def build_blocks(assistant: Assistant):
    import gradio as gr

    try:
        docs = assistant.documents()
    except IndexNotReady:
        docs = []
    doc_choices = [(d["title"], d["doc"]) for d in docs]
    type_choices = sorted({d["type"] for d in docs if d["type"]})
    area_choices = sorted({a for d in docs for a in d["areas"]} - {"Berlin"})

    def chat(message: str, history: list, audience_label: str, doc_filter: list, type_filter: list,
             area_filter: list, answers: list):
        history = list(history or [])
        answers = list(answers or [])
        plain_history = [{"role": m.get("role"), "content": _text_of(m.get("content"))} for m in history
                         if isinstance(m, dict)]
        filters = {"docs": doc_filter or [], "types": type_filter or [], "areas": area_filter or []}
        audience = AUDIENCE_LABELS.get(audience_label, "general")
        try:
            answer = assistant.ask(message, history=plain_history, audience=audience, filters=filters)
            reply = answer_markdown(answer)
            answers.append({"question": message, "answer": answer.to_dict(),
                            "settings": {"audience": audience, "filters": filters, **assistant.describe()}})
            panel = sources_html(answer)
        except UserFacingError as exc:
            reply = f"⚠️ {safe_markdown(exc.reason)}"
            answers.append(None)
            panel = sources_html(None)
        except Exception:
            log.exception("ask failed")
            reply = "⚠️ Es ist ein interner Fehler aufgetreten. Bitte versuchen Sie es noch einmal."
            answers.append(None)
            panel = sources_html(None)
        history += [{"role": "user", "content": safe_markdown(message or "")},
                    {"role": "assistant", "content": reply}]
        return history, panel, answers, ""

    def on_like(answers: list, reason: str, data: gr.LikeData):
        # The chat alternates user/assistant messages; assistant message i belongs to answers[i // 2].
        idx = data.index[0] if isinstance(data.index, list | tuple) else data.index
        pos = int(idx) // 2
        entry = answers[pos] if answers and 0 <= pos < len(answers) else None
        if not entry:
            return "Für diese Nachricht kann keine Rückmeldung gespeichert werden."
        liked = data.liked if isinstance(data.liked, bool) else str(data.liked).lower() in ("like", "true")
        feedback.record(assistant.settings.feedback_path, rating="up" if liked else "down",
                        question=entry["question"], answer=entry["answer"], reason=reason or "",
                        settings=entry["settings"])
        return "Danke! Ihre Rückmeldung wurde gespeichert."

    with gr.Blocks(title="GI-Assistent") as demo:
        gr.Markdown(
            "# GI-Assistent\n"
            "Fragen und Antworten zur **Ressortübergreifenden Gemeinschaftsinitiative (GI)** in Marzahn-Hellersdorf "
            "(Handlungsräume Marzahn-Nord und Hellersdorf-Nord). Jede Aussage verweist mit [1], [2] … auf die "
            "Fundstelle in den Unterlagen. Steht etwas nicht in den Unterlagen, sagt der Assistent das."
        )
        answers = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Unterhaltung", height=480, elem_id="gi-chat",
                                     placeholder="Stellen Sie unten Ihre Frage.", sanitize_html=True,
                                     feedback_options=("Like", "Dislike"))
                question = gr.Textbox(label="Ihre Frage", placeholder="z. B. Was ist die Gemeinschaftsinitiative?",
                                      elem_id="gi-question", lines=2, max_lines=6, autofocus=True)
                with gr.Row():
                    ask_btn = gr.Button("Fragen", variant="primary", elem_id="gi-ask")
                    clear_btn = gr.Button("Neue Unterhaltung", elem_id="gi-clear")
                reason = gr.Textbox(label="Begründung zur Bewertung (optional, vor dem Klick auf 👍/👎)",
                                    elem_id="gi-reason", lines=1)
                feedback_status = gr.Markdown(elem_id="gi-feedback-status")
                with gr.Row():
                    gr.Examples(EXAMPLES_STAFF, inputs=question, label="Beispiele für die Verwaltung")
                    gr.Examples(EXAMPLES_CITIZENS, inputs=question, label="Beispiele für Bürgerinnen und Bürger")
            with gr.Column(scale=2):
                audience = gr.Radio(list(AUDIENCE_LABELS), value="Allgemein", label="Antwort für",
                                    elem_id="gi-audience")
                with gr.Accordion("Suche eingrenzen", open=False):
                    doc_filter = gr.Dropdown(doc_choices, multiselect=True, label="Dokumente", value=[])
                    type_filter = gr.Dropdown(type_choices, multiselect=True, label="Dokumenttyp", value=[])
                    area_filter = gr.Dropdown(area_choices, multiselect=True, label="Handlungsraum", value=[])
                sources = gr.HTML(sources_html(None), label="Quellen", elem_id="gi-sources")

        inputs = [question, chatbot, audience, doc_filter, type_filter, area_filter, answers]
        outputs = [chatbot, sources, answers, question]
        ask_btn.click(chat, inputs, outputs, api_name="chat", concurrency_limit=None)
        question.submit(chat, inputs, outputs, api_name=False, concurrency_limit=None)
        clear_btn.click(lambda: ([], sources_html(None), [], ""), None, outputs, api_name=False)
        chatbot.like(on_like, [answers, reason], feedback_status, api_name=False)
    return demo


def create_app(settings: Settings | None = None, assistant: Assistant | None = None):
    """FastAPI app with the JSON API, the document files and the Gradio UI mounted at /."""
    import gradio as gr

    assistant = assistant or Assistant(settings or Settings.load())
    settings = assistant.settings
    app = FastAPI(title="GI-Assistent API", docs_url="/api/docs", openapi_url="/api/openapi.json")
    basic = HTTPBasic(auto_error=False)
    auth_on = bool(settings.auth_user and settings.auth_password)

    def check_auth(creds: HTTPBasicCredentials | None = Depends(basic)) -> None:  # noqa: B008
        if not auth_on:
            return
        ok = creds is not None and secrets.compare_digest(creds.username, settings.auth_user or "") and \
            secrets.compare_digest(creds.password, settings.auth_password or "")
        if not ok:
            raise HTTPException(401, "Anmeldung erforderlich.", headers={"WWW-Authenticate": "Basic"})

    @app.post("/api/ask", dependencies=[Depends(check_auth)])
    def api_ask(req: AskRequest) -> dict:
        try:
            return assistant.ask(req.question, history=req.history, audience=req.audience,
                                 filters=req.filters).to_dict()
        except (InvalidQuestion, UnsupportedAudience) as exc:
            raise HTTPException(400, str(exc)) from exc
        except IndexNotReady as exc:
            raise HTTPException(503, exc.reason) from exc

    @app.get("/api/health")
    def health() -> dict:
        try:
            return {"status": "ok", "chunks": assistant.index().chunk_count}
        except IndexNotReady as exc:
            raise HTTPException(503, exc.reason) from exc

    @app.get("/dokumente/{name:path}", dependencies=[Depends(check_auth)])
    def document(name: str):
        root = settings.corpus_dir.resolve()
        path = (root / name).resolve()
        if root not in path.parents or not path.is_file() or path.suffix.lower() not in SERVED_SUFFIXES:
            raise HTTPException(404, "Dokument nicht gefunden.")
        media = {".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html"}.get(
            path.suffix.lower(), "text/plain; charset=utf-8")
        return FileResponse(path, media_type=media, headers={
            "Content-Security-Policy": DOCUMENT_CSP, "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f"inline; filename*=UTF-8''{Path(name).name}"})

    demo = build_blocks(assistant)
    demo.queue(default_concurrency_limit=None)
    auth = (settings.auth_user, settings.auth_password) if auth_on else None
    return gr.mount_gradio_app(app, demo, path="", auth=auth, footer_links=["api"], css=CSS,
                               server_name=settings.host, server_port=settings.port)


def serve(settings: Settings | None = None, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    settings = settings or Settings.load()
    assistant = Assistant(settings)
    try:
        seconds = assistant.warm_up()
        print(f"Index geladen ({assistant.index().chunk_count} Abschnitte) in {seconds:.1f} s.")
    except IndexNotReady as exc:
        print(f"Hinweis: {exc.reason}")
    app = create_app(assistant=assistant)
    host, port = host or settings.host, port or settings.port
    print(f"GI-Assistent läuft auf http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
