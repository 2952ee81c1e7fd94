// Behaviour for our own pages, kept out of the HTML so the Content Security Policy can forbid inline
// script and event handlers. Buttons marked data-vc-print print the page (the victim care card).
for (const button of document.querySelectorAll("[data-vc-print]")) {
  button.addEventListener("click", () => window.print());
}
