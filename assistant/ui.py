"""The web app: Gradio Blocks for people, a JSON API (``POST /api/ask``) for programs, and the corpus files
(``/dokumente/…``) so citations open the PDF at the cited page. No retrieval logic lives here, and no rendering:
answers, sources and the area page are written (and escaped) by :mod:`assistant.render`.
"""


import json
import logging
import secrets
import uuid
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field

from assistant import api_errors, feedback, web_assets, workspace_ui
from assistant.answer import UnsupportedAudience
from assistant.core import Assistant, IndexNotReady, InvalidQuestion
from assistant.errors import UserFacingError
from assistant.kiez import KiezGuide, UnknownArea, list_areas
from assistant.outline import Workspace
from assistant.render import (
    answer_markdown,
    api_docs_html,
    copy_store_html,
    copy_text,
    kiez_html,
    kiez_prompt_html,
    safe_markdown,
    sources_html,
    status_html,
    unlink_citations,
)
from assistant.settings import Settings
from assistant.workspace_api import router as workspace_router
from assistant.workspace_ui import build_workspace

log = logging.getLogger("assistant.ui")

ALL_AREAS = "Alle Gebiete"  # the "Mein Kiez" choice that sets no area
# The stored Kiez is an area name, nothing private; a fixed key (instead of Gradio's random one per start) keeps
# the choice across server restarts.
KIEZ_STORAGE_SECRET = "gi-assistent-mein-kiez"
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
#gi-copy-store { display: none !important; }
/* Copy and delete under one's own question sat over its last words on a desktop too; one's own question is not
   worth them (each answer keeps its copy button). */
#gi-chat .message-buttons-right { display: none; }
#gi-index-status.gi-index-busy { color: #8a4b00; font-weight: 600; }
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
/* "Mein Kiez": a compact choice in the header; the area page's refusals and folded sources. */
#gi-header { align-items: center; }
#gi-title h1 { margin: 0; }
#gi-kiez { padding: .3em .6em !important; }
#gi-kiez-welcome { border: 2px solid #1d4ed8; border-radius: 8px; padding: .5em .8em; background: #eff6ff; }
#gi-kiez-buttons button { flex: 0 1 auto; min-width: 0; }
#gi-kiez-page section { margin-bottom: 1.2em; }
#gi-kiez-page .gi-kiez-text { margin: .3em 0; }
#gi-kiez-page strong { font-size: inherit; }
#gi-kiez-page a[href^="#quelle-"] { color: #1e3a8a; font-weight: 600; }
#gi-kiez-page details > summary { cursor: pointer; color: #1e3a8a; margin: .3em 0; }
/* Gradio pads the page 32 px on each side; a phone needs the width (only unprefixed rules reach that element). */
.gradio-container .main.app { padding-left: min(32px, 2.5vw) !important; padding-right: min(32px, 2.5vw) !important; }
/* A phone (one column): the question box, the whole first answer and its first source must fit one screen
   (390x844) after asking. The header is one line (title and Kiez choice), the introduction and the first-visit
   question fold away once a question was asked, the audience is one row, gaps and paddings shrink, the chat is
   as tall as its content (up to 60 % of the screen) and its bubbles use the full width; the sources come right
   after the chat, before the rating reason: the two columns dissolve into one list whose order only moves the
   reason box. */
