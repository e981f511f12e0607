// Progressive enhancement only: every page works without this file.
import { initAll } from "./govuk-frontend-6.6.0.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// "Listen": read the page aloud with the browser's own speech, only when tapped.
// In-app QR scanners' web views often lack speechSynthesis, so the button stays hidden there.

// What is never read: text a sighted pupil cannot see (screen-reader-only words, such as GOV.UK's
// copies of the character counter), what they type, and the Listen button itself.
const NOT_SEEN = [
  ".govuk-visually-hidden",
  ".govuk-visually-hidden-focusable",
  "[hidden]",
  "[data-listen]",
  "script",
  "style",
  "template",
  "textarea",
  "select",
].join(", ");

function seen(element) {
  if (element.closest(NOT_SEEN)) return false;
  if (typeof element.checkVisibility === "function") {
    return element.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  }
  return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden";
}

// The nearest ancestor laid out as its own block: its words make one line of the text.
function blockOf(element, root) {
  let found = element;
  while (found !== root && getComputedStyle(found).display === "inline" && found.parentElement) {
    found = found.parentElement;
  }
  return found;
}

// The words a sighted pupil sees in ``root``, each once, in reading order: one line per block
// (a heading, a paragraph, an answer's label, the counter). Exposed for the browser tests.
export function listenText(root) {
  const lines = [];
  let line = [];
  let block = null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const words = node.data.replace(/\s+/g, " ").trim();
    const parent = node.parentElement;
    if (!words || !parent || !seen(parent)) continue;
    const here = blockOf(parent, root);
    if (here !== block && line.length) {
      lines.push(line.join(" "));
      line = [];
    }
    block = here;
    line.push(words);
  }
  if (line.length) lines.push(line.join(" "));
  // "Call Childline free on 0800 1111 ." reads better without the space a link leaves. A line
  // shown twice (an error, in the summary and beside the answer box) is read the first time.
  const tidied = lines.map((text) => text.replace(/ ([.,!?:;])/g, "$1"));
  return [...new Set(tidied)].join("\n");
}
window.learnerVoice = Object.freeze({ listenText });

// Each line ends in a stop, so the voice pauses between a heading and what follows it.
function spoken(text) {
  return text
    .split("\n")
    .map((line) => (/[.!?:]$/.test(line) ? line : `${line}.`))
    .join("\n");
}

function setUpListen(root) {
  if (!("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") return;
  root.querySelectorAll("[data-listen]").forEach((button) => {
    if (button.dataset.listenReady) return; // set up already (it outlives htmx's swaps)
    button.dataset.listenReady = "true";
    button.hidden = false;
    button.addEventListener("click", () => {
      // Looked up on each tap: htmx swaps the page under the button, which stays.
      const source = document.getElementById(button.dataset.listen);
      if (!source) return;
      window.speechSynthesis.cancel();
      const utterance = new SpeechSynthesisUtterance(spoken(listenText(source)));
      utterance.lang = "en-GB";
      window.speechSynthesis.speak(utterance);
    });
  });
}
setUpListen(document);

// After htmx shows the next page (an answer's response, or the back button asking the server),
// set up its components and move focus to its heading, so a screen reader announces the new
// question. This runs in the same task as the swap, before the page can be seen or read. A tap
// before htmx has started (on a page still loading) posts the form as without JavaScript: the
// browser then loads the next page whole, and announces it by its title.
function showNewPage() {
  const main = document.getElementById("main-content");
  if (!main) return;
  window.speechSynthesis?.cancel();
  initAll({ scope: main });
  // The whole document: a history restore (the back button) brings a new header and its button.
  setUpListen(document);
  const heading = main.querySelector(".govuk-error-summary, h1");
  if (heading) {
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}
document.body.addEventListener("htmx:afterSwap", (event) => {
  if (event.target instanceof Element && event.target.id === "page") showNewPage();
});
document.body.addEventListener("htmx:historyRestore", showNewPage);
