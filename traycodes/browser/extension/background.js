// The extension's background: the shortcut, the context menu and the popup ask the native
// host (traycodes browser-host) for the codes of the page's site. The page's address is
// always the browser's own (the tab's or the frame's URL), never anything the page says.
"use strict";

const api = globalThis.browser ?? globalThis.chrome;
const HOST = "traycodes";
const NOT_INSTALLED = "the traycodes host is not installed for this browser: run 'traycodes browser on'";

// One connection to the host, kept while the background lives: a host started once answers
// every request (starting one per request costs ~100 ms). Replies carry the request's id.
let port = null;
let nextId = 1;
const waiting = new Map();

function connect() {
  const opened = api.runtime.connectNative(HOST);
  opened.onMessage.addListener((reply) => {
    const done = reply && waiting.get(reply.rid);
    if (done) {
      waiting.delete(reply.rid);
      done(reply);
    }
  });
  opened.onDisconnect.addListener(() => {
    // why: Chromium says it in lastError, Firefox in the port's error
    const why = (api.runtime.lastError && api.runtime.lastError.message) || (opened.error && opened.error.message) || "";
    if (port === opened) port = null;
    const stranded = [...waiting.values()];
    waiting.clear();
    for (const done of stranded) done({ ok: false, dropped: true, error: hostError(why) });
  });
  return opened;
}

function hostError(why) {
  if (/not found|no such native application/i.test(why)) return NOT_INSTALLED;
  if (/forbidden|not allowed/i.test(why)) {
    return "the traycodes host does not allow this copy of the extension: run 'traycodes browser on'";
  }
  return `the traycodes host stopped${why ? ` (${why})` : ""}: press the shortcut again`;
}

// This install's token, which `traycodes browser path` writes into the copy it makes: the
// host answers nothing without it (another add-on claiming our id has no copy of it).
let token = null;

async function loadToken() {
  if (token === null) {
    try {
      const response = await fetch(api.runtime.getURL("token.json"));
      token = String((await response.json()).token || "");
    } catch {
      token = ""; // the package's own folder loaded: the host says which folder to load
    }
  }
  return token;
}

function send(message, secret) {
  return new Promise((resolve) => {
    const rid = nextId++;
    waiting.set(rid, resolve);
    try {
      if (!port) port = connect();
      port.postMessage({ ...message, rid, token: secret });
    } catch (error) {
      waiting.delete(rid);
      port = null;
      resolve({ ok: false, dropped: true, error: hostError(String((error && error.message) || "")) });
      return;
    }
    setTimeout(() => {
      if (waiting.delete(rid)) resolve({ ok: false, error: "traycodes did not answer" });
    }, 20000);
  });
}

// A request to the host. A connection that closed under the request (the browser ended
// the host, 'browser on' replaced it) is opened anew and the request sent once more.
async function ask(message) {
  const secret = await loadToken();
  const reply = await send(message, secret);
  if (!reply.dropped) return reply;
  trace("the host connection closed:", reply.error, "- asking again");
  const again = await send(message, secret);
  delete again.dropped;
  return again;
}

function trace(...parts) {
  console.warn("traycodes:", ...parts); // the service worker's console (chrome://extensions)
}

// A note where the page cannot show one (a page extensions may not touch, a page that
// arrived after the press took the access away): the toolbar button turns red with "!" and
// says why on hover, and a desktop notification says it too (an unpinned button shows no
// badge): a press is never answered by silence.
async function say(tabId, text) {
  trace(text);
  // a tab closed meanwhile: no note (on the desktop it would read as the next press's answer)
  if (await closed(tabId)) return;
  try {
    await api.action.setBadgeBackgroundColor({ tabId, color: "#b3261e" });
    await api.action.setBadgeText({ tabId, text: "!" });
    await api.action.setTitle({ tabId, title: `traycodes: ${text}` });
  } catch (error) {
    trace("cannot show the note:", String(error));
  }
  try {
    await api.notifications.create(`traycodes-note-${tabId}`, {
      type: "basic",
      iconUrl: api.runtime.getURL("icon-48.png"),
      title: "traycodes",
      message: text,
    });
  } catch (error) {
    trace("cannot show the notification:", String(error));
  }
}

