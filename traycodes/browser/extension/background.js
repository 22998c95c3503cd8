// The extension's background: the shortcut, the context menu and the popup ask the native
// host (traycodes browser-host) for the codes of the page's site. The page's address is
// always the browser's own (the tab's or the frame's URL), never anything the page says.
"use strict";
// Its other parts: background-host.js (the host) and background-frames.js (the frames).
// Chromium runs this file as the service worker, which loads them first; Firefox loads
// them before it from the manifest's "scripts" (traycodes/browser/install.py).
/* global api, ask, trace, say, sleep, reach, deliver, fillFrame, askForFrames */
/* global framePresses, clearLater, forFrames */
if (typeof importScripts === "function") {
  globalThis.importScripts("background-host.js", "background-frames.js");
}

// Tell traycodes this browser has the extension, and its shortcut: the global hotkey then
// hands this browser's windows to the extension (which goes by the page's address).
async function hello() {
  let shortcut = "";
  try {
    const commands = await api.commands.getAll();
    const fill = commands.find((command) => command.name === "fill-code");
    shortcut = (fill && fill.shortcut) || "";
  } catch {
    shortcut = "";
  }
  await ask({ type: "hello", shortcut });
}

api.runtime.onStartup.addListener(() => {
  hello();
  syncAutofill();
});

api.runtime.onInstalled.addListener(() => {
  hello();
  syncAutofill();
  api.contextMenus.create({
    id: "fill-code",
    title: "Fill the code here (traycodes)",
    contexts: ["editable"],
  });
});

api.commands.onCommand.addListener((command, tab) => {
  if (command !== "fill-code") return;
  // before any wait: the browser asks for a permission only within the press itself
  if (tab && tab.id !== undefined && tab.url && askForFrames(tab)) return;
  pressed(tab).catch((error) => trace("the shortcut:", String(error)));
});

// The shortcut: the tab it came with (else the active tab, asked for). A tab still opening
// its page shows its first, empty document: its address is the one it is navigating to,
// which the extension may read on a site the user allowed (and then fills it as the page
// arrives); elsewhere the press is answered with a note to press again, never silence.
async function pressed(tab) {
  let found = tab;
  if (!found || found.id === undefined || !(found.url || found.pendingUrl)) {
    const [active] = await api.tabs.query({ active: true, currentWindow: true });
    found = active || found;
  }
  if (!found || found.id === undefined) {
    trace("the shortcut was pressed with no tab in front");
    return;
  }
  // the page the press was on; only a tab showing no web page yet (a new tab) goes by
  // where it is going: a page that sends its tab elsewhere gets no fill there from the press
  const shown = found.url || "";
  let url = (/^https?:/i.test(shown) ? shown : found.pendingUrl) || shown;
  if (!/^https?:/i.test(url) && found.status === "loading") {
    // the tab's page not there yet: wait for its address (readable on a site allowed)
    url = (await arrival(found.id)) || url;
  }
  if (/^https?:/i.test(url) || (url && found.status !== "loading")) {
    await fillFrame(found.id, 0, url);
  } else {
    await say(found.id, "the page was still opening when the shortcut was pressed: press it " +
      "again, or let traycodes fill the site on its own (its list, Alt+Shift+Y) to fill at " +
      "the first press");
  }
}

// The web address a tab still opening arrives at, once the extension may read it (up to
// five seconds); null when it stays unreadable (a site not allowed) or is no web page.
async function arrival(tabId) {
  const until = Date.now() + 5000;
  for (;;) {
    let tab;
    try {
      tab = await api.tabs.get(tabId);
    } catch {
      return null; // the tab closed
    }
    const url = tab.pendingUrl || tab.url || "";
    if (/^https?:/i.test(url)) return url;
    if (tab.status === "complete" || Date.now() > until) return null;
    await sleep(50);
  }
}

api.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === "fill-code" && tab && tab.id !== undefined) {
    fillFrame(tab.id, info.frameId || 0, info.frameUrl || info.pageUrl || tab.url, true);
  }
});

