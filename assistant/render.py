"""How answers, sources and the area page are written for the web page: escaped Markdown for the chat, HTML for
the source cards and the area page, the chat's copy texts, status lines and the static API description. Everything
shown comes from documents and is escaped here: document text can never inject markup, scripts or requests to
remote hosts into the page."""

from __future__ import annotations

import html
import re

from assistant.answer import Answer
from assistant.citations import TAGS, Citation, without_tags
from assistant.kiez import KiezPage

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
    text = safe_markdown(answer.text.replace("- [ ] ", "- "))  # a list item; a box in a bullet is a second marker
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
    plain = answer.audience == "citizen"
    parts += [source_card_html(c, f"quelle-{c.n}", plain=plain) for c in answer.citations]
    return "\n".join(parts)


def source_card_html(c: Citation, anchor: str, *, plain: bool = False) -> str:
    """One source card: title with badges, type/Stand/page/section, the quote with the used sentences marked,
    and the link that opens the document at the page. ``anchor`` is the card's id, the target of its [n] links.
    ``plain`` (citizens): the quote without the guideline's source marks ("[GI]", "[Praxis]"), which the citizen's
    answer does not explain, and with table cells apart by a dot instead of a pipe."""
    quote = html.escape(c.text)
    for h in sorted(set(c.highlights), key=len, reverse=True):
        esc = html.escape(h)
        if esc and esc in quote:
            quote = quote.replace(esc, f"<mark>{esc}</mark>", 1)
    section = TAGS.sub(" ", c.section).strip() if plain else c.section
    if plain:
        quote = "\n".join(_plain_line(line) for line in quote.split("\n"))
    badge = "".join(f' <span class="gi-badge">{html.escape(n)}</span>' for n in c.notice.split("; ") if n)
    page = f"S. {html.escape(c.page_label)}"
    if str(c.page) != str(c.page_label):
        page += f" (PDF-Seite {c.page})"
    return (
        f'<div class="gi-source" id="{anchor}"><strong>[{c.n}] {html.escape(c.title)}</strong>{badge}'
        f'<div class="gi-meta">{html.escape(c.type)} · Stand: {html.escape(c.stand)} · {page}'
        f'{" · " + html.escape(section) if section else ""}</div>'
        f'<blockquote style="white-space: pre-wrap">{quote}</blockquote>'
        f'<a href="{html.escape(c.url)}" target="_blank" rel="noopener" '
        # the accessible name starts with the visible text, so voice control ("click …") finds the link
        f'aria-label="Dokument an dieser Stelle öffnen: Quelle {c.n}, {html.escape(c.title)}, '
        f'Seite {html.escape(c.page_label)}">'
        f"Dokument an dieser Stelle öffnen</a></div>"
    )


def _plain_line(line: str) -> str:
    """A line of a citizen's source card without the source marks and the punctuation they leave behind
    ("… zu schaffen [GI]. [Praxis]: Analyse …" → "… zu schaffen. Analyse …"), table cells apart by a dot."""
    line = re.sub(r"(?:\s*\|\s*)+$", "", without_tags(line))  # and an emptied last cell
    return line.replace(" | ", " · ")


_PLAIN_MARKER = re.compile(r"\[(\d{1,2})\]")


def answer_html(answer: Answer, anchor: str) -> str:
    """An answer as HTML (the area page): escaped, the answering phrase bold, each [n] of a cited source a link
    to its card ``{anchor}-{n}``; paragraphs and line breaks as in the text."""
    numbers = {c.n for c in answer.citations}
    text = html.escape(answer.text.replace("- [ ] ", "- "), quote=False)
    if answer.answer_span:  # the composer marks the answering phrase **so**
        span = html.escape(answer.answer_span, quote=False)
        text = text.replace(f"**{span}**", f"<strong>{span}</strong>", 1)
    text = _PLAIN_MARKER.sub(lambda m: f'<a href="#{anchor}-{m.group(1)}">{m.group(0)}</a>'
                             if int(m.group(1)) in numbers else m.group(0), text)
    return "".join(f'<p class="gi-kiez-text">{para}</p>' for para in text.split("\n\n") if para.strip())


