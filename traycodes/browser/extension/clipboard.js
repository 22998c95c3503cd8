// Clearing a code the popup copied, as the app does: after the app's time, and only if the
// clipboard still holds that code (never what the user copied since). Chromium runs this in
// an offscreen document (clipboard.html; its worker has no clipboard), Firefox in the
// background page. Reading the clipboard is what the "clipboardRead" permission is for;
// nothing read leaves this page.
"use strict";

(function () {
  const api = globalThis.browser ?? globalThis.chrome;

  function read() {
    const area = document.createElement("textarea");
    document.body.appendChild(area);
    area.focus();
    const pasted = document.execCommand("paste");
    const text = area.value;
    area.remove();
    return pasted ? text : null;
  }

  function empty() {
    const put = (event) => {
      event.clipboardData.setData("text/plain", "");
      event.preventDefault();
    };
    document.addEventListener("copy", put);
    try {
      return document.execCommand("copy");
    } finally {
      document.removeEventListener("copy", put);
    }
  }

  // Clear the clipboard if it holds `code`; true if it was cleared.
  function clearIfHolding(code) {
    const held = read();
    if (held === null) console.warn("traycodes: the clipboard could not be read: not cleared");
    return held === code && empty();
  }

  globalThis.traycodesClipboard = { clearIfHolding };
  if (location.pathname.endsWith("/clipboard.html")) {
    api.runtime.onMessage.addListener((message) => {
      if (message && message.type === "clipboard-clear-later" && typeof message.code === "string") {
        setTimeout(() => clearIfHolding(message.code), Number(message.seconds) * 1000);
      }
      return false;
    });
  }
})();