api.runtime.onMessage.addListener((message, sender, reply) => {
  if (!message || typeof message.type !== "string") return false;
  if (message.type === "auto-fill" && sender.tab && sender.frameId === 0 && sender.url) {
    autoFill(sender.tab.id, sender.url).catch((error) => trace("auto-fill:", String(error)));
    return false;
  }
  if (message.type.startsWith("popup-site") || message.type === "popup-want") {
    if (sender.tab) return false; // the extension's own popup only, never a page
    autofillMessage(message).then(reply, (error) => reply({ ok: false, error: String(error) }));
    return true;
  }
  if (message.type === "code" && sender.tab) {
    // the in-page chooser: a fresh code for the account picked, for this frame's site only
    // (a sender with no address of its own gets none: never the tab's, a frame's page around it)
    if (!sender.url) {
      reply({ ok: false, error: "press the shortcut again" });
      return false;
    }
    ask({ type: "code", url: sender.url, id: String(message.id) }).then(reply);
    return true;
  }
  if (message.type === "frame-codes" && sender.tab && sender.url) {
    // a frame the shortcut chose (pressFrame) asks once, by the address the browser gives
    const key = `${sender.tab.id}:${sender.frameId}`;
    const when = framePresses.get(key);
    framePresses.delete(key);
    if (when === undefined || Date.now() - when > 20000) {
      reply({ ok: false, error: "press the shortcut again" });
      return false;
    }
    ask({ type: "codes", url: sender.url }).then(reply);
    return true;
  }
  if (message.type === "popup-accounts" && !sender.tab) {
    api.tabs.query({ active: true, currentWindow: true }).then(async ([tab]) => {
      if (!tab || !tab.url) return reply({ ok: false, error: "no page in front" });
      // the extension's own page: every code shown (a content script gets labels first)
      reply({ ...(await ask({ type: "codes", url: tab.url, every: true })), tabId: tab.id });
    });
    return true;
  }
  if (message.type === "popup-fill" && !sender.tab) {
    api.tabs.query({ active: true, currentWindow: true }).then(async ([tab]) => {
      const answer = await ask({ type: "code", url: tab.url, id: String(message.id) });
      if (answer.ok) {
        try {
          await reach(tab.id, 0, tab.url);
          await deliver(tab.id, 0, { type: "traycodes-fill", fillCode: answer.code, url: tab.url });
        } catch (error) {
          return reply({ ok: false, error: `cannot fill this page (${String((error && error.message) || error)})` });
        }
      }
      reply(answer);
    });
    return true;
  }
  if (message.type === "popup-copied" && !sender.tab) {
    clearLater(String(message.code || ""), Number(message.seconds) || 0);
    return false;
  }
  if (message.type === "popup-code" && !sender.tab) {
    api.tabs.query({ active: true, currentWindow: true }).then(async ([tab]) => {
      reply(await ask({ type: "code", url: tab.url, id: String(message.id) }));
    });
    return true;
  }
  return false;
});

// -- Filled on its own: the sites the user allows in the popup (an optional host permission
// of that one site, asked for then, never at install). There autofill.js runs on each page
// (the top frame only) and asks once its code field appears; the host answers only for a
// site on its list (`traycodes browser status --revoke SITE` takes one off: the browser's
// permission is then given back here). Several accounts: the chooser, never a guess.

