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

// After htmx swaps in the next question, move focus to its heading so screen readers announce
// it, and set up the new page's components.
document.body.addEventListener("htmx:afterSwap", (event) => {
  const main = document.getElementById("main-content");
  if (!main) return;
  window.speechSynthesis?.cancel();
  initAll({ scope: main });
  setUpListen(main);
  const heading = main.querySelector("h1, legend h1, .govuk-error-summary");
  if (heading) {
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
});
