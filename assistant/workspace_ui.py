"""The "Konzept schreiben" tab: a container the browser script ``assistant/static/workspace.js`` fills from the
workspace's HTTP API (``assistant/workspace_api.py``). The page and the API thus show the same outline, and the
planner's ticks and notes stay in the browser (localStorage) until exported."""

INTRO = (
    "Wählen Sie ein Kapitel des Leitfadens und einen Handlungsraum. Sie erhalten die Anforderungen als Checkliste, "
    "Beispiele aus bestehenden Konzepten, Zahlen, Stolpersteine und Lücken – jeder Punkt mit Beleg [n]. Haken und "
    "Notizen bleiben nur in diesem Browser gespeichert, bis Sie exportieren."
)
CSS = """
#gi-ws .gi-ws-choice { display: flex; flex-wrap: wrap; gap: .8em 1.5em; margin-bottom: .5em; }
#gi-ws .gi-ws-choice > div { display: flex; flex-direction: column; min-width: 14em; flex: 1 1 14em; }
#gi-ws label { font-weight: 600; }
#gi-ws select, #gi-ws textarea { border: 1px solid #6b7280; border-radius: 4px; padding: .3em .4em;
    background: #fff; color: #111827; font: inherit; }
#gi-ws textarea::placeholder { color: #52525b; }
#gi-ws .gi-ws-tools { display: flex; flex-wrap: wrap; gap: .4em; margin: .4em 0 .8em; }
#gi-ws .gi-ws-button { border: 1px solid #374151; border-radius: 4px; background: #fff; color: #111827;
    padding: .3em .7em; cursor: pointer; }
#gi-ws .gi-ws-button:disabled { color: #6b7280; border-color: #9ca3af; cursor: default; }
#gi-ws #gi-ws-docx { background: #1e3a8a; border-color: #1e3a8a; color: #fff; }
#gi-ws .gi-ws-status { min-height: 1.4em; font-weight: 600; color: #14532d; margin: .2em 0; }
#gi-ws .gi-ws-status.gi-ws-error { color: #991b1b; }
#gi-ws .gi-ws-list { list-style: none; padding: 0; margin: 0; }
#gi-ws .gi-ws-item { border-bottom: 1px solid #e5e7eb; padding: .45em 0; }
#gi-ws .gi-ws-line { display: flex; gap: .5em; align-items: flex-start; }
#gi-ws .gi-ws-line input { margin-top: .3em; flex: none; width: 1.1em; height: 1.1em; }
#gi-ws .gi-ws-line label { font-weight: 400; }
#gi-ws .gi-ws-cite { color: #1e3a8a; font-weight: 600; white-space: nowrap; }
#gi-ws .gi-ws-edit { display: flex; gap: .3em; margin: .3em 0 0 1.6em; align-items: flex-start; }
#gi-ws .gi-ws-note { flex: 1 1 auto; min-width: 6em; }
#gi-ws .gi-ws-icon { padding: .2em .55em; }
#gi-ws .gi-ws-notice { background: #fff7ed; border-left: 4px solid #9a3412; padding: .4em .6em; }
#gi-ws .gi-ws-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
    white-space: nowrap; }
#gi-ws .gi-ws-sources li { margin-bottom: .3em; }
#gi-ws a { color: #1e3a8a; }
"""


def build_workspace(assistant) -> None:
    """The tab's content (``assistant`` is unused: the script asks the API, so page and API cannot differ)."""
    import gradio as gr

    gr.Markdown(INTRO, elem_id="gi-ws-intro")
    gr.HTML('<div id="gi-ws" aria-label="Arbeitsbereich Konzept schreiben">'
            "<p>Der Arbeitsbereich wird geladen … (er braucht JavaScript)</p></div>")
