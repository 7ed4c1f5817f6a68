// The "Konzept schreiben" tab: a small client of /api/chapters, /api/outline and /api/outline/export.
// The planner's ticks, notes, order and dropped items live in this browser's localStorage only (key per chapter and
// area); they leave the browser only when the planner exports, and then only to this app.
(() => {
  "use strict";
  const STORE = "gi-konzept:v1:";
  const CHOICE = STORE + "auswahl";

  const h = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
    return node;
  };

  const readJSON = (key, fallback) => {
    try { return JSON.parse(localStorage.getItem(key)) ?? fallback; } catch { return fallback; }
  };
  const writeJSON = (key, value) => {
    try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch { return false; }
  };

  async function call(path, body, asBlob = false) {
    const options = body === undefined ? {} : {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
    const response = await fetch(path, options);
    if (!response.ok) {
      let reason = `Fehler ${response.status}`;
      try {
        const data = await response.json();
        if (typeof data.detail === "string") reason = data.detail;
      } catch { /* not JSON: keep the status */ }
      throw new Error(reason);
    }
    return asBlob ? response : response.json();
  }

  class Workspace {
    constructor(root) {
      this.root = root;
      this.outline = null;
      this.key = null;
      this.state = null;
      this.status = h("p", {class: "gi-ws-status", role: "status", "aria-live": "polite"});
      this.chapter = h("select", {id: "gi-ws-chapter", onchange: () => this.load()});
      this.area = h("select", {id: "gi-ws-area", onchange: () => this.load()});
      this.body = h("div", {class: "gi-ws-body"});
      const button = (text, action, id) => h("button", {type: "button", class: "gi-ws-button", id, onclick: action},
        text);
      this.tools = h("div", {class: "gi-ws-tools", role: "group", "aria-label": "Exportieren"},
        button("Als Word-Datei (DOCX)", () => this.download("docx"), "gi-ws-docx"),
        button("Als Markdown", () => this.download("md"), "gi-ws-md"),
        button("Text kopieren", () => this.copy(), "gi-ws-copy"),
        button("Zurücksetzen", () => this.reset(), "gi-ws-reset"));
      root.replaceChildren(
        h("div", {class: "gi-ws-choice"},
          h("div", {}, h("label", {for: "gi-ws-chapter", text: "Kapitel des Leitfadens"}), this.chapter),
          h("div", {}, h("label", {for: "gi-ws-area", text: "Handlungsraum"}), this.area)),
        this.status, this.tools, this.body);
      this.start();
    }

    say(message, alert = false) {
      this.status.textContent = message;
      this.status.classList.toggle("gi-ws-error", alert);
      this.status.setAttribute("role", alert ? "alert" : "status");
    }

    async start() {
      this.say("Kapitel werden geladen …");
      let data;
      try { data = await call("/api/chapters"); } catch (e) { this.say(e.message, true); return; }
      if (!data.chapters.length) { this.say("Im Index ist kein Leitfaden: keine Kapitel zur Auswahl.", true); return; }
      for (const c of data.chapters) {
        const indent = "\u2003".repeat(Math.max(0, c.level - 1));
        this.chapter.append(h("option", {value: c.id, text: indent + c.title}));
      }
      this.area.append(h("option", {value: "", text: "– kein bestimmter –"}));
      for (const a of data.areas) this.area.append(h("option", {value: a, text: a}));
      const last = readJSON(CHOICE, {});
      if (data.chapters.some((c) => c.id === last.chapter)) this.chapter.value = last.chapter;
      if (last.area === "" || data.areas.includes(last.area)) this.area.value = last.area;
      this.load();
    }

    async load() {
      const chapter = this.chapter.value, area = this.area.value;
      writeJSON(CHOICE, {chapter, area});
      this.say("Gliederung wird erstellt …");
      this.root.setAttribute("aria-busy", "true");
      try {
        this.outline = await call("/api/outline", {chapter, area: area || null});
      } catch (e) {
        this.say(e.message, true);
        return;
      } finally {
        this.root.removeAttribute("aria-busy");
      }
      this.key = `${STORE}${this.outline.chapter.id}:${area || "-"}`;
      const known = new Set(this.outline.sections.flatMap((s) => s.items.map((i) => i.id)));
      const saved = readJSON(this.key, {});
      this.state = {
        order: (saved.order || []).filter((id) => known.has(id)),
        dropped: (saved.dropped || []).filter((id) => known.has(id)),
        checked: saved.checked || {}, notes: saved.notes || {},
      };
      for (const id of known) if (!this.state.order.includes(id)) this.state.order.push(id);
      this.render();
      const n = known.size;
      this.say(`${this.outline.chapter.title}: ${n} Punkte` + (area ? ` für ${area}` : "") + ".");
    }

    save() { if (this.key) writeJSON(this.key, this.state); }

    items(section) {
      const byId = new Map(section.items.map((i) => [i.id, i]));
      return this.state.order.filter((id) => byId.has(id) && !this.state.dropped.includes(id)).map((id) => byId.get(id));
    }

    cite(n) {
      const c = this.outline.citations.find((x) => x.n === n);
      if (!c) return null;
      const page = c.page === c.page_end ? c.page_label : `${c.page_label}–${c.page_label_end}`;
      return h("a", {href: c.url, target: "_blank", rel: "noopener", class: "gi-ws-cite",
        "aria-label": `Quelle ${n}: ${c.title}, Seite ${page} öffnen`}, `[${n}]`);
    }

    render() {
      const o = this.outline;
      const parts = [h("h2", {text: `Kapitel ${o.chapter.title}` + (o.area ? ` – ${o.area}` : "")})];
      for (const notice of o.notices) parts.push(h("p", {class: "gi-ws-notice", text: notice}));
      for (const section of o.sections) {
        const items = this.items(section);
        if (!section.items.length) continue;
        const list = h("ul", {class: "gi-ws-list"});
        items.forEach((item, index) => list.append(this.row(item, index, items.length)));
        const dropped = section.items.filter((i) => this.state.dropped.includes(i.id));
        parts.push(h("section", {class: "gi-ws-section", "data-kind": section.kind},
          h("h3", {text: section.title}), items.length ? list : h("p", {text: "Alle Punkte gestrichen."}),
          dropped.length ? h("details", {class: "gi-ws-dropped"},
            h("summary", {text: `Gestrichene Punkte (${dropped.length})`}),
            h("ul", {}, dropped.map((i) => h("li", {}, h("span", {text: i.text + " "}),
              h("button", {type: "button", class: "gi-ws-button", onclick: () => this.restore(i.id),
                "aria-label": `Wiederherstellen: ${i.text.slice(0, 60)}`}, "Wiederherstellen"))))) : null));
      }
      parts.push(h("h3", {text: "Quellen"}), h("ol", {class: "gi-ws-sources"}, o.citations.map((c) => {
        const page = c.page === c.page_end ? c.page_label : `${c.page_label}–${c.page_label_end}`;
        return h("li", {value: String(c.n), id: `gi-ws-quelle-${c.n}`},
          `${c.title}` + (c.stand ? ` (Stand: ${c.stand})` : "") + `, S. ${page} `,
          h("a", {href: c.url, target: "_blank", rel: "noopener", text: "öffnen",
            "aria-label": `Quelle ${c.n} öffnen: ${c.title}, Seite ${page}`}),
          c.notice ? h("span", {class: "gi-badge", text: c.notice}) : null);
      })));
      this.body.replaceChildren(...parts);
    }

    row(item, index, count) {
      const id = item.id;
      const box = h("input", {type: "checkbox", id: `gi-ws-cb-${id}`, checked: !!this.state.checked[id],
        onchange: (e) => { this.state.checked[id] = e.target.checked; this.save(); }});
      const note = h("textarea", {id: `gi-ws-note-${id}`, rows: "1", class: "gi-ws-note",
        placeholder: "Notiz (optional)",
        oninput: (e) => { this.state.notes[id] = e.target.value; this.save(); }});
      note.value = this.state.notes[id] || "";
      const short = item.text.slice(0, 50);
      const move = (delta, text, label) => h("button", {type: "button", class: "gi-ws-button gi-ws-icon",
        "aria-label": `${label}: ${short}`, disabled: (delta < 0 ? index === 0 : index === count - 1),
        onclick: () => this.move(id, delta)}, text);
      return h("li", {class: "gi-ws-item", "data-id": id},
        h("div", {class: "gi-ws-line"}, box,
          h("label", {for: `gi-ws-cb-${id}`}, item.text + (item.note ? ` (${item.note})` : "")),
          item.n ? [" ", this.cite(item.n)] : null),
        h("div", {class: "gi-ws-edit"},
          h("label", {for: `gi-ws-note-${id}`, class: "gi-ws-sr", text: `Notiz zu: ${short}`}), note,
          move(-1, "↑", "Nach oben"), move(1, "↓", "Nach unten"),
          h("button", {type: "button", class: "gi-ws-button gi-ws-icon", "aria-label": `Streichen: ${short}`,
            onclick: () => this.drop(id)}, "✕")));
    }

    move(id, delta) {
      const section = this.outline.sections.find((s) => s.items.some((i) => i.id === id));
      const visible = this.items(section).map((i) => i.id);
      const at = visible.indexOf(id), other = visible[at + delta];
      if (other === undefined) return;
      const order = this.state.order, a = order.indexOf(id), b = order.indexOf(other);
      [order[a], order[b]] = [order[b], order[a]];
      this.save();
      this.render();
      const label = delta < 0 ? "Nach oben" : "Nach unten";
      const again = this.body.querySelector(`[data-id="${id}"] button[aria-label^="${label}"]`);
      (again && !again.disabled ? again : this.body.querySelector(`#gi-ws-cb-${id}`))?.focus();
      this.say("Punkt verschoben.");
    }

    drop(id) {
      this.state.dropped.push(id);
      this.save();
      this.render();
      this.say("Punkt gestrichen. Unter „Gestrichene Punkte“ lässt er sich wiederherstellen.");
    }

    restore(id) {
      this.state.dropped = this.state.dropped.filter((x) => x !== id);
      this.save();
      this.render();
      this.say("Punkt wiederhergestellt.");
    }

    reset() {
      if (!this.key) return;
      localStorage.removeItem(this.key);
      this.load();
    }

    edits() {
      const out = [];
      for (const section of this.outline.sections) {
        for (const item of this.items(section)) {
          out.push({id: item.id, checked: !!this.state.checked[item.id], note: this.state.notes[item.id] || ""});
        }
      }
      return out;
    }

    request(format) {
      return {chapter: this.outline.chapter.id, area: this.outline.area, format, items: this.edits()};
    }

    async download(format) {
      if (!this.outline) return;
      this.say("Datei wird erstellt …");
      try {
        const response = await call("/api/outline/export", this.request(format), true);
        const blob = await response.blob();
        const header = response.headers.get("Content-Disposition") || "";
        const name = (header.match(/filename="([^"]+)"/) || [])[1] || `Kapitel.${format}`;
        const url = URL.createObjectURL(blob);
        const link = h("a", {href: url, download: name, hidden: true});
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
        this.say(`${name} wurde heruntergeladen.`);
      } catch (e) {
        this.say(e.message, true);
      }
    }

    async copy() {
      if (!this.outline) return;
      try {
        const response = await call("/api/outline/export", this.request("txt"), true);
        await navigator.clipboard.writeText(await response.text());
        this.say("Text mit Quellenliste in die Zwischenablage kopiert.");
      } catch (e) {
        this.say(`Kopieren nicht möglich: ${e.message}`, true);
      }
    }
  }

  const mount = () => {
    for (const root of document.querySelectorAll("#gi-ws:not([data-ready])")) {
      root.dataset.ready = "1";
      root.workspace = new Workspace(root);
    }
  };
  new MutationObserver(mount).observe(document.documentElement, {subtree: true, childList: true});
  if (document.readyState !== "loading") mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
