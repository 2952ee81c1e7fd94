// Behaviour for our own pages, kept out of the HTML so the Content Security Policy can forbid inline
// script and event handlers. Buttons marked data-vc-print print the page (the victim care card).
for (const button of document.querySelectorAll("[data-vc-print]")) {
  button.addEventListener("click", () => window.print());
}

// Buttons marked data-vc-copy="<id>" copy that element's text (a new API key, a webhook's signing secret)
// and say so in their own status line. Hidden until this script runs: without it, select the text.
for (const button of document.querySelectorAll("[data-vc-copy]")) {
  const source = document.getElementById(button.dataset.vcCopy);
  const status = document.getElementById(button.dataset.vcCopyStatus);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      if (status) status.textContent = "Copied.";
    } catch {
      if (status) status.textContent = "Could not copy. Select the text and copy it yourself.";
    }
  });
}
