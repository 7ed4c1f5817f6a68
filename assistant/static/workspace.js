// The "Konzept schreiben" tab: a small client of /api/chapters, /api/outline and /api/outline/export.
// The planner's ticks, notes, order and dropped items live in this browser's localStorage only (key per chapter and
// area); they leave the browser only when the planner exports, and then only to this app.
(() => {
  "use strict";
  const STORE = "gi-konzept:v1:";
  const CHOICE = STORE + "auswahl";
  const RESET_QUESTION = "Alle Haken, Notizen und Änderungen an diesem Kapitel löschen?";
  const NOT_SAVED = "Achtung: Die letzte Änderung konnte in diesem Browser nicht gespeichert werden (Speicher voll " +
    "oder gesperrt). Sie geht beim Neuladen verloren; exportieren Sie das Kapitel, um sie zu behalten.";

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
      this.pending = 0;  // the newest /api/outline request; an older answer arriving late is discarded
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
      const token = ++this.pending;
      this.say("Gliederung wird erstellt …");
      this.root.setAttribute("aria-busy", "true");
      let outline;
      try {
        outline = await call("/api/outline", {chapter, area: area || null});
      } catch (e) {
        if (token === this.pending) { this.root.removeAttribute("aria-busy"); this.say(e.message, true); }
        return;
      }
      if (token !== this.pending) return;  // the chapter or area changed meanwhile: a newer request is under way
      this.root.removeAttribute("aria-busy");
      this.outline = outline;
      this.key = `${STORE}${this.outline.chapter.id}:${area || "-"}`;
      const all = this.outline.sections.flatMap((s) => s.items);
      const known = new Set(all.map((i) => i.id));
      const saved = readJSON(this.key, {});
      this.state = {
        order: (saved.order || []).filter((id) => known.has(id)),
        dropped: (saved.dropped || []).filter((id) => known.has(id)),
        checked: saved.checked || {}, notes: saved.notes || {},
        texts: saved.texts || {},  // id -> item text, for notes whose item a rebuilt outline no longer has
      };
      for (const id of known) if (!this.state.order.includes(id)) this.state.order.push(id);
      for (const item of all) if (this.state.notes[item.id] || this.state.checked[item.id]) this.remember(item);
      this.render();
      const n = known.size;
      this.say(`${this.outline.chapter.title}: ${n} Punkte` + (area ? ` für ${area}` : "") + ".");
    }

    // Stores the state; when the browser refuses (storage full or blocked) the planner is told, not left to
    // find the work gone after a reload.
    save() {
      if (!this.key || writeJSON(this.key, this.state)) return true;
      this.say(NOT_SAVED, true);
      return false;
    }

    // Saves, then confirms the action, unless saving failed (its warning stays).
    done(message) { if (this.save()) this.say(message); }

    remember(item) { this.state.texts[item.id] = item.text; }

    // Notes of items the current outline no longer has (the documents changed and the outline was rebuilt).
    orphans() {
      const known = new Set(this.outline.sections.flatMap((s) => s.items.map((i) => i.id)));
      return Object.keys(this.state.notes).filter((id) => !known.has(id) && this.state.notes[id].trim());
    }

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
      for (const [number, section] of o.sections.entries()) {
        const items = this.items(section);
        if (!section.items.length) continue;
        const list = h("ul", {class: "gi-ws-list"});
        items.forEach((item, index) => list.append(this.row(item, index, items.length)));
        const dropped = section.items.filter((i) => this.state.dropped.includes(i.id));
        parts.push(h("section", {class: "gi-ws-section", "data-kind": section.kind},
          h("h3", {text: section.title, id: `gi-ws-sec-${number}`}), items.length ? list : h("p", {text: "Alle Punkte gestrichen."}),
          dropped.length ? h("details", {class: "gi-ws-dropped"},
            h("summary", {text: `Gestrichene Punkte (${dropped.length})`}),
            h("ul", {}, dropped.map((i) => h("li", {}, h("span", {text: i.text + " "}),
              h("button", {type: "button", class: "gi-ws-button", onclick: () => this.restore(i.id),
                "aria-label": `Wiederherstellen: ${i.text.slice(0, 60)}`}, "Wiederherstellen"))))) : null));
      }
      const orphans = this.orphans();
      if (orphans.length) {
        parts.push(h("details", {class: "gi-ws-orphans", id: "gi-ws-orphans", open: true},
          h("summary", {text: `Notizen zu Punkten, die nicht mehr in der Gliederung stehen (${orphans.length})`}),
          h("ul", {}, orphans.map((id) => {
            const text = this.state.texts[id] || "(Text des Punkts nicht gespeichert)";
            return h("li", {"data-orphan": id}, h("strong", {text: text}), h("br"),
              h("span", {text: `Notiz: ${this.state.notes[id]}`}), " ",
              h("button", {type: "button", class: "gi-ws-button", onclick: () => this.forget(id),
                "aria-label": `Notiz löschen: ${text.slice(0, 60)}`}, "Notiz löschen"));
          }))));
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
        onchange: (e) => { this.state.checked[id] = e.target.checked; this.remember(item); this.save(); }});
      const note = h("textarea", {id: `gi-ws-note-${id}`, rows: "1", class: "gi-ws-note",
        placeholder: "Notiz (optional)",
        oninput: (e) => { this.state.notes[id] = e.target.value; this.remember(item); this.save(); }});
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
      this.render();
      const label = delta < 0 ? "Nach oben" : "Nach unten";
      const again = this.body.querySelector(`[data-id="${id}"] button[aria-label^="${label}"]`);
      (again && !again.disabled ? again : this.body.querySelector(`#gi-ws-cb-${id}`))?.focus();
      this.done("Punkt verschoben.");
    }

    // The focus after an item left the list (its buttons are gone): the item that took its place, else the one
    // before it, else the section's heading; never the page body, where a keyboard user would start over.
    focusNear(section, at) {
      const visible = this.items(section);
      const next = visible[Math.min(at, visible.length - 1)];
      const box = next && this.body.querySelector(`#gi-ws-cb-${CSS.escape(next.id)}`);
      if (box) { box.focus(); return; }
      const heading = this.body.querySelector(`#gi-ws-sec-${this.outline.sections.indexOf(section)}`);
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }

    drop(id) {
      const section = this.outline.sections.find((s) => s.items.some((i) => i.id === id));
      const at = this.items(section).findIndex((i) => i.id === id);
      this.state.dropped.push(id);
      this.render();
      this.focusNear(section, at);
      this.done("Punkt gestrichen. Unter „Gestrichene Punkte“ lässt er sich wiederherstellen.");
    }

    restore(id) {
      this.state.dropped = this.state.dropped.filter((x) => x !== id);
      this.render();
      // the restored item itself: back in the list, where the planner most likely works on it next
      const section = this.outline.sections.find((s) => s.items.some((i) => i.id === id));
      this.focusNear(section, this.items(section).findIndex((i) => i.id === id));
      this.done("Punkt wiederhergestellt.");
    }

    forget(id) {
      const at = this.orphans().indexOf(id);
      delete this.state.notes[id];
      delete this.state.checked[id];
      delete this.state.texts[id];
      this.render();
      const left = this.body.querySelectorAll("#gi-ws-orphans button");
      const target = left[Math.min(at, left.length - 1)] || this.body.querySelector("h2");
      if (target && target.tagName === "H2") target.setAttribute("tabindex", "-1");
      target?.focus();
      this.done("Notiz gelöscht.");
    }

    reset() {
      if (!this.key || !confirm(RESET_QUESTION)) return;
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