async function unsay(tabId) {
  try {
    await api.action.setBadgeText({ tabId, text: "" });
    await api.action.setTitle({ tabId, title: "traycodes" });
  } catch {
    // the tab closed meanwhile: nothing to take back
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// What waiting does not cure: the browser's own pages, the web store, an error page
const NEVER = /chrome:\/\/|gallery|cannot be scripted|error page/i;

const DENIED = /must request permission|cannot access/i;

// Whether the tab's navigation is over and its page is at `origin`, or is a page this
// extension may not even read the address of (no access to that site, none from a press).
async function arrived(tabId, origin) {
  try {
    const tab = await api.tabs.get(tabId);
    if (tab.status !== "complete" || tab.pendingUrl) return false;
    return !tab.url || new URL(tab.url).origin === origin;
  } catch {
    return false;
  }
}

// A tab the user closed while its press was being answered: nobody left to answer (a note
// then would land on the desktop, where it reads as the answer to the next page's press).
async function closed(tabId) {
  try {
    await api.tabs.get(tabId);
    return false;
  } catch {
    return true;
  }
}

async function inject(tabId, frameId) {
  await api.scripting.executeScript({
    target: { tabId, frameIds: [frameId] },
    files: ["otpfield.js", "fill.js"],
  });
}

// The frame's origin, if its document has the filler (a press on a page just opening may
// inject into the tab's empty first document and read the page that replaced it).
async function originOf(tabId, frameId) {
  const [found] = await api.scripting.executeScript({
    target: { tabId, frameIds: [frameId] },
    func: () => (globalThis.traycodesFill ? location.origin : "a document without the filler"),
  });
  return found ? found.result : null;
}

// Inject into the frame once it shows `url`'s site, waiting out a frame that is still
// being set up or navigating (a press on a page just opened: the tab's first empty
// document, a navigation not yet committed) for up to five seconds; then the error is
// thrown (and said). The filler checks the origin again when the answer comes.
async function reach(tabId, frameId, url) {
  const wanted = new URL(url).origin;
  const until = Date.now() + 5000;
  for (let attempt = 1; ; attempt++) {
    let why;
    try {
      await inject(tabId, frameId);
      const origin = await originOf(tabId, frameId);
      if (origin === wanted) {
        if (attempt > 1) trace(`the page took the filler at attempt ${attempt}`);
        return;
      }
      why = `the frame shows ${origin}, not yet ${wanted}`;
    } catch (error) {
      why = String((error && error.message) || error);
      if (NEVER.test(why) || (await closed(tabId))) throw new Error(why);
      if (frameId === 0 && DENIED.test(why) && (await arrived(tabId, wanted))) {
        throw new Error(why); // the page is there and no access came with it: waiting won't help
      }
    }
    if (Date.now() > until) throw new Error(why);
    trace(`the page is not ready (${why}): trying again`);
    await sleep(100);
  }
}

// Hand the page its message; a document replaced since the injection gets the filler anew.
async function deliver(tabId, frameId, message) {
  try {
    await api.tabs.sendMessage(tabId, message, { frameId });
  } catch (error) {
    trace("the page did not take the message:", String(error), "- injecting again");
    await reach(tabId, frameId, message.url);
    await api.tabs.sendMessage(tabId, message, { frameId });
  }
}

// Fill the page (one frame of it): inject the filler, ask for the site's accounts, hand
// them over. `url` is the frame's address as the browser knows it (the filler checks that
// its document is still at that origin). `explicit`: the context menu (the user chose the
// field); otherwise only a code field is filled. Every press ends in a fill or a note: on
// the page when it can be reached, else on the toolbar button.
async function fillFrame(tabId, frameId, url, explicit = false) {
  await unsay(tabId);
  try {
    try {
      await reach(tabId, frameId, url);
    } catch (error) {
      if (await closed(tabId)) return trace("the tab closed before its fill:", error.message);
      // a press before the page's navigation committed: the browser granted access to the
      // tab's previous document, not to the page that then arrived
      // (unless the user allowed this site: then its pages are reachable when they arrive)
      const early = DENIED.test(error.message);
      await say(tabId, early
        ? `the page was still opening when the shortcut was pressed: press it again, or ` +
          `let traycodes fill ${siteOf(url) || "this site"} on its own (its list, Alt+Shift+Y) ` +
          "to fill at the first press"
        : `cannot fill this page (${error.message})`);
      return;
    }
    const frame = explicit ? frameId : await codeFrame(tabId, frameId, url);
    if (frame === null) {
      const hosts = askingFrames.get(tabId).origins.map((origin) => new URL(origin).host).join(", ");
      const error = `the code field is in a frame of ${hosts}: press the shortcut again to let ` +
        "traycodes fill there (your browser asks you once)";
      await deliver(tabId, frameId, { type: "traycodes-fill", answer: { ok: false, error }, url });
    } else if (frame !== frameId) {
      await pressFrame(tabId, frame, url);
    } else {
      const answer = await ask({ type: "codes", url });
      await deliver(tabId, frameId, { type: "traycodes-fill", answer, explicit, url });
    }
  } catch (error) {
    const why = String((error && error.message) || error);
    if (await closed(tabId)) return trace("the tab closed before its fill:", why);
    await say(tabId, `the fill failed: ${why}`);
    return;
  }
  hello().catch((error) => trace("hello:", String(error))); // the shortcut may have changed
}

// The shortcut's frame: the code step may be in a frame of another origin (Apple's sign-in
// runs in an idmsa.apple.com frame inside appleid.apple.com). Each frame the browser lets
// us reach says whether it has a code field and the keyboard: the frame with both, else
// `top` if it has a code field, else the first frame that has one, else `top`. activeTab
// reaches the page's own origin only: with no code field there, the user is asked (once
// per site, by the browser) to let the extension into the page's https frames of other
// origins; which account a frame gets is still decided by its own address. null: the
// user is to be asked (askingFrames), on the next press.
async function codeFrame(tabId, top, url) {
  const found = await probe(tabId);
  if (!found.some((frame) => frame.result && frame.result.field)) {
    const origins = await framesElsewhere(tabId, top);
    if (origins.length) {
      askingFrames.set(tabId, { url, origins });
      return null;
    }
  }
  const fields = found.filter((frame) => frame.result && frame.result.field);
  const chosen = fields.find((frame) => frame.result.focus) ||
    fields.find((frame) => frame.frameId === top) || fields[0];
  return chosen ? chosen.frameId : top;
}

async function probe(tabId) {
  try {
    const target = { tabId, allFrames: true };
    await api.scripting.executeScript({ target, files: ["otpfield.js", "fill.js"] });
    return await api.scripting.executeScript({ target, func: () => globalThis.traycodesProbe() });
  } catch (error) {
    trace("the frames were not searched:", String((error && error.message) || error));
    return [];
  }
}

// The https origins of the page's visible frames that the extension may not enter yet and
// that traycodes has an account for (the page names them: they only say which permission
// to ask for, never which account a frame gets).
async function framesElsewhere(tabId, top) {
  let origins = [];
  try {
    const [found] = await api.scripting.executeScript({
      target: { tabId, frameIds: [top] },
      func: () => Array.from(document.querySelectorAll("iframe, frame"))
        .filter((frame) => frame.getClientRects().length > 0)
        .map((frame) => { try { return new URL(frame.src).origin; } catch { return ""; } })
        .filter((origin) => origin.startsWith("https://") && origin !== location.origin),
    });
    origins = [...new Set((found && found.result) || [])];
  } catch (error) {
    trace("the page's frames were not listed:", String((error && error.message) || error));
  }
  const missing = [];
  for (const origin of origins) {
    if (await api.permissions.contains({ origins: [`${origin}/*`] })) continue;
    const answer = await ask({ type: "codes", url: `${origin}/` });
    if (answer.ok && answer.accounts.length > 0) missing.push(origin);
  }
  return missing;
}

// Tabs whose last press found the code step in frames the extension may not enter yet:
// tab id -> {url, origins}. The next press there asks the browser's own question, while
// the press is still a user gesture (the browser asks nothing after an await).
const askingFrames = new Map();
// The sites asked for here: their access lets a press fill their frames, and never makes
// them sites filled on their own (permissions.onAdded leaves them off the host's list).
const forFrames = new Set();

function askForFrames(tab) {
  const waiting = askingFrames.get(tab.id);
  askingFrames.delete(tab.id);
  if (!waiting || waiting.url !== tab.url) return false;
  waiting.origins.forEach((origin) => forFrames.add(origin));
  api.permissions.request({ origins: waiting.origins.map((origin) => `${origin}/*`) })
    .catch((error) => trace("the frames' permission was not asked:", String(error)))
    .then(() => fillFrame(tab.id, 0, tab.url));
  return true;
}

// Presses waiting for their frame's request (frame-codes): "tab:frame" -> when pressed.
const framePresses = new Map();

// The shortcut's press handed to a frame other than the page: the frame asks for its own
// site's accounts (frame-codes), so the browser names its address, not the page's.
async function pressFrame(tabId, frameId, url) {
  framePresses.set(`${tabId}:${frameId}`, Date.now());
  await api.tabs.sendMessage(tabId, { type: "traycodes-press", top: new URL(url).host }, { frameId });
}

// The popup's Copy: the code is cleared from the clipboard after `seconds` if the clipboard
// still holds it (never what the user copied since), as the app does. The popup closes at
// once: Chromium's worker has no clipboard, so an offscreen document (clipboard.html)
// waits and clears; Firefox's background is a page and does it itself.
async function clearLater(code, seconds) {
  if (!code || !(seconds > 0)) return;
  if (!api.offscreen) {
    setTimeout(() => globalThis.traycodesClipboard.clearIfHolding(code), seconds * 1000);
    return;
  }
  try {
    if (!(await api.offscreen.hasDocument())) {
      await api.offscreen.createDocument({
        url: "clipboard.html",
        reasons: ["CLIPBOARD"],
        justification: "clear a copied two-factor code from the clipboard after the app's time",
      });
    }
    await api.runtime.sendMessage({ type: "clipboard-clear-later", code, seconds });
  } catch (error) {
    trace("the clipboard will not be cleared:", String((error && error.message) || error));
  }
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
