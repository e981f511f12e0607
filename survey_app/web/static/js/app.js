// Progressive enhancement only: every page works without this file.
import { initAll } from "./govuk-frontend-6.6.0.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// "Listen": read the question aloud with the browser's own speech, only when tapped.
// In-app QR scanners' web views often lack speechSynthesis, so the button stays hidden there.
function setUpListen(root) {
  if (!("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") return;
  root.querySelectorAll("[data-listen]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const source = document.getElementById(button.dataset.listen);
      if (!source) return;
      window.speechSynthesis.cancel();
      const utterance = new SpeechSynthesisUtterance(source.innerText);
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
  setUpListen(main);
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
