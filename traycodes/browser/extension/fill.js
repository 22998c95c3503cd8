// Injected into the page in front when the user asks (the shortcut, the context menu, the
// popup), never on page load. Runs in the extension's isolated world: the page cannot see
// or call it. Fills the code with the input and change events frameworks listen to.
"use strict";

(function () {
  if (globalThis.traycodesFill) return; // injected again on the next request: once is enough
  const api = globalThis.browser ?? globalThis.chrome;
  const otp = globalThis.traycodesOtp;
  let lastFocused = null;
  let explicit = false; // the context menu: the user chose the field
  let submitAfter = false; // filled on its own, on a site where the user asked for this
  let host = "";
  let inside = ""; // a frame pressed from the page around it: that page's host, for the note

  function visible(element) {
    const style = getComputedStyle(element);
    return style.visibility !== "hidden" && style.display !== "none" && element.getClientRects().length > 0;
  }

  function labelOf(input) {
    const labels = input.labels ? Array.from(input.labels).map((l) => l.textContent) : [];
    return labels.join(" ").trim();
  }

  function describe(input) {
    return {
      type: input.getAttribute("type") || "text",
      name: input.name || "",
      id: input.id || "",
      autocomplete: input.getAttribute("autocomplete") || "",
      inputmode: input.getAttribute("inputmode") || "",
      maxLength: input.maxLength > 0 ? input.maxLength : 0,
      pattern: input.getAttribute("pattern") || "",
      placeholder: input.placeholder || "",
      label: labelOf(input),
      ariaLabel: input.getAttribute("aria-label") || "",
      visible: visible(input),
      enabled: !input.disabled && !input.readOnly,
      group: input.parentElement,
    };
  }

  function setValue(input, value) {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    input.focus();
    setter.call(input, value); // past a framework's own value property (React)
    input.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: value }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fill(code) {
    const inputs = Array.from(document.querySelectorAll("input"));
    const fields = inputs.map(describe);
    const focused = lastFocused ? inputs.indexOf(lastFocused) : inputs.indexOf(document.activeElement);
    const target = otp.chooseTarget(fields, focused, explicit);
    if (!target) return false;
    if (target.kind === "single") {
      setValue(inputs[target.index], code);
    } else {
      target.indexes.forEach((index, n) => setValue(inputs[index], code[n] || ""));
    }
    if (submitAfter) submit(inputs[target.kind === "single" ? target.index : target.indexes[0]]);
    if (explicit) note(`filled the code for ${host} into the field you chose`);
    else if (inside) note(`filled the code for ${location.host} (a frame inside ${inside})`);
    return true;
  }

  // What the shortcut's frame search asks each frame (background.js codeFrame): whether
  // this document has a code field, and whether one of its inputs has the keyboard.
  function probe() {
    const inputs = Array.from(document.querySelectorAll("input"));
    const focused = inputs.indexOf(document.activeElement);
    return {
      field: otp.chooseTarget(inputs.map(describe), focused, false) !== null,
      focus: focused >= 0 && document.hasFocus(),
    };
  }

  // The filled field's form sent, as its own submit button would (the page's checks and
  // handlers run), once the page's frameworks have taken the new value in.
  function submit(input) {
    submitAfter = false;
    setTimeout(() => {
      const form = input.form;
      if (!form) return note(`filled the code for ${host}; no form to submit here`);
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.submit();
    }, 50);
  }

  // For autofill.js: the input the shortcut would fill now, or null.
  globalThis.traycodesCodeField = () => {
    const inputs = Array.from(document.querySelectorAll("input"));
    const target = otp.chooseTarget(inputs.map(describe), -1, false);
    if (!target) return null;
    return inputs[target.kind === "single" ? target.index : target.indexes[0]];
  };

  // A note or a chooser in a shadow root of its own, so the page's styles cannot reach it.
  function panel() {
    const old = document.getElementById("traycodes-panel");
    if (old) old.remove();
    const host = document.createElement("div");
    host.id = "traycodes-panel";
    host.style.cssText = "position:fixed;top:12px;right:12px;z-index:2147483647";
    const root = host.attachShadow({ mode: "closed" });
    const box = document.createElement("div");
    box.style.cssText =
      "font:14px system-ui,sans-serif;background:#fff;color:#111;border:1px solid #0a7d74;" +
      "border-radius:8px;padding:10px 12px;box-shadow:0 4px 16px rgba(0,0,0,.2);max-width:320px";
    root.appendChild(box);
    document.documentElement.appendChild(host);
    return { host, box };
  }

  function note(text) {
    const { host, box } = panel();
    box.textContent = "traycodes: " + text;
    setTimeout(() => host.remove(), 5000);
  }

  function chooser(answer) {
    const { host, box } = panel();
    const title = document.createElement("div");
    title.textContent = `traycodes: which account for ${answer.site}?`;
    title.style.marginBottom = "6px";
    box.appendChild(title);
    for (const account of answer.accounts) {
      const button = document.createElement("button");
      button.textContent = account.label;
      button.dataset.id = account.id;
      button.style.cssText = "display:block;width:100%;margin:3px 0;padding:5px;text-align:left;cursor:pointer";
      button.addEventListener("click", async (event) => {
        if (!event.isTrusted) return; // a click the page made up is not the user's choice
        host.remove();
        const reply = await api.runtime.sendMessage({ type: "code", id: account.id });
        if (reply && reply.ok) {
          if (!fill(reply.code)) note(`no code field found on ${answer.site}`);
        } else {
          note((reply && reply.error) || "no answer from traycodes");
        }
      });
      box.appendChild(button);
    }
    const first = box.querySelector("button");
    if (first) first.focus(); // Enter picks it, Tab moves on, Escape closes
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && event.isTrusted) host.remove();
    });
  }

  function handle(answer) {
    if (!answer || !answer.ok) {
      note((answer && answer.error) || "no answer from traycodes");
    } else if (answer.accounts.length === 0) {
      note(`no account for ${answer.site}`);
    } else if (answer.accounts.length > 1) {
      chooser(answer);
    } else if (answer.accounts[0].code === null) {
      api.runtime.sendMessage({ type: "code", id: answer.accounts[0].id }).then((reply) => {
        if (reply && reply.ok) fill(reply.code) || note(`no code field found on ${answer.site}`);
        else note((reply && reply.error) || "no answer from traycodes");
      });
    } else if (!fill(answer.accounts[0].code)) {
      note(`no code field found on ${answer.site} (account: ${answer.accounts[0].label})`);
    }
  }

  function sameOrigin(url) {
    try {
      return new URL(url).origin === location.origin;
    } catch {
      return false;
    }
  }

  document.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLInputElement) lastFocused = event.target;
  }, true);
  if (document.activeElement instanceof HTMLInputElement) lastFocused = document.activeElement;

  api.runtime.onMessage.addListener((message) => {
    if (message && message.type === "traycodes-press") {
      // the shortcut chose this frame: its accounts are asked for by this frame's own
      // address, which the browser gives the background with the request (never the
      // page around it, never anything the page says)
      explicit = false;
      inside = message.top !== location.host ? String(message.top || "") : "";
      api.runtime.sendMessage({ type: "frame-codes" }).then((answer) => {
        host = (answer && answer.site) || location.host;
        handle(answer);
      }, () => note("no answer from traycodes: press the shortcut again"));
      return;
    }
    if (message && message.type === "traycodes-fill") {
      if (!sameOrigin(message.url)) {
        // the frame moved to another site between the press and the answer: its code
        // is not for this document
        note("the page changed since the shortcut was pressed: press it again");
        return;
      }
      explicit = message.explicit === true;
      inside = "";
      submitAfter = message.auto === true && message.answer && message.answer.submit === true;
      host = (message.answer && message.answer.site) || message.host || "";
      if (message.fillCode) {
        if (!fill(message.fillCode)) note("no code field found on this page");
      } else {
        handle(message.answer);
      }
    }
  });
  globalThis.traycodesFill = true;
  globalThis.traycodesProbe = probe;
})();