def kiez_html(page: KiezPage, citywide: tuple[str, ...]) -> str:
    """The area page: for each essential question the assistant's cited answer (or its honest refusal with whom
    to ask) and its sources, folded so that the page stays short on a phone; [n] opens and shows its card.
    ``citywide``: the labels of documents for the whole city (assistant/data/kiez.yaml), which the page also uses."""
    area = page.area
    wide = f" und den Unterlagen für ganz {' und '.join(html.escape(c) for c in citywide)}" if citywide else ""
    parts = [f"<h2>Mein Kiez: {html.escape(area.name)}</h2>",
             f'<p class="gi-meta">{html.escape(area.kind)} · Antworten für Bürgerinnen und Bürger aus den Unterlagen '
             f"zu {html.escape(area.name)}{wide}; jede Aussage mit Fundstelle.</p>"]
    for i, item in enumerate(page.items, start=1):
        answer, anchor = item.answer, f"quelle-k{i}"
        # a refusal says itself that the documents do not answer, and whom to ask
        parts.append(f'<section class="gi-kiez-item{" gi-kiez-gap" if answer.refused else ""}" '
                     f'aria-labelledby="kiez-{i}"><h3 id="kiez-{i}">{html.escape(item.essential.title)}</h3>')
        parts.append(answer_html(answer, anchor))
        if answer.citations:
            label = "Nächstliegende Dokumente" if answer.refused else "Quellen"
            parts.append(f"<details><summary>{label} ({len(answer.citations)})</summary>"
                         + "".join(source_card_html(c, f"{anchor}-{c.n}", plain=True) for c in answer.citations)
                         + "</details>")
        parts.append(f'<p class="gi-meta">Gefragt: „{html.escape(item.question)}“</p></section>')
    if any(c.reconstruction for item in page.items for c in item.answer.citations):
        parts.append('<p class="gi-meta"><em>Die zitierten Unterlagen sind Nachbildungen – keine amtlichen '
                     "Dokumente.</em></p>")
    return "\n".join(parts)


def copy_text(answer: Answer, frame: str = "") -> str:
    """What the chat's copy button copies for an answer: the server's plain text (no Markdown, the sources as a
    plain list with relative links, which the page makes absolute), introduced by the Kiez frame as shown."""
    plain = answer.to_dict()["text_plain"]
    if not frame:
        return plain
    return f"{frame}:" + ("\n\n" if answer.text.startswith("- ") else " ") + plain


def copy_store_html(answers: list) -> str:
    """The copy texts of the chat's answers, in order, for static/chat_copy.js (hidden by CSS): the button copies
    the text stored with its own answer, never whatever the sources panel shows at that moment."""
    def attr(text: str) -> str:  # newlines as references: they must survive any attribute normalisation
        return html.escape(text, quote=True).replace("\r", "").replace("\n", "&#10;")
    return "".join(f'<div data-answer="{i}" data-plain="{attr(entry.get("copy", ""))}"></div>'
                   for i, entry in enumerate(answers or []))


def kiez_prompt_html(areas: list) -> str:
    """The area page before a Kiez is chosen (first visit, or "Alle Gebiete")."""
    listed = "".join(f"<li>{html.escape(a.name)} ({html.escape(a.kind)}, {a.documents} "
                     f"{'Dokument' if a.documents == 1 else 'Dokumente'})</li>" for a in areas)
    return ("<h2>Mein Kiez</h2><p>Wählen Sie oben unter „Mein Kiez“ Ihr Gebiet. Dann gelten die Antworten für "
            "dieses Gebiet, und hier steht, was dort geplant ist, wo Sie mitmachen können und wen Sie fragen "
            "können – jeweils mit Fundstelle.</p>"
            + (f"<p>Gebiete in den Unterlagen:</p><ul>{listed}</ul>" if listed else
               "<p>Die Unterlagen nennen noch keine Gebiete.</p>"))


def status_html(message: str, *, alert: bool = False) -> str:
    """A short status line read out by screen readers (``alert`` for errors, ``status`` for confirmations)."""
    if not message:
        return ""
    role = "alert" if alert else "status"
    return f'<p role="{role}" class="gi-status{" gi-error" if alert else ""}">{html.escape(message)}</p>'


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