const AUTO = "traycodes-autofill";
const SITE_PATTERN = /^https?:\/\/[^/*]+\/\*$/; // one site, never "every site"
const wanted = new Map(); // site -> submit, while the popup's permission request is open

function siteOf(url) {
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) ? `${parsed.protocol}//${parsed.hostname}` : null;
  } catch {
    return null;
  }
}

async function grantedSites() {
  const { origins = [] } = await api.permissions.getAll();
  return origins.filter((origin) => SITE_PATTERN.test(origin)).map((origin) => origin.slice(0, -2));
}

let syncing = Promise.resolve();

// The auto-fill script registered for exactly the sites the browser lets us read.
function syncAutofill() {
  const sync = async () => {
    const sites = await grantedSites();
    const old = await api.scripting.getRegisteredContentScripts({ ids: [AUTO] });
    if (old.length) await api.scripting.unregisterContentScripts({ ids: [AUTO] });
    if (sites.length) {
      await api.scripting.registerContentScripts([{
        id: AUTO,
        matches: sites.map((site) => `${site}/*`),
        js: ["otpfield.js", "fill.js", "autofill.js"],
        runAt: "document_idle",
        allFrames: false,
        persistAcrossSessions: true,
      }]);
    }
  };
  syncing = syncing.then(sync, sync).catch((error) => trace("auto-fill scripts:", String(error)));
  return syncing;
}

async function autoFill(tabId, url) {
  const site = siteOf(url);
  if (!site || !(await api.permissions.contains({ origins: [`${site}/*`] }))) return;
  const answer = await ask({ type: "codes", url, auto: true });
  if (answer.off) {
    trace(`${site} is no longer filled on its own: giving its access back`);
    await api.permissions.remove({ origins: [`${site}/*`] });
    return;
  }
  await deliver(tabId, 0, { type: "traycodes-fill", answer, explicit: false, url, auto: true });
}

api.permissions.onAdded.addListener(async ({ origins = [] }) => {
  // a frame's site (askForFrames) is filled by a press only: not added to the host's list
  // (if its own page is later filled on its own, the host's "off" gives its access back)
  const added = origins.filter((origin) => SITE_PATTERN.test(origin)).map((o) => o.slice(0, -2))
    .filter((site) => !(forFrames.delete(site) && !wanted.has(site)));
  for (const site of added) {
    const submit = wanted.get(site) === true;
    wanted.delete(site);
    const reply = await ask({ type: "allow", site, submit });
    if (!reply.ok) trace(`cannot allow ${site}:`, reply.error);
  }
  await syncAutofill();
  for (const site of added) {
    // the page already open gets the auto-fill script now, not at its next load
    for (const tab of await api.tabs.query({ url: `${site}/*` })) {
      api.scripting.executeScript({
        target: { tabId: tab.id, frameIds: [0] },
        files: ["otpfield.js", "fill.js", "autofill.js"],
      }).catch((error) => trace("auto-fill:", String(error)));
    }
  }
});

api.permissions.onRemoved.addListener(async ({ origins = [] }) => {
  for (const origin of origins.filter((o) => SITE_PATTERN.test(o))) {
    await ask({ type: "revoke", site: origin.slice(0, -2) });
  }
  await syncAutofill();
});

// The popup's part: the page's site and the sites filled on their own; allow (the popup
// asks the browser for the permission itself, within the user's click), submit, revoke.
async function autofillMessage(message) {
  const site = typeof message.site === "string" ? siteOf(message.site) : null;
  if (message.type === "popup-want" && site) {
    wanted.set(site, message.submit === true);
    return { ok: true };
  }
  if (message.type === "popup-site-submit" && site) {
    return ask({ type: "allow", site, submit: message.submit === true });
  }
  if (message.type === "popup-site-revoke" && site) {
    await api.permissions.remove({ origins: [`${site}/*`] }); // onRemoved: the host's list too
    return ask({ type: "revoke", site });
  }
  if (message.type !== "popup-sites") return { ok: false, error: "not a request of ours" };
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  const listed = await ask({ type: "sites" });
  if (!listed.ok) return listed;
  const granted = new Set(await grantedSites());
  const sites = listed.sites.map((entry) => ({ ...entry, granted: granted.has(entry.site) }));
  const page = tab && tab.url ? siteOf(tab.url) : null;
  const entry = sites.find((found) => found.site === page);
  return { ok: true, site: page, allowed: Boolean(entry && entry.granted), submit: Boolean(entry && entry.submit), sites };
}
