// The popup's part for filling on its own (off by default, per site): "Fill SITE as soon as
// its code field appears" asks the browser, at that moment, for the permission to read that
// one site; "then submit the form"; the sites allowed, each with Revoke.
"use strict";

(function () {
  const api = globalThis.browser ?? globalThis.chrome;
  const box = document.getElementById("auto");

  function checkbox(text, checked, onChange) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.checked = checked;
    input.addEventListener("change", () => onChange(input));
    label.append(input, ` ${text}`);
    box.appendChild(label);
    return input;
  }

  function say(text) {
    const line = document.createElement("div");
    line.className = "said";
    line.textContent = text;
    box.appendChild(line);
  }

  async function render() {
    const state = await api.runtime.sendMessage({ type: "popup-sites" });
    box.replaceChildren();
    if (!state || !state.ok) return; // the list above says what is wrong with the host
    if (state.site) {
      const site = state.site;
      let then = null;
      const auto = checkbox(`Fill ${site} as soon as its code field appears`, state.allowed, async (input) => {
        if (input.checked) {
          // asked within the click: the browser asks the user for this one site now.
          // The background hears of the permission and adds the site to traycodes' list.
          api.runtime.sendMessage({ type: "popup-want", site, submit: then.checked });
          let granted = false;
          try {
            granted = await api.permissions.request({ origins: [`${site}/*`] });
          } catch (error) {
            say(`not allowed: ${String((error && error.message) || error)}`);
          }
          if (!granted) input.checked = false;
        } else {
          await api.runtime.sendMessage({ type: "popup-site-revoke", site });
        }
        await render();
      });
      then = checkbox("then submit the form", state.submit, async (input) => {
        if (auto.checked) await api.runtime.sendMessage({ type: "popup-site-submit", site, submit: input.checked });
      });
    }
    if (state.sites.length) {
      const title = document.createElement("div");
      title.textContent = "Filled on their own:";
      box.appendChild(title);
    }
    for (const entry of state.sites) {
      const row = document.createElement("div");
      row.className = "site";
      const name = document.createElement("span");
      name.textContent = entry.site + (entry.submit ? " (and submitted)" : "") +
        (entry.granted ? "" : " (not allowed in this browser)");
      const revoke = document.createElement("button");
      revoke.textContent = "Revoke";
      revoke.addEventListener("click", async () => {
        await api.runtime.sendMessage({ type: "popup-site-revoke", site: entry.site });
        await render();
      });
      row.append(name, revoke);
      box.appendChild(row);
    }
  }

  render();
})();
