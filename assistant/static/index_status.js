// The index's state at the foot of the page (documents, passages, last update) from /api/status, and a notice
// while the app loads a newer index generation (after an ingest): answers meanwhile come from the previous one.
(() => {
  "use strict";
  const POLL_MS = 10000;
  const RELOAD_POLL_MS = 2000;
  const when = (iso) => {
    if (!iso) return "";
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return "";
    const date = d.toLocaleDateString("de-DE", {day: "2-digit", month: "2-digit", year: "numeric"});
    const time = d.toLocaleTimeString("de-DE", {hour: "2-digit", minute: "2-digit"});
    return `, aktualisiert am ${date} um ${time} Uhr`;
  };
  let timer = null;
  const show = (text, busy) => {
    const el = document.getElementById("gi-index-status");
    if (!el) return false;
    if (el.textContent !== text) el.textContent = text;
    el.classList.toggle("gi-index-busy", busy);
    return true;
  };
  async function poll() {
    let next = POLL_MS;
    try {
      const response = await fetch("/api/status");
      const s = await response.json();
      if (!response.ok || !s.ready) {
        show("Noch kein Suchindex: Bitte die Dokumente einlesen („python -m assistant ingest“).", true);
      } else {
        const base = `Unterlagen: ${s.documents} Dokumente, ${s.chunks} Abschnitte${when(s.updated)}.`;
        show(s.reloading ? `${base} Neue Unterlagen werden gerade geladen; bis dahin antwortet der bisherige `
          + "Stand." : base, s.reloading);
        if (s.reloading) next = RELOAD_POLL_MS;
      }
    } catch {
      show("Der Zustand des Suchindex ist gerade nicht abrufbar.", true);
    }
    clearTimeout(timer);
    timer = setTimeout(poll, next);
  }
  const start = () => {
    if (document.getElementById("gi-index-status")) poll();
    else setTimeout(start, 500);  // Gradio renders the page after the head's scripts ran
  };
  start();
})();