@media (max-width: 640px) {
    /* Gradio prefixes every rule with its container, so :has() tests sit on the page column below it. */
    div:has(> #gi-header) { gap: 6px !important; }
    div:has(> #gi-header):has(#gi-chat .message) :is(#gi-intro, #gi-kiez-welcome) { display: none !important; }
    #gi-header { flex-wrap: nowrap; gap: 8px; }
    #gi-header > .column { min-width: 0 !important; }
    #gi-header > .column:first-child { flex: 0 0 auto !important; }
    #gi-title h1 { font-size: 1.25em; white-space: nowrap; }
    #gi-kiez .container { display: flex; align-items: center; gap: .4em; }
    #gi-kiez [data-testid="block-info"] { margin: 0; white-space: nowrap; font-size: .85em; }
    #gi-kiez .wrap-inner { padding: 0 .3em; }
    #gi-kiez input { padding: .3em 0; font-size: .9em; }
    #gi-intro p { font-size: .95em; line-height: 1.35; margin: 0; }
    #gi-tabs button[role="tab"] { padding: .35em .6em; }
    #gi-tab-chat .column, #gi-tab-chat .row, #gi-tab-chat .form { gap: 6px !important; }
    #gi-top { gap: 6px !important; }
    #gi-audience, #gi-question { padding: .35em .6em !important; }
    #gi-audience .wrap { flex-wrap: nowrap; gap: 4px; }
    #gi-audience label { padding: .15em .4em; margin: 0; font-size: .85em; white-space: nowrap; }
    #gi-audience label input { margin-right: .3em; }
    #gi-filters .label-wrap { padding: .2em 0; }
    #gi-question .info-text, #gi-question [data-testid="block-info"] { margin-bottom: .15em; }
    /* "Enter sendet …, Umschalt+Enter …" means nothing on a phone's keyboard */
    #gi-question .info-text { display: none; }
    #gi-question textarea { padding: .35em .6em; }
    #gi-actions { flex-wrap: nowrap; }
    #gi-actions button { min-width: 0; flex: 1 1 auto; white-space: nowrap; padding: .35em .6em; }
    #gi-sources h2 { margin: 0 0 .2em; font-size: 1.1em; }
    #gi-sources .gi-source { padding: .4em .6em; }
    #gi-chat { height: auto !important; max-height: 60vh !important; min-height: 0 !important; }
    #gi-chat .message-wrap { padding: .3em .4em; gap: .3em; }
    #gi-chat .message-row { margin: 0; max-width: 100% !important; }
    #gi-chat .bubble-wrap { padding-top: 1.6em; }
    #gi-chat .message-wrap { margin-bottom: 0; }
    #gi-filters { padding: .3em .6em !important; }
    #gi-chat .message { padding: .3em .5em !important; max-width: 100% !important; }
    #gi-chat .message-content p { margin: .15em 0; font-size: .9em; line-height: 1.35; }
    #gi-main { flex-direction: column; flex-wrap: nowrap; }
    #gi-main > .column { display: contents; }
    #gi-sources { order: 1; }
    .form:has(#gi-reason) { order: 2; }  /* Gradio wraps each text box in an unnamed .form */
}
"""
# After the first-visit Kiez choice: to the question box, or (on another tab) to the header's Kiez choice.
FOCUS_AFTER_KIEZ_CHOICE = """() => {
  const box = document.querySelector("#gi-question textarea");
  const target = box && box.offsetParent !== null ? box : document.querySelector("#gi-kiez input");
  if (target) target.focus();
}"""
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
    const fold = card.closest("details");  // the area page folds its sources away
    if (fold) fold.open = true;
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


def _text_of(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(_text_of(c) for c in content)
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    return str(content or "")


def like_rating(liked) -> str | None:
    """Gradio's LikeData.liked: True (👍), False (👎), or an empty value when the user un-clicks a thumb."""
    if liked is True or str(liked).lower() in ("like", "true"):
        return "up"
    if liked is False or str(liked).lower() in ("dislike", "false"):
        return "down"
    return None


def _normal(text: str) -> str:
    return " ".join(text.split())


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


# ---------------------------------------------------------------- app

def build_blocks(assistant: Assistant, guide: KiezGuide | None = None):
    """The page. ``guide`` is shared with the API (``create_app``), so each area page is built and cached once."""
    import gradio as gr

    try:
        docs = assistant.documents()
    except IndexNotReady:
        docs = []
    doc_choices = [(d["title"], d["doc"]) for d in docs]
    type_choices = sorted({d["type"] for d in docs if d["type"]})
    guide = guide or KiezGuide(assistant)
    areas = list_areas(docs, assistant.glossary.areas, guide.config)
    area_choices = [a.name for a in areas]
    kiez_choices = [(ALL_AREAS, ""), *[(a.name, a.name) for a in areas]]

    def chat(message: str, history: list, audience_label: str, doc_filter: list, type_filter: list,
             area_filter: list, answers: list, kiez: str):
        """One turn. A rejected question (too long, empty, no index) is not added to the chat: it stays in the
        input and the German reason appears beside it, so nothing typed is lost. With a Kiez chosen (and no
        area filter set) the answer is searched in that area's and city-wide documents and framed for it."""
        history = list(history or [])
        answers = list(answers or [])
        plain_history = [{"role": m.get("role"), "content": _text_of(m.get("content"))} for m in history
                         if isinstance(m, dict)]
        filters = {"docs": doc_filter or [], "types": type_filter or [], "areas": area_filter or []}
        audience = AUDIENCE_LABELS.get(audience_label, "general")
        try:
            scoped = guide.ask(message, kiez or "", history=plain_history, audience=audience, filters=filters)
        except UserFacingError as exc:
            return (gr.update(), gr.update(), answers, message, status_html(exc.reason, alert=True), gr.update(),
                    gr.update())
        except Exception:
            log.exception("ask failed")
            return (gr.update(), gr.update(), answers, message,
                    status_html("Es ist ein interner Fehler aufgetreten. Bitte versuchen Sie es noch einmal.",
                                alert=True), gr.update(), gr.update())
        # Only the newest answer's sources are shown, so only its [n] may link to a card: earlier answers keep
        # plain markers (and their stored reply text, which binds ratings, changes with them).
        for m in history:
            if isinstance(m, dict) and m.get("role") == "assistant":
                m["content"] = unlink_citations(_text_of(m.get("content")))
        for entry in answers:
            entry["reply"] = unlink_citations(entry.get("reply", ""))
        answer, filters = scoped.answer, scoped.filters
        reply = answer_markdown(answer, links=True)
        if scoped.frame:  # "**Für Hellersdorf-Nord:** …" – a list answer starts on its own line
            reply = f"**{safe_markdown(scoped.frame)}:**" + ("\n\n" if reply.startswith("- ") else " ") + reply
        # The id binds a later rating to exactly this answer; the reply text lets on_like check the binding.
        answers.append({"id": uuid.uuid4().hex, "question": message, "answer": answer.to_dict(), "reply": reply,
                        "copy": copy_text(answer, scoped.frame),
                        "settings": {"audience": audience, "filters": filters, **assistant.describe()}})
        history += [{"role": "user", "content": safe_markdown(message or "")},
                    {"role": "assistant", "content": reply}]
        return history, sources_html(answer), answers, "", "", gr.update(open=False), copy_store_html(answers)

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
        return [], sources_html(None), [], "", "", "", gr.update(open=True), copy_store_html([])

    with gr.Blocks(title="GI-Assistent") as demo:
        # One layout for every screen, in the order a phone needs it: choices at the top, then question, answer
        # and sources; on a wide screen the sources sit beside the chat. Tab order thus matches what is seen.
        # The Kiez choice lives in the browser (localStorage, via Gradio's BrowserState) and is offered in the
        # header at any time; a first visitor is asked once, right under it.
        kiez_store = gr.BrowserState(None, storage_key="gi-kiez", secret=KIEZ_STORAGE_SECRET)
        with gr.Row(elem_id="gi-header", equal_height=False):
            with gr.Column(scale=3, min_width=140):
                gr.Markdown("# GI-Assistent", elem_id="gi-title")
            with gr.Column(scale=1, min_width=190):
                kiez = gr.Dropdown(kiez_choices, value=None, label="Mein Kiez", elem_id="gi-kiez",
                                   allow_custom_value=False)
        with gr.Column(visible=False, elem_id="gi-kiez-welcome") as welcome:
            gr.Markdown("**Wo ist Ihr Kiez?** Dann gelten die Antworten für Ihr Gebiet, und unter „Mein Kiez“ "
                        "steht, was dort geplant ist. Sie können das oben jederzeit ändern.")
            with gr.Row(elem_id="gi-kiez-buttons"):
                area_buttons = [(gr.Button(a.name, size="sm"), a.name) for a in areas]
                later_btn = gr.Button("Später", size="sm", elem_id="gi-kiez-later")
        gr.Markdown(
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
                                             autoscroll=False,  # static/chat_scroll.js shows the new answer
                                             feedback_options=("Like", "Dislike"),
                                             # no "share" button: it posts to an outside service and has no label
                                             buttons=["copy"])
                        # Right under the chat, where the thumbs are clicked: the confirmation is seen at once.
                        feedback_status = gr.HTML("", elem_id="gi-feedback-status")
                        reason = gr.Textbox(label="Begründung zur Bewertung (optional, vor dem Klick auf 👍/👎)",
                                            elem_id="gi-reason", lines=1)
                    with gr.Column(scale=2, min_width=300, elem_id="gi-col-sources"):
                        sources = gr.HTML(sources_html(None), label="Quellen", elem_id="gi-sources")
                # each answer's copy text (static/chat_copy.js), hidden by CSS
                copy_store = gr.HTML("", elem_id="gi-copy-store")
                # Open for the first visit; folded after the first answer: question, answer, sources stay on top.
                with gr.Accordion("Beispielfragen", open=True, elem_id="gi-examples") as examples, gr.Row():
                    gr.Examples(EXAMPLES_STAFF, inputs=question, label="Beispiele für die Verwaltung")
                    gr.Examples(EXAMPLES_CITIZENS, inputs=question, label="Beispiele für Bürgerinnen und Bürger")

            # Citizens: the chosen area's essentials, each cited (assistant/kiez.py builds them).
            with gr.Tab("Mein Kiez", id="kiez", elem_id="gi-tab-kiez"):
                kiez_page = gr.HTML(kiez_prompt_html(areas), elem_id="gi-kiez-page")

            # District staff: a chapter of an integrated action concept, cited, exported to Word.
            with gr.Tab("Konzept schreiben", id="konzept", elem_id="gi-tab-workspace"):
                build_workspace(assistant)
        # filled by static/index_status.js from /api/status: documents, passages, last update, reload notice
        gr.HTML('<p id="gi-index-status" class="gi-meta" role="status" aria-live="polite"></p>',
                elem_id="gi-index-foot")

        def area_page(name: str | None) -> str:
            if not name:
                return kiez_prompt_html(areas)
            try:
                return kiez_html(guide.page(name), guide.config.citywide)
            except UserFacingError as exc:
                return status_html(exc.reason, alert=True)
            except Exception:
                log.exception("area page failed")
                return status_html("Die Seite zu diesem Gebiet konnte nicht erstellt werden.", alert=True)

        def choose(name: str | None):
            """A choice from the header or the first-visit buttons: remembered, shown, the question not asked again."""
            # stored as an object: Gradio does not store an empty value, and "Alle Gebiete" must be remembered too
            return {"area": name or ""}, gr.update(value=name or ""), area_page(name), gr.update(visible=False)

        def restore(stored: dict | None):
            """Page load: the remembered Kiez (if the documents still name it); a first visitor is asked."""
            if not isinstance(stored, dict):
                return gr.update(value=None), kiez_prompt_html(areas), gr.update(visible=bool(areas))
            name = stored.get("area") if stored.get("area") in area_choices else ""
            return gr.update(value=name), area_page(name), gr.update(visible=False)

        kiez_outputs = [kiez_store, kiez, kiez_page, welcome]
        kiez.input(choose, [kiez], kiez_outputs, api_name=False)
        # the clicked button vanishes with the first-visit box: the focus goes on to where one continues
        for button, name in area_buttons:
            button.click(lambda name=name: choose(name), None, kiez_outputs, api_name=False).then(
                None, None, None, js=FOCUS_AFTER_KIEZ_CHOICE)
        later_btn.click(lambda: choose(""), None, kiez_outputs, api_name=False).then(
            None, None, None, js=FOCUS_AFTER_KIEZ_CHOICE)
        demo.load(restore, [kiez_store], [kiez, kiez_page, welcome], api_name=False)

        inputs = [question, chatbot, audience, doc_filter, type_filter, area_filter, answers, kiez]
        outputs = [chatbot, sources, answers, question, question_status, examples, copy_store]
        ask_btn.click(chat, inputs, outputs, api_name="chat", concurrency_limit=None)
        question.submit(chat, inputs, outputs, api_name=False, concurrency_limit=None)
        reset_outputs = [chatbot, sources, answers, feedback_status, reason, question_status, examples, copy_store]
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

    guide = KiezGuide(assistant)

    @app.get("/api/areas", dependencies=[Depends(check_auth)])
    def api_areas() -> list[dict]:
        """Die Gebiete für „Mein Kiez“ (aus den Metadaten der Dokumente und dem Glossar), mit Art und Zahl der
        Dokumente."""
        try:
            return [a.to_dict() for a in guide.areas()]
        except IndexNotReady as exc:
            raise HTTPException(503, exc.reason) from exc

    @app.get("/api/kiez", dependencies=[Depends(check_auth)])
    def api_kiez(area: str) -> dict:
        """Die Seite „Mein Kiez“ eines Gebiets: was geplant ist, wo man mitmachen kann, wen man fragen kann – je
        eine belegte Antwort für Bürgerinnen und Bürger (oder die ehrliche Auskunft, dass die Unterlagen dazu
        nichts sagen). Unbekanntes Gebiet: 404."""
        try:
            return guide.page(area).to_dict()
        except UnknownArea as exc:
            raise HTTPException(404, exc.reason) from exc
        except IndexNotReady as exc:
            raise HTTPException(503, exc.reason) from exc

    # the staff workspace ("Konzept schreiben"): its API, and the script of its tab
    app.include_router(workspace_router(Workspace(assistant), check_auth))

    @app.get(web_assets.STATIC_URL + "/{name}", include_in_schema=False)
    def script(name: str) -> FileResponse:
        if name not in web_assets.SCRIPTS:
            raise HTTPException(404, "Nicht gefunden.")
        return FileResponse(web_assets.STATIC_DIR / name, media_type="text/javascript")

    @app.get("/api/status", dependencies=[Depends(check_auth)])
    def status() -> dict:
        """Zustand des Index: Dokumente, Abschnitte, letzte Aktualisierung (ISO-Zeit), Generation, ob gerade ein
        neuer Stand geladen wird („reloading“) und ob überhaupt ein Index da ist („ready“)."""
        return assistant.index_status()

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

    # German 422/404/405/500 answers; after the last /api route (its catch-all answers only what none matched)
    api_errors.install(app)

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

    demo = build_blocks(assistant, guide)
    demo.queue(default_concurrency_limit=None)
    auth = (settings.auth_user, settings.auth_password) if auth_on else None
    head = HEAD % json.dumps(GRADIO_FIXED_LABELS, ensure_ascii=False) + web_assets.HEAD
    i18n = gr.I18n(de=GRADIO_GERMAN, en=GRADIO_GERMAN)
    return gr.mount_gradio_app(app, demo, path="", auth=auth, footer_links=["api"], css=CSS + workspace_ui.CSS,
                               head=head, i18n=i18n,
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
