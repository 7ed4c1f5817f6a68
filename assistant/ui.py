"""The web app: Gradio Blocks for people, a JSON API (``POST /api/ask``) for programs, and the corpus files
(``/dokumente/…``) so citations open the PDF at the cited page. No retrieval logic lives here.

Everything shown comes from documents and is escaped: document text can never inject markup, scripts or
requests to remote hosts into the page.
"""


import html
import json
import logging
import re
import secrets
import uuid
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field

from assistant import feedback
from assistant.answer import Answer, UnsupportedAudience
from assistant.core import Assistant, IndexNotReady, InvalidQuestion
from assistant.errors import UserFacingError
from assistant.settings import Settings
from assistant.workspace_ui import build_workspace

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
.gi-status { margin: .2em 0; font-weight: 600; color: #14532d; }
.gi-status.gi-error { color: #991b1b; }
/* Gradio's orange primary button with white text is 2.8:1; this darker orange is 5.0:1, 7.1:1 on hover
   (WCAG AA needs 4.5:1). */
#gi-ask { background: #b45309 !important; color: #fff !important; border-color: #b45309 !important; }
#gi-ask:hover { background: #92400e !important; }
/* Gradio's light grey hints (#bbbbc2, 1.9:1) made readable: #52525b is 7.7:1 on white. */
.gradio-container .info-text, .show-api { color: #52525b !important; }
/* Gradio's selected tab is orange on white (about 2.8:1); this darker orange is 7.3:1. */
#gi-tabs button[role="tab"] { color: #3f3f46 !important; }
#gi-tabs button[role="tab"][aria-selected="true"] { color: #9a3412 !important; }
/* A keyboard user must always see where the focus is. */
.gradio-container :is(a, button, input, textarea, select, summary, [tabindex]):focus-visible {
    outline: 3px solid #1d4ed8 !important; outline-offset: 2px; }
/* [n] in an answer links to its source card (dark blue: Gradio dims chat text, this stays >= 4.5:1); the card it
   leads to is marked until another one is chosen. */
#gi-chat a[href^="#quelle-"] { color: #1e3a8a !important; font-weight: 600; text-decoration: underline; }
.gi-source { scroll-margin-top: .5em; transition: background-color .3s; }
.gi-source.gi-target { border-color: #1d4ed8; box-shadow: 0 0 0 3px #1d4ed8; background: #eff6ff; }
@media (prefers-reduced-motion: reduce) { .gi-source { transition: none; } }
/* Empty status lines take no room; they appear with their message (role status/alert is then announced). */
#gi-question-status:not(:has([role])), #gi-feedback-status:not(:has([role])) { display: none; }
/* A phone (one column): question, answer and the first source must fit one screen after asking. The header is
   compact (the introduction folds away once a question was asked), the buttons share a line, the chat is only
   as tall as its content up to 28 % of the screen, and the sources come right after the chat, before the
   rating reason: the two columns dissolve into one list whose order only moves the reason box. */
@media (max-width: 640px) {
    #gi-intro h1 { font-size: 1.4em; margin: 0 0 .2em; }
    #gi-intro p { font-size: .85em; line-height: 1.35; margin: 0; }
    /* Gradio prefixes every rule with its container, so the :has() test sits on the page column below it. */
    div:has(> #gi-intro):has(#gi-chat .message) #gi-intro p { display: none; }
    #gi-audience label { padding: .25em .6em; }
    #gi-actions { flex-wrap: nowrap; }
    #gi-actions button { min-width: 0; flex: 1 1 auto; white-space: nowrap; padding: .45em .6em; }
    #gi-sources h2 { margin: 0 0 .3em; font-size: 1.2em; }
    #gi-chat { height: auto !important; max-height: 28vh !important; min-height: 0 !important; }
    #gi-main { flex-direction: column; flex-wrap: nowrap; }
    #gi-main > .column { display: contents; }
    #gi-sources { order: 1; }
    .form:has(#gi-reason) { order: 2; }  /* Gradio wraps each text box in an unnamed .form */
}
"""
CHAT_HEIGHT = 480  # pixels on a wide screen; on a phone the CSS above lets the chat shrink to its content
# Gradio's own control labels (copy, like, clear …) in German. The same texts serve any browser language, since
# the whole page is German; keys are Gradio's translation keys (gradio 6.31, frontend locale files).
GRADIO_GERMAN = {
    "chatbot.copy_message": "Nachricht kopieren", "chatbot.copied_message": "Nachricht kopiert",
    "chatbot.like": "Gefällt mir", "chatbot.dislike": "Gefällt mir nicht", "chatbot.clear": "Chat leeren",
    "chatbot.retry": "Wiederholen", "chatbot.undo": "Rückgängig", "chatbot.edit": "Bearbeiten",
    "chatbot.submit": "Senden", "chatbot.cancel": "Abbrechen", "chatbot.complete": "Fertig",
    "chat_interface.chatbot": "Chatbot", "chat_interface.conversation": "Unterhaltung",
    "common.clear": "Löschen", "common.loading": "Wird geladen", "common.settings": "Einstellungen",
    "common.built_with_gradio": "Mit Gradio erstellt", "common.built_with": "erstellt mit",
    "common.error": "Fehler", "common.remove": "Entfernen", "common.submit": "Senden", "common.undo": "Rückgängig",
    "common.edit": "Bearbeiten", "common.download": "Herunterladen", "common.share": "Teilen",
    "common.language": "Sprache", "common.display_theme": "Darstellung",
    "dropdown.select_option": "Option auswählen",
}
# Labels Gradio 6.31 writes in English without a translation key; rewritten in the browser (see HEAD).
GRADIO_FIXED_LABELS = {
    "Liked": "Gefällt mir (ausgewählt, zum Zurücknehmen klicken)",
    "Disliked": "Gefällt mir nicht (ausgewählt, zum Zurücknehmen klicken)",
    "Copy conversation": "Unterhaltung kopieren", "Copied conversation": "Unterhaltung kopiert",
    "Scroll down": "Nach unten scrollen", "Clear": "Chat leeren",
}
# Gradio renders <html lang="en"> and has no option for it; screen readers must read the page with German rules.
HEAD = """<script>
(() => {
  const labels = %s;
  // Only write what differs: setting an attribute to its own value would notify the observer again.
  const fix = (root) => {
    if (document.documentElement.lang !== "de") document.documentElement.lang = "de";
    for (const el of root.querySelectorAll("[aria-label], [title]")) {
      for (const attr of ["aria-label", "title"]) {
        const german = labels[el.getAttribute(attr)];
        if (german) el.setAttribute(attr, german);
      }
    }
  };
  document.documentElement.lang = "de";
  // [n] in an answer: scroll to its source card, mark it and move the focus there (screen readers follow).
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#quelle-"]');
    if (!link) return;
    const card = document.getElementById(link.getAttribute("href").slice(1));
    if (!card) return;
    event.preventDefault();
    event.stopPropagation();
    for (const old of document.querySelectorAll(".gi-source.gi-target")) old.classList.remove("gi-target");
    card.classList.add("gi-target");
    card.setAttribute("tabindex", "-1");
    const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
    card.scrollIntoView({behavior: smooth ? "smooth" : "auto", block: "start"});
    card.focus({preventScroll: true});
  }, true);
  new MutationObserver(() => fix(document)).observe(document.documentElement,
    {subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label", "title", "lang"]});
})();
</script>"""


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


# A citation marker as safe_markdown writes it (brackets backslash-escaped), and the link made of it.
_ESCAPED_MARKER = re.compile(r"\\\[(\d{1,2})\\\]")
_MARKER_LINK = re.compile(r"\[(\\\[\d{1,2}\\\])\]\(#quelle-\d{1,2}\)")


def link_citations(text: str, numbers: set[int]) -> str:
    """Each [n] of a cited source becomes an in-page link to its card ``#quelle-n`` (the page script scrolls to and
    highlights it). Runs on escaped text, so the only link target ever made is a fragment of digits."""
    def link(m: re.Match) -> str:
        return f"[{m.group(0)}](#quelle-{m.group(1)})" if int(m.group(1)) in numbers else m.group(0)
    return _ESCAPED_MARKER.sub(link, text)


def unlink_citations(text: str) -> str:
    """The inverse of ``link_citations``: plain markers again."""
    return _MARKER_LINK.sub(r"\1", text)


def answer_markdown(answer: Answer, *, links: bool = False) -> str:
    text = safe_markdown(answer.text.replace("- [ ] ", "- ☐ "))
    if answer.answer_span:  # the answering phrase of the lead is the one markup the answer keeps: bold
        marked = safe_markdown(f"**{answer.answer_span}**")
        text = text.replace(marked, f"**{safe_markdown(answer.answer_span)}**", 1)
    if links:
        text = link_citations(text, {c.n for c in answer.citations})
    if answer.notice:
        text += f"\n\n_Hinweis: {safe_markdown(answer.notice)}_"
    if any(c.reconstruction for c in answer.citations):
        text += "\n\n_Die zitierten Unterlagen sind Nachbildungen – keine amtlichen Dokumente._"
    return text


def sources_html(answer: Answer | None) -> str:
    if answer is None or not answer.citations:
        return "<p>Noch keine Quellen. Stellen Sie eine Frage.</p>"
    title = "Nächstliegende Dokumente" if answer.refused else "Quellen"
    parts = [f"<h2>{title}</h2>"]  # h2 under the page's h1: screen readers navigate by heading level
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
            # the accessible name starts with the visible text, so voice control ("click …") finds the link
            f'aria-label="Dokument an dieser Stelle öffnen: Quelle {c.n}, {html.escape(c.title)}, '
            f'Seite {html.escape(c.page_label)}">'
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


def status_html(message: str, *, alert: bool = False) -> str:
    """A short status line read out by screen readers (``alert`` for errors, ``status`` for confirmations)."""
    if not message:
        return ""
    role = "alert" if alert else "status"
    return f'<p role="{role}" class="gi-status{" gi-error" if alert else ""}">{html.escape(message)}</p>'


def like_rating(liked) -> str | None:
    """Gradio's LikeData.liked: True (👍), False (👎), or an empty value when the user un-clicks a thumb."""
    if liked is True or str(liked).lower() in ("like", "true"):
        return "up"
    if liked is False or str(liked).lower() in ("dislike", "false"):
        return "down"
    return None


def rated_answer(answers: list, index, value) -> dict | None:
    """The answer entry a like event refers to. Chat messages alternate user/assistant, so assistant message i is
    answers[i // 2]; the entry's reply must also match the rated message's text, so a rating never lands on
    another answer (e.g. when the chat and the state got out of step)."""
    idx = index[0] if isinstance(index, list | tuple) else index
    try:
        pos = int(idx) // 2
    except (TypeError, ValueError):
        return None
    entry = answers[pos] if answers and 0 <= pos < len(answers) else None
    if not entry:
        return None
    if value is not None and _normal(_text_of(value)) != _normal(entry.get("reply", "")):
        log.warning("like event does not match the answer at position %s; not stored", pos)
        return None
    return entry


def _normal(text: str) -> str:
    return " ".join(text.split())


def api_docs_html(schema: dict) -> str:
    """The API description as one static German page built from the OpenAPI schema: no scripts and no assets
    from elsewhere (FastAPI's Swagger page loads them from a public CDN and stays blank offline)."""
    esc = html.escape
    parts = [f"<h1>{esc(schema.get('info', {}).get('title', 'API'))}</h1>",
             '<p>Maschinenlesbare Beschreibung: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI '
             f"{esc(str(schema.get('openapi', '')))}).</p>"]
    components = schema.get("components", {}).get("schemas", {})
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            parts.append(f"<section><h2><code>{esc(method.upper())} {esc(path)}</code></h2>")
            if op.get("summary") or op.get("description"):
                parts.append(f"<p>{esc(op.get('description') or op.get('summary'))}</p>")
            params = op.get("parameters", [])
            if params:
                parts.append("<h3>Parameter</h3><ul>" + "".join(
                    f"<li><code>{esc(p['name'])}</code> ({esc(p.get('in', ''))})</li>" for p in params) + "</ul>")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = body.get("$ref", "").rsplit("/", 1)[-1]
            if ref in components:
                props = components[ref].get("properties", {})
                required = set(components[ref].get("required", []))
                parts.append("<h3>Anfrage (JSON)</h3><table><tr><th>Feld</th><th>Typ</th><th>Pflicht</th>"
                             "<th>Beschreibung</th></tr>" + "".join(
                                 f"<tr><td><code>{esc(name)}</code></td><td>{esc(_schema_type(prop))}</td>"
                                 f"<td>{'ja' if name in required else 'nein'}</td>"
                                 f"<td>{esc(prop.get('description', ''))}</td></tr>"
                                 for name, prop in props.items()) + "</table>")
            responses = op.get("responses", {})
            if responses:
                parts.append("<h3>Antworten</h3><ul>" + "".join(
                    f"<li><code>{esc(code)}</code> {esc(r.get('description', ''))}</li>"
                    for code, r in responses.items()) + "</ul>")
            parts.append("</section>")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#1f2937;line-height:1.5}"
             "table{border-collapse:collapse}td,th{border:1px solid #9ca3af;padding:.3em .6em;text-align:left}"
             "a{color:#1d4ed8}a:focus-visible{outline:3px solid #1d4ed8}")
    return (f'<!doctype html><html lang="de"><head><meta charset="utf-8"><title>API-Dokumentation</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{style}</style></head>'
            f"<body><main>{''.join(parts)}</main></body></html>")


def _schema_type(prop: dict) -> str:
    if "type" in prop:
        return str(prop["type"])
    return " | ".join(str(p.get("type", "null")) for p in prop.get("anyOf", [])) or "beliebig"


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
        """One turn. A rejected question (too long, empty, no index) is not added to the chat: it stays in the
        input and the German reason appears beside it, so nothing typed is lost."""
        history = list(history or [])
        answers = list(answers or [])
        plain_history = [{"role": m.get("role"), "content": _text_of(m.get("content"))} for m in history
                         if isinstance(m, dict)]
        filters = {"docs": doc_filter or [], "types": type_filter or [], "areas": area_filter or []}
        audience = AUDIENCE_LABELS.get(audience_label, "general")
        try:
            answer = assistant.ask(message, history=plain_history, audience=audience, filters=filters)
        except UserFacingError as exc:
            return gr.update(), gr.update(), answers, message, status_html(exc.reason, alert=True), gr.update()
        except Exception:
            log.exception("ask failed")
            return (gr.update(), gr.update(), answers, message,
                    status_html("Es ist ein interner Fehler aufgetreten. Bitte versuchen Sie es noch einmal.",
                                alert=True), gr.update())
        # Only the newest answer's sources are shown, so only its [n] may link to a card: earlier answers keep
        # plain markers (and their stored reply text, which binds ratings, changes with them).
        for m in history:
            if isinstance(m, dict) and m.get("role") == "assistant":
                m["content"] = unlink_citations(_text_of(m.get("content")))
        for entry in answers:
            entry["reply"] = unlink_citations(entry.get("reply", ""))
        reply = answer_markdown(answer, links=True)
        # The id binds a later rating to exactly this answer; the reply text lets on_like check the binding.
        answers.append({"id": uuid.uuid4().hex, "question": message, "answer": answer.to_dict(), "reply": reply,
                        "settings": {"audience": audience, "filters": filters, **assistant.describe()}})
        history += [{"role": "user", "content": safe_markdown(message or "")},
                    {"role": "assistant", "content": reply}]
        return history, sources_html(answer), answers, "", "", gr.update(open=False)

    def on_like(answers: list, reason: str, data: gr.LikeData):
        entry = rated_answer(answers, data.index, data.value)
        if entry is None:
            return status_html("Für diese Nachricht kann keine Rückmeldung gespeichert werden.", alert=True), reason
        path = assistant.settings.feedback_path
        rating = like_rating(data.liked)
        if rating is None:  # the same thumb clicked again: take the rating back, do not store the opposite
            feedback.withdraw(path, answer_id=entry["id"])
            return status_html("Ihre Bewertung wurde zurückgenommen."), ""
        feedback.record(path, rating=rating, question=entry["question"], answer=entry["answer"],
                        reason=reason or "", settings=entry["settings"], answer_id=entry["id"])
        return status_html("Danke! Ihre Rückmeldung wurde gespeichert."), ""

    def reset():
        """Both the chat's trash icon and "Neue Unterhaltung": no sources, answers or rating state survive."""
        return [], sources_html(None), [], "", "", "", gr.update(open=True)

    with gr.Blocks(title="GI-Assistent") as demo:
        # One layout for every screen, in the order a phone needs it: choices at the top, then question, answer
        # and sources; on a wide screen the sources sit beside the chat. Tab order thus matches what is seen.
        gr.Markdown(
            "# GI-Assistent\n"
            "Fragen und Antworten zur **Ressortübergreifenden Gemeinschaftsinitiative (GI)** in Marzahn-Hellersdorf "
            "(Handlungsräume Marzahn-Nord und Hellersdorf-Nord). Jede Aussage verweist mit [1], [2] … auf die "
            "Fundstelle in den Unterlagen. Steht etwas nicht in den Unterlagen, sagt der Assistent das.",
            elem_id="gi-intro",
        )
        with gr.Tabs(elem_id="gi-tabs"):
            with gr.Tab("Fragen", id="fragen", elem_id="gi-tab-chat"):
                answers = gr.State([])
                with gr.Row(elem_id="gi-top", equal_height=False):
                    with gr.Column(scale=3, min_width=240):
                        audience = gr.Radio(list(AUDIENCE_LABELS), value="Allgemein", label="Antwort für",
                                            elem_id="gi-audience")
                    with gr.Column(scale=2, min_width=240), gr.Accordion("Suche eingrenzen", open=False,
                                                                         elem_id="gi-filters"):
                        doc_filter = gr.Dropdown(doc_choices, multiselect=True, label="Dokumente", value=[])
                        type_filter = gr.Dropdown(type_choices, multiselect=True, label="Dokumenttyp", value=[])
                        area_filter = gr.Dropdown(area_choices, multiselect=True, label="Handlungsraum", value=[])
                with gr.Row(elem_id="gi-main", equal_height=False):
                    with gr.Column(scale=3, min_width=300, elem_id="gi-col-chat"):
                        question = gr.Textbox(label="Ihre Frage",
                                              placeholder="z. B. Was ist die Gemeinschaftsinitiative?",
                                              elem_id="gi-question", lines=1, max_lines=6, autofocus=True,
                                              info="Enter sendet die Frage, Umschalt+Enter beginnt eine neue Zeile.")
                        question_status = gr.HTML("", elem_id="gi-question-status")
                        with gr.Row(elem_id="gi-actions"):
                            ask_btn = gr.Button("Fragen", variant="primary", elem_id="gi-ask")
                            clear_btn = gr.Button("Neue Unterhaltung", elem_id="gi-clear")
                        chatbot = gr.Chatbot(label="Unterhaltung", height=CHAT_HEIGHT, elem_id="gi-chat",
                                             placeholder="Ihre Unterhaltung erscheint hier.", sanitize_html=True,
                                             feedback_options=("Like", "Dislike"),
                                             # no "share" button: it posts to an outside service and has no label
                                             buttons=["copy", "copy_all"])
                        # Right under the chat, where the thumbs are clicked: the confirmation is seen at once.
                        feedback_status = gr.HTML("", elem_id="gi-feedback-status")
                        reason = gr.Textbox(label="Begründung zur Bewertung (optional, vor dem Klick auf 👍/👎)",
                                            elem_id="gi-reason", lines=1)
                    with gr.Column(scale=2, min_width=300, elem_id="gi-col-sources"):
                        sources = gr.HTML(sources_html(None), label="Quellen", elem_id="gi-sources")
                # Open for the first visit; folded after the first answer: question, answer, sources stay on top.
                with gr.Accordion("Beispielfragen", open=True, elem_id="gi-examples") as examples, gr.Row():
                    gr.Examples(EXAMPLES_STAFF, inputs=question, label="Beispiele für die Verwaltung")
                    gr.Examples(EXAMPLES_CITIZENS, inputs=question, label="Beispiele für Bürgerinnen und Bürger")

            # District staff: a chapter of an integrated action concept, cited, exported to Word.
            with gr.Tab("Konzept schreiben", id="konzept", elem_id="gi-tab-workspace"):
                build_workspace(assistant)

        inputs = [question, chatbot, audience, doc_filter, type_filter, area_filter, answers]
        outputs = [chatbot, sources, answers, question, question_status, examples]
        ask_btn.click(chat, inputs, outputs, api_name="chat", concurrency_limit=None)
        question.submit(chat, inputs, outputs, api_name=False, concurrency_limit=None)
        reset_outputs = [chatbot, sources, answers, feedback_status, reason, question_status, examples]
        clear_btn.click(lambda: (*reset(), ""), None, [*reset_outputs, question], api_name=False)
        chatbot.clear(reset, None, reset_outputs, api_name=False)
        chatbot.like(on_like, [answers, reason], [feedback_status, reason], api_name=False)
    return demo


def create_app(settings: Settings | None = None, assistant: Assistant | None = None):
    """FastAPI app with the JSON API, the document files and the Gradio UI mounted at /."""
    import gradio as gr

    assistant = assistant or Assistant(settings or Settings.load())
    settings = assistant.settings
    # docs_url/redoc_url off: FastAPI's pages load Swagger/ReDoc from a public CDN; /api/docs is our own page.
    app = FastAPI(title="GI-Assistent API", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
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
        """Eine Frage stellen: Antwort mit Belegen [n], Quellen (Dokument, Seite, Abschnitt, Zitat) und Zeiten.
        Ungültige Fragen oder Zielgruppen ergeben 400 mit einer deutschen Meldung, ein fehlender Index 503."""
        try:
            return assistant.ask(req.question, history=req.history, audience=req.audience,
                                 filters=req.filters).to_dict()
        except (InvalidQuestion, UnsupportedAudience) as exc:
            raise HTTPException(400, str(exc)) from exc
        except IndexNotReady as exc:
            raise HTTPException(503, exc.reason) from exc

    @app.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(api_docs_html(app.openapi()))

    @app.get("/api/health")
    def health() -> dict:
        """Betriebszustand: "ok" und die Zahl der Abschnitte im Index, sonst 503."""
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
    head = HEAD % json.dumps(GRADIO_FIXED_LABELS, ensure_ascii=False)
    i18n = gr.I18n(de=GRADIO_GERMAN, en=GRADIO_GERMAN)
    return gr.mount_gradio_app(app, demo, path="", auth=auth, footer_links=["api"], css=CSS, head=head, i18n=i18n,
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
