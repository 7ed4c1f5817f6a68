// The chat's copy button copies what the reader sees, not the Markdown source (whose escapes such as "\[1\]" would
// land in a Word document), and ends with the answer's sources as a plain list, as the sources panel showed them
// for that answer. Runs in the capture phase, before Gradio's own handler, which it replaces.
(() => {
  "use strict";
  const BOT = '[data-testid="bot"]';
  const sourcesByAnswer = new Map();  // number of answers when the panel showed these sources -> plain list
  const answers = () => document.querySelectorAll(`#gi-chat ${BOT}`);
  const sourceList = () => [...document.querySelectorAll("#gi-sources .gi-source")].map((card) => {
    const title = card.querySelector("strong")?.innerText.trim() || "";
    const meta = card.querySelector(".gi-meta")?.innerText.trim() || "";
    const link = card.querySelector("a[href]")?.href || "";
    return `${title} – ${meta}${link ? ` – ${link}` : ""}`;
  }).join("\n");
  new MutationObserver(() => {
    const n = answers().length;
    if (!n) { sourcesByAnswer.clear(); return; }
    if (document.querySelector("#gi-sources .gi-source")) sourcesByAnswer.set(n, sourceList());
  }).observe(document.documentElement, {subtree: true, childList: true});

  const messageOf = (button) => {
    let el = button.closest(".message-buttons");
    el = el && el.previousElementSibling;
    while (el && !el.matches(BOT) && !el.querySelector(BOT)) el = el.previousElementSibling;
    if (!el) return null;
    return el.matches(BOT) ? el : [...el.querySelectorAll(BOT)].pop();
  };

  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest(
      '#gi-chat button[aria-label="Nachricht kopieren"], #gi-chat button[aria-label="Nachricht kopiert"]');
    if (!button) return;
    const message = messageOf(button);
    if (!message) return;  // a question: Gradio copies it as typed
    event.preventDefault();
    event.stopImmediatePropagation();
    const number = [...answers()].indexOf(message) + 1;
    const text = (message.querySelector(".message-content") || message).innerText.trim();
    const sources = sourcesByAnswer.get(number);
    try {
      await navigator.clipboard.writeText(sources ? `${text}\n\nQuellen:\n${sources}` : text);
      button.setAttribute("aria-label", "Nachricht kopiert");
      setTimeout(() => button.setAttribute("aria-label", "Nachricht kopieren"), 2000);
    } catch { /* no clipboard permission: nothing copied, as with Gradio's own button */ }
  }, true);
})();
