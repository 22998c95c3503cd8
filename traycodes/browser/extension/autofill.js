// Runs on each page of a site the user lets traycodes fill on its own (registered by the
// background for exactly those sites, the top frame only; after otpfield.js and fill.js).
// Once a code field appears (at load, or later as the page's script draws it) it asks the
// background, which asks traycodes for that page's verified address and hands the answer
// to fill.js: the same rules as a press (a code field only; several accounts: the chooser).
"use strict";

(function () {
  if (globalThis.traycodesAuto) return; // injected again when the site was just allowed
  globalThis.traycodesAuto = true;
  const api = globalThis.browser ?? globalThis.chrome;
  let asked = null; // the field asked for: asked once (a page that draws a new one: again)
  let asks = 0;
  let timer = null;

  function look() {
    timer = null;
    const field = globalThis.traycodesCodeField ? globalThis.traycodesCodeField() : null;
    if (!field || field === asked || field.value || asks >= 5) return;
    asked = field;
    asks += 1;
    api.runtime.sendMessage({ type: "auto-fill" }).catch(() => {});
  }

  new MutationObserver(() => {
    if (timer === null) timer = setTimeout(look, 50); // at most one look per 50 ms
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["style", "class", "hidden", "disabled", "type", "autocomplete"],
  });
  look();
})();
