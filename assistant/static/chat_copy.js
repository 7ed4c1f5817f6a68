// The chat's copy button copies what the server wrote as the answer's plain text (no Markdown escapes such as
// "\[1\]" that would land in a Word document), with that answer's own sources as a plain list. The texts come from
// the hidden store #gi-copy-store (ui.py: one <div data-answer="i" data-plain="…"> per answer, in chat order),
// so an answer never gets the sources of another one, whatever the sources panel shows. Runs in the capture
// phase, before Gradio's own handler, which it replaces.
(() => {
  "use strict";
  const BOT = '[data-testid="bot"]';
  const answers = () => document.querySelectorAll(`#gi-chat ${BOT}`);

  const messageOf = (button) => {
    let el = button.closest(".message-buttons");
    el = el && el.previousElementSibling;
    while (el && !el.matches(BOT) && !el.querySelector(BOT)) el = el.previousElementSibling;
    if (!el) return null;
    return el.matches(BOT) ? el : [...el.querySelectorAll(BOT)].pop();
  };

  // The server writes document links relative ("/dokumente/…"); pasted elsewhere they need this app's address.
  const absolute = (text) => text.replace(/(^|[\s(])\/dokumente\//g, `$1${location.origin}/dokumente/`);

  const plainOf = (message) => {
    const index = [...answers()].indexOf(message);
    const stored = document.querySelector(`#gi-copy-store [data-answer="${index}"]`);
    if (stored) return absolute(stored.getAttribute("data-plain") || "");
    // not stored (should not happen): the text as shown, without sources
    return (message.querySelector(".message-content") || message).innerText.trim();
  };

  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest(
      '#gi-chat button[aria-label="Nachricht kopieren"], #gi-chat button[aria-label="Nachricht kopiert"]');
    if (!button) return;
    const message = messageOf(button);
    if (!message) return;  // a question: Gradio copies it as typed
    event.preventDefault();
    event.stopImmediatePropagation();
    try {
      await navigator.clipboard.writeText(plainOf(message));
      button.setAttribute("aria-label", "Nachricht kopiert");
      setTimeout(() => button.setAttribute("aria-label", "Nachricht kopieren"), 2000);
    } catch { /* no clipboard permission: nothing copied, as with Gradio's own button */ }
  }, true);
})();
