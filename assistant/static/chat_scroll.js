// After each new answer the chat shows the newest question at the top of its scroll area, with the answer
// below it (Gradio's own autoscroll is off: on a phone, where the chat is only as tall as 60 % of the screen, it
// left the chat scrolled to its top and the new answer out of sight). Only the chat's own scroll area moves,
// never the page.
(() => {
  "use strict";
  const MARGIN = 4;  // pixels above the question, so its bubble's border stays visible
  let seen = 0;  // answers in the chat when it was last scrolled

  const scroller = (el, chat) => {
    for (let node = el.parentElement; node && node !== chat.parentElement; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (/(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight) return node;
    }
    return null;
  };

  const showNewest = () => {
    const chat = document.getElementById("gi-chat");
    if (!chat) return;
    const bots = chat.querySelectorAll('[data-testid="bot"]');
    if (bots.length <= seen) { seen = bots.length; return; }  // a reset, or no new answer
    seen = bots.length;
    const questions = chat.querySelectorAll('[data-testid="user"]');
    const start = questions.length ? questions[questions.length - 1] : bots[bots.length - 1];
    // after Gradio's render of the new messages has been laid out
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const box = scroller(start, chat);
      if (!box) return;
      const top = start.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
      // the chat's label ("Unterhaltung") floats over the top of the scroll area: the question starts below it
      const label = chat.querySelector('[data-testid="block-label"]');
      const covered = label ? Math.max(0, label.getBoundingClientRect().bottom - box.getBoundingClientRect().top) : 0;
      box.scrollTop = Math.max(0, top - MARGIN - covered);
    }));
  };

  new MutationObserver(showNewest).observe(document.documentElement, {subtree: true, childList: true});
})();
