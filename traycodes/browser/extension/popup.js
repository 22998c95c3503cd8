// The toolbar popup: the accounts of the page's site with their codes; Fill puts one into
// the page, Copy onto the clipboard (the popup has focus: a user gesture).
"use strict";

const api = globalThis.browser ?? globalThis.chrome;
let firstCopy = null; // the first account's Copy: Enter presses it (below)

function show(answer) {
  const note = document.getElementById("note");
  const list = document.getElementById("accounts");
  if (!answer.ok) {
    note.textContent = answer.error || "no answer from traycodes";
    return;
  }
  document.getElementById("site").textContent = `traycodes: ${answer.site}`;
  if (answer.accounts.length === 0) {
    note.textContent = `No account for ${answer.site}.`;
    return;
  }
  for (const account of answer.accounts) {
    const row = document.createElement("div");
    row.className = "account";
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = account.label;
    const code = document.createElement("span");
    code.className = "code";
    code.textContent = account.code === null ? "HOTP" : account.code;
    const fill = document.createElement("button");
    fill.textContent = "Fill";
    fill.addEventListener("click", async () => {
      const reply = await api.runtime.sendMessage({ type: "popup-fill", id: account.id });
      if (reply && reply.ok) window.close();
      else note.textContent = (reply && reply.error) || "could not fill";
    });
    const copy = document.createElement("button");
    copy.textContent = "Copy";
    copy.addEventListener("click", async () => {
      const reply = await api.runtime.sendMessage({ type: "popup-code", id: account.id });
      if (reply && reply.ok) {
        await navigator.clipboard.writeText(reply.code);
        // cleared like the app clears it: after its time, if the clipboard still holds it
        api.runtime.sendMessage({ type: "popup-copied", code: reply.code, seconds: reply.clear_after });
        note.textContent = reply.clear_after > 0 ? `Copied (cleared in ${reply.clear_after} s).` : "Copied.";
      } else {
        note.textContent = (reply && reply.error) || "could not copy";
      }
    });
    row.append(label, code, fill, copy);
    list.appendChild(row);
    if (list.children.length === 1) firstCopy = copy;
  }
}

// Enter with nothing focused copies the first account's code (the keyboard's way in: the
// popup opens with Alt+Shift+Y); Tab still walks the buttons from the top.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !firstCopy) return;
  if (document.activeElement && document.activeElement !== document.body) return;
  event.preventDefault();
  firstCopy.click();
});

api.runtime.sendMessage({ type: "popup-accounts" }).then(show);
